"""The ``csat-xl`` command line (contract: shared/spec/CLI.md).

Exit status: 0 success (warnings on stderr); 2 the input is invalid (every
error listed with its cell address, no output written); 1 any other failure.
Commands are thin: read, call the core, print.
"""

from __future__ import annotations

import io
import math
import os
import sys
import traceback
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table as RichTable

from . import labels
from ._version import __version__
from .findings import ERROR, INFO, WARNING, CsatError, Finding, InvalidInputError, severity_label
from .i18n import default_lang, t
from .io.atomic import check_target, exit_on_signals, write_bytes
from .untrusted import console_line, csv_text, quiet_console, strict_json, visible

if TYPE_CHECKING:
    from .scoring import Scores

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None, pretty_exceptions_enable=False,
                  help="Customer-satisfaction scoring for quality departments. 顾客满意度测评工具。")


# pandas, numpy, the readers and the core are imported by the commands that
# use them, not here: `csat-xl --help` and `--version` start in a fraction
# of the time (docs/performance.md, start-up; tests/test_cli_startup.py).
def read_survey(*args, **kwargs):
    from .io.readers import read_survey as read

    return read(*args, **kwargs)


def inspect_workbook(*args, **kwargs):
    from .io.readers import inspect_workbook as inspect

    return inspect(*args, **kwargs)


def score_survey(survey):
    from .scoring import score

    return score(survey)


def _print_version(value: bool) -> None:
    if value:
        print(f"csat-xl {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                          help="Show the version and exit. 显示版本号。")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="On an internal error, print the traceback (also CSAT_DEBUG=1). 内部错误时打印调用栈。")] = False,
) -> None:
    """Customer-satisfaction scoring for quality departments. 顾客满意度测评工具。"""
    if debug:
        os.environ["CSAT_DEBUG"] = "1"


# Workbook text is untrusted: the consoles never interpret markup or emoji
# codes; styles are given as Text (csat_xl.untrusted.console_line).
stdout = quiet_console(soft_wrap=True)
stderr = quiet_console(stderr=True, soft_wrap=True)
# Piped output (files, CI logs) would otherwise be cut to 80 columns and
# truncate Chinese company names; a terminal keeps its own width.
if not stdout.is_terminal:
    stdout.width = 200
if not stderr.is_terminal:
    stderr.width = 200


class Lang(str, Enum):
    zh = "zh"
    en = "en"


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


#: ``score`` prints at most this many warnings of one kind (``validate`` prints all).
WARNINGS_PER_KIND = 10

LangOption = Annotated[Optional[Lang], typer.Option("--lang", help="Language of the output: zh or en (default: CSAT_LANG or the locale).")]


def _lang(lang: Lang | None) -> str:
    return lang.value if lang else default_lang()


def print_findings(
    findings: list[Finding],
    lang: str,
    include_info: bool = False,
    console: Console = stderr,
    warnings_per_kind: int | None = None,
) -> None:
    """Print findings, errors first, each as ``severity  cell: message``.

    Errors are always printed in full (all problems are reported together).
    With ``warnings_per_kind`` only that many warnings of each kind are
    printed, then one line with the number left out: a big workbook with
    400 blank complaint outcomes should not bury the scores; ``validate``
    prints everything.
    """
    order = {ERROR: 0, WARNING: 1, INFO: 2}
    shown: dict[str, int] = {}
    for f in sorted(findings, key=lambda f: order[f.severity]):
        if f.severity == INFO and not include_info:
            continue
        if f.severity == WARNING and warnings_per_kind is not None:
            shown[f.code] = shown.get(f.code, 0) + 1
            if shown[f.code] > warnings_per_kind:
                continue
        style = {ERROR: "bold red", WARNING: "yellow", INFO: "dim"}[f.severity]
        console.print(console_line((severity_label(f.severity, lang), style), " ", f.render(lang)))
    hidden = sum(n - warnings_per_kind for n in shown.values() if n > warnings_per_kind) if shown else 0
    if hidden:
        console.print(console_line((t("more_warnings", lang, n=hidden), "yellow")))


