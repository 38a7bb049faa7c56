"""Captions of the summary report (sheet names, headings, column headers), as data.

Names of grades, outcomes, flags, settings and result columns come from
:mod:`csat_xl.labels`; this table holds only what the report adds.  The
report model (:mod:`csat_xl.report.model`) and the template builder
(``templates/build_report_templates.py``) both read it, so a caption is
changed in one place and both languages stay side by side.
"""

from __future__ import annotations

CAPTIONS: dict[str, dict[str, str]] = {
    # --- sheets
    "sheet.overview": {"zh": "概览", "en": "Overview"},
    "sheet.customers": {"zh": "客户", "en": "Customers"},
    "sheet.items": {"zh": "指标", "en": "Items"},
    "sheet.complaints": {"zh": "投诉", "en": "Complaints"},
    "sheet.trend": {"zh": "趋势", "en": "Trend"},
    "sheet.data_quality": {"zh": "数据质量", "en": "Data quality"},
    "sheet.method": {"zh": "方法", "en": "Method"},
    # --- titles and block headings
    "title": {"zh": "顾客满意度测评报告", "en": "Customer satisfaction report"},
    "title.customers": {"zh": "客户满意度明细", "en": "Satisfaction by customer"},
    "title.items": {"zh": "指标得分与服务短板", "en": "Item scores and weaknesses"},
    "title.complaints": {"zh": "投诉分析", "en": "Complaint analysis"},
    "title.trend": {"zh": "期间对比", "en": "Period comparison"},
    "title.data_quality": {"zh": "数据质量问题", "en": "Data-quality findings"},
    "title.method": {"zh": "测评方法记录", "en": "Method record"},
    "block.headline": {"zh": "主要指标", "en": "Headline figures"},
    "block.targets": {"zh": "目标达成", "en": "Targets"},
    "block.grades": {"zh": "等级分布", "en": "Grade distribution"},
    "block.categories": {"zh": "类别得分", "en": "Category scores"},
    "block.items": {"zh": "项目", "en": "Items"},
    "block.by_outcome": {"zh": "按处理结果", "en": "By outcome"},
    "block.by_category": {"zh": "按投诉类别", "en": "By category"},
    "block.by_department": {"zh": "按责任部门", "en": "By department"},
    "block.by_product": {"zh": "按产品", "en": "By product"},
    "block.by_region": {"zh": "按区域", "en": "By region"},
    "block.pareto": {"zh": "排列图（按投诉类别）", "en": "Pareto (by complaint category)"},
    "block.periods": {"zh": "各期指标", "en": "Figures by period"},
    "block.churn": {"zh": "流失风险客户（连续多期比较满意及以下）", "en": "Churn risks (fairly satisfied or below in consecutive periods)"},
    "block.inputs": {"zh": "输入文件", "en": "Input files"},
    "block.weights": {"zh": "权重（声明与实际使用）", "en": "Weights (as stated and as used)"},
    "block.settings": {"zh": "参数", "en": "Settings"},
    "block.scales": {"zh": "量表", "en": "Scales"},
    "block.record": {"zh": "生成信息", "en": "Record"},
    # --- single values (fields)
    "kpi.period": {"zh": "期间", "en": "Period"},
    "kpi.customers": {"zh": "客户总数", "en": "Customers"},
    "kpi.scored": {"zh": "已评分客户", "en": "Customers scored"},
    "kpi.not_surveyed": {"zh": "未调查客户", "en": "Not surveyed"},
    "kpi.not_visited": {"zh": "未走访客户", "en": "Not visited"},
    "kpi.csi": {"zh": "顾客满意度指数（CSI）", "en": "CSI"},
    "kpi.csi_weighted": {"zh": "CSI（按客户权重）", "en": "CSI (customer-weighted)"},
    "kpi.satisfaction_rate": {"zh": "满意率", "en": "Satisfaction rate"},
    "kpi.complaints": {"zh": "投诉数", "en": "Complaints"},
    "kpi.closure_rate": {"zh": "投诉关闭率", "en": "Closure rate"},
    "kpi.completion_value": {"zh": "完成值", "en": "Completion value"},
    "kpi.target_value": {"zh": "目标值", "en": "Target value"},
    "kpi.source": {"zh": "数据来源", "en": "Source"},
    "kpi.generated_at": {"zh": "生成时间", "en": "Generated"},
    "target.measure": {"zh": "指标", "en": "Measure"},
    "target.value": {"zh": "实际", "en": "Actual"},
    "target.attained": {"zh": "是否达成", "en": "Attained"},
    "attained": {"zh": "达成", "en": "attained"},
    "not_attained": {"zh": "未达成", "en": "not attained"},
    "not_applicable": {"zh": "—", "en": "—"},
    "record.version": {"zh": "csat-xl 版本", "en": "csat-xl version"},
    "record.generated_at": {"zh": "生成时间", "en": "Generated"},
    "record.weight_mode": {"zh": "权重模式", "en": "Weight mode"},
    "record.language": {"zh": "报告语言", "en": "Report language"},
    # --- table columns
    "col.rank": {"zh": "排名", "en": "Rank"},
    "col.region": {"zh": "区域", "en": "Region"},
    "col.respondents": {"zh": "受访人数", "en": "Respondents"},
    "col.visits": {"zh": "走访次数", "en": "Visits"},
    "col.complaints": {"zh": "投诉数", "en": "Complaints"},
    "col.grade": {"zh": "等级", "en": "Grade"},
    "col.count": {"zh": "数量", "en": "Count"},
    "col.share": {"zh": "占比", "en": "Share"},
    "col.cumulative_share": {"zh": "累计占比", "en": "Cumulative share"},
    "col.adjustment": {"zh": "加减分合计", "en": "Adjustment total"},
    "col.name": {"zh": "名称", "en": "Name"},
    "col.category": {"zh": "类别", "en": "Category"},
    "col.item": {"zh": "项目", "en": "Item"},
    "col.category_weight": {"zh": "类别权重（声明）", "en": "Category weight (stated)"},
    "col.item_weight": {"zh": "项目权重（声明）", "en": "Item weight (stated)"},
    "col.item_weight_sum": {"zh": "项目权重合计", "en": "Sum of item weights"},
    "col.weight": {"zh": "实际权重", "en": "Effective weight"},
    "col.answers": {"zh": "答卷数", "en": "Answers"},
    "col.mean_questionnaire": {"zh": "问卷均分", "en": "Mean questionnaire"},
    "col.mean_visit": {"zh": "走访均分", "en": "Mean visit"},
    "col.mean_blended": {"zh": "综合均分", "en": "Mean blended"},
    "col.weakness": {"zh": "短板值", "en": "Weakness"},
    "col.weakness_rank": {"zh": "短板排名", "en": "Weakness rank"},
    "col.scale": {"zh": "量表", "en": "Scale"},
    "col.label": {"zh": "标签", "en": "Label"},
    "col.value": {"zh": "值", "en": "Value"},
    "col.setting": {"zh": "参数", "en": "Setting"},
    "col.period": {"zh": "期间", "en": "Period"},
    "col.csi_delta": {"zh": "CSI 变化", "en": "CSI change"},
    "col.rate_delta": {"zh": "满意率变化", "en": "Rate change"},
    "col.file": {"zh": "文件", "en": "File"},
    "col.role": {"zh": "用途", "en": "Role"},
    "col.sha256": {"zh": "SHA-256", "en": "SHA-256"},
    "col.consecutive_periods": {"zh": "连续期数", "en": "Consecutive periods"},
    "col.history": {"zh": "各期得分", "en": "Scores by period"},
    "col.latest_final": {"zh": "本期得分", "en": "Latest score"},
    "col.severity": {"zh": "级别", "en": "Severity"},
    "col.sheet": {"zh": "工作表", "en": "Sheet"},
    "col.cell": {"zh": "单元格", "en": "Cell"},
    "col.message": {"zh": "说明", "en": "Reason"},
    "role.current": {"zh": "本期", "en": "current period"},
    "role.previous": {"zh": "上期", "en": "previous period"},
    "no_findings": {"zh": "未发现数据质量问题。", "en": "No data-quality problems found."},
    "no_complaints": {"zh": "本期无投诉。", "en": "No complaints in this period."},
    "no_churn": {"zh": "无连续多期低满意度的客户。", "en": "No customer was below satisfied in consecutive periods."},
    # --- charts
    "chart.grades": {"zh": "等级分布（客户数）", "en": "Grade distribution (customers)"},
    "chart.categories": {"zh": "类别综合得分", "en": "Category scores (blended)"},
    "chart.pareto": {"zh": "投诉排列图", "en": "Complaint Pareto chart"},
    "chart.trend": {"zh": "各期 CSI 与满意率", "en": "CSI and satisfaction rate by period"},
    "chart.weakness": {"zh": "服务短板（短板值）", "en": "Weaknesses (weakness value)"},
}

# The statistics' captions (issue 7) keep their own table; on a clash the report's win.
from .stats_captions import STATS_CAPTIONS  # noqa: E402

from .group_captions import GROUP_CAPTIONS  # noqa: E402
from .consolidated_captions import CONSOLIDATED_CAPTIONS  # noqa: E402  (the group report of csat-xl consolidate, issue 16)

for _key, _text in {**STATS_CAPTIONS, **GROUP_CAPTIONS, **CONSOLIDATED_CAPTIONS}.items():
    CAPTIONS.setdefault(_key, _text)

# Complaint handling and improvement actions (issue 14), likewise.
from .handling_captions import HANDLING_CAPTIONS  # noqa: E402

for _key, _text in HANDLING_CAPTIONS.items():
    CAPTIONS.setdefault(_key, _text)

# Loyalty, key drivers and comments (issue 15).
from .voice_captions import VOICE_CAPTIONS  # noqa: E402

for _key, _text in VOICE_CAPTIONS.items():
    CAPTIONS.setdefault(_key, _text)


def caption(key: str, lang: str) -> str:
    """The caption ``key`` in ``lang`` (``zh`` or ``en``)."""
    return CAPTIONS[key]["zh" if lang == "zh" else "en"]
