"""The survey period as dates: where "at the period end" is (ANALYSES.md §2–3).

Overdue complaints and actions are judged at the end of the period.  The
period end is

1. the last day of the period named by the 期间 / period setting, when it
   names one: ``2026Q2`` / ``2026-Q2`` / ``2026年第二季度`` (a quarter),
   ``2026H1`` / ``2026年上半年`` (a half year), ``2026-05`` / ``2026年5月``
   (a month), ``2026`` / ``2026年`` (a year);
2. otherwise the latest date found in the handling data (complaint receipt,
   response and closing dates; action created and done dates — not due
   dates, which lie in the future by design);
3. otherwise unknown (None): nothing is overdue.

The choice is shown on the report next to the figures it affects.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..text import normalize

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_PATTERNS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"^(\d{4})\s*(?:年)?\s*[-_ ]?\s*(?:q|第)\s*([1-4一二三四])\s*(?:季度|季)?$"), "quarter"),
    (re.compile(r"^(\d{4})\s*[-_ ]?\s*h\s*([12])$"), "half"),
    (re.compile(r"^(\d{4})\s*年?\s*([上下])半年$"), "half"),
    (re.compile(r"^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*月?$"), "month"),
    (re.compile(r"^(\d{4})\s*年?(?:度)?$"), "year"),
]


@dataclass(frozen=True)
class Period:
    """First and last day of the period, and where the end came from
    (``"setting"``: the 期间 setting; ``"data"``: the latest date found)."""

    start: pd.Timestamp | None
    end: pd.Timestamp | None
    source: str | None

    def months(self) -> list[pd.Period]:
        if self.start is None or self.end is None:
            return []
        return list(pd.period_range(self.start, self.end, freq="M"))


def parse_period(text: str | None) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """First and last day of the period named by ``text`` (None when it names none)."""
    if not text:
        return None
    key = normalize(str(text)).casefold()
    for pattern, kind in _PATTERNS:
        match = pattern.match(key)
        if not match:
            continue
        year = int(match.group(1))
        if kind == "year":
            first, months = 1, 12
        elif kind == "quarter":
            first, months = 3 * (_CN_DIGITS[match.group(2)] - 1) + 1, 3
        elif kind == "half":
            half = match.group(2)
            first, months = (1 if half in ("1", "上") else 7), 6
        else:
            first, months = int(match.group(2)), 1
            if not 1 <= first <= 12:
                return None
        start = pd.Timestamp(year=year, month=first, day=1)
        end = start + pd.DateOffset(months=months) - pd.Timedelta(days=1)
        return start, end
    return None


def survey_period(period_setting: str | None, dates: Iterable[np.ndarray]) -> Period:
    """The :class:`Period` of a survey: from the setting, else from the latest of ``dates``."""
    named = parse_period(period_setting)
    if named:
        return Period(named[0], named[1], "setting")
    found = [np.asarray(d, dtype="datetime64[ns]") for d in dates]
    found = [d[~np.isnat(d)] for d in found]
    found = [d for d in found if d.size]
    if not found:
        return Period(None, None, None)
    first = pd.Timestamp(min(d.min() for d in found)).normalize()
    last = pd.Timestamp(max(d.max() for d in found)).normalize()
    return Period(first, last, "data")
