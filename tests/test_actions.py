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

import copy
import importlib
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from officejs import blank_payload, officejs_payload, run_script, xw  # noqa: I001  (sets up xlwings' Office.js mode first)
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
        self.names_added: list[tuple[str, str]] = []

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

    def _addChart(self, a):
        name, _type, _sheet, source, *_ , plot_by, anchor, _style = a["args"]
        self.sheets[a["sheet_position"]].setdefault("charts", []).append(
            {"name": name, "source": source, "anchor": anchor, "plot_by": plot_by})

    def _setChartXAxisValues(self, a):
        self.sheets[a["sheet_position"]]["charts"][a["args"][0]]["categories"] = a["args"][2]

    def _setChartTitle(self, a):
        self.sheets[a["sheet_position"]]["charts"][a["args"][0]]["title"] = a["args"][1]

    def _deleteChart(self, a):
        self.sheets[a["sheet_position"]].setdefault("charts", [])
        self.deleted_charts = getattr(self, "deleted_charts", 0) + 1

    def cells_at(self, name: str, address: str) -> list[Any]:
        """Values of a one-column range such as ``$B$24:$B$29``, top to bottom."""
        first, last = address.replace("$", "").split(":")
        (c1, r1), (c2, r2) = (openpyxl.utils.cell.coordinate_from_string(x) for x in (first, last))
        col = openpyxl.utils.column_index_from_string(c1) - 1
        cells = self.sheet(name)["cells"]
        return [cells.get((r - 1, col)) for r in range(r1, r2 + 1)]

    def _setSheetVisibility(self, a):
        self.sheets[a["sheet_position"]]["visibility"] = a["args"][0]

    def _namesAdd(self, a):
        self.names_added.append(tuple(a["args"]))

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


def worked_example_as_typed() -> dict[str, list[list[Any]]]:
    """METHOD.md §8 as a user types it into the template's input sheets (rows below the header)."""
    example = worked_example()
    return {
        "客户": [["C001", "甲公司"], ["C003", "丙公司"], ["C004", "丁公司"]],
        "问卷": [[r[0], r[1], None, *r[2:]] for r in example["问卷"][1:]],
        "走访": example["走访"][1:],
        "投诉": [[r[0], None, None, r[1]] for r in example["投诉"][1:]],
    }


def shown(value: Any) -> Any:
    """What a cell shows: the text of a ``=HYPERLINK(target, text)`` link, else the value."""
    import re

    match = re.fullmatch(r'=HYPERLINK\("((?:[^"]|"")*)","((?:[^"]|"")*)"\)', value) if isinstance(value, str) else None
    return match.group(2).replace('""', '"') if match else value


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
    found = {shown(row[2]): row for row in rows[header_at + 1:]}
    for cell, value in (("问卷!D2", "很好"), ("问卷!E3", 120), ("问卷!F4", "#N/A")):
        assert found[cell][0] == "错误" and found[cell][3] == value, found.get(cell)
    # each address is a link to its cell, the cell column not text-formatted (so the link works)
    assert found["问卷!D2"][2] == '=HYPERLINK("#\'问卷\'!D2","问卷!D2")'
    assert "number_format" not in book.fmt(name, header_at + 1, 2)
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


