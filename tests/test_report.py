"""The summary report: model values equal the engine's; the rendered workbook
is safe, complete in both languages, atomic, and opens in LibreOffice."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest

import csat_xl
from csat_xl import labels
from csat_xl.aggregation import compare_periods
from csat_xl.report.captions import CAPTIONS, caption
from csat_xl.report.model import build_report

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_workbooks"
ZH = SAMPLES / "pvc_2026Q2_zh.xlsx"
ZH_Q1 = SAMPLES / "pvc_2026Q1_zh.xlsx"
ZH_Q4 = SAMPLES / "pvc_2025Q4_zh.xlsx"
EN = SAMPLES / "field_service_2026H1_en.xlsx"
FIXED_TIME = dt.datetime(2026, 7, 1, 9, 30)


def _close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=0, abs_tol=1e-9)


@pytest.fixture(scope="session")
def zh_survey():
    return csat_xl.read_survey(ZH)


@pytest.fixture(scope="session")
def zh_model(zh_survey):
    return build_report(zh_survey, lang="zh", generated_at=FIXED_TIME)


@pytest.fixture(scope="session")
def trend_model():
    return build_report(ZH, previous=[ZH_Q4, ZH_Q1], lang="zh", generated_at=FIXED_TIME)


# --- the model ----------------------------------------------------------------------
def test_customer_rows_equal_the_engine(zh_survey, zh_model):
    records = {r["customer_id"]: r for r in csat_xl.score(zh_survey).records()}
    rows = zh_model.tables["customers"].rows
    assert len(rows) == len(records)
    for row in rows:
        rec = records[row["customer_id"]]
        for key in ("questionnaire", "visit", "preliminary", "adjustment", "final"):
            assert _close(row[key], rec[key]), (row["customer_id"], key)
        assert row["grade"] == rec["grade"]  # zh report: the Chinese grade label
    finals = [r["final"] for r in rows if r["final"] is not None]
    assert finals == sorted(finals, reverse=True)
    assert [r["final"] for r in rows[len(finals):]] == [None] * (len(rows) - len(finals))
    assert [r["rank"] for r in rows[: len(finals)]] == list(range(1, len(finals) + 1))


def test_kpis_items_and_complaints_equal_the_summary(zh_survey, zh_model):
    summary = csat_xl.summarize(csat_xl.score(zh_survey))
    kpi = zh_model.fields["kpi"]
    for key, value in summary.kpis().items():
        if key in kpi:
            assert kpi[key].value == value or _close(kpi[key].value, value), key
    assert kpi["csi"].number_format == "0.00" and kpi["satisfaction_rate"].number_format == "0.0%"
    # attainment as text in the report language
    assert kpi["csi_target"].value == caption("not_attained" if not summary.attainment["csi"]["target"] else "attained", "zh")
    items = zh_model.tables["items"].rows
    assert [r["item"] for r in items] == summary.items["item"].tolist()
    for row, (_, ref) in zip(items, summary.items.iterrows()):
        assert _close(row["weakness"], float(ref["weakness"])) and row["weakness_rank"] == int(ref["weakness_rank"])
    weaknesses = zh_model.tables["weaknesses"].rows
    assert [r["weakness_rank"] for r in weaknesses] == sorted(r["weakness_rank"] for r in items)
    pareto = zh_model.tables["pareto"].rows
    assert [r["count"] for r in pareto] == summary.pareto["count"].tolist()
    assert _close(pareto[-1]["cumulative_share"], 1.0)
    outcome = zh_model.tables["complaints_by_outcome"].rows
    assert sum(r["count"] for r in outcome) == summary.complaint_total
    assert {r["name"] for r in outcome} <= {o.zh for o in labels.OUTCOMES}


def test_model_values_are_plain_python(trend_model):
    """The model carries no numpy/pandas objects: the xlwings renderer and JSON can take it as is."""
    allowed = (str, int, float, dt.datetime, type(None))
    for table in trend_model.tables.values():
        for row in table.rows:
            for key, value in row.items():
                assert type(value) in allowed, (table.key, key, type(value))
    for group in trend_model.fields.values():
        for f in group.values():
            assert type(f.value) in allowed, (f.key, type(f.value))


def test_trend_with_three_periods(trend_model):
    periods = trend_model.tables["periods"].rows
    assert [p["period"] for p in periods] == ["2025Q4", "2026Q1", "2026Q2"]
    assert periods[0]["csi_delta"] is None
    assert _close(periods[2]["csi_delta"], periods[2]["csi"] - periods[1]["csi"])
    summaries = [csat_xl.summarize(csat_xl.score(csat_xl.read_survey(p))) for p in (ZH_Q4, ZH_Q1, ZH)]
    churn = compare_periods(summaries).churn_risks
    assert {r["customer_id"] for r in trend_model.tables["churn"].rows} == set(churn["customer_id"])
    assert len(churn) > 0
    assert "trend" in [s.key for s in trend_model.sheets]


def test_trend_with_two_periods_and_without():
    two = build_report(ZH, previous=[ZH_Q1], lang="en", generated_at=FIXED_TIME)
    assert [p["period"] for p in two.tables["periods"].rows] == ["2026Q1", "2026Q2"]
    assert two.sheet("trend").title == "Trend"
    one = build_report(ZH, lang="en", generated_at=FIXED_TIME)
    assert "trend" not in [s.key for s in one.sheets] and not one.has_trend


def test_languages_label_everything(zh_model):
    en = build_report(EN, lang="en", generated_at=FIXED_TIME)
    assert [s.title for s in zh_model.sheets] == ["概览", "客户", "指标", "投诉", "数据质量", "方法"]
    assert [s.title for s in en.sheets] == ["Overview", "Customers", "Items", "Complaints", "Data quality", "Method"]
    assert {r["grade"] for r in en.tables["grades"].rows} == {g.en for g in labels.GRADES}
    assert en.tables["customers"].column("final").label == "Final"
    assert zh_model.tables["customers"].column("final").label == "最终得分"
    # every caption exists in both languages
    assert all(set(v) == {"zh", "en"} and all(v.values()) for v in CAPTIONS.values())
    # semantic grade styles use the Chinese label whatever the language
    assert set(en.tables["grades"].styles["grade"]) == {f"grade:{g.zh}" for g in labels.GRADES}


def test_method_record(zh_model):
    record = zh_model.fields["record"]
    assert record["sha256"].value == csat_xl.io.readers.file_sha256(ZH)
    assert record["generated_at"].value == FIXED_TIME
    weights = zh_model.tables["weights"].rows
    purchase = [r for r in weights if r["category"] == "购销过程"]
    assert [r["item_weight"] for r in purchase] == [8.0, 8.0, 10.0]
    assert _close(sum(r["weight"] for r in purchase), 20.0)
    assert any(r["message"].startswith("类别 购销过程") for r in zh_model.tables["findings"].rows)
