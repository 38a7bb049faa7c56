"""What the organisation reads from the scores (METHOD.md §9).

:func:`summarize` turns :class:`~csat_xl.scoring.Scores` into a
:class:`Summary`: CSI (plain and customer-weighted), satisfaction rate,
attainment of the completion and target values, the grade distribution, item
and category means with the weakness ranking (服务短板), complaint breakdowns
with a Pareto table and the closure rate.  :func:`compare_periods` lines up
several summaries and finds customers dissatisfied in consecutive periods.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import labels
from .scoring import Scores, blend, complaint_adjustments
from .settings import BOUND_TOLERANCE

#: Complaint breakdown dimensions, in report order.
COMPLAINT_DIMENSIONS = ("outcome", "category", "department", "product", "region")


@dataclass
class Summary:
    """Organisation-level figures of one period."""

    scores: Scores
    period: str | None
    counts: dict[str, int]
    csi: float | None
    csi_weighted: float | None
    satisfaction_rate: float | None
    attainment: dict[str, dict[str, bool | None]]
    grades: pd.DataFrame
    items: pd.DataFrame
    categories: pd.DataFrame
    complaints: dict[str, pd.DataFrame] = field(default_factory=dict)
    pareto: pd.DataFrame = field(default_factory=pd.DataFrame)
    closure_rate: float | None = None
    complaint_total: int = 0

    @property
    def settings(self):
        return self.scores.survey.settings

    def kpis(self) -> dict[str, object]:
        """The headline numbers as a flat dict (JSON-friendly)."""
        return {
            "period": self.period,
            **self.counts,
            "csi": self.csi,
            "csi_weighted": self.csi_weighted,
            "satisfaction_rate": self.satisfaction_rate,
            "completion_value": self.settings.completion_value,
            "target_value": self.settings.target_value,
            "csi_completion_attained": self.attainment["csi"]["completion"],
            "csi_target_attained": self.attainment["csi"]["target"],
            "rate_completion_attained": self.attainment["satisfaction_rate"]["completion"],
            "rate_target_attained": self.attainment["satisfaction_rate"]["target"],
            "complaints": self.complaint_total,
            "closure_rate": self.closure_rate,
        }


def _mean(values: np.ndarray) -> float | None:
    values = np.asarray(values, dtype=np.float64)
    values = values[~np.isnan(values)]
    return float(values.mean()) if values.size else None


def _attained(value: float | None, bound: float) -> bool | None:
    return None if value is None else bool(value >= bound - BOUND_TOLERANCE)


def item_table(scores: Scores) -> pd.DataFrame:
    """Per item: weights, mean Q, mean V, blended mean and weakness rank.

    The blended item score of a customer applies the method's blend (P) to
    that item's questionnaire mean and visit grade; weakness = effective
    weight × (100 − mean blended score), rank 1 = improve first.
    """
    survey = scores.survey
    table = survey.scheme.table[["item", "category", "item_weight", "category_weight", "weight"]].copy()
    q = scores.questionnaire_items
    table["mean_questionnaire"] = q.mean(axis=0).reindex(table["item"]).to_numpy()
    table["answers"] = q.notna().sum(axis=0).reindex(table["item"]).to_numpy()
    table["mean_visit"] = scores.visit_items.mean(axis=0).reindex(table["item"]).to_numpy() if len(scores.visit_items) else np.nan
    table["mean_blended"] = blended_item_means(scores)[0]
    table["weakness"], table["weakness_rank"] = weaknesses(table["weight"].to_numpy(dtype=np.float64), table["mean_blended"].to_numpy())
    return table


def blended_item_means(scores: Scores) -> tuple[np.ndarray, np.ndarray]:
    """Per item (scheme order): the mean blended score over the customers who
    have one (NaN: nobody) and the number of those customers.  A customer's
    blended item score applies the method's blend (P) to the item's
    questionnaire mean and visit grade."""
    q = scores.questionnaire_items
    v = scores.visit_items.reindex(q.index)
    blended = blend(v.to_numpy(dtype=np.float64), q.to_numpy(dtype=np.float64), scores.survey.settings.visit_share)
    scored = ~np.isnan(blended)
    if scored.any():
        means = np.nanmean(np.where(scored, blended, np.nan), axis=0)
    else:
        means = np.full(blended.shape[1], np.nan)
    return means, scored.sum(axis=0)


def weaknesses(weight: np.ndarray, mean_blended: np.ndarray) -> tuple[np.ndarray, pd.arrays.IntegerArray]:
    """Per item: weakness = effective weight × (100 − mean blended score) and
    its rank (1 = improve first; ties share the best rank; NA without a score)."""
    weakness = weight * (100.0 - mean_blended)
    return weakness, pd.Series(weakness).rank(ascending=False, method="min").astype("Int64").array


def category_table(scores: Scores, items: pd.DataFrame) -> pd.DataFrame:
    """Per category: declared and effective weight, weight-averaged item means."""
    scheme = scores.survey.scheme
    out = scheme.category_table()
    # One pass per column over the items (bincount by category), not a frame
    # filter per category: the same weighted means, several times faster.
    codes = pd.Index(out["category"]).get_indexer(items["category"])
    weight = items["weight"].to_numpy(dtype=np.float64)
    for column in ("mean_questionnaire", "mean_visit", "mean_blended"):
        out[column] = category_means(codes, weight, items[column].to_numpy(dtype=np.float64), len(out))
    out["weakness"] = items.groupby("category", sort=False)["weakness"].sum().reindex(out["category"]).to_numpy()
    return out


def category_means(codes: np.ndarray, weight: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Per category (item ``codes`` 0 … n−1; −1: none): the item ``values``
    averaged with the items' effective ``weight`` over the items that have a
    value; NaN for a category with none (the category means of
    :func:`category_table`, also a consolidate branch's)."""
    ok = ~np.isnan(values) & (codes >= 0)
    total = np.bincount(codes[ok], weights=values[ok] * weight[ok], minlength=n)
    weights = np.bincount(codes[ok], weights=weight[ok], minlength=n)
    answered = np.bincount(codes[ok], minlength=n) > 0
    return np.where(answered, total / np.where(answered, weights, 1.0), np.nan)


