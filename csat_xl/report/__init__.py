"""The summary workbook (``csat-xl report``): a report model rendered from Excel templates.

:func:`build_report` builds a :class:`~csat_xl.report.model.ReportModel`
(plain data, no Excel library); :func:`render_xlsx` fills an Excel template
with it and writes the file atomically.  See ``docs/report.md``.
"""

from .model import ReportModel, build_report

__all__ = ["ReportModel", "build_report", "render_xlsx"]


def __getattr__(name: str):
    # The file renderer imports openpyxl and jinja2; the model does not need them.
    if name == "render_xlsx":
        from .render_xlsx import render_xlsx

        return render_xlsx
    raise AttributeError(name)
