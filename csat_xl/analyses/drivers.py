"""Key drivers: what really drives satisfaction (ANALYSES.md §5).

The *stated* importance of an item is its weight in the scheme; its
*derived* importance is how much of the variation in customers' overall
satisfaction it explains.  Where the two disagree is the finding.

Derived importance here is **Johnson's relative weight** (Johnson, J. W.
(2000). A heuristic method for estimating the relative weight of predictor
variables in multiple regression. *Multivariate Behavioral Research*, 35(1),
1–19): the items are replaced by their closest orthogonal counterparts
Z = X·R_xx^(−½), the outcome is regressed on Z, and each item receives the
share of every Z it helps to build:

    Λ = R_xx^(½) (symmetric square root),  β = Λ⁻¹·r_xy,  ε_j = Σ_k Λ_jk² β_k²

The ε_j are never negative and **sum to the R² of the regression** of the
outcome on all the items, so each one reads as "percentage points of R² owed
to this item" even when items are correlated (where regression coefficients
and correlations mislead).  The implementation reproduces the published
output of the R package ``rwa`` (``tests/test_drivers.py``).

Outcome: the questionnaire's 总体满意度 / Overall satisfaction column when it
has answers; otherwise the questionnaire score Q (which is itself a weighted
mean of the items — then the weights mostly echo the stated weights times
each item's spread, and the sheet says which outcome was used).

Unit: customers (per-customer item means and outcome, as the
importance–performance analysis uses), complete cases only; the bootstrap
resamples customers like every interval of :mod:`csat_xl.statistics` (and,
like them, gives way to the normal approximation from
:data:`~csat_xl.statistics.NORMAL_FROM` customers:
:func:`csat_xl.statistics.ratio_bounds`).  All resamples are computed at once: per-resample covariance matrices from one
``counts @ values`` product, then one batched eigen-decomposition.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import statistics as st
from ..scoring import Scores
from .loyalty import OVERALL

#: Bootstrap resamples of the relative weights: 1,000, as R's rwa by default.
#: Each resample needs the whole covariance matrix (k(k+1)/2 sums), so the
#: intervals of 20,000 customers cost 5x the CSI's per resample; 1,000 keeps
#: the Monte-Carlo error of a bound well below the differences worth reading.
DEFAULT_RESAMPLES = 1000
#: Outcomes of :func:`key_drivers`.
OUTCOME_OVERALL, OUTCOME_Q = "overall", "questionnaire"
#: Eigenvalues below this (relative to the largest) count as zero: items that
#: are exact linear combinations of others share their weight instead of exploding.
_EIGEN_FLOOR = 1e-10


def relative_weights_from_correlations(rxx: np.ndarray, rxy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Johnson's raw relative weights from correlation matrices; batched.

    ``rxx``: (…, p, p) predictor correlations, ``rxy``: (…, p) predictor–outcome
    correlations.  Returns ``(weights (…, p), r_squared (…))``; the weights
    sum to ``r_squared``.  A singular ``rxx`` is handled with the
    pseudo-inverse of its square root.
    """
    rxx = np.asarray(rxx, dtype=np.float64)
    rxy = np.asarray(rxy, dtype=np.float64)
    eigenvalues, vectors = np.linalg.eigh(rxx)
    floor = _EIGEN_FLOOR * np.max(eigenvalues, axis=-1, keepdims=True)
    ok = eigenvalues > floor
    root = np.sqrt(np.where(ok, eigenvalues, 0.0))
    inverse_root = np.where(ok, 1.0 / np.where(ok, root, 1.0), 0.0)
    vt = np.swapaxes(vectors, -1, -2)
    lam = (vectors * root[..., None, :]) @ vt  # R_xx^(1/2)
    lam_inv = (vectors * inverse_root[..., None, :]) @ vt
    beta = (lam_inv @ rxy[..., None])[..., 0]
    weights = (lam ** 2) @ (beta ** 2)[..., None]
    weights = weights[..., 0]
    return weights, weights.sum(axis=-1)


