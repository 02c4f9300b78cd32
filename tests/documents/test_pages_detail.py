"""A document's page, "Consulter" and "Télécharger" (authenticated, traced, with the right
headers), and its author's actions: archive, delete (after confirmation), confidentiality."""

import uuid
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import Action
from documents import filestore, services
from documents.models import Document, DocumentStatus
from documents.reimbursement import reimbursement_history_create
from tests.documents import badfiles
from tests.documents.pages import CONSULTATION, traces, url, words
from tests.factories import CPSCardFactory, DocumentFactory, DocumentTypeFactory
from tests.helpers import login_verified, make_minor

pytestmark = pytest.mark.django_db


@pytest.fixture
def pdf_document(patient, physician):
    """A PDF added through the service, as the upload form does, with a non-ASCII name."""
    content = badfiles.simple_pdf()
    uploaded = SimpleUploadedFile("Compte rendu été.pdf", content, content_type="application/pdf")
    return services.document_add(
        professional=physician,
        patient=patient,
        document_type=DocumentTypeFactory(code=CONSULTATION),
        title="Compte rendu d'hospitalisation",
        document_date=date(2024, 1, 30),
        upload=filestore.accept(uploaded),
        comment="Sortie le 30/01.",
        event_start=date(2024, 1, 22),
        event_end=date(2024, 1, 30),
    )


# --- the page -----------------------------------------------------------------------------------


def test_the_page_shows_the_metadata(alice_client, patient, pdf_document):
    body = words(alice_client.get(url("documents:detail", patient, pdf_document)))

    for text in (
        "Compte rendu d'hospitalisation",
        "Type du document CR ou fiche de consultation ou de visite",
        "Rubrique Comptes-rendus",
        "Date du document 30/01/2024",
        "du 22/01/2024 au 30/01/2024",
        "Commentaire Sortie le 30/01.",
        "Auteur Paul WEBER (Médecin)",
        "Document visible par toute personne autorisée",
        "Statut Actif",
        "Compte rendu été.pdf — application/pdf",
        f"Informations techniques Empreinte SHA-256 {pdf_document.sha256}",
        "Consulter",
        "Télécharger",
    ):
        assert text in body, text
    assert "Actions de l'auteur" not in body  # Alice is not the author


def test_the_sha256_is_kept_out_of_the_way_in_a_closed_details(alice_client, patient, pdf_document):
    html = alice_client.get(url("documents:detail", patient, pdf_document)).content.decode()

    details = html[html.index("<details") : html.index("</details>")]
    assert "<details open" not in html
    assert "<summary>Informations techniques</summary>" in details and pdf_document.sha256 in details
    assert html.count(pdf_document.sha256) == 1


def test_the_confidentiality_marks_are_shown_and_hidden_from_screen_readers(
    alice_client, patient, make_document, physician, client
):
    document = make_document(hidden_from_legal_representatives=True)
    masked = make_document(masked_to_professionals=True)
    login_verified(client, physician, CPSCardFactory(user=physician))  # the author sees the masked one

    listed = client.get(url("documents:list", patient)).content.decode()
    detail = client.get(url("documents:detail", patient, masked)).content.decode()
    other = alice_client.get(url("documents:detail", patient, document)).content.decode()

    assert 'Masqué aux professionnels <span aria-hidden="true">👁️</span>' in listed
    assert 'Invisible aux représentants légaux <span aria-hidden="true">👤</span>' in listed
    assert 'Document masqué aux professionnels <span aria-hidden="true">👁️</span>' in detail  # and the form
    assert 'Document invisible aux représentants légaux <span aria-hidden="true">👤</span>' in other


def test_a_free_text_is_shown_escaped_and_its_consultation_traced(
    alice_client, alice, patient, make_document
):
    document = make_document(text="<script>alert('x')</script>\nTension 12/8")

    response = alice_client.get(url("documents:consult", patient, document))

    assert response.status_code == 200
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in response.content.decode()
    assert "<script>alert" not in response.content.decode()
    assert response["Cache-Control"] == "no-store, private"
    [trace] = traces(patient, Action.DOCUMENT_VIEWED)
    assert (trace.actor, trace.document_code, trace.document_title) == (alice, document.code, document.title)


def test_a_reimbursement_document_names_its_source(alice_client, patient):
    document = reimbursement_history_create(patient=patient, lines=[])
    body = words(alice_client.get(url("documents:detail", patient, document)))

    assert "Source Assurance Maladie" in body
    assert "Historique de remboursement (CNAM-HR)" in body


