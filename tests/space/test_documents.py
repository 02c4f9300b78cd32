"""The patient adds their own documents in Mon espace santé: the patient types only, the
professionals' upload checks (documents/validation.py) and 5 Mo streaming limit, stored and traced
through documents.services in one transaction, told in both histories; and the preference "new
documents arrive masked", which every later document follows, whoever adds it."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from audit.models import Action, Trace
from documents import services
from documents.models import Document, DocumentSource, DocumentType
from documents.validation import MESSAGES, validate_upload
from patients import services as patients_services
from tests.documents import badfiles
from tests.documents.pages import CONSULTATION, stored_files
from tests.factories import CareStayFactory, CPSCardFactory, DocumentTypeFactory
from tests.helpers import login_patient, login_verified, text

ADD = reverse("space:document_add")
MINE = reverse("space:history") + "?vue=mes-activites"
TITLE = "Bilan sanguin de mars"


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("bilan.pdf", badfiles.simple_pdf(), content_type="application/pdf")


def _data(**changes) -> dict:
    data = {
        "file": _pdf(),
        "document_type": str(DocumentTypeFactory(code="DOCPAT05").pk),  # CR de biologie déposé par le patient
        "title": TITLE,
        "document_date": "12/03/2024",
    }
    return data | changes


def _nothing_added(patient, settings) -> None:
    assert not Document.objects.filter(patient=patient).exists()
    assert stored_files(settings) == []
    assert not Trace.objects.filter(patient=patient, action=Action.DOCUMENT_ADDED).exists()


@pytest.fixture
def in_care(patient, alice):
    """Alice (pharmacist) is in the care team: she reads biology reports."""
    CareStayFactory(patient=patient, establishment=alice.practices.get().establishment)
    return patient


def test_the_form_offers_the_patient_types_only(patient_client):
    page = text(patient_client.get(ADD))
    assert "CR de biologie déposé par le patient" in page
    assert "Synthèse déposée par le patient" in page
    assert "CR ou fiche de consultation ou de visite" not in page  # a professional's type
    assert "Profil médical Mon espace santé" not in page  # written by the profile itself


def test_the_patient_adds_a_document_stored_traced_and_told_in_both_histories(
    in_care, patient, patient_client, alice_client, settings
):
    response = patient_client.post(ADD, _data())
    assert response.status_code == 302 and response.url == reverse("space:documents")
    document = Document.objects.get(patient=patient)
    assert (document.source, document.title, document.author) == (DocumentSource.PATIENT, TITLE, None)
    assert not document.masked_to_professionals
    assert len(stored_files(settings)) == 1
    trace = Trace.objects.get(patient=patient, action=Action.DOCUMENT_ADDED)
    assert (trace.actor, trace.actor_label) == (None, f"{patient.display_name} (patient)")
    assert trace.client_address == "127.0.0.1"
    assert f"Vous avez ajouté le document « {TITLE} »" in text(patient_client.get(MINE))
    assert TITLE in text(patient_client.get(reverse("space:documents")))
    history = text(alice_client.get(reverse("patients:history", args=[patient.code])))
    assert f"{patient.display_name} (patient)" in history
    assert f"a ajouté le document « {TITLE} »" in history
    assert TITLE in text(alice_client.get(reverse("documents:list", args=[patient.code])))


def test_the_patient_may_mask_the_document_as_they_add_it(in_care, patient, patient_client, alice_client):
    patient_client.post(ADD, _data(masked="on"))
    assert Document.objects.get(patient=patient).masked_to_professionals
    assert TITLE not in text(alice_client.get(reverse("documents:list", args=[patient.code])))


def test_a_legal_representative_adds_to_the_minors_record_under_their_own_name(mother, minor):
    client = login_patient(Client(), mother, record=minor)
    client.post(ADD, _data())
    trace = Trace.objects.get(patient=minor, action=Action.DOCUMENT_ADDED)
    assert trace.actor_label == f"{mother.display_name} (représentant légal)"
    assert Document.objects.filter(patient=minor, title=TITLE).exists()
    assert not Document.objects.filter(patient=mother).exists()


def test_a_professionals_type_is_refused(patient, patient_client, settings):
    response = patient_client.post(ADD, _data(document_type=str(DocumentTypeFactory(code=CONSULTATION).pk)))
    assert response.status_code == 200
    assert "Choisissez un type de document de la liste." in text(response)
    _nothing_added(patient, settings)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("programme.exe", badfiles.windows_executable()),
        ("faux.pdf", badfiles.windows_executable()),
        ("piege.pdf", badfiles.pdf_with_javascript()),
    ],
)
def test_a_bad_file_is_refused_by_the_professionals_checks(patient, patient_client, settings, name, content):
    with pytest.raises(ValidationError) as refused:  # the message documents/validation.py gives
        validate_upload(SimpleUploadedFile(name, content))
    response = patient_client.post(ADD, _data(file=SimpleUploadedFile(name, content)))
    assert response.status_code == 200
    assert refused.value.messages[0] in text(response)
    _nothing_added(patient, settings)


def test_a_file_over_5_mo_is_refused_while_it_streams(patient, patient_client, settings):
    big = SimpleUploadedFile("gros.pdf", badfiles.simple_pdf() + b"0" * (5 * 1024 * 1024), "application/pdf")
    response = patient_client.post(ADD, _data(file=big))
    assert response.status_code == 200
    assert MESSAGES["too_large"] in text(response)
    _nothing_added(patient, settings)


def test_bad_fields_are_refused_in_french(patient, patient_client, settings):
    response = patient_client.post(ADD, {"document_date": "31/02/2024"})
    page = text(response)
    assert "Choisissez un fichier à ajouter." in page
    assert "Indiquez le titre du document." in page
    assert "Saisissez une date au format JJ/MM/AAAA." in page
    _nothing_added(patient, settings)


def test_a_closed_dmp_takes_no_new_document(patient, patient_client, settings):
    patients_services.dmp_close(actor=None, actor_label="", patient=patient, reason="Déménagement")
    response = patient_client.post(ADD, _data())
    assert "Ce dossier médical partagé est fermé" in text(response)
    _nothing_added(patient, settings)


def test_a_professional_cannot_use_the_patients_form(alice_client, patient, settings):
    assert alice_client.post(ADD, _data()).status_code == 403
    _nothing_added(patient, settings)


# --- "new documents arrive masked" ----------------------------------------------------------

PREFERENCE = reverse("space:new_documents_masking")


def test_the_preference_masks_a_professionals_new_document_from_other_professionals(
    in_care, patient, physician, patient_client, alice
):
    patient_client.post(PREFERENCE, {"masquage-masked": "on"})
    patient.refresh_from_db()
    assert patient.new_documents_masked
    document = services.document_add(
        professional=physician,
        patient=patient,
        document_type=DocumentType.objects.get(code=CONSULTATION),
        title="Compte rendu de consultation",
        document_date=patient.birth_date,
        text="Patient vu ce jour.",
    )
    assert document.masked_to_professionals
    assert not Document.objects.visible_to(alice, patient).filter(pk=document.pk).exists()
    assert Document.objects.visible_to(physician, patient).filter(pk=document.pk).exists()  # the author


def test_the_preference_masks_the_patients_own_new_documents(in_care, patient, patient_client):
    patient_client.post(PREFERENCE, {"masquage-masked": "on"})
    page = text(patient_client.get(ADD))
    assert "Vos nouveaux documents sont masqués" in page
    patient_client.post(ADD, _data())  # the box unticked: the preference still applies
    assert Document.objects.get(patient=patient).masked_to_professionals


def test_the_preference_is_traced_both_ways_and_leaves_existing_documents_alone(
    patient, document, patient_client, physician
):
    patient_client.post(PREFERENCE, {"masquage-masked": "on"})
    patient_client.post(PREFERENCE, {"masquage-masked": "on"})  # unchanged: no second trace
    patient_client.post(PREFERENCE, {})
    document.refresh_from_db()
    assert not document.masked_to_professionals
    traces = Trace.objects.filter(patient=patient, action=Action.NEW_DOCUMENTS_MASKING_CHANGED)
    assert [t.details for t in traces.order_by("pk")] == [
        "les nouveaux documents arrivent masqués",
        "les nouveaux documents arrivent visibles par les professionnels autorisés",
    ]
    mine = text(patient_client.get(MINE))
    assert "Vous avez modifié le masquage des nouveaux documents aux professionnels : les nouveaux" in mine
    client = login_verified(Client(), physician, CPSCardFactory(user=physician))
    history = text(client.get(reverse("patients:history", args=[patient.code])))
    assert "a modifié le masquage des nouveaux documents aux professionnels" in history


def test_the_preference_is_a_post_only_patient_action(patient_client, alice_client, patient):
    assert patient_client.get(PREFERENCE).status_code == 405
    assert alice_client.post(PREFERENCE, {"masquage-masked": "on"}).status_code == 403
    patient.refresh_from_db()
    assert not patient.new_documents_masked
