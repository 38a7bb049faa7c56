"""Excel functions through xlwings' own call path (Office.js payloads).

The functions are registered with xlwings' public decorators; these tests
let xlwings itself build the metadata (``custom_functions_meta``) and make the
calls (``custom_functions_call``) with arguments shaped as Office.js sends
them: every argument a list of rows, ``""`` for blank cells, ``None`` for an
omitted optional argument, numbers as floats, dates as serial numbers.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from officejs_functions import NA, call, cell, rng, value_error  # noqa: F401 - sets the xlwings variables first

import xlwings  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

import csat_xl.excel  # noqa: E402
from builders import ITEMS, REFERENCE_SCHEME, worked_example  # noqa: E402
from csat_xl import labels  # noqa: E402
from csat_xl.cli import app  # noqa: E402
from csat_xl.excel import registry  # noqa: E402
from csat_xl.io.readers import read_tables  # noqa: E402
from csat_xl.scoring import score  # noqa: E402
from csat_xl.tables import survey_from_tables  # noqa: E402
from builders import tables  # noqa: E402

ROOT = Path(__file__).parent.parent
SAMPLES = sorted((ROOT / "sample_workbooks").glob("pvc_*.xlsx")) + [ROOT / "sample_workbooks" / "field_service_2026H1_en.xlsx"]
FUNCTIONS = ("CSAT_SCORES", "CSAT_SCORE", "CSAT_WEIGHTED", "CSAT_VISIT", "CSAT_BLEND", "CSAT_ADJUSTMENT",
             "CSAT_GRADE", "CSAT_WEIGHTS", "CSAT_VERSION")


# --- Office.js payloads ----------------------------------------------------------------
@pytest.fixture(scope="module")
def example():
    return worked_example()


@pytest.fixture(scope="module")
def example_scores(example):
    return score(survey_from_tables(tables(example))).customers.set_index("customer_id")


def rows_of(sheet, customer):
    """Item cells of a customer in a worked-example sheet."""
    header = sheet[0]
    start = header.index(ITEMS[0])
    return [r[start:start + len(ITEMS)] for r in sheet[1:] if r[0] == customer]


# --- registration ------------------------------------------------------------------------
def test_meta_lists_every_function_with_descriptions():
    meta = xlwings.server.custom_functions_meta(csat_xl.excel)
    by_name = {f["name"]: f for f in meta["functions"]}
    assert set(FUNCTIONS) <= set(by_name)
    for name in FUNCTIONS:
        function = by_name[name]
        # Classic Excel (MacroOptions) cuts descriptions at 255 characters.
        assert 20 < len(function["description"]) <= 255 and "\n" not in function["description"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in function["description"]), name  # has the Chinese term
        for param in function["parameters"]:
            assert not param["description"].startswith("Positional argument"), (name, param["name"])
            assert len(param["description"]) <= 255, (name, param["name"])
            assert any("\u4e00" <= ch <= "\u9fff" for ch in param["description"]), (name, param["name"])
    params = [p["name"] for p in by_name["CSAT_SCORES"]["parameters"]]
    assert params[:6] == ["scheme", "questionnaire", "visits", "complaints", "settings", "lang"]
    assert [p.get("optional", False) for p in by_name["CSAT_SCORES"]["parameters"]][:3] == [False, False, True]
    assert [p["name"] for p in by_name["CSAT_SCORE"]["parameters"]][:5] == [
        "scheme", "questionnaire", "visit", "complaint_outcomes", "settings"]


# --- CSAT_SCORES ---------------------------------------------------------------------------
@pytest.mark.parametrize("blank", ["", None], ids=["empty-string", "null"])
def test_scores_spill_the_worked_example(example, example_scores, blank):
    data = {"func_name": "csat_scores", "version": xlwings.__version__, "client": "Office.js", "runtime": "1.4",
            "args": [rng(example[s], blank) for s in ("指标", "问卷", "走访", "投诉")]}
    result = asyncio.run(xlwings.server.custom_functions_call(data, csat_xl.excel))
    header, *rows = result
    assert header == [labels.RESULT_COLUMN[k].zh for k in ("customer_id", "questionnaire", "visit", "preliminary", "adjustment", "final", "grade")]
    assert [r[0] for r in rows] == ["C001", "C003", "C004"]
    for row in rows:
        expected = example_scores.loc[row[0]]
        for value, key in zip(row[1:6], ("questionnaire", "visit", "preliminary", "adjustment", "final")):
            assert value == ("" if expected[key] != expected[key] else pytest.approx(expected[key], abs=1e-12))
    assert rows[0][5] == pytest.approx(73.518, abs=1e-3) and rows[0][6] == "满意"
    assert rows[1][2] == ""  # C003 not visited: a blank, not an error


def _sample_ranges(path):
    sheets = read_tables(path)
    return {name: [list(r) for r in table.rows] for name, table in sheets.items()}


@pytest.fixture(scope="module")
def cli_scores():
    runner = CliRunner()
    out = {}
    for path in SAMPLES:
        done = runner.invoke(app, ["score", str(path), "--format", "json"])
        assert done.exit_code == 0, done.output
        out[path.name] = json.loads(done.stdout)
    return out


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_scores_equal_the_cli_on_sample_workbooks(path, cli_scores):
    sheets = _sample_ranges(path)
    by_key = {labels.SHEETS[[s.key for s in labels.SHEETS].index(k)].key: n for n in sheets for k in [
        next((s.key for s in labels.SHEETS if n in (s.zh, s.en)), None)] if k}
    arg = lambda key: sheets[by_key[key]] if key in by_key else None  # noqa: E731
    result = call("CSAT_SCORES", arg("scheme"), arg("questionnaire"), arg("visits"), arg("complaints"),
                  arg("settings"), None, arg("scales"), arg("customers"))
    header, *rows = result
    expected = cli_scores[path.name]
    english = path.name.endswith("_en.xlsx")
    assert header[0] == labels.RESULT_COLUMN["customer_id"].text("en" if english else "zh")
    assert [str(r[0]) for r in rows] == [e["customer_id"] for e in expected]
    grade_key = {g.text("en" if english else "zh"): g.key for g in labels.GRADES}
    for row, e in zip(rows, expected):
        for value, key in zip(row[1:6], ("questionnaire", "visit", "preliminary", "adjustment", "final")):
            assert value == ("" if e[key] is None else e[key]), (row[0], key)
        assert (grade_key[row[6]] if row[6] else None) == (labels.GRADES[[g.zh for g in labels.GRADES].index(e["grade"])].key if e["grade"] else None)


def test_scores_report_every_bad_cell_by_position(example):
    sheets = worked_example()
    sheets["问卷"][2][3] = 120  # C003, 包装
    sheets["问卷"][3][2] = "好"  # C004, 品质
    message = value_error("CSAT_SCORES", sheets["指标"], sheets["问卷"], None, None, None, "en")
    assert "questionnaire row 3, column 4 (包装): 120 is outside 0–100" in message
    assert 'questionnaire row 4, column 3 (品质): "好" is not on scale 五级' in message
    zh = value_error("CSAT_SCORES", sheets["指标"], sheets["问卷"], None, None, None, "zh")
    assert "120 超出 0–100 范围" in zh


def test_error_values_in_ranges_are_reported_never_read_as_blanks(example):
    """A #N/A cell (e.g. a failed lookup) arrives from Office.js as an error
    object; it must be reported like in a workbook, not read as a blank."""
    questionnaire = rng(example["问卷"])
    questionnaire[1][4] = {"type": "Error", "errorType": "NotAvailable", "basicValue": "#N/A"}
    data = {"func_name": "csat_scores", "args": [rng(example["指标"]), questionnaire], "version": xlwings.__version__,
            "client": "Office.js", "runtime": "1.4"}
    with pytest.raises(xlwings.XlwingsError, match=r'questionnaire row 2, column 5 \(使用性\): "#N/A" is a formula error'):
        asyncio.run(xlwings.server.custom_functions_call(data, csat_xl.excel))


def test_scores_missing_column_and_bad_weight_are_reported_together():
    scheme = [list(r) for r in REFERENCE_SCHEME]
    scheme[2][3] = -1
    message = value_error("CSAT_SCORES", scheme, [["名称", *ITEMS], ["x", *([80] * 9)]])
    assert "scheme row 3, column 4: -1 is not a weight" in message
    assert "客户编号 / Customer ID" in message and " / " in message  # both languages without lang


# --- CSAT_SCORE -------------------------------------------------------------------------------
@pytest.mark.parametrize("customer", ["C001", "C003", "C004"])
def test_score_of_one_customer_equals_the_table_form(example, example_scores, customer):
    outcomes = [[r[1]] for r in example["投诉"][1:] if r[0] == customer] or None
    visit = rows_of(example["走访"], customer) or None
    result = call("CSAT_SCORE", example["指标"], rows_of(example["问卷"], customer), visit, outcomes, None)
    assert result == [[pytest.approx(example_scores.loc[customer, "final"], abs=1e-12)]]


def test_score_ignores_padding_rows_and_reads_item_headers(example, example_scores):
    """Ranges are often larger than the data: fully blank rows are neither
    respondents nor visits.  A first row naming the items sets the order."""
    questionnaire = rows_of(example["问卷"], "C001") + [[""] * 9]
    visit = [[""] * 9] + rows_of(example["走访"], "C001") + [[""] * 9]
    outcomes = [["基本满意"], [""], ["未处理"], [""]]
    expected = pytest.approx(example_scores.loc["C001", "final"], abs=1e-12)
    assert call("CSAT_SCORE", example["指标"], questionnaire, visit, outcomes, None) == [[expected]]
    reordered = [list(reversed(ITEMS)), list(reversed(rows_of(example["问卷"], "C001")[0]))]
    assert call("CSAT_SCORE", example["指标"], reordered, rows_of(example["走访"], "C001"), outcomes, None) == [[expected]]
    message = value_error("CSAT_SCORE", example["指标"], [list(reversed(ITEMS)), [80] * 8 + [101]])
    assert "questionnaire row 2, column 9 (品质): 101 is outside 0–100" in message


def test_score_accepts_a_weights_row_and_gives_na_without_data():
    weights = [[row[3] for row in REFERENCE_SCHEME[1:]]]
    assert call("CSAT_SCORE", weights, [[100] * 9])[0][0] == pytest.approx(100.0)
    assert call("CSAT_SCORE", weights, [[""] * 9], [[""] * 9]) == [[NA]]
    message = value_error("CSAT_SCORE", weights, [[80] * 8])
    assert "questionnaire has 8 columns but the scheme has 9 items" in message
    message = value_error("CSAT_SCORE", [[30, 0, "x"]], [[80] * 3])
    assert "scheme row 1, column 2: 0 is not a weight" in message and 'column 3: "x"' in message


# --- the steps ---------------------------------------------------------------------------------
def test_steps_compute_the_worked_example(example, example_scores):
    weights = [[row[3] for row in REFERENCE_SCHEME[1:]]]
    effective = call("CSAT_WEIGHTS", example["指标"], None, None)
    assert effective[0] == ["类别", "项目", "项目权重", "有效权重"]
    assert [r[3] for r in effective[1:4]] == [30.0, 10.0, 10.0]
    assert effective[4][3] == pytest.approx(6.154, abs=1e-3)
    effective_weights = [[r[3] for r in effective[1:]]]
    q = call("CSAT_WEIGHTED", rows_of(example["问卷"], "C001"), effective_weights)[0][0]
    assert q == pytest.approx(example_scores.loc["C001", "questionnaire"], abs=1e-12)
    assert call("CSAT_WEIGHTED", [[""] * 9], effective_weights) == [[NA]]
    v = call("CSAT_VISIT", rows_of(example["走访"], "C001"), effective_weights, None)[0][0]
    assert v == pytest.approx(79.4, abs=1e-9)
    assert call("CSAT_VISIT", [[""] * 9], weights, "很满意")[0][0] == pytest.approx(95.0)
    p = call("CSAT_BLEND", v, q, None)[0][0]
    assert p == pytest.approx(example_scores.loc["C001", "preliminary"], abs=1e-12)
    assert call("CSAT_BLEND", "", 70, 0.5) == [[70.0]]
    assert call("CSAT_BLEND", "", "", None) == [[NA]]
    assert call("CSAT_BLEND", [[80], [""]], [[60], [""]], 0.5) == [[70.0], [NA]]
    assert call("CSAT_ADJUSTMENT", [["基本满意"], ["未处理"], [""]], None) == [[-6.0]]
    assert call("CSAT_ADJUSTMENT", [["很满意", "unhandled"]], [["参数", "值"], ["投诉:未处理", -10]]) == [[-8.0]]
    assert call("CSAT_GRADE", [[73.5], [""], [90], [89.999]], "en") == [["satisfied"], [""], ["very satisfied"], ["satisfied"]]
    assert call("CSAT_GRADE", 39.9, None) == [["不满意"]]
    assert call("CSAT_VERSION") == [[csat_xl.__version__]]


def test_steps_refuse_bad_input_with_position_and_reason():
    assert "score row 2, column 1: 101 is not a number within 0–100" in value_error("CSAT_GRADE", [[50], [101]], None)
    assert 'lang: "fr" is not one of zh, en' in value_error("CSAT_GRADE", 50, "fr")
    assert "visit_share: 1.5 is not a number within 0–1" in value_error("CSAT_BLEND", 80, 70, 1.5)
    assert '"坏" is not a complaint outcome' in value_error("CSAT_ADJUSTMENT", [["满意"], ["坏"]], None)
    assert "outcomes row 2, column 1" in value_error("CSAT_ADJUSTMENT", [["满意"], ["坏"]], None)
    assert "weights row 1, column 2: -3 is not a weight" in value_error("CSAT_WEIGHTED", [[80, 70]], [[1, -3]])
    assert "visit has 2×1 cells, questionnaire has 3×1" in value_error("CSAT_BLEND", [[80], [70]], [[1], [2], [3]], None)


# --- hosts ----------------------------------------------------------------------------------------
def test_classic_host_shows_the_message_as_text_never_a_traceback(monkeypatch):
    """Classic COM UDFs cannot attach a message to an error value: the cell
    shows ``#VALUE! <message>``; blanks arrive as None."""
    monkeypatch.setattr(registry, "_classic_host", lambda: True)
    result = csat_xl.excel.csat_grade([[50.0], [101.0]], None)
    assert result.startswith("#VALUE! score row 2, column 1: 101")
    assert csat_xl.excel.csat_blend(None, None, None) == "#N/A"
    assert csat_xl.excel.csat_weighted([[80.0, None]], [[1.0, 3.0]]) == 80.0


