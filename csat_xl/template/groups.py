"""The formula template's group table (issue 13, ANALYSES.md §1).

:func:`add_groups` adds to a template the builder has laid out a table on
结果 / Results (columns N:T, beside the customer table, its header on the
customer table's header row) with one row per group of the first group
column — the Customers sheet's 区域 / Region, the column
:func:`csat_xl.analyses.groups.group_columns` picks first — and the blank
group "(未填)" / "(blank)" last: customers, customers scored, CSI,
customer-weighted CSI, satisfaction rate, and "not shown" for a group with
fewer scored customers than the setting 最小分组 / minimum group size
(default 5), whose figures stay blank.  The numbers are those of
:func:`csat_xl.analyses.groups.group_table` (the LibreOffice parity test
``tests/test_template_groups.py`` binds them).

Without dynamic arrays (no UNIQUE, FILTER) the groups are listed in
:data:`GROUP_SLOTS` fixed rows, in order of first appearance on the
Customers sheet as in ``csat-xl``; more groups than slots are counted in a
note under the table.  The hidden sheet ``_分组`` / ``_Groups`` holds one row
per customer, in Customers-sheet order, and stays linear in customers:

====  ==========================================================
A     1 when the row is a listed customer (a first, non-blank ID)
B     the group key: the region cell as a label key (no spaces, lower case)
C     position of the first customer with that key (MATCH; 0 for blank)
D     groups so far: D above + 1 when this row is its group's first
E     the customer's group number = D at its group's first row
      (0 = blank group, −1 = not a listed customer)
F, G  scored (1/0) and customer weight × final score (weighted CSI)
====  ==========================================================

Each group figure is then a SUMIF/COUNTIF of column E over the customers:
customers × groups, with at most :data:`GROUP_SLOTS` + 1 groups.
"""

from __future__ import annotations

from openpyxl.styles import Alignment
from openpyxl.worksheet.pagebreak import Break

from .. import labels
from ..labels import Label
from ..settings import Settings
from ..text import column_letter as col
from . import formulas as fx

#: Rows of the group table before the blank group (more groups: counted in a note).
GROUP_SLOTS = 12
#: First Results column of the group table (N: under the handling rates of issue 14).
GROUPS_COLUMN = 14

#: Columns of the group table, left to right.
COLUMNS = (
    Label("group", "分组", "Group"),
    Label("customers", "客户数", "Customers"),
    Label("customers_scored", "已评分", "Scored"),
    Label("csi", "CSI", "CSI"),
    Label("csi_weighted", "加权 CSI", "Weighted CSI"),
    Label("satisfaction_rate", "满意率", "Satisfaction rate"),
    Label("note", "备注", "Note"),
)
TEXT = {
    "heading": {"zh": "按{column}分组", "en": "Groups by {column}"},
    "blank": {"zh": "(未填)", "en": "(blank)"},  # csat_xl.analyses.groups.BLANK_GROUP
    "suppressed": {"zh": "不显示（<{n} 个已评分）", "en": "not shown (< {n} scored)"},
    "rule": {"zh": "已评分客户少于“最小分组”（设置表，默认 {n}）的分组不显示得分。",
             "en": "Groups with fewer scored customers than the minimum group size (Settings, default {n}) show no figures."},
    "more": {"zh": "另有 {n} 个分组未列出（本表最多 {slots} 个）：用 csat-xl score --by {column} 查看全部。",
             "en": "{n} more groups not listed (this table holds {slots}): csat-xl score --by {column} lists all."},
    "none": {"zh": "客户表的“{column}”列未填写：没有分组。", "en": "The {column} column of the Customers sheet is empty: no groups."},
}
WIDTHS = (22, 10, 8, 8, 12, 16, 22)
#: Print scale of the Results sheet (A4 landscape, two pages across).
PRINT_SCALE = 66


def _say(key: str, lang: str) -> str:
    return TEXT[key]["zh" if lang == "zh" else "en"]


