"""Every bilingual name csat-xl reads or writes, as data.

Sheets, columns, settings, grades, complaint outcomes and flags each have a
stable English key used in code, a Chinese label and an English label.  The
reader matches either label (after :func:`csat_xl.text.match_key`); writers
pick one by language.  Adding an alias is a one-line change here, never a new
code branch.
"""

from __future__ import annotations

from dataclasses import dataclass

LANGS = ("zh", "en")


@dataclass(frozen=True)
class Label:
    """A named thing with a Chinese and an English label (plus extra aliases)."""

    key: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    @property
    def names(self) -> tuple[str, ...]:
        return (self.zh, self.en, *self.aliases)


def by_key(labels: tuple[Label, ...]) -> dict[str, Label]:
    return {label.key: label for label in labels}


# --- sheets -----------------------------------------------------------------
#: The sheets of a survey workbook with the aliases of WORKBOOK.md v2 (matched
#: after :func:`csat_xl.text.match_key`).  A new sheet is one entry here, its
#: columns in :data:`COLUMNS`, its key column in :data:`KEY_COLUMN` (and
#: required columns in :data:`REQUIRED_COLUMNS`); the reader then hands it to
#: the core as ``survey.sheets[key]`` without any new parsing code.
SHEETS = (
    Label("scheme", "指标", "Scheme", aliases=("指标体系", "评价指标", "测评指标")),
    Label("questionnaire", "问卷", "Questionnaire", aliases=("问卷调查", "调查问卷", "问卷汇总", "Survey", "Responses")),
    Label("visits", "走访", "Visits", aliases=("走访交流", "走访记录", "拜访记录", "Visit log")),
    Label("complaints", "投诉", "Complaints", aliases=("投诉统计", "投诉记录", "投诉台账", "客户投诉", "Complaint log")),
    Label("customers", "客户", "Customers", aliases=("客户名单", "客户清单", "客户信息", "Customer list")),
    Label("scales", "量表", "Scales"),
    Label("settings", "设置", "Settings", aliases=("参数", "参数设置")),
    # ANALYSES.md §3: improvement actions, tracked to closure
    Label("actions", "整改", "Actions", aliases=("整改措施", "改进措施", "整改台账", "Improvement actions")),
)
SHEET = by_key(SHEETS)
#: Sheets holding one row per customer record: the customer-ID rules
#: (case-insensitive IDs, the roster) apply to them.
DATA_SHEETS = ("questionnaire", "visits", "complaints")

# --- columns, per sheet -------------------------------------------------------
CUSTOMER_ID = Label("customer_id", "客户编号", "Customer ID", aliases=("客户代码", "客户号", "客户ID", "Customer code", "Customer no", "Customer no."))
CUSTOMER_NAME = Label("customer_name", "客户名称", "Customer name", aliases=("客户", "单位名称", "Customer"))
REGION = Label("region", "区域", "Region")
#: A running number users put in column A: known everywhere, never read.
SERIAL = Label("serial", "序号", "No.", aliases=("No",))
#: Recognised columns that carry nothing the method uses (never reported).
SILENT_COLUMNS = frozenset({SERIAL.key})

COLUMNS: dict[str, tuple[Label, ...]] = {
    "scheme": (
        Label("category", "类别", "Category"),
        Label("category_weight", "类别权重", "Category weight"),
        Label("item", "项目", "Item"),
        Label("item_weight", "项目权重", "Item weight"),
        Label("scale", "量表", "Scale"),
    ),
    "questionnaire": (
        CUSTOMER_ID,
        CUSTOMER_NAME,
        Label("respondent", "受访人", "Respondent"),
        # optional loyalty and free-text columns (ANALYSES.md §5; csat_xl/analyses/loyalty.py, comments.py)
        Label("recommend", "推荐意愿", "Likelihood to recommend", aliases=("推荐可能性", "推荐度", "Recommend")),
        Label("repurchase", "再次购买", "Repurchase intent", aliases=("再次购买意愿", "复购意愿", "Repurchase")),
        Label("overall", "总体满意度", "Overall satisfaction", aliases=("整体满意度", "综合满意度")),
        Label("comments", "意见", "Comments", aliases=("意见建议", "意见和建议", "建议", "Comment", "Suggestions")),
    ),
    "visits": (
        CUSTOMER_ID,
        Label("visit_date", "走访日期", "Visit date"),
        Label("notes", "记录", "Notes", aliases=("走访记录", "谈话记录", "交流记录", "Visit notes")),
    ),
    "complaints": (
        CUSTOMER_ID,
        Label("complaint_id", "投诉编号", "Complaint ID"),
        Label("date", "日期", "Date"),
        Label("outcome", "处理结果", "Outcome", aliases=("处理情况", "Result")),
        Label("category", "投诉类别", "Category"),
        Label("product", "产品", "Product"),
        REGION,
        Label("department", "责任部门", "Department"),
        Label("description", "描述", "Description"),
        # ANALYSES.md §2: complaint handling on time
        Label("response_date", "响应日期", "Response date", aliases=("响应时间", "Response time")),
        Label("closed_date", "关闭日期", "Closed date", aliases=("结案日期", "关闭时间", "Closing date", "Date closed")),
        Label("severity", "严重程度", "Severity", aliases=("投诉等级",)),
    ),
    "actions": (
        Label("action_id", "编号", "Action ID", aliases=("整改编号", "措施编号", "ID")),
        Label("source", "来源", "Source", aliases=("问题来源",)),
        Label("action", "措施", "Action", aliases=("整改措施", "改进措施")),
        Label("department", "责任部门", "Department"),
        Label("owner", "责任人", "Owner"),
        Label("created_date", "提出日期", "Created date", aliases=("创建日期", "Created")),
        Label("due_date", "计划完成", "Due date", aliases=("计划完成日期", "完成期限", "Due")),
        Label("done_date", "实际完成", "Done date", aliases=("实际完成日期", "Completed date")),
        Label("status", "状态", "Status"),
        Label("effect", "效果", "Effect", aliases=("效果验证",)),
    ),
    "customers": (
        CUSTOMER_ID,
        CUSTOMER_NAME,
        REGION,
        Label("customer_weight", "客户权重", "Customer weight"),
    ),
    "scales": (
        Label("scale", "量表", "Scale"),
        Label("label", "标签", "Label"),
        Label("value", "分值", "Value"),
    ),
    "settings": (
        Label("setting", "参数", "Setting"),
        Label("value", "值", "Value"),
    ),
}

