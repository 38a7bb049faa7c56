"""The summary report: model values equal the engine's; the rendered workbook
is safe, complete in both languages, atomic, and opens in LibreOffice."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest

import csat_xl
from csat_xl import labels
from csat_xl.aggregation import compare_periods
from csat_xl.report.captions import CAPTIONS, caption
from csat_xl.report.model import build_report

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_workbooks"
ZH = SAMPLES / "pvc_2026Q2_zh.xlsx"
ZH_Q1 = SAMPLES / "pvc_2026Q1_zh.xlsx"
ZH_Q4 = SAMPLES / "pvc_2025Q4_zh.xlsx"
EN = SAMPLES / "field_service_2026H1_en.xlsx"
FIXED_TIME = dt.datetime(2026, 7, 1, 9, 30)


def _close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=0, abs_tol=1e-9)


@pytest.fixture(scope="session")
def zh_survey():
    return csat_xl.read_survey(ZH)


@pytest.fixture(scope="session")
def zh_model(zh_survey):
    return build_report(zh_survey, lang="zh", generated_at=FIXED_TIME)


@pytest.fixture(scope="session")
def trend_model():
    return build_report(ZH, previous=[ZH_Q4, ZH_Q1], lang="zh", generated_at=FIXED_TIME)


# --- the model ----------------------------------------------------------------------
def test_customer_rows_equal_the_engine(zh_survey, zh_model):
    records = {r["customer_id"]: r for r in csat_xl.score(zh_survey).records()}
    rows = zh_model.tables["customers"].rows
    assert len(rows) == len(records)
    for row in rows:
        rec = records[row["customer_id"]]
        for key in ("questionnaire", "visit", "preliminary", "adjustment", "final"):
            assert _close(row[key], rec[key]), (row["customer_id"], key)
        assert row["grade"] == rec["grade"]  # zh report: the Chinese grade label
    finals = [r["final"] for r in rows if r["final"] is not None]
    assert finals == sorted(finals, reverse=True)
    assert [r["final"] for r in rows[len(finals):]] == [None] * (len(rows) - len(finals))
    assert [r["rank"] for r in rows[: len(finals)]] == list(range(1, len(finals) + 1))


def test_kpis_items_and_complaints_equal_the_summary(zh_survey, zh_model):
    summary = csat_xl.summarize(csat_xl.score(zh_survey))
    kpi = zh_model.fields["kpi"]
    for key, value in summary.kpis().items():
        if key in kpi:
            assert kpi[key].value == value or _close(kpi[key].value, value), key
    assert kpi["csi"].number_format == "0.00" and kpi["satisfaction_rate"].number_format == "0.0%"
    # attainment as text in the report language
    assert kpi["csi_target"].value == caption("not_attained" if not summary.attainment["csi"]["target"] else "attained", "zh")
    items = zh_model.tables["items"].rows
    assert [r["item"] for r in items] == summary.items["item"].tolist()
    for row, (_, ref) in zip(items, summary.items.iterrows()):
        assert _close(row["weakness"], float(ref["weakness"])) and row["weakness_rank"] == int(ref["weakness_rank"])
    weaknesses = zh_model.tables["weaknesses"].rows
    assert [r["weakness_rank"] for r in weaknesses] == sorted(r["weakness_rank"] for r in items)
    pareto = zh_model.tables["pareto"].rows
    assert [r["count"] for r in pareto] == summary.pareto["count"].tolist()
    assert _close(pareto[-1]["cumulative_share"], 1.0)
    outcome = zh_model.tables["complaints_by_outcome"].rows
    assert sum(r["count"] for r in outcome) == summary.complaint_total
    assert {r["name"] for r in outcome} <= {o.zh for o in labels.OUTCOMES}


def test_model_values_are_plain_python(trend_model):
    """The model carries no numpy/pandas objects: the xlwings renderer and JSON can take it as is."""
    allowed = (str, int, float, dt.datetime, type(None))
    for table in trend_model.tables.values():
        for row in table.rows:
            for key, value in row.items():
                assert type(value) in allowed, (table.key, key, type(value))
    for group in trend_model.fields.values():
        for f in group.values():
            assert type(f.value) in allowed, (f.key, type(f.value))


def test_trend_with_three_periods(trend_model):
    periods = trend_model.tables["periods"].rows
    assert [p["period"] for p in periods] == ["2025Q4", "2026Q1", "2026Q2"]
    assert periods[0]["csi_delta"] is None
    assert _close(periods[2]["csi_delta"], periods[2]["csi"] - periods[1]["csi"])
    summaries = [csat_xl.summarize(csat_xl.score(csat_xl.read_survey(p))) for p in (ZH_Q4, ZH_Q1, ZH)]
    churn = compare_periods(summaries).churn_risks
    assert {r["customer_id"] for r in trend_model.tables["churn"].rows} == set(churn["customer_id"])
    assert len(churn) > 0
    assert "trend" in [s.key for s in trend_model.sheets]


def test_trend_with_two_periods_and_without(tmp_path):
    from csat_xl.report import render_xlsx

    two = build_report(ZH, previous=[ZH_Q1], lang="en", generated_at=FIXED_TIME)
    assert [p["period"] for p in two.tables["periods"].rows] == ["2026Q1", "2026Q2"]
    assert two.sheet("trend").title == "Trend"
    trend = openpyxl.load_workbook(render_xlsx(two, tmp_path / "two.xlsx"))["Trend"]
    column = [c.value for c in trend["A"]]
    first = column.index("Period") + 1
    assert column[first:first + 3] == ["2026Q1", "2026Q2", None]  # the block has exactly the two periods
    churn_ids = {r["customer_id"] for r in two.tables["churn"].rows}
    assert churn_ids and churn_ids <= set(column)
    one = build_report(ZH, lang="en", generated_at=FIXED_TIME)
    assert "trend" not in [s.key for s in one.sheets] and not one.has_trend
    assert "Trend" not in openpyxl.load_workbook(render_xlsx(one, tmp_path / "one.xlsx")).sheetnames


def test_languages_label_everything(zh_model):
    en = build_report(EN, lang="en", generated_at=FIXED_TIME)
    assert [s.title for s in zh_model.sheets] == ["概览", "客户", "指标", "分组", "投诉", "整改跟踪", "统计", "意见分析", "数据质量", "方法"]
    assert [s.title for s in en.sheets] == ["Overview", "Customers", "Items", "Groups", "Complaints", "Actions", "Statistics", "Comments",
                                            "Data quality", "Method"]
    assert {r["grade"] for r in en.tables["grades"].rows} == {g.en for g in labels.GRADES}
    assert en.tables["customers"].column("final").label == "Final"
    assert zh_model.tables["customers"].column("final").label == "最终得分"
    # every caption exists in both languages
    assert all(set(v) == {"zh", "en"} and all(v.values()) for v in CAPTIONS.values())
    # semantic grade styles use the Chinese label whatever the language
    assert set(en.tables["grades"].styles["grade"]) == {f"grade:{g.zh}" for g in labels.GRADES}


def test_method_record(zh_model):
    record = zh_model.fields["record"]
    assert record["sha256"].value == csat_xl.io.readers.file_sha256(ZH)
    assert record["generated_at"].value == FIXED_TIME
    weights = zh_model.tables["weights"].rows
    purchase = [r for r in weights if r["category"] == "购销过程"]
    assert [r["item_weight"] for r in purchase] == [8.0, 8.0, 10.0]
    assert _close(sum(r["weight"] for r in purchase), 20.0)
    assert any(r["message"].startswith("类别 购销过程") for r in zh_model.tables["findings"].rows)


# --- the rendered workbook --------------------------------------------------------------
import hashlib  # noqa: E402
import re  # noqa: E402
from openpyxl.utils import column_index_from_string  # noqa: E402
import zipfile  # noqa: E402

import openpyxl  # noqa: E402

from builders import worked_example, write_xlsx  # noqa: E402
from csat_xl.findings import OutputError  # noqa: E402
from csat_xl.report import ReportTemplateError, default_template, render_xlsx  # noqa: E402

INJECTIONS = ['=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-1+1", "\t=1+2", "#N/A"]


def _sheet_xml(path: Path) -> dict[str, str]:
    """Worksheet XML parts by sheet name (to prove what is stored, not what openpyxl infers)."""
    with zipfile.ZipFile(path) as z:
        book = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        targets = {}
        for element in re.findall(r"<Relationship [^>]*>", rels):
            rid = re.search(r'Id="(rId\d+)"', element).group(1)
            targets[rid] = re.search(r'Target="/?(?:xl/)?([^"]+)"', element).group(1)
        out = {}
        for name, rid in re.findall(r'<sheet [^>]*name="([^"]+)"[^>]*r:id="(rId\d+)"', book):
            out[name] = z.read("xl/" + targets[rid]).decode()
        return out


@pytest.fixture(scope="session")
def rendered(tmp_path_factory, trend_model):
    """The zh report with three periods and the en report of the field-service sample."""
    folder = tmp_path_factory.mktemp("reports")
    zh = render_xlsx(trend_model, folder / "report_zh.xlsx", inputs=[ZH, ZH_Q1, ZH_Q4])
    en_model = build_report(EN, lang="en", generated_at=FIXED_TIME)
    en = render_xlsx(en_model, folder / "report_en.xlsx", inputs=[EN])
    return {"zh": (zh, trend_model), "en": (en, en_model)}


@pytest.fixture(scope="session")
def injected(tmp_path_factory):
    """A workbook whose user text is formula-injection payloads, and its rendered report."""
    folder = tmp_path_factory.mktemp("injection")
    sheets = worked_example()
    sheets["问卷"][1][1], sheets["问卷"][2][1], sheets["问卷"][3][1] = INJECTIONS[:3]
    sheets["投诉"] = [["客户编号", "处理结果", "投诉类别", "责任部门", "描述"],
                      ["C001", "基本满意", INJECTIONS[3], INJECTIONS[4], INJECTIONS[0]],
                      ["C001", "未处理", INJECTIONS[5], "=1+1", "x"],
                      ["C004", "很满意", INJECTIONS[2], "-2", "y"]]
    source = write_xlsx(sheets, folder / "injected.xlsx")
    # openpyxl would store '=…' as a formula: make every payload a text cell, as a user's typed text is
    book = openpyxl.load_workbook(source)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" or cell.value in INJECTIONS:
                    cell.data_type = "s"
    book.save(source)
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    out = render_xlsx(build_report(source, lang="zh"), folder / "injected_report.xlsx", inputs=[source])
    return source, before, out


def test_every_sheet_in_both_languages(rendered):
    zh = openpyxl.load_workbook(rendered["zh"][0])
    assert zh.sheetnames == ["概览", "客户", "指标", "分组", "投诉", "整改跟踪", "趋势", "统计", "意见分析", "数据质量", "方法"]
    en = openpyxl.load_workbook(rendered["en"][0])
    assert en.sheetnames == ["Overview", "Customers", "Items", "Groups", "Complaints", "Actions", "Statistics", "Comments",
                             "Data quality", "Method"]
    for book in (zh, en):
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert not (isinstance(cell.value, str) and ("{{" in cell.value or "{%" in cell.value)), (sheet.title, cell.coordinate)
    # English report: English grade labels and headers, no Chinese captions
    customers = en["Customers"]
    assert [c.value for c in customers[3]][:3] == ["Rank", "Customer ID", "Customer name"]
    grades = {customers.cell(row=r, column=10).value for r in range(4, customers.max_row + 1)} - {None}
    assert grades and grades <= {g.en for g in labels.GRADES}


def test_rows_and_cells_are_stored_once_in_order(rendered):
    """Excel repairs (or refuses) a sheet whose <row> numbers repeat or go back,
    or whose cells do so within a row; LibreOffice and openpyxl forgive it, so
    the stored XML is checked: a merged range in a row block once left an empty
    duplicate <row> beside the block's own."""
    for path, _ in rendered.values():
        for name, xml in _sheet_xml(path).items():
            rows = [int(r) for r in re.findall(r'<row r="(\d+)"', xml)]
            assert rows == sorted(set(rows)), (path.name, name, [r for r in rows if rows.count(r) > 1][:5])
            for row in re.findall(r"<row [^>]*>(.*?)</row>", xml, re.S):
                columns = [column_index_from_string(c) for c in re.findall(r'<c r="([A-Z]+)\d+"', row)]
                assert columns == sorted(set(columns)), (path.name, name, columns)


