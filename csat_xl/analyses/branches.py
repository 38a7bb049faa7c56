"""One group over many branch workbooks (``csat-xl consolidate``, issue 16).

A group's quality department receives one survey workbook per branch (or
business unit) per period.  Each workbook is scored on its own, exactly as
``csat-xl score`` scores it; this module turns each branch's
:class:`~csat_xl.scoring.Scores` into a small :class:`BranchResult` (a few
kilobytes: the customers' final scores, item and category means, complaint
counts, findings — never the survey itself) and combines the branch results
into a :class:`Group`:

- the **group CSI over all customers**: the mean of every scored customer's
  final score in every branch (each customer counts once, so a branch counts
  by its number of customers);
- the **branch-weighted group CSI**: the branch CSIs weighted by each
  workbook's 单位权重 / unit weight setting (default 1: every branch alike);
- both with a percentile-bootstrap interval that resamples customers *within*
  each branch (stratified: branches are fixed, their customers are samples);
- the branch league table, the branch × category table, the weaknesses
  common to most branches, the complaints of the group (Pareto by category),
  and the scheme check: branches must share items and categories (weights
  may differ; they are shown).

Pure: numpy, pandas and the core.  Reading files and the process pool live
in :mod:`csat_xl.consolidate`; the report in :mod:`csat_xl.report.consolidated`.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..aggregation import blended_item_means, category_means, weaknesses
from ..findings import ERROR, MESSAGES, WARNING, Finding
from ..scoring import Scores
from ..settings import BOUND_TOLERANCE, Settings
from ..statistics import DEFAULT_LEVEL, DEFAULT_RESAMPLES, DEFAULT_SEED, bootstrap_sums

#: An item among a branch's this-many largest weaknesses (服务短板) counts as
#: a weakness of that branch.
TOP_WEAKNESSES = 3
#: A weakness is "common to most branches" when more than this share of the
#: branches has it among their top weaknesses.
COMMON_SHARE = 0.5

#: Status of each input file on the Files sheet (listed failed first, included last).
STATUSES = ("read", "failed", "excluded", "skipped")

#: Messages of the consolidation's own findings (merged into
#: :data:`csat_xl.findings.MESSAGES`, so a Finding renders them like any other).
BRANCH_MESSAGES: dict[str, dict[str, str]] = {
    "unreadable_workbook": {"en": "not a readable workbook: {value}", "zh": "无法读取的工作簿：{value}"},
    "branch_invalid": {"en": "{value} error(s): the branch is left out of the group",
                       "zh": "{value} 个错误：该单位未计入集团结果"},
    "branch_no_scores": {"en": "no customer could be scored: the branch is left out of the group",
                         "zh": "没有可评分的客户：该单位未计入集团结果"},
    "scheme_differs": {
        "en": "items or categories differ from {reference} (the scheme most branches use): {value}; the branch is left out",
        "zh": "项目或类别与 {reference}（多数单位使用的指标体系）不同：{value}；该单位未计入",
    },
    "duplicate_branch": {"en": "branch {value} is also the branch of {other}; this file is left out",
                         "zh": "单位 {value} 已由 {other} 提供；此文件未计入"},
    "period_differs": {"en": "period {value} differs from the group's period {period}",
                       "zh": "期间 {value} 与集团期间 {period} 不同"},
    "own_output": {"en": "a report written by csat-xl, not a survey workbook: skipped",
                   "zh": "csat-xl 生成的报告，不是调查工作簿：已跳过"},
    "blank_template": {"en": "a blank csat-xl survey template (no data yet): skipped",
                       "zh": "空白的 csat-xl 调查模板（尚无数据）：已跳过"},
    "lock_file_skipped": {"en": "Excel's lock file of an open workbook: skipped", "zh": "Excel 打开工作簿时的锁定文件：已跳过"},
    "internal_error": {"en": "internal error, please report: {value}", "zh": "内部错误，请报告：{value}"},
}
for _code, _text in BRANCH_MESSAGES.items():
    MESSAGES.setdefault(_code, _text)


# --- one branch --------------------------------------------------------------------------------
@dataclass
class BranchResult:
    """What the group needs of one branch workbook (compact: no survey inside).

    ``finals`` are the final scores of the scored customers (what ``csat-xl
    score`` prints as ``final``); ``draws`` the branch CSI in each bootstrap
    resample.  Per item, in the order of ``scheme``, as plain arrays (cheap
    to send back from a worker process): ``weights`` (effective),
    ``item_means`` (mean blended score, NaN when no customer has one),
    ``item_counts`` (customers with a blended score) and ``weakness_ranks``
    (1 = improve first, as the item table ranks them; 0 when the item has no
    score).
    """

    name: str
    file: str
    named_by: str  # "setting" (单位 / unit) or "file"
    sha256: str | None
    period: str | None
    unit_weight: float
    scheme: tuple[tuple[str, str], ...]  # (category, item), scheme order
    grade_bounds: Mapping[str, float]
    satisfied_bound: float
    customers: int
    finals: np.ndarray
    draws: np.ndarray
    csi: float | None
    low: float | None
    high: float | None
    grade: str | None
    satisfied: int
    weights: np.ndarray
    item_means: np.ndarray
    item_counts: np.ndarray
    weakness_ranks: np.ndarray
    categories: dict[str, float]
    complaint_categories: dict[str, int]
    complaints: int
    closed: int
    findings: list[Finding] = field(default_factory=list)
    #: the language of the workbook's sheet names ("zh", "en" or None), set by the reader
    language: str | None = None

    @property
    def scored(self) -> int:
        return int(self.finals.size)

    @property
    def satisfaction_rate(self) -> float | None:
        return self.satisfied / self.scored if self.scored else None

    @property
    def closure_rate(self) -> float | None:
        return self.closed / self.complaints if self.complaints else None

    @property
    def item_categories(self) -> dict[str, str]:
        return {item: category for category, item in self.scheme}

    @property
    def item_names(self) -> list[str]:
        return [item for _, item in self.scheme]


@dataclass
class FileOutcome:
    """One input file as the Files sheet lists it: read, failed, excluded or skipped."""

    file: str
    path: str
    status: str
    branch: str | None = None
    findings: list[Finding] = field(default_factory=list)
    result: BranchResult | None = None

    @property
    def reason(self) -> Finding | None:
        """The finding that says why the file is not (or is) in the group: errors first."""
        ordered = sorted(self.findings, key=lambda f: {ERROR: 0, WARNING: 1}.get(f.severity, 2))
        return ordered[0] if ordered and self.status != "read" else None


def branch_name(settings: Settings, file: str) -> tuple[str, str]:
    """The branch's name and where it came from: the 单位 / unit setting, else the file name."""
    if settings.unit:
        return settings.unit, "setting"
    return Path(file).stem, "file"


