"""Secure messaging in a real browser, as the workshop's section 05 teaches it: a pharmacist finds
the patient's INS in Informations Patient, writes to <INS>@patient.mssante.fr with a PDF attached;
the patient reads it in Mon espace santé; the pharmacist files the attachment into the DMP. Every
messaging page passes axe-core."""

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.documents import badfiles
from tests.e2e.test_login import login_with_card
from tests.e2e.test_patient_space import _patient_login
from tests.factories import DEFAULT_PIN, CareStayFactory, PatientFactory

pytestmark = pytest.mark.django_db(transaction=True)

SUBJECT = "Votre traitement à la sortie"
SHOTS = "/tmp/messaging-{}.png"  # noqa: S108 — screenshots to look at, as the brief asks


@pytest.fixture
def patient(alice):
    """In care at Alice's hospital: she opens the DMP as a member of the care team."""
    patient = PatientFactory(birth_name="Holtz", first_name="Marc", email="marc.holtz@example.test")
    CareStayFactory(patient=patient, establishment=alice.practices.get().establishment)
    return patient


def test_a_pharmacist_writes_to_the_patient_who_reads_it_and_the_attachment_is_filed(
    browser: Browser,
    page: Page,
    live_server,
    alice,
    alice_card,
    patient,
    settings,
    tmp_path,
    assert_accessible,
) -> None:
    settings.DMP_DEMO_MODE = True  # the patient's code is read on the simulated mailbox
    base = live_server.url
    pdf = tmp_path / "plan-de-prise.pdf"
    pdf.write_bytes(badfiles.simple_pdf())
    address = f"{patient.ins}@patient.mssante.fr"

    # 1. Informations Patient: the patient's MSSanté address opens a message to them.
    login_with_card(page, base, alice_card.number, DEFAULT_PIN)
    page.goto(f"{base}/dmp/{patient.code}/informations-patient/")
    expect(page.get_by_text(patient.ins, exact=True)).to_be_visible()
    page.get_by_role("link", name=address).click()

    # 2. The message, with a PDF attached.
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouveau message")
    expect(page.get_by_label("Destinataires")).to_have_value(address)
    assert_accessible(page)
    page.get_by_label("Objet").fill(SUBJECT)
    page.get_by_role("textbox", name="Message").fill(
        "Bonjour M. Holtz,\nvoici votre plan de prise.\n<b>Pas de HTML ici</b>"
    )
    page.get_by_label("Pièces jointes").set_input_files(pdf)
    page.screenshot(path=SHOTS.format("compose"), full_page=True)
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_text("Votre message sécurisé a été envoyé.")).to_be_visible()
    expect(page.get_by_text("<b>Pas de HTML ici</b>")).to_be_visible()  # plain text, escaped
    assert_accessible(page)
    page.screenshot(path=SHOTS.format("sent-thread"), full_page=True)
    page.get_by_role("link", name="Messages envoyés").click()
    expect(page.get_by_role("link", name=SUBJECT)).to_be_visible()
    assert_accessible(page)

    # 3. The patient reads it in Mon espace santé.
    patient_page = browser.new_context().new_page()
    _patient_login(patient_page, base, patient.ins, assert_accessible)
    patient_page.get_by_role("link", name="MESSAGERIE").click()
    expect(patient_page.get_by_text("Non lu")).to_be_visible()
    assert_accessible(patient_page)
    patient_page.screenshot(path=SHOTS.format("patient-inbox"), full_page=True)
    patient_page.get_by_role("link", name=SUBJECT).click()
    expect(patient_page.get_by_text("voici votre plan de prise.")).to_be_visible()
    expect(patient_page.get_by_role("link", name="plan-de-prise.pdf")).to_be_visible()
    assert_accessible(patient_page)
    patient_page.screenshot(path=SHOTS.format("patient-message"), full_page=True)
    with patient_page.context.expect_page() as opened:
        patient_page.evaluate(
            "url => window.open(url)",
            patient_page.get_by_role("link", name="plan-de-prise.pdf").get_attribute("href"),
        )
    opened.value.close()

    # 4. The pharmacist files the attachment into the DMP.
    page.get_by_role("link", name=SUBJECT).click()
    page.get_by_role("link", name="Enregistrer dans le DMP : plan-de-prise.pdf").click()
    expect(page.get_by_label("Matricule INS du patient")).to_have_value(patient.ins)
    assert_accessible(page)
    page.get_by_label("Type du document").select_option(label="CR ou fiche de consultation ou de visite")
    page.get_by_label("Titre").fill("Plan de prise envoyé au patient")
    page.get_by_label("Date de début").fill("01/03/2026")
    page.get_by_label("Date de fin").fill("01/03/2026")
    page.screenshot(path=SHOTS.format("file-into-dmp"), full_page=True)
    page.get_by_role("button", name="Ajouter au DMP").click()
    expect(
        page.get_by_text("Le document « Plan de prise envoyé au patient » a été ajouté au DMP.")
    ).to_be_visible()
    page.goto(f"{base}/dmp/{patient.code}/documents/")
    expect(page.get_by_role("link", name="Plan de prise envoyé au patient")).to_be_visible()
