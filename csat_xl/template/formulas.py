"""Every formula of the template workbook, written in one place.

The template computes the whole method (METHOD.md §2–§7, §9) with plain
worksheet formulas so it works in Excel 2010+, WPS and LibreOffice 7 without
an add-in.  Only functions all three have are used (:data:`ALLOWED_FUNCTIONS`;
no dynamic arrays, LET, LAMBDA, XLOOKUP, FILTER, UNIQUE, TEXTJOIN, IFS,
MAXIFS …).  The rules are the core's (:mod:`csat_xl.scoring`,
:mod:`csat_xl.scheme`, :mod:`csat_xl.aggregation`); each function below says
which core step it mirrors, and the LibreOffice parity tests prove that the
two agree.

Ranges are reached through workbook-level defined names (:data:`NAMES`), so a
formula reads ``=IF(ClampOn, MIN(100, MAX(0, E15+F15)), E15+F15)`` rather
than a wall of addresses.

Conventions of the helper sheets:

* a cell that cannot be read (a label not on the item's scale, a number
  outside 0–100, an unknown complaint outcome) holds :data:`INVALID`; it is
  counted by the Results checks and ignored by SUM and COUNT, exactly as
  ``csat-xl score`` refuses such a workbook rather than guessing;
* a blank answer is ``""`` (not answered, never zero);
* customers are numbered 1…N in Customers-sheet order; a data row carries
  the number of its customer, 0 when its ID is blank or not listed.  IDs are
  compared as the trimmed text of the cell by MATCH, which ignores letter
  case as every spreadsheet's lookups do: ``1001`` and ``"1001"`` are one
  customer and so are ``C001`` and ``c001`` (WORKBOOK.md, reading rules v2).

Why it stays linear (docs/template.md, "How it computes"): nothing scans all
data rows once per customer.  Each data row finds its customer once (MATCH
on the customer keys) and the next row of the same customer (MATCH on the
rows below it); "tail" columns then sum a value over a row and every later
row of its customer by following that link (:func:`chain_tail`), so the
tail of a customer's first row holds the customer's total, which the
per-customer sheet fetches with one INDEX.  SUMIFS/COUNTIFS per customer
and item — the earlier design — cost rows × customers × items in
LibreOffice (docs/performance.md).
"""

from __future__ import annotations

import re

from ..settings import BOUND_TOLERANCE

#: Functions every target spreadsheet has (Excel 2010+, WPS, LibreOffice 7).
ALLOWED_FUNCTIONS = frozenset({
    "AND", "AVERAGE", "CLEAN", "COUNT", "COUNTA", "COUNTIF", "COUNTIFS", "EXACT", "IF", "IFERROR",
    "INDEX", "ISNUMBER", "LOWER", "MATCH", "MAX", "MID", "MIN", "NOT", "OR", "SUBSTITUTE", "SUM",
    "SUMIF", "SUMIFS", "SUMPRODUCT", "TRIM", "VALUE",
})

#: Marker of a cell the method cannot read (counted by the checks, red on the input sheet).
INVALID = "×"

#: Tolerance of the ≥ comparisons against a bound: the engine's own number.
EPSILON = re.sub(r"E([+-])0+(?=\d)", r"E\1", f"{BOUND_TOLERANCE:.0E}")  # "1E-9"

#: Workbook-level defined names the formulas use.
NAMES = (
    "CustomerKeys", "RawCustomerKeys", "LabelKeys", "LabelValues", "OutcomeKeys", "OutcomeAdjustments",
    "OutcomeChoices", "UnhandledAdjustment", "OptionKeys", "OptionValues", "WeightMode", "VisitShare", "UnmentionedValue",
    "ClampOn", "CompletionValue", "TargetValue", "CategoryWeightTotal", "ItemWeights",
    "AnswerCustomer", "VisitCustomer", "ComplaintCustomer", "ComplaintAdjustment",
)


def bound_name(grade_key: str) -> str:
    """Defined name of a grade's lower bound, e.g. ``Bound_satisfied``."""
    return f"Bound_{grade_key}"


def sheet_ref(sheet: str, address: str) -> str:
    """``'问卷'!D7``: always quoted, so Chinese and odd sheet names are safe."""
    return "'" + sheet.replace("'", "''") + "'!" + address