def branch_seed(seed: int | None, name: str) -> np.random.SeedSequence:
    """A seed of its own for each branch (same name, same draws), so that
    branches of equal size never share resamples — their draws must be independent."""
    return np.random.SeedSequence([DEFAULT_SEED if seed is None else int(seed), zlib.crc32(name.encode("utf-8"))])


def branch_result(scores: Scores, file: str, *, resamples: int = DEFAULT_RESAMPLES, level: float = DEFAULT_LEVEL,
                  seed: int | None = DEFAULT_SEED) -> BranchResult:
    """The compact result of one scored branch workbook."""
    survey = scores.survey
    settings = survey.settings
    name, named_by = branch_name(settings, file)
    final = scores.customers["final"].to_numpy(dtype=np.float64)
    finals = final[~np.isnan(final)]
    if finals.size >= 2:
        draws = bootstrap_sums(finals, resamples, branch_seed(seed, name))[:, 0] / finals.size
        tail = (1.0 - level) / 2.0
        low, high = (float(x) for x in np.quantile(draws, [tail, 1.0 - tail]))
    else:
        draws = np.full(resamples, finals[0] if finals.size else np.nan)
        low = high = None
    # What the group needs of the item and category tables of the single-workbook
    # report (by the same functions), as arrays in scheme order: blended means,
    # weakness ranks, category means (not the whole summarize(): its five
    # complaint breakdowns cost half a branch's time).
    scheme_table = survey.scheme.table
    weights = scheme_table["weight"].to_numpy(dtype=np.float64)
    item_means, item_counts = blended_item_means(scores)
    _, ranks = weaknesses(weights, item_means)
    categories = pd.Index(pd.unique(scheme_table["category"].dropna()))
    category_mean = category_means(categories.get_indexer(scheme_table["category"]), weights, item_means, len(categories))
    complaints = survey.complaints
    # Counted as complaint_tables counts them: a blank category is "—", a complaint is closed unless unhandled.
    by_category = complaints["category"].astype(object).where(complaints["category"].notna(), "—").value_counts(sort=False)
    complaint_categories = {str(k): int(n) for k, n in by_category.items()}
    closed = int((complaints["outcome"] != "unhandled").sum())
    csi = float(finals.mean()) if finals.size else None
    return BranchResult(
        name=name, file=file, named_by=named_by, sha256=survey.meta.get("sha256"), period=settings.period,
        unit_weight=float(settings.unit_weight),
        scheme=tuple(zip(scheme_table["category"].astype(str), scheme_table["item"].astype(str))),
        grade_bounds=dict(settings.grade_bounds), satisfied_bound=settings.satisfied_bound,
        customers=int(len(scores.customers)), finals=finals, draws=draws, csi=csi, low=low, high=high,
        grade=settings.grade_key(csi),
        satisfied=int((finals >= settings.satisfied_bound - BOUND_TOLERANCE).sum()),
        weights=weights, item_means=item_means, item_counts=item_counts.astype(np.int64),
        weakness_ranks=ranks.fillna(0).to_numpy(dtype=np.int64),
        categories=dict(zip(categories.astype(str), category_mean)),
        complaint_categories=complaint_categories, complaints=int(len(complaints)), closed=closed,
        findings=[*survey.findings, *scores.findings],
    )


