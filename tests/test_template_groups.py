"""The formula template's group table equals ``csat-xl score --by`` (issue 13).

Templates are filled the way people type a region column — trailing and
inner spaces, letter-case variants, a region typed as a number and as text,
blank and space-only cells, a customer listed twice with another region,
customer weights blank or 0 — recalculated by LibreOffice (one start for
every scenario), and each row of the Results group table is compared with
:func:`csat_xl.analyses.groups.group_table` on the same filled file: group
(first spelling, blank group last), customers, customers scored, CSI,
customer-weighted CSI, satisfaction rate and the suppression below the
minimum group size.
"""

from __future__ import annotations

import math
from pathlib import Path

import openpyxl
import pytest

from csat_xl import labels, read_survey, score
from csat_xl.analyses.groups import BLANK_GROUP, group_columns, group_table
from csat_xl.template import ALLOWED_FUNCTIONS, functions_used, write_template
from csat_xl.template.builder import Builder
from csat_xl.template.groups import COLUMNS, GROUP_SLOTS, GROUPS_COLUMN
from csat_xl.template.texts import RESULTS_SHEET
from csat_xl.text import match_key
from libreoffice import recalculate_many

SIZE = {"customers": 24, "rows": 30}


def answers(score_: float) -> list:
    return [score_] * 9


def regions_zh() -> dict:
    """Six groups as typed by hand, a blank group big enough to be shown."""
    customers = [
        # 华东: six customers (spaces inside and around are the same group), one without data
        ["C01", None, "华东", 100], ["C02", None, "华东 ", 50], ["C03", None, " 华东", None], ["C04", None, "华 东", 0],
        ["C05", None, "华东", 80], ["C06", None, "华东"],
        # 华南: three customers → not shown
        ["C07", None, "华南", 10], ["C08", None, "华南"], ["C09", None, "华南"],
        # North in four spellings: five customers
        ["C10", None, "North", 5], ["C11", None, "north ", 5], ["C12", None, "NORTH"], ["C13", None, "North"], ["C14", None, "nOrth"],
        # a region typed as a number and as text: one group of two → not shown
        ["C15", None, 1], ["C16", None, "1"],
        # blank and space-only: the blank group, five scored
        ["C17", None, None, 20], ["C18", None, "  "], ["C19"], ["C20"], ["C21", None, None, 40],
        # a wildcard character is a character: 华* is not 华东
        ["C22", None, "华*"],
        # listed twice with another region: the first listing counts
        ["C01", None, "华南"],
    ]
    scores = [92, 85, 70, 55, 95, None, 80, 60, 90, 88, 76, 91, 65, 83, 70, 95, 60, 92, 78, 85, 50, 77]
    questionnaire = [[cid, None, None, *answers(s)] for (cid, *_), s in zip(customers, scores) if s is not None]
    return {"customers": customers, "questionnaire": questionnaire, "settings": {}}


def overflow_en() -> dict:
    """More groups than the table's slots; minimum group size 1 (every group shown)."""
    customers = [[f"K{i}", None, f"R{i}"] for i in range(1, GROUP_SLOTS + 3)] + [["K90"], ["K91", None, " "]]
    questionnaire = [[cid, None, None, *answers(60 + 2 * i)] for i, (cid, *_) in enumerate(customers)]
    return {"customers": customers, "questionnaire": questionnaire, "settings": {"minimum group size": 1}}


def no_region_zh() -> dict:
    """Nobody typed a region: no group column, no groups."""
    customers = [["A1"], ["A2"], ["A3"]]
    return {"customers": customers, "questionnaire": [[c[0], None, None, *answers(80)] for c in customers], "settings": {}}


SCENARIOS = {"regions_zh": ("zh", regions_zh), "overflow_en": ("en", overflow_en), "no_region_zh": ("zh", no_region_zh)}


def fill(template: Path, out: Path, lang: str, data: dict) -> Path:
    book = openpyxl.load_workbook(template)
    for key in ("customers", "questionnaire"):
        ws = book[labels.SHEET[key].text(lang)]
        for r, row in enumerate(data[key], start=2):
            for c, value in enumerate(row, start=1):
                ws.cell(row=r, column=c, value=value)
    ws = book[labels.SHEET["settings"].text(lang)]
    for r in range(2, ws.max_row + 1):
        if ws.cell(row=r, column=1).value in data["settings"]:
            ws.cell(row=r, column=2, value=data["settings"][ws.cell(row=r, column=1).value])
    book.save(out)
    return out


@pytest.fixture(scope="module")
def recalculated(soffice, tmp_path_factory) -> dict[str, tuple[Path, Path, str]]:
    root = tmp_path_factory.mktemp("groups")
    filled = {}
    for name, (lang, make) in SCENARIOS.items():
        template = write_template(root / f"{name}_template.xlsx", lang=lang, **SIZE)
        filled[name] = (fill(template, root / f"{name}.xlsx", lang, make()), lang)
    done = recalculate_many([path for path, _ in filled.values()], root / "recalculated")
    return {name: (path, out, lang) for (name, (path, lang)), out in zip(filled.items(), done)}