def test_refresh_on_a_filled_template_leaves_its_formula_sheet_alone(template_zh, tmp_path):
    path = tmp_path / "filled_template.xlsx"
    template_zh.save(path)
    wb = openpyxl.load_workbook(path)
    for sheet, rows in worked_example_as_typed().items():
        for r, row in enumerate(rows, start=2):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    wb[sheet].cell(r, c).value = value
    wb.save(path)
    book = officejs(path, "refresh_results")
    assert "结果" in book.names() and texts.RESULTS_SHEET.zh not in ("结果", "Results")
    for i, original in enumerate(book.original):
        assert book.sheets[i]["cells"] == original, book.sheets[i]["name"]
    by_id = {r[0]: r for r in book.rows(texts.RESULTS_SHEET.zh)[1:]}
    for customer, final in WORKED_FINAL.items():
        assert by_id[customer][6] == pytest.approx(final, abs=5e-4)


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
    # native charts over the tables they come from: header names the series,
    # the category cells are the table's categories
    from csat_xl.report import build_report

    model = build_report(read_survey(SAMPLE), lang="zh")
    charts = {c["title"]: (s["name"], c) for s in book.sheets for c in s.get("charts", [])}
    # no error bars in a workbook (xlwings' chart API): the group chart's title names the interval column instead
    group_title = "各分组 CSI（区间见上表“± 区间”列）"
    assert model.tables["groups"].column("csi_half_width").label == "± 区间"
    titles = {k: model.charts[k].title for k in ("grades", "categories", "weakness", "pareto", "complaint_months",
                                                 "comments_questionnaire", "comments_visits", "comments_complaints")}
    titles["groups"] = group_title
    assert set(charts) == set(titles.values())
    for key in ("grades", "categories", "weakness", "groups", "pareto", "comments_questionnaire"):
        spec = model.charts[key]
        table = model.tables[spec.table]
        sheet, chart = charts[titles[key]]
        values = book.cells_at(sheet, chart["source"])
        assert values[0] == table.column(spec.series[0].column).label
        assert values[1:] == pytest.approx(table.values(spec.series[0].column))
        assert book.cells_at(sheet, chart["categories"]) == table.values(spec.category)
        assert chart["plot_by"] == "Columns"


def test_build_report_again_replaces_its_charts():
    payload = officejs_payload(SAMPLE)
    first = Replay(payload).apply(run_script("build_report", payload))
    for s in first.sheets[len(payload["sheets"]):]:
        payload["sheets"].append({**payload["sheets"][0], "name": s["name"], "values": [[""]], "used_range_address": "A1",
                                  "charts": [{"name": c["name"]} for c in s.get("charts", [])]})
    again = run_script("build_report", payload)
    funcs = [a["func"] for a in again]
    assert "addSheet" not in funcs
    assert funcs.count("deleteChart") == funcs.count("addChart") == sum(len(s.get("charts", [])) for s in first.sheets)


# --- Office.js: new template ---------------------------------------------------------------------------
#: A small template capacity keeps the LibreOffice recalculation quick.
SMALL_TEMPLATE = {"customers": 24, "rows": 40}


@pytest.fixture(scope="session")
def template_zh():
    from csat_xl.template import build_template

    return build_template("zh", **SMALL_TEMPLATE)


def test_new_template_opens_a_new_workbook_on_xlwings_server(monkeypatch):
    import base64
    import io

    from csat_xl.tables import Table, inspect_tables

    import functools

    import csat_xl.template

    monkeypatch.delenv("CSAT_LANG", raising=False)
    monkeypatch.setattr(csat_xl.template, "build_template", functools.partial(csat_xl.template.build_template, **SMALL_TEMPLATE))
    actions = run_script("new_template", officejs_payload(SAMPLE))
    # the whole template file goes to the add-in's callback: nothing else is written
    assert [(a["func"], a["args"][0]) for a in actions] == [("runMacro", "csatOpenWorkbook")]
    template = openpyxl.load_workbook(io.BytesIO(base64.b64decode(actions[0]["args"][1])))
    assert template.sheetnames[:2] == ["说明", "客户"]
    # the template takes the active workbook's scheme
    scheme = Table("指标", [list(r) for r in template["指标"].iter_rows(values_only=True)])
    survey, _ = inspect_tables({"指标": scheme})
    assert survey.scheme.items == read_survey(SAMPLE).scheme.items


@pytest.fixture(scope="session")
def lite_template() -> Replay:
    """New template run as in xlwings Lite on a blank workbook, replayed."""
    import functools

    import csat_xl.template
    from csat_xl.actions import documents

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(documents, "runs_in_browser", lambda: True)
        mp.setattr(csat_xl.template, "build_template", functools.partial(csat_xl.template.build_template, **SMALL_TEMPLATE))
        mp.setenv("CSAT_LANG", "zh")
        payload = blank_payload()
        return Replay(payload).apply(run_script("new_template", payload))