# --- checks across branches --------------------------------------------------------------------
def _signature(result: BranchResult) -> frozenset[tuple[str, str]]:
    return frozenset(result.scheme)


def check_branches(outcomes: Sequence[FileOutcome]) -> list[FileOutcome]:
    """Leave out what cannot be added up, each with a finding naming the other file.

    - Items and categories must match the scheme most branches use (ties: the
      first file): a branch that differs is ``excluded`` with an error naming
      both files and the items in question.  Differing *weights* are allowed.
    - A branch name given by two files: the second is ``excluded``.
    - A period that differs from the most common one is a warning.

    Returns the outcomes (the same objects, statuses updated), in input order.
    """
    read = [o for o in outcomes if o.status == "read"]
    if not read:
        return list(outcomes)
    counts = Counter(_signature(o.result) for o in read)
    best = max(counts.values())
    reference = next(o for o in read if counts[_signature(o.result)] == best)
    ref_items = reference.result.item_categories
    seen: dict[str, FileOutcome] = {}
    for o in read:
        items = o.result.item_categories
        if items != ref_items:
            missing = [i for i in ref_items if i not in items]
            extra = [i for i in items if i not in ref_items]
            moved = [i for i in items if i in ref_items and items[i] != ref_items[i]]
            parts = ([f"- {', '.join(missing)}"] if missing else []) + ([f"+ {', '.join(extra)}"] if extra else [])
            parts += [f"{i}: {items[i]} ≠ {ref_items[i]}" for i in moved]
            o.status = "excluded"
            o.findings.insert(0, Finding(ERROR, "scheme_differs", None, None, "; ".join(parts), {"reference": reference.file}))
            continue
        if o.result.name in seen:
            o.status = "excluded"
            o.findings.insert(0, Finding(ERROR, "duplicate_branch", None, None, o.result.name, {"other": seen[o.result.name].file}))
            continue
        seen[o.result.name] = o
    kept = [o for o in outcomes if o.status == "read"]
    periods = Counter(o.result.period for o in kept if o.result.period)
    if periods:
        period = periods.most_common(1)[0][0]
        for o in kept:
            if o.result.period and o.result.period != period:
                o.findings.insert(0, Finding(WARNING, "period_differs", None, None, o.result.period, {"period": period}))
                o.result.findings.insert(0, o.findings[0])
    return list(outcomes)


# --- the group -----------------------------------------------------------------------------------
@dataclass
class GroupFigures:
    """The headline figures of one period of the group."""

    period: str | None
    branches: int
    customers: int
    scored: int
    csi: float | None
    csi_low: float | None
    csi_high: float | None
    csi_branches: float | None
    csi_branches_low: float | None
    csi_branches_high: float | None
    satisfaction_rate: float | None
    complaints: int
    closure_rate: float | None


