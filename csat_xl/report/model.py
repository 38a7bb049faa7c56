"""The summary report as plain data: what every renderer draws.

:func:`build_report` reads (or takes) a survey, scores it with the core and
turns :func:`csat_xl.aggregation.summarize`, :func:`compare_periods`, the
findings and a method record into a :class:`ReportModel`.  The model holds
only Python values (``str``, ``int``, ``float``, ``datetime``, ``None``) —
no pandas, no openpyxl — so the same model can be rendered

* into a file from an Excel template (:mod:`csat_xl.report.render_xlsx`), and
* into an open workbook through the xlwings Book API (the ribbon issue).

Nothing here computes a score: every number comes from the core; the model
only selects, orders, labels (in the report language) and formats.

Shape of the model
------------------

``ReportModel``
    ``lang`` (``"zh"``/``"en"``), ``title``, ``generated_at`` (naive local
    :class:`datetime`), ``version`` (csat-xl), and four collections:

``model.fields[namespace][key] -> Field``
    Single values.  Namespaces: ``kpi`` (headline figures of the Overview:
    ``period``, ``customers``, ``scored``, ``not_surveyed``, ``not_visited``,
    ``csi``, ``csi_weighted``, ``satisfaction_rate``, ``completion_value``,
    ``target_value``, ``completion_rate`` and ``target_rate`` (the two values
    as shares, for comparing with the satisfaction rate), ``csi_completion``,
    ``csi_target``, ``rate_completion``, ``rate_target`` (attainment as text
    in the report language), ``complaints``, ``closure_rate``, ``source``,
    ``generated_at``) and ``record`` (Method sheet: ``version``,
    ``generated_at``, ``weight_mode``, ``language``, ``source``, ``sha256``).
    A :class:`Field` has ``key``, ``label`` (caption in the report language),
    ``value``, ``number_format`` (an Excel format code such as ``"0.00"``,
    ``"0.0%"``, or ``None`` for text) and ``style`` (semantic, see below).

``model.tables[key] -> Table``
    Row blocks.  A :class:`Table` has ``key``, ``title``, ``columns`` (a list
    of :class:`Column`: ``key``, ``label``, ``number_format``, ``style``),
    ``rows`` (a list of ``dict`` column key → value, in display order) and
    ``styles`` (column key → list with one semantic style or ``None`` per
    row, only for columns whose style varies by row).  Tables:

    ==========================  ==============================================
    ``grades``                  grade, count, share (every grade, best first)
    ``categories``              category, category_weight, item_weight_sum,
                                weight, mean_questionnaire, mean_visit,
                                mean_blended, weakness
    ``items``                   category, item, item_weight, category_weight,
                                weight, answers, mean_questionnaire,
                                mean_visit, mean_blended, weakness,
                                weakness_rank (scheme order)
    ``weaknesses``              the items ordered by weakness_rank
    ``customers``               rank, customer_id, customer_name, region,
                                questionnaire, visit, preliminary, adjustment,
                                final, grade, flags, respondents, visits,
                                complaints — sorted by final score, best
                                first, unscored customers last
    ``complaints_by_outcome``,  name, count, share, adjustment (one table per
    ``complaints_by_category``, dimension of
    ``complaints_by_department``, :data:`csat_xl.aggregation.COMPLAINT_DIMENSIONS`)
    ``complaints_by_product``,
    ``complaints_by_region``
    ``pareto``                  name, count, share, cumulative_share
    ``periods``                 period, csi, csi_delta, csi_weighted,
                                satisfaction_rate, rate_delta, scored,
                                complaints, file (empty without previous periods)
    ``churn``                   customer_id, customer_name,
                                consecutive_periods, history, latest_final, grade
    ``findings``                severity, file, sheet, cell, value, message
    ``inputs``                  role, file, period, sha256
    ``weights``                 category, category_weight, item, item_weight,
                                weight, scale
    ``settings``                setting, value
    ``scales``                  scale, label, value
    ==========================  ==============================================

``model.charts[key] -> Chart``
    Native chart specifications: ``kind`` (``"bar"`` or ``"bar_line"``: bars
    plus a line on a secondary axis), ``title``, ``table`` (the table key its
    data comes from), ``category`` (the column of the category labels) and
    ``series`` (list of :class:`Series`: ``column``, ``label``, ``kind``
    ``"bar"``/``"line"``, ``secondary`` axis, ``number_format`` of its axis).
    Charts: ``grades``, ``categories``, ``weakness``, ``pareto``, ``trend``.

``model.sheets -> list[Sheet]``
    The report's sheets in order: ``key`` (``overview``, ``customers``,
    ``items``, ``complaints``, ``trend`` — only with previous periods —,
    ``data_quality``, ``method``), ``title`` (the sheet name in the report
    language) and ``blocks`` (list of :class:`Block`: ``kind`` ``"fields"``,
    ``"table"`` or ``"chart"``, ``key`` — a field namespace, table key or
    chart key —, ``title`` and, for fields, the ``keys`` shown).  A renderer
    without a template lays the blocks out top to bottom.

Semantic styles (``Field.style``, ``Column.style``, ``Table.styles``)
    ``"title"``, ``"heading"``, ``"header"``, ``"kpi"``, ``"text"``,
    ``"number"``, ``"percent"``, ``"attained"``, ``"not_attained"``,
    ``"grade:<Chinese grade label>"`` (e.g. ``"grade:很满意"`` — the Chinese
    label is the grade's stable identifier, whatever the report language) and
    ``"severity:<error|warning|info>"``.

Values are never pre-formatted text: numbers stay numbers (unrounded) and
carry an Excel number format; ``None`` means an empty cell.  Text taken from
the input (names, descriptions, categories, flags) is returned unchanged —
renderers must write text as text, never as a formula.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from .. import __version__, labels
from ..aggregation import COMPLAINT_DIMENSIONS, Comparison, Summary, compare_periods, summarize
from ..findings import Finding
from ..scoring import Scores, score
from ..survey import Survey
from ..text import display, match_key
from .captions import caption

#: Excel number formats by meaning (one place, so every renderer agrees).
FORMATS = {
    "score": "0.00",
    "delta": "+0.00;-0.00;0.00",
    "weight": "0.000",
    "weakness": "0.0",
    "count": "0",
    "percent": "0.0%",
    "percent_delta": "+0.0%;-0.0%;0.0%",
    "datetime": "yyyy-mm-dd hh:mm",
}

LANGS = ("zh", "en")


@dataclass
class Field:
    """One labelled value (a KPI, a line of the method record)."""

    key: str
    label: str
    value: Any
    number_format: str | None = None
    style: str = "text"


@dataclass
class Column:
    """One column of a :class:`Table`."""

    key: str
    label: str
    number_format: str | None = None
    style: str = "text"


@dataclass
class Table:
    """A row block: columns and rows (dicts by column key)."""

    key: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    #: column key -> one semantic style (or None) per row, for per-row styles
    styles: dict[str, list[str | None]] = field(default_factory=dict)

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    def values(self, key: str) -> list[Any]:
        """One column's values, top to bottom."""
        return [row.get(key) for row in self.rows]

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