def test_cell_values_equal_the_engine(rendered, zh_survey):
    path, model = rendered["zh"]
    sheet = openpyxl.load_workbook(path)["客户"]
    header = [c.value for c in sheet[3]]
    col = {name: header.index(labels.RESULT_COLUMN[name].zh) + 1 for name in ("customer_id", "final", "adjustment", "grade")}
    records = {r["customer_id"]: r for r in csat_xl.score(zh_survey).records()}
    seen = 0
    for r in range(4, sheet.max_row + 1):
        cid = sheet.cell(row=r, column=col["customer_id"]).value
        if cid is None:
            continue
        final = sheet.cell(row=r, column=col["final"])
        rec = records[cid]
        if rec["final"] is None:
            assert final.value is None
        else:
            assert final.data_type == "n" and math.isclose(final.value, rec["final"], abs_tol=1e-9)
            assert final.number_format == "0.00"
        assert sheet.cell(row=r, column=col["grade"]).value == rec["grade"]
        seen += 1
    assert seen == len(records)
    overview = openpyxl.load_workbook(path)["概览"]
    values = {overview.cell(row=r, column=1).value: overview.cell(row=r, column=2) for r in range(1, overview.max_row + 1)}
    csi = values[caption("kpi.csi", "zh")]
    assert math.isclose(csi.value, model.fields["kpi"]["csi"].value) and csi.number_format == "0.00"
    rate = values[caption("kpi.satisfaction_rate", "zh")]
    assert math.isclose(rate.value, model.fields["kpi"]["satisfaction_rate"].value) and rate.number_format == "0.0%"


