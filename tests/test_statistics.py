"""Statistics (issue 7): reliability, bootstrap intervals, band-flip risk,
minimum sample, importance–performance, expectations, period comparison.

Every expected value here is computed independently of csat_xl.statistics:
from a published table, by the textbook formula written out with plain
Python, or from a case constructed so the answer is known.
"""

from __future__ import annotations

import json
import math
import statistics as pystats

import numpy as np
import pytest
from hypothesis import example, given, settings as hsettings, strategies as hst

from builders import ITEMS, REFERENCE_SCHEME, tables, worked_example
from csat_xl import read_survey, score, summarize
from csat_xl import statistics as st
from csat_xl.tables import survey_from_tables
from conftest import SAMPLES

# Shrout, P. E. & Fleiss, J. L. (1979). Intraclass correlations: uses in
# assessing rater reliability. Psychological Bulletin 86(2), 420–428,
# Table 2: six targets rated by four judges.  Their Table 3 gives the ANOVA
# mean squares BMS = 11.24, JMS = 32.49, EMS = 1.02 and Table 4
# ICC(3,k) = .91.  ICC(3,k) = (BMS − EMS) / BMS is Cronbach's alpha with the
# judges as items (Hoyt 1941), so alpha of this table is published as .91.
SHROUT_FLEISS = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]
SHROUT_FLEISS_BMS, SHROUT_FLEISS_EMS, SHROUT_FLEISS_ICC3K = 11.24, 1.02, 0.91


def hand_alpha(rows: list[list[float]]) -> float:
    """alpha = k/(k−1)·(1 − Σ var(item) / var(total)), sample variances, plain Python."""
    k = len(rows[0])
    item_vars = [pystats.variance([r[j] for r in rows]) for j in range(k)]
    total_var = pystats.variance([sum(r) for r in rows])
    return k / (k - 1) * (1 - sum(item_vars) / total_var)


def hoyt_alpha(rows: list[list[float]]) -> float:
    """Hoyt's two-way ANOVA route: (MS_between persons − MS_residual) / MS_between."""
    n, k = len(rows), len(rows[0])
    grand = sum(map(sum, rows)) / (n * k)
    row_means = [sum(r) / k for r in rows]
    col_means = [sum(r[j] for r in rows) / n for j in range(k)]
    ss_rows = k * sum((m - grand) ** 2 for m in row_means)
    ss_cols = n * sum((m - grand) ** 2 for m in col_means)
    ss_total = sum((x - grand) ** 2 for r in rows for x in r)
    ms_rows = ss_rows / (n - 1)
    ms_error = (ss_total - ss_rows - ss_cols) / ((n - 1) * (k - 1))
    return (ms_rows - ms_error) / ms_rows


# --- reliability ----------------------------------------------------------------------------------
def test_alpha_matches_published_shrout_fleiss_example():
    result = st.cronbach_alpha(SHROUT_FLEISS)
    published = (SHROUT_FLEISS_BMS - SHROUT_FLEISS_EMS) / SHROUT_FLEISS_BMS
    assert result.alpha == pytest.approx(published, abs=1e-3)  # mean squares published to 2 decimals
    assert round(result.alpha, 2) == SHROUT_FLEISS_ICC3K
    assert result.alpha == pytest.approx(hand_alpha(SHROUT_FLEISS), abs=1e-12)
    assert result.alpha == pytest.approx(hoyt_alpha(SHROUT_FLEISS), abs=1e-12)
    assert (result.items, result.respondents) == (4, 6)


# StatsBase.jl documentation, ``cronbachalpha`` (JuliaStats, MIT): for the
# covariance matrix below it prints alpha 0.8136 and, with an item dropped,
# 0.7500, 0.7606, 0.7714, 0.7826.
STATSBASE_COV = np.array([[10, 6, 6, 6], [6, 11, 6, 6], [6, 6, 12, 6], [6, 6, 6, 13]], dtype=float)
STATSBASE_ALPHA, STATSBASE_DROPPED = 0.8136, [0.7500, 0.7606, 0.7714, 0.7826]


def test_alpha_matches_published_statsbase_example():
    # Respondents whose sample covariance is exactly STATSBASE_COV: whiten random
    # data (sample covariance = identity), then colour it with the Cholesky factor.
    z = np.random.default_rng(0).normal(size=(30, 4))
    z -= z.mean(axis=0)
    q, _ = np.linalg.qr(z)
    data = q * math.sqrt(29) @ np.linalg.cholesky(STATSBASE_COV).T + 50
    assert np.cov(data, rowvar=False) == pytest.approx(STATSBASE_COV)
    result = st.cronbach_alpha(data)
    assert round(result.alpha, 4) == STATSBASE_ALPHA
    assert [round(a, 4) for a in result.if_deleted] == STATSBASE_DROPPED
    assert result.alpha == pytest.approx(hand_alpha(data.tolist()), abs=1e-12)


def test_alpha_if_deleted_and_item_total_by_hand():
    result = st.cronbach_alpha(SHROUT_FLEISS)
    for j in range(4):
        others = [[x for i, x in enumerate(r) if i != j] for r in SHROUT_FLEISS]
        assert result.if_deleted[j] == pytest.approx(hand_alpha(others), abs=1e-12)
        item = [r[j] for r in SHROUT_FLEISS]
        rest = [sum(r) - r[j] for r in SHROUT_FLEISS]
        assert result.item_total[j] == pytest.approx(pystats.correlation(item, rest), abs=1e-12)


