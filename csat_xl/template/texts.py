"""Words of the template workbook in Chinese and English, as data.

Survey sheet and column names come from :mod:`csat_xl.labels` (the reader
must recognise them); this module holds only what the template adds: the
names of its own sheets, the Results and Checks captions, input messages of
the data-validation prompts and the Instructions text.
"""

from __future__ import annotations

from ..labels import Label

#: Visible sheets the template adds.  The reader ignores them (unknown names).
INSTRUCTIONS_SHEET = Label("instructions", "说明", "Instructions")
RESULTS_SHEET = Label("results", "结果", "Results")

#: Hidden helper sheets: each turns one input sheet into numbers.  The leading
#: underscore keeps them apart from any survey sheet name.
HELPER_SHEETS = {
    "lists": Label("lists", "_列表", "_Lists"),
    "method": Label("method", "_方法", "_Method"),
    "answers": Label("answers", "_问卷数值", "_Answers"),
    "visits": Label("visits", "_走访数值", "_VisitGrades"),
    "complaints": Label("complaints", "_投诉数值", "_Complaints"),
    "customers": Label("customers", "_客户计算", "_PerCustomer"),
    "handling": Label("handling", "_时效", "_Handling"),  # complaint timing and actions (template/handling.py)
    "groups": Label("groups", "_分组", "_Groups"),  # the group table of Results (template/groups.py)
}

#: Column headers of the hidden helper sheets (shown when a user unhides them),
#: by the key the builder uses.
HELPER_COLUMNS = {label.key: label for label in (
    Label("scale", "量表序号", "scale no"),
    Label("label", "标签", "label"),
    Label("key", "匹配键", "match key"),
    Label("value", "分值", "value"),
    Label("outcome", "处理结果", "outcome"),
    Label("adjustment", "加减分", "adjustment"),
    Label("setting", "参数", "setting"),
    Label("option", "选项", "option"),
    Label("item", "项目", "item"),
    Label("category", "类别", "category"),
    Label("item_weight", "项目权重", "item weight"),
    Label("category_weight", "类别权重", "category weight"),
    Label("category_item_sum", "类别内项目权重和", "category item sum"),
    Label("effective_weight", "有效权重", "effective weight"),
    Label("valid", "权重有效", "valid"),
    Label("customer_key", "客户键", "customer key"),
    Label("customer_no", "客户序号", "customer no"),
    Label("no_id", "有数据无编号", "data without ID"),
    Label("next", "同客户下一行（偏移）", "next row of customer (offset)"),
    Label("rows", "行数（本行起）", "rows (from here)"),
    Label("count_tail", "答数（本行起）", "count (from here)"),
    Label("sum_tail", "分数和（本行起）", "sum (from here)"),
    Label("adjustment_tail", "加减分和（本行起）", "adjustment sum (from here)"),
    Label("blank_tail", "结果空白条数（本行起）", "blank outcomes (from here)"),
    Label("first_named", "首个有名称的行", "first row with a name"),
    Label("first_answer", "首行：问卷", "first row: questionnaire"),
    Label("first_visit", "首行：走访", "first row: visits"),
    Label("first_complaint", "首行：投诉", "first row: complaints"),
    Label("blank_outcome", "结果空白", "blank outcome"),
    Label("raw_key", "原始客户键", "raw customer key"),
    Label("respondents", "受访人数", "respondents"),
    Label("visits", "走访次数", "visits"),
    Label("complaints", "投诉条数", "complaints"),
    Label("blank_outcomes", "结果空白条数", "blank outcomes"),
    Label("answered_weight", "已答项目权重和", "answered weight"),
    Label("usable_weight", "计入加权CSI的权重", "weight in weighted CSI"),
    Label("final_or_zero", "最终得分或0", "final or 0"),
    Label("satisfied", "满意（1/0）", "satisfied (1/0)"),
    Label("q_count", "问卷答数", "Q count"),
    Label("q_mean", "问卷均分", "Q mean"),
    Label("v_count", "走访评次", "V count"),
    Label("v_value", "走访分", "V value"),
)}

