"""Build (or check) the report templates ``report_zh.xlsx`` and ``report_en.xlsx``.

The templates are ordinary Excel workbooks with Jinja2 placeholders (syntax:
``csat_xl/report/render_xlsx.py`` and ``docs/report.md``).  This script is
the reproducible source of the shipped ones: one layout, written here as
data, in both languages, with captions and column headers taken from the
report model itself (so a header always matches what the model calls the
column).  Users restyle the generated files in Excel and pass them with
``csat-xl report --template``.

    python templates/build_report_templates.py          # write templates/ and csat_xl/report/templates/
    python templates/build_report_templates.py --check  # exit 1 when a committed template differs

Output goes to ``templates/report_<lang>.xlsx`` and the package copy
``csat_xl/report/templates/report_<lang>.xlsx`` (package data, so an
installed csat-xl finds it).  ``--check`` compares content (cells, styles,
merged cells, conditional formatting, widths, print setup), not bytes:
.xlsx files carry zip timestamps.
"""

from __future__ import annotations

import argparse
import io
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402
from openpyxl.formatting.rule import CellIsRule, DataBarRule, FormulaRule  # noqa: E402
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # noqa: E402
from openpyxl.utils import get_column_letter  # noqa: E402
from openpyxl.worksheet.pagebreak import Break  # noqa: E402

from csat_xl import labels  # noqa: E402
from csat_xl.report import text_width as tw  # noqa: E402
from csat_xl.aggregation import COMPLAINT_DIMENSIONS  # noqa: E402
from csat_xl.report.captions import caption  # noqa: E402
from csat_xl.report.model import build_report  # noqa: E402
from csat_xl.report.render_xlsx import GRADE_COLORS  # noqa: E402
from csat_xl.report.loyalty_tables import DRIVER_KEYS, OVERVIEW_KEYS as LOYALTY_OVERVIEW_KEYS  # noqa: E402
from csat_xl.report.trend_tables import OVERVIEW_KEYS as CHURN_OVERVIEW_KEYS  # noqa: E402
from csat_xl.report.stats_tables import SAMPLE_KEYS, SETTINGS_KEYS  # noqa: E402

OUT_DIRS = (ROOT / "templates", ROOT / "csat_xl" / "report" / "templates")
SAMPLE = ROOT / "csat_xl" / "data" / "pvc_2026Q2_zh.xlsx"
FONTS = {"zh": "Microsoft YaHei", "en": "Calibri"}
NAVY, LIGHT, GREY = "1F3864", "D9E1F2", "808080"
COMMENT_GRADES = [g.key for g in labels.GRADES]
#: Text columns grow to fit the sample's values up to this width; longer text is the reader's to widen.
MAX_FIT_WIDTH = 42
#: Labels (field captions) always print whole up to this width.
MAX_LABEL_WIDTH = 56


