"""The seeded demo's rich record in a real browser, as the slides show it to a pharmacist: Élise
MARCHAL reads "Tous les documents (11)", the slide's grid, and the list of the eleven documents."""

import pytest
from playwright.sync_api import Page, expect

from patients.models import Patient
from tests.e2e.test_login import login_with_card
from workshop.demo import DEMO_PIN, PROFESSIONALS, RICH_RECORD, seed_demo

# live_server answers from another thread: the data must be committed.
pytestmark = pytest.mark.django_db(transaction=True)

MARCHAL_CARD = PROFESSIONALS[0].card_number


@pytest.fixture
def record(transactional_db, settings) -> Patient:
    settings.DMP_DEMO_MODE = True
    seed_demo()
    return Patient.objects.get(ins=RICH_RECORD.ins)


def test_elise_marchal_reads_the_slides_eleven_documents(
    page: Page, live_server, record, assert_accessible, tmp_path
) -> None:
    login_with_card(page, live_server.url, MARCHAL_CARD, DEMO_PIN)
    page.goto(f"{live_server.url}/dmp/{record.code}/")

    expect(page.get_by_role("link", name="Tous les documents (11)")).to_be_visible()
    quick_access = page.locator(".dmp-quick-access")
    for label in (
        "Imagerie médicale (1)",
        "Certificats, déclarations (6)",
        "Données de remboursement (1)",
        "Documents administratifs et de gestion (3)",
    ):
        expect(quick_access.get_by_role("link", name=label)).to_be_visible()

    page.get_by_role("link", name="Parcours de soins").first.click()
    expect(page.get_by_role("heading", name="De 2021 à 2023")).to_be_visible()
    expect(page.locator("table.dmp-grid thead th")).to_have_text(["Rubrique", "2021", "2022", "2023"])
    assert_accessible(page)

    page.get_by_role("link", name="Liste des documents").first.click()
    expect(page.get_by_text("11 document(s).")).to_be_visible()
    expect(page.get_by_role("link", name="Attestation de droits à l'assurance maladie")).to_be_visible()
    expect(page.get_by_role("link", name="Certificat médical initial d'accident du travail")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=tmp_path / "documents-list.png", full_page=True)

    page.get_by_role("link", name="Attestation de droits à l'assurance maladie").click()
    expect(page.get_by_text("Informations techniques")).to_be_visible()
    expect(page.locator("code.dmp-hash")).not_to_be_visible()  # closed by default
    assert_accessible(page)
    page.screenshot(path=tmp_path / "document-detail.png", full_page=True)


def test_the_upload_forms_confidentiality_choices_carry_the_slides_marks(
    page: Page, live_server, record, assert_accessible, tmp_path
) -> None:
    login_with_card(page, live_server.url, MARCHAL_CARD, DEMO_PIN)
    page.goto(f"{live_server.url}/dmp/{record.code}/documents/ajouter/")

    # The accessible names keep the words only: the marks are aria-hidden.
    expect(
        page.get_by_role("checkbox", name="Document masqué aux professionnels : votre patient")
    ).to_be_visible()
    expect(page.get_by_text("👁️")).to_be_visible()
    # M. HOLTZINGER is an adult: "invisible aux représentants légaux" (👤) is a minor's choice only.
    expect(page.get_by_text("👤")).to_have_count(0)
    assert_accessible(page)
    page.get_by_text("Confidentialité du document").scroll_into_view_if_needed()
    page.screenshot(path=tmp_path / "document-form.png")
