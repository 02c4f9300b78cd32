"""The "Parcours de soins" grid's cells, drawn in one call per row.

A big record's grid has a column per year and a row per rubrique (a few hundred cells); drawn by
the template engine, cell by cell, the grid cost several times the rest of the page. This tag
builds a row's cells with format_html, escaped as the template would, at a fraction of the cost.
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from documents.grid import GridRow

register = template.Library()

EMPTY_CELL = SafeString('<td class="text-center"></td>')


@register.simple_tag
def grid_cells(row: GridRow, list_url: str) -> SafeString:
    """One <td> per year of the row: empty, or the count linking to the list filtered on the
    rubrique and that year."""
    label, code = row.rubrique.label, row.rubrique.code
    return format_html_join(
        "",
        "{}",
        (
            (
                format_html(
                    '<td class="text-center"><a class="dmp-grid-count" '
                    'href="{}?rubrique={}&amp;du=01/01/{}&amp;au=31/12/{}" '
                    'aria-label="{}, {} : {} document(s)">{}</a></td>',
                    list_url,
                    code,
                    cell.year,
                    cell.year,
                    label,
                    cell.year,
                    cell.count,
                    cell.count,
                )
                if cell.count
                else EMPTY_CELL,
            )
            for cell in row.cells
        ),
    )
