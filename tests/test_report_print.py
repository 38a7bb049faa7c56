"""The report as printed (issue 13): both languages through LibreOffice to PDF.

Checks what a manager would see on paper: every sheet the model has prints
(A4 landscape, at a readable scale), no text cell is wider than its column
(an estimate from font metrics, :mod:`csat_xl.report.text_width`; a header
word never breaks inside itself), every bar chart's value axis starts at 0,
and the English PDF holds every header word whole.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile

import openpyxl
import pytest

from csat_xl.report import build_report, render_xlsx
from csat_xl.report import text_width as tw
from libreoffice import _convert_many, pdf_pages, soffice_binary


@pytest.fixture(scope="module")
def printed(tmp_path_factory, samples_dir):
    folder = tmp_path_factory.mktemp("print")
    previous = [samples_dir / "pvc_2025Q4_zh.xlsx", samples_dir / "pvc_2026Q1_zh.xlsx"]
    out = {}
    for lang in ("zh", "en"):
        model = build_report(samples_dir / "pvc_2026Q2_zh.xlsx", previous=previous, lang=lang)
        out[lang] = (model, render_xlsx(model, folder / f"report_{lang}.xlsx"))
    return out


@pytest.fixture(scope="module")
def samples_dir():
    from conftest import SAMPLES

    return SAMPLES


@pytest.fixture(scope="module")
def pdfs(printed, tmp_path_factory):
    if soffice_binary() is None:
        if os.environ.get("CSAT_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("LibreOffice is required (CSAT_REQUIRE_LIBREOFFICE=1) but soffice is not installed")
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("pdf")
    return dict(zip(("zh", "en"), _convert_many([printed["zh"][1], printed["en"][1]], folder, "pdf")))


def _merged_width(sheet, cell) -> float | None:
    for merged in sheet.merged_cells.ranges:
        if cell.coordinate in merged:
            if (cell.row, cell.column) != (merged.min_row, merged.min_col):
                return None  # covered by the merge: drawn by its first cell
            return sum(_width(sheet, c) for c in range(merged.min_col, merged.max_col + 1))
    return _width(sheet, cell.column)


def _width(sheet, column: int) -> float:
    dimension = sheet.column_dimensions.get(openpyxl.utils.get_column_letter(column))
    return dimension.width if dimension is not None and dimension.width else 8.43


def _too_wide(path) -> list[str]:
    book = openpyxl.load_workbook(path)
    problems = []
    for sheet in book.worksheets:
        filled = {(c.row, c.column) for row in sheet.iter_rows() for c in row if c.value not in (None, "")}
        for row in sheet.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str) or not cell.value.strip():
                    continue
                width = _merged_width(sheet, cell)
                if width is None:
                    continue
                size, bold = float(cell.font.sz or 11), bool(cell.font.b)
                if cell.alignment.wrap_text:
                    need = tw.longest_token_px(cell.value, size, bold)  # a word must not break
                else:
                    need = tw.text_px(cell.value, size, bold)
                    # Text may run on into empty cells to its right (not numbers: right-aligned).
                    if cell.alignment.horizontal in (None, "general", "left") and width == _width(sheet, cell.column):
                        col = cell.column + 1
                        while (cell.row, col) not in filled and col <= sheet.max_column + 3:
                            width += _width(sheet, col)
                            col += 1
                if need > tw.column_px(width) - tw.CELL_MARGIN_PX / 2:
                    problems.append(f"{sheet.title}!{cell.coordinate} {cell.value!r}: {need:.0f} px > {tw.column_px(width):.0f} px")
    return problems


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_text_is_wider_than_its_column(printed, lang):
    assert _too_wide(printed[lang][1]) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_bar_chart_starts_at_zero_and_sheets_print_landscape(printed, lang):
    path = printed[lang][1]
    with zipfile.ZipFile(path) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    bars = [c for c in charts if "barChart" in c]
    assert len(bars) >= 6
    for chart in bars:
        chart = re.sub(r"<(/?)c:", r"<\1", chart)  # with or without the c: prefix
        bar_axes = re.search(r"<barChart>.*?</barChart>", chart, re.S).group(0)
        value_axis = re.findall(r'<axId val="(\d+)"', bar_axes)[-1]
        axis = re.search(rf'<valAx><axId val="{value_axis}"/>.*?</valAx>', chart, re.S).group(0)
        assert '<min val="0"' in axis, chart[:200]
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize in (9, "9"), sheet.title


def test_pdfs_print_every_sheet_and_english_headers_whole(printed, pdfs):
    for lang, pdf in pdfs.items():
        model = printed[lang][0]
        book = openpyxl.load_workbook(printed[lang][1])
        pages = pdf_pages(pdf)
        # one page or more per sheet, and not a page per few rows
        assert len(book.sheetnames) <= pages <= 4 * len(book.sheetnames), (lang, pages)
        assert {s.title for s in model.sheets if s.key != "trend" or model.has_trend} <= set(book.sheetnames)
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler) is not installed")
    text = subprocess.run(["pdftotext", "-layout", str(pdfs["en"]), "-"], capture_output=True, text=True, check=True).stdout
    words = set(re.findall(r"[A-Za-z][A-Za-z'-]*", text))
    book = openpyxl.load_workbook(printed["en"][1])
    headers = {c.value for s in book.worksheets for row in s.iter_rows() for c in row
               if isinstance(c.value, str) and c.fill.fgColor.rgb in ("001F3864", "FF1F3864")}
    assert headers
    broken = sorted({w for h in headers for w in re.findall(r"[A-Za-z][A-Za-z'-]*", h) if len(w) > 3 and w not in words})
    assert broken == []