def test_layout_expands_with_the_rows(rendered):
    path, model = rendered["zh"]
    book = openpyxl.load_workbook(path)
    customers = book["客户"]
    last = 3 + len(model.tables["customers"])
    assert customers.freeze_panes == "A4"
    assert customers.auto_filter.ref == f"A3:N{last}"
    assert {str(cf.sqref) for cf in customers.conditional_formatting} == {f"I4:J{last}"}
    assert customers.print_title_rows.replace("$", "") == "3:3"
    # the row below each table moved down: the Trend churn rows follow the periods and the chart
    trend = book["趋势"]
    periods = [trend.cell(row=r, column=1).value for r in range(6, 9)]
    assert periods == ["2025Q4", "2026Q1", "2026Q2"]
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
    # grades, categories, weakness, groups, pareto, complaints per month, trend, trend categories,
    # importance–performance and the top terms of the three comment sources: native charts
    assert len(charts) == 12
    # every chart reads filled cells of the rendered tables
    with zipfile.ZipFile(path) as z:
        refs = {ref for name in charts for ref in re.findall(r"<(?:c:)?f>([^<]+)</(?:c:)?f>", z.read(name).decode())}
    series = []
    for ref in refs:
        sheet_name, cells = ref.rsplit("!", 1)
        found = book[sheet_name.strip("'")][cells.replace("$", "")]
        values = [found.value] if isinstance(found, openpyxl.cell.cell.Cell) else [c.value for row in found for c in row]
        # The groups chart spans its section headings and suppressed groups: deliberate gaps.
        assert values and (None not in values or sheet_name.strip("'") == "分组"), ref
        series.append(values)
    assert [g.zh for g in labels.GRADES] in series
    assert [r["name"] for r in model.tables["pareto"].rows] in series
    assert [r["csi"] for r in model.tables["periods"].rows] in series


