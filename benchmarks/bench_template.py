"""Template benchmark (numbers recorded in docs/performance.md, section Template).

    .venv/bin/python benchmarks/bench_template.py [--customers 200] [--rows 2000] [--repeat 3]

Measures, for the default-capacity template (200 customers, 2,000
questionnaire rows, 1,000 visit rows, 500 complaint rows):

- building and saving it (``write_template``) and its file size (target < 2 MB);
- LibreOffice headless opening it, blank and completely filled (each a
  separate ``soffice --convert-to`` run, best of ``--repeat``): open and
  recalculate everything, exporting only the first sheet as CSV — what a
  user waits for, target < 10 s (the file carries no cached values, so every
  formula is computed on opening whatever the recalculation setting) — and
  open, recalculate and save as .xlsx (what the parity tests do).  A
  one-cell workbook gives the start-up cost every run pays;
- as a sanity check, the largest difference between the recalculated
  Results sheet and ``csat_xl.score`` on the filled file (must be < 0.01).

The filled template takes its data from ``make_data.make_workbook`` (every
customer listed; every questionnaire row used; labels, numbers and blanks).
"""

from __future__ import annotations

import argparse
import math
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="csat-bench-template-") as folder:
        folder = Path(folder)
        template = folder / "template_zh.xlsx"
        build = best_of(args.repeat, lambda: write_template(template, lang="zh", customers=args.customers, rows=args.rows))
        size = template.stat().st_size
        data = make_workbook(folder / "data.xlsx", customers=args.customers, responses=args.rows, seed=0)
        filled = fill_from(data, template, folder / "filled_zh.xlsx")

        tiny = folder / "tiny.xlsx"
        book = openpyxl.Workbook()
        book.active["A1"] = 1
        book.save(tiny)
        out = folder / "out"
        xlsx = "xlsx:Calc MS Excel 2007 XML"
        startup = best_of(args.repeat, lambda: convert(tiny, out, True, "csv"))
        timings = {}
        for label, path in (("blank", template), ("filled", filled)):
            timings[label] = [best_of(args.repeat, lambda: convert(path, out, True, target)) for target in ("csv", xlsx)]
        worst, grades = largest_difference(filled, out / filled.name)

    print(f"template: {args.customers} customers, {args.rows} questionnaire rows")
    print(f"write_template (build + save): {build:.2f} s")
    print(f"file size: {size / 1024 / 1024:.2f} MB (target < 2 MB)")
    print(f"LibreOffice start-up (one-cell workbook): {startup:.2f} s")
    for label, (opened, saved) in timings.items():
        print(f"{label} template: open + recalculate {opened:.2f} s (target < 10 s; without start-up ≈ {opened - startup:.2f} s); "
              f"open + recalculate + save as .xlsx {saved:.2f} s")
    print(f"parity: largest |Results - score| = {worst:.2e}, grades differing: {grades}")


if __name__ == "__main__":
    main()
