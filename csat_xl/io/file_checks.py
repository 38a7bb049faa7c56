"""What a workbook file says beyond its cell values (WORKBOOK.md v2).

- **Formula cells without a saved value.**  A file written by a program
  (openpyxl, a script) and never opened in a spreadsheet holds formulas but
  no cached results; both engines then read those cells as blank.  The sheet
  XML tells them apart (``<f>`` without a ``<v>`` value): the reader's one
  pass over each sheet (:meth:`csat_xl.io.archive.Archive.inspect_sheet`)
  counts them, each sheet's :class:`~csat_xl.tables.Table` gets the count
  and the first such cell, and the parser warns once per sheet.  Both
  engines get the same marks, so their findings stay identical.
- **Excel's lock file** ``~$<name>.xlsx`` beside the input: the workbook is
  open in Excel, perhaps with unsaved changes the reader cannot see.
"""

from __future__ import annotations

from pathlib import Path

from ..findings import WARNING, Finding


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
