"""Workbook readers behind one small interface (cf. pandas ``io/excel``).

Two engines produce the same :class:`~csat_xl.tables.Table` grids:

``calamine`` (fast path)
    python-calamine, a Rust reader, about ten times faster than openpyxl.
    It reports a cached formula error (``#N/A``) as an empty cell and
    refuses the newer codes (``#SPILL!``, ``#CALC!`` …), so the reader takes
    error cells from the sheet XML (:meth:`~csat_xl.io.archive.Archive.check_sheet`)
    — WORKBOOK.md requires them to be reported, never read as blanks — and
    reads a sheet calamine refuses for such a code with openpyxl.
``openpyxl`` (fallback)
    pure Python; used where python-calamine is not installed (Pyodide /
    xlwings Lite) or when asked for.

Neither engine sees a file before :class:`~csat_xl.io.archive.Archive` has
checked it (limits, DTDs, what kind of file it is), nor a sheet before its
XML passed the same checks; whatever an engine still raises becomes a
:class:`~csat_xl.io.archive.WorkbookReadError` ("the workbook is damaged"),
never a traceback.  Both read cached values of formulas, never evaluate
anything, and never write to the file.
"""

from __future__ import annotations

import datetime
import functools
import gc
import hashlib
import os
import re
import threading
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path

from typing import TYPE_CHECKING

from ..findings import Finding
from ..grid import Table
from ..text import column_letter
from . import cells
from .archive import LIMITS, Archive, Limits, SheetScan, WorkbookReadError, damaged_cell_error
from .cells import DamagedCell
from .file_checks import file_findings

if TYPE_CHECKING:
    from ..survey import Survey

try:  # optional fast path; absent in Pyodide
    from python_calamine import CalamineWorkbook
except ImportError:  # pragma: no cover - exercised in Pyodide only
    CalamineWorkbook = None

ENGINES = ("calamine", "openpyxl")

__all__ = ["ENGINES", "LIMITS", "Limits", "Reader", "WorkbookReadError", "inspect_workbook", "open_reader",
           "read_survey", "read_tables"]


def _engine_call(path: Path, action, what: str = ""):
    """Run one engine call; anything it raises means the file is damaged (or too big)."""
    try:
        return action()
    except WorkbookReadError:
        raise
    except MemoryError as exc:
        raise WorkbookReadError(path, "too_large", detail=what or "MemoryError") from exc
    except RecursionError as exc:
        raise WorkbookReadError(path, "damaged", detail=f"{what}: nested too deeply" if what else "nested too deeply") from exc
    except Exception as exc:  # noqa: BLE001 - the engine boundary: calamine and openpyxl raise many types
        detail = f"{type(exc).__name__}: {exc}"[:200]
        raise WorkbookReadError(path, "damaged", detail=f"{what}: {detail}" if what else detail) from exc


class _SheetCheck:
    """The two stages of one sheet's check, run by the reader's check thread.

    ``bounded`` is done once the sheet is proven within the limits (what an
    engine must wait for); ``errors`` once every check passed, with the
    sheet's cached error cells.
    """

    def __init__(self):
        self.bounded: Future = Future()
        self.errors: Future = Future()


def _run_checks(archive: Archive, checks: dict[str, _SheetCheck]) -> None:
    failed: BaseException | None = None
    for name, check in checks.items():
        if failed is not None:  # the file is refused already: the same reason everywhere
            check.bounded.set_exception(failed)
            check.errors.set_exception(failed)
            continue
        try:
            data = archive.bound_sheet(name)
            check.bounded.set_result(True)
            check.errors.set_result(archive.inspect_sheet(name, data))
        except BaseException as exc:  # noqa: BLE001 - handed to the reader, raised there
            failed = exc
            if not check.bounded.done():
                check.bounded.set_exception(exc)
            check.errors.set_exception(exc)


class Reader:
    """One open, checked workbook: its sheet names and each sheet as a :class:`Table`."""

    def __init__(self, path: str | os.PathLike, limits: Limits = LIMITS):
        self.path = Path(path)
        self.archive = Archive(self.path, limits)
        # Each sheet's XML is checked (and its error cells found) in a thread,
        # ahead of the engine: zlib and the engines release the GIL.
        self._checks = {name: _SheetCheck() for name in self.archive.sheets}
        self._thread = threading.Thread(target=_run_checks, args=(self.archive, self._checks),
                                        name="csat-xl-check", daemon=True)
        self._thread.start()

    def _bounded(self, name: str) -> None:
        """Wait until sheet ``name`` is proven within the limits."""
        if name in self._checks:
            self._checks[name].bounded.result()

    def _checked(self, name: str) -> SheetScan | None:
        """Wait for every check of sheet ``name``; what its XML scan found."""
        return self._checks[name].errors.result() if name in self._checks else None

    @property
    def sheet_names(self) -> list[str]:
        raise NotImplementedError

    def table(self, name: str) -> Table:
        raise NotImplementedError

    def tables(self) -> dict[str, Table]:
        return {name: self.table(name) for name in self.sheet_names}

    def close(self) -> None:
        if getattr(self, "_thread", None) is not None:
            self._thread.join()  # the checks read the zip: let them end before it closes
        self.archive.close()


