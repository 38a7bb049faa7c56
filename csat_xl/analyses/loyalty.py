"""Loyalty: Net Promoter Score and repurchase intent (ANALYSES.md §5).

From the optional questionnaire columns 推荐意愿 / Likelihood to recommend
(0–10) and 再次购买 / Repurchase intent (five-grade label or 0–100):

- :func:`nps` — NPS = % promoters (9–10) − % detractors (0–6), in points
  from −100 to +100, with the counts of promoters, passives (7–8) and
  detractors, and a percentile-bootstrap interval.
- :func:`intent` — mean repurchase intent (0–100) with its interval and the
  share of answers at or above the 满意 / satisfied bound ("likely to buy again").
- :func:`loyalty` — both, overall and per group of customers.

**Unit.** Every respondent's answer counts once (NPS programmes count
respondents), but the bootstrap resamples *customers*, each with all its
respondents: the respondents of one customer are not independent answers,
and every other interval of csat-xl resamples customers too
(:mod:`csat_xl.statistics`).  So a customer with three respondents weighs
three answers in the estimate and moves as one block in the interval.

Pure numpy/pandas: no Excel, no files.  Explained in ``docs/statistics.md``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import statistics as st
from ..scales import CACHED_ERROR, Scale
from ..survey import Survey
from ..text import as_number, is_blank, is_excel_error

#: Likelihood to recommend: promoters answer at least this, detractors at most :data:`DETRACTOR_MAX`.
PROMOTER_MIN = 9.0
DETRACTOR_MAX = 6.0
RECOMMEND_MAX = 10.0
#: Problem code of a likelihood-to-recommend cell that is not a number 0–10.
NOT_RECOMMEND = "not_recommend"
#: Survey column keys of the optional loyalty columns.
RECOMMEND, REPURCHASE, OVERALL = "recommend", "repurchase", "overall"
#: Smallest group whose figures are shown (ANALYSES.md §1, setting 最小分组).
DEFAULT_MINIMUM_GROUP = 5


@dataclass(frozen=True)
class RecommendScale(Scale):
    """The 0–10 likelihood-to-recommend scale: numbers 0–10, no labels.

    Plugs into :func:`csat_xl.scales.to_scores`, so the reader checks these
    cells like any item column and names every bad cell."""

    name: str = "0–10"
    values: Mapping[str, float] = field(default_factory=dict)

    def resolve(self, raw) -> tuple[float, str | None]:
        if is_blank(raw):
            return np.nan, None
        if is_excel_error(raw):
            return np.nan, CACHED_ERROR
        number = as_number(raw)
        if number is None or not 0.0 <= number <= RECOMMEND_MAX:
            return np.nan, NOT_RECOMMEND
        return number, None


RECOMMEND_SCALE = RecommendScale()


# =================================================================================================
# NPS
# =================================================================================================
@dataclass(frozen=True)
class NPS:
    """Net Promoter Score of a set of answers.

    ``score`` = 100 × (promoters − detractors) ÷ answers, in points (−100 …
    +100); ``low``/``high`` its percentile-bootstrap bounds at ``level``
    (customers resampled, NaN with fewer than 2 customers; the normal
    approximation from :data:`~csat_xl.statistics.NORMAL_FROM` customers); ``customers`` is
    the number of customers with at least one answer.
    """

    score: float
    low: float
    high: float
    promoters: int
    passives: int
    detractors: int
    customers: int
    level: float

    @property
    def answers(self) -> int:
        return self.promoters + self.passives + self.detractors

    def share(self, kind: str) -> float:
        """Share (0–1) of ``"promoters"``, ``"passives"`` or ``"detractors"``."""
        return getattr(self, kind) / self.answers if self.answers else float("nan")

    def to_dict(self) -> dict:
        return {"score": st._num(self.score), "low": st._num(self.low), "high": st._num(self.high),
                "promoters": self.promoters, "passives": self.passives, "detractors": self.detractors,
                "answers": self.answers, "customers": self.customers, "level": self.level}


def nps_of(values) -> float:
    """NPS (points) of plain 0–10 answers; NaN ignored, NaN when none."""
    values = np.asarray(values, dtype=np.float64).ravel()
    values = values[~np.isnan(values)]
    if not values.size:
        return float("nan")
    return 100.0 * (int((values >= PROMOTER_MIN).sum()) - int((values <= DETRACTOR_MAX).sum())) / values.size


def _per_customer(customer_ids: np.ndarray, values: np.ndarray) -> pd.DataFrame:
    """Per customer (first-appearance order): answers, promoters, detractors, sum of values."""
    answered = ~np.isnan(values)
    frame = pd.DataFrame({
        "customer_id": customer_ids[answered],
        "n": 1.0,
        "promoters": (values[answered] >= PROMOTER_MIN).astype(float),
        "detractors": (values[answered] <= DETRACTOR_MAX).astype(float),
        "sum": values[answered],
    })
    return frame.groupby("customer_id", sort=False).sum()


def nps(customer_ids, values, level: float = st.DEFAULT_LEVEL, resamples: int = st.DEFAULT_RESAMPLES,
        seed: int | None = st.DEFAULT_SEED) -> NPS:
    """NPS of 0–10 ``values`` (one per respondent) with a bootstrap interval
    resampling the customers in ``customer_ids`` (one per value)."""
    per = _per_customer(np.asarray(customer_ids, dtype=object), np.asarray(values, dtype=np.float64))
    return _domain_nps(per, [np.ones(len(per), dtype=bool)], level, resamples, seed)[0][0]


# =================================================================================================
# Intent (repurchase) and other 0–100 answers
# =================================================================================================
@dataclass(frozen=True)
class Intent:
    """Mean of 0–100 answers (e.g. repurchase intent) with its interval and
    ``likely``: the share of answers at or above ``bound`` (the 满意 lower bound)."""

    mean: float
    low: float
    high: float
    likely: float
    answers: int
    customers: int
    bound: float
    level: float

    def to_dict(self) -> dict:
        return {k: st._num(v) for k, v in self.__dict__.items()}


def intent(customer_ids, values, bound: float, level: float = st.DEFAULT_LEVEL,
           resamples: int = st.DEFAULT_RESAMPLES, seed: int | None = st.DEFAULT_SEED) -> Intent:
    """Mean of 0–100 ``values`` (one per respondent) and the share ≥ ``bound``,
    the mean's interval resampling customers."""
    values = np.asarray(values, dtype=np.float64)
    per = _per_customer(np.asarray(customer_ids, dtype=object), values)
    answered = values[~np.isnan(values)]
    total = float(per["n"].sum())
    mean = float(per["sum"].sum()) / total if total else float("nan")
    likely = float((answered >= bound - 1e-9).mean()) if answered.size else float("nan")
    low = high = float("nan")
    if len(per) >= 2:
        lows, highs = st.ratio_bounds(per[["sum", "n"]].to_numpy(), _ratio, level, resamples, seed)
        low, high = float(lows[0]), float(highs[0])
    return Intent(mean, low, high, likely, int(total), len(per), bound, level)


