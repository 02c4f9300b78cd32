"""Mon espace santé in a real browser: the patient logs in with the emailed code (read on the demo
mailbox), masks a document and blocks a professional; that professional, in another browser
context, loses the document, then the DMP; the patient's history shows both actions and the
professional's earlier opening. Every patient page passes axe-core."""

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.documents import badfiles
from tests.e2e.test_login import login_with_card
from tests.factories import (
    DEFAULT_PIN,
    AuthorizationFactory,
    CPSCardFactory,
    DocumentFactory,
    PatientFactory,
    PhysicianFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Compte rendu de cardiologie"
SHOTS = "/tmp/patient-space-{}.png"  # noqa: S108 — screenshots to look at, as the brief asks


@pytest.fixture
def record(db):
    patient = PatientFactory(birth_name="Holtz", first_name="Marc", email="marc.holtz@example.test")
    DocumentFactory(patient=patient, title=TITLE)
    return patient


@pytest.fixture
def professional(record):
    physician = PhysicianFactory(first_name="Paul", last_name="Weber")
    AuthorizationFactory(patient=record, professional=physician)
    return physician, CPSCardFactory(user=physician)


def _patient_login(page: Page, base: str, ins: str, assert_accessible) -> None:
    page.goto(f"{base}/mon-espace-sante/")
    assert_accessible(page)
    page.get_by_label("Matricule INS ou adresse électronique").fill(ins)
    page.get_by_role("button", name="Recevoir un code").click()
    expect(page.get_by_text("un code de connexion vient d'être envoyé")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="voir le courrier électronique reçu (simulation)").click()
    code = page.get_by_test_id("code").inner_text()
    assert_accessible(page)
    page.screenshot(path=SHOTS.format("mailbox"), full_page=True)
    page.get_by_role("link", name="Saisir le code").click()
    page.get_by_label("Code reçu par courrier électronique").fill(code)
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Documents")


def test_the_patient_masks_and_blocks_and_the_professional_feels_it(
    browser: Browser, page: Page, live_server, record, professional, settings, assert_accessible
) -> None:
    settings.DMP_DEMO_MODE = True
    base = live_server.url
    physician, card = professional
    doctor = browser.new_context().new_page()
    login_with_card(doctor, base, card.number, DEFAULT_PIN)
    documents = f"{base}/dmp/{record.code}/documents/"
    doctor.goto(documents)
    expect(doctor.get_by_role("link", name=TITLE)).to_be_visible()

    _patient_login(page, base, record.ins, assert_accessible)
    assert_accessible(page)
    page.get_by_label(f"{TITLE} —").check()
    page.get_by_role("button", name="Masquer la sélection", exact=True).click()
    expect(page.get_by_text("1 document(s) masqué(s) aux professionnels de santé.")).to_be_visible()
    expect(page.get_by_text("Masqué aux professionnels", exact=True)).to_be_visible()
    page.screenshot(path=SHOTS.format("documents"), full_page=True)

    doctor.goto(documents)
    expect(doctor.get_by_role("link", name=TITLE)).to_have_count(0)

    page.get_by_role("link", name="PROFESSIONNELS").click()
    assert_accessible(page)
    page.get_by_role("button", name=f"Bloquer {physician.display_name}").first.click()
    expect(page.get_by_text(f"{physician.display_name} est bloqué(e)")).to_be_visible()
    expect(page.get_by_role("button", name=f"Débloquer {physician.display_name}")).to_be_visible()
    page.screenshot(path=SHOTS.format("professionals"), full_page=True)

    doctor.goto(f"{base}/dmp/{record.code}/recapitulatif/")
    expect(doctor.get_by_text("Le patient a bloqué votre accès à son DMP.")).to_be_visible()

    page.get_by_role("link", name="HISTORIQUE").click()
    assert_accessible(page)
    expect(page.get_by_role("cell", name="a ouvert le DMP avec un navigateur web")).to_be_visible()
    expect(page.get_by_role("cell", name=physician.display_name).first).to_be_visible()
    page.get_by_role("link", name="Mes activités").click()
    expect(page.get_by_text(f"Vous avez masqué le document « {TITLE} »")).to_be_visible()
    expect(page.get_by_text("Vous avez bloqué l'accès d'un professionnel au DMP")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=SHOTS.format("history"), full_page=True)

    page.get_by_role("link", name="NOTIFICATIONS", exact=True).click()
    expect(
        page.get_by_text("Un professionnel de santé a consulté pour la première fois votre profil")
    ).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=SHOTS.format("notifications"), full_page=True)

    page.get_by_role("link", name="PARAMÈTRES").click()
    assert_accessible(page)
    page.get_by_label("Masquer aux professionnels de santé les nouveaux documents").check()
    page.get_by_role("button", name="Enregistrer").last.click()
    expect(page.get_by_text("Les nouveaux documents ajoutés à votre profil seront masqués")).to_be_visible()
    page.screenshot(path=SHOTS.format("settings"), full_page=True)

    page.get_by_role("link", name="DOCUMENTS").click()
    page.get_by_role("link", name="Ajouter un document").click()
    assert_accessible(page)
    page.get_by_label("Joindre un fichier").set_input_files(
        {"name": "bilan.pdf", "mimeType": "application/pdf", "buffer": badfiles.simple_pdf()}
    )
    page.get_by_label("Type de document").select_option(label="CR de biologie déposé par le patient")
    page.get_by_label("Titre").fill("Bilan sanguin de mars")
    page.screenshot(path=SHOTS.format("document-add"), full_page=True)
    page.get_by_role("button", name="Ajouter le document").click()
    expect(page.get_by_text("Le document « Bilan sanguin de mars » a été ajouté.")).to_be_visible()
    expect(page.get_by_text("2 document(s), dont 2 masqué(s)")).to_be_visible()
    assert_accessible(page)


