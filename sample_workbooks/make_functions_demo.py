"""Write functions_demo_zh.xlsx: the csat-xl Excel functions used in cells.

    python sample_workbooks/make_functions_demo.py [--out DIR]

The data are the METHOD.md §8 worked example (C001, C003, C004) plus C002
(visited, no questionnaire) and C005 (a complaint only: not scored), so the
numbers can be checked against the method.  Sheet 函数示例 shows, per
function, what it does, its formula as text (to copy), the live formula and
the value csat-xl computed when the file was built (预期值), so users see at
once whether their add-in computes the same.

Spilled results (CSAT_SCORES, CSAT_WEIGHTS) are written as classic array
formulas over the result's exact size: every host and Excel version keeps
them whole (a plain formula written by a tool would open in Excel 365 as
``=@CSAT_SCORES(…)``, one cell).  Typed by hand in Excel 365 they spill.

Without an xlwings host the live cells show ``#NAME?``; in xlwings Server
retype them with the add-in's namespace (default ``=XLWINGS.CSAT_SCORES``).
See docs/excel.md.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import csat_xl.excel as functions  # noqa: E402
from csat_xl.io.atomic import atomic_output  # noqa: E402

NAME = "functions_demo_zh.xlsx"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
FORMULA_FONT = Font(name="Consolas", color="1F4E79")
ITEMS = ["品质", "包装", "使用性", "接待", "程序", "价格和付款", "运输", "问题处理", "技术支持和服务"]

SHEETS: dict[str, list[list]] = {
    "指标": [
        ["类别", "类别权重", "项目", "项目权重"],
        ["产品质量", 50, "品质", 30],
        [None, None, "包装", 10],
        [None, None, "使用性", 10],
        ["购销过程", 20, "接待", 8],
        [None, None, "程序", 8],
        [None, None, "价格和付款", 10],
        ["相关服务", 30, "运输", 8],
        [None, None, "问题处理", 12],
        [None, None, "技术支持和服务", 10],
    ],
    "问卷": [
        ["客户编号", "客户名称", *ITEMS],
        ["C001", "甲公司", 85, 70, 90, 80, 75, 60, 88, 65, 92],
        ["C003", "丙公司", "满意", "很满意", None, 70, 72, 55, 90, 80, 85],
        ["C004", "丁公司", *([100] * 9)],
    ],
    "走访": [
        ["客户编号", "走访日期", *ITEMS],
        ["C001", "2026-05-12", "很满意", "比较满意", None, None, None, None, None, "比较不满意", None],
        ["C004", "2026-05-20", "很满意", *([None] * 8)],
        ["C002", "2026-06-03", "满意", "满意", "比较满意", None, None, "不满意", None, None, None],
    ],
    "投诉": [
        ["客户编号", "处理结果"],
        ["C001", "基本满意"],
        ["C001", "未处理"],
        ["C004", "很满意"],
        ["C005", "不太满意"],
    ],
}

#: (function, 说明 / what it shows, formula) — scalar results, one per row.
SINGLE = [
    ("CSAT_SCORE", "C001 最终得分（问卷+走访+2 条投诉）· C001 final score", '=CSAT_SCORE(指标!A1:D10,问卷!C2:K2,走访!C2:K2,投诉!B2:B3)'),
    ("CSAT_SCORE", "C003 未走访：P = Q · C003 not visited", '=CSAT_SCORE(指标!A1:D10,问卷!C3:K3)'),
    ("CSAT_SCORE", "C004 最终得分 · C004 final score", '=CSAT_SCORE(指标!A1:D10,问卷!C4:K4,走访!C3:K3,投诉!B4)'),
    ("CSAT_SCORE", "只有项目权重一行也可以 · a row of item weights instead of the scheme", '=CSAT_SCORE({30,10,10,8,8,10,8,12,10},问卷!C4:K4)'),
    ("CSAT_WEIGHTED", "C001 问卷加权平均（按项目权重）· questionnaire mean, declared item weights", '=CSAT_WEIGHTED(问卷!C2:K2,指标!D2:D10)'),
    ("CSAT_VISIT", "C001 走访估算，未提及按满意 · visit estimate, items not raised = 满意", '=CSAT_VISIT(走访!C2:K2,指标!D2:D10)'),
    ("CSAT_BLEND", "初步满意度 0.6·V + 0.4·Q · preliminary score", '=CSAT_BLEND(80,70)'),
    ("CSAT_ADJUSTMENT", "C001 投诉加减分 · complaint adjustment", '=CSAT_ADJUSTMENT(投诉!B2:B3)'),
    ("CSAT_GRADE", "等级 · grade", '=CSAT_GRADE(73.5)'),
    ("CSAT_GRADE", "英文等级 · grade in English", '=CSAT_GRADE(92.7,"en")'),
    ("CSAT_VERSION", "计算用的 csat-xl 版本 · csat-xl version", '=CSAT_VERSION()'),
]
#: Spilled results: (function, 说明, formula).
SPILLED = [
    ("CSAT_SCORES", "全部客户得分（空白 = 无得分）· every customer (blank = no score)",
     '=CSAT_SCORES(指标!A1:D10,问卷!A1:K4,走访!A1:K4,投诉!A1:B5)'),
    ("CSAT_WEIGHTS", "有效权重（购销过程 26 → 20 按比例调整）· effective weights", '=CSAT_WEIGHTS(指标!A1:D10)'),
]

_REF = re.compile(r"^(?P<sheet>[^!]+)!(?P<range>[A-Z]+\d+(?::[A-Z]+\d+)?)$")


def split_args(text: str) -> list[str]:
    """Top-level arguments of ``=NAME(a,b,…)`` (no nested calls in this demo)."""
    inner = text[text.index("(") + 1:text.rindex(")")]
    args, depth, current = [], 0, ""
    for ch in inner:
        if ch in "{(":
            depth += 1
        elif ch in "})":
            depth -= 1
        if ch == "," and depth == 0:
            args.append(current)
            current = ""
        else:
            current += ch
    return [a.strip() for a in args + [current] if a.strip()] if inner.strip() else []


def argument_value(arg: str, sheets: dict[str, list[list]]):
    """What Excel hands the function for one argument of these formulas."""
    match = _REF.match(arg)
    if match:
        rows = sheets[match["sheet"]]
        first, _, last = match["range"].partition(":")
        (c1, r1), (c2, r2) = _cell(first), _cell(last or first)
        return [[(rows[r][c] if r < len(rows) and c < len(rows[r]) else None) for c in range(c1, c2 + 1)]
                for r in range(r1, r2 + 1)]
    if arg.startswith("{"):
        return [[float(x) for x in arg.strip("{}").split(",")]]
    if arg.startswith('"'):
        return arg.strip('"')
    return float(arg)


def _cell(ref: str) -> tuple[int, int]:
    letters = re.match(r"[A-Z]+", ref).group()
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return col - 1, int(ref[len(letters):]) - 1


def compute(formula: str, sheets: dict[str, list[list]]):
    """The value csat-xl computes for one of the demo formulas (plain Python call)."""
    name = formula[1:formula.index("(")].lower()
    return getattr(functions, name)(*(argument_value(a, sheets) for a in split_args(formula)))


def _as_text(cell, text: str) -> None:
    """A formula shown as text: stored as a string, never evaluated."""
    cell.value = text
    cell.data_type = "s"
    cell.font = FORMULA_FONT


def build(path: Path) -> Path:
    book = openpyxl.Workbook()
    demo = book.active
    demo.title = "函数示例"
    for name, rows in SHEETS.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for cell in sheet[1]:
            cell.fill, cell.font = HEADER_FILL, Font(bold=True)
        sheet.column_dimensions["B"].width = 12
    demo["A1"] = "csat-xl 函数示例 · Excel functions demo"
    demo["A1"].font = Font(bold=True, size=14)
    demo["A2"] = ("需要加载 csat_xl.excel 的 xlwings Lite、xlwings Server 或经典 xlwings（见 docs/excel.md）；未加载时公式显示 #NAME?。"
                  "xlwings Server 中函数名带命名空间，例如 =XLWINGS.CSAT_SCORES(…)。")
    demo["A3"] = ("Needs xlwings Lite, xlwings Server or classic xlwings with csat_xl.excel (docs/excel.md); without it the "
                  "formulas show #NAME?. In xlwings Server type the add-in's namespace, e.g. =XLWINGS.CSAT_SCORES(…). "
                  "预期值 / Expected = what csat-xl computed when this file was built.")
    header = ["函数 Function", "说明 What it shows", "公式 Formula", "结果 Result", "预期值 Expected"]
    for col, text in enumerate(header, start=1):
        cell = demo.cell(row=5, column=col, value=text)
        cell.fill, cell.font = HEADER_FILL, Font(bold=True)
    row = 6
    for function, what, formula in SINGLE:
        demo.cell(row=row, column=1, value=function)
        demo.cell(row=row, column=2, value=what)
        _as_text(demo.cell(row=row, column=3), formula)
        demo.cell(row=row, column=4, value=formula)
        demo.cell(row=row, column=5, value=compute(formula, SHEETS))
        row += 1
    for function, what, formula in SPILLED:
        row += 1
        demo.cell(row=row, column=1, value=function).font = Font(bold=True)
        demo.cell(row=row, column=2, value=what)
        _as_text(demo.cell(row=row, column=3), formula)
        result = compute(formula, SHEETS)
        height, width = len(result), len(result[0])
        row += 1
        demo.cell(row=row, column=1, value="结果 Result")
        demo.cell(row=row, column=2 + width + 1, value="预期值 Expected")
        top = row + 1
        ref = f"A{top}:{get_column_letter(width)}{top + height - 1}"
        demo[f"A{top}"] = ArrayFormula(ref, formula)
        for r, values in enumerate(result):
            for c, value in enumerate(values):
                demo.cell(row=top + r, column=2 + width + 1 + c, value=value)
        row = top + height
    demo.column_dimensions["A"].width = 16
    demo.column_dimensions["B"].width = 46
    demo.column_dimensions["C"].width = 64
    for r in range(6, row + 1):
        demo.cell(row=r, column=2).alignment = Alignment(wrap_text=False)
    with atomic_output(path) as temp:
        book.save(temp)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args()
    print(build(args.out / NAME))


if __name__ == "__main__":
    main()
