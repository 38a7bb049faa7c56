"""Button-action benchmarks through the Office.js path (numbers in docs/performance.md).

    .venv/bin/python benchmarks/bench_actions.py [--customers 2000 20000] [--ratio 5]

For workbooks of N customers (and ratio·N questionnaire rows, made by
``make_data.make_workbook``), each action runs exactly as xlwings Server /
Lite runs it: ``xw.Book(json=payload)`` then ``custom_scripts_call``.
Reported per action:

* time from the script call to the actions being ready (building the
  payload and the ``Book`` from it is the host's part and not timed),
* the number of actions sent back to Excel, of value writes among them, and
  the size of the JSON response — each Office.js action costs a round of
  work in the add-in, so the count must not grow with the number of rows.

Targets: the number of actions does not grow with the rows (refresh and
validate: ≤ 25 for any size); refresh on 20,000 customers / 100,000
responses ≤ 10 s.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))
from officejs import officejs_payload, run_on_book, xw  # noqa: E402  (sets up xlwings' Office.js mode)
from make_data import make_workbook  # noqa: E402

ACTIONS = ("validate", "refresh_results", "build_report")


def measure(path: Path) -> dict[str, dict[str, float]]:
    payload = officejs_payload(path)
    out = {}
    for name in ACTIONS:
        book = xw.Book(json=copy.deepcopy(payload))  # the host's part, not timed
        start = time.perf_counter()
        actions = run_on_book(name, book)
        seconds = time.perf_counter() - start
        out[name] = {
            "seconds": seconds,
            "actions": len(actions),
            "value_writes": sum(a["func"] == "setValues" for a in actions),
            "response_kib": len(json.dumps({"actions": actions}, ensure_ascii=False, default=str).encode()) / 1024,
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--ratio", type=int, default=5, help="questionnaire rows per customer")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for customers in args.customers:
            path = make_workbook(Path(folder) / f"bench_{customers}.xlsx", customers, customers * args.ratio)
            for name, m in measure(path).items():
                print(f"{customers:>7} customers  {name:<16} {m['seconds']:7.2f} s  {m['actions']:5d} actions "
                      f"({m['value_writes']} value writes)  response {m['response_kib']:9.1f} KiB")


if __name__ == "__main__":
    main()
