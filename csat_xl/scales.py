"""Answer scales: labels and the scores they stand for (METHOD.md §2).

Every item score is on 0–100.  A cell holds either a number in 0–100 or a
label of the item's scale.  The default scale is the method's five-grade scale
(很满意 95 … 不满意 30, with English aliases); the Scales sheet may override its
values or define new scales.  :func:`to_scores` turns a whole column of raw
cells into scores at once, resolving each *distinct* raw value only once, so a
million-row column costs a hash per cell rather than a Python call per cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from . import labels
from .text import as_number, is_blank, is_excel_error, match_key

#: Problem codes a cell can have (see :data:`csat_xl.findings.MESSAGES`).
NOT_ON_SCALE, OUT_OF_RANGE, CACHED_ERROR, NOT_A_SCORE = "not_on_scale", "out_of_range", "cached_error", "not_a_score"


@dataclass(frozen=True)
class Scale:
    """A named list of labels with their 0–100 values.

    ``aliases`` maps extra spellings (English names of the five grades) to a
    label.  Matching uses :func:`csat_xl.text.match_key`: NFKC, trimmed,
    case-insensitive, whitespace-insensitive; never fuzzy.
    """

    name: str
    values: Mapping[str, float]
    aliases: Mapping[str, str] = field(default_factory=dict)

    @cached_property
    def _lookup(self) -> dict[str, float]:
        table = {match_key(label): float(value) for label, value in self.values.items()}
        for alias, label in self.aliases.items():
            table.setdefault(match_key(alias), float(self.values[label]))
        return table

    @property
    def labels(self) -> list[str]:
        return list(self.values)

    def value_of(self, label: Any) -> float | None:
        """The value of ``label`` on this scale, or None when it is not on it."""
        return self._lookup.get(match_key(label))

    def resolve(self, raw: Any) -> tuple[float, str | None]:
        """Score of one raw cell: ``(score, None)``, ``(nan, None)`` for a blank,
        or ``(nan, problem_code)``."""
        if is_blank(raw):
            return np.nan, None
        if is_excel_error(raw):
            return np.nan, CACHED_ERROR
        number = as_number(raw)
        if number is not None:
            return (number, None) if 0.0 <= number <= 100.0 else (np.nan, OUT_OF_RANGE)
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            return np.nan, OUT_OF_RANGE  # beyond ±1e15 or not finite
        if isinstance(raw, str):
            value = self.value_of(raw)
            return (value, None) if value is not None else (np.nan, NOT_ON_SCALE)
        return np.nan, NOT_A_SCORE


def five_grade(overrides: Mapping[str, float] | None = None) -> Scale:
    """The five-grade scale, with values overridden by grade key where given."""
    overrides = overrides or {}
    values = {g.zh: float(overrides.get(g.key, g.value)) for g in labels.GRADES}
    aliases = {g.en: g.zh for g in labels.GRADES}
    return Scale(labels.FIVE_GRADE_SCALE.zh, values, aliases)


def grade_key_of(label: Any) -> str | None:
    """The grade key (``"satisfied"``) of a five-grade label in either language."""
    key = match_key(label)
    for grade in labels.GRADES:
        if key in (match_key(grade.zh), match_key(grade.en)):
            return grade.key
    return None


@dataclass(frozen=True)
class ScaleSet:
    """All scales of a workbook; the five-grade scale is always present."""

    five: Scale = field(default_factory=five_grade)
    custom: Mapping[str, Scale] = field(default_factory=dict)

    def get(self, name: Any) -> Scale | None:
        if is_blank(name):
            return self.five
        key = match_key(name)
        if key in {match_key(n) for n in labels.FIVE_GRADE_SCALE.names}:
            return self.five
        for scale in self.custom.values():
            if match_key(scale.name) == key:
                return scale
        return None

    @property
    def names(self) -> list[str]:
        return [self.five.name, *(s.name for s in self.custom.values())]

    def all(self) -> list[Scale]:
        return [self.five, *self.custom.values()]


def to_scores(values: Sequence[Any] | pd.Series | np.ndarray, scale: Scale) -> tuple[np.ndarray, np.ndarray]:
    """Resolve a column of raw cells against ``scale``.

    Returns ``(scores, problems)``: float64 scores (NaN for blanks and bad
    cells) and an object array holding a problem code or None per cell.
    """
    array = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else np.asarray(values, dtype=object)
    if array.size == 0:
        return np.empty(0), np.empty(0, dtype=object)
    return resolve_codes(*pd.factorize(array, use_na_sentinel=True), scale)


def resolve_codes(codes: np.ndarray, uniques: np.ndarray, scale: Scale) -> tuple[np.ndarray, np.ndarray]:
    """:func:`to_scores` of a factorised column (codes, -1 for None/NaN, and
    its distinct values): each distinct value is resolved once."""
    resolved = np.empty(len(uniques) + 1, dtype=np.float64)
    problems = np.empty(len(uniques) + 1, dtype=object)
    for i, raw in enumerate(uniques):
        resolved[i], problems[i] = scale.resolve(raw)
    # index -1 (the sentinel for None/NaN) picks the trailing blank slot
    resolved[-1], problems[-1] = np.nan, None
    return resolved[codes], problems[codes]

