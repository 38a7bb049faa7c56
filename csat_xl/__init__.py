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

from __future__ import annotations

from typing import TYPE_CHECKING

from ._version import __version__

#: Public name → module that defines it.  Imported on first use (PEP 562), so
#: ``csat-xl --help`` and ``--version`` or ``import csat_xl.labels`` do not
#: pay for pandas and numpy; ``csat_xl.score`` and friends load them when
#: first touched.
_LAZY = {
    "Comparison": "aggregation", "Summary": "aggregation", "compare_periods": "aggregation", "summarize": "aggregation",
    "CsatError": "findings", "Finding": "findings", "InvalidInputError": "findings", "OutputError": "findings",
    "inspect_workbook": "io", "read_survey": "io",
    "Scheme": "scheme", "SchemeRow": "scheme",
    "Scores": "scoring", "score": "scoring",
    "Settings": "settings",
    "Survey": "survey",
}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'csat_xl' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


if TYPE_CHECKING:
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
