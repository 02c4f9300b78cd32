"""Logging in with a real browser: CPS card, e-CPS, logout, CSP, rendering."""

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.factories import DEFAULT_PIN
from tests.helpers import code_for

# live_server answers from another thread: the data must be committed, so each test runs
# in a transactional database. The flush afterwards empties the reference tables too; the
# apps reload their codes on post_migrate (accounts/reference, documents/reference).
pytestmark = pytest.mark.django_db(transaction=True)

CSP = "Content Security Policy"


def login_with_card(page: Page, base_url: str, number: str, pin: str) -> None:
    page.goto(f"{base_url}/connexion/")
    page.get_by_role("link", name="Carte CPS").click()
    expect(page).to_have_url(f"{base_url}/connexion/carte-cps/")
    page.locator("#id_number").fill(number)
    page.locator("#id_pin").fill(pin)
    page.get_by_role("button", name="Valider").click()


def test_login_with_cps_card_and_pin(page: Page, live_server, alice, alice_card) -> None:
    login_with_card(page, live_server.url, alice_card.number, DEFAULT_PIN)

    expect(page.get_by_role("heading", level=1)).to_have_text("Mes patients")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("banner")).to_contain_text(alice.display_name)


def test_login_with_ecps_then_logout_remembers_rpps(page: Page, live_server, alice, alice_ecps) -> None:
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_role("link", name="Application e-CPS").click()
    expect(page).to_have_url(f"{live_server.url}/connexion/e-cps/")
    page.locator("#id_rpps").fill(alice.rpps)
    page.get_by_label("Mémoriser mon identifiant sur ce poste").check()
    page.get_by_role("button", name="Se connecter").click()

    expect(page).to_have_url(f"{live_server.url}/connexion/e-cps/code/")
    page.locator("#id_token").fill(code_for(alice_ecps))
    page.get_by_role("button", name="Valider").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Mes patients")
    expect(page.get_by_role("banner")).to_contain_text(alice.display_name)

    page.get_by_role("banner").get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(f"{live_server.url}/connexion/")
    expect(page.get_by_role("banner").get_by_role("button", name="Se déconnecter")).to_have_count(0)

    page.goto(f"{live_server.url}/connexion/e-cps/")
    expect(page.locator("#id_rpps")).to_have_value(alice.rpps)
    expect(page.locator("#id_remember")).to_be_checked()


def test_pages_have_no_csp_violation(page: Page, live_server, alice, alice_card) -> None:
    messages: list[str] = []

    def record(message: ConsoleMessage) -> None:
        messages.append(f"{message.type}: {message.text}")

    page.on("console", record)
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))

    response = page.goto(f"{live_server.url}/connexion/")
    assert response is not None
    assert "default-src 'self'" in response.headers["content-security-policy"]
    # Pages with forms, then a logged-in page (header, menu, logout form).
    login_with_card(page, live_server.url, alice_card.number, DEFAULT_PIN)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes patients")
    page.goto(f"{live_server.url}/connexion/e-cps/")
    page.wait_for_load_state("load")

    assert [m for m in messages if CSP in m] == []

    # The listener does see violations: an inline script is refused, and reported.
    with page.expect_console_message(lambda m: CSP in m.text):
        page.evaluate(
            """() => {
                const s = document.createElement("script");
                s.textContent = "window.inlineRan = true";
                document.body.append(s);
            }"""
        )
    assert page.evaluate("() => window.inlineRan") is None


def test_login_page_screenshot(page: Page, live_server, tmp_path) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/connexion/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
    page.wait_for_load_state("networkidle")

    shot = tmp_path / "connexion.png"
    page.screenshot(path=shot, full_page=True)

    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 10_000, len(data)
    # The stylesheets were served (through live_server's static handler) and applied:
    # the header has the portal's background, not the browser's transparent default.
    header_colour = page.get_by_role("banner").evaluate("el => getComputedStyle(el).backgroundColor")
    assert header_colour not in ("", "transparent", "rgba(0, 0, 0, 0)")
