"""The report template, loaded before the report data exists.

``csat-xl report`` reads its workbooks in a background thread
(:func:`csat_xl.io.readers.start_reading`): python-calamine parses with the
GIL released, so the command's own thread is free for a second or more on a
large workbook.  It spends that time importing the report modules and
loading the template with openpyxl (about 0.1 s for the shipped templates,
mostly their styles and merged cells) — work that otherwise waits for the
read and the model (docs/performance.md, Report).

The shipped template depends on the report's language, which for a plain
``csat-xl report WORKBOOK`` follows the workbook's own sheet names
(:func:`csat_xl.report.model.survey_language`) and so is known only after
the read.  :func:`workbook_language` guesses it beforehand from the sheet
names listed in the file; :func:`~csat_xl.report.render_xlsx.render_workbook`
uses the loaded template only when it is the one the model asks for and
loads the right one otherwise, so a wrong guess costs time, never a
different report.  A template that fails to load is not reported here: the
renderer loads it again and reports the failure in its usual place (after
the inputs' own errors).
"""

from __future__ import annotations

import html
import os
import re
import zipfile
from pathlib import Path

import openpyxl

from .. import labels
from ..text import match_key

#: At most this much of ``xl/workbook.xml`` is looked at for the guess (a hostile file may hold anything there).
_WORKBOOK_PART_LIMIT = 1 << 20
_SHEET_NAME = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"')


class LoadedTemplate:
    """An openpyxl workbook loaded from ``path`` for one rendering.

    ``requested`` is the ``template`` argument the renderer would otherwise
    get (None for the shipped template of the model's language).  Rendering
    fills the workbook in place, so :meth:`take` hands it out once.
    """

    def __init__(self, requested: Path | None, path: Path, book: openpyxl.Workbook):
        self.requested = requested
        self.path = path
        self._book: openpyxl.Workbook | None = book

    def take(self, path: Path) -> openpyxl.Workbook | None:
        """The loaded workbook if it is ``path``'s and not yet taken, else None."""
        if self._book is None or Path(path) != self.path:
            return None
        book, self._book = self._book, None
        return book


def load_template(requested: str | os.PathLike | None, lang: str) -> LoadedTemplate | None:
    """Load ``requested`` (else the shipped template of ``lang``); None when it cannot be loaded."""
    from .render_xlsx import default_template

    path = Path(requested) if requested is not None else default_template(lang)
    try:
        book = openpyxl.load_workbook(path)
    except Exception:  # noqa: BLE001 - reported by the renderer, which tries again
        return None
    return LoadedTemplate(Path(requested) if requested is not None else None, path, book)


def sheet_names(path: str | os.PathLike) -> list[str]:
    """The sheet names ``xl/workbook.xml`` lists, for a guess only: [] when anything is unusual."""
    try:
        with zipfile.ZipFile(path) as archive, archive.open("xl/workbook.xml") as part:
            xml = part.read(_WORKBOOK_PART_LIMIT)
        return [html.unescape(name.decode("utf-8")) for name in _SHEET_NAME.findall(xml)]
    except Exception:  # noqa: BLE001 - the reader reports damaged files; a guess just gives up
        return []


def workbook_language(path: str | os.PathLike) -> str | None:
    """``"zh"`` or ``"en"`` when more of the workbook's sheet names are the
    standard sheet names of one language than of the other, else None — the
    same vote as :func:`csat_xl.report.model.survey_language`, taken on the
    names in the file before it is read."""
    names = {match_key(name) for name in sheet_names(path)}
    votes = {lang: sum(match_key(label.text(lang)) in names for label in labels.SHEET.values()) for lang in ("zh", "en")}
    if votes["zh"] == votes["en"]:
        return None
    return max(votes, key=votes.get)