def complaint_tables(scores: Scores) -> tuple[dict[str, pd.DataFrame], pd.DataFrame, float | None]:
    """Counts by dimension, the Pareto table (by complaint category), closure rate."""
    survey = scores.survey
    frame = survey.complaints.copy()
    if frame.empty:
        return {}, pd.DataFrame(columns=["category", "count", "share", "cumulative_share"]), None
    frame["adjustment"] = complaint_adjustments(survey).to_numpy()
    # A complaint without a region inherits its customer's region.
    customer_region = scores.customers.set_index("customer_id")["region"]
    frame["region"] = frame["region"].where(frame["region"].notna(), frame["customer_id"].map(customer_region))
    tables = {}
    for dimension in COMPLAINT_DIMENSIONS:
        keys = frame[dimension].astype(object).where(frame[dimension].notna(), "—")
        grouped = frame.groupby(keys, sort=False).agg(count=("customer_id", "size"), adjustment=("adjustment", "sum"))
        grouped = grouped.sort_values("count", ascending=False, kind="stable").reset_index(names=dimension)
        if dimension == "outcome":
            order = {o.key: i for i, o in enumerate(labels.OUTCOMES)}
            grouped = grouped.sort_values(dimension, key=lambda s: s.map(order)).reset_index(drop=True)
        grouped["share"] = grouped["count"] / len(frame)
        tables[dimension] = grouped
    pareto = tables["category"][["category", "count", "share"]].copy()
    pareto["cumulative_share"] = pareto["count"].cumsum() / pareto["count"].sum()
    closure = float((frame["outcome"] != "unhandled").mean())
    return tables, pareto, closure


