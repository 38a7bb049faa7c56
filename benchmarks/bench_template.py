"""Template benchmark (numbers recorded in docs/performance.md, section Template).

    .venv/bin/python benchmarks/bench_template.py [--customers 600] [--rows 3000] [--repeat 3] [--edit-rows 1000]

For a template of ``--customers`` customers and ``--rows`` questionnaire
rows (visits rows/2, complaints rows/4), blank and filled completely from
``make_data.make_workbook``, measured in LibreOffice through its UNO API
(``lo_uno.py``, run by the system python3 that has ``python3-uno``):

- loading the file, and the full recalculation (``calculateAll()``) — wall
  time and soffice's CPU time, best of ``--repeat``;
- ``csat-xl score`` on the same filled file (fresh process), alternating
  with the LibreOffice runs, best of ``--repeat`` (target: full
  recalculation ≤ 5x score at 3k rows / 600 customers);
- one changed answer cell in a filled ``--edit-rows`` template (200
  customers per 1,000 rows): ``calculate()`` after writing the cell, best
  of several edits (target ≤ 0.5 s);
- building and saving the template and its size;
- as a sanity check, the largest difference between the recalculated
  Results sheet and ``csat_xl.score`` on the filled file (must be < 0.01).

The machine's load (``os.getloadavg``) is printed beside the timings: on a
shared machine, CPU time is the steadier figure.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(ROOT / "tests"))
from make_data import make_workbook  # noqa: E402
import libreoffice  # noqa: E402

from csat_xl import labels, read_survey, score  # noqa: E402
from csat_xl.template import write_template  # noqa: E402
from csat_xl.template.builder import Builder  # noqa: E402
from csat_xl.template.texts import RESULTS_SHEET  # noqa: E402
from csat_xl.text import customer_key  # noqa: E402


def fill_from(data: Path, template: Path, out: Path) -> Path:
    """Copy the data sheets of ``data`` into ``template`` column by column (by header)."""
    source = openpyxl.load_workbook(data, read_only=True)
    book = openpyxl.load_workbook(template)
    for key in ("customers", "questionnaire", "visits", "complaints"):
        name = labels.SHEET[key].text("zh")
        rows = list(source[name].iter_rows(values_only=True))
        target = book[name]
        columns = {cell.value: cell.column for cell in target[1] if cell.value}
        capacity = target.max_row - 1
        if len(rows) - 1 > capacity:
            raise ValueError(f"{name}: {len(rows) - 1} rows do not fit the template's {capacity}")
        for r, row in enumerate(rows[1:], start=2):
            for header, value in zip(rows[0], row):
                if header in columns and value is not None:
                    target.cell(row=r, column=columns[header], value=value)
    book.save(out)
    return out


def largest_difference(filled: Path, recalculated: Path) -> tuple[float, int]:
    """Max |Results − score| over every number, and the count of differing grades."""
    engine = {r["customer_id"]: r for r in score(read_survey(filled)).records()}
    ws = openpyxl.load_workbook(recalculated, data_only=True)[RESULTS_SHEET.text("zh")]
    worst, grades = 0.0, 0
    keys = ("questionnaire", "visit", "preliminary", "adjustment", "final")
    for row in ws.iter_rows(min_row=Builder.TABLE_HEADER_ROW + 1, values_only=True):
        if row[0] in (None, ""):
            continue
        want = engine[customer_key(row[0])]
        for value, key in zip(row[2:7], keys):
            if want[key] is None:
                worst = max(worst, 0.0 if value in (None, "") else math.inf)
            else:
                worst = max(worst, abs(float(value) - want[key]))
        label = labels.GRADE[want["grade_key"]].zh if want["grade_key"] else None
        grades += (row[7] or None) != label
    return worst, grades


def convert(source: Path, outdir: Path, recalculate: bool, target: str) -> None:
    """One ``soffice --convert-to`` run with its own profile; recalculation on load forced on or off."""
    profile_xml = libreoffice._PROFILE.replace("<value>0</value>", "<value>0</value>" if recalculate else "<value>1</value>")
    with tempfile.TemporaryDirectory(prefix="csat-lo-profile-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(profile_xml, encoding="utf-8")
        cmd = [libreoffice.soffice_binary(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--convert-to", target, "--outdir", str(outdir), str(source)]
        subprocess.run(cmd, capture_output=True, check=True, timeout=600)


def best_of(repeat: int, action) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


UNO = [os.environ.get("CSAT_UNO_PYTHON", "/usr/bin/python3"), str(Path(__file__).parent / "lo_uno.py")]


def uno(*args: str) -> list[dict]:
    """Run ``lo_uno.py`` (system python3 with python3-uno); its JSON lines."""
    done = subprocess.run([*UNO, *args], capture_output=True, text=True, check=True, timeout=3600)
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=600)
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--edit-rows", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="csat-bench-template-") as folder:
        folder = Path(folder)
        template = folder / "template_zh.xlsx"
        build = best_of(1, lambda: write_template(template, lang="zh", customers=args.customers, rows=args.rows))
        size = template.stat().st_size
        data = make_workbook(folder / "data.xlsx", customers=args.customers, responses=args.rows, seed=0)
        filled = fill_from(data, template, folder / "filled_zh.xlsx")
        print(f"template: {args.customers} customers, {args.rows} questionnaire rows; built and saved in {build:.1f} s, "
              f"{size / 2**20:.2f} MiB ({load()})", flush=True)

        blank = min(uno("full", str(template), *[str(template)] * (args.repeat - 1)), key=lambda r: r["cpu_s"])
        print(f"blank: load {blank['load_s']:.2f} s (CPU {blank['load_cpu_s']:.2f} s), full recalculation "
              f"{blank['full_recalculation_s']:.2f} s (CPU {blank['cpu_s']:.2f} s) ({load()})", flush=True)

        score_cmd = [sys.executable, "-m", "csat_xl.cli", "score", str(filled), "--format", "csv"]
        lo, scores = [], []
        for _ in range(args.repeat):  # alternating: LibreOffice, then csat-xl score
            lo += uno("full", str(filled))
            start = time.perf_counter()
            subprocess.run(score_cmd, capture_output=True, check=True)
            scores.append(time.perf_counter() - start)
        full = min(r["full_recalculation_s"] for r in lo)
        opened = min(r["load_s"] + r["full_recalculation_s"] for r in lo)
        cpu = min(r["cpu_s"] for r in lo)
        best_score = min(scores)
        print(f"filled: load + full recalculation {opened:.2f} s; full recalculation {full:.2f} s (CPU {cpu:.2f} s) "
              f"= {full / best_score:.2f}x csat-xl score ({best_score:.2f} s, fresh process); "
              f"load + recalculation = {opened / best_score:.2f}x ({load()})", flush=True)

        edit_template = write_template(folder / "edit_template.xlsx", lang="zh", customers=args.edit_rows // 5, rows=args.edit_rows)
        edit_data = make_workbook(folder / "edit_data.xlsx", customers=args.edit_rows // 5, responses=args.edit_rows, seed=1)
        edit_filled = fill_from(edit_data, edit_template, folder / "edit_filled.xlsx")
        row = args.edit_rows // 2
        edit = uno("edit", str(edit_filled), labels.SHEET["questionnaire"].text("zh"), f"D{row}", "55", "满意", "72.5", "很满意", "")[0]
        print(f"one changed answer cell ({args.edit_rows} rows, {args.edit_rows // 5} customers): best "
              f"{edit['best_edit_s'] * 1000:.0f} ms of {len(edit['edit_s'])} edits "
              f"({', '.join(f'{t * 1000:.0f}' for t in edit['edit_s'])} ms) ({load()})", flush=True)

        out = folder / "out"
        convert(filled, out, True, "xlsx:Calc MS Excel 2007 XML")
        worst, grades = largest_difference(filled, out / filled.name)
        print(f"parity: largest |Results - score| = {worst:.2e}, grades differing: {grades}")


if __name__ == "__main__":
    main()
