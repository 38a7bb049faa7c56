"""The sandbox user report templates (``csat-xl report --template``) run in.

Jinja2's :class:`~jinja2.sandbox.ImmutableSandboxedEnvironment` already
refuses code execution and changes to the report data (``customers.rows.clear()``
emptied a report under the plain sandbox).  A template may still ask for
work without end; :class:`BoundedEnvironment` caps it:

- numbers: ``**`` and ``*`` on integers refuse results beyond
  :data:`MAX_INT_BITS` bits (``(kpi.customers+9)**999999999`` hung);
  a number written to a cell must lie within ±1e15 (Excel's precision);
- text and lists: ``*``, ``+``, ``%`` and every filter or method refuse
  results longer than :data:`MAX_TEXT` (``'x'*10**9`` took 3.9 GB), and any
  size argument (``center``, ``ljust``, ``indent``, ``format`` widths …)
  beyond it;
- time: the whole report has :data:`TIME_BUDGET` seconds of template work
  (checked at every attribute, call and operator);
- row blocks: at most Excel's 1,048,576 rows per sheet (checked by the renderer).

Each refusal is a :class:`TemplateLimitError`; the renderer reports it as a
:class:`~csat_xl.report.render_xlsx.ReportTemplateError` naming the
template cell.
"""

from __future__ import annotations

import math
import numbers
import re
import time
from collections.abc import Callable
from typing import Any

from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

#: longest text or list a template expression may build (characters / items)
MAX_TEXT = 1_000_000
#: largest integer an expression may compute, in bits (2**4096 ≈ 1e1233)
MAX_INT_BITS = 4096
#: a number written into a cell must be within this (Excel keeps 15 digits)
MAX_CELL_NUMBER = 1e15
#: seconds of template evaluation for one report
TIME_BUDGET = 60.0
#: rows of one worksheet (Excel)
MAX_SHEET_ROWS = 1_048_576

_WIDTH = re.compile(r"\d{7,}")  # a format width or precision of a million or more


class TemplateLimitError(SecurityError):
    """A template asked for more than the sandbox allows (size, magnitude or time)."""

    def __init__(self, message: str, fatal: bool = False):
        super().__init__(message)
        self.fatal = fatal  # the time budget: nothing more is evaluated


def _size(value: Any) -> int:
    return len(value) if isinstance(value, (str, bytes, list, tuple, dict, set, frozenset)) else 0


def check_size(value: Any, what: str = "result") -> Any:
    if _size(value) > MAX_TEXT:
        raise TemplateLimitError(f"{what} too long ({_size(value):,} > {MAX_TEXT:,}) / 结果过长")
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
        raise TemplateLimitError(f"number too large (over {MAX_INT_BITS} bits) / 数值过大")
    return value


def _check_arguments(args: tuple, kwargs: dict) -> None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, numbers.Integral) and not isinstance(value, bool) and abs(int(value)) > MAX_TEXT:
            raise TemplateLimitError(f"argument {int(value):,} too large (limit {MAX_TEXT:,}) / 参数过大")
        if isinstance(value, str) and ("{" in value or "%" in value) and _WIDTH.search(value):
            raise TemplateLimitError("format width too large / 格式宽度过大")


class BoundedEnvironment(ImmutableSandboxedEnvironment):
    """An immutable Jinja2 sandbox with caps on size, magnitude and time (see the module doc)."""

    intercepted_binops = frozenset(["**", "*", "+", "%", "//"])

    def __init__(self, *args: Any, budget: float | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.budget = TIME_BUDGET if budget is None else budget
        self.deadline = math.inf
        self.filters = {name: self._bounded(function) for name, function in self.filters.items()}

    def start_clock(self) -> None:
        self.deadline = time.monotonic() + self.budget

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise TemplateLimitError(f"the template ran out of its time budget ({self.budget:g} s) / 模板运行超时", fatal=True)

    def _bounded(self, function: Callable) -> Callable:
        def bounded(*args: Any, **kwargs: Any) -> Any:
            self.tick()
            _check_arguments(args[1:], kwargs)
            return check_size(function(*args, **kwargs))

        for attr in ("jinja_pass_arg", "environmentfilter", "contextfilter", "evalcontextfilter"):
            if hasattr(function, attr):
                setattr(bounded, attr, getattr(function, attr))
        return bounded

    # --- the hooks the sandbox calls ---------------------------------------------------
    def call_binop(self, context, operator_: str, left: Any, right: Any) -> Any:
        self.tick()
        if operator_ == "**" and isinstance(left, numbers.Integral) and isinstance(right, numbers.Integral):
            base = abs(int(left))
            if base > 1 and int(right) > 0 and base.bit_length() * int(right) > MAX_INT_BITS:
                raise TemplateLimitError(f"{left} ** {right}: number too large / 数值过大")
        elif operator_ == "*":
            if isinstance(left, numbers.Integral) and isinstance(right, numbers.Integral):
                if abs(int(left)).bit_length() + abs(int(right)).bit_length() > MAX_INT_BITS:
                    raise TemplateLimitError("number too large / 数值过大")
            for seq, count in ((left, right), (right, left)):
                if _size(seq) and isinstance(count, numbers.Integral) and _size(seq) * max(int(count), 0) > MAX_TEXT:
                    raise TemplateLimitError(f"result too long ({_size(seq) * int(count):,} > {MAX_TEXT:,}) / 结果过长")
        elif operator_ == "+" and _size(left) + _size(right) > MAX_TEXT:
            raise TemplateLimitError(f"result too long (> {MAX_TEXT:,}) / 结果过长")
        elif operator_ == "%" and isinstance(left, str) and _WIDTH.search(left):
            raise TemplateLimitError("format width too large / 格式宽度过大")
        return check_size(super().call_binop(context, operator_, left, right))

    def call(__self, __context, __obj, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's signature
        __self.tick()
        _check_arguments(args, kwargs)
        return check_size(super().call(__context, __obj, *args, **kwargs))

    def getattr(self, obj: Any, attribute: str) -> Any:
        self.tick()
        if isinstance(obj, str) and attribute in ("format", "format_map") and _WIDTH.search(obj):
            raise TemplateLimitError("format width too large / 格式宽度过大")  # '{:>1000000000}'.format(1)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        self.tick()
        return super().getitem(obj, argument)


def cell_number(value: Any) -> Any:
    """A template's numeric result for a cell: refused beyond ±1e15 (finite)."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if math.isfinite(number) and abs(number) > MAX_CELL_NUMBER or (isinstance(value, numbers.Integral) and abs(int(value)) > MAX_CELL_NUMBER):
            raise TemplateLimitError(f"number {value:.6g} beyond ±1e15 / 数值超出 ±1e15")
    return value


__all__ = ["BoundedEnvironment", "MAX_CELL_NUMBER", "MAX_INT_BITS", "MAX_SHEET_ROWS", "MAX_TEXT", "TIME_BUDGET",
           "TemplateLimitError", "cell_number", "check_size"]
