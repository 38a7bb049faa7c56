"""Reading the complaint-handling dates and the 整改 / Actions sheet (ANALYSES.md §2–3).

The reader half of the two analyses in :mod:`csat_xl.analyses.complaint_timing`
and :mod:`csat_xl.analyses.actions`: it turns the date, severity and status
cells into clean values and reports every cell it cannot use, with its
address.  These columns and the sheet are optional and never change a score,
so their problems are warnings: the cell is left out of the timing figures
(shown as blank), the rest of the workbook is read as usual.

Dates are accepted as real date cells, Excel serial numbers, ``20260408``
and text such as ``2026-04-08``, ``2026/4/8 14:30`` or ``2026年4月8日``.  A
value holds a time of day when the cell does (a datetime not at midnight);
:mod:`~csat_xl.analyses.complaint_timing` counts whole days where a cell
holds a date only.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import labels
from .findings import WARNING, Finding
from .text import is_blank, is_excel_error, join_labels, match_key, normalize

if TYPE_CHECKING:  # the reader's own types; tables imports this module lazily
    from .tables import Sheet

_DATE_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]+(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?\s*[秒分]?)?$"
)
_EXCEL_EPOCH = datetime(1899, 12, 30)
#: Serial numbers read as Excel dates (1954-10-03 … 2119-01-09): anything else is not a date.
_SERIAL_RANGE = (20000.0, 80000.0)


def as_date(value: Any) -> tuple[pd.Timestamp | None, bool] | None:
    """``(timestamp, has_time)`` for a date cell, ``(None, False)`` when blank, None when not a date."""
    if is_blank(value):
        return None, False
    if isinstance(value, datetime):
        return pd.Timestamp(value), value.time() != datetime.min.time()
    if isinstance(value, date):
        return pd.Timestamp(value), False
    if isinstance(value, bool) or is_excel_error(value):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        if number.is_integer() and 19000101 <= number <= 21001231:
            return _from_parts(str(int(number))[:4], str(int(number))[4:6], str(int(number))[6:])
        if _SERIAL_RANGE[0] <= number < _SERIAL_RANGE[1]:
            stamp = pd.Timestamp(_EXCEL_EPOCH + timedelta(days=number)).round("s")
            return stamp, not float(number).is_integer()
        return None
    text = normalize(str(value))
    if re.fullmatch(r"\d{8}", text):
        return _from_parts(text[:4], text[4:6], text[6:])
    match = _DATE_TEXT.match(text)
    if not match:
        return None
    return _from_parts(*match.groups())


def _from_parts(year, month, day, hour=None, minute=None, second=None) -> tuple[pd.Timestamp, bool] | None:
    try:
        stamp = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    except ValueError:  # 2026-02-30, 25:00 …
        return None
    return pd.Timestamp(stamp), hour is not None and (int(hour), int(minute or 0), int(second or 0)) != (0, 0, 0)


def date_column(sheet: Sheet, key: str, findings: list[Finding]) -> tuple[np.ndarray, np.ndarray]:
    """Column ``key`` as timestamps (NaT for blank or unreadable) and whether each holds a time.

    Each distinct value is parsed once; a value that is not a date is a
    warning naming its cell."""
    n = len(sheet.frame)
    column = sheet.column(key)
    stamps = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    timed = np.zeros(n, dtype=bool)
    if column is None:
        return stamps, timed
    raw = column.to_numpy(dtype=object)
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    parsed = [as_date(u) for u in uniques]
    col = sheet.columns[key]
    header = labels.COLUMNS[sheet.key][[c.key for c in labels.COLUMNS[sheet.key]].index(key)]
    for i, code in enumerate(codes):
        if code < 0:
            continue
        result = parsed[code]
        if result is None:
            findings.append(Finding(WARNING, "not_a_date", sheet.sheet, sheet.ref(i, col), raw[i],
                                    {"column": f"{header.zh} / {header.en}"}))
        elif result[0] is not None:
            stamps[i] = result[0].to_datetime64()
            timed[i] = result[1]
    return stamps, timed


def _labelled(sheet: Sheet, key: str, options: tuple[labels.Label, ...], code: str,
              findings: list[Finding]) -> np.ndarray:
    """Column ``key`` as option keys (None when blank or unknown; unknown values are warnings)."""
    n = len(sheet.frame)
    column = sheet.column(key)
    if column is None:
        return np.full(n, None, dtype=object)
    lookup = {match_key(name): option.key for option in options for name in option.names}
    raw = column.to_numpy(dtype=object)
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    resolved = [None if is_blank(u) else lookup.get(match_key(u), "?") for u in uniques] + [None]
    out = np.array(resolved, dtype=object)[codes]
    accepted = join_labels([f"{o.zh} / {o.en}" for o in options])
    for i in np.flatnonzero(out == "?"):
        findings.append(Finding(WARNING, code, sheet.sheet, sheet.ref(int(i), sheet.columns[key]), raw[i],
                                {"accepted": accepted}))
    out[out == "?"] = None
    return out


def _not_before(sheet: Sheet, later: str, earlier: str, stamps: dict[str, np.ndarray], timed: dict[str, np.ndarray],
                columns: dict[str, str], keep: np.ndarray, code: str, findings: list[Finding]) -> None:
    """A ``later`` date before the ``earlier`` one of its row is a warning; the later date is dropped.

    ``columns`` maps the date names to sheet column keys (for the cell
    address).  Dates without a time are compared as days: a response typed
    as the same date as a receipt at 14:00 is not "before" it."""
    a, b = stamps[later], stamps[earlier]
    both = ~np.isnat(a) & ~np.isnat(b)
    as_days = ~(timed[later] & timed[earlier])
    before = both & np.where(as_days, a.astype("datetime64[D]") < b.astype("datetime64[D]"), a < b)
    for i in np.flatnonzero(before & keep):
        findings.append(Finding(WARNING, code, sheet.sheet, sheet.ref(int(i), sheet.columns[columns[later]]),
                                pd.Timestamp(a[i]).to_pydatetime(),
                                {"earlier": _show(pd.Timestamp(b[i]), bool(timed[earlier][i]))}))
    a[before] = np.datetime64("NaT")


def _show(stamp: pd.Timestamp, has_time: bool) -> str:
    return stamp.strftime("%Y-%m-%d %H:%M" if has_time else "%Y-%m-%d")


#: Date names of the complaints frame → their 投诉 / Complaints column keys.
COMPLAINT_DATES = {"received": "date", "responded": "response_date", "closed": "closed_date"}
#: Date names of the actions frame → their 整改 / Actions column keys.
ACTION_DATES = {"created": "created_date", "due": "due_date", "done": "done_date"}


def _dates(sheet: Sheet, columns: dict[str, str], findings: list[Finding]) -> tuple[dict, dict]:
    stamps, timed = {}, {}
    for name, key in columns.items():
        stamps[name], timed[name] = date_column(sheet, key, findings)
    return stamps, timed


def complaint_handling_columns(sheet: Sheet, keep: np.ndarray, findings: list[Finding]) -> dict[str, np.ndarray]:
    """The timing columns of 投诉 / Complaints, row for row with ``sheet.frame``.

    ``received``, ``responded``, ``closed`` (datetime64, NaT when blank or
    unusable), ``received_timed`` … (whether the cell held a time of day) and
    ``severity`` (``general`` / ``serious`` / ``major`` or None).  ``keep``
    marks the rows that are complaints (rows without a customer are left out
    and need no second finding)."""
    stamps, timed = _dates(sheet, COMPLAINT_DATES, findings)
    _not_before(sheet, "responded", "received", stamps, timed, COMPLAINT_DATES, keep, "response_before_receipt", findings)
    _not_before(sheet, "closed", "received", stamps, timed, COMPLAINT_DATES, keep, "closed_before_receipt", findings)
    out: dict[str, np.ndarray] = {}
    for name in COMPLAINT_DATES:
        out[name], out[f"{name}_timed"] = stamps[name], timed[name]
    out["severity"] = _labelled(sheet, "severity", labels.COMPLAINT_SEVERITIES, "unknown_severity", findings)
    return out


#: Columns of the actions frame (:attr:`csat_xl.survey.Survey.actions`).
ACTION_TEXT_COLUMNS = ("action_id", "source", "action", "department", "owner", "effect")


def parse_actions(sheet: Sheet, findings: list[Finding], text_column) -> pd.DataFrame:
    """The 整改 / Actions sheet as a frame (one row per action with a 措施 / Action).

    Columns: the text columns, ``created``, ``due``, ``done`` (datetime64),
    their ``*_timed`` flags, ``status`` (an :data:`labels.ACTION_STATUSES`
    key or None) and ``_row`` (the sheet row).  Findings: a status that is
    not one of the four, an action without a due date, a done date before the
    created date, a finished status without a done date, a done date on an
    action still marked not started or in progress."""
    frame = pd.DataFrame({key: text_column(sheet, key) for key in ACTION_TEXT_COLUMNS})
    stamps, timed = _dates(sheet, ACTION_DATES, findings)
    status = _labelled(sheet, "status", labels.ACTION_STATUSES, "unknown_status", findings)
    keep = pd.notna(frame["action"]).to_numpy()
    _not_before(sheet, "done", "created", stamps, timed, ACTION_DATES, keep, "done_before_created", findings)
    action_col = sheet.columns["action"]
    due_raw = sheet.column("due_date")
    for i in np.flatnonzero(keep & np.isnat(stamps["due"])):
        unreadable = due_raw is not None and not is_blank(due_raw.iat[i])
        if not unreadable:  # an unreadable date already has its finding
            where = sheet.ref(int(i), sheet.columns.get("due_date", action_col))
            findings.append(Finding(WARNING, "action_without_due_date", sheet.sheet, where, frame["action"].iat[i]))
    finished = np.isin(status.astype(str), list(labels.FINISHED_STATUSES))
    if "status" in sheet.columns:
        for i in np.flatnonzero(keep & finished & np.isnat(stamps["done"])):
            findings.append(Finding(WARNING, "finished_without_done_date", sheet.sheet,
                                    sheet.ref(int(i), sheet.columns["status"]), sheet.column("status").iat[i]))
    for name in stamps:
        frame[name], frame[f"{name}_timed"] = stamps[name], timed[name]
    frame["status"] = status
    frame["_row"] = sheet.rows + sheet.table.first_row
    return frame[keep].reset_index(drop=True)

