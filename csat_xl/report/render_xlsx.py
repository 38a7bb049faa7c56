"""Render a :class:`~csat_xl.report.model.ReportModel` into an .xlsx file from an Excel template.

The template is an ordinary workbook: it decides the look (fonts, fills,
borders, column widths, number formats, conditional formatting, autofilter,
frozen panes, print setup).  Its cells carry placeholders, filled with
Jinja2 (sandboxed, so a template passed with ``--template`` cannot run code):

``{{ expression }}``
    A value.  When a cell holds exactly one ``{{ … }}`` and nothing else, the
    value keeps its type — numbers stay numbers, dates stay dates —, and a
    cell whose template number format is *General* gets the model's format
    (``{{ kpi.csi }}`` → ``0.00``).  Mixed text such as
    ``CSI: {{ kpi.csi }}`` renders as text.  Names available: the field
    namespaces (``kpi.csi``, ``record.sha256`` …), the tables (``customers``,
    ``items`` …, iterable over rows), ``title``, ``lang``, ``has_trend``.

``{% for NAME in TABLE %}`` at the start of a cell
    Makes the cell's row a *row block*: the row is repeated once per row of
    TABLE (zero rows when the table is empty), ``NAME`` bound to the row, so
    the other cells of the row say ``{{ NAME.final }}``.  The rest of the
    cell after the tag is that cell's own content.  No ``endfor`` is needed:
    the block is the row.  Every repeated row copies the template row's
    styles; conditional formatting, data validation, merged cells,
    autofilter, Excel tables and print areas that cover the template row are
    stretched over the rendered rows; everything below moves down.

``{% chart KEY %}`` (optionally ``{% chart KEY width=16 height=7.5 %}``, in cm)
    Draws the model's native chart KEY (``grades``, ``categories``,
    ``weakness``, ``pareto``, ``trend``, ``stats_ipa``, ``complaint_months``) with its top-left corner in this
    cell.  The chart reads its data from the cells where the template
    rendered the chart's table (which may be on another sheet), so it stays
    live and editable in Excel; a chart whose table is not rendered anywhere,
    or is empty, is left out.

``{% sheet_if EXPRESSION %}``
    Keeps the sheet only when EXPRESSION is true (the Trend sheet uses
    ``{% sheet_if has_trend %}``).

Text produced from the model is always written as a string cell, never as a
formula — even when it starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return (formula injection).  Formulas typed into the template
itself are kept and moved with their row.  Charts or pictures placed in the
template directly are kept as they are (their data ranges do not move).

Every template problem (unknown name, bad tag) is collected and reported
together with its sheet and cell in a :class:`ReportTemplateError`.

Speed: the rows of a row block are not openpyxl cells.  They are written as
worksheet XML text (text as inline strings) and spliced into the file after
openpyxl has saved the rest of the template — a 20,000-customer report would
otherwise spend most of its time creating and serialising cell objects
(docs/performance.md, Report).  :func:`render_workbook` therefore returns a
:class:`RenderedWorkbook` whose :meth:`~RenderedWorkbook.save` does both;
:func:`render_xlsx` adds the atomic write.
"""

from __future__ import annotations

import copy
import datetime
import math
import numbers
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import openpyxl
import sys
from itertools import islice
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.data_source import NumDataSource, NumRef
from openpyxl.chart.error_bar import ErrorBars
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.drawing.line import LineProperties
from openpyxl.chart.marker import DataPoint
from openpyxl.chart.series import SeriesLabel
from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.formula.translate import Translator
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.utils.datetime import to_excel

from ..findings import CsatError
from ..io.atomic import atomic_output
from .model import Chart, ReportModel
from .preload import LoadedTemplate
from .sandbox import MAX_SHEET_ROWS, MAX_TEXT, BoundedEnvironment, TemplateLimitError, cell_number, check_size

#: Fill colours of the grades (by Chinese label, as in the model's styles)
#: shared by the chart bars here and the conditional formatting of the templates.
GRADE_COLORS = {
    "很满意": "63BE7B",
    "满意": "B5D99C",
    "比较满意": "FFEB84",
    "比较不满意": "F8A36A",
    "不满意": "F8696B",
}
CHART_COLORS = {"bar": "4472C4", "line": "ED7D31"}

#: Excel's limit on the characters of one cell.
MAX_CELL_TEXT = 32767

_FOR = re.compile(r"^\s*\{%-?\s*for\s+(\w+)\s+in\s+(.+?)\s*-?%\}(.*)$", re.S)
_CHART = re.compile(r"^\s*\{%-?\s*chart\s+(\w+)((?:\s+\w+\s*=\s*[\d.]+)*)\s*-?%\}\s*$")
_SHEET_IF = re.compile(r"^\s*\{%-?\s*sheet_if\s+(.+?)\s*-?%\}\s*$")
_WHOLE = re.compile(r"^\s*\{\{((?:(?!\}\}).)+)\}\}\s*$", re.S)
_DOTTED = re.compile(r"^\s*([A-Za-z_]\w*)\.([A-Za-z_]\w*)\s*$")
_RANGE = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?")


