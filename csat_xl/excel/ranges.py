"""Excel ranges, as xlwings delivers them, turned into the core's inputs.

Hosts deliver arguments differently: a single cell as a scalar, a range as a
list of rows (``ndim=2``), blanks as ``None`` (classic) or ``""`` (Office.js;
xlwings' converter already maps them to ``None``), numbers as floats, dates
as serial numbers (Office.js) or ``datetime`` (classic).  :func:`grid`
gives every argument one shape — a rectangular list of rows — and the helpers
below hand it to the core so that every rule and every message comes from
there:

- tables with a header row go through :mod:`csat_xl.tables` as
  :class:`~csat_xl.tables.Table` objects with ``style="position"``;
- bare rows of item cells (no header, no customer ID) become such a table too,
  via :class:`RangeTable`, which adds the missing header and ID column but
  names the user's own cell in every message;
- single values and weight rows are resolved with :mod:`csat_xl.scales`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import labels
from ..findings import ERROR, Finding
from ..scales import Scale, to_scores
from ..tables import Table, find_header, inspect_tables
from ..text import as_number, is_blank, join_labels, match_key
from .errors import CellError, RangeProblem

Grid = list[list[Any]]

#: Placeholder customer ID for ranges that hold one customer's cells.
ONE_CUSTOMER = "1"


try:  # Pyodide >= 0.28 (xlwings Lite) sends blank cells of arrays as JsNull
    from pyodide.ffi import JsNull as _JsNull
except ImportError:
    _JsNull = None

#: Cell types that need no conversion (checked by exact type: fast).
_PLAIN = frozenset({str, float, int, bool, type(None)})

#: Office.js error types (``{"type": "Error", "errorType": …}``) as Excel shows them.
_ERROR_TEXT = {"Div0": "#DIV/0!", "NotAvailable": "#N/A", "Name": "#NAME?", "Null": "#NULL!", "Num": "#NUM!",
               "Ref": "#REF!", "Value": "#VALUE!", "Spill": "#SPILL!", "Calc": "#CALC!", "Busy": "#GETTING_DATA"}


def _cell(value: Any) -> Any:
    """One Office.js cell that is not a plain str/number/bool/None."""
    if _JsNull is not None and isinstance(value, _JsNull):
        return None
    if isinstance(value, dict):
        if value.get("type") == "Error":
            # Reported by the core as a formula error, never read as a blank.
            return value.get("basicValue") or _ERROR_TEXT.get(value.get("errorType"), "#VALUE!")
        return value.get("basicValue", str(value))  # formatted numbers, entities
    return value


def grid(value: Any) -> Grid:
    """Any argument as a rectangular list of rows; ``[]`` when not given.

    A scalar is a 1×1 range; a flat list (a 1-D range) is one row.  Blanks
    (``""`` and ``JsNull`` from Office.js) are ``None`` like classic blanks;
    Office.js error values become their text (``"#N/A"``).
    """
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        rows = [[value]]
    elif value and all(isinstance(r, (list, tuple)) for r in value):
        rows = value
    else:
        rows = [value]
    width = max((len(r) for r in rows), default=0)
    out = []
    for row in rows:
        row = [None if v == "" else v if type(v) in _PLAIN else _cell(v) for v in row]
        if len(row) < width:
            row.extend([None] * (width - len(row)))
        out.append(row)
    return out


def is_empty(rows: Grid) -> bool:
    """True when a range is not given or holds only blank cells."""
    return all(is_blank(cell) for row in rows for cell in row)


def single(value: Any, name: str) -> Any:
    """The one value of a scalar argument (a 1×1 range is fine)."""
    rows = grid(value)
    cells = [cell for row in rows for cell in row]
    if len(cells) > 1:
        raise CellError([RangeProblem("bad_option", {"name": name, "value": f"{len(rows)}×{len(rows[0])} cells",
                                                     "accepted": "1 cell / 单个单元格"})])
    return cells[0] if cells else None


def position(name: str, row: int, col: int, header: str | None = None) -> str:
    """How a message names cell (row, col) of range ``name`` (0-based)."""
    return Table(name, [], style="position").ref(row, col, header)


@dataclass
class RangeTable(Table):
    """A :class:`Table` built around the user's cells, naming *their* positions.

    ``locate(row, col)`` maps a cell of the built table (which may have a
    header row and an ID column the user did not give) to the user's range
    position (0-based), or None for a built cell.
    """

    locate: Callable[[int, int], tuple[int, int] | None] | None = None

    def ref(self, row: int, col: int, header: str | None = None) -> str:
        where = self.locate(row, col) if self.locate else (row, col)
        if where is None:
            return self.name
        return position(self.name, where[0], where[1], header)


# --- whole tables -------------------------------------------------------------------
def parse_tables(ranges: Mapping[str, Grid], lang: str | None):
    """Parse ranges keyed by sheet key (``"scheme"``…) with the core parser.

    Returns the :class:`~csat_xl.survey.Survey`; raises :class:`CellError`
    listing every error (in ``lang``, or both languages when None).
    """
    tables = {key: rows if isinstance(rows, Table) else Table(key, rows, style="position")
              for key, rows in ranges.items() if isinstance(rows, Table) or not is_empty(rows)}
    survey, findings = inspect_tables(tables)
    if survey is None:
        raise CellError(findings, lang=lang)
    return survey


def header_lang(rows: Grid, sheet_key: str) -> str | None:
    """The language of a table's header row: ``"zh"``, ``"en"`` or None."""
    # The header row as the reader finds it: titles above it are allowed.
    index = find_header(sheet_key, rows)
    header = rows[index] if index is not None else []
    keys = {match_key(c) for c in header if not is_blank(c)}
    columns = labels.COLUMNS[sheet_key]
    zh = sum(match_key(c.zh) in keys for c in columns)
    en = sum(match_key(c.en) in keys for c in columns)
    if zh == en == 0:
        return None
    return "zh" if zh >= en else "en"


