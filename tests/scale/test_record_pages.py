"""What `make bench` found, pinned: a DMP page costs the same queries for a big record as for a
small one (issue 13: 5,000 documents and 200,000 traces; here 400 and 1,500, which show the same
constancy and keep the suite fast; bench/heavy_record.py measures the full size), counts nothing
it can know (the chain head) or bounds it ("plus de 1 000"), and reads its page on an index that gives the order (no sort of the whole record)."""

import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from documents.forms import AUTHOR_CHOICES
from patients.models import RecordAccess
from tests.factories import CareStayFactory, PatientFactory, PhysicianFactory
from tests.helpers import link_to, text
from tests.scale.plans import page_queries, plan, sorts, the_query, unbounded_counts, uses
from tests.scale.records import add_documents, append_traces

pytestmark = pytest.mark.django_db

SMALL = {"documents": 25, "traces": 30}  # two pages of each list
BIG = {"documents": 400, "traces": 1500}


@pytest.fixture
def authors():
    return [PhysicianFactory() for _ in range(AUTHOR_CHOICES + 10)]


@pytest.fixture
def records(alice, authors):
    """Two records Alice's hospital cares for: a small and a big one."""
    built = {}
    for name, size in (("small", SMALL), ("big", BIG)):
        patient = PatientFactory()
        CareStayFactory(patient=patient, establishment=alice.practices.get().establishment)
        add_documents(patient, authors, size["documents"])
        append_traces(patient, [alice, *authors], size["traces"])
        built[name] = patient
    return built


def _urls(client, patient) -> dict[str, str]:
    documents = reverse("documents:list", args=[patient.code])
    history = reverse("patients:history", args=[patient.code])
    first_documents, first_history = client.get(documents), client.get(history)
    document = first_documents.context["documents"][0]
    return {
        "summary": reverse("patients:summary", args=[patient.code]),
        "documents": documents,
        "documents, next page": documents + link_to(first_documents, "Page suivante"),
        "documents, last page": documents + "?fin=1",
        "documents by author": documents + "?tri=auteur",
        "grid": reverse("documents:grid", args=[patient.code]),
        "document": reverse("documents:detail", args=[patient.code, document.code]),
        "history": history,
        "history, next page": history + link_to(first_history, "Traces plus anciennes"),
        "history, last page": history + "?fin=1",
        "history, mine": history + "?vos=1",
        "vaccinations": reverse("documents:vaccination", args=[patient.code]),
    }


def test_every_page_costs_the_same_queries_for_a_big_record(alice_client, records):
    small, big = (_urls(alice_client, records[name]) for name in ("small", "big"))

    for page in small:
        assert len(page_queries(alice_client, big[page])) == len(page_queries(alice_client, small[page])), (
            page
        )


def test_no_page_counts_the_whole_history_or_list(alice_client, records):
    for page, url in _urls(alice_client, records["big"]).items():
        queries = page_queries(alice_client, url)
        assert not unbounded_counts(queries, "audit_trace"), page
        if page.startswith("documents") or page.startswith("history"):
            assert not unbounded_counts(queries, "documents_document"), page


def test_the_counts_come_from_the_chain_head_or_stop_at_a_thousand(alice_client, alice, records):
    body = alice_client.get(reverse("patients:history", args=[records["big"].code])).content.decode()

    assert "Toutes les actions (1\u202f502)" in body  # BIG's traces, the opening and this reading
    mine = alice_client.get(reverse("patients:history", args=[records["big"].code])).context["counts"]["mine"]
    assert mine.value == BIG["traces"] // 10 + 3 and not mine.more  # every tenth, the opening, two readings
    response = alice_client.get(reverse("documents:list", args=[records["big"].code]))
    assert f"{BIG['documents']} document(s)" in text(response)


def test_a_list_of_more_than_a_thousand_documents_says_so(alice_client, alice, authors):
    patient = PatientFactory()
    CareStayFactory(patient=patient, establishment=alice.practices.get().establishment)
    add_documents(patient, authors, 1001)

    response = alice_client.get(reverse("documents:list", args=[patient.code]))

    assert "Plus de 1\u202f000 document(s)" in text(response)


def test_the_author_filter_offers_recent_authors_not_every_author(alice_client, records):
    response = alice_client.get(reverse("documents:list", args=[records["big"].code]))

    options = response.context["filters"].fields["auteur"].choices
    assert len(options) <= AUTHOR_CHOICES + 1  # "Tous" and the most recent authors


