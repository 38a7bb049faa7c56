"""csat-xl: customer-satisfaction scoring for ISO 9001 quality departments.

The small public API::

    import csat_xl
    survey = csat_xl.read_survey("survey.xlsx")     # raises InvalidInputError with every finding
    scores = csat_xl.score(survey)                   # per-customer Q, V, P, adjustment, F, grade
    summary = csat_xl.summarize(scores)              # CSI, satisfaction rate, items, complaints

The core (scheme, scales, settings, scoring, aggregation) is pure
pandas/numpy; :mod:`csat_xl.io`, the report and template builders, the CLI and
:mod:`csat_xl.excel` are thin rims around it.
"""

from ._version import __version__
from .aggregation import Comparison, Summary, compare_periods, summarize
from .findings import CsatError, Finding, InvalidInputError, OutputError
from .io import inspect_workbook, read_survey
from .scheme import Scheme, SchemeRow
from .scoring import Scores, score
from .settings import Settings
from .survey import Survey

__all__ = [
    "Comparison",
    "CsatError",
    "Finding",
    "InvalidInputError",
    "OutputError",
    "Scheme",
    "SchemeRow",
    "Scores",
    "Settings",
    "Summary",
    "Survey",
    "compare_periods",
    "inspect_workbook",
    "read_survey",
    "score",
    "summarize",
    "__version__",
]
