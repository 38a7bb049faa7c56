"""Build survey workbooks for tests from plain Python tables.

Tests describe a workbook as ``{sheet name: [header, row, row, …]}`` and get
either the :class:`~csat_xl.tables.Table` grids (no file) or an .xlsx file
written with openpyxl, so the same description drives the parser and both
file readers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl

from csat_xl.tables import Table

REFERENCE_SCHEME = [
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
]
ITEMS = [row[2] for row in REFERENCE_SCHEME[1:]]


def worked_example() -> dict[str, list[list[Any]]]:
    """METHOD.md §8: customers C001, C003, C004."""
    return {
        "指标": REFERENCE_SCHEME,
        "问卷": [
            ["客户编号", "客户名称", *ITEMS],
            ["C001", "甲公司", 85, 70, 90, 80, 75, 60, 88, 65, 92],
            ["C003", "丙公司", "满意", "很满意", None, 70, 72, 55, 90, 80, 85],
            ["C004", "丁公司", *([100] * 9)],
        ],
        "走访": [
            ["客户编号", "走访日期", *ITEMS],
            ["C001", None, "很满意", "比较满意", None, None, None, None, None, "比较不满意", None],
            ["C004", None, "很满意", *([None] * 8)],
        ],
        "投诉": [
            ["客户编号", "处理结果"],
            ["C001", "基本满意"],
            ["C001", "未处理"],
            ["C004", "很满意"],
        ],
    }


def tables(sheets: dict[str, list[list[Any]]]) -> dict[str, Table]:
    return {name: Table(name, [list(r) for r in rows]) for name, rows in sheets.items()}


def write_xlsx(sheets: dict[str, list[list[Any]]], path: Path) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path
