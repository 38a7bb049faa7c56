"""Statistics benchmarks (numbers recorded in docs/performance.md, section Statistics).

    .venv/bin/python benchmarks/bench_statistics.py [--customers 20000] [--responses 60000] [--resamples 2000]

Target (issue 7): bootstrap with 2,000 resamples over 20,000 customers ≤ 5 s —
``statistics.uncertainty`` (CSI, customer-weighted CSI, satisfaction rate
and every category mean from one resampling).  Also timed: the period
comparison, band-flip risk, reliability and the whole ``analyse``.  The
workbook comes from ``make_data.make_workbook`` (realistic mix of labels,
blanks, visits, complaints, customer weights); reading and scoring it is not
part of the timings.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from make_data import make_workbook  # noqa: E402

from csat_xl import read_survey, score  # noqa: E402
from csat_xl import statistics as st  # noqa: E402


def best_of(repeat: int, action) -> tuple[float, float]:
    """Best wall time and best CPU time of ``repeat`` runs (the machine is
    shared: other jobs only add wall time, CPU time shows the work)."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--responses", type=int, default=60_000)
    parser.add_argument("--resamples", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        current = score(read_survey(make_workbook(Path(tmp) / "now.xlsx", args.customers, args.responses, seed=0)))
        previous = score(read_survey(make_workbook(Path(tmp) / "before.xlsx", args.customers, args.responses, seed=1)))
    n = len(current.customers)
    multi = int((current.customers["n_respondents"] >= 2).sum())
    B = args.resamples
    print(f"{n:,} customers ({multi:,} with 2+ respondents), {args.responses:,} responses, {B:,} resamples")
    rows = [
        ("uncertainty (CSI, weighted CSI, rate, 3 category means)", lambda: st.uncertainty(current, resamples=B), 5.0),
        ("compare_csi (two periods)", lambda: st.compare_csi(current, previous, resamples=B), None),
        ("band_flip_risk", lambda: st.band_flip_risk(current, resamples=B), None),
        ("reliability (listwise)", lambda: st.reliability(current.survey), None),
        ("reliability (pairwise)", lambda: st.reliability(current.survey, st.PAIRWISE), None),
        ("importance_performance", lambda: st.importance_performance(current), None),
        ("analyse (everything, with previous period)", lambda: st.analyse(current, previous, resamples=B), None),
    ]
    print(f"{'':<58} {'wall':>8} {'CPU':>8}")
    for name, action, target in rows:
        seconds, cpu = best_of(args.repeat, action)
        verdict = "" if target is None else (f"  target ≤ {target:.0f} s: " + ("met" if seconds <= target else "NOT MET"))
        print(f"{name:<58} {seconds:6.2f} s {cpu:6.2f} s{verdict}", flush=True)
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
