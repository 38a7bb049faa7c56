"""User report templates run in an immutable, bounded sandbox (issue 12).

Each hostile template cell must end quickly as a ReportTemplateError naming
the cell; the report data must stay as it was.
"""

from __future__ import annotations

import time

import openpyxl
import pytest

from csat_xl import read_survey
from csat_xl.report import ReportTemplateError, build_report, render_xlsx
from csat_xl.report import sandbox

HOSTILE = {
    "A1": "{{ (kpi.customers + 9) ** 999999999 }}",
    "A2": "{{ 'x' * 10 ** 9 }}",
    "A3": "{{ customers.rows.clear() }}",
    "A4": "{{ 'x' | center(10 ** 9) }}",
    "A5": "{{ '{:>1000000000}'.format(1) }}",
    "A6": "{{ [1] * 10 ** 8 }}",
    "A7": "{{ 10 ** 20 }}",
    "A8": "n: {% for i in range(100000) %}{% for j in range(100000) %}{{ j }}{% endfor %}{% endfor %}",
    "A9": "{{ ''.ljust(10 ** 9) }}",
    "A10": "{{ '%1000000000d' % 1 }}",
}


@pytest.fixture(scope="module")
def model(samples=None):
    from conftest import SAMPLES

    return build_report(read_survey(SAMPLES / "pvc_2026Q2_zh.xlsx"), lang="en")


def _template(tmp_path, cells: dict[str, str]):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Mine"
    for ref, text in cells.items():
        sheet[ref] = text
    path = tmp_path / "mine.xlsx"
    book.save(path)
    return path


def test_hostile_cells_are_refused_each_naming_its_cell(tmp_path, model):
    rows_before = [dict(r) for r in model.tables["customers"].rows]
    start = time.monotonic()
    with pytest.raises(ReportTemplateError) as info:
        render_xlsx(model, tmp_path / "out.xlsx", template=_template(tmp_path, HOSTILE))
    assert time.monotonic() - start < 60
    problems = info.value.problems
    for ref in HOSTILE:
        assert any(p.startswith(f"Mine!{ref}:") for p in problems), (ref, problems)
    assert [dict(r) for r in model.tables["customers"].rows] == rows_before  # immutable
    assert not (tmp_path / "out.xlsx").exists()


def test_row_blocks_capped_at_excel_rows(tmp_path, model):
    cells = {"A1": "{% for c in customers.rows * 30000 %}{{ c.customer_id }}", "A2": "{% for i in range(100000) %}{{ i }}"}
    with pytest.raises(ReportTemplateError) as info:
        render_xlsx(model, tmp_path / "out.xlsx", template=_template(tmp_path, cells))
    assert any(p.startswith("Mine!A1:") for p in info.value.problems), info.value.problems


def test_time_budget(tmp_path, model, monkeypatch):
    monkeypatch.setattr(sandbox, "TIME_BUDGET", 1.0)
    cells = {"A1": "t: {% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", "A2": "{{ kpi.csi }}"}
    start = time.monotonic()
    with pytest.raises(ReportTemplateError, match="time budget") as info:
        render_xlsx(model, tmp_path / "out.xlsx", template=_template(tmp_path, cells))
    assert time.monotonic() - start < 30
    assert info.value.problems[-1].startswith("Mine!A1:")


def test_ordinary_expressions_still_work(tmp_path, model):
    cells = {"A1": "{{ kpi.customers * 2 }}", "A2": "{{ '%.1f' % kpi.csi }} / {{ 'ab' * 3 }}", "A3": "{{ customers.rows | length }}",
             "A4": "{% for c in customers %}{{ c.customer_id }}", "B4": "{{ c.final }}"}
    out = render_xlsx(model, tmp_path / "ok.xlsx", template=_template(tmp_path, cells))
    sheet = openpyxl.load_workbook(out)["Mine"]
    assert sheet["A1"].value == model.fields["kpi"]["customers"].value * 2
    assert sheet["A2"].value.endswith("/ ababab")
    assert sheet["A3"].value == len(model.tables["customers"].rows)
