"""Complaint handling and improvement actions (issue 14) as report-model fields, tables and a chart.

:func:`add_handling` adds to a :class:`~csat_xl.report.model.ReportModel`

* on the Complaints sheet: the handling figures (resolution rate beside the
  closure rate, median time to respond and the share within the limit, the
  overdue count), the complaints per month against the monthly target with
  its chart, the response/closure time table, the overdue open complaints,
  the repeat complainants and the definitions of every rate;
* the sheet 整改跟踪 / Actions: the on-time rate, the actions, the overdue
  list, the effectiveness of item-sourced actions against the previous
  period, and the proposed actions.

Every number comes from :mod:`csat_xl.analyses.complaint_timing` and
:mod:`csat_xl.analyses.actions`; this module only chooses, orders and labels.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import pandas as pd

from .. import labels
from ..aggregation import Summary
from ..analyses.actions import ActionTracking, track_actions
from ..analyses.complaint_timing import ComplaintTiming, complaint_timing, handling_period
from ..statistics import importance_performance
from .captions import caption
from .model import FORMATS, Block, Chart, Column, Field, ReportModel, Series, Sheet, Table, _num, _text

#: Number formats the handling figures add to the report's.
HANDLING_FORMATS = {"hours": "0.0", "days": "0.0", "date": "yyyy-mm-dd", "target": "0.#"}

#: Headline fields of the Complaints sheet, top to bottom.
COMPLAINT_KEYS = ["complaints", "closure_rate", "resolution_rate", "response_median", "response_within",
                  "closure_median", "closure_within", "overdue_complaints", "not_responded", "undated"]
#: Limits and the period end, beside them.
LIMIT_KEYS = ["response_limit", "closure_limit", "monthly_target", "period_end", "period_end_source"]
#: Headline fields of the Actions sheet.
ACTION_KEYS = ["on_time_rate", "actions", "actions_due", "actions_on_time", "actions_overdue", "period_end", "period_end_source"]


def _fmt(kind: str | None) -> str | None:
    return None if kind is None else HANDLING_FORMATS.get(kind) or FORMATS.get(kind, kind)


def _col(key: str, lang: str, kind: str | None = None) -> Column:
    fmt = _fmt(kind)
    style = "percent" if fmt and "%" in fmt else ("number" if fmt else "text")
    label = labels.RESULT_COLUMN[key].text(lang) if key in ("customer_id", "customer_name") else caption(f"col.{key}", lang)
    return Column(key, label, fmt, style)


def _date(value: Any):
    return None if value is None or pd.isna(value) else pd.Timestamp(value).to_pydatetime()


def _yes_no(value: Any, lang: str) -> str | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else caption(f"handling.{'yes' if value else 'no'}", lang)


def _severity(key: Any, lang: str) -> str | None:
    return labels.COMPLAINT_SEVERITY[key].text(lang) if isinstance(key, str) and key in labels.COMPLAINT_SEVERITY else None


def _status(key: Any, lang: str) -> str | None:
    return labels.ACTION_STATUS[key].text(lang) if isinstance(key, str) and key in labels.ACTION_STATUS else None


def _period_end_text(timing: ComplaintTiming, period_setting: str | None, lang: str) -> str:
    source = timing.period.source or "none"
    return caption(f"period_end.{source}", lang).format(period=period_setting or "")


# --- fields --------------------------------------------------------------------------------------
def handling_fields(timing: ComplaintTiming, tracking: ActionTracking | None, closure_rate: float | None,
                    period_setting: str | None, lang: str) -> dict[str, Field]:
    """The single values of both sheets (namespace ``handling``)."""
    def f(key: str, value: Any, kind: str | None = None, style: str = "kpi") -> Field:
        return Field(key, caption(f"kpi.{key}", lang), value, _fmt(kind), style)

    fields = [
        f("complaints", timing.total, "count"),
        f("closure_rate", _num(closure_rate), "percent"),
        f("resolution_rate", _num(timing.resolution_rate), "percent"),
        f("response_median", timing.median("response"), "hours"),
        f("response_within", timing.share_within("response"), "percent"),
        f("closure_median", timing.median("closure"), "days"),
        f("closure_within", timing.share_within("closure"), "percent"),
        f("overdue_complaints", int(len(timing.overdue)), "count"),
        f("not_responded", timing.not_responded, "count"),
        f("undated", timing.undated, "count"),
        f("response_limit", float(timing.response_limit_hours), "target"),
        f("closure_limit", float(timing.closure_limit_days), "target"),
        f("monthly_target", _num(timing.monthly_target), "target"),
        f("period_end", _date(timing.period.end), "date"),
        f("period_end_source", _period_end_text(timing, period_setting, lang), style="text"),
        f("on_time_rate", _num(tracking.on_time_rate) if tracking else None, "percent"),
        f("actions", int(len(tracking.actions)) if tracking else None, "count"),
        f("actions_due", tracking.due_count if tracking else None, "count"),
        f("actions_on_time", tracking.on_time_count if tracking else None, "count"),
        f("actions_overdue", int(len(tracking.overdue)) if tracking else None, "count"),
    ]
    return {field.key: field for field in fields}


# --- tables --------------------------------------------------------------------------------------
def complaint_handling_tables(timing: ComplaintTiming, lang: str) -> dict[str, Table]:
    """Months, timing, overdue complaints, repeat complainants and the definitions."""
    tables: dict[str, Table] = {}
    columns = [_col("month", lang), _col("count", lang, "count"), _col("target", lang, "target"), _col("over_target", lang)]
    rows, styles = [], []
    for r in timing.months.to_dict(orient="records"):
        rows.append({"month": r["month"], "count": int(r["count"]), "target": _num(r["target"]),
                     "over_target": _yes_no(r["over_target"], lang)})
        styles.append(None if r["over_target"] is None else ("not_attained" if r["over_target"] else "attained"))
    tables["complaint_months"] = Table("complaint_months", caption("block.complaint_months", lang), columns, rows,
                                       {"over_target": styles})

    columns = [_col("measure_kind", lang), _col("complaint_severity", lang), _col("timed", lang, "count"),
               _col("median", lang, "hours"), _col("mean", lang, "hours"), _col("within", lang, "count"),
               _col("share_within", lang, "percent"), _col("limit", lang, "target")]
    rows = []
    for r in timing.timing.to_dict(orient="records"):
        rows.append({"measure_kind": caption(f"measure.{r['measure']}", lang),
                     "complaint_severity": _severity(r["severity"], lang) or caption("severity.all", lang),
                     "timed": int(r["count"]), "median": _num(r["median"]), "mean": _num(r["mean"]),
                     "within": int(r["within"]), "share_within": _num(r["share_within"]), "limit": _num(r["limit"])})
    tables["complaint_timing"] = Table("complaint_timing", caption("block.complaint_timing", lang), columns, rows)

    columns = [_col("customer_name", lang), _col("customer_id", lang),
               _col("complaint_id", lang), _col("received", lang, "date"), _col("days_open", lang, "count"),
               _col("department", lang), _col("complaint_category", lang), _col("complaint_severity", lang)]
    rows = [
        {"customer_name": _text(r["customer_name"]), "customer_id": _text(r["customer_id"]), "complaint_id": _text(r["complaint_id"]),
         "received": _date(r["received"]), "days_open": int(r["days_open"]), "department": _text(r["department"]),
         "complaint_category": _text(r["category"]), "complaint_severity": _severity(r["severity"], lang)}
        for r in timing.overdue.to_dict(orient="records")
    ]
    tables["complaint_overdue"] = Table("complaint_overdue", caption("block.complaint_overdue", lang), columns, rows)

    columns = [_col("customer_name", lang), _col("customer_id", lang),
               _col("repeat_complaints", lang, "count"), _col("repeated_categories", lang)]
    rows = [
        {"customer_name": _text(r["customer_name"]), "customer_id": _text(r["customer_id"]),
         "repeat_complaints": int(r["complaints"]), "repeated_categories": _text(r["repeated_categories"])}
        for r in timing.repeats.to_dict(orient="records")
    ]
    tables["complaint_repeats"] = Table("complaint_repeats", caption("block.complaint_repeats", lang), columns, rows)

    definitions = [
        ("kpi.closure_rate", caption("def.closure_rate", lang)),
        ("kpi.resolution_rate", caption("def.resolution_rate", lang)),
        ("kpi.response_within", caption("def.response_within", lang).format(limit=timing.response_limit_hours)),
        ("kpi.closure_within", caption("def.closure_within", lang).format(limit=timing.closure_limit_days)),
        ("kpi.overdue_complaints", caption("def.overdue", lang)),
    ]
    tables["handling_definitions"] = _definitions("handling_definitions", definitions, lang)
    return tables


def _definitions(key: str, pairs: Iterable[tuple[str, str]], lang: str) -> Table:
    columns = [_col("rate", lang), _col("definition", lang)]
    rows = [{"rate": caption(name, lang), "definition": text} for name, text in pairs]
    return Table(key, caption("block.handling_definitions", lang), columns, rows)


def action_tables(tracking: ActionTracking, lang: str) -> dict[str, Table]:
    """The actions, the overdue list, effectiveness, proposals and the definitions."""
    tables: dict[str, Table] = {}
    columns = [_col("action_id", lang), _col("source", lang), _col("action", lang), _col("department", lang),
               _col("owner", lang), _col("due", lang, "date"), _col("done", lang, "date"), _col("status", lang),
               _col("on_time", lang)]
    rows, styles = [], []
    for r in tracking.actions.to_dict(orient="records"):
        on_time = r["on_time"]
        rows.append({"action_id": _text(r["action_id"]), "source": _text(r["source"]), "action": _text(r["action"]),
                     "department": _text(r["department"]), "owner": _text(r["owner"]), "due": _date(r["due"]),
                     "done": _date(r["done"]), "status": _status(r["status"], lang), "on_time": _yes_no(on_time, lang)})
        styles.append("not_attained" if r["overdue"] else (None if on_time is None else ("attained" if on_time else "not_attained")))
    tables["actions"] = Table("actions", caption("block.actions", lang), columns, rows, {"on_time": styles})

    columns = [_col("action_id", lang), _col("source", lang), _col("action", lang), _col("department", lang),
               _col("owner", lang), _col("due", lang, "date"), _col("days_overdue", lang, "count"), _col("status", lang)]
    rows = [
        {"action_id": _text(r["action_id"]), "source": _text(r["source"]), "action": _text(r["action"]),
         "department": _text(r["department"]), "owner": _text(r["owner"]), "due": _date(r["due"]),
         "days_overdue": int(r["days_overdue"]), "status": _status(r["status"], lang)}
        for r in tracking.overdue.to_dict(orient="records")
    ]
    tables["actions_overdue"] = Table("actions_overdue", caption("block.actions_overdue", lang), columns, rows)

    columns = [_col("action_id", lang), _col("item", lang), _col("status", lang), _col("previous", lang, "score"),
               _col("current", lang, "score"), _col("change", lang, "delta")]
    rows, styles = [], []
    for r in tracking.effectiveness.to_dict(orient="records"):
        change = _num(r["change"])
        rows.append({"action_id": _text(r["action_id"]), "item": _text(r["item"]), "status": _status(r["status"], lang),
                     "previous": _num(r["previous"]), "current": _num(r["current"]), "change": change})
        styles.append(None if change is None else ("attained" if change > 0 else "not_attained"))
    tables["action_effectiveness"] = Table("action_effectiveness", caption("block.action_effectiveness", lang), columns, rows,
                                           {"change": styles})

    columns = [_col("item", lang), _col("category", lang), _col("reason", lang), _col("mean_blended", lang, "score"),
               _col("weakness", lang, "weakness")]
    separator = "；" if lang == "zh" else "; "
    rows = []
    for r in tracking.proposals.to_dict(orient="records"):
        reasons = [caption(f"reason.{why}", lang).format(rank=r["weakness_rank"]) for why in r["reason"]]
        rows.append({"item": _text(r["item"]), "category": _text(r["category"]), "reason": separator.join(reasons),
                     "mean_blended": _num(r["mean_blended"]), "weakness": _num(r["weakness"])})
    tables["action_proposals"] = Table("action_proposals", caption("block.action_proposals", lang), columns, rows)
    tables["action_definitions"] = _definitions("action_definitions", [
        ("kpi.on_time_rate", caption("def.on_time_rate", lang)),
        ("kpi.actions_overdue", caption("def.actions_overdue", lang)),
    ], lang)
    return tables


def handling_charts(lang: str, has_target: bool) -> dict[str, Chart]:
    """Complaints per month (bars) with the monthly target (a line on the same axis; bars only without a target)."""
    count = Series("count", caption("col.count", lang), "bar", False, FORMATS["count"])
    target = Series("target", caption("col.target", lang), "line", False, FORMATS["count"])
    kind, series = ("bar_target", [count, target]) if has_target else ("bar", [count])
    return {"complaint_months": Chart("complaint_months", kind, caption("chart.complaint_months", lang), "complaint_months",
                                      "month", series)}


#: Blocks added to the Complaints sheet, after its headline fields.
COMPLAINT_BLOCKS = [
    Block("fields", "handling", "block.handling", COMPLAINT_KEYS),
    Block("fields", "handling", None, LIMIT_KEYS),
    Block("table", "complaint_months"),
    Block("chart", "complaint_months"),
    Block("table", "complaint_timing"),
    Block("table", "complaint_overdue"),
    Block("table", "complaint_repeats"),
    Block("table", "handling_definitions"),
]
#: The Actions sheet, top to bottom.
ACTION_BLOCKS = [
    Block("fields", "handling", "block.action_summary", ACTION_KEYS),
    Block("table", "actions_overdue"),
    Block("table", "action_proposals"),
    Block("table", "action_effectiveness"),
    Block("table", "actions"),
    Block("table", "action_definitions"),
]


def _blocks(blocks: list[Block], lang: str) -> list[Block]:
    return [Block(b.kind, b.key, caption(b.title, lang) if b.title else None, b.keys) for b in blocks]


def add_handling(model: ReportModel, summary: Summary, previous: Summary | None = None,
                 concentrate: Iterable[str] | None = None) -> tuple[ComplaintTiming, ActionTracking]:
    """Add the complaint-handling blocks to the Complaints sheet and the 整改跟踪 / Actions sheet.

    ``summary`` is this period's, ``previous`` the period before (for the
    effectiveness check), ``concentrate`` the items in the IPA quadrant
    "concentrate here" (default: :func:`csat_xl.statistics.importance_performance`).  The Actions sheet is added even without an Actions
    sheet in the workbook: its proposals need none, and it says what is missing."""
    lang = model.lang
    survey = summary.scores.survey
    if concentrate is None:
        ipa = importance_performance(summary.scores).table
        concentrate = list(ipa.loc[ipa["quadrant"] == "concentrate", "item"])
    names = summary.scores.customers.set_index("customer_id")["customer_name"].dropna().to_dict()
    period = handling_period(survey)
    timing = complaint_timing(survey, period, names)
    tracking = track_actions(survey.actions, period, summary, previous, concentrate)
    model.fields["handling"] = handling_fields(timing, tracking if survey.actions is not None else None,
                                               summary.closure_rate, survey.settings.period, lang)
    model.tables.update(complaint_handling_tables(timing, lang))
    model.tables.update(action_tables(tracking, lang))
    model.charts.update(handling_charts(lang, timing.monthly_target is not None))
    # 1/0 switches for the template's notes (the model holds no bools: plain numbers only)
    for key, value in (("has_actions_sheet", survey.actions is not None), ("has_complaint_dates", timing.has_dates),
                       ("has_previous", previous is not None)):
        model.fields["handling"][key] = Field(key, key, int(value))
    for sheet in model.sheets:
        if sheet.key == "complaints":
            # the handling figures include the complaint count and closure rate: they replace that block
            first = sheet.blocks[0] if sheet.blocks else None
            replaced = 1 if first is not None and first.kind == "fields" and first.key == "kpi" else 0
            sheet.blocks[0:replaced] = _blocks(COMPLAINT_BLOCKS, lang)
            position = model.sheets.index(sheet) + 1
            model.sheets.insert(position, Sheet("actions", caption("sheet.actions", lang), _blocks(ACTION_BLOCKS, lang)))
            break
    return timing, tracking
