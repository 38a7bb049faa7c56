"""The button actions on an open workbook, the same in every Excel host.

Each action reads the active workbook's sheets through xlwings' ``Book`` API
(:func:`book_tables`), hands them to the core parser and scoring
(:func:`csat_xl.tables.inspect_tables`, :func:`csat_xl.scoring.score`) and
writes its answer back into sheets of the same workbook with
:mod:`~csat_xl.actions.book_renderer`.  No rule of the method is written
here; these functions only move cells in and out.

``validate``
    every finding (cell, value, reason) on the findings sheet, which is
    selected; "no problems" when there are none.
``refresh_results``
    the per-customer results table on the results sheet; on errors the
    findings sheet instead (nothing else is touched).

Build report and New template live in :mod:`csat_xl.actions.documents`.
"""

from __future__ import annotations

import re
from typing import Any

from .. import labels
from ..findings import ERROR, INFO, WARNING, CsatError, Finding, severity_label
from ..i18n import t
from ..scoring import Scores, score
from ..survey import Survey
from ..tables import Table, inspect_tables
from . import texts
from .book_renderer import Block, Format, FormulaText, SheetLayout, fit_widths, runs, write_sheet

#: Fill of a finding's row by severity: errors red, warnings amber, notes none.
SEVERITY_FILL = {ERROR: "#F8CBAD", WARNING: "#FFE699", INFO: None}
_SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}

#: Results columns (labels.RESULT_COLUMNS keys) holding scores, shown with 2 decimals.
SCORE_COLUMNS = ("questionnaire", "visit", "preliminary", "adjustment", "final")
SCORE_FORMAT = "0.00"


# --- reading ----------------------------------------------------------------------
def book_tables(book) -> dict[str, Table]:
    """The survey sheets of ``book`` as :class:`Table` s.

    Only sheets the reader would take are read (the parser ignores all
    others anyway): report and result sheets, or a template's formula and
    helper sheets, can be far larger than the survey and cost time to
    convert.  The grid is the sheet's used range, placed where it sits so
    findings name the real cells (``问卷!F7``).  Cached formula errors are
    read as their text (``#N/A``) so they are reported, never taken for blanks.
    """
    out: dict[str, Table] = {}
    for sheet in book.sheets:
        if not texts.is_survey_sheet(sheet.name):
            continue
        used = sheet.used_range
        rows = used.options(ndim=2, err_to_str=True).value or [[]]
        out[sheet.name] = Table(sheet.name, [list(r) for r in rows], first_row=used.row, first_col=used.column)
    return out


def book_lang(book) -> str:
    return texts.workbook_lang(sheet.name for sheet in book.sheets)


def inspect_book(book) -> tuple[Survey | None, list[Finding]]:
    """Parse the open workbook: ``(survey or None on errors, findings)``."""
    survey, findings = inspect_tables(book_tables(book), source=book.name, whole_workbook=True)
    if survey is not None:
        survey.meta.update({"file_name": book.name})
    return survey, findings


# --- findings -------------------------------------------------------------------------
def _counts(findings: list[Finding]) -> dict[str, int]:
    return {s: sum(1 for f in findings if f.severity == s) for s in (ERROR, WARNING, INFO)}


_A1_ADDRESS = re.compile(r"\$?[A-Z]{1,3}\$?[0-9]{1,7}")


