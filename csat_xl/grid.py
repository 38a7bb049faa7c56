"""A sheet's cells as a grid: what the readers hand the parser (:mod:`csat_xl.tables`).

Kept free of pandas so the file readers (:mod:`csat_xl.io.readers`) can start
reading a workbook before pandas and the parser are imported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .text import column_letter

_SHEET_NAME_NEEDS_QUOTES = re.compile(r"[^\w\u4e00-\u9fff]")


@dataclass
class Table:
    """A sheet's cells as a grid of Python values, and how to name a cell.

    ``rows[0][0]`` is the cell at (``first_row``, ``first_col``), 1-based.
    With ``style="a1"`` cells are named like ``问卷!F7``; with
    ``style="position"`` (ranges handed to Excel functions) like
    ``questionnaire row 3, column 2 (包装)``.  ``uncached_formulas`` counts
    formula cells the file holds without a saved value (read as blank), and
    ``first_uncached`` is the first of them (0-based row, column of ``rows``).
    """

    name: str
    rows: list[list[Any]]
    first_row: int = 1
    first_col: int = 1
    style: str = "a1"
    uncached_formulas: int = 0
    first_uncached: tuple[int, int] | None = None

    def ref(self, row: int, col: int, header: str | None = None) -> str:
        if self.style == "position":
            where = f"{self.name} row {row + 1}, column {col + 1}"
            return f"{where} ({header})" if header else where
        return f"{self._sheet_prefix()}!{column_letter(self.first_col + col)}{self.first_row + row}"

    def rows_ref(self, first: int, last: int) -> str:
        """Whole rows ``first``–``last`` (0-based), as Excel names them (``问卷!1:2``)."""
        if self.style == "position":
            return f"{self.name} row {first + 1}" if first == last else f"{self.name} rows {first + 1}–{last + 1}"
        return f"{self._sheet_prefix()}!{self.first_row + first}:{self.first_row + last}"

    def _sheet_prefix(self) -> str:
        return f"'{self.name}'" if _SHEET_NAME_NEEDS_QUOTES.search(self.name) else self.name