class ReportTemplateError(CsatError):
    """The report template has problems; :attr:`problems` lists each as ``sheet!cell: reason``."""

    def __init__(self, template: str, problems: list[str]):
        self.problems = problems
        shown = "\n  ".join(problems[:20])
        more = f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"report template {template}: {len(problems)} problem(s) / 报告模板有 {len(problems)} 个问题:\n  {shown}{more}")


def default_template(lang: str) -> Path:
    """The template shipped with csat-xl for ``lang`` (``zh`` or ``en``)."""
    from importlib.resources import files

    return Path(str(files("csat_xl.report") / "templates" / f"report_{'zh' if lang == 'zh' else 'en'}.xlsx"))


# --- one cell's template ----------------------------------------------------------
@dataclass
class _CellTemplate:
    """How to compute one template cell: a literal, ``var.attr``, an expression or mixed text."""

    kind: str  # "literal" | "dotted" | "expression" | "text"
    source: str
    name: str | None = None
    attr: str | None = None
    compiled: Any = None

    def evaluate(self, context: dict[str, Any], env: BoundedEnvironment | None = None) -> Any:
        if self.kind == "dotted":
            holder = context[self.name] if self.name in context else _missing(self.name)
            if isinstance(holder, dict):
                if self.attr not in holder:
                    raise KeyError(f"{self.name}.{self.attr}")
                return holder[self.attr]
            return env.getattr(holder, self.attr) if env is not None else getattr(holder, self.attr)
        if self.kind == "expression":
            return cell_number(check_size(self.compiled(**context)))
        # mixed text: streamed, so that a loop writing without end is stopped at the cap
        pieces, total = [], 0
        for piece in self.compiled.generate(**context):
            total += len(piece)
            if total > MAX_TEXT:
                raise TemplateLimitError(f"text too long (> {MAX_TEXT:,}) / 文本过长")
            if env is not None:
                env.tick()
            pieces.append(piece)
        return "".join(pieces)


def _missing(name: str):
    raise KeyError(name)


def _compile(text: str, env: jinja2.Environment) -> _CellTemplate:
    whole = _WHOLE.match(text)
    if whole and "{%" not in text and "{{" not in whole.group(1):
        inner = whole.group(1)
        dotted = _DOTTED.match(inner)
        if dotted:
            return _CellTemplate("dotted", text, dotted.group(1), dotted.group(2))
        return _CellTemplate("expression", text, compiled=env.compile_expression(inner.strip(), undefined_to_none=False))
    return _CellTemplate("text", text, compiled=env.from_string(text))


def _is_template(value: Any) -> bool:
    return isinstance(value, str) and ("{{" in value or "{%" in value)


# --- writing values -------------------------------------------------------------
def _write(cell: Cell, value: Any) -> None:
    """Put a model value into ``cell``: text always as a string cell (never a formula)."""
    if value is None:
        cell._value, cell.data_type = None, "n"
    elif isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL_TEXT]
        # Forced string type: '=HYPERLINK(…)', '+cmd|…', '@SUM(…)', '#N/A' stay text.
        cell._value, cell.data_type = (text or None), ("s" if text else "n")
    elif isinstance(value, bool):
        cell._value, cell.data_type = value, "b"
    elif isinstance(value, (int, float)):
        number = float(value)
        cell._value, cell.data_type = (None, "n") if number != number or number in (float("inf"), float("-inf")) else (value, "n")
    elif isinstance(value, jinja2.Undefined):
        cell._value, cell.data_type = None, "n"
    else:
        try:
            cell.value = value  # dates and times: openpyxl picks a date format when General
        except (ValueError, TypeError):
            _write(cell, str(value))


def _escape(text: str) -> str:
    # CR would be normalised away by XML parsers: keep it as a character reference.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _cell_xml(ref: str, style_id: int, value: Any) -> str:
    """One ``<c>`` element; text always as an inline string, never a formula."""
    kind = type(value)  # exact types first: this runs once per cell of every row block
    if kind is float:
        if value - value:  # NaN or ±inf: an empty cell
            return f'<c r="{ref}" s="{style_id}"/>'
        return f'<c r="{ref}" s="{style_id}"><v>{value!r}</v></c>'
    if kind is str:
        text = ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL_TEXT]
        if not text:
            return f'<c r="{ref}" s="{style_id}"/>'
        return f'<c r="{ref}" s="{style_id}" t="inlineStr"><is><t xml:space="preserve">{_escape(text)}</t></is></c>'
    if value is None or kind is jinja2.Undefined or isinstance(value, jinja2.Undefined):
        return f'<c r="{ref}" s="{style_id}"/>'
    if kind is bool:
        return f'<c r="{ref}" s="{style_id}" t="b"><v>{int(value)}</v></c>'
    if kind is int:
        return f'<c r="{ref}" s="{style_id}"><v>{value}</v></c>'
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return f'<c r="{ref}" s="{style_id}"><v>{to_excel(value)!r}</v></c>'
    if isinstance(value, numbers.Integral):  # numpy integers and other number types
        return _cell_xml(ref, style_id, int(value))
    if isinstance(value, numbers.Real):
        return _cell_xml(ref, style_id, float(value))
    return _cell_xml(ref, style_id, str(value))


