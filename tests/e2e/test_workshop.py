"""The workshop's path in a real browser: find the patient by identity criteria, see the
relevance, declare consent, land on the Récapitulatif, then read the access history."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_login import login_with_card
from tests.factories import DEFAULT_PIN, PatientFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pierre(transactional_db):
    """The slides' patient, and a homonym born the same year who must rank below him."""
    PatientFactory(
        birth_name="Le Quinio", first_name="Pierre", birth_date="1974-03-05", birth_place_cog="29019"
    )
    return PatientFactory(
        birth_name="Le Quinio", first_name="Pierre", birth_date="1974-09-12", birth_place_cog="56121"
    )


def _find_and_open(page: Page, base_url: str, pierre) -> None:
    page.get_by_role("link", name="Rechercher un patient").click()
    page.get_by_label("Nom (d'usage ou de naissance)").fill("le-quinio")
    page.get_by_label("Prénom").fill("pierre")
    page.get_by_label("Sexe").select_option("M")
    page.get_by_label("Date ou année de naissance (JJ/MM/AAAA ou AAAA)").fill("12/09/1974")
    page.get_by_role("button", name="Rechercher").click()

    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("90%")  # name, first name, sex and exact birth date
    expect(rows.first).to_contain_text("12/09/1974")
    expect(rows.nth(1)).to_contain_text("85%")  # the same birth year only
    rows.first.get_by_role("link").first.click()


def test_search_declare_consent_and_land_on_the_summary(
    page: Page, live_server, alice, alice_card, pierre, assert_accessible
):
    login_with_card(page, live_server.url, alice_card.number, DEFAULT_PIN)
    assert_accessible(page)
    _find_and_open(page, live_server.url, pierre)
    assert_accessible(page)

    expect(
        page.get_by_text("Vous n'êtes actuellement pas autorisé à accéder au DMP de M. LE QUINIO PIERRE")
    ).to_be_visible()
    page.get_by_label(
        "Le patient (ou son représentant légal), préalablement informé, consent au fait que j'accède à son DMP."
    ).check()
    page.get_by_role("button", name="Accéder au DMP").click()

    expect(page.get_by_role("navigation", name="Fil d'Ariane")).to_contain_text("Mes Patients")
    expect(page.get_by_role("navigation", name="Fil d'Ariane")).to_contain_text("DMP de M. LE QUINIO PIERRE")
    expect(page.get_by_role("navigation", name="Fil d'Ariane")).to_contain_text("Récapitulatif")
    assert_accessible(page)


def test_the_history_shows_the_slides_three_lines_and_prints(
    page: Page, live_server, alice, alice_card, pierre, tmp_path, assert_accessible
):
    login_with_card(page, live_server.url, alice_card.number, DEFAULT_PIN)
    _find_and_open(page, live_server.url, pierre)
    page.get_by_label(
        "Le patient (ou son représentant légal), préalablement informé, consent au fait que j'accède à son DMP."
    ).check()
    page.get_by_role("button", name="Accéder au DMP").click()

    page.get_by_role("link", name="Historique des accès").click()

    rows = page.locator("table.dmp-history tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("a consulté l'historique des accès")
    expect(rows.nth(1)).to_contain_text("a ouvert le DMP avec un navigateur web")
    expect(rows.nth(2)).to_contain_text("s'est déclaré autorisé à accéder au DMP")
    expect(rows.nth(2)).to_contain_text(f"{alice.display_name} (Pharmacien)")
    expect(page.get_by_text("Toutes les actions (3)")).to_be_visible()
    expect(page.get_by_text("Vos actions (3)")).to_be_visible()
    assert_accessible(page)

    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Imprimer")).to_be_hidden()
    expect(page.get_by_role("banner")).to_be_hidden()
    expect(rows).to_have_count(3)
    expect(page.get_by_text("matricule INS")).to_be_visible()
    page.pdf(path=tmp_path / "historique.pdf")
    assert (tmp_path / "historique.pdf").read_bytes().startswith(b"%PDF")
