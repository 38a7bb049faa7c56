"""Start-up benchmark (numbers recorded in docs/performance.md, section Start-up).

    .venv/bin/python benchmarks/bench_startup.py [--responses 1000] [--repeat 7]

Small workbooks are the common case, so what a user waits for there is
mostly start-up. Each run is a fresh process of the installed ``csat-xl``
console script; runs alternate with their baseline, best of ``--repeat``:

- ``csat-xl --version`` and ``csat-xl --help`` (target ≤ 0.3 s; no pandas),
  against a bare ``python -c pass``;
- ``csat-xl score --format csv`` on a ``make_data.make_workbook`` file of
  ``--responses`` responses (200 customers per 1,000), against
  ``naive_score.py`` — the pandas script a data-savvy user would write
  (target ≤ 1.0x).

The machine's load average is printed beside each line.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from make_data import make_workbook, timed  # noqa: E402

CSAT_XL = str(Path(sys.executable).parent / "csat-xl")


def load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def alternate(repeat: int, *commands: list[str]) -> list[float]:
    """Best wall time of each command, run in turn ``repeat`` times."""
    best = [float("inf")] * len(commands)
    for _ in range(repeat):
        for i, command in enumerate(commands):
            best[i] = min(best[i], timed(command)[0])
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    bare, version, help_ = alternate(args.repeat, [sys.executable, "-c", "pass"], [CSAT_XL, "--version"], [CSAT_XL, "--help"])
    print(f"python -c pass {bare:.3f} s; csat-xl --version {version:.3f} s; csat-xl --help {help_:.3f} s "
          f"(target ≤ 0.3 s; best of {args.repeat}, {load()})", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        path = make_workbook(Path(folder) / "small.xlsx", customers=max(args.responses // 5, 1), responses=args.responses)
        naive, score = alternate(args.repeat, [sys.executable, str(Path(__file__).parent / "naive_score.py"), str(path)],
                                 [CSAT_XL, "score", str(path), "--format", "csv"])
    print(f"{args.responses:,} responses: naive pandas script {naive:.2f} s; csat-xl score {score:.2f} s = "
          f"{score / naive:.2f}x (target ≤ 1.0x; best of {args.repeat} alternating, {load()})")


if __name__ == "__main__":
    main()
