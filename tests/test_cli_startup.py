"""Start-up: each command imports only what it uses (issue 18).

Small workbooks are the common case, where start-up is most of the wait;
``csat-xl --help`` and ``--version`` must not load pandas, and ``score``
must not load the report, template or Excel stacks.  Times are measured in
benchmarks/bench_startup.py, not here; these tests check the imports.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from csat_xl import __version__

ROOT = Path(__file__).parent.parent
HEAVY = ("pandas", "numpy", "openpyxl", "jinja2", "xlwings", "pydantic", "csat_xl.statistics", "csat_xl.report", "csat_xl.template")


def modules_after(*argv: str) -> tuple[list[str], str]:
    """Run ``csat-xl argv`` in a fresh interpreter; the heavy modules it loaded and its stdout."""
    code = (
        "import sys, json, io, contextlib\n"
        f"sys.argv = ['csat-xl', *{list(argv)!r}]\n"
        "out = io.StringIO()\n"
        "from csat_xl.cli import main\n"
        "with contextlib.redirect_stdout(out):\n"
        "    try:\n"
        "        main()\n"
        "    except SystemExit:\n"
        "        pass\n"
        f"print(json.dumps([[m for m in {HEAVY!r} if m in sys.modules], out.getvalue()]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    loaded, output = json.loads(done.stdout.splitlines()[-1])
    return loaded, output


@pytest.mark.parametrize("argv", [("--version",), ("--help",), ("score", "--help")])
def test_help_and_version_load_no_pandas(argv):
    loaded, output = modules_after(*argv)
    assert loaded == [], f"csat-xl {' '.join(argv)} imported {loaded}"
    assert (f"csat-xl {__version__}" in output) if argv == ("--version",) else ("Usage" in output)


def test_score_loads_only_the_core():
    sample = ROOT / "sample_workbooks" / "pvc_2026Q2_zh.xlsx"
    loaded, output = modules_after("score", str(sample), "--format", "csv")
    # csat_xl.statistics comes with tables.py's import of analyses.loyalty (RECOMMEND_SCALE);
    # it needs only numpy, already loaded, so it is tolerated here.
    assert set(loaded) - {"csat_xl.statistics"} == {"pandas", "numpy"}, loaded
    assert output.count("\n") > 5, "the scores were printed"


def test_package_attributes_load_on_first_use():
    code = ("import sys, csat_xl; before = 'pandas' in sys.modules; score = csat_xl.score; "
            "print(before, 'pandas' in sys.modules, callable(score), 'score' in dir(csat_xl))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["False", "True", "True", "True"], done.stderr


def test_blas_gets_one_thread_in_csat_xl_only(monkeypatch):
    """The entry point gives numpy one BLAS thread (unless the user chose a
    count) and leaves the environment as it found it."""
    from csat_xl.cli import BLAS_THREAD_VARIABLES, one_blas_thread

    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    monkeypatch.setenv("MKL_NUM_THREADS", "3")
    with one_blas_thread():
        assert os.environ["OPENBLAS_NUM_THREADS"] == "1" and os.environ["MKL_NUM_THREADS"] == "3"
    assert "OPENBLAS_NUM_THREADS" not in os.environ and os.environ["MKL_NUM_THREADS"] == "3"
    assert set(BLAS_THREAD_VARIABLES) >= {"OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"}


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="thread count read from /proc (Linux)")
def test_numpy_loaded_under_the_entry_point_starts_no_blas_threads():
    code = ("import os\nfrom csat_xl.cli import one_blas_thread\nwith one_blas_thread():\n    import numpy\n"
            "    numpy.ones((200, 200)) @ numpy.ones((200, 200))\nprint(len(os.listdir('/proc/self/task')))")
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert done.stdout.strip() == "1", (done.stdout, done.stderr)
