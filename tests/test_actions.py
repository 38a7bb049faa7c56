"""Button actions in every host: Office.js (xlwings Server / Lite) and classic desktop.

Office.js path: the workbook is turned into the JSON book payload the
Office.js add-in sends (client "Office.js", each sheet's values as a 2-D
list anchored at A1, "" for empty cells, dates as ISO strings, errors as
their text), handed to ``xlwings.server.custom_scripts_call`` exactly as an
xlwings Server / Lite runtime does, and the returned actions are replayed
onto an in-memory workbook (:class:`Replay`) so tests assert what lands in
which cell of which sheet.

Classic path: the entry points of ``csat_xl.actions.classic`` run against a
test double of ``xw.Book`` (:class:`FakeBook`) that records every write.
"""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import importlib
import os
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

# xlwings picks its script decorator at import time (XLWINGS_ON_SERVER); the
# licence key enables xlwings' own Office.js machinery in this process only.
os.environ["XLWINGS_ON_SERVER"] = "true"
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
import xlwings as xw  # noqa: E402

if not xw.on_server:  # xlwings was imported earlier in this process without the flag
    xw = importlib.reload(xw)
import xlwings.server  # noqa: E402

from builders import worked_example, write_xlsx  # noqa: E402
from csat_xl import inspect_workbook, read_survey, score, summarize  # noqa: E402
from csat_xl.actions import book_actions, scripts, texts  # noqa: E402
from csat_xl.findings import ERROR  # noqa: E402
from csat_xl.i18n import t  # noqa: E402

ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "sample_workbooks" / "pvc_2026Q2_zh.xlsx"
SAMPLE_EN = ROOT / "sample_workbooks" / "field_service_2026H1_en.xlsx"

WORKED_FINAL = {"C001": 73.518, "C003": 79.744, "C004": 92.7}  # METHOD.md §8


# --- the Office.js payload --------------------------------------------------------------------
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


def run_script(name: str, payload: dict) -> list[dict]:
    """Run the script as xlwings Server does; the actions the add-in would replay."""
    book = xw.Book(json=copy.deepcopy(payload))  # the engine edits its payload in place
    try:
        result = asyncio.run(xlwings.server.custom_scripts_call(scripts, name, typehint_to_value={xw.Book: book}))
        return result.json()["actions"]
    finally:
        book.close()


class Replay:
    """An in-memory workbook the Office.js actions are applied to, as the add-in would.

    Cells are 0-based ``(row, col)``; formats are kept per cell by kind.
    An action this class does not know fails the test (a new kind of write
    must be looked at, not silently ignored).
    """

    def __init__(self, payload: dict):
        self.sheets: list[dict] = []
        for s in payload["sheets"]:
            cells = {(r, c): v for r, row in enumerate(s["values"]) for c, v in enumerate(row) if v != ""}
            self.sheets.append({"name": s["name"], "cells": cells, "formats": {}, "widths": {}})
        self.original = [dict(s["cells"]) for s in self.sheets]
        self.active = payload["book"]["active_sheet_index"]
        self.selection = None
        self.counts: dict[str, int] = {}

    def apply(self, actions: list[dict]) -> "Replay":
        for a in actions:
            self.counts[a["func"]] = self.counts.get(a["func"], 0) + 1
            getattr(self, "_" + a["func"])(a)
        return self

    def sheet(self, name: str) -> dict:
        return next(s for s in self.sheets if s["name"] == name)

    def names(self) -> list[str]:
        return [s["name"] for s in self.sheets]

    def rows(self, name: str) -> list[list[Any]]:
        cells = self.sheet(name)["cells"]
        if not cells:
            return []
        nrows = max(r for r, _ in cells) + 1
        ncols = max(c for _, c in cells) + 1
        return [[cells.get((r, c)) for c in range(ncols)] for r in range(nrows)]

    def fmt(self, name: str, row: int, col: int) -> dict:
        return self.sheet(name)["formats"].get((row, col), {})

    def _cells(self, a):
        for r in range(a["start_row"], a["start_row"] + a["row_count"]):
            for c in range(a["start_column"], a["start_column"] + a["column_count"]):
                yield r, c

    def _format(self, a, key, value):
        formats = self.sheets[a["sheet_position"]]["formats"]
        for cell in self._cells(a):
            formats.setdefault(cell, {})[key] = value

    def _addSheet(self, a):
        ix, name = a["args"]
        self.sheets.insert(ix, {"name": name, "cells": {}, "formats": {}, "widths": {}})

    def _sheetClear(self, a):
        s = self.sheets[a["sheet_position"]]
        s["cells"], s["formats"] = {}, {}

    def _setValues(self, a):
        cells = self.sheets[a["sheet_position"]]["cells"]
        for i, row in enumerate(a["values"]):
            for j, v in enumerate(row):
                cell = (a["start_row"] + i, a["start_column"] + j)
                if v in ("", None):
                    cells.pop(cell, None)
                else:
                    cells[cell] = v

    def _setNumberFormat(self, a):
        self._format(a, "number_format", a["args"][0])

    def _setRangeColor(self, a):
        self._format(a, "color", a["args"][0])

    def _setFontProperty(self, a):
        self._format(a, a["args"][0], a["args"][1])

    def _setColumnWidth(self, a):
        for c in range(a["start_column"], a["start_column"] + a["column_count"]):
            self.sheets[a["sheet_position"]]["widths"][c] = a["args"][0]

    def _activateSheet(self, a):
        self.active = a["args"][0]

    def _rangeSelect(self, a):
        self.selection = (self.sheets[a["sheet_position"]]["name"], a["start_row"], a["start_column"])