def test_alpha_missing_data_policies():
    rows = [list(map(float, r)) for r in SHROUT_FLEISS] + [[7.0, float("nan"), 4.0, 6.0], [float("nan"), 3.0, 5.0, 8.0]]
    listwise = st.cronbach_alpha(rows, st.LISTWISE)
    # listwise: only the six complete rows count
    assert listwise.respondents == 6
    assert listwise.alpha == pytest.approx(hand_alpha(SHROUT_FLEISS), abs=1e-12)
    pairwise = st.cronbach_alpha(rows, st.PAIRWISE)
    # pairwise: each covariance from the rows answering both items
    cov = np.empty((4, 4))
    for a in range(4):
        for b in range(4):
            pairs = [(r[a], r[b]) for r in rows if not (math.isnan(r[a]) or math.isnan(r[b]))]
            cov[a, b] = pystats.covariance([p[0] for p in pairs], [p[1] for p in pairs])
    expected = 4 / 3 * (1 - np.trace(cov) / cov.sum())
    assert pairwise.alpha == pytest.approx(expected, abs=1e-12)
    assert pairwise.respondents == 6  # smallest pair count (items 1 and 2 answered together by 6)
    assert pairwise.alpha != pytest.approx(listwise.alpha, abs=1e-6)
    with pytest.raises(ValueError, match="listwise"):
        st.cronbach_alpha(rows, "mean-impute")


def test_alpha_undefined_cases():
    assert math.isnan(st.cronbach_alpha([[1.0], [2.0], [3.0]]).alpha)  # one item
    assert math.isnan(st.cronbach_alpha([[1.0, 2.0]]).alpha)  # one respondent
    assert math.isnan(st.cronbach_alpha([[5.0, 5.0], [5.0, 5.0]]).alpha)  # no variance


def _survey(questionnaire_rows, scheme=REFERENCE_SCHEME, header=None, extra=None):
    sheets = {"指标": scheme, "问卷": [header or ["客户编号", "受访人", *ITEMS], *questionnaire_rows]}
    sheets.update(extra or {})
    return survey_from_tables(tables(sheets))


def test_reliability_per_category_flags_low_alpha():
    rng = np.random.default_rng(3)
    rows = []
    for r in range(40):
        level = rng.uniform(50, 95)
        quality = [level + rng.normal(0, 3) for _ in range(3)]  # consistent: high alpha
        purchase = list(rng.uniform(30, 100, 3))  # independent noise: alpha near 0
        service = [level + rng.normal(0, 4) for _ in range(3)]
        rows.append([f"C{r // 2}", f"R{r}", *np.clip([*quality, *purchase, *service], 0, 100).round(1)])
    survey = _survey(rows)
    result = st.reliability(survey)
    by_cat = result.categories.set_index(result.categories["category"].fillna("*"))
    answers = survey.questionnaire
    for category, cols in (("产品质量", ITEMS[:3]), ("购销过程", ITEMS[3:6]), ("相关服务", ITEMS[6:])):
        assert by_cat.loc[category, "alpha"] == pytest.approx(hand_alpha(answers[cols].values.tolist()), abs=1e-10)
        assert by_cat.loc[category, "respondents"] == 40  # respondent level, not customer level
    assert by_cat.loc["产品质量", "below_threshold"] is not None and not by_cat.loc["产品质量", "below_threshold"]
    assert bool(by_cat.loc["购销过程", "below_threshold"]) is True
    assert by_cat.loc["*", "items"] == 9
    items = result.items.set_index("item")
    assert items.loc["品质", "alpha_change"] == pytest.approx(items.loc["品质", "alpha_if_deleted"] - by_cat.loc["产品质量", "alpha"])
    assert result.policy == "listwise"


# --- bootstrap ------------------------------------------------------------------------------------
def test_resample_counts_are_draws_of_n():
    chunks = list(st.resample_counts(7, 25, seed=1))
    counts = np.vstack(chunks)
    assert counts.shape == (25, 7)
    assert (counts.sum(axis=1) == 7).all()
    again = np.vstack(list(st.resample_counts(7, 25, seed=1)))
    assert (counts == again).all()
    draws = np.vstack(list(st.resample_indices(7, 25, seed=1)))
    assert (np.stack([np.bincount(row, minlength=7) for row in draws]) == counts).all()


def test_bootstrap_sums_same_draws_either_way():
    """Few columns are summed by gathering, many by count matrices: same draws, same sums."""
    values = np.random.default_rng(2).normal(80, 5, (300, 1))
    few = st.bootstrap_sums(values, 50, seed=3)  # gather path
    many = st.bootstrap_sums(np.column_stack([values, values, np.ones_like(values)]), 50, seed=3)  # count path
    assert few[:, 0] == pytest.approx(many[:, 0], abs=1e-9)
    assert (many[:, 2] == 300).all()


@pytest.mark.parametrize("n, columns, resamples", [(1, 1, 50), (150, 1, 1_100), (997, 2, 1_100), (70_000, 1, 20)])
def test_bootstrap_sums_gathered_in_blocks_are_each_resamples_sum(n, columns, resamples):
    """The gather path sums in row blocks (several per chunk of draws; one row
    per block for a sample larger than a block): every row is still exactly
    its own resample's sum, as one gather over the whole chunk gives it."""
    values = np.random.default_rng(n).normal(80, 5, (n, columns))
    sums = st.bootstrap_sums(values, resamples, seed=5)
    draws = np.vstack(list(st.resample_indices(n, resamples, 5)))
    assert sums.shape == (resamples, columns)
    assert np.array_equal(sums, np.column_stack([values[:, j][draws].sum(axis=1) for j in range(columns)]))