@dataclass
class Look:
    """Named cell styles of one language (fonts differ by language)."""

    lang: str

    def font(self, **kw) -> Font:
        return Font(name=FONTS[self.lang], **kw)

    def apply(self, cell, kind: str) -> None:
        thin = Side(style="thin", color="BFBFBF")
        box = Border(left=thin, right=thin, top=thin, bottom=thin)
        if kind == "title":
            cell.font = self.font(size=16, bold=True, color=NAVY)
        elif kind == "subtitle":
            cell.font = self.font(size=9, color=GREY)
        elif kind == "heading":
            cell.font = self.font(size=12, bold=True, color=NAVY)
        elif kind == "header":
            cell.font = self.font(size=10, bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", start_color=NAVY, end_color=NAVY)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = box
        elif kind in ("text", "number", "wrap"):
            cell.font = self.font(size=10)
            cell.border = box
            cell.alignment = Alignment(vertical="top", wrap_text=kind == "wrap", horizontal="right" if kind == "number" else None)
        elif kind == "label":
            cell.font = self.font(size=10, bold=True)
            cell.fill = PatternFill("solid", start_color=LIGHT, end_color=LIGHT)
            cell.border = box
        elif kind == "kpi":
            cell.font = self.font(size=11, bold=True)
            cell.border = box
            cell.alignment = Alignment(horizontal="right")
        elif kind == "chart":
            pass  # a chart anchor: no border or fill showing around the chart's corner
        elif kind == "note":
            cell.font = self.font(size=10, italic=True, color=GREY)


def known_texts(column: str, lang: str) -> list[str]:
    """Every text a column can show whatever the workbook (its width must hold them all)."""
    vocabulary = {
        "grade": [g.text(lang) for g in labels.GRADES],
        "status": [s.text(lang) for s in labels.CUSTOMER_STATUSES],
        "differs": [caption("significant.yes", lang), caption("significant.no", lang)],
        "significant": [caption("significant.yes", lang), caption("significant.no", lang)],
    }
    return vocabulary.get(column, [])


class SheetWriter:
    """Writes one template sheet row by row; remembers row blocks for print titles."""

    def __init__(self, book, key: str, look: Look, model, widths: list[float], landscape: bool = False):
        self.lang = look.lang
        self.sheet = book.create_sheet(caption(f"sheet.{key}", self.lang))
        self.look, self.model = look, model
        self.sheet.sheet_view.showGridLines = False
        for i, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[get_column_letter(i)].width = width
        setup = self.sheet.page_setup
        # Every sheet prints A4 landscape: the wide tables read at a normal scale.
        setup.orientation = "landscape"
        setup.paperSize = self.sheet.PAPERSIZE_A4
        setup.fitToWidth, setup.fitToHeight = 1, 0
        self.sheet.sheet_properties.pageSetUpPr.fitToPage = True
        self.sheet.print_options.horizontalCentered = True
        self.sheet.page_margins.left = self.sheet.page_margins.right = 0.5
        footer = "第 &P 页，共 &N 页" if self.lang == "zh" else "Page &P of &N"
        self.sheet.oddFooter.center.text = footer
        self.sheet.oddFooter.right.text = "&A"
        self.width = len(widths)

    def put(self, row: int, col: int, value, kind: str = "text"):
        cell = self.sheet.cell(row=row, column=col, value=value)
        self.look.apply(cell, kind)
        return cell

    def title(self, text: str, subtitle: str | None = None) -> None:
        self.put(1, 1, text, "title")
        self.sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=self.width)
        self.sheet.row_dimensions[1].height = 26
        if subtitle:
            self.put(2, 1, subtitle, "subtitle")
            self.sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=self.width)

    def table(self, row: int, key: str, columns: list[str], var: str = "r", heading: str | None = None,
              headers: dict[str, str] | None = None, wrap: tuple[str, ...] = ()) -> int:
        """Heading (optional), header row and the row block of model table ``key``; returns the loop row."""
        table = self.model.tables[key]
        if heading is not None:
            self.put(row, 1, heading, "heading")
            row += 1
        for col, name in enumerate(columns, start=1):
            label = (headers or {}).get(name) or table.column(name).label
            self.put(row, col, label, "header")
        self.fit_columns(row, table, columns, wrap)
        loop = row + 1
        for col, name in enumerate(columns, start=1):
            kind = "wrap" if name in wrap else ("number" if table.column(name).number_format else "text")
            prefix = f"{{% for {var} in {key} %}}" if col == 1 else ""
            self.put(loop, col, f"{prefix}{{{{ {var}.{name} }}}}", kind)
        return loop

    def fit_columns(self, header_row: int, table, columns: list[str], wrap: tuple[str, ...]) -> None:
        """Widen columns so no header word breaks and the sample's text fits
        (estimated from font metrics, :mod:`csat_xl.report.text_width`);
        the header row gets the lines its longest header needs."""
        lines = 2
        for col, name in enumerate(columns, start=1):
            letter = get_column_letter(col)
            label = self.sheet.cell(row=header_row, column=col).value or ""
            need = tw.width_for_px(tw.longest_token_px(str(label), 10, bold=True))
            if name not in wrap and not table.column(name).number_format:
                texts = [str(v) for v in table.values(name) if isinstance(v, str)] + known_texts(name, self.lang)
                need = max([need, *(min(MAX_FIT_WIDTH, tw.width_for_px(tw.text_px(t))) for t in texts)])
            dimension = self.sheet.column_dimensions[letter]
            if (dimension.width or 0) < need:
                dimension.width = need
            room = tw.column_px(dimension.width) - tw.CELL_MARGIN_PX
            lines = max(lines, tw.wrapped_lines(str(label), room, 10, bold=True))
        self.sheet.row_dimensions[header_row].height = max(self.sheet.row_dimensions[header_row].height or 0, 14 * lines + 4)

    def fields(self, row: int, namespace: str, keys: list[str], align: str = "right") -> int:
        for offset, key in enumerate(keys):
            field = self.model.fields[namespace][key]
            self.put(row + offset, 1, field.label, "label")
            value = self.put(row + offset, 2, f"{{{{ {namespace}.{key} }}}}", "kpi")
            value.alignment = Alignment(horizontal=align)
            self.fit(1, field.label, bold=True)
        return row + len(keys)

    def fit(self, col: int, text: str, size: float = 10, bold: bool = False) -> None:
        """Widen column ``col`` to hold ``text`` on one line (up to :data:`MAX_FIT_WIDTH`)."""
        dimension = self.sheet.column_dimensions[get_column_letter(col)]
        need = min(MAX_LABEL_WIDTH, tw.width_for_px(tw.text_px(str(text), size, bold)))
        if (dimension.width or 0) < need:
            dimension.width = need

    def page_break_before(self, row: int) -> None:
        """Start a new printed page at ``row`` (the break moves with the rendered rows)."""
        self.sheet.row_breaks.append(Break(id=row - 1))

    def grade_colours(self, ref: str, grade_cell: str) -> None:
        """Fill ``ref`` by the grade written in ``grade_cell`` (relative row), in this language."""
        for grade in labels.GRADES:
            colour = GRADE_COLORS[grade.zh]
            rule = FormulaRule(formula=[f'{grade_cell}="{grade.text(self.lang)}"'],
                               fill=PatternFill("solid", start_color=colour, end_color=colour))
            self.sheet.conditional_formatting.add(ref, rule)


def findings_table(s: SheetWriter, no_findings: str, lang: str) -> None:
    """The findings table of a Data quality sheet (row 3 says when there are none):
    frozen header, filter, header repeated on every printed page, errors red and
    warnings yellow.  Shared by the report and the consolidated report."""
    s.put(3, 1, f"{{{{ '' if findings else '{no_findings}' }}}}", "note")
    loop = s.table(4, "findings", ["severity", "file", "sheet", "cell", "value", "message"], "f", wrap=("message", "value"))
    s.sheet.freeze_panes = f"A{loop}"
    s.sheet.auto_filter.ref = f"A{loop - 1}:F{loop}"
    s.sheet.print_title_rows = f"{loop - 1}:{loop - 1}"
    for severity, colour in (("error", "F8696B"), ("warning", "FFEB84")):
        text = labels.SEVERITY[severity].text(lang)
        s.sheet.conditional_formatting.add(f"A{loop}", FormulaRule(formula=[f'$A{loop}="{text}"'],
                                                                   fill=PatternFill("solid", start_color=colour, end_color=colour)))