def test_new_template_adds_sheets_in_xlwings_lite(lite_template, template_zh):
    book = lite_template
    assert book.names() == ["Sheet1", *template_zh.sheetnames]
    assert book.active == book.names().index("说明")
    # our formulas arrive as formulas (not escaped as text), values as values
    results = book.rows("结果")
    expected = [[c.value for c in row] for row in template_zh["结果"].iter_rows()]
    formulas = [(r, c) for r, row in enumerate(expected) for c, v in enumerate(row) if isinstance(v, str) and v.startswith("=")]
    assert formulas and all(results[r][c] == expected[r][c] for r, c in formulas)
    hidden = {ws.title for ws in template_zh.worksheets if ws.sheet_state != "visible"}
    assert {s["name"] for s in book.sheets if s.get("visibility") == "Hidden"} == hidden
    assert {n for n, _ in book.names_added} == set(template_zh.defined_names.keys())
    # one value write per sheet however many rows
    assert book.counts["setValues"] == len(template_zh.sheetnames)


def replay_as_xlsx(book: Replay, path: Path, skip: tuple[str, ...] = ("Sheet1",)) -> Path:
    """The replayed workbook saved as .xlsx, cells read as Excel reads typed input:
    ``=…`` is a formula, a leading ``'`` makes the rest text."""
    from openpyxl.workbook.defined_name import DefinedName

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for s in book.sheets:
        if s["name"] in skip:
            continue
        ws = wb.create_sheet(s["name"])
        for (r, c), value in s["cells"].items():
            cell = ws.cell(r + 1, c + 1)
            if isinstance(value, str) and value.startswith("'"):
                cell.value, cell.data_type = value[1:], "s"
            else:
                cell.value = value
        if s.get("visibility") == "Hidden":
            ws.sheet_state = "hidden"
    for name, refers_to in book.names_added:
        wb.defined_names[name] = DefinedName(name, attr_text=refers_to.removeprefix("="))
    wb.save(path)
    return path


@pytest.mark.libreoffice
def test_lite_template_sheets_compute_the_worked_example_in_libreoffice(lite_template, soffice, tmp_path):
    """The sheets New template adds in Lite (formulas, names, hidden helpers)
    score METHOD.md §8 in a real spreadsheet engine, typed in as a user would."""
    from libreoffice import recalculate

    from csat_xl.template.builder import Builder

    book = copy.deepcopy(lite_template)
    for sheet, rows in worked_example_as_typed().items():
        cells = book.sheet(sheet)["cells"]
        for r, row in enumerate(rows, start=1):
            cells.update({(r, c): v for c, v in enumerate(row) if v is not None})
    done = recalculate(replay_as_xlsx(book, tmp_path / "lite_template.xlsx"), tmp_path / "out")
    ws = openpyxl.load_workbook(done, data_only=True)["结果"]
    finals = {row[0]: row[6] for row in ws.iter_rows(min_row=Builder.TABLE_HEADER_ROW + 1, values_only=True) if row[0]}
    assert finals.keys() == WORKED_FINAL.keys()
    for customer, final in WORKED_FINAL.items():
        assert finals[customer] == pytest.approx(final, abs=5e-3)


def test_new_template_in_lite_refuses_to_replace_survey_sheets(monkeypatch):
    from csat_xl.actions import documents
    from csat_xl.findings import CsatError

    monkeypatch.setattr(documents, "runs_in_browser", lambda: True)
    with pytest.raises(CsatError, match="新建一个空白工作簿"):
        run_script("new_template", officejs_payload(SAMPLE))


def test_scripts_are_registered_for_the_task_pane():
    meta = {m["function_name"]: m for m in xlwings.server.custom_scripts_meta(scripts)}
    assert set(meta) == set(scripts.SCRIPTS)
    assert meta["validate"]["name"] == "校验 Validate"


