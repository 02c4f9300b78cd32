"""Annuaire santé search at 50,000 and 500,000 professionals: the same order of time.

Run: .venv/bin/python -m bench.directory_bench                 (SQLite)
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/dmp_bench .venv/bin/python -m bench.directory_bench
     .venv/bin/python -m bench.directory_bench 20000 200000     (other sizes)
It works in a throwaway test database ("test_" + the configured name, created, migrated, then
dropped): the configured database is never touched. The directory is filled by the generator
(directory/generator.py: fixed seed, bulk inserts; the first 50,000 entries are those of the
500,000), the statistics refreshed (ANALYZE, as autovacuum would on PostgreSQL), then each search
runs as the page runs it (directory.search.directory_search: the range read and the page's entries
with their situations and addresses).
Prints, per search and size: the best and the median wall time of 15 runs in ms (the machine is
shared: the best is the least disturbed by the neighbours), the queries, and the index the
database's planner chose for the range read (EXPLAIN): "—" would mean a table scan.
Not a test (no timed assertion): figures to compare before and after a change.
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import time

import django

SIZES = (50_000, 500_000)
RUNS = 15


def _cases() -> dict[str, object]:
    from directory.generator import fictive_rpps
    from directory.search import Criteria

    return {
        "nom « mart » (préfixe fréquent)": Criteria(name="MART"),
        "nom « kieffer » (rare)": Criteria(name="KIEFFER"),
        "nom et prénom « martin ju »": Criteria(name="MARTIN JU"),
        "nom « zz » (aucun résultat)": Criteria(name="ZZ"),
        "profession pharmacien": Criteria(profession="21"),
        "profession infirmier + nom « le »": Criteria(profession="60", name="LE"),
        "spécialité pédiatrie": Criteria(specialty="Pédiatrie"),
        "commune Strasbourg": Criteria(city="STRASBOURG"),
        "commune Colmar + nom « m »": Criteria(city="COLMAR", name="M"),
        "commune Paris + profession sage-femme": Criteria(city="PARIS", profession="50"),
        "structure « centre hospitalier universitaire »": Criteria(
            structure="CENTRE HOSPITALIER UNIVERSITAIRE"
        ),
        "structure « pharmacie du centre »": Criteria(structure="PHARMACIE DU CENTRE"),
        "RPPS": Criteria(rpps=fictive_rpps(12_345)),
    }


def _measure(criteria: object, after: int | None = None) -> tuple[float, float, int, str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from directory.search import PAGE_SIZE, directory_search, ranged_rows

    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        directory_search(criteria, after=after)
        times.append(time.perf_counter() - start)
    with CaptureQueriesContext(connection) as queries:
        directory_search(criteria, after=after)
    plan = ranged_rows(criteria, after=after)[0][: PAGE_SIZE + 1].explain()
    return min(times) * 1000, statistics.median(times) * 1000, len(queries), _plan_summary(plan)


# The plan's reading steps: PostgreSQL ("Index Scan using X on T", "Seq Scan on T", "Sort") and
# SQLite ("SEARCH T USING INDEX X (…)", "SCAN T", "USE TEMP B-TREE FOR ORDER BY").
_STEPS = re.compile(
    r"(?P<pg>(?:Index Only |Bitmap Index |Index |Seq )Scan|(?:Incremental )?Sort(?! Key))(?: using (?P<pg_index>\w+))?"
    r"(?: on (?P<pg_table>\w+))?"
    r"|(?P<lite>SEARCH|SCAN) (?P<lite_table>\w+)(?: USING (?:COVERING |INTEGER PRIMARY KEY)?(?:INDEX (?P<lite_index>\w+))?)?"
    r"|(?P<temp>USE TEMP B-TREE)"
)


def _plan_summary(plan: str) -> str:
    steps = []
    for step in _STEPS.finditer(plan):
        if step["pg"]:
            steps.append(f"{step['pg']} {step['pg_index'] or step['pg_table'] or ''}".strip())
        elif step["lite"]:
            steps.append(f"{step['lite']} {step['lite_index'] or step['lite_table']}")
        else:
            steps.append("TEMP B-TREE (tri)")
    return " → ".join(steps)


def _fifth_page_cursor(criteria: object) -> int | None:
    from directory.search import directory_search

    cursor = None
    for _ in range(4):
        cursor = directory_search(criteria, after=cursor).next_cursor
    return cursor


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dmp_portal.settings")
    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    from directory.generator import fictive_entries_ensure
    from directory.search import Criteria

    sizes = tuple(int(arg) for arg in sys.argv[1:]) or SIZES
    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    results: dict[str, list[tuple[float, float, int, str]]] = {}
    try:
        print(f"Annuaire santé — recherche, base {connection.vendor} ({name})")
        for size in sizes:
            start = time.perf_counter()
            fictive_entries_ensure(size)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            print(f"  {size:>9,} professionnels générés et analysés en {time.perf_counter() - start:6.1f} s")
            cases = _cases()
            cases["nom « mart », 5e page (curseur)"] = (
                Criteria(name="MART"),
                _fifth_page_cursor(Criteria(name="MART")),
            )
            for label, case in cases.items():
                criteria, after = case if isinstance(case, tuple) else (case, None)
                results.setdefault(label, []).append(_measure(criteria, after))
        header = "".join(f"{size:>16,}" for size in sizes)
        print(
            f"\n  {'recherche (ms : meilleure / médiane de ' + str(RUNS) + ')':<50}{header}  requêtes  index lu"
        )
        for label, rows in results.items():
            figures = "".join(f"{best:>8.1f} /{median:>6.1f}" for best, median, _, _ in rows)
            print(f"  {label:<50}{figures}  {rows[-1][2]:>8}  {rows[-1][3]}")
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    main()
