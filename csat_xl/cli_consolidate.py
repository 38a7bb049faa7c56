"""``csat-xl consolidate``: one group report over many branch workbooks (issue 16, docs/consolidate.md).

Registered in :mod:`csat_xl.cli`; the work is done by
:mod:`csat_xl.consolidate` (reading, process pool),
:mod:`csat_xl.analyses.branches` (the group's figures) and
:mod:`csat_xl.report.consolidated` (the report model, rendered like every
report by :mod:`csat_xl.report.render_xlsx`).

Exit status: 0 when the report is written — also when some files could not
be read (they are listed on the Files sheet and here); 2 when no branch
could be read, or with ``--strict`` when any file failed or was left out
(nothing is written then); 1 for output failures.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Annotated, Optional

from enum import Enum

import typer

from .i18n import UI, default_lang, t

#: Console strings of the command (merged into :data:`csat_xl.i18n.UI`).
CONSOLIDATE_UI: dict[str, dict[str, str]] = {
    "group_reading": {"en": "Reading {n} workbook(s) with {jobs} worker(s)", "zh": "读取 {n} 个工作簿（{jobs} 个进程）"},
    "group_file": {"en": "[{done}/{total}] {line}", "zh": "[{done}/{total}] {line}"},
    "group_previous_file": {"en": "(previous period) {line}", "zh": "（上期）{line}"},
    "group_written": {"en": "Group report written: {path}", "zh": "集团汇总报告已写入：{path}"},
    "group_summary": {
        "en": "{branches} branch(es) included, {customers} customers scored; group CSI {csi} (all customers), {csi_b} (branch-weighted)",
        "zh": "计入 {branches} 个单位，{customers} 个已评分客户；集团 CSI {csi}（按客户），{csi_b}（按单位权重）",
    },
    "group_not_included": {"en": "{n} file(s) not included (see the Files sheet):", "zh": "{n} 个文件未计入（见“文件”工作表）："},
    "group_skipped": {"en": "{n} file(s) skipped:", "zh": "跳过 {n} 个文件："},
    "group_warnings": {"en": "{n} warning(s) in {files} branch file(s): see the Data quality sheet.",
                       "zh": "{files} 个单位文件中有 {n} 个警告：见“数据质量”工作表。"},
    "group_none": {"en": "no branch workbook could be read; nothing was written.", "zh": "没有可读取的单位工作簿；未写入任何文件。"},
    "group_strict": {"en": "--strict: {n} file(s) not included; nothing was written.", "zh": "--strict：{n} 个文件未计入；未写入任何文件。"},
    "group_no_inputs": {"en": "no .xlsx workbook found in {inputs}", "zh": "在 {inputs} 中没有找到 .xlsx 工作簿"},
}
for _key, _text in CONSOLIDATE_UI.items():
    UI.setdefault(_key, _text)


class OutputLang(str, Enum):
    zh = "zh"
    en = "en"


def default_group_path(first: Path) -> Path:
    """``branches/`` → ``branches_group.xlsx`` beside the folder; ``a.xlsx`` → ``a_group.xlsx``."""
    first = Path(first)
    stem = first.resolve().name if first.is_dir() else first.stem
    return first.resolve().parent / f"{stem}_group.xlsx"


def _report_lang(lang, outcomes, language: str) -> str:
    """--lang, else CSAT_LANG, else the language most branch workbooks are written in, else the messages'."""
    if lang is not None:
        return lang.value
    env = os.environ.get("CSAT_LANG", "").lower()
    if env in ("zh", "en"):
        return env
    votes = Counter(o.result.language for o in outcomes if o.result is not None and o.result.language)
    return votes.most_common(1)[0][0] if votes else language


