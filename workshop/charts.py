"""Horizontal bar charts drawn on the server as SVG: the geometry here, the markup in
templates/workshop/includes/_bar_chart.html (auto-escaped, no script, no inline style: colours
come from classes in static/css/portal.css, so the strict CSP holds and print can restyle them).

Each row is a label line above its bar, so long French labels never need wrapping; the value is
written after the bar's end. Coordinates are SVG user units in a fixed-width viewBox that the
page scales to its column.
"""

from dataclasses import dataclass

from workshop.statistics import Breakdown

WIDTH = 640
BAR_MAX_WIDTH = 540  # leaves room after the longest bar for its value ("1 234 567")
ROW_HEIGHT = 50
LABEL_BASELINE = 16  # from the row's top
BAR_TOP = 23
BAR_HEIGHT = 18
VALUE_GAP = 6
PADDING_BOTTOM = 4


@dataclass(frozen=True)
class Bar:
    label: str
    text: str
    hidden: bool
    label_y: int
    bar_y: int
    width: float
    value_x: float
    value_y: int


@dataclass(frozen=True)
class BarChart:
    breakdown: Breakdown
    bars: tuple[Bar, ...]
    width: int
    height: int
    track_width: int  # the full scale, drawn behind each bar of a percentage chart
    bar_height: int


def bar_chart(breakdown: Breakdown) -> BarChart:
    """Lay out one bar per cell, scaled so that `breakdown.scale` fills BAR_MAX_WIDTH.

    A hidden cell gets no bar (its size would give it away), only its text.
    """
    bars = []
    for index, cell in enumerate(breakdown.cells):
        top = index * ROW_HEIGHT
        width = 0.0
        if cell.count and breakdown.scale:
            width = round(BAR_MAX_WIDTH * cell.count / breakdown.scale, 1)
        bars.append(
            Bar(
                label=cell.label,
                text=cell.text,
                hidden=cell.hidden,
                label_y=top + LABEL_BASELINE,
                bar_y=top + BAR_TOP,
                width=width,
                value_x=width + VALUE_GAP,
                value_y=top + BAR_TOP + BAR_HEIGHT - 4,
            )
        )
    return BarChart(
        breakdown=breakdown,
        bars=tuple(bars),
        width=WIDTH,
        height=max(len(bars), 1) * ROW_HEIGHT + PADDING_BOTTOM,
        track_width=BAR_MAX_WIDTH if breakdown.percent else 0,
        bar_height=BAR_HEIGHT,
    )
