"""The "Parcours de soins" grid: rubriques by years, "De 2005 à 2024", built from the one query of
DocumentQuerySet.rubrique_year_counts() (already restricted by visible_to)."""

from dataclasses import dataclass, field
from datetime import date

from documents.models import Rubrique


@dataclass(frozen=True)
class GridCell:
    year: int
    count: int


@dataclass(frozen=True)
class GridRow:
    rubrique: Rubrique
    total: int
    cells: list[GridCell] = field(default_factory=list)


@dataclass(frozen=True)
class Grid:
    years: list[int]
    rows: list[GridRow]

    @property
    def total(self) -> int:
        return sum(row.total for row in self.rows)

    @property
    def first_year(self) -> int | None:
        return self.years[0] if self.years else None

    @property
    def last_year(self) -> int | None:
        return self.years[-1] if self.years else None

    @property
    def filled_rows(self) -> list[GridRow]:
        """The rubriques that hold documents ("Accès rapide")."""
        return [row for row in self.rows if row.total]


def build_grid(counts: list[dict], rubriques: list[Rubrique], today: date) -> Grid:
    """Every rubrique in display order; years from the earliest document's to this year (or to a
    later document date, should one exist); no documents, no years."""
    by_cell = {(row["rubrique"], row["year"]): row["count"] for row in counts}
    years_seen = [row["year"] for row in counts if row["year"] is not None]
    years = list(range(min(years_seen), max([*years_seen, today.year]) + 1)) if years_seen else []
    rows = []
    for rubrique in rubriques:
        cells = [GridCell(year, by_cell.get((rubrique.code, year), 0)) for year in years]
        rows.append(GridRow(rubrique, sum(cell.count for cell in cells), cells))
    return Grid(years=years, rows=rows)