#: KPI block of the Results sheet (METHOD.md §9), in display order.
KPIS = (
    Label("customers", "客户数", "Customers"),
    Label("scored", "已评分客户", "Customers scored"),
    Label("csi", "顾客满意度指数 CSI", "CSI"),
    Label("csi_weighted", "CSI（按客户权重）", "CSI (customer-weighted)"),
    Label("satisfaction_rate", "满意率", "Satisfaction rate"),
    Label("csi_completion", "CSI 对完成值", "CSI vs completion value"),
    Label("csi_target", "CSI 对目标值", "CSI vs target value"),
    Label("rate_completion", "满意率对完成值", "Rate vs completion value"),
    Label("rate_target", "满意率对目标值", "Rate vs target value"),
)

#: Checks block of the Results sheet: what ``csat-xl score`` would refuse or warn about.
CHECKS = (
    Label("bad_answers", "无效的问卷/走访单元格（红色）", "Invalid questionnaire/visit cells (red)"),
    Label("bad_outcomes", "无法识别的投诉处理结果（红色）", "Unrecognised complaint outcomes (red)"),
    Label("missing_ids", "有数据但缺少客户编号的行", "Rows with data but no customer ID"),
    Label("unlisted_ids", "编号不在客户表中的行（不计入结果）", "Rows with an ID not on Customers (left out)"),
    Label("duplicate_customers", "客户表中重复的客户编号", "Duplicate IDs on the Customers sheet"),
    Label("bad_weights", "无效的权重（须 > 0）", "Invalid weights (must be > 0)"),
    Label("bad_bounds", "等级下限未按从高到低排列", "Grade bounds not in descending order"),
)

TEXT: dict[str, dict[str, str]] = {
    "results_title": {"zh": "顾客满意度结果（由公式计算，随输入自动更新）", "en": "Customer satisfaction results (computed by formulas, updated as you type)"},
    "kpi_heading": {"zh": "汇总指标", "en": "Key figures"},
    "checks_heading": {"zh": "输入检查", "en": "Input checks"},
    "customers_heading": {"zh": "每个客户的得分", "en": "Scores per customer"},
    "ok": {"zh": "正常", "en": "OK"},
    "fix": {"zh": "请修正", "en": "Fix"},
    "attained": {"zh": "达成", "en": "attained"},
    "not_attained": {"zh": "未达成", "en": "not attained"},
    "weights_heading": {"zh": "有效权重", "en": "Effective weights"},
    # input messages of data validation (title ≤ 32 characters, text ≤ 255)
    "prompt_answer_title": {"zh": "填写评价", "en": "Answer"},
    "prompt_answer": {
        "zh": "从下拉列表选择标签（{scale}），或输入 0–100 的分数；留空表示未回答。",
        "en": "Pick a label of the scale {scale} or type a score 0–100; leave blank if not answered.",
    },
    "error_answer": {
        "zh": "不是该量表的标签。也可以输入 0–100 的分数。仍要保留吗？",
        "en": "Not a label of this item's scale. A score 0–100 is also accepted. Keep it anyway?",
    },
    "prompt_recommend": {"zh": "0–10 的数字（10 = 一定会推荐；用于 NPS，公式不使用）。", "en": "A number 0–10 (10 = certainly; for the NPS, not used by the formulas)."},
    "error_recommend": {"zh": "请输入 0–10 的数字。", "en": "Enter a number from 0 to 10."},
    "prompt_five_grade": {"zh": "选择五级标签或填 0–100（由 csat-xl 报告使用，公式不使用）。", "en": "Pick a five-grade label or type 0–100 (used by the csat-xl report, not by the formulas)."},
    "prompt_free_text": {"zh": "客户的原话（按文本保存，由 csat-xl 报告的意见分析使用）。", "en": "The customer's own words (kept as text; read by the csat-xl report's comment analysis)."},
    "prompt_visit": {
        "zh": "走访中谈到该项目时选择等级（或输入等级区间内的估计分数 0–100）；未谈到则留空，按“未提及按”设置计分。",
        "en": "Grade the item if it was raised (or type an estimated score 0–100 within the grade's band); leave blank if not raised: it counts as the 'unmentioned as' setting.",
    },
    "prompt_id_title": {"zh": "客户编号", "en": "Customer ID"},
    "prompt_id": {
        "zh": "选择或输入客户表中的客户编号；不在客户表中的客户不会出现在结果表中。",
        "en": "Pick or type a customer ID of the Customers sheet; customers not on that sheet do not appear on Results.",
    },
    "error_id": {"zh": "该客户编号不在客户表中。仍要保留吗？", "en": "This customer ID is not on the Customers sheet. Keep it anyway?"},
    "prompt_outcome_title": {"zh": "处理结果", "en": "Outcome"},
    "prompt_outcome": {
        "zh": "选择投诉处理结果；留空表示未处理（按“投诉:未处理”扣分）。",
        "en": "Pick the handling outcome; blank means unhandled (adjusted as 'complaint:unhandled').",
    },
    "error_outcome": {"zh": "不是可识别的处理结果。仍要保留吗？", "en": "Not a known outcome. Keep it anyway?"},
    "prompt_weight_title": {"zh": "权重", "en": "Weight"},
    "prompt_weight": {"zh": "大于 0 的数字。修改后所有结果自动重算。", "en": "A number greater than 0. All results recalculate when you change it."},
    "error_weight": {"zh": "权重必须是大于 0 的数字。", "en": "A weight must be a number greater than 0."},
    "prompt_value_title": {"zh": "分值", "en": "Value"},
    "prompt_value": {"zh": "该标签代表的分数，0–100。", "en": "The score this label stands for, 0–100."},
    "error_value": {"zh": "必须是 0–100 的数字。", "en": "Must be a number 0–100."},
    "prompt_customer_weight": {"zh": "用于加权 CSI（如年销售额），≥ 0，可留空。", "en": "For the customer-weighted CSI (e.g. annual sales), ≥ 0, may be blank."},
    "error_customer_weight": {"zh": "客户权重必须是 ≥ 0 的数字。", "en": "A customer weight must be a number ≥ 0."},
    "prompt_setting_title": {"zh": "设置", "en": "Setting"},
    "error_setting": {"zh": "不是允许的值。", "en": "Not an allowed value."},
    "prompt_date": {"zh": "日期，如 2026-04-15。", "en": "A date, e.g. 2026-04-15."},
    "error_date": {"zh": "请输入日期。", "en": "Please enter a date."},
}