def is_table(rows: Grid, sheet_key: str) -> bool:
    """True when ``rows`` starts with a header row of sheet ``sheet_key``."""
    return header_lang(rows, sheet_key) is not None


def item_rows_table(name: str, rows: Grid, items: list[str]) -> RangeTable:
    """A one-customer data table from bare rows of item cells in scheme order.

    A first row naming items (any order) is taken as the header; otherwise
    the range must have one column per item (a single column of exactly one
    cell per item is read as one row).  The customer ID column is added.
    """
    item_keys = {match_key(i) for i in items}
    first = rows[0] if rows else []
    named = [c for c in first if not is_blank(c)]
    if named and all(match_key(c) in item_keys for c in named):
        built = [[labels.CUSTOMER_ID.zh, *first]] + [[_row_id(r), *r] for r in rows[1:]]
        return RangeTable(name, built, style="position",
                          locate=lambda r, c: None if c == 0 else (r, c - 1))
    width = len(first)
    if width == 1 and len(rows) == len(items) and len(items) > 1:
        # One respondent typed down a column.
        rows = [[r[0] for r in rows]]
        locate = lambda r, c: None if r == 0 or c == 0 else (c - 1, 0)  # noqa: E731
    elif width != len(items):
        raise CellError([RangeProblem("width", {"name": name, "width": width, "items": len(items)})])
    else:
        locate = lambda r, c: None if r == 0 or c == 0 else (r - 1, c - 1)  # noqa: E731
    built = [[labels.CUSTOMER_ID.zh, *items]] + [[_row_id(r), *r] for r in rows]
    return RangeTable(name, built, style="position", locate=locate)


def _row_id(row: list[Any]) -> str | None:
    """The customer ID for a row of item cells; a fully blank row gets none,
    so the core drops it like an empty sheet row (ranges are often padded):
    it is neither a respondent nor a visit where nothing was raised."""
    return None if all(is_blank(c) for c in row) else ONE_CUSTOMER


def weights_scheme_table(name: str, rows: Grid) -> RangeTable:
    """A Scheme table (one category) from one row or column of item weights.

    Items are named ``item 1``, ``item 2`` …; the core checks the weights.
    """
    height, width = len(rows), len(rows[0]) if rows else 0
    if height > 1 and width > 1:
        raise CellError([RangeProblem("weights_shape", {"name": name, "rows": height, "cols": width})])
    cells = [c for r in rows for c in r]
    along_row = height == 1
    header = [c.zh for c in labels.COLUMNS["scheme"][:4]]
    built = [header] + [["-", 100, item_name(i), w] for i, w in enumerate(cells)]

    def locate(r: int, c: int) -> tuple[int, int] | None:
        if r == 0 or c != 3:
            return None
        return (0, r - 1) if along_row else (r - 1, 0)

    return RangeTable(name, built, style="position", locate=locate)


