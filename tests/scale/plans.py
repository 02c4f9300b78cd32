"""Reading the queries a page ran, and their plans, on SQLite and PostgreSQL."""

import re

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone


def page_queries(client, url: str) -> list[str]:
    """The SQL of one GET of `url` (after a first one that opened the DMP and warmed the caches),
    the clock stopped in between: the session's "last seen" refresh (every 30 s) is not the page's."""
    with time_machine.travel(timezone.now(), tick=False):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
    assert response.status_code == 200, url
    return [query["sql"] for query in queries]


def unbounded_counts(queries: list[str], table: str) -> list[str]:
    """COUNTs over `table` that do not stop at a LIMIT."""
    return [sql for sql in queries if "COUNT(" in sql.upper() and f'"{table}"' in sql and "LIMIT" not in sql]


def plan(sql: str) -> str:
    """The plan of an executed query (as CaptureQueriesContext shows it, parameters inlined)."""
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The planner's statistics of the rows the test inserted (autovacuum has not run yet):
            # without them, PostgreSQL thinks every table holds a row or two and sorts them.
            cursor.execute("ANALYZE")
        cursor.execute(explain + sql)
        return "\n".join(" ".join(str(cell) for cell in row) for row in cursor.fetchall())


def sorts(text: str) -> bool:
    """Does the plan sort rows itself (rather than read them in the index's order)?"""
    if connection.vendor == "sqlite":
        return "TEMP B-TREE" in text
    return any(
        line.strip().lstrip("-> ").startswith(("Sort", "Incremental Sort")) for line in text.splitlines()
    )


def the_query(queries: list[str], table: str, *, limit: int) -> str:
    """The one SELECT on `table` that reads a page: `LIMIT limit` (a page and its look-ahead row)."""
    found = [
        sql
        for sql in queries
        if sql.lstrip().upper().startswith("SELECT")
        and f'FROM "{table}"' in sql
        and re.search(rf"LIMIT {limit}\b", sql)
    ]
    assert found, f"no page query on {table}"
    return found[0]


def uses(text: str, index: str) -> bool:
    """Does the plan read `index`? Checked on SQLite only: PostgreSQL weighs the test's few rows,
    all of one patient, and may rightly choose another index (it must still not sort)."""
    return connection.vendor != "sqlite" or index in text