def sheet_groups(path: Path, lang: str) -> tuple[list[dict], list]:
    """The group rows of the recalculated Results sheet, and the two note cells under them."""
    ws = openpyxl.load_workbook(path, data_only=True)[RESULTS_SHEET.text(lang)]
    header = Builder.TABLE_HEADER_ROW
    assert [ws.cell(row=header, column=GROUPS_COLUMN + k).value for k in range(len(COLUMNS))] == [c.text(lang) for c in COLUMNS]
    rows = []
    for r in range(header + 1, header + GROUP_SLOTS + 2):
        values = [ws.cell(row=r, column=GROUPS_COLUMN + k).value for k in range(len(COLUMNS))]
        if values[0] not in (None, ""):
            rows.append(dict(zip((c.key for c in COLUMNS), values)))
    notes = [ws.cell(row=header + GROUP_SLOTS + 2 + k, column=GROUPS_COLUMN).value for k in range(2)]
    return rows, notes


def blank(value) -> bool:
    return value is None or value == ""


def engine_groups(path: Path, lang: str) -> list[dict]:
    scores = score(read_survey(path))
    if not group_columns(scores.survey):
        return []
    return group_table(scores, [labels.REGION.text(lang)], resamples=10).records(lang)


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_group_table_equals_score_by(recalculated, name):
    path, done, lang = recalculated[name]
    want = engine_groups(path, lang)
    got, notes = sheet_groups(done, lang)
    shown = want[:GROUP_SLOTS] + [w for w in want[GROUP_SLOTS:] if w["value"] == BLANK_GROUP[lang]]
    assert len(got) == len(shown), ([g["group"] for g in got], [w["value"] for w in want])
    for sheet, engine in zip(got, shown):
        where = (name, engine["value"])
        # the first spelling seen (the template's TRIM also merges inner runs of spaces)
        assert match_key(sheet["group"]) == match_key(engine["value"]), where
        assert sheet["group"] == " ".join(str(engine["value"]).split()), where
        assert sheet["customers"] == engine["customers"] and sheet["customers_scored"] == engine["customers_scored"], where
        assert (not blank(sheet["note"])) == engine["suppressed"], where
        for key in ("csi", "csi_weighted", "satisfaction_rate"):
            if engine[key] is None:
                assert blank(sheet[key]), (where, key, sheet[key])
            else:
                assert math.isclose(sheet[key], engine[key], abs_tol=1e-9), (where, key, sheet[key], engine[key])
    more = len(want) - len(shown)
    if more:
        assert str(more) in notes[0] and str(GROUP_SLOTS) in notes[0], notes
    elif not want:
        assert labels.REGION.text(lang) in notes[0], notes
    else:
        assert blank(notes[0]), notes


@pytest.mark.libreoffice
def test_scenarios_exercise_the_rules(recalculated):
    """Guards the parity test against going soft: the fills hold what they claim."""
    groups = {g["value"]: g for g in engine_groups(recalculated["regions_zh"][0], "zh")}
    assert list(groups) == ["华东", "华南", "North", "1", "华*", "(未填)"]
    assert groups["华东"]["customers"] == 6 and groups["华东"]["customers_scored"] == 5 and not groups["华东"]["suppressed"]
    assert groups["华南"]["suppressed"] and groups["1"]["suppressed"] and groups["1"]["customers"] == 2
    assert groups["North"]["customers"] == 5 and not groups["(未填)"]["suppressed"]
    assert groups["华东"]["csi_weighted"] != groups["华东"]["csi"], "weights matter (blank and 0 weights left out)"
    assert 0 < groups["North"]["satisfaction_rate"] < 1
    overflow = engine_groups(recalculated["overflow_en"][0], "en")
    assert len(overflow) == GROUP_SLOTS + 3 and not any(g["suppressed"] for g in overflow)
    assert engine_groups(recalculated["no_region_zh"][0], "zh") == []


def test_group_part_uses_only_allowed_functions(tmp_path):
    path = write_template(tmp_path / "t.xlsx", lang="zh", customers=3, rows=5)
    book = openpyxl.load_workbook(path)
    used = {name for title in (RESULTS_SHEET.zh, "_分组") for row in book[title].iter_rows() for cell in row
            if cell.data_type == "f" for name in functions_used(str(cell.value))}
    assert {"SUMIF", "COUNTIF", "MATCH", "INDEX"} <= used <= ALLOWED_FUNCTIONS, used - ALLOWED_FUNCTIONS
    assert "$A$1:$T$" in str(book[RESULTS_SHEET.zh].print_area), "the group table is printed"