def relative_weights(x, y) -> tuple[np.ndarray, float]:
    """Johnson's raw relative weights of the columns of ``x`` (n × p) for ``y``
    (complete rows only) and the model R²; the weights sum to R²."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).ravel()
    ok = ~np.isnan(x).any(axis=1) & ~np.isnan(y)
    corr = np.corrcoef(np.column_stack([x[ok], y[ok]]), rowvar=False)
    weights, r2 = relative_weights_from_correlations(corr[:-1, :-1], corr[:-1, -1])
    return weights, float(r2)


def _correlations_from_sums(sums: np.ndarray, k: int) -> np.ndarray:
    """Correlation matrices (B × k × k) from bootstrap sums of [1, z, upper-triangle z_i·z_j]."""
    n = sums[:, 0]
    mean = sums[:, 1:1 + k] / n[:, None]
    upper = np.triu_indices(k)
    second = np.zeros((sums.shape[0], k, k))
    second[:, upper[0], upper[1]] = sums[:, 1 + k:] / n[:, None]
    second = second + np.triu(second, 1).swapaxes(1, 2)
    cov = second - mean[:, :, None] * mean[:, None, :]
    sd = np.sqrt(np.clip(np.diagonal(cov, axis1=1, axis2=2), 0.0, None))
    with np.errstate(invalid="ignore", divide="ignore"):
        return cov / (sd[:, :, None] * sd[:, None, :])


def _weights_from_sums(sums: np.ndarray, k: int) -> np.ndarray:
    """Rows of [relative weights…, R²] from rows of sums of [1, z, z_i·z_j];
    NaN where a correlation is undefined (e.g. an item constant in a resample)."""
    corr = _correlations_from_sums(sums, k)
    out = np.full((sums.shape[0], k), np.nan)
    finite = np.isfinite(corr).all(axis=(1, 2))
    weights, r2 = relative_weights_from_correlations(corr[finite][:, :-1, :-1], corr[finite][:, :-1, -1])
    out[finite] = np.column_stack([weights, r2])
    return out


@dataclass
class KeyDrivers:
    """Relative weights of the items for the outcome, with intervals.

    ``table``: one row per item of the scheme — ``item``, ``category``,
    ``stated_importance`` (effective weight, sum 100), ``stated_share``
    (weight ÷ 100), ``weight`` (raw relative weight ε, a part of R²),
    ``low``/``high`` (its percentile-bootstrap bounds), ``share`` (ε ÷ R²:
    the item's part of what the model explains, sum 1), ``correlation``
    (Pearson r with the outcome), ``gap`` (share − stated_share: positive =
    matters more to customers than its weight says).  Items left out of the
    model (no variance) have NaN weights.  ``r_squared`` (with
    ``r_squared_low``/``_high``) is the model R²; ``customers`` the complete
    cases used; ``outcome`` :data:`OUTCOME_OVERALL` or :data:`OUTCOME_Q`.
    ``reason`` says why there is no model (too few customers), else None.
    """

    table: pd.DataFrame
    r_squared: float
    r_squared_low: float
    r_squared_high: float
    customers: int
    outcome: str
    level: float
    resamples: int
    seed: int | None
    reason: str | None = None
    #: :data:`csat_xl.statistics.BOOTSTRAP` or, from NORMAL_FROM customers, :data:`~csat_xl.statistics.NORMAL`
    method: str = st.BOOTSTRAP

    @property
    def available(self) -> bool:
        return self.reason is None

    def derived_importance(self) -> dict[str, float] | None:
        """Item → relative weight, the derived importance of the IPA
        quadrants; None without a model (the IPA then keeps the correlation)."""
        if not self.available:
            return None
        return dict(zip(self.table["item"], self.table["weight"].astype(float)))

    def to_dict(self) -> dict:
        return {"outcome": self.outcome, "customers": self.customers, "r_squared": st._num(self.r_squared),
                "r_squared_low": st._num(self.r_squared_low), "r_squared_high": st._num(self.r_squared_high),
                "level": self.level, "resamples": self.resamples, "seed": self.seed, "reason": self.reason, "method": self.method,
                "items": [{k: st._num(v) for k, v in r.items()} for r in self.table.to_dict(orient="records")]}


def driver_data(scores: Scores) -> tuple[pd.DataFrame, pd.Series, str]:
    """Per-customer item means, the outcome per customer and which outcome it is."""
    items = scores.questionnaire_items
    q = scores.survey.questionnaire
    if OVERALL in q.columns and pd.to_numeric(q[OVERALL], errors="coerce").notna().any():
        values = pd.to_numeric(q[OVERALL], errors="coerce")
        outcome = values.groupby(q["customer_id"].to_numpy(dtype=object), sort=False).mean()
        return items, outcome.reindex(items.index), OUTCOME_OVERALL
    by_customer = scores.customers.set_index("customer_id")["questionnaire"]
    return items, by_customer.reindex(items.index), OUTCOME_Q


def key_drivers(scores: Scores, level: float = st.DEFAULT_LEVEL, resamples: int = DEFAULT_RESAMPLES,
                seed: int | None = st.DEFAULT_SEED) -> KeyDrivers:
    """Johnson's relative weights of the scheme's items for overall
    satisfaction (or Q), beside the stated weights, with bootstrap intervals."""
    table = scores.survey.scheme.table
    items, outcome, outcome_kind = driver_data(scores)
    names = list(table["item"])
    x = items.reindex(columns=names).to_numpy(dtype=np.float64)
    y = outcome.to_numpy(dtype=np.float64)
    complete = ~np.isnan(x).any(axis=1) & ~np.isnan(y)
    x, y = x[complete], y[complete]
    n = int(complete.sum())
    # Items without variance cannot explain anything: left out of the model.
    varies = x.std(axis=0) > 1e-12 if n else np.zeros(len(names), dtype=bool)
    p = int(varies.sum())
    stated = table["weight"].to_numpy(dtype=np.float64)
    frame = pd.DataFrame({"item": names, "category": list(table["category"]), "stated_importance": stated,
                          "stated_share": stated / 100.0})
    nan = np.full(len(names), np.nan)
    reason = None
    if p < 1 or n < p + 2 or np.std(y) <= 1e-12:
        reason = "too_few" if n < p + 2 or p < 1 else "no_variance"
        frame = frame.assign(weight=nan, low=nan, high=nan, share=nan, correlation=nan, gap=nan)
        return KeyDrivers(frame, float("nan"), float("nan"), float("nan"), n, outcome_kind, level, resamples, seed, reason)

    z = np.column_stack([x[:, varies], y])
    z = z - z.mean(axis=0)  # centred: the products below keep their precision
    k = z.shape[1]
    upper = np.triu_indices(k)
    values = np.column_stack([np.ones(n), z, z[:, upper[0]] * z[:, upper[1]]])
    corr = _correlations_from_sums(values.sum(axis=0)[None, :], k)[0]
    weights, r2 = relative_weights_from_correlations(corr[:-1, :-1], corr[:-1, -1])
    lows, highs = st.ratio_bounds(values, lambda sums: _weights_from_sums(sums, k), level, resamples, seed)
    low, high, r2_low, r2_high = lows[:-1], highs[:-1], float(lows[-1]), float(highs[-1])

    def spread(v: np.ndarray) -> np.ndarray:
        out = nan.copy()
        out[varies] = v
        return out

    share = spread(weights / r2 if r2 > 0 else np.full(p, np.nan))
    frame = frame.assign(weight=spread(weights), low=spread(low), high=spread(high), share=share,
                         correlation=spread(corr[:-1, -1]), gap=share - stated / 100.0)
    return KeyDrivers(frame, float(r2), r2_low, r2_high, n, outcome_kind, level, resamples, seed,
                      method=st.interval_method(n))

