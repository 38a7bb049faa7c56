"""Both reader engines give identical surveys and findings; cached errors are found by both."""

import hashlib

import openpyxl
import pandas as pd
import pytest

from builders import worked_example, write_xlsx
from csat_xl import inspect_workbook
from csat_xl.io.readers import WorkbookReadError, read_survey

SAMPLES = ["pvc_2026Q2_zh.xlsx", "pvc_2026Q1_zh.xlsx", "field_service_2026H1_en.xlsx"]


def _frames(survey):
    return [survey.questionnaire, survey.visits, survey.complaints, survey.customers, survey.expected, survey.scheme.table]


@pytest.mark.parametrize("name", SAMPLES)
def test_engines_agree_on_samples(samples, name):
    path = samples / name
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    a, fa = inspect_workbook(path, engine="calamine")
    b, fb = inspect_workbook(path, engine="openpyxl")
    assert [f.render("en") for f in fa] == [f.render("en") for f in fb]
    for x, y in zip(_frames(a), _frames(b)):
        pd.testing.assert_frame_equal(x.reset_index(drop=True), y.reset_index(drop=True), check_dtype=False)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest  # reading never modifies


def test_cached_formula_error_found_by_both_engines(tmp_path, soffice):
    from libreoffice import recalculate

    book = worked_example()
    book["问卷"][1][4] = "=NA()"  # C001 使用性 (column E, row 2)
    source = write_xlsx(book, tmp_path / "na.xlsx")
    recalculated = recalculate(source, tmp_path / "out")
    assert openpyxl.load_workbook(recalculated, data_only=True)["问卷"]["E2"].value == "#N/A"
    for engine in ("calamine", "openpyxl"):
        survey, findings = inspect_workbook(recalculated, engine=engine)
        assert survey is None
        assert [(f.code, f.cell) for f in findings if f.is_error] == [("cached_error", "问卷!E2")]


def test_not_a_workbook(tmp_path):
    bad = tmp_path / "x.xlsx"
    bad.write_text("not a zip")
    with pytest.raises(WorkbookReadError):
        read_survey(bad)
