"""The patient's side (Mon espace santé) and filing an attachment into the DMP: the patient reads
what a professional wrote, answers only them, never writes first; a professional allowed to add
documents files an attachment (documents.services decides, and traces)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.viewer import Viewer
from audit.models import Action, Trace
from documents.models import Document
from messaging import services
from messaging.mailboxes import personal_mailbox
from messaging.models import Message
from tests.documents import badfiles
from tests.factories import DocumentTypeFactory, PatientFactory
from tests.helpers import close_served_file, login_patient, text
from tests.messaging.conftest import accepted_pdf, client_of, pdf


@pytest.fixture
def to_patient(alice, alice_box, patient):
    return services.message_send(
        professional=alice,
        sender=alice_box,
        addresses=[f"{patient.ins}@patient.mssante.fr"],
        draft=services.Draft(subject="Votre traitement", body="Bonjour M. Holtz", files=(accepted_pdf(),)),
    )


def test_the_patient_reads_the_message_and_its_attachment_in_their_space(to_patient, patient_client):
    inbox = text(patient_client.get(reverse("space:messages")))
    assert "Votre traitement" in inbox and "Non lu" in inbox

    page = text(patient_client.get(reverse("space:message", args=[to_patient.code])))
    assert "Bonjour M. Holtz" in page and "Enregistrer dans le DMP" not in page
    served = patient_client.get(reverse("space:attachment", args=[to_patient.attachments.get().code]))
    assert served.status_code == 200 and served["Content-Security-Policy"] == "sandbox"
    close_served_file(served)
    assert "Non lu" not in text(patient_client.get(reverse("space:messages")))


def test_the_patient_answers_the_professional_who_wrote(to_patient, patient_client, alice):
    response = patient_client.post(
        reverse("space:message", args=[to_patient.code]),
        {"body": "Merci docteur", "attachments": [pdf("photo.pdf")]},
    )

    assert response.status_code == 302
    answer = Message.objects.exclude(pk=to_patient.pk).get()
    assert answer.deliveries.get().mailbox == personal_mailbox(alice)
    assert answer.thread_id == to_patient.pk
    assert "Merci docteur" in text(
        client_of_alice(alice).get(reverse("messaging:message", args=[answer.code]))
    )


def client_of_alice(alice):
    from django.test import Client

    from tests.helpers import login_verified

    return login_verified(Client(), alice, alice.cpscard_set.get())


def test_a_patient_never_writes_first(patient, alice, alice_box, pharmacy):
    """No compose page on the patient's side, and the service refuses a message not received."""
    between_professionals = services.message_send(
        professional=alice,
        sender=alice_box,
        addresses=[pharmacy.address],
        draft=services.Draft("Sujet", "Texte"),
    )
    me = Viewer.patient_side(person_id=patient.pk, record_id=patient.pk)

    with pytest.raises(PermissionDenied, match="seulement répondre à un professionnel"):
        services.patient_reply(
            viewer=me, message=between_professionals, draft=services.Draft("RE", "Bonjour")
        )
    client = login_patient(__import__("django.test").test.Client(), patient)
    assert client.get(reverse("space:message", args=[between_professionals.code])).status_code == 404
    assert client.get("/mon-espace-sante/messagerie/nouveau/").status_code == 404


def test_another_patient_cannot_read_it(to_patient):
    other = login_patient(__import__("django.test").test.Client(), PatientFactory())

    assert "Votre traitement" not in text(other.get(reverse("space:messages")))
    assert other.get(reverse("space:message", args=[to_patient.code])).status_code == 404
    assert other.get(reverse("space:attachment", args=[to_patient.attachments.get().code])).status_code == 404


def test_a_professional_files_an_attachment_into_the_dmp(to_patient, alice, alice_client, patient):
    attachment = to_patient.attachments.get()
    document_type = DocumentTypeFactory(code="11488-4")
    form = alice_client.get(reverse("messaging:attachment_file", args=[attachment.code]))
    assert patient.ins in text(form)

    response = alice_client.post(
        reverse("messaging:attachment_file", args=[attachment.code]),
        {
            "ins": patient.ins,
            "document_type": document_type.pk,
            "title": "Ordonnance reçue par messagerie",
            "document_date": "01/03/2026",
            "event_start": "01/03/2026",
            "event_end": "01/03/2026",
            "practice_setting": "ETABLISSEMENT",
            "practice": alice.practices.get().pk,
            "confidentiality": ["normal"],
        },
    )

    assert response.status_code == 302, text(response)
    document = Document.objects.get(patient=patient)
    assert document.title == "Ordonnance reçue par messagerie" and document.author == alice
    assert document.sha256 == attachment.sha256
    assert Trace.objects.filter(patient=patient, action=Action.DOCUMENT_ADDED, actor=alice).exists()


def test_a_professional_without_access_to_the_dmp_cannot_file(alice, alice_box, patient, bruno):
    message = services.message_send(
        professional=alice,
        sender=alice_box,
        addresses=[personal_mailbox(bruno).address],
        draft=services.Draft("Pour avis", "Ci-joint", files=(accepted_pdf(),)),
    )
    document_type = DocumentTypeFactory(code="11488-4")
    response = client_of(bruno).post(
        reverse("messaging:attachment_file", args=[message.attachments.get().code]),
        {
            "ins": patient.ins,
            "document_type": document_type.pk,
            "title": "Avis",
            "document_date": "01/03/2026",
            "event_start": "01/03/2026",
            "event_end": "01/03/2026",
            "practice_setting": "ETABLISSEMENT",
            "practice": bruno.practices.get().pk,
            "confidentiality": ["normal"],
        },
    )

    assert response.status_code == 200
    assert "autorisé" in text(response)
    assert not Document.objects.exists()


def test_one_hostile_file_is_refused_by_documents_and_by_messages(alice_client, patient, pharmacy):
    """The checks are shared (documents/filestore.py): the same message on both pages."""
    hostile = badfiles.pdf_with_javascript()
    expected = "Les PDF contenant du JavaScript"

    as_message = alice_client.post(
        reverse("messaging:compose"),
        {
            "recipients": pharmacy.address,
            "subject": "Piège",
            "body": "…",
            "attachments": [SimpleUploadedFile("piege.pdf", hostile, content_type="application/pdf")],
        },
    )
    as_document = alice_client.post(
        reverse("documents:add", args=[patient.code]),
        {"mode": "fichier", "file": SimpleUploadedFile("piege.pdf", hostile, content_type="application/pdf")},
    )

    assert expected in text(as_message) and expected in text(as_document)
    assert not Message.objects.exists() and not Document.objects.exists()
