"""Property tests of the scoring steps and of whole surveys."""

import numpy as np
import pandas as pd
from hypothesis import given, settings, strategies as st

from csat_xl import Scheme, SchemeRow, Survey, score
from csat_xl.scoring import adjust, blend, weighted_mean

cell = st.one_of(st.none(), st.floats(0, 100))
matrix = st.lists(st.lists(cell, min_size=4, max_size=4), min_size=1, max_size=12)
weights = st.lists(st.floats(0.1, 50), min_size=4, max_size=4)


def _survey(rows, w, complaints=(), ids=None):
    items = ["a", "b", "c", "d"]
    ids = ids or [f"C{k % 3}" for k in range(len(rows))]
    scheme = Scheme.build([SchemeRow(i, "x", wi, 100) for i, wi in zip(items, w)], mode="item")
    q = pd.DataFrame([[cid, *[np.nan if v is None else v for v in r]] for cid, r in zip(ids, rows)], columns=["customer_id", *items])
    c = pd.DataFrame({"customer_id": [x[0] for x in complaints], "outcome": [x[1] for x in complaints], "blank_outcome": False})
    return Survey(scheme=scheme, questionnaire=q, complaints=c if len(c) else None)


@given(matrix, weights, st.lists(st.tuples(st.sampled_from(["C0", "C1"]), st.sampled_from(["unhandled", "very_satisfied"])), max_size=30))
@settings(max_examples=60, deadline=None)
def test_final_within_bounds(rows, w, complaints):
    final = score(_survey(rows, w, complaints)).customers["final"].dropna()
    assert ((final >= 0) & (final <= 100)).all()


@given(matrix, weights, st.floats(0.01, 1000))
@settings(max_examples=60, deadline=None)
def test_weight_scaling_and_row_order_invariance(rows, w, factor):
    base = score(_survey(rows, w)).customers.set_index("customer_id")["questionnaire"]
    scaled = score(_survey(rows, [x * factor for x in w])).customers.set_index("customer_id")["questionnaire"]
    ids = [f"C{k % 3}" for k in range(len(rows))]
    reordered = score(_survey(rows[::-1], w, ids=ids[::-1])).customers.set_index("customer_id")["questionnaire"]
    pd.testing.assert_series_equal(base.sort_index(), scaled.sort_index(), rtol=1e-9)
    pd.testing.assert_series_equal(base.sort_index(), reordered.sort_index(), rtol=1e-9)


@given(st.lists(cell, min_size=4, max_size=4), weights)
def test_blank_is_not_zero(row, w):
    with_blank = weighted_mean(np.array([[np.nan if v is None else v for v in row] + [np.nan]]), np.array([*w, 10.0]))
    without = weighted_mean(np.array([[np.nan if v is None else v for v in row]]), np.array(w))
    np.testing.assert_allclose(with_blank, without)


@given(st.floats(0, 100), st.floats(0, 100), st.floats(0, 1))
def test_blend_between_sources(v, q, share):
    p = blend(np.array([v]), np.array([q]), share)[0]
    assert min(v, q) - 1e-9 <= p <= max(v, q) + 1e-9
    assert blend(np.array([np.nan]), np.array([q]), share)[0] == q


@given(st.floats(-50, 150), st.floats(-30, 10))
def test_adjust_clamps_and_reports(p, a):
    final, clamped = adjust(np.array([p]), np.array([a]))
    assert 0 <= final[0] <= 100
    assert clamped[0] == (not 0 <= p + a <= 100)
