"""User-interface strings in Chinese and English, and the language choice.

Names of sheets, columns, grades and outcomes live in :mod:`csat_xl.labels`;
finding messages in :data:`csat_xl.findings.MESSAGES`; everything else a user
reads (CLI headings, report captions) lives here, as data.
"""

from __future__ import annotations

import locale
import os

UI: dict[str, dict[str, str]] = {
    "errors_found": {"en": "{n} error(s) in {source}; nothing was written.", "zh": "{source} 中有 {n} 个错误；未写入任何文件。"},
    "more_warnings": {"en": "… and {n} more warning(s) of the kinds above; `csat-xl validate` lists them all.", "zh": "……另有 {n} 个同类警告未列出；`csat-xl validate` 可列出全部。"},
    "no_problems": {"en": "No problems found.", "zh": "未发现问题。"},
    "findings_summary": {"en": "{errors} error(s), {warnings} warning(s), {infos} note(s)", "zh": "{errors} 个错误，{warnings} 个警告，{infos} 条提示"},
    "scores_title": {"en": "Satisfaction scores — {source}", "zh": "顾客满意度得分 — {source}"},
    "csi": {"en": "CSI", "zh": "顾客满意度指数"},
    "csi_weighted": {"en": "CSI (customer-weighted)", "zh": "顾客满意度指数（按客户权重）"},
    "satisfaction_rate": {"en": "Satisfaction rate", "zh": "满意率"},
    "scored_customers": {"en": "Customers scored", "zh": "已评分客户"},
    "cannot_read": {"en": "cannot read {path}: {reason}", "zh": "无法读取 {path}：{reason}"},
    "unexpected": {"en": "unexpected failure: {reason}", "zh": "意外错误：{reason}"},
    "internal_error": {"en": "internal error, please report: {reason} (run again with --debug for the details)",
                       "zh": "内部错误，请报告：{reason}（加 --debug 重新运行可看到详细信息）"},
    "output_written": {"en": "Written: {path}", "zh": "已写入：{path}"},
    "demo_source": {"en": "Demo: scoring the bundled sample {path}", "zh": "演示：为自带示例 {path} 评分"},
    "period": {"en": "Period", "zh": "期间"},
    "attained": {"en": "attained", "zh": "达成"},
    "not_attained": {"en": "not attained", "zh": "未达成"},
    "completion_value": {"en": "completion value", "zh": "完成值"},
    "target_value": {"en": "target value", "zh": "目标值"},
    # csat-xl report / demo (captions inside the report: csat_xl/report/captions.py)
    "report_written": {"en": "Report written: {path}", "zh": "报告已写入：{path}"},
    "report_extra_arguments": {"en": "one workbook per report; give earlier periods with --previous: {names}", "zh": "每份报告只有一个本期工作簿；上期工作簿请用 --previous 指定：{names}"},
    "template_written": {"en": "Template written: {path} ({customers} customers, {rows} questionnaire rows)", "zh": "模板已写入：{path}（{customers} 个客户，{rows} 行问卷）"},
    "report_reading": {"en": "Reading {path}", "zh": "读取 {path}"},
    "report_building": {"en": "Scoring and summarising", "zh": "计算与汇总"},
    "report_rendering": {"en": "Filling the template", "zh": "填写模板"},
    "unknown_group_column": {"en": "{name} is not a column of the Customers sheet; group columns: {available}", "zh": "{name} 不是客户表中的列；可用的分组列：{available}"},
    "report_saving": {"en": "Saving the workbook", "zh": "保存工作簿"},
}


def t(key: str, lang: str = "en", **values: object) -> str:
    """The UI string ``key`` in ``lang``, formatted with ``values``."""
    return UI[key]["zh" if lang == "zh" else "en"].format(**values)


def default_lang() -> str:
    """``CSAT_LANG`` if set, else Chinese for a Chinese locale, else English."""
    env = os.environ.get("CSAT_LANG", "").lower()
    if env in ("zh", "en"):
        return env
    try:
        current = locale.getlocale()[0] or os.environ.get("LANG", "")
    except ValueError:
        current = os.environ.get("LANG", "")
    return "zh" if str(current).lower().startswith("zh") else "en"
