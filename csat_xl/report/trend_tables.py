"""Trends and churn (:mod:`csat_xl.analyses.trends`) as report-model tables and a chart.

:func:`add_trends` adds to a :class:`~csat_xl.report.model.ReportModel` with
previous periods: category and item means per period with their change,
persistent weaknesses, a line chart of the category means (one line per
category), the churn record (``churn_info`` fields: rule, rate, hit rate)
and a 状态 / Status column on the churn-risk table — all shown on the
Trend sheet.  The churn rate needs no previous period: lost customers and
the rate (:data:`OVERVIEW_KEYS`) are also on the Overview.  Nothing is computed here beyond choosing, ordering, labelling.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl.chart import LineChart, Reference
from openpyxl.chart.series import SeriesLabel

from .. import labels
from ..aggregation import Summary
from ..analyses.trends import churn_record, customer_status, trends
from .captions import caption
from .model import FORMATS, Block, Chart, Column, Field, ReportModel, Series, Table

#: The churn fields shown on the Overview, with or without previous periods (the Trend sheet shows all).
OVERVIEW_KEYS = ["lost", "rate"]

#: Line colours, cycled (Office palette; readable in print).
LINE_COLORS = ("4472C4", "ED7D31", "A5A5A5", "FFC000", "5B9BD5", "70AD47", "264478", "9E480E")


@dataclass
class SplitLineChart(Chart):
    """A line chart with one line per run of equal values of column ``split_by``
    (kind ``"split_line"``): a long table category × period becomes one line
    per category, x = ``category`` (the periods)."""

    split_by: str = ""


def _col(key: str, lang: str, kind: str | None = None, label: str | None = None) -> Column:
    fmt = FORMATS.get(kind, kind) if kind else None
    style = "percent" if fmt and "%" in fmt else ("number" if fmt else "text")
    return Column(key, label if label is not None else caption(f"col.{key}", lang), fmt, style)


def _num(value: Any) -> float | int | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else (int(number) if isinstance(value, int) else number)


def _records(frame, keys: Sequence[str]) -> list[dict[str, Any]]:
    out = []
    for row in frame.to_dict(orient="records"):
        out.append({k: (row[k] if isinstance(row[k], str) else _num(row[k])) for k in keys})
    return out


def rule_text(summary: Summary, lang: str) -> str:
    s = summary.settings
    return caption("churn.rule_value", lang).format(periods=s.churn_periods, grade=labels.grade_text(s.churn_grade, lang))


def churn_fields(summaries: Sequence[Summary], names: Sequence[str], lang: str) -> dict[str, Field]:
    """The churn record as fields (namespace ``churn_info``); blank values without a 状态 column."""
    record = churn_record(summaries, names)
    has_status = customer_status(summaries[-1].scores.survey) is not None
    values = [
        ("rule", caption("churn.rule", lang), rule_text(summaries[-1], lang), None),
        ("customers", caption("churn.customers", lang), record.customers if has_status else None, FORMATS["count"]),
        ("lost", caption("churn.lost", lang), record.lost if has_status else None, FORMATS["count"]),
        ("rate", caption("churn.rate", lang), record.rate, FORMATS["percent"]),
        ("flagged", caption("churn.flagged", lang), record.flagged, FORMATS["count"]),
        ("flagged_lost", caption("churn.flagged_lost", lang), record.flagged_lost, FORMATS["count"]),
        ("hit_rate", caption("churn.hit_rate", lang), record.hit_rate, FORMATS["percent"]),
        ("note", "", None if has_status else caption("churn.none", lang), None),
    ]
    return {key: Field(key, label, value, fmt, "text" if fmt is None else "kpi") for key, label, value, fmt in values}


def trend_tables(summaries: Sequence[Summary], names: Sequence[str], lang: str) -> dict[str, Table]:
    result = trends(summaries, names)
    categories = Table("trend_categories", caption("block.trend_categories", lang),
                       [_col("category", lang), _col("period", lang), _col("mean", lang, "score"), _col("change", lang, "delta")],
                       _records(result.categories, ["category", "period", "mean", "change"]))
    items = Table("trend_items", caption("block.trend_items", lang),
                  [_col("category", lang), _col("item", lang), _col("period", lang), _col("mean", lang, "score"),
                   _col("change", lang, "delta"), _col("weakness_rank", lang, "count")],
                  _records(result.items, ["category", "item", "period", "mean", "change", "weakness_rank"]))
    separator = "、" if lang == "zh" else ", "
    persistent_rows = [
        {"item": r["item"], "category": r["category"], "periods_in_top": separator.join(r["periods"]), "run": int(r["run"]),
         "latest_rank": r["latest_rank"], "latest_weakness": _num(r["latest_weakness"])}
        for r in result.persistent.to_dict(orient="records")
    ]
    persistent = Table("persistent", caption("block.persistent", lang),
                       [_col("item", lang), _col("category", lang), _col("periods_in_top", lang), _col("run", lang, "count"),
                        _col("latest_rank", lang, "count"), _col("latest_weakness", lang, "weakness")], persistent_rows)
    return {t.key: t for t in (categories, items, persistent)}


def _add_status(model: ReportModel, summary: Summary) -> None:
    """状态 / Status of each churn risk (在用 / 流失) on the churn table."""
    churn = model.tables["churn"]
    status = customer_status(summary.scores.survey)
    text = {s.key: s.text(model.lang) for s in labels.CUSTOMER_STATUSES}
    churn.columns.append(_col("status", model.lang))
    for row in churn.rows:
        key = None if status is None else status.get(row["customer_id"])
        row["status"] = text.get(key) if isinstance(key, str) else None
    churn.title = caption("block.churn_rule", model.lang).format(rule=rule_text(summary, model.lang))


def add_trends(model: ReportModel, summaries: Sequence[Summary], names: Sequence[str]) -> None:
    """Add the trend tables, chart and churn record (shown on the Trend sheet)."""
    lang = model.lang
    model.fields["churn_info"] = churn_fields(summaries, names, lang)
    # The churn rate needs no previous period: on the Overview whenever 客户 has a 状态 / Status column.
    if customer_status(summaries[-1].scores.survey) is not None:
        for sheet in (s for s in model.sheets if s.key == "overview"):
            sheet.blocks.append(Block("fields", "churn_info", caption("block.churn_record", lang), OVERVIEW_KEYS))
    # Always known to templates; an empty table draws no chart.
    model.charts["trend_categories"] = SplitLineChart(
        "trend_categories", "split_line", caption("chart.trend_categories", lang), "trend_categories", "period",
        [Series("mean", caption("col.mean", lang), "line", False, FORMATS["score"])], split_by="category")
    if len(summaries) < 2:
        model.tables.update({k: Table(k, t.title, t.columns, []) for k, t in trend_tables(summaries, names, lang).items()})
        _add_status(model, summaries[-1])
        return
    model.tables.update(trend_tables(summaries, names, lang))
    _add_status(model, summaries[-1])
    for sheet in (s for s in model.sheets if s.key == "trend"):
        sheet.blocks += [Block("fields", "churn_info", caption("block.churn_record", lang),
                               ["rule", "customers", "lost", "rate", "flagged", "flagged_lost", "hit_rate"]),
                         Block("table", "trend_categories"), Block("chart", "trend_categories"),
                         Block("table", "persistent"), Block("table", "trend_items")]


def split_line_chart(spec: SplitLineChart, sheet: Any, first_row: int, rows: int, columns: dict[str, int],
                     model: ReportModel) -> LineChart:
    """One line per run of equal ``spec.split_by`` values of the rendered table."""
    values = model.tables[spec.table].values(spec.split_by)[:rows]
    runs: list[tuple[int, int, Any]] = []
    for i, value in enumerate(values):
        if runs and runs[-1][2] == value:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1, value)
        else:
            runs.append((i, 1, value))
    chart = LineChart()
    chart.title = spec.title
    column = columns[spec.series[0].column]
    for n, (start, length, value) in enumerate(runs):
        chart.add_data(Reference(sheet, min_col=column, min_row=first_row + start, max_row=first_row + start + length - 1),
                       titles_from_data=False)
        series = chart.series[-1]
        series.tx = SeriesLabel(v=str(value))
        colour = LINE_COLORS[n % len(LINE_COLORS)]
        series.graphicalProperties.line.solidFill = colour
        series.graphicalProperties.line.width = 28575
        series.marker.symbol = "circle"
        series.marker.graphicalProperties.solidFill = colour
        series.marker.graphicalProperties.line.solidFill = colour
        series.smooth = False
    longest = max(runs, key=lambda r: r[1])
    chart.set_categories(Reference(sheet, min_col=columns[spec.category], min_row=first_row + longest[0],
                                   max_row=first_row + longest[0] + longest[1] - 1))
    chart.y_axis.number_format = spec.series[0].number_format or "General"
    chart.y_axis.majorGridlines = None
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    return chart
