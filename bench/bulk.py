"""Write millions of rows fast: multi-row executemany on SQLite, COPY on PostgreSQL.

Rows are plain tuples in the order of the columns given, already in the database's terms
(ids computed by the caller, aware UTC datetimes, UUIDs, dates, booleans): one ORM save per row
would take hours at the reference size, and even bulk_create builds a model instance per row.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from operator import attrgetter

from django.db import connection
from django.db.models import Model


def columns_of(model: type[Model], names: Sequence[str]) -> list[str]:
    """The database columns of these fields ("patient" -> "patient_id"), checked against the model."""
    return [model._meta.get_field(name).column for name in names]


def _sqlite_datetime(value: datetime) -> str:
    """Naive UTC text, as Django's SQLite backend stores an aware datetime."""
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None).isoformat(" ")


def _sqlite_converters(model: type[Model], columns: Sequence[str]) -> list[tuple[int, Callable]]:
    """(position, converter) for the columns SQLite cannot take as Python gives them."""
    by_column = {model_field.column: model_field for model_field in model._meta.concrete_fields}
    converters = []
    for position, column in enumerate(columns):
        internal = by_column[column].get_internal_type()
        if internal == "DateTimeField":
            converters.append((position, _sqlite_datetime))
        elif internal == "UUIDField":
            converters.append((position, attrgetter("hex")))
        elif internal == "DateField":
            converters.append((position, date.isoformat))
    return converters


def _sqlite_rows(rows: Iterable[tuple], converters: list[tuple[int, Callable]]) -> Iterator[list]:
    for row in rows:
        values = list(row)
        for position, convert in converters:
            if values[position] is not None:
                values[position] = convert(values[position])
        yield values


def _constant_defaults(model: type[Model], given: Sequence[str]) -> tuple[list[str], tuple]:
    """The columns not given and their model defaults ("" for a blank text, None, False...): the
    database has no defaults of its own. A field whose default is computed must be given."""
    names, values = [], []
    for model_field in model._meta.concrete_fields:
        if model_field.name in given or model_field.attname in given or model_field.generated:
            continue  # a generated column is the database's to fill
        if model_field.has_default() and callable(model_field.default):
            raise ValueError(f"{model.__name__}.{model_field.name}: computed default, give it explicitly.")
        names.append(model_field.column)
        values.append(model_field.get_default())
    return names, tuple(values)


def insert(model: type[Model], fields: Sequence[str], rows: Iterable[tuple]) -> int:
    """Insert the rows (tuples in the order of `fields`) into the model's table, the other columns
    taking their model defaults; returns the count."""
    table = connection.ops.quote_name(model._meta.db_table)
    default_columns, defaults = _constant_defaults(model, fields)
    names = [*columns_of(model, fields), *default_columns]
    columns = [connection.ops.quote_name(column) for column in names]
    rows = (row + defaults for row in rows)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # psycopg's COPY: its dumpers convert dates, datetimes, UUIDs and booleans.
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"  # noqa: S608 (model names)
            prepared = list(_sqlite_rows(rows, _sqlite_converters(model, names)))
            cursor.executemany(sql, prepared)
            count = len(prepared)
    return count


def reset_sequences(models: Sequence[type[Model]]) -> None:
    """After explicit ids, PostgreSQL's sequences must start past them (SQLite needs nothing)."""
    if connection.vendor != "postgresql":
        return
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def next_id(model: type[Model]) -> int:
    """The first free id of a table (ids are assigned by the generator, not by the database)."""
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


@contextmanager
def loading(models: Sequence[type[Model]]) -> Iterator[None]:
    """Fill these tables fast, then put everything back as the migrations left it.

    Their secondary indexes are dropped for the load and rebuilt after it (one sort each instead
    of millions of random inserts). SQLite: no journal, no fsync, no foreign key or CHECK evaluation while a
    fresh file is filled (a failed build is thrown away; the generator writes valid rows), a large
    page cache. PostgreSQL: foreign keys and triggers (the append-only ones only refuse UPDATE and
    DELETE) are not fired for the session's COPY (session_replication_role, superuser only).
    """
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        loaded = _LOADED[connection.vendor] or _sqlite_settings_now(cursor)
        indexes = _secondary_indexes(cursor, tables)
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        for statement in _LOADING[connection.vendor]:
            cursor.execute(statement)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for _, definition in indexes:
                cursor.execute(definition)
            for statement in loaded:
                cursor.execute(statement)
            if connection.vendor == "postgresql":
                # The state autovacuum brings a loaded table to: statistics, and a visibility map
                # that lets counts and index-only scans skip the rows (never inside a transaction).
                quoted = ", ".join(connection.ops.quote_name(table) for table in tables)
                cursor.execute(f"VACUUM (ANALYZE) {quoted}")
            else:
                cursor.execute("ANALYZE")


_LOADING = {
    "sqlite": [
        "PRAGMA foreign_keys = OFF",
        "PRAGMA journal_mode = OFF",
        "PRAGMA synchronous = OFF",
        "PRAGMA ignore_check_constraints = ON",
        "PRAGMA cache_size = -1000000",
    ],
    # More memory for the index rebuilds than the server's default (64 MB): one sort in memory.
    "postgresql": ["SET session_replication_role = replica", "SET maintenance_work_mem = '1GB'"],
}
_LOADED = {
    "sqlite": [],  # the connection's own settings, read before the load (_sqlite_settings_now)
    "postgresql": ["SET session_replication_role = DEFAULT", "RESET maintenance_work_mem"],
}


def _sqlite_settings_now(cursor: object) -> list[str]:
    """The statements that put this SQLite connection's settings back as they are now. Restored
    as found, not to fixed values: a journal left OFF would make every later ROLLBACK on this
    connection a no-op (an in-memory test database cannot take WAL), so later tests would keep
    each other's rows."""
    statements = ["PRAGMA ignore_check_constraints = OFF"]
    for pragma in ("foreign_keys", "journal_mode", "synchronous", "cache_size"):
        cursor.execute(f"PRAGMA {pragma}")
        statements.append(f"PRAGMA {pragma} = {cursor.fetchone()[0]}")
    return statements


def _secondary_indexes(cursor: object, tables: list[str]) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the indexes that no constraint or primary key owns."""
    if connection.vendor == "sqlite":
        placeholders = ", ".join("?" * len(tables))
        cursor.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "  # noqa: S608 (placeholders)
            f"AND tbl_name IN ({placeholders})",
            tables,
        )
    else:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
            [tables],
        )
    return list(cursor.fetchall())
