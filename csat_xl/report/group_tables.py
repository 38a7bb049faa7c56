"""Customer groups (:mod:`csat_xl.analyses.groups`) as report-model tables.

One presentation of the group figures, in the report language, used by

* the report's 分组 / Groups sheet (:func:`add_groups` adds its tables,
  chart and sheet to a :class:`~csat_xl.report.model.ReportModel`),
* ``csat-xl score --by`` (table and CSV: :func:`wide_table`), and
* ``=CSAT_GROUPS()`` (the same wide table, spilled).

Nothing is computed here beyond choosing, ordering and labelling.
"""

from __future__ import annotations

import math
from typing import Any

from .. import labels
from ..analyses.groups import BLANK_GROUP, GroupTable, group_table
from ..scoring import Scores
from .captions import caption
from .model import FORMATS, Block, Chart, Column, Field, ReportModel, Series, Sheet, Table

#: The group figures every presentation shows, in order: (key, format).
FIGURES = (
    ("customers", "count"), ("customers_scored", "count"), ("csi", "score"), ("csi_half_width", "score"),
    ("csi_weighted", "score"), ("satisfaction_rate", "percent"), ("difference", "delta"), ("differs", None),
)


def _col(key: str, lang: str, kind: str | None = None, label: str | None = None) -> Column:
    fmt = FORMATS.get(kind, kind) if kind else None
    style = "percent" if fmt and "%" in fmt else ("number" if fmt else "text")
    return Column(key, label if label is not None else caption(f"col.{key}", lang), fmt, style)


def _num(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _grade_key(grade: labels.Grade) -> str:
    return f"grade_{grade.key}"


def _figures(record: dict, lang: str, minimum: int) -> dict[str, Any]:
    """One group's row values (figures None when suppressed, the note says why)."""
    significant = record["significant"]
    row = {
        "group": record["value"] if record["value"] is not None else BLANK_GROUP[lang],
        "customers": record["customers"], "customers_scored": record["customers_scored"],
        **{key: _num(record[key]) for key in ("csi", "csi_half_width", "csi_weighted", "satisfaction_rate", "difference")},
        "differs": None if significant is None else caption("significant.yes" if significant else "significant.no", lang),
        "note": caption("group.suppressed", lang).format(n=minimum) if record["suppressed"] else None,
    }
    grades = record["grades"] or {}
    for grade in labels.GRADES:
        row[_grade_key(grade)] = grades.get(grade.key)
    return row


def _figure_columns(lang: str) -> list[Column]:
    return [_col(key, lang, kind) for key, kind in FIGURES]


def _grade_columns(lang: str) -> list[Column]:
    return [_col(_grade_key(g), lang, "count", label=g.text(lang)) for g in labels.GRADES]


def wide_table(groups: GroupTable, column: str, lang: str) -> Table:
    """The groups of one group column, one row each: figures, category means
    and grade counts side by side (``score --by``, ``=CSAT_GROUPS()``)."""
    categories = list(groups.categories.columns)
    columns = [_col("group", lang, label=column), *_figure_columns(lang),
               *(_col(f"category:{c}", lang, "score", label=c) for c in categories), *_grade_columns(lang),
               _col("note", lang, label=caption("col.group_note", lang))]
    rows = []
    for record in groups.records():
        if record["column"] != column:
            continue
        row = _figures(record, lang, groups.min_group_size)
        for c in categories:
            row[f"category:{c}"] = None if record["categories"] is None else _num(record["categories"][c])
        rows.append(row)
    title = caption("block.groups_column", lang).format(column=column)
    return Table("groups", title, columns, rows)


def report_tables(groups: GroupTable, lang: str) -> dict[str, Table]:
    """The Groups sheet's tables: ``groups`` (figures and grades) and
    ``group_categories`` (category means, against every customer's), each a
    section per group column — a heading row naming the column (style
    ``heading``), then its groups; suppressed groups styled ``suppressed``."""
    figure_columns = [_col("group", lang), *_figure_columns(lang), *_grade_columns(lang),
                      _col("note", lang, label=caption("col.group_note", lang))]
    category_columns = [_col("group", lang), _col("category", lang), _col("mean", lang, "score"),
                        _col("difference_all", lang, "delta"), _col("note", lang, label=caption("col.group_note", lang))]
    rows, styles, category_rows, category_styles = [], [], [], []
    current = None
    for record in groups.records():
        if record["column"] != current:
            current = record["column"]
            rows.append({"group": current})
            styles.append("heading")
            category_rows.append({"group": current})
            category_styles.append("heading")
        row = _figures(record, lang, groups.min_group_size)
        rows.append(row)
        style = "suppressed" if record["suppressed"] else None
        styles.append(style)
        if record["suppressed"]:
            category_rows.append({"group": row["group"], "note": caption("group.suppressed_short", lang)})
            category_styles.append(style)
            continue
        for category, mean in record["categories"].items():
            overall = _num(groups.overall_categories.get(category))
            category_rows.append({"group": row["group"], "category": category, "mean": _num(mean),
                                  "difference_all": None if mean is None or overall is None else mean - overall})
            category_styles.append(None)
    # Every row has every column (heading rows too): templates look cells up by key.
    rows = [{c.key: row.get(c.key) for c in figure_columns} for row in rows]
    category_rows = [{c.key: row.get(c.key) for c in category_columns} for row in category_rows]
    return {
        "groups": Table("groups", caption("block.groups", lang), figure_columns, rows, {"group": styles}),
        "group_categories": Table("group_categories", caption("block.group_categories", lang), category_columns,
                                  category_rows, {"group": category_styles}),
    }


def groups_chart(lang: str) -> Chart:
    """CSI by group as columns from 0, the interval as error bars (± half-width)."""
    return Chart("groups", "bar", caption("chart.groups", lang), "groups", "group",
                 [Series("csi", caption("col.csi", lang), "bar", False, FORMATS["score"], error="csi_half_width")])


def groups_sheet(lang: str) -> Sheet:
    return Sheet("groups", caption("sheet.groups", lang), [
        Block("table", "groups"), Block("chart", "groups"), Block("table", "group_categories"),
    ])


def add_groups(model: ReportModel, scores: Scores, **options: Any) -> GroupTable:
    """Add the 分组 / Groups sheet (after the Items sheet) with its tables and
    chart to ``model``; ``options`` go to :func:`csat_xl.analyses.groups.group_table`.
    Without group columns the tables are empty (the template shows a note)."""
    lang = model.lang
    groups = group_table(scores, **options)
    model.tables.update(report_tables(groups, lang))
    note = caption("groups_note", lang).format(n=groups.min_group_size) if len(groups) else caption("no_groups", lang)
    model.fields["group_info"] = {"note": Field("note", caption("sheet.groups", lang), note)}
    model.charts["groups"] = groups_chart(lang)
    position = next((i + 1 for i, s in enumerate(model.sheets) if s.key == "items"), len(model.sheets))
    model.sheets.insert(position, groups_sheet(lang))
    return groups
