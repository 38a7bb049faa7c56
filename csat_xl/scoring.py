"""Per-customer scores: Q, V, P, complaint adjustment, F and grade (METHOD.md §3–§7).

The step functions (:func:`weighted_mean`, :func:`visit_estimate`,
:func:`blend`, :func:`adjust`) work on whole numpy arrays — one row per
customer — and are the only place each rule is written; :func:`score` applies
them to a :class:`~csat_xl.survey.Survey`, and the Excel functions call the
same steps on ranges.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import labels
from .findings import INFO, WARNING, Finding
from .scheme import fmt_number
from .survey import Survey


# --- the steps ---------------------------------------------------------------
def weighted_mean(scores: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted mean per row over the answered (non-NaN) cells (METHOD.md §3).

    Weights are renormalised over the answered items; a row with nothing
    answered gives NaN — a blank is "not answered", never zero.
    """
    scores = np.atleast_2d(np.asarray(scores, dtype=np.float64))
    weights = np.asarray(weights, dtype=np.float64)
    answered = ~np.isnan(scores)
    total = answered @ weights
    weighted = np.where(answered, scores, 0.0) @ weights
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, weighted / np.where(total > 0, total, 1.0), np.nan)


def visit_estimate(grades: np.ndarray, weights: np.ndarray, unmentioned: float) -> np.ndarray:
    """Visit estimate V per row: items not raised count as ``unmentioned`` (METHOD.md §4)."""
    grades = np.atleast_2d(np.asarray(grades, dtype=np.float64))
    weights = np.asarray(weights, dtype=np.float64)
    filled = np.where(np.isnan(grades), unmentioned, grades)
    return (filled @ weights) / weights.sum()


def blend(visit: np.ndarray, questionnaire: np.ndarray, visit_share: float) -> np.ndarray:
    """P = share·V + (1−share)·Q; with no Q, P = V; with no V, P = Q (METHOD.md §5)."""
    visit = np.asarray(visit, dtype=np.float64)
    questionnaire = np.asarray(questionnaire, dtype=np.float64)
    both = visit_share * visit + (1.0 - visit_share) * questionnaire
    return np.where(np.isnan(visit), questionnaire, np.where(np.isnan(questionnaire), visit, both))


