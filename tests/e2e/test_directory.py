"""The Annuaire santé in a real browser: from the header, a search by partial name without accents,
the flagged colleague, and the "Écrire" link to the messaging's compose page; accessible."""

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Profession
from tests.e2e.test_login import login_with_card
from tests.factories import DEFAULT_PIN, DirectoryEntryFactory, DirectoryPracticeFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_pharmacist_finds_a_colleague_and_opens_a_message_to_them(
    page: Page, live_server, alice, alice_card, assert_accessible, tmp_path
) -> None:
    colleague = DirectoryPracticeFactory(
        entry__last_name="Lefèvre",
        entry__first_name="Zoé",
        entry__profession=Profession.objects.get(code="10"),
        entry__specialty="Pédiatrie",
        structure_name="Hôpital Saint-Nicolas",
        city="Nancy",
        role="Pédiatre",
    ).entry
    colleague.mailboxes.create(address="zoe.lefevre@hopital-nancy.mssante.fr")
    DirectoryPracticeFactory(
        entry__last_name="Lefebvre",
        entry__first_name="Tom",
        entry__civility="M",
        entry__has_email=False,
        city="Metz",
    )
    DirectoryEntryFactory(last_name="Martin", first_name="Léa")
    login_with_card(page, live_server.url, alice_card.number, DEFAULT_PIN)

    page.get_by_role("link", name="ANNUAIRE SANTÉ").click()
    expect(page.get_by_role("heading", name="Annuaire santé", level=1)).to_be_visible()
    page.get_by_label("Nom (et prénom)").fill("lefe")
    page.get_by_role("button", name="Rechercher").click()

    results = page.get_by_role("region", name="Professionnels correspondant aux critères")
    expect(results.get_by_role("heading", level=3)).to_have_text(["M. Tom LEFEBVRE", "Mme Zoé LEFÈVRE"])
    expect(results).to_contain_text("Médecin — Pédiatrie")
    expect(results).to_contain_text("Hôpital Saint-Nicolas — Nancy (salarié, Pédiatre)")
    expect(results).to_contain_text("e-CPS impossible.")
    expect(results).not_to_contain_text("Léa MARTIN")
    assert_accessible(page)
    page.screenshot(path=tmp_path / "annuaire.png", full_page=True)

    page.get_by_role("link", name="Écrire à Zoé LEFÈVRE (zoe.lefevre@hopital-nancy.mssante.fr)").click()
    expect(page).to_have_url(
        f"{live_server.url}/messagerie/nouveau/?a=zoe.lefevre%40hopital-nancy.mssante.fr"
    )
    expect(page.get_by_label("Destinataires")).to_have_value("zoe.lefevre@hopital-nancy.mssante.fr")
