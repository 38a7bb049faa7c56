"""File input and output: the rim around the core.

Readers turn a workbook file into :class:`~csat_xl.tables.Table` grids
(:mod:`csat_xl.io.readers`); :func:`read_survey` and :func:`inspect_workbook`
then parse them with :mod:`csat_xl.tables`.  Writers write atomically
(:mod:`csat_xl.io.atomic`).
"""

from .readers import ENGINES, inspect_workbook, read_survey, read_tables

__all__ = ["ENGINES", "inspect_workbook", "read_survey", "read_tables"]
