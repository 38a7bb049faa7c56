"""Build report and New template: the report model and the template in a workbook or a file.

Hosts without a file system (xlwings Server, xlwings Lite) get the report
as sheets of the active workbook: :func:`report_layouts` lays the report
model (:mod:`csat_xl.report.model`) out top to bottom — each sheet's field
groups and tables in the model's order, formats from the model's number
formats and semantic styles — and :func:`add_report_sheets` writes them
with :mod:`~csat_xl.actions.book_renderer`.  Classic desktop Excel gets a
file instead (:func:`render_report_file`, the report issue's file renderer).

The report's sheet names (概览, 客户, 指标 …) are partly the same as survey
sheet names, so in a survey workbook they carry a prefix (``报告-客户`` /
``Report-Customers``): writing the report must never replace the data it
was computed from.

Charts are drawn as native charts over the tables they come from (the
first bar series of each; the file renderer also draws the secondary lines).
"""

from __future__ import annotations

import base64
import io
import os
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ..findings import InvalidInputError
from ..report.render_xlsx import GRADE_COLORS
from ..text import looks_like_formula
from . import book_actions
from .book_actions import SEVERITY_FILL
from .book_renderer import Block, ChartSpec, FormulaText, Format, SheetLayout, fit_widths, runs, write_sheet
from .texts import say

#: Prefix of report sheets written into a survey workbook.
REPORT_SHEET_PREFIX = {"zh": "报告-", "en": "Report-"}
#: Excel refuses longer sheet names.
MAX_SHEET_NAME = 31

#: Fill colour of each semantic style of the report model (see
#: csat_xl.report.model: "Semantic styles").  Grades take the report's own
#: grade colours, so a grade looks the same in the file and in the book.
STYLE_FILLS = {
    "attained": "#C6EFCE",
    "not_attained": "#FFC7CE",
    **{f"grade:{grade}": f"#{rgb}" for grade, rgb in GRADE_COLORS.items()},
    **{f"severity:{severity}": color for severity, color in SEVERITY_FILL.items() if color},
}
#: Styles drawn bold.
BOLD_STYLES = frozenset({"kpi", "heading", "header", "title"})


# --- the model ------------------------------------------------------------------------
def report_model(survey, lang: str):
    """The report model of ``survey`` in ``lang`` (the report issue's builder)."""
    from ..report import build_report

    return build_report(survey, lang=lang)


def report_sheet_name(title: str, lang: str) -> str:
    return (REPORT_SHEET_PREFIX[lang] + title)[:MAX_SHEET_NAME]


def _style_formats(styles: Sequence[str | None], col: int, first_row: int) -> list[Format]:
    out = []
    for start, length, style in runs(styles):
        if style is None:
            continue
        color, bold = STYLE_FILLS.get(style), style in BOLD_STYLES
        if color or bold:
            out.append(Format(first_row + start, col, length, 1, color=color, bold=bold))
    return out


def heading_block(title: str, top: int) -> Block:
    """A bold one-cell heading above a field group or table."""
    return Block([[title]], top=top, formats=[Format(0, 0, bold=True)])


def fields_block(fields: dict, keys: Iterable[str], top: int) -> Block:
    """A field group: ``label | value`` rows, each value with its number format and style."""
    chosen = [fields[k] for k in keys if k in fields]
    formats = [Format(s, 1, n, 1, number_format=fmt) for s, n, fmt in runs([f.number_format for f in chosen]) if fmt]
    formats += _style_formats([f.style for f in chosen], 1, 0)
    return Block([[f.label, f.value] for f in chosen], top=top, formats=formats)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def table_block(table, top: int) -> Block:
    """A table: a header row, then one row per model row.

    Columns with a number format get it; columns without one that hold no
    number are kept as text (customer IDs such as ``00123``); per-row
    styles (grades, severities, attainment) become fills, one per run.
    """
    header = [c.label for c in table.columns]
    body = [[row.get(c.key) for c in table.columns] for row in table.rows]
    formats: dict[int, str] = {}
    text_columns: list[int] = []
    styles: list[Format] = []
    for i, column in enumerate(table.columns):
        if column.number_format:
            formats[i] = column.number_format
        elif body and not any(_is_number(v) for v in table.values(column.key)):
            text_columns.append(i)
        if column.key in table.styles:
            styles += _style_formats(table.styles[column.key], i, 1)
    return Block([header, *body], top=top, header_rows=1, column_formats=formats, text_columns=text_columns, formats=styles)


#: Rows a chart takes on the sheet (at the default 15 pt row height).
CHART_ROWS = 16


