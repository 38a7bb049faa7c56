"""The Statistics 统计 sheet of the report and the CSI change on its Trend sheet:
model values equal the statistics core's; the rendered workbook has the
tables and a native scatter chart, in both languages, and LibreOffice reads
the chart back."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

import csat_xl
from csat_xl import statistics as st
from csat_xl.report import build_report, render_xlsx
from csat_xl.report.captions import caption

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_workbooks"
ZH, ZH_Q1 = SAMPLES / "pvc_2026Q2_zh.xlsx", SAMPLES / "pvc_2026Q1_zh.xlsx"
EN = SAMPLES / "field_service_2026H1_en.xlsx"
FIXED_TIME = dt.datetime(2026, 7, 1, 9, 30)


@pytest.fixture(scope="module")
def zh_model():
    return build_report(ZH, previous=[ZH_Q1], lang="zh", generated_at=FIXED_TIME)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, zh_model):
    """The zh report with a previous period and the en report, rendered once."""
    folder = tmp_path_factory.mktemp("stats_report")
    zh = render_xlsx(zh_model, folder / "report_zh.xlsx", inputs=[ZH, ZH_Q1])
    en = render_xlsx(build_report(EN, lang="en", generated_at=FIXED_TIME), folder / "report_en.xlsx", inputs=[EN])
    return Path(zh), Path(en)


def test_model_tables_equal_the_statistics_core(zh_model):
    current = csat_xl.score(csat_xl.read_survey(ZH))
    previous = csat_xl.score(csat_xl.read_survey(ZH_Q1))
    stats = st.analyse(current)
    rows = zh_model.tables["stats_uncertainty"].rows
    csi = stats.uncertainty.interval("csi")
    assert (rows[0]["estimate"], rows[0]["low"], rows[0]["high"]) == pytest.approx((csi.estimate, csi.low, csi.high))
    rate = next(r for r in rows if r["measure"] == caption("measure.satisfaction_rate", "zh"))
    assert rate["estimate"] == pytest.approx(stats.uncertainty.interval("satisfaction_rate").estimate * 100)
    alphas = [r["alpha"] for r in zh_model.tables["stats_reliability"].rows]
    assert alphas == pytest.approx(stats.reliability.categories["alpha"].tolist())
    ipa = zh_model.tables["stats_ipa"].rows
    assert [r["quadrant"] for r in ipa] == [caption(f"quadrant.{q}", "zh") for q in stats.importance_performance.table["quadrant"]]
    assert zh_model.fields["stats"]["required"].value == stats.minimum_sample.required
    change = zh_model.tables["stats_period_difference"].rows
    expected = st.compare_csi(current, previous)
    assert len(change) == 1 and change[0]["difference"] == pytest.approx(expected.difference)
    assert (change[0]["low"], change[0]["high"]) == pytest.approx((expected.low, expected.high))
    assert change[0]["significant"] == caption("significant.yes" if expected.significant else "significant.no", "zh")
    chart = zh_model.charts["stats_ipa"]
    assert chart.kind == "scatter" and chart.crosses == pytest.approx(
        (stats.importance_performance.importance_mean, stats.importance_performance.performance_mean))


def _find(sheet, text):
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == text:
                return cell
    raise AssertionError(f"{text!r} not on sheet {sheet.title}")


def test_rendered_statistics_sheet_in_both_languages(rendered, zh_model):
    zh_path, en_path = rendered
    zh = openpyxl.load_workbook(zh_path)
    assert "统计" in zh.sheetnames
    sheet = zh["统计"]
    label = _find(sheet, caption("measure.csi", "zh"))
    row = [c.value for c in sheet[label.row]]
    model_row = zh_model.tables["stats_uncertainty"].rows[0]
    assert row[1:4] == pytest.approx([model_row["estimate"], model_row["low"], model_row["high"]])
    assert sheet.cell(label.row, 2).number_format == "0.00"
    _find(sheet, "品质")  # the IPA table lists the items
    trend = zh["趋势"]
    _find(trend, caption("block.stats_period_difference", "zh"))
    en = openpyxl.load_workbook(en_path)
    assert "Statistics" in en.sheetnames
    _find(en["Statistics"], caption("measure.csi", "en"))
    _find(en["Statistics"], caption("section.stats_no_expectations", "en"))  # the en sample has no expectations


def _series(xml: str) -> int:
    """Series in a chart part (openpyxl writes no prefix, LibreOffice writes ``c:``)."""
    return len(re.findall(r"<(?:c:)?ser>", xml))


def _chart_xml(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return [z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/charts/chart")]


def test_scatter_chart_reads_the_ipa_table(rendered):
    zh_path, _ = rendered
    scatters = [x for x in _chart_xml(zh_path) if "scatterChart" in x]
    assert len(scatters) == 1
    xml = scatters[0]
    assert _series(xml) == 9  # one labelled point per item
    assert "'统计'!$" in xml and "crossesAt" in xml


@pytest.mark.libreoffice
def test_libreoffice_keeps_the_scatter_chart(rendered, soffice, tmp_path):
    from libreoffice import recalculate

    zh_path, _ = rendered
    saved = recalculate(zh_path, tmp_path)
    scatters = [x for x in _chart_xml(saved) if "scatterChart" in x]
    assert len(scatters) == 1 and _series(scatters[0]) == 9
    book = openpyxl.load_workbook(saved, data_only=True)
    assert "统计" in book.sheetnames
