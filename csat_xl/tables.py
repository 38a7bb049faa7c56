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

import re
from datetime import datetime, time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import labels
from .findings import ERROR, INFO, WARNING, Finding, InvalidInputError, errors
from .scales import NOT_ON_SCALE, Scale, ScaleSet, five_grade, grade_key_of, to_scores
from .scheme import Scheme, SchemeRow, fmt_number
from .settings import Settings
from .survey import Survey
from .text import as_number, column_letter, customer_key, is_blank, is_excel_error, join_labels, match_key, normalize

_SHEET_NAME_NEEDS_QUOTES = re.compile(r"[^\w\u4e00-\u9fff]")


@dataclass
class Table:
    """A sheet's cells as a grid of Python values, and how to name a cell.

    ``rows[0][0]`` is the cell at (``first_row``, ``first_col``), 1-based.
    With ``style="a1"`` cells are named like ``问卷!F7``; with
    ``style="position"`` (ranges handed to Excel functions) like
    ``questionnaire row 3, column 2 (包装)``.
    """

    name: str
    rows: list[list[Any]]
    first_row: int = 1
    first_col: int = 1
    style: str = "a1"

    def ref(self, row: int, col: int, header: str | None = None) -> str:
        if self.style == "position":
            where = f"{self.name} row {row + 1}, column {col + 1}"
            return f"{where} ({header})" if header else where
        sheet = f"'{self.name}'" if _SHEET_NAME_NEEDS_QUOTES.search(self.name) else self.name
        return f"{sheet}!{column_letter(self.first_col + col)}{self.first_row + row}"


# --- sheet layout -------------------------------------------------------------------
def _column_lookup(sheet_key: str) -> dict[str, str]:
    return {match_key(name): col.key for col in labels.COLUMNS[sheet_key] for name in col.names}


def _blank_mask(column: pd.Series) -> np.ndarray:
    """True where a cell is empty (None, "", whitespace, NaN); one hash per
    cell, and :func:`is_blank` only once per distinct value."""
    codes, uniques = pd.factorize(column.to_numpy(dtype=object), use_na_sentinel=True)
    blank = np.array([is_blank(u) for u in uniques] + [True], dtype=bool)
    return blank[codes]


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

    def ref(self, frame_row: int, col: int, header: str | None = None) -> str:
        return self.table.ref(int(self.rows[frame_row]), col, header)

    def column(self, key: str) -> pd.Series | None:
        index = self.columns.get(key)
        return None if index is None else self.frame[index]

    @property
    def sheet(self) -> str:
        return self.table.name


def split_sheet(key: str, table: Table, items: list[str], findings: list[Finding]) -> Sheet:
    """Find the header (first non-empty row), recognise columns, keep data rows."""
    sheet = Sheet(key, table)
    rows = table.rows
    header = next((i for i, r in enumerate(rows) if any(not is_blank(v) for v in r)), None)
    if header is None:
        findings.append(Finding(INFO, "empty_sheet", table.name, None))
        return sheet
    sheet.header_row = header
    known = _column_lookup(key)
    item_keys = {match_key(item): item for item in items}
    prefixes = [match_key(name) + ":" for name in labels.EXPECTED_PREFIX.names]
    taken: set[str] = set()
    for col, cell in enumerate(rows[header]):
        if is_blank(cell):
            continue
        name = match_key(cell)
        target: tuple[dict, str] | None = None
        if name in known:
            target = (sheet.columns, known[name])
        elif name in item_keys and key in ("questionnaire", "visits"):
            target = (sheet.items, item_keys[name])
        elif key == "questionnaire":
            for prefix in prefixes:
                if name.startswith(prefix) and name[len(prefix):] in item_keys:
                    target = (sheet.expected, item_keys[name[len(prefix):]])
                    break
        if target is None:
            if key not in ("customers",):  # customer segments are free columns
                findings.append(Finding(INFO, "ignored_column", table.name, table.ref(header, col), cell))
            else:
                sheet.columns.setdefault(f"segment:{normalize(str(cell))}", col)
            continue
        mapping, name_key = target
        tag = f"{id(mapping)}:{name_key}"
        if tag in taken:
            findings.append(Finding(WARNING, "duplicate_column", table.name, table.ref(header, col), cell))
            continue
        taken.add(tag)
        mapping[name_key] = col

    lengths = list(map(len, rows))
    width = max(lengths, default=0)
    ragged = min(lengths, default=0) != width
    body = [list(r) + [None] * (width - len(r)) for r in rows[header + 1:]] if ragged else rows[header + 1:]
    frame = pd.DataFrame(body, columns=range(width), dtype=object) if body else pd.DataFrame(columns=range(width), dtype=object)
    used = sorted({*sheet.columns.values(), *sheet.items.values(), *sheet.expected.values()})
    # A row is dropped when every recognised column is blank.  Each column is
    # only checked on the rows still blank so far: the ID column usually
    # settles almost every row, so free-text columns are rarely scanned.
    candidates = np.arange(len(frame))
    for col in used:
        if not len(candidates):
            break
        candidates = candidates[_blank_mask(frame[col].iloc[candidates])]
    keep = np.ones(len(frame), dtype=bool)
    keep[candidates] = False
    sheet.frame = frame.loc[keep].reset_index(drop=True)
    sheet.rows = np.flatnonzero(keep) + header + 1
    if not used or not len(sheet.frame):
        findings.append(Finding(INFO, "empty_sheet", table.name, None))
    return sheet


