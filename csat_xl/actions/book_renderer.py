"""Write blocks of cells into sheets of an open workbook, in any xlwings host.

The actions lay their output out as data — a :class:`SheetLayout` of
:class:`Block` s (values plus the formats that make them readable) — and
:func:`write_sheet` turns that into calls on xlwings' public ``Book`` API
only, so the same code runs on Windows desktop (COM), xlwings Server and
xlwings Lite (Office.js).

Writes are batched because each one costs: on Office.js every call becomes
an action in the list the add-in replays, on the desktop a COM round trip.
A block is written with **one** ``range.value = <2-D list>``; a format is
set once per rectangle of cells that share it (a header row, a run of
columns with one number format, a run of rows with one fill), never per
cell.  The number of writes therefore grows with the number of blocks and
distinct formats, not with the number of cells.

User text is never written as a formula: a value that a spreadsheet would
evaluate (:func:`csat_xl.text.looks_like_formula`) gets Excel's text prefix
``'``, which both COM and Office.js store as plain text.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..text import looks_like_formula

#: Header fill and other colours of the output sheets (#RRGGBB).
HEADER_FILL = "#DDEBF7"
TITLE_FONT_SIZE = 14
#: Column widths are given in characters (Excel's desktop unit, as in
#: openpyxl); Office.js takes points.  One character of the default 11 pt
#: font is 7 px = 5.25 pt, plus 5 px cell padding.
POINTS_PER_CHARACTER = 5.25
PADDING_POINTS = 3.75
TEXT_FORMAT = "@"


@dataclass(frozen=True)
class Format:
    """Formats of a rectangle of a block (0-based, relative to the block).

    Only what is set is written: a fill ``color`` (#RRGGBB), a
    ``number_format`` (Excel format code), ``bold``.
    """

    row: int
    col: int
    rows: int = 1
    cols: int = 1
    color: str | None = None
    number_format: str | None = None
    bold: bool = False


@dataclass
class Block:
    """A rectangle of cells written with one value write, and its formats.

    ``values`` is a list of rows (ragged rows are padded with blanks).
    ``top``/``left`` are the 1-based sheet row and column of ``values[0][0]``.
    The first ``header_rows`` rows are drawn bold on :data:`HEADER_FILL`;
    ``column_formats`` maps a 0-based block column to the number format of
    its body rows (below the header); ``text_columns`` are body columns kept
    as text (customer IDs such as ``00123`` must not become numbers);
    ``title`` makes the first row a larger bold title; ``formats`` style
    further rectangles (fills by grade or severity, per-row number formats).
    """

    values: list[list[Any]]
    top: int = 1
    left: int = 1
    header_rows: int = 0
    column_formats: Mapping[int, str] = field(default_factory=dict)
    text_columns: Sequence[int] = ()
    title: bool = False
    formats: Sequence[Format] = ()

    @property
    def width(self) -> int:
        return max((len(row) for row in self.values), default=0)

    @property
    def height(self) -> int:
        return len(self.values)

    @property
    def bottom(self) -> int:
        """The last sheet row the block uses."""
        return self.top + self.height - 1


@dataclass(frozen=True)
class ChartSpec:
    """A native chart: its values (one column with its header on top, so the
    header names the series) and its category labels, both as 1-based sheet
    rectangles ``(row, col, rows, cols)``, placed at ``anchor`` (row, col)."""

    title: str
    chart_type: str
    values: tuple[int, int, int, int]
    categories: tuple[int, int, int, int]
    anchor: tuple[int, int]
    width: float = 480
    height: float = 240


@dataclass
class SheetLayout:
    """One output sheet: its name, its blocks, charts and column widths (characters)."""

    name: str
    blocks: list[Block]
    column_widths: Mapping[int, float] = field(default_factory=dict)
    #: cell selected when the sheet is shown
    select: str = "A1"
    charts: Sequence[ChartSpec] = ()


class FormulaText(str):
    """A formula csat-xl itself wrote (a template's): written as a formula, not escaped."""


def cell_value(value: Any) -> Any:
    """A Python value as a cell should hold it.

    Blank for None/NaN; plain ``int``/``float``/``bool`` for numpy scalars;
    dates unchanged; our own formulas (:class:`FormulaText`) as they are;
    other text prefixed with ``'`` when a spreadsheet would read it as a
    formula; anything else as its text.
    """
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalar
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, (bool, int, dt.date, dt.datetime)):
        return value
    if isinstance(value, FormulaText):
        return str(value)
    if isinstance(value, str):
        return "'" + value if looks_like_formula(value) else value
    return str(value)


def padded(values: Sequence[Sequence[Any]], width: int) -> list[list[Any]]:
    """``values`` as a rectangular list of rows of clean cell values."""
    return [[cell_value(v) for v in row] + [None] * (width - len(row)) for row in values]


def uses_points(book) -> bool:
    """True where ``column_width`` is in points (xlwings Server and Lite)."""
    engine = getattr(getattr(book, "app", None), "engine", None)
    return getattr(engine, "type", None) == "remote"


def fresh_sheet(book, name: str):
    """The sheet ``name`` of ``book``, emptied (contents and formats), or a new one at the end."""
    for sheet in book.sheets:
        if sheet.name == name:
            sheet.clear()
            return sheet
    sheets = book.sheets
    return sheets.add(name, after=sheets[len(sheets) - 1])


def runs(keys: Sequence[Any]) -> list[tuple[int, int, Any]]:
    """Runs of equal consecutive keys: ``(start, length, key)`` — one format call per run."""
    out: list[tuple[int, int, Any]] = []
    for i, key in enumerate(keys):
        if out and out[-1][2] == key and out[-1][0] + out[-1][1] == i:
            start, length, _ = out[-1]
            out[-1] = (start, length + 1, key)
        else:
            out.append((i, 1, key))
    return out


def _spans(columns: Sequence[int]) -> list[tuple[int, int]]:
    """Consecutive column indexes grouped: ``(start, length)``."""
    out: list[tuple[int, int]] = []
    for col in sorted(set(columns)):
        if out and out[-1][0] + out[-1][1] == col:
            out[-1] = (out[-1][0], out[-1][1] + 1)
        else:
            out.append((col, 1))
    return out


def _area(sheet, top: int, left: int, rows: int, cols: int):
    return sheet.range((top, left), (top + rows - 1, left + cols - 1))


def write_block(sheet, block: Block) -> None:
    """Write ``block`` into ``sheet``: one value write, one call per format rectangle."""
    width, height = block.width, block.height
    if not width or not height:
        return
    body_rows = height - block.header_rows
    # Text columns are formatted before the values arrive, so "00123"
    # is stored as text rather than converted to the number 123.
    if body_rows > 0:
        for start, length in _spans(block.text_columns):
            _area(sheet, block.top + block.header_rows, block.left + start, body_rows, length).number_format = TEXT_FORMAT
    sheet.range((block.top, block.left)).value = padded(block.values, width)
    if block.title:
        title = sheet.range((block.top, block.left))
        title.font.bold = True
        title.font.size = TITLE_FONT_SIZE
    if block.header_rows:
        header = _area(sheet, block.top, block.left, block.header_rows, width)
        header.font.bold = True
        header.color = HEADER_FILL
    if body_rows > 0:
        formats = [block.column_formats.get(col) for col in range(width)]
        for start, length, number_format in runs(formats):
            if number_format:
                _area(sheet, block.top + block.header_rows, block.left + start, body_rows, length).number_format = number_format
    for f in block.formats:
        area = _area(sheet, block.top + f.row, block.left + f.col, f.rows, f.cols)
        if f.number_format:
            area.number_format = f.number_format
        if f.color:
            area.color = f.color
        if f.bold:
            area.font.bold = True


def set_column_widths(sheet, widths: Mapping[int, float], points: bool) -> None:
    """Column widths in characters; runs of equal widths are set in one call."""
    if not widths:
        return
    columns = sorted(widths)
    # group consecutive columns with the same width
    groups: list[tuple[int, int, float]] = []
    for col in columns:
        if groups and groups[-1][0] + groups[-1][1] == col and groups[-1][2] == widths[col]:
            groups[-1] = (groups[-1][0], groups[-1][1] + 1, widths[col])
        else:
            groups.append((col, 1, widths[col]))
    for start, length, chars in groups:
        width = chars * POINTS_PER_CHARACTER + PADDING_POINTS if points else chars
        _area(sheet, 1, start, 1, length).column_width = width


def add_charts(sheet, charts: Sequence[ChartSpec]) -> None:
    """Draw ``charts`` on ``sheet``, replacing the charts an earlier run left there."""
    # last first: a chart is addressed by its position among the sheet's charts
    for old in reversed(list(sheet.charts)):
        old.delete()
    for spec in charts:
        chart = sheet.charts.add(
            anchor=sheet.range(spec.anchor), width=spec.width, height=spec.height,
            chart_type=spec.chart_type, source=_area(sheet, *spec.values), plot_by="columns",
        )
        chart.set_x_axis_values(_area(sheet, *spec.categories))
        chart.title = spec.title


def write_sheet(book, layout: SheetLayout, activate: bool = False):
    """Write ``layout`` into ``book`` (replacing a sheet of that name) and return the sheet."""
    sheet = fresh_sheet(book, layout.name)
    for block in layout.blocks:
        write_block(sheet, block)
    set_column_widths(sheet, layout.column_widths, uses_points(book))
    if layout.charts:
        add_charts(sheet, layout.charts)
    if activate:
        sheet.activate()
        sheet.range(layout.select).select()
    return sheet


def text_width(value: Any) -> float:
    """Display width of a value in characters (CJK characters count double)."""
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def fit_widths(blocks: Sequence[Block], minimum: float = 8, maximum: float = 60, skip_title: bool = True) -> dict[int, float]:
    """Column widths (characters) that fit the blocks' values, within bounds."""
    widths: dict[int, float] = {}
    for block in blocks:
        rows = block.values[1:] if (skip_title and block.title) else block.values
        for row in rows:
            for i, value in enumerate(row):
                col = block.left + i
                shown = f"{value:.2f}" if isinstance(value, float) else value
                widths[col] = max(widths.get(col, minimum), min(maximum, text_width(shown) + 2))
    return widths
