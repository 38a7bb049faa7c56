"""File input and output: the rim around the core.

Readers turn a workbook file into :class:`~csat_xl.tables.Table` grids
(:mod:`csat_xl.io.readers`); :func:`read_survey` and :func:`inspect_workbook`
then parse them with :mod:`csat_xl.tables`.  Writers write atomically
(:mod:`csat_xl.io.atomic`).
"""

__all__ = ["ENGINES", "inspect_workbook", "read_survey", "read_tables"]


def __getattr__(name: str):
    # Lazy: importing csat_xl.io.atomic (every command's output path) must not
    # load the readers, pandas and the core (csat-xl --help start-up time).
    if name in __all__:
        from . import readers

        return getattr(readers, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
