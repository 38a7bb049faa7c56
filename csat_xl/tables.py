"""From sheets of raw cells to a :class:`~csat_xl.survey.Survey` (WORKBOOK.md).

This is the strict-but-tolerant half of reading: it knows the workbook format
but nothing of files.  Readers (:mod:`csat_xl.io`) hand it a :class:`Table`
per sheet — the cell values as a grid plus where the grid sits — and the Excel
functions hand it ranges.  Every rejected cell becomes a
:class:`~csat_xl.findings.Finding` with its address; all findings of a
workbook are collected in one pass before anything is refused.

Whole columns are converted at once (see :func:`csat_xl.scales.to_scores`);
Python loops run only over distinct values, header cells and bad cells.
"""

from __future__ import annotations

from datetime import datetime, time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import labels
from .findings import ERROR, INFO, WARNING, Finding, InvalidInputError, errors
from .scales import NOT_ON_SCALE, Scale, ScaleSet, five_grade, grade_key_of, resolve_codes
from .scheme import Scheme, SchemeRow, fmt_number
from .analyses.loyalty import RECOMMEND_SCALE
from .settings import Settings
from .survey import COMPLAINT_COLUMNS, Survey
from .grid import Table  # the readers' grids (re-exported: csat_xl.tables.Table)
from .text import as_number, customer_key, id_fold, is_blank, is_excel_error, join_labels, match_key, normalize


# --- sheet layout -------------------------------------------------------------------
def sheet_columns(sheet_key: str) -> tuple[labels.Label, ...]:
    """The columns recognised on a sheet: its own, plus the ones known on
    every sheet keyed by customer (客户名称, 序号)."""
    own = labels.COLUMNS.get(sheet_key, ())
    if labels.KEY_COLUMN.get(sheet_key) != labels.CUSTOMER_ID.key:
        return own
    keys = {c.key for c in own}
    return (*own, *(c for c in labels.COMMON_COLUMNS if c.key not in keys))


def _column_lookup(sheet_key: str) -> dict[str, str]:
    return {match_key(name): col.key for col in sheet_columns(sheet_key) for name in col.names}


def _key_column(sheet_key: str) -> labels.Label:
    key = labels.KEY_COLUMN[sheet_key]
    return next(c for c in sheet_columns(sheet_key) if c.key == key)


_SUMMARY_KEYS = frozenset(match_key(label) for label in labels.SUMMARY_ROW_LABELS)


def is_summary_label(value: Any) -> bool:
    """True for a total/average row label (合计, 平均分, "Total:" …)."""
    if type(value) is not str:
        return False
    key = match_key(value)
    return (key[:-1] if key.endswith(":") else key) in _SUMMARY_KEYS


def _blank_mask(column: pd.Series) -> np.ndarray:
    """True where a cell is empty (None, "", whitespace, NaN); one hash per
    cell, and :func:`is_blank` only once per distinct value."""
    codes, uniques = pd.factorize(column.to_numpy(dtype=object), use_na_sentinel=True)
    return _per_value(codes, uniques, None, is_blank, True)


