"""Trends and churn (ANALYSES.md §4): what persists across periods.

- :func:`trends` — item and category means (the blended means of
  :func:`csat_xl.aggregation.summarize`) per period with the change against
  the period before, and the *persistent weaknesses*: items among the three
  largest weaknesses (weakness rank ≤ 3) in two or more consecutive periods.
  Items and categories are matched across periods by name (NFKC, case and
  spaces ignored); an item missing from a period breaks its run.
- :func:`churn_risks` — the churn rule made explicit: a customer whose final
  score is at or below the churn grade (setting 流失预警等级 / churn grade,
  default 比较满意, i.e. below the lower bound of the grade above it) in at
  least 流失预警期数 / churn periods (default 2) consecutive periods.  The
  rule is the latest period's settings; each period's own grade bounds apply.
- :func:`churn_record` — from the 客户 / Customers column 状态 / Status
  (在用 / 流失, active / lost): the churn rate (lost ÷ customers with a
  status) and, with earlier periods, how many lost customers the rule had
  flagged in the periods before (the rule's hit rate).

Pure pandas: the rims (report, CLI) label and show the results.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import labels
from ..aggregation import Summary
from ..survey import Survey
from ..text import is_blank, match_key
from .groups import is_status_column

#: An item among this many largest weaknesses counts towards a persistent weakness.
TOP_WEAKNESSES = 3
#: ... in at least this many consecutive periods.
PERSISTENT_PERIODS = 2


@dataclass
class Trends:
    """Means per period, oldest first.

    ``categories``: category, period, mean, change (against the period
    before; NaN for the first).  ``items``: category, item, period, mean,
    change, weakness, weakness_rank.  Both ordered by scheme order of the
    latest period, then period, so each category's (item's) periods are
    consecutive rows.  ``persistent``: category, item, periods (names of the
    periods of the longest run in the top three, oldest first), run
    (its length), latest_rank, latest_weakness.
    """

    periods: list[str]
    categories: pd.DataFrame
    items: pd.DataFrame
    persistent: pd.DataFrame


def _long(frames: Sequence[pd.DataFrame], names: Sequence[str], keys: list[str], columns: list[str]) -> pd.DataFrame:
    """One row per (key, period): the latest period's order, periods oldest first; change = diff within a key."""
    parts = []
    for name, frame in zip(names, frames):
        part = frame[keys + columns].copy()
        part["_match"] = part[keys[-1]].map(match_key)
        part["period"] = name
        parts.append(part)
    latest = parts[-1]
    order = {m: i for i, m in enumerate(latest["_match"])}
    for part in parts[:-1]:  # keys only in earlier periods come after the latest scheme's
        for m in part["_match"]:
            order.setdefault(m, len(order))
    data = pd.concat(parts, ignore_index=True)
    data["_period"] = data["period"].map({n: i for i, n in enumerate(names)})
    data["_order"] = data["_match"].map(order)
    data = data.sort_values(["_order", "_period"], kind="stable").reset_index(drop=True)
    # The latest spelling of a name wherever it was spelled differently before.
    for key in keys:
        shown = data.drop_duplicates("_match", keep="last").set_index("_match")[key]
        data[key] = data["_match"].map(shown)
    data["change"] = data.groupby("_match", sort=False)["mean"].diff()
    # A gap (the key missing in a period) is no change to report.
    previous_period = data.groupby("_match", sort=False)["_period"].shift()
    data.loc[data["_period"] - previous_period != 1, "change"] = np.nan
    return data[keys + ["period", "mean", "change", *[c for c in columns if c != "mean"], "_match", "_period"]]


def trends(summaries: Sequence[Summary], names: Sequence[str]) -> Trends:
    """Category and item means per period, changes and persistent weaknesses."""
    names = list(names)
    categories = _long([s.categories.rename(columns={"mean_blended": "mean"}) for s in summaries], names,
                       ["category"], ["mean"])
    items = _long([s.items.rename(columns={"mean_blended": "mean"}) for s in summaries], names,
                  ["category", "item"], ["mean", "weakness", "weakness_rank"])
    persistent = _persistent(items, names)
    return Trends(names, categories.drop(columns=["_match", "_period"]), items.drop(columns=["_match", "_period"]),
                  persistent)