def _require_columns(sheet: Sheet, findings: list[Finding]) -> bool:
    ok = True
    cols = {c.key: c for c in labels.COLUMNS[sheet.key]}
    if sheet.header_row < 0:
        return False
    for key in labels.REQUIRED_COLUMNS[sheet.key]:
        if key not in sheet.columns:
            col = cols[key]
            # Excel's own notation for a whole row: the header row, e.g. 问卷!3:3
            row = sheet.header_row + sheet.table.first_row
            where = sheet.table.ref(sheet.header_row, 0).split("!")[0] + f"!{row}:{row}" if sheet.table.style == "a1" else sheet.sheet
            findings.append(Finding(ERROR, "missing_column", sheet.sheet, where, None, {"column_names": f"{col.zh} / {col.en}"}))
            ok = False
    return ok


def _customer_ids(sheet: Sheet, data_cols: list[int], findings: list[Finding]) -> np.ndarray:
    """Canonical customer IDs; rows with data but no ID are errors (ID None)."""
    column = sheet.column("customer_id")
    codes, uniques = pd.factorize(column.to_numpy(dtype=object), use_na_sentinel=True)
    keys = np.array([customer_key(u) for u in uniques] + [None], dtype=object)
    ids = keys[codes]
    missing = np.flatnonzero(pd.isna(ids))
    if len(missing):
        has_data = np.zeros(len(missing), dtype=bool)
        for col in data_cols:
            has_data |= ~_blank_mask(sheet.frame[col].iloc[missing])
        for i in missing[has_data]:
            findings.append(Finding(ERROR, "missing_customer_id", sheet.sheet, sheet.ref(i, sheet.columns["customer_id"]), None))
    return ids