#: Columns known on every sheet keyed by customer (WORKBOOK.md v2) besides
#: the sheet's own :data:`COLUMNS` (which are what templates write).
COMMON_COLUMNS = (CUSTOMER_NAME, SERIAL)

#: Columns a sheet cannot do without (when the sheet is present).
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "scheme": ("category", "category_weight", "item", "item_weight"),
    "questionnaire": ("customer_id",),
    "visits": ("customer_id",),
    "complaints": ("customer_id", "outcome"),
    "customers": ("customer_id",),
    "scales": ("scale", "label", "value"),
    "settings": ("setting", "value"),
    "actions": ("action", "status"),
}

#: The column whose header cell marks a sheet's header row (WORKBOOK.md v2:
#: the first of the first :data:`HEADER_SEARCH_ROWS` rows that holds it).
KEY_COLUMN: dict[str, str] = {
    "scheme": "item",
    "questionnaire": "customer_id",
    "visits": "customer_id",
    "complaints": "customer_id",
    "customers": "customer_id",
    "scales": "scale",
    "settings": "setting",
    "actions": "action",
}
HEADER_SEARCH_ROWS = 30

#: Labels of total/average rows users add under their data (matched after
#: :func:`csat_xl.text.match_key`, a trailing colon dropped).
SUMMARY_ROW_LABELS = ("合计", "总计", "小计", "平均", "平均分", "平均值", "均值", "汇总",
                      "Total", "Subtotal", "Sum", "Average", "Mean")

#: Prefix of a questionnaire column holding the respondent's expectation.
EXPECTED_PREFIX = Label("expected", "期望", "expected")

# --- grades (METHOD.md §2 and §7) ------------------------------------------
@dataclass(frozen=True)
class Grade(Label):
    """A five-grade label with its band, representative value and lower bound."""

    band: tuple[float, float] = (0.0, 100.0)
    value: float = 0.0
    lower_bound: float = 0.0


GRADES = (
    Grade("very_satisfied", "很满意", "very satisfied", band=(90, 100), value=95, lower_bound=90),
    Grade("satisfied", "满意", "satisfied", band=(70, 90), value=80, lower_bound=70),
    Grade("fairly_satisfied", "比较满意", "fairly satisfied", band=(60, 70), value=65, lower_bound=60),
    Grade("fairly_dissatisfied", "比较不满意", "fairly dissatisfied", band=(40, 60), value=50, lower_bound=40),
    Grade("dissatisfied", "不满意", "dissatisfied", band=(20, 40), value=30, lower_bound=0),
)
GRADE = by_key(GRADES)


def grade_text(key: object, lang: str) -> str | None:
    """The label of grade ``key`` in ``lang``; None where there is no grade
    (None or NaN in a results frame)."""
    return GRADE[key].text(lang) if isinstance(key, str) and key in GRADE else None
FIVE_GRADE_SCALE = Label("five_grade", "五级", "five-grade", aliases=("five grade", "5-grade"))

# --- complaint outcomes (METHOD.md §6) ---------------------------------------
@dataclass(frozen=True)
class Outcome(Label):
    adjustment: float = 0.0