def test_the_professional_closes_the_dmp_at_the_patients_request_and_the_patient_reopens_it(
    browser: Browser, page: Page, live_server, record, professional, settings, assert_accessible
) -> None:
    settings.DMP_DEMO_MODE = True
    base = live_server.url
    _, card = professional
    doctor = browser.new_context().new_page()
    login_with_card(doctor, base, card.number, DEFAULT_PIN)
    doctor.goto(f"{base}/dmp/{record.code}/gestion/")
    expect(doctor.get_by_role("heading", name="Fermer le DMP à la demande du patient")).to_be_visible()
    doctor.get_by_role("button", name="Fermer le DMP").click()
    expect(doctor.get_by_text("Cochez la case pour confirmer la fermeture.")).to_be_visible()
    assert_accessible(doctor)
    doctor.get_by_label("Motif de la fermeture donné par le patient").fill("Ne souhaite plus de DMP")
    doctor.get_by_label("Le patient m'a demandé, en consultation, de fermer son DMP.").check()
    doctor.screenshot(path=SHOTS.format("management-close"), full_page=True)
    doctor.get_by_role("button", name="Fermer le DMP").click()
    expect(doctor.get_by_text("est fermé à sa demande")).to_be_visible()
    doctor.goto(f"{base}/dmp/{record.code}/recapitulatif/")
    expect(doctor.get_by_text("Le DMP de ce patient est fermé.")).to_be_visible()

    _patient_login(page, base, record.ins, assert_accessible)
    page.get_by_role("link", name="HISTORIQUE").click()
    expect(
        page.get_by_text("a clôturé le DMP à la demande du patient : Ne souhaite plus de DMP")
    ).to_be_visible()
    page.get_by_role("link", name="PARAMÈTRES").click()
    page.get_by_role("button", name="Réactiver mon dossier médical partagé").click()
    expect(page.get_by_text("Votre dossier médical partagé est réactivé.")).to_be_visible()
    assert_accessible(page)
    doctor.goto(f"{base}/dmp/{record.code}/recapitulatif/")
    expect(doctor.get_by_text("Le DMP de ce patient est fermé.")).to_have_count(0)