class CalamineReader(Reader):
    def __init__(self, path, limits: Limits = LIMITS):
        super().__init__(path, limits)
        self._fallback: OpenpyxlReader | None = None
        try:
            self._book = _engine_call(self.path, lambda: CalamineWorkbook.from_path(str(self.path)))
        except BaseException:
            self.close()
            raise

    @property
    def sheet_names(self) -> list[str]:
        return list(self._book.sheet_names)

    def table(self, name: str) -> Table:
        self._bounded(name)
        try:
            rows = self._book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as exc:  # noqa: BLE001 - see _engine_call
            self._checked(name)  # a refusal of the file itself (a DTD …) explains it best
            if "cell error" not in str(exc):
                damaged = self.archive.damaged_cell(name)  # the cell, as openpyxl names it
                if damaged is not None:
                    raise damaged_cell_error(self.path, name, damaged) from exc
                _engine_call(self.path, lambda: (_ for _ in ()).throw(exc), name)
            # python-calamine knows only the classic error codes (#SPILL!, #CALC! …
            # abort the sheet): this sheet is read by openpyxl, which keeps them as text.
            rows = self._openpyxl().rows(name)
        return _with_scan(name, rows, self._checked(name), overlay_errors=True)

    def _openpyxl(self) -> "OpenpyxlReader":
        if self._fallback is None:
            self._fallback = OpenpyxlReader(self.path, self.archive.limits, checked=self._checks)
        return self._fallback

    def close(self) -> None:
        if self._fallback is not None:
            self._fallback.close()
        super().close()


def _with_scan(name: str, rows: list[list], scan: SheetScan | None, overlay_errors: bool) -> Table:
    """The sheet's grid as a Table, with what the XML scan found that the engine cannot say."""
    if scan is not None and overlay_errors:
        for row, col, text in scan.errors:
            while len(rows) <= row:
                rows.append([])
            while len(rows[row]) <= col:
                rows[row].append("")
            rows[row][col] = text
    table = Table(name, rows)
    if scan is not None and scan.uncached_formulas:
        # formula cells without a saved value (WORKBOOK.md v2 warning); the grid
        # starts at A1, so sheet positions are grid positions
        table.uncached_formulas = scan.uncached_formulas
        table.first_uncached = scan.first_uncached
    return table


class OpenpyxlReader(Reader):
    def __init__(self, path, limits: Limits = LIMITS, checked: dict[str, _SheetCheck] | None = None):
        if checked is None:
            super().__init__(path, limits)
        else:  # the fallback of a CalamineReader: the file was checked already
            self.path, self._checks, self.archive, self._thread = Path(path), checked, None, None
        import openpyxl

        # openpyxl reads every sheet's head while it opens the workbook: all checks first.
        for name in list(self._checks):
            self._checked(name)
        self._book = _engine_call(self.path, lambda: openpyxl.load_workbook(self.path, read_only=True, data_only=True))
        _engine_call(self.path, self._raw_shared_strings, "sharedStrings")

    def _raw_shared_strings(self) -> None:
        """Give openpyxl's sheets the shared strings as stored, escapes and all.

        openpyxl only drops ``x005F_`` from shared strings (so ``_x005F_x000D_``,
        the text "_x000D_", and ``_x000D_``, a carriage return, both become
        "_x000D_") and leaves inline strings alone; python-calamine decodes
        every ``_xHHHH_`` as Excel does.  With the raw strings, :func:`unescape_ooxml`
        decodes each text once, the same way — both engines give the same values.
        """
        sheets = [ws for ws in self._book.worksheets if hasattr(ws, "_shared_strings")]
        if not sheets or not sheets[0]._shared_strings:
            return
        from openpyxl.cell.text import Text
        from openpyxl.xml.functions import iterparse

        archive = self._book._archive
        member = next((n for n in archive.namelist() if n.lower().endswith("sharedstrings.xml")), None)
        if member is None:
            return
        tag = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}si"
        raw = []
        with archive.open(member) as source:
            for _, node in iterparse(source):
                if node.tag == tag:
                    raw.append(Text.from_tree(node).content)
                    node.clear()
        if len(raw) == len(sheets[0]._shared_strings):
            sheets[0]._shared_strings[:] = raw  # the list every sheet of the book shares

    @property
    def sheet_names(self) -> list[str]:
        return list(self._book.sheetnames)

    def rows(self, name: str) -> list[list]:
        self._checked(name)

        def read() -> list[list]:
            try:
                return _placed_rows(self._book[name])
            except DamagedCell as damaged:
                raise damaged_cell_error(self.path, name, damaged) from None

        return _engine_call(self.path, read, name)

    def table(self, name: str) -> Table:
        return _with_scan(name, self.rows(name), self._checked(name), overlay_errors=False)

    def close(self) -> None:
        self._book.close()
        if self.archive is not None:
            super().close()


