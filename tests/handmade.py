"""Survey workbooks typed the way quality officers type them (WORKBOOK.md v2).

:func:`typed_by_hand` writes the data of a plain workbook description
(``{sheet: [header, row, …]}``, see :mod:`builders`) as a person builds it in
Excel: a merged title and a 填表人 / date row above every header, a 序号
column, sheets named as they like (问卷调查, 投诉统计 …), a 平均分 row of
AVERAGE formulas under the answers, a 合计 row with =COUNTA under the
complaints, a 合计 row of SUM formulas under the weights, IDs typed in another case, a respondent whose customer is not on
the 客户 sheet, weights typed as "40%", a header typed over two rows under
merged group headings.  Each shape is an option, so a test can switch one on
at a time; :class:`Layout` tells where the builder put things, so expected
findings name real cells.

Formulas are written without cached values (openpyxl cannot compute); tests
recalculate the files through LibreOffice to get them, as Excel would have
saved them — or keep them uncached on purpose.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from builders import REFERENCE_SCHEME, worked_example

#: The sheet names of the issue's "Done when" workbook.
ALIASES = {"指标": "指标体系", "客户": "客户名单", "问卷": "问卷调查", "走访": "走访记录", "投诉": "投诉统计"}
DATA_SHEETS = ("问卷", "走访", "投诉")
#: Group headings over the item columns (the scheme's categories).
GROUPS = [(row[0], i) for i, row in enumerate(REFERENCE_SCHEME[1:]) if row[0]]


def plain() -> dict[str, list[list[Any]]]:
    """The reference data in the plain format, with a 客户 sheet (the roster)."""
    book = worked_example()
    book["客户"] = [["客户编号", "客户名称", "区域"], ["C001", "甲公司", "华东"], ["C003", "丙公司", "华北"], ["C004", "丁公司", "华东"]]
    book["设置"] = [["参数", "值"], ["走访占比", 0.6], ["完成值", 80]]
    return book


@dataclass
class Layout:
    """Where the builder put things: sheet names and 1-based rows."""

    names: dict[str, str] = field(default_factory=dict)
    header_row: dict[str, int] = field(default_factory=dict)
    summary_cell: dict[str, str] = field(default_factory=dict)
    stray_cell: str | None = None
    formula_cells: dict[str, list[str]] = field(default_factory=dict)


def typed_by_hand(
    path: Path,
    book: dict[str, list[list[Any]]] | None = None,
    *,
    aliases: bool = True,
    title_rows: bool = True,
    serial: bool = True,
    average_row: bool = True,
    total_row: bool = True,
    weights_total: bool = True,
    other_case_ids: bool = True,
    stray_id: str | None = "X999",
    percent_weights: bool = False,
    percent_settings: bool = False,
    group_header: bool = False,
) -> Layout:
    """Write ``book`` (default :func:`plain`) as typed by hand; see the module doc."""
    book = copy.deepcopy(book or plain())
    layout = Layout()
    if other_case_ids:
        book["走访"][1][0] = book["走访"][1][0].lower()          # c001
        book["投诉"][3][0] = " " + book["投诉"][3][0].lower()    # " c004"
    if stray_id:
        book["问卷"].insert(2, [stray_id, "未登记公司", *([40] * (len(book["问卷"][0]) - 2))])
    if percent_weights:
        for row in book["指标"][1:]:
            if row[1] is not None:
                row[1] = f"{row[1]}%"
            row[3] = f"{row[3]}%"
    if percent_settings:
        book["设置"] = [["参数", "值"], ["走访占比", "60%"], ["完成值", "80%"]]
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for key, rows in book.items():
        name = ALIASES.get(key, key) if aliases else key
        layout.names[key] = name
        ws = workbook.create_sheet(name)
        header, data = list(rows[0]), [list(r) for r in rows[1:]]
        numbered = serial and key in DATA_SHEETS
        if numbered:
            header = ["序号", *header]
            data = [[i, *r] for i, r in enumerate(data, 1)]
        width = len(header)
        row = 1
        if title_rows:
            ws.cell(1, 1, f"2026年第二季度顾客满意度{name}").font = Font(size=16, bold=True)
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(width, 2))
            ws.cell(1, 1).alignment = Alignment(horizontal="center")
            ws.cell(2, 1, "填表人：王芳")
            ws.cell(2, min(width, 3) if width >= 3 else 2, "填表日期：2026年6月30日")
            row = 3
        id_col = header.index("客户编号") + 1 if "客户编号" in header else None
        if group_header and key == "问卷":
            first_item = header.index(REFERENCE_SCHEME[1][2]) + 1
            for col in range(1, first_item):
                ws.cell(row, col, header[col - 1])
                ws.merge_cells(start_row=row, start_column=col, end_row=row + 1, end_column=col)
            bounds = [i for _, i in GROUPS] + [len(REFERENCE_SCHEME) - 1]
            for (group, start), end in zip(GROUPS, bounds[1:]):
                ws.cell(row, first_item + start, group)
                ws.merge_cells(start_row=row, start_column=first_item + start, end_row=row, end_column=first_item + end - 1)
            for col in range(first_item, width + 1):
                ws.cell(row + 1, col, header[col - 1])
            row += 2
        else:
            for col, value in enumerate(header, 1):
                ws.cell(row, col, value).font = Font(bold=True)
            row += 1
        layout.header_row[key] = row - 1
        first_data = row
        for values in data:
            for col, value in enumerate(values, 1):
                ws.cell(row, col, value)
            if stray_id and key == "问卷" and values[id_col - 1] == stray_id:
                layout.stray_cell = f"{name}!{get_column_letter(id_col)}{row}"
            row += 1
        last_data = row - 1
        if average_row and key == "问卷":
            ws.cell(row, 1, "平均分")
            if numbered:
                ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
            layout.summary_cell[key] = f"{name}!A{row}"
            cells = []
            for col in range(header.index(REFERENCE_SCHEME[1][2]) + 1, width + 1):
                letter = get_column_letter(col)
                ws.cell(row, col, f"=AVERAGE({letter}{first_data}:{letter}{last_data})")
                cells.append(f"{letter}{row}")
            layout.formula_cells[key] = cells
            row += 1
        if weights_total and key == "指标":
            ws.cell(row, 1, "合计")
            cells = []
            for col in (2, 4):
                letter = get_column_letter(col)
                ws.cell(row, col, f"=SUM({letter}{first_data}:{letter}{last_data})")
                cells.append(f"{letter}{row}")
            layout.summary_cell[key] = f"{name}!A{row}"
            layout.formula_cells[key] = cells
            row += 1
        if total_row and key == "投诉":
            ws.cell(row, 1, "合计")
            letter = get_column_letter(id_col)
            ws.cell(row, id_col, f"=COUNTA({letter}{first_data}:{letter}{last_data})")
            layout.summary_cell[key] = f"{name}!A{row}"
            layout.formula_cells[key] = [f"{letter}{row}"]
    workbook.save(path)
    return layout
