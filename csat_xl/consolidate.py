"""Read many branch workbooks, in parallel, into one :class:`~csat_xl.analyses.branches.Group`.

The rim of ``csat-xl consolidate`` (and of the classic add-in's 合并 /
Consolidate button): find the workbooks (:func:`discover`), read and score
each in a worker process (:func:`read_branch`), and add the branches up
(:func:`csat_xl.analyses.branches.consolidate`).

Failure isolation: a file that cannot be read, has errors or has no
scored customer becomes a ``failed`` :class:`FileOutcome` with its findings;
the others go on.  Workers return only the compact
:class:`~csat_xl.analyses.branches.BranchResult` (a few kilobytes), never a
survey, so memory stays bounded by the largest workbook × the number of
workers, whatever the number of files.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import zipfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from .analyses.branches import FileOutcome, Group, branch_result, consolidate
from .findings import ERROR, CsatError, Finding, InvalidInputError
from .statistics import DEFAULT_LEVEL, DEFAULT_RESAMPLES, DEFAULT_SEED

#: What a progress callback gets after each file: (done, total, outcome).
Progress = Callable[[int, int, FileOutcome], None]


@dataclass(frozen=True)
class ConsolidateOptions:
    """How the branch workbooks are read and their intervals computed."""

    engine: str = "auto"
    jobs: int | None = None  # worker processes; None: one per CPU
    resamples: int = DEFAULT_RESAMPLES
    level: float = DEFAULT_LEVEL
    seed: int = DEFAULT_SEED


def cpu_count() -> int:
    """CPUs this process may use (the affinity mask where the OS has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # Windows, macOS
        return max(1, os.cpu_count() or 1)


def _is_lock_file(path: Path) -> bool:
    return path.name.startswith("~$")


def discover(inputs: Iterable[str | os.PathLike], exclude: Iterable[str | os.PathLike] = ()) -> tuple[list[Path], list[FileOutcome]]:
    """The workbooks to read, and the files skipped on the way.

    A folder stands for its ``*.xlsx`` files (not its subfolders), in name
    order; a file stands for itself.  Excel's lock files ``~$name.xlsx`` are
    skipped (each said once); so are hidden files and ``exclude`` (the
    output itself).  A path given twice is read once.  A path that does not
    exist is a ``failed`` outcome.
    """
    excluded = {Path(p).resolve() for p in exclude}
    files: list[Path] = []
    skipped: list[FileOutcome] = []
    seen: set[Path] = set()
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            candidates = sorted((p for p in path.iterdir() if p.suffix.lower() == ".xlsx" and p.is_file()), key=lambda p: p.name)
        elif path.exists():
            candidates = [path]
        else:
            skipped.append(FileOutcome(path.name, str(path), "failed",
                                       findings=[Finding(ERROR, "unreadable_workbook", None, None, f"{path}: no such file or folder")]))
            continue
        for candidate in candidates:
            resolved = candidate.resolve()
            if resolved in seen or resolved in excluded:
                continue
            seen.add(resolved)
            if _is_lock_file(candidate):
                skipped.append(FileOutcome(candidate.name, str(candidate), "skipped", findings=[Finding("info", "lock_file_skipped")]))
            elif candidate.name.startswith(".") and path.is_dir():
                continue  # hidden files (our own temporary outputs among them)
            else:
                files.append(candidate)
    return files, skipped


def _creator(path: Path) -> str:
    """The workbook's ``dc:creator`` (docProps/core.xml), '' when absent or unreadable."""
    try:
        with zipfile.ZipFile(path) as archive, archive.open("docProps/core.xml") as part:
            core = part.read(1 << 16)  # a few hundred bytes in any real file: never inflate more
        if b"<!DOCTYPE" in core or b"<!ENTITY" in core:
            return ""
        creator = ElementTree.fromstring(core).find("{http://purl.org/dc/elements/1.1/}creator")
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, ElementTree.ParseError):
        return ""
    return (creator.text or "") if creator is not None else ""


def _is_blank_template(path: Path) -> bool:
    """A csat-xl survey template (it has the template's hidden helper sheets)."""
    from .template.texts import HELPER_SHEETS

    try:
        with zipfile.ZipFile(path) as archive, archive.open("xl/workbook.xml") as part:
            workbook = part.read(1 << 20).decode("utf-8", "replace")  # sheet names come first: never inflate more
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return False
    names = {name for label in HELPER_SHEETS.values() for name in (label.zh, label.en)}
    return any(f'name="{name}"' in workbook for name in names)


