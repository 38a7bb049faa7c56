"""How wide text prints: an estimate from font metrics, for column widths and the print test.

Excel measures column widths in *character units* (the width of "0" in the
workbook's default font, Calibri 11: 7 px, plus 5 px of padding).  What a
text needs depends on the font that draws it — Calibri and Microsoft YaHei
in Excel, their substitutes in LibreOffice (often DejaVu Sans, about 20 %
wider than Calibri).  The advance widths here are DejaVu Sans's, per class
of character, so a width that fits here fits in every engine; CJK characters
are one em wide in every CJK font.

:func:`tokens` splits text where a line may break: at spaces and hyphens in
Latin text, between CJK characters — but never inside a bracketed group such
as （权重） or before closing punctuation, so 声明重要性（权重） never leaves a
lone "）" on a line.  The report-template builder
(``templates/build_report_templates.py``) sizes columns with this; the print
test (``tests/test_report_print.py``) checks every rendered cell with it.
"""

from __future__ import annotations

import math
import re
import unicodedata

#: Advance width in em by character class (DejaVu Sans).
_NARROW = set(".,:;'|!il()[]{}`")
_ADVANCE = {"space": 0.318, "narrow": 0.32, "digit": 0.636, "upper": 0.70, "lower": 0.58, "other": 0.64, "wide": 1.0}
_BOLD = 1.08
#: Pixels of one character unit of column width, and Excel's padding.
UNIT_PX, PADDING_PX = 7.0, 5.0
#: Pixels a cell keeps free inside its borders.
CELL_MARGIN_PX = 8.0

_CLOSING = set("）)】」』》〉、，。；：！？%")
_TOKEN = re.compile(r"[（(][^）)]{0,12}[）)][^\s（(\u3000-\u9fff\uff00-\uffef]*|[\u3000-\u9fff\uff00-\uffef][）)】」』》〉、，。；：！？%]*|[^\s\u3000-\u9fff\uff00-\uffef（(]+-?|\s+")


def _advance(ch: str) -> float:
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return _ADVANCE["wide"]
    if ch.isspace():
        return _ADVANCE["space"]
    if ch in _NARROW:
        return _ADVANCE["narrow"]
    if ch.isdigit():
        return _ADVANCE["digit"]
    if ch.isupper():
        return _ADVANCE["upper"]
    if ch.islower():
        return _ADVANCE["lower"]
    return _ADVANCE["other"]


def text_px(text: str, size: float = 10.0, bold: bool = False) -> float:
    """Printed width of ``text`` in pixels (96 dpi) at ``size`` points."""
    em = size * 96.0 / 72.0
    return sum(_advance(ch) for ch in text) * em * (_BOLD if bold else 1.0)


def column_px(width: float) -> float:
    """Pixels of a column ``width`` character units wide (Excel's rule)."""
    return width * UNIT_PX + PADDING_PX


def width_for_px(px: float) -> float:
    """The column width (character units, one decimal) that holds ``px`` pixels of text."""
    return math.ceil((px + CELL_MARGIN_PX - PADDING_PX) / UNIT_PX * 10) / 10


def tokens(text: str) -> list[str]:
    """``text`` cut where a line may break (spaces kept as their own tokens)."""
    return _TOKEN.findall(text) or [text]


def longest_token_px(text: str, size: float = 10.0, bold: bool = False) -> float:
    return max((text_px(t, size, bold) for t in tokens(text) if not t.isspace()), default=0.0)


def wrapped_lines(text: str, width_px: float, size: float = 10.0, bold: bool = False) -> int:
    """Lines ``text`` takes when wrapped at token boundaries in ``width_px``."""
    lines, current = 1, 0.0
    for token in tokens(text):
        w = text_px(token, size, bold)
        if token.isspace():
            current += w
            continue
        if current and current + w > width_px:
            lines += 1
            current = w
        else:
            current += w
    return lines
