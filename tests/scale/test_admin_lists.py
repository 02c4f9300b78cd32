"""The admin at a million rows (issue 13: the trace list took 32 s, the document list 57 s on
SQLite): the patient, document and trace lists cost the same queries for a big table as for a
small one, never COUNT the whole table, have no date_hierarchy, and read their page in an index's
order; their searches are equalities on indexes."""

from datetime import date

import pytest
from django.contrib import admin
from django.db import connection
from django.urls import reverse

from audit.models import Trace
from dmp_portal.paging import ADMIN_COUNT_LIMIT
from documents.models import Document
from patients.models import Patient
from tests.factories import PatientFactory, PhysicianFactory
from tests.scale.plans import page_queries, plan, sorts, the_query, unbounded_counts, uses
from tests.scale.records import add_documents, append_traces

pytestmark = pytest.mark.django_db

LISTS = {
    "patient": ("admin:patients_patient_changelist", "patients_patient"),
    "document": ("admin:documents_document_changelist", "documents_document"),
    "trace": ("admin:audit_trace_changelist", "audit_trace"),
}


def _grow(count: int) -> None:
    author = PhysicianFactory()
    patients = [PatientFactory() for _ in range(max(1, count // 100))]
    for patient in patients:
        add_documents(patient, [author], 100 if count >= 100 else count)
        append_traces(patient, [author, author], 100 if count >= 100 else count)


@pytest.mark.parametrize("model", LISTS)
def test_a_list_costs_the_same_queries_small_or_big(admin_client, model):
    url = reverse(LISTS[model][0])
    _grow(3)
    small = len(page_queries(admin_client, url))
    _grow(600)

    assert len(page_queries(admin_client, url)) == small


# Each list unfiltered, then narrowed by each of its filters (a rare value: the worst case of a
# filter without an index is a walk through the whole table to find a few rows).
FILTERED = [
    ("patient", ""),
    ("patient", "?dmp_status__exact=ferme"),
    ("patient", "?identity_status__exact=provisoire"),
    ("patient", "?sandbox__isnull=False"),
    ("document", ""),
    ("document", "?status__exact=archive"),
    ("document", "?source__exact=patient"),
    ("trace", ""),
    ("trace", "?action__exact=login_failed"),
]


@pytest.mark.parametrize(("model", "filters"), FILTERED)
def test_no_list_counts_the_whole_table_and_none_sorts_it(admin_client, model, filters):
    _grow(100)
    name, table = LISTS[model]

    queries = page_queries(admin_client, reverse(name) + filters)

    assert not unbounded_counts(queries, table)
    if connection.vendor == "sqlite":  # PostgreSQL sorts a few hundred rows rather than read an index
        # The bounded count and the page (a short list has no LIMIT) read the index in order.
        for sql in [sql for sql in queries if f'FROM "{table}"' in sql and "ORDER BY" in sql]:
            assert not sorts(plan(sql)), sql


def test_every_filter_of_the_big_lists_is_checked_above():
    checked = {(model, params.lstrip("?").split("__")[0]) for model, params in FILTERED if params}
    for model in LISTS:
        model_admin = admin.site._registry[{"patient": Patient, "document": Document, "trace": Trace}[model]]
        for item in model_admin.list_filter:
            field = item if isinstance(item, str) else item[0]
            if field != "created_at":  # the trace list's dates: audit_trace_created_idx, same order
                assert (model, field) in checked, (model, field)


@pytest.mark.parametrize("model", [Patient, Document, Trace])
def test_no_date_hierarchy_on_the_big_tables(model):
    assert admin.site._registry[model].date_hierarchy is None


def test_the_patient_search_by_name_uses_the_name_indexes(admin_client):
    _grow(300)
    PatientFactory(birth_name="Müller-Étienne")

    queries = page_queries(admin_client, reverse(LISTS["patient"][0]) + "?q=muller etienne")
    shown = plan(the_query(queries, "patients_patient", limit=ADMIN_COUNT_LIMIT + 1))  # the bounded count

    assert uses(shown, "patients_birth_name_idx") and uses(shown, "patients_usual_name_idx"), shown
    # Counted in no order: a frequent name's thousands of rows are not sorted just to be counted.
    assert not sorts(shown), shown
    if connection.vendor == "sqlite":  # the page: the ids from the indexes, then the rows in order
        (page,) = [sql for sql in queries if '"patients_patient"."code"' in sql and "ORDER BY" in sql]
        assert not sorts(plan(page)), plan(page)


def test_the_document_search_is_an_exact_code_or_ins(admin_client):
    _grow(3)
    document = Document.objects.select_related("patient").first()

    by_code = admin_client.get(reverse(LISTS["document"][0]), {"q": str(document.code)})
    by_ins = admin_client.get(reverse(LISTS["document"][0]), {"q": document.patient.ins})
    partial = admin_client.get(reverse(LISTS["document"][0]), {"q": str(document.code)[:8]})

    assert list(by_code.context["cl"].result_list) == [document]
    assert set(by_ins.context["cl"].result_list) == set(Document.objects.filter(patient=document.patient))
    assert list(partial.context["cl"].result_list) == []


def test_a_list_beyond_a_thousand_rows_says_plus_de_1_000_and_counts_no_further(admin_client):
    Patient.objects.bulk_create(
        Patient(
            ins=f"1{number:014d}",
            birth_name="MARTIN",
            birth_name_key="MARTIN",
            first_name="Jean",
            birth_first_names="Jean",
            first_names_key=" JEAN ",
            sex="M",
            birth_date=date(1950, 1, 1),
            birth_place_cog="67482",
        )
        for number in range(ADMIN_COUNT_LIMIT + 5)
    )
    url = reverse(LISTS["patient"][0])

    listed = admin_client.get(url).content.decode()
    searched = admin_client.get(url + "?q=martin").content.decode()

    assert "plus de 1\u202f000 patients : précisez la recherche ou filtrez la liste" in listed
    assert "plus de 1\u202f000 résultats" in searched
