"""The Office.js side of xlwings Server / Lite, for tests and benchmarks.

:func:`officejs_payload` builds the JSON book payload the xlwings Office.js
client sends for a workbook (client "Office.js", each sheet's values as a
2-D list anchored at A1, "" for empty cells, dates as ``Date.toISOString()``
text, cached errors as their text, used range address) and
:func:`run_script` hands it to ``xlwings.server.custom_scripts_call``
exactly as an xlwings Server / Lite runtime does, returning the actions the
add-in would replay.  The process must have ``XLWINGS_ON_SERVER=true`` and
``XLWINGS_LICENSE_KEY`` set before xlwings is imported (see test_actions.py).
"""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import importlib
import os
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter

# xlwings picks its script decorator at import time (XLWINGS_ON_SERVER); the
# licence key enables xlwings' own Office.js machinery — in this process only.
os.environ["XLWINGS_ON_SERVER"] = "true"
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
import xlwings as xw  # noqa: E402

if not xw.on_server:  # xlwings was imported earlier in this process without the flag
    xw = importlib.reload(xw)
import xlwings.server  # noqa: E402

def _js_value(value: Any) -> Any:
    """A cell value as Office.js sends it: "" for empty, dates as Date.toISOString()."""
    if value is None:
        return ""
    if isinstance(value, (dt.datetime, dt.date)):
        if not isinstance(value, dt.datetime):
            value = dt.datetime(value.year, value.month, value.day)
        return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return value


def officejs_payload(path: Path, active: int = 0) -> dict:
    """The book payload of the xlwings Office.js client for the workbook at ``path``.

    Keys as the client sends them (book, names, sheets with name, visibility,
    used_range_address, values anchored at A1 …).  Cached formula errors are
    sent as their text, which openpyxl's cached values also give.
    """
    wb = openpyxl.load_workbook(path, data_only=True)
    sheets = []
    for ws in wb.worksheets:
        values = [[_js_value(v) for v in row] for row in ws.iter_rows(min_row=1, min_col=1, max_row=ws.max_row, max_col=ws.max_column, values_only=True)]
        used = f"{get_column_letter(ws.min_column)}{ws.min_row}:{get_column_letter(ws.max_column)}{ws.max_row}"
        sheets.append({
            "name": ws.title, "visibility": "Visible", "print_area": None, "notes": [],
            "used_range_address": used, "used_range_row_count": ws.max_row - ws.min_row + 1,
            "used_range_column_count": ws.max_column - ws.min_column + 1,
            "values": values, "pictures": [], "shapes": [], "charts": [], "tables": [],
            "show_gridlines": True, "pivot_tables": [],
        })
    return {
        "client": "Office.js", "version": xw.__version__,
        "book": {"name": path.name, "active_sheet_index": active, "selection": "A1"},
        "names": [], "sheets": sheets,
    }


def blank_payload(book: str = "Book1", sheet: str = "Sheet1") -> dict:
    """The payload of a new, empty workbook (one empty sheet)."""
    return {
        "client": "Office.js", "version": xw.__version__,
        "book": {"name": book, "active_sheet_index": 0, "selection": "A1"},
        "names": [], "sheets": [{
            "name": sheet, "visibility": "Visible", "print_area": None, "notes": [], "used_range_address": None,
            "used_range_row_count": 0, "used_range_column_count": 0, "values": [[""]],
            "pictures": [], "shapes": [], "charts": [], "tables": [], "show_gridlines": True, "pivot_tables": [],
        }],
    }


def run_script(name: str, payload: dict, module=None) -> list[dict]:
    """Run the script as xlwings Server does; the actions the add-in would replay."""
    # xlwings edits the payload of a book in place: each run gets its own copy
    return run_on_book(name, xw.Book(json=copy.deepcopy(payload)), module)


def run_on_book(name: str, book, module=None) -> list[dict]:
    """``custom_scripts_call`` on a book made with ``xw.Book(json=payload)``; closes the book."""
    from csat_xl.actions import scripts

    try:
        result = asyncio.run(xlwings.server.custom_scripts_call(module or scripts, name, typehint_to_value={xw.Book: book}))
        return result.json()["actions"]
    finally:
        book.close()
