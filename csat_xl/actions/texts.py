"""Names and messages of the button actions, in Chinese and English, as data.

Sheet names the actions write (findings, results) are :class:`Label` s like
every other bilingual name; messages are looked up with :func:`say`.  Cell
values and finding messages come from the core (:mod:`csat_xl.labels`,
:data:`csat_xl.findings.MESSAGES`); nothing here repeats them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from .. import labels
from ..i18n import default_lang
from ..labels import Label
from ..text import match_key

#: Sheets the actions create in the active workbook.  They are not survey
#: sheets, so the reader ignores them (WORKBOOK.md: unknown sheets are kept
#: and ignored) and re-running an action rewrites them.  Their names differ
#: from every sheet of the survey template (csat_xl.template: its formula
#: sheet is 结果 / Results), which an action must never overwrite.
FINDINGS_SHEET = Label("findings", "校验结果", "Findings")
RESULTS_SHEET = Label("results", "客户得分", "Customer scores")

#: Columns of the findings sheet: where, what was found, why it is a problem.
FINDING_COLUMNS = (
    Label("severity", "严重程度", "Severity"),
    Label("sheet", "工作表", "Sheet"),
    Label("cell", "单元格", "Cell"),
    Label("value", "值", "Value"),
    Label("message", "说明", "Reason"),
)

MESSAGES: dict[str, dict[str, str]] = {
    # A report chart whose series has an interval (error bars in the report file, issue 13): xlwings'
    # chart API, on COM and on Office.js, draws no error bars, so the title points to the table's column.
    "chart_interval_in_table": {"en": "{series} by group (interval: the {column} column of the table above)",
                                "zh": "各分组 {series}（区间见上表“{column}”列）"},
    # 合并 Consolidate (issue 16)
    "consolidate_pick": {"en": "Folder of the branch workbooks to consolidate", "zh": "选择各单位工作簿所在的文件夹"},
    "consolidate_none": {"en": "No branch workbook in {folder} could be read; nothing was written.\n{lines}",
                         "zh": "{folder} 中没有可读取的单位工作簿；未写入任何文件。\n{lines}"},
    "consolidate_partly": {"en": "{n} file(s) not included (listed on the Files sheet):\n{lines}",
                           "zh": "{n} 个文件未计入（见“文件”工作表）：\n{lines}"},
    "findings_title": {"en": "Validation of {book}", "zh": "{book} 校验结果"},
    "results_title": {"en": "Results — {book}", "zh": "{book} 计算结果"},
    "invalid_book": {
        "en": "{n} error(s) in {book}: see the sheet {sheet}. Nothing else was changed.",
        "zh": "{book} 中有 {n} 个错误：见工作表“{sheet}”。其他内容均未改动。",
    },
    "template_sheets_exist": {
        "en": "This workbook already has the survey sheet(s) {names}; open a blank workbook and click New template again.",
        "zh": "此工作簿已有调查工作表 {names}；请新建一个空白工作簿后再点击“新建模板”。",
    },
    "save_first": {
        "en": "Save the workbook {book} to a folder first: the report is written next to it.",
        "zh": "请先把工作簿 {book} 保存到文件夹：报告会写在它旁边。",
    },
    "no_workbook": {
        "en": "No workbook is open: open the survey workbook and click the button again.",
        "zh": "没有打开的工作簿：请打开调查工作簿后再点击按钮。",
    },
}


#: How a list of names is written in a sentence or a cell.
LIST_SEPARATOR = {"zh": "、", "en": ", "}


def join(lang: str, names: Iterable[str]) -> str:
    return LIST_SEPARATOR["zh" if lang == "zh" else "en"].join(names)


_SURVEY_SHEET_KEYS = frozenset(match_key(name) for label in labels.SHEETS for name in label.names)


def is_survey_sheet(name: str) -> bool:
    """True for a sheet the survey reader would take (指标, Questionnaire, " 问卷 " …)."""
    return match_key(name) in _SURVEY_SHEET_KEYS


def say(key: str, lang: str, **values: object) -> str:
    """The message ``key`` in ``lang`` with ``values`` filled in."""
    return MESSAGES[key]["zh" if lang == "zh" else "en"].format(**values)


def workbook_lang(sheet_names: Iterable[str]) -> str:
    """The language to answer in for a workbook with these sheets.

    ``CSAT_LANG`` wins when set; otherwise the language of the workbook's
    own survey sheet names (a workbook with 指标 / 问卷 gets Chinese output,
    Scheme / Questionnaire English); otherwise the locale.  Office.js sends
    no UI language, so the workbook is the best witness of its user's.
    """
    env = os.environ.get("CSAT_LANG", "").lower()
    if env in ("zh", "en"):
        return env
    keys = {match_key(name) for name in sheet_names}
    zh = sum(match_key(s.zh) in keys for s in labels.SHEETS)
    en = sum(match_key(s.en) in keys for s in labels.SHEETS)
    if zh or en:
        return "zh" if zh >= en else "en"
    return default_lang()