def test_injection_payloads_stay_text(injected):
    source, before, out = injected
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before  # the input is untouched
    book = openpyxl.load_workbook(out)
    texts = {c.value: c.data_type for s in book.worksheets for row in s.iter_rows() for c in row if isinstance(c.value, str)}
    for payload in INJECTIONS:
        assert texts.get(payload) == "s", payload
    # and in the file itself: no formula element anywhere, payloads stored as inline strings
    for name, xml in _sheet_xml(out).items():
        assert "<f>" not in xml and "<f " not in xml, name
    customers = _sheet_xml(out)["客户"]
    assert "HYPERLINK" in customers and 't="inlineStr"' in customers


def test_refuses_the_input_and_leaves_no_file_on_failure(tmp_path, zh_model, monkeypatch):
    copy = tmp_path / "survey.xlsx"
    copy.write_bytes(ZH.read_bytes())
    with pytest.raises(OutputError):
        render_xlsx(zh_model, copy, inputs=[copy])
    assert copy.read_bytes() == ZH.read_bytes()

    out = tmp_path / "report.xlsx"
    out.write_bytes(b"previous report")

    def broken_save(self, filename):
        Path(filename).write_bytes(b"half a workbook")
        raise OSError("disk full")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken_save)
    with pytest.raises(OutputError, match="disk full"):  # one line with path and reason (CLI.md v2)
        render_xlsx(zh_model, out)
    assert out.read_bytes() == b"previous report"  # the previous file survives
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.xlsx", "survey.xlsx"]  # no temp file left
    fresh = tmp_path / "fresh.xlsx"
    with pytest.raises(OutputError):
        render_xlsx(zh_model, fresh)
    assert not fresh.exists()