# --- classic desktop: a recording test double of xw.Book ----------------------------------------
class FakeRange:
    """Just enough of ``xw.Range``: reads from, and records writes to, its :class:`FakeSheet`."""

    def __init__(self, sheet: "FakeSheet", first: tuple[int, int], last: tuple[int, int] | None = None):
        self.sheet, self.first, self.last = sheet, first, last or first

    row = property(lambda self: self.first[0])
    column = property(lambda self: self.first[1])

    def options(self, **options):
        self.sheet.book.log.append(("options", self.sheet.name, options))
        return self

    @property
    def value(self):
        (r1, c1), (r2, c2) = self.first, self.last
        return [[self.sheet.cells.get((r, c)) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]

    @value.setter
    def value(self, rows):
        self.sheet.book.log.append(("value", self.sheet.name, self.first))
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                self.sheet.cells[(self.first[0] + i, self.first[1] + j)] = v

    def _format(self, kind, value):
        self.sheet.book.log.append((kind, self.sheet.name, self.first, self.last, value))

    number_format = property(None, lambda self, v: self._format("number_format", v))
    color = property(None, lambda self, v: self._format("color", v))
    column_width = property(None, lambda self, v: self._format("column_width", v))

    @property
    def font(self):
        rng = self

        class Font:
            bold = property(None, lambda _, v: rng._format("bold", v))
            size = property(None, lambda _, v: rng._format("size", v))

        return Font()

    def select(self):
        self.sheet.book.selection = (self.sheet.name, self.first)


class FakeSheet:
    def __init__(self, book: "FakeBook", name: str, cells: dict | None = None):
        self.book, self.name, self.cells = book, name, dict(cells or {})

    @property
    def used_range(self):
        if not self.cells:
            return FakeRange(self, (1, 1))
        rows, cols = [r for r, _ in self.cells], [c for _, c in self.cells]
        return FakeRange(self, (min(rows), min(cols)), (max(rows), max(cols)))

    def range(self, first, last=None):
        if isinstance(first, str):
            col, row = openpyxl.utils.cell.coordinate_from_string(first)
            first = (row, openpyxl.utils.column_index_from_string(col))
        return FakeRange(self, first, last)

    def clear(self):
        self.book.log.append(("clear", self.name))
        self.cells = {}

    def activate(self):
        self.book.active_sheet = self.name


class FakeSheets(list):
    def __init__(self, book):
        super().__init__()
        self.book = book

    def __getitem__(self, key):
        if isinstance(key, str):
            return next(s for s in self if s.name == key)
        return list.__getitem__(self, key)

    def add(self, name, after=None):
        self.book.log.append(("add", name))
        sheet = FakeSheet(self.book, name)
        self.insert(self.index(after) + 1 if after is not None else len(self), sheet)
        return sheet


class FakeBooks:
    def __init__(self):
        self.opened: list[str] = []
        self.active = None

    def open(self, path):
        self.opened.append(path)


class FakeApp:
    def __init__(self):
        self.books = FakeBooks()
        self.alerts: list[tuple[str, str]] = []
        self.engine = type("Engine", (), {"type": "desktop", "name": "excel"})()

    def alert(self, prompt, title=None, **_):
        self.alerts.append((title, prompt))


class FakeBook:
    """A desktop workbook as classic xlwings shows it, loaded from an .xlsx; records every write."""

    def __init__(self, path: Path, fullname: str | None = None, app: FakeApp | None = None):
        self.name = path.name
        self.fullname = fullname if fullname is not None else str(path)
        self.app = app or FakeApp()
        self.log: list[tuple] = []
        self.selection = None
        self.active_sheet = None
        self.sheets = FakeSheets(self)
        if path.exists():
            wb = openpyxl.load_workbook(path, data_only=True)
            for ws in wb.worksheets:
                cells = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None}
                self.sheets.append(FakeSheet(self, ws.title, cells))

    def writes(self, kind: str) -> list[tuple]:
        return [entry for entry in self.log if entry[0] == kind]


def _sheet_rows(sheet: FakeSheet) -> list[list[Any]]:
    return FakeRange(sheet, *(lambda u: (u.first, u.last))(sheet.used_range)).value


def test_classic_validate_writes_findings_into_the_book(workbooks):
    from csat_xl.actions import classic

    book = FakeBook(workbooks["bad"])
    findings = classic.validate(book)
    sheet = book.sheets[texts.FINDINGS_SHEET.zh]
    rows = _sheet_rows(sheet)
    cells = {shown(row[2]) for row in rows[4:]}
    assert {"问卷!D2", "问卷!E3", "问卷!F4"} <= cells
    assert len(rows) - 4 == len(findings)
    assert book.active_sheet == sheet.name and book.selection == (sheet.name, (1, 1))
    # only the survey sheets are read, errors as their text (err_to_str)
    assert sorted(name for _, name, _ in book.writes("options")) == sorted(worked_example())
    assert all(options.get("err_to_str") for _, _, options in book.writes("options"))
    # one value write per block
    assert len(book.writes("value")) == 2