def consolidate(
    inputs: Annotated[list[Path], typer.Argument(metavar="FILE_OR_FOLDER...", help="Branch workbooks, or folders of them (*.xlsx). 各单位工作簿或其文件夹。")],
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Group report file (default: <folder>_group.xlsx beside the first input). 集团报告文件。")] = None,
    previous: Annotated[Optional[list[Path]], typer.Option("--previous", "-p", help="The previous period's branch workbooks or folder (repeat for several), for the change per branch. 上期工作簿或文件夹（可重复）。")] = None,
    lang: Annotated[Optional[OutputLang], typer.Option("--lang", help="Language of the output: zh or en (default: CSAT_LANG, else the branch workbooks' language). 输出语言。")] = None,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, max=256, help="Worker processes (default: the number of CPUs). 并行进程数。")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 2 (and write nothing) when any file cannot be included. 任一文件未计入即失败。")] = False,
    engine: Annotated[str, typer.Option(help="Reader: auto, calamine or openpyxl.")] = "auto",
) -> None:
    """One group report over many branch workbooks. 汇总各单位工作簿，生成集团报告。"""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .cli import require_inputs, run_guarded, stderr, stdout
    from .io.atomic import check_target
    from .untrusted import visible
    from .consolidate import ConsolidateOptions, consolidate_files, cpu_count, discover
    from .report.consolidated import outcome_line, write_group_report

    language = lang.value if lang else default_lang()
    # a path typed on the command line that is not there is a mistake in the command (exit 2), not a failed
    # branch; files inside the folders keep the failure isolation
    require_inputs([*inputs, *(previous or [])], language, folders=True)
    target = out or default_group_path(inputs[0])
    files, _ = discover(inputs, exclude=[target])
    before_files, _ = discover(previous or [], exclude=[target])
    n = len(files) + len(before_files)
    workers = min(jobs or cpu_count(), max(n, 1))
    if files:
        stderr.print(t("group_reading", language, n=n, jobs=workers), highlight=False, markup=False)

    # a transient bar on a terminal, a plain line per file otherwise; refreshed per
    # file, not by a thread (the worker processes are forked from a single-threaded process)
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=stderr, transient=True, disable=not stderr.is_terminal, auto_refresh=False)
    task = progress.add_task("", total=n)

    # files are read largest first, this and the previous period mixed: say which period a line is about
    earlier = {str(p) for p in before_files}

    def step(done: int, total: int, outcome) -> None:
        if stderr.is_terminal:
            progress.update(task, completed=done, description=outcome.file)
            progress.refresh()
        else:
            line = outcome_line(outcome, language)
            if outcome.path in earlier:
                line = t("group_previous_file", language, line=line)
            stderr.print(visible(t("group_file", language, done=done, total=total, line=line)), highlight=False, markup=False)

    progress.start()
    try:
        group = consolidate_files(inputs, previous or [], ConsolidateOptions(engine=engine, jobs=jobs), step, exclude=[target])
    finally:
        progress.stop()

    outcomes = group.outcomes
    skipped = [o for o in outcomes if o.status == "skipped"]
    not_included = [o for o in outcomes if o.status in ("failed", "excluded")]
    if not files and not not_included:
        stderr.print(t("group_no_inputs", language, inputs=", ".join(map(str, inputs))), highlight=False, markup=False)
        raise typer.Exit(2)
    for key, listed in (("group_skipped", skipped), ("group_not_included", not_included)):
        if listed:
            stderr.print(t(key, language, n=len(listed)), highlight=False, markup=False)
            for o in listed:
                stderr.print(visible(f"  {outcome_line(o, language)}"), highlight=False, markup=False)
    if not group.branches:
        stderr.print(t("group_none", language), highlight=False, markup=False)
        raise typer.Exit(2)
    if strict and not_included:
        stderr.print(t("group_strict", language, n=len(not_included)), highlight=False, markup=False)
        raise typer.Exit(2)
    warned = [o for o in outcomes if o.status == "read" and any(f.severity == "warning" for f in o.findings)]
    if warned:
        stderr.print(t("group_warnings", language, n=sum(1 for o in warned for f in o.findings if f.severity == "warning"),
                       files=len(warned)), highlight=False, markup=False)

    report_lang = _report_lang(lang, outcomes, language)
    run_guarded(lambda: check_target(target, [], language), language)  # the one output path makes the folders
    run_guarded(lambda: write_group_report(group, target, report_lang, source=", ".join(str(p) for p in inputs)), language)
    g = group.figures
    fmt = lambda x: "—" if x is None else f"{x:.2f}"  # noqa: E731
    stdout.print(t("group_summary", language, branches=g.branches, customers=g.scored, csi=fmt(g.csi), csi_b=fmt(g.csi_branches)),
                 highlight=False, markup=False)
    stdout.print(t("group_written", language, path=target), highlight=False, markup=False)