# --- Consulter / Télécharger ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "disposition", "action"),
    [
        ("documents:consult", "inline", Action.DOCUMENT_VIEWED),
        ("documents:download", "attachment", Action.DOCUMENT_DOWNLOADED),
    ],
)
def test_the_file_is_served_with_safe_headers_after_its_trace(
    alice_client, alice, patient, pdf_document, name, disposition, action
):
    response = alice_client.get(url(name, patient, pdf_document))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == badfiles.simple_pdf()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f"{disposition}; filename=\"Compte rendu ete.pdf\"; filename*=UTF-8''Compte%20rendu%20%C3%A9t%C3%A9.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store, private"
    [trace] = traces(patient, action)
    assert (
        traces(
            patient,
            Action.DOCUMENT_VIEWED if action == Action.DOCUMENT_DOWNLOADED else Action.DOCUMENT_DOWNLOADED,
        )
        == []
    )
    assert trace.actor == alice
    assert trace.document_code == pdf_document.code
    assert trace.document_title == "Compte rendu d'hospitalisation"
    assert trace.mode == "Membre de l'équipe de soins (consentement présumé)"


def test_an_ascii_name_needs_no_extended_parameter(alice_client, patient, physician):
    uploaded = SimpleUploadedFile("cr.txt", b"Compte rendu.\n")
    document = services.document_add(
        professional=physician,
        patient=patient,
        document_type=DocumentTypeFactory(code=CONSULTATION),
        title="CR",
        document_date=date(2024, 1, 30),
        upload=filestore.accept(uploaded),
    )

    response = alice_client.get(url("documents:consult", patient, document))
    assert b"".join(response.streaming_content) == b"Compte rendu.\n"  # read to the end: file closed

    assert response["Content-Disposition"] == 'inline; filename="cr.txt"'
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_a_free_text_downloads_as_a_text_file_named_after_its_title(alice_client, patient, make_document):
    document = make_document(title="Synthèse / sortie", text="Bonjour.\n")

    response = alice_client.get(url("documents:download", patient, document))

    assert response.content == b"Bonjour.\n"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"Synthese - sortie.txt\"; filename*=UTF-8''Synth%C3%A8se%20-%20sortie.txt"
    )
    assert len(traces(patient, Action.DOCUMENT_DOWNLOADED)) == 1
    assert traces(patient, Action.DOCUMENT_VIEWED) == []


def test_the_history_tells_a_consultation_from_a_download(alice_client, patient, pdf_document):
    for name in ("documents:consult", "documents:download"):
        response = alice_client.get(url(name, patient, pdf_document))
        b"".join(response.streaming_content)  # read to the end: file closed

    body = words(alice_client.get(url("patients:history", patient)))

    assert "a consulté le document « Compte rendu d'hospitalisation »" in body
    assert "a téléchargé le document « Compte rendu d'hospitalisation »" in body


def test_a_file_the_browser_cannot_show_is_traced_as_downloaded_from_consulter(
    alice_client, patient, physician
):
    uploaded = SimpleUploadedFile("scan.rtf", b"{\\rtf1\\ansi Compte rendu.}")
    document = services.document_add(
        professional=physician,
        patient=patient,
        document_type=DocumentTypeFactory(code=CONSULTATION),
        title="Scan",
        document_date=date(2024, 1, 30),
        upload=filestore.accept(uploaded),
    )

    response = alice_client.get(url("documents:consult", patient, document))
    b"".join(response.streaming_content)  # read to the end: file closed

    assert response["Content-Disposition"].startswith("attachment;")
    assert len(traces(patient, Action.DOCUMENT_DOWNLOADED)) == 1


@pytest.mark.parametrize("name", ["documents:detail", "documents:consult", "documents:download"])
def test_a_hidden_or_unknown_document_is_a_404_and_nothing_is_traced(
    alice_client, patient, hidden_documents, name
):
    for document in [*hidden_documents, Document(code=uuid.uuid4())]:
        assert alice_client.get(url(name, patient, document)).status_code == 404
    assert traces(patient, Action.DOCUMENT_VIEWED) == traces(patient, Action.DOCUMENT_DOWNLOADED) == []


def test_a_deleted_document_is_a_404(alice_client, patient, make_document):
    document = make_document(status=DocumentStatus.DELETED)

    assert alice_client.get(url("documents:download", patient, document)).status_code == 404


def test_a_document_of_another_patient_is_a_404(alice_client, patient):
    elsewhere = DocumentFactory()  # another patient's

    assert alice_client.get(url("documents:detail", patient, elsewhere)).status_code == 404


# --- the author's actions ----------------------------------------------------------------------


@pytest.fixture
def own(patient, make_document, alice):
    """A document Alice wrote."""
    return make_document(title="Mon compte rendu", author=alice)


