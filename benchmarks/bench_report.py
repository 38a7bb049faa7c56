"""Report benchmark (numbers recorded in docs/performance.md, section Report).

    .venv/bin/python benchmarks/bench_report.py [--customers 20000] [--responses 100000] [--repeat 3]

The whole ``csat-xl report`` on a workbook of 20,000 customers and 100,000
responses, in a fresh process, against python-calamine alone reading the same
workbook in a fresh process (target ≤ 5x, goal 3x).  Also the time of each
stage in-process (read, model, render, save) to show where it goes, and the
peak memory (max RSS) of the report process.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from csat_xl.cli import BLAS_THREAD_VARIABLES  # imports no numpy

# The in-process stages run as the csat-xl command does (one BLAS thread,
# csat_xl.cli.one_blas_thread): set before numpy loads (make_data imports it).
for _name in BLAS_THREAD_VARIABLES:
    os.environ.setdefault(_name, "1")

sys.path.insert(0, str(Path(__file__).parent))
from make_data import best_against_read, make_workbook  # noqa: E402


def stages(path: Path, out: Path) -> dict[str, tuple[float, float]]:
    """(wall, CPU) seconds per stage of one in-process report (after the
    imports); CPU time is what to compare on a shared machine."""
    from csat_xl.io.readers import read_survey
    from csat_xl.report import build_report, render_workbook

    times = {}

    def timed(name, run):
        wall, cpu = time.perf_counter(), time.process_time()
        result = run()
        times[name] = (time.perf_counter() - wall, time.process_time() - cpu)
        return result

    survey = timed("read", lambda: read_survey(path))
    timed("score + model without the Statistics sheet", lambda: build_report(survey, lang="zh", statistics=False))
    model = timed("score + model with the Statistics sheet", lambda: build_report(survey, lang="zh"))
    rendered = timed("render", lambda: render_workbook(model))
    timed("save", lambda: rendered.save(out))
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = make_workbook(Path(tmp) / "big.xlsx", args.customers, args.responses)
        out = Path(tmp) / "big_report.xlsx"
        report = [sys.executable, "-m", "csat_xl.cli", "report", str(path), "-o", str(out), "--lang", "zh"]
        (t_read, m_read), (t_report, m_report) = best_against_read(path, report, args.repeat)
        print(f"workbook: {args.customers:,} customers, {args.responses:,} responses, {path.stat().st_size / 2**20:.1f} MiB")
        print(f"calamine read: best {t_read:.2f} s of {args.repeat} (peak RSS {m_read:.0f} MiB; "
              f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())})")
        print(f"csat-xl report: best {t_report:.2f} s = {t_report / t_read:.2f}x the read (peak RSS {m_report:.0f} MiB); "
              f"report file {out.stat().st_size / 2**20:.1f} MiB")
        for name, (wall, cpu) in stages(path, out).items():
            print(f"  {name}: {wall:.2f} s (CPU {cpu:.2f} s)")


if __name__ == "__main__":
    main()