def _string_literal(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def cell_link(cell: str) -> Any:
    """``问卷!F7`` as a link that jumps to that cell when clicked.

    A ``HYPERLINK`` formula of our own making: the sheet name (user text)
    only appears inside string literals, escaped, so it is never evaluated.
    A reference that is not ``sheet!A1`` stays plain text.
    """
    sheet, _, address = cell.rpartition("!")
    if not sheet or not _A1_ADDRESS.fullmatch(address):
        return cell
    if len(sheet) > 1 and sheet[0] == sheet[-1] == "'":
        sheet = sheet[1:-1].replace("''", "'")
    target = "#'" + sheet.replace("'", "''") + "'!" + address
    return FormulaText(f"=HYPERLINK({_string_literal(target)},{_string_literal(cell)})")


def findings_layout(findings: list[Finding], lang: str, book_name: str) -> SheetLayout:
    """The findings sheet: title, summary line, then one row per finding, errors first."""
    ordered = sorted(findings, key=lambda f: _SEVERITY_ORDER[f.severity])
    counts = _counts(ordered)
    summary = t("findings_summary", lang, errors=counts[ERROR], warnings=counts[WARNING], infos=counts[INFO]) if ordered else t("no_problems", lang)
    head = Block([[texts.say("findings_title", lang, book=book_name)], [summary]], top=1, title=True)
    rows: list[list[Any]] = [[c.text(lang) for c in texts.FINDING_COLUMNS]]
    for f in ordered:
        value = f.value if isinstance(f.value, (str, int, float)) or f.value is None else str(f.value)
        rows.append([severity_label(f.severity, lang), f.sheet, f.location(), value, f.message(lang)])
    widths = fit_widths([Block(rows, top=4)], maximum=80)  # as shown: the links show the address
    for row, f in zip(rows[1:], ordered):
        if f.cell:
            row[2] = cell_link(f.cell)
    fills = [
        Format(1 + start, 0, length, 1, color=SEVERITY_FILL[severity])
        for start, length, severity in runs([f.severity for f in ordered])
        if SEVERITY_FILL[severity]
    ]
    # the cell column holds links (formulas): it must not be text-formatted
    table = Block(rows, top=4, header_rows=1, text_columns=(1, 3), formats=fills)
    return SheetLayout(texts.FINDINGS_SHEET.text(lang), [head, table], widths, select="A1")


def show_findings(book, findings: list[Finding], lang: str):
    """Write the findings sheet and select it."""
    return write_sheet(book, findings_layout(findings, lang, book.name), activate=True)


def validate(book, lang: str | None = None) -> list[Finding]:
    """Every finding of the workbook on the findings sheet (selected); returns them.

    Like ``csat-xl validate``: parsing findings, plus the scoring findings
    when the workbook can be scored.
    """
    lang = lang or book_lang(book)
    survey, findings = inspect_book(book)
    if survey is not None:
        findings = [*findings, *score(survey).findings]
    show_findings(book, findings, lang)
    return findings


# --- results ----------------------------------------------------------------------------
def results_layout(scores: Scores, lang: str) -> SheetLayout:
    """The per-customer results table: one header row, one row per customer."""
    keys = [c.key for c in labels.RESULT_COLUMNS]
    rows: list[list[Any]] = [[c.text(lang) for c in labels.RESULT_COLUMNS]]
    for rec in scores.records():
        grade = labels.grade_text(rec["grade_key"], lang)
        flags = texts.join(lang, labels.flag_texts(rec["flags"], lang))
        values = {**rec, "grade": grade, "flags": flags or None}
        rows.append([values[k] for k in keys])
    formats = {keys.index(k): SCORE_FORMAT for k in SCORE_COLUMNS}
    table = Block(rows, top=1, header_rows=1, column_formats=formats, text_columns=(keys.index("customer_id"), keys.index("customer_name")))
    return SheetLayout(texts.RESULTS_SHEET.text(lang), [table], fit_widths([table]), select="A1")


def refresh_results(book, lang: str | None = None) -> Scores | None:
    """Write the results sheet; on errors show the findings instead and return None."""
    lang = lang or book_lang(book)
    survey, findings = inspect_book(book)
    if survey is None:
        show_findings(book, findings, lang)
        return None
    scores = score(survey)
    write_sheet(book, results_layout(scores, lang), activate=True)
    return scores


# --- template -------------------------------------------------------------------------------
def ensure_free_sheet_names(book, sheet_names: list[str] | None, lang: str) -> None:
    """Refuse to add template sheets over existing ones (they would be overwritten).

    With ``sheet_names`` None, any survey sheet (指标, 问卷 … in either
    language) counts — a cheap check before the template is built.
    """
    if sheet_names is None:
        clash = [sheet.name for sheet in book.sheets if texts.is_survey_sheet(sheet.name)]
    else:
        present = {sheet.name for sheet in book.sheets}
        clash = [name for name in sheet_names if name in present]
    if clash:
        raise CsatError(texts.say("template_sheets_exist", lang, names=texts.join(lang, clash)))
