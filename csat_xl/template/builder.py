"""Build the survey template workbook (issue 5; CLI.md ``template``).

The template is a survey workbook in the WORKBOOK.md format — the sheets
``csat-xl score`` reads, with their exact headers — plus a Results sheet that
computes the whole method with plain formulas (:mod:`.formulas`), so quality
officers can hand it to offices that have Excel, WPS or LibreOffice and no
add-in.  Hidden helper sheets turn every input cell into a number; Results
reads per-customer sums from them.

Sheets, in order (names in the template's language):

====================  =================================================
说明 Instructions      how to fill it in, the method in brief, limits
客户 Customers         the customer list (one Results row per row)
问卷 Questionnaire     one row per respondent; item cells: label or 0–100
走访 Visits            one row per visit; item cells: grade or 0–100
投诉 Complaints        one row per complaint; outcome dropdown
结果 Results           KPIs, input checks, one row per customer
指标 Scheme            weights editable (item names locked: they are headers)
量表 Scales            scale values editable
设置 Settings          every setting with its default, values editable
_… (hidden)            helper sheets: lookup tables, weights, per-row values
====================  =================================================

Formula cells are locked and every sheet is protected without a password;
input cells are unlocked.  Rows cannot be inserted (that would move input
away from the formulas reading it): capacity is set when the template is built.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .. import labels
from ..findings import ERROR, InvalidInputError
from ..io.atomic import atomic_output
from ..labels import Label
from ..scales import Scale
from ..settings import Settings
from ..tables import inspect_tables, match_sheets
from ..text import column_letter as col, looks_like_formula
from . import formulas as fx
from .groups import add_groups
from .handling import add_handling
from .texts import CHECKS, HELPER_COLUMNS, HELPER_SHEETS, INSTRUCTIONS, INSTRUCTIONS_SHEET, KPIS, RESULTS_SHEET, SETTING_PROMPTS, say

#: Optional input columns after the item columns (ANALYSES.md §5, issue 15): read by
#: ``csat-xl`` (NPS, repurchase, key drivers, comments), not used by the template's formulas.
OPTIONAL_COLUMNS = {"questionnaire": ("recommend", "repurchase", "overall", "comments"), "visits": ("notes",)}

#: Default capacity (CLI.md ``template``; docs/template.md).
DEFAULT_CUSTOMERS = 200
DEFAULT_ROWS = 2000

#: The METHOD.md §1 reference scheme: (category, weight, ((item, weight), …)).
REFERENCE_SCHEME: tuple[tuple[Label, float, tuple[tuple[Label, float], ...]], ...] = (
    (Label("product_quality", "产品质量", "Product quality"), 50, (
        (Label("quality", "品质", "Quality"), 30),
        (Label("packaging", "包装", "Packaging"), 10),
        (Label("usability", "使用性", "Usability"), 10),
    )),
    (Label("purchase_process", "购销过程", "Purchase process"), 20, (
        (Label("reception", "接待", "Reception"), 8),
        (Label("procedure", "程序", "Procedure"), 8),
        (Label("price_payment", "价格和付款", "Price and payment"), 10),
    )),
    (Label("related_services", "相关服务", "Related services"), 30, (
        (Label("transport", "运输", "Transport"), 8),
        (Label("problem_handling", "问题处理", "Problem handling"), 12),
        (Label("technical_support", "技术支持和服务", "Technical support"), 10),
    )),
)

# --- look ------------------------------------------------------------------------------------
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
INPUT_FILL = PatternFill("solid", fgColor="FFF9E5")
INVALID_FILL = PatternFill("solid", fgColor="F8CBAD")
OK_FILL = PatternFill("solid", fgColor="C6EFCE")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
THIN = Side(style="thin", color="BFBFBF")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
UNLOCKED = Protection(locked=False)
SCORE_FORMAT = "0.00"


# --- what goes in ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SchemeLine:
    """One item row of the Scheme sheet."""

    category: str
    category_weight: float
    item: str
    item_weight: float
    scale_no: int  # 1 = five-grade, 2… = custom scales in order
    first_of_category: bool  # holds the category weight
    starts_run: bool = True  # the category differs from the line above: its name is written


@dataclass
class Plan:
    """Everything the template is built from: scheme, scales, settings, capacity."""

    lang: str
    lines: list[SchemeLine]
    five_values: dict[str, float]
    custom_scales: list[Scale]
    settings: Settings
    customers: int = DEFAULT_CUSTOMERS
    rows: int = DEFAULT_ROWS
    visit_rows: int = 0
    complaint_rows: int = 0

    def __post_init__(self) -> None:
        for name, value in (("customers", self.customers), ("rows", self.rows)):
            if not 1 <= value <= 100_000:
                raise ValueError(f"{name} must be 1–100000, not {value}")
        self.visit_rows = self.visit_rows or max(50, self.rows // 2)
        self.complaint_rows = self.complaint_rows or max(50, self.rows // 4)

    @property
    def items(self) -> list[str]:
        return [line.item for line in self.lines]

    def scale_name(self, scale_no: int) -> str:
        return labels.FIVE_GRADE_SCALE.text(self.lang) if scale_no == 1 else self.custom_scales[scale_no - 2].name


def reference_plan(lang: str) -> list[SchemeLine]:
    lines = []
    for category, weight, items in REFERENCE_SCHEME:
        for i, (item, item_weight) in enumerate(items):
            lines.append(SchemeLine(category.text(lang), weight, item.text(lang), item_weight, 1, i == 0, i == 0))
    return lines


def plan_from_workbook(path: str | os.PathLike) -> tuple[list[SchemeLine], dict[str, float], list[Scale], Settings]:
    """Scheme, scales and settings of an existing survey workbook.

    Only the Scheme, Scales and Settings sheets are read (bad data cells of
    the source do not matter); their errors raise
    :class:`~csat_xl.findings.InvalidInputError` listing every one.  Item
    order is kept; a category whose items are not contiguous gets its name
    again at the start of each run (its weight only once).
    """
    from ..io.readers import read_tables

    path = Path(path)
    tables = read_tables(path)
    method_sheets = {table.name: table for key, table in match_sheets(tables, []).items() if key in ("scheme", "scales", "settings")}
    survey, findings = inspect_tables(method_sheets, source=path.name)
    if survey is None:
        raise InvalidInputError([f for f in findings if f.severity == ERROR] or findings, path.name)
    table = survey.scheme.table
    custom = list(survey.scales.custom.values())
    numbers = {scale.name: i + 2 for i, scale in enumerate(custom)}
    lines, seen, previous = [], set(), None
    for row in table.itertuples(index=False):
        scale = row.scale if isinstance(row.scale, str) and row.scale else None
        first = row.category not in seen
        seen.add(row.category)
        lines.append(SchemeLine(row.category, float(row.category_weight), row.item, float(row.item_weight),
                                numbers.get(scale, 1), first, row.category != previous))
        previous = row.category
    five = {g.key: float(survey.scales.five.values[g.zh]) for g in labels.GRADES}
    return lines, five, custom, survey.settings


# --- cell helpers ---------------------------------------------------------------------------------
def put(ws: Worksheet, row: int, column: int, value, *, font=None, fill=None, fmt=None, unlocked=False, border=False):
    """Write one cell; user text that looks like a formula stays text."""
    cell = ws.cell(row=row, column=column, value=value)
    if looks_like_formula(value) and not getattr(value, "_csat_formula", False):
        cell.data_type = "s"
    if font:
        cell.font = font
    if fill:
        cell.fill = fill
    if fmt:
        cell.number_format = fmt
    if unlocked:
        cell.protection = UNLOCKED
    if border:
        cell.border = BOX
    return cell


class Formula(str):
    """A formula string the builder itself wrote (so :func:`put` keeps it a formula)."""

    _csat_formula = True


def formula(ws: Worksheet, row: int, column: int, text: str, **style):
    return put(ws, row, column, Formula(text), **style)


def text_width(text: str) -> float:
    """Display width of a header: CJK characters count double."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(text))