@dataclass
class Series:
    """One data series of a :class:`Chart`."""

    column: str
    label: str
    kind: str = "bar"
    secondary: bool = False
    number_format: str | None = None
    #: column of a ± half-width drawn as error bars around each bar (None: none)
    error: str | None = None


@dataclass
class Chart:
    """A native chart drawn from the rows of one table."""

    key: str
    kind: str
    title: str
    table: str
    category: str
    series: list[Series]


@dataclass
class Block:
    """One thing shown on a sheet: a field group, a table or a chart."""

    kind: str
    key: str
    title: str | None = None
    keys: list[str] | None = None


@dataclass
class Sheet:
    key: str
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class ReportModel:
    """Everything the summary workbook shows (see the module docstring)."""

    lang: str
    title: str
    generated_at: datetime
    version: str
    fields: dict[str, dict[str, Field]]
    tables: dict[str, Table]
    charts: dict[str, Chart]
    sheets: list[Sheet]

    def sheet(self, key: str) -> Sheet:
        for sheet in self.sheets:
            if sheet.key == key:
                return sheet
        raise KeyError(key)

    @property
    def has_trend(self) -> bool:
        return len(self.tables["periods"]) > 1

    def context(self) -> dict[str, Any]:
        """Names a template can use: field namespaces as ``{key: value}``
        dicts, tables (iterable over row dicts), ``charts``, ``lang``,
        ``title``, ``has_trend``."""
        out: dict[str, Any] = {ns: {k: f.value for k, f in group.items()} for ns, group in self.fields.items()}
        out.update(self.tables)
        out.update({"charts": self.charts, "lang": self.lang, "title": self.title, "has_trend": self.has_trend})
        return out


# --- helpers -------------------------------------------------------------------
def _num(value: Any) -> float | int | None:
    """A plain Python number, or None for NaN/None (numpy scalars unwrapped)."""
    if value is None:
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if math.isnan(number):
        return None
    return int(value) if isinstance(value, (int,)) and not isinstance(value, bool) else number


