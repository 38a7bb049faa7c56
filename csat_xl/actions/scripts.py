"""The actions as xlwings scripts, for xlwings Lite and xlwings Server (Office.js).

In both hosts there is no file system next to the workbook: the host sends
the workbook's sheets, injects them as the ``book`` argument (annotated
``xw.Book``), and replays the writes the script made.  The ribbon buttons of
the Office add-in (``addin/server/``, xlwings Server) and the xlwings Lite task pane run
these functions by name:

=====================  ======================  ==================================================
script                 button                  what it does in the active workbook
=====================  ======================  ==================================================
``build_report``       生成报告 Build report    report sheets 报告-… (tables, formats, charts)
``new_template``       新建模板 New template    the blank template: a new workbook (Server) or
                                               its sheets added (Lite)
``validate``           校验 Validate            findings sheet 校验结果, selected
``refresh_results``    刷新结果 Refresh         per-customer scores on 客户得分
=====================  ======================  ==================================================

Classic desktop xlwings uses :mod:`csat_xl.actions.classic` instead (files
next to the workbook).  The work itself is in
:mod:`csat_xl.actions.book_actions` and :mod:`csat_xl.actions.documents`.
"""

from __future__ import annotations

import xlwings as xw

from . import book_actions


@xw.script(name="生成报告 Build report")
def build_report(book: xw.Book):
    """Compute the workbook and add the report's sheets to it."""
    from .documents import add_report_sheets

    add_report_sheets(book)


@xw.script(name="新建模板 New template")
def new_template(book: xw.Book):
    """A blank survey template in the user's language: a new workbook (xlwings Server) or new sheets (Lite)."""
    from .documents import new_template_in_book

    new_template_in_book(book)


@xw.script(name="校验 Validate")
def validate(book: xw.Book):
    """List every finding on the findings sheet and select it."""
    book_actions.validate(book)


@xw.script(name="刷新结果 Refresh")
def refresh_results(book: xw.Book):
    """Write the per-customer results table into the results sheet."""
    book_actions.refresh_results(book)


#: Script name of every ribbon / task-pane button, in button order.
SCRIPTS = ("build_report", "new_template", "validate", "refresh_results")