def test_user_modified_template_still_renders(tmp_path, zh_model):
    book = openpyxl.load_workbook(default_template("zh"))
    customers = book["客户"]
    customers.move_range("A3:N4", rows=3, cols=1)  # table moved down and right
    customers.freeze_panes = "B7"
    customers.auto_filter.ref = "B6:O7"
    customers["B6"].font = openpyxl.styles.Font(name="Arial", bold=True, color="FF0000")
    customers["J7"].number_format = "0.0"  # the user's format wins over the model's
    customers["A1"].value = "我们的客户 {{ kpi.period }}：{{ kpi.scored }} 家"
    del book["趋势"]
    book.template = True  # saved as an Excel template (.xltx), as Excel users keep templates
    template = tmp_path / "mine.xltx"
    book.save(template)
    out = render_xlsx(zh_model, tmp_path / "out.xlsx", template=template)
    sheet = openpyxl.load_workbook(out)["客户"]
    assert sheet["A1"].value == f"我们的客户 2026Q2：{zh_model.fields['kpi']['scored'].value} 家"
    assert sheet["B6"].value == "排名" and sheet["B6"].font.color.rgb.endswith("FF0000")
    first = zh_model.tables["customers"].rows[0]
    assert sheet["C7"].value == first["customer_id"]
    assert math.isclose(sheet["J7"].value, first["final"]) and sheet["J7"].number_format == "0.0"
    last = 6 + len(zh_model.tables["customers"])
    assert sheet.cell(row=last, column=3).value == zh_model.tables["customers"].rows[-1]["customer_id"]
    assert sheet.freeze_panes == "B7" and sheet.auto_filter.ref == f"B6:O{last}"
    with zipfile.ZipFile(out) as z:
        assert "template.main" not in z.read("[Content_Types].xml").decode()  # a workbook, not a template