def _floats(array: np.ndarray) -> list[float | None]:
    """A float column as Python floats, NaN as None."""
    return [None if x != x else x for x in array.tolist()]


def _text(value: Any) -> str | None:
    """User text as a plain string (None for blanks); never evaluated."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _col(key: str, lang: str, fmt: str | None = None, caption_key: str | None = None, label: str | None = None) -> Column:
    style = "percent" if fmt and "%" in fmt else ("number" if fmt else "text")
    return Column(key, label if label is not None else caption(caption_key or f"col.{key}", lang), FORMATS.get(fmt, fmt) if fmt else None, style)


def _result_col(key: str, lang: str, fmt: str | None = None) -> Column:
    return _col(key, lang, fmt, label=labels.RESULT_COLUMN[key].text(lang))


def grade_style(key: Any) -> str | None:
    """The semantic style of a grade key (``grade:很满意``), None without a grade."""
    return f"grade:{labels.GRADE[key].zh}" if isinstance(key, str) and key in labels.GRADE else None


def _attainment(value: bool | None, lang: str) -> str:
    return caption("not_applicable" if value is None else ("attained" if value else "not_attained"), lang)


def _attainment_style(value: bool | None) -> str:
    return "text" if value is None else ("attained" if value else "not_attained")


# --- the tables ------------------------------------------------------------------
def _customers_table(scores: Scores, lang: str) -> Table:
    frame = scores.customers
    final = frame["final"].to_numpy(dtype=np.float64)
    # Best first; unscored customers (NaN) last, in their original order.
    order = np.lexsort((np.arange(len(final)), np.isnan(final), -np.nan_to_num(final, nan=-np.inf)))
    columns = [
        _col("rank", lang, "count"),
        _result_col("customer_id", lang),
        _result_col("customer_name", lang),
        _col("region", lang),
        _result_col("questionnaire", lang, "score"),
        _result_col("visit", lang, "score"),
        _result_col("preliminary", lang, "score"),
        _result_col("adjustment", lang, "delta"),
        _result_col("final", lang, "score"),
        _result_col("grade", lang),
        _result_col("flags", lang),
        _col("respondents", lang, "count"),
        _col("visits", lang, "count"),
        _col("complaints", lang, "count"),
    ]
    separator = "、" if lang == "zh" else ", "
    flag_text = {key: separator.join(labels.flag_texts(key, lang)) or None for key in set(frame["flags"])}
    # Lookup tables, not a call per cell: 20,000 customers.
    grade_text = {g.key: g.text(lang) for g in labels.GRADES}
    style_of_grade = {g.key: grade_style(g.key) for g in labels.GRADES}
    sorted_frame = frame.iloc[order]
    scored = int((~np.isnan(final)).sum())
    grades = sorted_frame["grade"].tolist()
    # Column-wise conversion (one pass per column, not a function call per cell): 20,000 customers.
    values = {
        "rank": [*range(1, scored + 1), *([None] * (len(order) - scored))],
        **{key: [_text(x) for x in sorted_frame[key].tolist()] for key in ("customer_id", "customer_name", "region")},
        **{key: _floats(sorted_frame[key].to_numpy(dtype=np.float64))
           for key in ("questionnaire", "visit", "preliminary", "adjustment", "final")},
        "grade": [grade_text.get(g) for g in grades],
        "flags": [flag_text[f] for f in sorted_frame["flags"].tolist()],
        "respondents": sorted_frame["n_respondents"].astype(int).tolist(),
        "visits": sorted_frame["n_visits"].astype(int).tolist(),
        "complaints": sorted_frame["n_complaints"].astype(int).tolist(),
    }
    keys = [c.key for c in columns]
    rows = [dict(zip(keys, row)) for row in zip(*(values[k] for k in keys))]
    styles = [style_of_grade.get(g) for g in grades]
    return Table("customers", caption("title.customers", lang), columns, rows, {"grade": styles, "final": styles})


def _records(frame, columns: Sequence[str]) -> list[dict[str, Any]]:
    return [dict(zip(columns, values)) for values in frame[list(columns)].itertuples(index=False, name=None)]


def _item_rows(summary: Summary) -> list[dict[str, Any]]:
    rows = []
    for r in _records(summary.items, ["category", "item", "item_weight", "category_weight", "weight", "answers",
                                      "mean_questionnaire", "mean_visit", "mean_blended", "weakness", "weakness_rank"]):
        rows.append({k: (_text(v) if k in ("category", "item") else _num(v)) for k, v in r.items()})
    return rows


def _items_tables(summary: Summary, lang: str) -> tuple[Table, Table, Table]:
    item_columns = [
        _col("category", lang), _col("item", lang), _col("item_weight", lang, "weight"),
        _col("category_weight", lang, "weight"), _col("weight", lang, "weight"), _col("answers", lang, "count"),
        _col("mean_questionnaire", lang, "score"), _col("mean_visit", lang, "score"),
        _col("mean_blended", lang, "score"), _col("weakness", lang, "weakness"), _col("weakness_rank", lang, "count"),
    ]
    rows = _item_rows(summary)
    items = Table("items", caption("block.items", lang), item_columns, rows)
    ranked = sorted(rows, key=lambda r: (r["weakness_rank"] is None, r["weakness_rank"] or 0))
    weaknesses = Table("weaknesses", caption("chart.weakness", lang), item_columns, ranked)
    category_columns = [
        _col("category", lang), _col("category_weight", lang, "weight"), _col("item_weight_sum", lang, "weight"),
        _col("weight", lang, "weight"), _col("mean_questionnaire", lang, "score"), _col("mean_visit", lang, "score"),
        _col("mean_blended", lang, "score"), _col("weakness", lang, "weakness"),
    ]
    category_rows = [
        {k: (_text(v) if k == "category" else _num(v)) for k, v in r.items()}
        for r in _records(summary.categories, [c.key for c in category_columns])
    ]
    categories = Table("categories", caption("block.categories", lang), category_columns, category_rows)
    return items, weaknesses, categories


def _grades_table(summary: Summary, lang: str) -> Table:
    columns = [_col("grade", lang), _col("count", lang, "count"), _col("share", lang, "percent")]
    rows, styles = [], []
    for key, count, share in summary.grades[["grade", "count", "share"]].itertuples(index=False, name=None):
        rows.append({"grade": labels.grade_text(key, lang), "count": int(count), "share": _num(share)})
        styles.append(grade_style(key))
    return Table("grades", caption("block.grades", lang), columns, rows, {"grade": styles})


def _complaint_tables(summary: Summary, lang: str) -> dict[str, Table]:
    tables = {}
    columns = [_col("name", lang), _col("count", lang, "count"), _col("share", lang, "percent"), _col("adjustment", lang, "delta")]
    for dimension in COMPLAINT_DIMENSIONS:
        frame = summary.complaints.get(dimension)
        rows = []
        if frame is not None:
            for name, count, share, adjustment in frame[[dimension, "count", "share", "adjustment"]].itertuples(index=False, name=None):
                label = labels.OUTCOME[name].text(lang) if dimension == "outcome" and name in labels.OUTCOME else _text(name)
                rows.append({"name": label, "count": int(count), "share": _num(share), "adjustment": _num(adjustment)})
        tables[f"complaints_by_{dimension}"] = Table(f"complaints_by_{dimension}", caption(f"block.by_{dimension}", lang), columns, rows)
    pareto_columns = [_col("name", lang), _col("count", lang, "count"), _col("share", lang, "percent"), _col("cumulative_share", lang, "percent")]
    pareto_rows = [
        {"name": _text(name), "count": int(count), "share": _num(share), "cumulative_share": _num(cumulative)}
        for name, count, share, cumulative in summary.pareto[["category", "count", "share", "cumulative_share"]].itertuples(index=False, name=None)
    ]
    tables["pareto"] = Table("pareto", caption("block.pareto", lang), pareto_columns, pareto_rows)
    return tables


def _period_tables(summaries: Sequence[Summary], names: Sequence[str], files: Sequence[str], lang: str) -> tuple[Table, Table]:
    columns = [
        _col("period", lang), _col("csi", lang, "score", label=caption("kpi.csi", lang)),
        _col("csi_delta", lang, "delta"),
        _col("csi_weighted", lang, "score", label=caption("kpi.csi_weighted", lang)),
        _col("satisfaction_rate", lang, "percent", label=caption("kpi.satisfaction_rate", lang)),
        _col("rate_delta", lang, "percent_delta"),
        _col("scored", lang, "count", label=caption("kpi.scored", lang)),
        _col("complaints", lang, "count"), _col("file", lang),
    ]
    churn_columns = [
        _result_col("customer_id", lang), _result_col("customer_name", lang), _col("consecutive_periods", lang, "count"),
        _col("history", lang), _col("latest_final", lang, "score"), _col("grade", lang),
    ]
    if len(summaries) < 2:
        return (Table("periods", caption("block.periods", lang), columns, []),
                Table("churn", caption("block.churn", lang), churn_columns, []))
    comparison: Comparison = compare_periods(summaries, names)
    rows = []
    for (_, r), file in zip(comparison.periods.iterrows(), files):
        rows.append({
            "period": _text(r["period"]), "csi": _num(r["csi"]), "csi_delta": _num(r["csi_delta"]),
            "csi_weighted": _num(r["csi_weighted"]), "satisfaction_rate": _num(r["satisfaction_rate"]),
            "rate_delta": _num(r["satisfaction_rate_delta"]), "scored": _num(r["scored"]),
            "complaints": _num(r["complaints"]), "file": file,
        })
    latest = summaries[-1]
    latest_grades = latest.scores.customers.set_index("customer_id")["grade"]
    churn_rows, churn_styles = [], []
    for _, r in comparison.churn_risks.iterrows():
        history = " → ".join(f"{name}: {display(round(float(r[name]), 2)) if not math.isnan(float(r[name])) else '—'}" for name in names)
        grade_key = latest_grades.get(r["customer_id"])
        churn_rows.append({
            "customer_id": _text(r["customer_id"]), "customer_name": _text(r["customer_name"]),
            "consecutive_periods": _num(r["consecutive_periods"]), "history": history,
            "latest_final": _num(r[names[-1]]), "grade": labels.grade_text(grade_key, lang),
        })
        churn_styles.append(grade_style(grade_key))
    churn_rows_sorted = sorted(zip(churn_rows, churn_styles), key=lambda p: (-(p[0]["consecutive_periods"] or 0), p[0]["latest_final"] if p[0]["latest_final"] is not None else math.inf))
    return (
        Table("periods", caption("block.periods", lang), columns, rows),
        Table("churn", caption("block.churn", lang), churn_columns, [p[0] for p in churn_rows_sorted],
              {"grade": [p[1] for p in churn_rows_sorted]}),
    )


def _finding_value(value: Any) -> Any:
    """The offending value as found: numbers stay numbers, anything else text."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _num(value)
    return _text(value) if isinstance(value, str) or value is None else display(value)


