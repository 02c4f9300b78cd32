"""Write millions of rows fast: multi-row executemany on SQLite, COPY on PostgreSQL.

Rows are plain tuples in the order of the columns given, already in the database's terms
(ids computed by the caller, aware UTC datetimes, UUIDs, dates, booleans): one ORM save per row
would take hours at the reference size, and even bulk_create builds a model instance per row.
"""

import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime

from django.db import connection
from django.db.models import Model


def columns_of(model: type[Model], names: Sequence[str]) -> list[str]:
    """The database columns of these fields ("patient" -> "patient_id"), checked against the model."""
    return [model._meta.get_field(name).column for name in names]


def _sqlite_value(value: object) -> object:
    """What Django's SQLite backend stores: naive UTC text for datetimes, hex for UUIDs."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, date):
        return value.isoformat()
    return value


def _constant_defaults(model: type[Model], given: Sequence[str]) -> tuple[list[str], tuple]:
    """The columns not given and their model defaults ("" for a blank text, None, False...): the
    database has no defaults of its own. A field whose default is computed must be given."""
    names, values = [], []
    for model_field in model._meta.concrete_fields:
        if model_field.name in given or model_field.attname in given:
            continue
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
    columns = [connection.ops.quote_name(column) for column in [*columns_of(model, fields), *default_columns]]
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
            prepared = [tuple(_sqlite_value(value) for value in row) for row in rows]
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


def tune_for_loading() -> None:
    """SQLite only: no journal and no fsync while a fresh file is filled (a failed build is thrown
    away), and a large page cache for the index inserts. `restore_after_loading` undoes it."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode = OFF")
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA cache_size = -1000000")


def restore_after_loading() -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
