"""Sudo mode and the FAQ e-CPS in a real browser: reading, accessibility, the way back."""

import time

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import Page, expect

from accounts import services
from accounts.sudo import SESSION_SUDO_AT
from tests.e2e.test_login import login_with_card
from tests.factories import DEFAULT_PIN
from tests.helpers import client_request, wrong_code

pytestmark = pytest.mark.django_db(transaction=True)


def _age_the_proof(page: Page) -> None:
    """As if the professional had left the computer for a while since logging in."""
    cookie = next(c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    session = SessionStore(session_key=cookie["value"])
    session[SESSION_SUDO_AT] = 0
    session.save()


def test_replacing_e_cps_after_a_while_asks_for_the_card_pin_first(
    page: Page, live_server, alice, alice_card, alice_ecps, assert_accessible, tmp_path
) -> None:
    login_with_card(page, live_server.url, alice_card.number, DEFAULT_PIN)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes patients")
    _age_the_proof(page)

    page.goto(f"{live_server.url}/parametrages/")
    page.get_by_role("link", name="Remplacer mon application e-CPS").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Confirmez votre identité")
    page.get_by_label("Code porteur de votre carte CPS (4 chiffres)").fill("0000")
    page.get_by_role("button", name="Confirmer").first.click()
    expect(page.get_by_text("Code porteur erroné. Il vous reste 2 essais")).to_be_visible()
    page.get_by_label("Code de sécurité affiché par l'application e-CPS").fill(wrong_code(alice_ecps))
    page.get_by_role("button", name="Confirmer").last.click()
    expect(page.get_by_text("Code de sécurité incorrect.")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=tmp_path / "sudo.png", full_page=True)

    page.get_by_label("Code porteur de votre carte CPS (4 chiffres)").fill(DEFAULT_PIN)
    page.get_by_role("button", name="Confirmer").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Remplacer l'application e-CPS")


def test_the_clock_hint_links_to_the_faq(
    page: Page, live_server, alice, alice_ecps, assert_accessible, tmp_path
) -> None:
    page.goto(f"{live_server.url}/connexion/e-cps/")
    page.locator("#id_rpps").fill(alice.rpps)
    page.get_by_role("button", name="Se connecter").click()
    for _ in range(3):
        page.locator("#id_token").fill(wrong_code(alice_ecps))
        page.get_by_role("button", name="Valider").click()
    hint = page.get_by_role("alert").filter(has_text="mauvaise configuration de l'heure")
    expect(hint).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=tmp_path / "code.png", full_page=True)

    hint.get_by_role("link", name="la FAQ e-CPS").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("FAQ e-CPS")
    expect(
        page.get_by_role("heading", name="Mes codes e-CPS sont refusés à chaque connexion")
    ).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=tmp_path / "faq.png", full_page=True)


def test_a_suspended_e_cps_is_reactivated_from_parametrages_after_a_card_login(
    page: Page, live_server, alice, alice_card, alice_ecps, assert_accessible, tmp_path
) -> None:
    for n in range(20):  # twenty wrong codes, one a minute, from as many addresses
        with time_machine.travel(time.time() - (20 - n) * 61):
            services.ecps_code_check(
                request=client_request(f"203.0.113.{n + 1}"), device=alice_ecps, token=wrong_code(alice_ecps)
            )
    login_with_card(page, live_server.url, alice_card.number, DEFAULT_PIN)
    page.goto(f"{live_server.url}/parametrages/")

    expect(page.get_by_text("Votre application e-CPS est suspendue depuis le")).to_be_visible()
    expect(page.get_by_role("cell", name="Le portail a suspendu l'application e-CPS")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=tmp_path / "settings.png", full_page=True)

    page.get_by_role("button", name="Réactiver mon application e-CPS").click()

    expect(page.get_by_text("Votre application e-CPS est réactivée.")).to_be_visible()
    expect(page.get_by_role("link", name="Remplacer mon application e-CPS")).to_be_visible()