def statistics_sheet(book, look: Look, model, generated: str) -> None:
    """The Statistics 统计 sheet: how the numbers were computed, intervals, sample
    size, reliability, importance–performance (with its scatter chart),
    expectations and band-flip risk."""
    lang = look.lang
    c = lambda key: caption(key, lang)  # noqa: E731
    red, green = Font(bold=True, color="9C0006"), Font(bold=True, color="006100")
    s = SheetWriter(book, "statistics", look, model, [26, 22, 12, 12, 18, 22, 22, 14], landscape=True)
    s.title(f"{c('title.statistics')} {{{{ kpi.period }}}}", generated)
    s.put(3, 1, c("block.stats_settings"), "heading")
    end = s.fields(4, "stats", SETTINGS_KEYS, align="left")
    for row in range(4, end):
        s.sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=5)
    loop = s.table(end + 1, "stats_uncertainty", ["measure", "estimate", "low", "high", "half_width", "n"], "u",
                   heading=c("block.stats_uncertainty"))
    s.put(loop + 2, 1, c("block.stats_sample"), "heading")
    end = s.fields(loop + 3, "stats", SAMPLE_KEYS, align="left")
    for row in range(loop + 3, end):
        s.sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=5)
    for text, font in ((c("stats.no"), red), (c("stats.yes"), green)):
        s.sheet.conditional_formatting.add(f"B{end - 1}", CellIsRule(operator="equal", formula=[f'"{text}"'], font=font))
    # Reliability (both tables) on its own page: the first page is how sure the scores are.
    s.page_break_before(end + 1)
    loop = s.table(end + 1, "stats_reliability", ["category", "items_count", "respondents_used", "alpha", "assessment"], "a",
                   heading=c("block.stats_reliability"))
    low = c("reliability.low").split("（")[0].split(" (")[0]
    s.sheet.conditional_formatting.add(f"E{loop}", FormulaRule(formula=[f'LEFT($E{loop},{len(low)})="{low}"'], font=red))
    loop = s.table(loop + 2, "stats_alpha_items", ["category", "item", "alpha_if_deleted", "alpha_change", "item_total"], "d",
                   heading=c("block.stats_alpha_items"))
    s.sheet.conditional_formatting.add(f"D{loop}", CellIsRule(operator="greaterThan", formula=["0"], font=red))
    s.page_break_before(loop + 2)
    loop = s.table(loop + 2, "stats_ipa", ["item", "category", "stated_importance", "derived_importance", "correlation",
                                           "performance", "quadrant", "quadrant_derived"], "p", heading=c("block.stats_ipa"))
    for col in "GH":
        s.sheet.conditional_formatting.add(f"{col}{loop}", CellIsRule(operator="equal", formula=[f'"{c("quadrant.concentrate")}"'], font=red))
    s.put(loop + 2, 1, "{% chart stats_ipa width=18 height=10 %}", "chart")
    s.page_break_before(loop + 24)
    loop = s.table(loop + 24, "stats_expectations", ["scope", "name", "pairs", "perceived", "expected", "cs", "cs_class"], "e",
                   heading=c("block.stats_expectations"))
    s.put(loop + 1, 1, f"{{{{ '' if stats_expectations else '{c('section.stats_no_expectations')}' }}}}", "note")
    for text, font in ((c("cs.disappointed"), red), (c("cs.satisfied"), green)):
        s.sheet.conditional_formatting.add(f"G{loop}", CellIsRule(operator="equal", formula=[f'"{text}"'], font=font))
    loop = s.table(loop + 3, "stats_expectation_customers", ["customer_id", "customer_name", "pairs", "perceived", "expected",
                                                             "cs", "cs_class"], "x", heading=c("block.stats_expectation_customers"))
    for text, font in ((c("cs.disappointed"), red), (c("cs.satisfied"), green)):
        s.sheet.conditional_formatting.add(f"G{loop}", CellIsRule(operator="equal", formula=[f'"{text}"'], font=font))
    loop = s.table(loop + 2, "stats_band_flip", ["customer_id", "customer_name", "respondents_used", "final", "grade",
                                                 "final_low", "final_high", "flip_probability"], "b", heading=c("block.stats_band_flip"))
    s.grade_colours(f"D{loop}:E{loop}", f"$E{loop}")
    s.sheet.conditional_formatting.add(f"H{loop}", DataBarRule(start_type="num", start_value=0, end_type="num", end_value=1, color="F8696B"))
    s.put(loop + 1, 1, "{{ stats.band_flip_note }}", "note")  # the CLI prints the same text
    voice_statistics(s, loop + 3)


def voice_overview(s: SheetWriter) -> None:
    """Overview: NPS with its interval and repurchase intent beside the headline figures (issue 15)."""
    s.put(9, 4, caption("block.loyalty", s.lang), "heading")
    for offset, key in enumerate(LOYALTY_OVERVIEW_KEYS):
        row = 10 + offset
        s.put(row, 4, s.model.fields["loyalty"][key].label, "label")
        s.put(row, 5, None, "label")
        have = (s.sheet.column_dimensions["D"].width or 8.43) + (s.sheet.column_dimensions["E"].width or 8.43)
        need = tw.width_for_px(tw.text_px(s.model.fields["loyalty"][key].label, 10, bold=True))
        if need > have:  # the label prints whole (issue 13)
            s.sheet.column_dimensions["E"].width += need - have
        s.sheet.merge_cells(start_row=row, start_column=4, end_row=row, end_column=5)
        s.put(row, 6, f"{{{{ loyalty.{key} }}}}", "kpi")
    s.put(10 + len(LOYALTY_OVERVIEW_KEYS), 4, f"{{{{ '' if loyalty_nps else '{caption('section.no_loyalty', s.lang)}' }}}}", "note")


def churn_overview(s: SheetWriter) -> None:
    """Overview, under the loyalty figures: lost customers and the churn rate from the
    Customers sheet's 状态 / Status column (issue 13, ANALYSES.md §4; no previous period needed)."""
    row = 11 + len(LOYALTY_OVERVIEW_KEYS)  # below the loyalty note
    for offset, key in enumerate(CHURN_OVERVIEW_KEYS):
        r = row + offset
        s.put(r, 4, s.model.fields["churn_info"][key].label, "label")
        s.put(r, 5, None, "label")
        s.sheet.merge_cells(start_row=r, start_column=4, end_row=r, end_column=5)
        s.put(r, 6, f"{{{{ churn_info.{key} }}}}", "kpi")
    note = caption("churn.none_short", s.lang)
    s.put(row + len(CHURN_OVERVIEW_KEYS), 4, f"{{{{ '' if churn_info.customers is not none else '{note}' }}}}", "note")