def test_template_problems_are_reported_together(tmp_path, zh_model):
    book = openpyxl.load_workbook(default_template("en"))
    book["Overview"]["H1"] = "{{ kpi.no_such_value }}"
    book["Overview"]["H2"] = "{% chart no_such_chart %}"
    book["Customers"]["P4"] = "{{ c.no_such_column }}"
    template = tmp_path / "bad.xlsx"
    book.save(template)
    out = tmp_path / "out.xlsx"
    with pytest.raises(ReportTemplateError) as info:
        render_xlsx(zh_model, out, template=template)
    problems = "\n".join(info.value.problems)
    assert "Overview!H1" in problems and "Overview!H2" in problems and "Customers!P4" in problems
    assert len(info.value.problems) == 3  # the bad column is reported once, not once per customer
    assert not out.exists()


def test_committed_templates_match_their_builder(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "templates"))
    import build_report_templates

    assert build_report_templates.main(["--check"]) == 0


@pytest.mark.libreoffice
def test_libreoffice_renders_pages(rendered, soffice, tmp_path):
    from libreoffice import _PROFILE, pdf_pages

    # one LibreOffice start for both reports
    (tmp_path / "profile" / "user").mkdir(parents=True)
    (tmp_path / "profile" / "user" / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
    paths = [path for path, _ in rendered.values()]
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--norestore",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), *map(str, paths)], capture_output=True, timeout=300, check=True)
    for lang, (path, model) in rendered.items():
        pdf = tmp_path / (path.stem + ".pdf")
        assert pdf_pages(pdf) >= len(model.sheets), lang  # at least one page per sheet


# --- the command line ------------------------------------------------------------------
import subprocess  # noqa: E402
import sys  # noqa: E402


def _cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "csat_xl.cli", *map(str, args)], capture_output=True, text=True, env=env)


def test_cli_report_default_path_trend_and_exit_codes(tmp_path):
    current = tmp_path / "pvc Q2.xlsx"
    current.write_bytes(ZH.read_bytes())
    digest = hashlib.sha256(current.read_bytes()).hexdigest()
    done = _cli("report", current, "--previous", ZH_Q4, ZH_Q1, "--lang", "en")  # CLI.md: --previous EARLIER.xlsx ...
    assert done.returncode == 0, done.stderr
    out = tmp_path / "pvc Q2_report.xlsx"
    assert [c.value for c in openpyxl.load_workbook(out)["Trend"]["A"]][5:8] == ["2025Q4", "2026Q1", "2026Q2"]
    assert _cli("report", current, ZH_Q1).returncode == 2  # a second workbook without --previous is a usage error
    assert openpyxl.load_workbook(out).sheetnames == ["Overview", "Customers", "Items", "Groups", "Complaints", "Actions", "Trend",
                                                      "Statistics", "Comments", "Data quality", "Method"]
    assert hashlib.sha256(current.read_bytes()).hexdigest() == digest
    assert "Traceback" not in done.stderr

    refused = _cli("report", current, "-o", current)
    assert refused.returncode == 1 and "refusing" in refused.stderr and hashlib.sha256(current.read_bytes()).hexdigest() == digest

    sheets = worked_example()
    sheets["问卷"][1][2] = 120
    bad = write_xlsx(sheets, tmp_path / "bad.xlsx")
    invalid = _cli("report", bad, "-o", tmp_path / "bad_out.xlsx", "--lang", "en")
    assert invalid.returncode == 2 and "问卷!C2" in invalid.stderr
    assert not (tmp_path / "bad_out.xlsx").exists()


