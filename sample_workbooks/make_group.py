"""Write the sample group: five branch workbooks for each of two periods (seeded).

    python sample_workbooks/make_group.py      # or: make samples

A PVC-resin group's regional sales companies (区域公司) each keep their own
survey workbook per quarter, as a quality officer would type it:

``2026Q1/<branch>.xlsx`` and ``2026Q2/<branch>.xlsx``
    the METHOD.md reference scheme (华南 weights 品质 higher: weights may
    differ between branches); 设置 with 期间, 单位 (the branch) and 单位权重
    (the branch's weight in the group, by sales volume) — except 华中分公司,
    which has neither, so it is named by its file name and weighs 1;
    18–30 customers per branch with 1–3 respondents each, labels and numbers
    mixed, some blanks, visits for most customers, complaints with
    categories and outcomes (blank outcomes too); the questionnaire header
    on row 3 in two branches (rows above it left empty).

Used by ``csat-xl consolidate`` (tests, ``make demo``, docs/consolidate.md).
Deterministic: the same seed gives the same files.
"""

from __future__ import annotations

import random
import sys
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "group"
sys.path.insert(0, str(HERE))

from generate import GRADES_ZH, ITEMS_ZH, OUTCOMES_ZH, PLACES, SCHEME_ZH, WORDS, KINDS, _book  # noqa: E402

#: (file stem, 单位 setting or None, 单位权重 or None, level of satisfaction, customers, weak items)
BRANCHES = [
    ("华东分公司", "华东分公司", 3, 84.0, 30, ("运输", "价格和付款")),
    ("华南分公司", "华南分公司", 2, 80.0, 26, ("运输", "问题处理")),
    ("华北分公司", "华北分公司", 1.5, 74.0, 22, ("运输", "问题处理", "技术支持和服务")),
    ("西南分公司", "西南分公司", 1, 77.0, 18, ("价格和付款", "运输")),
    ("华中分公司", None, None, 81.0, 20, ("包装", "问题处理")),
]
PERIODS = {"2026Q1": -2.0, "2026Q2": 0.0}
COMPLAINT_CATEGORIES = ["交货延迟", "质量-黑黄点", "包装破损", "发票问题", "质量-鱼眼", "交货延迟", "交货延迟", "质量-黑黄点"]


def _answer(rng: random.Random, level: float) -> object:
    roll = rng.random()
    if roll < 0.06:
        return None
    value = level + rng.gauss(0, 9)
    if roll < 0.4:
        return GRADES_ZH[0 if value >= 90 else 1 if value >= 70 else 2 if value >= 60 else 3 if value >= 40 else 4]
    return int(min(100, max(20, round(value))))


def branch_workbook(stem: str, unit: str | None, unit_weight: float | None, level: float, n: int,
                    weak: tuple[str, ...], period: str, seed: int):
    rng = random.Random(seed)
    prefix = {"华东分公司": "HD", "华南分公司": "HN", "华北分公司": "HB", "西南分公司": "XN", "华中分公司": "HZ"}[stem]
    ids = [f"{prefix}{i:03d}" for i in range(1, n + 1)]
    names = {c: f"{PLACES[(i + len(stem)) % 10]}{WORDS[(i * 5 + len(prefix)) % 12]}{KINDS[i % 5]}" for i, c in enumerate(ids)}
    scheme = [["类别", "类别权重", "项目", "项目权重", "量表"]]
    for category, weight, items in SCHEME_ZH:
        for j, (item, item_weight) in enumerate(items):
            if stem == "华南分公司" and item == "品质":
                item_weight = 35  # this branch weighs product quality higher (rescaled to its category)
            scheme.append([category if j == 0 else None, weight if j == 0 else None, item, item_weight, None])
    header_row = 3 if stem in ("华北分公司", "西南分公司") else 1
    questionnaire = [[] for _ in range(header_row - 1)] + [["客户编号", "客户名称", "受访人", *ITEMS_ZH]]
    visits = [["客户编号", "走访日期", *ITEMS_ZH]]
    complaints = [["客户编号", "投诉编号", "日期", "处理结果", "投诉类别", "责任部门", "描述"]]
    customers = [["客户编号", "客户名称", "客户权重"]]
    month = 1 if period.endswith("Q1") else 4
    for i, c in enumerate(ids):
        base = level + PERIODS[period] + rng.gauss(0, 6)
        customers.append([c, names[c], rng.choice([100, 200, 300, 500])])
        if i == n - 1:
            continue  # listed, not surveyed this period
        for r in range(rng.choice([1, 1, 2, 3])):
            row = [_answer(rng, base - (12 if item in weak else 0)) for item in ITEMS_ZH]
            questionnaire.append([c, names[c], f"受访人{r + 1}", *row])
        if i % 5 != 2:
            row = [None] * len(ITEMS_ZH)
            for k in rng.sample(range(len(ITEMS_ZH)), 2):
                row[k] = _answer(rng, base - (12 if ITEMS_ZH[k] in weak else 0)) or "满意"
            visits.append([c, date(2026, month + i % 3, 3 + i % 25), *row])
        if rng.random() < 0.3:
            k = rng.randrange(len(COMPLAINT_CATEGORIES))
            outcome = rng.choice(OUTCOMES_ZH + [None])
            complaints.append([c, f"{prefix}-{period}-{len(complaints):03d}", date(2026, month + i % 3, 1 + i % 27), outcome,
                               COMPLAINT_CATEGORIES[k], ["物流部", "质检部", "销售部", "财务部"][k % 4],
                               f"{names[c]}反映{COMPLAINT_CATEGORIES[k]}"])
    settings = [["参数", "值"], ["期间", period], ["走访占比", 0.6]]
    if unit:
        settings.append(["单位", unit])
    if unit_weight is not None:
        settings.append(["单位权重", unit_weight])
    return _book({"指标": scheme, "问卷": questionnaire, "走访": visits, "投诉": complaints, "客户": customers, "设置": settings},
                 header_rows={"问卷": header_row})


def main(out: Path = OUT) -> list[Path]:
    written = []
    for p, period in enumerate(PERIODS):
        folder = out / period
        folder.mkdir(parents=True, exist_ok=True)
        for b, (stem, unit, weight, level, n, weak) in enumerate(BRANCHES):
            path = folder / f"{stem}.xlsx"
            branch_workbook(stem, unit, weight, level, n, weak, period, seed=1000 * (p + 1) + b).save(path)
            written.append(path)
            print(path)
    return written


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