def fail_invalid(exc: InvalidInputError, lang: str) -> None:
    print_findings(exc.findings, lang)
    n = sum(1 for f in exc.findings if f.is_error)
    stderr.print(console_line(t("errors_found", lang, n=n, source=exc.source or "")))
    raise typer.Exit(2)


def fail_unreadable(exc, lang: str) -> None:
    """A file that is not a readable workbook: one line in the language, exit 2 (CLI.md)."""
    stderr.print(console_line((visible(exc.render(lang)), "bold red")))
    raise typer.Exit(exc.exit_code)


def run_guarded(action, lang: str):
    """Run ``action`` turning csat-xl's own errors into exit codes and messages."""
    from .io.archive import WorkbookReadError

    try:
        return action()
    except InvalidInputError as exc:
        fail_invalid(exc, lang)
    except WorkbookReadError as exc:
        fail_unreadable(exc, lang)
    except CsatError as exc:  # output failures (OutputError), report templates, …: exit 1, one message
        stderr.print(console_line((visible(str(exc)), "bold red")))
        raise typer.Exit(1)


def require_inputs(paths, language: str, folders: bool = False) -> None:
    """Exit 2 with one line (CLI.md: invalid input) when an input path named on the command line is not there,
    or is a folder where a workbook is expected — before any work or output."""
    from .io.archive import WorkbookReadError

    for path in paths:
        if path is not None and not path.is_file() and not (folders and path.is_dir()):
            fail_unreadable(WorkbookReadError(path, "is_folder" if path.is_dir() else "missing"), language)


def _fmt(x, digits: int = 2) -> str:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


def result_rows(scores: Scores, lang: str) -> list[dict]:
    rows = []
    for rec in scores.records():
        rows.append({**rec, "grade_label": labels.grade_text(rec["grade_key"], lang) or "", "flag_labels": labels.flag_texts(rec["flags"], lang)})
    return rows


def scores_csv(scores: Scores, header: list[str], numeric: tuple[str, ...], lang: str) -> str:
    """CSV of the per-customer results, built column-wise (fast for 20k+ customers).

    Numbers are unrounded (shortest round-trip form), missing numbers empty;
    text that a spreadsheet would run as a formula gets a leading apostrophe
    (:func:`csat_xl.untrusted.csv_text`).
    """
    import numpy as np
    import pandas as pd

    c = scores.customers
    frame = pd.DataFrame(
        {
            header[0]: [csv_text(v) for v in c["customer_id"].to_numpy(dtype=object)],
            header[1]: [csv_text(v) for v in c["customer_name"].to_numpy(dtype=object)],
            **{h: c[k].to_numpy(dtype=np.float64) for h, k in zip(header[2:7], numeric)},
            header[7]: [labels.grade_text(g, lang) or "" for g in c["grade"]],
            header[8]: [";".join(labels.flag_texts(flags, lang)) for flags in c["flags"]],
        }
    )
    frame = frame.replace([np.inf, -np.inf], np.nan)
    return frame.to_csv(index=False, lineterminator="\n", na_rep="")


#: Keys of each customer object of ``score --format json`` (CLI.md contract).
JSON_KEYS = ("customer_id", "customer_name", "questionnaire", "visit", "preliminary", "adjustment", "final", "grade", "flags", "respondents", "visits", "complaints")


def customer_json(scores: Scores) -> list[dict]:
    return [{k: r[k] for k in JSON_KEYS} for r in scores.records()]