#: Input message of each setting (key → text); the values' allowed lists come from labels.
SETTING_PROMPTS: dict[str, dict[str, str]] = {
    "weight_mode": {
        "zh": "类别：项目权重在类别内按比例缩放到类别权重；项目：项目权重直接使用并归一到 100。",
        "en": "category: item weights are relative within their category; item: item weights used as given, normalised to 100.",
    },
    "visit_share": {"zh": "走访估算在初步满意度中的占比，0–1（默认 0.6，问卷占其余）。", "en": "Share of the visit estimate in the preliminary score, 0–1 (default 0.6; the questionnaire gets the rest)."},
    "unmentioned_as": {"zh": "走访中未谈到的项目按此等级计分（默认 满意）。", "en": "Items not raised in a visit count as this grade (default satisfied)."},
    "clamp": {"zh": "最终得分是否截断到 0–100。", "en": "Whether the final score is clamped to 0–100."},
    "completion_value": {"zh": "完成值（默认 80），用于判断 CSI 与满意率是否达成。", "en": "Completion value (default 80) for CSI and satisfaction rate."},
    "target_value": {"zh": "目标值（默认 90）。", "en": "Target value (default 90)."},
    "period": {"zh": "期间，如 2026Q2（文本）。", "en": "Period, e.g. 2026Q2 (text)."},
    "min_group_size": {"zh": "分组（如区域）少于此数的已评分客户时不显示得分（默认 5）。", "en": "Groups (e.g. regions) with fewer scored customers show no figures (default 5)."},
    "churn_periods": {"zh": "连续多少期处于流失预警等级及以下即为流失风险（默认 2）。", "en": "Consecutive periods at or below the churn grade that make a churn risk (default 2)."},
    "churn_grade": {"zh": "流失预警等级：得分在此等级及以下计入（默认 比较满意）。", "en": "Churn grade: scores at or below this grade count (default fairly satisfied)."},
    "response_limit": {"zh": "投诉响应时限（小时，默认 24）：响应日期 − 投诉日期在此之内算及时。", "en": "Response limit in hours (default 24): responded in time when response − receipt is within it."},
    "closure_limit": {"zh": "投诉关闭时限（天，默认 15）：超过即为超期。", "en": "Closure limit in days (default 15): open longer is overdue."},
    "monthly_complaint_target": {"zh": "月投诉目标（件数，可空）：每月投诉数与之比较。", "en": "Monthly complaint target (count, may stay blank): each month's complaints are compared with it."},
    "unit": {"zh": "本工作簿所属单位（分公司、事业部），集团汇总时使用；留空则用文件名。", "en": "The branch this workbook belongs to, for the group report (csat-xl consolidate); blank: the file name."},
    "unit_weight": {"zh": "本单位在集团汇总中的权重（大于 0，默认 1）。", "en": "This branch's weight in the group report (> 0, default 1)."},
    "complaint": {"zh": "该处理结果的每条投诉加减分（如 -5、+2）。", "en": "Adjustment per complaint with this outcome (e.g. -5, +2)."},
    "grade": {"zh": "该等级的最低分（含），须从高到低。", "en": "Lowest score of this grade (inclusive); must descend."},
}

