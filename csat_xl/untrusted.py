"""Text from workbooks is untrusted: shown literally, never run (CLI.md "Untrusted text").

Anything read from a workbook — customer names, comments, sheet names, the
values quoted in findings — may hold console markup (``[/]``,
``[link=file:///…]``), terminal escape sequences (ESC ``]0;title``,
ESC ``[2J``), Unicode direction overrides, or spreadsheet formulas
(``=cmd|' /C calc'!A0``).  Each output format has one function here:

- :func:`visible` for the console: control and direction characters shown
  as escapes (``\\x1b``, ``\\u202e``); the CLI's consoles never interpret
  markup or emoji codes, so ``[/]x`` prints as ``[/]x``;
- :func:`csv_text` for CSV (OWASP "CSV injection"): a text beginning with
  ``=``, ``+``, ``-``, ``@``, TAB or CR gets a leading apostrophe, so a
  spreadsheet shows it as text; numbers are not text and stay unchanged;
  control characters show as escapes as on the console (a CSV on stdout
  reaches a terminal too);
- :func:`strict_json` for JSON: NaN and ±Infinity (not JSON) become null.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from .text import FORMULA_TRIGGERS

#: C0 controls but TAB and LF, DEL, C1 controls, and the Unicode characters
#: that reorder or hide text on a terminal (bidi embeddings/overrides/isolates,
#: zero-width, line/paragraph separators).
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
_INVISIBLE_ALL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def _escape(match: re.Match) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: object, keep_newlines: bool = True) -> str:
    """``text`` with every control or invisible character shown as an escape.

    ``keep_newlines`` keeps LF and TAB (a multi-line message); otherwise they
    are escaped too (a table cell stays on one line).
    """
    text = str(text)
    return (_INVISIBLE if keep_newlines else _INVISIBLE_ALL).sub(_escape, text)


#: what makes a spreadsheet read a CSV field as a formula (OWASP): the one list of csat_xl.text
FORMULA_START = FORMULA_TRIGGERS


def csv_text(value: object) -> object:
    """A CSV field: text that a spreadsheet would run as a formula gets a leading apostrophe,
    control characters (but TAB and line feeds) show as escapes, as on the console; numbers unchanged."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_START):
        value = "'" + value
    return visible(value.replace("\r\n", "\n"))


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if type(value).__module__ == "numpy" and hasattr(value, "dtype") and getattr(value, "ndim", 1) == 0:
        kind = value.dtype.kind  # numpy scalars, without importing numpy here (start-up time)
        if kind == "f":
            return _finite(float(value))
        if kind in "iu":
            return int(value)
        if kind == "b":
            return bool(value)
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def strict_json(value: Any, **options: Any) -> str:
    """``json.dumps`` that never writes NaN or Infinity (they become null)."""
    return json.dumps(_finite(value), allow_nan=False, ensure_ascii=False, **options)


def console_line(*parts: object):
    """A :class:`rich.text.Text` line: ``(text, style)`` pairs are ours and styled;
    any other part is shown literally through :func:`visible` (never as markup)."""
    from rich.text import Text

    line = Text()
    for part in parts:
        if isinstance(part, tuple):
            line.append(part[0], style=part[1])
        else:
            line.append(visible(part))
    return line


def quiet_console(**options: object):
    """A rich Console that never interprets text: no markup, no emoji codes, no highlighting."""
    from rich.console import Console

    return Console(markup=False, emoji=False, highlight=False, **options)