def _findings_table(findings: Iterable[tuple[str, Finding]], lang: str) -> Table:
    columns = [_col("severity", lang), _col("file", lang), _col("sheet", lang), _col("cell", lang), _col("value", lang), _col("message", lang)]
    order = {"error": 0, "warning": 1, "info": 2}
    findings = list(findings)
    # Grouped by kind (first seen first) within each severity: what was
    # skipped and why reads as a few runs, not as interleaved lines.
    kinds = {f.code: i for i, (_, f) in reversed(list(enumerate(findings)))}
    rows, styles = [], []
    for file, f in sorted(findings, key=lambda p: (order.get(p[1].severity, 3), kinds[p[1].code])):
        rows.append({
            "severity": labels.SEVERITY[f.severity].text(lang), "file": file, "sheet": _text(f.sheet),
            "cell": _text(f.cell), "value": _finding_value(f.value), "message": f.message(lang),
        })
        styles.append(f"severity:{f.severity}")
    return Table("findings", caption("title.data_quality", lang), columns, rows, {"severity": styles})


def _settings_rows(survey: Survey, lang: str) -> list[dict[str, Any]]:
    s = survey.settings
    yes_no = {lab.key: lab.text(lang) for lab in labels.YES_NO}
    mode = {lab.key: lab.text(lang) for lab in labels.WEIGHT_MODES}
    rows = [
        {"setting": labels.SETTING["weight_mode"].text(lang), "value": mode[s.weight_mode]},
        {"setting": labels.SETTING["visit_share"].text(lang), "value": float(s.visit_share)},
        {"setting": labels.SETTING["unmentioned_as"].text(lang), "value": labels.grade_text(s.unmentioned_as, lang)},
        {"setting": labels.SETTING["clamp"].text(lang), "value": yes_no["yes" if s.clamp else "no"]},
        {"setting": labels.SETTING["completion_value"].text(lang), "value": float(s.completion_value)},
        {"setting": labels.SETTING["target_value"].text(lang), "value": float(s.target_value)},
        {"setting": labels.SETTING["period"].text(lang), "value": _text(s.period)},
        {"setting": labels.SETTING["unit"].text(lang), "value": _text(s.unit)},
        {"setting": labels.SETTING["unit_weight"].text(lang), "value": float(s.unit_weight)},
        {"setting": labels.SETTING["min_group_size"].text(lang), "value": s.min_group_size},
        {"setting": labels.SETTING["churn_periods"].text(lang), "value": s.churn_periods},
        {"setting": labels.SETTING["churn_grade"].text(lang), "value": labels.grade_text(s.churn_grade, lang)},
    ]
    prefix = labels.COMPLAINT_SETTING_PREFIX.text(lang)
    for outcome in labels.OUTCOMES:
        rows.append({"setting": f"{prefix}:{outcome.text(lang)}", "value": float(s.complaint_adjustments[outcome.key])})
    prefix = labels.GRADE_SETTING_PREFIX.text(lang)
    for grade in labels.GRADES:
        rows.append({"setting": f"{prefix}:{grade.text(lang)}", "value": float(s.grade_bounds[grade.key])})
    return rows


