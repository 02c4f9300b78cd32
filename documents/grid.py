"""The "Parcours de soins" grid: rubriques by years, "De 2005 à 2024", built from the one query of
DocumentQuerySet.rubrique_year_counts() (already restricted by visible_to).

Its columns are the years that hold documents, as on the slide (2005, 2006, 2007, then 2021 to
2024: no column for a year without documents, none added for the current year), given by
DocumentQuerySet.in_grid_years_of(...).years(): a column stays empty when the viewer sees nothing in
that year (documents/visibility.py says which hidden documents may give a year)."""

from dataclasses import dataclass, field

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


def build_grid(counts: list[dict], rubriques: list[Rubrique], years: list[int]) -> Grid:
    """Every rubrique in display order, with its total and one cell per year of `years` (`counts`:
    rubrique_year_counts(), or rubrique_counts() when there are no years)."""
    by_cell = {(row["rubrique"], row.get("year")): row["count"] for row in counts}
    totals: dict[str, int] = {}
    for row in counts:
        totals[row["rubrique"]] = totals.get(row["rubrique"], 0) + row["count"]
    rows = [
        GridRow(
            rubrique,
            totals.get(rubrique.code, 0),
            [GridCell(year, by_cell.get((rubrique.code, year), 0)) for year in years],
        )
        for rubrique in rubriques
    ]
    return Grid(years=sorted(years), rows=rows)
