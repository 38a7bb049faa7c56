"""The summary workbook (``csat-xl report``): a report model rendered from Excel templates.

:func:`build_report` builds a :class:`~csat_xl.report.model.ReportModel`
(plain data, no Excel library: :mod:`csat_xl.report.model`);
:func:`render_xlsx` fills an Excel template with it and writes the file
atomically (:mod:`csat_xl.report.render_xlsx`).  See ``docs/report.md``.
"""

from .model import ReportModel, build_report
from .render_xlsx import RenderedWorkbook, ReportTemplateError, default_template, render_workbook, render_xlsx

__all__ = ["RenderedWorkbook", "ReportModel", "ReportTemplateError", "build_report", "default_template", "render_workbook", "render_xlsx"]
