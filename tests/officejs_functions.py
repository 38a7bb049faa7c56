"""Custom-function calls as xlwings Lite / Server make them, for tests.

Importing this module sets ``XLWINGS_ON_SERVER`` and ``XLWINGS_LICENSE_KEY``
(this test process only) before xlwings is imported — xlwings picks its
Office.js decorators at import time — and re-imports xlwings and
``csat_xl.excel`` if they were imported earlier without them.

:func:`call` hands a payload shaped as Office.js sends it to
``xlwings.server.custom_functions_call``: every argument a list of rows,
``""`` for blank cells, ``None`` for an omitted optional argument, numbers as
floats, dates as serial numbers.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys

import pytest

os.environ["XLWINGS_ON_SERVER"] = "true"
os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
if "xlwings" in sys.modules and not sys.modules["xlwings"].on_server:  # imported earlier without them
    for name in [m for m in sys.modules if m.split(".")[0] == "xlwings" or m.startswith("csat_xl.excel")]:
        del sys.modules[name]

import xlwings  # noqa: E402
import xlwings.server  # noqa: E402

import csat_xl.excel  # noqa: E402

#: #N/A as xlwings hands it to Office.js
NA = {"type": "Error", "errorType": "NotAvailable"}
EXCEL_EPOCH = dt.datetime(1899, 12, 30)


def cell(value):
    """A cell value as Office.js sends it."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return (value - EXCEL_EPOCH).total_seconds() / 86400
    if isinstance(value, dt.date):
        return float((value - EXCEL_EPOCH.date()).days)
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def rng(rows, blank=""):
    """A range argument: a list of rows (a scalar is a 1×1 range).  Office.js
    sends blank cells as ``""``; inside range arguments also as ``null``."""
    if not isinstance(rows, list):
        rows = [[rows]]
    width = max(len(r) for r in rows)
    return [[blank if v is None else cell(v) for v in r] + [blank] * (width - len(r)) for r in rows]


def call(func_name, *args):
    """Call through ``xlwings.server.custom_functions_call``; None = argument omitted."""
    data = {
        "func_name": func_name.lower(),
        "args": [None if a is None else rng(a) for a in args],
        "caller_address": "[demo.xlsx]Sheet1!A1",
        "content_language": "zh-CN",
        "version": xlwings.__version__,
        "client": "Office.js",
        "runtime": "1.4",
    }
    return asyncio.run(xlwings.server.custom_functions_call(data, csat_xl.excel))


def value_error(func_name, *args) -> str:
    """The #VALUE! message: xlwings hosts show the raised XlwingsError's text."""
    with pytest.raises(xlwings.XlwingsError) as info:
        call(func_name, *args)
    return str(info.value)
