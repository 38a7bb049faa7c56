"""Workbook text is printed literally, CSV never carries a live formula, JSON is strict (CLI.md v2).

The workbook is valid and carries hostile text in every text column:
console markup (``[/]x`` used to crash rich), a terminal hyperlink, ESC
sequences that set the title and clear the screen, and the OWASP CSV
injection payloads.  Numbers at the edge (weights 9e307, adjustments
-9e307) must not overflow into an exception or into ``-Infinity``.
"""

from __future__ import annotations

import copy
import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest

from builders import worked_example
from test_hostile import run_limited

from csat_xl.untrusted import FORMULA_START, csv_text, strict_json, visible

MARKUP = "[/]x"
LINK = "[link=file:///etc/passwd]click[/link]"
ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x1b[31mred"
#: how Excel stores ESCAPES in the file (control characters are not allowed in XML)
STORED_ESCAPES = "_x001B_]0;pwned_x0007__x001B_[2J_x001B_[31mred"
PAYLOADS = ["=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "+1+1", "-2+3+cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


def write_text_xlsx(sheets: dict[str, list[list]], path: Path) -> Path:
    """Like builders.write_xlsx, but every str is a text cell (openpyxl would make '=…' a formula)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = sheet.cell(r, c)
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"
    book.save(path)
    return path


def hostile_book() -> dict[str, list[list]]:
    book = worked_example()
    texts = [MARKUP, LINK, STORED_ESCAPES, *PAYLOADS]
    questionnaire = book["问卷"]
    questionnaire[0] = [*questionnaire[0][:2], "受访人", *questionnaire[0][2:]]
    for i, row in enumerate(questionnaire[1:], start=1):
        row.insert(2, texts[i % len(texts)])
    # every customer ID and name hostile; the same IDs on the other sheets
    ids = {"C001": PAYLOADS[0], "C003": MARKUP, "C004": PAYLOADS[2]}
    names = {"C001": STORED_ESCAPES, "C003": LINK, "C004": PAYLOADS[1]}
    for sheet in ("问卷", "走访", "投诉"):
        for row in book[sheet][1:]:
            old = row[0]
            row[0] = ids[old]
            if sheet == "问卷":
                row[1] = names[old]
    book["投诉"][0] += ["投诉编号", "投诉类别", "产品", "区域", "责任部门", "描述"]
    for i, row in enumerate(book["投诉"][1:]):
        row += [texts[(i + k) % len(texts)] for k in range(6)]
    return book


@pytest.fixture(scope="module")
def hostile_workbook(tmp_path_factory) -> Path:
    return write_text_xlsx(hostile_book(), tmp_path_factory.mktemp("untrusted") / "hostile.xlsx")


def _edge_numbers(tmp_path: Path) -> tuple[Path, Path]:
    weights = copy.deepcopy(worked_example())  # worked_example shares the reference scheme's lists
    weights["指标"][1][3] = 9e307  # an item weight
    adjustments = copy.deepcopy(worked_example())
    adjustments["设置"] = [["参数", "值"], ["投诉:未处理", -9e307]]
    return write_text_xlsx(weights, tmp_path / "weights.xlsx"), write_text_xlsx(adjustments, tmp_path / "adjust.xlsx")


def test_hostile_text_in_every_format(hostile_workbook, tmp_path):
    weights, adjustments = _edge_numbers(tmp_path)
    commands = [["score", str(hostile_workbook), "--lang", lang, "-f", fmt] for fmt in ("table", "csv", "json") for lang in ("zh", "en")]
    commands += [["validate", str(hostile_workbook), "--lang", "en"],
                 ["score", str(hostile_workbook), "--stats", "--lang", "en"],
                 ["report", str(hostile_workbook), "-o", str(tmp_path / "r.xlsx"), "--lang", "zh"]]
    commands += [["score", str(p), "-f", fmt, "--lang", "en"] for p in (weights, adjustments) for fmt in ("json", "csv", "table")]
    for args, result in zip(commands, run_limited(commands)):
        assert result["exit"] in (0, 2), (args, result)
        everything = result["stdout"] + result["stderr"]
        assert "Traceback" not in everything and "\x1b" not in everything and "\x07" not in everything, args
        if result["exit"] == 2:
            assert result["stderr"].strip(), args
            continue
        if "-f" in args and args[args.index("-f") + 1] == "json":
            json.loads(result["stdout"], parse_constant=lambda name: pytest.fail(f"{name} in JSON: {args}"))
        elif "-f" in args and args[args.index("-f") + 1] == "csv":
            for row in csv.reader(io.StringIO(result["stdout"])):
                for field in row:
                    assert not field.startswith(FORMULA_START) or _is_number(field), (args, field)
        elif args[0] == "score":
            assert "\\x1b]0;pwned" in result["stdout"] or "weights" in args[1] or "adjust" in args[1]
    table = run_limited([["score", str(hostile_workbook), "--lang", "en"]])[0]
    assert table["exit"] == 0, table
    assert MARKUP in table["stdout"] and "[link=file:///etc/passwd]click[/link]" in table["stdout"]
    assert "'=cmd|" not in table["stdout"] and "=cmd|' /C calc'!A0" in table["stdout"]  # the console shows text as it is


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_report_from_hostile_text_has_no_formula(hostile_workbook, tmp_path):
    out = tmp_path / "report.xlsx"
    done = run_limited([["report", str(hostile_workbook), "-o", str(out), "--lang", "en"]])[0]
    assert done["exit"] == 0, done
    book = openpyxl.load_workbook(out)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and any(p.strip() in cell.value for p in PAYLOADS[:2]):
                    assert cell.data_type == "s", (sheet.title, cell.coordinate, cell.value)


def test_both_engines_decode_stored_escapes_alike(hostile_workbook):
    from csat_xl.io.readers import read_tables

    names = [read_tables(hostile_workbook, engine=e)["问卷"].rows[1][1] for e in ("calamine", "openpyxl")]
    assert names == [ESCAPES, ESCAPES]


def test_helpers():
    assert visible("a\x1b[2Jb\u202ec\td\ne") == "a\\x1b[2Jb\\u202ec\td\ne"
    assert visible("a\tb\nc", keep_newlines=False) == "a\\x09b\\x0ac"
    assert [csv_text(p)[0] for p in PAYLOADS] == ["'"] * len(PAYLOADS)
    assert csv_text("\r=1+1") == "'\\x0d=1+1" and csv_text("a\x1bb") == "a\\x1bb"
    assert csv_text(-5.0) == -5.0 and csv_text("C001") == "C001" and csv_text("") == ""
    assert strict_json({"a": float("-inf"), "b": [float("nan"), 1.5]}) == '{"a": null, "b": [null, 1.5]}'


def test_both_engines_decode_inline_string_escapes_alike(hostile_workbook, tmp_path):
    """Programs write inline strings (``t="inlineStr"``); their ``_xHHHH_`` escapes
    mean the same as in shared strings (python-calamine decodes only the latter)."""
    from hostile import edit_sheet, set_cell_xml, text_cell

    from csat_xl.io.readers import read_tables

    typed = {"B2": "_x001B_]0;x_x000D_y", "B3": "_x005F_x000D_ stays", "B4": "plain _x text"}
    wanted = {"B2": "\x1b]0;x\ry", "B3": "_x000D_ stays", "B4": "plain _x text"}

    def edit(xml: str) -> str:
        for ref, text in typed.items():
            xml = set_cell_xml(xml, ref, text_cell(ref, text))
        return xml

    inline = edit_sheet(hostile_workbook, tmp_path / "inline.xlsx", "问卷", edit)
    for engine in ("calamine", "openpyxl"):
        rows = read_tables(inline, engine=engine)["问卷"].rows
        assert [rows[r][1] for r in (1, 2, 3)] == list(wanted.values()), engine
