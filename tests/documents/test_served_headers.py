"""The headers a served document carries, on "Consulter" and "Télécharger", for every kind of file:
whatever the bytes hold, the browser runs them sandboxed (no script, no form, opaque origin), never
sniffs another type, and keeps no copy."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents import filestore, services
from tests.documents import badfiles
from tests.documents.pages import CONSULTATION, url
from tests.factories import DocumentTypeFactory

pytestmark = pytest.mark.django_db

FILES = {
    "cr.pdf": badfiles.simple_pdf(),
    "photo.jpg": badfiles.jpeg(),
    "scan.tiff": badfiles.tiff(),
    "lettre.rtf": badfiles.simple_rtf(),
    "note.txt": badfiles.FRENCH_TEXT.encode(),
}
SERVING_VIEWS = ["documents:consult", "documents:download"]


def _add_file(patient, physician, name: str):
    uploaded = SimpleUploadedFile(name, FILES[name])
    return services.document_add(
        professional=physician,
        patient=patient,
        document_type=DocumentTypeFactory(code=CONSULTATION),
        title="Compte rendu",
        document_date=date(2024, 1, 30),
        upload=filestore.accept(uploaded),
    )


def _assert_served_safely(response) -> None:
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store, private"


@pytest.mark.parametrize("view", SERVING_VIEWS)
@pytest.mark.parametrize("name", FILES)
def test_a_served_file_is_sandboxed_unsniffed_and_not_stored(alice_client, patient, physician, name, view):
    document = _add_file(patient, physician, name)

    response = alice_client.get(url(view, patient, document))

    _assert_served_safely(response)
    assert b"".join(response.streaming_content) == FILES[name]


def test_a_free_text_downloaded_as_a_file_is_sandboxed_too(alice_client, patient, make_document):
    document = make_document(text="<script>alert(1)</script>")

    response = alice_client.get(url("documents:download", patient, document))

    _assert_served_safely(response)
    assert response["Content-Type"].startswith("text/plain")


def test_a_free_text_shown_in_the_portal_page_keeps_the_portals_strict_policy(
    alice_client, patient, make_document
):
    document = make_document(text="Tension 12/8")

    response = alice_client.get(url("documents:consult", patient, document))

    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "object-src 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store, private"
