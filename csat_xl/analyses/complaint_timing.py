"""Complaint handling on time (ANALYSES.md §2): pure pandas over the complaints frame.

:func:`complaint_timing` takes a :class:`~csat_xl.survey.Survey` whose 投诉 /
Complaints frame carries the handling columns the reader adds
(:mod:`csat_xl.handling_reader`: ``received``, ``responded``, ``closed``
with their ``*_timed`` flags, ``severity``) and returns a
:class:`ComplaintTiming`:

* **complaints per month** of the period (by receipt date) against the
  monthly target 月投诉目标 (no default: without it the target is blank);
* **time to respond** (hours) and **to close** (days): count, median, mean
  and the share within the limit 响应时限 (default 24 h) / 关闭时限
  (default 15 d), over the complaints that have both dates — overall and per
  severity.  When both cells hold a time of day the time is exact; when
  either holds a date only, the time is whole days (a response the next day
  is 24 h, the same day 0 h);
* **overdue open complaints** at the period end (:mod:`.period`): outcome
  未处理 / unhandled, no closed date, and more days since receipt than the
  closure limit;
* the **resolution rate** (outcome 基本满意, 满意 or 很满意) over all
  complaints — shown beside the closure rate of
  :func:`csat_xl.aggregation.complaint_tables` (outcome other than 未处理);
* **repeat complaints**: customers with two or more complaints, and the
  categories one customer complained about twice or more.

Every rate is a share 0–1, None when its denominator is 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..survey import Survey
from .period import Period, survey_period

#: Outcomes that count as resolved (the customer is at least basically satisfied).
RESOLVED_OUTCOMES = ("basically_satisfied", "satisfied", "very_satisfied")
#: A time equal to its limit is within it (floating-point slack, as for grades).
TOLERANCE = 1e-9

DATE_COLUMNS = ("received", "responded", "closed")


@dataclass
class ComplaintTiming:
    """The complaint-handling figures of one period (see the module docstring).

    ``months``: month (``"2026-04"``), count, target, over_target (bool or
    None), in_period (bool).  ``undated``: complaints without a readable
    receipt date.  ``timing``: measure (``"response"`` hours /
    ``"closure"`` days), severity (None = all complaints), count, median,
    mean, within (count), share_within, limit.  ``overdue``: complaint_id,
    customer_id, customer_name, received, days_open, department, category,
    severity — longest open first.  ``repeats``: customer_id,
    customer_name, complaints, repeated_categories (``"交货延迟 ×2"`` …).
    """

    period: Period
    total: int
    months: pd.DataFrame
    undated: int
    monthly_target: float | None
    timing: pd.DataFrame
    not_responded: int
    overdue: pd.DataFrame
    resolution_rate: float | None
    repeats: pd.DataFrame
    response_limit_hours: float
    closure_limit_days: float
    has_dates: bool = False
    extra: dict = field(default_factory=dict)

    def share_within(self, measure: str) -> float | None:
        """Share of complaints responded (``"response"``) or closed (``"closure"``) within the limit."""
        row = self.timing[(self.timing["measure"] == measure) & self.timing["severity"].isna()]
        if row.empty:
            return None
        value = row["share_within"].iloc[0]
        return None if pd.isna(value) else float(value)

    def median(self, measure: str) -> float | None:
        row = self.timing[(self.timing["measure"] == measure) & self.timing["severity"].isna()]
        value = row["median"].iloc[0] if len(row) else None
        return None if value is None or pd.isna(value) else float(value)


def _dates(frame: pd.DataFrame, name: str) -> tuple[np.ndarray, np.ndarray]:
    n = len(frame)
    if name not in frame:
        return np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]"), np.zeros(n, dtype=bool)
    stamps = frame[name].to_numpy(dtype="datetime64[ns]")
    timed = frame[f"{name}_timed"].to_numpy(dtype=bool) if f"{name}_timed" in frame else np.zeros(n, dtype=bool)
    return stamps, timed


def elapsed(start: np.ndarray, start_timed: np.ndarray, end: np.ndarray, end_timed: np.ndarray, unit: str) -> np.ndarray:
    """Time from ``start`` to ``end`` in ``unit`` (``"h"`` or ``"D"``), NaN where a date is missing.

    Exact when both hold a time of day, else whole days (date-only cells)."""
    exact = (end - start) / np.timedelta64(1, unit)
    days = (end.astype("datetime64[D]") - start.astype("datetime64[D]")) / np.timedelta64(1, "D")
    whole = days * (24.0 if unit == "h" else 1.0)
    out = np.where(start_timed & end_timed, exact, whole).astype(np.float64)
    out[np.isnat(start) | np.isnat(end)] = np.nan
    return out


def _timing_rows(measure: str, values: np.ndarray, severity: np.ndarray, limit: float) -> list[dict]:
    rows = []
    groups = [(None, np.ones(len(values), dtype=bool))]
    present = [s for s in ("general", "serious", "major") if (severity == s).any()]
    groups += [(s, severity == s) for s in present]
    for key, mask in groups:
        part = values[mask & ~np.isnan(values)]
        within = int((part <= limit + TOLERANCE).sum())
        rows.append({
            "measure": measure, "severity": key, "count": int(part.size),
            "median": float(np.median(part)) if part.size else None,
            "mean": float(part.mean()) if part.size else None,
            "within": within, "share_within": within / part.size if part.size else None, "limit": float(limit),
        })
    return rows


def _names(survey: Survey, names: Mapping | None) -> Mapping:
    if names is not None:
        return names
    out: dict = {}
    for frame in (survey.questionnaire, survey.customers):
        if frame is not None and "customer_name" in frame and len(frame):
            part = frame[["customer_id", "customer_name"]].dropna()
            out.update(dict(zip(part["customer_id"], part["customer_name"])))
    return out


def _month_table(received: np.ndarray, period: Period, target: float | None) -> tuple[pd.DataFrame, int]:
    dated = received[~np.isnat(received)]
    counts = pd.Series(pd.DatetimeIndex(dated).to_period("M")).value_counts()
    in_period = period.months() if period.source == "setting" else []
    months = sorted(set(in_period) | set(counts.index))
    rows = []
    for month in months:
        count = int(counts.get(month, 0))
        rows.append({"month": str(month), "count": count, "target": target,
                     "over_target": None if target is None else bool(count > target + TOLERANCE),
                     "in_period": (month in in_period) if in_period else True})
    columns = ["month", "count", "target", "over_target", "in_period"]
    return pd.DataFrame(rows, columns=columns), int(np.isnat(received).sum())


def _repeats(frame: pd.DataFrame, names: Mapping) -> pd.DataFrame:
    """Customers with two or more complaints, most first, with the categories
    they complained about more than once (most first, then in order of first
    appearance) — two groupbys, not a scan of the complaints per customer."""
    columns = ["customer_id", "customer_name", "complaints", "repeated_categories"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    counts = frame.groupby("customer_id", sort=False).size()
    counts = counts[counts >= 2]
    part = frame.loc[frame["customer_id"].isin(counts.index) & frame["category"].notna(), ["customer_id", "category"]]
    pairs = part.assign(category=part["category"].astype(str)).groupby(["customer_id", "category"], sort=False).size()
    repeated: dict = {}
    for (customer, category), k in sorted(pairs[pairs >= 2].items(), key=lambda pair: -pair[1]):  # stable
        repeated.setdefault(customer, []).append(f"{category} ×{k}")
    rows = [{"customer_id": customer, "customer_name": names.get(customer), "complaints": int(n),
             "repeated_categories": "; ".join(repeated.get(customer, ())) or None} for customer, n in counts.items()]
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values("complaints", ascending=False, kind="stable").reset_index(drop=True)


def complaint_timing(survey: Survey, period: Period | None = None, names: Mapping | None = None) -> ComplaintTiming:
    """The complaint-handling figures of ``survey`` (module docstring).

    ``period`` defaults to :func:`csat_xl.analyses.period.survey_period` of
    the survey (its 期间 setting, else its latest handling date);
    ``names`` maps customer IDs to names for the lists (default: the
    questionnaire's and the 客户 sheet's names)."""
    settings = survey.settings
    frame = survey.complaints
    names = _names(survey, names)
    (received, received_t), (responded, responded_t), (closed, closed_t) = (_dates(frame, c) for c in DATE_COLUMNS)
    if period is None:
        period = handling_period(survey)
    severity = frame["severity"].to_numpy(dtype=object) if "severity" in frame else np.full(len(frame), None, dtype=object)
    months, undated = _month_table(received, period, settings.monthly_complaint_target)
    response_hours = elapsed(received, received_t, responded, responded_t, "h")
    closure_days = elapsed(received, received_t, closed, closed_t, "D")
    timing = pd.DataFrame(
        _timing_rows("response", response_hours, severity, settings.response_limit_hours)
        + _timing_rows("closure", closure_days, severity, settings.closure_limit_days)
    )
    outcome = frame["outcome"].to_numpy(dtype=object) if len(frame) else np.empty(0, dtype=object)
    total = len(frame)
    resolution_rate = float(np.isin(outcome, RESOLVED_OUTCOMES).mean()) if total else None

    overdue_columns = ["complaint_id", "customer_id", "customer_name", "received", "days_open", "department", "category", "severity"]
    overdue = pd.DataFrame(columns=overdue_columns)
    if period.end is not None and total:
        end = np.full(total, np.datetime64(period.end, "ns"))
        days_open = elapsed(received, np.zeros(total, dtype=bool), end, np.zeros(total, dtype=bool), "D")
        open_ = (outcome == "unhandled") & np.isnat(closed)
        late = open_ & (days_open > settings.closure_limit_days + TOLERANCE)
        part = frame.loc[late]
        overdue = pd.DataFrame({
            "complaint_id": part.get("complaint_id"), "customer_id": part["customer_id"],
            "customer_name": part["customer_id"].map(lambda c: names.get(c)),
            "received": received[late], "days_open": days_open[late].astype(int),
            "department": part.get("department"), "category": part.get("category"), "severity": severity[late],
        }, columns=overdue_columns)
        overdue = overdue.sort_values("days_open", ascending=False, kind="stable").reset_index(drop=True)
    not_responded = int((np.isnat(responded) & ~np.isnat(received)).sum())
    return ComplaintTiming(
        period=period, total=total, months=months, undated=undated,
        monthly_target=settings.monthly_complaint_target, timing=timing, not_responded=not_responded,
        overdue=overdue, resolution_rate=resolution_rate,
        repeats=_repeats(frame, names), response_limit_hours=settings.response_limit_hours,
        closure_limit_days=settings.closure_limit_days,
        has_dates=bool((~np.isnat(received)).any()),
    )


def handling_period(survey: Survey) -> Period:
    """The period of ``survey`` for overdue judgements: its 期间 setting, else the latest
    complaint date (receipt, response, closing) or action date (created, done)."""
    dates = [_dates(survey.complaints, c)[0] for c in DATE_COLUMNS]
    if survey.actions is not None:
        dates += [_dates(survey.actions, c)[0] for c in ("created", "done")]
    return survey_period(survey.settings.period, dates)