@dataclass
class Group:
    """Everything the group report shows (plain data; see the module docstring).

    ``league``: one row per branch, best CSI first: ``rank``, ``branch``,
    ``file``, ``unit_weight``, ``customers``, ``scored``, ``csi``, ``low``,
    ``high``, ``grade`` (key), ``satisfaction_rate``, ``complaints``,
    ``closure_rate``, ``previous_csi``, ``csi_delta``.
    ``heat``: branches × categories (blended category means), plus the
    group's row ``group_categories``.  ``weaknesses``: per item, how many
    branches have it among their :data:`TOP_WEAKNESSES` weaknesses.
    ``pareto``: complaint categories over the group.  ``weights``: the items
    whose effective weight differs between branches.
    """

    figures: GroupFigures
    previous: GroupFigures | None
    grade: str | None
    grade_bounds: Mapping[str, float]
    categories: list[str]
    league: pd.DataFrame
    heat: pd.DataFrame
    group_categories: dict[str, float]
    weaknesses: pd.DataFrame
    pareto: pd.DataFrame
    complaints_by_branch: pd.DataFrame
    weights: pd.DataFrame
    outcomes: list[FileOutcome]
    previous_outcomes: list[FileOutcome]
    reference: str | None
    level: float = DEFAULT_LEVEL

    @property
    def branches(self) -> list[BranchResult]:
        return [o.result for o in self.outcomes if o.status == "read"]


def _quantiles(draws: np.ndarray, level: float) -> tuple[float | None, float | None]:
    draws = draws[np.isfinite(draws)]
    if draws.size == 0:
        return None, None
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(draws, [tail, 1.0 - tail])
    return float(low), float(high)


def group_figures(branches: Sequence[BranchResult], level: float = DEFAULT_LEVEL) -> GroupFigures:
    """Group CSI (all customers and branch-weighted) with stratified bootstrap intervals."""
    scored = [b for b in branches if b.scored]
    n = np.array([b.scored for b in scored], dtype=np.float64)
    total = float(n.sum())
    csi = float(np.concatenate([b.finals for b in scored]).mean()) if scored else None
    csi_low = csi_high = csi_b = low_b = high_b = None
    if scored:
        draws = np.vstack([b.draws for b in scored])  # branches × resamples
        csi_low, csi_high = _quantiles((n @ draws) / total, level) if total >= 2 and any(b.scored >= 2 for b in scored) else (None, None)
        w = np.array([b.unit_weight for b in scored], dtype=np.float64)
        csi_b = float(np.dot(w, [b.csi for b in scored]) / w.sum())
        if any(b.scored >= 2 for b in scored):
            low_b, high_b = _quantiles((w @ draws) / w.sum(), level)
    complaints = sum(b.complaints for b in branches)
    periods = Counter(b.period for b in branches if b.period)
    return GroupFigures(
        period=periods.most_common(1)[0][0] if periods else None,
        branches=len(branches), customers=sum(b.customers for b in branches), scored=int(total),
        csi=csi, csi_low=csi_low, csi_high=csi_high, csi_branches=csi_b, csi_branches_low=low_b, csi_branches_high=high_b,
        satisfaction_rate=(sum(b.satisfied for b in scored) / total) if total else None,
        complaints=complaints, closure_rate=(sum(b.closed for b in branches) / complaints) if complaints else None,
    )


def _group_bounds(branches: Sequence[BranchResult]) -> Mapping[str, float]:
    """The branches' grade bounds when they all agree, else the method's defaults."""
    bounds = {tuple(sorted(b.grade_bounds.items())) for b in branches}
    return dict(next(iter(bounds))) if len(bounds) == 1 else dict(Settings().grade_bounds)


def _league(branches: Sequence[BranchResult], previous: Mapping[str, BranchResult]) -> pd.DataFrame:
    rows = []
    for b in branches:
        before = previous.get(b.name)
        before_csi = before.csi if before is not None else None
        rows.append({
            "branch": b.name, "file": b.file, "unit_weight": b.unit_weight, "customers": b.customers, "scored": b.scored,
            "csi": b.csi, "low": b.low, "high": b.high, "grade": b.grade, "satisfaction_rate": b.satisfaction_rate,
            "complaints": b.complaints, "closure_rate": b.closure_rate, "previous_csi": before_csi,
            "csi_delta": None if b.csi is None or before_csi is None else b.csi - before_csi,
        })
    frame = pd.DataFrame(rows, columns=["branch", "file", "unit_weight", "customers", "scored", "csi", "low", "high", "grade",
                                        "satisfaction_rate", "complaints", "closure_rate", "previous_csi", "csi_delta"])
    if frame.empty:
        frame.insert(0, "rank", pd.Series(dtype="Int64"))
        return frame
    key = pd.to_numeric(frame["csi"], errors="coerce")
    frame = frame.iloc[np.lexsort((frame["branch"].astype(str).to_numpy(), key.isna().to_numpy(), -key.fillna(-np.inf).to_numpy()))]
    frame = frame.reset_index(drop=True)
    frame.insert(0, "rank", [i + 1 if pd.notna(v) else None for i, v in enumerate(pd.to_numeric(frame["csi"], errors="coerce"))])
    return frame


