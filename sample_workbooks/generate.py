"""Write the sample survey workbooks (deterministic: fixed seed and dates).

    python sample_workbooks/generate.py [--out DIR]

``pvc_2026Q2_zh.xlsx``
    A Chinese PVC-resin producer, period 2026Q2, with the METHOD.md reference
    scheme (including its real 26 ≠ 20 inconsistency, category cells merged),
    45 customers: C001, C003 and C004 exactly as the METHOD.md worked
    example; labels, numbers and blanks; 1–3 respondents per customer; some
    customers never visited, some listed without data; complaints with every
    outcome and a few blank outcomes; descriptions starting with ``=`` and
    ``+`` (formula-injection cases); the questionnaire header on row 3 (rows 1–2 empty).
    Complaint handling (issue 14): response and closed dates (some with a
    time of day, some late, some open and overdue at the period end), a
    severity, repeat complainants, a monthly target 月投诉目标 and an
    整改 / Actions sheet (done on time, done late, overdue, not yet due).
``field_service_2026H1_en.xlsx``
    An English field-service example: one category, five equally weighted
    items, weight mode ``item``, a custom "Agreement" scale, numeric IDs.

A copy of each is placed in ``csat_xl/data/`` so an installed ``csat-xl demo``
finds them.
"""

from __future__ import annotations

import argparse
import random
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
from openpyxl.styles import Font, PatternFill

HERE = Path(__file__).parent
PACKAGE_DATA = HERE.parent / "csat_xl" / "data"
FIXED_TIME = datetime(2026, 7, 1, 9, 0, 0)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")

SCHEME_ZH = [
    ("产品质量", 50, [("品质", 30), ("包装", 10), ("使用性", 10)]),
    ("购销过程", 20, [("接待", 8), ("程序", 8), ("价格和付款", 10)]),
    ("相关服务", 30, [("运输", 8), ("问题处理", 12), ("技术支持和服务", 10)]),
]
ITEMS_ZH = [item for _, _, items in SCHEME_ZH for item, _ in items]
GRADES_ZH = ["很满意", "满意", "比较满意", "比较不满意", "不满意"]
OUTCOMES_ZH = ["未处理", "不满意", "不太满意", "基本满意", "满意", "很满意"]
REGIONS_ZH = ["华东", "华南", "华北", "西南", "华中"]
PLACES = ["浙江", "江苏", "广东", "山东", "四川", "河北", "福建", "安徽", "湖北", "天津"]
WORDS = ["恒通", "宏达", "金利", "永盛", "华塑", "鑫源", "天成", "瑞丰", "众联", "新亚", "博远", "东升"]
KINDS = ["塑业有限公司", "管业有限公司", "型材有限公司", "贸易有限公司", "塑胶制品有限公司"]


def _header(sheet, row: int = 1) -> None:
    for cell in sheet[row]:
        if cell.value is not None:
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
    sheet.freeze_panes = sheet.cell(row=row + 1, column=1)


def _book(sheets: dict[str, list[list]], header_rows: dict[str, int] | None = None) -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        # Customers' text that merely starts with "=" (an injection-like complaint
        # description) is text as a person types it with a leading apostrophe, never a
        # formula: openpyxl would otherwise store it as one with no saved value.
        for line in sheet.iter_rows():
            for cell in line:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
        _header(sheet, (header_rows or {}).get(name, 1))
        for col in range(1, sheet.max_column + 1):
            sheet.column_dimensions[openpyxl.utils.get_column_letter(col)].width = 14
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    return book


def _answer(rng: random.Random, base: float) -> object:
    roll = rng.random()
    if roll < 0.08:
        return None
    if roll < 0.45:
        value = base + rng.gauss(0, 8)
        return GRADES_ZH[0 if value >= 90 else 1 if value >= 70 else 2 if value >= 60 else 3 if value >= 40 else 4]
    return int(min(100, max(30, round(base + rng.gauss(0, 8)))))


