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

Charts of the model are drawn by the file renderer only; in a workbook the
chart's data is the table next to it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ..report.render_xlsx import GRADE_COLORS
from . import book_actions, texts
from .book_actions import SEVERITY_FILL
from .book_renderer import Block, Format, SheetLayout, fit_widths, runs, write_sheet

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


def report_layouts(model) -> list[SheetLayout]:
    """The report model as sheet layouts, blocks top to bottom with a blank row between."""
    layouts = []
    for sheet in model.sheets:
        title = model.title if sheet is model.sheets[0] else sheet.title
        blocks: list[Block] = [Block([[title]], top=1, title=True)]
        top = 3
        for item in sheet.blocks:
            if item.kind not in ("fields", "table"):  # charts: drawn by the file renderer only
                continue
            heading = item.title or (model.tables[item.key].title if item.kind == "table" else None)
            if heading:
                blocks.append(heading_block(heading, top))
                top += 1
            if item.kind == "fields":
                block = fields_block(model.fields[item.key], item.keys or (), top)
            else:
                block = table_block(model.tables[item.key], top)
            blocks.append(block)
            top = block.bottom + 2
        widths = fit_widths([b for b in blocks if len(b.values) > 1 or b.width > 1], maximum=50)
        layouts.append(SheetLayout(report_sheet_name(sheet.title, model.lang), blocks, widths))
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
def template_workbook(lang: str, scheme_source=None):
    """The blank survey template as an openpyxl workbook (the template issue's builder)."""
    from ..template import build_template

    return build_template(lang, scheme_source)


def template_layouts(workbook) -> list[SheetLayout]:
    """Each template sheet as a layout: its values, header row bold, its column widths."""
    from openpyxl.utils import column_index_from_string

    layouts = []
    for ws in workbook.worksheets:
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        widths = {column_index_from_string(letter): dim.width for letter, dim in ws.column_dimensions.items() if dim.width}
        layouts.append(SheetLayout(ws.title, [Block(rows, top=1, header_rows=1 if rows else 0)], widths))
    return layouts


def add_template_sheets(book, lang: str | None = None) -> list[str]:
    """New template in a workbook: the template's sheets added; refuses to replace existing ones."""
    lang = lang or book_actions.book_lang(book)
    layouts = template_layouts(template_workbook(lang))
    book_actions.ensure_no_survey_sheets(book, [layout.name for layout in layouts], lang)
    for layout in layouts:
        write_sheet(book, layout)
    book.sheets[layouts[0].name].activate()
    return [layout.name for layout in layouts]


def write_template_file(out: Path, lang: str, scheme_source=None) -> Path:
    """The blank template file at ``out`` (atomically, by the template issue's writer)."""
    from ..template import write_template

    write_template(out, lang=lang, scheme_source=scheme_source)
    return out

