"""Lists whose cost does not grow with the table: keyset pages and bounded counts.

Shared by every app's lists (the history, the documents list, the carnet de vaccination, the
admin), which is why it sits in the project package and imports no app.

- `keyset_page`: a page after (or before) a cursor, never OFFSET. The cursor is the sort key of a
  page's last (or first) row; the query asks for the rows beyond it on an index that matches the
  order, so page 5,000 costs what page 1 does. Links go to the newest, newer, older and oldest
  page; there is no "page N of M", which would need counting the whole list.
- `bounded_count`: "plus de 1 000" instead of counting a hundred thousand rows.
- `BoundedCountPaginator`: the admin's paginator, which counts at most ADMIN_COUNT_LIMIT rows.
"""

import base64
import binascii
import json
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property, reduce
from operator import or_

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db.models import Field, Model, Q, QuerySet

# The URL parameters of a keyset page.
AFTER = "apres"
BEFORE = "avant"
LAST = "fin"

COUNT_LIMIT = 1000
ADMIN_COUNT_LIMIT = COUNT_LIMIT  # the admin's big lists stop where the portal's do


@dataclass(frozen=True)
class BoundedCount:
    """A count that stops at `limit`: shown as "plus de 1 000" beyond it."""

    value: int
    more: bool

    def __str__(self) -> str:
        shown = f"{self.value:,}".replace(",", "\u202f")
        return f"plus de {shown}" if self.more else shown


def bounded_count(queryset: QuerySet, limit: int = COUNT_LIMIT) -> BoundedCount:
    """At most `limit` + 1 rows read, on whatever index serves the filter (one query)."""
    value = queryset.order_by()[: limit + 1].count()
    return BoundedCount(min(value, limit), value > limit)


@dataclass
class KeysetPage:
    """One page of a keyset-paginated list; the template include "includes/_pagination.html"
    draws its links from the cursors."""

    object_list: list
    newer_cursor: str | None  # the page before this one (BEFORE), None on the first page
    older_cursor: str | None  # the page after this one (AFTER), None on the last page
    at_start: bool
    at_end: bool

    def __iter__(self) -> Iterator:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def has_previous(self) -> bool:
        return self.newer_cursor is not None

    def has_next(self) -> bool:
        return self.older_cursor is not None

    def has_other_pages(self) -> bool:
        return self.has_previous() or self.has_next()


def keyset_page(
    queryset: QuerySet, ordering: Sequence[str], params: Mapping[str, str], per_page: int
) -> KeysetPage:
    """The page of `queryset` in `ordering` (field paths, "-" for descending; it must end with a
    unique key, such as "-pk", and name no nullable field) that `params` ask for: after the
    AFTER cursor, before the BEFORE cursor, the last page (LAST=1), else the first page. A cursor
    that cannot be read gives the first page. One query."""
    keys = _Keys(queryset.model, ordering)
    if (cursor := keys.decode(params.get(AFTER))) is not None:
        rows = list(queryset.filter(keys.beyond(cursor)).order_by(*ordering)[: per_page + 1])
        more, rows = len(rows) > per_page, rows[:per_page]
        return _page(keys, rows, at_start=False, at_end=not more)
    if (cursor := keys.decode(params.get(BEFORE))) is not None:
        rows = list(
            queryset.filter(keys.beyond(cursor, backwards=True)).order_by(*keys.reversed)[: per_page + 1]
        )
        more, rows = len(rows) > per_page, rows[:per_page][::-1]
        return _page(keys, rows, at_start=not more, at_end=False)
    if params.get(LAST) == "1":
        rows = list(queryset.order_by(*keys.reversed)[: per_page + 1])
        more, rows = len(rows) > per_page, rows[:per_page][::-1]
        return _page(keys, rows, at_start=not more, at_end=True)
    rows = list(queryset.order_by(*ordering)[: per_page + 1])
    more, rows = len(rows) > per_page, rows[:per_page]
    return _page(keys, rows, at_start=True, at_end=not more)


def cursor_after(row: Model, ordering: Sequence[str]) -> str:
    """The AFTER cursor of a page ending at `row`: a link (or a benchmark) straight to the page
    that follows it."""
    return _Keys(type(row), ordering).encode(row)


def _page(keys: "_Keys", rows: list, *, at_start: bool, at_end: bool) -> KeysetPage:
    return KeysetPage(
        rows,
        newer_cursor=None if at_start or not rows else keys.encode(rows[0]),
        older_cursor=None if at_end or not rows else keys.encode(rows[-1]),
        at_start=at_start,
        at_end=at_end,
    )


class _Keys:
    """The sort keys of an ordering: their fields, a row's values as a cursor, and the filter
    "beyond this cursor" (the lexicographic comparison, plus a bound on the first key so that the
    index range starts at the cursor)."""

    def __init__(self, model: type[Model], ordering: Sequence[str]) -> None:
        self.model = model
        self.paths = [item.removeprefix("-") for item in ordering]
        self.descending = [item.startswith("-") for item in ordering]
        self.reversed = [
            path if desc else f"-{path}" for path, desc in zip(self.paths, self.descending, strict=True)
        ]

    @cached_property
    def fields(self) -> list[Field]:
        return [_field(self.model, path) for path in self.paths]

    def encode(self, row: Model) -> str:
        values = [_plain(_value(row, path)) for path in self.paths]
        return (
            base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")
        )

    def decode(self, cursor: str | None) -> list | None:
        if not cursor or len(cursor) > 1000:
            return None
        try:
            values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            if not isinstance(values, list) or len(values) != len(self.paths):
                return None
            return [field.to_python(value) for field, value in zip(self.fields, values, strict=True)]
        except (ValueError, TypeError, binascii.Error, ValidationError):
            return None

    def beyond(self, values: list, *, backwards: bool = False) -> Q:
        def step(desc: bool, strict: bool) -> str:
            goes_down = desc != backwards
            return ("lt" if goes_down else "gt") if strict else ("lte" if goes_down else "gte")

        alternatives = []
        for i, (path, desc) in enumerate(zip(self.paths, self.descending, strict=True)):
            equal = {p: v for p, v in zip(self.paths[:i], values[:i], strict=True)}
            alternatives.append(Q(**equal, **{f"{path}__{step(desc, strict=True)}": values[i]}))
        first = Q(**{f"{self.paths[0]}__{step(self.descending[0], strict=False)}": values[0]})
        return first & reduce(or_, alternatives)


def _field(model: type[Model], path: str) -> Field:
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    if name == "pk":
        return model._meta.pk
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        raise ValueError(f"Unknown sort key {path!r}.") from None


def _value(row: Model, path: str) -> object:
    for name in path.split("__"):
        row = getattr(row, name)
    return row


def _plain(value: object) -> object:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


class BoundedCountPaginator(Paginator):
    """The admin's paginator on big tables: counts at most ADMIN_COUNT_LIMIT rows, in no order,
    so that the database reads them on whatever index serves the search or the filter and stops
    there (ordered, a search for a frequent name would first sort its thousands of rows by the
    list's order). Beyond, the pages stop there, and the list says "plus de 1 000"
    (templates/admin/pagination.html, search_form.html): narrow it with a search or a filter."""

    @cached_property
    def bounded(self) -> BoundedCount:
        return bounded_count(self.object_list, ADMIN_COUNT_LIMIT)

    @cached_property
    def count(self) -> int:
        return self.bounded.value
