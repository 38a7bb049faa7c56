"""Excel-function benchmarks (numbers recorded in docs/performance.md).

    .venv/bin/python benchmarks/bench_excel.py [--customers 10000] [--responses 50000] [--single 10000]

1. ``CSAT_SCORES`` over a workbook's tables (10k customers, 50k questionnaire
   rows, 5k visits, 1k complaints), in-process: called directly (classic
   xlwings hands Python lists with ``None`` blanks) and through
   ``xlwings.server.custom_functions_call`` with the Office.js payload
   (``""`` blanks, as xlwings Lite and xlwings Server receive it).
   Target ≤ 1 s.
2. ``--single`` separate ``CSAT_SCORE`` calls, one per customer, through the
   same Office.js call path, against one ``CSAT_SCORES`` call: the array form
   should be at least 50x cheaper in total.  Every single result is checked
   against the array result.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

# The Office.js decorators are chosen when xlwings is imported.
os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

sys.path.insert(0, str(Path(__file__).parent))
from make_data import make_workbook  # noqa: E402

import xlwings  # noqa: E402
import xlwings.server  # noqa: E402

import csat_xl.excel  # noqa: E402
from csat_xl.io.readers import read_tables  # noqa: E402

SHEET_ARGS = ("指标", "问卷", "走访", "投诉", None, None, None, "客户")


def payload(func_name: str, args: list) -> dict:
    def officejs(rows):
        return None if rows is None else [["" if v is None else v for v in row] for row in rows]

    return {
        "func_name": func_name,
        "args": [officejs(a) for a in args],
        "caller_address": "[bench.xlsx]Sheet1!A1",
        "version": xlwings.__version__,
        "client": "Office.js",
        "runtime": "1.4",
    }


def call(data: dict):
    return asyncio.run(xlwings.server.custom_functions_call(data, csat_xl.excel))


def best_of(repeat: int, action) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return min(times), result


def per_customer(sheets: dict) -> dict:
    """Each customer's questionnaire rows, visit rows and outcome cells (item cells only).

    CSAT_SCORE reads a fully blank row as padding and a blank outcome cell as
    no complaint, so a visit where nothing was raised is passed as 满意 in
    every item (what the method counts for it) and a blank outcome as 未处理.
    """
    out: dict[str, dict[str, list]] = defaultdict(lambda: {"q": [], "v": [], "o": []})
    for sheet, key in (("问卷", "q"), ("走访", "v")):
        header, *rows = sheets[sheet]
        start = header.index("品质")
        for row in rows:
            cells = row[start:start + 9]
            if key == "v" and all(c in (None, "") for c in cells):
                cells = ["满意"] * 9
            out[row[0]][key].append(cells)
    header, *rows = sheets["投诉"]
    outcome = header.index("处理结果")
    for row in rows:
        out[row[0]]["o"].append([row[outcome] or "未处理"])
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--responses", type=int, default=50_000)
    parser.add_argument("--single", type=int, default=10_000, help="number of single CSAT_SCORE calls")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = make_workbook(Path(tmp) / "big.xlsx", args.customers, args.responses)
        sheets = {name: [list(r) for r in table.rows] for name, table in read_tables(path).items()}
    ranges = [sheets[name] if name else None for name in SHEET_ARGS]
    print(f"{args.customers:,} customers, {len(sheets['问卷']) - 1:,} questionnaire rows, "
          f"{len(sheets['走访']) - 1:,} visits, {len(sheets['投诉']) - 1:,} complaints")

    direct, _ = best_of(args.repeat, lambda: csat_xl.excel.csat_scores(*ranges))
    print(f"CSAT_SCORES called directly (classic-style arguments): best {direct:.3f} s of {args.repeat}")
    data = payload("csat_scores", ranges)
    array, result = best_of(args.repeat, lambda: call(data))
    print(f"CSAT_SCORES through custom_functions_call (Office.js payload): best {array:.3f} s of {args.repeat}")

    finals = {str(row[0]): row[5] for row in result[1:]}
    scheme = sheets["指标"]
    cells = per_customer(sheets)
    chosen = list(cells)[: args.single]
    start = time.perf_counter()
    for customer in chosen:
        c = cells[customer]
        value = call(payload("csat_score", [scheme, c["q"] or None, c["v"] or None, c["o"] or None]))[0][0]
        expected = finals[customer]
        if isinstance(value, dict):  # #N/A
            assert expected == "", (customer, value, expected)
        else:
            assert abs(value - expected) < 1e-9, (customer, value, expected)
    single = time.perf_counter() - start
    print(f"{len(chosen):,} single CSAT_SCORE calls through custom_functions_call: {single:.1f} s "
          f"({single / len(chosen) * 1000:.1f} ms per call); all equal to CSAT_SCORES")
    scaled = single / len(chosen) * args.customers
    print(f"array form vs {args.customers:,} single calls: {scaled / array:.0f}x cheaper in total")


if __name__ == "__main__":
    main()