#: The Instructions sheet: (heading, lines) per language.
INSTRUCTIONS: dict[str, list[tuple[str, list[str]]]] = {
    "zh": [
        ("顾客满意度调查模板", [
            "本工作簿用普通公式计算顾客满意度，可在 Excel 2010 及以上、WPS 和 LibreOffice 中使用，无需安装插件。",
            "填好并保存后，也可用 `csat-xl score 本文件.xlsx` 和 `csat-xl report` 计算，结果与“结果”表一致。",
        ]),
        ("如何填写", [
            "1. 客户：每行一个客户（客户编号必填；客户名称、区域、客户权重可选）。结果表按此列表逐行显示，并在右侧按区域分组（已评分客户少于“最小分组”的组不显示得分）。",
            "2. 问卷：每个受访人一行；同一客户可有多行（各项目取平均）。单元格可从下拉列表选标签，或填 0–100 的分数；留空 = 未回答（不计为 0）。",
            "3. 走访：每次走访一行；谈到的项目选等级（或填等级区间内的估计分数）；未谈到的项目留空，按设置“未提及按”计分（默认 满意 80）。",
            "项目列之后的可选列（问卷：推荐意愿 0–10、再次购买、总体满意度、意见；走访：记录）不参与本表公式，由 `csat-xl report` 计算 NPS、关键驱动因素和意见分析。",
            "4. 投诉：每条投诉一行，选择处理结果；留空 = 未处理。日期、响应日期、关闭日期填日期，严重程度从下拉列表选；结果表据此计算响应及时率和关闭情况。描述等文字不会被当作公式计算。",
            "5. 指标、量表、设置：可修改权重、分值和设置，所有结果自动重算。项目名称和标签已锁定（它们是各表的列标题和下拉列表）；要改项目，请用 `csat-xl template --scheme 工作簿` 生成新模板。",
            "6. 整改：每项改进措施一行（来源、措施、责任部门、责任人，提出日期、计划完成、实际完成填日期），状态从下拉列表选（未开始 / 进行中 / 已完成 / 已验证）；结果表显示按时整改率。",
            "红色单元格表示无法识别的输入；“结果”表上方的“输入检查”列出所有问题，应全部为“正常”。",
        ]),
        ("计算方法（简要）", [
            "问卷得分 Q：各项目取该客户所有受访人的平均分，再按权重加权平均（只对已回答的项目重新归一权重）。",
            "走访估算 V：各项目取该客户各次走访的平均分，未谈到的项目按“未提及按”计分，再按权重加权平均。",
            "初步满意度 P = 走访占比 × V + (1 − 走访占比) × Q；无问卷时 P = V，未走访时 P = Q；都没有则不评分。",
            "最终得分 F = P + 各投诉的加减分（见设置），截断到 0–100；等级按设置中的等级下限（含）确定。",
            "CSI = 已评分客户最终得分的平均值；满意率 = 最终得分 ≥ 满意下限的客户占比。",
        ]),
        ("限制", [
            "容量：客户 {customers} 行、问卷 {rows} 行、走访 {visit_rows} 行、投诉 {complaint_rows} 行（可用 `--customers`、`--rows` 生成更大的模板）。请勿插入或删除行。",
            "只有客户表中列出的客户出现在结果表中；其他编号在“输入检查”中计数。",
            "标签匹配：忽略空格（含全角空格）和英文大小写；不做 Unicode NFKC 规范化，因此以文本形式输入的全角数字或字母会显示为红色（csat-xl 程序可以识别）。",
        ]),
    ],
    "en": [
        ("Customer satisfaction survey template", [
            "This workbook computes customer satisfaction with ordinary formulas: it works in Excel 2010 and later, WPS and LibreOffice, with no add-in.",
            "Filled in and saved, it is also input for `csat-xl score this.xlsx` and `csat-xl report`, which give the same numbers as the Results sheet.",
        ]),
        ("How to fill it in", [
            "1. Customers: one customer per row (Customer ID required; name, region and customer weight optional). Results shows this list row by row and, beside it, the groups by region (no figures for a group with fewer scored customers than the minimum group size).",
            "2. Questionnaire: one row per respondent; a customer may have several rows (each item is averaged). Pick a label from the dropdown or type a score 0–100; blank = not answered (never counted as 0).",
            "3. Visits: one row per visit; grade the items raised (or type an estimated score within the grade's band); leave items not raised blank: they count as the 'unmentioned as' setting (default satisfied, 80).",
            "The optional columns after the items (Questionnaire: likelihood to recommend 0–10, repurchase intent, overall satisfaction, comments; Visits: notes) are not used by these formulas: `csat-xl report` computes the NPS, key drivers and comment analysis from them.",
            "4. Complaints: one row per complaint with its outcome; blank = unhandled. Type the date received, response date and closed date as dates and pick the severity from the dropdown: Results computes the share responded within the limit and the closure figures from them. Descriptions are never evaluated as formulas.",
            "5. Scheme, Scales, Settings: change weights, scale values and settings; everything recalculates. Item names and labels are locked (they are column headers and dropdown lists); to change items generate a new template with `csat-xl template --scheme WORKBOOK`.",
            "6. Actions: one improvement action per row (source, action, department, owner; created, due and done dates as dates), status picked from the dropdown (not started / in progress / done / verified); Results shows the on-time rate.",
            "Red cells are input the method cannot read; the Input checks above the Results table list every problem and should all say OK.",
        ]),
        ("The method in brief", [
            "Questionnaire score Q: each item is the mean of the customer's respondents, then the weighted mean over the answered items (weights renormalised).",
            "Visit estimate V: each item is the mean of the customer's visits; items never raised count as 'unmentioned as'; then the weighted mean.",
            "Preliminary P = visit share × V + (1 − visit share) × Q; with no questionnaire P = V, not visited P = Q; neither: not scored.",
            "Final F = P + the adjustment of each complaint (see Settings), clamped to 0–100; the grade follows the grade bounds (inclusive).",
            "CSI = mean final score of the scored customers; satisfaction rate = share of scored customers with F ≥ the 'satisfied' bound.",
        ]),
        ("Limits", [
            "Capacity: {customers} customers, {rows} questionnaire rows, {visit_rows} visit rows, {complaint_rows} complaint rows (`--customers` and `--rows` make bigger templates). Do not insert or delete rows.",
            "Only customers listed on the Customers sheet appear on Results; other IDs are counted under Input checks.",
            "Label matching ignores spaces (also full-width) and English letter case; it does not apply Unicode NFKC, so full-width digits or letters typed as text show red (the csat-xl program accepts them).",
        ]),
    ],
}


def say(key: str, lang: str, **values: object) -> str:
    """The template text ``key`` in ``lang`` with ``values`` filled in."""
    return TEXT[key]["zh" if lang == "zh" else "en"].format(**values)
