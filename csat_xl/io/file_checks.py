"""What a workbook file says beyond its cell values (WORKBOOK.md v2).

- **Formula cells without a saved value.**  A file written by a program
  (openpyxl, a script) and never opened in a spreadsheet holds formulas but
  no cached results; both engines then read those cells as blank.  The sheet
  XML tells them apart (``<f>`` without a ``<v>`` value), so each sheet's
  :class:`~csat_xl.tables.Table` gets the count and the first such cell, and
  the parser warns once per sheet.  Both engines get the same marks, so their
  findings stay identical.
- **Excel's lock file** ``~$<name>.xlsx`` beside the input: the workbook is
  open in Excel, perhaps with unsaved changes the reader cannot see.

The scan streams each sheet part in blocks, so memory stays bounded by the
block size whatever the sheet's size.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping
from pathlib import Path

from ..findings import WARNING, Finding
from ..tables import Table

_BLOCK = 1 << 20
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(/?)>(?:(.*?)</(?:\w+:)?c>)?", re.S)
_FORMULA = re.compile(rb"<(?:\w+:)?f\b")
_VALUE = re.compile(rb"<(?:\w+:)?v>[^<]")
_CELL_END = re.compile(rb"</(?:\w+:)?c>|/>")
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')


def _column_index(letters: bytes) -> int:
    col = 0
    for ch in letters:
        col = col * 26 + ch - 64
    return col


def uncached_formula_cells(path: Path) -> dict[str, tuple[int, tuple[int, int] | None]]:
    """Per sheet name: (count of formula cells without a saved value, first
    such cell as 0-based (row, col)).  Sheets without any are left out."""
    from .readers import _sheet_parts

    out: dict[str, tuple[int, tuple[int, int] | None]] = {}
    with zipfile.ZipFile(path) as archive:
        for name, part in _sheet_parts(archive).items():
            count, first = 0, None
            tail = b""
            with archive.open(part) as stream:
                while block := stream.read(_BLOCK):
                    data = tail + block
                    # Only whole cells are scanned; the rest waits for the next block.
                    ends = list(_CELL_END.finditer(data))
                    cut = ends[-1].end() if ends else 0
                    data, tail = data[:cut], data[cut:]
                    if not _FORMULA.search(data):
                        continue
                    for match in _CELL.finditer(data):
                        body = match.group(3)
                        if not body or not _FORMULA.search(body) or _VALUE.search(body):
                            continue
                        count += 1
                        if first is None and (ref := _REF.search(match.group(1))):
                            first = (int(ref.group(2)) - 1, _column_index(ref.group(1)) - 1)
            if count:
                out[name] = (count, first)
    return out


def mark_uncached_formulas(path: Path, tables: Mapping[str, Table]) -> None:
    """Record on each table how many formula cells have no saved value.

    ``first_uncached`` is made relative to the table's grid (which starts at
    its ``first_row``/``first_col``).
    """
    if Path(path).suffix.lower() not in (".xlsx", ".xlsm"):
        return
    for name, (count, first) in uncached_formula_cells(Path(path)).items():
        table = tables.get(name)
        if table is None:
            continue
        table.uncached_formulas = count
        if first is not None:
            table.first_uncached = (first[0] - table.first_row + 1, first[1] - table.first_col + 1)


def lock_file(path: Path) -> Path | None:
    """Excel's lock file for ``path`` (``~$name.xlsx`` beside it), if present."""
    path = Path(path)
    candidate = path.with_name("~$" + path.name)
    return candidate if candidate.exists() else None


def file_findings(path: Path) -> list[Finding]:
    """Findings about the file itself (before any sheet is parsed)."""
    lock = lock_file(path)
    if lock is None:
        return []
    return [Finding(WARNING, "lock_file", None, None, Path(path).name, {"lock": lock.name})]
