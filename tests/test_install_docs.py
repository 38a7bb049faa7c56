"""The formulas the install docs tell a user to type give what the docs say, on the sample they name.

docs/actions.md (classic) and docs/excel.md (Lite, xlwings Server) walk a
user from zero to ``=CSAT_SCORE(…)`` on ``pvc_2026Q2_zh.xlsx``; each such
formula is evaluated here through xlwings' own custom-function machinery
with the ranges it names, so a changed sample or a typo in a doc fails.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from officejs_functions import call, cell

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "csat_xl" / "data" / "pvc_2026Q2_zh.xlsx"
DOCS = ("docs/actions.md", "docs/excel.md", "docs/install.md")
#: the formulas on the sample's layout (its scheme is 指标!A1:E10)
FORMULA = re.compile(r"=(CSAT_SCORES?)\((指标!A1:E10(?:, [^)]+)?)\)")


def _formulas() -> list[tuple[str, str, str]]:
    found = []
    for doc in DOCS:
        for name, args in FORMULA.findall((ROOT / doc).read_text(encoding="utf-8")):
            found.append((doc, name, args))
    return sorted(set(found))


def _range(book, ref: str) -> list[list]:
    sheet, address = ref.split("!")
    return [[cell(c.value) if c.value is not None else "" for c in row] for row in book[sheet][address]]


def test_the_docs_name_formulas_on_the_sample():
    docs = {doc for doc, _, _ in _formulas()}
    assert {"docs/actions.md", "docs/excel.md"} <= docs


@pytest.mark.parametrize("doc,name,args", _formulas(), ids=lambda v: str(v)[:40])
def test_doc_formula_on_the_sample_gives_c001s_score(doc, name, args):
    book = openpyxl.load_workbook(SAMPLE, data_only=True)
    result = call(name, *(_range(book, ref.strip()) for ref in args.split(",")))
    c001 = result[0][0] if name == "CSAT_SCORE" else next(row[5] for row in result if row[0] == "C001")
    assert c001 == pytest.approx(73.518, abs=5e-4), (doc, name, args)
