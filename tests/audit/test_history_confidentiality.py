"""The access history names a traced document only to a reader who may see it now.

One table: viewers by document states. Each document was consulted by every professional persona
(a trace each, most of them from before it was masked, deleted, or taken out of the matrix); the
history page in each of its variants (all actions, "Vos actions", a period, the printable view:
the same HTML, print CSS hides the chrome) shows a title exactly when `visible_to` lets the reader
see the document, and otherwise "a consulté un document". The patient side has no page yet: its
viewers (the patient, a legal representative) go through the same helper, `history_rows`.
"""

from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profession
from audit.models import UNNAMED_DOCUMENT_SENTENCES, Action, Trace
from audit.services import record
from documents.models import DocumentStatus
from patients import history
from patients.history import history_rows
from tests.factories import (
    AuthorizationFactory,
    CareStayFactory,
    CPSCardFactory,
    DocumentFactory,
    DocumentTypeFactory,
    EstablishmentFactory,
    PatientFactory,
    PhysicianFactory,
    PracticeFactory,
    ProfessionalFactory,
    set_habilitation,
)
from tests.helpers import login_verified, text

pytestmark = pytest.mark.django_db

PHARMACIST, TECHNICIAN, PHYSICIAN = "21", "39", "10"
CONSULTATION = "11488-4"  # readable by pharmacists and physicians here, not by préparateurs
CERTIFICATE = "89601-9"  # taken out of the matrix for every profession here

# Document states: the factory arguments of a document the patient's physician wrote.
STATES = {
    "normal": {},
    "masked to professionals": {"masked_to_professionals": True},
    "outside the matrix": {"document_type__code": CERTIFICATE},
    "deleted": {"status": DocumentStatus.DELETED},
    "archived": {"status": DocumentStatus.ARCHIVED},
    "not visible to the patient": {"announcement": True},
    "invisible to legal representatives": {"hidden_from_legal_representatives": True},
}
ALL = set(STATES)
FOR_PROFESSIONALS = ALL - {"masked to professionals", "outside the matrix", "deleted"}

# viewer → the states whose title they read in the history.
EXPECTED = {
    "care-team pharmacist": FOR_PROFESSIONALS,
    "médecin traitant DMP": FOR_PROFESSIONALS | {"masked to professionals"},
    "author": ALL - {"deleted"},
    "emergency, masked allowed": FOR_PROFESSIONALS | {"masked to professionals"},
    "préparateur outside the matrix": set(),
    "patient": ALL - {"deleted", "not visible to the patient"},
    "legal representative": ALL
    - {"deleted", "not visible to the patient", "invisible to legal representatives"},
}
PROFESSIONALS = [
    "care-team pharmacist",
    "médecin traitant DMP",
    "author",
    "emergency, masked allowed",
    "préparateur outside the matrix",
]


def _title(state: str) -> str:
    return f"Titre confidentiel ({state})"


@pytest.fixture
def record_with_history():
    """Mme RIEHL's DMP, everyone who reads it, a document per state, and their traces."""
    patient = PatientFactory(birth_name="Riehl", emergency_others_allowed=True, emergency_masked_allowed=True)
    hospital = EstablishmentFactory()
    CareStayFactory(patient=patient, establishment=hospital)
    viewers = {
        "care-team pharmacist": PracticeFactory(establishment=hospital).professional,
        "médecin traitant DMP": PhysicianFactory(),
        "author": PhysicianFactory(),
        "emergency, masked allowed": PhysicianFactory(),
        "préparateur outside the matrix": ProfessionalFactory(
            profession=Profession.objects.get(code=TECHNICIAN)
        ),
        "patient": patient,
        "legal representative": PatientFactory(),
    }
    patient.dmp_attending_physicians.add(viewers["médecin traitant DMP"])
    patient.legal_representatives.add(viewers["legal representative"])
    AuthorizationFactory(patient=patient, professional=viewers["author"])
    AuthorizationFactory(patient=patient, professional=viewers["emergency, masked allowed"], emergency=True)
    AuthorizationFactory(patient=patient, professional=viewers["préparateur outside the matrix"])
    consultation, certificate = DocumentTypeFactory(code=CONSULTATION), DocumentTypeFactory(code=CERTIFICATE)
    for profession in (PHARMACIST, PHYSICIAN):
        set_habilitation(profession, consultation, may_read=True)
    for profession in (PHARMACIST, TECHNICIAN, PHYSICIAN):
        set_habilitation(profession, certificate, may_read=False)
    set_habilitation(TECHNICIAN, consultation, may_read=False)
    documents = [
        DocumentFactory(patient=patient, author=viewers["author"], title=_title(state), **kwargs)
        for state, kwargs in STATES.items()
    ]
    with transaction.atomic():
        for name in PROFESSIONALS:
            for document in documents:
                record(actor=viewers[name], patient=patient, action=Action.DOCUMENT_VIEWED, document=document)
    return SimpleNamespace(patient=patient, viewers=viewers)