def _score_columns(
    sheet: Sheet, columns: dict[str, int], scales: Mapping[str, Scale], findings: list[Finding], header_of=None
) -> dict[str, np.ndarray]:
    out = {}
    for item, col in columns.items():
        scale = scales[item]
        scores, problems = to_scores(sheet.frame[col], scale)
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
    column = sheet.column(key)
    if column is None:
        return np.full(len(sheet.frame), None, dtype=object)
    codes, uniques = pd.factorize(column.to_numpy(dtype=object), use_na_sentinel=True)
    plain = np.array([_plain_text(u) for u in uniques] + [None], dtype=object)
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

        number = as_number(raw_value)
        if isinstance(raw_value, str) and number is None and normalize(raw_value).endswith("%"):
            pct = as_number(normalize(raw_value)[:-1])
            number = None if pct is None else pct / 100.0
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
        elif setting == "period":
            values["period"] = customer_key(raw_value)
        elif setting in ("min_group_size", "churn_periods"):
            if number is not None and number >= 1 and float(number).is_integer():
                values[setting] = int(number)
            else:
                bad("1, 2, 3 …")
        elif setting == "churn_grade":
            grade = grade_key_of(raw_value)
            values["churn_grade"] = grade if grade else bad(_accepted(labels.GRADES))
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
            weight = as_number(cw_raw)
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
        weight = as_number(iw_raw)
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
    sheet: Sheet, items: list[str], scales_by_item: dict[str, Scale], text_columns: tuple[str, ...], findings: list[Finding]
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Questionnaire or visits: customer ID, text columns and item scores."""
    if sheet.header_row < 0 or not _require_columns(sheet, findings):
        return pd.DataFrame(columns=["customer_id", *text_columns, *items]), None
    data_cols = [*sheet.items.values(), *sheet.expected.values()]
    ids = _customer_ids(sheet, data_cols, findings)
    _note_missing_items(sheet, items, findings)
    scores = _score_columns(sheet, sheet.items, scales_by_item, findings)
    out = {"customer_id": ids}
    for key in text_columns:
        out[key] = _text_column(sheet, key)
    n = len(sheet.frame)
    for item in items:
        out[item] = scores.get(item, np.full(n, np.nan))
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


def parse_complaints(sheet: Sheet, settings: Settings, findings: list[Finding]) -> pd.DataFrame:
    columns = ("complaint_id", "date", "category", "product", "region", "department", "description")
    if sheet.header_row < 0 or not _require_columns(sheet, findings):
        return pd.DataFrame(columns=["customer_id", "outcome", "blank_outcome", *columns])
    out_col = sheet.columns["outcome"]
    other = [v for k, v in sheet.columns.items() if k != "customer_id"]
    ids = _customer_ids(sheet, other, findings)
    raw = sheet.frame[out_col].to_numpy(dtype=object)
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
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
    frame["_row"] = sheet.rows + sheet.table.first_row
    return frame[pd.notna(frame["customer_id"])].reset_index(drop=True)


def parse_customers(sheet: Sheet, findings: list[Finding]) -> pd.DataFrame:
    if sheet.header_row < 0 or not _require_columns(sheet, findings):
        return pd.DataFrame(columns=["customer_id", "customer_name", "region", "customer_weight"])
    other = [v for k, v in sheet.columns.items() if k != "customer_id"]
    ids = _customer_ids(sheet, other, findings)
    out = {"customer_id": ids, "customer_name": _text_column(sheet, "customer_name"), "region": _text_column(sheet, "region")}
    weights = np.full(len(ids), np.nan)
    if "customer_weight" in sheet.columns:
        col = sheet.columns["customer_weight"]
        for i, raw in enumerate(sheet.frame[col].to_numpy(dtype=object)):
            if is_blank(raw):
                continue
            number = as_number(raw)
            if number is None or number < 0:
                findings.append(Finding(ERROR, "bad_customer_weight", sheet.sheet, sheet.ref(i, col), raw))
            else:
                weights[i] = number
    out["customer_weight"] = weights
    for key in sheet.columns:
        if key.startswith("segment:"):
            out[key.split(":", 1)[1]] = _text_column(sheet, key)
    frame = pd.DataFrame(out)
    dup = frame["customer_id"].duplicated() & frame["customer_id"].notna()
    for i in np.flatnonzero(dup.to_numpy()):
        findings.append(Finding(WARNING, "duplicate_customer", sheet.sheet, sheet.ref(i, sheet.columns["customer_id"]), ids[i]))
    return frame[pd.notna(frame["customer_id"]) & ~dup].reset_index(drop=True)


# --- the workbook -------------------------------------------------------------------------------
def match_sheets(tables: Mapping[str, Table], findings: list[Finding]) -> dict[str, Table]:
    """Tables by sheet key (``"questionnaire"`` …); unknown sheets are ignored."""
    found: dict[str, Table] = {}
    for name, table in tables.items():
        key = _lookup_label(labels.SHEETS, name)
        if key is None:
            continue
        if key in found:
            s = labels.SHEET[key]
            findings.append(Finding(WARNING, "duplicate_sheet", name, None, f"{found[key].name}, {name}", {"sheet_names": f"{s.zh} / {s.en}"}))
            continue
        found[key] = table
    return found


def inspect_tables(tables: Mapping[str, Table], source: str | None = None) -> tuple[Survey | None, list[Finding]]:
    """Parse every sheet, collecting all findings; the survey is None on errors."""
    findings: list[Finding] = []
    sheets = match_sheets(tables, findings)
    split = lambda key, items=(): split_sheet(key, sheets[key], list(items), findings) if key in sheets else None  # noqa: E731
    settings = parse_settings(split("settings"), findings)
    scales = parse_scales(split("scales"), findings)
    if "scheme" not in sheets:
        s = labels.SHEET["scheme"]
        findings.append(Finding(ERROR, "missing_sheet", None, None, None, {"sheet_names": f"{s.zh} / {s.en}"}))
        scheme, items = None, []
    else:
        scheme, items = parse_scheme(split("scheme"), scales, settings, findings)
    data: dict[str, Any] = {}
    q_sheet, v_sheet = split("questionnaire", items), split("visits", items)
    if q_sheet is not None:
        data["questionnaire"], data["expected"] = parse_scored_sheet(
            q_sheet, items, _item_scales(items, scheme, scales, True), ("customer_name", "respondent"), findings)
    if v_sheet is not None:
        data["visits"], _ = parse_scored_sheet(v_sheet, items, _item_scales(items, scheme, scales, False), ("visit_date",), findings)
    if "complaints" in sheets:
        data["complaints"] = parse_complaints(split("complaints"), settings, findings)
    if "customers" in sheets:
        data["customers"] = parse_customers(split("customers"), findings)
    has_rows = any(len(data.get(k, ())) for k in ("questionnaire", "visits"))
    if scheme is not None and not has_rows:
        findings.append(Finding(WARNING, "no_data", None, None))
    if errors(findings) or scheme is None:
        return None, findings
    survey = Survey(scheme=scheme, settings=settings, scales=scales, findings=findings, source=source,
                    sheet_names={k: t.name for k, t in sheets.items()}, **data)
    return survey, findings


def survey_from_tables(tables: Mapping[str, Table], source: str | None = None) -> Survey:
    """Parse the sheets; raise :class:`InvalidInputError` listing every error."""
    survey, findings = inspect_tables(tables, source)
    if survey is None:
        raise InvalidInputError(findings, source)
    return survey