@pytest.mark.libreoffice
def test_findings_links_show_their_address_in_libreoffice(workbooks, soffice, tmp_path):
    """The findings sheet as written (links are our formulas) evaluates to the addresses in a real engine."""
    from libreoffice import recalculate

    book = officejs(workbooks["bad"], "validate")
    name = texts.FINDINGS_SHEET.zh
    written = [shown(row[2]) for row in book.rows(name)[4:]]
    done = recalculate(replay_as_xlsx(book, tmp_path / "findings.xlsx"), tmp_path / "out")
    ws = openpyxl.load_workbook(done, data_only=True)[name]
    assert [row[2] for row in ws.iter_rows(min_row=5, values_only=True)] == written
    assert {"问卷!D2", "问卷!E3", "问卷!F4"} <= set(written)


def test_cell_links_escape_user_sheet_names():
    from csat_xl.actions.book_actions import cell_link

    assert cell_link("'It''s \"x\"'!B7") == '=HYPERLINK("#\'It\'\'s ""x""\'!B7","\'It\'\'s ""x""\'!B7")'
    assert shown(cell_link("'It''s \"x\"'!B7")) == "'It''s \"x\"'!B7"
    assert cell_link("指标") == "指标" and cell_link("questionnaire row 3, column 2") == "questionnaire row 3, column 2"


def test_classic_buttons_use_the_active_workbook_when_called_from_the_addin(workbooks, monkeypatch):
    from csat_xl.actions import classic

    user = FakeBook(workbooks["worked"])
    addin = FakeBook(Path("csat_xl.xlam"), fullname=r"C:\Users\q\AppData\Roaming\Microsoft\Excel\XLSTART\csat_xl.xlam", app=user.app)
    user.app.books.active = user
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: addin))
    classic.refresh_results()
    rows = _sheet_rows(user.sheets[texts.RESULTS_SHEET.zh])
    by_id = {r[0]: r for r in rows[1:]}
    assert by_id["C004"][6] == pytest.approx(WORKED_FINAL["C004"], abs=5e-4)
    assert addin.log == []
    # with no workbook open the button says so in a message box
    user.app.books.active = None
    monkeypatch.setenv("CSAT_LANG", "en")
    assert classic.validate() is None
    assert user.app.alerts == [("满意度 CSAT", texts.say("no_workbook", "en"))]


def test_classic_build_report_writes_the_report_next_to_the_workbook_and_opens_it(workbooks, tmp_path):
    from csat_xl.actions import classic
    from csat_xl.io.readers import file_sha256

    path = tmp_path / "工作簿.xlsx"
    path.write_bytes(workbooks["worked"].read_bytes())
    digest = file_sha256(path)
    book = FakeBook(path)
    out = classic.build_report(book)
    assert out == tmp_path / "工作簿_报告.xlsx"
    assert book.app.books.opened == [str(out)]
    report = openpyxl.load_workbook(out)
    assert {"概览", "客户", "方法"} <= set(report.sheetnames)
    values = [c for row in report["客户"].iter_rows(values_only=True) for c in row]
    assert "C004" in values
    assert file_sha256(path) == digest and book.writes("value") == []  # the survey is untouched


def test_classic_new_template_writes_a_free_file_and_opens_it(workbooks, tmp_path, monkeypatch):
    from csat_xl.actions import classic

    import functools

    import csat_xl.template

    monkeypatch.delenv("CSAT_LANG", raising=False)
    monkeypatch.setattr(csat_xl.template, "write_template", functools.partial(csat_xl.template.write_template, **SMALL_TEMPLATE))
    path = tmp_path / "2026Q2.xlsx"
    path.write_bytes(workbooks["worked"].read_bytes())
    book = FakeBook(path)
    first = classic.new_template(book)
    second = classic.new_template(book)
    assert (first.name, second.name) == ("满意度调查模板.xlsx", "满意度调查模板 (2).xlsx")
    assert book.app.books.opened == [str(first), str(second)]
    assert openpyxl.load_workbook(first, read_only=True).sheetnames[:3] == ["说明", "客户", "问卷"]


