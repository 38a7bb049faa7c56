"""Errors an Excel function shows in its cell, and how each host shows them.

A function refuses bad input by raising :class:`CellError`.  It never lets a
traceback reach a cell: :func:`csat_xl.excel.registry.excel_function` turns a
:class:`CellError` into what the running host understands:

``#VALUE!`` (bad input)
    Office.js hosts (xlwings Lite and xlwings Server): an
    :class:`xlwings.XlwingsError` carrying the message.  xlwings' own call
    path lets it propagate and the add-in shows ``#VALUE!`` with the message
    in the cell's error tooltip (``CustomFunctions.Error(invalidValue, …)``).
    Classic xlwings (COM) cannot attach a message to an error value, so the
    cell shows the text ``#VALUE! <message>`` instead of an error value.
``#N/A`` (no value available, e.g. a customer with neither questionnaire nor visit)
    The string ``"#N/A"``: xlwings' Office.js converter turns it into a real
    ``#N/A`` error value (``{"type": "Error", "errorType": "NotAvailable"}``);
    classic xlwings shows the text ``#N/A``.

Messages name the position within the range the user selected and the reason,
e.g. ``questionnaire row 3, column 2 (包装): 120 is outside 0–100``.  They
come from the core message catalogue (:data:`csat_xl.findings.MESSAGES`) or,
for problems only ranges can have (wrong shape), from :data:`MESSAGES` here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..findings import Finding
from ..text import display

VALUE, NOT_AVAILABLE = "#VALUE!", "#N/A"

#: Most errors listed in one message; a cell tooltip has little room.
MAX_LISTED = 3

#: Messages for problems of a range as a whole (shape, type of argument).
MESSAGES: dict[str, dict[str, str]] = {
    "width": {
        "en": "{name} has {width} columns but the scheme has {items} items (one column per item, in scheme order)",
        "zh": "{name} 有 {width} 列，但指标体系有 {items} 个项目（每个项目一列，按指标顺序）",
    },
    "weights_shape": {
        "en": "{name} must be one row or one column of item weights, not {rows}×{cols} cells",
        "zh": "{name} 必须是一行或一列项目权重，而不是 {rows}×{cols} 个单元格",
    },
    "not_a_scheme": {
        "en": "{name} is neither a Scheme table with its header row (类别, 类别权重, 项目, 项目权重) nor one row of item weights",
        "zh": "{name} 既不是带表头行（类别、类别权重、项目、项目权重）的指标表，也不是一行项目权重",
    },
    "shape_mismatch": {
        "en": "{name} has {rows}×{cols} cells, {other} has {other_rows}×{other_cols}: give ranges of the same size or a single cell",
        "zh": "{name} 有 {rows}×{cols} 个单元格，{other} 有 {other_rows}×{other_cols} 个：请给出相同大小的区域或单个单元格",
    },
    "bad_option": {
        "en": "{name}: {value} is not one of {accepted}",
        "zh": "{name}：{value} 不是可选值（{accepted}）",
    },
    "bad_number": {
        "en": "{name}: {value} is not a number within {low}–{high}",
        "zh": "{name}：{value} 不是 {low}–{high} 之间的数字",
    },
    "unknown_group_column": {
        "en": "{name} is not a group column of the Customers table; group columns: {accepted}",
        "zh": "{name} 不是客户表的分组列；可用的分组列：{accepted}",
    },
    "more": {"en": "and {n} more error(s)", "zh": "另有 {n} 个错误"},
    "unexpected": {
        "en": "unexpected failure ({reason}); please report it with the workbook",
        "zh": "意外错误（{reason}）；请连同工作簿一起反馈",
    },
}


@dataclass(frozen=True)
class RangeProblem:
    """A problem of a whole range (not of one cell), rendered from :data:`MESSAGES`."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def is_error(self) -> bool:
        return True

    def render(self, lang: str = "en") -> str:
        params = dict(self.params)
        for key in ("value", "low", "high"):  # as the user would recognise them, like Finding
            if key in params:
                params[key] = display(params[key])
        return MESSAGES[self.code]["zh" if lang == "zh" else "en"].format(**params)

    def message(self, lang: str = "en") -> str:
        return self.render(lang)


class CellError(Exception):
    """Refuse to compute: the cell shows ``code`` (``#VALUE!`` or ``#N/A``).

    ``problems`` are :class:`~csat_xl.findings.Finding` or
    :class:`RangeProblem` objects; only errors among them are shown.
    ``lang`` is ``"zh"``, ``"en"`` or None for both languages.
    """

    def __init__(self, problems: Iterable[Finding | RangeProblem] = (), code: str = VALUE, lang: str | None = None):
        self.problems = [p for p in problems if p.is_error]
        self.code = code
        self.lang = lang
        super().__init__(self.text())

    @classmethod
    def not_available(cls) -> "CellError":
        return cls((), NOT_AVAILABLE)

    def text(self) -> str:
        """The message: up to :data:`MESSAGES` errors, in one or both languages."""
        shown = self.problems[:MAX_LISTED]
        parts = [_render(p, self.lang) for p in shown]
        more = len(self.problems) - len(shown)
        if more > 0:
            parts.append(_render(RangeProblem("more", {"n": more}), self.lang))
        return "; ".join(parts)


def _render(problem: Finding | RangeProblem, lang: str | None) -> str:
    if lang in ("zh", "en"):
        return problem.render(lang)
    # No language given: English with the location, then the Chinese reason.
    return f"{problem.render('en')} / {problem.message('zh')}"
