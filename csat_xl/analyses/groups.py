"""Customer groups (ANALYSES.md §1): the period's figures per group of customers.

Any column of the 客户 / Customers sheet other than the customer ID, name and
weight — and other than 状态 / Status, which records churn (§4) — is a
*group column*: 区域 / Region, 客户类型 / Customer type, 事业部 / Division,
客户经理 / Account manager …  Group values are trimmed and NFKC-normalised;
values that differ only in letter case are one group (the first spelling
seen is shown); a blank value is the group "(未填) / (blank)" (``None`` here).

Per group: customers, customers scored, CSI, customer-weighted CSI,
satisfaction rate (0–1), category means, grade counts and the CSI's bootstrap
interval; and the group's CSI against the rest of the customers with the
interval of the difference.  A group with fewer scored customers than the
setting 最小分组 / minimum group size (default 5) is *suppressed*: its counts
are listed, every figure is None, so no one reads a CSI of two customers as
a fact.

Every rule is the core's: CSI, weighted CSI, rate and grades come from
:func:`csat_xl.aggregation.headline`, category means from the method's blend
(:func:`csat_xl.statistics.blended_items`) averaged with the effective
weights like :func:`csat_xl.aggregation.category_table`.  The intervals
resample the period's customers once for all groups of a column (as
:func:`csat_xl.statistics.uncertainty` does for the period's figures): in
each resample a group's CSI and the CSI of the rest are ratios of sums, so
every group of a column costs one matrix product.  From
:data:`~csat_xl.statistics.NORMAL_FROM` customers in the period the normal
approximation replaces the bootstrap, as for the period's figures
(:func:`csat_xl.statistics.ratio_bounds`).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import labels
from .. import statistics as st
from ..aggregation import headline
from ..findings import CsatError
from ..scoring import Scores
from ..survey import Survey
from ..text import is_blank, match_key, normalize

#: survey.customers columns that are never group columns (ID, name, weight).
_NOT_GROUPS = ("customer_id", "customer_name", "customer_weight")

#: The group of a blank value, by language.
BLANK_GROUP = {"zh": "(未填)", "en": "(blank)"}


class UnknownGroupColumnError(CsatError):
    """``--by`` / ``CSAT_GROUPS`` named a column the 客户 / Customers sheet does not have."""

    def __init__(self, name: str, available: Sequence[str]):
        self.name = name
        self.available = list(available)
        shown = ", ".join(self.available) if self.available else "—"
        super().__init__(f"{name}: not a group column of the 客户 / Customers sheet; available / 可用: {shown}")


def is_status_column(name: str) -> bool:
    """True for the 状态 / Status column (churn record, §4), never a group column."""
    return match_key(name) in {match_key(n) for n in labels.CUSTOMER_STATUS.names}


def _region_name(survey: Survey) -> str:
    """The 区域 / Region column as the user sees it: in the Customers sheet's language."""
    sheet = survey.sheet_names.get("customers", "")
    return labels.REGION.en if match_key(sheet) == match_key(labels.SHEET["customers"].en) else labels.REGION.zh


def _columns(survey: Survey) -> dict[str, str]:
    """Group column name → column of ``survey.customers``."""
    frame = survey.customers
    out: dict[str, str] = {}
    for column in frame.columns:
        if column in _NOT_GROUPS or is_status_column(str(column)):
            continue
        if column == "region":
            # The reader always has a region column; it is a group column when it holds something.
            if frame[column].notna().any():
                out[_region_name(survey)] = column
            continue
        out[str(column)] = column
    return out


def group_columns(survey: Survey) -> list[str]:
    """The group columns of ``survey``'s 客户 / Customers sheet, in sheet order
    (区域 / Region first); empty without a Customers sheet."""
    return list(_columns(survey))


def resolve_column(survey: Survey, name: str) -> str:
    """The group column ``name`` refers to (matched like every label: NFKC,
    trimmed, case-folded; 区域 and Region are the same column); raises
    :class:`UnknownGroupColumnError` listing the available ones."""
    columns = _columns(survey)
    key = match_key(name)
    for shown, column in columns.items():
        names = labels.REGION.names if column == "region" else (shown,)
        if key in {match_key(n) for n in names}:
            return shown
    raise UnknownGroupColumnError(name, list(columns))


