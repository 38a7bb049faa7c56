"""Loyalty, key drivers and comments in the report (issue 15): one call from
:func:`csat_xl.report.model.build_report`.

Computes :func:`csat_xl.analyses.loyalty.loyalty` (per group of customers
when the Customers sheet has group columns), takes the key drivers from the
statistics (they are the derived importance of the IPA quadrants) or
computes them, and :func:`csat_xl.analyses.comments.comment_terms`; then
:mod:`.loyalty_tables` and :mod:`.comments_sheet` add them to the model.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..analyses import comments, drivers, groups, loyalty
from ..scoring import Scores
from .comments_sheet import add_comments
from .loyalty_tables import add_loyalty
from .model import ReportModel


def customer_groups(scores: Scores) -> dict[str, pd.Series]:
    """Group column (as the user named it) → the group of every customer
    (:mod:`csat_xl.analyses.groups`: 区域 / Region, 客户类型 …)."""
    survey = scores.survey
    ids = scores.customers["customer_id"].to_numpy(dtype=object)
    return {column: groups.group_values(survey, column, ids) for column in groups.group_columns(survey)}


def add_voice(model: ReportModel, scores: Scores, stats: Any = None, **options: Any) -> None:
    """Add NPS / repurchase (Overview, Statistics), key drivers (Statistics)
    and the Comments sheet to ``model``.  ``stats``: the period's
    :class:`~csat_xl.statistics.Statistics` (its drivers are reused);
    ``options``: level, resamples, seed."""
    keep = {k: options[k] for k in ("level", "resamples", "seed") if k in options}
    result = loyalty.loyalty(scores.survey, customer_groups(scores), minimum=scores.survey.settings.min_group_size, **keep)
    key = getattr(stats, "drivers", None) or drivers.key_drivers(scores, **keep)
    add_loyalty(model, result, key)
    add_comments(model, comments.comment_terms(scores))