def pvc_workbook(period: str, seed: int, drift: float) -> openpyxl.Workbook:
    rng = random.Random(seed)
    customers = [f"C{i:03d}" for i in range(1, 46)]
    names = {c: f"{PLACES[i % 10]}{WORDS[(i * 7) % 12]}{KINDS[i % 5]}" for i, c in enumerate(customers)}
    base = {c: 62 + (i * 37 % 33) + drift for i, c in enumerate(customers)}
    scheme = [["类别", "类别权重", "项目", "项目权重", "量表"]]
    for category, weight, items in SCHEME_ZH:
        for j, (item, item_weight) in enumerate(items):
            scheme.append([category if j == 0 else None, weight if j == 0 else None, item, item_weight, None])
    questionnaire = [[], [], ["客户编号", "客户名称", "受访人", *ITEMS_ZH, "期望:品质"]]
    visits = [["客户编号", "走访日期", *ITEMS_ZH]]
    complaints = [["客户编号", "投诉编号", "日期", "处理结果", "投诉类别", "产品", "区域", "责任部门", "描述"]]
    worked = period == "2026Q2"
    year, first_month = int(period[:4]), 3 * int(period[-1]) - 2  # complaints fall in the period's quarter
    if worked:  # METHOD.md §8, exactly
        questionnaire += [
            ["C001", names["C001"], "张经理", 85, 70, 90, 80, 75, 60, 88, 65, 92, 90],
            ["C003", names["C003"], "王主任", "满意", "很满意", None, 70, 72, 55, 90, 80, 85, None],
            ["C004", names["C004"], "赵总", *([100] * 9), 95],
        ]
        visits += [
            ["C001", date(2026, 5, 12), "很满意", "比较满意", None, None, None, None, None, "比较不满意", None],
            ["C004", date(2026, 5, 20), "很满意", *([None] * 8)],
        ]
        complaints += [
            ["C001", "TS-2026-001", date(2026, 4, 8), "基本满意", "质量-黑黄点", "SG-5", "华东", "质检部", "=客户称颗粒有黑点"],
            ["C001", "TS-2026-002", date(2026, 6, 2), "未处理", "交货延迟", "SG-5", "华东", "物流部", "+3批次包装破损"],
            ["C004", "TS-2026-003", date(2026, 5, 3), "很满意", "发票问题", "SG-3", "华南", "财务部", "发票抬头有误，已重开"],
        ]
    special = {"C001", "C003", "C004"} if worked else set()
    not_surveyed = {"C043", "C044"}
    visit_only = {"C020", "C021"}
    never_visited = {f"C{i:03d}" for i in (5, 9, 13, 17, 24, 29, 33, 38)}
    categories = ["质量-黑黄点", "质量-鱼眼", "包装破损", "交货延迟", "发票问题", "质量-黑黄点", "交货延迟"]
    departments = ["质检部", "生产部", "物流部", "物流部", "财务部", "生产部", "销售部"]
    n_complaint = 0
    for i, c in enumerate(customers):
        region = REGIONS_ZH[i % 5]
        if c in special or c in not_surveyed:
            continue
        if c not in visit_only:
            for r in range(1 + (i % 3 == 0) + (i % 7 == 0)):
                row = [_answer(rng, base[c]) for _ in ITEMS_ZH]
                expect = rng.choice([90, 95, "很满意", None]) if i % 2 else None
                questionnaire.append([c, names[c], f"受访人{r + 1}", *row, expect])
        if c not in never_visited:
            for v in range(1 + (i % 4 == 0)):
                row = [None] * len(ITEMS_ZH)
                for k in rng.sample(range(len(ITEMS_ZH)), 3):
                    row[k] = _answer(rng, base[c]) or "满意"
                visits.append([c, date(2026 if "2026" in period else 2025, 4 + v, 5 + i % 20), *row])
        if i % 3 == 1 or (worked and i % 5 == 2):
            outcome = OUTCOMES_ZH[n_complaint % 6] if n_complaint % 9 != 8 else None
            k = n_complaint % 7
            complaints.append([c, f"TS-{period}-{100 + n_complaint}", date(year, first_month + n_complaint % 3, 1 + n_complaint % 27),
                               outcome, categories[k], ["SG-5", "SG-3", "SG-8"][n_complaint % 3], region, departments[k],
                               f"{names[c]}反映{categories[k]}"])
            n_complaint += 1
    customer_rows = [["客户编号", "客户名称", "区域", "客户权重"]]
    for i, c in enumerate(customers):
        customer_rows.append([c, names[c], REGIONS_ZH[i % 5], 200 + (i * 53) % 900])
    add_groups_and_status(customer_rows, period)
    if worked:  # repeat complainants: the same customer and category again (outcome 满意: no score change)
        complaints += [["C001", "TS-2026-004", date(2026, 6, 18), "满意", "交货延迟", "SG-5", "华东", "物流部", "交货又晚了两天"],
                       ["C005", "TS-2026-005", date(2026, 5, 21), "满意", "质量-鱼眼", "SG-8", "华中", "生产部", "鱼眼偏多"]]
    add_handling_dates(complaints, seed, "zh")
    settings = [["参数", "值"], ["权重模式", "类别"], ["走访占比", 0.6], ["期间", period], ["完成值", 80], ["目标值", 90],
                ["响应时限", 24], ["关闭时限", 15], ["月投诉目标", 7]]
    scales = [["量表", "标签", "分值"], ["回访", "积极回访", 95], ["回访", "滞后回访", 70], ["回访", "很少回访", 50], ["回访", "完全不回访", 20]]
    sheets = {"指标": scheme, "问卷": questionnaire, "走访": visits, "投诉": complaints, "客户": customer_rows,
              "量表": scales, "设置": settings}
    if worked:
        sheets["整改"] = pvc_actions()
    book = _book(sheets, header_rows={"问卷": 3})
    sheet = book["指标"]
    for start in (2, 5, 8):  # merged category cells, as users make them
        sheet.merge_cells(start_row=start, end_row=start + 2, start_column=1, end_column=1)
        sheet.merge_cells(start_row=start, end_row=start + 2, start_column=2, end_column=2)
    add_voice_zh(book, seed)
    q = book["问卷"]
    last = q.max_row
    for r in range(last + 1, last + 6):  # trailing styled-but-empty rows
        for col in range(1, 6):
            q.cell(row=r, column=col).fill = HEADER_FILL
    return book