def text_literal(text: str) -> str:
    """A string constant inside a formula (only the template's own labels, never user text)."""
    return '"' + text.replace('"', '""') + '"'


# --- text normalisation ------------------------------------------------------------------
def label_key(cell: str) -> str:
    """The matching key of a label cell: no spaces (also full-width), no control
    characters, lower case — :func:`csat_xl.text.match_key` without NFKC."""
    return f'LOWER(SUBSTITUTE(SUBSTITUTE(CLEAN({cell}&"")," ",""),"　",""))'


def customer_key(cell: str) -> str:
    """A customer ID as trimmed text: 1001 and "1001" give the same key."""
    return f'TRIM({cell}&"")'


def literal_lookup(cell: str) -> str:
    """``cell`` as a MATCH lookup value that means itself: the wildcards
    ``*`` ``?`` and their escape ``~`` are escaped (an ID ``A*`` must not find ``AB``)."""
    return f'SUBSTITUTE(SUBSTITUTE(SUBSTITUTE({cell},"~","~~"),"*","~*"),"?","~?")'


# --- helper sheets: one row of input → numbers ------------------------------------------
def answer_value(cell: str, scale_no: int) -> str:
    """Score of one questionnaire or visit cell (:meth:`csat_xl.scales.Scale.resolve`).

    Numbers first, as the core does: a number or numeric text must be
    0–100 (VALUE(TRIM()) reads both, so it is written once); otherwise the
    label is looked up as ``"<scale no>|<key>"`` in the label table, whose
    values come from the Scales sheet (so overrides apply); a cell that is
    blank after removing every space is not answered.  The cheap TRIM test
    comes first because most cells of a template are empty — it halves
    LibreOffice's recalculation time against testing the full key first.
    """
    key = label_key(cell)
    number = f"VALUE(TRIM({cell}))"
    invalid = text_literal(INVALID)
    return (
        f'=IF(TRIM({cell})="","",'
        f"IFERROR(IF(AND({number}>=0,{number}<=100),{number},{invalid}),"
        f'IFERROR(INDEX(LabelValues,MATCH("{scale_no}|"&{key},LabelKeys,0)),IF({key}="","",{invalid}))))'
    )


def row_customer_key(id_cell: str) -> str:
    return "=" + customer_key(id_cell)


def customer_number(key_cell: str) -> str:
    """Number of the listed customer with this key (letter case ignored); 0 for a
    blank or unlisted ID.  One MATCH per row: the per-row customer index
    every per-customer figure is built on."""
    return f'=IF({key_cell}="",0,IFERROR(MATCH({literal_lookup(key_cell)},CustomerKeys,0),0))'


def data_without_id(key_cell: str, data_range: str) -> str:
    """1 when a row has data but no customer ID (``csat-xl score`` refuses it)."""
    return f'=IF({key_cell}<>"",0,IF(COUNTA({data_range})>0,1,0))'


# --- chains: one customer's rows, linked ---------------------------------------------------
def next_same(number_cell: str, numbers_below: str) -> str:
    """Offset of the next row of the same customer within ``numbers_below``
    (the customer-number cells from the next row to the last); 0 when none
    or the row has no listed customer."""
    return f"=IF({number_cell}=0,0,IFERROR(MATCH({number_cell},{numbers_below},0),0))"


def chain_tail(own: str, next_cell: str | None, tails_below: str | None) -> str:
    """``own`` plus the same tail of the customer's next row: on a customer's
    first row, the total over all its rows.  ``own`` is an expression of this
    row (``COUNT(D5)``, ``SUM(D5)``, ``1``); SUM and COUNT skip ``""`` and
    :data:`INVALID` as SUMIFS did.  The last row has no row below
    (``next_cell`` None).  INDEX reaches only rows below, so no cell depends
    on itself."""
    if next_cell is None:
        return f"={own}"
    return f"=IF({next_cell}=0,{own},{own}+INDEX({tails_below},{next_cell}))"


def first_named(name_cell: str, position: int, next_cell: str | None, below: str | None) -> str:
    """Position (1 = first data row) of the first row, from this one on, of
    this row's customer that gives a customer name; 0 when none."""
    later = "0" if next_cell is None else f"IF({next_cell}=0,0,INDEX({below},{next_cell}))"
    return f'=IF(TRIM({name_cell}&"")<>"",{position},{later})'