def _by_item(branches: Sequence[BranchResult], reference: BranchResult, values: str) -> tuple[np.ndarray, np.ndarray]:
    """``(matrix, present)``: the per-item array ``values`` of every branch as
    rows of a branches × items matrix in the reference's item order (items
    matched by name), and where the branch has the item at all."""
    names = reference.item_names
    template = getattr(reference, values)
    matrix = np.zeros((len(branches), len(names)), dtype=template.dtype)
    present = np.ones((len(branches), len(names)), dtype=bool)
    for row, b in enumerate(branches):
        if b.scheme == reference.scheme:  # the same items in the same order (the usual case)
            matrix[row] = getattr(b, values)
            continue
        position = {item: i for i, item in enumerate(b.item_names)}
        for column, item in enumerate(names):
            if item in position:
                matrix[row, column] = getattr(b, values)[position[item]]
            else:
                present[row, column] = False
    return matrix, present


def _pooled_items(branches: Sequence[BranchResult], reference: BranchResult) -> pd.DataFrame:
    """Per item (reference order): the blended mean over every customer of the group."""
    means, present = _by_item(branches, reference, "item_means")
    counts, _ = _by_item(branches, reference, "item_counts")
    used = present & (counts > 0) & ~np.isnan(means)
    sums = np.zeros(means.shape[1])
    for row in range(len(branches)):  # branch by branch, as the sums were always added up
        sums += np.where(used[row], means[row] * counts[row], 0.0)
    n = np.where(used, counts, 0).sum(axis=0)
    items = pd.DataFrame({"item": reference.item_names, "category": [c for c, _ in reference.scheme],
                          "weight": reference.weights})
    items["n_blended"] = n
    with np.errstate(invalid="ignore", divide="ignore"):
        items["mean_blended"] = np.where(n > 0, sums / np.where(n > 0, n, 1), np.nan)
    items["weakness"] = weaknesses(items["weight"].to_numpy(dtype=np.float64), items["mean_blended"].to_numpy())[0]
    return items


def _group_categories(items: pd.DataFrame, categories: list[str]) -> dict[str, float]:
    """Category means from the pooled item means, weighted by effective weight (as :func:`category_table`)."""
    out = {}
    for category in categories:
        part = items[(items["category"] == category) & items["mean_blended"].notna()]
        out[category] = float(np.average(part["mean_blended"], weights=part["weight"])) if len(part) else float("nan")
    return out


def _weaknesses(branches: Sequence[BranchResult], pooled: pd.DataFrame,
                reference: BranchResult | None = None) -> pd.DataFrame:
    n = len(branches)
    if n:
        ranks, present = _by_item(branches, reference, "weakness_ranks")
        ranked = present & (ranks > 0)
        top = (ranked & (ranks <= TOP_WEAKNESSES)).sum(axis=0)
        ranked_n = ranked.sum(axis=0)
        rank_sum = np.where(ranked, ranks, 0).sum(axis=0)
    else:
        top = ranked_n = rank_sum = np.zeros(len(pooled), dtype=np.int64)
    frame = pd.DataFrame({
        "item": pooled["item"].to_numpy(), "category": pooled["category"].to_numpy(),
        "branches_top": top.astype(np.int64),
        "share": [int(t) / n for t in top] if n else [None] * len(pooled),
        "mean_rank": [float(s) / int(k) if k else None for s, k in zip(rank_sum, ranked_n)],
        "mean_blended": [None if np.isnan(m) else float(m) for m in pooled["mean_blended"]],
        "weakness": [None if np.isnan(w) else float(w) for w in pooled["weakness"]],
        "common": [bool(n) and int(t) / n > COMMON_SHARE for t in top],
    }, columns=["item", "category", "branches_top", "share", "mean_rank", "mean_blended", "weakness", "common"])
    order = np.lexsort((-frame["weakness"].fillna(-np.inf).to_numpy(), -frame["branches_top"].to_numpy())) if len(frame) else []
    frame = frame.iloc[order].reset_index(drop=True)
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return frame