def voice_statistics(s: SheetWriter, row: int) -> None:
    """Statistics, from ``row`` on: key drivers (fields and table, total = R²), then NPS overall and by group."""
    c = lambda key: caption(key, s.lang)  # noqa: E731
    red, green = Font(bold=True, color="9C0006"), Font(bold=True, color="006100")
    s.sheet.column_dimensions["I"].width = 11
    s.sheet.column_dimensions["J"].width = 11
    s.page_break_before(row)
    s.put(row, 1, c("block.stats_drivers"), "heading")
    end = s.fields(row + 1, "loyalty", DRIVER_KEYS, align="left")
    for r in range(row + 1, end):
        s.sheet.merge_cells(start_row=r, start_column=2, end_row=r, end_column=5)
    loop = s.table(end + 1, "stats_drivers", ["item", "category", "stated_share", "relative_weight", "weight_low", "weight_high",
                                              "derived_share", "share_gap", "correlation"], "k")
    s.sheet.conditional_formatting.add(f"H{loop}", CellIsRule(operator="greaterThan", formula=["0.05"], font=red))
    s.sheet.conditional_formatting.add(f"H{loop}", CellIsRule(operator="lessThan", formula=["-0.05"], font=green))
    s.sheet.conditional_formatting.add(f"D{loop}", DataBarRule(start_type="num", start_value=0, end_type="max", color="5B9BD5"))
    s.put(loop + 1, 1, f"{{{{ '' if stats_drivers else '{c('section.no_drivers')}' }}}}", "note")
    s.put(loop + 3, 1, c("block.loyalty"), "heading")
    keys = ["nps", "nps_low", "nps_high", "nps_answers", "repurchase", "repurchase_low", "repurchase_high",
            "repurchase_likely", "repurchase_answers"]
    end = s.fields(loop + 4, "loyalty", keys, align="left")
    for r in range(loop + 4, end):
        s.sheet.merge_cells(start_row=r, start_column=2, end_row=r, end_column=3)
    loop = s.table(end + 1, "loyalty_nps", ["scope_group", "group", "customers_count", "answers", "promoters", "passives",
                                            "detractors", "nps", "low", "high"], "n", heading=c("block.loyalty_nps"))
    s.sheet.conditional_formatting.add(f"H{loop}", CellIsRule(operator="lessThan", formula=["0"], font=red))
    s.put(loop + 1, 1, f"{{{{ '' if loyalty_nps else '{c('section.no_loyalty')}' }}}}", "note")


def comments_sheet(book, look: Look, model, generated: str) -> None:
    """The Comments 意见分析 sheet (issue 15): top terms per source with the grade mix,
    example sentences (written as text) and a bar chart each; only when the workbook has comment text."""
    lang = look.lang
    c = lambda key: caption(key, lang)  # noqa: E731
    s = SheetWriter(book, "comments", look, model, [18, 10, 8, 10, 9, 9, 9, 10, 10, 9, 40, 40], landscape=True)
    s.title(f"{c('title.comments')} {{{{ kpi.period }}}}", generated)
    s.put(1, 13, "{% sheet_if comments_sources %}", "note")
    end = s.fields(3, "comments", ["segmenter", "rule"], align="left")
    for r in range(3, end):
        s.sheet.merge_cells(start_row=r, start_column=2, end_row=r, end_column=12)
    loop = s.table(end + 1, "comments_sources", ["source", "comments_count", "customers_count", "terms_count"], "o",
                   heading=c("block.comments_sources"))
    row = loop + 2
    columns = ["term", "term_count", "term_share", "term_customers", *COMMENT_GRADES, "ungraded", "example_1", "example_2"]
    for source in ("questionnaire", "visits", "complaints"):
        if source != "questionnaire":  # the first source shares the page with the sources table
            s.page_break_before(row)
        loop = s.table(row, f"comments_{source}", columns, "t", heading=c(f"block.comments_{source}"),
                       wrap=("example_1", "example_2"))
        s.sheet.conditional_formatting.add(f"B{loop}", DataBarRule(start_type="num", start_value=0, end_type="max", color="5B9BD5"))
        s.put(loop + 2, 1, f"{{% chart comments_{source} width=22 height=7 %}}", "chart")
        row = loop + 18


def groups_sheet(book, look: Look, model, generated: str) -> None:
    """The 分组 / Groups sheet (issue 13, ANALYSES.md §1): per group column a
    section of groups with CSI ± interval, weighted CSI, rate, difference from
    the rest and grade counts; the CSI chart with error bars; category means.
    Heading rows (a group column's name) bold on a light fill, suppressed
    groups grey — both by conditional formatting, as rows vary per workbook."""
    lang = look.lang
    c = lambda key: caption(key, lang)  # noqa: E731
    widths = [18, 9, 9, 9, 9, 10, 11, 12, 10, 9, 9, 9, 10, 9, 30]
    s = SheetWriter(book, "groups", look, model, widths, landscape=True)
    s.title(f"{c('title.groups')} {{{{ kpi.period }}}}", generated)
    s.put(3, 1, "{{ group_info.note }}", "note")
    s.put(3, 15, "{% sheet_if groups %}", "note")
    grade_columns = [f"grade_{g.key}" for g in labels.GRADES]
    columns = ["group", "customers", "customers_scored", "csi", "csi_half_width", "csi_weighted", "satisfaction_rate",
               "difference", "differs", *grade_columns, "note"]
    loop = s.table(4, "groups", columns, "g", heading=c("block.groups"))
    last = get_column_letter(len(columns))
    s.sheet.print_title_rows = f"{loop - 1}:{loop - 1}"
    heading_fill = PatternFill("solid", start_color=LIGHT, end_color=LIGHT)
    grey_fill = PatternFill("solid", start_color="F2F2F2", end_color="F2F2F2")
    s.sheet.conditional_formatting.add(f"A{loop}:{last}{loop}", FormulaRule(
        formula=[f'AND($A{loop}<>"",$B{loop}="")'], font=Font(bold=True, color=NAVY), fill=heading_fill))
    s.sheet.conditional_formatting.add(f"A{loop}:{last}{loop}", FormulaRule(
        formula=[f'$O{loop}<>""'], font=Font(color=GREY), fill=grey_fill))
    s.sheet.conditional_formatting.add(f"I{loop}", CellIsRule(operator="equal", formula=[f'"{c("significant.yes")}"'],
                                                              font=Font(bold=True)))
    s.put(loop + 2, 1, "{% chart groups width=24 height=8 %}", "chart")
    s.page_break_before(loop + 20)
    loop = s.table(loop + 20, "group_categories", ["group", "category", "mean", "difference_all", "note"], "k",
                   heading=c("block.group_categories"))
    s.sheet.conditional_formatting.add(f"A{loop}:E{loop}", FormulaRule(
        formula=[f'AND($A{loop}<>"",$B{loop}="",$E{loop}="")'], font=Font(bold=True, color=NAVY), fill=heading_fill))
    s.sheet.conditional_formatting.add(f"A{loop}:E{loop}", FormulaRule(
        formula=[f'$E{loop}<>""'], font=Font(color=GREY), fill=grey_fill))
    for rule in (CellIsRule(operator="lessThan", formula=["0"], font=Font(color="9C0006")),
                 CellIsRule(operator="greaterThan", formula=["0"], font=Font(color="006100"))):
        s.sheet.conditional_formatting.add(f"D{loop}", rule)
