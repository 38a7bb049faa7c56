"""LibreOffice, headless, as the real spreadsheet engine tests check against.

``recalculate`` opens a workbook in LibreOffice Calc, forces a full
recalculation (the profile sets OOXMLRecalcMode to "always") and saves it as
.xlsx, so reading the result with openpyxl (``data_only=True``) gives the
values a spreadsheet engine computed.  ``to_pdf`` renders a workbook as PDF.
Each call uses its own throw-away user profile, so tests may run in parallel.

Tests that need it use the ``soffice`` fixture (tests/conftest.py): skipped
when LibreOffice is absent, failed when ``CSAT_REQUIRE_LIBREOFFICE=1``.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice_binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _convert(source: Path, outdir: Path, target: str, timeout: float = 180) -> Path:
    return _convert_many([Path(source)], outdir, target, timeout)[0]


def _convert_many(sources: list[Path], outdir: Path, target: str, timeout: float = 600) -> list[Path]:
    """Convert several files in one LibreOffice start (starting it is most of the cost)."""
    binary = soffice_binary()
    if binary is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="csat-lo-profile-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
        cmd = [
            binary,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            *map(str, sources),
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    suffix = target.split(":")[0]
    results = [outdir / (source.stem + "." + suffix) for source in sources]
    if done.returncode != 0 or not all(r.exists() for r in results):
        raise RuntimeError(f"LibreOffice failed on {sources}: {done.stdout}\n{done.stderr}")
    return results


def recalculate(source: Path, outdir: Path) -> Path:
    """Recalculate ``source`` in LibreOffice; returns the saved .xlsx (in ``outdir``)."""
    return _convert(Path(source), Path(outdir), "xlsx:Calc MS Excel 2007 XML")


def recalculate_many(sources: list[Path], outdir: Path) -> list[Path]:
    """:func:`recalculate` for several workbooks (names must differ), in one LibreOffice start."""
    return _convert_many([Path(s) for s in sources], Path(outdir), "xlsx:Calc MS Excel 2007 XML")


def to_pdf(source: Path, outdir: Path) -> Path:
    return _convert(Path(source), Path(outdir), "pdf")


def pdf_pages(pdf: Path) -> int:
    """Page count of a PDF (reads the /Type /Page objects; no extra dependency)."""
    data = Path(pdf).read_bytes()
    return data.count(b"/Type /Page") - data.count(b"/Type /Pages") if b"/Type /Page" in data else data.count(b"/Type/Page") - data.count(b"/Type/Pages")