def test_bootstrap_reproducible_with_seed():
    values = np.random.default_rng(0).normal(80, 8, 50)
    a = st.bootstrap_mean(values, seed=42, resamples=500)
    b = st.bootstrap_mean(values, seed=42, resamples=500)
    c = st.bootstrap_mean(values, seed=43, resamples=500)
    assert (a.low, a.high) == (b.low, b.high)
    assert (a.low, a.high) != (c.low, c.high)
    assert a.estimate == pytest.approx(values.mean())
    assert a.low < a.estimate < a.high
    # the percentile interval is near the normal-theory one for a symmetric sample
    se = values.std(ddof=1) / math.sqrt(values.size)
    assert a.half_width == pytest.approx(1.96 * se, rel=0.15)


def test_bootstrap_covers_true_mean_at_nominal_rate():
    """Property: over many simulated samples, the 95 % interval contains the
    true mean about 95 % of the time.  With 400 samples the standard error of
    the coverage is ~1.1 %; percentile intervals undercover slightly at
    n = 40, so accept 0.90–0.99."""
    rng = np.random.default_rng(2026)
    true_mean, hits, trials = 78.0, 0, 400
    for t in range(trials):
        sample = np.clip(rng.normal(true_mean, 9.0, 40), 0, 100)
        hits += st.bootstrap_mean(sample, level=0.95, resamples=400, seed=t).contains(true_mean)
    assert 0.90 <= hits / trials <= 0.99
    # and a 50 % interval covers about half the time (the level is honoured)
    hits50 = sum(
        st.bootstrap_mean(np.clip(rng.normal(true_mean, 9.0, 40), 0, 100), level=0.5, resamples=400, seed=t).contains(true_mean)
        for t in range(trials)
    )
    assert 0.40 <= hits50 / trials <= 0.60


def test_bootstrap_weighted_mean_and_small_samples():
    interval = st.bootstrap_mean([70, 90, float("nan")], weights=[3, 1, 5], resamples=200)
    assert interval.estimate == pytest.approx((70 * 3 + 90) / 4)
    assert interval.n == 2
    assert 70 <= interval.low <= interval.high <= 90
    one = st.bootstrap_mean([80.0])
    assert one.estimate == 80.0 and math.isnan(one.low)
    with pytest.raises(ValueError, match="confidence level"):
        st.bootstrap_mean([1, 2, 3], level=95)


@pytest.fixture(scope="module")
def q2():
    scores = score(read_survey(SAMPLES / "pvc_2026Q2_zh.xlsx"))
    return scores, summarize(scores)


def test_uncertainty_estimates_equal_summary(q2):
    scores, summary = q2
    result = st.uncertainty(scores, resamples=300, seed=5)
    table = result.table
    assert result.interval("csi").estimate == pytest.approx(summary.csi, abs=1e-9)
    assert result.interval("csi_weighted").estimate == pytest.approx(summary.csi_weighted, abs=1e-9)
    assert result.interval("satisfaction_rate").estimate == pytest.approx(summary.satisfaction_rate, abs=1e-12)
    for category, mean in zip(summary.categories["category"], summary.categories["mean_blended"]):
        assert result.interval("category", category).estimate == pytest.approx(mean, abs=1e-9)
    assert (table["low"] <= table["estimate"] + 1e-12).all() and (table["estimate"] <= table["high"] + 1e-12).all()
    assert (table["half_width"] > 0).all()
    assert result.interval("csi").n == summary.counts["scored"]
    again = st.uncertainty(scores, resamples=300, seed=5).table
    assert again[["low", "high"]].equals(table[["low", "high"]])


def test_uncertainty_matches_direct_bootstrap_of_csi(q2):
    """The matrix engine and a plain loop over resampled customers agree."""
    scores, _ = q2
    result = st.uncertainty(scores, resamples=200, seed=9).interval("csi")
    final = scores.customers["final"].to_numpy()
    means = []
    for counts in st.resample_counts(len(final), 200, 9):
        for row in counts:
            picked = np.repeat(final, row.astype(int))
            means.append(np.nanmean(picked))
    low, high = np.quantile(means, [0.025, 0.975])
    assert (result.low, result.high) == pytest.approx((low, high), abs=1e-9)


# --- band-flip risk -------------------------------------------------------------------------------
def test_band_flip_risk_constructed():
    rows = [
        ["A", "r1", *([100] * 9)],  # A: 100 and 60 → F = 80 (满意); resampled: 100, 80 or 60
        ["A", "r2", *([60] * 9)],
        ["B", "r1", *([85] * 9)],  # B: respondents agree → never flips
        ["B", "r2", *([85] * 9)],
        ["C", "r1", *([50] * 9)],  # C: one respondent → not assessed
    ]
    risk = st.band_flip_risk(score(_survey(rows))).set_index("customer_id")
    assert set(risk.index) == {"A", "B"}
    # P(both draws the same respondent) = 1/2 → grade 很满意 (100) or 比较满意 (60); exact for 2 respondents
    assert risk.loc["A", "flip_probability"] == pytest.approx(0.5, abs=1e-12)
    assert risk.loc["A", "grade"] == "satisfied" and risk.loc["A", "final"] == pytest.approx(80.0)
    assert (risk.loc["A", "low"], risk.loc["A", "high"]) == (60.0, 100.0)
    assert risk.loc["B", "flip_probability"] == 0.0
    assert list(risk.index) == ["A", "B"]  # highest risk first