def print_scores(scores: Scores, fmt: Format, lang: str, source: str, write=None, console: Console | None = None) -> None:
    """The per-customer results in ``fmt``; text goes to ``write`` (CSV, JSON) or ``console`` (table)."""
    write = write or sys.stdout.write
    console = console or stdout
    cols = labels.RESULT_COLUMN
    if fmt is Format.json:
        write(strict_json(customer_json(scores), indent=1) + "\n")
        return
    numeric = ("questionnaire", "visit", "preliminary", "adjustment", "final")
    header = [cols[k].text(lang) for k in ("customer_id", "customer_name", *numeric, "grade", "flags")]
    if fmt is Format.csv:
        write(scores_csv(scores, header, numeric, lang))
        return
    rows = result_rows(scores, lang)
    table = RichTable(title=visible(t("scores_title", lang, source=source), keep_newlines=False), title_justify="left")
    for i, h in enumerate(header):
        table.add_column(h, justify="right" if 2 <= i <= 6 else "left")
    for r in rows:
        table.add_row(visible(r["customer_id"], keep_newlines=False), visible(r["customer_name"] or "", keep_newlines=False),
                      *(_fmt(r[k]) for k in numeric), r["grade_label"], ", ".join(r["flag_labels"]))
    console.print(table)
    from .aggregation import summarize

    summary = summarize(scores)
    k = summary.kpis()
    parts = [f"{t('scored_customers', lang)}: {k['scored']}/{k['customers']}", f"{t('csi', lang)}: {_fmt(k['csi'])}"]
    if k["csi_weighted"] is not None:
        parts.append(f"{t('csi_weighted', lang)}: {_fmt(k['csi_weighted'])}")
    if k["satisfaction_rate"] is not None:
        parts.append(f"{t('satisfaction_rate', lang)}: {k['satisfaction_rate'] * 100:.1f}%")
    console.print(" · ".join(parts))


@contextmanager
def command_output(out: Path | None, fmt: Format, lang: str, inputs: list[Path]):
    """Where a command's result goes: stdout, or with ``-o FILE`` the file, written atomically.

    Yields ``(write, console)``.  With ``out`` everything is collected first
    and written only when complete (CSV as UTF-8 with BOM so that Excel shows
    Chinese, JSON and text as UTF-8; CLI.md); stdout stays BOM-free.
    """
    if out is None:
        yield sys.stdout.write, stdout
        return
    buffer = io.StringIO()
    console = quiet_console(file=buffer, width=200, soft_wrap=True, color_system=None)
    yield buffer.write, console
    data = buffer.getvalue().encode("utf-8-sig" if fmt is Format.csv else "utf-8")
    run_guarded(lambda: write_bytes(out, data, inputs, lang), lang)
    stderr.print(console_line(t("output_written", lang, path=out)))


def _output_format(fmt: Format | None, out: Path | None) -> Format:
    """``--format`` as given; without it, ``-o x.json`` means JSON, ``-o x.csv`` (or any file) CSV, stdout a table."""
    if fmt is not None:
        return fmt
    if out is None:
        return Format.table
    return Format.json if out.suffix.lower() == ".json" else Format.csv


class Engine(str, Enum):
    auto = "auto"
    calamine = "calamine"
    openpyxl = "openpyxl"


EngineOption = Annotated[Engine, typer.Option(help="Reader: auto, calamine or openpyxl.")]