def first_row(key_cell: str, number_cell: str, numbers: str) -> str:
    """Position of the customer's first data row in ``numbers`` (0 when none)."""
    return f'=IF({key_cell}="",0,IFERROR(MATCH({number_cell},{numbers},0),0))'


def from_first(first_cell: str, tails: str) -> str:
    """A customer's total: the tail on its first row (0 when it has no row)."""
    return f"=IF({first_cell}=0,0,INDEX({tails},{first_cell}))"


def complaint_adjustment(key_cell: str, outcome_cell: str) -> str:
    """Adjustment of one complaint (:func:`csat_xl.scoring.complaint_adjustments`);
    a blank outcome is unhandled (METHOD.md §6)."""
    key = label_key(outcome_cell)
    return (
        f'=IF({key_cell}="",0,IF({key}="",UnhandledAdjustment,'
        f"IFERROR(INDEX(OutcomeAdjustments,MATCH({key},OutcomeKeys,0)),{text_literal(INVALID)})))"
    )


def blank_outcome(key_cell: str, outcome_cell: str) -> str:
    return f'=IF(AND({key_cell}<>"",{label_key(outcome_cell)}=""),1,0)'


# --- lookup tables --------------------------------------------------------------------------
def keyed(prefix_cell: str, text_cell: str) -> str:
    """``"<prefix>|<key>"`` of a table row (labels by scale number, options by setting)."""
    return f'={prefix_cell}&"|"&{label_key(text_cell)}'


def plain_key(text_cell: str) -> str:
    return "=" + label_key(text_cell)


def number_or_default(cell: str, default: float) -> str:
    """A numeric setting; blank (or not a number) keeps the method default."""
    return f"=IF(ISNUMBER({cell}),{cell},{default:g})"


# --- settings -------------------------------------------------------------------------------
def option(group: str, cell: str, default: str) -> str:
    """A choice setting looked up in the options table (weight mode, clamp)."""
    return f'=IFERROR(INDEX(OptionValues,MATCH("{group}|"&{label_key(cell)},OptionKeys,0)),{default})'


def unmentioned_value(cell: str, default_cell: str) -> str:
    """Value of the 'unmentioned as' grade on the five-grade scale (scale 1)."""
    return f'=IFERROR(INDEX(LabelValues,MATCH("1|"&{label_key(cell)},LabelKeys,0)),{default_cell})'


# --- scheme: effective weights (csat_xl.scheme.Scheme.build) -------------------------------------
def category_of(cell: str, above: str | None) -> str:
    """A category continues down until the next non-blank category cell."""
    name = customer_key(cell)
    return f"={name}" if above is None else f'=IF({name}="",{above},{name})'


def category_item_sum(categories: str, category_cell: str, item_weights: str) -> str:
    return f"=SUMPRODUCT(EXACT({categories},{category_cell})*{item_weights})"


def effective_weight(item_weight: str, item_weights: str, category_sum: str, category_weight: str) -> str:
    """Item mode: weights normalised to 100; category mode: relative within the
    category, scaled to the category's weight, categories scaled to 100."""
    return (
        f'=IF(WeightMode="item",{item_weight}*100/SUM({item_weights}),'
        f"{item_weight}/{category_sum}*{category_weight}*100/CategoryWeightTotal)"
    )


def valid_weights(item_weight: str, category_weight: str) -> str:
    return f"=AND(ISNUMBER({item_weight}),{item_weight}>0,ISNUMBER({category_weight}),{category_weight}>0)"


# --- per customer ------------------------------------------------------------------------------
def unique_key(raw_key: str, number_cell: str) -> str:
    """The customer's key, or blank when the ID is blank or listed earlier,
    letter case ignored (the reader keeps the first of duplicate customers)."""
    first = f"IFERROR(MATCH({literal_lookup(raw_key)},RawCustomerKeys,0),{number_cell})"
    return f'=IF({raw_key}="","",IF({first}<{number_cell},"",{raw_key}))'


def item_mean(first_cell: str, count_cell: str, sums: str, otherwise: str) -> str:
    """Mean of one item over the customer's rows (sum tail on its first row
    over the count); ``otherwise`` when none."""
    return f"=IF({count_cell}>0,INDEX({sums},{first_cell})/{count_cell},{otherwise})"


def answered_weight(counts: str) -> str:
    """Sum of the weights of the answered items (the renormalisation of METHOD.md §3)."""
    return f"=SUMPRODUCT(ItemWeights,--({counts}>0))"