def _side_fields(s: "SheetWriter", row: int, namespace: str, keys: list[str], label_cols: tuple[int, int],
                 value_cols: tuple[int, int]) -> int:
    """Fields with the label merged over ``label_cols`` and the value over ``value_cols`` (first, last column)."""
    for offset, key in enumerate(keys):
        r = row + offset
        s.put(r, label_cols[0], s.model.fields[namespace][key].label, "label")
        for col in range(label_cols[0] + 1, label_cols[1] + 1):
            s.put(r, col, None, "label")
        s.put(r, value_cols[0], f"{{{{ {namespace}.{key} }}}}", "kpi").alignment = Alignment(horizontal="left")
        for col in range(value_cols[0] + 1, value_cols[1] + 1):
            s.put(r, col, None, "kpi")
        if label_cols[1] > label_cols[0]:
            s.sheet.merge_cells(start_row=r, start_column=label_cols[0], end_row=r, end_column=label_cols[1])
        if value_cols[1] > value_cols[0]:
            s.sheet.merge_cells(start_row=r, start_column=value_cols[0], end_row=r, end_column=value_cols[1])
        value = s.model.fields[namespace][key].value
        if isinstance(value, str):  # the merged value cells hold the sample's text (issue 13: nothing cut off in print)
            letters = [get_column_letter(c) for c in range(value_cols[0], value_cols[1] + 1)]
            have = sum(s.sheet.column_dimensions[x].width or 8.43 for x in letters)
            need = tw.width_for_px(tw.text_px(value, 11, bold=True)) + 1
            if need > have:
                s.sheet.column_dimensions[letters[-1]].width += need - have
    return row + len(keys)


def _definitions(s: "SheetWriter", row: int, key: str, heading: str, last_col: int) -> int:
    """The definitions table: the rate in A, its definition merged over B…``last_col``, two lines high."""
    loop = s.table(row, key, ["rate", "definition"], "q", heading=heading, wrap=("definition",))
    for r in (loop - 1, loop):
        for col in range(3, last_col + 1):
            s.put(r, col, None, "header" if r == loop - 1 else "wrap")
        s.sheet.merge_cells(start_row=r, start_column=2, end_row=r, end_column=last_col)
    s.sheet.row_dimensions[loop].height = 30
    return loop


def complaints_sheet(book, look: Look, model, generated: str) -> None:
    """The Complaints 投诉 sheet: handling figures (closure and resolution rate, times, overdue),
    complaints per month against the target with its chart, the time table, overdue and repeat
    complaints, the definitions, then the Pareto chart and the breakdowns."""
    from csat_xl.report.handling_tables import COMPLAINT_KEYS, LIMIT_KEYS

    lang = look.lang
    c = lambda key: caption(key, lang)  # noqa: E731
    red, green = Font(bold=True, color="9C0006"), Font(bold=True, color="006100")
    s = SheetWriter(book, "complaints", look, model, [30, 11, 14, 12, 11, 11, 12, 12, 11], landscape=True)
    s.title(f"{c('title.complaints')} {{{{ kpi.period }}}}", generated)
    s.put(3, 1, c("block.handling"), "heading")
    end = s.fields(4, "handling", COMPLAINT_KEYS)
    _side_fields(s, 4, "handling", LIMIT_KEYS, (4, 6), (7, 9))
    s.put(end, 1, f"{{{{ '' if pareto else '{c('no_complaints')}' }}}}", "note")
    s.put(end + 1, 1, f"{{{{ '' if handling.has_complaint_dates or not pareto else '{c('no_complaint_dates')}' }}}}", "note")
    loop = s.table(end + 3, "complaint_months", ["month", "count", "target", "over_target"], "m",
                   heading=c("block.complaint_months"))
    for text, font in ((c("handling.yes"), red), (c("handling.no"), green)):
        s.sheet.conditional_formatting.add(f"D{loop}", CellIsRule(operator="equal", formula=[f'"{text}"'], font=font))
    s.put(end + 3, 6, "{% chart complaint_months width=15 height=7 %}", "chart")
    s.page_break_before(loop + 16)
    loop = s.table(loop + 16, "complaint_timing", ["measure_kind", "complaint_severity", "timed", "median", "mean", "within",
                                                   "share_within", "limit"], "t", heading=c("block.complaint_timing"))
    loop = s.table(loop + 2, "complaint_overdue", ["customer_name", "customer_id", "complaint_id", "received", "days_open",
                                                   "department", "complaint_category", "complaint_severity"], "o",
                   heading=c("block.complaint_overdue"))
    s.sheet.conditional_formatting.add(f"E{loop}", DataBarRule(start_type="num", start_value=0, end_type="max", color="F8696B"))
    s.put(loop + 1, 1, f"{{{{ '' if complaint_overdue else '{c('no_overdue')}' }}}}", "note")
    loop = s.table(loop + 3, "complaint_repeats", ["customer_name", "customer_id", "repeat_complaints", "repeated_categories"], "r",
                   heading=c("block.complaint_repeats"), wrap=("repeated_categories",))
    for r in (loop - 1, loop):
        for col in range(5, 10):
            s.put(r, col, None, "header" if r == loop - 1 else "wrap")
        s.sheet.merge_cells(start_row=r, start_column=4, end_row=r, end_column=9)
    loop = _definitions(s, loop + 2, "handling_definitions", c("block.handling_definitions"), 9)
    row = loop + 2
    s.page_break_before(row)
    dimension_header = {d: labels.COLUMNS["complaints"][[x.key for x in labels.COLUMNS["complaints"]].index(d)].text(lang)
                        for d in COMPLAINT_DIMENSIONS}
    loop = s.table(row, "pareto", ["name", "count", "share", "cumulative_share"], "p", heading=c("block.pareto"),
                   headers={"name": dimension_header["category"]})
    s.put(row, 6, "{% chart pareto width=15 height=8 %}", "chart")
    row = loop + 2
    for dimension in COMPLAINT_DIMENSIONS:
        loop = s.table(row, f"complaints_by_{dimension}", ["name", "count", "share", "adjustment"], "d",
                       heading=c(f"block.by_{dimension}"), headers={"name": dimension_header[dimension]})
        row = loop + 2


