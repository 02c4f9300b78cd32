"""The trainer's workshop in a real browser: create a session, print a login sheet, and a trainee
logs in with that sheet's card and PIN and finds only their own sandbox in the Carte Vitale reader."""

import re

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import Browser, Page, expect

from tests.e2e.test_login import login_with_card
from tests.factories import DEFAULT_PIN, CPSCardFactory, PracticeFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def trainer_card(transactional_db):
    trainer = PracticeFactory(
        professional__first_name="Hélène", professional__last_name="Schmitt"
    ).professional
    trainer.user_permissions.add(Permission.objects.get(codename="run_workshop"))
    return CPSCardFactory(user=trainer)


def test_a_trainer_creates_a_session_and_a_trainee_logs_in_with_the_sheet(
    page: Page, browser: Browser, live_server, trainer_card, assert_accessible, tmp_path
):
    login_with_card(page, live_server.url, trainer_card.number, DEFAULT_PIN)
    page.get_by_role("link", name="ATELIER").click()
    assert_accessible(page)
    page.get_by_role("link", name="Créer une session").click()
    page.get_by_label("Nom de la session").fill("Atelier de Colmar")
    page.get_by_label("Date de l'atelier").fill("12/03/2026")
    page.get_by_label("Nombre de stagiaires").fill("3")
    page.get_by_text("Profession de chaque poste").click()
    page.get_by_label("Poste 2", exact=True).select_option("preparateur")
    assert_accessible(page)
    page.get_by_role("button", name="Créer la session").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Atelier de Colmar")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(1)).to_contain_text("Préparateur en pharmacie")
    assert_accessible(page)
    page.screenshot(path=tmp_path / "workshop-session.png", full_page=True)

    page.get_by_role("link", name="Fiche du poste 2").click()
    sheet = page.locator("article.dmp-sheet")
    expect(sheet).to_have_count(1)
    expect(sheet.locator("svg")).to_be_visible()
    expect(sheet).to_contain_text("M. HOLTZINGER MARC")
    assert_accessible(page)
    page.screenshot(path=tmp_path / "workshop-sheet.png", full_page=True)
    facts = sheet.locator("dl").inner_text()
    card = re.search(r"Carte CPS\s+(\d{10})", facts).group(1)
    pin = re.search(r"Code porteur\s+(\d{4})", facts).group(1)

    trainee = browser.new_context(base_url=live_server.url).new_page()
    login_with_card(trainee, live_server.url, card, pin)
    expect(trainee.get_by_role("heading", level=1)).to_have_text("Mes patients")
    expect(trainee.get_by_role("link", name="ATELIER")).to_have_count(0)
    trainee.get_by_role("link", name="Lire la carte Vitale").click()
    expect(trainee.get_by_text("HOLTZINGER")).to_have_count(1)  # one copy: their own sandbox's
    assert trainee.goto(f"{live_server.url}/atelier/").status == 403
