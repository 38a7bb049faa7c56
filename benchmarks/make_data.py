"""Large, realistic survey workbooks for benchmarks (shared by every benchmark).

    from make_data import make_workbook          # with benchmarks/ on sys.path
    make_workbook(Path("big.xlsx"), customers=20_000, responses=100_000, seed=0)

The workbook follows WORKBOOK.md with the METHOD.md reference scheme:

- 指标: the reference scheme (category weight mode);
- 客户: every customer with a region and a customer weight;
- 问卷: ``responses`` rows spread over the customers, labels (40 %) and
  numbers mixed, 5 % blanks, several respondents per customer;
- 走访: one visit for every second customer, 1–3 items raised each;
- 投诉: one complaint for every tenth customer, every outcome including blank,
  with category, product, region and department for breakdowns.

Rows are written with openpyxl's write-only mode (fast, constant memory);
everything is drawn from one seeded generator, so a seed gives the same file.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))
from builders import ITEMS, REFERENCE_SCHEME  # noqa: E402

GRADE_LABELS = np.array(["很满意", "满意", "比较满意", "比较不满意", "不满意"], dtype=object)
OUTCOMES = np.array(["满意", "基本满意", "不满意", "未处理", None], dtype=object)
COMPLAINT_CATEGORIES = np.array(["产品质量", "交付", "包装", "服务", "单据"], dtype=object)
PRODUCTS = np.array(["SG-3", "SG-5", "SG-8", "糊树脂"], dtype=object)
REGIONS = np.array(["华东", "华南", "华北", "西南", "海外"], dtype=object)
DEPARTMENTS = np.array(["生产部", "物流部", "销售部", "质量部"], dtype=object)


#: Clauses of the ``voice`` comments (issue 15): combined two at a time, so texts vary like real ones.
COMMENT_CLAUSES = np.array([
    "交货及时", "包装袋破损", "技术服务响应慢", "产品质量稳定", "黑黄点偏多", "价格偏高", "业务员服务热情",
    "发票开具不及时", "物流偶有延误", "希望加强售后回访", "鱼眼较多影响加工", "沟通顺畅", "到货准时",
    "杂质偏多批次不稳定", "Technician arrived late", "spare parts delivered quickly",
], dtype=object)


def make_workbook(path: Path, customers: int, responses: int, seed: int = 0, voice: bool = False) -> Path:
    """Write a survey workbook with ``customers`` customers and ``responses``
    questionnaire rows to ``path`` and return ``path``.

    Customer IDs are ``C000000`` … ; every customer is listed on the 客户 sheet,
    some have no questionnaire row (not surveyed) when responses < customers.
    ``voice`` adds 推荐意愿 (0–10), 再次购买, 总体满意度 and 意见 (comments on
    60 % of the rows) to 问卷 and 记录 (notes) to 走访 (issue 15's analyses).
    """
    rng = np.random.default_rng(seed)
    ids = np.array([f"C{c:06d}" for c in range(customers)], dtype=object)
    book = Workbook(write_only=True)

    sheet = book.create_sheet("指标")
    for row in REFERENCE_SCHEME:
        sheet.append(row)

    sheet = book.create_sheet("客户")
    sheet.append(["客户编号", "客户名称", "区域", "客户权重"])
    regions = REGIONS[rng.integers(0, len(REGIONS), customers)]
    weights = rng.integers(1, 6, customers)
    for c in range(customers):
        sheet.append([ids[c], f"客户{c}", regions[c], int(weights[c])])

    sheet = book.create_sheet("问卷")
    sheet.append(["客户编号", "受访人", *ITEMS, *(["推荐意愿", "再次购买", "总体满意度", "意见"] if voice else [])])
    who = rng.integers(0, customers, responses)
    numbers = rng.integers(30, 101, (responses, len(ITEMS)))
    kind = rng.random((responses, len(ITEMS)))
    labels = GRADE_LABELS[rng.integers(0, 5, (responses, len(ITEMS)))]
    if voice:  # drawn after everything else, so the rest of the workbook is the same with or without
        extra_rng = np.random.default_rng(seed + 1)
        overall = np.clip(numbers.mean(axis=1) + extra_rng.normal(0, 6, responses), 0, 100).round()
        recommend = np.clip(((overall - 45) / 5 + extra_rng.normal(0, 1, responses)).round(), 0, 10).astype(int)
        pick = extra_rng.integers(0, len(COMMENT_CLAUSES), (responses, 2))
        has_comment = extra_rng.random(responses) < 0.6
    for r in range(responses):
        cells = [None if k < 0.05 else labels[r, j] if k < 0.4 else int(numbers[r, j]) for j, k in enumerate(kind[r])]
        if voice:
            text = f"{COMMENT_CLAUSES[pick[r, 0]]}，{COMMENT_CLAUSES[pick[r, 1]]}" if has_comment[r] else None
            cells += [int(recommend[r]), int(overall[r]), int(overall[r]), text]
        sheet.append([ids[who[r]], f"R{r}", *cells])

    sheet = book.create_sheet("走访")
    sheet.append(["客户编号", "走访日期", *ITEMS, *(["记录"] if voice else [])])
    visited = np.arange(0, customers, 2)
    raised = rng.random((len(visited), len(ITEMS))) < 2 / len(ITEMS)
    grades = GRADE_LABELS[rng.integers(0, 5, (len(visited), len(ITEMS)))]
    for v, c in enumerate(visited):
        note = [f"客户反映{COMMENT_CLAUSES[(v * 7) % len(COMMENT_CLAUSES)]}"] if voice else []
        sheet.append([ids[c], "2026-05-20", *[grades[v, j] if raised[v, j] else None for j in range(len(ITEMS))], *note])

    sheet = book.create_sheet("投诉")
    sheet.append(["客户编号", "投诉编号", "处理结果", "投诉类别", "产品", "区域", "责任部门", "描述"])
    complained = rng.integers(0, customers, max(customers // 10, 1))
    for n, c in enumerate(complained):
        sheet.append([
            ids[c], f"TS{n:06d}", OUTCOMES[rng.integers(0, len(OUTCOMES))],
            COMPLAINT_CATEGORIES[rng.integers(0, len(COMPLAINT_CATEGORIES))],
            PRODUCTS[rng.integers(0, len(PRODUCTS))], regions[c],
            DEPARTMENTS[rng.integers(0, len(DEPARTMENTS))], "到货延迟，包装破损",
        ])
    book.save(path)
    return path


def calamine_read_command(path: Path) -> list[str]:
    """The baseline of the file benchmarks: python-calamine alone reading
    every sheet of ``path`` into Python lists, in a fresh process."""
    code = (f"from python_calamine import CalamineWorkbook as W; b=W.from_path({str(path)!r}); "
            "[b.get_sheet_by_name(n).to_python() for n in b.sheet_names]")
    return [sys.executable, "-c", code]


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall time (s) and peak resident memory (MiB, ``wait4``) of one child
    process; raises with the end of its stderr when it fails
    (only exit 0 passes)."""
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: no deadlock on long stderr
        start = time.perf_counter()
        child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            errors.seek(0)
            raise RuntimeError(f"{cmd} failed: {errors.read().decode(errors='replace')[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024


def best_against_read(path: Path, cmd: list[str], repeat: int) -> tuple[tuple[float, float], tuple[float, float]]:
    """``((read s, read MiB), (cmd s, cmd MiB))``: the calamine baseline and
    ``cmd`` run alternately ``repeat`` times, the best run of each kept — on
    a shared machine the minimum is the least disturbed measurement."""
    reads, runs = [], []
    for _ in range(repeat):
        reads.append(timed(calamine_read_command(path)))
        runs.append(timed(cmd))
    return min(reads), min(runs)