def test_classic_build_report_on_invalid_input_writes_no_file(workbooks, tmp_path):
    from csat_xl.actions import classic

    path = tmp_path / "bad.xlsx"
    path.write_bytes(workbooks["bad"].read_bytes())
    book = FakeBook(path)
    assert classic.build_report(book) is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.xlsx"]
    assert book.app.books.opened == []
    assert texts.FINDINGS_SHEET.zh in [s.name for s in book.sheets]


def test_classic_build_report_needs_a_saved_workbook(workbooks):
    from csat_xl.actions import classic
    from csat_xl.findings import OutputError

    book = FakeBook(workbooks["worked"], fullname="工作簿1")
    with pytest.raises(OutputError, match="保存"):
        classic.build_report.__wrapped__(book)
    # from the ribbon the message is a message box, not a traceback
    assert classic.build_report(book) is None
    (title, message), = book.app.alerts
    assert title == "满意度 CSAT" and "请先把工作簿 worked.xlsx 保存到文件夹" in message


def test_classic_import_functions_registers_the_udf_modules_in_the_addin(monkeypatch):
    import types

    from csat_xl.actions import classic

    calls = []
    fake_udfs = types.ModuleType("xlwings.udfs")  # the real one needs pywin32 (Windows)
    fake_udfs.import_udfs = lambda modules, workbook: calls.append((modules, workbook))
    monkeypatch.setitem(sys.modules, "xlwings.udfs", fake_udfs)
    addin = FakeBook(Path("csat_xl.xlam"))
    addin.api = object()  # the COM workbook xlwings hands to import_udfs
    addin.save = lambda: calls.append("saved")  # the add-in is saved, or the functions vanish on restart
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: addin))
    classic.import_functions()
    assert calls == [("csat_xl.excel", addin.api), "saved"]
    # the module named there is the one holding the Excel functions (issue 3)
    assert callable(importlib.import_module("csat_xl.excel").csat_scores)


# --- ribbon, VBA callbacks and the .xlam ---------------------------------------------------------------
CLASSIC = ROOT / "addin" / "classic"
CUSTOM_UI_NS = "{http://schemas.microsoft.com/office/2009/07/customui}"
ACTION_LABELS = ["生成报告 Build report", "新建模板 New template", "校验 Validate", "刷新结果 Refresh"]


def _ribbon_buttons() -> list:
    from xml.etree import ElementTree

    root = ElementTree.parse(CLASSIC / "customUI14.xml").getroot()
    tab = root.find(f"{CUSTOM_UI_NS}ribbon/{CUSTOM_UI_NS}tabs/{CUSTOM_UI_NS}tab")
    assert tab.get("label") == "满意度 CSAT"
    return list(tab.iter(f"{CUSTOM_UI_NS}button"))


def test_ribbon_buttons_and_their_vba_callbacks():
    import re

    buttons = _ribbon_buttons()
    # 合并 Consolidate is classic-only (issue 16: Server and Lite cannot read a folder)
    assert [b.get("label") for b in buttons] == [*ACTION_LABELS, "合并 Consolidate", "导入函数 Import functions"]
    vba = (CLASSIC / "csat_xl_ribbon.bas").read_bytes()
    vba.decode("ascii")  # the VBA editor imports modules in the ANSI code page
    subs = dict(re.findall(r"Sub (\w+)\(control As IRibbonControl\)\s*\n\s*RunPython \"([^\"]+)\"", vba.decode()))
    assert {b.get("onAction") for b in buttons} == set(subs)
    for command in subs.values():
        module, function = re.fullmatch(r"import ([\w.]+) as a; a\.(\w+)\(\)", command).groups()
        assert callable(getattr(importlib.import_module(module), function))


