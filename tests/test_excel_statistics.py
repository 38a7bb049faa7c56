"""CSAT_ALPHA and CSAT_CI through xlwings' own call path (Office.js payloads),
as tests/test_excel_functions.py does for the scoring functions."""

from __future__ import annotations


import numpy as np
import pytest

from officejs_functions import NA, call, value_error  # sets the xlwings variables first

import xlwings  # noqa: E402

import csat_xl.excel  # noqa: E402
from csat_xl import statistics as st  # noqa: E402

# Shrout & Fleiss (1979), Table 2 — published alpha (ICC(3,k)) .91; see tests/test_statistics.py.
SHROUT_FLEISS = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]


def one(func_name, *args):
    """A single-cell result (xlwings returns it as a 1×1 range)."""
    result = call(func_name, *args)
    assert len(result) == 1 and len(result[0]) == 1, result
    return result[0][0]


def test_meta_describes_both_functions():
    meta = {f["name"]: f for f in xlwings.server.custom_functions_meta(csat_xl.excel)["functions"]}
    for name, params in (("CSAT_ALPHA", ["scores", "policy"]), ("CSAT_CI", ["scores", "level", "seed"])):
        assert [p["name"] for p in meta[name]["parameters"]] == params
        assert any("\u4e00" <= ch <= "\u9fff" for ch in meta[name]["description"])
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in p["description"]) for p in meta[name]["parameters"])


def test_alpha_published_example_with_header_and_labels():
    assert one("CSAT_ALPHA", SHROUT_FLEISS) == pytest.approx(0.9093155, abs=1e-6)
    # a header row of item names is skipped; five-grade labels are scores
    header = [["品质", "包装", "使用性"]]
    rows = [["很满意", 90, 88], ["满意", 75, 80], ["比较满意", 60, 70], [50, "比较不满意", 45]]
    expected = st.cronbach_alpha([[95, 90, 88], [80, 75, 80], [65, 60, 70], [50, 50, 45]]).alpha
    assert one("CSAT_ALPHA", header + rows) == pytest.approx(expected, abs=1e-12)


def test_alpha_policies_and_errors():
    rows = [list(map(float, r)) for r in SHROUT_FLEISS] + [[7, None, 4, 6]]
    listwise = one("CSAT_ALPHA", rows)
    pairwise = one("CSAT_ALPHA", rows, "成对删除")
    assert listwise == pytest.approx(st.cronbach_alpha(SHROUT_FLEISS).alpha)
    assert pairwise == pytest.approx(st.cronbach_alpha(np.array(rows, dtype=float), st.PAIRWISE).alpha)
    assert one("CSAT_ALPHA", [[80], [90], [70]]) == NA  # one item: undefined
    message = value_error("CSAT_ALPHA", [[80, 90], [120, "还行"]])
    assert "scores row 2, column 1" in message and "120" in message and "还行" in message
    assert "listwise" in value_error("CSAT_ALPHA", SHROUT_FLEISS, "mean")


def test_ci_spills_mean_and_bounds_reproducibly():
    values = [[v] for v in np.random.default_rng(1).normal(80, 6, 40).round(1)] + [[None], ["满意"]]
    first = call("CSAT_CI", values)
    again = call("CSAT_CI", values)
    assert first == again and len(first) == 1 and len(first[0]) == 3
    numbers = [v[0] for v in values if isinstance(v[0], float)] + [80.0]
    direct = st.bootstrap_mean(numbers)
    assert first[0] == pytest.approx([direct.estimate, direct.low, direct.high], abs=1e-12)
    narrow = call("CSAT_CI", values, 0.5, 7)
    assert first[0][1] < narrow[0][1] < narrow[0][2] < first[0][2]
    assert narrow[0] == pytest.approx(list(_bounds(st.bootstrap_mean(numbers, level=0.5, seed=7))), abs=1e-12)
    assert call("CSAT_CI", [[85]]) == [[85.0, NA, NA]]


def _bounds(interval):
    return interval.estimate, interval.low, interval.high


def test_ci_bad_arguments_are_named():
    assert "level" in value_error("CSAT_CI", [[80], [90]], 95)
    assert "seed" in value_error("CSAT_CI", [[80], [90]], None, 1.5)
    assert "scores row 2, column 1" in value_error("CSAT_CI", [[80], [101]])
