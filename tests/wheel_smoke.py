"""Smoke suite for an *installed* csat-xl: run it with the Python of the venv the wheel went into.

    <venv>/bin/python wheel_smoke.py [--source-tree DIR]

It is run by ``tests/test_wheel.py`` (a fresh venv holding the wheel built
from this tree) and by ``.github/workflows/release.yml`` (a venv with only
the release wheel and its dependencies), always from a folder outside the
source tree.  It needs nothing but the installed package: it uses no file
of ``tests/`` and reads the samples from the package data.

Each check prints one line; the last line reads ``N passed, N failed`` and
the exit status is 1 when any check failed.  ``--source-tree`` names the
checkout the wheel was built from, to prove that the ``csat_xl`` imported
is the installed one and not that tree.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import traceback
import zipfile
from importlib.resources import files
from pathlib import Path

# The xlwings Office.js machinery (custom functions and scripts as xlwings
# Lite and xlwings Server run them) must be chosen before xlwings is imported.
os.environ["XLWINGS_ON_SERVER"] = "true"
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # test use only

import openpyxl  # noqa: E402
import xlwings as xw  # noqa: E402
import xlwings.server  # noqa: E402

import csat_xl  # noqa: E402
import csat_xl.excel  # noqa: E402
from csat_xl import labels  # noqa: E402
from csat_xl.actions import scripts  # noqa: E402

PACKAGE = Path(csat_xl.__file__).resolve().parent
SAMPLE_ZH = PACKAGE / "data" / "pvc_2026Q2_zh.xlsx"
SAMPLE_EN = PACKAGE / "data" / "field_service_2026H1_en.xlsx"
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
CHECKS = []


def check(function):
    CHECKS.append(function)
    return function


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The installed console script ``csat-xl`` (not ``python -m``: the entry point is part of the product)."""
    exe = Path(sys.executable).with_name("csat-xl.exe" if os.name == "nt" else "csat-xl")
    done = subprocess.run([str(exe), *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8",
                          env={**os.environ, "CSAT_LANG": "en"}, timeout=300)
    if done.returncode != 0:
        raise AssertionError(f"csat-xl {' '.join(args)} exited {done.returncode}: {done.stderr[-2000:]}")
    return done


def office_cell(value):
    """A cell as Office.js sends it to a custom function."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return (value - EXCEL_EPOCH).total_seconds() / 86400
    if isinstance(value, dt.date):
        return float((value - EXCEL_EPOCH.date()).days)
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def sheet_ranges(path: Path) -> dict[str, list[list]]:
    """Each survey sheet of the workbook as a range argument, keyed by sheet key (scheme, questionnaire …)."""
    book = openpyxl.load_workbook(path, data_only=True)
    keys = {name: label.key for label in labels.SHEETS for name in (label.zh, label.en)}
    return {keys[ws.title]: [[office_cell(v) for v in row] for row in ws.iter_rows(values_only=True)]
            for ws in book.worksheets if ws.title in keys}


def book_payload(path: Path) -> dict:
    """The book payload the xlwings Office.js client sends for ``path``."""
    book = openpyxl.load_workbook(path, data_only=True)
    sheets = []
    for ws in book.worksheets:
        values = [["" if v is None else (v.strftime("%Y-%m-%dT%H:%M:%S.000Z") if isinstance(v, dt.datetime) else v)
                   for v in row] for row in ws.iter_rows(values_only=True)]
        sheets.append({
            "name": ws.title, "visibility": "Visible", "print_area": None, "notes": [],
            "used_range_address": ws.dimensions, "used_range_row_count": ws.max_row, "used_range_column_count": ws.max_column,
            "values": values or [[""]], "pictures": [], "shapes": [], "charts": [], "tables": [],
            "show_gridlines": True, "pivot_tables": [],
        })
    return {"client": "Office.js", "version": xw.__version__, "names": [], "sheets": sheets,
            "book": {"name": path.name, "active_sheet_index": 0, "selection": "A1"}}


def run_script(name: str, path: Path) -> list[dict]:
    book = xw.Book(json=copy.deepcopy(book_payload(path)))
    try:
        result = asyncio.run(xlwings.server.custom_scripts_call(scripts, name, typehint_to_value={xw.Book: book}))
        return result.json()["actions"]
    finally:
        book.close()


def call_function(name: str, *args) -> list[list]:
    data = {"func_name": name.lower(), "args": list(args), "caller_address": "[smoke.xlsx]Sheet1!A1",
            "content_language": "zh-CN", "version": xw.__version__, "client": "Office.js", "runtime": "1.4"}
    return asyncio.run(xlwings.server.custom_functions_call(data, csat_xl.excel))


# --- the checks ------------------------------------------------------------------------------------
@check
def installed_package_is_imported(work: Path, source: Path | None) -> str:
    prefix = Path(sys.prefix).resolve()
    assert PACKAGE.is_relative_to(prefix), f"csat_xl imported from {PACKAGE}, not from this venv {prefix}"
    if source is not None:
        assert not PACKAGE.is_relative_to(source.resolve()), f"csat_xl imported from the source tree {PACKAGE}"
        assert str(source.resolve()) not in [str(Path(p).resolve()) for p in sys.path if p], "source tree on sys.path"
    assert csat_xl.__version__ == csat_xl._version.__version__
    return f"csat_xl {csat_xl.__version__} from {PACKAGE}"


@check
def package_data_is_shipped(work: Path, source: Path | None) -> str:
    shipped = {
        "sample data": [SAMPLE_ZH, SAMPLE_EN],
        "report templates": [PACKAGE / "report" / "templates" / f"report_{lang}.xlsx" for lang in ("zh", "en")],
        "classic add-in": [PACKAGE / "data" / "csat_xl.xlam"],
    }
    for what, paths in shipped.items():
        for path in paths:
            assert path.is_file(), f"{what}: {path} missing"
            with zipfile.ZipFile(path) as package:  # a real workbook, not a pointer file
                assert "xl/workbook.xml" in package.namelist(), f"{path} is not an Excel package"
    assert str(files("csat_xl") / "data").endswith("data")
    return ", ".join(shipped)


@check
def demo_writes_both_reports(work: Path, source: Path | None) -> str:
    done = cli("demo", "--out-dir", "demo_out", cwd=work)
    assert "C001" in done.stdout, done.stdout[:500]
    for lang in ("zh", "en"):
        report = openpyxl.load_workbook(work / "demo_out" / f"report_{lang}.xlsx")
        assert len(report.sheetnames) >= 3, report.sheetnames
    return "csat-xl demo: report_zh.xlsx, report_en.xlsx"


@check
def template_is_written(work: Path, source: Path | None) -> str:
    cli("template", "-o", "template_zh.xlsx", "--lang", "zh", cwd=work)
    sheets = openpyxl.load_workbook(work / "template_zh.xlsx").sheetnames
    for name in ("指标", "问卷", "走访", "投诉"):
        assert name in sheets, sheets
    return f"csat-xl template: {len(sheets)} sheets"


@check
def report_is_written(work: Path, source: Path | None) -> str:
    cli("report", str(SAMPLE_EN), "-o", "report_en.xlsx", cwd=work)
    sheets = openpyxl.load_workbook(work / "report_en.xlsx").sheetnames
    assert sheets, "empty report"
    return f"csat-xl report: {', '.join(sheets[:4])} …"


@check
def functions_equal_the_cli(work: Path, source: Path | None) -> str:
    meta = xlwings.server.custom_functions_meta(csat_xl.excel)
    names = {f["name"] for f in meta["functions"]}
    assert {"CSAT_SCORES", "CSAT_SCORE", "CSAT_GRADE", "CSAT_VERSION"} <= names, names
    assert call_function("CSAT_VERSION") == [[csat_xl.__version__]]
    for sample in (SAMPLE_ZH, SAMPLE_EN):
        expected = json.loads(cli("score", str(sample), "--format", "json", cwd=work).stdout)
        ranges = sheet_ranges(sample)
        args = [ranges.get(k) for k in ("scheme", "questionnaire", "visits", "complaints", "settings")]
        header, *rows = call_function("CSAT_SCORES", *args, None, ranges.get("scales"), ranges.get("customers"))
        assert [str(r[0]) for r in rows] == [e["customer_id"] for e in expected], sample.name
        for row, e in zip(rows, expected):
            for value, key in zip(row[1:6], ("questionnaire", "visit", "preliminary", "adjustment", "final")):
                assert value == ("" if e[key] is None else e[key]), (sample.name, row[0], key, value, e[key])
    return f"{len(names)} functions; CSAT_SCORES equals csat-xl score on both samples"


@check
def scripts_write_into_the_book(work: Path, source: Path | None) -> str:
    meta = xlwings.server.custom_scripts_meta(scripts)
    assert {m["function_name"] for m in meta} >= set(scripts.SCRIPTS), meta
    added = {}
    for name in ("validate", "refresh_results", "build_report"):
        actions = run_script(name, SAMPLE_ZH)
        assert any(a["func"] == "setValues" for a in actions), (name, actions[:3])
        added[name] = [a["args"][1] for a in actions if a["func"] == "addSheet"]
    assert added["validate"] == ["校验结果"] and added["refresh_results"] == ["客户得分"], added
    assert any(name.startswith("报告") for name in added["build_report"]), added
    return "validate, refresh_results, build_report replay writes"


@check
def addin_installs_from_the_wheel(work: Path, source: Path | None) -> str:
    """``csat-xl addin install`` as on a Chinese Windows (XLSTART and the user folder under tmp)."""
    from csat_xl.actions import install, xlam

    shipped = install.shipped_xlam()
    assert shipped.is_file() and xlam.find_sources() is not None, "the add-in or its sources are missing"
    assert (PACKAGE / "data" / "addin" / "customUI14.xml").is_file()
    env = {"APPDATA": str(work / "Roaming"), "USERPROFILE": str(work / "Users" / "张三")}
    python = "C:\\Users\\张三\\csat\\.venv\\Scripts\\python.exe"
    done = install.install(platform="win32", env=env, python=python, code_page=936)
    assert done.xlam == work / "Roaming" / "Microsoft" / "Excel" / "XLSTART" / "csat_xl.xlam"
    if done.rebuilt_for is None:
        assert done.xlam.read_bytes() == shipped.read_bytes()
    assert xlam.xlwings_version_of(done.xlam) == xlam.xlwings_addin_module()[1]
    assert done.config.read_bytes() == f'"INTERPRETER_WIN","{python}"\r\n'.encode("gbk")
    return f"{done.xlam.name} into XLSTART ({'rebuilt for xlwings ' + done.rebuilt_for if done.rebuilt_for else 'as shipped'}), config in cp936"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source-tree", type=Path, help="the checkout the wheel was built from (must not be imported)")
    args = parser.parse_args(argv)
    failed = 0
    with tempfile.TemporaryDirectory(prefix="csat-smoke-") as folder:
        work = Path(folder)
        for function in CHECKS:
            try:
                print(f"PASS {function.__name__}: {function(work, args.source_tree)}", flush=True)
            except Exception:
                failed += 1
                print(f"FAIL {function.__name__}:\n{traceback.format_exc()}", flush=True)
    print(f"{len(CHECKS) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