def read_branch(path: str | os.PathLike, options: ConsolidateOptions = ConsolidateOptions()) -> FileOutcome:
    """Read, score and summarise one branch workbook (runs in a worker process).

    Never raises for anything a file can cause: the outcome says ``failed``
    with its findings instead.
    """
    from .io.readers import WorkbookReadError, read_survey
    from .report.model import survey_language
    from .scoring import score

    path = Path(path)
    outcome = FileOutcome(path.name, str(path), "failed")
    if _creator(path).startswith("csat-xl"):
        outcome.status = "skipped"
        outcome.findings = [Finding("info", "own_output")]
        return outcome
    try:
        survey = read_survey(path, engine=options.engine)
        scores = score(survey)
        result = branch_result(scores, path.name, resamples=options.resamples, level=options.level, seed=options.seed)
        result.language = survey_language(survey)
    except InvalidInputError as exc:
        n = sum(1 for f in exc.findings if f.is_error)
        outcome.findings = [Finding(ERROR, "branch_invalid", None, None, n), *exc.findings]
        return outcome
    except WorkbookReadError as exc:
        outcome.findings = [Finding(ERROR, "unreadable_workbook", None, None, str(exc))]
        return outcome
    except CsatError as exc:
        outcome.findings = [Finding(ERROR, "unreadable_workbook", None, None, str(exc))]
        return outcome
    except Exception as exc:  # noqa: BLE001 - one branch's surprise must not stop the others
        outcome.findings = [Finding(ERROR, "internal_error", None, None, f"{type(exc).__name__}: {exc}")]
        return outcome
    outcome.branch = result.name
    if result.scored == 0:
        if _is_blank_template(path):
            outcome.status = "skipped"
            outcome.findings = [Finding("info", "blank_template")]
        else:
            outcome.findings = [Finding(ERROR, "branch_no_scores"), *result.findings]
        return outcome
    outcome.status = "read"
    outcome.result = result
    outcome.findings = list(result.findings)
    return outcome


def _load_worker_modules() -> None:
    """Import what :func:`read_branch` needs (the reader, the scoring core,
    the report model's language check).  Called in this process before the
    workers are forked, so that they inherit the modules instead of each
    importing them again (the parent needs most of them for the report
    anyway), and as the pool initializer of spawned workers."""
    from . import scoring  # noqa: F401
    from .io import readers  # noqa: F401
    from .report import model  # noqa: F401


def _pool_context():
    """How worker processes start: ``fork`` on Linux while this process runs no
    other thread (the workers inherit the imported modules: no second start-up
    of pandas per worker), else ``spawn`` (Windows, macOS, or a process with
    threads — forking those can deadlock, and Python 3.12+ warns about it)."""
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _largest_first(paths: Sequence[Path]) -> list[int]:
    """Indices of ``paths`` by decreasing file size (a missing file counts as empty), ties in order."""
    def size(path: Path) -> int:
        try:
            return path.stat().st_size
        except OSError:
            return 0
    sizes = [size(path) for path in paths]
    return sorted(range(len(paths)), key=lambda i: -sizes[i])


def read_branches(paths: Sequence[Path], options: ConsolidateOptions = ConsolidateOptions(),
                  progress: Progress | None = None, offset: int = 0, total: int | None = None) -> list[FileOutcome]:
    """:func:`read_branch` for every path, in a process pool of ``options.jobs``
    workers (one per CPU by default; 1: in this process).  The pool starts the
    largest files first; outcomes come back in the order of ``paths``;
    ``progress`` is called as each file finishes."""
    total = len(paths) if total is None else total
    jobs = min(options.jobs or cpu_count(), max(len(paths), 1))
    outcomes: list[FileOutcome | None] = [None] * len(paths)
    if jobs <= 1:
        for i, path in enumerate(paths):
            outcomes[i] = read_branch(path, options)
            if progress:
                progress(offset + i + 1, total, outcomes[i])
        return outcomes  # type: ignore[return-value]
    context = _pool_context()
    if context.get_start_method() == "fork":
        _load_worker_modules()
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_load_worker_modules) as pool:
        # Largest files first: a big branch workbook listed last would otherwise
        # be read by one worker alone while the others have finished.
        futures = {pool.submit(read_branch, paths[i], options): i for i in _largest_first(paths)}
        for done, future in enumerate(as_completed(futures), start=1):
            i = futures[future]
            try:
                outcomes[i] = future.result()
            except Exception as exc:  # noqa: BLE001 - a worker that died (out of memory …) fails its file only
                outcomes[i] = FileOutcome(paths[i].name, str(paths[i]), "failed",
                                          findings=[Finding(ERROR, "internal_error", None, None, f"{type(exc).__name__}: {exc}")])
            if progress:
                progress(offset + done, total, outcomes[i])
    return outcomes  # type: ignore[return-value]


def consolidate_files(inputs: Sequence[str | os.PathLike], previous: Sequence[str | os.PathLike] = (),
                      options: ConsolidateOptions = ConsolidateOptions(), progress: Progress | None = None,
                      exclude: Iterable[str | os.PathLike] = ()) -> Group:
    """Find, read and add up the branch workbooks of ``inputs`` (files or
    folders) and, for the change per branch, of ``previous``."""
    files, skipped = discover(inputs, exclude)
    before_files, before_skipped = discover(previous, exclude) if previous else ([], [])
    total = len(files) + len(before_files)
    current = read_branches([*files, *before_files], options, progress, total=total)
    return consolidate([*current[:len(files)], *skipped], [*current[len(files):], *before_skipped], level=options.level)