def test_band_flip_uses_visit_and_complaints():
    rows = [["A", "r1", *([100] * 9)], ["A", "r2", *([60] * 9)]]
    visits = {"走访": [["客户编号", *ITEMS], ["A", *(["很满意"] * 9)]], "投诉": [["客户编号", "处理结果"], ["A", "未处理"]]}
    scores = score(_survey(rows, extra=visits))
    # F = 0.6·95 + 0.4·Q − 5 with Q ∈ {100, 80, 60}: 92, 84, 76 → grade 满意 flips only when Q = 100
    assert scores.customers.set_index("customer_id").loc["A", "final"] == pytest.approx(84.0)
    risk = st.band_flip_risk(scores).set_index("customer_id")
    assert risk.loc["A", "flip_probability"] == pytest.approx(0.25, abs=1e-12)


def _brute_force_flip(scores, customer):
    """Every one of the k^k ordered resamples of a customer's respondents, scored
    with the core's steps one at a time (independent of the count-pattern algebra)."""
    from itertools import product

    from csat_xl.scoring import adjust, blend, weighted_mean

    survey = scores.survey
    rows = survey.questionnaire[survey.questionnaire["customer_id"] == customer][ITEMS].to_numpy(dtype=float)
    me = scores.customers.set_index("customer_id").loc[customer]
    k, finals = len(rows), []
    for pick in product(range(k), repeat=k):
        drawn = rows[list(pick)]
        with np.errstate(all="ignore"), __import__("warnings").catch_warnings():
            __import__("warnings").simplefilter("ignore")
            means = np.nanmean(drawn, axis=0)
        q = weighted_mean(means[None, :], survey.scheme.weights)[0]
        f, _ = adjust(blend(np.array([me["visit"]]), np.array([q]), survey.settings.visit_share), np.array([me["adjustment"]]))
        finals.append(f[0])
    grades = survey.settings.grade_keys(np.array(finals))
    return float(np.mean(grades != me["grade"])), np.array(finals)


def test_band_flip_exact_equals_brute_force_with_blanks():
    rng = np.random.default_rng(21)
    rows = []
    for c in range(6):
        for r in range(3 + c % 2):  # 3 or 4 respondents
            cells = rng.choice([55, 62, 68, 72, 78, 85, 92], 9).astype(float)
            cells[rng.random(9) < 0.3] = np.nan
            rows.append([f"K{c}", f"r{r}", *[None if np.isnan(x) else x for x in cells]])
    scores = score(_survey(rows))
    risk = st.band_flip_risk(scores).set_index("customer_id")
    for customer in risk.index:
        flip, finals = _brute_force_flip(scores, customer)
        assert risk.loc[customer, "flip_probability"] == pytest.approx(flip, abs=1e-12)
        assert finals.min() - 1e-9 <= risk.loc[customer, "low"] <= risk.loc[customer, "high"] <= finals.max() + 1e-9
    assert risk["flip_probability"].max() > 0  # the case is not trivial


def test_band_flip_monte_carlo_beyond_exact_limit():
    """Eight respondents have C(15, 8) = 6,435 patterns: with 2,000 resamples the
    risk is estimated by seeded draws, and agrees with the exact value."""
    counts, probability = st.respondent_patterns(3, 2000, np.random.default_rng(0))
    assert counts.shape == (10, 3) and probability.sum() == pytest.approx(1.0)
    assert (counts.sum(axis=1) == 3).all()
    values = [60, 62, 66, 70, 72, 75, 78, 95]
    rows = [["A", f"r{i}", *([v] * 9)] for i, v in enumerate(values)]
    scores = score(_survey(rows))
    exact = st.band_flip_risk(scores, resamples=7000).iloc[0]["flip_probability"]
    estimate = st.band_flip_risk(scores, resamples=2000, seed=1).iloc[0]["flip_probability"]
    assert st.band_flip_risk(scores, resamples=2000, seed=1).iloc[0]["flip_probability"] == estimate
    assert 0.1 < exact < 0.9
    assert estimate == pytest.approx(exact, abs=0.04)  # 4 × the Monte-Carlo standard error


# --- minimum sample -------------------------------------------------------------------------------
def test_minimum_sample_formula():
    values = [70.0, 80.0, 90.0, float("nan")]  # σ = 10
    result = st.minimum_sample(values, margin=2.0, level=0.95)
    z = pystats.NormalDist().inv_cdf(0.975)
    assert result.sigma == pytest.approx(10.0)
    assert result.required == math.ceil((z * 10.0 / 2.0) ** 2) == 97  # (1.96·10/2)² = 96.04
    assert result.actual == 3 and result.sufficient is False
    wide = st.minimum_sample(values, margin=20.0)
    assert wide.required == 1 and wide.sufficient is True
    with pytest.raises(ValueError, match="margin"):
        st.minimum_sample(values, margin=0)


# --- importance–performance -----------------------------------------------------------------------
IPA_SCHEME = [
    ["类别", "类别权重", "项目", "项目权重"],
    ["甲", 40, "A", 40],
    ["乙", 30, "B", 30],
    ["丙", 20, "C", 20],
    ["丁", 10, "D", 10],
]