def test_cli_report_speaks_the_workbooks_language_unless_told(tmp_path):
    import os

    env = {k: v for k, v in os.environ.items() if k != "CSAT_LANG"} | {"LANG": "C", "LC_ALL": "C"}
    done = _cli("report", ZH, "-o", tmp_path / "sub" / "zh.xlsx", env=env)  # the folder is made
    assert done.returncode == 0, done.stderr
    assert openpyxl.load_workbook(tmp_path / "sub" / "zh.xlsx").sheetnames[0] == "概览"
    done = _cli("report", ZH, "-o", tmp_path / "en.xlsx", env=env | {"CSAT_LANG": "en"})
    assert openpyxl.load_workbook(tmp_path / "en.xlsx").sheetnames[0] == "Overview"
    from csat_xl.report.model import survey_language

    assert survey_language(csat_xl.read_survey(EN)) == "en" and survey_language(csat_xl.read_survey(ZH)) == "zh"


def test_cli_demo_writes_both_sample_reports(tmp_path):
    done = _cli("demo", "--lang", "en", "--out-dir", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    assert openpyxl.load_workbook(tmp_path / "out" / "report_zh.xlsx").sheetnames[0] == "概览"
    assert openpyxl.load_workbook(tmp_path / "out" / "report_en.xlsx").sheetnames[0] == "Overview"


def test_template_features_follow_the_row_block(tmp_path, zh_model):
    """Validation, merged cells, formulas, print area and page breaks of a row block stretch with it."""
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.pagebreak import Break

    book = openpyxl.load_workbook(default_template("zh"))
    sheet = book["客户"]
    validation = DataValidation(type="list", formula1='"A,B"')
    sheet.add_data_validation(validation)
    validation.add("O4")
    sheet["P4"] = "{{ c.customer_name }}"
    sheet.merge_cells("P4:Q4")
    sheet["R4"] = "=I4*2"
    sheet["A6"] = "合计 {{ customers | length }}"
    sheet.print_area = "A1:R6"
    sheet.row_breaks.append(Break(id=4))
    template = tmp_path / "features.xlsx"
    book.save(template)
    out = render_xlsx(zh_model, tmp_path / "out.xlsx", template=template)
    sheet = openpyxl.load_workbook(out)["客户"]
    n = len(zh_model.tables["customers"])
    last = 3 + n
    assert [str(r) for r in sheet.data_validations.dataValidation[0].sqref.ranges] == [f"O4:O{last}"]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {f"P{r}:Q{r}" for r in range(4, last + 1)} <= merged
    assert sheet[f"P{last}"].value == zh_model.tables["customers"].rows[-1]["customer_name"]
    assert sheet[f"R{last}"].value == f"=I{last}*2"  # the template's own formula, moved with its row
    assert sheet[f"A{last + 2}"].value == f"合计 {n}"
    assert sheet.print_area.endswith(f"$A$1:$R${last + 2}")
    assert [b.id for b in sheet.row_breaks.brk] == [last]


def test_empty_tables_vanish_and_a_locked_output_is_reported(tmp_path, monkeypatch):
    sheets = worked_example()
    del sheets["投诉"]
    source = write_xlsx(sheets, tmp_path / "no_complaints.xlsx")
    model = build_report(source, lang="zh")
    assert len(model.tables["pareto"]) == 0
    out = render_xlsx(model, tmp_path / "report.xlsx")
    book = openpyxl.load_workbook(out)
    complaints = book["投诉"]
    texts = [c.value for row in complaints.iter_rows() for c in row if c.value is not None]
    assert caption("no_complaints", "zh") in texts
    with zipfile.ZipFile(out) as z:
        assert len([n for n in z.namelist() if n.startswith("xl/charts/chart")]) == 4  # no Pareto chart without complaints (grades, categories, weakness, importance–performance)

    import os

    real_replace = os.replace

    def locked(src, dst):  # Windows refuses to replace a file Excel has open
        if Path(dst) == out:
            raise PermissionError(13, "Permission denied")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", locked)
    before = out.read_bytes()
    with pytest.raises(OutputError, match="正被其他程序如 Excel 打开"):  # in the report language
        render_xlsx(model, out)
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["no_complaints.xlsx", "report.xlsx"]
