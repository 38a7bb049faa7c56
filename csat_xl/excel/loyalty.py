"""Excel function of loyalty: ``=CSAT_NPS()`` (issue 15, docs/statistics.md §8).

Thin rim like :mod:`csat_xl.excel.statistics`: the range is read with
:mod:`csat_xl.excel.ranges` against the 0–10 likelihood-to-recommend scale
(every bad cell named by its position), the number comes from
:mod:`csat_xl.analyses.loyalty`.  Names and parameters are a contract:
parameters may be added at the end, never removed or reordered.
"""

from __future__ import annotations

import numpy as np

from ..analyses.loyalty import RECOMMEND_SCALE, nps_of
from ..text import as_number, is_blank
from .errors import CellError
from .ranges import grid, scores_matrix
from .registry import excel_function


def _without_title(rows):
    """Drop a first row of column titles (e.g. 推荐意愿) above the answers."""
    if len(rows) >= 2 and rows[0] and all(not is_blank(v) and as_number(v) is None for v in rows[0]):
        return rows[1:]
    return rows


@excel_function(
    "Net Promoter Score 净推荐值 of likelihood-to-recommend answers 0–10: % promoters (9–10) − % detractors (0–6), −100…100.",
    answers="Likelihood-to-recommend answers 推荐意愿 0–10, one per respondent 受访人; blanks are left out; "
            "an optional first row of titles is skipped",
)
def csat_nps(answers):
    """NPS in points (−100 … +100) as :func:`csat_xl.analyses.loyalty.nps_of`;
    ``#N/A`` when no cell holds an answer."""
    values = scores_matrix("answers", _without_title(grid(answers)), RECOMMEND_SCALE)
    if values.size == 0 or np.isnan(values).all():
        raise CellError.not_available()
    return float(nps_of(values))
