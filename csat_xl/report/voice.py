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

from .. import labels
from ..analyses import comments, drivers, groups, loyalty
from ..scoring import Scores
from .captions import caption
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
    terms = comments.comment_terms(scores)
    add_loyalty(model, result, key)
    add_comments(model, terms)
    _say_what_is_missing(model, scores, result.available, key.available, terms.available)


def _say_what_is_missing(model: ReportModel, scores: Scores, has_loyalty: bool, has_drivers: bool, has_comments: bool) -> None:
    """An info line on the Data quality sheet for each analysis the workbook has no data for (ANALYSES.md)."""
    lang = model.lang
    source = model.fields["kpi"]["source"].value
    missing = [("questionnaire", "section.no_loyalty", has_loyalty), ("questionnaire", "section.no_drivers", has_drivers),
               (None, "section.no_comments", has_comments)]
    table = model.tables.get("findings")
    if table is None:
        return
    for sheet_key, message, present in missing:
        if present:
            continue
        sheet = scores.survey.sheet_names.get(sheet_key) if sheet_key else None
        table.rows.append({"severity": labels.SEVERITY["info"].text(lang), "file": source, "sheet": sheet, "cell": None,
                           "value": None, "message": caption(message, lang)})
        table.styles.setdefault("severity", []).append("severity:info")
