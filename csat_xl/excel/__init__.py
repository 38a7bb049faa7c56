"""Excel functions for every Excel host: ``=CSAT_SCORES()`` and friends.

The same module serves xlwings Lite (Pyodide), xlwings Server (Office.js)
and classic xlwings (Windows, ``UDF Modules = csat_xl.excel``).  It imports
without Windows modules and without xlwings environment variables; then the
functions are plain Python callables.  See ``docs/excel.md``.

Every function is registered with :func:`csat_xl.excel.registry.excel_function`
and imported here, so ``xlwings.server.custom_functions_meta(csat_xl.excel)``
lists all of them.  Further modules (e.g. ``statistics``) add one import line.
"""

from .functions import (
    csat_adjustment,
    csat_blend,
    csat_grade,
    csat_score,
    csat_scores,
    csat_version,
    csat_visit,
    csat_weighted,
    csat_weights,
)
from .groups import csat_groups
from .loyalty import csat_nps
from .statistics import csat_alpha, csat_ci

__all__ = [
    "csat_adjustment",
    "csat_alpha",
    "csat_blend",
    "csat_ci",
    "csat_grade",
    "csat_groups",
    "csat_nps",
    "csat_score",
    "csat_scores",
    "csat_version",
    "csat_visit",
    "csat_weighted",
    "csat_weights",
]