def group_values(survey: Survey, column: str, customer_ids: Sequence) -> pd.Series:
    """Each customer's group in ``column`` (a name from :func:`group_columns`),
    indexed like ``customer_ids``: normalised text, None for blank or unlisted."""
    source = _columns(survey)[column]
    listed = survey.customers.drop_duplicates("customer_id").set_index("customer_id")[source]
    raw = listed.reindex(pd.Index(list(customer_ids), dtype=object))
    codes, uniques = pd.factorize(raw.to_numpy(dtype=object), use_na_sentinel=True)
    first: dict[str, str] = {}
    shown = []
    for value in uniques:
        if is_blank(value):
            shown.append(None)
            continue
        text = normalize(str(int(value)) if isinstance(value, float) and value.is_integer() else str(value))
        shown.append(first.setdefault(match_key(text), text))
    values = np.array([*shown, None], dtype=object)[codes]
    return pd.Series(values, index=raw.index, dtype=object)


@dataclass
class GroupTable:
    """The groups of one or more group columns, one row per (column, group).

    ``groups`` columns: ``column``, ``value`` (None = blank), ``customers``,
    ``customers_scored``, ``suppressed``, ``csi``, ``csi_weighted``,
    ``satisfaction_rate``, ``csi_low``, ``csi_high``, ``csi_half_width``,
    ``rest_csi``, ``difference`` (group − rest), ``difference_low``,
    ``difference_high``, ``significant`` (the difference's interval excludes
    0; None when undefined).  ``categories`` (one column per category) and
    ``grades`` (one column per grade key) have the same rows.  Figures of a
    suppressed group are NaN/None.
    """

    groups: pd.DataFrame
    categories: pd.DataFrame
    grades: pd.DataFrame
    #: every customer's category means (what a group's are compared with)
    overall_categories: pd.Series
    min_group_size: int
    level: float
    resamples: int
    seed: int | None

    def __len__(self) -> int:
        return len(self.groups)

    def records(self, lang: str | None = None) -> list[dict]:
        """One JSON-friendly dict per group (CLI.md ``score --by``): NaN → None;
        with ``lang`` a blank group's ``value`` is "(未填)" / "(blank)"."""
        out = []
        for i, row in enumerate(self.groups.to_dict(orient="records")):
            record = {k: _plain(v) for k, v in row.items()}
            if lang is not None and record["value"] is None:
                record["value"] = BLANK_GROUP[lang]
            suppressed = record["suppressed"]
            record["categories"] = None if suppressed else {c: _plain(v) for c, v in self.categories.iloc[i].items()}
            record["grades"] = None if suppressed else {g: int(v) for g, v in self.grades.iloc[i].items()}
            out.append(record)
        return out


def _plain(value):
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if np.isnan(value) else float(value)
    return value


def group_table(scores: Scores, columns: Sequence[str] | None = None, *, level: float = st.DEFAULT_LEVEL,
                resamples: int = st.DEFAULT_RESAMPLES, seed: int | None = st.DEFAULT_SEED) -> GroupTable:
    """Figures per group of each of ``columns`` (default: every group column).

    Column names are resolved with :func:`resolve_column` (so ``"Region"``
    finds 区域); an unknown one raises :class:`UnknownGroupColumnError`.
    Groups are listed in order of first appearance on the Customers sheet,
    the blank group last.
    """
    survey = scores.survey
    settings = survey.settings
    names = group_columns(survey) if columns is None else [resolve_column(survey, c) for c in columns]
    names = list(dict.fromkeys(names))
    customers = scores.customers
    ids = customers["customer_id"].to_numpy(dtype=object)
    final = customers["final"].to_numpy(dtype=np.float64)
    scored = ~np.isnan(final)
    blended = st.blended_items(scores).reindex(pd.Index(ids, dtype=object)).to_numpy(dtype=np.float64)
    category_names = list(survey.scheme.category_table()["category"])
    grade_keys = [g.key for g in labels.GRADES]
    rows, category_rows, grade_rows = [], [], []
    for name in names:
        values = group_values(survey, name, ids).to_numpy(dtype=object)
        order = list(dict.fromkeys(v for v in values if v is not None))
        if any(v is None for v in values):
            order.append(None)
        members = [np.array([v == g if g is not None else v is None for v in values]) for g in order]
        shown = [m for m in members if int((m & scored).sum()) >= settings.min_group_size]
        intervals = _intervals(final, shown, level, resamples, seed)
        for value, member in zip(order, members):
            subset = customers[member]
            figures = headline(subset, settings)
            suppressed = figures["scored"] < settings.min_group_size
            row = {"column": name, "value": value, "customers": int(member.sum()), "customers_scored": figures["scored"],
                   "suppressed": bool(suppressed)}
            if suppressed:
                row.update({k: np.nan for k in ("csi", "csi_weighted", "satisfaction_rate", "csi_low", "csi_high",
                                                 "csi_half_width", "rest_csi", "difference", "difference_low",
                                                 "difference_high")}, significant=None)
                category_rows.append([np.nan] * len(category_names))
                grade_rows.append([pd.NA] * len(grade_keys))
            else:
                low, high, rest, diff_low, diff_high = intervals[id(member)]
                difference = figures["csi"] - rest if not np.isnan(rest) else np.nan
                defined = not (np.isnan(diff_low) or np.isnan(diff_high))
                row.update({
                    "csi": figures["csi"], "csi_weighted": _nan(figures["csi_weighted"]),
                    "satisfaction_rate": _nan(figures["satisfaction_rate"]),
                    "csi_low": low, "csi_high": high, "csi_half_width": (high - low) / 2.0,
                    "rest_csi": rest, "difference": difference, "difference_low": diff_low, "difference_high": diff_high,
                    "significant": bool(diff_low > 0 or diff_high < 0) if defined else None,
                })
                category_rows.append(_category_row(scores, blended, member))
                grade_rows.append([figures["grades"][k] for k in grade_keys])
            rows.append(row)
    columns_ = ["column", "value", "customers", "customers_scored", "suppressed", "csi", "csi_weighted", "satisfaction_rate",
                "csi_low", "csi_high", "csi_half_width", "rest_csi", "difference", "difference_low", "difference_high",
                "significant"]
    groups = pd.DataFrame(rows, columns=columns_)
    for column in ("value", "significant"):  # None stays None (blank group, undefined), never NaN
        groups[column] = pd.Series([row[column] for row in rows], dtype=object)
    return GroupTable(
        groups=groups,
        categories=pd.DataFrame(category_rows, columns=category_names, dtype=np.float64),
        grades=pd.DataFrame(grade_rows, columns=grade_keys, dtype="Int64"),
        overall_categories=pd.Series(_category_row(scores, blended, np.ones(len(ids), dtype=bool)), index=category_names),
        min_group_size=settings.min_group_size, level=level, resamples=resamples, seed=seed,
    )


