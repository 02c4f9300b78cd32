"""visible_to() costs a constant number of queries, whatever the number of documents, and is
served by the patient index."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.models import Document
from patients.access import decision_for
from tests.factories import (
    AuthorizationFactory,
    DocumentFactory,
    DocumentTypeFactory,
    PatientFactory,
    PhysicianFactory,
    ProfessionalFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[10, 50], ids=lambda n: f"{n}_documents")
def record(request):
    patient = PatientFactory()
    author = PhysicianFactory()
    AuthorizationFactory(patient=patient, professional=author)
    pharmacist = ProfessionalFactory()
    AuthorizationFactory(patient=patient, professional=pharmacist)
    patient.dmp_attending_physicians.add(PhysicianFactory())
    types = [DocumentTypeFactory(code=code) for code in ("11488-4", "60593-1", "18748-4", "EXPPAT_3")]
    for i in range(request.param):
        DocumentFactory(
            patient=patient,
            author=author,
            document_type=types[i % len(types)],
            masked_to_professionals=i % 3 == 0,
            hidden_from_legal_representatives=i % 5 == 0,
            announcement=i % 4 == 0,
        )
    return patient, pharmacist


def _evaluate(visible) -> None:
    visible.count()
    list(visible.select_related("document_type__rubrique", "author"))
    visible.rubrique_year_counts()
    list(visible.latest_added())


def test_one_query_each_with_the_views_decision(record, django_assert_num_queries):
    patient, pharmacist = record
    decision = decision_for(pharmacist, patient)

    with django_assert_num_queries(4):  # count, list, grid, latest five
        _evaluate(Document.objects.visible_to(pharmacist, patient, decision=decision))


def test_without_the_views_decision_it_costs_the_decisions_queries_and_one(record, django_assert_num_queries):
    patient, pharmacist = record
    with CaptureQueriesContext(connection) as decision_queries:
        decision_for(pharmacist, patient)

    with django_assert_num_queries(len(decision_queries) + 1):
        Document.objects.visible_to(pharmacist, patient).count()


def test_the_patient_side_is_one_query(record, django_assert_num_queries):
    patient, _ = record
    representative = PatientFactory()
    patient.legal_representatives.add(representative)

    with django_assert_num_queries(4):
        _evaluate(Document.objects.visible_to(representative, patient))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_the_latest_documents_are_read_from_the_patient_index_in_order(record):
    patient, pharmacist = record
    visible = Document.objects.visible_to(pharmacist, patient, decision=decision_for(pharmacist, patient))
    sql, params = visible.latest_added().query.sql_with_params()

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row) for row in cursor.fetchall())

    assert "documents_doc_patient_idx" in plan
    assert "TEMP B-TREE" not in plan  # the index gives the order: no sort
