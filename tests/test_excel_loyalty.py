"""CSAT_NPS through xlwings' own call path (Office.js payloads), as
tests/test_excel_statistics.py does for CSAT_ALPHA and CSAT_CI."""

from __future__ import annotations

import pytest

from officejs_functions import NA, call, value_error  # sets the xlwings variables first

import xlwings  # noqa: E402

import csat_xl.excel  # noqa: E402


def test_meta_describes_csat_nps():
    meta = {f["name"]: f for f in xlwings.server.custom_functions_meta(csat_xl.excel)["functions"]}
    assert [p["name"] for p in meta["CSAT_NPS"]["parameters"]] == ["answers"]
    assert "净推荐值" in meta["CSAT_NPS"]["description"]


def test_nps_of_a_column_with_title_and_blanks():
    # 10 answers: promoters 10, 9, 9, 10 (4); passives 7, 8 (2); detractors 6, 0, 3, 5 (4) → NPS 0;
    # one more promoter → 5 − 4 of 11
    column = [["推荐意愿"], [10], [9], [None], [7], [6], [0], [8], [9], [3], [10], [5]]
    assert call("CSAT_NPS", column) == [[0.0]]
    assert call("CSAT_NPS", column + [[9]]) == [[pytest.approx(100 / 11)]]
    assert call("CSAT_NPS", [[None], [None]]) == [[NA]]


def test_bad_answers_are_named():
    message = value_error("CSAT_NPS", [[9], [11], ["很好"]])
    assert "answers row 2, column 1" in message and "11" in message and "很好" in message and "0–10" in message