def _category_row(scores: Scores, blended: np.ndarray, member: np.ndarray) -> list[float]:
    """Category means of the customers in ``member``: blended item means
    (NaN skipped) averaged with the effective weights, as for the period."""
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an item nobody in the group answered
        item_means = np.nanmean(blended[member], axis=0) if member.any() else np.full(blended.shape[1], np.nan)
    return list(st.category_means(scores, item_means[None, :])[0])


def _nan(value) -> float:
    return np.nan if value is None else float(value)


def _intervals(final: np.ndarray, members: list[np.ndarray], level: float, resamples: int,
               seed: int | None) -> dict[int, tuple[float, float, float, float, float]]:
    """Per group (keyed by ``id`` of its member mask): CSI interval (low, high),
    the CSI of the rest, and the interval of group − rest.

    One resampling of all customers (:func:`csat_xl.statistics.ratio_bounds`):
    columns F·1_g and 1_g per group plus the totals, so group and rest CSI of
    every resample are ratios of sums."""
    scored = ~np.isnan(final)
    f0 = np.where(scored, final, 0.0)
    out: dict[int, tuple[float, float, float, float, float]] = {}
    if not members:
        return out
    in_group = np.column_stack([m & scored for m in members]).astype(np.float64)
    total_f, total_n = f0.sum(), float(scored.sum())
    rest_csi = [(total_f - f0[m & scored].sum()) / (total_n - (m & scored).sum()) if total_n > (m & scored).sum() else np.nan
                for m in members]
    n_units = len(final)
    if n_units < 2:
        return {id(m): (np.nan, np.nan, r, np.nan, np.nan) for m, r in zip(members, rest_csi)}
    matrix = np.column_stack([f0[:, None] * in_group, in_group, f0, scored.astype(np.float64)])
    g = len(members)

    def measures(sums: np.ndarray) -> np.ndarray:  # every group's CSI, then its difference from the rest
        with np.errstate(invalid="ignore", divide="ignore"):
            group = sums[:, :g] / sums[:, g:2 * g]
            rest = (sums[:, [2 * g]] - sums[:, :g]) / (sums[:, [2 * g + 1]] - sums[:, g:2 * g])
        return np.column_stack([group, group - rest])

    lows, highs = st.ratio_bounds(matrix, measures, level, resamples, seed)
    low, high, diff_low, diff_high = lows[:g], highs[:g], lows[g:], highs[g:]
    for j, member in enumerate(members):
        # A group of one customer (or a rest of one) has no spread to speak of.
        one = (member & scored).sum() < 2
        no_rest = total_n - (member & scored).sum() < 2
        out[id(member)] = (np.nan if one else low[j], np.nan if one else high[j], rest_csi[j],
                           np.nan if one or no_rest else diff_low[j], np.nan if one or no_rest else diff_high[j])
    return out
