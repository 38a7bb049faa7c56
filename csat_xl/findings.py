"""Findings (data-quality problems) and the exceptions that carry them.

A :class:`Finding` is one thing wrong with, or worth knowing about, an input:
its severity, where it is (sheet and cell address such as ``问卷!F7``), the
value found, and a message code with parameters.  Messages are rendered in
Chinese or English from :data:`MESSAGES`, so the reader never builds text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import labels

ERROR, WARNING, INFO = "error", "warning", "info"

#: Message templates by code.  ``{value}`` is the offending value as displayed.
MESSAGES: dict[str, dict[str, str]] = {
    # --- sheets and columns
    "missing_sheet": {
        "en": "required sheet {sheet_names} is missing (sheets found: {found}; accepted names: {accepted})",
        "zh": "缺少必需的工作表 {sheet_names}（找到的工作表：{found}；可用的名称：{accepted}）",
    },
    "no_data_sheet": {
        "en": "none of the sheets {sheet_names} was found, so nothing can be scored (sheets found: {found}; accepted names: {accepted}); rename the data sheets",
        "zh": "没有找到 {sheet_names} 中的任何一个工作表，无法评分（找到的工作表：{found}；可用的名称：{accepted}）；请重命名数据工作表",
    },
    "missing_column": {
        "en": "required column {column_names} is missing from the header row (accepted: {accepted})",
        "zh": "表头行缺少必需的列 {column_names}（可用的名称：{accepted}）",
    },
    "header_not_found": {
        "en": "no header row: none of the first {rows} rows holds the column {column} (accepted: {accepted})",
        "zh": "找不到表头行：前 {rows} 行中没有列 {column}（可用的名称：{accepted}）",
    },
    "rows_above_header": {"en": "rows {rows} above the header are not read ({value} …)", "zh": "表头上方的第 {rows} 行未读取（{value} …）"},
    "two_row_header": {"en": "the header spans rows {rows}; column names are read from both", "zh": "表头占第 {rows} 两行；列名从两行合并读取"},
    "duplicate_column": {"en": "column {value} appears twice; the second is ignored", "zh": "列 {value} 重复，第二个被忽略"},
    "ignored_columns": {
        "en": "{count} column(s) not read (not a known column or item): {columns}",
        "zh": "{count} 列未读取（不是已知列或指标项目）：{columns}",
    },
    "summary_row": {"en": "summary row {value} not read", "zh": "汇总行 {value} 未读取"},
    "uncached_formulas": {
        "en": "{count} formula cell(s) have no saved value and are read as blank (first here); open and save the workbook in Excel or WPS",
        "zh": "{count} 个公式单元格没有保存的计算结果，按空白读取（第一个在此）；请用 Excel 或 WPS 打开并保存工作簿",
    },
    "not_on_roster": {
        "en": "customer {value} is not on the {customers_sheet} sheet; row left out",
        "zh": "客户 {value} 不在 {customers_sheet} 工作表中；该行未计入",
    },
    "lock_file": {
        "en": "{value} is open in Excel (lock file {lock} beside it): unsaved changes are not read",
        "zh": "{value} 正在 Excel 中打开（旁边有锁文件 {lock}）：未保存的修改不会被读取",
    },
    "empty_sheet": {"en": "sheet has no data", "zh": "工作表没有数据"},
    "duplicate_sheet": {
        "en": "sheets {first} and {second} are both {sheet_names}: keep one, or rename the other",
        "zh": "工作表 {first} 和 {second} 都对应 {sheet_names}：请保留一个，或重命名另一个",
    },
    "no_data": {"en": "no questionnaire or visit data: no customer can be scored", "zh": "没有问卷或走访数据：无法为任何客户评分"},
    "item_not_in_sheet": {"en": "item {item} has no column here", "zh": "项目 {item} 在此表中没有对应列"},
    # --- scheme
    "item_without_category": {"en": "item {value} has no category", "zh": "项目 {value} 没有类别"},
    "row_without_item": {"en": "row has a weight or category but no item name", "zh": "该行有类别或权重但没有项目名称"},
    "duplicate_item": {"en": "item {value} is listed twice", "zh": "项目 {value} 重复"},
    "bad_weight": {"en": "{value} is not a weight: weights are numbers greater than 0", "zh": "{value} 不是有效权重：权重必须是大于 0 的数字"},
    "missing_category_weight": {"en": "category {category} has no weight", "zh": "类别 {category} 没有权重"},
    "conflicting_category_weight": {"en": "category {category} is given weights {value} and {other}", "zh": "类别 {category} 的权重不一致：{value} 与 {other}"},
    "unknown_scale": {"en": "{value} is not a scale (known: {accepted})", "zh": "{value} 不是已定义的量表（已有：{accepted}）"},
    "no_items": {"en": "the scheme lists no items", "zh": "指标体系中没有任何项目"},
    "rescaled_category": {
        "en": "category {category}: item weights sum to {actual}, declared {declared}; items rescaled to {declared}",
        "zh": "类别 {category}：项目权重合计 {actual}，声明为 {declared}；已按比例调整为 {declared}",
    },
    "rescaled_categories": {
        "en": "category weights sum to {actual}, not 100; rescaled to 100",
        "zh": "类别权重合计 {actual}，不等于 100；已按比例调整为 100",
    },
    "rescaled_items": {
        "en": "item weights sum to {actual}, not 100; normalised to 100 (weight mode item)",
        "zh": "项目权重合计 {actual}，不等于 100；已归一化为 100（按项目权重模式）",
    },
    "category_weight_differs": {
        "en": "category {category}: declared weight {declared}, its items sum to {actual} (weight mode item: items are used as given)",
        "zh": "类别 {category}：声明权重 {declared}，项目合计 {actual}（按项目权重模式：使用项目权重）",
    },
    # --- scales
    "bad_scale_value": {"en": "{value} is not a score 0–100 for label {label} of scale {scale}", "zh": "{value} 不是量表 {scale} 标签 {label} 的有效分值（0–100）"},
    "unknown_five_grade_label": {"en": "{value} is not a label of the five-grade scale ({accepted})", "zh": "{value} 不是五级量表的标签（{accepted}）"},
    "duplicate_scale_label": {"en": "label {value} is defined twice in scale {scale}", "zh": "量表 {scale} 中标签 {value} 重复定义"},
    "blank_scale_label": {"en": "row has no scale or no label", "zh": "该行缺少量表名或标签"},
    # --- cells
    "not_on_scale": {"en": "{value} is not on scale {scale} ({accepted})", "zh": "{value} 不在量表 {scale} 中（{accepted}）"},
    "out_of_range": {"en": "{value} is outside 0–100", "zh": "{value} 超出 0–100 范围"},
    "cached_error": {"en": "{value} is a formula error, not a score", "zh": "{value} 是公式错误值，不是分数"},
    "not_recommend": {"en": "{value} is not a likelihood to recommend: a number 0–10", "zh": "{value} 不是推荐意愿：应为 0–10 的数字"},
    "not_a_score": {"en": "{value} is not a score or a label", "zh": "{value} 既不是分数也不是标签"},
    "missing_customer_id": {"en": "row has data but no customer ID", "zh": "该行有数据但没有客户编号"},
    "unknown_outcome": {"en": "{value} is not a complaint outcome ({accepted})", "zh": "{value} 不是投诉处理结果（{accepted}）"},
    "blank_outcome": {"en": "complaint has no outcome: counted as unhandled ({adjustment})", "zh": "投诉没有处理结果：按未处理计（{adjustment}）"},
    "bad_customer_weight": {"en": "{value} is not a customer weight (a number ≥ 0)", "zh": "{value} 不是有效的客户权重（≥ 0 的数字）"},
    "duplicate_customer": {"en": "customer {value} is listed twice; the first row is used", "zh": "客户 {value} 重复列出，使用第一行"},
    # --- settings
    "unknown_setting": {"en": "{value} is not a setting ({accepted})", "zh": "{value} 不是可用的参数（{accepted}）"},
    "bad_setting_value": {"en": "{value} is not a valid value for {setting} ({accepted})", "zh": "{value} 不是参数 {setting} 的有效值（{accepted}）"},
    "duplicate_setting": {"en": "setting {setting} is given twice; the first is used", "zh": "参数 {setting} 重复，使用第一个"},
    "grade_bounds_order": {"en": "grade lower bounds must decrease from 很满意 to 不满意: {value}", "zh": "等级下限必须从很满意到不满意递减：{value}"},
    "lowest_grade_bound": {"en": "the lowest grade has no lower bound; {value} is ignored", "zh": "最低等级没有下限；{value} 被忽略"},
    # --- complaint handling and improvement actions (ANALYSES.md §2–3)
    "not_a_date": {"en": "{value} is not a date ({column}); left out of the timing figures", "zh": "{value} 不是日期（{column}）；不计入时效统计"},
    "response_before_receipt": {"en": "response {value} is before the complaint was received ({earlier}); left out", "zh": "响应日期 {value} 早于投诉日期（{earlier}）；不计入"},
    "closed_before_receipt": {"en": "closed {value} before the complaint was received ({earlier}); left out", "zh": "关闭日期 {value} 早于投诉日期（{earlier}）；不计入"},
    "unknown_severity": {"en": "{value} is not a severity ({accepted})", "zh": "{value} 不是严重程度（{accepted}）"},
    "unknown_status": {"en": "{value} is not an action status ({accepted}); the action counts as open", "zh": "{value} 不是整改状态（{accepted}）；按未完成计"},
    "action_without_due_date": {"en": "action {value} has no due date; it is left out of the on-time rate", "zh": "措施 {value} 没有计划完成日期；不计入按时整改率"},
    "done_before_created": {"en": "done {value} before the action was created ({earlier}); left out", "zh": "实际完成 {value} 早于提出日期（{earlier}）；不计入"},
    "finished_without_done_date": {"en": "status {value} but no done date: counted as not done on time", "zh": "状态为 {value} 但没有实际完成日期：按未按时完成计"},
    # --- scoring
    "clamped": {"en": "customer {customer}: final score {value} clamped to {clamped}", "zh": "客户 {customer}：最终得分 {value} 截断为 {clamped}"},
    "not_surveyed": {"en": "customer {customer} is listed but has no questionnaire, visit or complaint", "zh": "客户 {customer} 已列出，但没有问卷、走访或投诉"},
}


@dataclass(frozen=True)
class Finding:
    """One data-quality finding, located by sheet and cell."""

    severity: str
    code: str
    sheet: str | None = None
    cell: str | None = None
    value: Any = None
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def message(self, lang: str = "en") -> str:
        from .text import display

        template = MESSAGES[self.code]["zh" if lang == "zh" else "en"]
        return template.format(value=display(self.value), **self.params)

    def location(self) -> str:
        return self.cell or self.sheet or ""

    def render(self, lang: str = "en") -> str:
        where = self.location()
        return f"{where}: {self.message(lang)}" if where else self.message(lang)

    def as_dict(self, lang: str = "en") -> dict[str, Any]:
        return {
            "severity": self.severity,
            "code": self.code,
            "sheet": self.sheet,
            "cell": self.cell,
            "value": self.value if isinstance(self.value, (str, int, float, type(None))) else str(self.value),
            "message": self.message(lang),
        }

    def __str__(self) -> str:
        return self.render("en")


def severity_label(severity: str, lang: str) -> str:
    return labels.SEVERITY[severity].text(lang)


def errors(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.is_error]


class CsatError(Exception):
    """Base class of every error csat-xl raises on purpose."""


class InvalidInputError(CsatError):
    """The input has errors; :attr:`findings` lists all of them (and warnings)."""

    def __init__(self, findings: Iterable[Finding], source: str | None = None):
        self.findings = list(findings)
        self.source = source
        first = errors(self.findings)[:3]
        summary = "; ".join(f.render("en") for f in first)
        more = len(errors(self.findings)) - len(first)
        super().__init__(
            f"{source + ': ' if source else ''}{len(errors(self.findings))} error(s): {summary}"
            + (f"; and {more} more" if more > 0 else "")
        )


class OutputError(CsatError):
    """An output file could not be written (locked, same as the input, …)."""