def test_an_older_author_chosen_by_url_still_filters_and_is_offered(alice_client, alice, records, authors):
    patient = PatientFactory()
    CareStayFactory(patient=patient, establishment=alice.practices.get().establishment)
    add_documents(patient, authors, 400)  # the first author's documents are also the oldest ones
    old_author = authors[0]

    response = alice_client.get(reverse("documents:list", args=[patient.code]), {"auteur": old_author.rpps})

    assert old_author.rpps in dict(response.context["filters"].fields["auteur"].choices)
    assert response.context["documents"]
    assert {document.author_id for document in response.context["documents"]} == {old_author.pk}


def test_the_summary_reads_no_trace_to_count_the_new_documents(alice_client, records):
    queries = page_queries(alice_client, reverse("patients:summary", args=[records["big"].code]))

    assert not [
        sql for sql in queries if sql.lstrip().upper().startswith("SELECT") and '"audit_trace"' in sql
    ]


@pytest.mark.parametrize("page", ["history", "history, next page", "history, last page", "history, mine"])
def test_a_history_page_is_read_in_the_index_order(alice_client, records, page):
    url = _urls(alice_client, records["big"])[page]

    shown = plan(the_query(page_queries(alice_client, url), "audit_trace", limit=21))

    assert uses(shown, "audit_trace_patient")  # audit_trace_patient_idx, or _actor_idx for "Vos actions"
    assert not sorts(shown), shown


@pytest.mark.parametrize(
    ("page", "index"),
    [
        ("documents", "documents_doc_patient_date_idx"),
        ("documents, next page", "documents_doc_patient_date_idx"),
        ("documents, last page", "documents_doc_patient_date_idx"),
    ],
)
def test_a_documents_page_is_read_in_the_index_order(alice_client, records, page, index):
    url = _urls(alice_client, records["big"])[page]

    shown = plan(the_query(page_queries(alice_client, url), "documents_document", limit=21))

    assert uses(shown, index)
    assert not sorts(shown), shown


def test_the_count_of_documents_hidden_from_the_patient_reads_only_those(alice_client, records):
    queries = page_queries(alice_client, reverse("patients:summary", args=[records["big"].code]))
    (count,) = [sql for sql in queries if "COUNT(" in sql and "visible_to_patient_on" in sql]

    assert uses(plan(count), "documents_doc_announced_idx"), plan(count)


COUNTING_QUERIES = {
    "summary: totals and new": ("summary", "GROUP BY", "FILTER"),
    "grid: cells": ("grid", "GROUP BY", "CAST("),
    "grid: years": ("grid", "SELECT DISTINCT", "CAST("),
}


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="PostgreSQL rightly scans the test's small table; at a million patients its plan is an "
    "index-only scan of documents_doc_patient_type_idx (no heap fetch), as the benchmark showed",
)
@pytest.mark.parametrize("query", COUNTING_QUERIES)
def test_the_counts_by_rubrique_and_year_read_the_covering_index_not_the_rows(alice_client, records, query):
    """The Récapitulatif's totals and "N nouveau(x)", and the grid's cells and years, go through a
    big record's documents: on documents_doc_patient_type_idx alone (an index-only read)."""
    page, *markers = COUNTING_QUERIES[query]
    queries = page_queries(alice_client, _urls(alice_client, records["big"])[page])
    (counts,) = [sql for sql in queries if "documents_document" in sql and all(m in sql for m in markers)]

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    shown = plan(counts)

    assert "USING COVERING INDEX documents_doc_patient_type_idx" in shown, shown


def test_the_headers_profession_comes_with_the_session_user_not_a_query_of_its_own(alice_client, records):
    """Every page's header names the user's profession: loaded with the user (accounts/backends.py)."""
    queries = page_queries(alice_client, _urls(alice_client, records["small"])["summary"])

    assert not [sql for sql in queries if 'FROM "accounts_profession"' in sql]
    assert "Pharmacien" in alice_client.get(_urls(alice_client, records["small"])["summary"]).content.decode()


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="PostgreSQL plans the IN form as a semi-join either way (7 ms at a million patients), and "
    "rightly scans the test's small tables",
)
def test_mes_patients_checks_the_scope_row_by_row_not_by_listing_every_patient(alice_client, alice, records):
    """The scope (patients.scope) is asked per access, on the patient's primary key: as
    `patient IN (the scope)`, SQLite listed a million patients first (350 ms at the reference size)."""
    for patient in records.values():
        RecordAccess.objects.create(
            patient=patient, professional=alice, first_access_at=timezone.now(), last_access_at=timezone.now()
        )
    queries = page_queries(alice_client, reverse("patients:my_patients"))
    (accesses,) = [sql for sql in queries if 'FROM "patients_recordaccess"' in sql and "LIMIT 50" in sql]

    shown = plan(accesses)

    assert not re.search(r"\bSCAN\b", shown), shown
