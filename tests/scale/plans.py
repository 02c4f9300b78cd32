"""Reading the queries a page ran, and their plans, on SQLite and PostgreSQL."""

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
        cursor.execute(explain + sql)
        return "\n".join(" ".join(str(cell) for cell in row) for row in cursor.fetchall())


def sorts(text: str) -> bool:
    """Does the plan sort rows itself (rather than read them in the index's order)?"""
    if connection.vendor == "sqlite":
        return "TEMP B-TREE" in text
    return any(
        line.strip().lstrip("-> ").startswith(("Sort", "Incremental Sort")) for line in text.splitlines()
    )


def the_query(queries: list[str], table: str, *, containing: str = "LIMIT") -> str:
    """The one SELECT on `table` that reads a page (has `containing`)."""
    found = [
        sql
        for sql in queries
        if sql.lstrip().upper().startswith("SELECT") and f'FROM "{table}"' in sql and containing in sql
    ]
    assert found, f"no page query on {table}"
    return found[0]
