"""Database triggers that make audit_trace append-only, on SQLite and on PostgreSQL.

Installed by a migration; the test suite also drops and reinstalls them around the few tests
that must empty the table (pytest-django flushes tables after transactional tests) or that
simulate an attacker who disabled them.
"""

from django.core.exceptions import ImproperlyConfigured
from django.db.backends.base.base import BaseDatabaseWrapper

MESSAGE = "audit_trace is append-only: traces are never updated or deleted"

_SQLITE_INSTALL = [
    f"CREATE TRIGGER IF NOT EXISTS audit_trace_no_update BEFORE UPDATE ON audit_trace "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    f"CREATE TRIGGER IF NOT EXISTS audit_trace_no_delete BEFORE DELETE ON audit_trace "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
]
_SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS audit_trace_no_update",
    "DROP TRIGGER IF EXISTS audit_trace_no_delete",
]

_POSTGRES_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION audit_trace_append_only() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION '{MESSAGE}'; END;
        $$ LANGUAGE plpgsql""",
    "CREATE OR REPLACE TRIGGER audit_trace_no_update_delete BEFORE UPDATE OR DELETE ON audit_trace "
    "FOR EACH ROW EXECUTE FUNCTION audit_trace_append_only()",
    "CREATE OR REPLACE TRIGGER audit_trace_no_truncate BEFORE TRUNCATE ON audit_trace "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_trace_append_only()",
]
_POSTGRES_UNINSTALL = [
    "DROP TRIGGER IF EXISTS audit_trace_no_update_delete ON audit_trace",
    "DROP TRIGGER IF EXISTS audit_trace_no_truncate ON audit_trace",
]


def _statements(connection: BaseDatabaseWrapper, *, install: bool) -> list[str]:
    if connection.vendor == "sqlite":
        return _SQLITE_INSTALL if install else _SQLITE_UNINSTALL
    if connection.vendor == "postgresql":
        return _POSTGRES_INSTALL if install else _POSTGRES_UNINSTALL
    raise ImproperlyConfigured(
        f"The audit trail is append-only on SQLite and PostgreSQL only, not on {connection.vendor}."
    )


def install(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection, install=True):
            cursor.execute(statement)


def reinstall(apps: object, schema_editor: object) -> None:
    """For a migration's RunPython: SQLite rebuilds audit_trace to alter it (a check constraint, a
    column), which drops the append-only triggers; this puts them back (a no-op on PostgreSQL).
    Such a migration runs it first backwards and last forwards."""
    install(schema_editor.connection)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection, install=False):
            cursor.execute(statement)