_MIDNIGHT = datetime.time(0, 0)


def _placed_rows(sheet) -> list[list]:
    """A read-only openpyxl sheet as a grid, every cell where its reference puts it.

    openpyxl's own ``iter_rows`` pads rows to the width the ``<dimension>``
    tag claims, stops at its last row, and drops a row that comes after a
    higher one in the file; python-calamine places cells by their
    references.  Reading openpyxl's cell parser directly gives the same grid.
    """
    placed: dict[int, dict[int, object]] = {}
    with sheet._get_source() as source:
        parser = _cell_parser()(source, sheet._shared_strings, data_only=sheet.parent.data_only, epoch=sheet.parent.epoch,
                                 date_formats=sheet.parent._date_formats, timedelta_formats=sheet.parent._timedelta_formats)
        for _, cells in parser.parse():
            for cell in cells:
                value = cell["value"]
                if type(value) is str and "_x" in value and cell["data_type"] != _STORED_TEXT:
                    value = unescape_ooxml(value)
                elif type(value) is int:  # python-calamine gives every number as a float: 85 → 85.0 alike
                    value = float(value)
                elif type(value) is datetime.datetime and value.time() == _MIDNIGHT and value.tzinfo is None \
                        and cell["data_type"] != _ISO_DATE:
                    value = value.date()  # python-calamine gives a date serial at midnight a date (an ISO one stays)
                placed.setdefault(cell["row"], {})[cell["column"]] = value
    if not placed:
        return []
    grid = [[] for _ in range(max(placed))]
    for row, cells in placed.items():
        line = [None] * max(cells)
        for col, value in cells.items():
            line[col - 1] = value
        grid[row - 1] = line
    return grid


_ISO_DATE = "iso"  #: data_type of a t="d" cell read by _cell_parser
#: data_type of text stored in a number cell (``<c><v>abc</v></c>``): taken as typed,
#: ``_xHHHH_`` and all, as python-calamine does (the escapes belong to strings only)
_STORED_TEXT = "stored text"


@functools.cache
def _cell_parser():
    """openpyxl's cell parser following io/cells.py: a cell whose value does not fit its type
    is read, or refused, as python-calamine does (openpyxl alone refused nearly all of them)."""
    from openpyxl.worksheet._reader import WorkSheetParser
    from openpyxl.xml.constants import SHEET_MAIN_NS

    value_tag = f"{{{SHEET_MAIN_NS}}}v"

    class CellParser(WorkSheetParser):
        def parse_cell(self, element):
            kind = element.get("t")
            if kind is None and not (element.findtext(value_tag) or "").isascii():
                kind = "text"  # "４０": Python's float() takes any script's digits, python-calamine ASCII only
            elif kind is None or kind in cells.TEXT_TYPES:
                try:
                    return super().parse_cell(element)
                except ValueError:  # number text openpyxl cannot cast: python-calamine reads the text
                    if not element.get("r"):
                        self.col_counter -= 1  # counted once already
                    kind = "text"
            if kind == "n":
                try:
                    return super().parse_cell(element)
                except ValueError:
                    kind = "bad number"
            element.set("t", "str")  # the value as stored, placed (and styled) by openpyxl
            cell = super().parse_cell(element)
            raw = cell["value"]
            if raw is None:
                return cell
            try:
                if kind == "text":
                    cell["value"] = cells.number_value(raw, explicit=False)
                    cell["data_type"] = "n" if type(cell["value"]) is float else _STORED_TEXT
                elif kind == "b":
                    cell["value"], cell["data_type"] = cells.boolean_value(raw), "b"
                elif kind == "s":
                    cell["value"] = self.shared_strings[cells.shared_index(raw, len(self.shared_strings))]
                elif kind == "d":
                    cell["value"] = cells.date_value(raw)
                    cell["data_type"] = "s" if type(cell["value"]) is str else _ISO_DATE
                else:
                    raise cells.DamagedCell("", "n" if kind == "bad number" else kind, raw)
            except cells.DamagedCell as damaged:
                damaged.ref = element.get("r") or f"{column_letter(cell['column'])}{cell['row']}"
                raise
            return cell

    return CellParser


