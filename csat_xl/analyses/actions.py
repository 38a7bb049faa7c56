"""Improvement actions tracked to closure (ANALYSES.md §3): pure pandas.

:func:`track_actions` takes the 整改 / Actions frame the reader makes
(:func:`csat_xl.handling_reader.parse_actions`: text columns, ``created``,
``due``, ``done`` dates, ``status`` key) with the period's
:class:`~csat_xl.aggregation.Summary` and returns an :class:`ActionTracking`:

* **on-time rate** 按时整改率 = actions done or verified with a done date on
  or before the due date ÷ actions due by the period end (due date ≤ period
  end).  An action without a due date is in neither count (its cell is a
  finding); a finished action without a done date counts as not on time;
  dates are compared as days;
* the **overdue list**: actions not done or verified whose due date is before
  the period end, with the days overdue;
* **effectiveness** of actions whose 来源 / Source is an item of the scheme:
  that item's blended mean this period against the previous period
  (``--previous``), and the change;
* **proposals**: the three largest weaknesses (服务短板) and the items in
  the importance–performance quadrant "concentrate here" that have no open
  action (an action with that item as its source and a status other than
  done / verified).  Proposals are listed in the report, never written into
  the input workbook.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import labels
from ..text import match_key
from .period import Period

#: Weaknesses proposed for action: the largest this many (by weakness rank).
TOP_WEAKNESSES = 3


@dataclass
class ActionTracking:
    """The actions of one period (see the module docstring).

    ``actions``: the input frame plus ``finished``, ``on_time`` (bool, None
    when not due by the period end), ``overdue`` (bool), ``days_overdue``.
    ``overdue``: the overdue actions, most overdue first.  ``effectiveness``:
    action_id, item, status, previous, current, change.  ``proposals``: item,
    category, reason (``"weakness"`` / ``"concentrate"`` / both, as a tuple),
    weakness_rank, mean_blended, weakness."""

    period: Period
    actions: pd.DataFrame
    due_count: int
    on_time_count: int
    on_time_rate: float | None
    overdue: pd.DataFrame
    effectiveness: pd.DataFrame
    proposals: pd.DataFrame


def _days(values: pd.Series) -> np.ndarray:
    return values.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")


def _item_of(sources: Iterable, items: Iterable[str]) -> list[str | None]:
    lookup = {match_key(item): item for item in items}
    return [lookup.get(match_key(s)) if isinstance(s, str) else None for s in sources]


def track_actions(actions: pd.DataFrame | None, period: Period, summary, previous=None,
                  concentrate: Iterable[str] = ()) -> ActionTracking:
    """The tracking of ``actions`` at the end of ``period``.

    ``summary`` is this period's :class:`~csat_xl.aggregation.Summary`
    (item means, weakness ranks), ``previous`` the previous period's (or
    None), ``concentrate`` the items in the IPA quadrant "concentrate here"
    (:func:`csat_xl.statistics.importance_performance`)."""
    items = list(summary.items["item"])
    frame = (actions if actions is not None else pd.DataFrame(columns=["action_id", "source", "action", "department", "owner",
                                                                       "effect", "created", "due", "done", "status"])).copy()
    n = len(frame)
    status = frame["status"].to_numpy(dtype=object)
    finished = np.isin(status.astype(str), list(labels.FINISHED_STATUSES))
    due, done = _days(frame["due"]), _days(frame["done"])
    end = np.datetime64(period.end, "D") if period.end is not None else None
    has_due = ~np.isnat(due)
    is_due = has_due & (due <= end) if end is not None else np.zeros(n, dtype=bool)
    on_time = finished & ~np.isnat(done) & has_due & (done <= due)
    overdue = ~finished & has_due & (due < end) if end is not None else np.zeros(n, dtype=bool)
    frame["finished"] = finished
    frame["on_time"] = pd.Series(np.where(is_due, on_time, None), dtype=object).to_numpy()
    frame["overdue"] = overdue
    days_overdue = np.zeros(n, dtype=np.int64)
    if end is not None:
        days_overdue[overdue] = (end - due[overdue]).astype(np.int64)
    frame["days_overdue"] = days_overdue
    due_count, on_time_count = int(is_due.sum()), int((on_time & is_due).sum())
    rate = on_time_count / due_count if due_count else None
    late = frame[overdue].sort_values("days_overdue", ascending=False, kind="stable").reset_index(drop=True)

    frame["item"] = _item_of(frame["source"], items) if n else []
    current = summary.items.set_index("item")["mean_blended"]
    before = previous.items.set_index("item")["mean_blended"] if previous is not None else None
    sourced = frame[frame["item"].notna()] if n else frame
    effect_rows = []
    for r in sourced.itertuples(index=False):
        now = current.get(r.item)
        was = before.get(r.item) if before is not None else None
        now = None if now is None or pd.isna(now) else float(now)
        was = None if was is None or pd.isna(was) else float(was)
        effect_rows.append({"action_id": r.action_id, "item": r.item, "status": r.status, "previous": was, "current": now,
                            "change": None if now is None or was is None else now - was})
    effectiveness = pd.DataFrame(effect_rows, columns=["action_id", "item", "status", "previous", "current", "change"])

    open_items = set(frame.loc[frame["item"].notna() & ~frame["finished"], "item"]) if n else set()
    weak = summary.items.dropna(subset=["weakness_rank"])
    weak = weak[weak["weakness_rank"] <= TOP_WEAKNESSES]
    reasons: dict[str, list[str]] = {}
    for item in weak.sort_values("weakness_rank", kind="stable")["item"]:
        reasons.setdefault(item, []).append("weakness")
    for item in concentrate:
        if item in items:
            reasons.setdefault(item, []).append("concentrate")
    table = summary.items.set_index("item")
    proposal_rows = [
        {"item": item, "category": table.at[item, "category"], "reason": tuple(why),
         "weakness_rank": None if pd.isna(table.at[item, "weakness_rank"]) else int(table.at[item, "weakness_rank"]),
         "mean_blended": None if pd.isna(table.at[item, "mean_blended"]) else float(table.at[item, "mean_blended"]),
         "weakness": None if pd.isna(table.at[item, "weakness"]) else float(table.at[item, "weakness"])}
        for item, why in reasons.items() if item not in open_items
    ]
    proposals = pd.DataFrame(proposal_rows, columns=["item", "category", "reason", "weakness_rank", "mean_blended", "weakness"])
    return ActionTracking(period, frame, due_count, on_time_count, rate, late, effectiveness, proposals)