def _method_tables(survey: Survey, inputs: Sequence[dict[str, Any]], lang: str) -> dict[str, Table]:
    scheme = survey.scheme.table
    weight_columns = [
        _col("category", lang), _col("category_weight", lang, "weight"), _col("item", lang),
        _col("item_weight", lang, "weight"), _col("weight", lang, "weight"), _col("scale", lang),
    ]
    weight_rows = [
        {"category": _text(c), "category_weight": _num(cw), "item": _text(i), "item_weight": _num(iw),
         "weight": _num(w), "scale": _text(sc) or survey.scales.five.name}
        for c, cw, i, iw, w, sc in scheme[["category", "category_weight", "item", "item_weight", "weight", "scale"]].itertuples(index=False, name=None)
    ]
    scale_rows = [
        {"scale": scale.name, "label": label, "value": float(value)}
        for scale in survey.scales.all() for label, value in scale.values.items()
    ]
    input_columns = [_col("role", lang), _col("file", lang), _col("period", lang), _col("sha256", lang)]
    return {
        "weights": Table("weights", caption("block.weights", lang), weight_columns, weight_rows),
        "settings": Table("settings", caption("block.settings", lang), [_col("setting", lang), _col("value", lang)], _settings_rows(survey, lang)),
        "scales": Table("scales", caption("block.scales", lang), [_col("scale", lang), _col("label", lang), _col("value", lang, "score")], scale_rows),
        "inputs": Table("inputs", caption("block.inputs", lang), input_columns, list(inputs)),
    }