_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescaped(match: re.Match) -> str:
    code = int(match.group(1), 16)
    return match.group(0) if 0xD800 <= code <= 0xDFFF else chr(code)


def unescape_ooxml(text: str) -> str:
    """Decode Excel's ``_xHHHH_`` escapes (``_x000D_`` = CR, ``_x005F_`` = "_"), left to right, once."""
    return _OOXML_ESCAPE.sub(_unescaped, text)


def open_reader(path: str | os.PathLike, engine: str = "auto", limits: Limits = LIMITS) -> Reader:
    """Check the file at ``path`` and open it with ``engine`` (``auto``: calamine when installed)."""
    path = Path(path)
    engine = getattr(engine, "value", engine)  # the CLI's Engine enum
    if engine == "auto":
        engine = "calamine" if CalamineWorkbook is not None else "openpyxl"
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    return CalamineReader(path, limits) if engine == "calamine" else OpenpyxlReader(path, limits)


@contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector while a sheet becomes Python lists.

    A 100k-row sheet turns into about a million new objects (lists, str,
    float) that hold no reference cycles; each allocation burst otherwise
    triggers full-generation collections that scan every object pandas
    created at import — measured: 1.16 s with the collector paused vs 1.48 s
    without for a 100k-response workbook.  Reference counting still frees
    everything; the collector resumes (and runs when due) afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_tables(path: str | os.PathLike, engine: str = "auto") -> dict[str, Table]:
    """Every sheet of the workbook at ``path`` as a :class:`Table` (checked, bounded; see the module doc)."""
    reader = open_reader(path, engine)
    try:
        with _gc_paused():
            return reader.tables()
    finally:
        reader.close()


def _read_in_background(path: Path, engine: str) -> Future:
    """:func:`read_tables` in a thread.

    The engine parses with the GIL released, so a caller that has yet to
    import pandas and the parser (the command line, on its first workbook)
    does that meanwhile instead of before; the checks and errors are the same.
    """
    future: Future = Future()

    def run() -> None:
        try:
            future.set_result(read_tables(path, engine))
        except BaseException as exc:  # noqa: BLE001 - raised in the caller by future.result()
            future.set_exception(exc)

    threading.Thread(target=run, name="csat-xl-read", daemon=True).start()
    return future


def file_sha256(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _with_meta(survey: Survey | None, path: Path) -> None:
    if survey is not None:
        survey.meta.update({"path": str(path), "file_name": path.name, "sha256": file_sha256(path)})


def inspect_workbook(path: str | os.PathLike, engine: str = "auto") -> tuple[Survey | None, list[Finding]]:
    """Read and check a workbook: ``(survey or None on errors, all findings)``."""
    path = Path(path)
    tables = _read_in_background(path, engine)
    from ..tables import inspect_tables  # imported while the workbook is read

    survey, findings = inspect_tables(tables.result(), source=path.name, whole_workbook=True, file_findings=file_findings(path))
    _with_meta(survey, path)
    return survey, findings


class SurveyRead:
    """A survey workbook being read: the engine parses it in a thread from
    :func:`start_reading` on; :meth:`result` waits and builds the survey.

    Between the two the caller's thread is free — the command line imports
    the modules it needs next (pandas, the report's) while the engine, with
    the GIL released, parses.
    """

    def __init__(self, path: str | os.PathLike, engine: str = "auto"):
        self.path = Path(path)
        self._tables = _read_in_background(self.path, engine)

    def result(self) -> Survey:
        """The survey (as :func:`read_survey` returns it); raises what it raises."""
        from ..tables import survey_from_tables  # imported while the workbook is read

        survey = survey_from_tables(self._tables.result(), source=self.path.name, whole_workbook=True,
                                    file_findings=file_findings(self.path))
        _with_meta(survey, self.path)
        return survey


def start_reading(path: str | os.PathLike, engine: str = "auto") -> SurveyRead:
    """Start reading a survey workbook in the background; ``.result()`` gives the :class:`Survey`."""
    return SurveyRead(path, engine)


def read_survey(path: str | os.PathLike, engine: str = "auto") -> Survey:
    """Read a survey workbook; raises :class:`~csat_xl.findings.InvalidInputError` listing all errors."""
    return start_reading(path, engine).result()