def officejs(path: Path, script: str, cells: dict[tuple[str, str], Any] | None = None) -> Replay:
    """Run ``script`` on the workbook at ``path`` through the Office.js path.

    ``cells`` overrides payload values, ``{("问卷", "G2"): "=1+1"}``: a text
    cell that looks like a formula cannot be written with openpyxl (it would
    become a formula), but Office.js sends such a text cell's value as is.
    """
    payload = officejs_payload(path)
    for (sheet, ref), value in (cells or {}).items():
        values = next(s for s in payload["sheets"] if s["name"] == sheet)["values"]
        col, row = openpyxl.utils.cell.coordinate_from_string(ref)
        values[row - 1][openpyxl.utils.column_index_from_string(col) - 1] = value
    return Replay(payload).apply(run_script(script, payload))


# --- fixtures ----------------------------------------------------------------------------------
def _bad_sheets() -> dict:
    sheets = worked_example()
    q = [list(r) for r in sheets["问卷"]]
    q[1][3] = "很好"      # D2: not a score or label
    q[2][4] = 120         # E3: outside 0–100
    q[3][5] = "#N/A"      # F4: a cached formula error
    sheets["问卷"] = q
    return sheets


@pytest.fixture(scope="session")
def workbooks(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("actions")
    return {
        "worked": write_xlsx(worked_example(), folder / "worked.xlsx"),
        "bad": write_xlsx(_bad_sheets(), folder / "bad.xlsx"),
    }


# --- Office.js: validate -------------------------------------------------------------------------
def test_validate_lists_every_bad_cell_and_selects_the_findings_sheet(workbooks):
    book = officejs(workbooks["bad"], "validate", {("问卷", "G2"): "=1+1"})
    name = texts.FINDINGS_SHEET.zh
    assert book.names()[-1] == name
    assert book.active == book.names().index(name)
    assert book.selection == (name, 0, 0)
    rows = book.rows(name)
    header_at = rows.index([c.zh for c in texts.FINDING_COLUMNS])
    found = {row[2]: row for row in rows[header_at + 1:]}
    for cell, value in (("问卷!D2", "很好"), ("问卷!E3", 120), ("问卷!F4", "#N/A")):
        assert found[cell][0] == "错误" and found[cell][3] == value, found.get(cell)
    # user text that a spreadsheet would evaluate is written as text
    assert found["问卷!G2"][3] == "'=1+1"
    # every finding of the core is listed, and the summary counts them
    _, expected = inspect_workbook(workbooks["bad"])
    assert len(rows) - header_at - 1 == len(expected) + 1  # + G2
    n_errors = sum(f.severity == ERROR for f in expected) + 1
    assert rows[1][0].startswith(f"{n_errors} 个错误")
    # error rows are filled red, the header bold
    assert book.fmt(name, header_at + 1, 0)["color"] == book_actions.SEVERITY_FILL[ERROR]
    assert book.fmt(name, header_at, 0)["bold"] is True
    # the survey sheets are not touched
    for i, original in enumerate(book.original):
        assert book.sheets[i]["cells"] == original


def test_validate_says_no_problems(workbooks, tmp_path):
    sheets = worked_example()
    sheets["投诉"] = [["客户编号", "处理结果"], ["C001", "满意"]]  # no blank outcomes
    scheme = [list(r) for r in sheets["指标"]]
    scheme[6][3] = 4  # 购销过程: 8 + 8 + 4 = its declared 20, nothing rescaled
    sheets["指标"] = scheme
    path = write_xlsx(sheets, tmp_path / "clean.xlsx")
    _, expected = inspect_workbook(path)
    survey = read_survey(path)
    assert not expected and not score(survey).findings
    book = officejs(path, "validate")
    assert book.rows(texts.FINDINGS_SHEET.zh)[1][0] == t("no_problems", "zh")


def test_validate_again_rewrites_the_same_sheet(workbooks):
    payload = officejs_payload(workbooks["bad"])
    first = Replay(payload).apply(run_script("validate", payload))
    # the next click sends the workbook with the findings sheet in it
    payload["sheets"].append({**payload["sheets"][0], "name": texts.FINDINGS_SHEET.zh,
                              "values": first.rows(texts.FINDINGS_SHEET.zh), "used_range_address": "A1"})
    second = run_script("validate", payload)
    funcs = [a["func"] for a in second]
    assert "addSheet" not in funcs and funcs.count("sheetClear") == 1


# --- Office.js: refresh ------------------------------------------------------------------------------
def test_refresh_writes_the_worked_example_results(workbooks):
    book = officejs(workbooks["worked"], "refresh_results")
    name = texts.RESULTS_SHEET.zh
    rows = book.rows(name)
    assert rows[0][:7] == ["客户编号", "客户名称", "问卷得分", "走访估算", "初步满意度", "投诉加减分", "最终得分"]
    by_id = {r[0]: r for r in rows[1:]}
    for customer, final in WORKED_FINAL.items():
        assert by_id[customer][6] == pytest.approx(final, abs=5e-4)
    assert by_id["C004"][7] == "很满意"
    assert by_id["C003"][8] == "未走访"
    assert by_id["C003"][3] is None  # no visit: blank, not 0
    assert book.fmt(name, 1, 6)["number_format"] == "0.00"
    assert book.fmt(name, 1, 0)["number_format"] == "@"  # IDs stay text
    assert book.active == book.names().index(name)


def test_refresh_on_the_sample_matches_the_file_reader():
    book = officejs(SAMPLE, "refresh_results")
    rows = book.rows(texts.RESULTS_SHEET.zh)
    records = score(read_survey(SAMPLE)).records()
    assert [r[0] for r in rows[1:]] == [r["customer_id"] for r in records]
    for row, rec in zip(rows[1:], records):
        assert row[6] == (pytest.approx(rec["final"]) if rec["final"] is not None else None)


def test_refresh_on_invalid_workbook_shows_findings_only(workbooks):
    book = officejs(workbooks["bad"], "refresh_results")
    assert texts.RESULTS_SHEET.zh not in book.names()
    assert book.names()[-1] == texts.FINDINGS_SHEET.zh
    assert book.active == len(book.names()) - 1


def test_english_workbook_gets_english_sheets(monkeypatch):
    monkeypatch.delenv("CSAT_LANG", raising=False)
    book = officejs(SAMPLE_EN, "refresh_results")
    assert book.rows(texts.RESULTS_SHEET.en)[0][0] == "Customer ID"


# --- Office.js: build report ---------------------------------------------------------------------------
def test_build_report_adds_report_sheets_and_leaves_the_data_alone():
    payload = officejs_payload(SAMPLE)
    actions = run_script("build_report", payload)
    book = Replay(payload).apply(actions)
    survey_sheets = [s["name"] for s in payload["sheets"]]
    added = book.names()[len(survey_sheets):]
    assert book.names()[: len(survey_sheets)] == survey_sheets
    assert added and all(name.startswith("报告-") for name in added)
    for i, original in enumerate(book.original):
        assert book.sheets[i]["cells"] == original
    # the headline CSI is the core's
    csi = summarize(score(read_survey(SAMPLE))).csi
    overview = book.rows(added[0])
    values = {row[0]: row[1] for row in overview if len(row) > 1 and row[0]}
    assert pytest.approx(csi) in values.values()
    assert book.active == book.names().index(added[0])
    # writes are batched: one value write per block, not per cell
    n_cells = sum(len(s["cells"]) for s in book.sheets[len(survey_sheets):])
    assert book.counts["setValues"] * 10 < n_cells


def test_scripts_are_registered_for_the_task_pane():
    meta = {m["function_name"]: m for m in xlwings.server.custom_scripts_meta(scripts)}
    assert set(meta) == set(scripts.SCRIPTS)
    assert meta["validate"]["name"] == "校验 Validate"