@app.command()
def score(
    workbook: Annotated[Path, typer.Argument(metavar="WORKBOOK", help="Survey workbook (.xlsx). 调查工作簿。")],
    format: Annotated[Optional[Format], typer.Option("--format", "-f", help="table, csv or json (default: table; with -o, from the file name: .json → json, else csv).")] = None,
    lang: LangOption = None,
    engine: EngineOption = Engine.auto,
    stats: Annotated[bool, typer.Option("--stats", help="Add statistics: intervals, reliability, importance–performance, expectations (docs/statistics.md); with --format json stdout is one object {customers, statistics}. 附加统计分析。")] = False,
    previous: Annotated[Optional[Path], typer.Option("--previous", help="With --stats: the previous period's workbook, for the CSI change and whether it is significant. 上期工作簿。")] = None,
    level: Annotated[float, typer.Option("--level", min=0.5, max=0.999, help="With --stats: confidence level. 置信水平。")] = 0.95,
    seed: Annotated[int, typer.Option("--seed", min=0, help="With --stats: bootstrap random seed. 随机种子。")] = 20260101,
    margin: Annotated[float, typer.Option("--margin", min=0.1, max=50, help="With --stats: margin d (points) of the minimum sample n = (z·σ/d)². 允许误差。")] = 2.0,
    cs_tolerance: Annotated[float, typer.Option("--cs-tolerance", min=0, max=0.5, help="With --stats: CS within 1 ± this is neutral. CS 持平容差。")] = 0.02,
    by: Annotated[Optional[list[str]], typer.Option("--by", help="Results per customer group: a column of the Customers sheet (区域, 客户类型 …); repeat for several. 按客户分组（客户表的列）。")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Write the results to this file (atomically; CSV with a UTF-8 BOM for Excel) instead of stdout. 结果写入文件。")] = None,
) -> None:
    """Score every customer of WORKBOOK (per-customer results). 计算每个客户的满意度得分。"""
    language = _lang(lang)
    format = _output_format(format, out)
    inputs = [workbook, *([previous] if previous else [])]
    require_inputs(inputs, language)
    if out is not None:
        run_guarded(lambda: check_target(out, inputs, language), language)
    survey = run_guarded(lambda: read_survey(workbook, engine=engine), language)
    scores = score_survey(survey)
    print_findings([*survey.findings, *scores.findings], language, warnings_per_kind=WARNINGS_PER_KIND)
    groups = None
    if by:
        from . import cli_groups
        from .analyses.groups import UnknownGroupColumnError

        try:
            groups = cli_groups.compute(scores, by)
        except UnknownGroupColumnError as exc:
            raise typer.BadParameter(t("unknown_group_column", language, name=exc.name,
                                       available=", ".join(exc.available) or "—"), param_hint="--by") from None
    result = earlier = None
    if stats:
        from . import cli_stats  # only --stats pays for importing the statistics and report modules

        if previous is not None:
            before = run_guarded(lambda: read_survey(previous, engine=engine), language)
            print_findings([*before.findings], language, warnings_per_kind=WARNINGS_PER_KIND)
            earlier = score_survey(before)
        result = cli_stats.compute(scores, earlier, level=level, seed=seed, margin=margin, tolerance=cs_tolerance)
    with command_output(out, format, language, inputs) as (write, console):
        if format is Format.json and (groups is not None or result is not None):
            document = {"customers": customer_json(scores)}
            if groups is not None:
                document["groups"] = groups.records(language)
            if result is not None:
                document["statistics"] = result.to_dict()
            write(strict_json(document, indent=1) + "\n")
            return
        if groups is None:
            print_scores(scores, format, language, workbook.name, write, console)
        elif format is Format.csv:
            write(cli_groups.groups_csv(groups, language))
        else:
            cli_groups.print_groups(groups, language, console)
        if result is not None:
            # with CSV the statistics go to stderr (stdout stays one CSV), or into a text file with the table
            cli_stats.print_statistics(result, scores, language, console if format is Format.table else stderr,
                                       previous_name=(earlier.survey.settings.period or previous.name) if previous else None,
                                       period_name=survey.settings.period or workbook.name)


@app.command()
def validate(
    workbook: Annotated[Path, typer.Argument(metavar="WORKBOOK", help="Survey workbook (.xlsx). 调查工作簿。")],
    lang: LangOption = None,
    engine: Annotated[str, typer.Option(help="Reader: auto, calamine or openpyxl.")] = "auto",
) -> None:
    """List every finding in WORKBOOK; changes nothing. 校验工作簿并列出所有问题。"""
    language = _lang(lang)
    require_inputs([workbook], language)
    survey, findings = run_guarded(lambda: inspect_workbook(workbook, engine=engine), language)
    if survey is not None:
        findings = [*findings, *score_survey(survey).findings]
    print_findings(findings, language, include_info=True, console=stdout)
    counts = {s: sum(1 for f in findings if f.severity == s) for s in (ERROR, WARNING, INFO)}
    if not findings:
        stdout.print(console_line(t("no_problems", language)))
    else:
        stdout.print(console_line(t("findings_summary", language, errors=counts[ERROR], warnings=counts[WARNING], infos=counts[INFO])))
    if counts[ERROR]:
        raise typer.Exit(2)


def default_report_path(workbook: Path) -> Path:
    """``survey.xlsx`` → ``survey_report.xlsx`` next to it (never the input itself)."""
    return workbook.with_name(f"{workbook.stem}_report.xlsx")


def write_report(workbook: Path, out: Path, previous: list[Path], language: str, template: Path | None = None,
                 engine: str = "auto", report_lang: str | None = None) -> Path:
    """Read, score and render: the body of ``csat-xl report`` (exit codes per CLI.md).

    ``language`` is for messages; the report is in ``report_lang``, or when
    None in the language of WORKBOOK's own sheet names (else ``language``).
    Every input is read before anything is written; all their errors are
    listed together (exit 2).  A rich progress bar shows on a terminal.

    The first workbook's read starts before the report machinery is imported:
    python-calamine parses in a thread with the GIL released, and meanwhile
    this thread imports pandas, openpyxl, jinja2 and the report modules and
    loads the template (:mod:`csat_xl.report.preload`).  Each further
    workbook's read starts when the one before it is collected (one read
    ahead); errors still surface in input order.
    """
    from .io.readers import start_reading  # imports no pandas

    inputs = [*previous, workbook]
    require_inputs([*inputs, template], language)  # a missing input first (exit 2), then the target (exit 1)
    # the target first: an output that cannot be written fails before the work (exit 1)
    run_guarded(lambda: check_target(out, [*inputs, *([template] if template else [])], language), language)
    reads = [start_reading(inputs[0], engine)]

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from .report import build_report, render_xlsx
    from .report.model import survey_language
    from .report.preload import load_template, workbook_language

    loaded = load_template(template, report_lang or workbook_language(workbook) or language)
    progress = Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=stderr,
                        transient=True, disable=not stderr.is_terminal)
    with progress:
        task = progress.add_task("", total=len(inputs) + 3)
        surveys = []
        for index, path in enumerate(inputs):
            progress.update(task, description=t("report_reading", language, path=path.name))
            if index + 1 < len(inputs):
                reads.append(start_reading(inputs[index + 1], engine))
            surveys.append(run_guarded(reads[index].result, language))
            reads[index] = None  # its tables are garbage once the survey is built
            progress.advance(task)
        *earlier, survey = surveys
        progress.update(task, description=t("report_building", language))
        model = build_report(survey, previous=earlier, lang=report_lang or survey_language(survey) or language)
        progress.advance(task)
        progress.update(task, description=t("report_rendering", language))

        def step(stage: str, done: int, total: int) -> None:
            if stage == "save":
                progress.update(task, description=t("report_saving", language), advance=1)

        run_guarded(lambda: render_xlsx(model, out, template=loaded or template, inputs=inputs, progress=step, message_lang=language), language)
        progress.advance(task)
    for path, survey_ in zip(inputs, surveys):
        if survey_.findings and len(inputs) > 1:
            stderr.print(console_line(f"{path.name}:"))
        print_findings(survey_.findings, language, warnings_per_kind=WARNINGS_PER_KIND)
    return out


