"""The habilitation matrix as the administrator reads it: for one rubrique, its document types
(rows) by professions and physicians' specialties (columns). Five queries, whatever the size."""

from dataclasses import dataclass

from accounts.models import Profession
from documents.models import DocumentType, HabilitationRule, Rubrique


@dataclass(frozen=True)
class Column:
    profession: Profession
    specialty: str  # "" for the whole profession

    @property
    def label(self) -> str:
        return f"{self.profession.label} — {self.specialty}" if self.specialty else self.profession.label


@dataclass(frozen=True)
class Cell:
    column: Column
    document_type: DocumentType
    may_read: bool
    explicit: bool  # False: no rule of its own (a specialty inherits the profession's; else no access)

    @property
    def value(self) -> str:
        """What a click sends: the cell's key and the value it toggles to."""
        toggled = "0" if self.may_read else "1"
        return f"{self.document_type.pk}:{toggled}:{self.column.profession.pk}:{self.column.specialty}"


@dataclass(frozen=True)
class Row:
    document_type: DocumentType
    cells: list[Cell]


@dataclass(frozen=True)
class Grid:
    rubrique: Rubrique
    columns: list[Column]
    rows: list[Row]


def habilitation_grid(*, rubrique: Rubrique, professions: list[Profession]) -> Grid:
    """Rules of `professions` for the types shown in `rubrique`; a specialty column for each
    specialty that has a rule somewhere in the matrix."""
    codes = [profession.pk for profession in professions]
    specialties = (
        HabilitationRule.objects.filter(profession_id__in=codes)
        .exclude(specialty="")
        .values_list("profession_id", "specialty")
        .distinct()
        .order_by("specialty")
    )
    by_profession: dict[str, list[str]] = {}
    for profession_id, specialty in specialties:
        by_profession.setdefault(profession_id, []).append(specialty)
    columns = []
    for profession in professions:
        columns.append(Column(profession, ""))
        columns += [Column(profession, specialty) for specialty in by_profession.get(profession.pk, [])]

    types = list(DocumentType.objects.filter(rubrique=rubrique).order_by("label", "code"))
    rules = {
        (profession_id, specialty, type_id): may_read
        for profession_id, specialty, type_id, may_read in HabilitationRule.objects.filter(
            profession_id__in=codes, document_type__in=types
        ).values_list("profession_id", "specialty", "document_type_id", "may_read")
    }
    rows = []
    for document_type in types:
        cells = []
        for column in columns:
            key = (column.profession.pk, column.specialty, document_type.pk)
            inherited = rules.get((column.profession.pk, "", document_type.pk), False)
            cells.append(Cell(column, document_type, rules.get(key, inherited), key in rules))
        rows.append(Row(document_type, cells))
    return Grid(rubrique, columns, rows)