# --- fields ------------------------------------------------------------------------
def _kpi_fields(summary: Summary, lang: str, source: str | None, generated_at: datetime) -> dict[str, Field]:
    k = summary.kpis()
    s = summary.settings

    def f(key: str, value: Any, fmt: str | None = None, style: str = "kpi") -> Field:
        return Field(key, caption(f"kpi.{key}", lang), value, FORMATS.get(fmt, fmt) if fmt else None, style)

    att = summary.attainment
    fields = [
        f("period", _text(k["period"]), style="text"),
        f("customers", k["customers"], "count"),
        f("scored", k["scored"], "count"),
        f("not_surveyed", k["not_surveyed"], "count"),
        f("not_visited", k["not_visited"], "count"),
        f("csi", _num(k["csi"]), "score"),
        f("csi_weighted", _num(k["csi_weighted"]), "score"),
        f("satisfaction_rate", _num(k["satisfaction_rate"]), "percent"),
        f("completion_value", float(s.completion_value), "score"),
        f("target_value", float(s.target_value), "score"),
        Field("completion_rate", caption("kpi.completion_value", lang), float(s.completion_value) / 100.0, FORMATS["percent"], "kpi"),
        Field("target_rate", caption("kpi.target_value", lang), float(s.target_value) / 100.0, FORMATS["percent"], "kpi"),
        Field("csi_completion", caption("kpi.completion_value", lang), _attainment(att["csi"]["completion"], lang), None, _attainment_style(att["csi"]["completion"])),
        Field("csi_target", caption("kpi.target_value", lang), _attainment(att["csi"]["target"], lang), None, _attainment_style(att["csi"]["target"])),
        Field("rate_completion", caption("kpi.completion_value", lang), _attainment(att["satisfaction_rate"]["completion"], lang), None, _attainment_style(att["satisfaction_rate"]["completion"])),
        Field("rate_target", caption("kpi.target_value", lang), _attainment(att["satisfaction_rate"]["target"], lang), None, _attainment_style(att["satisfaction_rate"]["target"])),
        f("complaints", k["complaints"], "count"),
        f("closure_rate", _num(k["closure_rate"]), "percent"),
        f("source", source, style="text"),
        f("generated_at", generated_at, "datetime", style="text"),
    ]
    return {field_.key: field_ for field_ in fields}