def actions_sheet(book, look: Look, model, generated: str) -> None:
    """The 整改跟踪 / Actions sheet: on-time rate, overdue actions, proposals, effectiveness, all actions."""
    from csat_xl.report.handling_tables import ACTION_KEYS

    lang = look.lang
    c = lambda key: caption(key, lang)  # noqa: E731
    red, green = Font(bold=True, color="9C0006"), Font(bold=True, color="006100")
    s = SheetWriter(book, "actions", look, model, [12, 16, 38, 12, 10, 12, 12, 10, 8], landscape=True)
    s.title(f"{c('title.actions')} {{{{ kpi.period }}}}", generated)
    s.put(3, 1, c("block.action_summary"), "heading")
    end = _side_fields(s, 4, "handling", ACTION_KEYS, (1, 2), (3, 3))
    s.put(end, 1, f"{{{{ '' if handling.has_actions_sheet else '{c('no_actions_sheet')}' }}}}", "note")
    loop = s.table(end + 2, "actions_overdue", ["action_id", "source", "action", "department", "owner", "due", "days_overdue",
                                                "status"], "o", heading=c("block.actions_overdue"))
    s.sheet.conditional_formatting.add(f"G{loop}", DataBarRule(start_type="num", start_value=0, end_type="max", color="F8696B"))
    s.put(loop + 1, 1, f"{{{{ '' if actions_overdue or not handling.has_actions_sheet else '{c('no_overdue')}' }}}}", "note")
    loop = s.table(loop + 3, "action_proposals", ["item", "category", "reason", "mean_blended", "weakness"], "p",
                   heading=c("block.action_proposals"))
    s.put(loop + 1, 1, f"{{{{ '' if action_proposals else '{c('no_proposals')}' }}}}", "note")
    loop = s.table(loop + 3, "action_effectiveness", ["action_id", "item", "status", "previous", "current", "change"], "e",
                   heading=c("block.action_effectiveness"))
    s.sheet.conditional_formatting.add(f"F{loop}", CellIsRule(operator="greaterThan", formula=["0"], font=green))
    s.sheet.conditional_formatting.add(f"F{loop}", CellIsRule(operator="lessThan", formula=["0"], font=red))
    s.put(loop + 1, 1, f"{{{{ '' if handling.has_previous or not action_effectiveness else '{c('no_previous')}' }}}}", "note")
    s.page_break_before(loop + 3)  # every action on a page of its own: the summary page stays one page
    loop = s.table(loop + 3, "actions", ["action_id", "source", "action", "department", "owner", "due", "done", "status",
                                         "on_time"], "a", heading=c("block.actions"))
    for text, font in ((c("handling.yes"), green), (c("handling.no"), red)):
        s.sheet.conditional_formatting.add(f"I{loop}", CellIsRule(operator="equal", formula=[f'"{text}"'], font=font))
    _definitions(s, loop + 2, "action_definitions", c("block.handling_definitions"), 9)


def trend_additions(s: SheetWriter, loop: int, c) -> None:
    """Trend sheet, below the CSI change (issue 13, ANALYSES.md §4): the churn
    record, category means per period with their line chart, persistent
    weaknesses, item means per period."""
    # The churn record on a page of its own: labels over A:B, values over C:D (the columns are the periods table's).
    s.page_break_before(loop + 2)
    s.put(loop + 2, 1, c("block.churn_record"), "heading")
    keys = ["rule", "customers", "lost", "rate", "flagged", "flagged_lost", "hit_rate"]
    for offset, key in enumerate(keys):
        row = loop + 3 + offset
        s.put(row, 1, s.model.fields["churn_info"][key].label, "label")
        s.put(row, 2, None, "label")
        value = s.put(row, 3, f"{{{{ churn_info.{key} }}}}", "kpi")
        value.alignment = Alignment(horizontal="left")
        s.put(row, 4, None, "kpi")
        s.sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        s.sheet.merge_cells(start_row=row, start_column=3, end_row=row, end_column=9)
        for col in range(5, 10):
            s.put(row, col, None, "kpi")
    end = loop + 3 + len(keys)
    s.put(end, 1, "{{ churn_info.note }}", "note")
    loop = s.table(end + 2, "trend_categories", ["category", "period", "mean", "change"], "k", heading=c("block.trend_categories"))
    for rule in (CellIsRule(operator="lessThan", formula=["0"], font=Font(color="9C0006")),
                 CellIsRule(operator="greaterThan", formula=["0"], font=Font(color="006100"))):
        s.sheet.conditional_formatting.add(f"D{loop}", rule)
    s.put(loop - 1, 5, "{% chart trend_categories width=16 height=7.5 %}", "chart")
    loop = s.table(loop + 17, "persistent", ["item", "category", "periods_in_top", "run", "latest_rank", "latest_weakness"], "p",
                   heading=c("block.persistent"), wrap=("periods_in_top",))
    s.put(loop + 1, 1, f"{{{{ '' if persistent else '{c('no_persistent')}' }}}}", "note")
    loop = s.table(loop + 3, "trend_items", ["category", "item", "period", "mean", "change", "weakness_rank"], "i",
                   heading=c("block.trend_items"))
    for rule in (CellIsRule(operator="lessThan", formula=["0"], font=Font(color="9C0006")),
                 CellIsRule(operator="greaterThan", formula=["0"], font=Font(color="006100"))):
        s.sheet.conditional_formatting.add(f"E{loop}", rule)