def item_name(index: int) -> str:
    return f"item {index + 1}"


def outcomes_table(name: str, rows: Grid) -> RangeTable:
    """A Complaints table from a range of outcome labels, one complaint per filled cell.

    A blank cell is not a complaint (ranges are padded with empty cells); an
    unhandled complaint is typed as 未处理.
    """
    width = len(rows[0]) if rows else 0
    cells = [(r, c, rows[r][c]) for r in range(len(rows)) for c in range(width) if not is_blank(rows[r][c])]
    header = [labels.CUSTOMER_ID.zh, next(c.zh for c in labels.COLUMNS["complaints"] if c.key == "outcome")]
    built = [header] + [[ONE_CUSTOMER, value] for _, _, value in cells]

    def locate(r: int, c: int) -> tuple[int, int] | None:
        if r == 0 or c == 0:
            return None
        return cells[r - 1][0], cells[r - 1][1]

    return RangeTable(name, built, style="position", locate=locate)


# --- cells and vectors ----------------------------------------------------------------
def scores_matrix(name: str, rows: Grid, scale: Scale) -> np.ndarray:
    """Item scores 0–100 (labels of ``scale`` allowed), NaN for blanks.

    Raises :class:`CellError` naming every bad cell.
    """
    array = np.array(rows, dtype=object)
    if array.size == 0:
        return np.empty((0, 0))
    out = np.empty(array.shape, dtype=np.float64)
    findings: list[Finding] = []
    params = {"scale": scale.name, "accepted": join_labels(scale.labels)}
    for col in range(array.shape[1]):
        scores, problems = to_scores(array[:, col], scale)
        out[:, col] = scores
        for row in np.flatnonzero(problems != None):  # noqa: E711 - object array
            findings.append(Finding(ERROR, problems[row], None, position(name, row, col), array[row, col], params))
    if findings:
        raise CellError(findings)
    return out


def weights_vector(name: str, rows: Grid) -> np.ndarray:
    """A row or column of item weights, each a number > 0."""
    height, width = len(rows), len(rows[0]) if rows else 0
    if height > 1 and width > 1 or height * width == 0:
        raise CellError([RangeProblem("weights_shape", {"name": name, "rows": height, "cols": width})])
    weights, findings = [], []
    for r in range(height):
        for c in range(width):
            number = as_number(rows[r][c])
            if number is None or not number > 0:
                findings.append(Finding(ERROR, "bad_weight", None, position(name, r, c), rows[r][c]))
            weights.append(number)
    if findings:
        raise CellError(findings)
    return np.array(weights, dtype=np.float64)


def item_matrix(name: str, rows: Grid, n_items: int, scale: Scale) -> np.ndarray:
    """Rows of item cells (one column per weight); a lone column of ``n_items`` cells is one row."""
    width = len(rows[0]) if rows else 0
    if width == 1 and len(rows) == n_items and n_items > 1:
        return scores_matrix(name, rows, scale).T
    if width != n_items:
        raise CellError([RangeProblem("width", {"name": name, "width": width, "items": n_items})])
    return scores_matrix(name, rows, scale)


def number_in(name: str, value: Any, low: float, high: float, default: float) -> float:
    """A single number within ``low``–``high``; blank gives ``default``."""
    value = single(value, name)
    if is_blank(value):
        return default
    number = as_number(value)
    if number is None or not low <= number <= high:
        raise CellError([RangeProblem("bad_number", {"name": name, "value": value, "low": low, "high": high})])
    return number


def choice(name: str, value: Any, options: Mapping[str, str], default: str) -> str:
    """One of ``options`` (matched after :func:`match_key`); blank gives ``default``."""
    value = single(value, name)
    if is_blank(value):
        return default
    found = options.get(match_key(value))
    if found is None:
        raise CellError([RangeProblem("bad_option", {"name": name, "value": value,
                                                     "accepted": ", ".join(dict.fromkeys(options.values()))})])
    return found