def _client(professional) -> Client:
    return login_verified(Client(), professional, CPSCardFactory(user=professional))


def _shown_states(html: str) -> set[str]:
    return {state for state in STATES if _title(state) in html}


@pytest.mark.parametrize("viewer", list(EXPECTED))
def test_the_history_names_a_document_only_to_whom_may_see_it_now(record_with_history, monkeypatch, viewer):
    patient, person = record_with_history.patient, record_with_history.viewers[viewer]
    expected = EXPECTED[viewer]

    # The helper every history goes through (the patient side will call it with a Patient).
    rows = history_rows(Trace.objects.filter(patient=patient), person, patient)
    assert {state for state in STATES for row in rows if _title(state) in row.sentence} == expected
    untitled = [row.sentence for row in rows if not any(_title(state) in row.sentence for state in STATES)]
    assert untitled.count("a consulté un document") == len(PROFESSIONALS) * (len(STATES) - len(expected))

    if viewer not in PROFESSIONALS:
        return  # no patient-side page yet
    monkeypatch.setattr(history, "TRACES_PER_PAGE", 100)  # every trace on one page
    client = _client(person)
    url = reverse("patients:history", args=[patient.code])
    today = timezone.localdate().strftime("%d/%m/%Y")
    variants = {
        "all actions": {},
        "Vos actions": {"vos": "1"},
        "period": {"since": today, "until": today},
    }
    for variant, params in variants.items():
        response = client.get(url, params)
        assert response.status_code == 200, variant
        page = text(response)
        assert _shown_states(page) == expected, variant
        if expected != ALL:
            assert "a consulté un document" in page, variant
        assert "imprimé le" in page, variant  # the printable view is this same HTML


def _queries_of_history_page(client: Client, patient) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("patients:history", args=[patient.code]))
    assert response.status_code == 200
    return len(queries)


def test_checking_the_titles_costs_the_same_queries_for_one_or_a_page_of_documents(record_with_history):
    patient, pharmacist = record_with_history.patient, record_with_history.viewers["care-team pharmacist"]
    client = _client(pharmacist)
    _queries_of_history_page(client, patient)  # the opening of the DMP, traced once per visit
    few = _queries_of_history_page(client, patient)
    author = record_with_history.viewers["author"]
    with transaction.atomic():
        for document in DocumentFactory.create_batch(history.TRACES_PER_PAGE, patient=patient, author=author):
            record(actor=author, patient=patient, action=Action.DOCUMENT_ADDED, document=document)

    many = _queries_of_history_page(client, patient)

    assert many == few


def test_every_action_that_names_a_document_has_a_sentence_without_its_title():
    # A new document action without its unnamed sentence would fall back to "… le document"
    # and read as if a title had been cut: each one must say "un document".
    naming = {action for action in Action if action.label.endswith("le document")}
    assert naming <= set(UNNAMED_DOCUMENT_SENTENCES)
    assert all("un document" in sentence for sentence in UNNAMED_DOCUMENT_SENTENCES.values())
