"""The directory's searches read one index range in page order: no table scan, no sort.

SQLite's plan is checked as it comes (its planner picks an index that fits the WHERE and ORDER BY
even on a few rows). PostgreSQL's planner rightly prefers a sequential scan and a sort on a test's
few rows, so there the test forbids both (enable_seqscan, enable_sort off): what it checks is that
the index fits the query, filter and order. On real volumes the planner's own choice is printed by
`make bench` (bench/directory_bench.py), at 50,000 and 500,000 entries.
"""

import pytest
from django.db import connection

from directory.search import PAGE_SIZE, Criteria, ranged_rows
from tests.factories import DirectoryEntryFactory, DirectoryPracticeFactory

pytestmark = pytest.mark.django_db

CASES = {
    "name prefix": (Criteria(name="MART"), "directory_entry_name_idx"),
    "profession": (Criteria(profession="60"), "directory_entry_prof_idx"),
    "profession and name": (Criteria(profession="60", name="MART"), "directory_entry_prof_idx"),
    "specialty": (Criteria(specialty="Pédiatrie"), "directory_entry_spec_idx"),
    "commune": (Criteria(city="COLMAR"), "directory_practice_city_idx"),
    "commune and name": (Criteria(city="COLMAR", name="MART"), "directory_practice_city_idx"),
    "commune and profession": (Criteria(city="COLMAR", profession="60"), "directory_practice_city_idx"),
    "structure": (Criteria(structure="CENTRE HOSP"), "directory_practice_struct_idx"),
}


@pytest.fixture
def directory():
    for index in range(30):
        DirectoryPracticeFactory(entry__last_name=f"Martin{index}", city="Colmar" if index % 2 else "Metz")
    DirectoryEntryFactory(last_name="Klein")


def _plan(criteria: Criteria, *, after: int | None = None) -> str:
    rows, _ = ranged_rows(criteria, after=after)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
    return rows[: PAGE_SIZE + 1].explain()  # as the page reads it: LIMIT included


@pytest.mark.parametrize(("criteria", "index"), CASES.values(), ids=CASES.keys())
def test_each_search_reads_its_index_in_page_order(directory, criteria, index):
    plan = _plan(criteria)

    assert index in plan
    assert "TEMP B-TREE" not in plan  # SQLite: no sort
    assert "Sort" not in plan  # PostgreSQL: no sort (incremental or not)
    assert "SCAN directory_directoryentry" not in plan  # SQLite: no table scan
    assert "Seq Scan" not in plan


@pytest.mark.parametrize(
    ("criteria", "index"),
    [CASES["name prefix"], CASES["commune"], CASES["structure"]],
    ids=["name prefix", "commune", "structure"],
)
def test_the_next_page_seeks_into_the_same_index(directory, criteria, index):
    rows, _ = ranged_rows(criteria)
    after = rows[3][0]

    plan = _plan(criteria, after=after)

    assert index in plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan


def test_the_rpps_is_read_from_its_unique_index(directory):
    plan = _plan(Criteria(rpps="10000000000", name="MART"))

    assert "rpps" in plan and "SCAN directory_directoryentry" not in plan and "Seq Scan" not in plan