def chart_spec(chart, tables: dict, placed: dict[str, Block], top: int, lang: str = "zh") -> ChartSpec | None:
    """A native chart of the model drawn from its table as written on the same sheet.

    Drawn: the chart's first bar series over its category labels, as a
    clustered column chart.  The file report (classic desktop) also draws
    the secondary line of bar-and-line charts (cumulative share of the
    Pareto chart, satisfaction rate of the trend), the scatter charts
    (importance–performance) and the error bars of an interval (CSI by
    group).  xlwings' chart API has no error bars, and Office.js error bars
    take no per-point values, so here a chart with an interval says in its
    title which table column holds it.  No chart when its table is empty or
    not on this sheet.
    """
    block, table = placed.get(chart.table), tables.get(chart.table)
    bars = [s for s in chart.series if s.kind == "bar"] if chart.kind in ("bar", "bar_line", "bar_target") else []
    if block is None or table is None or not table.rows or not bars:
        return None
    keys = [c.key for c in table.columns]
    value_col = block.left + keys.index(bars[0].column)
    category_col = block.left + keys.index(chart.category)
    rows = len(table.rows)
    title = chart.title
    if bars[0].error in keys:
        title = say("chart_interval_in_table", lang, series=bars[0].label, column=table.column(bars[0].error).label)
    return ChartSpec(title, "column_clustered", (block.top, value_col, rows + 1, 1),
                     (block.top + 1, category_col, rows, 1), (top, 1), height=CHART_ROWS * 15)


def report_layouts(model) -> list[SheetLayout]:
    """The report model as sheet layouts, blocks top to bottom with a blank row between."""
    layouts = []
    for sheet in model.sheets:
        title = model.title if sheet is model.sheets[0] else sheet.title
        blocks: list[Block] = [Block([[title]], top=1, title=True)]
        charts: list[ChartSpec] = []
        placed: dict[str, Block] = {}  # table key -> where it was written on this sheet
        top = 3
        for item in sheet.blocks:
            if item.kind == "chart":
                spec = chart_spec(model.charts[item.key], model.tables, placed, top, model.lang)
                if spec is not None:
                    charts.append(spec)
                    top += CHART_ROWS + 1
                continue
            if item.kind not in ("fields", "table"):  # a kind this layout does not know yet
                continue
            heading = item.title or (model.tables[item.key].title if item.kind == "table" else None)
            if heading:
                blocks.append(heading_block(heading, top))
                top += 1
            if item.kind == "fields":
                block = fields_block(model.fields[item.key], item.keys or (), top)
            else:
                block = table_block(model.tables[item.key], top)
                placed[item.key] = block
            blocks.append(block)
            top = block.bottom + 2
        widths = fit_widths([b for b in blocks if len(b.values) > 1 or b.width > 1], maximum=50)
        layouts.append(SheetLayout(report_sheet_name(sheet.title, model.lang), blocks, widths, charts=charts))
    return layouts


def add_report_sheets(book, lang: str | None = None):
    """Build report in a workbook: report sheets added (or rewritten); the first is shown.

    On input errors the findings sheet is shown instead and None returned.
    """
    lang = lang or book_actions.book_lang(book)
    survey, findings = book_actions.inspect_book(book)
    if survey is None:
        book_actions.show_findings(book, findings, lang)
        return None
    model = report_model(survey, lang)
    layouts = report_layouts(model)
    for layout in layouts:
        write_sheet(book, layout)
    first = book.sheets[layouts[0].name]
    first.activate()
    return model


def render_report_file(model, out: Path, inputs: Sequence[os.PathLike] = ()) -> Path:
    """The report file at ``out`` with the report's file renderer (atomic; never onto an input)."""
    from ..report import render_xlsx

    return render_xlsx(model, out, inputs=tuple(inputs))


# --- the template ----------------------------------------------------------------------------
#: Name of the JavaScript callback (addin/server/static/js/main.js) that opens a
#: workbook from base64 with Office.js' ``Excel.createWorkbook``.
OPEN_WORKBOOK_CALLBACK = "csatOpenWorkbook"


def scheme_source_file(book, folder: Path) -> Path | None:
    """The book's Scheme, Scales and Settings sheets as an .xlsx in ``folder`` (None without a Scheme).

    The template builder takes its scheme from a file; the open workbook's
    *current* sheets (saved or not) are what the user sees, so they are
    written out, each grid where it sits so messages name the real cells.
    """
    import openpyxl

    from ..tables import match_sheets

    tables = match_sheets(book_actions.book_tables(book), [])
    if "scheme" not in tables:
        return None
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for key in ("scheme", "scales", "settings"):
        if key in tables:
            table = tables[key]
            ws = wb.create_sheet(table.name)
            for i, row in enumerate(table.rows):
                for j, value in enumerate(row):
                    if value is not None:
                        cell = ws.cell(table.first_row + i, table.first_col + j, value)
                        if looks_like_formula(value):  # user text stays text
                            cell.data_type = "s"
    path = folder / f"scheme_of_{Path(str(book.name)).stem}.xlsx"
    from ..io.atomic import atomic_output

    with atomic_output(path) as temp:  # the one output path (a temporary folder here, but the same rules)
        wb.save(temp)
    return path


