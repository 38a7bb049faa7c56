"""Workbooks typed by hand (WORKBOOK.md v2 reading rules), each with its
expected scores and findings, on both reader engines.

The formula-bearing files (平均分 AVERAGE row, 合计 COUNTA row) are
recalculated through LibreOffice in one batch, so they hold cached values as
Excel would have saved them; one copy is kept uncached on purpose.
"""

from __future__ import annotations

import copy
import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

from builders import ITEMS, tables, worked_example, write_xlsx
from handmade import ALIASES, plain, typed_by_hand
from csat_xl import inspect_workbook, score, summarize
from csat_xl.cli import app
from csat_xl.tables import inspect_tables

ENGINES = ("calamine", "openpyxl")
COMPARED = ["customer_id", "customer_name", "questionnaire", "visit", "preliminary", "adjustment", "final", "grade", "flags"]
KPIS = ("customers", "scored", "csi", "satisfaction_rate", "complaints", "closure_rate")

#: name → options of :func:`handmade.typed_by_hand` (formula files: recalculated together)
SHAPES = {
    "done_when": {},
    "group_header_percent": {"group_header": True, "percent_weights": True, "percent_settings": True},
}


@pytest.fixture(scope="module")
def handmade(tmp_path_factory, soffice):
    """The hand-typed files: ``{name: (recalculated path, layout)}`` plus the
    ``done_when`` file as written (formulas without cached values)."""
    from libreoffice import recalculate_many

    folder = tmp_path_factory.mktemp("handmade")
    written = {name: (folder / f"{name}.xlsx", typed_by_hand(folder / f"{name}.xlsx", **options)) for name, options in SHAPES.items()}
    recalculated = recalculate_many([path for path, _ in written.values()], folder / "recalculated")
    out = {name: (path, layout) for (name, (_, layout)), path in zip(written.items(), recalculated)}
    out["uncached"] = written["done_when"]
    return out


def _plain_scores():
    survey, findings = inspect_tables(tables(plain()))
    assert survey is not None, [f.render("en") for f in findings]
    return score(survey)


def _same_scores(survey, reference) -> None:
    got = score(survey)
    pd.testing.assert_frame_equal(got.customers[COMPARED].reset_index(drop=True),
                                  reference.customers[COMPARED].reset_index(drop=True), check_dtype=False)
    a, b = summarize(got).kpis(), summarize(reference).kpis()
    assert {k: a[k] for k in KPIS} == {k: b[k] for k in KPIS}


def _read_both(path):
    """Survey and findings by each engine; the engines must agree exactly."""
    results = [inspect_workbook(path, engine=engine) for engine in ENGINES]
    (a, fa), (b, fb) = results
    assert [f.render("en") for f in fa] == [f.render("en") for f in fb]
    if a is not None:
        for x, y in zip((a.questionnaire, a.visits, a.complaints, a.customers), (b.questionnaire, b.visits, b.complaints, b.customers)):
            pd.testing.assert_frame_equal(x, y, check_dtype=False)
    return a, fa


def _located(findings, severity=None) -> set[tuple[str, str | None]]:
    return {(f.code, f.cell) for f in findings if severity is None or f.severity == severity}


@pytest.mark.parametrize("name", list(SHAPES))
def test_hand_typed_workbook_scores_like_the_plain_one(handmade, name):
    """The issue's "Done when": two-row titles, alias sheet names, a 平均分
    formula row, a 合计 row, lower-case IDs and an ID missing from 客户 score
    exactly like the same data in the plain format; the stray ID is named
    with its cell; every skipped shape is an info finding with its place."""
    path, layout = handmade[name]
    survey, findings = _read_both(path)
    assert survey is not None, [f.render("en") for f in findings if f.is_error]
    _same_scores(survey, _plain_scores())
    assert ("not_on_roster", layout.stray_cell) in _located(findings, "warning")
    assert {f.cell for f in findings if f.code == "summary_row"} == set(layout.summary_cell.values())
    above = {f.cell for f in findings if f.code == "rows_above_header"}
    assert above == {f"{sheet}!1:2" for sheet in layout.names.values()}
    assert {f.code for f in findings if f.severity != "info"} == {"not_on_roster", "rescaled_category"}
    assert "X999" not in set(score(survey).customers["customer_id"])
    if name == "group_header_percent":
        assert ("two_row_header", "问卷调查!3:4") in _located(findings, "info")
        assert survey.settings.visit_share == 0.6 and survey.settings.completion_value == 80


def test_formulas_without_saved_values_are_one_warning_per_sheet(handmade):
    path, layout = handmade["uncached"]
    survey, findings = _read_both(path)
    warnings = {(f.cell, f.params["count"]) for f in findings if f.code == "uncached_formulas"}
    questionnaire, complaints = layout.names["问卷"], layout.names["投诉"]
    scheme = layout.names["指标"]
    assert warnings == {(f"{questionnaire}!{layout.formula_cells['问卷'][0]}", 9), (f"{complaints}!{layout.formula_cells['投诉'][0]}", 1),
                        (f"{scheme}!{layout.formula_cells['指标'][0]}", 2)}
    _same_scores(survey, _plain_scores())  # the blank-read cells were summary rows only