def headline(customers: pd.DataFrame, settings) -> dict[str, object]:
    """CSI, customer-weighted CSI, satisfaction rate and grade counts of a set
    of customers (rows of :attr:`Scores.customers`): the period's headline
    and, for a subset, a customer group's (:mod:`csat_xl.analyses.groups`)."""
    final = customers["final"].to_numpy(dtype=np.float64)
    scored = ~np.isnan(final)
    weights = customers["customer_weight"].to_numpy(dtype=np.float64)
    usable = scored & ~np.isnan(weights) & (weights > 0)
    grade_counts = customers["grade"].value_counts()
    return {
        "scored": int(scored.sum()),
        "csi": _mean(final),
        "csi_weighted": float(np.average(final[usable], weights=weights[usable])) if usable.any() else None,
        "satisfaction_rate": float((final[scored] >= settings.satisfied_bound - BOUND_TOLERANCE).mean()) if scored.any() else None,
        "grades": {g.key: int(grade_counts.get(g.key, 0)) for g in labels.GRADES},
    }


def summarize(scores: Scores) -> Summary:
    """Organisation-level figures of one period (METHOD.md §9)."""
    settings = scores.survey.settings
    customers = scores.customers
    figures = headline(customers, settings)
    flags = customers["flags"]
    counts = {
        "customers": int(len(customers)),
        "scored": figures["scored"],
        "not_surveyed": int(flags.map(lambda f: "not_surveyed" in f).sum()),
        "not_visited": int(flags.map(lambda f: "not_visited" in f).sum()),
        "no_questionnaire": int(flags.map(lambda f: "no_questionnaire" in f).sum()),
    }
    csi, csi_weighted, rate = figures["csi"], figures["csi_weighted"], figures["satisfaction_rate"]
    rate_pct = None if rate is None else rate * 100.0
    attainment = {
        "csi": {"completion": _attained(csi, settings.completion_value), "target": _attained(csi, settings.target_value)},
        "satisfaction_rate": {
            "completion": _attained(rate_pct, settings.completion_value),
            "target": _attained(rate_pct, settings.target_value),
        },
    }
    grades = pd.DataFrame({"grade": list(figures["grades"]), "count": list(figures["grades"].values())})
    grades["share"] = grades["count"] / max(figures["scored"], 1)
    items = item_table(scores)
    categories = category_table(scores, items)
    complaints, pareto, closure = complaint_tables(scores)
    return Summary(
        scores=scores,
        period=settings.period,
        counts=counts,
        csi=csi,
        csi_weighted=csi_weighted,
        satisfaction_rate=rate,
        attainment=attainment,
        grades=grades,
        items=items,
        categories=categories,
        complaints=complaints,
        pareto=pareto,
        closure_rate=closure,
        complaint_total=int(len(scores.survey.complaints)),
    )


@dataclass
class Comparison:
    """Several periods side by side, oldest first."""

    periods: pd.DataFrame
    churn_risks: pd.DataFrame


def compare_periods(summaries: Sequence[Summary], labels_: Sequence[str] | None = None) -> Comparison:
    """Per-period CSI and rate with deltas, and the churn risks of the latest
    period's rule (:func:`csat_xl.analyses.trends.churn_risks`: by default
    比较满意 or below in two or more consecutive periods)."""
    from .analyses.trends import churn_risks  # analyses build on this module

    names = list(labels_) if labels_ else [s.period or f"#{i + 1}" for i, s in enumerate(summaries)]
    rows = []
    for name, s in zip(names, summaries):
        rows.append({"period": name, "csi": s.csi, "csi_weighted": s.csi_weighted,
                     "satisfaction_rate": s.satisfaction_rate, "scored": s.counts["scored"],
                     "complaints": s.complaint_total})
    periods = pd.DataFrame(rows)
    for column in ("csi", "satisfaction_rate"):
        periods[f"{column}_delta"] = pd.to_numeric(periods[column], errors="coerce").diff()
    churn = churn_risks(summaries, names)
    last = summaries[-1].scores.customers.set_index("customer_id")
    churn.insert(1, "customer_name", last["customer_name"].reindex(churn["customer_id"]).to_numpy())
    return Comparison(periods=periods, churn_risks=churn)