def test_importance_performance_quadrants_constructed():
    # mean weight 25; performance A 90, B 60, C 90, D 60 → mean 75
    rows = [["K1", "r", 95, 65, 92, 55], ["K2", "r", 85, 55, 88, 65]]
    survey = _survey(rows, scheme=IPA_SCHEME, header=["客户编号", "受访人", "A", "B", "C", "D"])
    scores = score(survey)
    ipa = st.importance_performance(scores)
    table = ipa.table.set_index("item")
    assert ipa.importance_mean == pytest.approx(25.0)
    assert ipa.performance_mean == pytest.approx(75.0)
    assert table["performance"].tolist() == pytest.approx([90.0, 60.0, 90.0, 60.0])
    assert table["quadrant"].to_dict() == {"A": "keep_up", "B": "concentrate", "C": "overkill", "D": "low_priority"}
    assert table["stated_importance"].tolist() == pytest.approx([40, 30, 20, 10])


def test_derived_importance_is_correlation_with_q():
    rng = np.random.default_rng(8)
    rows = [[f"C{i}", "r", *rng.uniform(40, 100, 9).round(1)] for i in range(30)]
    scores = score(_survey(rows))
    ipa = st.importance_performance(scores).table.set_index("item")
    q = scores.customers.set_index("customer_id")["questionnaire"]
    for item in ITEMS:
        values = scores.questionnaire_items[item]
        assert ipa.loc[item, "derived_importance"] == pytest.approx(pystats.correlation(values.tolist(), q.reindex(values.index).tolist()), abs=1e-12)
    # the heaviest item (品质, 30 %) drives Q most
    assert ipa["derived_importance"].idxmax() == "品质"


# --- expectations ---------------------------------------------------------------------------------
def test_cs_ratio_hand_computed():
    header = ["客户编号", "受访人", "品质", "包装", "期望:品质", "期望:包装"]
    rows = [
        ["K1", "r1", 80, 90, 100, 90],  # 品质 0.8, 包装 1.0
        ["K1", "r2", 90, None, 90, 95],  # 包装 perceived blank → pair left out
        ["K2", "r1", 95, 70, 80, 70],
    ]
    survey = _survey(rows, header=header)
    result = st.expectations(survey, tolerance=0.02)
    items = result.items.set_index("item")
    # 品质: perceived (80+90+95)/3, expected (100+90+80)/3
    assert items.loc["品质", "cs"] == pytest.approx(265 / 270)
    assert items.loc["品质", "answers"] == 3
    assert items.loc["品质", "cs_class"] == "neutral"  # 0.9815 within 1 ± 0.02
    # 包装: pairs (90, 90) and (70, 70)
    assert items.loc["包装", "cs"] == pytest.approx(1.0)
    # category 产品质量 (weights 30 : 10): (30·265/3 + 10·80) / (30·90 + 10·80)
    cat = result.categories.set_index("category").loc["产品质量"]
    assert cat["cs"] == pytest.approx((30 * 265 / 3 + 10 * 80) / (30 * 90 + 10 * 80))
    customers = result.customers.set_index("customer_id")
    # K1: 品质 perceived mean 85 vs expected 95; 包装 90 vs 90 → (30·85 + 10·90) / (30·95 + 10·90)
    assert customers.loc["K1", "cs"] == pytest.approx((30 * 85 + 10 * 90) / (30 * 95 + 10 * 90))
    assert customers.loc["K1", "cs_class"] == "disappointed"
    # K2: (30·95 + 10·70) / (30·80 + 10·70) > 1
    assert customers.loc["K2", "cs"] == pytest.approx((30 * 95 + 10 * 70) / (30 * 80 + 10 * 70))
    assert customers.loc["K2", "cs_class"] == "satisfied"
    assert result.overall["answers"].iloc[0] == 5


def test_cs_class_tolerance():
    assert list(st.cs_class([1.03, 1.01, 0.99, 0.97, float("nan")], 0.02)) == ["satisfied", "neutral", "neutral", "disappointed", None]
    assert list(st.cs_class([1.01, 1.0, 0.99], 0.0)) == ["satisfied", "neutral", "disappointed"]


def test_expectations_absent_and_sample(q2):
    plain = st.expectations(_survey([["K1", "r", *([80] * 9)]]))
    assert not plain.available and plain.items.empty
    scores, _ = q2
    sample = st.expectations(scores.survey)
    assert sample.available and list(sample.items["item"]) == ["品质"]
    q, e = scores.survey.questionnaire["品质"], scores.survey.expected["品质"]
    both = q.notna() & e.notna()
    assert sample.items["cs"].iloc[0] == pytest.approx(q[both].mean() / e[both].mean())


# --- period comparison ----------------------------------------------------------------------------
def test_compare_csi_significance():
    rng = np.random.default_rng(4)
    low = score(_survey([[f"C{i}", "r", *([float(v)] * 9)] for i, v in enumerate(rng.normal(70, 5, 40).round(1))]))
    high = score(_survey([[f"C{i}", "r", *([float(v)] * 9)] for i, v in enumerate(rng.normal(80, 5, 40).round(1))]))
    same = score(_survey([[f"C{i}", "r", *([float(v)] * 9)] for i, v in enumerate(rng.normal(70, 5, 40).round(1))]))
    up = st.compare_csi(high, low, resamples=1000, seed=1)
    assert up.difference == pytest.approx(summarize(high).csi - summarize(low).csi)
    assert up.significant is True and up.low > 0
    flat = st.compare_csi(same, low, resamples=1000, seed=1)
    assert flat.low < flat.difference < flat.high
    assert flat.significant is (flat.low > 0 or flat.high < 0)
    assert st.compare_csi(same, low, resamples=1000, seed=1) == flat  # seeded