@app.command()
def report(
    workbooks: Annotated[list[Path], typer.Argument(metavar="WORKBOOK", help="Survey workbook of the period (.xlsx); after --previous, more earlier workbooks may follow. 本期调查工作簿。")],
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Report file (default: WORKBOOK_report.xlsx next to WORKBOOK). 报告文件。")] = None,
    previous: Annotated[Optional[list[Path]], typer.Option("--previous", "-p", help="Workbook of an earlier period, oldest first; repeat for several. 上期工作簿（可重复，按时间先后）。")] = None,
    lang: LangOption = None,
    template: Annotated[Optional[Path], typer.Option("--template", help="Your own report template (.xlsx). 自定义报告模板。")] = None,
    engine: EngineOption = Engine.auto,
) -> None:
    """Build the summary workbook of WORKBOOK; never touches WORKBOOK. 生成满意度汇总报告。"""
    language = _lang(lang)
    # CLI.md writes `--previous EARLIER.xlsx ...`: the files after the first
    # --previous value arrive as extra arguments; they are earlier periods too.
    workbook, *more = workbooks
    if more and not previous:
        raise typer.BadParameter(t("report_extra_arguments", language, names=" ".join(map(str, more))), param_hint="WORKBOOK")
    previous = [*(previous or []), *more]
    target = out or default_report_path(workbook)  # missing folders are made by the one output path
    # --lang, else CSAT_LANG, else the workbook's own language (see write_report)
    chosen = lang.value if lang else (os.environ.get("CSAT_LANG", "").lower() if os.environ.get("CSAT_LANG", "").lower() in ("zh", "en") else None)
    write_report(workbook, target, list(previous or []), language, template, engine, report_lang=chosen)
    stdout.print(console_line(t("report_written", language, path=target)))