def header_row(ws: Worksheet, names: Sequence[str], row: int = 1) -> None:
    for i, name in enumerate(names, start=1):
        put(ws, row, i, name, font=BOLD, fill=HEADER_FILL, border=True)
        ws.column_dimensions[col(i)].width = max(9.0, min(40.0, text_width(name) + 3))


def finish_input_sheet(ws: Worksheet, header: int = 1, columns: int | None = None, landscape: bool = True) -> None:
    """Freeze the header, print setup, protect (no password; input cells are unlocked)."""
    ws.freeze_panes = ws.cell(row=header + 1, column=2)
    ws.print_title_rows = f"{header}:{header}"
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    protect(ws)


def protect(ws: Worksheet) -> None:
    ws.protection.sheet = True  # no password: protection guards against slips, not people
    # Sorting, filtering and resizing stay allowed; inserting/deleting rows does not.
    ws.protection.sort = False
    ws.protection.autoFilter = False
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def validation(ws: Worksheet, kind: str, target: str, lang: str, *, formula1: str | None = None, formula2: str | None = None,
               operator: str | None = None, prompt: tuple[str, str] | None = None, error: str | None = None,
               style: str = "stop") -> None:
    dv = DataValidation(type=kind, formula1=formula1, formula2=formula2, operator=operator, allow_blank=True,
                        showDropDown=False, errorStyle=style)
    if prompt:
        dv.promptTitle, dv.prompt = prompt[0][:32], prompt[1][:255]
        dv.showInputMessage = True
    if error:
        dv.errorTitle, dv.error = say("error_setting", lang)[:32], error[:255]
        dv.showErrorMessage = True
    for part in target.split():
        dv.add(part)
    ws.add_data_validation(dv)


def name(book: Workbook, defined: str, sheet: str, address: str) -> None:
    book.defined_names[defined] = DefinedName(defined, attr_text=fx.sheet_ref(sheet, address))


