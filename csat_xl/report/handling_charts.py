"""The complaints-per-month chart: bars with the monthly target as a line on the same axis (issue 14).

Called by :mod:`csat_xl.report.render_xlsx` for charts of kind
``"bar_target"`` (:func:`csat_xl.report.handling_tables.handling_charts`).
Both series read the rendered table's cells, so the chart stays live in
Excel; without a monthly target the target cells are blank and only the
bars show.
"""

from __future__ import annotations

from typing import Any

from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.legend import Legend
from openpyxl.chart.series import SeriesLabel

BAR_COLOR, TARGET_COLOR = "4472C4", "C00000"


def bar_target_chart(spec: Any, sheet: Any, first_row: int, rows: int, columns: dict[str, int]) -> BarChart:
    """Bars of ``spec.series[0]`` over ``spec.category``, a dashed line of ``spec.series[1]`` (the target)."""
    def ref(column: str) -> Reference:
        col = columns[column]
        return Reference(sheet, min_col=col, max_col=col, min_row=first_row, max_row=first_row + rows - 1)

    bar_spec, line_spec = spec.series[0], spec.series[1]
    bars = BarChart()
    bars.type = "col"
    bars.title = spec.title
    bars.gapWidth = 60
    bars.add_data(ref(bar_spec.column), titles_from_data=False)
    bars.series[0].tx = SeriesLabel(v=bar_spec.label)
    bars.series[0].graphicalProperties.solidFill = BAR_COLOR
    bars.series[0].graphicalProperties.line.solidFill = BAR_COLOR
    bars.set_categories(ref(spec.category))
    bars.dataLabels = DataLabelList(showVal=True, showSerName=False, showCatName=False, showLegendKey=False, showPercent=False)
    bars.y_axis.number_format = bar_spec.number_format or "General"
    bars.y_axis.scaling.min = 0
    bars.y_axis.majorGridlines = None
    bars.x_axis.delete = False
    bars.y_axis.delete = False
    line = LineChart()
    line.add_data(ref(line_spec.column), titles_from_data=False)
    series = line.series[0]
    series.tx = SeriesLabel(v=line_spec.label)
    series.graphicalProperties.line.solidFill = TARGET_COLOR
    series.graphicalProperties.line.width = 28575
    series.graphicalProperties.line.dashStyle = "dash"
    series.marker.symbol = "none"
    series.smooth = False
    # the same axes as the bars: a count against a count
    line.x_axis.axId = bars.x_axis.axId
    line.y_axis.axId = bars.y_axis.axId
    bars += line
    bars.legend = Legend()
    bars.legend.position = "b"
    return bars