def bundled_sample(lang: str = "zh") -> Path:
    """The sample workbook shipped with the package (also in sample_workbooks/)."""
    from importlib.resources import files

    name = "pvc_2026Q2_zh.xlsx" if lang == "zh" else "field_service_2026H1_en.xlsx"
    return Path(str(files("csat_xl") / "data" / name))


@app.command()
def demo(
    lang: LangOption = None,
    out_dir: Annotated[Path, typer.Option("--out-dir", help="Folder for the sample reports. 示例报告的输出文件夹。")] = Path("out"),
) -> None:
    """Score the bundled sample workbook and write its reports to out/. 用自带示例演示并生成报告。"""
    language = _lang(lang)
    # The Chinese PVC-resin sample carries the METHOD.md worked example;
    # output follows --lang.
    sample = bundled_sample("zh")
    stderr.print(console_line(t("demo_source", language, path=sample.name)))
    survey = run_guarded(lambda: read_survey(sample), language)
    scores = score_survey(survey)
    print_scores(scores, Format.table, language, sample.name)
    # The summary workbooks: the Chinese sample in Chinese, the English one in English.
    for report_lang in ("zh", "en"):
        target = out_dir / f"report_{report_lang}.xlsx"
        write_report(bundled_sample(report_lang), target, [], language, report_lang=report_lang)
        stdout.print(console_line(t("report_written", language, path=target)))


@app.command()
def template(
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Template file (default: survey_template_<lang>.xlsx). 模板文件。")] = None,
    lang: LangOption = None,
    scheme: Annotated[Optional[Path], typer.Option("--scheme", help="Take scheme, scales and settings from this survey workbook. 从该工作簿取指标、量表和设置。")] = None,
    customers: Annotated[int, typer.Option("--customers", min=1, max=100_000, help="Rows of the Customers sheet. 客户行数。")] = 200,
    rows: Annotated[int, typer.Option("--rows", min=1, max=100_000, help="Questionnaire rows (visits get half, complaints a quarter). 问卷行数。")] = 2000,
) -> None:
    """Write a blank survey template that computes the scores with plain formulas. 生成用公式计算得分的空白调查模板。"""
    from .template import write_template

    language = _lang(lang)
    target = out or Path(f"survey_template_{language}.xlsx")
    require_inputs([scheme], language)
    run_guarded(lambda: check_target(target, [scheme] if scheme else [], language), language)  # fail before the work
    run_guarded(lambda: write_template(target, lang=language, scheme_source=scheme, customers=customers, rows=rows), language)
    stdout.print(console_line(t("template_written", language, path=target, customers=customers, rows=rows)))