_ROW = re.compile(r'<row r="(\d+)"[^>]*?(?:/>|>.*?</row>)', re.S)
_DIMENSION = re.compile(r'<dimension ref="[^"]*"\s*/>')


def _splice_rows(path: Path, book: openpyxl.Workbook, block_xml: dict[str, list[tuple[int, int, int, list[str]]]]) -> None:
    """Insert the row blocks' XML into the saved worksheets of ``path`` (rewritten in place)."""
    if not block_xml:
        return
    parts = {book[title].path.lstrip("/"): blocks for title, blocks in block_xml.items() if title in book.sheetnames}
    spliced = path.with_name(path.name + ".rows")
    try:
        # level 1 for the spliced sheets (rows of numbers compress well anyway); the other parts keep theirs
        with zipfile.ZipFile(path) as source, zipfile.ZipFile(spliced, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
            for info in source.infolist():
                data = source.read(info.filename)
                if info.filename in parts:
                    # written piece by piece: the sheet (tens of MB for 20,000 customers) is never one string
                    pieces = _splice_sheet(data.decode("utf-8"), parts[info.filename])
                    large = sum(map(len, pieces)) > 2**29  # UTF-8 may take 4 bytes a character: zip64 before 2 GiB
                    with target.open(info.filename, "w", force_zip64=large) as stream:
                        for piece in pieces:
                            stream.write(piece.encode("utf-8"))
                else:
                    target.writestr(info, data)
        os.replace(spliced, path)
    finally:
        spliced.unlink(missing_ok=True)


def _splice_sheet(xml: str, blocks: list[tuple[int, int, int, list[str]]]) -> list[str]:
    """The worksheet ``xml`` with the row blocks' rows among its own, in row
    order, as pieces of text to write one after the other."""
    chunks = sorted(blocks)
    start = xml.find("<sheetData")
    close = xml.find(">", start)
    if xml[close - 1] == "/":  # <sheetData/>: no other rows
        existing, head, tail = [], xml[:start] + "<sheetData>", "</sheetData>" + xml[close + 1:]
    else:
        end = xml.index("</sheetData>")
        head, tail = xml[:close + 1], xml[end:]
        existing = [(int(m.group(1)), m.group(0)) for m in _ROW.finditer(xml, close + 1, end)]
    rows = existing + [(first, "".join(row_xml)) for first, _last, _col, row_xml in chunks]
    rows.sort(key=lambda r: r[0])
    last_row = max([r for r, _ in existing] + [last for _, last, _, _ in chunks])
    # <dimension> comes before <sheetData>: only the head is searched and rewritten
    last_col = max([col for _, _, col, _ in chunks] + [_max_col(head)])
    head = _DIMENSION.sub(f'<dimension ref="A1:{get_column_letter(last_col)}{last_row}"/>', head, count=1)
    return [head, *(text for _, text in rows), tail]


def _max_col(xml: str) -> int:
    match = re.search(r'<dimension ref="[A-Z]+\d+:([A-Z]+)\d+"', xml)
    return column_index_from_string(match.group(1)) if match else 1


# --- row mapping ------------------------------------------------------------------
@dataclass
class _RowMap:
    """Where each template row lands once row blocks are expanded."""

    counts: dict[int, int]  # template row -> number of rendered rows (row blocks only)

    def __post_init__(self) -> None:
        self._blocks = sorted(self.counts)

    def start(self, row: int) -> int:
        return row + sum(self.counts[r] - 1 for r in self._blocks if r < row)

    def count(self, row: int) -> int:
        return self.counts.get(row, 1)

    def span(self, first: int, last: int) -> tuple[int, int] | None:
        """Rendered rows of the template rows ``first..last``, or None when all vanished."""
        new_first = self.start(first)
        new_last = self.start(last) + self.count(last) - 1
        return (new_first, new_last) if new_last >= new_first else None

    def range(self, ref: str) -> str | None:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        if min_row is None:  # whole columns
            return ref
        span = self.span(min_row, max_row)
        if span is None:
            return None
        return f"{get_column_letter(min_col)}{span[0]}:{get_column_letter(max_col)}{span[1]}"


@dataclass
class _Rendered:
    """Where a table's rows were written (for the charts that read them)."""

    sheet: Any
    first_row: int
    rows: int
    columns: dict[str, int] = field(default_factory=dict)


@dataclass
class _ChartAnchor:
    sheet: Any
    cell: str  # template address, until the sheet's rows are laid out
    key: str
    width: float = 15.0
    height: float = 7.5


# --- the renderer -------------------------------------------------------------------
class _Renderer:
    def __init__(self, model: ReportModel, book: openpyxl.Workbook, template_name: str,
                 progress: Callable[[str, int, int], None] | None = None):
        self.model = model
        self.book = book
        self.template_name = template_name
        self.context = model.context()
        # immutable (the report data cannot be changed) and bounded (report/sandbox.py)
        self.env = BoundedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False,
                                      finalize=lambda v: "" if v is None else v)
        self.env.start_clock()
        self.problems: list[str] = []
        self.rendered: dict[str, _Rendered] = {}
        self.anchors: list[_ChartAnchor] = []
        self.progress = progress or (lambda stage, done, total: None)
        #: sheet title -> [(first row, last row, last column, row XML)] of the row blocks
        self.block_xml: dict[str, list[tuple[int, int, int, list[str]]]] = {}
        self._format_styles: dict[tuple, Any] = {}

    def problem(self, sheet, cell: str, reason: str) -> None:
        self.problems.append(f"{sheet.title}!{cell}: {reason}")
        current = sys.exc_info()[1]
        if isinstance(current, TemplateLimitError) and current.fatal:
            # out of time: stop here, naming the cell that was being evaluated
            raise ReportTemplateError(self.template_name, self.problems) from current

    # --- number formats ---------------------------------------------------------
    def _model_format(self, template: _CellTemplate, loop: tuple[str, Any] | None) -> str | None:
        if template.kind != "dotted":
            return None
        if loop and template.name == loop[0]:
            table = loop[1]
            try:
                return table.column(template.attr).number_format
            except (KeyError, AttributeError):
                return None
        group = self.model.fields.get(template.name)
        if group and template.attr in group:
            return group[template.attr].number_format
        return None

    def _style_with_format(self, sheet, style, number_format: str | None):
        """The template cell's style, with the model's number format when the template says General."""
        if not number_format or style.numFmtId != 0:
            return style
        key = (tuple(style), number_format)
        if key not in self._format_styles:
            scratch = Cell(sheet, row=1, column=1, style_array=copy.copy(style))
            scratch.number_format = number_format
            self._format_styles[key] = scratch._style
        return self._format_styles[key]

    # --- one sheet --------------------------------------------------------------
    def render_sheet(self, sheet) -> bool:
        """Render ``sheet`` in place; False when a ``sheet_if`` says to drop it."""
        cells = [c for c in sheet._cells.values()]
        blocks: dict[int, tuple[str, list, Any, str]] = {}  # row -> (variable, rows, model table or None, expression)
        templates: dict[tuple[int, int], _CellTemplate] = {}
        keep = True
        sheet_anchors: list[_ChartAnchor] = []
        for cell in cells:
            value = cell.value
            if isinstance(cell, MergedCell) or not _is_template(value):
                continue
            where = cell.coordinate
            sheet_if = _SHEET_IF.match(value)
            if sheet_if:
                try:
                    keep = keep and bool(check_size(self.env.compile_expression(sheet_if.group(1))(**self.context)))
                except Exception as exc:  # noqa: BLE001 - every template error is reported with its cell
                    self.problem(sheet, where, f"sheet_if: {exc}")
                cell.value = None
                continue
            chart = _CHART.match(value)
            if chart:
                options = dict(re.findall(r"(\w+)\s*=\s*([\d.]+)", chart.group(2)))
                if chart.group(1) not in self.model.charts:
                    self.problem(sheet, where, f"unknown chart {chart.group(1)!r} (known: {', '.join(self.model.charts)})")
                else:
                    sheet_anchors.append(_ChartAnchor(sheet, where, chart.group(1), float(options.get("width", 15)), float(options.get("height", 7.5))))
                cell.value = None  # the anchor cell's row still moves with the layout
                templates[(cell.row, cell.column)] = _CellTemplate("literal", "")
                continue
            loop = _FOR.match(value)
            if loop:
                if cell.row in blocks:
                    self.problem(sheet, where, "a row can hold only one {% for %}")
                    continue
                var, expr, rest = loop.groups()
                try:
                    items = self.env.compile_expression(expr)(**self.context)
                    rows = list(islice(items, MAX_SHEET_ROWS + 1))
                except Exception as exc:  # noqa: BLE001
                    self.problem(sheet, where, f"for {var} in {expr}: {exc}")
                    rows = []
                if len(rows) > MAX_SHEET_ROWS:
                    self.problem(sheet, where, f"for {var} in {expr}: more than {MAX_SHEET_ROWS:,} rows (Excel's limit) / 超过 Excel 的行数上限")
                    rows = []
                table = self.model.tables.get(expr.strip())
                blocks[cell.row] = (var, rows, table, expr.strip())
                value = rest
                if not _is_template(value):
                    templates[(cell.row, cell.column)] = _CellTemplate("literal", value)
                    continue
            try:
                templates[(cell.row, cell.column)] = _compile(value, self.env)
            except jinja2.TemplateError as exc:
                self.problem(sheet, where, str(exc))
                templates[(cell.row, cell.column)] = _CellTemplate("literal", "")
        if not keep:
            return False
        rowmap = _RowMap({row: len(block[1]) for row, block in blocks.items()})
        last = max((c.row for c in cells), default=0)
        if blocks and rowmap.start(last) + rowmap.count(last) - 1 > MAX_SHEET_ROWS:
            first = min(blocks)
            where = next(c.coordinate for c in cells if c.row == first and _is_template(c.value) and _FOR.match(c.value))
            self.problem(sheet, where, f"the row blocks make the sheet {rowmap.start(last) + rowmap.count(last) - 1:,} rows; "
                                       f"Excel allows {MAX_SHEET_ROWS:,} / 行块展开后超过 Excel 的行数上限")
            return True
        self._rebuild(sheet, cells, templates, blocks, rowmap)
        for anchor in sheet_anchors:
            col, row = _RANGE.match(anchor.cell).group(1, 2)
            anchor.cell = f"{col}{rowmap.start(int(row))}"
            self.anchors.append(anchor)
        return True

    def _rebuild(self, sheet, cells, templates, blocks, rowmap: _RowMap) -> None:
        merged = [str(r) for r in sheet.merged_cells.ranges]
        for ref in merged:
            sheet.unmerge_cells(ref)
        dimensions = {r: copy.copy(d) for r, d in sheet.row_dimensions.items()}
        sheet._cells = {}
        by_row: dict[int, list[Cell]] = {}
        for cell in cells:
            if not isinstance(cell, MergedCell):
                by_row.setdefault(cell.row, []).append(cell)

        for row in sorted(by_row):
            target = rowmap.start(row)
            if row in blocks:
                attrs = "".join(f' {k}="{v}"' for k, v in dict(dimensions[row]).items() if k != "r") if row in dimensions else ""
                self._render_block(sheet, row, by_row[row], templates, blocks[row], target, attrs)
                continue
            for cell in by_row[row]:
                new = Cell(sheet, row=target, column=cell.column, style_array=copy.copy(cell._style))
                sheet._cells[(target, cell.column)] = new
                template = templates.get((row, cell.column))
                if template is None:
                    new._value, new.data_type = cell._value, cell.data_type
                    if cell.data_type == "f" and target != row and isinstance(cell._value, str):
                        new._value = Translator(cell._value, origin=cell.coordinate).translate_formula(f"{cell.column_letter}{target}")
                    new._hyperlink, new._comment = cell._hyperlink, cell._comment
                    continue
                if template.kind == "literal":
                    _write(new, template.source or None)
                    continue
                try:
                    value = template.evaluate(self.context, self.env)
                except Exception as exc:  # noqa: BLE001
                    self.problem(sheet, cell.coordinate, f"{template.source}: {exc}")
                    continue
                new._style = self._style_with_format(sheet, new._style, self._model_format(template, None))
                _write(new, value)

        # row heights
        sheet.row_dimensions.clear()
        for row, dim in dimensions.items():
            if row in blocks:
                continue  # written with the block's rows
            for out in range(rowmap.start(row), rowmap.start(row) + rowmap.count(row)):
                new_dim = copy.copy(dim)
                new_dim.index = out
                sheet.row_dimensions[out] = new_dim
        for ref in merged:
            min_col, min_row, max_col, max_row = range_boundaries(ref)
            if min_row == max_row and min_row in blocks:
                # The block's XML holds these rows' cells: only the ranges are recorded.  merge_cells
                # would also create openpyxl cells there (and format borders for them, cell by cell),
                # which openpyxl saved as a second, empty <row> of the same number — Excel repairs that.
                span = f"{get_column_letter(min_col)}{{0}}:{get_column_letter(max_col)}{{0}}"
                for out in range(rowmap.start(min_row), rowmap.start(min_row) + rowmap.count(min_row)):
                    sheet.merged_cells.add(MergedCellRange(sheet, span.format(out)))
                    for col in range(min_col, max_col + 1):
                        sheet._cells.pop((out, col), None)
            else:
                new_ref = rowmap.range(ref)
                if new_ref:
                    sheet.merge_cells(new_ref)
        self._move_sheet_ranges(sheet, rowmap)

    def _render_block(self, sheet, row: int, cells: list[Cell], templates, block, target: int, row_attrs: str) -> None:
        """Render a row block straight to worksheet XML (see :class:`_BlockXml`).

        Tables can have tens of thousands of rows; building an openpyxl cell
        per value and letting openpyxl serialise it costs several times the
        scoring.  The rows are written as XML text here and spliced into the
        saved file by :func:`_splice_rows`; styles are registered with the
        workbook so their ids match the saved stylesheet.
        """
        var, rows, table, expr = block
        loop = (var, table)
        plan = []
        columns: dict[str, int] = {}
        for cell in sorted(cells, key=lambda c: c.column):
            template = templates.get((row, cell.column))
            kind = "copy" if template is None else template.kind
            style = self._style_with_format(sheet, cell._style, self._model_format(template, loop) if template else None)
            if template is not None and template.kind == "dotted" and template.name == var:
                columns[template.attr] = cell.column
            plan.append([cell, template, kind, self.book._cell_styles.add(style), get_column_letter(cell.column)])
        if table is not None and expr not in self.rendered and rows:
            self.rendered[expr] = _Rendered(sheet, target, len(rows), columns)
        base = dict(self.context)
        out_rows = []
        simple = bool(rows) and all(step[2] == "dotted" and step[1].name == var for step in plan)
        lookups = [(step[1].attr, step[3], step[4]) for step in plan] if simple else []
        if simple and all(type(item) is dict for item in rows) and all(attr in rows[0] for attr, _, _ in lookups):
            # The common case — every cell is {{ row.column }} of a model table: one
            # dict lookup and one <c> per cell, nothing else in the loop.
            close_row = "</row>"
            for out, item in enumerate(rows, start=target):
                out_rows.append(f'<row r="{out}"{row_attrs}>'
                                + "".join([_cell_xml(f"{letter}{out}", style_id, item.get(attr)) for attr, style_id, letter in lookups])
                                + close_row)
            self.block_xml.setdefault(sheet.title, []).append((target, target + len(out_rows) - 1, max(c.column for c in cells), out_rows))
            return
        for offset, item in enumerate(rows):
            out = target + offset
            base[var] = item
            parts = [f'<row r="{out}"{row_attrs}>']
            for step in plan:
                cell, template, kind, style_id, letter = step
                ref = f"{letter}{out}"
                if kind == "copy":
                    if cell.data_type == "f" and isinstance(cell._value, str):
                        formula = Translator(cell._value, origin=cell.coordinate).translate_formula(ref) if out != row else cell._value
                        parts.append(f'<c r="{ref}" s="{style_id}"><f>{_escape(formula[1:])}</f></c>')
                    else:
                        parts.append(_cell_xml(ref, style_id, cell._value))
                    continue
                if kind == "literal":
                    parts.append(_cell_xml(ref, style_id, template.source or None))
                    continue
                if kind == "dotted" and template.name == var:
                    # the hot path: one dict lookup per cell
                    try:
                        value = item[template.attr] if isinstance(item, dict) else getattr(item, template.attr)
                    except (KeyError, AttributeError):
                        self.problem(sheet, cell.coordinate, f"{template.source}: {expr} has no column {template.attr!r}")
                        step[1], step[2] = _CellTemplate("literal", ""), "literal"  # reported once, not per row
                        parts.append(_cell_xml(ref, style_id, None))
                        continue
                else:
                    try:
                        value = template.evaluate(base, self.env)
                    except Exception as exc:  # noqa: BLE001
                        self.problem(sheet, cell.coordinate, f"{template.source}: {exc}")
                        step[1], step[2] = _CellTemplate("literal", ""), "literal"  # reported once, not per row
                        parts.append(_cell_xml(ref, style_id, None))
                        continue
                if isinstance(value, (datetime.date, datetime.time)) and not isinstance(value, datetime.datetime) or isinstance(value, datetime.datetime):
                    step[3] = style_id = self.book._cell_styles.add(self._style_with_format(sheet, self.book._cell_styles[style_id], "yyyy-mm-dd hh:mm"))
                parts.append(_cell_xml(ref, style_id, value))
            parts.append("</row>")
            out_rows.append("".join(parts))
            if offset % 5000 == 4999:
                self.progress(f"{sheet.title}", offset + 1, len(rows))
        if out_rows:
            self.block_xml.setdefault(sheet.title, []).append((target, target + len(out_rows) - 1, max(c.column for c in cells), out_rows))

    def _move_sheet_ranges(self, sheet, rowmap: _RowMap) -> None:
        """Stretch and move everything that refers to rows: CF, validation, filter, panes, print setup."""
        old = sheet.conditional_formatting
        new = ConditionalFormattingList()
        for cf in old:
            ordered = sorted(cf.sqref.ranges, key=lambda r: (r.min_row, r.min_col))
            ranges = [rowmap.range(str(r)) for r in ordered]
            ranges = [r for r in ranges if r]
            if not ranges:
                continue
            origin = str(ordered[0]).split(":")[0]
            moved = ranges[0].split(":")[0]
            for rule in cf.rules:
                if rule.formula and origin != moved:
                    rule.formula = [Translator("=" + f, origin=origin).translate_formula(moved)[1:] for f in rule.formula]
                new.add(" ".join(ranges), rule)
        sheet.conditional_formatting = new
        for validation in sheet.data_validations.dataValidation:
            ranges = [rowmap.range(str(r)) for r in sorted(validation.sqref.ranges, key=lambda r: (r.min_row, r.min_col))]
            validation.sqref = openpyxl.worksheet.cell_range.MultiCellRange(" ".join(r for r in ranges if r))
        if sheet.auto_filter.ref:
            sheet.auto_filter.ref = rowmap.range(sheet.auto_filter.ref)
        for table in sheet.tables.values():
            ref = rowmap.range(table.ref)
            if ref:
                table.ref = ref
                if table.autoFilter is not None:
                    table.autoFilter.ref = ref
        if sheet.freeze_panes:
            col, row = _RANGE.match(sheet.freeze_panes).group(1, 2)
            sheet.freeze_panes = f"{col}{rowmap.start(int(row))}"
        if sheet._print_area and str(sheet._print_area):
            refs = [m.group(0).replace("$", "") for m in _RANGE.finditer(str(sheet._print_area).split("!", 1)[-1])]
            sheet.print_area = [r for r in (rowmap.range(ref if ":" in ref else f"{ref}:{ref}") for ref in refs) if r] or None
        if sheet.print_title_rows:
            first, last = (int(x) for x in sheet.print_title_rows.replace("$", "").split(":"))
            span = rowmap.span(first, last)
            sheet.print_title_rows = f"{span[0]}:{span[1]}" if span else None
        for brk in sheet.row_breaks.brk:
            # a break sits *after* its row: after the last rendered copy of a row block
            brk.id = rowmap.start(brk.id) + rowmap.count(brk.id) - 1

    # --- charts ----------------------------------------------------------------------
    def draw_charts(self) -> None:
        for anchor in self.anchors:
            spec = self.model.charts[anchor.key]
            source = self.rendered.get(spec.table)
            if source is None or source.rows == 0:
                continue  # the table is empty or not in this template: no chart
            needed = [spec.category, *(s.column for s in spec.series)]
            missing = [c for c in needed if c not in source.columns]
            if missing:
                self.problem(anchor.sheet, anchor.cell,
                             f"chart {spec.key}: the rendered table {spec.table} has no column {', '.join(missing)}")
                continue
            chart = _build_chart(spec, source, self.model)
            chart.width, chart.height = anchor.width, anchor.height
            anchor.sheet.add_chart(chart, anchor.cell)


