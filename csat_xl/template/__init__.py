"""Survey templates that compute the method with plain formulas (``csat-xl template``).

    from csat_xl.template import build_template, write_template
    write_template("模板.xlsx", lang="zh")                       # reference scheme
    write_template("next.xlsx", lang="en", scheme_source="2026Q2.xlsx")

See :mod:`csat_xl.template.builder` for the sheets and
:mod:`csat_xl.template.formulas` for every formula; docs/template.md for users.
"""

from .builder import DEFAULT_CUSTOMERS, DEFAULT_ROWS, Plan, build_template, make_plan, write_template
from .formulas import ALLOWED_FUNCTIONS, INVALID, functions_used

__all__ = [
    "ALLOWED_FUNCTIONS",
    "DEFAULT_CUSTOMERS",
    "DEFAULT_ROWS",
    "INVALID",
    "Plan",
    "build_template",
    "functions_used",
    "make_plan",
    "write_template",
]
