"""The baseline of the start-up benchmark: the short pandas script a
data-savvy quality officer would write instead of installing csat-xl.

    python benchmarks/naive_score.py WORKBOOK.xlsx > scores.csv

It reads a ``make_data.make_workbook`` file (reference scheme, category
weight mode, default settings) the obvious way — ``pd.read_excel`` of every
sheet — and computes Q, V, P, F and the grade per customer, printing CSV.
It knows none of csat-xl's checks (no cell addresses, no hand-typed
layouts): it is the cost floor of "pandas reads the workbook and groups
it", which ``csat-xl score`` on small workbooks should not exceed
(``bench_startup.py``).
"""

import sys

import pandas as pd

GRADES = {"很满意": 95, "满意": 80, "比较满意": 65, "比较不满意": 50, "不满意": 30}
OUTCOMES = {"很满意": 2, "满意": 0, "基本满意": -1, "不太满意": -3, "不满意": -5, "未处理": -5}
BOUNDS = [(90, "很满意"), (70, "满意"), (60, "比较满意"), (40, "比较不满意")]

sheets = pd.read_excel(sys.argv[1], sheet_name=None, engine="openpyxl")  # pandas' default engine for .xlsx
scheme = sheets["指标"].ffill()
category_sums = scheme.groupby("类别")["项目权重"].transform("sum")
scheme["w"] = scheme["项目权重"] / category_sums * scheme["类别权重"] / scheme.drop_duplicates("类别")["类别权重"].sum()
items, weights = list(scheme["项目"]), scheme.set_index("项目")["w"]


def numbers(frame):
    return frame[items].apply(lambda column: pd.to_numeric(column.replace(GRADES), errors="coerce"))


survey = sheets["问卷"]
q_means = numbers(survey).groupby(survey["客户编号"]).mean()
answered = q_means.notna().mul(weights).sum(axis=1)
q = q_means.fillna(0).mul(weights).sum(axis=1) / answered.where(answered > 0)

visits = sheets["走访"]
v_means = numbers(visits).groupby(visits["客户编号"]).mean().fillna(GRADES["满意"])
v = v_means.mul(weights).sum(axis=1) / weights.sum()

complaints = sheets["投诉"]
adjustment = complaints["处理结果"].map(OUTCOMES).fillna(OUTCOMES["未处理"]).groupby(complaints["客户编号"]).sum()

result = pd.DataFrame({"Q": q, "V": v}).reindex(sheets["客户"]["客户编号"])
p = (0.6 * result["V"] + 0.4 * result["Q"]).fillna(result["Q"]).fillna(result["V"])
result["F"] = (p + adjustment.reindex(result.index).fillna(0)).clip(0, 100)
result["等级"] = result["F"].map(lambda f: next((g for b, g in BOUNDS if f >= b), "不满意") if pd.notna(f) else "")
result.to_csv(sys.stdout)
