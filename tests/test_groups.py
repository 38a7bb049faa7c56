"""Customer groups (ANALYSES.md §1): the core, ``score --by``, the 分组 sheet and ``=CSAT_GROUPS()``.

Expectations are computed independently: per-customer finals from
``csat-xl score --format json`` and group values read from the 客户 sheet
with openpyxl, averaged here by hand.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import unicodedata
from collections import defaultdict

import openpyxl
import pytest

from officejs_functions import call, value_error  # noqa: F401 - sets the xlwings variables first
from builders import ITEMS, REFERENCE_SCHEME, tables, write_xlsx
from csat_xl.analyses.groups import UnknownGroupColumnError, group_columns, group_table
from csat_xl.report import build_report, render_xlsx
from csat_xl.scoring import score
from csat_xl.tables import survey_from_tables

SAMPLE = "pvc_2026Q2_zh.xlsx"


def run(*args):
    return subprocess.run([sys.executable, "-m", "csat_xl.cli", *map(str, args)], capture_output=True, text=True)


def typed_by_hand(min_group_size=None):
    """13 customers typed as people type them: region spellings with stray
    spaces and full-width letters, a blank region, a 状态 column, one small
    region (华西: 3 customers, one never surveyed) and one blank region."""
    regions = ["华东", " 华东", "华东 ", "华东", "华东", "华东",  # six in 华东 (spaces trimmed)
               "ＡＢ区", "AB区", "ab区", "AB区", "Ab区 ",        # five in AB区 (NFKC, case)
               "华西", "华西", None]
    customers = [["客户编号", "客户名称", "区域", "客户类型", "状态"]]
    questionnaire = [["客户编号", "客户名称", *ITEMS]]
    for i, region in enumerate(regions):
        cid = f"K{i + 1:02d}"
        customers.append([cid, f"公司{i}", region, "经销商" if i % 2 else "直供", "流失" if i == 3 else "在用"])
        if i == 12:
            continue  # listed, never surveyed
        base = 60 + (i * 7) % 35 if region is None or "华" in region else 88
        questionnaire.append([cid, f"公司{i}", *[base + (k % 3) for k in range(len(ITEMS))]])
    customers.append(["K15", "公司14", "华西", "直供", "在用"])
    questionnaire.append(["K15", "公司14", *([75] * len(ITEMS))])
    sheets = {"指标": REFERENCE_SCHEME, "问卷": questionnaire, "客户": customers}
    if min_group_size is not None:
        sheets["设置"] = [["参数", "值"], ["最小分组", min_group_size]]
    return sheets


@pytest.fixture(scope="module")
def hand_groups():
    return group_table(score(survey_from_tables(tables(typed_by_hand()))))


def test_group_columns_exclude_id_name_weight_and_status():
    survey = survey_from_tables(tables(typed_by_hand()))
    assert group_columns(survey) == ["区域", "客户类型"]


def test_values_trimmed_nfkc_case_merged_blank_last(hand_groups):
    regions = hand_groups.groups[hand_groups.groups["column"] == "区域"]
    assert list(regions["value"]) == ["华东", "AB区", "华西", None]
    assert list(regions["customers"]) == [6, 5, 3, 1]
    assert list(regions["customers_scored"]) == [6, 5, 2, 1]


def test_small_groups_are_suppressed_with_counts_only(hand_groups):
    regions = hand_groups.groups[hand_groups.groups["column"] == "区域"].reset_index(drop=True)
    records = [r for r in hand_groups.records("zh") if r["column"] == "区域"]
    small = records[2]
    assert small["value"] == "华西" and small["customers_scored"] == 2 and small["suppressed"] is True
    assert small["csi"] is None and small["csi_weighted"] is None and small["satisfaction_rate"] is None
    assert small["categories"] is None and small["grades"] is None and small["difference"] is None
    assert records[3]["value"] == "(未填)" and records[3]["suppressed"] is True
    assert not regions.loc[0, "suppressed"] and not math.isnan(regions.loc[0, "csi"])


def test_the_setting_changes_the_minimum():
    shown = group_table(score(survey_from_tables(tables(typed_by_hand(min_group_size=2)))))
    west = shown.records()[2]
    assert west["value"] == "华西" and west["suppressed"] is False and west["csi"] is not None
    assert sum(west["grades"].values()) == 2


def test_a_clearly_different_group_is_significant(hand_groups):
    east, ab = hand_groups.records()[:2]
    assert ab["csi"] > east["csi"] + 10
    assert ab["significant"] is True and ab["difference_low"] > 0
    assert ab["difference"] == pytest.approx(ab["csi"] - ab["rest_csi"])
    assert ab["csi_low"] <= ab["csi"] <= ab["csi_high"] and ab["csi_half_width"] >= 0


def _by_hand(samples):
    """Region of each customer from the 客户 sheet, final scores from `score --format json`."""
    done = run("score", samples / SAMPLE, "--format", "json")
    assert done.returncode == 0, done.stderr
    finals = {r["customer_id"]: r["final"] for r in json.loads(done.stdout)}
    sheet = openpyxl.load_workbook(samples / SAMPLE, read_only=True)["客户"]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    region = {r[0]: unicodedata.normalize("NFKC", str(r[header.index("区域")])).strip() for r in rows[1:] if r[0]}
    scored = defaultdict(list)
    for customer, final in finals.items():
        if final is not None:
            scored[region[customer]].append(final)
    return scored


def test_score_by_region_equals_finals_averaged_by_hand(samples):
    scored = _by_hand(samples)
    done = run("score", samples / SAMPLE, "--by", "区域", "--format", "json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result) == {"customers", "groups"}
    groups = {g["value"]: g for g in result["groups"]}
    assert set(groups) == set(scored)
    for region, finals in scored.items():
        g = groups[region]
        assert {"column", "value", "customers_scored", "csi", "csi_weighted", "satisfaction_rate", "categories", "grades",
                "suppressed"} <= set(g)
        assert g["column"] == "区域" and g["customers_scored"] == len(finals) >= 5 and not g["suppressed"]
        assert g["csi"] == pytest.approx(sum(finals) / len(finals), abs=1e-9)
        assert g["satisfaction_rate"] == pytest.approx(sum(f >= 70 for f in finals) / len(finals))
        assert sum(g["grades"].values()) == len(finals) and set(g["categories"]) == {"产品质量", "购销过程", "相关服务"}
    # the table prints one row per region, CSI to two decimals
    table = run("score", samples / SAMPLE, "--by", "区域", "--lang", "zh")
    assert table.returncode == 0, table.stderr
    for region, finals in scored.items():
        line = next(line for line in table.stdout.splitlines() if f" {region} " in line)
        assert f"{sum(finals) / len(finals):.2f}" in line


def test_csv_and_unknown_columns(samples):
    csv = run("score", samples / SAMPLE, "--by", "客户类型", "--by", "Region", "--format", "csv", "--lang", "en")
    assert csv.returncode == 0, csv.stderr
    lines = csv.stdout.splitlines()
    assert lines[0].startswith("Group column,Group,Customers,Scored,CSI,")
    assert [line.split(",")[0] for line in lines[1:]] == ["客户类型"] * 4 + ["区域"] * 5  # 代理商 and (未填) suppressed
    bad = run("score", samples / SAMPLE, "--by", "事业部", "--lang", "en")
    assert bad.returncode == 2 and "事业部" in bad.stderr and "区域, 客户类型" in bad.stderr
    with pytest.raises(UnknownGroupColumnError):
        group_table(score(survey_from_tables(tables(typed_by_hand()))), ["状态"])


def test_report_groups_sheet_shows_the_same_numbers(samples, tmp_path):
    scored = _by_hand(samples)
    path = tmp_path / "groups_report.xlsx"
    render_xlsx(build_report(samples / SAMPLE, lang="zh"), path)
    sheet = openpyxl.load_workbook(path)["分组"]
    rows = {}
    for row in sheet.iter_rows(values_only=True):  # the first table; the category table below repeats the names
        if row[0] in scored:
            rows.setdefault(row[0], row)
    assert set(rows) == set(scored)
    header = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "分组")
    csi = header.index("CSI")
    for region, finals in scored.items():
        assert rows[region][csi] == pytest.approx(sum(finals) / len(finals), abs=1e-9)


def test_report_greys_a_suppressed_group_and_shows_no_csi(tmp_path):
    source = write_xlsx(typed_by_hand(), tmp_path / "hand.xlsx")
    model = build_report(source, lang="en")
    table = model.tables["groups"]
    west = next(r for r in table.rows if r["group"] == "华西")
    assert west["csi"] is None and west["customers_scored"] == 2 and "fewer than 5" in west["note"]
    styles = dict(zip(table.values("group"), table.styles["group"]))
    assert styles["华西"] == "suppressed" and styles["区域"] == "heading" and styles["华东"] is None
    out = render_xlsx(model, tmp_path / "hand_report.xlsx")
    sheet = openpyxl.load_workbook(out)["Groups"]
    row = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "华西")
    assert row[1:3] == (3, 2) and row[3] is None


def test_csat_groups_spills_what_the_cli_prints(samples):
    from csat_xl.io.readers import read_tables

    sheets = {name: [list(r) for r in t.rows] for name, t in read_tables(samples / SAMPLE).items()}
    spilled = call("CSAT_GROUPS", sheets["指标"], sheets["问卷"], sheets["客户"], "客户类型", sheets["走访"],
                   sheets["投诉"], sheets["设置"], None, sheets["量表"])
    header, *rows = spilled
    assert header[:4] == ["客户类型", "客户数", "已评分", "CSI"]
    done = run("score", samples / SAMPLE, "--by", "客户类型", "--format", "json", "--lang", "zh")
    expected = json.loads(done.stdout)["groups"]
    assert [r[0] for r in rows] == [g["value"] for g in expected]
    assert any(g["suppressed"] for g in expected) and not all(g["suppressed"] for g in expected)
    for row, g in zip(rows, expected):
        assert row[1:3] == [g["customers"], g["customers_scored"]]
        if g["suppressed"]:
            assert row[3] in ("", None) and row[-1]  # blank CSI, the note says why
            continue
        assert row[3] == pytest.approx(g["csi"], abs=1e-12)
        assert row[header.index("产品质量")] == pytest.approx(g["categories"]["产品质量"], abs=1e-12)
    # default: the first group column; an unknown one is #VALUE! naming the available ones
    first = call("CSAT_GROUPS", sheets["指标"], sheets["问卷"], sheets["客户"])
    assert first[0][0] == "区域" and len(first) == 6
    message = value_error("CSAT_GROUPS", sheets["指标"], sheets["问卷"], sheets["客户"], "事业部")
    assert "事业部" in message and "区域, 客户类型" in message


def test_no_customers_sheet_no_groups():
    from builders import worked_example

    survey = survey_from_tables(tables(worked_example()))
    assert group_columns(survey) == [] and len(group_table(score(survey))) == 0
    assert math.isfinite(score(survey).customers["final"].dropna().mean())