def test_the_author_sees_her_actions(alice_client, patient, own):
    body = words(alice_client.get(url("documents:detail", patient, own)))

    assert "Actions de l'auteur" in body
    assert "Archiver" in body and "Supprimer" in body and "Enregistrer la confidentialité" in body


def test_the_author_archives_and_it_is_traced(alice_client, alice, patient, own):
    response = alice_client.post(url("documents:archive", patient, own), follow=True)

    own.refresh_from_db()
    assert own.status == DocumentStatus.ARCHIVED
    assert "Le document « Mon compte rendu » a été archivé." in words(response)
    [trace] = traces(patient, Action.DOCUMENT_ARCHIVED)
    assert trace.actor == alice
    # Archived, it stays in the list, badged.
    assert "Mon compte rendu Archivé" in words(alice_client.get(url("documents:list", patient)))


def test_deleting_asks_first_then_deletes_logically(alice_client, alice, patient, own):
    confirm = alice_client.get(url("documents:delete", patient, own))
    assert "Voulez-vous supprimer le document « Mon compte rendu »" in words(confirm)
    own.refresh_from_db()
    assert own.status == DocumentStatus.ACTIVE

    response = alice_client.post(url("documents:delete", patient, own), follow=True)

    own.refresh_from_db()
    assert own.status == DocumentStatus.DELETED
    assert response.redirect_chain[-1][0] == url("documents:list", patient)
    assert "a été supprimé du DMP" in words(response)
    assert "Mon compte rendu" not in words(alice_client.get(url("documents:list", patient)))
    assert alice_client.get(url("documents:detail", patient, own)).status_code == 404
    assert [trace.actor for trace in traces(patient, Action.DOCUMENT_DELETED)] == [alice]


def test_the_author_changes_the_confidentiality_and_it_is_traced(alice_client, patient, own):
    make_minor(patient)
    response = alice_client.post(
        url("documents:confidentiality", patient, own),
        {"masked_to_professionals": "on", "hidden_from_legal_representatives": "on"},
        follow=True,
    )

    own.refresh_from_db()
    assert own.masked_to_professionals and own.hidden_from_legal_representatives
    assert "La confidentialité du document a été enregistrée." in words(response)
    assert len(traces(patient, Action.DOCUMENT_MASKED)) == 1
    assert len(traces(patient, Action.DOCUMENT_CONFIDENTIALITY_CHANGED)) == 1


def test_invisible_to_legal_representatives_cannot_be_set_on_an_adults_document(alice_client, patient, own):
    alice_client.post(
        url("documents:confidentiality", patient, own), {"hidden_from_legal_representatives": "on"}
    )

    own.refresh_from_db()
    assert not own.hidden_from_legal_representatives  # the disabled field keeps its value


def test_not_visible_by_the_patient_cannot_be_set_after_adding(alice_client, patient, own):
    alice_client.post(url("documents:confidentiality", patient, own), {"hidden_from_patient": "on"})

    own.refresh_from_db()
    assert not own.hidden_from_patient  # the disabled field keeps its value


def test_not_visible_by_the_patient_can_be_lifted(alice_client, patient, make_document, alice):
    document = make_document(author=alice, announcement=True)

    alice_client.post(url("documents:confidentiality", patient, document), {})

    document.refresh_from_db()
    assert not document.hidden_from_patient
    assert len(traces(patient, Action.DOCUMENT_CONFIDENTIALITY_CHANGED)) == 1


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("documents:archive", {}),
        ("documents:delete", {}),
        ("documents:confidentiality", {"masked_to_professionals": "on"}),
    ],
)
def test_a_non_author_is_refused_with_a_message_and_nothing_changes(
    alice_client, patient, make_document, name, data
):
    document = make_document(title="Le compte rendu de Paul")

    response = alice_client.post(url(name, patient, document), data, follow=True)

    assert response.redirect_chain[-1][0] == url("documents:detail", patient, document)
    assert "Seul l'auteur du document peut le faire." in words(response)
    document.refresh_from_db()
    assert document.status == DocumentStatus.ACTIVE and not document.masked_to_professionals
    assert traces(patient, Action.DOCUMENT_ARCHIVED) == traces(patient, Action.DOCUMENT_DELETED) == []
    assert traces(patient, Action.DOCUMENT_MASKED) == []


def test_a_non_author_gets_no_confirmation_page(alice_client, patient, make_document):
    document = make_document()

    response = alice_client.get(url("documents:delete", patient, document), follow=True)

    assert "Seul l'auteur du document peut le faire." in words(response)
    assert "Voulez-vous supprimer" not in words(response)


@pytest.mark.parametrize("name", ["documents:archive", "documents:confidentiality"])
def test_the_actions_refuse_get(alice_client, patient, own, name):
    assert alice_client.get(url(name, patient, own)).status_code == 405
