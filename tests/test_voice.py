"""Loyalty (NPS, repurchase), key drivers (Johnson's relative weights) and
comment terms (issue 15, ANALYSES.md §5), and the reader's optional columns
behind them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from builders import ITEMS, REFERENCE_SCHEME, tables, write_xlsx
from csat_xl.analyses import comments, drivers, loyalty
from csat_xl.findings import InvalidInputError
from csat_xl.io.readers import read_survey
from csat_xl.scoring import score
from csat_xl.tables import survey_from_tables

# R's mtcars: mpg, cyl, disp, hp, gear (Henderson & Velleman 1981; shipped with R).
MTCARS = np.array([
    [21.0, 6, 160.0, 110, 4], [21.0, 6, 160.0, 110, 4], [22.8, 4, 108.0, 93, 4], [21.4, 6, 258.0, 110, 3],
    [18.7, 8, 360.0, 175, 3], [18.1, 6, 225.0, 105, 3], [14.3, 8, 360.0, 245, 3], [24.4, 4, 146.7, 62, 4],
    [22.8, 4, 140.8, 95, 4], [19.2, 6, 167.6, 123, 4], [17.8, 6, 167.6, 123, 4], [16.4, 8, 275.8, 180, 3],
    [17.3, 8, 275.8, 180, 3], [15.2, 8, 275.8, 180, 3], [10.4, 8, 472.0, 205, 3], [10.4, 8, 460.0, 215, 3],
    [14.7, 8, 440.0, 230, 3], [32.4, 4, 78.7, 66, 4], [30.4, 4, 75.7, 52, 4], [33.9, 4, 71.1, 65, 4],
    [21.5, 4, 120.1, 97, 3], [15.5, 8, 318.0, 150, 3], [15.2, 8, 304.0, 150, 3], [13.3, 8, 350.0, 245, 3],
    [19.2, 8, 400.0, 175, 3], [27.3, 4, 79.0, 66, 4], [26.0, 4, 120.3, 91, 5], [30.4, 4, 95.1, 113, 5],
    [15.8, 8, 351.0, 264, 5], [19.7, 6, 145.0, 175, 5], [15.0, 8, 301.0, 335, 5], [21.4, 4, 121.0, 109, 4],
])


def _ols_r2(x: np.ndarray, y: np.ndarray) -> float:
    design = np.column_stack([np.ones(len(y)), x])
    fitted = design @ np.linalg.lstsq(design, y, rcond=None)[0]
    return 1.0 - float(((y - fitted) ** 2).sum()) / float(((y - y.mean()) ** 2).sum())


# --- key drivers ------------------------------------------------------------------------------
def test_relative_weights_reproduce_the_rwa_package():
    # Published output of the R package rwa (Martin Chan; README "Basic example",
    # github.com/martinctc/rwa): rwa(mtcars, outcome = "mpg",
    # predictors = c("cyl", "disp", "hp", "gear")) gives rsquare 0.7791896 and
    # Raw.RelWeight 0.2284797, 0.2221469, 0.2321744, 0.0963886
    # (Rescaled 29.32274, 28.50999, 29.79691, 12.37037) — Johnson (2000)'s method.
    weights, r2 = drivers.relative_weights(MTCARS[:, 1:], MTCARS[:, 0])
    assert r2 == pytest.approx(0.7791896, abs=5e-8)
    assert weights == pytest.approx([0.2284797, 0.2221469, 0.2321744, 0.0963886], abs=5e-8)
    assert 100 * weights / r2 == pytest.approx([29.32274, 28.50999, 29.79691, 12.37037], abs=5e-6)
    # the weights always add up to the R² of the ordinary regression on all predictors
    assert weights.sum() == pytest.approx(_ols_r2(MTCARS[:, 1:], MTCARS[:, 0]), abs=1e-12)


def test_relative_weights_sum_to_r2_with_collinear_items():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(60, 3))
    x = np.column_stack([x, x[:, 0] + x[:, 1]])  # an exact linear combination
    y = x @ [1.0, 0.5, 0.0, 0.3] + rng.normal(size=60)
    weights, r2 = drivers.relative_weights(x, y)
    assert np.all(weights >= -1e-12) and weights.sum() == pytest.approx(r2) == pytest.approx(_ols_r2(x, y), abs=1e-9)


def _survey(rows, extra_header=(), **sheets):
    book = {"指标": REFERENCE_SCHEME, "问卷": [["客户编号", "受访人", *ITEMS, *extra_header], *rows]}
    book.update(sheets)
    return survey_from_tables(tables(book))


def _random_rows(n=40, seed=5, overall=True):
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        level = rng.uniform(50, 95)
        answers = np.clip(level + rng.normal(0, 8, len(ITEMS)), 0, 100).round()
        over = float(np.clip(0.6 * answers[0] + 0.4 * answers[-1] + rng.normal(0, 3), 0, 100).round())
        recommend = int(np.clip(round((over - 45) / 5 + rng.normal()), 0, 10))
        rows.append([f"K{i:03d}", "甲", *answers.tolist(), recommend, "满意" if i % 3 else 77, *([over] if overall else [])])
    return rows


def test_key_drivers_on_overall_satisfaction_sum_to_model_r2():
    survey = _survey(_random_rows(), ["推荐意愿", "再次购买", "总体满意度"])
    result = drivers.key_drivers(score(survey), resamples=300)
    assert result.outcome == drivers.OUTCOME_OVERALL and result.customers == 40
    table = result.table
    x = score(survey).questionnaire_items[ITEMS].to_numpy()
    y = survey.questionnaire["overall"].to_numpy(dtype=float)
    assert table["weight"].sum() == pytest.approx(result.r_squared) == pytest.approx(_ols_r2(x, y), abs=1e-9)
    assert table["share"].sum() == pytest.approx(1.0)
    assert (table["low"] <= table["weight"]).all() and (table["weight"] <= table["high"]).all()
    assert result.r_squared_low <= result.r_squared <= result.r_squared_high
    # 品质 and 技术支持和服务 build the outcome: they lead the derived importance
    assert set(table.nlargest(2, "weight")["item"]) == {"品质", "技术支持和服务"}
    assert table["stated_importance"].sum() == pytest.approx(100.0)


def test_key_drivers_fall_back_to_q_and_say_when_too_few():
    survey = _survey([r[:-2] for r in _random_rows(overall=False)])
    result = drivers.key_drivers(score(survey), resamples=100)
    assert result.outcome == drivers.OUTCOME_Q and result.available
    few = drivers.key_drivers(score(_survey([r[:-3] for r in _random_rows(n=6)])), resamples=100)
    assert not few.available and few.reason == "too_few" and few.table["weight"].isna().all()


# --- loyalty ----------------------------------------------------------------------------------
def test_nps_counts_respondents_and_resamples_customers():
    ids = ["A", "A", "A", "B", "C", "C", "D", "E"]
    values = [10, 9, 6, 7, 0, 8, np.nan, 9]
    result = loyalty.nps(ids, values, resamples=500)
    # 7 answers: promoters 10, 9, 9; passives 7, 8; detractors 6, 0
    assert (result.promoters, result.passives, result.detractors, result.answers) == (3, 2, 2, 7)
    assert result.score == pytest.approx(100 * (3 - 2) / 7) and result.customers == 4
    assert result.low <= result.score <= result.high and -100 <= result.low and result.high <= 100
    # A customer's respondents move together: a single customer has no interval
    assert np.isnan(loyalty.nps(["A", "A"], [10, 0]).low)
    assert loyalty.nps_of([10, 9, 6, 7, 0, 8, 9]) == pytest.approx(result.score)


def test_loyalty_from_the_questionnaire_overall_and_by_group():
    survey = _survey(_random_rows(), ["推荐意愿", "再次购买", "总体满意度"])
    groups = {"区域": pd.Series({f"K{i:03d}": ("华东" if i < 36 else "华南") for i in range(40)})}
    result = loyalty.loyalty(survey, groups, resamples=200)
    values = survey.questionnaire["recommend"].to_numpy(dtype=float)
    assert result.nps.score == pytest.approx(loyalty.nps_of(values))
    assert result.repurchase.answers == 40 and result.repurchase.mean == pytest.approx((80 * 26 + 77 * 14) / 40)
    east, south = result.groups.iloc[0], result.groups.iloc[1]
    assert (east["group"], east["customers"], bool(east["suppressed"])) == ("华东", 36, False)
    assert east["nps"] == pytest.approx(loyalty.nps_of(values[:36]))
    assert (south["group"], south["customers"], bool(south["suppressed"])) == ("华南", 4, True) and pd.isna(south["nps"])


def test_reader_names_bad_recommend_cells_and_reads_the_optional_columns(tmp_path):
    rows = [["C1", "甲", *([80] * 9), 9, "满意", "很满意", "交货及时"],
            ["C2", "乙", *([70] * 9), 11, 101, "还行", None],
            ["C3", "丙", *([60] * 9), "九", None, None, "  "]]
    book = {"指标": REFERENCE_SCHEME,
            "问卷": [["客户编号", "受访人", *ITEMS, "推荐意愿", "再次购买", "总体满意度", "意见"], *rows],
            "走访": [["客户编号", "走访日期", *ITEMS, "记录"], ["C1", None, *([None] * 9), "客户反映包装袋破损"]]}
    with pytest.raises(InvalidInputError) as info:
        read_survey(write_xlsx(book, tmp_path / "bad.xlsx"))
    cells = {(f.code, f.cell) for f in info.value.findings if f.severity == "error"}
    assert cells == {("not_recommend", "问卷!L3"), ("not_recommend", "问卷!L4"), ("out_of_range", "问卷!M3"),
                     ("not_on_scale", "问卷!N3")}
    book["问卷"][2][11:14] = [10, 90, 70]
    book["问卷"][3][11] = 0
    survey = read_survey(write_xlsx(book, tmp_path / "good.xlsx"))
    q = survey.questionnaire
    assert q["recommend"].tolist() == [9, 10, 0] and q["repurchase"].tolist()[:2] == [80, 90]
    assert q["overall"].tolist()[:2] == [95, 70] and q["comments"].tolist()[0] == "交货及时"
    assert q["comments"].isna().tolist() == [False, True, True]
    assert survey.visits["notes"].tolist() == ["客户反映包装袋破损"]
    assert not [f for f in survey.findings if f.code == "ignored_column"]


# --- comments ---------------------------------------------------------------------------------
def test_terms_are_words_not_characters_or_stop_words():
    cut = comments.segmenter().cut
    found = comments.terms("技术服务响应慢，希望尽快改进。包装袋破损！我们非常满意", cut)
    assert found == ["技术服务", "响应慢", "尽快", "改进", "包装袋", "破损"]
    assert comments.terms("The technician's response was SLOW; slow again.", cut) == ["technician", "response", "slow"]
    # without a segmenter (xlwings Lite) English is counted, Chinese is not cut into characters
    assert comments.terms("包装袋破损 spare parts late", None) == ["spare", "parts", "late"]
    stops = comments.stop_words()
    assert {"的", "我们", "希望", "the", "very"} <= stops


def test_comment_terms_count_comments_with_grade_mix_and_examples():
    rows = [["K1", "甲", *([95] * 9), "交货及时，包装完好。技术服务响应慢"],
            ["K1", "乙", *([95] * 9), "交货及时交货及时"],
            ["K2", "丙", *([50] * 9), "包装袋破损严重。交货及时但是包装袋破损"],
            ["K3", "丁", *([75] * 9), "=HYPERLINK(\"http://x\",\"交货及时\")"],
            ["K4", "戊", *([75] * 9), None]]
    scores = score(_survey(rows, ["意见"]))
    result = comments.comment_terms(scores)
    assert result.segmenter.startswith("rjieba")
    top = result.top_terms("questionnaire").set_index("term")
    # "交货" in 4 comments (twice in one of them: counted once), by 3 customers
    assert top.loc["交货", "count"] == 4 and top.loc["交货", "customers"] == 3
    assert (top.loc["交货", "very_satisfied"], top.loc["交货", "fairly_dissatisfied"], top.loc["交货", "satisfied"]) == (1, 1, 1)
    assert top.loc["包装袋", "count"] == 1 and top.loc["包装袋", "example_1"] == "包装袋破损严重"
    assert top.loc["交货", "example_1"] == "交货及时，包装完好" and top.loc["交货", "example_2"] == "交货及时交货及时"
    assert result.sources.set_index("source").loc["questionnaire", "comments"] == 4
    assert not any(len(t) < 2 for t in top.index)


# --- the report -------------------------------------------------------------------------------
SAMPLE = Path(__file__).resolve().parent.parent / "sample_workbooks" / "pvc_2026Q2_zh.xlsx"


def test_sample_report_has_nps_drivers_summing_to_r2_and_real_chinese_terms():
    from csat_xl.report import build_report

    model = build_report(SAMPLE, lang="zh")
    nps = model.fields["loyalty"]
    assert nps["nps_low"].value < nps["nps"].value < nps["nps_high"].value and nps["nps_answers"].value > 40
    # churn_info: lost customers and churn rate (the sample has a 状态 column; issue 13)
    assert [b.key for b in model.sheet("overview").blocks if b.kind == "fields"] == ["kpi", "loyalty", "kpi", "churn_info"]
    drivers_rows = model.tables["stats_drivers"].rows
    total = drivers_rows[-1]
    assert total["relative_weight"] == pytest.approx(model.fields["loyalty"]["r_squared"].value)
    assert sum(r["relative_weight"] for r in drivers_rows[:-1]) == pytest.approx(total["relative_weight"], abs=1e-12)
    assert model.fields["loyalty"]["outcome"].value.startswith("总体满意度")
    # the IPA's derived importance is the relative weight; the correlation is kept beside it
    ipa = {r["item"]: r for r in model.tables["stats_ipa"].rows}
    assert all(ipa[r["item"]]["derived_importance"] == pytest.approx(r["relative_weight"]) for r in drivers_rows[:-1])
    assert all(-1 <= ipa[r["item"]]["correlation"] <= 1 for r in drivers_rows[:-1])
    stops = comments.stop_words()
    for source in ("questionnaire", "visits", "complaints"):
        top = model.tables[f"comments_{source}"].rows[:10]
        assert len(top) == 10
        assert all(len(r["term"]) >= 2 and r["term"] not in stops for r in top), [r["term"] for r in top]
        assert all(r["example_1"] and r["term"] in r["example_1"] for r in top)
        assert all(r["term_customers"] == sum(r[g] for g in (*comments.GRADE_KEYS, comments.UNGRADED)) for r in top)


@pytest.mark.libreoffice
def test_comment_text_stays_text_through_libreoffice(soffice, tmp_path):
    from libreoffice import recalculate

    from csat_xl.report import build_report, render_xlsx

    hyperlink = '=HYPERLINK("http://example.invalid","包装袋破损")'
    rows = [[f"K{i}", "甲", *([60 + i] * 9), text] for i, text in
            enumerate([hyperlink, "+包装袋破损，交货及时", "@SUM(1,2) 包装袋破损", "交货及时", "-交货及时"])]
    survey = _survey(rows, ["意见"])
    out = render_xlsx(build_report(survey, lang="zh"), tmp_path / "report.xlsx")
    saved = recalculate(out, tmp_path)
    sheet = openpyxl.load_workbook(saved)["意见分析"]
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert {c.value for c in cells} >= {hyperlink, "+包装袋破损，交货及时", "@SUM(1,2) 包装袋破损"}
    assert all(c.data_type == "s" for c in cells if c.value[:1] in "=+-@")


def test_without_segmenter_english_is_counted_and_the_report_says_what_is_missing(monkeypatch):
    from csat_xl.report import build_report

    rows = [[f"K{i}", "甲", *([70 + i] * 9), text] for i, text in
            enumerate(["包装袋破损, spare parts late", "Spare parts late again", "交货及时"])]
    survey = _survey(rows, ["意见"])
    monkeypatch.setattr(comments, "segmenter", lambda: None)  # as in xlwings Lite (Pyodide): no rjieba
    result = comments.comment_terms(score(survey))
    assert result.segmenter is None
    assert set(result.top_terms("questionnaire")["term"]) == {"spare", "parts", "late"}  # "again": a stop word
    model = build_report(survey, lang="en")
    assert model.fields["comments"]["segmenter"].value.startswith("no segmenter")
    notes = [r["message"] for r in model.tables["findings"].rows if r["severity"] == "info"]
    # no recommend / repurchase column, too few customers for drivers: both said on Data quality
    assert any("no NPS" in n for n in notes) and any("no key drivers" in n for n in notes)
    assert not any("no comment analysis" in n for n in notes)
