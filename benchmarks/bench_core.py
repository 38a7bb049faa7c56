"""Scoring-core benchmarks (numbers recorded in docs/performance.md).

    .venv/bin/python benchmarks/bench_core.py [--rows 1000000] [--responses 100000]

1. ``score()`` on an in-memory survey of N questionnaire rows (target ≤ 2 s for 1M).
2. ``csat-xl score`` on a workbook of N responses, each in a fresh process,
   against reading the same workbook with python-calamine alone
   (target ≤ 2x, goal 1.5x).  Peak memory (max RSS) of both processes.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).parent))
from builders import ITEMS, REFERENCE_SCHEME, tables  # noqa: E402
from make_data import best_against_read, make_workbook  # noqa: E402

from csat_xl import Survey, score  # noqa: E402
from csat_xl.tables import survey_from_tables  # noqa: E402

def in_memory(rows: int, seed: int = 0) -> float:
    rng = np.random.default_rng(seed)
    scheme = survey_from_tables(tables({"指标": REFERENCE_SCHEME})).scheme
    customers = max(rows // 5, 1)
    data = {"customer_id": np.char.add("C", rng.integers(0, customers, rows).astype(str)).astype(object)}
    for item in ITEMS:
        values = rng.uniform(30, 100, rows)
        values[rng.random(rows) < 0.05] = np.nan
        data[item] = values
    survey = Survey(scheme=scheme, questionnaire=pd.DataFrame(data))
    start = time.perf_counter()
    score(survey)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = make_workbook(Path(tmp) / "big.xlsx", args.responses // 5, args.responses)
        score_cmd = [sys.executable, "-m", "csat_xl.cli", "score", str(path), "--format", "csv"]
        (t_read, m_read), (t_score, m_score) = best_against_read(path, score_cmd, args.repeat)
        print(f"calamine read of {args.responses:,} responses: best {t_read:.2f} s of {args.repeat} (peak RSS {m_read:.0f} MiB)")
        print(f"csat-xl score: best {t_score:.2f} s = {t_score / t_read:.2f}x the read (peak RSS {m_score:.0f} MiB)")
    # In-process part last: children forked from a parent holding 1M rows
    # would report the parent's pages in their peak RSS.
    print(f"score() on {args.rows:,} in-memory questionnaire rows: {in_memory(args.rows):.2f} s")


if __name__ == "__main__":
    main()