# =================================================================================================
# Both, overall and per group
# =================================================================================================
@dataclass
class Loyalty:
    """NPS and repurchase intent of one period.

    ``nps`` / ``repurchase``: overall (None when the questionnaire has no such
    column or no answer).  ``groups``: one row per group column and value with
    ``group_column``, ``group``, ``customers``, ``answers``, ``suppressed``
    (fewer customers than ``minimum``: figures left blank), ``nps``, ``low``,
    ``high``, ``promoters``, ``passives``, ``detractors``.
    """

    nps: NPS | None
    repurchase: Intent | None
    groups: pd.DataFrame
    minimum: int

    @property
    def available(self) -> bool:
        return self.nps is not None or self.repurchase is not None

    def to_dict(self) -> dict:
        return {"nps": self.nps.to_dict() if self.nps else None,
                "repurchase": self.repurchase.to_dict() if self.repurchase else None,
                "minimum_group": self.minimum,
                "groups": [{k: st._num(v) for k, v in r.items()} for r in self.groups.to_dict(orient="records")]}


GROUP_COLUMNS = ["group_column", "group", "customers", "answers", "suppressed", "nps", "low", "high",
                 "promoters", "passives", "detractors"]


def _answers(survey: Survey, key: str) -> tuple[np.ndarray, np.ndarray] | None:
    q = survey.questionnaire
    if key not in q.columns:
        return None
    values = pd.to_numeric(q[key], errors="coerce").to_numpy(dtype=np.float64)
    if np.isnan(values).all():
        return None
    return q["customer_id"].to_numpy(dtype=object), values


