"""Text normalisation shared by every reader and matcher.

Users type labels with full-width digits, stray spaces and mixed case; the
method says labels match after Unicode NFKC normalisation and trimming, and
English aliases case-insensitively — never by fuzzy guessing.  All matching in
csat-xl goes through :func:`match_key`, so the rule lives here only.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

_WHITESPACE = re.compile(r"\s+")

#: Values Excel caches for a formula that failed.
EXCEL_ERRORS = frozenset(
    {"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA",
     "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#PYTHON!", "#EXTERNAL!"}
)
#: Any other error code a newer Excel may cache: ``#`` + capitals + ``!`` or ``?``.
_EXCEL_ERROR_SHAPE = re.compile(r"#[A-Z][A-Z0-9_/]*[!?]")

#: Numbers beyond this magnitude are refused (WORKBOOK.md v2): no weight,
#: score or setting is ever that large, and sums of them would overflow.
NUMBER_LIMIT = 1e15
#: "1,000" and "12,345.5": thousands separators in groups of three only, so
#: that "1,5" is not silently read as 15.
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")

#: Leading characters that make a spreadsheet treat text as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def normalize(text: str) -> str:
    """NFKC-normalise and trim ``text`` (full-width digits become ASCII)."""
    return unicodedata.normalize("NFKC", text).strip()


def match_key(text: Any) -> str:
    """The key two labels must share to match: NFKC, case-folded, no whitespace.

    Whitespace is dropped entirely because users put stray spaces inside
    Chinese labels ("很 满意"); no two labels of any scale differ only by it.
    """
    if type(text) is str and text.isascii():  # NFKC is the identity on ASCII, casefold is lower
        return "".join(text.split()).lower()
    return _WHITESPACE.sub("", normalize(str(text)).casefold())


def is_blank(value: Any) -> bool:
    """True for an empty cell: ``None``, ``""`` (Office.js), whitespace, NaN."""
    if isinstance(value, str):  # first: nearly every distinct value of a big sheet
        return not value.strip()
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return False


def is_excel_error(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    text = value.strip().upper()
    return text in EXCEL_ERRORS or _EXCEL_ERROR_SHAPE.fullmatch(text) is not None


def as_number(value: Any, *, percent: float | None = None) -> float | None:
    """The number a cell holds, or None.

    Numeric text counts: full-width digits, surrounding spaces, thousands
    separators ("1,000").  With ``percent`` a trailing ``%`` is accepted and
    the number multiplied by it: ``percent=1`` where a value is in points
    ("40%" weight = 40), ``percent=0.01`` where it is a share ("60%" = 0.6).
    Not finite or beyond ±:data:`NUMBER_LIMIT` is None: the caller reports
    the cell like any other bad value, never an overflow.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        text = normalize(value)
        factor = 1.0
        if percent is not None and text.endswith("%"):
            text, factor = text[:-1].rstrip(), percent
        if "," in text:
            if not _GROUPED.fullmatch(text):
                return None
            text = text.replace(",", "")
        try:
            number = float(text) * factor
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) and abs(number) <= NUMBER_LIMIT else None


_INTEGRAL_TEXT = re.compile(r"[+-]?\d+\.0+")


def customer_key(value: Any) -> str | None:
    """Canonical customer ID: ``1001``, ``1001.0`` and ``"1001"`` are one customer."""
    if isinstance(value, str):
        if not value.strip():
            return None
        # NFKC is the identity on ASCII (most IDs): trimming is all they need.
        text = value.strip() if value.isascii() else normalize(value)
    elif is_blank(value):
        return None
    elif isinstance(value, bool):
        return str(value)
    elif isinstance(value, float) and value.is_integer():
        return str(int(value))
    elif isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    elif isinstance(value, datetime):
        return value.isoformat(sep=" ")
    elif isinstance(value, date):
        return value.isoformat()
    else:
        text = normalize(str(value))
    # "1001.0" typed as text is still customer 1001.
    return text.split(".")[0] if "." in text and _INTEGRAL_TEXT.fullmatch(text) else text


def id_fold(key: str | None) -> str | None:
    """What two customer IDs (already :func:`customer_key`) must share to be
    one customer: case folded, as Excel's own lookups compare (``c1001`` is
    ``C1001``)."""
    return None if key is None else key.casefold()


def display(value: Any) -> str:
    """A cell value as a user would recognise it in a message."""
    if value is None:
        return "(blank)"
    if isinstance(value, float) and value.is_integer() and abs(value) <= NUMBER_LIMIT:
        return str(int(value))
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def join_labels(labels: Iterable[str], limit: int = 6) -> str:
    labels = list(labels)
    shown = ", ".join(labels[:limit])
    return shown + (", …" if len(labels) > limit else "")


def looks_like_formula(value: Any) -> bool:
    """True for user text a spreadsheet could evaluate (``=``, ``+``, ``-``, ``@``, tab, CR).

    Writers store such text as an explicit string cell so it is never
    evaluated; this predicate is the one place that says which text is risky.
    """
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