def add_groups(builder) -> None:
    """Add the group table to ``builder`` (a :class:`csat_xl.template.builder.Builder`
    after its Results sheet is laid out; see the module docstring)."""
    from .builder import BOLD, HEADER_FILL, SCORE_FORMAT, formula, put

    lang, plan = builder.lang, builder.plan
    helper = builder.ws["_groups"]  # hidden and protected by the builder, like every helper sheet
    n = plan.customers
    last = n + 1
    region = col([c.key for c in labels.COLUMNS["customers"]].index("region") + 1)
    pc_first = builder.pc_rows[0]
    results_first = builder.results_first_row
    put(helper, 1, 1, "listed")
    for i, header in enumerate(("key", "first", "groups", "group", "scored", "weighted"), start=2):
        put(helper, 1, i, header)
    for i in range(1, n + 1):
        r = i + 1
        pc = lambda name: builder.ref("_customers", f"${builder.pc_col(name)}${pc_first + i - 1}")  # noqa: E731
        formula(helper, r, 1, f'=IF({pc("customer_key")}="",0,1)')
        formula(helper, r, 2, f'=IF(A{r}=0,"",{fx.label_key(builder.ref("customers", f"${region}${r}"))})')
        # the key taken literally (a region "华*" is not 华东); a key MATCH cannot take (over 255 characters) is its own group
        formula(helper, r, 3, f'=IF(B{r}="",0,IFERROR(MATCH({fx.literal_lookup(f"B{r}")},$B$2:$B${last},0),{i}))')
        first = f"IF(AND(C{r}>0,C{r}={i}),1,0)"
        formula(helper, r, 4, f"={first}" if i == 1 else f"=D{r - 1}+{first}")
        formula(helper, r, 5, f'=IF(A{r}=0,-1,IF(B{r}="",0,INDEX($D$2:$D${last},C{r})))')
        final = builder.ref("results", f"$G${results_first + i - 1}")
        formula(helper, r, 6, f"=IF(ISNUMBER({final}),1,0)")
        formula(helper, r, 7, f'={pc("usable_weight")}*{pc("final_or_zero")}')

    # Named figures (column J label, K value).
    defaults = Settings()
    figures = {
        "MinGroupSize": fx.number_or_default(builder.setting_cell("min_group_size"), defaults.min_group_size),
        "GroupCount": f"=MAX($D$2:$D${last})",
        "BlankGroupCustomers": f"=COUNTIF($E$2:$E${last},0)",
        "GroupRows": f"=MIN({GROUP_SLOTS},K3)",
    }
    for r, (defined, text) in enumerate(figures.items(), start=2):
        put(helper, r, 10, defined)
        formula(helper, r, 11, text)
        builder.name(defined, "_groups", f"$K${r}")

    # Table rows: the group number shown in each (M), 0 = blank group, -2 = an empty row.
    put(helper, 1, 13, "group no")
    for j in range(1, GROUP_SLOTS + 2):
        r = j + 1
        formula(helper, r, 13, f"=IF({j}<=GroupRows,{j},IF(AND({j}=GroupRows+1,GroupCount>0,BlankGroupCustomers>0),0,-2))")

    # --- Results
    ws = builder.ws["results"]
    c0 = GROUPS_COLUMN
    header = builder.TABLE_HEADER_ROW
    column_name = labels.REGION.text(lang)
    put(ws, header - 1, c0, _say("heading", lang).format(column=column_name), font=BOLD)
    for k, label in enumerate(COLUMNS):
        put(ws, header, c0 + k, label.text(lang), font=BOLD, fill=HEADER_FILL, border=True)
    groups = lambda column: fx.sheet_ref(helper.title, f"${column}$2:${column}${last}")  # noqa: E731
    pc_range = lambda name: builder.ref("_customers", f"${builder.pc_col(name)}${pc_first}:${builder.pc_col(name)}${builder.pc_rows[1]}")  # noqa: E731
    sumif = lambda source, g: f"SUMIF({groups('E')},{g},{source})"  # noqa: E731
    region_cells = builder.ref("customers", f"${region}$2:${region}${last}")
    suppressed = fx.text_literal(_say("suppressed", lang).split("{n}")[0]) + "&MinGroupSize&" + fx.text_literal(_say("suppressed", lang).split("{n}")[1])
    for j in range(1, GROUP_SLOTS + 2):
        r = header + j
        g = fx.sheet_ref(helper.title, f"$M${j + 1}")
        shown = lambda value: f'=IF({g}<0,"",{value})'  # noqa: E731
        counted = lambda value: f'=IF({g}<0,"",IF(OR({col(c0 + 2)}{r}=0,{col(c0 + 2)}{r}<MinGroupSize),"",{value}))'  # noqa: E731
        scored = f"{col(c0 + 2)}{r}"
        value = (f'IF({g}=0,{fx.text_literal(_say("blank", lang))},'
                 f'TRIM(INDEX({region_cells},MATCH({g},{groups("D")},0))&""))')
        cells = [
            (shown(value), None),
            (shown(f"COUNTIF({groups('E')},{g})"), "0"),
            (shown(sumif(groups("F"), g)), "0"),
            (counted(f"{sumif(pc_range('final_or_zero'), g)}/{scored}"), SCORE_FORMAT),
            (counted(f'IF({sumif(pc_range("usable_weight"), g)}>0,{sumif(groups("G"), g)}/{sumif(pc_range("usable_weight"), g)},"")'),
             SCORE_FORMAT),
            (counted(f"{sumif(pc_range('satisfied'), g)}/{scored}"), "0.0%"),
            (f'=IF({g}<0,"",IF({scored}<MinGroupSize,{suppressed},""))', None),
        ]
        for k, (text, fmt) in enumerate(cells):
            formula(ws, r, c0 + k, text, fmt=fmt, border=True)
    note = header + GROUP_SLOTS + 2
    more = _say("more", lang)
    parts = more.split("{n}")
    more_formula = (fx.text_literal(parts[0]) + f"&(GroupCount-{GROUP_SLOTS})&"
                    + fx.text_literal(parts[1].format(slots=GROUP_SLOTS, column=column_name)))
    formula(ws, note, c0, f'=IF(GroupCount>{GROUP_SLOTS},{more_formula},'
                          f'IF(GroupCount=0,{fx.text_literal(_say("none", lang).format(column=column_name))},""))')
    put(ws, note + 1, c0, _say("rule", lang).format(n=defaults.min_group_size))
    for r in (note, note + 1):
        ws.cell(row=r, column=c0).alignment = Alignment(wrap_text=False)
    ws.column_dimensions[col(c0 - 1)].width = 3  # the gap after the effective weights, like J
    for k, width in enumerate(WIDTHS):
        ws.column_dimensions[col(c0 + k)].width = max(width, ws.column_dimensions[col(c0 + k)].width or 0)
    ws.print_area = f"A1:{col(c0 + len(COLUMNS) - 1)}{ws.max_row}"
    # Two pages across at a readable scale (fitted to one page wide, the text would
    # shrink below 50 %): the customer table, key figures and checks (A:J), then the
    # effective weights, handling rates and groups (K:T).
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_setup.scale = PRINT_SCALE
    ws.col_breaks.append(Break(id=builder.WEIGHTS_COLUMN - 1))
