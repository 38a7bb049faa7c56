"""The in-workbook report (task pane → Build report) shows the complaint-handling
and Actions tables of issue 14, replayed as the Office.js add-in applies them."""

from __future__ import annotations

from officejs import officejs_payload, run_script  # noqa: I001  (sets up xlwings' Office.js mode first)

import pytest  # noqa: E402

from csat_xl import read_survey  # noqa: E402
from csat_xl.report import build_report  # noqa: E402
from test_actions import SAMPLE, Replay  # noqa: E402


def test_build_report_in_the_book_shows_handling_and_actions():
    payload = officejs_payload(SAMPLE)
    book = Replay(payload).apply(run_script("build_report", payload))
    model = build_report(read_survey(SAMPLE), lang="zh")
    handling = model.fields["handling"]

    def labelled(sheet: str) -> dict:
        """label → value of the field rows (the first row of a label: the definitions table repeats them)."""
        out: dict = {}
        for row in book.rows(sheet):
            if len(row) > 1 and row[0] is not None:
                out.setdefault(row[0], row[1])
        return out

    def column(sheet: str, header: str) -> list:
        rows = book.rows(sheet)
        top = next(i for i, row in enumerate(rows) if header in row)
        j = rows[top].index(header)
        out = []
        for row in rows[top + 1:]:
            if row[j] is None:
                break
            out.append(row[j])
        return out

    complaints = labelled("报告-投诉")
    for key in ("resolution_rate", "response_median", "response_within", "overdue_complaints"):
        assert complaints[handling[key].label] == pytest.approx(handling[key].value), key
    assert column("报告-投诉", "月份") == [r["month"] for r in model.tables["complaint_months"].rows] == ["2026-04", "2026-05", "2026-06"]
    assert column("报告-投诉", "已开放天数") == [r["days_open"] for r in model.tables["complaint_overdue"].rows] != []
    actions = labelled("报告-整改跟踪")
    assert actions[handling["on_time_rate"].label] == pytest.approx(handling["on_time_rate"].value)
    assert column("报告-整改跟踪", "原因") == [r["reason"] for r in model.tables["action_proposals"].rows] != []
    assert column("报告-整改跟踪", "超期天数") == [r["days_overdue"] for r in model.tables["actions_overdue"].rows] != []
