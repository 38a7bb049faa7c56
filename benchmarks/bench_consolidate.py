"""``csat-xl consolidate`` over many branch workbooks against the bare calamine reads (issue 16).

    python benchmarks/bench_consolidate.py [--files 200] [--responses 500] [--repeat 3] [--jobs N]
    python benchmarks/bench_consolidate.py --stages   # CPU per step of one worker's per-file path
    make bench-consolidate

Target (docs/performance.md, Consolidate): 200 branch workbooks of 500
responses each consolidate in at most

    1.3 × (sum of their bare calamine reads ÷ cores) + the report's write time

and in memory bounded by the largest workbook × jobs, not by the number of
files (checked by consolidating the first tenth of the files as well: the
peak memory must not grow with the number of files).

Measured, as every file benchmark here, in fresh processes
(:func:`make_data.timed`): the baseline is python-calamine alone reading every
sheet of a workbook into Python lists (:func:`make_data.calamine_read_command`,
one process per file, as ``csat-xl`` itself is one process per file for
``score``); the sum is also given read in *one* process (no interpreter
start per file) for comparison.  ``cores`` is the number of worker processes
(``--jobs``, default the CPUs).  On a shared machine the runs alternate and
the best of ``--repeat`` is kept; ``uptime`` is printed with the numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from make_data import calamine_read_command, make_workbook, timed  # noqa: E402


def timed_cpu(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, the process and its worker
    processes) of one child process.  CPU time is what a loaded shared
    machine distorts least: it is recorded beside the wall time."""
    start = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{cmd} failed")
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime

TARGET = 1.3


