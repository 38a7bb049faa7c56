"""METHOD.md §8 worked example, through the parser and through both file readers."""

import numpy as np
import pytest

from builders import tables, worked_example, write_xlsx
from csat_xl import read_survey, score
from csat_xl.tables import survey_from_tables

EXPECTED = {  # customer: (Q, V, P, adjustment, F, grade key)
    "C001": (79.694, 79.400, 79.518, -6.0, 73.518, "satisfied"),
    "C003": (79.744, None, 79.744, 0.0, 79.744, "satisfied"),
    "C004": (100.0, 84.5, 90.7, 2.0, 92.7, "very_satisfied"),
}


def _check(survey):
    rows = {r["customer_id"]: r for r in score(survey).records()}
    for customer, (q, v, p, adj, f, grade) in EXPECTED.items():
        row = rows[customer]
        assert row["questionnaire"] == pytest.approx(q, abs=5e-4)
        assert (row["visit"] is None) if v is None else row["visit"] == pytest.approx(v, abs=5e-4)
        assert row["preliminary"] == pytest.approx(p, abs=5e-4)
        assert row["adjustment"] == adj
        assert row["final"] == pytest.approx(f, abs=5e-4)
        assert row["grade_key"] == grade
    assert rows["C003"]["flags"] == ["not_visited"]


def test_worked_example_parser():
    _check(survey_from_tables(tables(worked_example())))


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_worked_example_file(tmp_path, engine):
    _check(read_survey(write_xlsx(worked_example(), tmp_path / "we.xlsx"), engine=engine))


def test_effective_weights_and_rescaling_finding():
    survey = survey_from_tables(tables(worked_example()))
    weights = dict(zip(survey.scheme.items, survey.scheme.weights))
    assert weights["接待"] == pytest.approx(6.154, abs=5e-4)
    assert weights["价格和付款"] == pytest.approx(7.692, abs=5e-4)
    assert sum(weights.values()) == pytest.approx(100)
    [finding] = [f for f in survey.findings if f.code == "rescaled_category"]
    assert "购销过程" in finding.render("en") and "26" in finding.render("en") and "20" in finding.render("en")


def test_item_weight_mode_uses_items_as_given():
    book = worked_example()
    book["设置"] = [["参数", "值"], ["权重模式", "项目"]]
    survey = survey_from_tables(tables(book))
    weights = dict(zip(survey.scheme.items, survey.scheme.weights))
    assert weights["接待"] == pytest.approx(8 * 100 / 106)
    assert any(f.code == "rescaled_items" for f in survey.findings)


def test_sample_contains_worked_example(samples):
    _check(read_survey(samples / "pvc_2026Q2_zh.xlsx"))


def test_score_a_hair_below_a_bound_reaches_it():
    """Weighted sums in binary floating point can give 89.99999999999999 for
    a score that is 90 on paper; it must still be 很满意 (METHOD.md §7)."""
    from csat_xl.settings import Settings

    settings = Settings()
    keys = settings.grade_keys(np.array([90 - 1e-12, 70 - 1e-12, 90 - 1e-6, 69.9]))
    assert list(keys) == ["very_satisfied", "satisfied", "satisfied", "fairly_satisfied"]
