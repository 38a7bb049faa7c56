"""Hostile workbooks end in bounded time and memory with exit 0 or 2 and a message.

Every file is built on the fly from a sample workbook (tests/hostile.py):
bombs are a few MB of identical deflate blocks that *declare* gigabytes.
All commands run in one child process under a 3 GB address-space limit
(tests/limited.py), each under a 60 s alarm, on both reader engines.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import hostile as h
from csat_xl.io.archive import Archive, WorkbookReadError, _error_cells, _extent
from csat_xl.io.readers import read_tables

TESTS = Path(__file__).parent
SAMPLE = TESTS.parent / "sample_workbooks" / "pvc_2026Q2_zh.xlsx"
MODERN_ERRORS = ["#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#PYTHON!", "#GETTING_DATA", "#NEWFANGLED!"]


def run_limited(commands: list[list[str]], gigabytes: float = 3.0, seconds: int = 60) -> list[dict]:
    done = subprocess.run([sys.executable, str(TESTS / "limited.py"), str(gigabytes), str(seconds)],
                          input=json.dumps(commands), capture_output=True, text=True, timeout=seconds * len(commands) + 60)
    assert done.returncode == 0, done.stderr[-3000:]
    return [json.loads(line) for line in done.stdout.splitlines()]


def with_error(tmp_path: Path, code: str, ref: str = "D5") -> Path:
    name = "err_" + "".join(ch for ch in code if ch.isalnum()) + ".xlsx"
    return h.edit_sheet(SAMPLE, tmp_path / name, "问卷", lambda x: h.set_cell_xml(x, ref, h.error_cell(ref, code)))


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("hostile")
    files = {
        "zip_bomb_4gb": h.zip_bomb(SAMPLE, d / "bomb.xlsx", "问卷", 4.0),
        "lying_zip_bomb": h.zip_bomb(SAMPLE, d / "liebomb.xlsx", "问卷", 4.0, lie=True),
        "shared_string_bomb_1gb": h.shared_string_bomb(SAMPLE, d / "sst.xlsx", 1.0),
        "billion_laughs": h.billion_laughs(SAMPLE, d / "laughs.xlsx", "问卷"),
        "cell_at_XFD1048576": h.edit_sheet(SAMPLE, d / "far.xlsx", "问卷", lambda x: x.replace(
            "</sheetData>", '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')),
        "spill": with_error(d, "#SPILL!"),
        "getting_data": with_error(d, "#GETTING_DATA"),
        "not_a_zip": _write(d / "x.xlsx", b"\x00\x01binary garbage" * 10),
        "csv": _write(d / "survey.csv", "客户编号,品质\nC001,85\n".encode()),
        "truncated": _write(d / "cut.xlsx", SAMPLE.read_bytes()[:5000]),
        "encrypted": _write(d / "locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600 + "EncryptionInfo".encode("utf-16-le")),
        "template_with_na": _filled_template(d),
    }
    return files


def _filled_template(folder: Path) -> Path:
    """A csat-xl template (thousands of empty styled cells) with one customer typed in and one #N/A."""
    from csat_xl.template import write_template

    blank = write_template(folder / "blank.xlsx", lang="zh", customers=10, rows=300)

    def fill(xml: str) -> str:
        xml = h.set_cell_xml(xml, "A5", h.text_cell("A5", "C001"))
        return h.set_cell_xml(xml, "D5", h.error_cell("D5", "#N/A"))

    return h.edit_sheet(blank, folder / "filled.xlsx", "问卷", fill)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


EXPECTED_EXIT = {"spill": 2, "getting_data": 2, "template_with_na": 2}
HINTS = {"csv": "另存为 .xlsx", "encrypted": "密码", "truncated": "不完整", "zip_bomb_4gb": "上限", "shared_string_bomb_1gb": "上限",
         "billion_laughs": "DTD", "cell_at_XFD1048576": "XFD1048576", "spill": "#SPILL!", "getting_data": "#GETTING_DATA",
         "lying_zip_bomb": "损坏", "template_with_na": "#N/A"}


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_hostile_files_bounded_exit_2_with_message(hostile_files, engine):
    names = list(hostile_files)
    results = run_limited([["score", str(hostile_files[n]), "--engine", engine, "--lang", "zh", "-f", "csv"] for n in names])
    for name, result in zip(names, results):
        assert result["exit"] == EXPECTED_EXIT.get(name, 2), (name, result)
        assert "Traceback" not in result["stderr"] and result["stderr"].strip(), (name, result)
        assert result["stdout"] == "", name
        if name in HINTS:
            assert HINTS[name] in result["stderr"], (name, result["stderr"])
        if name not in EXPECTED_EXIT:
            assert len(result["stderr"].strip().splitlines()) == 1, (name, result["stderr"])


