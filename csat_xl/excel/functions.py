"""The Excel functions: ``=CSAT_SCORES()``, ``=CSAT_SCORE()`` and the steps.

Each function reads its ranges with :mod:`csat_xl.excel.ranges`, calls the
core (:mod:`csat_xl.tables` to parse, :mod:`csat_xl.scoring` to score) and
returns cells.  No scoring rule is written here.  Names and parameters are a
contract (issue 3; ``docs/excel.md``); parameters may be added at the end,
never removed or reordered.

Conventions shared by all functions:

- a blank result cell means "no value" inside a spilled table
  (``CSAT_SCORES``: customers without a final score); a single result with
  no value is ``#N/A``;
- bad input is ``#VALUE!`` with a message naming the position within the
  range and the reason (see :mod:`csat_xl.excel.errors`);
- step functions work row by row like the core's step functions: one row of
  item cells gives one value, several rows spill one value per row.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import numpy as np

from .. import __version__, labels
from ..findings import Finding
from ..labels import Label
from ..scales import five_grade, grade_key_of
from ..scoring import blend, score, visit_estimate, weighted_mean
from ..settings import Settings
from ..tables import Table, parse_complaints, parse_settings, split_sheet
from ..text import as_number, is_blank, match_key
from .errors import NOT_AVAILABLE, CellError, RangeProblem
from .ranges import (
    Grid,
    ONE_CUSTOMER,
    choice,
    grid,
    header_lang,
    is_empty,
    is_table,
    item_matrix,
    item_rows_table,
    number_in,
    outcomes_table,
    parse_tables,
    position,
    scores_matrix,
    weights_scheme_table,
    weights_vector,
)
from .registry import excel_function, excel_value

#: Accepted spellings of the ``lang`` argument.
LANG_OPTIONS = {match_key(k): v for k, v in {"zh": "zh", "en": "en", "中文": "zh", "英文": "en", "chinese": "zh", "english": "en"}.items()}
DEFAULT_LANG = "zh"

#: Columns spilled by CSAT_SCORES, in order (labels from csat_xl.labels).
SCORE_COLUMNS = ("customer_id", "questionnaire", "visit", "preliminary", "adjustment", "final", "grade")
#: Columns spilled by CSAT_WEIGHTS.
EFFECTIVE_WEIGHT = Label("effective_weight", "有效权重", "Effective weight")
WEIGHT_COLUMNS = (
    ("category", next(c for c in labels.COLUMNS["scheme"] if c.key == "category")),
    ("item", next(c for c in labels.COLUMNS["scheme"] if c.key == "item")),
    ("item_weight", next(c for c in labels.COLUMNS["scheme"] if c.key == "item_weight")),
    ("weight", EFFECTIVE_WEIGHT),
)

_PLAIN_INTEGER = re.compile(r"[1-9]\d{0,14}")

# Parameter descriptions shared by several functions.
SCHEME = "Scheme table 指标 with its header row (类别, 类别权重, 项目, 项目权重[, 量表])"
SETTINGS = "Optional Settings table 设置 with its header row (参数, 值)"
SCALES = "Optional Scales table 量表 with its header row (量表, 标签, 分值), for items with their own scale"
LANG = 'Optional language 语言 of labels: "zh" or "en"'
WEIGHTS = "Item weights 项目权重: one row or column of numbers > 0, in item order"


# --- helpers -------------------------------------------------------------------------
def _lang(value: Any, default: str) -> str:
    return choice("lang", value, LANG_OPTIONS, default)


def _message_lang(value: Any) -> str | None:
    """Messages in the language asked for, else in both."""
    return None if is_blank(value) else _lang(value, DEFAULT_LANG)


def _id_cell(key: Any) -> Any:
    """Customer IDs that are plain integers go back to Excel as numbers
    (how they are usually typed), others as text."""
    if isinstance(key, str) and _PLAIN_INTEGER.fullmatch(key):
        return int(key)
    return key


def _one_or_column(values: np.ndarray) -> Any:
    """One value as a scalar (#N/A when missing), several as a column (#N/A cells)."""
    values = np.ravel(values)
    if len(values) == 1:
        if np.isnan(values[0]):
            raise CellError.not_available()
        return float(values[0])
    return [[NOT_AVAILABLE if np.isnan(v) else float(v)] for v in values]


def _one_or_block(values: np.ndarray) -> Any:
    if values.size == 1:
        return _one_or_column(values)
    return [[NOT_AVAILABLE if np.isnan(v) else float(v) for v in row] for row in values]


def _scheme_table(name: str, rows: Grid) -> Table:
    """The Scheme table from a range: a table with its header, or a row of weights."""
    if is_table(rows, "scheme"):
        return Table(name, rows, style="position")
    # Without a recognised header, one row or column is read as item weights
    # (the core then checks each weight).
    if rows and (len(rows) == 1 or len(rows[0]) == 1) and not is_empty(rows):
        return weights_scheme_table(name, rows)
    raise CellError([RangeProblem("not_a_scheme", {"name": name})])


def _frozen(rows: Grid) -> tuple:
    return tuple(tuple(row) for row in rows)


@functools.lru_cache(maxsize=32)
def _items_of(scheme: tuple, settings: tuple, scales: tuple) -> tuple[str, ...]:
    """Item names of a scheme.  Cached: a sheet of CSAT_SCORE formulas
    usually points every formula at the same Scheme, Settings and Scales ranges."""
    context = {"scheme": _scheme_table("scheme", [list(r) for r in scheme]),
               "settings": [list(r) for r in settings], "scales": [list(r) for r in scales]}
    return tuple(parse_tables(context, None).scheme.items)


def _settings(rows: Grid, lang: str | None = None) -> Settings:
    """Settings from a Settings range (defaults when not given)."""
    if is_empty(rows):
        return Settings()
    findings: list[Finding] = []
    settings = parse_settings(split_sheet("settings", Table("settings", rows, style="position"), [], findings), findings)
    if any(f.is_error for f in findings):
        raise CellError(findings, lang=lang)
    return settings


def _unmentioned(value: Any) -> float:
    """Score of an item not raised during a visit: a five-grade label or a number."""
    value = grid(value)
    cell = value[0][0] if value else None
    scale = five_grade()
    if is_blank(cell):
        return scale.values[labels.GRADE[Settings().unmentioned_as].zh]
    grade = grade_key_of(cell)
    if grade is not None:
        return scale.values[labels.GRADE[grade].zh]
    return number_in("unmentioned", cell, 0.0, 100.0, 0.0)


# --- the functions -----------------------------------------------------------------------
@excel_function(
    "Satisfaction scores 满意度得分 of every customer: spills a header row and one row per customer "
    "(customer ID, questionnaire, visit, preliminary, complaint adjustment, final score, grade).",
    scalars=("lang",),
    scheme=SCHEME,
    questionnaire="Questionnaire table 问卷 with its header row (客户编号, one column per item)",
    visits="Optional Visits table 走访 with its header row (客户编号, one column per item)",
    complaints="Optional Complaints table 投诉 with its header row (客户编号, 处理结果)",
    settings=SETTINGS,
    lang=LANG + " (default: the language of the scheme's header)",
    scales=SCALES,
    customers="Optional Customers table 客户 with its header row (客户编号): listed customers without data are shown too",
)
def csat_scores(scheme, questionnaire, visits=None, complaints=None, settings=None, lang=None, scales=None, customers=None):
    """Score every customer of the given tables, as ``csat-xl score`` does.

    Each argument is a range holding a table in WORKBOOK.md format,
    including its header row (columns in any order, Chinese or English
    names).  Returns a header row plus one row per customer in order of first
    appearance; a customer without a final score has blank score cells.
    """
    ranges = {
        "scheme": grid(scheme),
        "questionnaire": grid(questionnaire),
        "visits": grid(visits),
        "complaints": grid(complaints),
        "settings": grid(settings),
        "scales": grid(scales),
        "customers": grid(customers),
    }
    language = _lang(lang, header_lang(ranges["scheme"], "scheme") or DEFAULT_LANG)
    survey = parse_tables(ranges, _message_lang(lang))
    customers_frame = score(survey).customers
    header = [labels.RESULT_COLUMN[key].text(language) for key in SCORE_COLUMNS]
    columns = [
        [_id_cell(k) for k in customers_frame["customer_id"]],
        *([excel_value(v) for v in customers_frame[key].to_numpy(dtype=np.float64)]
          for key in ("questionnaire", "visit", "preliminary", "adjustment", "final")),
        [labels.grade_text(g, language) for g in customers_frame["grade"]],
    ]
    return [header, *(list(row) for row in zip(*columns))]


@excel_function(
    "Final score 最终得分 of one customer from its questionnaire rows, visit rows and complaint outcomes.",
    scheme="Scheme table 指标 with its header row, or one row of item weights 项目权重",
    questionnaire="Questionnaire answers 问卷: one row per respondent, one column per item in scheme order "
                  "(or a first row naming the items)",
    visit="Optional visit grades 走访: one row per visit, one column per item; blank = not raised",
    complaint_outcomes="Optional complaint outcomes 处理结果: one label per complaint, e.g. 基本满意, 未处理",
    settings=SETTINGS,
    scales=SCALES,
)
def csat_score(scheme, questionnaire, visit=None, complaint_outcomes=None, settings=None, scales=None):
    """Final score F of one customer (METHOD.md §3–§6); ``#N/A`` when it has
    neither an answered questionnaire nor a visit.

    ``questionnaire`` and ``visit`` hold item cells only (no customer ID).
    Fully blank rows are ignored (ranges are often larger than the data);
    a blank cell of ``complaint_outcomes`` is not a complaint.
    """
    scheme_rows, settings_rows, scales_rows = grid(scheme), grid(settings), grid(scales)
    items = _items_of(_frozen(scheme_rows), _frozen(settings_rows), _frozen(scales_rows))
    tables = {"scheme": _scheme_table("scheme", scheme_rows), "settings": settings_rows, "scales": scales_rows}
    question_rows, visit_rows, outcome_rows = grid(questionnaire), grid(visit), grid(complaint_outcomes)
    if not is_empty(question_rows):
        tables["questionnaire"] = item_rows_table("questionnaire", question_rows, list(items))
    if not is_empty(visit_rows):
        tables["visits"] = item_rows_table("visit", visit_rows, list(items))
    if not is_empty(outcome_rows):
        tables["complaints"] = outcomes_table("complaint_outcomes", outcome_rows)
    survey = parse_tables(tables, None)
    customers = score(survey).customers
    final = customers.loc[customers["customer_id"] == ONE_CUSTOMER, "final"].to_numpy(dtype=np.float64)
    return _one_or_column(final[:1] if len(final) else np.array([np.nan]))


@excel_function(
    "Weighted mean 加权平均 of item scores over the answered items (questionnaire score Q 问卷得分).",
    scores="Item scores 项目得分 0–100 or five-grade labels: one row per respondent/customer; blank = not answered",
    weights=WEIGHTS,
)
def csat_weighted(scores, weights):
    """Weighted mean per row over the answered cells; weights renormalised
    over them (METHOD.md §3).  A row with nothing answered is ``#N/A``."""
    weight_vector = weights_vector("weights", grid(weights))
    matrix = item_matrix("scores", grid(scores) or [[None]], len(weight_vector), five_grade())
    return _one_or_column(weighted_mean(matrix, weight_vector))


@excel_function(
    "Visit estimate 走访估算 V from visit grades; items not raised count as 满意 (or the given grade).",
    scalars=("unmentioned",),
    grades="Visit grades 走访评价: five-grade labels (很满意…不满意) or numbers 0–100, one column per item; blank = not raised",
    weights=WEIGHTS,
    unmentioned="Optional grade 未提及按 for items not raised: a five-grade label or a number (default 满意 = 80)",
)
def csat_visit(grades, weights, unmentioned=None):
    """Visit estimate per row (METHOD.md §4): the weighted mean over all
    items, items not raised counting as ``unmentioned``."""
    weight_vector = weights_vector("weights", grid(weights))
    matrix = item_matrix("grades", grid(grades) or [[None]], len(weight_vector), five_grade())
    return _one_or_column(visit_estimate(matrix, weight_vector, _unmentioned(unmentioned)))


@excel_function(
    "Preliminary score 初步满意度 P = share·V + (1−share)·Q; with only one of them, that one.",
    scalars=("visit_share",),
    visit="Visit estimate 走访估算 V (a cell or a range); blank = not visited",
    questionnaire="Questionnaire score 问卷得分 Q (a cell or a range of the same size); blank = no questionnaire",
    visit_share="Optional visit share 走访占比 0–1 (default 0.6)",
)
def csat_blend(visit, questionnaire, visit_share=None):
    """Blend V and Q cell by cell (METHOD.md §5); ``#N/A`` where both are blank."""
    share = number_in("visit_share", visit_share, 0.0, 1.0, Settings().visit_share)
    scale = five_grade()
    v = scores_matrix("visit", grid(visit) or [[None]], scale)
    q = scores_matrix("questionnaire", grid(questionnaire) or [[None]], scale)
    if v.shape != q.shape and v.size != 1 and q.size != 1:
        raise CellError([RangeProblem("shape_mismatch", {
            "name": "visit", "rows": v.shape[0], "cols": v.shape[1],
            "other": "questionnaire", "other_rows": q.shape[0], "other_cols": q.shape[1]})])
    return _one_or_block(blend(*np.broadcast_arrays(v, q), share))


@excel_function(
    "Complaint adjustment 投诉加减分: the sum over complaints of each outcome's adjustment "
    "(未处理 −5, 不满意 −5, 不太满意 −3, 基本满意 −1, 满意 0, 很满意 +2).",
    outcomes="Complaint outcomes 处理结果: one label per complaint; blank cells are not complaints",
    settings=SETTINGS + ", to change the adjustments (投诉:<结果>)",
)
def csat_adjustment(outcomes, settings=None):
    """Sum of the adjustments of the outcomes (METHOD.md §6); 0 without complaints."""
    config = _settings(grid(settings))
    findings: list[Finding] = []
    sheet = split_sheet("complaints", outcomes_table("outcomes", grid(outcomes)), [], findings)
    frame = parse_complaints(sheet, config, findings)
    if any(f.is_error for f in findings):
        raise CellError(findings)
    return float(sum(config.adjustment_of(key) for key in frame["outcome"]))


@excel_function(
    "Grade 等级 of a score 0–100: 很满意 ≥ 90, 满意 ≥ 70, 比较满意 ≥ 60, 比较不满意 ≥ 40, else 不满意.",
    scalars=("lang",),
    score="Score 得分 0–100 (a cell or a range); blank gives blank",
    lang='Optional language 语言: "zh" (default) or "en"',
)
def csat_grade(score, lang=None):
    """Grade label per score (METHOD.md §7, lower bounds inclusive)."""
    language = _lang(lang, DEFAULT_LANG)
    rows = grid(score) or [[None]]
    values = np.full((len(rows), len(rows[0])), np.nan)
    problems = []
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if is_blank(cell):
                continue
            number = as_number(cell)
            if number is None or not 0.0 <= number <= 100.0:
                problems.append(RangeProblem("bad_number", {"name": position("score", r, c), "value": cell, "low": 0, "high": 100}))
            else:
                values[r, c] = number
    if problems:
        raise CellError(problems, lang=_message_lang(lang))
    keys = Settings().grade_keys(values.ravel()).reshape(values.shape)
    out = [[labels.grade_text(k, language) for k in row] for row in keys]
    return out[0][0] if values.size == 1 else out


@excel_function(
    "Effective item weights 有效权重 of a scheme (summing to 100), after the visible rescaling of METHOD.md §1.",
    scalars=("lang",),
    scheme=SCHEME,
    settings=SETTINGS + ", for the weight mode 权重模式",
    lang=LANG + " (default: the language of the scheme's header)",
)
def csat_weights(scheme, settings=None, lang=None):
    """Spill category, item, declared item weight and effective weight per item."""
    rows = grid(scheme)
    language = _lang(lang, header_lang(rows, "scheme") or DEFAULT_LANG)
    survey = parse_tables({"scheme": _scheme_table("scheme", rows), "settings": grid(settings)}, _message_lang(lang))
    table = survey.scheme.table
    header = [label.text(language) for _, label in WEIGHT_COLUMNS]
    return [header, *([excel_value(v) for v in row] for row in table[[k for k, _ in WEIGHT_COLUMNS]].itertuples(index=False))]


@excel_function("Version 版本 of csat-xl that computes these functions.")
def csat_version():
    """The installed csat-xl version, e.g. ``0.1.0``."""
    return __version__
