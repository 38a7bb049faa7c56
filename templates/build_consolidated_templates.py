"""Build (or check) the group report templates ``group_zh.xlsx`` and ``group_en.xlsx``.

The sibling of ``build_report_templates.py`` for ``csat-xl consolidate``
(issue 16), with the same helpers (:class:`Look`, :class:`SheetWriter`) and
the same placeholder syntax (``csat_xl/report/render_xlsx.py``): one layout,
written here as data, in both languages, with column headers taken from the
group report model itself.

    python templates/build_consolidated_templates.py          # write templates/ and csat_xl/report/templates/
    python templates/build_consolidated_templates.py --check  # exit 1 when a committed template differs
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "templates"))

import openpyxl  # noqa: E402
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule, DataBarRule, FormulaRule  # noqa: E402
from openpyxl.styles import Border, Font, PatternFill, Side  # noqa: E402

from build_report_templates import NAVY, Look, SheetWriter, findings_table, write_or_check  # noqa: E402
from csat_xl import labels  # noqa: E402
from csat_xl.consolidate import ConsolidateOptions, consolidate_files  # noqa: E402
from csat_xl.report.captions import caption  # noqa: E402
from csat_xl.report.consolidated import HEAT_COLUMNS, KPI_KEYS, RECORD_KEYS, build_group_report  # noqa: E402

SAMPLE = ROOT / "sample_workbooks" / "group"
RED, GREEN = Font(bold=True, color="9C0006"), Font(bold=True, color="006100")


def build(lang: str, group=None) -> openpyxl.Workbook:
    if group is None:
        group = consolidate_files([SAMPLE / "2026Q2"], [SAMPLE / "2026Q1"], ConsolidateOptions(jobs=1, resamples=200))
    model = build_group_report(group, lang)
    c = lambda key: caption(key, lang)  # noqa: E731
    look = Look(lang)
    book = openpyxl.Workbook()
    book.remove(book.active)
    generated = f"{c('kpi.source')}: {{{{ kpi.source }}}}    {c('kpi.generated_at')}: {{{{ kpi.generated_at.strftime('%Y-%m-%d %H:%M') }}}}"

    def writer(key: str, widths: list[float], landscape: bool = False) -> SheetWriter:
        return SheetWriter(book, f"cons_{key}", look, model, widths, landscape)

    # --- Overview
    s = writer("overview", [30, 16, 14, 14, 14, 14, 14])
    s.title(f"{c('cons.title')} {{{{ kpi.period }}}}", generated)
    s.put(3, 1, c("cons.block.headline"), "heading")
    end = s.fields(4, "kpi", KPI_KEYS)
    s.grade_colours(f"B{4 + KPI_KEYS.index('grade')}", f"$B${4 + KPI_KEYS.index('grade')}")
    s.sheet.conditional_formatting.add(f"B{4 + KPI_KEYS.index('not_included')}",
                                       CellIsRule(operator="greaterThan", formula=["0"], font=RED))
    s.put(end + 1, 1, c("cons.note.csi"), "note")
    s.sheet.merge_cells(start_row=end + 1, start_column=1, end_row=end + 1, end_column=7)
    s.sheet.row_dimensions[end + 1].height = 48
    s.sheet.cell(row=end + 1, column=1).alignment = openpyxl.styles.Alignment(wrap_text=True, vertical="top")
    loop = s.table(end + 3, "periods", ["period", "csi", "csi_branches", "satisfaction_rate", "branches", "scored", "complaints"],
                   "p", heading=c("cons.block.periods"))
    s.put(loop + 2, 1, "{% chart league width=18 height=8 %}", "chart")

    # --- Branch league table
    columns = ["rank", "branch", "unit_weight", "scored", "csi", "low", "high", "grade", "satisfaction_rate", "previous_csi",
               "csi_delta", "complaints", "closure_rate", "file"]
    s = writer("branches", [7, 18, 9, 9, 9, 9, 9, 11, 10, 10, 10, 11, 10, 22], landscape=True)
    s.title(f"{c('cons.title.branches')} {{{{ kpi.period }}}}", generated)
    loop = s.table(3, "branches", columns, "b")
    s.sheet.freeze_panes = f"C{loop}"
    s.sheet.print_title_rows = f"{loop - 1}:{loop - 1}"
    s.grade_colours(f"E{loop} H{loop}", f"$H{loop}")
    s.sheet.conditional_formatting.add(f"K{loop}", CellIsRule(operator="lessThan", formula=["0"], font=RED))
    s.sheet.conditional_formatting.add(f"K{loop}", CellIsRule(operator="greaterThan", formula=["0"], font=GREEN))
    s.put(loop + 2, 1, "{% chart league width=22 height=8 %}", "chart")

    # --- Branch × category
    s = writer("heat", [18, *([12] * HEAT_COLUMNS)], landscape=True)
    s.title(f"{c('cons.title.heat')} {{{{ kpi.period }}}}", generated)
    s.put(3, 1, c("cons.note.heat"), "note")
    s.put(4, 1, "{{ heat_columns.more or '' }}", "note")
    s.put(5, 1, caption("cons.col.branch", lang), "header")
    s.put(6, 1, "{% for h in heat %}{{ h.branch }}", "text")
    for i in range(1, HEAT_COLUMNS + 1):
        # Columns past the scheme's categories stay blank: header look and borders only where a category is.
        s.sheet.cell(row=5, column=i + 1, value=f"{{{{ heat_columns.c{i} }}}}").alignment = openpyxl.styles.Alignment(
            horizontal="center", vertical="center", wrap_text=True)
        s.sheet.cell(row=6, column=i + 1, value=f"{{{{ h.c{i} }}}}").font = look.font(size=10)
    s.sheet.row_dimensions[5].height = 30
    last = openpyxl.utils.get_column_letter(HEAT_COLUMNS + 1)
    thin = Side(style="thin", color="BFBFBF")
    s.sheet.conditional_formatting.add(f"B5:{last}5", FormulaRule(formula=['B$5<>""'], font=Font(bold=True, color="FFFFFF"),
                                                                  fill=PatternFill("solid", start_color=NAVY, end_color=NAVY)))
    s.sheet.conditional_formatting.add(f"B6:{last}6", FormulaRule(formula=['B$5<>""'], border=Border(left=thin, right=thin, top=thin, bottom=thin)))
    s.sheet.conditional_formatting.add(f"B6:{last}6", ColorScaleRule(start_type="min", start_color="F8696B", mid_type="percentile",
                                                                     mid_value=50, mid_color="FFEB84", end_type="max", end_color="63BE7B"))
    s.sheet.freeze_panes = "B6"

    # --- Common weaknesses
    s = writer("weaknesses", [7, 18, 14, 14, 12, 12, 13, 12, 12], landscape=True)
    s.title(f"{c('cons.title.weaknesses')} {{{{ kpi.period }}}}", generated)
    loop = s.table(3, "common_weaknesses", ["rank", "item", "category", "branches_top", "share", "mean_rank", "mean_blended",
                                            "weakness", "common"], "w", heading=model.tables["common_weaknesses"].title)
    s.sheet.conditional_formatting.add(f"A{loop}:I{loop}", FormulaRule(formula=[f'$I{loop}="{c("cons.common.yes")}"'], font=RED,
                                                                       fill=PatternFill("solid", start_color="FCE4D6", end_color="FCE4D6")))
    s.sheet.conditional_formatting.add(f"H{loop}", DataBarRule(start_type="num", start_value=0, end_type="max", color="F8696B"))

    # --- Complaints
    s = writer("complaints", [22, 10, 12, 13, 18, 10])
    s.title(f"{c('cons.title.complaints')} {{{{ kpi.period }}}}", generated)
    s.fields(3, "kpi", ["complaints", "closure_rate"])
    s.put(5, 1, f"{{{{ '' if group_pareto else '{c('cons.no_complaints')}' }}}}", "note")
    loop = s.table(7, "group_pareto", ["name", "count", "share", "cumulative_share", "branches"], "p",
                   heading=c("cons.block.pareto"), headers={"name": labels.COLUMNS["complaints"][4].text(lang)})
    s.put(loop + 2, 1, "{% chart group_pareto width=17 height=8 %}", "chart")
    loop = s.table(loop + 20, "complaints_by_branch", ["branch", "complaints", "per_100_customers", "closure_rate", "top_category",
                                                       "top_share"], "k", heading=c("cons.block.complaints_by_branch"))
    s.sheet.conditional_formatting.add(f"C{loop}", DataBarRule(start_type="num", start_value=0, end_type="max", color="F8A36A"))

    # --- Data quality (every branch's findings)
    s = writer("data_quality", [8, 24, 10, 12, 18, 70], landscape=True)
    s.title(f"{c('cons.title.data_quality')} {{{{ kpi.period }}}}", generated)
    findings_table(s, c("cons.no_findings"), lang)

    # --- Files
    s = writer("files", [10, 24, 16, 10, 9, 9, 7, 7, 56, 68], landscape=True)
    s.title(f"{c('cons.title.files')} {{{{ kpi.period }}}}", generated)
    loop = s.table(3, "files", ["role", "file", "branch", "status", "period", "scored", "errors", "warnings", "reason", "sha256"],
                   "f", wrap=("reason",))
    s.sheet.freeze_panes = f"A{loop}"
    s.sheet.auto_filter.ref = f"A{loop - 1}:J{loop}"
    for status, colour in (("failed", "F8696B"), ("excluded", "F8A36A"), ("skipped", "D9D9D9")):
        text = c(f"cons.status.{status}")
        s.sheet.conditional_formatting.add(f"D{loop}", FormulaRule(formula=[f'$D{loop}="{text}"'],
                                                                   fill=PatternFill("solid", start_color=colour, end_color=colour)))

    # --- Method
    s = writer("method", [30, 30, 14, 12, 12, 60], landscape=True)
    s.title(f"{c('cons.title.method')} {{{{ kpi.period }}}}", generated)
    s.put(3, 1, c("cons.block.record"), "heading")
    end = s.fields(4, "record", RECORD_KEYS, align="left")
    s.put(end + 1, 1, c("cons.note.csi"), "note")
    s.sheet.merge_cells(start_row=end + 1, start_column=1, end_row=end + 1, end_column=6)
    s.sheet.row_dimensions[end + 1].height = 36
    s.sheet.cell(row=end + 1, column=1).alignment = openpyxl.styles.Alignment(wrap_text=True, vertical="top")
    loop = s.table(end + 3, "weights_differ", ["category", "item", "reference", "min", "max", "by_branch"], "w",
                   heading=c("cons.block.weights"), wrap=("by_branch",))
    s.put(loop + 1, 1, f"{{{{ '' if weights_differ else '{c('cons.no_weights')}' }}}}", "note")

    book.active = 0
    book.properties.creator = "csat-xl"
    book.properties.title = c("cons.title")
    return book


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed templates instead of writing")
    args = parser.parse_args(argv)
    group = consolidate_files([SAMPLE / "2026Q2"], [SAMPLE / "2026Q1"], ConsolidateOptions(jobs=1, resamples=200))
    return write_or_check({f"consolidated_{lang}": build(lang, group) for lang in ("zh", "en")}, args.check,
                          "templates/build_consolidated_templates.py")


if __name__ == "__main__":
    raise SystemExit(main())
