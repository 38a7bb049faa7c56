"""Excel functions of the statistics: ``=CSAT_ALPHA()`` and ``=CSAT_CI()``.

Thin rim like :mod:`csat_xl.excel.functions`: the ranges are read with
:mod:`csat_xl.excel.ranges` (labels of the five-grade scale accepted, every
bad cell named by its position), the numbers come from
:mod:`csat_xl.statistics`.  Names and parameters are a contract: parameters
may be added at the end, never removed or reordered.  See
``docs/statistics.md``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import statistics as st
from ..scales import five_grade, to_scores
from ..text import as_number, is_blank, match_key
from .errors import NOT_AVAILABLE, CellError, RangeProblem
from .ranges import Grid, choice, grid, number_in, scores_matrix, single
from .registry import excel_function

#: Accepted spellings of the missing-data policy of CSAT_ALPHA.
POLICY_OPTIONS = {match_key(k): v for k, v in {
    "listwise": st.LISTWISE, "整行删除": st.LISTWISE, "pairwise": st.PAIRWISE, "成对删除": st.PAIRWISE}.items()}

#: Largest seed accepted (numpy takes any non-negative integer; Excel numbers are exact up to 2^53).
MAX_SEED = 2**53


def _without_header(rows: Grid) -> Grid:
    """Drop a first row of item names (text that is neither a score nor a scale label)."""
    if len(rows) < 2:
        return rows
    first = [v for v in rows[0] if not is_blank(v)]
    if not first or any(as_number(v) is not None for v in first):
        return rows
    _, problems = to_scores(np.array(first, dtype=object), five_grade())
    return rows[1:] if all(p is not None for p in problems) else rows


def _seed(value: Any) -> int:
    value = single(value, "seed")
    if is_blank(value):
        return st.DEFAULT_SEED
    number = as_number(value)
    if number is None or not 0 <= number <= MAX_SEED or number != int(number):
        raise CellError([RangeProblem("bad_number", {"name": "seed", "value": value, "low": 0, "high": MAX_SEED})])
    return int(number)


@excel_function(
    "Cronbach's alpha 信度系数 of item scores: one row per respondent, one column per item (≥ 0.7 is acceptable).",
    scalars=("policy",),
    scores="Item scores 项目得分 0–100 or five-grade labels: one row per respondent 受访人, one column per item; "
           "an optional first row of item names is skipped; blank = not answered",
    policy='Optional missing-data policy 缺失值处理: "listwise" 整行删除 (default, respondents who answered every item) '
           'or "pairwise" 成对删除',
)
def csat_alpha(scores, policy=None):
    """Cronbach's alpha of the items (columns) over the respondents (rows),
    as :func:`csat_xl.statistics.cronbach_alpha`; ``#N/A`` when undefined
    (fewer than 2 items or 2 usable respondents, or no variance)."""
    how = choice("policy", policy, POLICY_OPTIONS, st.LISTWISE)
    rows = _without_header(grid(scores))
    matrix = scores_matrix("scores", rows, five_grade())
    if matrix.size == 0:
        raise CellError.not_available()
    alpha = st.cronbach_alpha(matrix, how).alpha
    if np.isnan(alpha):
        raise CellError.not_available()
    return float(alpha)


@excel_function(
    "Mean and its bootstrap confidence interval 置信区间 of scores: spills one row (mean, lower bound, upper bound).",
    scalars=("level", "seed"),
    scores="Scores 得分 0–100 or five-grade labels (e.g. the final scores 最终得分 of the customers); blanks are left out",
    level="Optional confidence level 置信水平 between 0.5 and 0.999 (default 0.95)",
    seed="Optional random seed 随机种子, a whole number (default 20260101): the same seed gives the same interval",
)
def csat_ci(scores, level=None, seed=None):
    """Percentile-bootstrap interval of the mean (2,000 resamples), as
    :func:`csat_xl.statistics.bootstrap_mean`.  One row: mean, low, high;
    the bounds are ``#N/A`` with fewer than 2 scores."""
    confidence = number_in("level", level, 0.5, 0.999, st.DEFAULT_LEVEL)
    random_seed = _seed(seed)
    matrix = scores_matrix("scores", grid(scores), five_grade())
    interval = st.bootstrap_mean(matrix.ravel(), level=confidence, seed=random_seed)
    if interval.n == 0:
        raise CellError.not_available()
    bounds = [NOT_AVAILABLE if np.isnan(b) else float(b) for b in (interval.low, interval.high)]
    return [[float(interval.estimate), *bounds]]