def _record_fields(survey: Survey, lang: str, generated_at: datetime) -> dict[str, Field]:
    mode = {lab.key: lab.text(lang) for lab in labels.WEIGHT_MODES}
    language = {"zh": "中文", "en": "English"}[lang]
    fields = [
        Field("version", caption("record.version", lang), __version__),
        Field("generated_at", caption("record.generated_at", lang), generated_at, FORMATS["datetime"]),
        Field("weight_mode", caption("record.weight_mode", lang), mode[survey.settings.weight_mode]),
        Field("language", caption("record.language", lang), language),
        Field("source", caption("kpi.source", lang), survey.meta.get("file_name") or survey.source),
        Field("sha256", caption("col.sha256", lang), survey.meta.get("sha256")),
    ]
    return {field_.key: field_ for field_ in fields}


# --- charts and sheets -----------------------------------------------------------------
def _charts(lang: str) -> dict[str, Chart]:
    c = lambda key: caption(key, lang)  # noqa: E731
    return {
        "grades": Chart("grades", "bar", c("chart.grades"), "grades", "grade", [Series("count", c("col.count"), "bar", False, FORMATS["count"])]),
        "categories": Chart("categories", "bar", c("chart.categories"), "categories", "category",
                            [Series("mean_blended", c("col.mean_blended"), "bar", False, FORMATS["score"])]),
        "weakness": Chart("weakness", "bar", c("chart.weakness"), "weaknesses", "item",
                          [Series("weakness", c("col.weakness"), "bar", False, FORMATS["weakness"])]),
        "pareto": Chart("pareto", "bar_line", c("chart.pareto"), "pareto", "name", [
            Series("count", c("col.count"), "bar", False, FORMATS["count"]),
            Series("cumulative_share", c("col.cumulative_share"), "line", True, "0%"),
        ]),
        "trend": Chart("trend", "bar_line", c("chart.trend"), "periods", "period", [
            Series("csi", c("kpi.csi"), "bar", False, FORMATS["score"]),
            Series("satisfaction_rate", c("kpi.satisfaction_rate"), "line", True, "0%"),
        ]),
    }


def _sheets(lang: str, has_trend: bool) -> list[Sheet]:
    c = lambda key: caption(key, lang)  # noqa: E731
    kpi_keys = ["period", "customers", "scored", "not_surveyed", "not_visited", "csi", "csi_weighted",
                "satisfaction_rate", "complaints", "closure_rate"]
    sheets = [
        Sheet("overview", c("sheet.overview"), [
            Block("fields", "kpi", c("block.headline"), kpi_keys),
            Block("fields", "kpi", c("block.targets"), ["completion_value", "target_value", "csi_completion", "csi_target", "rate_completion", "rate_target"]),
            Block("table", "grades"), Block("chart", "grades"), Block("table", "categories"), Block("chart", "categories"),
        ]),
        Sheet("customers", c("sheet.customers"), [Block("table", "customers")]),
        Sheet("items", c("sheet.items"), [Block("table", "categories"), Block("table", "items"), Block("table", "weaknesses"), Block("chart", "weakness")]),
        Sheet("complaints", c("sheet.complaints"), [
            Block("fields", "kpi", None, ["complaints", "closure_rate"]),
            *(Block("table", f"complaints_by_{d}") for d in COMPLAINT_DIMENSIONS),
            Block("table", "pareto"), Block("chart", "pareto"),
        ]),
    ]
    if has_trend:
        sheets.append(Sheet("trend", c("sheet.trend"), [Block("table", "periods"), Block("chart", "trend"), Block("table", "churn")]))
    sheets += [
        Sheet("data_quality", c("sheet.data_quality"), [Block("table", "findings")]),
        Sheet("method", c("sheet.method"), [
            Block("fields", "record", c("block.record"), ["version", "generated_at", "weight_mode", "language", "source", "sha256"]),
            Block("table", "inputs"), Block("table", "weights"), Block("table", "settings"), Block("table", "scales"),
        ]),
    ]
    return sheets


# --- the entry point -------------------------------------------------------------------------
def _as_survey(source: Survey | str | os.PathLike) -> Survey:
    if isinstance(source, Survey):
        return source
    from ..io.readers import read_survey  # the rim is imported only when a path is given

    return read_survey(Path(source))


