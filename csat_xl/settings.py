"""Method settings (WORKBOOK.md, Settings sheet) with the method's defaults.

The Settings sheet is parsed in :mod:`csat_xl.tables`; this module holds the
values and the rules that use them (grade of a score, outcome adjustments).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from . import labels


def _default_adjustments() -> Mapping[str, float]:
    return MappingProxyType({o.key: float(o.adjustment) for o in labels.OUTCOMES})


def _default_bounds() -> Mapping[str, float]:
    return MappingProxyType({g.key: float(g.lower_bound) for g in labels.GRADES})


#: Scores within this distance below a bound count as reaching it (grades,
#: satisfaction rate, attainment): a score that is exactly 90 on paper may
#: come out of the weighted sums as 89.99999999999999 in binary floating
#: point and must still be 很满意.  The templates use the same number.
BOUND_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Settings:
    """Everything the method lets a quality department change."""

    weight_mode: str = "category"
    visit_share: float = 0.6
    unmentioned_as: str = "satisfied"
    clamp: bool = True
    completion_value: float = 80.0
    target_value: float = 90.0
    period: str | None = None
    #: ANALYSES.md §2: respond within this many hours, close within this many days
    response_limit_hours: float = 24.0
    closure_limit_days: float = 15.0
    #: complaints per month the department aims to stay within (no default)
    monthly_complaint_target: float | None = None
    #: the branch / business unit of a group (``csat-xl consolidate``) and its weight there
    unit: str | None = None
    unit_weight: float = 1.0
    complaint_adjustments: Mapping[str, float] = field(default_factory=_default_adjustments)
    grade_bounds: Mapping[str, float] = field(default_factory=_default_bounds)
    #: groups with fewer scored customers show no figures (ANALYSES.md §1)
    min_group_size: int = 5
    #: churn rule: this many consecutive periods at or below ``churn_grade`` (ANALYSES.md §4)
    churn_periods: int = 2
    churn_grade: str = "fairly_satisfied"

    def __post_init__(self) -> None:
        if self.weight_mode not in ("category", "item"):
            raise ValueError(f"weight_mode must be 'category' or 'item', not {self.weight_mode!r}")
        if not 0.0 <= self.visit_share <= 1.0:
            raise ValueError(f"visit_share must be within 0–1, not {self.visit_share!r}")
        if self.unmentioned_as not in labels.GRADE:
            raise ValueError(f"unmentioned_as must be a grade key, not {self.unmentioned_as!r}")
        if self.min_group_size < 1 or self.churn_periods < 1:
            raise ValueError("min_group_size and churn_periods must be at least 1")
        if self.churn_grade not in labels.GRADE:
            raise ValueError(f"churn_grade must be a grade key, not {self.churn_grade!r}")

    @property
    def satisfied_bound(self) -> float:
        """Lower bound of 满意: the satisfaction-rate threshold (METHOD.md §9)."""
        return self.grade_bounds["satisfied"]

    @property
    def churn_bound(self) -> float:
        """A final score below this is at or below the churn grade: the lower
        bound of the grade just above it (default 比较满意 → the 满意 bound).
        With the best grade as churn grade every scored customer qualifies."""
        keys = [g.key for g in labels.GRADES]
        index = keys.index(self.churn_grade)
        return float("inf") if index == 0 else self.grade_bounds[keys[index - 1]]

    def grade_indices(self, scores: np.ndarray) -> np.ndarray:
        """Index into :data:`labels.GRADES` per score (0 = 很满意), −1 for NaN;
        lower bounds inclusive (METHOD.md §7).  Any shape; integers are cheap
        to compare in bulk (the statistics compare millions of resampled grades)."""
        scores = np.asarray(scores, dtype=np.float64)
        keys = [g.key for g in labels.GRADES]
        # Highest grade first; the lowest grade catches everything below.
        bounds = np.array([self.grade_bounds[k] for k in keys[:-1]], dtype=np.float64)
        # number of bounds the score does NOT reach → index into keys
        index = np.zeros(scores.shape, dtype=np.int8)
        for bound in bounds:
            index += scores < bound - BOUND_TOLERANCE
        index[np.isnan(scores)] = -1
        return index

    def grade_keys(self, scores: np.ndarray) -> np.ndarray:
        """Grade key per score (None for NaN); lower bounds inclusive (METHOD.md §7)."""
        index = self.grade_indices(np.ravel(np.asarray(scores, dtype=np.float64)))
        keys = np.array([g.key for g in labels.GRADES] + [None], dtype=object)
        return keys[index]  # index −1 (NaN) picks the trailing None

    def grade_key(self, score: float | None) -> str | None:
        if score is None:
            return None
        return self.grade_keys(np.array([score]))[0]

    def adjustment_of(self, outcome_key: str) -> float:
        return self.complaint_adjustments[outcome_key]
