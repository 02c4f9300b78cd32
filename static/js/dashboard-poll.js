// Trainer dashboard: replace the grid with a fresh copy every few seconds (no inline script:
// strict Content-Security-Policy). The grid's view does not count as activity, so an open
// dashboard never keeps the session alive: once it has expired, the poll is redirected to the
// login and the page reloads itself there.
document.querySelectorAll("[data-poll-url]").forEach((region) => {
  const url = region.dataset.pollUrl;
  const every = Number(region.dataset.pollSeconds) * 1000;
  const timer = window.setInterval(async () => {
    let response;
    try {
      response = await fetch(url, { credentials: "same-origin", redirect: "manual" });
    } catch {
      return; // offline for a moment: try again at the next tick
    }
    if (response.type === "opaqueredirect" || response.status === 403 || response.status === 404) {
      window.clearInterval(timer);
      window.location.reload();
      return;
    }
    if (response.ok) {
      region.innerHTML = await response.text();
    }
  }, every);
});
