"""xlwings Lite: addin/lite/main.py with the Pyodide 0.27 packages, no calamine, no threads, no processes.

xlwings Lite runs Python in Pyodide 0.27, which ships pandas 2.2.3 and numpy
2.0.2 (and not python-calamine), and where a thread or a subprocess cannot
start.  This test makes a venv with exactly those pins (plus the pure-Python
dependencies micropip would fetch, and the xlwings pin of
addin/lite/requirements.txt), cached in ``.cache/`` (gitignored) so later
runs reuse it, and runs ``lite_check.py`` in it: import main.py as Lite does,
register and call the functions, run the four task-pane scripts — with every
way to start a thread or a process made to fail and recorded.  Pyodide 0.27
is CPython 3.12; the venv uses this interpreter (3.11+), which those wheels
also support.  Without PyPI the venv cannot be made and the test skips.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "csat_xl" / "data" / "pvc_2026Q2_zh.xlsx"
#: Pyodide 0.27's own packages (its lockfile) and what micropip fetches from PyPI for csat-xl.
PYODIDE_PINS = ("pandas==2.2.3", "numpy==2.0.2")


def _lite_requirements() -> list[str]:
    """The non-csat-xl lines of addin/lite/requirements.txt (the xlwings pin)."""
    lines = (ROOT / "addin" / "lite" / "requirements.txt").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#") and not line.startswith("csat-xl")]


#: The marker environment of Pyodide (the Python of xlwings Lite).
PYODIDE_MARKERS = {"platform_system": "Emscripten", "sys_platform": "emscripten", "python_version": "3.12"}


def _declared() -> list:
    import tomllib

    from packaging.requirements import Requirement

    return [Requirement(d) for d in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]]


def _pure_dependencies() -> list[str]:
    """What micropip installs for csat-xl besides Pyodide's pandas/numpy and the xlwings pin.

    Dependencies whose marker excludes Pyodide (python-calamine, …) are left out, as micropip does.
    """
    skip = {"pandas", "numpy", "xlwings"}
    return [str(r) for r in _declared() if r.name not in skip and (r.marker is None or r.marker.evaluate(PYODIDE_MARKERS))]


def _not_in_pyodide() -> list[str]:
    """Import names of the dependencies Pyodide does not get (lite_check.py makes them unimportable)."""
    return [r.name.replace("-", "_") for r in _declared() if r.marker is not None and not r.marker.evaluate(PYODIDE_MARKERS)]


_NETWORK_TROUBLE = ("NewConnectionError", "Temporary failure in name resolution", "Could not fetch URL",
                    "Failed to establish a new connection", "Network is unreachable", "ConnectionError", "ReadTimeoutError")


@pytest.fixture(scope="module")
def lite_python() -> Path:
    requirements = [*PYODIDE_PINS, *_lite_requirements(), *_pure_dependencies()]
    key = "-".join(sorted(r.replace("==", "").replace(">=", "ge").split(";")[0].replace(" ", "") for r in requirements))
    folder = ROOT / ".cache" / f"lite-venv-py{sys.version_info.major}{sys.version_info.minor}"
    python = folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    stamp = folder / "requirements.txt"
    if python.exists() and stamp.exists() and stamp.read_text() == key:
        return python
    shutil.rmtree(folder, ignore_errors=True)
    venv.EnvBuilder(with_pip=False).create(folder)
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-input",
                           "--only-binary", ":all:", *requirements], capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        if any(sign in done.stdout + done.stderr for sign in _NETWORK_TROUBLE):
            pytest.skip("PyPI is unreachable: cannot make the Pyodide-pinned venv")
        pytest.fail(f"installing the Pyodide pins failed:\n{done.stderr[-3000:]}")
    stamp.write_text(key)
    return python


@pytest.fixture(scope="module")
def lite_run(lite_python) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["CSAT_LITE_ABSENT"] = ",".join(_not_in_pyodide())
    done = subprocess.run([str(lite_python), str(Path(__file__).with_name("lite_check.py")), str(ROOT), str(SAMPLE)],
                          capture_output=True, text=True, encoding="utf-8", env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_lite_venv_has_the_pyodide_versions_and_no_calamine(lite_run):
    assert lite_run["versions"]["pandas"] == "2.2.3" and lite_run["versions"]["numpy"] == "2.0.2"
    assert f"xlwings=={lite_run['versions']['xlwings']}" in _lite_requirements()
    assert "python_calamine" in _not_in_pyodide()
    assert lite_run["absent_loaded"] == []  # no module Pyodide lacks was imported (calamine, …)
    assert Path(lite_run["csat_xl_file"]).resolve().is_relative_to(ROOT / "csat_xl")


def test_main_py_registers_every_function_and_script(lite_run):
    import csat_xl.excel
    from csat_xl.actions.scripts import SCRIPTS

    assert lite_run["functions"] == sorted(name.upper() for name in csat_xl.excel.__all__)
    assert lite_run["scripts"] == sorted(SCRIPTS)


def test_functions_and_scripts_run_with_the_pyodide_pins(lite_run):
    import csat_xl

    expected = {str(r["customer_id"]): r["final"] for r in csat_xl.score(csat_xl.read_survey(SAMPLE)).records()}
    assert set(lite_run["scores"]) == set(expected)
    for customer, final in lite_run["scores"].items():
        value = expected[customer]
        assert (final == "" and (value is None or value != value)) or final == pytest.approx(value, abs=1e-9), customer
    added = lite_run["added_sheets"]
    assert added["validate"] == ["校验结果"] and added["refresh_results"] == ["客户得分"]
    assert added["build_report"] and all(name.startswith("报告") for name in added["build_report"])
    assert {"指标", "Scheme"} & set(added["new_template"])  # Lite adds the template's sheets to the workbook


def test_nothing_on_the_lite_path_starts_a_thread_or_a_process(lite_run):
    assert lite_run["attempts"] == [], "\n\n".join(f"{a['what']}\n{a['stack']}" for a in lite_run["attempts"])
    # the whole path was exercised: the package, the functions, the actions, the report and template builders
    modules = set(lite_run["csat_modules"])
    assert {"csat_xl.excel", "csat_xl.actions.scripts", "csat_xl.actions.documents", "csat_xl.actions.book_actions"} <= modules


def test_the_check_does_catch_a_thread(lite_python, tmp_path):
    """The guard of lite_check.py is live: a module on the path that starts a thread is reported."""
    shutil.copytree(ROOT / "csat_xl", tmp_path / "csat_xl", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "addin" / "lite", tmp_path / "addin" / "lite")
    main = tmp_path / "addin" / "lite" / "main.py"
    main.write_text(main.read_text() + "\nimport threading\ntry:\n    threading.Thread(target=print).start()\nexcept RuntimeError:\n    pass\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    done = subprocess.run([str(lite_python), str(Path(__file__).with_name("lite_check.py")), str(tmp_path), str(SAMPLE),
                           "--import-only"], capture_output=True, text=True, encoding="utf-8", env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    attempts = json.loads(done.stdout.strip().splitlines()[-1])["attempts"]
    assert [a["what"] for a in attempts] == ["threading.Thread.start"]