def _reference(source: _Rendered, column: str) -> Reference:
    col = source.columns[column]
    return Reference(source.sheet, min_col=col, max_col=col, min_row=source.first_row, max_row=source.first_row + source.rows - 1)


def _error_bars(source: _Rendered, column: str) -> ErrorBars:
    """± the values of ``column`` around each bar (the interval's half-width)."""
    ref = _reference(source, column)
    values = NumDataSource(numRef=NumRef(f=str(ref)))
    bars = ErrorBars(errDir="y", errBarType="both", errValType="cust", noEndCap=False, plus=values, minus=values)
    bars.spPr = GraphicalProperties(ln=LineProperties(solidFill="404040", w=12700))
    return bars


def _build_chart(spec: Chart, source: _Rendered, model: ReportModel):
    if spec.kind == "scatter":  # the importance–performance matrix (issue 7)
        from .stats_charts import scatter_chart

        table = model.tables[spec.table]
        points = list(zip(table.values(spec.series[0].column), table.values(spec.series[1].column)))
        return scatter_chart(spec, source.sheet, source.first_row, source.rows, source.columns, points)
    if spec.kind == "bar_target":  # complaints per month against the target (issue 14)
        from .handling_charts import bar_target_chart

        return bar_target_chart(spec, source.sheet, source.first_row, source.rows, source.columns)
    if spec.kind == "split_line":  # category means by period, one line per category (issue 13)
        from .trend_tables import split_line_chart

        return split_line_chart(spec, source.sheet, source.first_row, source.rows, source.columns, model)
    bars = BarChart()
    bars.type = "col"
    bars.title = spec.title
    bars.legend = None
    bars.gapWidth = 60
    bar_series = [s for s in spec.series if s.kind == "bar"]
    line_series = [s for s in spec.series if s.kind == "line"]
    for s in bar_series:
        bars.add_data(_reference(source, s.column), titles_from_data=False)
        bars.series[-1].tx = SeriesLabel(v=s.label)
        bars.series[-1].graphicalProperties.solidFill = CHART_COLORS["bar"]
        bars.series[-1].graphicalProperties.line.solidFill = CHART_COLORS["bar"]
        if s.error and s.error in source.columns:
            bars.series[-1].errBars = _error_bars(source, s.error)
    bars.set_categories(_reference(source, spec.category))
    bars.dataLabels = DataLabelList(showVal=True, showSerName=False, showCatName=False, showLegendKey=False, showPercent=False)
    bars.dataLabels.numFmt = bar_series[0].number_format if bar_series else None
    bars.y_axis.number_format = bar_series[0].number_format if bar_series else "General"
    bars.y_axis.majorGridlines = None
    # Bars are lengths: a value axis cut above 0 turns 78.8 vs 80.2 into a landslide.
    bars.y_axis.scaling.min = 0
    # openpyxl ≥ 3.1 hides axes unless told otherwise.
    bars.x_axis.delete = False
    bars.y_axis.delete = False
    table = model.tables[spec.table]
    styles = table.styles.get(spec.category)
    if styles and len(bar_series) == 1:
        # grade bars in the grade colours of the conditional formatting
        for index, style in enumerate(styles):
            colour = GRADE_COLORS.get((style or "").removeprefix("grade:"))
            if colour:
                point = DataPoint(idx=index)
                point.graphicalProperties.solidFill = colour
                point.graphicalProperties.line.solidFill = colour
                bars.series[0].dPt.append(point)
    if line_series:
        line = LineChart()
        for s in line_series:
            line.add_data(_reference(source, s.column), titles_from_data=False)
            line.series[-1].tx = SeriesLabel(v=s.label)
            line.series[-1].graphicalProperties.line.solidFill = CHART_COLORS["line"]
            line.series[-1].graphicalProperties.line.width = 28575
            line.series[-1].marker.symbol = "circle"
            line.series[-1].smooth = False
        line.y_axis.axId = 200
        line.y_axis.crosses = "max"
        line.y_axis.number_format = line_series[0].number_format or "General"
        line.y_axis.majorGridlines = None
        line.y_axis.delete = False
        if line_series[0].number_format and "%" in line_series[0].number_format:
            line.y_axis.scaling.min = 0
            line.y_axis.scaling.max = 1
        bars += line
        bars.legend = openpyxl.chart.legend.Legend()
        bars.legend.position = "b"
    return bars


