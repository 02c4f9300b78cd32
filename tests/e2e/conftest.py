"""Browser tests: Playwright (sync API) driving Debian's chromium against pytest-django's live_server.

Run them with `make e2e` (`pytest -m e2e -p no:xdist`); `make test` leaves them out.
"""

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page

# Playwright's sync API runs an event loop in the test's thread, so Django sees every ORM
# call there (creating the test database, the factories) as made from async code and raises
# SynchronousOnlyOperation. This must be set before the test database is created, hence at
# import time. Note: conftests are imported by every run, so `make test` gets it too.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

E2E_DIR = Path(__file__).resolve().parent
# axe-core, from package.json (`make e2e` runs `npm ci`). Our CSP forbids injected <script>
# tags, so the checker's source is evaluated in the page instead.
AXE_JS = E2E_DIR.parents[1] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "RGAAv4"]
AXE_BLOCKING = {"serious", "critical"}


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/e2e is a browser test: mark it `e2e`."""
    for item in items:
        if E2E_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Debian's chromium, headless (unless --headed), with no background traffic.

    Never a skip: without the browser, every browser test fails here.
    """
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} is missing: install it with "
            "`apt-get install -y --no-install-recommends chromium` (browser tests are never skipped).",
            pytrace=False,
        )
    return {
        "headless": True,
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `npm ci` (make e2e does).", pytrace=False)
    return AXE_JS.read_text()


@pytest.fixture
def assert_accessible(axe_source: str) -> Callable[[Page], None]:
    """Run axe-core (WCAG 2 A/AA and RGAA 4 rules) on the page as it is now: no serious or
    critical violation. Axe covers about a third of RGAA; the rest stays a manual check."""

    def check(page: Page) -> None:
        page.evaluate(axe_source)
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
        blocking = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]
            if v["impact"] in AXE_BLOCKING
        ]
        assert not blocking, f"axe-core on {page.url}:\n" + "\n".join(blocking)

    return check
