"""Register a Python function as an Excel function in every xlwings host.

:func:`excel_function` is the only place that talks to xlwings.  It applies
xlwings' public decorators (``xlwings.func``, ``xlwings.arg``) — whichever
implementation ``import xlwings`` picked for the running host:

- ``XLWINGS_ON_SERVER=true`` (xlwings Server; xlwings Lite in Pyodide):
  :mod:`xlwings.pro.udfs_officejs`, which records ``__xlfunc__`` metadata read
  by ``custom_functions_meta`` and ``custom_functions_call``;
- Windows with pywin32: classic :mod:`xlwings.udfs` (COM UDFs, *Import
  Functions*);
- anywhere else: no-op decorators, so ``csat_xl.excel`` imports and runs as
  plain Python (tests, scripts, Linux without xlwings environment variables).

Every function gets a description and a description per parameter (English
with the Chinese term).  Range parameters arrive as xlwings delivers them in
the host (see :func:`range_options`); :func:`csat_xl.excel.ranges.grid`
turns a single cell, a row, a column and a block into a list of rows.

Adding a function elsewhere (e.g. ``csat_xl/excel/statistics.py``)::

    from .registry import excel_function

    @excel_function(
        "Cronbach's alpha 信度系数 of item scores.",
        scores="Item scores 项目得分: one row per respondent",
    )
    def csat_alpha(scores):
        ...

and import it in ``csat_xl/excel/__init__.py`` so that
``custom_functions_meta(csat_xl.excel)`` lists it.
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Callable
from typing import Any

import numpy as np

import xlwings as xw

from .errors import NOT_AVAILABLE, VALUE, CellError, RangeProblem

logger = logging.getLogger(__name__)

#: Function category shown in classic Excel's Insert Function dialog.
CATEGORY = "csat-xl"


def _classic_host() -> bool:
    """True when xlwings registered the functions as classic COM UDFs.

    Asked at call time (cheap) from the decorator xlwings chose, so the
    answer is xlwings' own, not a guess from the platform.
    """
    return getattr(xw.func, "__module__", "") == "xlwings.udfs"


def _officejs_host() -> bool:
    """True when xlwings registers Office.js custom functions (Lite, Server)."""
    return getattr(xw.func, "__module__", "") == "xlwings.pro.udfs_officejs"


def range_options() -> dict[str, Any]:
    """How xlwings should hand over a range argument in the running host.

    Office.js hosts: ``raw``, i.e. the list of rows exactly as Office.js sent
    it; :func:`csat_xl.excel.ranges.grid` maps blanks (``""``, Pyodide's
    ``JsNull``) to None and error values to their text (``#N/A``) so the core
    reports them.  xlwings' own cleaning is skipped on purpose: it turns
    error cells into silent blanks, and xlwings 0.37's per-cell Pyodide check
    (``utils.is_jsnull`` retries a failed import for every cell on CPython)
    costs about 0.2 ms per cell on xlwings Server — two minutes for a
    50,000-row questionnaire.  Classic COM: a 2-D list with error values as
    text (``err_to_str``).
    """
    if _officejs_host():
        return {"convert": "raw"}
    return {"ndim": 2, "err_to_str": True}


def excel_value(value: Any) -> Any:
    """One result cell as every host accepts it.

    NaN (no value) becomes a blank: xlwings' Office.js converter would show
    NaN as ``#NUM!``.  numpy scalars become Python numbers.
    """
    if value is None:
        return None
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def error_result(error: CellError) -> Any:
    """What the cell shows for ``error`` in the running host (see :mod:`.errors`)."""
    if error.code == NOT_AVAILABLE:
        return NOT_AVAILABLE
    message = error.text()
    if _classic_host():
        return f"{VALUE} {message}"
    raise xw.XlwingsError(message)


def guarded(function: Callable[..., Any]) -> Callable[..., Any]:
    """Call ``function`` so that no traceback ever reaches a cell."""

    @functools.wraps(function)
    def call(*args: Any) -> Any:
        try:
            return function(*args)
        except CellError as error:
            problem = error
        except Exception as exc:  # noqa: BLE001 - a cell must never show a traceback
            logger.exception("csat-xl Excel function %s failed", function.__name__)
            problem = CellError([RangeProblem("unexpected", {"reason": f"{type(exc).__name__}: {exc}"})])
        return error_result(problem)

    return call


def excel_function(description: str, *, scalars: tuple[str, ...] = (), **params: str) -> Callable[[Callable], Callable]:
    """Decorator: register ``function`` with xlwings with these descriptions.

    Args:
        description: what Excel shows for the function (English with the
            Chinese term).
        scalars: parameters read as one value (e.g. ``lang``); all others are
            ranges read with ``ndim=2``.
        params: a description per parameter; every parameter must have one.

    Returns:
        The decorated function: the same Python callable, guarded against
        tracebacks, with xlwings metadata attached.
    """

    def decorate(function: Callable) -> Callable:
        wrapped = guarded(function)
        # Excel shows the whole docstring as the description, so the short
        # description replaces it; the long one stays on ``__wrapped__``.
        wrapped.__doc__ = description
        names = list(wrapped.__wrapped__.__code__.co_varnames[: wrapped.__wrapped__.__code__.co_argcount])
        missing = [n for n in names if n not in params]
        if missing or set(params) - set(names):
            raise TypeError(f"{function.__name__}: describe exactly its parameters {names}, got {sorted(params)}")
        for name in reversed(names):
            options = {} if name in scalars else range_options()
            wrapped = xw.arg(name, doc=params[name], **options)(wrapped)
        return xw.func(category=CATEGORY)(wrapped)

    return decorate
