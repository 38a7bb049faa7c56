"""Loyalty, key drivers and comments (issue 15): what they add to ``report``
(numbers recorded in docs/performance.md, section Loyalty, drivers, comments).

    .venv/bin/python benchmarks/bench_voice.py [--customers 20000] [--responses 100000] [--repeat 5]

On the shared benchmark workbook with the optional columns
(``make_workbook(..., voice=True)``: 推荐意愿, 再次购买, 总体满意度, 意见 on 60 %
of the responses, 记录 on every visit), the whole report after reading —
score, model, render, save — is timed with the three analyses and without
them (the analyses switched off: no NPS, no drivers — the IPA falls back to
the correlation —, no Comments sheet), alternately, best of ``--repeat``
(the machine is shared: the minimum is the least disturbed run).  Also:
each analysis alone, and reading the workbook with and without the columns.
The target is ≤ 1 s added.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent))
from make_data import make_workbook  # noqa: E402


@contextmanager
def without_voice():
    """The report with the three analyses switched off: the same sheets and
    placeholders, filled with empty results (as for a workbook without the
    columns), so only the analyses' own work is left out."""
    import pandas as pd

    from csat_xl.analyses import comments, drivers, loyalty
    from csat_xl.report import voice

    saved = voice.add_voice, drivers.key_drivers

    def no_drivers(scores, *args, **kwargs):
        table = scores.survey.scheme.table
        nan = float("nan")
        frame = pd.DataFrame({"item": table["item"], "category": table["category"], "stated_importance": table["weight"],
                              "stated_share": table["weight"] / 100.0, "weight": nan, "low": nan, "high": nan, "share": nan,
                              "correlation": nan, "gap": nan})
        return drivers.KeyDrivers(frame, nan, nan, nan, 0, drivers.OUTCOME_Q, 0.95, 0, None, "too_few")

    def empty_voice(model, scores, stats=None, **kwargs):
        voice.add_loyalty(model, loyalty.Loyalty(None, None, pd.DataFrame(columns=loyalty.GROUP_COLUMNS), 5), stats.drivers)
        voice.add_comments(model, comments.Comments(pd.DataFrame(columns=comments.TERM_COLUMNS),
                                                    pd.DataFrame(columns=["source", "comments", "customers", "terms"]), None, 15))

    voice.add_voice, drivers.key_drivers = empty_voice, no_drivers
    try:
        yield
    finally:
        voice.add_voice, drivers.key_drivers = saved


def report_seconds(survey, out: Path) -> float:
    from csat_xl.report import build_report, render_workbook

    start = time.perf_counter()
    render_workbook(build_report(survey, lang="zh")).save(out)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from csat_xl.analyses import comments, drivers, loyalty
    from csat_xl.io.readers import read_survey
    from csat_xl.report.voice import customer_groups
    from csat_xl.scoring import score

    with tempfile.TemporaryDirectory() as tmp:
        plain = make_workbook(Path(tmp) / "plain.xlsx", args.customers, args.responses)
        path = make_workbook(Path(tmp) / "voice.xlsx", args.customers, args.responses, voice=True)
        out = Path(tmp) / "report.xlsx"
        print(f"workbook: {args.customers:,} customers, {args.responses:,} responses, "
              f"{path.stat().st_size / 2**20:.1f} MiB with the columns ({plain.stat().st_size / 2**20:.1f} MiB without)")
        print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1, 5, 15 min) at start")
        reads = {"without the columns": [], "with the columns": []}
        for _ in range(max(2, args.repeat // 2)):
            for name, file in (("without the columns", plain), ("with the columns", path)):
                start = time.perf_counter()
                read_survey(file)
                reads[name].append(time.perf_counter() - start)
        for name, times in reads.items():
            print(f"read {name}: best {min(times):.2f} s")
        survey = read_survey(path)
        comments.segmenter()  # the segmenter's one-time load is timed separately below
        with_, without = [], []
        for _ in range(args.repeat):
            with_.append(report_seconds(survey, out))
            with without_voice():
                without.append(report_seconds(survey, out))
        print(f"report after reading, with the analyses: best {min(with_):.2f} s of {args.repeat}")
        print(f"report after reading, without them:      best {min(without):.2f} s of {args.repeat}")
        print(f"added by the three analyses: {min(with_) - min(without):+.2f} s (target ≤ 1 s)")
        scores = score(survey)
        parts = {
            "NPS + repurchase (overall and per group)": lambda: loyalty.loyalty(survey, customer_groups(scores)),
            # 1,000 resamples below statistics.NORMAL_FROM customers, the normal approximation from there on
            "key drivers": lambda: drivers.key_drivers(scores),
            "comment terms (3 sources)": lambda: comments.comment_terms(scores),
        }
        for name, run in parts.items():
            best = min(_time(run) for _ in range(args.repeat))
            print(f"  {name}: best {best:.2f} s")
        print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1, 5, 15 min) at end")
    start = time.perf_counter()
    comments.segmenter.cache_clear()
    comments.segmenter()
    print(f"segmenter load (once per process): {time.perf_counter() - start:.2f} s")


def _time(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