def template_workbook(book, lang: str):
    """The blank survey template (the template issue's builder), with the book's scheme if it has one.

    Raises :class:`~csat_xl.findings.InvalidInputError` when the book's
    Scheme, Scales or Settings sheets have errors.
    """
    from ..template import build_template

    with tempfile.TemporaryDirectory(prefix="csat-scheme-") as folder:
        return build_template(lang, scheme_source_file(book, Path(folder)))


def _cell_style_key(cell) -> tuple:
    fill = cell.fill.fgColor.rgb if cell.fill is not None and cell.fill.fill_type == "solid" else None
    color = f"#{fill[-6:]}" if isinstance(fill, str) and len(fill) >= 6 else None
    number_format = cell.number_format if cell.number_format not in (None, "General") else None
    return color, bool(cell.font and cell.font.b), number_format


def sheet_layout(ws) -> SheetLayout:
    """An openpyxl sheet as a layout: values, formulas kept as formulas, fills, bold, number formats, widths.

    Formats are taken per column as runs of rows with the same look, so a
    2,000-row input sheet costs a handful of format calls, not one per cell.
    """
    from openpyxl.utils import column_index_from_string

    rows: list[list[Any]] = []
    for row in ws.iter_rows():
        rows.append([FormulaText(c.value) if c.data_type == "f" and isinstance(c.value, str) else c.value for c in row])
    formats: list[Format] = []
    for col in range(ws.max_column):
        keys = [_cell_style_key(ws.cell(r + 1, col + 1)) for r in range(ws.max_row)]
        for start, length, (color, bold, number_format) in runs(keys):
            if color or bold or number_format:
                formats.append(Format(start, col, length, 1, color=color, bold=bold, number_format=number_format))
    widths = {column_index_from_string(letter): dim.width for letter, dim in ws.column_dimensions.items() if dim.width}
    return SheetLayout(ws.title, [Block(rows, top=1, formats=formats)], widths)


def add_template_sheets(book, lang: str | None = None) -> list[str] | None:
    """New template, xlwings Lite: the template's sheets added to the active workbook.

    Values, formulas, defined names, hidden helper sheets, fills, bold,
    number formats and column widths are carried over; sheet protection,
    dropdowns (data validation) and conditional formats are not (the file
    from ``csat-xl template`` or the other hosts has them).  Refuses to
    replace sheets the workbook already has.  On scheme errors the findings
    sheet is shown and None returned.
    """
    lang = lang or book_actions.book_lang(book)
    book_actions.ensure_free_sheet_names(book, None, lang)
    try:
        workbook = template_workbook(book, lang)
    except InvalidInputError as exc:
        book_actions.show_findings(book, exc.findings, lang)
        return None
    book_actions.ensure_free_sheet_names(book, workbook.sheetnames, lang)
    for ws in workbook.worksheets:
        sheet = write_sheet(book, sheet_layout(ws))
        if ws.sheet_state != "visible":
            sheet.visible = False
    for name, defined in workbook.defined_names.items():
        book.names.add(name, "=" + defined.attr_text)
    first = next(ws.title for ws in workbook.worksheets if ws.sheet_state == "visible")
    book.sheets[first].activate()
    return workbook.sheetnames


def open_template_workbook(book, lang: str | None = None) -> bytes | None:
    """New template, xlwings Server: open the template as a new workbook (Office.js ``createWorkbook``).

    The template file is sent whole (base64) to the add-in's
    ``csatOpenWorkbook`` callback, so it arrives exactly as ``csat-xl
    template`` writes it — protection, dropdowns and formats included.
    Returns the file's bytes; on scheme errors shows the findings and
    returns None.
    """
    lang = lang or book_actions.book_lang(book)
    try:
        workbook = template_workbook(book, lang)
    except InvalidInputError as exc:
        book_actions.show_findings(book, exc.findings, lang)
        return None
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    book.app.macro(OPEN_WORKBOOK_CALLBACK)(base64.b64encode(data).decode("ascii"))
    return data


def runs_in_browser() -> bool:
    """True in xlwings Lite (Pyodide): no server-side JavaScript callbacks to open a workbook."""
    return sys.platform == "emscripten"


def new_template_in_book(book, lang: str | None = None):
    """New template for Office.js hosts: a new workbook where the host can open one, else sheets."""
    if runs_in_browser():
        return add_template_sheets(book, lang)
    return open_template_workbook(book, lang)


def write_template_file(out: Path, lang: str, book=None) -> Path | None:
    """Classic desktop: the template file at ``out`` (atomic), with the book's scheme if it has one."""
    from ..template import write_template

    with tempfile.TemporaryDirectory(prefix="csat-scheme-") as folder:
        source = scheme_source_file(book, Path(folder)) if book is not None else None
        return write_template(out, lang=lang, scheme_source=source)