addin_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, help="The Excel add-in (ribbon tab 满意度 CSAT). Excel 加载项。")
app.add_typer(addin_app, name="addin")


@addin_app.command("install")
def addin_install(
    xlam: Annotated[Optional[Path], typer.Option("--xlam", help="An add-in file to install (default: the one shipped with csat-xl). 要安装的加载项文件。")] = None,
    lang: LangOption = None,
) -> None:
    """Put csat_xl.xlam where Excel loads it (Windows); elsewhere say what to use. 安装 Excel 加载项。"""
    from .actions import install

    language = _lang(lang)
    if not sys.platform.startswith("win"):
        stdout.print(console_line(install.say("not_windows", language)))
        raise typer.Exit(1)
    done = run_guarded(lambda: install.install(xlam, lang=language), language)
    if done.rebuilt_for:
        stdout.print(console_line(install.say("rebuilt", language, version=done.rebuilt_for)))
    stdout.print(console_line(install.say("installed", language, xlam=done.xlam.name, folder=done.xlam.parent)))
    if done.python:
        stdout.print(console_line(install.say("interpreter", language, python=done.python, config=done.config)))


def _argv_lang(argv: list[str]) -> str:
    """The --lang of a command line that failed before typer could parse it."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in ("zh", "en"):
            return argv[i + 1]
        if arg.startswith("--lang=") and arg[7:] in ("zh", "en"):
            return arg[7:]
    return default_lang()


# csat-xl consolidate: one group report over many branch workbooks (issue 16, its own module)
from .cli_consolidate import consolidate as _consolidate  # noqa: E402

app.command("consolidate")(_consolidate)


#: Thread-count variables of the BLAS libraries numpy may be built with; each
#: library reads its own when numpy first loads.
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
                         "VECLIB_MAXIMUM_THREADS")


@contextmanager
def one_blas_thread():
    """Run the command with one BLAS thread, unless the user set a count.

    csat-xl's matrix work (the report's bootstrap) is many small products;
    BLAS threads add nothing there and, on a machine whose cores are busy,
    fight the other work (one contended report took 118 s against 35 s with
    one thread; docs/performance.md).  Set here, in csat-xl's own entry
    point, before numpy loads, and restored afterwards: importing csat_xl as
    a library changes nothing, and the user's environment is never touched.
    """
    saved = {name: os.environ.get(name) for name in BLAS_THREAD_VARIABLES}
    for name in BLAS_THREAD_VARIABLES:
        os.environ.setdefault(name, "1")
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def main() -> None:
    """The ``csat-xl`` entry point: never a traceback for anything a user can cause.

    An unexpected internal error prints one line ("internal error, please
    report: …") and exits 1; the traceback only with ``--debug`` or
    ``CSAT_DEBUG=1``.  SIGTERM/SIGHUP end the run through the same cleanup
    as an error (no temporary file is left); Ctrl-C exits 130.
    """
    if "--debug" in sys.argv[1:]:  # accepted anywhere on the line, not only before the command
        sys.argv = [sys.argv[0], *(a for a in sys.argv[1:] if a != "--debug")]
        os.environ["CSAT_DEBUG"] = "1"
    try:
        with one_blas_thread(), exit_on_signals():
            app()
    except KeyboardInterrupt:
        raise SystemExit(130)
    except SystemExit:
        raise
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        lang = _argv_lang(sys.argv)
        reason = visible(f"{type(exc).__name__}: {exc}", keep_newlines=False)[:500]
        stderr.print(console_line((t("internal_error", lang, reason=reason), "bold red")))
        if os.environ.get("CSAT_DEBUG") == "1":
            traceback.print_exc()
        raise SystemExit(1)


if __name__ == "__main__":
    main()