def test_analyse_sample_to_json(q2):
    scores, _ = q2
    previous = score(read_survey(SAMPLES / "pvc_2026Q1_zh.xlsx"))
    result = st.analyse(scores, previous, resamples=200)
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert data["settings"]["seed"] == st.DEFAULT_SEED
    assert {r["measure"] for r in data["uncertainty"]} >= {"csi", "satisfaction_rate", "category"}
    assert data["period_difference"]["difference"] == pytest.approx(summarize(scores).csi - summarize(previous).csi)
    assert data["minimum_sample"]["actual"] == summarize(scores).counts["scored"]


# --- csat-xl score --stats ------------------------------------------------------------------------
class _Done:
    def __init__(self, result):
        self.returncode, self.stdout, self.stderr = result.exit_code, result.stdout, result.stderr


def _cli(*args):
    """Run the CLI in this process (typer's runner; stdout and stderr kept apart)."""
    from typer.testing import CliRunner

    from csat_xl.cli import app

    return _Done(CliRunner().invoke(app, [str(a) for a in args]))


def test_cli_stats_json_is_one_object(q2):
    done = _cli("score", SAMPLES / "pvc_2026Q2_zh.xlsx", "-f", "json", "--stats", "--previous", SAMPLES / "pvc_2026Q1_zh.xlsx")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)  # one JSON document
    scores, summary = q2
    assert [c["customer_id"] for c in data["customers"]] == list(scores.customers["customer_id"])
    csi = next(r for r in data["statistics"]["uncertainty"] if r["measure"] == "csi")
    assert csi["estimate"] == pytest.approx(summary.csi)
    assert data["statistics"]["period_difference"]["significant"] in (True, False)
    assert data["statistics"]["settings"] == {**data["statistics"]["settings"], "seed": st.DEFAULT_SEED, "level": 0.95}


def test_cli_stats_table_zh_and_csv_en(q2):
    table = _cli("score", SAMPLES / "pvc_2026Q2_zh.xlsx", "--stats", "--lang", "zh")
    assert table.returncode == 0, table.stderr
    for text in ("统计分析", "置信区间（自助法）", "信度（Cronbach α，按类别）", "重要性–表现分析", "感知 ÷ 期望（CS）", "样本是否足够"):
        assert text in table.stdout
    csv = _cli("score", SAMPLES / "pvc_2026Q2_zh.xlsx", "--stats", "-f", "csv", "--lang", "en", "--level", "0.9", "--seed", "7",
               "--margin", "5", "--cs-tolerance", "0.2")
    assert csv.returncode == 0, csv.stderr
    assert csv.stdout.splitlines()[0].startswith("Customer ID,") and "Statistics" not in csv.stdout
    assert "Confidence intervals (bootstrap)" in csv.stderr and "Confidence level: 90%" in csv.stderr
    assert "Random seed: 7" in csv.stderr and "Margin d (points): 5.0" in csv.stderr
    assert "CS neutral tolerance: 0.20" in csv.stderr and "neutral (meets expectation)" in csv.stderr  # 0.854 within 1 ± 0.2
    bad = _cli("score", SAMPLES / "pvc_2026Q2_zh.xlsx", "--stats", "--level", "95")
    assert bad.returncode == 2


def test_format_value_follows_excel_formats():
    from csat_xl.cli_stats import format_value

    assert format_value(78.98214, "0.00") == "78.98"
    assert format_value(0.25, "0.0%") == "25.0%"
    assert format_value(1.37465, "+0.00;-0.00;0.00") == "+1.37"
    assert format_value(-1.58, "+0.00;-0.00;0.00") == "-1.58"
    assert format_value(47, "0") == "47"
    assert format_value(None, "0.00") == "" and format_value("满意", None) == "满意"


# --- robustness: the report always runs the statistics ---------------------------------------------
_EDGE_CASES = {
    "worked example": lambda: worked_example(),
    "visits only": lambda: {"指标": REFERENCE_SCHEME, "走访": [["客户编号", *ITEMS], ["A", *(["满意"] * 9)], ["B", *(["很满意"] * 9)]]},
    "one customer": lambda: {"指标": REFERENCE_SCHEME, "问卷": [["客户编号", *ITEMS], ["A", *([80] * 9)]]},
    "no variance": lambda: {"指标": REFERENCE_SCHEME, "问卷": [["客户编号", "受访人", *ITEMS], ["A", "1", *([80] * 9)],
                                                           ["A", "2", *([80] * 9)], ["B", "1", *([80] * 9)]]},
    "complaints only": lambda: {"指标": REFERENCE_SCHEME, "投诉": [["客户编号", "处理结果"], ["A", "满意"]]},
}


@pytest.mark.parametrize("case", sorted(_EDGE_CASES))
def test_statistics_never_fail_on_thin_data(case):
    import warnings

    from csat_xl.report.stats_tables import statistics_fields, statistics_tables

    scores = score(survey_from_tables(tables(_EDGE_CASES[case]())))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "mean of empty slice" or division warnings either
        result = st.analyse(scores, scores, resamples=50)
        json.dumps(result.to_dict())
        for lang in ("zh", "en"):
            statistics_tables(result, scores, lang)
            statistics_fields(result, lang)
    estimate = result.uncertainty.interval("csi").estimate
    csi = summarize(scores).csi
    assert (csi is None and math.isnan(estimate)) or estimate == pytest.approx(csi)