def test_lock_file_beside_the_input_is_a_warning(handmade, tmp_path):
    source, _ = handmade["done_when"]
    path = shutil.copy(source, tmp_path / "调查.xlsx")
    (tmp_path / "~$调查.xlsx").write_bytes(b"\x00" * 165)
    survey, findings = inspect_workbook(path)
    assert survey is not None and ("lock_file", None) in _located(findings, "warning")
    done = CliRunner().invoke(app, ["score", str(path), "--lang", "zh"])
    assert done.exit_code == 0 and "正在 Excel 中打开" in done.output


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cli_on_the_hand_typed_workbook(handmade, lang):
    path, layout = handmade["done_when"]
    runner = CliRunner()
    validate = runner.invoke(app, ["validate", str(path), "--lang", lang])
    assert validate.exit_code == 0, validate.output
    assert layout.stray_cell in validate.output and "X999" in validate.output
    scored = runner.invoke(app, ["score", str(path), "--lang", lang, "--format", "json"])
    assert scored.exit_code == 0
    assert '"X999"' not in scored.stdout and '"c001"' not in scored.stdout and '"C001"' in scored.stdout


# --- rules one at a time (tables, no files) -----------------------------------------------
def _inspect(book, **options):
    return inspect_tables(tables(book), **options)


def test_two_sheets_for_one_role_is_an_error_naming_both():
    book = copy.deepcopy(worked_example())
    book["问卷调查"] = copy.deepcopy(book["问卷"])
    survey, findings = _inspect(book)
    error = next(f for f in findings if f.code == "duplicate_sheet")
    assert survey is None and error.is_error and "问卷" in error.render("zh") and "问卷调查" in error.render("zh")


def test_no_data_sheet_is_an_error_listing_what_was_found(tmp_path):
    book = {"指标": worked_example()["指标"], "Sheet1": [["客户", "得分"], ["C001", 80]]}
    survey, findings = _inspect(book, whole_workbook=True)
    error = next(f for f in findings if f.code == "no_data_sheet")
    assert survey is None and "Sheet1" in error.render("en") and "问卷调查" in error.render("en")
    path = write_xlsx(book, tmp_path / "wrong.xlsx")
    done = CliRunner().invoke(app, ["score", str(path), "--lang", "zh"])
    assert done.exit_code == 2 and "没有找到" in done.output and "Sheet1" in done.output


def test_header_not_found_names_sheet_column_and_spellings():
    book = copy.deepcopy(worked_example())
    book["问卷"][0][0] = "编号"
    survey, findings = _inspect(book)
    error = next(f for f in findings if f.code == "header_not_found")
    assert survey is None and error.sheet == "问卷" and "客户编号 / Customer ID" in error.render("en") and "客户代码" in error.render("en")


def test_header_below_thirty_rows_is_not_searched():
    book = copy.deepcopy(worked_example())
    book["问卷"] = [["说明"]] * 30 + book["问卷"]
    assert "header_not_found" in {f.code for f in _inspect(book)[1]}


def test_columns_known_everywhere_and_one_note_for_unknown_ones():
    book = copy.deepcopy(worked_example())
    book["问卷"] = [["序号", "客户代码", "单位名称", "备注", *ITEMS, "填写说明"]] + [[i, *r[:2], "x", *r[2:], None] for i, r in enumerate(book["问卷"][1:], 1)]
    book["走访"] = [["No.", *book["走访"][0][:1], "客户名称", *book["走访"][0][1:]]] + [[i, r[0], "某公司", *r[1:]] for i, r in enumerate(book["走访"][1:], 1)]
    book["投诉"] = [["序号", "客户号", "客户", "处理情况"]] + [[i, r[0], "某公司", r[1]] for i, r in enumerate(book["投诉"][1:], 1)]
    survey, findings = _inspect(book)
    assert survey is not None, [f.render("en") for f in findings]
    notes = [f for f in findings if f.code == "ignored_columns"]
    assert [(f.cell, f.params["count"]) for f in notes] == [("问卷!D1", 2)]
    assert "备注, 填写说明" in notes[0].render("en")
    _same_scores(survey, score(inspect_tables(tables(worked_example()))[0]))


@pytest.mark.parametrize("label", ["合计", "总计：", " Total: ", "AVERAGE", "平均值", "小计", "Subtotal", "均值", "汇总"])
def test_summary_rows_are_never_customers_or_complaints(label):
    book = copy.deepcopy(worked_example())
    book["问卷"].append([label, None, *([50] * 9)])
    book["投诉"].append([None, label])  # label in the first non-empty cell
    book["投诉"].append([label, "未处理"])
    survey, findings = _inspect(book)
    assert survey is not None
    assert len(survey.complaints) == 3 and len(survey.questionnaire) == 3
    cells = {f.cell for f in findings if f.code == "summary_row"}
    assert cells == {"问卷!A5", "投诉!B5", "投诉!A6"}


