"""``=CSAT_GROUPS()``: the customer-group table (ANALYSES.md §1) spilled into Excel.

Reads its ranges like ``=CSAT_SCORES()``, scores with the core, groups with
:func:`csat_xl.analyses.groups.group_table` and spills the same wide table
``csat-xl score --by`` prints (:func:`csat_xl.report.group_tables.wide_table`):
a header row, then one row per group.  A suppressed group (fewer scored
customers than 最小分组 / minimum group size) has blank figures and a note.
"""

from __future__ import annotations

from typing import Any

from .. import labels
from ..analyses.groups import UnknownGroupColumnError, group_columns, group_table, resolve_column
from ..report.group_tables import wide_table
from ..scoring import score
from ..text import is_blank
from .errors import CellError, RangeProblem
from .functions import DEFAULT_LANG, LANG, SCALES, SETTINGS, _lang, _message_lang
from .ranges import grid, header_lang, parse_tables, single
from .registry import excel_function, excel_value


@excel_function(
    "Satisfaction by customer group 客户分组: spills a header row and one row per group of a Customers column "
    "(customers, CSI ± interval, weighted CSI, satisfaction rate, difference from the rest, category means, grades).",
    scalars=("column", "lang"),
    scheme="Scheme table 指标 with its header row (类别, 类别权重, 项目, 项目权重[, 量表])",
    questionnaire="Questionnaire table 问卷 with its header row (客户编号, one column per item)",
    customers="Customers table 客户 with its header row (客户编号 and group columns such as 区域, 客户类型)",
    column="Optional group column 分组列: a header of the Customers table (default: its first group column)",
    visits="Optional Visits table 走访 with its header row (客户编号, one column per item)",
    complaints="Optional Complaints table 投诉 with its header row (客户编号, 处理结果)",
    settings=SETTINGS + ", e.g. 最小分组 / minimum group size",
    lang=LANG + " (default: the language of the scheme's header)",
    scales=SCALES,
)
def csat_groups(scheme, questionnaire, customers, column=None, visits=None, complaints=None, settings=None,
                lang=None, scales=None):
    """The groups of one Customers column, as ``csat-xl score --by COLUMN``."""
    ranges = {
        "scheme": grid(scheme), "questionnaire": grid(questionnaire), "customers": grid(customers),
        "visits": grid(visits), "complaints": grid(complaints), "settings": grid(settings), "scales": grid(scales),
    }
    language = _lang(lang, header_lang(ranges["scheme"], "scheme") or DEFAULT_LANG)
    survey = parse_tables(ranges, _message_lang(lang))
    # Ranges have no sheet names: 区域 / Region is named in the language of the Customers header.
    survey.sheet_names["customers"] = labels.SHEET["customers"].text(header_lang(ranges["customers"], "customers") or language)
    name = single(column, "column")
    try:
        chosen = group_columns(survey)[0] if is_blank(name) else resolve_column(survey, str(name))
    except (IndexError, UnknownGroupColumnError):
        available = ", ".join(group_columns(survey)) or "—"
        raise CellError([RangeProblem("unknown_group_column", {"name": "—" if is_blank(name) else name,
                                                                "accepted": available})],
                        lang=_message_lang(lang)) from None
    table = wide_table(group_table(score(survey), [chosen]), chosen, language)
    return [[c.label for c in table.columns], *([_cell(row.get(c.key)) for c in table.columns] for row in table.rows)]


def _cell(value: Any) -> Any:
    return excel_value(value)
