"""Bad or awkward inputs, each with its expected finding (severity, code, cell) or coercion."""

import copy

import pytest

from builders import ITEMS, tables, worked_example
from csat_xl import score
from csat_xl.tables import inspect_tables


def edit(fn):
    book = copy.deepcopy(worked_example())
    fn(book)
    return book


def setcell(sheet, row, col, value):
    def fn(book):
        book[sheet][row][col] = value
    return fn


# (id, edit, severity, code, cell)
CASES = [
    ("non-numeric weight", setcell("指标", 1, 3, "三十"), "error", "bad_weight", "指标!D2"),
    ("zero weight", setcell("指标", 2, 3, 0), "error", "bad_weight", "指标!D3"),
    ("negative weight", setcell("指标", 3, 3, -5), "error", "bad_weight", "指标!D4"),
    ("duplicate item", setcell("指标", 3, 2, "品质"), "error", "duplicate_item", "指标!C4"),
    ("unknown label", setcell("问卷", 1, 3, "还行"), "error", "not_on_scale", "问卷!D2"),
    ("number out of range", setcell("问卷", 1, 2, 120), "error", "out_of_range", "问卷!C2"),
    ("cached #N/A", setcell("问卷", 1, 4, "#N/A"), "error", "cached_error", "问卷!E2"),
    ("row without customer ID", setcell("问卷", 2, 0, None), "error", "missing_customer_id", "问卷!A3"),
    ("unknown outcome", setcell("投诉", 1, 1, "已解决"), "error", "unknown_outcome", "投诉!B2"),
    ("blank outcome", setcell("投诉", 1, 1, None), "warning", "blank_outcome", "投诉!B2"),
    ("unknown setting", lambda b: b.update({"设置": [["参数", "值"], ["颜色", "红"]]}), "error", "unknown_setting", "设置!A2"),
    ("bad weight mode", lambda b: b.update({"设置": [["参数", "值"], ["权重模式", "平均"]]}), "error", "bad_setting_value", "设置!B2"),
    ("visit share > 1", lambda b: b.update({"设置": [["参数", "值"], ["走访占比", 1.5]]}), "error", "bad_setting_value", "设置!B2"),
    ("unknown scale", lambda b: b["指标"].__setitem__(0, [*b["指标"][0], "量表"]) or b["指标"][1].append("七级"), "error", "unknown_scale", "指标!E2"),
    ("grade bounds out of order", lambda b: b.update({"设置": [["参数", "值"], ["等级:满意", 95]]}), "error", "grade_bounds_order", None),
    ("conflicting category weight", setcell("指标", 2, 1, 40), "error", "conflicting_category_weight", "指标!B3"),
    ("item without category", lambda b: b["指标"].insert(1, [None, None, "新项目", 5]), "error", "item_without_category", "指标!A2"),
    ("unknown column ignored", lambda b: [r.append("备注" if i == 0 else "x") for i, r in enumerate(b["问卷"])], "info", "ignored_columns", "问卷!L1"),
    ("missing required column", setcell("投诉", 0, 1, "结果"), "error", "missing_column", "投诉!1:1"),
]


@pytest.mark.parametrize("name,fn,severity,code,cell", CASES, ids=[c[0] for c in CASES])
def test_catalogue(name, fn, severity, code, cell):
    survey, findings = inspect_tables(tables(edit(fn)))
    matching = [f for f in findings if f.code == code]
    assert matching, [f.render("en") for f in findings]
    assert matching[0].severity == severity
    if cell:
        assert matching[0].cell == cell
    assert (survey is None) == (severity == "error")


def test_all_errors_reported_together():
    def many(book):
        book["问卷"][1][2] = 120
        book["问卷"][1][3] = "还行"
        book["问卷"][2][4] = "#DIV/0!"
        book["走访"][1][4] = "马马虎虎"
        book["投诉"][1][1] = "已解决"
        book["指标"][2][3] = 0
    _, findings = inspect_tables(tables(edit(many)))
    cells = {f.cell for f in findings if f.is_error}
    assert cells == {"问卷!C2", "问卷!D2", "问卷!E3", "走访!E2", "投诉!B2", "指标!D3"}
    assert "问卷!C2: 120 is outside 0–100" in {f.render("en") for f in findings}


COERCIONS = [
    ("full-width digits", "８５", 85.0),
    ("label with spaces", " 很 满意 ", 95.0),
    ("english alias odd case", "Very SATISFIED", 95.0),
    ("numeric text", "85", 85.0),
]


@pytest.mark.parametrize("name,raw,value", COERCIONS, ids=[c[0] for c in COERCIONS])
def test_coercions(name, raw, value):
    book = edit(setcell("问卷", 3, 2, raw))  # C004 品质
    survey, findings = inspect_tables(tables(book))
    assert survey is not None, [f.render("en") for f in findings]
    assert survey.questionnaire.loc[survey.questionnaire.customer_id == "C004", "品质"].iloc[0] == value


def test_numeric_and_text_ids_are_one_customer():
    book = worked_example()
    book["问卷"].append([1001, None, *([80] * 9)])
    book["投诉"].append(["1001", "满意"])
    book["走访"].append([1001.0, None, *([None] * 9)])
    survey, _ = inspect_tables(tables(book))
    rows = {r["customer_id"]: r for r in score(survey).records()}
    assert rows["1001"]["complaints"] == 1 and rows["1001"]["visits"] == 1
    assert "1001.0" not in rows


def test_header_not_on_row_one_and_english_names():
    book = {
        "Scheme": [[], ["Category", "CATEGORY WEIGHT", "item", "Item Weight"], ["Service", 100, "Skills", 50], [None, None, "Speed", 50]],
        "questionnaire": [[None], ["customer id", "Skills", "Speed"], ["A", "satisfied", 90]],
        "Notes": [["anything"]],
    }
    survey, findings = inspect_tables(tables(book))
    assert survey is not None, [f.render("en") for f in findings]
    assert score(survey).records()[0]["questionnaire"] == pytest.approx(85.0)


def test_blank_never_counts_as_zero():
    book = worked_example()
    book["问卷"].append(["C004", None, *([None] * 9)])
    survey, _ = inspect_tables(tables(book))
    assert {r["customer_id"]: r for r in score(survey).records()}["C004"]["questionnaire"] == 100.0


def test_empty_and_missing_optional_sheets():
    book = worked_example()
    book["走访"] = []  # an empty sheet
    book["客户"] = [["客户编号", "客户名称"]]  # header only
    survey, findings = inspect_tables(tables(book))
    assert survey is not None
    assert any(f.code == "empty_sheet" and f.sheet == "走访" and f.severity == "info" for f in findings)
    rows = {r["customer_id"]: r for r in score(survey).records()}
    assert rows["C001"]["visit"] is None and "not_visited" in rows["C001"]["flags"]


def test_missing_scheme_sheet_is_an_error():
    book = worked_example()
    del book["指标"]
    survey, findings = inspect_tables(tables(book))
    assert survey is None and [f.code for f in findings if f.is_error] == ["missing_sheet"]
