"""The importance–performance scatter chart (native Excel chart, openpyxl).

Called by :mod:`csat_xl.report.render_xlsx` for charts of kind
``"scatter"`` (:class:`csat_xl.report.stats_tables.ScatterChart`): one
series per table row, so every point carries the item name (its data
label, read from the item's cell, so renaming it in Excel renames the
point); x and y come from the rendered table's cells and stay live.  The
axes cross at the spec's ``crosses`` (the mean importance and the mean
performance), which draws the four quadrants of the analysis.
"""

from __future__ import annotations

from typing import Any

from openpyxl.chart import Reference, ScatterChart as OpenpyxlScatter, Series as OpenpyxlSeries
from openpyxl.chart.data_source import StrRef
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.series import SeriesLabel
from openpyxl.utils import get_column_letter

#: Point colours, cycled (Office palette; readable in print).
POINT_COLORS = ("4472C4", "ED7D31", "A5A5A5", "FFC000", "5B9BD5", "70AD47", "264478", "9E480E", "636363", "997300")


def _quoted(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


#: Where a point's label goes, tried in this order: right, left, above, below.
LABEL_POSITIONS = ("r", "l", "t", "b")


def label_positions(points: list[tuple[Any, Any]]) -> list[str]:
    """A label position per point so that close points do not print their
    labels on top of each other: a point within 15 % of the x range and 8 %
    of the y range of an earlier point takes a position none of those
    neighbours uses (neighbours are assigned right, left, above, below)."""
    known = [(float(x), float(y)) if x is not None and y is not None else None for x, y in points]
    xs = [p[0] for p in known if p]
    ys = [p[1] for p in known if p]
    dx = (max(xs) - min(xs)) * 0.15 if xs else 0.0
    dy = (max(ys) - min(ys)) * 0.08 if ys else 0.0
    out: list[str] = []
    for i, point in enumerate(known):
        taken = {out[j] for j, other in enumerate(known[:i])
                 if point and other and abs(point[0] - other[0]) <= dx and abs(point[1] - other[1]) <= dy}
        out.append(next((p for p in LABEL_POSITIONS if p not in taken), LABEL_POSITIONS[i % len(LABEL_POSITIONS)]))
    return out


def scatter_chart(spec: Any, sheet: Any, first_row: int, rows: int, columns: dict[str, int],
                  points: list[tuple[Any, Any]] | None = None) -> OpenpyxlScatter:
    """Build the scatter chart of ``spec`` from a rendered table.

    ``sheet``, ``first_row``, ``rows`` and ``columns`` (column key → column
    number) say where the renderer wrote the table.  ``spec.category`` is the
    column of the point labels, ``spec.series[0]`` the x column and
    ``spec.series[1]`` the y column.
    """
    x_spec, y_spec = spec.series[0], spec.series[1]
    chart = OpenpyxlScatter()
    chart.title = spec.title
    chart.style = 13
    label_col = get_column_letter(columns[spec.category])
    positions = label_positions(points[:rows]) if points else ["r"] * rows
    for i in range(rows):
        row = first_row + i
        xs = Reference(sheet, min_col=columns[x_spec.column], min_row=row, max_row=row)
        ys = Reference(sheet, min_col=columns[y_spec.column], min_row=row, max_row=row)
        series = OpenpyxlSeries(ys, xs)
        series.tx = SeriesLabel(strRef=StrRef(f"{_quoted(sheet.title)}!${label_col}${row}"))
        colour = POINT_COLORS[i % len(POINT_COLORS)]
        series.marker.symbol = "circle"
        series.marker.size = 8
        series.marker.graphicalProperties.solidFill = colour
        series.marker.graphicalProperties.line.solidFill = colour
        series.graphicalProperties.line.noFill = True  # points only, no connecting line
        series.dLbls = DataLabelList(showSerName=True, showVal=False, showCatName=False, showLegendKey=False, showPercent=False)
        series.dLbls.position = positions[i]
        chart.series.append(series)
    chart.x_axis.title = x_spec.label
    chart.y_axis.title = y_spec.label
    chart.x_axis.number_format = x_spec.number_format or "General"
    chart.y_axis.number_format = y_spec.number_format or "General"
    chart.x_axis.majorGridlines = None
    chart.y_axis.majorGridlines = None
    # openpyxl ≥ 3.1 hides axes unless told otherwise.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    x_cross, y_cross = getattr(spec, "crosses", (None, None))
    # Each axis crosses the other at the mean: the cross-hairs of the quadrants.
    # Tick labels stay at the edges of the plot, not on the cross-hairs.
    if y_cross is not None:
        chart.x_axis.crosses = None
        chart.x_axis.crossesAt = float(y_cross)
    if x_cross is not None:
        chart.y_axis.crosses = None
        chart.y_axis.crossesAt = float(x_cross)
    chart.x_axis.tickLblPos = "low"
    chart.y_axis.tickLblPos = "low"
    # Every point is labelled with its item; a legend would repeat the labels.
    chart.legend = None
    return chart
