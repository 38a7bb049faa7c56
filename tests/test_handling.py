"""Complaint handling on time and improvement actions (ANALYSES.md §2–3, issue 14).

Workbooks are typed the way quality officers type them: dates as date
cells, as text ("2026/5/3 9:30", "2026年5月4日"), a response typed before
the receipt, a status written "完成", a 合计-free but messy Actions sheet.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from builders import tables, worked_example, write_xlsx
from csat_xl.aggregation import summarize
from csat_xl.analyses.actions import track_actions
from csat_xl.analyses.complaint_timing import complaint_timing, handling_period
from csat_xl.analyses.period import parse_period
from csat_xl.io.readers import read_survey
from csat_xl.scoring import score
from csat_xl.tables import inspect_tables, survey_from_tables

COMPLAINTS = [
    ["客户编号", "投诉编号", "日期", "响应日期", "关闭日期", "严重程度", "处理结果", "投诉类别", "责任部门"],
    # responded after 6 h (both timed), closed after 10 days
    ["C001", "T1", datetime(2026, 4, 8, 9, 0), datetime(2026, 4, 8, 15, 0), date(2026, 4, 18), "一般", "满意", "交货延迟", "物流部"],
    # dates only: responded the next day (24 h, within), closed 20 days later (late)
    ["C001", "T2", date(2026, 5, 3), "2026/5/4", "2026年5月23日", "严重", "基本满意", "交货延迟", "物流部"],
    # open since 2026-05-10, unhandled: overdue at 2026-06-30 (51 days)
    ["C004", "T3", "2026-05-10", None, None, "重大", None, "质量", "质检部"],
    # response typed before receipt → finding, left out; open but received 06-25: not overdue
    ["C004", "T4", date(2026, 6, 25), date(2026, 6, 20), None, "一般", "未处理", "发票", "财务部"],
    # not a date → finding; closed with outcome 不满意: closed, not resolved
    ["C003", "T5", "上周三", None, date(2026, 6, 1), "紧急", "不满意", "质量", "质检部"],
]

ACTIONS = [
    ["编号", "来源", "措施", "责任部门", "责任人", "提出日期", "计划完成", "实际完成", "状态", "效果"],
    ["A1", "运输", "增加物流承运商", "物流部", "李明", date(2026, 4, 1), date(2026, 5, 31), date(2026, 5, 20), "已完成", "交货准时率提升"],
    ["A2", "T3", "质量复检", "质检部", "王强", date(2026, 4, 5), date(2026, 6, 15), date(2026, 6, 20), "已验证", None],
    ["A3", "问题处理", "建立投诉24小时响应制度", "销售部", "张华", date(2026, 4, 10), date(2026, 6, 10), None, "进行中", None],
    ["A4", "包装", "更换包装袋", "生产部", "赵丽", date(2026, 4, 10), date(2026, 8, 31), None, "未开始", None],
    ["A5", "培训", "客服培训", "人力部", "周杰", date(2026, 5, 1), None, None, "完成", None],
    ["A6", "价格", "价格复核", "销售部", "钱七", date(2026, 5, 10), date(2026, 6, 1), date(2026, 5, 1), "搁置", None],
]


def workbook(**extra):
    sheets = worked_example()
    sheets["投诉"] = COMPLAINTS
    sheets["设置"] = [["参数", "值"], ["期间", "2026Q2"], ["月投诉目标", 1], *extra.pop("settings", [])]
    sheets["整改"] = ACTIONS
    sheets.update(extra)
    return sheets


@pytest.fixture(scope="module")
def survey():
    return survey_from_tables(tables(workbook()))


def test_period_names():
    assert parse_period("2026Q2") == parse_period("2026年第二季度") == parse_period("2026-q2")
    assert str(parse_period("2026H1")[1].date()) == "2026-06-30"
    assert str(parse_period("2026年5月")[1].date()) == "2026-05-31"
    assert parse_period("第二期") is None


def test_cell_findings(survey):
    found = {(f.code, f.cell) for f in survey.findings}
    assert ("not_a_date", "投诉!C6") in found
    assert ("response_before_receipt", "投诉!D5") in found
    assert ("unknown_severity", "投诉!F6") in found
    assert ("unknown_status", "整改!I7") in found
    assert ("action_without_due_date", "整改!G6") in found
    assert ("done_before_created", "整改!H7") in found
    assert all(f.severity != "error" for f in survey.findings if f.code in {"not_a_date", "unknown_status"})


def test_timing(survey):
    t = complaint_timing(survey)
    assert (str(t.period.end.date()), t.period.source) == ("2026-06-30", "setting")
    assert t.months[["month", "count"]].values.tolist() == [["2026-04", 1], ["2026-05", 2], ["2026-06", 1]]
    assert t.months["over_target"].tolist() == [False, True, False]
    assert t.undated == 1
    response = t.timing[(t.timing["measure"] == "response") & t.timing["severity"].isna()].iloc[0]
    # T1 6 h (exact), T2 24 h (whole days); T4's response before receipt is dropped
    assert (response["count"], response["median"], response["mean"], response["share_within"]) == (2, 15.0, 15.0, 1.0)
    closure = t.timing[(t.timing["measure"] == "closure") & t.timing["severity"].isna()].iloc[0]
    # T1: 04-08 09:00 → 04-18 (date only) = 10 whole days; T2 = 20 days (late); T5 has no receipt date
    assert (closure["count"], closure["median"], closure["within"], closure["share_within"]) == (2, 15.0, 1, 0.5)
    by_severity = t.timing[(t.timing["measure"] == "response") & t.timing["severity"].notna()]
    assert by_severity["severity"].tolist() == ["general", "serious", "major"]
    assert t.overdue[["complaint_id", "days_open", "department"]].values.tolist() == [["T3", 51, "质检部"]]
    assert summarize(score(survey)).closure_rate == pytest.approx(3 / 5)  # T3 blank and T4 未处理 are open
    assert t.resolution_rate == pytest.approx(2 / 5)  # 满意 + 基本满意; 不满意 is closed, not resolved
    repeats = t.repeats.fillna("")
    assert repeats[["customer_id", "complaints", "repeated_categories"]].values.tolist() == [
        ["C001", 2, "交货延迟 ×2"], ["C004", 2, ""]]


def test_period_end_from_data_without_period_setting():
    sheets = workbook()
    del sheets["设置"]
    survey = survey_from_tables(tables(sheets))
    period = handling_period(survey)
    # latest complaint or action date that is not a due date: A2 done 2026-06-20, T4 received 06-25
    assert (str(period.end.date()), period.source) == ("2026-06-25", "data")
    t = complaint_timing(survey)
    assert t.months["target"].isna().all() and t.overdue["days_open"].tolist() == [46]


def test_actions(survey):
    summary = summarize(score(survey))
    t = track_actions(survey.actions, handling_period(survey), summary, concentrate=["品质"])
    # due by 06-30: A1 on time, A2 late, A3 open, A6 (done before created: done date dropped) → 1 / 4
    assert (t.due_count, t.on_time_count, t.on_time_rate) == (4, 1, 0.25)
    assert t.overdue[["action_id", "days_overdue"]].values.tolist() == [["A6", 29], ["A3", 20]]
    # sources naming an item (A6's "价格" is not one; A2's source is a complaint ID)
    assert t.effectiveness[["action_id", "item"]].values.tolist() == [["A1", "运输"], ["A3", "问题处理"], ["A4", "包装"]]
    assert t.effectiveness["previous"].isna().all()  # no previous period given
    # items with an open action (问题处理 in progress, 包装 not started) are never proposed
    proposed = set(t.proposals["item"])
    assert "品质" in proposed and not proposed & {"问题处理", "包装"}
    top = summary.items[summary.items["weakness_rank"] <= 3]["item"]
    assert proposed == (set(top) | {"品质"}) - {"问题处理", "包装"}


def test_effectiveness_against_previous(survey):
    before = worked_example()
    before["问卷"] = [row[:] for row in before["问卷"]]
    before["问卷"][1][8] = 60  # 运输 (column of item 7) was lower last period
    previous = summarize(score(survey_from_tables(tables(before))))
    summary = summarize(score(survey))
    t = track_actions(survey.actions, handling_period(survey), summary, previous)
    row = t.effectiveness.set_index("item").loc["运输"]
    assert row["change"] == pytest.approx(row["current"] - row["previous"]) and row["change"] > 0


def test_bad_settings_are_cell_errors():
    sheets = workbook(settings=[["响应时限", "一天"], ["关闭时限", 0]])
    survey, findings = inspect_tables(tables(sheets))
    bad = {f.cell for f in findings if f.code == "bad_setting_value"}
    assert survey is None and bad == {"设置!B4", "设置!B5"}


def test_settings_and_file_read(tmp_path):
    path = write_xlsx(workbook(settings=[["response limit", 4], ["关闭时限", "7"]]), tmp_path / "h.xlsx")
    survey = read_survey(path)
    assert (survey.settings.response_limit_hours, survey.settings.closure_limit_days) == (4, 7)
    t = complaint_timing(survey)
    assert t.share_within("response") == 0.0  # 6 h and 24 h both exceed 4 h
    assert survey.actions["status"].fillna("").tolist() == ["done", "verified", "in_progress", "not_started", "done", ""]


def test_repeats_most_first_then_first_appearance_and_blank_categories_left_out():
    import pandas as pd

    from csat_xl.analyses.complaint_timing import _repeats

    frame = pd.DataFrame({"customer_id": ["A", "B", "A", "A", "B", "A", "A", "C", "A", "A"],
                          "category": ["包装", "交付", "交付", None, "交付", "交付", "包装", "包装", "单据", "单据"]})
    out = _repeats(frame, {"A": "甲"})
    assert out.fillna("").values.tolist() == [
        ["A", "甲", 7, "包装 ×2; 交付 ×2; 单据 ×2"], ["B", "", 2, "交付 ×2"]]
    frame.loc[frame.index[-1], "category"] = "交付"  # 交付 ×3 now leads
    assert _repeats(frame, {})["repeated_categories"].tolist() == ["交付 ×3; 包装 ×2", "交付 ×2"]
