"""What a stored cell value means when it does not fit its type — one rule for both engines.

A cell's ``t`` attribute says how to read its ``<v>``: a number (no ``t``,
or ``t="n"``), a shared-string index (``s``), TRUE/FALSE (``b``), an ISO
date (``d``), an error code (``e``), a formula's text (``str``) or inline
text (``inlineStr``).  A damaged or hand-edited file can store a value its
type does not allow.  python-calamine, the default engine, reads some such
cells and refuses others, where openpyxl refused nearly all of them, so a
file read with one engine could be refused by the other.  Both engines now
end the same way, python-calamine's way:

- a number cell without ``t`` holding text (``abc``, ``1,000``, ``#DIV/0!``
  without ``t="e"``) is read as that text, so it is reported like any text
  in a number column (with its cell); with an explicit ``t="n"`` it is damage;
- a date cell (``t="d"``) holding no valid ISO 8601 date, time or date-time
  (``2026-13-45``, ``x``) is read as that text (a date column then warns
  with its cell);
- a TRUE/FALSE cell holding anything but 0, 1, true or false, a
  shared-string index that is not an index of the shared strings, and an
  unknown type are damage: the workbook is refused (exit 2) naming the cell
  (:class:`DamagedCell`, turned into a ``damaged_cell``
  :class:`~csat_xl.io.archive.WorkbookReadError` by the reader).

openpyxl applies these rules in :class:`~csat_xl.io.readers` (its cell
parser); for python-calamine, which only says "Unrecognized boolean cell
value: 2", :func:`first_damaged_cell` finds the cell in the sheet XML — on
that error path only, so reading a sound file costs nothing more.
``tests/test_damaged_cells.py`` reads the same cells with both engines.
"""

from __future__ import annotations

import datetime
import re

#: a number as python-calamine parses it (Rust's f64 grammar): no spaces, no "_", ASCII digits
_NUMBER = re.compile(r"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)", re.I | re.ASCII)
_BOOLEANS = {"0": False, "1": True, "false": False, "true": True}
_INDEX = re.compile(r"\d+", re.ASCII)
#: ISO 8601 as python-calamine (chrono) reads a t="d" value: "T" → date-time, ":" → time, else date
_DATETIME = re.compile(r"\s*[+-]?(\d{4})-(\d{1,2})-(\d{1,2})T(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d+))?\s*", re.ASCII)
_TIME = re.compile(r"\s*(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d+))?)?\s*", re.ASCII)
_DATE = re.compile(r"\s*[+-]?(\d{4})-(\d{1,2})-(\d{1,2})\s*", re.ASCII)
#: types whose value is read as stored
TEXT_TYPES = ("str", "inlineStr", "e")

#: what a damaged cell's type is called in messages, by language
TYPE_NAMES = {
    "n": {"en": "number", "zh": "数字"},
    "b": {"en": "TRUE/FALSE", "zh": "逻辑值"},
    "s": {"en": "shared text", "zh": "共享文本"},
}


class DamagedCell(Exception):
    """A cell whose stored value its type does not allow (``ref`` is like ``C7``, or empty)."""

    def __init__(self, ref: str, kind: str, value: str):
        self.ref, self.kind, self.value = ref, kind, value
        super().__init__(f"{ref}: t={kind!r} value {value!r}")


def number_value(raw: str, explicit: bool) -> float | str:
    """A number cell's value: the float, or (without an explicit ``t="n"``) the text as stored."""
    if _NUMBER.fullmatch(raw):
        return float(raw)
    if explicit:
        raise DamagedCell("", "n", raw)
    return raw


def boolean_value(raw: str) -> bool:
    value = _BOOLEANS.get(raw.strip().lower())
    if value is None:
        raise DamagedCell("", "b", raw)
    return value


def shared_index(raw: str, count: int) -> int:
    """The index of a ``t="s"`` cell, proven to exist among ``count`` shared strings."""
    if not _INDEX.fullmatch(raw) or int(raw) >= count:
        raise DamagedCell("", "s", raw)
    return int(raw)


def _micro(fraction: str | None) -> int:
    return int((fraction or "0").ljust(6, "0")[:6])


def date_value(raw: str) -> datetime.date | datetime.datetime | datetime.time | str:
    """A ``t="d"`` cell's value: a date, date-time or time, or the text as stored when it is none."""
    try:
        if "T" in raw:
            m = _DATETIME.fullmatch(raw)
            if m:
                y, mo, d, h, mi, s = (int(g) for g in m.groups()[:6])
                return datetime.datetime(y, mo, d, h, mi, min(s, 59), _micro(m.group(7)))
        elif ":" in raw:
            m = _TIME.fullmatch(raw)
            if m:
                return datetime.time(int(m.group(1)), int(m.group(2)), min(int(m.group(3) or 0), 59), _micro(m.group(4)))
        else:
            m = _DATE.fullmatch(raw)
            if m:
                return datetime.date(*(int(g) for g in m.groups()))
    except ValueError:  # month 13, hour 25 …: not a date
        pass
    return raw


def check_value(kind: str, raw: str, shared_count: int) -> None:
    """Raise :class:`DamagedCell` when a cell of type ``kind`` cannot hold ``raw``."""
    if kind == "n":
        number_value(raw, explicit=True)
    elif kind == "b":
        boolean_value(raw)
    elif kind == "s":
        shared_index(raw, shared_count)
    elif kind not in TEXT_TYPES and kind != "d":
        raise DamagedCell("", kind, raw)


_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(/?)>")
_ATTR_T = re.compile(rb'\st="([^"]*)"')
_ATTR_R = re.compile(rb'\sr="([A-Z]{1,3}\d{1,7})"')
_CELL_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>|</(?:\w+:)?c>")


def first_damaged_cell(data: bytes, shared_count: int) -> DamagedCell | None:
    """The first cell of a sheet's XML that :func:`check_value` refuses (the error path of python-calamine)."""
    from xml.sax.saxutils import unescape

    for cell in _CELL.finditer(data):
        kind = _ATTR_T.search(cell.group(1))
        kind = kind.group(1).decode("utf-8", "replace") if kind else None
        if kind is None or kind in TEXT_TYPES or kind == "d" or cell.group(2):
            continue
        value = _CELL_VALUE.search(data, cell.end())
        if value is None or value.group(1) is None:
            continue  # no value: blank
        raw = unescape(value.group(1).decode("utf-8", "replace"))
        if not raw:
            continue
        try:
            check_value(kind, raw, shared_count)
        except DamagedCell as damaged:
            ref = _ATTR_R.search(cell.group(1))
            damaged.ref = ref.group(1).decode() if ref else ""
            return damaged
    return None