def adjust(preliminary: np.ndarray, adjustment: np.ndarray, clamp: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """F = P + Σ adjustments, clamped to 0–100 when ``clamp`` (METHOD.md §6).

    Returns ``(final, clamped)`` where ``clamped`` marks the rows that were cut.
    """
    raw = np.asarray(preliminary, dtype=np.float64) + np.asarray(adjustment, dtype=np.float64)
    if not clamp:
        return raw, np.zeros(raw.shape, dtype=bool)
    clamped = (raw < 0.0) | (raw > 100.0)
    return np.clip(raw, 0.0, 100.0), clamped


# --- the whole survey ----------------------------------------------------------
@dataclass
class Scores:
    """Scores of every customer of a survey.

    ``customers`` has one row per customer in order of first appearance
    (Customers sheet, then questionnaire, visits, complaints) with columns
    ``customer_id``, ``customer_name``, ``region``, ``customer_weight``,
    ``questionnaire``, ``visit``, ``preliminary``, ``adjustment``, ``final``
    (floats, NaN where absent), ``grade`` (grade key or None), ``flags``
    (tuple of flag keys), ``n_respondents``, ``n_visits``, ``n_complaints``.
    ``questionnaire_items`` and ``visit_items`` are customers × items tables
    (per-customer item means; visit items with unmentioned items filled in).
    """

    survey: Survey
    customers: pd.DataFrame
    questionnaire_items: pd.DataFrame
    visit_items: pd.DataFrame
    findings: list[Finding] = field(default_factory=list)

    @property
    def scored(self) -> pd.DataFrame:
        return self.customers[self.customers["final"].notna()]

    def records(self) -> list[dict]:
        """Per-customer results as plain dicts (CLI.md JSON contract)."""
        c = self.customers
        grade_key = pd.Series([g if isinstance(g, str) else None for g in c["grade"]], index=c.index, dtype=object)
        columns = {
            "customer_id": c["customer_id"],
            "customer_name": c["customer_name"].astype(object).where(c["customer_name"].notna(), None),  # JSON null, never NaN
            **{key: _nullable(c[key]) for key in ("questionnaire", "visit", "preliminary", "adjustment", "final")},
            "grade": pd.Series([labels.GRADE[g].zh if g else None for g in grade_key], index=c.index, dtype=object),
            "grade_key": grade_key,
            "flags": c["flags"].map(list),
            "respondents": c["n_respondents"].astype(int),
            "visits": c["n_visits"].astype(int),
            "complaints": c["n_complaints"].astype(int),
        }
        keys = list(columns)
        return [dict(zip(keys, row)) for row in zip(*(v.tolist() for v in columns.values()))]


def _nullable(column: pd.Series) -> pd.Series:
    """Floats as Python floats, NaN as None (JSON null)."""
    values = column.to_numpy(dtype=np.float64)
    out = values.astype(object)
    out[np.isnan(values)] = None
    return pd.Series(out, index=column.index, dtype=object)


def _first_text(frame: pd.DataFrame, column: str, codes: np.ndarray, n: int) -> np.ndarray:
    """Per customer code, the first non-blank value of ``column`` in ``frame`` (NaN where none)."""
    out = np.full(n, np.nan, dtype=object)
    if column not in frame.columns or frame.empty:
        return out
    values = frame[column].to_numpy(dtype=object)
    usable = (codes >= 0) & pd.notna(values)
    usable[usable] = [str(v).strip() != "" for v in values[usable]]
    at = np.flatnonzero(usable)
    first_codes, first = np.unique(codes[at], return_index=True)
    out[first_codes] = values[at[first]]
    return out


def customer_codes(survey: Survey) -> tuple[pd.Index, dict[str, np.ndarray]]:
    """Customers of the period — listed, or appearing in any data sheet, in
    order of first appearance — and each sheet's rows as integer codes into
    them (-1: no ID).  Every per-customer groupby, count and membership test
    of :func:`score` runs on these codes, factorised once."""
    names = ("customers", "questionnaire", "visits", "complaints")
    parts = [getattr(survey, name)["customer_id"].to_numpy(dtype=object) for name in names]
    codes, uniques = pd.factorize(np.concatenate(parts), use_na_sentinel=True)
    bounds = np.cumsum([0, *map(len, parts)])
    return (pd.Index(uniques, dtype=object, name="customer_id"),
            {name: codes[a:b] for name, a, b in zip(names, bounds[:-1], bounds[1:])})


def customer_universe(survey: Survey) -> pd.Index:
    """Customers of the period: listed, or appearing in any data sheet."""
    return customer_codes(survey)[0]


def _present(codes: np.ndarray, n: int) -> np.ndarray:
    """Per customer code, how many rows carry it."""
    return np.bincount(codes[codes >= 0], minlength=n)


def complaint_adjustments(survey: Survey) -> pd.Series:
    """Adjustment of each complaint row, from the settings' outcome table."""
    table = survey.settings.complaint_adjustments
    return survey.complaints["outcome"].map(table).astype(np.float64)


def unmentioned_value(survey: Survey) -> float:
    grade = labels.GRADE[survey.settings.unmentioned_as]
    return float(survey.scales.five.values[grade.zh])


def score(survey: Survey) -> Scores:
    """Score every customer of ``survey`` (vectorised over customers)."""
    settings = survey.settings
    items = survey.scheme.items
    weights = survey.scheme.weights
    ids, codes = customer_codes(survey)
    n = len(ids)
    every = np.arange(n)

    q_frame, v_frame, c_frame = survey.questionnaire, survey.visits, survey.complaints
    q_items = q_frame.groupby(codes["questionnaire"], sort=False)[items].mean().reindex(every).set_axis(ids)
    questionnaire = weighted_mean(q_items.to_numpy(dtype=np.float64), weights)

    v_means = v_frame.groupby(codes["visits"], sort=False)[items].mean().reindex(every).set_axis(ids)
    n_visits = _present(codes["visits"], n)
    visited = n_visits > 0
    fill = unmentioned_value(survey)
    visit = np.where(visited, visit_estimate(v_means.to_numpy(dtype=np.float64), weights, fill), np.nan)
    v_items = v_means.fillna(fill)[visited]

    preliminary = blend(visit, questionnaire, settings.visit_share)

    per_complaint = complaint_adjustments(survey)
    adjustment = per_complaint.groupby(codes["complaints"], sort=False).sum().reindex(every, fill_value=0.0)
    adjustment = adjustment.to_numpy(dtype=np.float64)
    final, clamped = adjust(preliminary, adjustment, settings.clamp)
    grade = settings.grade_keys(final)

    n_resp = _present(codes["questionnaire"], n)
    n_compl = _present(codes["complaints"], n)
    blank = c_frame["blank_outcome"].astype(bool).to_numpy() if len(c_frame) else np.zeros(0, dtype=bool)
    has_blank_outcome = _present(codes["complaints"][blank], n) > 0
    listed = _present(codes["customers"], n) > 0
    no_data = (n_resp == 0) & (n_visits == 0) & (n_compl == 0)

    has_q, has_v = ~np.isnan(questionnaire), ~np.isnan(visit)
    flag_masks = {
        "not_visited": has_q & ~has_v,
        "no_questionnaire": has_v & ~has_q,
        "not_scored": np.isnan(final),
        "not_surveyed": listed & no_data,
        "clamped": clamped,
        "blank_outcome": has_blank_outcome,
    }
    flags = _flag_tuples(len(ids), flag_masks)

    names = _first_text(survey.customers, "customer_name", codes["customers"], n)
    missing_name = pd.isna(names)
    names[missing_name] = _first_text(q_frame, "customer_name", codes["questionnaire"], n)[missing_name]
    regions = _first_text(survey.customers, "region", codes["customers"], n)
    weights_c = np.full(n, np.nan)
    if len(survey.customers):
        listed_codes, first = np.unique(codes["customers"], return_index=True)
        weight_values = pd.to_numeric(survey.customers["customer_weight"], errors="coerce").to_numpy(dtype=np.float64)
        keep = listed_codes >= 0
        weights_c[listed_codes[keep]] = weight_values[first[keep]]

    customers = pd.DataFrame(
        {
            "customer_id": ids.to_numpy(dtype=object),
            "customer_name": names,
            "region": regions,
            "customer_weight": weights_c,
            "questionnaire": questionnaire,
            "visit": visit,
            "preliminary": preliminary,
            "adjustment": adjustment,
            "final": final,
            "grade": grade,
            "flags": flags,
            "n_respondents": n_resp,
            "n_visits": n_visits,
            "n_complaints": n_compl,
        }
    )

    findings: list[Finding] = []
    raw = preliminary + adjustment
    for i in np.flatnonzero(clamped):
        findings.append(
            Finding(WARNING, "clamped", None, None, round(float(raw[i]), 3),
                    {"customer": ids[i], "clamped": fmt_number(float(final[i]))})
        )
    for i in np.flatnonzero(listed & no_data):
        findings.append(Finding(INFO, "not_surveyed", None, None, None, {"customer": ids[i]}))
    return Scores(survey, customers, q_items, v_items, findings)


def _flag_tuples(n: int, masks: dict[str, np.ndarray]) -> list[tuple[str, ...]]:
    """Per-row tuples of the flag keys whose mask is set (few flags, so cheap)."""
    keys = list(masks)
    # Each row's flags as the bits of one integer (np.unique over rows of a
    # boolean matrix sorts row views: ~40x slower at 20k customers); rows
    # mostly share a handful of patterns, so each tuple is built once.
    code = np.zeros(n, dtype=np.int64)
    for bit, key in enumerate(keys):
        code |= np.asarray(masks[key], dtype=bool).astype(np.int64) << bit
    patterns, inverse = np.unique(code, return_inverse=True)
    tuples = [tuple(k for bit, k in enumerate(keys) if int(pattern) >> bit & 1) for pattern in patterns]
    return [tuples[i] for i in inverse.tolist()]
