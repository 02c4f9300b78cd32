"""Fixtures of the documents pages' tests (tests/documents/test_pages_*.py).

`alice` (tests/conftest.py) is a hospital pharmacist. Here her hospital cares for `patient`, so she
opens the DMP with presumed consent (care team) and no declaration; `physician` (outside the care
team, consent declared) writes the documents she reads. Under the default matrix a pharmacist reads
consultation reports but not the directives anticipées (patient rubrique).
"""

import pytest

from documents.models import Document
from tests.documents.pages import CONSULTATION, PATIENT_WISHES
from tests.factories import (
    AuthorizationFactory,
    CareStayFactory,
    DocumentFactory,
    DocumentTypeFactory,
    PatientFactory,
    PhysicianFactory,
)


@pytest.fixture
def patient(alice):
    """In care at Alice's hospital: she is in the care team."""
    patient = PatientFactory(birth_name="Le Quinio", first_name="Pierre")
    CareStayFactory(patient=patient, establishment=alice.practices.get().establishment)
    return patient


@pytest.fixture
def physician(patient):
    """A physician who declared the patient's consent: the author of most documents."""
    physician = PhysicianFactory(first_name="Paul", last_name="Weber")
    AuthorizationFactory(patient=patient, professional=physician)
    return physician


@pytest.fixture
def make_document(patient, physician):
    """make_document(title=..., type_code=..., **factory kwargs): a document of `patient`."""

    def make(type_code: str = CONSULTATION, **kwargs) -> Document:
        kwargs.setdefault("author", physician)
        return DocumentFactory(patient=patient, document_type=DocumentTypeFactory(code=type_code), **kwargs)

    return make


@pytest.fixture
def hidden_documents(make_document):
    """Two documents Alice must never see: one masked to professionals, one of a type the matrix
    keeps from pharmacists."""
    return [
        make_document(title="Document masqué aux professionnels", masked_to_professionals=True),
        make_document(title="Directives hors matrice", type_code=PATIENT_WISHES),
    ]