OUTCOMES = (
    Outcome("unhandled", "未处理", "unhandled", adjustment=-5),
    Outcome("dissatisfied", "不满意", "dissatisfied", adjustment=-5),
    Outcome("somewhat_dissatisfied", "不太满意", "somewhat dissatisfied", adjustment=-3),
    Outcome("basically_satisfied", "基本满意", "basically satisfied", adjustment=-1),
    Outcome("satisfied", "满意", "satisfied", adjustment=0),
    Outcome("very_satisfied", "很满意", "very satisfied", adjustment=2),
)
OUTCOME = by_key(OUTCOMES)

# --- settings (WORKBOOK.md, Settings) -----------------------------------------
SETTINGS = (
    Label("weight_mode", "权重模式", "weight mode"),
    Label("visit_share", "走访占比", "visit share"),
    Label("unmentioned_as", "未提及按", "unmentioned as"),
    Label("clamp", "分数截断", "clamp"),
    Label("completion_value", "完成值", "completion value"),
    Label("target_value", "目标值", "target value"),
    Label("period", "期间", "period"),
    # ANALYSES.md §1 and §4 (issue 13)
    Label("min_group_size", "最小分组", "minimum group size"),
    Label("churn_periods", "流失预警期数", "churn periods"),
    Label("churn_grade", "流失预警等级", "churn grade"),
    # ANALYSES.md §2: complaint handling
    Label("response_limit", "响应时限", "response limit"),
    Label("closure_limit", "关闭时限", "closure limit"),
    Label("monthly_complaint_target", "月投诉目标", "monthly complaint target"),
    Label("unit", "单位", "unit"),  # the branch of a group (csat-xl consolidate, issue 16)
    Label("unit_weight", "单位权重", "unit weight"),
)
SETTING = by_key(SETTINGS)
#: Settings that are shares (0–1): "60%" is 0.6.  Every other number setting
#: is in points, where "80%" is 80.
SHARE_SETTINGS = frozenset({"visit_share"})
#: Prefixed setting families: one row per outcome / grade.
COMPLAINT_SETTING_PREFIX = Label("complaint", "投诉", "complaint")
GRADE_SETTING_PREFIX = Label("grade", "等级", "grade")

WEIGHT_MODES = (
    Label("category", "类别", "category"),
    Label("item", "项目", "item"),
)
YES_NO = (
    Label("yes", "是", "yes", aliases=("true", "y", "1", "on")),
    Label("no", "否", "no", aliases=("false", "n", "0", "off")),
)

# --- complaint severity and action status (ANALYSES.md §2–3) ------------------
COMPLAINT_SEVERITIES = (
    Label("general", "一般", "general"),
    Label("serious", "严重", "serious"),
    Label("major", "重大", "major"),
)
COMPLAINT_SEVERITY = by_key(COMPLAINT_SEVERITIES)
ACTION_STATUSES = (
    Label("not_started", "未开始", "not started"),
    Label("in_progress", "进行中", "in progress"),
    Label("done", "已完成", "done", aliases=("完成", "completed")),
    Label("verified", "已验证", "verified", aliases=("已关闭", "closed")),
)
ACTION_STATUS = by_key(ACTION_STATUSES)
#: Statuses of a finished action (counted for the on-time rate).
FINISHED_STATUSES = frozenset({"done", "verified"})

# --- per-customer flags -----------------------------------------------------
FLAGS = (
    Label("not_visited", "未走访", "not visited"),
    Label("no_questionnaire", "无问卷", "no questionnaire"),
    Label("not_scored", "未评分", "not scored"),
    Label("not_surveyed", "未调查", "not surveyed"),
    Label("clamped", "已截断", "clamped"),
    Label("blank_outcome", "投诉结果空白", "blank complaint outcome"),
)
FLAG = by_key(FLAGS)


def flag_texts(keys, lang: str) -> list[str]:
    """The labels of flag ``keys`` in ``lang``, in order."""
    return [FLAG[key].text(lang) for key in keys]

# --- result columns (CLI table, Excel spills, reports) ------------------------
RESULT_COLUMNS = (
    Label("customer_id", "客户编号", "Customer ID"),
    Label("customer_name", "客户名称", "Customer name"),
    Label("questionnaire", "问卷得分", "Questionnaire"),
    Label("visit", "走访估算", "Visit"),
    Label("preliminary", "初步满意度", "Preliminary"),
    Label("adjustment", "投诉加减分", "Adjustment"),
    Label("final", "最终得分", "Final"),
    Label("grade", "等级", "Grade"),
    Label("flags", "标记", "Flags"),
)
RESULT_COLUMN = by_key(RESULT_COLUMNS)

#: 客户 / Customers 状态 / Status (ANALYSES.md §4): not a group column, the churn record.
CUSTOMER_STATUS = Label("status", "状态", "Status", aliases=("客户状态", "customer status"))
CUSTOMER_STATUSES = (
    Label("active", "在用", "active", aliases=("在网", "正常", "合作中")),
    Label("lost", "流失", "lost", aliases=("已流失", "churned")),
)

SEVERITIES = (
    Label("error", "错误", "error"),
    Label("warning", "警告", "warning"),
    Label("info", "提示", "info"),
)
SEVERITY = by_key(SEVERITIES)