@dataclass
class RenderedWorkbook:
    """A filled template: the openpyxl workbook plus its row blocks as worksheet XML.

    The rows of the row blocks are not openpyxl cells (see
    :meth:`_Renderer._render_block`), so save with :meth:`save`, which
    splices them into the file; ``book`` alone lacks them.
    """

    book: openpyxl.Workbook
    block_xml: dict[str, list[tuple[int, int, int, list[str]]]]

    def save(self, path: str | os.PathLike) -> None:
        self.book.save(path)
        _splice_rows(Path(path), self.book, self.block_xml)


def render_workbook(model: ReportModel, template: str | os.PathLike | LoadedTemplate | None = None,
                    progress: Callable[[str, int, int], None] | None = None) -> RenderedWorkbook:
    """Fill ``template`` (default: the shipped template of ``model.lang``); save the result with ``.save(path)``.

    ``template`` may also be a :class:`~csat_xl.report.preload.LoadedTemplate`
    (loaded while the data was read): its workbook is used when it is the file
    this model needs, else the right file is loaded as usual.
    """
    loaded = None
    if isinstance(template, LoadedTemplate):
        loaded, template = template, template.requested
    path = Path(template) if template is not None else default_template(model.lang)
    book = loaded.take(path) if loaded is not None else None
    if book is None:
        try:
            book = openpyxl.load_workbook(path)
        except Exception as exc:  # noqa: BLE001 - any unreadable template gives one clear message
            raise ReportTemplateError(str(path), [f"cannot open the template / 无法打开模板: {exc}"]) from exc
    # An Excel template file (.xltx) as template: the report itself is a workbook, not a template.
    book.template = False
    renderer = _Renderer(model, book, path.name, progress)
    for sheet in list(book.worksheets):
        if not renderer.render_sheet(sheet):
            book.remove(sheet)
    renderer.draw_charts()
    if renderer.problems:
        raise ReportTemplateError(path.name, renderer.problems)
    if book.worksheets:
        book.active = 0
        for sheet in book.worksheets:
            sheet.sheet_view.tabSelected = sheet is book.worksheets[0]
    book.properties.title = model.title
    book.properties.creator = f"csat-xl {model.version}"
    return RenderedWorkbook(book, renderer.block_xml)


def render_xlsx(model: ReportModel, out_path: str | os.PathLike, template: str | os.PathLike | LoadedTemplate | None = None,
                inputs: tuple = (), progress: Callable[[str, int, int], None] | None = None,
                message_lang: str | None = None) -> Path:
    """Render ``model`` into the workbook ``out_path`` (written atomically).

    ``template`` is an .xlsx template (default: the shipped one for
    ``model.lang``), or one loaded beforehand (see :func:`render_workbook`);
    ``inputs`` are the files the report was built from —
    writing onto one of them is refused.  A failure leaves no file behind
    and an existing ``out_path`` unchanged.  Messages about the output are in
    ``message_lang`` (default: the report's language).  Returns ``out_path``.
    """
    from ..io.atomic import check_target

    out = Path(out_path)
    lang = message_lang or model.lang
    requested = template.requested if isinstance(template, LoadedTemplate) else template
    sources = [*inputs, *([requested] if requested else [])]
    check_target(out, sources, lang)
    rendered = render_workbook(model, template, progress)
    if progress:
        progress("save", 0, 1)
    with atomic_output(out, inputs=sources, lang=lang) as temp:
        rendered.save(temp)
    return out