def _per_value(codes: np.ndarray, uniques: np.ndarray, at: np.ndarray | None, predicate, na: bool,
               known: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """``predicate`` of the cells ``at`` (all when None) of a factorised column
    (code -1 = None/NaN, which gives ``na``), called once per distinct value among
    them; ``known`` = (flags, done) from :func:`_value_flags` keeps answers for the next call."""
    sub = codes if at is None else codes[at]
    flags, done = known or _value_flags(len(uniques), na)
    needed = np.bincount(sub[sub >= 0], minlength=len(uniques)).astype(bool)
    todo = np.flatnonzero(needed & ~done[:-1])
    flags[todo] = [predicate(uniques[i]) for i in todo.tolist()]
    done[todo] = True
    return flags[sub]


def _value_flags(n: int, na: bool) -> tuple[np.ndarray, np.ndarray]:
    """Answers per distinct value (the last slot answers code -1) and which are known."""
    done = np.zeros(n + 1, dtype=bool)
    done[-1] = True
    return np.full(n + 1, na, dtype=bool), done


def _kept_codes(codes: np.ndarray, uniques: np.ndarray, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The factorisation of the kept cells, exactly as ``pd.factorize`` would give it
    (distinct values in order of their first kept appearance)."""
    sub = codes[keep]
    known = sub >= 0
    inner, order = pd.factorize(sub[known])
    out = np.full(len(sub), -1, dtype=inner.dtype)
    out[known] = inner
    return out, uniques[order]


@dataclass
class Sheet:
    """A data sheet split into header and data rows, columns recognised."""

    key: str
    table: Table
    header_row: int = -1
    columns: dict[str, int] = field(default_factory=dict)
    items: dict[str, int] = field(default_factory=dict)
    expected: dict[str, int] = field(default_factory=dict)
    frame: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: index into ``table.rows`` of each frame row
    rows: np.ndarray = field(default_factory=lambda: np.empty(0, int))
    #: column → its cells factorised (see :meth:`coded`)
    _codes: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False, compare=False)

    def ref(self, frame_row: int, col: int, header: str | None = None) -> str:
        return self.table.ref(int(self.rows[frame_row]), col, header)

    def column(self, key: str) -> pd.Series | None:
        index = self.columns.get(key)
        return None if index is None else self.frame[index]

    def coded(self, col: int) -> tuple[np.ndarray, np.ndarray]:
        """Column ``col`` of the frame factorised once for every reader of it:
        (codes, -1 for None/NaN; distinct values in order of appearance).
        Conversions then run once per distinct value, not per cell."""
        hit = self._codes.get(col)
        if hit is None:
            hit = self._codes[col] = pd.factorize(self.frame[col].to_numpy(dtype=object), use_na_sentinel=True)
        return hit

    @property
    def sheet(self) -> str:
        return self.table.name

    @property
    def data_columns(self) -> list[int]:
        """Recognised columns that carry data (not the silent 序号)."""
        silent = {self.columns[k] for k in labels.SILENT_COLUMNS if k in self.columns}
        return sorted({*self.columns.values(), *self.items.values(), *self.expected.values()} - silent)


def find_header(key: str, rows: list[list[Any]]) -> int | None:
    """Index of the first of the first rows that holds the sheet's key column."""
    names = {match_key(n) for n in _key_column(key).names}
    for i, row in enumerate(rows[: labels.HEADER_SEARCH_ROWS]):
        if any(type(c) is str and match_key(c) in names for c in row):
            return i
    return None


def _header_cells(key: str, rows: list[list[Any]], header: int, recognised) -> tuple[list[Any], int]:
    """The header's cells, and how many rows the header spans (1 or 2).

    A header typed over two rows — 客户编号 merged down over both, item names
    on the second row under merged group headings — is read as one: a
    second row whose key-column cell is blank and that names known columns
    or items gives the names where it has them.
    """
    cells = list(rows[header])
    if header + 1 >= len(rows):
        return cells, 1
    below = list(rows[header + 1])
    key_names = {match_key(n) for n in _key_column(key).names}
    key_col = next(i for i, c in enumerate(cells) if type(c) is str and match_key(c) in key_names)
    if key_col < len(below) and not is_blank(below[key_col]):
        return cells, 1
    named = [i for i, c in enumerate(below) if type(c) is str and recognised(c)]
    if not named:
        return cells, 1
    width = max(len(cells), len(below))
    cells += [None] * (width - len(cells))
    for i in named:
        cells[i] = below[i]
    return cells, 2


def split_sheet(key: str, table: Table, items: list[str], findings: list[Finding]) -> Sheet:
    """Find the header (WORKBOOK.md v2), recognise columns, keep data rows.

    Rows above the header, summary rows (合计, 平均分 …) and fully blank rows
    are not data; each kind that was skipped is reported as an info finding
    with its rows or cell, never silently.
    """
    sheet = Sheet(key, table)
    rows = table.rows
    header = find_header(key, rows)
    if header is None:
        if any(not is_blank(v) for r in rows for v in r):
            column = _key_column(key)
            findings.append(Finding(ERROR, "header_not_found", table.name, None, None,
                                    {"column": f"{column.zh} / {column.en}", "rows": labels.HEADER_SEARCH_ROWS,
                                     "accepted": join_labels(column.names, 12)}))
        else:
            findings.append(Finding(INFO, "empty_sheet", table.name, None))
        return sheet
    known = _column_lookup(key)
    item_keys = {match_key(item): item for item in items} if key in ("questionnaire", "visits") else {}
    prefixes = [match_key(name) + ":" for name in labels.EXPECTED_PREFIX.names] if key == "questionnaire" else []

    def target_of(name: str) -> tuple[str, str] | None:
        if name in known:
            return "columns", known[name]
        if name in item_keys:
            return "items", item_keys[name]
        for prefix in prefixes:
            if name.startswith(prefix) and name[len(prefix):] in item_keys:
                return "expected", item_keys[name[len(prefix):]]
        return None

    header_cells, span = _header_cells(key, rows, header, lambda c: target_of(match_key(c)) is not None)
    sheet.header_row = header + span - 1
    if header and any(not is_blank(v) for r in rows[:header] for v in r):
        title = next(v for r in rows[:header] for v in r if not is_blank(v))
        findings.append(Finding(INFO, "rows_above_header", table.name, table.rows_ref(0, header - 1), title,
                                {"rows": _row_numbers(table, 0, header - 1)}))
    if span == 2:
        findings.append(Finding(INFO, "two_row_header", table.name, table.rows_ref(header, header + 1), None,
                                {"rows": _row_numbers(table, header, header + 1)}))
    ignored: list[tuple[int, Any]] = []
    taken: set[tuple[str, str]] = set()
    for col, cell in enumerate(header_cells):
        if is_blank(cell):
            continue
        target = target_of(match_key(cell))
        if target is None:
            if key == "customers":  # customer segments are free columns
                sheet.columns.setdefault(f"segment:{normalize(str(cell))}", col)
            else:
                ignored.append((col, cell))
            continue
        if target in taken:
            findings.append(Finding(WARNING, "duplicate_column", table.name, table.ref(header, col), cell))
            continue
        taken.add(target)
        getattr(sheet, target[0])[target[1]] = col
    if ignored:
        findings.append(Finding(INFO, "ignored_columns", table.name, table.ref(header, ignored[0][0]), None,
                                {"count": len(ignored), "columns": join_labels([normalize(str(c)) for _, c in ignored], 12)}))
    _split_rows(sheet, rows, sheet.header_row + 1, findings)
    if uncached := table.uncached_formulas:
        first = table.first_uncached
        findings.append(Finding(WARNING, "uncached_formulas", table.name, table.ref(*first) if first else None, None,
                                {"count": uncached}))
    return sheet


def _row_numbers(table: Table, first: int, last: int) -> str:
    """Rows as the user counts them: ``1–2`` (sheet rows, or range rows)."""
    base = table.first_row if table.style == "a1" else 1
    return f"{base + first}" if first == last else f"{base + first}–{base + last}"


def _split_rows(sheet: Sheet, rows: list[list[Any]], start: int, findings: list[Finding]) -> None:
    """The data rows below the header: not blank, not a summary row."""
    table = sheet.table
    lengths = list(map(len, rows))
    width = max(lengths, default=0)
    ragged = min(lengths, default=0) != width
    body = [list(r) + [None] * (width - len(r)) for r in rows[start:]] if ragged else rows[start:]
    frame = pd.DataFrame(body, columns=range(width), dtype=object) if body else pd.DataFrame(columns=range(width), dtype=object)
    used = sheet.data_columns
    key_col = sheet.columns.get(labels.KEY_COLUMN[sheet.key])
    # Recognised columns are factorised once, here, for every later reader
    # (blank and summary checks, IDs, scores, text: Sheet.coded).
    coded: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    blanks: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def blank(col: int, at: np.ndarray) -> np.ndarray:
        if col in coded or col in used or col == key_col:
            if col not in coded:
                coded[col] = pd.factorize(frame[col].to_numpy(dtype=object), use_na_sentinel=True)
                blanks[col] = _value_flags(len(coded[col][1]), True)
            return _per_value(*coded[col], at, is_blank, True, blanks[col])
        return _blank_mask(frame[col].iloc[at])

    # A row is dropped when every recognised column is blank.  Each column is
    # only checked on the rows still blank so far: the ID column usually
    # settles almost every row, so free-text columns are rarely scanned.
    candidates = np.arange(len(frame))
    for col in used:
        if not len(candidates):
            break
        candidates = candidates[blank(col, candidates)]
    keep = np.ones(len(frame), dtype=bool)
    keep[candidates] = False
    # Summary rows: the key column's cell, or the row's first non-empty cell,
    # is a summary label.  The first non-empty cell is found column by column
    # over the rows still without one (usually column A settles them all).
    label_col = np.full(len(frame), -1)
    pending = np.flatnonzero(keep)
    for col in range(width):
        if not len(pending):
            break
        filled = ~blank(col, pending)
        label_col[pending[filled]] = col
        pending = pending[~filled]
    for col in {c for c in (key_col,) if c is not None} | set(np.unique(label_col[label_col >= 0]).tolist()):
        at = np.flatnonzero(keep & ((label_col == col) | (col == key_col)))
        if not len(at):
            continue
        if col in coded:
            summary = _per_value(*coded[col], at, is_summary_label, False)
        else:
            codes, uniques = pd.factorize(frame[col].to_numpy(dtype=object)[at], use_na_sentinel=True)
            summary = _per_value(codes, uniques, None, is_summary_label, False)
        for i in at[summary]:
            if keep[i]:
                keep[i] = False
                findings.append(Finding(INFO, "summary_row", table.name, table.ref(start + i, col), frame.at[i, col]))
    if keep.all():
        sheet.frame, sheet._codes = frame, coded
    else:
        sheet.frame = frame.loc[keep].reset_index(drop=True)
        sheet._codes = {col: _kept_codes(*pair, keep) for col, pair in coded.items()}
    sheet.rows = np.flatnonzero(keep) + start
    if not used or not len(sheet.frame):
        findings.append(Finding(INFO, "empty_sheet", table.name, None))


def _require_columns(sheet: Sheet, findings: list[Finding]) -> bool:
    ok = True
    cols = {c.key: c for c in sheet_columns(sheet.key)}
    if sheet.header_row < 0:
        return False
    for key in labels.REQUIRED_COLUMNS.get(sheet.key, ()):
        if key not in sheet.columns:
            col = cols[key]
            # Excel's own notation for a whole row: the header row, e.g. 问卷!3:3
            where = sheet.table.rows_ref(sheet.header_row, sheet.header_row)
            findings.append(Finding(ERROR, "missing_column", sheet.sheet, where, None,
                                    {"column_names": f"{col.zh} / {col.en}", "accepted": join_labels(col.names, 12)}))
            ok = False
    return ok


class CustomerRegister:
    """Customer IDs across the sheets of one workbook (WORKBOOK.md v2).

    IDs match after :func:`customer_key` and case folding; the spelling
    shown is the first seen on the 客户 sheet, else the first seen anywhere
    (sheets are registered 客户 first).  With a roster (a 客户 sheet listing
    customers) a data row whose ID is not on it is a warning and left out.
    """

    def __init__(self) -> None:
        self.shown: dict[str, str] = {}
        self.roster: frozenset[str] | None = None
        self.roster_sheet = labels.SHEET["customers"].zh

    def canonical(self, keys: np.ndarray) -> np.ndarray:
        """The shown spelling of each key (None stays None)."""
        codes, uniques = pd.factorize(keys, use_na_sentinel=True)
        shown = np.array([self.shown.setdefault(id_fold(u), u) for u in uniques] + [None], dtype=object)
        return shown[codes]

    def set_roster(self, ids: Any, sheet: str) -> None:
        folds = frozenset(id_fold(i) for i in ids if i is not None)
        self.roster = folds or None  # a 客户 sheet listing nobody is no roster
        self.roster_sheet = sheet

    def off_roster(self, ids: np.ndarray) -> np.ndarray:
        """Indexes of IDs not on the roster (none without a roster)."""
        if self.roster is None:
            return np.empty(0, dtype=int)
        codes, uniques = pd.factorize(ids, use_na_sentinel=True)
        missing = np.array([id_fold(u) not in self.roster for u in uniques] + [False], dtype=bool)
        return np.flatnonzero(missing[codes])


def _customer_ids(sheet: Sheet, data_cols: list[int], findings: list[Finding], register: CustomerRegister) -> np.ndarray:
    """Customer IDs as shown; rows with data but no ID are errors, rows of
    customers not on the roster warnings (their ID is None: left out)."""
    id_col = sheet.columns["customer_id"]
    # Every step runs once per distinct ID (one factorisation of the column, Sheet.coded).
    codes, uniques = sheet.coded(id_col)
    keys = np.array([customer_key(u) for u in uniques], dtype=object)
    shown = np.append(register.canonical(keys), None)  # the last slot answers code -1
    ids = shown[codes]
    missing = np.flatnonzero(np.array([s is None for s in shown], dtype=bool)[codes])
    if len(missing):
        has_data = np.zeros(len(missing), dtype=bool)
        for col in data_cols:
            has_data |= ~_per_value(*sheet.coded(col), missing, is_blank, True)
        for i in missing[has_data]:
            findings.append(Finding(ERROR, "missing_customer_id", sheet.sheet, sheet.ref(i, id_col), None))
    off_roster = np.zeros(len(shown), dtype=bool)
    off_roster[register.off_roster(shown[:-1])] = True
    off = np.flatnonzero(off_roster[codes])
    for i in off:
        findings.append(Finding(WARNING, "not_on_roster", sheet.sheet, sheet.ref(i, id_col), ids[i],
                                {"customers_sheet": register.roster_sheet}))
    ids[off] = None
    return ids


def _record_columns(sheet: Sheet, standard: tuple[str, ...]) -> tuple[str, ...]:
    """Text columns a data sheet hands on: the standard ones (present or not)
    and every other recognised column, so a new column is a label entry only."""
    extra = tuple(k for k in sheet.columns if k not in standard and k not in labels.SILENT_COLUMNS
                  and k != "customer_id" and not k.startswith("segment:"))
    return (*standard, *extra)


def _score_columns(
    sheet: Sheet, columns: dict[str, int], scales: Mapping[str, Scale], findings: list[Finding], header_of=None
) -> dict[str, np.ndarray]:
    out = {}
    for item, col in columns.items():
        scale = scales[item]
        scores, problems = resolve_codes(*sheet.coded(col), scale)
        bad = np.flatnonzero(pd.notna(problems))
        if len(bad):
            header = header_of(item) if header_of else item
            params = {"scale": scale.name, "accepted": join_labels(scale.labels), "item": item}
            raw = sheet.frame[col].to_numpy(dtype=object)
            for i in bad:
                findings.append(
                    Finding(ERROR, problems[i], sheet.sheet, sheet.ref(i, col, header), raw[i], params)
                )
        out[item] = scores
    return out


def _text_column(sheet: Sheet, key: str) -> np.ndarray:
    col = sheet.columns.get(key)
    if col is None:
        return np.full(len(sheet.frame), None, dtype=object)
    codes, uniques = sheet.coded(col)
    # (the common case inline: non-blank text stays as it is)
    plain = np.array([u if type(u) is str and u.strip() else _plain_text(u) for u in uniques] + [None], dtype=object)
    return plain[codes]


def _plain_text(value: Any) -> Any:
    """A distinct value of a text column: None when blank, else :func:`_plain_value`."""
    if type(value) is str:  # fast path: most distinct values are text
        return value if value.strip() else None
    return None if is_blank(value) else _plain_value(value)


def _plain_value(value: Any) -> Any:
    """One spelling per value whichever engine read it: calamine gives
    ``1001.0`` and ``date`` where openpyxl gives ``1001`` and midnight ``datetime``."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime) and value.time() == time(0):
        return value.date()
    return value


# --- settings -------------------------------------------------------------------------------
#: Complaint-handling settings (ANALYSES.md §2): key → (Settings field, whether 0 is allowed).
_HANDLING_SETTINGS = {
    "response_limit": ("response_limit_hours", False),
    "closure_limit": ("closure_limit_days", False),
    "monthly_complaint_target": ("monthly_complaint_target", True),
}

def _lookup_label(options: tuple[labels.Label, ...], value: Any) -> str | None:
    key = match_key(value)
    for option in options:
        if key in {match_key(n) for n in option.names}:
            return option.key
    return None


def _accepted(options) -> str:
    return join_labels([f"{o.zh} / {o.en}" for o in options])


def parse_settings(sheet: Sheet | None, findings: list[Finding]) -> Settings:
    if sheet is None or sheet.header_row < 0 or not _require_columns(sheet, findings):
        return Settings()
    values: dict[str, Any] = {}
    adjustments = dict(Settings().complaint_adjustments)
    bounds = dict(Settings().grade_bounds)
    seen: set[str] = set()
    key_col, value_col = sheet.columns["setting"], sheet.columns["value"]
    all_keys = [*labels.SETTINGS]
    accepted_keys = join_labels([f"{s.zh} / {s.en}" for s in all_keys] + ["投诉:<结果> / complaint:<outcome>", "等级:<等级> / grade:<grade>"], 12)
    for i, (raw_key, raw_value) in enumerate(zip(sheet.frame[key_col], sheet.frame[value_col])):
        cell_key, cell_value = sheet.ref(i, key_col), sheet.ref(i, value_col)
        if is_blank(raw_key):
            continue
        name = normalize(str(raw_key))
        setting = _lookup_label(labels.SETTINGS, name)
        family = None
        if setting is None and ":" in name:
            prefix, _, rest = name.partition(":")
            if _lookup_label((labels.COMPLAINT_SETTING_PREFIX,), prefix):
                family, member = "complaint", _lookup_label(labels.OUTCOMES, rest)
            elif _lookup_label((labels.GRADE_SETTING_PREFIX,), prefix):
                family, member = "grade", _lookup_label(labels.GRADES, rest)
            if family and member is None:
                options = labels.OUTCOMES if family == "complaint" else labels.GRADES
                findings.append(Finding(ERROR, "unknown_setting", sheet.sheet, cell_key, raw_key, {"accepted": _accepted(options)}))
                continue
            setting = f"{family}:{member}" if family else None
        if setting is None:
            findings.append(Finding(ERROR, "unknown_setting", sheet.sheet, cell_key, raw_key, {"accepted": accepted_keys}))
            continue
        if setting in seen:
            findings.append(Finding(WARNING, "duplicate_setting", sheet.sheet, cell_key, raw_key, {"setting": name}))
            continue
        seen.add(setting)
        if is_blank(raw_value):
            continue  # a blank value keeps the default

        def bad(accepted: str) -> None:
            findings.append(
                Finding(ERROR, "bad_setting_value", sheet.sheet, cell_value, raw_value, {"setting": name, "accepted": accepted})
            )

        # "60%" is 0.6 as a share and 80 as a value in points (WORKBOOK.md v2).
        number = as_number(raw_value, percent=0.01 if setting in labels.SHARE_SETTINGS else 1.0)
        if setting == "weight_mode":
            mode = _lookup_label(labels.WEIGHT_MODES, raw_value)
            values["weight_mode"] = mode if mode else bad(_accepted(labels.WEIGHT_MODES))
        elif setting == "visit_share":
            if number is not None and 0.0 <= number <= 1.0:
                values["visit_share"] = number
            else:
                bad("0–1")
        elif setting == "unmentioned_as":
            grade = grade_key_of(raw_value)
            values["unmentioned_as"] = grade if grade else bad(_accepted(labels.GRADES))
        elif setting == "clamp":
            yes = _lookup_label(labels.YES_NO, raw_value)
            values["clamp"] = (yes == "yes") if yes else bad(_accepted(labels.YES_NO))
        elif setting in ("completion_value", "target_value"):
            if number is not None and 0.0 <= number <= 100.0:
                values[setting] = number
            else:
                bad("0–100")
        elif setting in ("period", "unit"):
            values[setting] = customer_key(raw_value)
        elif setting == "unit_weight":
            if number is not None and number > 0:
                values["unit_weight"] = number
            else:
                bad("> 0")
        elif setting in ("min_group_size", "churn_periods"):
            if number is not None and number >= 1 and float(number).is_integer():
                values[setting] = int(number)
            else:
                bad("1, 2, 3 …")
        elif setting == "churn_grade":
            grade = grade_key_of(raw_value)
            values["churn_grade"] = grade if grade else bad(_accepted(labels.GRADES))
        elif setting in _HANDLING_SETTINGS:  # ANALYSES.md §2
            field_name, zero_ok = _HANDLING_SETTINGS[setting]
            if number is not None and (number > 0 or (zero_ok and number == 0)):
                values[field_name] = number
            else:
                bad("≥ 0" if zero_ok else "> 0")
        elif setting.startswith("complaint:"):
            if number is not None:
                adjustments[setting.split(":", 1)[1]] = number
            else:
                bad("a number such as -5 or +2")
        elif setting.startswith("grade:"):
            grade = setting.split(":", 1)[1]
            if number is None or not 0.0 <= number <= 100.0:
                bad("0–100")
            elif grade == labels.GRADES[-1].key:
                findings.append(Finding(WARNING, "lowest_grade_bound", sheet.sheet, cell_value, raw_value))
            else:
                bounds[grade] = number
    order = [bounds[g.key] for g in labels.GRADES[:-1]]
    if any(a <= b for a, b in zip(order, order[1:])):
        findings.append(
            Finding(ERROR, "grade_bounds_order", sheet.sheet, None, " > ".join(fmt_number(b) for b in order))
        )
        bounds = dict(Settings().grade_bounds)
    return Settings(**{k: v for k, v in values.items() if v is not None}, complaint_adjustments=adjustments, grade_bounds=bounds)


# --- scales -----------------------------------------------------------------------------------
def parse_scales(sheet: Sheet | None, findings: list[Finding]) -> ScaleSet:
    if sheet is None or sheet.header_row < 0 or not _require_columns(sheet, findings):
        return ScaleSet()
    five_keys = {match_key(n) for n in labels.FIVE_GRADE_SCALE.names}
    overrides: dict[str, float] = {}
    custom: dict[str, dict[str, float]] = {}
    names: dict[str, str] = {}
    s_col, l_col, v_col = sheet.columns["scale"], sheet.columns["label"], sheet.columns["value"]
    for i, (name, label, value) in enumerate(zip(sheet.frame[s_col], sheet.frame[l_col], sheet.frame[v_col])):
        if is_blank(name) or is_blank(label):
            findings.append(Finding(ERROR, "blank_scale_label", sheet.sheet, sheet.ref(i, s_col if is_blank(name) else l_col), None))
            continue
        scale_name = normalize(str(name))
        number = as_number(value)
        if number is None or not 0.0 <= number <= 100.0:
            findings.append(Finding(ERROR, "bad_scale_value", sheet.sheet, sheet.ref(i, v_col), value, {"label": normalize(str(label)), "scale": scale_name}))
            continue
        if match_key(scale_name) in five_keys:
            grade = grade_key_of(label)
            if grade is None:
                findings.append(Finding(ERROR, "unknown_five_grade_label", sheet.sheet, sheet.ref(i, l_col), label, {"accepted": _accepted(labels.GRADES)}))
                continue
            overrides[grade] = number
            continue
        key = match_key(scale_name)
        names.setdefault(key, scale_name)
        values = custom.setdefault(key, {})
        text = normalize(str(label))
        if match_key(text) in {match_key(x) for x in values}:
            findings.append(Finding(ERROR, "duplicate_scale_label", sheet.sheet, sheet.ref(i, l_col), label, {"scale": scale_name}))
            continue
        values[text] = number
    return ScaleSet(five=five_grade(overrides), custom={k: Scale(names[k], v) for k, v in custom.items()})


# --- scheme -----------------------------------------------------------------------------------
def parse_scheme(sheet: Sheet | None, scales: ScaleSet, settings: Settings, findings: list[Finding]) -> tuple[Scheme | None, list[str]]:
    """The scheme, or None when it has errors; plus the item names found
    (so data sheets can still be checked when weights are wrong)."""
    if sheet is None or sheet.header_row < 0 or not _require_columns(sheet, findings):
        return None, []
    frame, c = sheet.frame, sheet.columns
    ok = True
    rows: list[dict] = []
    category: str | None = None
    category_weights: dict[str, tuple[float, str]] = {}
    first_cell: dict[str, str] = {}
    seen_items: set[str] = set()
    item_names: list[str] = []
    for i in range(len(frame)):
        cat_raw = frame.at[i, c["category"]]
        cw_raw = frame.at[i, c["category_weight"]]
        item_raw = frame.at[i, c["item"]]
        iw_raw = frame.at[i, c["item_weight"]]
        scale_raw = frame.at[i, c["scale"]] if "scale" in c else None
        if not is_blank(cat_raw):
            category = normalize(str(cat_raw))
            first_cell.setdefault(category, sheet.ref(i, c["category"]))
        if not is_blank(cw_raw) and category is not None:
            weight = as_number(cw_raw, percent=1.0)
            if weight is None or weight <= 0:
                findings.append(Finding(ERROR, "bad_weight", sheet.sheet, sheet.ref(i, c["category_weight"]), cw_raw))
                ok = False
            elif category in category_weights and abs(category_weights[category][0] - weight) > 1e-9:
                findings.append(Finding(ERROR, "conflicting_category_weight", sheet.sheet, sheet.ref(i, c["category_weight"]), cw_raw,
                                        {"category": category, "other": fmt_number(category_weights[category][0])}))
                ok = False
            else:
                category_weights.setdefault(category, (weight, sheet.ref(i, c["category_weight"])))
        if is_blank(item_raw):
            if not is_blank(iw_raw) or not is_blank(scale_raw):
                findings.append(Finding(ERROR, "row_without_item", sheet.sheet, sheet.ref(i, c["item"]), None))
                ok = False
            continue  # a category declared on a row of its own
        item = normalize(str(item_raw))
        if match_key(item) in seen_items:
            findings.append(Finding(ERROR, "duplicate_item", sheet.sheet, sheet.ref(i, c["item"]), item_raw))
            ok = False
            continue
        seen_items.add(match_key(item))
        item_names.append(item)
        if category is None:
            findings.append(Finding(ERROR, "item_without_category", sheet.sheet, sheet.ref(i, c["category"]), item))
            ok = False
            continue
        weight = as_number(iw_raw, percent=1.0)
        if weight is None or weight <= 0 or is_excel_error(iw_raw):
            findings.append(Finding(ERROR, "bad_weight", sheet.sheet, sheet.ref(i, c["item_weight"]), iw_raw))
            ok = False
            weight = None
        scale_name = None
        if not is_blank(scale_raw):
            scale = scales.get(scale_raw)
            if scale is None:
                findings.append(Finding(ERROR, "unknown_scale", sheet.sheet, sheet.ref(i, c["scale"]), scale_raw,
                                        {"accepted": join_labels(scales.names)}))
                ok = False
            else:
                scale_name = scale.name
        rows.append({"item": item, "category": category, "weight": weight, "scale": scale_name})
    for category, cell in first_cell.items():
        if category not in category_weights and any(r["category"] == category for r in rows):
            findings.append(Finding(ERROR, "missing_category_weight", sheet.sheet, cell, None, {"category": category}))
            ok = False
    if not item_names:
        findings.append(Finding(ERROR, "no_items", sheet.sheet, None))
        return None, []
    if not ok:
        return None, item_names
    scheme = Scheme.build(
        [SchemeRow(r["item"], r["category"], r["weight"], category_weights[r["category"]][0], r["scale"]) for r in rows],
        mode=settings.weight_mode,
        sheet=sheet.sheet,
    )
    findings.extend(scheme.findings)
    return scheme, item_names


# --- data sheets --------------------------------------------------------------------------------
def _item_scales(items: list[str], scheme: Scheme | None, scales: ScaleSet, questionnaire: bool) -> dict[str, Scale]:
    if scheme is None or not questionnaire:
        return {item: scales.five for item in items}
    return {item: scales.get(scheme.scale_of(item)) or scales.five for item in items}


def _note_missing_items(sheet: Sheet, items: list[str], findings: list[Finding]) -> None:
    if sheet.header_row < 0:
        return
    for item in items:
        if item not in sheet.items:
            findings.append(Finding(INFO, "item_not_in_sheet", sheet.sheet, None, None, {"item": item}))


def parse_scored_sheet(
    sheet: Sheet, items: list[str], scales_by_item: dict[str, Scale], text_columns: tuple[str, ...], findings: list[Finding],
    register: CustomerRegister | None = None,
    optional_scores: Mapping[str, Scale] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Questionnaire or visits: customer ID, text columns, item scores and
    the ``optional_scores`` columns present (column key → scale)."""
    optional_scores = optional_scores or {}
    if sheet.header_row < 0 or not _require_columns(sheet, findings):
        return pd.DataFrame(columns=["customer_id", *text_columns, *items]), None
    register = register or CustomerRegister()
    text_columns = _record_columns(sheet, text_columns)
    data_cols = [*sheet.items.values(), *sheet.expected.values()]
    ids = _customer_ids(sheet, data_cols, findings, register)
    _note_missing_items(sheet, items, findings)
    scores = _score_columns(sheet, sheet.items, scales_by_item, findings)
    out = {"customer_id": ids}
    for key in text_columns:
        out[key] = _text_column(sheet, key)
    n = len(sheet.frame)
    for item in items:
        out[item] = scores.get(item, np.full(n, np.nan))
    for key, scale in optional_scores.items():  # loyalty columns (ANALYSES.md §5), only when present
        if key in sheet.columns:
            out[key] = _score_columns(sheet, {key: sheet.columns[key]}, {key: scale}, findings,
                                     header_of=lambda k: str(sheet.table.rows[sheet.header_row][sheet.columns[k]]))[key]
    frame = pd.DataFrame(out)
    frame["_row"] = sheet.rows + sheet.table.first_row
    expected = None
    if sheet.expected:
        exp_scores = _score_columns(sheet, sheet.expected, scales_by_item, findings,
                                    header_of=lambda item: f"{labels.EXPECTED_PREFIX.zh}:{item}")
        expected = pd.DataFrame({"customer_id": ids, "respondent": out.get("respondent", np.full(n, None)), **exp_scores})
        expected = expected[pd.notna(expected["customer_id"])].reset_index(drop=True)
    frame = frame[pd.notna(frame["customer_id"])].reset_index(drop=True)
    return frame, expected


def parse_complaints(sheet: Sheet, settings: Settings, findings: list[Finding],
                     register: CustomerRegister | None = None) -> pd.DataFrame:
    columns = tuple(c for c in COMPLAINT_COLUMNS if c not in ("customer_id", "outcome", "blank_outcome"))
    if sheet.header_row < 0 or not _require_columns(sheet, findings):
        return pd.DataFrame(columns=["customer_id", "outcome", "blank_outcome", *columns])
    columns = tuple(c for c in _record_columns(sheet, columns) if c != "outcome")
    out_col = sheet.columns["outcome"]
    other = [v for k, v in sheet.columns.items() if k not in ("customer_id", *labels.SILENT_COLUMNS)]
    ids = _customer_ids(sheet, other, findings, register or CustomerRegister())
    raw = sheet.frame[out_col].to_numpy(dtype=object)
    codes, uniques = sheet.coded(out_col)
    resolved = np.array([None if is_blank(u) else _lookup_label(labels.OUTCOMES, u) for u in uniques] + [None], dtype=object)
    blank_u = np.array([is_blank(u) for u in uniques] + [True], dtype=bool)
    outcome, blank = resolved[codes], blank_u[codes]
    accepted = _accepted(labels.OUTCOMES)
    unhandled = fmt_number(settings.complaint_adjustments["unhandled"])
    for i in np.flatnonzero(pd.isna(outcome)):
        if ids[i] is None:
            continue
        if blank[i]:
            findings.append(Finding(WARNING, "blank_outcome", sheet.sheet, sheet.ref(i, out_col), None, {"adjustment": unhandled}))
        else:
            findings.append(Finding(ERROR, "unknown_outcome", sheet.sheet, sheet.ref(i, out_col), raw[i], {"accepted": accepted}))
    outcome = np.where(blank, "unhandled", outcome)
    frame = pd.DataFrame({"customer_id": ids, "outcome": outcome, "blank_outcome": blank,
                          **{k: _text_column(sheet, k) for k in columns}})
    from .handling_reader import complaint_handling_columns  # ANALYSES.md §2

    for key, values in complaint_handling_columns(sheet, pd.notna(ids), findings).items():
        frame[key] = values
    frame["_row"] = sheet.rows + sheet.table.first_row
    return frame[pd.notna(frame["customer_id"])].reset_index(drop=True)


def parse_customers(sheet: Sheet, findings: list[Finding], register: CustomerRegister | None = None) -> pd.DataFrame:
    if sheet.header_row < 0 or not _require_columns(sheet, findings):
        return pd.DataFrame(columns=["customer_id", "customer_name", "region", "customer_weight"])
    register = register or CustomerRegister()
    other = [v for k, v in sheet.columns.items() if k not in ("customer_id", *labels.SILENT_COLUMNS)]
    ids = _customer_ids(sheet, other, findings, register)
    out = {"customer_id": ids, "customer_name": _text_column(sheet, "customer_name"), "region": _text_column(sheet, "region")}
    weights = np.full(len(ids), np.nan)
    if "customer_weight" in sheet.columns:
        col = sheet.columns["customer_weight"]
        codes, uniques = sheet.coded(col)  # each distinct weight converted once
        numbers = [None if is_blank(u) else as_number(u, percent=1.0) for u in uniques]
        bad = np.array([not is_blank(u) and (n is None or n < 0) for u, n in zip(uniques, numbers)] + [False], dtype=bool)
        value = np.array([np.nan if n is None or n < 0 else n for n in numbers] + [np.nan], dtype=np.float64)
        weights = value[codes]
        raw = sheet.frame[col].to_numpy(dtype=object)
        for i in np.flatnonzero(bad[codes]):
            findings.append(Finding(ERROR, "bad_customer_weight", sheet.sheet, sheet.ref(i, col), raw[i]))
    out["customer_weight"] = weights
    for key in _record_columns(sheet, ("customer_name", "region", "customer_weight")):
        if key not in out:
            out[key] = _text_column(sheet, key)
    for key in sheet.columns:
        if key.startswith("segment:"):
            out[key.split(":", 1)[1]] = _text_column(sheet, key)
    frame = pd.DataFrame(out)
    dup = frame["customer_id"].duplicated() & frame["customer_id"].notna()
    for i in np.flatnonzero(dup.to_numpy()):
        findings.append(Finding(WARNING, "duplicate_customer", sheet.sheet, sheet.ref(i, sheet.columns["customer_id"]), ids[i]))
    frame = frame[pd.notna(frame["customer_id"]) & ~dup].reset_index(drop=True)
    register.set_roster(frame["customer_id"], sheet.sheet)
    return frame


def parse_records(sheet: Sheet, findings: list[Finding], register: CustomerRegister | None = None) -> pd.DataFrame:
    """Any other sheet of :data:`labels.SHEETS`: its recognised columns as
    plain values (customer IDs by the ID rules), one row per data row."""
    keys = [k for k in sheet.columns if k not in labels.SILENT_COLUMNS]
    if sheet.header_row < 0 or not _require_columns(sheet, findings):
        return pd.DataFrame(columns=keys)
    out = {k: _text_column(sheet, k) for k in keys}
    if "customer_id" in sheet.columns:
        other = [v for k, v in sheet.columns.items() if k not in ("customer_id", *labels.SILENT_COLUMNS)]
        out["customer_id"] = _customer_ids(sheet, other, findings, register or CustomerRegister())
    frame = pd.DataFrame(out)
    frame["_row"] = sheet.rows + sheet.table.first_row
    if "customer_id" in frame:
        frame = frame[pd.notna(frame["customer_id"])].reset_index(drop=True)
    return frame


def parse_action_sheet(sheet: Sheet, findings: list[Finding]) -> pd.DataFrame | None:
    """整改 / Actions (ANALYSES.md §3), or None when the sheet lacks its required columns."""
    from .handling_reader import parse_actions

    if sheet.header_row < 0 or not _require_columns(sheet, findings):
        return None
    return parse_actions(sheet, findings, _text_column)


# --- the workbook -------------------------------------------------------------------------------
def _sheet_names(label: labels.Label) -> str:
    return join_labels(label.names, 12)


def match_sheets(tables: Mapping[str, Table], findings: list[Finding]) -> dict[str, Table]:
    """Tables by sheet key (``"questionnaire"`` …); unknown sheets are ignored.

    Two sheets taking one role are an error naming both (which one holds the
    data is not ours to guess).
    """
    found: dict[str, Table] = {}
    for name, table in tables.items():
        key = _lookup_label(labels.SHEETS, name)
        if key is None:
            continue
        if key in found:
            s = labels.SHEET[key]
            findings.append(Finding(ERROR, "duplicate_sheet", name, None, None,
                                    {"first": found[key].name, "second": name, "sheet_names": f"{s.zh} / {s.en}"}))
            continue
        found[key] = table
    return found


def inspect_tables(tables: Mapping[str, Table], source: str | None = None, *, whole_workbook: bool = False,
                   file_findings: Iterable[Finding] = ()) -> tuple[Survey | None, list[Finding]]:
    """Parse every sheet, collecting all findings; the survey is None on errors.

    ``whole_workbook`` says the tables are every sheet of a file: then a
    workbook with none of 问卷, 走访 and 投诉, or nothing to score, is an
    error (never an empty result).  ``file_findings`` (e.g. the Excel lock
    file) come first.
    """
    findings: list[Finding] = list(file_findings)
    sheets = match_sheets(tables, findings)
    split = lambda key, items=(): split_sheet(key, sheets[key], list(items), findings) if key in sheets else None  # noqa: E731
    settings = parse_settings(split("settings"), findings)
    scales = parse_scales(split("scales"), findings)
    if "scheme" not in sheets:
        findings.append(_missing_sheets(("scheme",), tables))
        scheme, items = None, []
    else:
        scheme, items = parse_scheme(split("scheme"), scales, settings, findings)
    if whole_workbook and not any(k in sheets for k in labels.DATA_SHEETS):
        findings.append(_missing_sheets(labels.DATA_SHEETS, tables))
    register = CustomerRegister()
    data: dict[str, Any] = {}
    if "customers" in sheets:  # first: its spellings are the ones shown, and it is the roster
        data["customers"] = parse_customers(split("customers"), findings, register)
    q_sheet, v_sheet = split("questionnaire", items), split("visits", items)
    if q_sheet is not None:
        data["questionnaire"], data["expected"] = parse_scored_sheet(
            q_sheet, items, _item_scales(items, scheme, scales, True), ("customer_name", "respondent"), findings, register,
            optional_scores={"recommend": RECOMMEND_SCALE, "repurchase": scales.five, "overall": scales.five})
    if v_sheet is not None:
        data["visits"], _ = parse_scored_sheet(
            v_sheet, items, _item_scales(items, scheme, scales, False), ("visit_date",), findings, register)
    if "complaints" in sheets:
        data["complaints"] = parse_complaints(split("complaints"), settings, findings, register)
    if "actions" in sheets:  # ANALYSES.md §3: dates and statuses checked cell by cell
        data["actions"] = parse_action_sheet(split("actions"), findings)
    others = {key: parse_records(split(key), findings, register) for key in sheets
              if key not in ("scheme", "settings", "scales", "customers", "actions", *labels.DATA_SHEETS)}
    has_rows = any(len(data.get(k, ())) for k in ("questionnaire", "visits"))
    if scheme is not None and not has_rows and any(k in sheets for k in labels.DATA_SHEETS):
        findings.append(Finding(WARNING, "no_data", None, None))
    if errors(findings) or scheme is None:
        return None, findings
    survey = Survey(scheme=scheme, settings=settings, scales=scales, findings=findings, source=source,
                    sheet_names={k: t.name for k, t in sheets.items()}, sheets=others, **data)
    return survey, findings


def _missing_sheets(keys: tuple[str, ...], tables: Mapping[str, Table]) -> Finding:
    """A required sheet (or one of several) is missing: name what was found
    and every name accepted, so the user can rename the right sheet."""
    found = join_labels(list(tables), 12) if tables else "—"
    accepted = "; ".join(_sheet_names(labels.SHEET[k]) for k in keys)
    names = " / ".join(f"{labels.SHEET[k].zh}" for k in keys) + " (" + " / ".join(labels.SHEET[k].en for k in keys) + ")"
    code = "missing_sheet" if len(keys) == 1 else "no_data_sheet"
    return Finding(ERROR, code, None, None, None, {"sheet_names": names, "found": found, "accepted": accepted})


def survey_from_tables(tables: Mapping[str, Table], source: str | None = None, *, whole_workbook: bool = False,
                       file_findings: Iterable[Finding] = ()) -> Survey:
    """Parse the sheets; raise :class:`InvalidInputError` listing every error."""
    survey, findings = inspect_tables(tables, source, whole_workbook=whole_workbook, file_findings=file_findings)
    if survey is None:
        raise InvalidInputError(findings, source)
    return survey