def survey_language(survey: Survey) -> str | None:
    """``"zh"`` or ``"en"``: the language the workbook's own sheet names are in (None when mixed or unknown).

    A report of a Chinese workbook reads best in Chinese whatever the
    computer's locale, so ``csat-xl report`` uses this when no language is asked for.
    """
    votes = {"zh": 0, "en": 0}
    for key, name in survey.sheet_names.items():
        if key in labels.SHEET:
            for lang in votes:
                votes[lang] += match_key(name) == match_key(labels.SHEET[key].text(lang))
    if votes["zh"] == votes["en"]:
        return None
    return max(votes, key=votes.get)


def _period_name(survey: Survey, index: int) -> str:
    return survey.settings.period or Path(survey.meta.get("file_name") or survey.source or f"#{index + 1}").stem


def build_report(
    survey: Survey | str | os.PathLike,
    previous: Sequence[Survey | str | os.PathLike] = (),
    lang: str = "zh",
    generated_at: datetime | None = None,
    statistics: bool = True,
) -> ReportModel:
    """Build the report model of ``survey`` (a :class:`Survey` or a workbook path).

    ``previous`` are earlier periods, oldest first (surveys or paths); with at
    least one, the model has a ``trend`` sheet comparing them with ``survey``
    (:func:`csat_xl.aggregation.compare_periods`).  ``lang`` is ``"zh"`` or
    ``"en"``.  ``generated_at`` defaults to now (local time, no time zone,
    as Excel shows it).  ``statistics`` adds the Statistics sheet and the CSI
    change on Trend (:func:`csat_xl.report.stats_tables.add_statistics`); the
    shipped templates show them, so ``statistics=False`` is for timing the
    rest or for templates without them.  Reading a path may raise
    :class:`~csat_xl.findings.InvalidInputError` listing every error.
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    generated_at = (generated_at or datetime.now()).replace(microsecond=0)
    current = _as_survey(survey)
    earlier = [_as_survey(p) for p in previous]
    surveys = [*earlier, current]
    all_scores = [score(s) for s in surveys]
    summaries = [summarize(s) for s in all_scores]
    summary = summaries[-1]
    names = [_period_name(s, i) for i, s in enumerate(surveys)]
    # Two files for the same period label would merge in the comparison.
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            names[i] = f"{name} ({seen[name]})"
    files = [s.meta.get("file_name") or s.source or "" for s in surveys]

    tables: dict[str, Table] = {}
    tables["grades"] = _grades_table(summary, lang)
    tables["items"], tables["weaknesses"], tables["categories"] = _items_tables(summary, lang)
    tables["customers"] = _customers_table(summary.scores, lang)
    tables.update(_complaint_tables(summary, lang))
    tables["periods"], tables["churn"] = _period_tables(summaries, names, files, lang)
    findings = [(files[-1], f) for f in (*current.findings, *all_scores[-1].findings)]
    for s, sc, file in zip(earlier, all_scores[:-1], files[:-1]):
        findings += [(file, f) for f in (*s.findings, *sc.findings)]
    tables["findings"] = _findings_table(findings, lang)
    inputs = [
        {"role": caption("role.previous" if i < len(earlier) else "role.current", lang), "file": files[i],
         "period": names[i], "sha256": s.meta.get("sha256")}
        for i, s in enumerate(surveys)
    ]
    tables.update(_method_tables(current, inputs, lang))

    source = files[-1] or None
    fields = {
        "kpi": _kpi_fields(summary, lang, source, generated_at),
        "record": _record_fields(current, lang, generated_at),
    }
    has_trend = len(surveys) > 1
    model = ReportModel(
        lang=lang,
        title=caption("title", lang),
        generated_at=generated_at,
        version=__version__,
        fields=fields,
        tables=tables,
        charts=_charts(lang),
        sheets=_sheets(lang, has_trend),
    )
    if statistics:
        # Statistics 统计 sheet and the CSI change on Trend (issue 7, docs/statistics.md).
        from .stats_tables import add_statistics

        stats = add_statistics(model, all_scores[-1], list(zip(names[:-1], all_scores[:-1])), period=names[-1])
        # NPS and repurchase (Overview, Statistics), key drivers, the Comments sheet (issue 15).
        from .voice import add_voice

        add_voice(model, all_scores[-1], stats)
    from .group_tables import add_groups  # 分组 / Groups sheet (issue 13, ANALYSES.md §1)

    add_groups(model, all_scores[-1])
    # Complaint handling on time and the 整改跟踪 / Actions sheet (issue 14, ANALYSES.md §2–3).
    from .handling_tables import add_handling

    add_handling(model, summary, summaries[-2] if len(summaries) > 1 else None)
    from .trend_tables import add_trends  # Trend sheet: means per period, persistent weaknesses, churn (ANALYSES.md §4)

    add_trends(model, summaries, names)
    return model
