"""Mes sessions in a real browser: two browsers of one professional, one ends the other."""

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.test_login import login_with_card
from tests.factories import DEFAULT_PIN

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_professional_ends_their_session_on_another_computer(
    page: Page, browser: Browser, live_server, alice, alice_card, assert_accessible
) -> None:
    other = browser.new_context(
        user_agent="Mozilla/5.0 (X11; Linux x86_64; rv:146.0) Gecko/20100101 Firefox/146.0"
    )
    other_page = other.new_page()
    login_with_card(other_page, live_server.url, alice_card.number, DEFAULT_PIN)
    expect(other_page.get_by_role("heading", level=1)).to_have_text("Mes patients")

    login_with_card(page, live_server.url, alice_card.number, DEFAULT_PIN)
    page.get_by_role("link", name="PARAMÉTRAGES").click()
    page.get_by_role("link", name="Voir mes sessions").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Mes sessions")
    rows = page.get_by_role("row")
    expect(rows).to_have_count(3)  # the header, this session, the other one
    expect(page.get_by_text("Session en cours")).to_have_count(1)
    expect(page.get_by_role("cell", name="Firefox sous Linux")).to_have_count(1)
    assert_accessible(page)

    page.get_by_role("button", name="Terminer la session ouverte le").click()

    expect(page.get_by_role("status")).to_contain_text("La session a été terminée")
    expect(page.get_by_role("row")).to_have_count(2)
    expect(page.get_by_text("Aucune autre session n'est ouverte à votre nom.")).to_be_visible()
    assert_accessible(page)

    other_page.reload()
    expect(other_page).to_have_url(f"{live_server.url}/connexion/?next=/")
    other.close()
