"""Adding a document in a real browser: the slides' form with a PDF and a confidentiality choice,
sent with its progress bar, then seen in the 5 latest and the grid, and downloaded."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.documents import badfiles
from tests.e2e.test_login import login_with_card
from tests.factories import DEFAULT_PIN, CareStayFactory, PatientFactory

# live_server answers from another thread: the data must be committed.
pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Compte rendu d'hospitalisation"
MASKED = "Document masqué aux professionnels"


@pytest.fixture
def patient(alice):
    """In care at Alice's hospital: she opens the DMP as a member of the care team."""
    patient = PatientFactory(birth_name="Le Quinio", first_name="Pierre")
    CareStayFactory(patient=patient, establishment=alice.practices.get().establishment)
    return patient


def test_add_a_pdf_see_it_in_the_latest_five_and_the_grid_then_download_it(
    page: Page, live_server, alice, alice_card, patient, tmp_path
) -> None:
    csp_violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            csp_violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    pdf = tmp_path / "compte-rendu.pdf"
    pdf.write_bytes(badfiles.simple_pdf())

    login_with_card(page, live_server.url, alice_card.number, DEFAULT_PIN)
    page.goto(f"{live_server.url}/dmp/{patient.code}/")
    expect(page.get_by_text("5 derniers documents ajoutés (0 nouveau(x))")).to_be_visible()
    page.get_by_role("link", name="Ajouter un document").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Joindre un fichier ou rédiger un document")
    page.locator("#id_file").set_input_files(pdf)
    page.get_by_label("Type du document").select_option(label="CR ou fiche de consultation ou de visite")
    page.get_by_label("Titre").fill(TITLE)
    expect(page.get_by_label("Date du document")).to_have_value(f"{timezone.localdate():%d/%m/%Y}")
    page.get_by_label("Commentaire lié au document (1000 caractères max.)").fill("Sortie le 30/01.")
    expect(page.get_by_text("16/1000")).to_be_visible()  # the live counter
    page.get_by_label("Date de début").fill("22/01/2024")
    page.get_by_label("Date de fin").fill("30/01/2024")
    visible_to_all = page.get_by_label("Document visible par toute personne autorisée")
    expect(visible_to_all).to_be_checked()
    page.get_by_label(MASKED).check()
    expect(visible_to_all).not_to_be_checked()  # the restrictions exclude "visible par tous"

    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.get_by_role("button", name="Ajouter").click()
    # Sent by static/js/document-form.js (XMLHttpRequest, for the progress bar), answered in JSON.
    assert posted.value.request.headers["x-requested-with"] == "XMLHttpRequest"
    assert posted.value.headers["content-type"] == "application/json"

    expect(page.get_by_text(f"Le document « {TITLE} » a été ajouté au DMP.")).to_be_visible()
    expect(page.get_by_role("navigation", name="Fil d'Ariane")).to_contain_text("Récapitulatif")
    latest = page.locator(".dmp-latest-documents")
    expect(latest).to_contain_text(TITLE)
    expect(page.get_by_text("Tous les documents (1)")).to_be_visible()

    page.get_by_role("link", name="Parcours de soins").first.click()
    this_year = timezone.localdate().year
    expect(page.get_by_role("heading", name=f"De {this_year} à {this_year}")).to_be_visible()
    expect(page.get_by_role("link", name=f"Comptes-rendus, {this_year} : 1 document(s)")).to_be_visible()
    page.get_by_role("link", name=f"Comptes-rendus, {this_year} : 1 document(s)").click()

    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_text("Document masqué aux professionnels 👁️ (visible par son auteur")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger").click()
    download = download_info.value
    assert download.suggested_filename == "compte-rendu.pdf"
    assert download.path().read_bytes() == badfiles.simple_pdf()

    assert csp_violations == []


def test_a_bad_file_comes_back_with_its_message_in_the_form(
    page: Page, live_server, alice, alice_card, patient, tmp_path
) -> None:
    fake = tmp_path / "ordonnance.pdf"
    fake.write_bytes(badfiles.windows_executable())

    login_with_card(page, live_server.url, alice_card.number, DEFAULT_PIN)
    page.goto(f"{live_server.url}/dmp/{patient.code}/documents/ajouter/")
    page.locator("#id_file").set_input_files(fake)
    page.get_by_label("Type du document").select_option(label="CR ou fiche de consultation ou de visite")
    page.get_by_label("Titre").fill("Ordonnance")
    page.get_by_label("Date de début").fill("22/01/2024")
    page.get_by_label("Date de fin").fill("30/01/2024")
    page.get_by_role("button", name="Ajouter").click()

    expect(
        page.get_by_text("Le contenu du fichier ne correspond pas à son extension (.pdf).")
    ).to_be_visible()
    expect(page.get_by_label("Titre")).to_have_value("Ordonnance")
    # The form swapped in by the script works again: the free text mode hides the file input.
    page.get_by_text("Rédiger un document (texte libre)").click()
    expect(page.locator("#id_file")).to_be_hidden()
    expect(page.get_by_label("Texte du document")).to_be_visible()