def test_grade_indices_agree_with_grade_keys():
    """Core helper used by the band-flip risk: the same bounds as grade_keys, as integers."""
    from csat_xl import labels
    from csat_xl.settings import Settings

    settings = Settings()
    scores = np.array([100, 90, 89.999, 70, 69.99, 60, 59.5, 40, 39.9, 0, np.nan])
    keys = settings.grade_keys(scores)
    index = settings.grade_indices(scores)
    assert [None if i < 0 else labels.GRADES[i].key for i in index] == list(keys)
    assert list(keys[:3]) == ["very_satisfied", "very_satisfied", "satisfied"]
    assert settings.grade_indices(scores.reshape(1, -1)).shape == (1, scores.size)  # any shape


# --- properties of alpha ---------------------------------------------------------------------------
_matrices = hst.integers(3, 12).flatmap(
    lambda n: hst.lists(hst.lists(hst.integers(0, 100), min_size=3, max_size=3), min_size=n, max_size=n))


@hsettings(max_examples=60, deadline=None)
@given(_matrices, hst.lists(hst.integers(-20, 20), min_size=3, max_size=3), hst.floats(0.1, 10))
@example([[0, 1, 2], [1, 1, 1], [0, 1, 2]], [0, 0, 0], 1.0)  # a sum that does not vary (was alpha = -1.8e16)
@example([[0, 1, 2], [1, 1, 1], [0, 1, 2]], [3, -7, 11], 0.3)
@example([[5, 0, 0], [5, 0, 0], [5, 0, 0]], [0, 0, 0], 9.029413432886125)  # constant items scaled (was alpha = 0)
def test_alpha_is_invariant_to_item_shifts_and_a_common_scale(rows, shifts, factor):
    data = np.array(rows, dtype=float)
    base = st.cronbach_alpha(data)
    moved = st.cronbach_alpha((data + np.array(shifts)) * factor)
    if np.isnan(base.alpha):
        assert np.isnan(moved.alpha)
    else:
        assert moved.alpha == pytest.approx(base.alpha, abs=1e-9)
        assert base.alpha <= 1.0 + 1e-12
        # alpha if deleted is alpha of the other two items
        assert base.if_deleted[0] == pytest.approx(st.cronbach_alpha(data[:, 1:]).alpha, abs=1e-9, nan_ok=True)


def large_period(customers: int, seed: int = 3, voice: bool = False):
    """A period of ``customers`` customers (3 respondents each, labels and numbers,
    some blanks, customer weights) scored by the core.  ``voice``: also regions
    (groups of 60 %, 38 % and 2 % of the customers) and the loyalty and overall
    satisfaction columns, drawn from their own stream (the rest is unchanged)."""
    rng = np.random.default_rng(seed)
    extra = np.random.default_rng(seed + 1)
    ids = [f"K{i:05d}" for i in range(customers)]
    regions = extra.choice(["华东", "华南", "海外"], size=customers, p=[0.6, 0.38, 0.02])
    roster = [["客户编号", "客户名称", "客户权重", *(["区域"] if voice else [])],
              *([cid, None, int(w), *([r] if voice else [])] for cid, w, r in zip(ids, rng.integers(1, 6, customers), regions))]
    answers = [["客户编号", "受访人", *ITEMS, *(["推荐意愿", "再次购买", "总体满意度"] if voice else [])]]
    level = rng.normal(75, 10, customers)
    for i, cid in enumerate(ids):
        for r in range(3):
            row = np.clip(rng.normal(level[i], 8, len(ITEMS)), 0, 100).round(1)
            answers.append([cid, f"R{r}", *[None if rng.random() < 0.05 else float(x) for x in row]])
            if voice:  # overall satisfaction driven by two items; recommend and repurchase by it
                overall = float(np.clip(0.5 * row[0] + 0.3 * row[3] + 0.2 * level[i] + extra.normal(0, 6), 0, 100).round())
                answers[-1] += [int(np.clip(round((overall - 40) / 6 + extra.normal()), 0, 10)),
                                float(np.clip(overall + extra.normal(0, 10), 0, 100).round()), overall]
    survey = survey_from_tables(tables({"指标": REFERENCE_SCHEME, "客户": roster, "问卷": answers}))
    return score(survey)


def test_normal_interval_agrees_with_the_bootstrap_where_it_replaces_it(monkeypatch):
    """From NORMAL_FROM customers on, uncertainty() gives the linearised normal
    interval; there both bounds of every figure are within NORMAL_TOLERANCE of
    the bootstrap's half-width from the bootstrap's (same estimates)."""
    scores = large_period(st.NORMAL_FROM)
    normal = st.uncertainty(scores).table
    monkeypatch.setattr(st, "NORMAL_FROM", 10**9)
    bootstrap = st.uncertainty(scores).table
    assert len(normal) == len(bootstrap) == 6  # CSI, weighted CSI, rate, three categories
    assert np.allclose(normal["estimate"], bootstrap["estimate"], rtol=0, atol=1e-9)
    for bound in ("low", "high"):
        gap = (normal[bound] - bootstrap[bound]).abs()
        assert (gap <= st.NORMAL_TOLERANCE * bootstrap["half_width"]).all(), (bound, (gap / bootstrap["half_width"]).tolist())
    assert not normal[["low", "high"]].equals(bootstrap[["low", "high"]]), "the two methods really ran"