def test_inject_custom_ui_into_an_xlam(tmp_path):
    import zipfile
    from xml.etree import ElementTree

    from csat_xl.actions import xlam

    package = tmp_path / "csat_xl.xlam"
    package.write_bytes((Path(xw.__file__).parent / "quickstart_addin.xlam").read_bytes())
    before = {i.filename: i.CRC for i in zipfile.ZipFile(package).infolist()}
    ribbon = (CLASSIC / "customUI14.xml").read_bytes()
    xlam.inject_custom_ui(package, ribbon)
    xlam.inject_custom_ui(package, ribbon)  # rebuilding replaces, never duplicates
    with zipfile.ZipFile(package) as z:
        assert z.testzip() is None
        assert z.read(xlam.CUSTOM_UI_PART) == ribbon
        after = {i.filename: i.CRC for i in z.infolist()}
        rels = ElementTree.fromstring(z.read("_rels/.rels"))
        types = z.read("[Content_Types].xml").decode()
    assert set(after) == set(before) | {xlam.CUSTOM_UI_PART}
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    ui = [r for r in rels if r.get("Type") == xlam.CUSTOM_UI_REL_TYPE]
    assert [r.get("Target") for r in ui] == [xlam.CUSTOM_UI_PART]
    assert len({r.get("Id") for r in rels}) == len(rels)
    assert 'Extension="xml"' in types
    # a broken ribbon is refused and the add-in left as it was
    with pytest.raises(ElementTree.ParseError):
        xlam.inject_custom_ui(package, b"<customUI>")
    assert zipfile.ZipFile(package).read(xlam.CUSTOM_UI_PART) == ribbon


def test_vba_module_of_the_addin_names_the_project():
    from csat_xl.actions import xlam

    module = xlam.custom_addin_module()
    assert 'Public Const PROJECT_NAME As String = "csat_xl"' in module
    assert "Public Function RunPython(" in module


# --- csat-xl addin install -------------------------------------------------------------------------------
def test_install_copies_into_xlstart_and_sets_the_interpreter(tmp_path):
    from csat_xl.actions import install

    built = tmp_path / "dist" / "csat_xl.xlam"
    built.parent.mkdir()
    built.write_bytes(b"PK-addin")
    env = {"APPDATA": str(tmp_path / "Roaming"), "USERPROFILE": str(tmp_path / "home")}
    done = install.install(built, platform="win32", env=env, python=r"C:\Python311\python.exe")
    target = tmp_path / "Roaming" / "Microsoft" / "Excel" / "XLSTART" / "csat_xl.xlam"
    assert done.xlam == target and target.read_bytes() == b"PK-addin"
    config = tmp_path / "home" / ".csat_xl" / "csat_xl.conf"
    assert config.read_text(encoding="utf-8") == '"INTERPRETER_WIN","C:\\Python311\\python.exe"\n'
    # a second install keeps the user's choice
    again = install.install(built, platform="win32", env=env, python="other")
    assert again.python is None and config.read_text(encoding="utf-8").count("INTERPRETER_WIN") == 1


def test_cli_addin_install_branches(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from csat_xl.cli import app

    runner = CliRunner()
    monkeypatch.setattr(sys, "platform", "darwin")
    result = runner.invoke(app, ["addin", "install", "--lang", "en"])
    assert result.exit_code == 1 and "xlwings Lite" in result.output and "Windows" in result.output
    result = runner.invoke(app, ["addin", "install", "--lang", "zh"])
    assert result.exit_code == 1 and "只适用于 Windows" in result.output

    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("APPDATA", str(tmp_path / "Roaming"))
    monkeypatch.setenv("USERPROFILE", str(tmp_path / "home"))
    result = runner.invoke(app, ["addin", "install", "--xlam", str(tmp_path / "missing.xlam"), "--lang", "en"])
    assert result.exit_code == 1 and "not found" in result.output
    built = tmp_path / "csat_xl.xlam"
    built.write_bytes(b"PK")
    result = runner.invoke(app, ["addin", "install", "--xlam", str(built), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "Roaming" / "Microsoft" / "Excel" / "XLSTART" / "csat_xl.xlam").exists()
    assert "Restart Excel" in result.output


def test_refresh_on_a_hand_typed_workbook_matches_the_file_reader(tmp_path):
    """Task-pane actions read sheets typed by hand as the file reader does
    (WORKBOOK.md v2): alias sheet names, titles above the header, 序号,
    summary rows, lower-case and stray IDs."""
    from handmade import typed_by_hand

    path = tmp_path / "手工.xlsx"
    typed_by_hand(path)
    book = officejs(path, "refresh_results")
    rows = book.rows(texts.RESULTS_SHEET.zh)
    records = score(read_survey(path)).records()
    assert [r[0] for r in rows[1:]] == [r["customer_id"] for r in records] == ["C001", "C003", "C004"]
    for row, rec in zip(rows[1:], records):
        assert row[6] == (pytest.approx(rec["final"]) if rec["final"] is not None else None)