def test_modern_error_codes_are_cell_findings_on_both_engines(tmp_path):
    from csat_xl import inspect_workbook

    for code in MODERN_ERRORS:
        path = with_error(tmp_path, code)
        seen = []
        for engine in ("calamine", "openpyxl"):
            survey, findings = inspect_workbook(path, engine=engine)
            assert survey is None
            seen.append([(f.cell, f.value) for f in findings if f.is_error])
        assert seen[0] == seen[1] == [("问卷!D5", code)], code


def test_error_scan_is_linear_after_self_closing_cells():
    # The former regex rescanned to the end of the sheet after every <c …/>:
    # 200,000 trailing empty cells took hours; now one pass.
    row = "".join(f'<c r="{col}9" s="5" t="n" />' for col in "ABCDEFGHIJ")
    rows = "".join(f'<row r="{r}">' + row.replace("9", str(r)) + "</row>" for r in range(10, 20010))
    xml = f'<worksheet><sheetData><row r="2"><c r="C2" t="e"><f>NA()</f><v>#N/A</v></c><c r="D2" s="1"/></row>{rows}</sheetData></worksheet>'.encode()
    assert _error_cells(xml) == [(1, 2, "#N/A")]
    assert _extent(xml) == (20009, 0)


def test_extent_searches():
    # the one-pass proof's numeral patterns: tests/test_archive_scan.py
    wide = b'<sheetData><row r="3000"><c r="A3000"><v>1</v></c><c r="ZZ1"><v>1</v></c></row></sheetData>'
    assert _extent(wide) == (3000, 0)  # 0: within the 16,384 columns 3000 rows may have
    assert _extent(wide.replace(b'r="3000"', b'r="100000"').replace(b"A3000", b"A100000")) == (100000, 702)  # 100,000 × 702 > 50M
    below = b'<sheetData><row r="2"><c r="A2000000"><v>1</v></c></row></sheetData>'
    assert _extent(below)[0] == 2000000
    unplaced = b'<sheetData><row r="1">' + b"<c><v>1</v></c>" * 20000 + b"</row></sheetData>"
    assert _extent(unplaced)[1] == 20000


def test_text_longer_than_excel_allows_is_refused(tmp_path):
    path = h.edit_sheet(SAMPLE, tmp_path / "long.xlsx", "问卷", lambda x: h.set_cell_xml(x, "B5", h.text_cell("B5", "长" * 40000)))
    with pytest.raises(WorkbookReadError, match="40,000") as caught:
        read_tables(path)
    assert "问卷!B5" in caught.value.render("zh")
    ok = h.edit_sheet(SAMPLE, tmp_path / "ok.xlsx", "问卷", lambda x: h.set_cell_xml(x, "B5", h.text_cell("B5", "长" * 32767)))
    assert read_tables(ok)["问卷"].rows[4][1] == "长" * 32767


def test_unreadable_inputs_name_reason_and_hint_in_both_languages(tmp_path):
    ods = tmp_path / "s.ods"
    with zipfile.ZipFile(ods, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<x/>")
    cases = {ods: ("OpenDocument", ".ods"), _write(tmp_path / "old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100): (".xls", ".xls"),
             _write(tmp_path / "empty.xlsx", b""): ("empty", "为空")}
    for path, (en, zh) in cases.items():
        with pytest.raises(WorkbookReadError) as caught:
            Archive(path)
        assert caught.value.exit_code == 2
        assert en in caught.value.render("en") and zh in caught.value.render("zh")


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_lying_dimension_does_not_pad_or_cut(tmp_path, engine):
    import re

    lying = h.edit_sheet(SAMPLE, tmp_path / "dim.xlsx", "问卷", lambda x: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"', x))
    short = h.edit_sheet(SAMPLE, tmp_path / "short.xlsx", "问卷", lambda x: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:B2"', x))
    plain = read_tables(SAMPLE, engine=engine)["问卷"].rows
    for path in (lying, short):
        rows = read_tables(path, engine=engine)["问卷"].rows
        assert max(len(r) for r in rows) <= max(len(r) for r in plain)  # not padded to XFD
        assert [r for r in rows if any(v not in (None, "") for v in r)] == [r for r in plain if any(v not in (None, "") for v in r)]