def branch_folder(files: int, responses: int) -> Path:
    """``benchmarks/data/consolidated_<files>x<responses>/``: seeded branch workbooks (made once, then reused)."""
    folder = HERE / "data" / f"consolidated_{files}x{responses}"
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(files):
        path = folder / f"branch_{i:03d}.xlsx"
        if not path.exists():
            make_workbook(path, customers=max(responses // 3, 1), responses=responses, seed=1000 + i)
    return folder


def reads_in_one_process(paths: list[Path]) -> float:
    """Sum of the calamine reads of ``paths`` timed inside one process (no start-up per file)."""
    code = ("import sys, time, json\nfrom python_calamine import CalamineWorkbook as W\ntotal = 0.0\n"
            "for p in json.loads(sys.argv[1]):\n    t = time.perf_counter(); b = W.from_path(p)\n"
            "    [b.get_sheet_by_name(n).to_python() for n in b.sheet_names]\n    total += time.perf_counter() - t\n"
            "print(total)")
    done = subprocess.run([sys.executable, "-c", code, json.dumps([str(p) for p in paths])], capture_output=True, text=True, check=True)
    return float(done.stdout)


def write_time(folder: Path, jobs: int) -> float:
    """Seconds to build and write the group report of ``folder`` (the group read beforehand)."""
    from csat_xl.consolidate import ConsolidateOptions, consolidate_files
    from csat_xl.report.consolidated import write_group_report

    group = consolidate_files([folder], options=ConsolidateOptions(jobs=jobs))
    best = float("inf")
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(2):
            start = time.perf_counter()
            write_group_report(group, Path(tmp) / "group.xlsx", "zh", source=str(folder))
            best = min(best, time.perf_counter() - start)
    return best


def branch_stages(paths: list[Path], passes: int = 2) -> dict[str, float]:
    """CPU milliseconds per workbook of each step of one worker's per-file path
    (:func:`csat_xl.consolidate.read_branch`), in this process: the sheets read
    (``read_tables``: python-calamine plus the reader's checks), the survey
    built from them, scoring, the branch summary, and the whole
    ``read_branch`` (the rest: the file hash, the own-output check).  CPU
    time (``time.process_time``, the reader's check thread included), best of
    ``passes`` passes.  python-calamine alone is given for comparison."""
    from python_calamine import CalamineWorkbook

    from csat_xl.analyses.branches import branch_result
    from csat_xl.consolidate import read_branch
    from csat_xl.io.readers import file_findings, read_tables
    from csat_xl.scoring import score
    from csat_xl.tables import survey_from_tables

    def calamine(path: Path) -> None:
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python(skip_empty_area=False)

    best: dict[str, float] = {}
    read_branch(paths[0])  # first-call set-up (lazy imports) is not a per-file cost
    for _ in range(passes):
        spent = dict.fromkeys(("calamine alone", "read_tables", "survey_from_tables", "score", "branch_result", "read_branch"), 0.0)
        for path in paths:
            start = time.process_time()
            calamine(path)
            spent["calamine alone"] += time.process_time() - start
            start = time.process_time()
            tables = read_tables(path)
            spent["read_tables"] += time.process_time() - start
            start = time.process_time()
            survey = survey_from_tables(tables, source=path.name, whole_workbook=True, file_findings=file_findings(path))
            spent["survey_from_tables"] += time.process_time() - start
            start = time.process_time()
            scores = score(survey)
            spent["score"] += time.process_time() - start
            start = time.process_time()
            branch_result(scores, path.name)
            spent["branch_result"] += time.process_time() - start
            start = time.process_time()
            read_branch(path)
            spent["read_branch"] += time.process_time() - start
        for key, seconds in spent.items():
            best[key] = min(best.get(key, float("inf")), seconds * 1000 / len(paths))
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--responses", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--stages", action="store_true",
                        help="only the CPU ms per workbook of each step of a worker's per-file path (50 files, in-process)")
    args = parser.parse_args(argv)
    from csat_xl.consolidate import cpu_count

    jobs = args.jobs or cpu_count()
    folder = branch_folder(args.files, args.responses)
    paths = sorted(folder.glob("branch_*.xlsx"))[:args.files]
    few = folder.parent / f"{folder.name}_tenth"
    few.mkdir(exist_ok=True)
    for p in paths[:max(args.files // 10, 1)]:
        if not (few / p.name).exists():
            os.link(p, few / p.name)
    print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    if args.stages:
        stages = branch_stages(paths[:50])
        print(f"CPU ms per workbook, in-process, best of 2 passes over {min(len(paths), 50)} files:")
        for key, ms in stages.items():
            print(f"  {key:20s} {ms:6.2f}")
        print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
        return 0
    print(f"{len(paths)} workbooks × {args.responses} responses, jobs {jobs}")

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "group.xlsx"
        command = [sys.executable, "-m", "csat_xl.cli", "consolidate", str(folder), "-o", str(out), "--jobs", str(jobs), "--lang", "zh"]
        reads, runs, read_cpus, run_cpus = [], [], [], []
        for _ in range(args.repeat):  # alternating: both see the same load
            measured = [timed_cpu(calamine_read_command(p)) for p in paths]
            reads.append(sum(m[0] for m in measured))
            read_cpus.append(sum(m[1] for m in measured))
            runs.append(timed(command))
            run_cpus.append(timed_cpu(command)[1])
        read_sum, read_cpu, run_cpu = min(reads), min(read_cpus), min(run_cpus)
        (seconds, peak) = min(runs)
        few_seconds, few_peak = timed([*command[:4], str(few), "-o", str(Path(tmp) / "few.xlsx"), *command[6:]])
    one_process = reads_in_one_process(paths)
    written = write_time(folder, jobs)
    budget = TARGET * read_sum / jobs + written
    print(f"bare calamine reads, one process per file: sum {read_sum:.2f} s (÷ {jobs} cores = {read_sum / jobs:.2f} s)")
    print(f"bare calamine reads in one process:        sum {one_process:.2f} s")
    print(f"report write time:                          {written:.2f} s")
    print(f"consolidate:                                {seconds:.2f} s, peak {peak:.0f} MiB")
    print(f"target {TARGET} × {read_sum / jobs:.2f} + {written:.2f} = {budget:.2f} s: "
          f"{'met' if seconds <= budget else 'MISSED'} ({seconds / budget:.2f} of the budget)")
    print(f"CPU seconds (user + system, load-robust): reads {read_cpu:.2f} s, consolidate {run_cpu:.2f} s "
          f"= {run_cpu / read_cpu:.2f}x the reads; target in CPU terms 1.3 × {read_cpu:.2f} + {written:.2f} = "
          f"{TARGET * read_cpu + written:.2f} s: {'met' if run_cpu <= TARGET * read_cpu + written else 'MISSED'}")
    print(f"memory: {len(paths)} files peak {peak:.0f} MiB, {max(len(paths) // 10, 1)} files peak {few_peak:.0f} MiB "
          f"({few_seconds:.2f} s)")
    print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    return 0 if seconds <= budget else 1


if __name__ == "__main__":
    raise SystemExit(main())