def build(lang: str) -> openpyxl.Workbook:
    model = build_report(SAMPLE, lang=lang)
    c = lambda key: caption(key, lang)  # noqa: E731
    look = Look(lang)
    book = openpyxl.Workbook()
    book.remove(book.active)
    generated = f"{c('kpi.source')}: {{{{ kpi.source }}}}    {c('kpi.generated_at')}: {{{{ kpi.generated_at.strftime('%Y-%m-%d %H:%M') }}}}"

    # --- Overview
    s = SheetWriter(book, "overview", look, model, [28, 14, 13, 12, 13, 12])
    s.title(f"{c('title')} {{{{ kpi.period }}}}", generated)
    s.put(4, 1, c("block.targets"), "heading")
    for col, key in enumerate(["target.measure", "target.value", "kpi.completion_value", "target.attained", "kpi.target_value", "target.attained"], start=1):
        s.put(5, col, c(key), "header")
    s.sheet.row_dimensions[5].height = 30
    for row, (label, value, low, low_ok, high, high_ok) in enumerate([
        ("kpi.csi", "csi", "completion_value", "csi_completion", "target_value", "csi_target"),
        ("kpi.satisfaction_rate", "satisfaction_rate", "completion_rate", "rate_completion", "target_rate", "rate_target"),
    ], start=6):
        s.put(row, 1, c(label), "label")
        for col, key in enumerate([value, low, low_ok, high, high_ok], start=2):
            s.put(row, col, f"{{{{ kpi.{key} }}}}", "kpi")
    for col in (4, 6):  # 达成 / not attained, bold
        s.fit(col, c("not_attained"), 11, bold=True)
    for text, colour in ((c("attained"), "006100"), (c("not_attained"), "9C0006")):
        s.sheet.conditional_formatting.add("D6:D7 F6:F7", CellIsRule(operator="equal", formula=[f'"{text}"'], font=Font(bold=True, color=colour)))
    s.put(9, 1, c("block.headline"), "heading")
    s.fields(10, "kpi", ["period", "customers", "scored", "not_surveyed", "not_visited", "csi", "csi_weighted",
                         "satisfaction_rate", "complaints", "closure_rate"])
    voice_overview(s)
    churn_overview(s)
    loop = s.table(21, "grades", ["grade", "count", "share"], "g", heading=c("block.grades"))
    s.grade_colours(f"A{loop}", f"$A{loop}")
    s.put(loop + 2, 1, "{% chart grades width=17 height=7 %}", "chart")
    s.page_break_before(loop + 19)
    loop = s.table(loop + 19, "categories", ["category", "weight", "mean_questionnaire", "mean_visit", "mean_blended", "weakness"], "k",
                   heading=c("block.categories"))
    s.put(loop + 2, 1, "{% chart categories width=17 height=7 %}", "chart")

    # --- Customers
    columns = ["rank", "customer_id", "customer_name", "region", "questionnaire", "visit", "preliminary", "adjustment",
               "final", "grade", "flags", "respondents", "visits", "complaints"]
    s = SheetWriter(book, "customers", look, model, [7, 10, 30, 8, 10, 10, 11, 11, 10, 11, 18, 9, 9, 9], landscape=True)
    s.title(f"{c('title.customers')} {{{{ kpi.period }}}}", generated)
    loop = s.table(3, "customers", columns, "c")
    s.sheet.freeze_panes = f"A{loop}"
    s.sheet.auto_filter.ref = f"A{loop - 1}:{get_column_letter(len(columns))}{loop}"
    s.sheet.print_title_rows = f"{loop - 1}:{loop - 1}"
    s.grade_colours(f"I{loop}:J{loop}", f"$J{loop}")

    # --- Items
    s = SheetWriter(book, "items", look, model, [14, 16, 12, 12, 12, 10, 12, 12, 12, 11, 10], landscape=True)
    s.title(f"{c('title.items')} {{{{ kpi.period }}}}", generated)
    s.table(3, "categories", ["category", "category_weight", "item_weight_sum", "weight", "mean_questionnaire", "mean_visit",
                              "mean_blended", "weakness"], "k", heading=c("block.categories"))
    loop = s.table(7, "items", ["category", "item", "item_weight", "category_weight", "weight", "answers", "mean_questionnaire",
                                "mean_visit", "mean_blended", "weakness", "weakness_rank"], "i", heading=c("block.items"))
    s.sheet.conditional_formatting.add(f"J{loop}", DataBarRule(start_type="num", start_value=0, end_type="max", color="F8696B"))
    s.page_break_before(11)
    loop = s.table(11, "weaknesses", ["weakness_rank", "item", "category", "weight", "mean_blended", "weakness"], "w",
                   heading=c("chart.weakness"))
    s.put(loop - 1, 8, "{% chart weakness width=13 height=7.5 %}", "chart")

    # --- Groups (issue 13)
    groups_sheet(book, look, model, generated)

    # --- Complaints (handling on time and the Actions sheet: issue 14, complaints_sheet / actions_sheet below)
    complaints_sheet(book, look, model, generated)
    actions_sheet(book, look, model, generated)

    # --- Trend (only with previous periods)
    s = SheetWriter(book, "trend", look, model, [12, 26, 12, 40, 12, 12, 10, 10, 24], landscape=True)
    s.title(f"{c('title.trend')} {{{{ kpi.period }}}}", generated)
    s.put(3, 9, "{% sheet_if has_trend %}", "note")
    loop = s.table(4, "periods", ["period", "csi", "csi_delta", "csi_weighted", "satisfaction_rate", "rate_delta", "scored",
                                  "complaints", "file"], "t", heading=c("block.periods"))
    s.put(loop + 2, 1, "{% chart trend width=18 height=7.5 %}", "chart")
    loop = s.table(loop + 18, "churn", ["customer_id", "customer_name", "consecutive_periods", "history", "latest_final", "grade",
                                        "status"], "x", heading="{{ churn.title }}", wrap=("history",))
    s.sheet.conditional_formatting.add(f"G{loop}", CellIsRule(operator="equal", formula=[f'"{labels.CUSTOMER_STATUSES[1].text(lang)}"'],
                                                              font=Font(bold=True, color="9C0006")))
    s.grade_colours(f"E{loop}:F{loop}", f"$F{loop}")
    s.put(loop + 1, 1, f"{{{{ '' if churn else '{c('no_churn')}' }}}}", "note")
    loop = s.table(loop + 3, "stats_period_difference", ["period", "previous_period", "csi", "previous_csi", "difference",
                                                         "low", "high", "significant"], "v",
                   heading=c("block.stats_period_difference"))
    s.sheet.conditional_formatting.add(f"H{loop}", CellIsRule(operator="equal", formula=[f'"{c("significant.yes")}"'],
                                                              font=Font(bold=True)))
    trend_additions(s, loop, c)

    # --- Statistics (issue 7: docs/statistics.md; captions in csat_xl/report/stats_captions.py)
    statistics_sheet(book, look, model, generated)
    comments_sheet(book, look, model, generated)

    # --- Data quality
    s = SheetWriter(book, "data_quality", look, model, [8, 24, 10, 12, 18, 70], landscape=True)
    s.title(f"{c('title.data_quality')} {{{{ kpi.period }}}}", generated)
    findings_table(s, c("no_findings"), lang)

    # --- Method
    s = SheetWriter(book, "method", look, model, [20, 30, 16, 18, 16, 66], landscape=True)
    s.title(f"{c('title.method')} {{{{ kpi.period }}}}", generated)
    s.put(3, 1, c("block.record"), "heading")
    s.fields(4, "record", ["version", "generated_at", "weight_mode", "language", "source", "sha256"], align="left")
    for row in range(4, 10):  # B:F: the SHA-256 (64 characters) prints whole
        s.sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=6)
    loop = s.table(11, "inputs", ["role", "file", "period", "sha256"], "f", heading=c("block.inputs"))
    for r in (loop - 1, loop):
        s.sheet.merge_cells(f"D{r}:F{r}")
    loop = s.table(loop + 2, "weights", ["category", "category_weight", "item", "item_weight", "weight", "scale"], "w",
                   heading=c("block.weights"))
    loop = s.table(loop + 2, "settings", ["setting", "value"], "s", heading=c("block.settings"))
    s.table(loop + 2, "scales", ["scale", "label", "value"], "q", heading=c("block.scales"))

    book.active = 0
    book.properties.creator = "csat-xl"
    book.properties.title = c("title")
    return book