def loyalty(survey: Survey, groups: Mapping[str, pd.Series] | None = None, *, level: float = st.DEFAULT_LEVEL,
            resamples: int = st.DEFAULT_RESAMPLES, seed: int | None = st.DEFAULT_SEED,
            minimum: int = DEFAULT_MINIMUM_GROUP) -> Loyalty:
    """NPS and repurchase intent of ``survey``, overall and per group.

    ``groups``: group column name → the group of every customer (a Series
    indexed by customer ID, e.g. from :mod:`csat_xl.analyses.groups`); a
    customer missing from it is in the group "(blank)" of that column.
    Groups with fewer than ``minimum`` customers answering are listed with
    their counts and ``suppressed`` = True, figures blank.
    """
    recommend = _answers(survey, RECOMMEND)
    repurchase = _answers(survey, REPURCHASE)
    bound = survey.settings.satisfied_bound
    if not recommend:
        overall_intent = intent(*repurchase, bound=bound, level=level, resamples=resamples, seed=seed) if repurchase else None
        return Loyalty(None, overall_intent, pd.DataFrame(columns=GROUP_COLUMNS), minimum)
    ids, values = recommend
    per = _per_customer(ids, values)
    intent_per = _per_customer(*repurchase) if repurchase else None
    if intent_per is not None:  # one resampling of the customers of either column serves both
        union = per.index.append(intent_per.index).drop_duplicates()
        per, intent_per = per.reindex(union, fill_value=0.0), intent_per.reindex(union, fill_value=0.0)
    customers = per.index.to_numpy(dtype=object)
    # Domains: the whole sample, then every group of every group column (membership per customer).
    answered = per["n"].to_numpy() > 0
    domains: list[tuple[str | None, object, np.ndarray]] = [(None, None, answered)]
    for column, of_customer in (groups or {}).items():
        membership = pd.Series(customers).map(of_customer)
        codes, uniques = pd.factorize(membership.where(membership.notna(), None), use_na_sentinel=False)
        for code in range(len(uniques)):
            value = uniques[code]
            value = None if value is None or (isinstance(value, float) and math.isnan(value)) else value
            if (mask := (codes == code) & answered).any():
                domains.append((column, value, mask))
    extra = intent_per[["sum", "n"]].to_numpy() if intent_per is not None else None
    results, extra_bounds = _domain_nps(per, [mask for _, _, mask in domains], level, resamples, seed, extra)
    overall_intent = None
    if intent_per is not None:
        answers = repurchase[1][~np.isnan(repurchase[1])]
        total = float(intent_per["n"].sum())
        low = high = float("nan")
        if extra_bounds is not None and int((intent_per["n"] > 0).sum()) >= 2:
            low, high = extra_bounds
        overall_intent = Intent(float(intent_per["sum"].sum()) / total, low, high, float((answers >= bound - 1e-9).mean()),
                                int(total), int((intent_per["n"] > 0).sum()), bound, level)
    rows = []
    for (column, value, _), part in zip(domains[1:], results[1:]):
        suppressed = part.customers < minimum
        rows.append({"group_column": column, "group": value, "customers": part.customers, "answers": part.answers,
                     "suppressed": suppressed,
                     **{k: (None if suppressed else v) for k, v in (
                         ("nps", part.score), ("low", part.low), ("high", part.high), ("promoters", part.promoters),
                         ("passives", part.passives), ("detractors", part.detractors))}})
    return Loyalty(results[0], overall_intent, pd.DataFrame(rows, columns=GROUP_COLUMNS), minimum)


def _domain_nps(per: pd.DataFrame, masks: list[np.ndarray], level: float, resamples: int, seed,
                extra: np.ndarray | None = None) -> tuple[list[NPS], tuple[float, float] | None]:
    """NPS of each domain (a subset of the customers of ``per``) with intervals
    from **one** resampling of all the customers: a domain's NPS in a
    resample is computed over the domain's customers drawn in it (the usual
    bootstrap of a domain estimate; its size varies from resample to
    resample), so every group costs one more pair of columns, not another
    2,000 resamples.  From :data:`~csat_xl.statistics.NORMAL_FROM` customers
    the normal approximation replaces the bootstrap
    (:func:`csat_xl.statistics.ratio_bounds`).  ``extra`` (customers × 2: the
    numerator and denominator of one more ratio, e.g. repurchase intent)
    rides on the same resamples; its bounds come back second (None without
    ``extra`` or with fewer than 2 customers)."""
    n = per["n"].to_numpy()
    net = (per["promoters"] - per["detractors"]).to_numpy()
    promoters, detractors = per["promoters"].to_numpy(), per["detractors"].to_numpy()
    columns = np.column_stack([np.column_stack([net * m, n * m]) for m in masks] + ([extra] if extra is not None else []))
    q = 2 * len(masks)

    def measures(sums: np.ndarray) -> np.ndarray:  # every domain's NPS (points), then the extra ratio
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.column_stack([100.0 * sums[:, 0:q:2] / sums[:, 1:q:2], sums[:, q::2] / sums[:, q + 1::2]])

    if len(per) >= 2:
        lows, highs = st.ratio_bounds(columns, measures, level, resamples, seed)
    else:
        lows = highs = np.full(columns.shape[1] // 2, np.nan)
    out = []
    for j, mask in enumerate(masks):
        total = float(n[mask].sum())
        score = 100.0 * float(net[mask].sum()) / total if total else float("nan")
        defined = int((mask & (n > 0)).sum()) >= 2
        low, high = (float(lows[j]), float(highs[j])) if defined else (float("nan"), float("nan"))
        p, d = int(promoters[mask].sum()), int(detractors[mask].sum())
        out.append(NPS(score, low, high, p, int(total) - p - d, d, int((mask & (n > 0)).sum()), level))
    extra_bounds = (float(lows[-1]), float(highs[-1])) if extra is not None and len(per) >= 2 else None
    return out, extra_bounds


# --- helpers ---------------------------------------------------------------------------------------
def _ratio(sums: np.ndarray) -> np.ndarray:
    """Ratios of column pairs (numerator, denominator) of rows of sums."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums[:, 0::2] / sums[:, 1::2]