def add_groups_and_status(customer_rows: list[list], period: str) -> None:
    """Group columns and the churn record on the 客户 sheet (issue 13, ANALYSES.md §1, §4).

    客户类型: 贸易商 (12) and 加工厂 (30) are groups large enough to show;
    代理商 has 3 customers, so the report shows it suppressed.  状态: in the
    latest period four customers are 流失 — three of them had low scores
    (at or below 比较满意) in the two earlier periods, one had not — so the
    churn rule's hit rate has something to count; earlier periods are all 在用.
    Written in the way people type: a stray space in one region, one blank type.
    """
    customer_rows[0] += ["客户类型", "状态"]
    lost = {"C002", "C026", "C034", "C040"} if period == "2026Q2" else set()
    for i, row in enumerate(customer_rows[1:]):
        kind = "代理商" if i in (7, 22, 37) else ("贸易商" if i % 4 == 0 else "加工厂")
        if i == 44:
            kind = None  # not filled in: the (未填) group
        if i == 10:
            row[2] = f" {row[2]}"  # a stray space: still the same region
        row += [kind, "流失" if row[0] in lost else "在用"]


def field_service_workbook() -> openpyxl.Workbook:
    rng = random.Random(7)
    items = ["Skills", "Attitude", "Timeliness", "Parts supply", "Overall"]
    grades = ["very satisfied", "Satisfied", "fairly satisfied", "fairly dissatisfied", "dissatisfied"]
    agreement = ["strongly agree", "agree", "neutral", "disagree", "strongly disagree"]
    scheme = [["Category", "Category weight", "Item", "Item weight", "Scale"]]
    scheme += [["Service" if i == 0 else None, 100 if i == 0 else None, item, 20, "Agreement" if item == "Attitude" else None]
               for i, item in enumerate(items)]
    names = ["Acme Plastics", "Northwind Tools", "Bluewater Pumps", "Summit Machining", "Redwood Packaging"]
    questionnaire = [["Customer ID", "Customer name", "Respondent", *items]]
    visits = [["Customer ID", "Visit date", *items]]
    complaints = [["Customer ID", "Complaint ID", "Date", "Outcome", "Category", "Product", "Region", "Department", "Description"]]
    customers = [["Customer ID", "Customer name", "Region", "Customer weight", "Customer type", "Status"]]
    outcomes = ["unhandled", "dissatisfied", "somewhat dissatisfied", "basically satisfied", "satisfied", "very satisfied"]
    for i in range(25):
        cid = 1001 + i
        name = f"{names[i % 5]} {['Ltd', 'Inc', 'GmbH', 'LLC', 'plc'][i // 5]}"
        customers.append([cid, name, ["North", "South", "East", "West"][i % 4], 100 + (i * 37) % 400,
                          "Distributor" if i % 3 == 0 else "Plant", "lost" if i in (6, 19) else "active"])
        level = rng.randint(0, 3)
        for r in range(1 + (i % 3 == 0)):
            row = []
            for item in items:
                k = min(4, max(0, level + rng.choice([-1, 0, 0, 1])))
                row.append(agreement[k] if item == "Attitude" else rng.choice([grades[k], 95 - 12 * k, None if r else 95 - 12 * k]))
            questionnaire.append([cid, name, f"Respondent {r + 1}", *row])
        if i % 4 != 3:
            row = [None] * 5
            row[rng.randrange(5)] = grades[min(4, level)]
            visits.append([cid, date(2026, 3, 1 + i), *row])
        if i % 3 == 0:
            complaints.append([cid, f"FS-{i:03d}", date(2026, 1 + (i // 3) % 6, 3 + i), outcomes[(i // 3) % 6], EN_COMPLAINT_CATEGORIES[(i // 3) % len(EN_COMPLAINT_CATEGORIES)],
                               ["Pump P-200", "Valve V-10"][i % 2], None, ["Field service", "Logistics"][i % 2], "Customer reported the issue by phone"])
    scales = [["Scale", "Label", "Value"]] + [["Agreement", label, value] for label, value in zip(agreement, [95, 80, 65, 50, 30])]
    add_handling_dates(complaints, 7, "en")
    settings = [["Setting", "Value"], ["weight mode", "item"], ["visit share", 0.6], ["period", "2026H1"],
                ["response limit", 24], ["closure limit", 15], ["monthly complaint target", 2]]
    book = _book({"Scheme": scheme, "Questionnaire": questionnaire, "Visits": visits, "Complaints": complaints,
                  "Customers": customers, "Scales": scales, "Settings": settings, "Actions": field_service_actions()})
    add_voice_en(book)
    return book


#: Complaint categories of the English sample, in a skewed cycle so the
#: Pareto chart has a clear "vital few" (late arrival) and a long tail.
EN_COMPLAINT_CATEGORIES = ("Late arrival", "Wrong part", "Late arrival", "Rework", "Late arrival", "Wrong part", "Documentation")


# --- complaint handling and improvement actions (issue 14, ANALYSES.md §2–3) ---------------------
HANDLING_HEADER = {"zh": ["响应日期", "关闭日期", "严重程度"], "en": ["Response date", "Closed date", "Severity"]}
SEVERITIES = {"zh": ["一般", "严重", "重大"], "en": ["general", "serious", "major"]}
UNHANDLED = {"zh": ("未处理", None), "en": ("unhandled", None)}


def add_handling_dates(complaints: list[list], seed: int, lang: str, outcome_col: int = 3, date_col: int = 2) -> None:
    """Append response date, closed date and severity to the complaint rows (header first), in place.

    Deterministic (``seed``).  Every fourth receipt carries a time of day
    (a phone call logged at 09:00–16:00) and so does its response; most
    responses come the same or the next day, every seventh late (2–4 days);
    handled complaints close after 3–24 days (some past a 15-day limit);
    unhandled ones stay open, half of them answered already."""
    rng = random.Random(seed)
    complaints[0] += HANDLING_HEADER[lang]
    for n, row in enumerate(complaints[1:]):
        received = row[date_col]
        if n % 4 == 1:
            received = datetime(received.year, received.month, received.day, 9 + n % 8, 15 * (n % 4))
            row[date_col] = received
        timed = isinstance(received, datetime)
        delay_days = rng.choice([2, 3, 4]) if n % 7 == 3 else rng.choice([0, 0, 1, 1, 1])
        if timed:
            response = received + timedelta(hours=delay_days * 24 + rng.choice([1, 3, 5, -2]) if delay_days else rng.choice([1, 2, 4, 6]))
        else:
            response = received + timedelta(days=delay_days)
        unhandled = row[outcome_col] in UNHANDLED[lang]
        if unhandled and n % 2:
            response = None
        close_after = timedelta(days=rng.choice([3, 5, 8, 10, 12, 14, 18, 24]))
        received_day = received.date() if isinstance(received, datetime) else received
        closed = None if unhandled else received_day + close_after  # closing is logged as a date
        severity = SEVERITIES[lang][2 if n % 11 == 5 else 1 if n % 5 == 2 else 0]
        row += [response, closed, severity]


def pvc_actions() -> list[list]:
    """整改 / Actions of 2026Q2: item-sourced (effectiveness vs 2026Q1), complaint-sourced and free-text actions."""
    return [
        ["编号", "来源", "措施", "责任部门", "责任人", "提出日期", "计划完成", "实际完成", "状态", "效果"],
        ["ZG-2026-01", "运输", "增加两家备选承运商，发货前一天电话确认车辆", "物流部", "李明", date(2026, 4, 2), date(2026, 5, 15), date(2026, 5, 10), "已验证", "5月起到货准时率 96%"],
        ["ZG-2026-02", "TS-2026-001", "黑黄点批次复检，增加过滤网目数", "质检部", "王强", date(2026, 4, 9), date(2026, 4, 30), date(2026, 5, 8), "已完成", "复检合格"],
        ["ZG-2026-03", "包装", "更换加厚包装袋，码垛加护角", "生产部", "赵丽", date(2026, 4, 12), date(2026, 5, 31), date(2026, 5, 28), "已完成", None],
        ["ZG-2026-04", "技术支持和服务", "每季度走访前发送技术通报", "技术部", "陈刚", date(2026, 4, 20), date(2026, 6, 15), None, "进行中", None],
        ["ZG-2026-05", "TS-2026-002", "物流破损赔付流程 3 日内完成", "物流部", "周杰", date(2026, 6, 3), date(2026, 6, 20), None, "未开始", None],
        ["ZG-2026-06", "价格和付款", "对账单按月发送，付款提醒提前 7 天", "财务部", "钱芳", date(2026, 5, 6), date(2026, 7, 31), None, "进行中", None],
        ["ZG-2026-07", "客户投诉 24 小时响应", "建立投诉值班表，响应时限写入考核", "销售部", "张华", date(2026, 4, 1), date(2026, 4, 30), date(2026, 4, 25), "已验证", "二季度 24 小时内响应率见报告"],
    ]


def field_service_actions() -> list[list]:
    """Actions of the English sample (2026H1)."""
    return [
        ["Action ID", "Source", "Action", "Department", "Owner", "Created date", "Due date", "Done date", "Status", "Effect"],
        ["A-01", "Timeliness", "Dispatch from the nearest depot; SMS the arrival time", "Field service", "J. Miller", date(2026, 1, 10), date(2026, 3, 31), date(2026, 3, 20), "verified", "Late arrivals down"],
        ["A-02", "Parts supply", "Stock critical spare parts in two regional depots", "Logistics", "R. Patel", date(2026, 2, 1), date(2026, 4, 30), date(2026, 5, 12), "done", None],
        ["A-03", "FS-000", "Call back within 4 hours of a complaint", "Field service", "A. Chen", date(2026, 2, 15), date(2026, 5, 31), None, "in progress", None],
        ["A-04", "Skills", "Pump P-200 training for all technicians", "HR", "L. Garcia", date(2026, 3, 1), date(2026, 9, 30), None, "not started", None],
    ]


# --- issue 15: what customers wrote and whether they will stay ----------------------------------
#: Comment phrases of PVC-resin customers, by how satisfied the writer is (good → bad).
VOICE_ZH = {
    "good": ["交货及时，包装完好", "产品质量稳定，白度好", "业务员服务热情，沟通顺畅", "技术服务人员专业，问题解决快",
             "价格合理，付款方式灵活", "物流安排合理，到货准时", "质量稳定，批次之间差异小", "售后回访及时，态度很好",
             "产品质量稳定，加工性能好", "交货及时，从未耽误生产", "技术支持到位，帮助我们调整配方", "包装结实，搬运方便"],
    "mixed": ["质量总体稳定，个别批次有黑黄点", "交货基本及时，旺季偶有延迟", "价格偏高，希望给予优惠",
              "包装袋偶有破损，希望改进包装", "技术服务响应慢，希望缩短响应时间", "发票开具不及时，影响对账",
              "产品质量稳定，但价格偏高", "物流偶有延误，到货时间不准", "业务员更换频繁，沟通不够顺畅",
              "希望增加技术交流和培训"],
    "bad": ["包装袋破损严重，到货后撒料", "黑黄点偏多，影响下游加工", "交货延迟多次，影响生产安排",
            "技术服务响应慢，问题拖了两周才处理", "鱼眼较多，制品表面不良", "投诉处理慢，没有及时回复",
            "价格上涨太快，付款条件苛刻", "杂质偏多，批次质量不稳定", "交货延迟，催货多次无人回复"],
}
VISIT_NOTES_ZH = [
    "客户反映包装袋破损，已安排更换编织袋供应商", "客户关注交货期，希望旺季提前备货", "采购经理表示质量稳定，计划增加订量",
    "客户提出黑黄点问题，质检部已取样分析", "技术服务响应慢，客户希望派驻技术人员", "客户对价格有意见，希望季度调价",
    "谈话中客户肯定了售后服务，建议增加回访频次", "客户反映鱼眼偏多，已送样复检",
]
COMPLAINT_TEXT_ZH = {
    "质量-黑黄点": ["颗粒中黑黄点超标，影响制品外观", "同一批次黑黄点偏多，客户要求退货"],
    "质量-鱼眼": ["薄膜制品鱼眼较多，客户停机检查", "鱼眼超标，下游加工废品率上升"],
    "包装破损": ["到货包装袋破损，现场撒料", "包装袋破损三包，要求补货"],
    "交货延迟": ["交货延迟五天，影响生产安排", "物流延误，未按约定时间到货"],
    "发票问题": ["发票开具不及时，影响月底对账", "发票信息有误，需重新开具"],
}


def _item_value(value) -> float | None:
    """A sample answer as a score (labels by the five-grade values)."""
    if isinstance(value, (int, float)):
        return float(value)
    grades = dict(zip(GRADES_ZH, (95, 80, 65, 50, 30)))
    grades.update(dict(zip(["very satisfied", "satisfied", "fairly satisfied", "fairly dissatisfied", "dissatisfied",
                            "strongly agree", "agree", "neutral", "disagree", "strongly disagree"],
                           (95, 80, 65, 50, 30) * 2)))
    return grades.get(str(value).lower()) if value is not None else None


def _voice_rows(sheet, header_row: int, items: list[str], rng: random.Random, comments: dict, overall_label) -> None:
    """Append recommend / repurchase / overall / comment columns to a questionnaire sheet.

    Overall satisfaction follows the respondent's item answers (quality and
    service weigh most) plus noise, so the key-driver analysis has something
    real to find; recommend (0–10) and repurchase follow overall."""
    header = [c.value for c in sheet[header_row]]
    columns = {name: header.index(name) for name in items}
    first_new = len(header) + 1
    for offset, name in enumerate(overall_label):
        sheet.cell(row=header_row, column=first_new + offset, value=name)
    for row in range(header_row + 1, sheet.max_row + 1):
        answers = [_item_value(sheet.cell(row=row, column=columns[i] + 1).value) for i in items]
        known = [(a, 3.0 if k == 0 or k == len(items) - 1 else 1.0) for k, a in enumerate(answers) if a is not None]
        if not known or sheet.cell(row=row, column=1).value is None:
            continue
        level = sum(a * w for a, w in known) / sum(w for _, w in known)
        overall = max(30.0, min(100.0, level + rng.gauss(0, 4)))
        recommend = max(0, min(10, round((overall - 45) / 5 + rng.gauss(0, 1))))
        repurchase = max(30, min(100, round(overall + rng.gauss(0, 6))))
        mood = "good" if overall >= 85 else "mixed" if overall >= 70 else "bad"
        text = None
        if rng.random() < 0.75:
            text = rng.choice(comments[mood])
            if rng.random() < 0.35:
                other = rng.choice(comments["mixed" if mood != "mixed" else rng.choice(["good", "bad"])])
                text = f"{text}{'。' if text[-1] not in '.。' and not text.isascii() else '. '}{other}"
        values = [recommend, repurchase if rng.random() < 0.9 else None, round(overall) if rng.random() < 0.5 else
                  _label(overall, sheet.title), text]
        for offset, value in enumerate(values):
            sheet.cell(row=row, column=first_new + offset, value=value)


def _label(score: float, sheet_title: str) -> str:
    labels_ = GRADES_ZH if sheet_title == "问卷" else ["very satisfied", "satisfied", "fairly satisfied", "fairly dissatisfied",
                                                      "dissatisfied"]
    return labels_[0 if score >= 90 else 1 if score >= 70 else 2 if score >= 60 else 3 if score >= 40 else 4]


def add_voice_zh(book: openpyxl.Workbook, seed: int) -> None:
    """推荐意愿, 再次购买, 总体满意度 and 意见 on 问卷, 记录 on 走访, realistic 描述 on 投诉
    (own random stream, so every other sample value stays as it was)."""
    rng = random.Random(1500 + seed)
    _voice_rows(book["问卷"], 3, ITEMS_ZH, rng, VOICE_ZH, ["推荐意愿", "再次购买", "总体满意度", "意见"])
    _notes_and_descriptions(book, ("走访", "记录", VISIT_NOTES_ZH, 0.8), ("投诉", "投诉类别", "描述"), rng,
                            lambda text, kind: isinstance(text, str) and text.endswith(f"反映{kind}") and kind in COMPLAINT_TEXT_ZH,
                            lambda kind: rng.choice(COMPLAINT_TEXT_ZH[kind]))


def _notes_and_descriptions(book: openpyxl.Workbook, visits: tuple, complaints: tuple, rng: random.Random, replace, text_of) -> None:
    """A notes column on the visits sheet (``(sheet, header, texts, share of rows)``) and, on the
    complaints sheet (``(sheet, category header, description header)``), the descriptions
    ``replace(text, category)`` selects rewritten as ``text_of(category)``."""
    name, header, texts, share = visits
    sheet = book[name]
    notes = sheet.max_column + 1
    sheet.cell(row=1, column=notes, value=header)
    for row in range(2, sheet.max_row + 1):
        if rng.random() < share:
            sheet.cell(row=row, column=notes, value=rng.choice(texts))
    name, category_header, description_header = complaints
    sheet = book[name]
    names = [c.value for c in sheet[1]]
    category, description = names.index(category_header) + 1, names.index(description_header) + 1
    for row in range(2, sheet.max_row + 1):
        kind = sheet.cell(row=row, column=category).value
        if replace(sheet.cell(row=row, column=description).value, kind):
            sheet.cell(row=row, column=description, value=text_of(kind))


VOICE_EN = {
    "good": ["Technician arrived on time and fixed the pump quickly", "Friendly engineer, clear explanation of the repair",
             "Spare parts were in stock and delivered the next day", "Excellent response time and professional attitude"],
    "mixed": ["Repair was fine but the technician arrived late", "Good work, but the service report came a week later",
              "Spare parts delivery took longer than promised", "Engineer was helpful but had to come back twice"],
    "bad": ["Technician arrived two days late and the pump failed again", "Wrong spare parts delivered, second visit needed",
            "Nobody answered the service hotline for hours", "Repeated breakdowns, the root cause was never found"],
}
VISIT_NOTES_EN = ["Customer asked for a faster response on weekends", "Discussed spare parts stock on site; customer satisfied",
                  "Maintenance manager complained about late arrival of technicians", "Customer praised the new engineer",
                  "Agreed on a preventive maintenance plan for the valves"]
COMPLAINT_TEXT_EN = {"Late arrival": "Technician arrived late, production stopped for four hours",
                     "Wrong part": "Wrong spare part delivered, repair postponed",
                     "Rework": "Seal leaked again after repair, rework needed",
                     "Documentation": "Service report missing signatures"}


def add_voice_en(book: openpyxl.Workbook) -> None:
    """Likelihood to recommend, Repurchase intent, Overall satisfaction and Comments on
    Questionnaire, Notes on Visits, descriptions on Complaints (own random stream)."""
    rng = random.Random(1507)
    items = ["Skills", "Attitude", "Timeliness", "Parts supply", "Overall"]
    _voice_rows(book["Questionnaire"], 1, items, rng, VOICE_EN,
                ["Likelihood to recommend", "Repurchase intent", "Overall satisfaction", "Comments"])
    _notes_and_descriptions(book, ("Visits", "Notes", VISIT_NOTES_EN, 1.0), ("Complaints", "Category", "Description"), rng,
                            lambda text, kind: kind in COMPLAINT_TEXT_EN, COMPLAINT_TEXT_EN.get)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args()
    books = {
        "pvc_2026Q2_zh.xlsx": pvc_workbook("2026Q2", 1, 0.0),
        "pvc_2026Q1_zh.xlsx": pvc_workbook("2026Q1", 2, -1.5),
        "pvc_2025Q4_zh.xlsx": pvc_workbook("2025Q4", 3, -2.5),
        "field_service_2026H1_en.xlsx": field_service_workbook(),
    }
    for name, book in books.items():
        book.save(args.out / name)
        print(args.out / name)
    if args.out == HERE:
        PACKAGE_DATA.mkdir(exist_ok=True)
        for name in ("pvc_2026Q2_zh.xlsx", "field_service_2026H1_en.xlsx"):
            shutil.copyfile(HERE / name, PACKAGE_DATA / name)


if __name__ == "__main__":
    main()
