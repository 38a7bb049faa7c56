"""Run the xlwings Lite path of csat-xl under Pyodide's constraints, for tests/test_lite.py.

    <venv with the Pyodide 0.27 pins>/bin/python lite_check.py SOURCE_TREE SAMPLE.xlsx [--import-only]

Pyodide (the Python inside xlwings Lite) can start neither threads nor
processes, and has no python-calamine.  Before anything of csat-xl is
imported, this script makes every way of starting a thread or a process
raise (threading, _thread, concurrent.futures executors, subprocess, os.fork
/ spawn / system, multiprocessing) and makes the packages Pyodide lacks (``python_calamine`` …) unimportable;
then it imports ``addin/lite/main.py`` as Lite does and runs what a Lite user
runs: the functions' registration and a ``CSAT_SCORES`` call, and the four
task-pane scripts (with ``sys.platform`` reporting ``emscripten`` for New
template, as in Pyodide).  It prints one JSON object: the versions in use,
the functions registered, the scores, the sheets each script adds, and every
attempt to start a thread or a process (with where it came from).
"""

from __future__ import annotations

import json
import os
import sys
import traceback

ATTEMPTS: list[dict] = []


class NotInPyodide(RuntimeError):
    pass


def _forbid(owner, name: str, what: str) -> None:
    original = getattr(owner, name, None)
    if original is None:
        return

    def refuse(*args, **kwargs):
        ATTEMPTS.append({"what": what, "stack": "".join(traceback.format_stack(limit=12)[:-1])})
        raise NotInPyodide(f"{what} is not possible in Pyodide")

    setattr(owner, name, refuse)


import _thread  # noqa: E402
import concurrent.futures  # noqa: E402
import multiprocessing  # noqa: E402
import subprocess  # noqa: E402
import threading  # noqa: E402

_forbid(threading.Thread, "start", "threading.Thread.start")
_forbid(_thread, "start_new_thread", "_thread.start_new_thread")
_forbid(_thread, "start_joinable_thread", "_thread.start_joinable_thread")
_forbid(concurrent.futures.ThreadPoolExecutor, "submit", "ThreadPoolExecutor.submit")
_forbid(concurrent.futures.ProcessPoolExecutor, "submit", "ProcessPoolExecutor.submit")
_forbid(subprocess.Popen, "__init__", "subprocess.Popen")
_forbid(multiprocessing.Process, "start", "multiprocessing.Process.start")
for name in ("fork", "forkpty", "posix_spawn", "posix_spawnp", "system", "popen", "execv", "execve", "spawnv", "spawnve"):
    _forbid(os, name, f"os.{name}")


#: Packages Pyodide does not get (python-calamine, … : their markers exclude Emscripten), from test_lite.py.
ABSENT = {"python_calamine", *filter(None, os.environ.get("CSAT_LITE_ABSENT", "").split(","))}


class _NotInPyodide:
    """Importing a package Pyodide lacks fails there, so it fails here."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] in ABSENT:
            raise ImportError(f"{fullname} is not available in Pyodide")
        return None


sys.meta_path.insert(0, _NotInPyodide())

# xlwings Lite runs xlwings' Office.js decorators, as xlwings Server does.
os.environ["XLWINGS_ON_SERVER"] = "true"
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # test use only

source, sample = sys.argv[1], sys.argv[2]
import_only = sys.argv[3:] == ["--import-only"]  # stop after importing main.py (the guard's own test)
sys.path.insert(0, source)

import asyncio  # noqa: E402
import copy  # noqa: E402
import importlib.util  # noqa: E402

import numpy  # noqa: E402
import openpyxl  # noqa: E402
import pandas  # noqa: E402
import xlwings as xw  # noqa: E402
import xlwings.server  # noqa: E402

spec = importlib.util.spec_from_file_location("main", os.path.join(source, "addin", "lite", "main.py"))
main = importlib.util.module_from_spec(spec)
spec.loader.exec_module(main)  # what Lite does with the editor's main.py

if import_only:
    print(json.dumps({"attempts": ATTEMPTS}))
    sys.exit(0)

import csat_xl  # noqa: E402
from csat_xl import labels  # noqa: E402

result: dict = {
    "versions": {"pandas": pandas.__version__, "numpy": numpy.__version__, "xlwings": xw.__version__, "csat_xl": csat_xl.__version__},
    "csat_xl_file": csat_xl.__file__,
    "absent_loaded": sorted({m.split(".")[0] for m in sys.modules} & ABSENT),
}
meta = xlwings.server.custom_functions_meta(main)
result["functions"] = sorted(f["name"] for f in meta["functions"])
result["scripts"] = sorted(m["function_name"] for m in xlwings.server.custom_scripts_meta(main))


def office_cell(value):
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if hasattr(value, "isoformat"):
        return (value - __import__("datetime").datetime(1899, 12, 30)).total_seconds() / 86400
    return value


book = openpyxl.load_workbook(sample, data_only=True)
keys = {name: label.key for label in labels.SHEETS for name in (label.zh, label.en)}
ranges = {keys[ws.title]: [[office_cell(v) for v in row] for row in ws.iter_rows(values_only=True)]
          for ws in book.worksheets if ws.title in keys}
call = {"func_name": "csat_scores", "version": xw.__version__, "client": "Office.js", "runtime": "1.4",
        "args": [ranges.get(k) for k in ("scheme", "questionnaire", "visits", "complaints", "settings")] + [None, ranges.get("scales"), ranges.get("customers")]}
header, *rows = asyncio.run(xlwings.server.custom_functions_call(call, main))
result["scores"] = {str(r[0]): r[5] for r in rows}

payload = {"client": "Office.js", "version": xw.__version__, "names": [],
           "book": {"name": os.path.basename(sample), "active_sheet_index": 0, "selection": "A1"},
           "sheets": [{"name": ws.title, "visibility": "Visible", "print_area": None, "notes": [],
                       "used_range_address": ws.dimensions, "used_range_row_count": ws.max_row,
                       "used_range_column_count": ws.max_column,
                       "values": [["" if v is None else (v.strftime("%Y-%m-%dT%H:%M:%S.000Z") if hasattr(v, "strftime") else v)
                                   for v in row] for row in ws.iter_rows(values_only=True)],
                       "pictures": [], "shapes": [], "charts": [], "tables": [], "show_gridlines": True, "pivot_tables": []}
                      for ws in book.worksheets]}
blank = copy.deepcopy(payload)
blank["sheets"] = [{**payload["sheets"][0], "name": "Sheet1", "values": [[""]], "used_range_address": None,
                    "used_range_row_count": 0, "used_range_column_count": 0}]
result["added_sheets"] = {}
for script, data in (("validate", payload), ("refresh_results", payload), ("build_report", payload), ("new_template", blank)):
    real_platform = sys.platform
    sys.platform = "emscripten"  # as in Pyodide: New template adds sheets instead of opening a workbook
    try:
        target = xw.Book(json=copy.deepcopy(data))
        done = asyncio.run(xlwings.server.custom_scripts_call(main, script, typehint_to_value={xw.Book: target}))
        actions = done.json()["actions"]
    finally:
        sys.platform = real_platform
    result["added_sheets"][script] = [a["args"][1] for a in actions if a["func"] == "addSheet"]

result["attempts"] = ATTEMPTS
result["csat_modules"] = sorted(m for m in sys.modules if m.split(".")[0] == "csat_xl")
print(json.dumps(result, ensure_ascii=False))