def test_ids_match_case_insensitively_first_spelling_shown():
    book = copy.deepcopy(worked_example())
    book["走访"][1][0] = "ｃ００１"  # full-width, lower case
    book["投诉"][1][0] = " c001 "
    survey, _ = _inspect(book)
    ids = score(survey).customers["customer_id"].tolist()
    assert ids == ["C001", "C003", "C004"]
    book["客户"] = [["客户编号"], ["c001"], ["C003"], ["C004"]]
    survey, _ = _inspect(book)
    assert score(survey).customers["customer_id"].tolist()[0] == "c001"  # the 客户 sheet's spelling


def test_roster_leaves_out_ids_not_listed_and_an_empty_roster_is_none():
    book = copy.deepcopy(worked_example())
    book["客户"] = [["客户编号"], ["C001"], ["C004"]]
    survey, findings = _inspect(book)
    left_out = sorted(f.cell for f in findings if f.code == "not_on_roster")
    assert left_out == ["问卷!A3"]
    assert "C003" not in set(score(survey).customers["customer_id"])
    book["客户"] = [["客户编号"]]
    survey, findings = _inspect(book)
    assert "not_on_roster" not in {f.code for f in findings} and len(score(survey).customers) == 3


NUMBERS = [
    ("weight 40%", ("指标", 1, 3, "30%"), None, None),
    ("weight with thousands separator", ("指标", 1, 3, "1,000"), None, None),
    ("weight 1,5 is not 15", ("指标", 1, 3, "1,5"), "bad_weight", "指标!D2"),
    ("weight beyond 1e15", ("指标", 1, 3, 9e307), "bad_weight", "指标!D2"),
    ("score beyond 1e15", ("问卷", 1, 2, 1e16), "out_of_range", "问卷!C2"),
    ("full-width score", ("问卷", 1, 2, "８５"), None, None),
]


@pytest.mark.parametrize("name,edit,code,cell", NUMBERS, ids=[n[0] for n in NUMBERS])
def test_numbers_as_text_and_out_of_bounds(name, edit, code, cell):
    book = copy.deepcopy(worked_example())
    sheet, row, col, value = edit
    book[sheet][row][col] = value
    survey, findings = _inspect(book)
    errors = [(f.code, f.cell) for f in findings if f.is_error]
    assert errors == ([(code, cell)] if code else []), errors


def test_percent_settings_share_and_points():
    book = copy.deepcopy(worked_example())
    book["设置"] = [["参数", "值"], ["走访占比", "60%"], ["目标值", "90%"], ["完成值", "８０"]]
    survey, findings = _inspect(book)
    assert survey is not None, [f.render("en") for f in findings]
    assert (survey.settings.visit_share, survey.settings.target_value, survey.settings.completion_value) == (0.6, 90, 80)


def test_report_data_quality_lists_what_was_skipped_grouped(handmade, tmp_path):
    import openpyxl

    path, layout = handmade["done_when"]
    out = tmp_path / "report.xlsx"
    done = CliRunner().invoke(app, ["report", str(path), "-o", str(out), "--lang", "zh"])
    assert done.exit_code == 0, done.output
    ws = openpyxl.load_workbook(out)["数据质量"]
    rows = [[c for c in r if c is not None] for r in ws.iter_rows(values_only=True)]
    text = ["  ".join(str(c) for c in r) for r in rows]
    stray = [t for t in text if layout.stray_cell in t]
    assert stray and "X999" in stray[0] and "不在 客户名单 工作表中" in stray[0]
    summary = [i for i, t in enumerate(text) if "汇总行" in t]
    assert len(summary) == 3 and summary[2] == summary[0] + 2  # one run per kind
    assert sum("表头上方" in t for t in text) == len(layout.names)


def test_user_docs_list_every_accepted_name():
    """docs/workbook.md is where users look names up: every sheet alias,
    column alias and summary label the reader accepts is written there or
    in method.md §11 (guards the docs against drifting from labels.py)."""
    from pathlib import Path

    from csat_xl import labels

    docs = Path(__file__).parent.parent / "docs"
    text = (docs / "workbook.md").read_text(encoding="utf-8") + (docs / "method.md").read_text(encoding="utf-8")
    names = [n for s in labels.SHEETS for n in s.names]
    names += [n for cols in labels.COLUMNS.values() for c in cols for n in c.names]
    names += [n for c in labels.COMMON_COLUMNS for n in c.names]
    names += list(labels.SUMMARY_ROW_LABELS)
    missing = sorted({n for n in names if n not in text})
    assert not missing, missing
