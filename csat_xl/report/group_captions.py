"""Captions of customer groups, trends and churn (issue 13) in both languages, as data.

Merged into :data:`csat_xl.report.captions.CAPTIONS`, so the report model,
the template builder, ``csat-xl score --by`` and ``=CSAT_GROUPS()`` read
them through :func:`csat_xl.report.captions.caption`.
"""

from __future__ import annotations

GROUP_CAPTIONS: dict[str, dict[str, str]] = {
    "sheet.groups": {"zh": "分组", "en": "Groups"},
    "title.groups": {"zh": "按客户分组的满意度", "en": "Satisfaction by customer group"},
    "block.groups": {"zh": "各分组的 CSI、满意率与等级", "en": "CSI, satisfaction rate and grades by group"},
    "block.group_categories": {"zh": "各分组的类别综合得分", "en": "Category scores by group"},
    "block.groups_column": {"zh": "按{column}", "en": "By {column}"},
    "chart.groups": {"zh": "各分组 CSI（误差线：95% 置信区间）", "en": "CSI by group (error bars: 95% interval)"},
    "no_groups": {"zh": "客户表中没有分组列（如 区域、客户类型），未分组。",
                  "en": "The Customers sheet has no group column (such as Region or Customer type); no groups."},
    "groups_note": {"zh": "少于 {n} 个已评分客户的分组不显示得分（灰色）；“与其余之差”= 该组 CSI − 其余客户 CSI，区间不含 0 即为显著。",
                    "en": "Groups with fewer than {n} scored customers show no figures (grey); difference = the group's CSI − the other customers' CSI, significant when its interval excludes 0."},
    "col.group_column": {"zh": "分组列", "en": "Group column"},
    "col.group": {"zh": "分组", "en": "Group"},
    "col.customers": {"zh": "客户数", "en": "Customers"},
    "col.customers_scored": {"zh": "已评分", "en": "Scored"},
    "col.csi": {"zh": "CSI", "en": "CSI"},
    "col.csi_half_width": {"zh": "± 区间", "en": "± interval"},
    "col.csi_weighted": {"zh": "加权 CSI", "en": "Weighted CSI"},
    "col.satisfaction_rate": {"zh": "满意率", "en": "Satisfaction rate"},
    "col.difference": {"zh": "与其余之差", "en": "Difference from the rest"},
    "col.differs": {"zh": "显著", "en": "Significant"},
    "col.group_note": {"zh": "备注", "en": "Note"},
    "col.mean": {"zh": "综合均分", "en": "Mean blended"},
    "col.difference_all": {"zh": "与全体之差", "en": "Difference from all"},
    "group.suppressed": {"zh": "少于 {n} 个已评分客户，不显示", "en": "fewer than {n} scored customers: not shown"},
    "group.suppressed_short": {"zh": "不显示", "en": "not shown"},
    "group.all": {"zh": "全部客户", "en": "All customers"},
}

#: Trends and churn (ANALYSES.md §4).
GROUP_CAPTIONS.update({
    "block.trend_categories": {"zh": "各期类别综合得分", "en": "Category scores by period"},
    "block.trend_items": {"zh": "各期项目综合得分", "en": "Item scores by period"},
    "block.persistent": {"zh": "持续短板（连续两期及以上位列前三大短板）", "en": "Persistent weaknesses (among the three largest in two or more consecutive periods)"},
    "block.churn_record": {"zh": "客户流失（客户表“状态”列）", "en": "Customer churn (Status column of the Customers sheet)"},
    "chart.trend_categories": {"zh": "各期类别综合得分", "en": "Category scores by period"},
    "no_persistent": {"zh": "没有连续两期及以上位列前三的短板。", "en": "No item was among the three largest weaknesses in two consecutive periods."},
    "col.change": {"zh": "较上期变化", "en": "Change"},
    "col.periods_in_top": {"zh": "位列前三的期间", "en": "Periods in the top three"},
    "col.run": {"zh": "连续期数", "en": "Consecutive periods"},
    "col.latest_rank": {"zh": "本期短板排名", "en": "Latest rank"},
    "col.latest_weakness": {"zh": "本期短板值", "en": "Latest weakness"},
    "col.status": {"zh": "状态", "en": "Status"},
    "churn.rule": {"zh": "流失预警规则", "en": "Churn rule"},
    "churn.rule_value": {"zh": "连续 {periods} 期及以上得分在“{grade}”及以下", "en": "{grade} or below in {periods} or more consecutive periods"},
    "churn.customers": {"zh": "有状态的客户", "en": "Customers with a status"},
    "churn.lost": {"zh": "流失客户", "en": "Lost customers"},
    "churn.rate": {"zh": "流失率", "en": "Churn rate"},
    "churn.flagged": {"zh": "此前各期的流失风险客户", "en": "Churn risks in the earlier periods"},
    "churn.flagged_lost": {"zh": "其中已流失", "en": "of whom lost"},
    "churn.hit_rate": {"zh": "规则命中率（此前已预警）", "en": "Rule hit rate (flagged before)"},
    "churn.none_short": {"zh": "无“状态”列：未计算流失率。", "en": "No Status column: no churn rate."},
    "churn.none": {"zh": "客户表没有“状态”列（在用/流失），未计算流失率。", "en": "The Customers sheet has no Status column (active/lost); no churn rate."},
    "block.churn_rule": {"zh": "流失风险客户（{rule}）", "en": "Churn risks ({rule})"},
})