def _pareto(branches: Sequence[BranchResult]) -> pd.DataFrame:
    totals: Counter[str] = Counter()
    for b in branches:
        totals.update(b.complaint_categories)
    # most first; ties in the order first met (stable), as the single-period Pareto
    ordered = sorted(totals.items(), key=lambda kv: -kv[1])
    frame = pd.DataFrame(ordered, columns=["category", "count"])
    total = frame["count"].sum()
    frame["share"] = frame["count"] / total if total else 0.0
    frame["cumulative_share"] = frame["count"].cumsum() / total if total else 0.0
    frame["branches"] = [sum(1 for b in branches if b.complaint_categories.get(c)) for c in frame["category"]]
    return frame


def _complaints_by_branch(branches: Sequence[BranchResult]) -> pd.DataFrame:
    rows = []
    for b in branches:
        top = max(b.complaint_categories.items(), key=lambda kv: kv[1]) if b.complaint_categories else (None, 0)
        rows.append({"branch": b.name, "complaints": b.complaints, "closure_rate": b.closure_rate,
                     "per_100_customers": 100.0 * b.complaints / b.customers if b.customers else None,
                     "top_category": top[0], "top_share": top[1] / b.complaints if b.complaints else None})
    frame = pd.DataFrame(rows, columns=["branch", "complaints", "closure_rate", "per_100_customers", "top_category", "top_share"])
    return frame.sort_values(["complaints", "branch"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _weights(branches: Sequence[BranchResult], reference: BranchResult) -> pd.DataFrame:
    """Items whose effective weight is not the same in every branch, with each branch's weight."""
    weights, present = _by_item(branches, reference, "weights")
    same = present & (np.abs(weights - reference.weights) < 1e-9)
    rows = []
    for column in np.flatnonzero(~same.all(axis=0)):
        (category, item), ref_weight = reference.scheme[column], reference.weights[column]
        others = [(b.name, weights[row, column]) for row, b in enumerate(branches) if present[row, column]]
        values = [w for _, w in others]
        rows.append({"category": category, "item": item, "reference": float(ref_weight),
                     "min": float(min(values)), "max": float(max(values)),
                     "by_branch": "; ".join(f"{name} {round(w, 3):g}" for name, w in others)})
    return pd.DataFrame(rows, columns=["category", "item", "reference", "min", "max", "by_branch"])


def consolidate(outcomes: Sequence[FileOutcome], previous: Sequence[FileOutcome] = (),
                level: float = DEFAULT_LEVEL) -> Group:
    """Check the branches against each other and add them up (see :class:`Group`).

    ``outcomes`` are this period's files, ``previous`` the earlier period's
    (matched to this period's branches by name, for the CSI change).
    """
    outcomes = check_branches(outcomes)
    previous = check_branches(previous)
    branches = [o.result for o in outcomes if o.status == "read"]
    before = [o.result for o in previous if o.status == "read"]
    reference = None
    if branches:
        reference = branches[0]  # check_branches left branches of one scheme: any is the reference
        pooled = _pooled_items(branches, reference)
        categories = list(dict.fromkeys(c for c, _ in reference.scheme))
        group_categories = _group_categories(pooled, categories)
        weaknesses = _weaknesses(branches, pooled, reference)
        weights = _weights(branches, reference)
    else:
        categories, group_categories = [], {}
        weaknesses = _weaknesses([], pd.DataFrame(columns=["item", "category", "mean_blended", "weakness"]))
        weights = pd.DataFrame(columns=["category", "item", "reference", "min", "max", "by_branch"])
    league = _league(branches, {b.name: b for b in before})
    heat = pd.DataFrame([{"branch": b.name, **{c: b.categories.get(c, np.nan) for c in categories}} for b in branches],
                        columns=["branch", *categories])
    if len(heat):
        heat = heat.set_index("branch").loc[league["branch"]].reset_index()
    figures = group_figures(branches, level)
    bounds = _group_bounds(branches) if branches else dict(Settings().grade_bounds)
    grade = Settings(grade_bounds=bounds).grade_key(figures.csi)
    return Group(
        figures=figures, previous=group_figures(before, level) if before else None, grade=grade, grade_bounds=bounds,
        categories=categories, league=league, heat=heat, group_categories=group_categories, weaknesses=weaknesses,
        pareto=_pareto(branches), complaints_by_branch=_complaints_by_branch(branches), weights=weights,
        outcomes=list(outcomes), previous_outcomes=list(previous), reference=reference.file if reference else None, level=level,
    )