def _persistent(items: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    rows = []
    last = len(names) - 1
    for _, item in items.groupby("_match", sort=False):
        top = {int(p) for p, rank in zip(item["_period"], item["weakness_rank"]) if pd.notna(rank) and rank <= TOP_WEAKNESSES}
        best: list[int] = []
        run: list[int] = []
        for p in range(len(names)):
            run = run + [p] if p in top else []
            if len(run) >= len(best):
                best = run
        if len(best) >= PERSISTENT_PERIODS:
            latest = item[item["_period"] == last]
            rows.append({
                "category": item["category"].iloc[-1], "item": item["item"].iloc[-1],
                "periods": [names[p] for p in best], "run": len(best),
                "latest_rank": int(latest["weakness_rank"].iloc[0]) if len(latest) and pd.notna(latest["weakness_rank"].iloc[0]) else None,
                "latest_weakness": float(latest["weakness"].iloc[0]) if len(latest) else np.nan,
            })
    frame = pd.DataFrame(rows, columns=["category", "item", "periods", "run", "latest_rank", "latest_weakness"])
    return frame.sort_values(["run", "latest_weakness"], ascending=[False, False], kind="stable").reset_index(drop=True)


# --- churn -----------------------------------------------------------------------------------
def _low(summaries: Sequence[Summary], names: Sequence[str], grade: str) -> pd.DataFrame:
    """customers × periods: True where the final score is at or below ``grade`` (each period's bounds)."""
    finals = pd.DataFrame({name: s.scores.customers.set_index("customer_id")["final"] for name, s in zip(names, summaries)})
    keys = [g.key for g in labels.GRADES]
    index = keys.index(grade)
    bounds = [np.inf if index == 0 else s.settings.grade_bounds[keys[index - 1]] for s in summaries]
    return finals.lt(np.array(bounds), axis=1) & finals.notna(), finals


def _longest_runs(low: pd.DataFrame) -> pd.Series:
    run = low.astype(int).copy()
    for i in range(1, run.shape[1]):
        run.iloc[:, i] = (run.iloc[:, i - 1] + 1) * low.iloc[:, i].astype(int)
    return run.max(axis=1) if run.shape[1] else pd.Series(0, index=low.index)


def churn_risks(summaries: Sequence[Summary], names: Sequence[str], settings=None) -> pd.DataFrame:
    """Customers meeting the churn rule of ``settings`` (default: the latest period's).

    Columns: customer_id, one column per period (final scores), consecutive_periods.
    """
    settings = settings or summaries[-1].settings
    low, finals = _low(summaries, names, settings.churn_grade)
    longest = _longest_runs(low)
    risky = longest[longest >= settings.churn_periods].index
    out = finals.loc[risky].copy()
    out["consecutive_periods"] = longest.loc[risky].to_numpy()
    return out.reset_index(names="customer_id")


@dataclass
class ChurnRecord:
    """What 状态 / Status says, and how well the churn rule foresaw it.

    ``customers`` with a recognised status, ``lost`` among them, ``rate`` =
    lost ÷ customers (None without a status column); ``unknown``: statuses
    that are neither 在用 nor 流失 (left out of the rate).  With earlier
    periods: ``flagged_lost`` = lost customers the rule had flagged in the
    earlier periods, ``hit_rate`` = flagged_lost ÷ lost, ``flagged`` = all
    customers flagged in the earlier periods (the rule's alarms).
    """

    customers: int = 0
    lost: int = 0
    unknown: int = 0
    rate: float | None = None
    flagged: int | None = None
    flagged_lost: int | None = None
    hit_rate: float | None = None
    lost_ids: tuple = ()


def customer_status(survey: Survey) -> pd.Series | None:
    """Status key per listed customer ("active", "lost", or None when not recognised);
    None when the Customers sheet has no 状态 / Status column."""
    column = next((c for c in survey.customers.columns if is_status_column(str(c))), None)
    if column is None:
        return None
    lookup = {match_key(n): s.key for s in labels.CUSTOMER_STATUSES for n in s.names}
    frame = survey.customers.drop_duplicates("customer_id").set_index("customer_id")[column]
    return frame.map(lambda v: None if is_blank(v) else lookup.get(match_key(v)))


def churn_record(summaries: Sequence[Summary], names: Sequence[str]) -> ChurnRecord:
    """Churn rate of the latest period and, with earlier periods, the rule's hit rate."""
    status = customer_status(summaries[-1].scores.survey)
    if status is None:
        return ChurnRecord()
    known = status.dropna()
    lost = known[known == "lost"].index
    record = ChurnRecord(customers=int(len(known)), lost=int(len(lost)), unknown=int(status.isna().sum()),
                         rate=float(len(lost) / len(known)) if len(known) else None, lost_ids=tuple(lost))
    if len(summaries) > 1:
        earlier = churn_risks(summaries[:-1], names[:-1], summaries[-1].settings)
        flagged = set(earlier["customer_id"])
        record.flagged = len(flagged)
        record.flagged_lost = sum(1 for c in lost if c in flagged)
        record.hit_rate = record.flagged_lost / len(lost) if len(lost) else None
    return record
