"""Render the sample reports to the PNG pictures of docs/report.md and the README.

    .venv/bin/python docs/img/report_images.py

Builds the Chinese report of the PVC sample with two previous periods and the
English report of the field-service sample, converts both to PDF with
LibreOffice (one call) and writes the first page of the chosen sheets with
``pdftoppm -png -r 60`` as ``docs/img/report_<lang>_<sheet>.png``.  Pages are
found by the sheet name LibreOffice prints in the footer (``&A``).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from csat_xl.report import build_report, render_xlsx  # noqa: E402
from csat_xl.report.captions import caption  # noqa: E402
from libreoffice import _PROFILE, soffice_binary  # noqa: E402

SAMPLES = ROOT / "sample_workbooks"
IMAGES = Path(__file__).resolve().parent
#: which sheets to picture, per language
SHEETS = {"zh": ("overview", "customers", "groups", "trend"), "en": ("overview", "groups", "complaints")}
WHEN = datetime(2026, 7, 6, 9, 0)  # a fixed time, so the pictures do not change on every run


def footer_page(pdf: Path, sheet_title: str) -> int:
    """The first page whose footer names ``sheet_title``."""
    page = 1
    while True:
        text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"], capture_output=True, text=True)
        if text.returncode != 0 or not text.stdout:
            raise LookupError(f"no page of {sheet_title} in {pdf}")
        if text.stdout.strip().splitlines()[-1].strip() == sheet_title:
            return page
        page += 1


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        reports = {
            "zh": render_xlsx(build_report(SAMPLES / "pvc_2026Q2_zh.xlsx", [SAMPLES / "pvc_2025Q4_zh.xlsx", SAMPLES / "pvc_2026Q1_zh.xlsx"],
                                           lang="zh", generated_at=WHEN), tmp / "report_zh.xlsx"),
            "en": render_xlsx(build_report(SAMPLES / "field_service_2026H1_en.xlsx", lang="en", generated_at=WHEN), tmp / "report_en.xlsx"),
        }
        profile = tmp / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
        subprocess.run([soffice_binary(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", str(tmp), *map(str, reports.values())], check=True, capture_output=True)
        for lang, sheets in SHEETS.items():
            pdf = tmp / f"report_{lang}.pdf"
            for key in sheets:
                page = footer_page(pdf, caption(f"sheet.{key}", lang))
                stem = tmp / f"{lang}_{key}"
                subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(stem)], check=True)
                shutil.copy(stem.with_suffix(".png"), IMAGES / f"report_{lang}_{key}.png")
                print(f"docs/img/report_{lang}_{key}.png (page {page})")


if __name__ == "__main__":
    main()