def test_groups_nps_repurchase_and_drivers_use_the_same_normal_interval(monkeypatch):
    """The analyses' intervals follow the same rule (statistics.ratio_bounds):
    from NORMAL_FROM customers the normal interval, within NORMAL_TOLERANCE of
    the bootstrap's half-width of the bootstrap's bounds — for every group's CSI
    and its difference from the rest (groups down to 2 % of the customers), the
    NPS overall and per group, repurchase intent and every key driver's
    relative weight and R² (both with 2,000 resamples here, as the CSI test)."""
    from csat_xl.analyses import drivers, groups, loyalty
    from csat_xl.report.voice import customer_groups

    # a few more customers than NORMAL_FROM: the drivers use complete cases only
    normal_from = st.NORMAL_FROM
    scores = large_period(normal_from + 30, voice=True)

    def analyses() -> list[tuple[np.ndarray, np.ndarray]]:
        g = groups.group_table(scores).groups
        key = drivers.key_drivers(scores, resamples=st.DEFAULT_RESAMPLES)
        loyal = loyalty.loyalty(scores.survey, customer_groups(scores))
        assert key.customers >= normal_from
        blocks = [(g["csi_low"], g["csi_high"]), (g["difference_low"], g["difference_high"]),
                  ([*key.table["low"], key.r_squared_low], [*key.table["high"], key.r_squared_high]),
                  ([loyal.nps.low, *loyal.groups["low"]], [loyal.nps.high, *loyal.groups["high"]]),
                  ([loyal.repurchase.low], [loyal.repurchase.high])]
        return [(np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)) for lo, hi in blocks]

    normal = analyses()
    monkeypatch.setattr(st, "NORMAL_FROM", 10**9)
    bootstrap = analyses()
    assert [len(lo) for lo, _ in bootstrap] == [3, 3, len(ITEMS) + 1, 4, 1]
    for (n_low, n_high), (low, high) in zip(normal, bootstrap):
        assert np.isfinite(low).all() and np.isfinite(high).all()
        gaps = np.maximum(np.abs(n_low - low), np.abs(n_high - high)) / ((high - low) / 2.0)
        assert (gaps <= st.NORMAL_TOLERANCE).all(), gaps.round(3).tolist()
        assert not np.array_equal(n_low, low), "the two methods really ran"


def test_linearized_bounds_of_a_mean_are_the_textbook_interval():
    values = np.random.default_rng(4).normal(70, 12, 5000)
    matrix = np.column_stack([values, np.ones_like(values)])
    low, high = st.linearized_bounds(matrix, lambda sums: (sums[:, 0] / sums[:, 1])[:, None], 0.95)
    half = st.z_value(0.95) * values.std(ddof=0) / math.sqrt(len(values))
    assert (low[0], high[0]) == pytest.approx((values.mean() - half, values.mean() + half), abs=1e-6)


def test_alpha_without_variance_of_the_sum_is_not_computable():
    from types import SimpleNamespace

    import pandas as pd

    from csat_xl.report.stats_tables import _reliability_tables

    assert math.isnan(st.cronbach_alpha([[0, 1, 2], [1, 1, 1], [0, 1, 2]]).alpha)
    assert math.isnan(st.cronbach_alpha([[5, 5], [5, 5], [5, 5]]).alpha)
    assert st.cronbach_alpha([[0, 1, 2], [1, 1, 1], [0, 1, 3]]).alpha < 1  # a varying sum: a number
    rel = SimpleNamespace(threshold=0.7, categories=pd.DataFrame(
        {"category": ["a", "b"], "items": [3, 1], "respondents": [3, 3], "alpha": [float("nan")] * 2, "below_threshold": [None, None]}),
        items=pd.DataFrame(columns=["item", "category", "alpha_if_deleted", "alpha_change", "item_total"]))
    table, _ = _reliability_tables(SimpleNamespace(reliability=rel), "en")
    assert [r["assessment"] for r in table.rows] == ["not computable: no variance", "undefined"]


def test_band_flip_note_agrees_with_itself():
    from types import SimpleNamespace

    import pandas as pd

    from csat_xl.report.stats_tables import band_flip_note

    def note(probabilities, lang="en"):
        return band_flip_note(SimpleNamespace(band_flip=pd.DataFrame({"flip_probability": probabilities})), lang)

    assert note([]) == "No customer has several respondents; no band-flip risk."
    assert note([0.0, 0.0, 0.0, 0.0]) == "All 4 customer(s) with several respondents keep their grade in every resample (band-flip probability 0)."
    assert "没有多受访人" not in note([0.0] * 4, "zh") and "4" in note([0.0] * 4, "zh")
    assert note([0.3, 0.0]) == "1 more customer(s) with zero band-flip risk not listed." and note([0.3]) == ""


def test_weighted_quantiles_are_the_inverted_cdf_even_with_ties():
    """band_flip_risk's bounds: the smallest value whose probability of being
    at or below it reaches q — checked against the definition on patterns
    with many tied values and unequal (exact-enumeration) probabilities."""
    rng = np.random.default_rng(11)
    for k in (2, 3, 4, 5):
        _, probability = st.respondent_patterns(k, 500, rng)
        values = rng.integers(60, 66, size=(len(probability), 40)).astype(float)  # few distinct values: ties
        for q, got in zip((0.025, 0.5, 0.975), st._weighted_quantiles(values, probability, (0.025, 0.5, 0.975))):
            for j in range(values.shape[1]):
                candidates = sorted(set(values[:, j]))
                want = next(v for v in candidates if probability[values[:, j] <= v].sum() >= q - 1e-12)
                assert got[j] == want, (k, q, j)