def fingerprint(book: openpyxl.Workbook) -> list:
    """What a template says, independent of zip timestamps: compare two of these."""
    out = []
    for sheet in book.worksheets:
        cells = sorted(
            (c.coordinate, c.value, c.number_format, c.font.b, c.font.sz, c.font.name, c.font.color.rgb if c.font.color else None,
             c.fill.fgColor.rgb if c.fill and c.fill.fill_type else None, c.alignment.wrap_text)
            for row in sheet.iter_rows() for c in row if c.value is not None or c.has_style
        )
        cf = sorted((str(cf.sqref), tuple(tuple(r.formula or ()) for r in cf.rules)) for cf in sheet.conditional_formatting)
        widths = sorted((k, d.width) for k, d in sheet.column_dimensions.items())
        out.append((sheet.title, cells, sorted(str(r) for r in sheet.merged_cells.ranges), cf, widths, sheet.freeze_panes,
                    sheet.auto_filter.ref, sheet.print_title_rows, sheet.page_setup.orientation))
    return out


def _reloaded(book: openpyxl.Workbook) -> openpyxl.Workbook:
    """``book`` as it reads back from a file (what the committed template is compared with)."""
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return openpyxl.load_workbook(buffer)


def write_or_check(books: dict[str, openpyxl.Workbook], check: bool, script: str) -> int:
    """Save each book as ``<name>.xlsx`` in every folder of :data:`OUT_DIRS`, or
    with ``check`` list the committed files that differ (1) — shared by the
    template scripts."""
    stale = []
    for name, book in books.items():
        for folder in OUT_DIRS:
            path = folder / f"{name}.xlsx"
            if check:
                if not path.exists() or fingerprint(openpyxl.load_workbook(path)) != fingerprint(_reloaded(book)):
                    stale.append(path)
            else:
                folder.mkdir(parents=True, exist_ok=True)
                book.save(path)
                print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        print(f"out of date (run {script}): " + ", ".join(str(p.relative_to(ROOT)) for p in stale))
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed templates instead of writing")
    args = parser.parse_args(argv)
    return write_or_check({f"report_{lang}": build(lang) for lang in ("zh", "en")}, args.check, "templates/build_report_templates.py")


if __name__ == "__main__":
    raise SystemExit(main())