def usable_weight(final: str, weight: str) -> str:
    """Customer weight counted in the weighted CSI (scored, weight > 0)."""
    return f"=IF(AND(ISNUMBER({final}),ISNUMBER({weight})),IF({weight}>0,{weight},0),0)"


def number_or_zero(cell: str) -> str:
    return f"=IF(ISNUMBER({cell}),{cell},0)"


def satisfied(final: str) -> str:
    """1 when the final score reaches the 满意 bound (the satisfaction rate's rule)."""
    return f"=IF(ISNUMBER({final}),IF({final}>=Bound_satisfied-{EPSILON},1,0),0)"


# --- Results: one customer (csat_xl.scoring.score) --------------------------------------------------
def shown_if(key_cell: str, value: str) -> str:
    return f'=IF({key_cell}="","",{value})'


def customer_name(listed_name: str, first_cell: str, names: str, first_named_rows: str) -> str:
    """Name from the Customers sheet, else the first questionnaire row that gives one
    (as :func:`csat_xl.scoring.score` picks it): :func:`first_named` on the
    customer's first row says which."""
    named = f"INDEX({first_named_rows},{first_cell})"
    return (
        f'=IF(TRIM({listed_name}&"")<>"",{listed_name}&"",'
        f'IF({first_cell}=0,"",IF({named}=0,"",INDEX({names},{named})&"")))'
    )


def questionnaire_score(means: str, answered: str) -> str:
    """Q: weighted mean over the answered items (:func:`csat_xl.scoring.weighted_mean`)."""
    return f'=IF({answered}>0,SUMPRODUCT(ItemWeights,{means})/{answered},"")'


def visit_score(visits: str, values: str) -> str:
    """V: weighted mean, items not raised already filled in (:func:`csat_xl.scoring.visit_estimate`)."""
    return f'=IF({visits}>0,SUMPRODUCT(ItemWeights,{values})/SUM(ItemWeights),"")'


def preliminary(q: str, v: str) -> str:
    """P with both fallbacks (:func:`csat_xl.scoring.blend`)."""
    return f'=IF({q}="",IF({v}="","",{v}),IF({v}="",{q},VisitShare*{v}+(1-VisitShare)*{q}))'


def final(p: str, adjustment: str) -> str:
    """F = P + adjustments, clamped when the setting says so (:func:`csat_xl.scoring.adjust`)."""
    return f'=IF({p}="","",IF(ClampOn,MIN(100,MAX(0,{p}+{adjustment})),{p}+{adjustment}))'


def grade(final_cell: str, grades: list[tuple[str, str]]) -> str:
    """Grade of F, lower bounds inclusive (:meth:`csat_xl.settings.Settings.grade_keys`).

    ``grades`` are ``(grade key, label)`` from the highest grade down; the
    last grade has no bound and catches everything below.
    """
    expression = text_literal(grades[-1][1])
    for key, label in reversed(grades[:-1]):
        expression = f"IF({final_cell}>={bound_name(key)}-{EPSILON},{text_literal(label)},{expression})"
    return f'=IF({final_cell}="","",{expression})'


def flags(parts: list[tuple[str, str]], key_cell: str) -> str:
    """Flag labels joined by ", " (as ``csat-xl score`` prints them).

    ``parts`` are ``(condition, label)``; each adds ``", label"`` and MID
    drops the leading separator (TEXTJOIN is not available everywhere).
    """
    pieces = "&".join(f'IF({condition},{text_literal(", " + label)},"")' for condition, label in parts)
    return f'=IF({key_cell}="","",MID({pieces},3,255))'


def attainment(value: str, bound: str, yes: str, no: str, scale: str = "") -> str:
    """达成 / 未达成 of a KPI against the completion or target value."""
    return f'=IF({value}="","",IF({value}{scale}>={bound}-{EPSILON},{text_literal(yes)},{text_literal(no)}))'


_FUNCTION = re.compile(r"([A-Z_][A-Z0-9._]*)\s*\(")
_STRING = re.compile(r'"(?:[^"]|"")*"')


def functions_used(formula: str) -> set[str]:
    """Names of the functions a formula calls (string constants skipped)."""
    return set(_FUNCTION.findall(_STRING.sub('""', formula.upper())))
