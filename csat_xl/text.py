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
    {"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA"}
)

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
    return isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS


def as_number(value: Any) -> float | None:
    """The number a cell holds, or None.  Numeric text (also full-width) counts."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            number = float(normalize(value).replace(",", ""))
        except ValueError:
            return None
        return None if math.isnan(number) or math.isinf(number) else number
    return None


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


def display(value: Any) -> str:
    """A cell value as a user would recognise it in a message."""
    if value is None:
        return "(blank)"
    if isinstance(value, float) and value.is_integer():
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
