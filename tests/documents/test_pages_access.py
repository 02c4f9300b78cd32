"""Every page of the Documents and Carnet de vaccination tabs goes through dmp_view: no decision,
no page (the authorization page instead, and no trace); anonymous visitors go to the login; an
unknown patient is a 404; writes refuse GET."""

import uuid

import pytest
from django.urls import reverse

from audit.models import Action, Trace
from patients.models import Block
from tests.documents.pages import url
from tests.factories import DocumentFactory, PatientFactory

pytestmark = pytest.mark.django_db

PATIENT_PAGES = [
    "documents:list",
    "documents:grid",
    "documents:add",
    "documents:vaccination",
    "patients:summary",
]
DOCUMENT_PAGES = [
    "documents:detail",
    "documents:consult",
    "documents:download",
    "documents:delete",
]


@pytest.fixture
def stranger_record():
    """A patient Alice has no authorization for (not in care at her hospital), with a document."""
    patient = PatientFactory()
    return patient, DocumentFactory(patient=patient)


def _urls(patient, document) -> list[str]:
    return [url(name, patient) for name in PATIENT_PAGES] + [
        url(name, patient, document) for name in DOCUMENT_PAGES
    ]


def test_without_a_decision_every_page_leads_to_the_authorization_page(alice_client, stranger_record):
    patient, document = stranger_record
    for address in _urls(patient, document):
        response = alice_client.get(address)
        assert response.status_code == 302, address
        assert response["Location"] == reverse("patients:authorization", args=[patient.code]), address
    assert not Trace.objects.filter(patient=patient).exists()  # neither opened nor consulted


@pytest.mark.parametrize(
    "name", ["documents:archive", "documents:confidentiality", "documents:delete", "documents:add"]
)
def test_without_a_decision_no_write_gets_through(alice_client, stranger_record, name):
    patient, document = stranger_record
    address = url(name, patient) if name == "documents:add" else url(name, patient, document)

    response = alice_client.post(address, {"masked_to_professionals": "on"})

    assert response.status_code == 302
    assert response["Location"] == reverse("patients:authorization", args=[patient.code])
    document.refresh_from_db()
    assert document.status == "actif" and not document.masked_to_professionals


def test_a_blocked_professional_is_refused_every_page(alice_client, alice, patient, make_document):
    document = make_document()
    Block.objects.create(patient=patient, professional=alice)

    for address in _urls(patient, document):
        assert alice_client.get(address).status_code == 403, address
    assert not Trace.objects.filter(
        patient=patient, action__in=[Action.DOCUMENT_VIEWED, Action.DOCUMENT_DOWNLOADED]
    ).exists()


def test_anonymous_visitors_are_sent_to_the_login(client, patient, make_document):
    document = make_document()
    for address in _urls(patient, document):
        response = client.get(address)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login")), address


def test_an_unknown_patient_is_a_404(alice_client, patient, make_document):
    document = make_document()
    unknown = PatientFactory.build(code=uuid.uuid4())
    for name in PATIENT_PAGES:
        assert alice_client.get(url(name, unknown)).status_code == 404, name
    for name in DOCUMENT_PAGES:
        assert alice_client.get(url(name, unknown, document)).status_code == 404, name


def test_each_page_opens_for_an_authorized_professional(alice_client, alice, patient, make_document):
    own = make_document(author=alice)  # the confirmation of a deletion is the author's page

    for address in _urls(patient, own):
        response = alice_client.get(address)
        assert response.status_code == 200, address
        if response.streaming:  # read to the end: the test client then closes the file
            b"".join(response.streaming_content)
