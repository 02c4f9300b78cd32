"""Annuaire santé search: which index answers, and how a page follows another.

Every search is one index range read in page order, then the page's entries: a constant number of
queries (at most five: the cursor's row, the range, the entries with their profession, their
situations, their addresses), whatever the directory's size, and no COUNT (the page says whether
another follows by reading one row more). The driving index, by criteria:

| criteria given                | range read                                   | index                         |
|-------------------------------|----------------------------------------------|-------------------------------|
| RPPS (with anything else)     | rpps = …                                     | unique RPPS                   |
| structure (+ commune, name…)  | structure_key prefix, order structure, name  | directory_practice_struct_idx |
| commune (+ name, profession…) | city_key = …, name prefix, order name        | directory_practice_city_idx   |
| specialty (+ name…)           | specialty = …, name prefix, order name       | directory_entry_spec_idx      |
| profession (+ name)           | profession = …, name prefix, order name      | directory_entry_prof_idx      |
| name only                     | name_key prefix, order name                  | directory_entry_name_idx      |

The other criteria of a row filter that range. Names match by prefix of "<nom> <prénom>" (accents,
case, hyphens and apostrophes ignored: patients.normalize.search_key): "lefe" finds LEFÈVRE and
LEFEBVRE, "martin ju" finds Julie MARTIN. The commune matches whole ("saint louis" finds
Saint-Louis, not Saint-Louis-lès-Bitche), so that its index also gives the name order.

Not traced: the directory is public data (annuaire.sante.fr answers anyone); no patient is involved.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from directory.fields import prefix_range
from directory.models import DirectoryEntry, DirectoryMailbox, DirectoryPractice

PAGE_SIZE = 20


@dataclass(frozen=True)
class Criteria:
    """What the professional typed, normalized (search keys); empty strings are not criteria."""

    name: str = ""  # search_key of "<nom> [<prénom>]"
    profession: str = ""  # TRE_G15 code
    specialty: str = ""
    city: str = ""  # search_key of the commune
    structure: str = ""  # search_key of the beginning of the structure's name
    rpps: str = ""

    @property
    def is_empty(self) -> bool:
        return not any((self.name, self.profession, self.specialty, self.city, self.structure, self.rpps))

    @property
    def by_practice(self) -> bool:
        """Read from the situations' indexes (commune, structure) rather than the entries'."""
        return not self.rpps and bool(self.city or self.structure)


@dataclass(frozen=True)
class Result:
    """One professional of a page, with their situations d'exercice and MSSanté addresses."""

    entry: DirectoryEntry
    situations: list[DirectoryPractice]
    addresses: list[str]


@dataclass(frozen=True)
class ResultPage:
    results: list[Result]
    next_cursor: int | None  # the `after` of the next page; None on the last one
    cursor_found: bool = True  # False: the cursor named no row, this is the first page

    @property
    def entries(self) -> list[DirectoryEntry]:
        return [result.entry for result in self.results]


def directory_search(criteria: Criteria, *, after: int | None = None, size: int = PAGE_SIZE) -> ResultPage:
    """One page of entries matching every criterion, in name order (by structure first when the
    structure is a criterion), starting after the row `after` (a cursor from the previous page)."""
    rows, found = ranged_rows(criteria, after=after)
    picked = list(rows[: size + 1])
    entry_ids = list(dict.fromkeys(entry_id for _, entry_id in picked[:size]))  # an entry once per page
    return ResultPage(
        results=_results(entry_ids),
        next_cursor=picked[size - 1][0] if len(picked) > size else None,
        cursor_found=found,
    )


def ranged_rows(criteria: Criteria, *, after: int | None = None) -> tuple[QuerySet, bool]:
    """The range one index reads, in page order, as (row pk, entry pk) pairs, starting after the
    row `after`; and whether that row exists (if not, the range starts at the beginning)."""
    rows = _practice_rows(criteria) if criteria.by_practice else _entry_rows(criteria)
    order = _order(criteria)
    found = True
    if after is not None:
        previous = rows.model.objects.filter(pk=after).values(*order).first()
        found = previous is not None
        if found:
            rows = rows.filter(_after([*order], [previous[name] for name in order]))
    entry = "entry_id" if criteria.by_practice else "pk"
    return rows.order_by(*order).values_list("pk", entry), found


def _order(criteria: Criteria) -> tuple[str, ...]:
    if criteria.by_practice and criteria.structure:
        return ("structure_key", "name_key", "pk")
    return ("name_key", "pk")


def _name_range(prefix: str, lookup: str = "name_key") -> Q:
    low, high = prefix_range(prefix)
    return Q(**{f"{lookup}__gte": low, f"{lookup}__lt": high})


def _entry_rows(criteria: Criteria) -> QuerySet[DirectoryEntry]:
    rows = DirectoryEntry.objects.all()
    if criteria.rpps:
        rows = rows.filter(rpps=criteria.rpps)
    if criteria.name:
        rows = rows.filter(_name_range(criteria.name))
    if criteria.profession:
        rows = rows.filter(profession_id=criteria.profession)
    if criteria.specialty:
        rows = rows.filter(specialty=criteria.specialty)
    if criteria.city:
        rows = rows.filter(practices__city_key=criteria.city)
    if criteria.structure:
        rows = rows.filter(_name_range(criteria.structure, "practices__structure_key"))
    return rows.distinct() if criteria.city or criteria.structure else rows


def _practice_rows(criteria: Criteria) -> QuerySet[DirectoryPractice]:
    rows = DirectoryPractice.objects.all()
    if criteria.structure:
        rows = rows.filter(_name_range(criteria.structure, "structure_key"))
    if criteria.city:
        rows = rows.filter(city_key=criteria.city)
    if criteria.name:
        rows = rows.filter(_name_range(criteria.name))
    if criteria.profession:
        rows = rows.filter(entry__profession_id=criteria.profession)
    if criteria.specialty:
        rows = rows.filter(entry__specialty=criteria.specialty)
    return rows


def _after(fields: list[str], values: list[object]) -> Q:
    """(fields) > (values) in lexicographic order, written so that an index seeks to the first
    field's value (`f0 >= v0 AND (f0 > v0 OR f1 > v1 OR (f1 = v1 AND f2 > v2) …)`)."""
    later = Q(**{f"{fields[0]}__gt": values[0]})
    for position in range(1, len(fields)):
        equal = {
            f"{name}__exact": value
            for name, value in zip(fields[1:position], values[1:position], strict=True)
        }
        later |= Q(**equal, **{f"{fields[position]}__gt": values[position]})
    return Q(**{f"{fields[0]}__gte": values[0]}) & later


def _results(entry_ids: list[int]) -> list[Result]:
    """The page's entries in `entry_ids` order, with their profession, situations and addresses:
    three queries, grouped here (Django's prefetch_related costs twice the page's time in Python,
    a queryset per entry)."""
    if not entry_ids:
        return []
    entries = DirectoryEntry.objects.filter(pk__in=entry_ids).select_related("profession").in_bulk()
    situations: dict[int, list[DirectoryPractice]] = {pk: [] for pk in entry_ids}
    for practice in DirectoryPractice.objects.filter(entry_id__in=entry_ids).order_by("pk"):
        situations[practice.entry_id].append(practice)
    addresses: dict[int, list[str]] = {pk: [] for pk in entry_ids}
    mailboxes = DirectoryMailbox.objects.filter(entry_id__in=entry_ids).order_by("address")
    for entry_id, address in mailboxes.values_list("entry_id", "address"):
        addresses[entry_id].append(address)
    return [Result(entries[pk], situations[pk], addresses[pk]) for pk in entry_ids]