def test_unexpected_failures_never_show_a_traceback(monkeypatch):
    monkeypatch.setattr(csat_xl.excel.functions, "score", lambda survey: 1 / 0)
    message = value_error("CSAT_SCORES", REFERENCE_SCHEME, [["客户编号", *ITEMS], ["x", *([80] * 9)]])
    assert message.startswith("unexpected failure (ZeroDivisionError") and "Traceback" not in message


def test_package_imports_without_xlwings_variables_or_windows_modules():
    """Also without python-calamine, as in Pyodide (xlwings Lite)."""
    code = (
        "import sys\n"
        "for name in ('win32com', 'win32com.client', 'pythoncom', 'pywintypes', 'win32api', 'python_calamine'):\n"
        "    sys.modules[name] = None  # any import of them fails\n"
        "import csat_xl.excel as x\n"
        "assert not hasattr(x.csat_scores, '__xlfunc__')\n"
        "print(x.csat_grade(95.0), x.csat_version())\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == "很满意"


# --- deployment files and the demo workbook ------------------------------------------------------
def test_lite_main_registers_every_function():
    """xlwings Lite reads the functions from the editor's main.py module."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("lite_main", ROOT / "addin" / "lite" / "main.py")
    main = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(main)
    names = {f["name"] for f in xlwings.server.custom_functions_meta(main)["functions"]}
    assert names == {f["name"] for f in xlwings.server.custom_functions_meta(csat_xl.excel)["functions"]}


DEMO = ROOT / "sample_workbooks" / "functions_demo_zh.xlsx"


def _demo_cells():
    """Every live formula of the demo with its expected value(s) and argument ranges."""
    import openpyxl

    sys.path.insert(0, str(ROOT / "sample_workbooks"))
    import make_functions_demo as demo

    book = openpyxl.load_workbook(DEMO)
    sheets = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}
    sheet = book["函数示例"]
    cases = []
    for row in sheet.iter_rows():
        for c in row:
            value = c.value
            text = value.text if hasattr(value, "text") else value
            if not (isinstance(text, str) and text.startswith("=CSAT_")) or c.data_type == "s":
                continue
            args = [demo.argument_value(a, sheets) for a in demo.split_args(text)]
            if hasattr(value, "ref"):  # spilled: the expected block sits two columns right of the result
                first, last = value.ref.split(":")
                height = sheet[last].row - sheet[first].row + 1
                width = sheet[last].column - sheet[first].column + 1
                expected = [[sheet.cell(row=c.row + r, column=width + 3 + k).value for k in range(width)] for r in range(height)]
            else:
                expected = [[sheet.cell(row=c.row, column=c.column + 1).value]]
            cases.append((text, args, expected))
    return cases


def test_demo_workbook_formulas_compute_the_expected_values():
    cases = _demo_cells()
    assert {t[1:t.index("(")] for t, _, _ in cases} == set(FUNCTIONS)
    for text, args, expected in cases:
        result = call(text[1:text.index("(")], *args)
        assert len(result) == len(expected), text
        for got_row, want_row in zip(result, expected):
            for got, want in zip(got_row, want_row):
                want = "" if want is None else want
                assert got == (pytest.approx(want, abs=1e-9) if isinstance(want, (int, float)) else want), text


def test_demo_workbook_is_current(tmp_path):
    """The committed demo matches what the generator writes today."""
    import openpyxl

    sys.path.insert(0, str(ROOT / "sample_workbooks"))
    import make_functions_demo as demo

    fresh = demo.build(tmp_path / demo.NAME)
    read = lambda p: [[getattr(v, "text", v) for v in r] for ws in openpyxl.load_workbook(p).worksheets  # noqa: E731
                      for r in ws.iter_rows(values_only=True)]
    assert read(fresh) == read(DEMO)


@pytest.mark.libreoffice
def test_demo_workbook_in_a_spreadsheet_engine_without_the_functions(soffice, tmp_path):
    """LibreOffice (no csat-xl functions, like Excel without the add-in or WPS):
    the formula texts stay text, every live formula is #NAME? (not #REF!: the
    sheet references are valid), array formulas cover the whole result, and
    the expected values survive a full recalculation."""
    import openpyxl
    from libreoffice import recalculate

    out = recalculate(DEMO, tmp_path)
    before = openpyxl.load_workbook(DEMO)["函数示例"]
    after = openpyxl.load_workbook(out, data_only=True)["函数示例"]
    live = 0
    for row in before.iter_rows():
        for c in row:
            value = c.value
            text = getattr(value, "text", value)
            got = after[c.coordinate].value
            if isinstance(text, str) and text.startswith("=CSAT_") and c.data_type == "s":
                assert got == text  # shown as text, never evaluated
            elif hasattr(value, "ref"):
                cells = [x.value for r in after[value.ref] for x in r]
                assert cells and set(cells) == {"#NAME?"}, value.ref
                live += 1
            elif isinstance(text, str) and text.startswith("="):
                assert got == "#NAME?", c.coordinate
                live += 1
            elif isinstance(value, (int, float)):
                assert got == pytest.approx(value)
    assert live == len(_demo_cells())


def test_classic_config_uses_the_keys_xlwings_reads():
    """addin/classic: the config keys are those xlwings' own VBA add-in reads,
    and UDF Modules names the package that holds every function."""
    import csv
    import importlib

    main_bas = (Path(xlwings.__file__).parent / "addin" / "Main.bas").read_text(encoding="utf-8", errors="replace")
    conf = dict(csv.reader((ROOT / "addin" / "classic" / "excel_functions.xlwings.conf").read_text().splitlines()))
    for key in conf:
        assert f'GetConfig("{key}"' in main_bas, key
    module = importlib.import_module(conf["UDF MODULES"])
    assert {f["name"] for f in xlwings.server.custom_functions_meta(module)["functions"]} >= set(FUNCTIONS)


# --- property: the array form, the single form and the engine agree -------------------------------
from hypothesis import given, settings as hsettings, strategies as st  # noqa: E402

_answer = st.one_of(st.none(), st.integers(0, 100), st.sampled_from(["很满意", "满意", "比较满意", "比较不满意", "不满意", "satisfied"]))
_grade = st.one_of(st.none(), st.none(), st.sampled_from(["很满意", "满意", "比较满意", "比较不满意", "不满意"]), st.integers(20, 100))
_customer = st.sampled_from(["C1", "C2", "C3", 4])


@given(
    st.lists(st.tuples(_customer, st.lists(_answer, min_size=9, max_size=9)), max_size=6),
    st.lists(st.tuples(_customer, st.lists(_grade, min_size=9, max_size=9)), max_size=4),
    st.lists(st.tuples(_customer, st.sampled_from(["未处理", "不满意", "不太满意", "基本满意", "满意", "很满意"])), max_size=4),
)
@hsettings(max_examples=15, deadline=None)
def test_array_form_single_form_and_engine_agree(answers, visits, complaints):
    sheets = {
        "指标": REFERENCE_SCHEME,
        "问卷": [["客户编号", *ITEMS], *([cid, *cells] for cid, cells in answers)],
        "走访": [["客户编号", *ITEMS], *([cid, *cells] for cid, cells in visits)],
        "投诉": [["客户编号", "处理结果"], *([cid, outcome] for cid, outcome in complaints)],
    }
    engine = score(survey_from_tables(tables(sheets))).customers.set_index("customer_id")
    header, *rows = call("CSAT_SCORES", *(sheets[s] for s in ("指标", "问卷", "走访", "投诉")), None, None)
    assert [str(r[0]) for r in rows] == list(engine.index)
    for row in rows:
        key = str(row[0])
        final = engine.loc[key, "final"]
        assert row[5] == ("" if final != final else pytest.approx(final, abs=1e-9))
        mine = lambda pairs: [cells for cid, cells in pairs if str(cid) == key] or None  # noqa: E731
        outcomes = [[o] for cid, o in complaints if str(cid) == key] or None
        single = call("CSAT_SCORE", REFERENCE_SCHEME, mine(answers), mine(visits), outcomes, None)[0][0]
        # A visit where nothing was raised is an all-blank row: CSAT_SCORE reads
        # it as padding, the Visits sheet as a visit (every item 满意).
        if any(all(c is None for c in cells) for cid, cells in visits if str(cid) == key):
            continue
        assert single == (NA if final != final else pytest.approx(final, abs=1e-9)), key


def test_scores_read_ranges_typed_by_hand_like_the_workbook_reader():
    """Titles above the header, a 序号 column, a 平均分 row, a 合计 row, a
    lower-case ID and an ID not on the 客户 range: =CSAT_SCORES() gives what
    the plain tables give (WORKBOOK.md v2, the same rules as a workbook)."""
    from handmade import plain

    book = plain()
    titled = lambda rows: [["2026年第二季度顾客满意度调查"], ["填表人：王芳", None, "日期：2026-06-30"], *rows]  # noqa: E731
    questionnaire = [["序号", *book["问卷"][0]], *([i, *r] for i, r in enumerate(book["问卷"][1:], 1)),
                     [None, "X999", "未登记", *([40] * len(ITEMS))], ["平均分", None, None, *([70] * len(ITEMS))]]
    visits = [list(r) for r in book["走访"]]
    visits[1][0] = "c001"
    complaints = [*book["投诉"], ["合计", 3]]
    result = call("CSAT_SCORES", titled(book["指标"]), titled(questionnaire), titled(visits), titled(complaints),
                  titled(book["设置"]), None, None, titled(book["客户"]))
    expected = call("CSAT_SCORES", book["指标"], book["问卷"], book["走访"], book["投诉"], book["设置"], None, None, book["客户"])
    assert result == expected and [r[0] for r in result[1:]] == ["C001", "C003", "C004"]
    header_missing = value_error("CSAT_SCORES", book["指标"], titled([["编号", *ITEMS], ["C001", *([80] * 9)]]))
    assert "客户编号 / Customer ID" in header_missing and "questionnaire" in header_missing
