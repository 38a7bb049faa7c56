"""The formula template's complaint-handling rates equal ``csat-xl report`` (issue 14).

A template is filled the way a quality officer types it — dates with and
without a time, a response typed before the receipt, a status written
"完成", an action without a due date — recalculated by LibreOffice, and its
Results block (closure rate, resolution rate, share responded within the
limit, on-time rate, period end) compared with the report model built from
the same file.  One LibreOffice start for both scenarios.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest

from csat_xl import labels
from csat_xl.report import build_report
from csat_xl.template import ALLOWED_FUNCTIONS, functions_used, write_template
from csat_xl.template.handling import RATES, RATES_COLUMN
from csat_xl.template.texts import RESULTS_SHEET
from libreoffice import recalculate_many

CUSTOMERS = [["C001", "甲公司"], ["C002", "乙公司"], ["C003", "丙公司"], ["C004", "丁公司"]]
QUESTIONNAIRE = [["C001", None, None, *([80] * 9)], ["C002", None, None, *([60] * 9)], ["C003", None, None, *([90] * 9)]]
COMPLAINTS = [
    # response after 6 h (both timed), closed after 10 days
    {"customer_id": "C001", "date": datetime(2026, 4, 8, 9, 0), "response_date": datetime(2026, 4, 8, 15, 0),
     "closed_date": date(2026, 4, 18), "outcome": "满意", "severity": "一般"},
    # dates only: next day = 24 h (within 24 h); closed late
    {"customer_id": "C001", "date": date(2026, 5, 3), "response_date": date(2026, 5, 4), "closed_date": date(2026, 5, 23),
     "outcome": "基本满意", "category": "交货"},
    # receipt with a time, response the next day without one: whole days (24 h)
    {"customer_id": "C002", "date": datetime(2026, 5, 10, 16, 30), "response_date": date(2026, 5, 11), "outcome": None},
    # response 30 h later (both timed): late; closed 不满意 = closed, not resolved
    {"customer_id": "C002", "date": datetime(2026, 6, 1, 8, 0), "response_date": datetime(2026, 6, 2, 14, 0),
     "closed_date": date(2026, 6, 5), "outcome": "不满意"},
    # a response typed before the receipt: left out (a warning in csat-xl, not counted in the template)
    {"customer_id": "C003", "date": date(2026, 6, 25), "response_date": date(2026, 6, 20), "outcome": "未处理"},
    # a customer not on the 客户 sheet: not a complaint of this workbook
    {"customer_id": "X999", "date": date(2026, 6, 1), "response_date": date(2026, 6, 1), "outcome": "满意"},
    {"customer_id": "C004", "date": date(2026, 6, 28), "response_date": datetime(2026, 6, 28, 11, 0), "outcome": "很满意",
     "closed_date": date(2026, 6, 29)},
]
ACTIONS = [
    {"action_id": "A1", "source": "运输", "action": "增加承运商", "created_date": date(2026, 4, 1), "due_date": date(2026, 5, 31),
     "done_date": date(2026, 5, 20), "status": "已完成"},
    {"action_id": "A2", "source": "T3", "action": "质量复检", "due_date": date(2026, 6, 15), "done_date": date(2026, 6, 20),
     "status": "已验证"},
    {"action_id": "A3", "source": "问题处理", "action": "24 小时响应制度", "due_date": date(2026, 6, 10), "status": "进行中"},
    {"action_id": "A4", "source": "包装", "action": "更换包装袋", "due_date": date(2026, 8, 31), "status": "未开始"},
    {"action_id": "A5", "source": "培训", "action": "客服培训", "status": "完成"},  # no due date
    {"action_id": "A6", "source": "价格", "action": "价格复核", "created_date": date(2026, 5, 10), "due_date": date(2026, 6, 1),
     "done_date": date(2026, 5, 1), "status": "done"},  # done before created: not on time
    {"action_id": "A7", "source": "接待", "action": "接待礼仪", "due_date": date(2026, 4, 30), "done_date": date(2026, 4, 30),
     "status": "Verified"},
]
SCENARIOS = {
    # (settings edits: label → value)
    "quarter": {"期间": "2026年第二季度"},
    # no period that names dates: the period end is the latest date; a 36-hour response limit
    "latest": {"期间": "第二期", "响应时限": 36},
}


def fill(template: Path, out: Path, settings: dict) -> Path:
    book = openpyxl.load_workbook(template)
    sheet = lambda key: book[labels.SHEET[key].text("zh")]  # noqa: E731
    for key, rows in (("customers", CUSTOMERS), ("questionnaire", QUESTIONNAIRE)):
        for r, row in enumerate(rows, start=2):
            for c, value in enumerate(row, start=1):
                sheet(key).cell(row=r, column=c, value=value)
    for key, rows in (("complaints", COMPLAINTS), ("actions", ACTIONS)):
        ws = sheet(key)
        header = [cell.value for cell in ws[1]]
        columns = {c.key: header.index(c.text("zh")) + 1 for c in labels.COLUMNS[key]}
        for r, row in enumerate(rows, start=2):
            for name, value in row.items():
                ws.cell(row=r, column=columns[name], value=value)
    ws = sheet("settings")
    for r in range(2, ws.max_row + 1):
        if ws.cell(row=r, column=1).value in settings:
            ws.cell(row=r, column=2, value=settings[ws.cell(row=r, column=1).value])
    book.save(out)
    return out


@pytest.fixture(scope="module")
def recalculated(soffice, tmp_path_factory):
    root = tmp_path_factory.mktemp("handling")
    template = write_template(root / "template.xlsx", lang="zh", customers=6, rows=10)
    filled = {name: fill(template, root / f"{name}.xlsx", edits) for name, edits in SCENARIOS.items()}
    done = recalculate_many(list(filled.values()), root / "recalculated")
    return {name: (filled[name], out) for name, out in zip(filled, done)}


def results_block(path: Path) -> dict:
    ws = openpyxl.load_workbook(path, data_only=True)[RESULTS_SHEET.text("zh")]
    return {rate.key: ws.cell(row=4 + i, column=RATES_COLUMN + 1).value for i, rate in enumerate(RATES)}


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_four_rates_equal_the_report(recalculated, name):
    path, done = recalculated[name]
    fields = build_report(path, lang="zh", statistics=False).fields["handling"]
    sheet = results_block(done)
    for key in ("closure_rate", "resolution_rate", "response_within", "on_time_rate"):
        want = fields[key].value
        assert want is not None, key
        assert math.isclose(sheet[key], want, abs_tol=1e-9), (key, sheet[key], want)
    end = fields["period_end"].value
    got = sheet["period_end"]
    got = got if isinstance(got, datetime) else datetime(1899, 12, 30) + timedelta(days=got)
    assert got.date() == end.date()


@pytest.mark.libreoffice
def test_the_scenarios_exercise_the_rules(recalculated):
    quarter = build_report(recalculated["quarter"][0], lang="zh", statistics=False).fields["handling"]
    latest = build_report(recalculated["latest"][0], lang="zh", statistics=False).fields["handling"]
    assert quarter["closure_rate"].value == pytest.approx(4 / 6) and quarter["resolution_rate"].value == pytest.approx(3 / 6)
    # 6 h, 24 h, 24 h (whole days), 30 h, 0 h (date vs 11:00: whole days); the response before receipt is left out
    assert quarter["response_within"].value == pytest.approx(4 / 5)
    assert latest["response_within"].value == pytest.approx(5 / 5)  # 36-hour limit
    # due by 06-30: A1 on time, A2 late, A3 open, A6 done before created, A7 on time → 2 / 5
    assert quarter["on_time_rate"].value == pytest.approx(2 / 5)
    assert quarter["period_end"].value.date() == date(2026, 6, 30)
    assert latest["period_end"].value.date() == date(2026, 6, 29)


def test_template_parts_use_only_allowed_functions_and_keep_the_data_sheets(tmp_path):
    path = write_template(tmp_path / "t.xlsx", lang="en", customers=3, rows=5)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames.index("Actions") == book.sheetnames.index("Complaints") + 1
    used = {name for ws in book for row in ws.iter_rows() for cell in row
            if isinstance(cell.value, str) and cell.value.startswith("=") for name in functions_used(cell.value)}
    assert used <= ALLOWED_FUNCTIONS, used - ALLOWED_FUNCTIONS
    actions = book["Actions"]
    assert [c.value for c in actions[1]] == [c.en for c in labels.COLUMNS["actions"]]
    status = [dv for dv in actions.data_validations.dataValidation if dv.type == "list"]
    assert status and status[0].formula1 == '"' + ",".join(s.en for s in labels.ACTION_STATUSES) + '"'
    due = [dv for dv in actions.data_validations.dataValidation if dv.type == "date" and "G2" in str(dv.sqref)]
    assert due and due[0].operator == "between"
