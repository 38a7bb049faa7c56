"""Trends and churn (ANALYSES.md §4): means per period, persistent weaknesses, the churn rule and record."""

from __future__ import annotations

import openpyxl
import pytest

from builders import ITEMS, REFERENCE_SCHEME, tables
from csat_xl.aggregation import compare_periods, summarize
from csat_xl.analyses.trends import churn_record, churn_risks, trends
from csat_xl.io.readers import read_survey
from csat_xl.report import build_report, render_xlsx
from csat_xl.scoring import score
from csat_xl.tables import survey_from_tables

PERIODS = ("2024", "2025", "2026")


def period(name, finals, status=None, settings=()):
    """One period's workbook, typed by hand: each customer answers every item
    with the same number, so its final score is that number."""
    customers = [["客户编号", "客户名称", "区域", "状态"]]
    questionnaire = [["客户编号", *ITEMS]]
    for cid, value in finals.items():
        customers.append([cid, f"{cid} 公司", "华东", (status or {}).get(cid, "在用")])
        if value is not None:
            questionnaire.append([cid, *([value] * len(ITEMS))])
    return {"指标": REFERENCE_SCHEME, "问卷": questionnaire, "客户": customers,
            "设置": [["参数", "值"], ["期间", name], *map(list, settings)]}


# A: low in all three; B: low in the first two only; C: low, high, low (never consecutive);
# D: 比较不满意 level twice (counts at or below 比较满意); E: always satisfied, lost anyway.
HISTORY = {"A": (65, 62, 68), "B": (61, 64, 85), "C": (60, 90, 60), "D": (50, 45, 80), "E": (85, 88, 90)}


def summaries(settings=(), lost=("B", "D", "E")):
    out = []
    for i, name in enumerate(PERIODS):
        finals = {c: h[i] for c, h in HISTORY.items()}
        status = {c: "流失" for c in lost} if i == len(PERIODS) - 1 else None
        out.append(summarize(score(survey_from_tables(tables(period(name, finals, status, settings))))))
    return out


def test_churn_rule_default_and_configured():
    default = churn_risks(summaries(), PERIODS)
    assert dict(zip(default["customer_id"], default["consecutive_periods"])) == {"A": 3, "B": 2, "D": 2}
    three = churn_risks(summaries([("流失预警期数", 3)]), PERIODS)
    assert list(three["customer_id"]) == ["A"]
    # at or below 比较不满意: only D's 50 and 45
    strict = churn_risks(summaries([("流失预警等级", "比较不满意")]), PERIODS)
    assert list(strict["customer_id"]) == ["D"]
    # compare_periods (the report's Trend table) follows the same rule
    assert list(compare_periods(summaries([("流失预警期数", 3)]), PERIODS).churn_risks["customer_id"]) == ["A"]


def test_churn_rate_and_the_rules_hit_rate():
    record = churn_record(summaries(), PERIODS)
    assert (record.customers, record.lost, record.rate) == (5, 3, pytest.approx(3 / 5))
    # flagged in 2024–2025 (two consecutive low periods): A, B, D; lost B, D, E → 2 of 3 foreseen
    assert (record.flagged, record.flagged_lost, record.hit_rate) == (3, 2, pytest.approx(2 / 3))
    single = churn_record(summaries()[-1:], PERIODS[-1:])
    assert single.rate == pytest.approx(3 / 5) and single.hit_rate is None


def test_means_per_period_with_change_and_persistent_weaknesses(samples):
    names = ["2025Q4", "2026Q1", "2026Q2"]
    sums = [summarize(score(read_survey(samples / f"pvc_{n}_zh.xlsx"))) for n in names]
    result = trends(sums, names)
    for i, (name, s) in enumerate(zip(names, sums)):
        for _, row in s.categories.iterrows():
            got = result.categories[(result.categories["category"] == row["category"]) & (result.categories["period"] == name)]
            assert got["mean"].iloc[0] == pytest.approx(row["mean_blended"])
            if i:
                before = sums[i - 1].categories.set_index("category").loc[row["category"], "mean_blended"]
                assert got["change"].iloc[0] == pytest.approx(row["mean_blended"] - before)
    # persistent: in the top three of two or more consecutive periods, computed here from the ranks
    top = [set(s.items.loc[s.items["weakness_rank"] <= 3, "item"]) for s in sums]
    expected = {item for item in ITEMS if any(item in top[i] and item in top[i + 1] for i in range(2))}
    assert set(result.persistent["item"]) == expected and expected


def test_report_trend_sheet_shows_churn_and_trends(samples, tmp_path):
    model = build_report(samples / "pvc_2026Q2_zh.xlsx", previous=[samples / "pvc_2025Q4_zh.xlsx", samples / "pvc_2026Q1_zh.xlsx"],
                         lang="en")
    fields = model.fields["churn_info"]
    assert fields["lost"].value == 4 and fields["hit_rate"].value == pytest.approx(3 / 4)
    lost = {r["customer_id"] for r in model.tables["churn"].rows if r["status"] == "lost"}
    assert lost == {"C002", "C026", "C034"}
    assert "trend_categories" in model.charts and len(model.tables["trend_categories"]) == 9
    out = render_xlsx(model, tmp_path / "trend.xlsx")
    sheet = openpyxl.load_workbook(out)["Trend"]
    texts = {c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    assert {"Churn rate", "Persistent weaknesses (among the three largest in two or more consecutive periods)"} <= texts


@pytest.mark.parametrize("has_status", [True, False])
def test_churn_rate_is_on_the_overview_without_previous_periods(tmp_path, has_status):
    """ANALYSES.md §4: the churn rate needs only the 状态 column, so a one-period
    report shows it (Overview); without the column it says why there is none."""
    sheets = period("2026", {"A": 80, "B": 60, "C": 90, "D": None}, {"B": "流失", "D": " 流失 "})
    if not has_status:
        sheets["客户"] = [row[:3] for row in sheets["客户"]]
    model = build_report(survey_from_tables(tables(sheets)), lang="zh")
    assert not any(s.key == "trend" for s in model.sheets)
    overview = openpyxl.load_workbook(render_xlsx(model, tmp_path / "one.xlsx"))["概览"]
    rows = {row[3].value: row for row in overview.iter_rows(min_col=1, max_col=6) if isinstance(row[3].value, str)}
    assert {"流失客户", "流失率"} <= set(rows)
    lost, rate = rows["流失客户"][5], rows["流失率"][5]
    if has_status:
        assert (lost.value, rate.value) == (2, pytest.approx(2 / 4)) and rate.number_format == "0.0%"
        assert "无“状态”列：未计算流失率。" not in rows
        blocks = [b for s in model.sheets if s.key == "overview" for b in s.blocks if b.key == "churn_info"]
        assert blocks and blocks[0].keys == ["lost", "rate"], "the in-workbook report shows it too"
    else:
        assert lost.value in (None, "") and rate.value in (None, "")
        assert "无“状态”列：未计算流失率。" in rows