# --- the builder ------------------------------------------------------------------------------------
@dataclass
class Builder:
    plan: Plan
    book: Workbook = field(default_factory=Workbook)
    sheet: dict[str, str] = field(default_factory=dict)
    ws: dict[str, Worksheet] = field(default_factory=dict)
    #: Scales-sheet rows of each scale: scale no → (first row, last row)
    scale_rows: dict[int, tuple[int, int]] = field(default_factory=dict)
    #: Settings-sheet row of each setting key (``visit_share``, ``complaint:unhandled`` …)
    setting_rows: dict[str, int] = field(default_factory=dict)
    #: Scheme-sheet row of each item line (index into plan.lines)
    scheme_rows: list[int] = field(default_factory=list)
    #: data sheet key → (first item column, last row)
    layout: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: first and last row of the per-customer helper sheet
    pc_rows: tuple[int, int] = (0, 0)
    #: per-row helper sheet → its chain columns (``next``, ``rows``, ``count:<j>``, ``sum:<j>`` …) by number
    chains: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def lang(self) -> str:
        return self.plan.lang

    def build(self) -> Workbook:
        lang = self.lang
        order = [("instructions", INSTRUCTIONS_SHEET), ("customers", labels.SHEET["customers"]),
                 ("questionnaire", labels.SHEET["questionnaire"]), ("visits", labels.SHEET["visits"]),
                 ("complaints", labels.SHEET["complaints"]), ("actions", labels.SHEET["actions"]), ("results", RESULTS_SHEET),
                 ("scheme", labels.SHEET["scheme"]), ("scales", labels.SHEET["scales"]),
                 ("settings", labels.SHEET["settings"])]
        order += [(f"_{key}", label) for key, label in HELPER_SHEETS.items()]
        self.book.remove(self.book.active)
        for key, label in order:
            self.sheet[key] = label.text(lang)
            self.ws[key] = self.book.create_sheet(label.text(lang))
        self.scheme_sheet()
        self.scales_sheet()
        self.settings_sheet()
        self.lists_sheet()
        self.method_sheet()
        self.customers_sheet()
        self.data_sheets()
        self.helper_rows()
        self.per_customer_sheet()
        self.results_sheet()
        add_handling(self)  # complaint dates, the Actions sheet and the four handling rates (issue 14)
        add_groups(self)  # the group table of Results (issue 13)
        self.instructions_sheet()
        for key in HELPER_SHEETS:
            ws = self.ws[f"_{key}"]
            ws.sheet_state = "hidden"
            protect(ws)
        self.book.active = 0
        return self.book

    def helper_headers(self, *keys: str) -> list[str]:
        """Helper-sheet column headers in the template's language ("" keeps a gap)."""
        return [HELPER_COLUMNS[k].text(self.lang) if k else "" for k in keys]

    def ref(self, key: str, address: str) -> str:
        return fx.sheet_ref(self.sheet[key], address)

    def name(self, defined: str, key: str, address: str) -> None:
        name(self.book, defined, self.sheet[key], address)

    # --- editable method sheets -----------------------------------------------------------------
    def scheme_sheet(self) -> None:
        ws, lang = self.ws["scheme"], self.lang
        header_row(ws, [c.text(lang) for c in labels.COLUMNS["scheme"]])
        for i, line in enumerate(self.plan.lines):
            row = i + 2
            self.scheme_rows.append(row)
            put(ws, row, 1, line.category if line.starts_run else None, border=True)
            if line.first_of_category:
                put(ws, row, 2, line.category_weight, unlocked=True, fill=INPUT_FILL, border=True)
            else:
                put(ws, row, 2, None, border=True)
            put(ws, row, 3, line.item, border=True)
            put(ws, row, 4, line.item_weight, unlocked=True, fill=INPUT_FILL, border=True)
            put(ws, row, 5, self.plan.scale_name(line.scale_no), border=True)
        last = len(self.plan.lines) + 1
        prompt = (say("prompt_weight_title", lang), say("prompt_weight", lang))
        validation(ws, "decimal", f"B2:B{last} D2:D{last}", lang, formula1="0", operator="greaterThan",
                   prompt=prompt, error=say("error_weight", lang))
        for letter, width in zip("ABCDE", (16, 12, 22, 12, 14)):
            ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width or 0, width)
        finish_input_sheet(ws, landscape=False)

    def scales_sheet(self) -> None:
        ws, lang = self.ws["scales"], self.lang
        header_row(ws, [c.text(lang) for c in labels.COLUMNS["scales"]])
        row = 2
        scales = [(1, labels.FIVE_GRADE_SCALE.text(lang), [(g.text(lang), self.plan.five_values[g.key]) for g in labels.GRADES])]
        scales += [(i + 2, s.name, list(s.values.items())) for i, s in enumerate(self.plan.custom_scales)]
        for number, scale_name, values in scales:
            first = row
            for label, value in values:
                put(ws, row, 1, scale_name, border=True)
                put(ws, row, 2, label, border=True)
                put(ws, row, 3, value, unlocked=True, fill=INPUT_FILL, border=True)
                row += 1
            self.scale_rows[number] = (first, row - 1)
        validation(ws, "decimal", f"C2:C{row - 1}", lang, formula1="0", formula2="100", operator="between",
                   prompt=(say("prompt_value_title", lang), say("prompt_value", lang)), error=say("error_value", lang))
        ws.column_dimensions["A"].width = 16
        ws.column_dimensions["B"].width = 22
        finish_input_sheet(ws, landscape=False)

    def settings_sheet(self) -> None:
        ws, lang, s = self.ws["settings"], self.lang, self.plan.settings
        header_row(ws, [c.text(lang) for c in labels.COLUMNS["settings"]])
        text = lambda options, key: next(o.text(lang) for o in options if o.key == key)  # noqa: E731
        rows: list[tuple[str, str, object, dict]] = [
            ("weight_mode", labels.SETTING["weight_mode"].text(lang), text(labels.WEIGHT_MODES, s.weight_mode),
             {"kind": "list", "formula1": '"' + ",".join(o.text(lang) for o in labels.WEIGHT_MODES) + '"'}),
            ("visit_share", labels.SETTING["visit_share"].text(lang), s.visit_share,
             {"kind": "decimal", "formula1": "0", "formula2": "1", "operator": "between"}),
            ("unmentioned_as", labels.SETTING["unmentioned_as"].text(lang), labels.grade_text(s.unmentioned_as, lang),
             {"kind": "list", "formula1": f"{fx.sheet_ref(self.sheet['scales'], '$B${}:$B${}'.format(*self.scale_rows[1]))}"}),
            ("clamp", labels.SETTING["clamp"].text(lang), text(labels.YES_NO, "yes" if s.clamp else "no"),
             {"kind": "list", "formula1": '"' + ",".join(o.text(lang) for o in labels.YES_NO) + '"'}),
            ("completion_value", labels.SETTING["completion_value"].text(lang), s.completion_value,
             {"kind": "decimal", "formula1": "0", "formula2": "100", "operator": "between"}),
            ("target_value", labels.SETTING["target_value"].text(lang), s.target_value,
             {"kind": "decimal", "formula1": "0", "formula2": "100", "operator": "between"}),
            ("period", labels.SETTING["period"].text(lang), None, {}),
            # ANALYSES.md §1 and §4 (issue 13): groups and the churn rule
            ("min_group_size", labels.SETTING["min_group_size"].text(lang), s.min_group_size,
             {"kind": "whole", "formula1": "1", "formula2": "100000", "operator": "between"}),
            ("churn_periods", labels.SETTING["churn_periods"].text(lang), s.churn_periods,
             {"kind": "whole", "formula1": "1", "formula2": "100", "operator": "between"}),
            ("churn_grade", labels.SETTING["churn_grade"].text(lang), labels.grade_text(s.churn_grade, lang),
             {"kind": "list", "formula1": '"' + ",".join(g.text(lang) for g in labels.GRADES) + '"'}),
            # ANALYSES.md §2 (issue 14): complaint handling limits and the monthly target (blank: no target)
            ("response_limit", labels.SETTING["response_limit"].text(lang), s.response_limit_hours,
             {"kind": "decimal", "formula1": "0", "operator": "greaterThan"}),
            ("closure_limit", labels.SETTING["closure_limit"].text(lang), s.closure_limit_days,
             {"kind": "decimal", "formula1": "0", "operator": "greaterThan"}),
            ("monthly_complaint_target", labels.SETTING["monthly_complaint_target"].text(lang), s.monthly_complaint_target,
             {"kind": "decimal", "formula1": "0", "operator": "greaterThanOrEqual"}),
            # the branch and its weight (csat-xl consolidate): blank, each branch fills in its own
            ("unit", labels.SETTING["unit"].text(lang), None, {}),
            ("unit_weight", labels.SETTING["unit_weight"].text(lang), None, {"kind": "decimal", "formula1": "0", "operator": "greaterThan"}),
        ]
        prefix = labels.COMPLAINT_SETTING_PREFIX.text(lang)
        for outcome in labels.OUTCOMES:
            rows.append((f"complaint:{outcome.key}", f"{prefix}:{outcome.text(lang)}", s.complaint_adjustments[outcome.key],
                         {"kind": "decimal", "formula1": "-100", "formula2": "100", "operator": "between"}))
        prefix = labels.GRADE_SETTING_PREFIX.text(lang)
        # The lowest grade has no lower bound (it catches everything below): no row.
        for grade in labels.GRADES[:-1]:
            rows.append((f"grade:{grade.key}", f"{prefix}:{grade.text(lang)}", s.grade_bounds[grade.key],
                         {"kind": "decimal", "formula1": "0", "formula2": "100", "operator": "between"}))
        for i, (key, label, value, rule) in enumerate(rows):
            row = i + 2
            self.setting_rows[key] = row
            put(ws, row, 1, label, border=True)
            put(ws, row, 2, value, unlocked=True, fill=INPUT_FILL, border=True)
            prompt_key = key.split(":")[0]
            prompt = (say("prompt_setting_title", lang), SETTING_PROMPTS[prompt_key][lang])
            if rule:
                validation(ws, rule.pop("kind"), f"B{row}", lang, prompt=prompt, error=say("error_setting", lang), **rule)
            else:
                validation(ws, "custom", f"B{row}", lang, formula1="TRUE", prompt=prompt)
        ws.column_dimensions["A"].width = 26
        ws.column_dimensions["B"].width = 14
        finish_input_sheet(ws, landscape=False)

    def setting_cell(self, key: str) -> str:
        return self.ref("settings", f"$B${self.setting_rows[key]}")

    # --- lookup tables ---------------------------------------------------------------------------
    def lists_sheet(self) -> None:
        """Label table (scale no | key → value), outcome table, option table."""
        ws, lang, defaults = self.ws["_lists"], self.lang, Settings()
        other = "en" if lang == "zh" else "zh"
        header_row(ws, self.helper_headers("scale", "label", "key", "value", "", "outcome", "key", "adjustment", "", "setting", "option", "key", "value"))
        row = 2
        scales_sheet = self.sheet["scales"]
        for number, (first, last) in self.scale_rows.items():
            for r in range(first, last + 1):
                put(ws, row, 1, number)
                formula(ws, row, 2, "=" + fx.sheet_ref(scales_sheet, f"$B${r}"))
                formula(ws, row, 3, fx.keyed(f"A{row}", f"B{row}"))
                formula(ws, row, 4, "=" + fx.sheet_ref(scales_sheet, f"$C${r}"))
                row += 1
        # English / Chinese names of the five grades are aliases of the five-grade labels.
        first = self.scale_rows[1][0]
        for i, grade in enumerate(labels.GRADES):
            for alias in (grade.text(other), *grade.aliases):
                put(ws, row, 1, 1)
                put(ws, row, 2, alias)
                formula(ws, row, 3, fx.keyed(f"A{row}", f"B{row}"))
                formula(ws, row, 4, "=" + fx.sheet_ref(scales_sheet, f"$C${first + i}"))
                row += 1
        self.name("LabelKeys", "_lists", f"$C$2:$C${row - 1}")
        self.name("LabelValues", "_lists", f"$D$2:$D${row - 1}")

        # Outcomes: this language's labels first (rows 2–7, the dropdown), then aliases.
        row = 2
        names = [(o, o.text(lang)) for o in labels.OUTCOMES]
        names += [(o, n) for o in labels.OUTCOMES for n in (o.text(other), *o.aliases)]
        for outcome, label in names:
            put(ws, row, 6, label)
            formula(ws, row, 7, fx.plain_key(f"F{row}"))
            formula(ws, row, 8, fx.number_or_default(self.setting_cell(f"complaint:{outcome.key}"), defaults.complaint_adjustments[outcome.key]))
            row += 1
        self.name("OutcomeKeys", "_lists", f"$G$2:$G${row - 1}")
        self.name("OutcomeAdjustments", "_lists", f"$H$2:$H${row - 1}")
        self.name("OutcomeChoices", "_lists", f"$F$2:$F${len(labels.OUTCOMES) + 1}")
        unhandled = 2 + [o.key for o in labels.OUTCOMES].index("unhandled")
        self.name("UnhandledAdjustment", "_lists", f"$H${unhandled}")

        # Options of the choice settings, from labels (every alias the reader accepts).
        row = 2
        options = [("mode", o, f'"{o.key}"') for o in labels.WEIGHT_MODES]
        options += [("clamp", o, "1" if o.key == "yes" else "0") for o in labels.YES_NO]
        for group, option, value in options:
            for text in option.names:
                put(ws, row, 10, group)
                put(ws, row, 11, text)
                formula(ws, row, 12, fx.keyed(f"J{row}", f"K{row}"))
                formula(ws, row, 13, "=" + value)
                row += 1
        self.name("OptionKeys", "_lists", f"$L$2:$L${row - 1}")
        self.name("OptionValues", "_lists", f"$M$2:$M${row - 1}")

    def method_sheet(self) -> None:
        """Settings as the formulas use them, and the effective item weights."""
        ws, defaults = self.ws["_method"], Settings()
        header_row(ws, self.helper_headers("setting", "value", "", "item", "category", "item_weight", "category_weight",
                                           "category_item_sum", "effective_weight", "valid"))
        five_first = self.scale_rows[1][0]
        satisfied_cell = self.ref("scales", f"$C${five_first + [g.key for g in labels.GRADES].index(defaults.unmentioned_as)}")
        settings = [
            ("WeightMode", fx.option("mode", self.setting_cell("weight_mode"), f'"{defaults.weight_mode}"')),
            ("VisitShare", fx.number_or_default(self.setting_cell("visit_share"), defaults.visit_share)),
            ("UnmentionedValue", fx.unmentioned_value(self.setting_cell("unmentioned_as"), satisfied_cell)),
            ("ClampOn", fx.option("clamp", self.setting_cell("clamp"), "1" if defaults.clamp else "0") + "=1"),
            ("CompletionValue", fx.number_or_default(self.setting_cell("completion_value"), defaults.completion_value)),
            ("TargetValue", fx.number_or_default(self.setting_cell("target_value"), defaults.target_value)),
        ]
        settings += [(fx.bound_name(g.key), fx.number_or_default(self.setting_cell(f"grade:{g.key}"), defaults.grade_bounds[g.key]))
                     for g in labels.GRADES[:-1]]
        first_rows = [r for r, line in zip(self.scheme_rows, self.plan.lines) if line.first_of_category]
        total = "=SUM(" + ",".join(self.ref("scheme", f"$B${r}") for r in first_rows) + ")"
        settings.append(("CategoryWeightTotal", total))
        for i, (defined, text) in enumerate(settings):
            row = i + 2
            put(ws, row, 1, defined)
            formula(ws, row, 2, text)
            self.name(defined, "_method", f"$B${row}")

        n = len(self.plan.lines)
        last = n + 1
        for i, (line, scheme_row) in enumerate(zip(self.plan.lines, self.scheme_rows)):
            row = i + 2
            formula(ws, row, 4, "=" + self.ref("scheme", f"$C${scheme_row}"))
            formula(ws, row, 5, fx.category_of(self.ref("scheme", f"$A${scheme_row}"), None if i == 0 else f"E{row - 1}"))
            formula(ws, row, 6, "=" + self.ref("scheme", f"$D${scheme_row}"))
            formula(ws, row, 7, "=" + self.ref("scheme", f"$B${self.category_first_row(line)}"))
            formula(ws, row, 8, fx.category_item_sum(f"$E$2:$E${last}", f"E{row}", f"$F$2:$F${last}"))
            formula(ws, row, 9, fx.effective_weight(f"F{row}", f"$F$2:$F${last}", f"H{row}", f"G{row}"))
            formula(ws, row, 10, fx.valid_weights(f"F{row}", f"G{row}"))

    def category_first_row(self, line: SchemeLine) -> int:
        """Scheme-sheet row holding the weight of ``line``'s category (its first row)."""
        for other, row in zip(self.plan.lines, self.scheme_rows):
            if other.first_of_category and other.category == line.category:
                return row
        raise AssertionError(line)

    # --- input sheets --------------------------------------------------------------------------
    def customers_sheet(self) -> None:
        ws, lang, n = self.ws["customers"], self.lang, self.plan.customers
        header_row(ws, [c.text(lang) for c in labels.COLUMNS["customers"]])
        self.input_block(ws, 2, n + 1, 4)
        validation(ws, "decimal", f"D2:D{n + 1}", lang, formula1="0", operator="greaterThanOrEqual",
                   prompt=(say("prompt_weight_title", lang), say("prompt_customer_weight", lang)),
                   error=say("error_customer_weight", lang))
        for letter, width in zip("ABCD", (14, 30, 12, 12)):
            ws.column_dimensions[letter].width = width
        finish_input_sheet(ws, landscape=False)

    def input_block(self, ws: Worksheet, first: int, last: int, columns: int) -> None:
        for row in ws.iter_rows(min_row=first, max_row=last, min_col=1, max_col=columns):
            for cell in row:
                cell.protection = UNLOCKED
                cell.fill = INPUT_FILL

    def data_sheets(self) -> None:
        lang, plan = self.lang, self.plan
        id_list = self.ref("customers", f"$A$2:$A${plan.customers + 1}")
        id_prompt = (say("prompt_id_title", lang), say("prompt_id", lang))
        for key, fixed, rows in (("questionnaire", ("customer_id", "customer_name", "respondent"), plan.rows),
                                 ("visits", ("customer_id", "visit_date"), plan.visit_rows),
                                 ("complaints", tuple(c.key for c in labels.COLUMNS["complaints"]), plan.complaint_rows)):
            ws = self.ws[key]
            columns = {c.key: c for c in labels.COLUMNS[key]}
            names = [columns[k].text(lang) for k in fixed]
            scored = key != "complaints"
            if scored:
                names += plan.items
            optional = OPTIONAL_COLUMNS.get(key, ())
            names += [columns[k].text(lang) for k in optional]
            header_row(ws, names)
            last = rows + 1
            self.input_block(ws, 2, last, len(names))
            validation(ws, "list", f"A2:A{last}", lang, formula1=id_list, prompt=id_prompt, error=say("error_id", lang), style="warning")
            ws.column_dimensions["A"].width = 14
            self.layout[key] = (len(fixed) + 1, last)
            if scored:
                for j, line in enumerate(plan.lines):
                    column = len(fixed) + 1 + j
                    scale_no = line.scale_no if key == "questionnaire" else 1
                    first, end = self.scale_rows[scale_no]
                    target = f"{col(column)}2:{col(column)}{last}"
                    prompt_key = "prompt_answer" if key == "questionnaire" else "prompt_visit"
                    validation(ws, "list", target, lang, formula1=self.ref("scales", f"$B${first}:$B${end}"),
                               prompt=(say("prompt_answer_title", lang), say(prompt_key, lang, scale=plan.scale_name(scale_no))),
                               error=say("error_answer", lang), style="warning")
                if key == "questionnaire":
                    ws.column_dimensions["B"].width = 24
                self.optional_columns(ws, key, len(fixed) + len(plan.items) + 1, last)
            if key == "visits":
                validation(ws, "date", f"B2:B{last}", lang, formula1="1", operator="greaterThanOrEqual",
                           prompt=(labels.COLUMNS["visits"][1].text(lang), say("prompt_date", lang)), error=say("error_date", lang))
                for row in range(2, last + 1):
                    ws.cell(row=row, column=2).number_format = "yyyy-mm-dd"
            if key == "complaints":
                outcome = fixed.index("outcome") + 1
                validation(ws, "list", f"{col(outcome)}2:{col(outcome)}{last}", lang, formula1="OutcomeChoices",
                           prompt=(say("prompt_outcome_title", lang), say("prompt_outcome", lang)),
                           error=say("error_outcome", lang), style="warning")
                date = fixed.index("date") + 1
                for row in range(2, last + 1):
                    ws.cell(row=row, column=date).number_format = "yyyy-mm-dd"
                ws.column_dimensions[col(fixed.index("description") + 1)].width = 40
            finish_input_sheet(ws)

    def optional_columns(self, ws: Worksheet, key: str, first: int, last: int) -> None:
        """Input help of the optional columns after the items (ANALYSES.md §5): the
        formulas do not use them; ``csat-xl report`` reads them (NPS, drivers, comments)."""
        lang = self.lang
        five_first, five_last = self.scale_rows[1]
        for offset, name in enumerate(OPTIONAL_COLUMNS.get(key, ())):
            column = col(first + offset)
            target = f"{column}2:{column}{last}"
            label = next(c for c in labels.COLUMNS[key] if c.key == name).text(lang)
            if name == "recommend":
                validation(ws, "decimal", target, lang, formula1="0", formula2="10", operator="between",
                           prompt=(label, say("prompt_recommend", lang)), error=say("error_recommend", lang))
            elif name in ("repurchase", "overall"):
                validation(ws, "list", target, lang, formula1=self.ref("scales", f"$B${five_first}:$B${five_last}"),
                           prompt=(label, say("prompt_five_grade", lang)), error=say("error_answer", lang), style="warning")
            else:  # free text: comments, visit notes
                validation(ws, "custom", target, lang, formula1="TRUE", prompt=(label, say("prompt_free_text", lang)))
                ws.column_dimensions[column].width = 40
            if name != "comments" and name != "notes":
                ws.column_dimensions[column].width = max(12.0, ws.column_dimensions[column].width or 0)

    # --- helper rows: one per input row ------------------------------------------------------------
    def helper_rows(self) -> None:
        """Per-row helper sheets: customer index, readable values, and the chain
        columns that carry each customer's totals to its first row
        (:func:`formulas.next_same`, :func:`formulas.chain_tail`)."""
        plan = self.plan
        n = len(plan.items)
        for key, helper, defined in (("questionnaire", "_answers", "AnswerCustomer"), ("visits", "_visits", "VisitCustomer")):
            ws = self.ws[helper]
            first_item, last = self.layout[key]
            named = key == "questionnaire"
            headers = [*self.helper_headers("customer_key", "customer_no", "no_id"), *plan.items, *self.helper_headers("next", "rows")]
            for tail in ("count_tail", "sum_tail"):
                headers += [f"{HELPER_COLUMNS[tail].text(self.lang)}: {item}" for item in plan.items]
            if named:
                headers += self.helper_headers("first_named")
            header_row(ws, headers)
            end_col = col(first_item + len(plan.items) - 1)
            columns = {"next": 4 + n, "rows": 5 + n, "first_named": 6 + 3 * n}
            owns = [("rows", lambda row: "1")]
            for j in range(n):
                columns[f"count:{j}"], columns[f"sum:{j}"] = 6 + n + j, 6 + 2 * n + j
                owns.append((f"count:{j}", lambda row, j=j: f"COUNT({col(4 + j)}{row})"))
                owns.append((f"sum:{j}", lambda row, j=j: f"SUM({col(4 + j)}{row})"))
            for row in range(2, last + 1):
                formula(ws, row, 1, fx.row_customer_key(self.ref(key, f"A{row}")))
                formula(ws, row, 2, fx.customer_number(f"A{row}"))
                formula(ws, row, 3, fx.data_without_id(f"A{row}", self.ref(key, f"{col(first_item)}{row}:{end_col}{row}")))
                for j, line in enumerate(plan.lines):
                    scale_no = line.scale_no if key == "questionnaire" else 1
                    formula(ws, row, 4 + j, fx.answer_value(self.ref(key, f"{col(first_item + j)}{row}"), scale_no))
                self.chain_row(ws, row, last, columns, owns)
                if named:
                    nxt, below = self.below(row, last, columns["next"], columns["first_named"])
                    formula(ws, row, columns["first_named"], fx.first_named(self.ref(key, f"B{row}"), row - 1, nxt, below))
            self.chains[helper] = columns
            self.name(defined, helper, f"$B$2:$B${last}")
            # Input cells the method cannot read turn red.
            target = f"{col(first_item)}2:{end_col}{last}"
            self.ws[key].conditional_formatting.add(
                target, FormulaRule(formula=[f'{fx.sheet_ref(self.sheet[helper], "D2")}="{fx.INVALID}"'], fill=INVALID_FILL))

        ws = self.ws["_complaints"]
        _, last = self.layout["complaints"]
        keys = [c.key for c in labels.COLUMNS["complaints"]]
        outcome = col(keys.index("outcome") + 1)
        header_row(ws, self.helper_headers("customer_key", "customer_no", "no_id", "adjustment", "blank_outcome",
                                           "next", "rows", "adjustment_tail", "blank_tail"))
        columns = {"next": 6, "rows": 7, "adjustment": 8, "blank": 9}
        owns = [("rows", lambda row: "1"), ("adjustment", lambda row: f"SUM(D{row})"), ("blank", lambda row: f"E{row}")]
        for row in range(2, last + 1):
            formula(ws, row, 1, fx.row_customer_key(self.ref("complaints", f"A{row}")))
            formula(ws, row, 2, fx.customer_number(f"A{row}"))
            formula(ws, row, 3, fx.data_without_id(f"A{row}", self.ref("complaints", f"B{row}:{col(len(keys))}{row}")))
            formula(ws, row, 4, fx.complaint_adjustment(f"A{row}", self.ref("complaints", f"{outcome}{row}")))
            formula(ws, row, 5, fx.blank_outcome(f"A{row}", self.ref("complaints", f"{outcome}{row}")))
            self.chain_row(ws, row, last, columns, owns)
        self.chains["_complaints"] = columns
        self.name("ComplaintCustomer", "_complaints", f"$B$2:$B${last}")
        self.name("ComplaintAdjustment", "_complaints", f"$D$2:$D${last}")
        self.ws["complaints"].conditional_formatting.add(
            f"{outcome}2:{outcome}{last}",
            FormulaRule(formula=[f'{fx.sheet_ref(self.sheet["_complaints"], "D2")}="{fx.INVALID}"'], fill=INVALID_FILL))

    @staticmethod
    def below(row: int, last: int, next_column: int, column: int) -> tuple[str | None, str | None]:
        """The next-row offset cell of ``row`` and ``column``'s cells from the next row
        to ``last`` (``None, None`` on the last row: nothing below)."""
        if row == last:
            return None, None
        return f"${col(next_column)}{row}", f"{col(column)}{row + 1}:{col(column)}${last}"

    def chain_row(self, ws: Worksheet, row: int, last: int, columns: dict[str, int], owns) -> None:
        """The next-row link and the tail columns (``owns``: column key → own value) of one row."""
        next_column = columns["next"]
        _, numbers_below = self.below(row, last, next_column, 2)
        formula(ws, row, next_column, "=0" if numbers_below is None else fx.next_same(f"$B{row}", numbers_below))
        for name, own in owns:
            nxt, tails_below = self.below(row, last, next_column, columns[name])
            formula(ws, row, columns[name], fx.chain_tail(own(row), nxt, tails_below))

    def chain_range(self, helper: str, name: str) -> str:
        """A chain column of a per-row helper sheet, all data rows (for INDEX by first row)."""
        column = col(self.chains[helper][name])
        last = self.layout[{"_answers": "questionnaire", "_visits": "visits", "_complaints": "complaints"}[helper]][1]
        return self.ref(helper, f"${column}$2:${column}${last}")

    # --- per customer ----------------------------------------------------------------------------------
    #: fixed columns of the per-customer sheet, then four item blocks
    PC_COLUMNS = ("customer_no", "raw_key", "customer_key", "first_answer", "first_visit", "first_complaint",
                  "respondents", "visits", "complaints", "adjustment", "blank_outcomes", "answered_weight",
                  "usable_weight", "final_or_zero", "satisfied")

    def pc_col(self, name: str) -> str:
        return col(self.PC_COLUMNS.index(name) + 1)

    def block(self, index: int) -> tuple[int, int]:
        """First and last column number of item block ``index`` (0 QCount, 1 QMean, 2 VCount, 3 VValue)."""
        n = len(self.plan.lines)
        first = len(self.PC_COLUMNS) + 1 + index * n
        return first, first + n - 1

    def per_customer_sheet(self) -> None:
        ws, plan = self.ws["_customers"], self.plan
        n_items = len(plan.lines)
        names = self.helper_headers(*self.PC_COLUMNS)
        for title in self.helper_headers("q_count", "q_mean", "v_count", "v_value"):
            names += [f"{title}: {item}" for item in plan.items]
        header_row(ws, names)
        q_mean, _ = self.block(1)
        for j in range(n_items):
            formula(ws, 2, q_mean + j, "=" + self.ref("_method", f"$I${j + 2}"))
        self.name("ItemWeights", "_customers", f"${col(q_mean)}$2:${col(q_mean + n_items - 1)}$2")
        first, last = 3, plan.customers + 2
        self.pc_rows = (first, last)
        c = self.pc_col
        self.name("RawCustomerKeys", "_customers", f"${c('raw_key')}${first}:${c('raw_key')}${last}")
        self.name("CustomerKeys", "_customers", f"${c('customer_key')}${first}:${c('customer_key')}${last}")
        results_row = self.results_first_row
        sources = (("first_answer", "_answers", "AnswerCustomer"), ("first_visit", "_visits", "VisitCustomer"),
                   ("first_complaint", "_complaints", "ComplaintCustomer"))
        totals = (("respondents", "first_answer", "_answers", "rows"), ("visits", "first_visit", "_visits", "rows"),
                  ("complaints", "first_complaint", "_complaints", "rows"),
                  ("adjustment", "first_complaint", "_complaints", "adjustment"),
                  ("blank_outcomes", "first_complaint", "_complaints", "blank"))
        for i in range(plan.customers):
            row = first + i
            cell = lambda name: f"${c(name)}{row}"  # noqa: E731
            put(ws, row, 1, i + 1)
            formula(ws, row, 2, "=" + fx.customer_key(self.ref("customers", f"$A${i + 2}")))
            formula(ws, row, 3, fx.unique_key(cell("raw_key"), cell("customer_no")))
            for name, _, numbers in sources:
                formula(ws, row, self.PC_COLUMNS.index(name) + 1, fx.first_row(cell("customer_key"), cell("customer_no"), numbers))
            for name, first_name, helper, chain in totals:
                formula(ws, row, self.PC_COLUMNS.index(name) + 1, fx.from_first(cell(first_name), self.chain_range(helper, chain)))
            qc_first, qc_last = self.block(0)
            formula(ws, row, self.PC_COLUMNS.index("answered_weight") + 1,
                    fx.answered_weight(f"{col(qc_first)}{row}:{col(qc_last)}{row}"))
            final_cell = self.ref("results", f"$G${results_row + i}")
            formula(ws, row, self.PC_COLUMNS.index("usable_weight") + 1, fx.usable_weight(final_cell, self.ref("customers", f"$D${i + 2}")))
            formula(ws, row, self.PC_COLUMNS.index("final_or_zero") + 1, fx.number_or_zero(final_cell))
            formula(ws, row, self.PC_COLUMNS.index("satisfied") + 1, fx.satisfied(final_cell))
            for j in range(n_items):
                for block, helper, first_name, otherwise in ((0, "_answers", "first_answer", "0"),
                                                             (2, "_visits", "first_visit", "UnmentionedValue")):
                    count_column = self.block(block)[0] + j
                    formula(ws, row, count_column, fx.from_first(cell(first_name), self.chain_range(helper, f"count:{j}")))
                    formula(ws, row, self.block(block + 1)[0] + j,
                            fx.item_mean(cell(first_name), f"{col(count_column)}{row}", self.chain_range(helper, f"sum:{j}"), otherwise))

    # --- Results ------------------------------------------------------------------------------------------
    #: Results layout: KPI and check blocks on top, then the customer table.
    KPI_FIRST_ROW = 4
    TABLE_HEADER_ROW = 15

    @property
    def results_first_row(self) -> int:
        return self.TABLE_HEADER_ROW + 1

    def results_sheet(self) -> None:
        ws, lang, plan = self.ws["results"], self.lang, self.plan
        put(ws, 1, 1, say("results_title", lang), font=TITLE)
        put(ws, 3, 1, say("kpi_heading", lang), font=BOLD)
        put(ws, 3, 5, say("checks_heading", lang), font=BOLD)
        columns = [labels.RESULT_COLUMN[k].text(lang) for k in
                   ("customer_id", "customer_name", "questionnaire", "visit", "preliminary", "adjustment", "final", "grade", "flags")]
        header = self.TABLE_HEADER_ROW
        put(ws, header - 1, 1, say("customers_heading", lang), font=BOLD)
        for i, name in enumerate(columns, start=1):
            put(ws, header, i, name, font=BOLD, fill=HEADER_FILL, border=True)
        first, last = header + 1, header + plan.customers
        pc_first = self.pc_rows[0]
        pc = lambda name, i: self.ref("_customers", f"${self.pc_col(name)}${pc_first + i}")  # noqa: E731
        grades = [(g.key, g.text(lang)) for g in labels.GRADES]
        flag = {k: f.text(lang) for k, f in labels.FLAG.items()}
        qm_first, qm_last = self.block(1)
        vv_first, vv_last = self.block(3)
        for i in range(plan.customers):
            r = first + i
            pc_row = pc_first + i
            formula(ws, r, 1, fx.shown_if(pc("customer_key", i), self.ref("customers", f"$A${i + 2}")), border=True)
            q_last = self.layout["questionnaire"][1]
            formula(ws, r, 2, fx.shown_if(f"A{r}", fx.customer_name(self.ref("customers", f"$B${i + 2}"), pc("first_answer", i),
                                               self.ref("questionnaire", f"$B$2:$B${q_last}"),
                                               self.chain_range("_answers", "first_named"))[1:]), border=True)
            formula(ws, r, 3, fx.questionnaire_score(self.ref("_customers", f"${col(qm_first)}${pc_row}:${col(qm_last)}${pc_row}"), pc("answered_weight", i)),
                    fmt=SCORE_FORMAT, border=True)
            formula(ws, r, 4, fx.visit_score(pc("visits", i), self.ref("_customers", f"${col(vv_first)}${pc_row}:${col(vv_last)}${pc_row}")),
                    fmt=SCORE_FORMAT, border=True)
            formula(ws, r, 5, fx.preliminary(f"C{r}", f"D{r}"), fmt=SCORE_FORMAT, border=True)
            formula(ws, r, 6, fx.shown_if(f"A{r}", pc("adjustment", i)), fmt="0.##;-0.##;0", border=True)
            formula(ws, r, 7, fx.final(f"E{r}", f"F{r}"), fmt=SCORE_FORMAT, border=True)
            formula(ws, r, 8, fx.grade(f"G{r}", grades), border=True)
            parts = [
                (f'AND(C{r}<>"",D{r}="")', flag["not_visited"]),
                (f'AND(D{r}<>"",C{r}="")', flag["no_questionnaire"]),
                (f'G{r}=""', flag["not_scored"]),
                (f'{pc("respondents", i)}+{pc("visits", i)}+{pc("complaints", i)}=0', flag["not_surveyed"]),
                (f'IF(E{r}="",FALSE,AND(ClampOn,OR(E{r}+F{r}<0,E{r}+F{r}>100)))', flag["clamped"]),
                (f'{pc("blank_outcomes", i)}>0', flag["blank_outcome"]),
            ]
            formula(ws, r, 9, fx.flags(parts, f"A{r}"), border=True)
        self.kpi_block(ws, first, last)
        self.check_block(ws)
        self.weights_block(ws)
        for letter, width in zip("ABCDEFGHIJKL", (14, 26, 13, 11, 11, 11, 11, 12, 34, 3, 22, 12)):
            ws.column_dimensions[letter].width = width
        ws.freeze_panes = ws.cell(row=first, column=2)
        ws.print_title_rows = f"{header}:{header}"
        ws.print_area = f"A1:L{last}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        protect(ws)

    def kpi_block(self, ws: Worksheet, first: int, last: int) -> None:
        lang = self.lang
        finals = f"$G${first}:$G${last}"
        pc_first, pc_last = self.pc_rows
        pc = lambda name: self.ref("_customers", f"${self.pc_col(name)}${pc_first}:${self.pc_col(name)}${pc_last}")  # noqa: E731
        row = {k.key: self.KPI_FIRST_ROW + i for i, k in enumerate(KPIS)}
        cell = lambda key: f"$C${row[key]}"  # noqa: E731
        yes, no = say("attained", lang), say("not_attained", lang)
        values = {
            "customers": f'=SUMPRODUCT(--({pc("customer_key")}<>""))',
            "scored": f"=COUNT({finals})",
            "csi": f'=IF({cell("scored")}>0,AVERAGE({finals}),"")',
            "csi_weighted": f'=IF(SUM({pc("usable_weight")})>0,SUMPRODUCT({pc("usable_weight")},{pc("final_or_zero")})/SUM({pc("usable_weight")}),"")',
            "satisfaction_rate": f'=IF({cell("scored")}>0,SUM({pc("satisfied")})/{cell("scored")},"")',
            "csi_completion": fx.attainment(cell("csi"), "CompletionValue", yes, no),
            "csi_target": fx.attainment(cell("csi"), "TargetValue", yes, no),
            "rate_completion": fx.attainment(cell("satisfaction_rate"), "CompletionValue", yes, no, "*100"),
            "rate_target": fx.attainment(cell("satisfaction_rate"), "TargetValue", yes, no, "*100"),
        }
        formats = {"csi": SCORE_FORMAT, "csi_weighted": SCORE_FORMAT, "satisfaction_rate": "0.0%"}
        for kpi in KPIS:
            r = row[kpi.key]
            put(ws, r, 1, kpi.text(lang), border=True)
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
            formula(ws, r, 3, values[kpi.key], fmt=formats.get(kpi.key), border=True, font=BOLD)

    def check_block(self, ws: Worksheet) -> None:
        lang = self.lang
        q_last, v_last, c_last = (self.layout[k][1] for k in ("questionnaire", "visits", "complaints"))
        n = len(self.plan.lines)
        items = lambda helper, last: self.ref(helper, f"$D$2:${col(3 + n)}${last}")  # noqa: E731
        column = lambda helper, letter, last: self.ref(helper, f"${letter}$2:${letter}${last}")  # noqa: E731
        sheets = (("_answers", q_last), ("_visits", v_last), ("_complaints", c_last))
        unlisted = "+".join(
            f'SUMPRODUCT(({column(h, "A", last)}<>"")*({column(h, "B", last)}=0))' for h, last in sheets)
        pc_first, pc_last = self.pc_rows
        raw = self.ref("_customers", f"${self.pc_col('raw_key')}${pc_first}:${self.pc_col('raw_key')}${pc_last}")
        key = self.ref("_customers", f"${self.pc_col('customer_key')}${pc_first}:${self.pc_col('customer_key')}${pc_last}")
        bounds = [fx.bound_name(g.key) for g in labels.GRADES[:-1]]
        customers_last = self.plan.customers + 1
        others = "+".join(f'({self.ref("customers", f"${letter}$2:${letter}${customers_last}")}<>"")' for letter in "BCD")
        listed_without_id = f'SUMPRODUCT(({raw}="")*(({others})>0))'
        values = {
            "bad_answers": f'=COUNTIF({items("_answers", q_last)},"{fx.INVALID}")+COUNTIF({items("_visits", v_last)},"{fx.INVALID}")',
            "bad_outcomes": f'=COUNTIF(ComplaintAdjustment,"{fx.INVALID}")',
            "missing_ids": "=" + "+".join(f'SUM({column(h, "C", last)})' for h, last in sheets) + "+" + listed_without_id,
            "unlisted_ids": "=" + unlisted,
            "duplicate_customers": f'=SUMPRODUCT(({raw}<>"")*({key}=""))',
            "bad_weights": f'=COUNTIF({self.ref("_method", "$J$2:$J$" + str(n + 1))},FALSE)',
            "bad_bounds": "=IF(AND(" + ",".join(f"{a}>{b}" for a, b in zip(bounds, bounds[1:])) + "),0,1)",
        }
        for i, check in enumerate(CHECKS):
            r = self.KPI_FIRST_ROW + i
            put(ws, r, 5, check.text(lang), border=True)
            ws.merge_cells(start_row=r, start_column=5, end_row=r, end_column=8)
            formula(ws, r, 9, values[check.key], border=True, font=BOLD)
        target = f"I{self.KPI_FIRST_ROW}:I{self.KPI_FIRST_ROW + len(CHECKS) - 1}"
        ws.conditional_formatting.add(target, CellIsRule(operator="greaterThan", formula=["0"], fill=INVALID_FILL))
        ws.conditional_formatting.add(target, CellIsRule(operator="equal", formula=["0"], fill=OK_FILL))

    #: Results columns of the effective-weights block (item, weight).
    WEIGHTS_COLUMN = 11

    def weights_block(self, ws: Worksheet) -> None:
        """Effective weights as the formulas use them: visible where the scores are."""
        lang, column = self.lang, self.WEIGHTS_COLUMN
        put(ws, 3, column, say("weights_heading", lang), font=BOLD)
        for i, line in enumerate(self.plan.lines):
            row = self.KPI_FIRST_ROW + i
            formula(ws, row, column, "=" + self.ref("_method", f"$D${i + 2}"), border=True)
            formula(ws, row, column + 1, "=" + self.ref("_method", f"$I${i + 2}"), fmt="0.000", border=True)

    # --- Instructions -----------------------------------------------------------------------------------
    def instructions_sheet(self) -> None:
        ws, lang, plan = self.ws["instructions"], self.lang, self.plan
        width = 64  # fits a portrait A4 page at 100 % (LibreOffice renders wider than Excel)
        ws.column_dimensions["A"].width = width
        row = 1
        for i, (heading, lines) in enumerate(INSTRUCTIONS[lang]):
            put(ws, row, 1, heading, font=TITLE if i == 0 else Font(bold=True, size=12))
            row += 1
            for line in lines:
                text = line.format(customers=plan.customers, rows=plan.rows, visit_rows=plan.visit_rows, complaint_rows=plan.complaint_rows)
                put(ws, row, 1, text).alignment = Alignment(wrap_text=True, vertical="top")
                # Spreadsheets do not grow rows for wrapped text on opening: size them here.
                ws.row_dimensions[row].height = 16 * -(-text_width(text) // (width - 6))
                row += 1
            row += 1
        ws.page_setup.orientation = "portrait"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        protect(ws)


# --- public API ----------------------------------------------------------------------------------------
def make_plan(lang: str = "zh", scheme_source: str | os.PathLike | None = None, customers: int = DEFAULT_CUSTOMERS,
              rows: int = DEFAULT_ROWS, visit_rows: int | None = None, complaint_rows: int | None = None) -> Plan:
    lang = "zh" if lang == "zh" else "en"
    if scheme_source is None:
        lines, five, custom, settings = reference_plan(lang), {g.key: float(g.value) for g in labels.GRADES}, [], Settings()
    else:
        lines, five, custom, settings = plan_from_workbook(scheme_source)
    return Plan(lang, lines, five, custom, settings, customers, rows, visit_rows or 0, complaint_rows or 0)


def build_template(lang: str = "zh", scheme_source: str | os.PathLike | None = None, customers: int = DEFAULT_CUSTOMERS,
                   rows: int = DEFAULT_ROWS, *, visit_rows: int | None = None, complaint_rows: int | None = None) -> Workbook:
    """The survey template as an openpyxl :class:`~openpyxl.workbook.Workbook`.

    :param lang: ``"zh"`` or ``"en"``: sheet names, headers, labels and texts.
    :param scheme_source: an existing survey workbook whose Scheme, Scales
        and Settings sheets the template takes over (its data sheets are not
        read); ``None`` for the METHOD.md reference scheme, default scales
        and settings.  Errors in those sheets raise
        :class:`~csat_xl.findings.InvalidInputError` listing every one.
    :param customers: rows of the Customers sheet (one Results row each).
    :param rows: questionnaire rows; visits get ``rows // 2`` and complaints
        ``rows // 4`` (at least 50 each) unless ``visit_rows`` /
        ``complaint_rows`` say otherwise.
    :returns: the workbook, not yet saved (see :func:`write_template`).

    The Results sheet reproduces :func:`csat_xl.score` with plain formulas
    for every customer on the Customers sheet (docs/template.md).
    """
    return Builder(make_plan(lang, scheme_source, customers, rows, visit_rows, complaint_rows)).build()


def write_template(out: str | os.PathLike, lang: str = "zh", scheme_source: str | os.PathLike | None = None,
                   customers: int = DEFAULT_CUSTOMERS, rows: int = DEFAULT_ROWS, *, visit_rows: int | None = None,
                   complaint_rows: int | None = None) -> Path:
    """Build the template (:func:`build_template`) and save it atomically at ``out``.

    The file appears complete or not at all (:func:`csat_xl.io.atomic.atomic_output`);
    ``out`` may not be ``scheme_source`` itself.  Returns ``out`` as a Path.
    """
    book = build_template(lang, scheme_source, customers, rows, visit_rows=visit_rows, complaint_rows=complaint_rows)
    inputs = [scheme_source] if scheme_source is not None else []
    with atomic_output(out, inputs=inputs, lang=lang) as temp:
        book.save(temp)
    return Path(out)
