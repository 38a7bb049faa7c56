"""``csat-xl score --by COLUMN``: results per customer group (CLI.md, version 2).

Thin rim: :func:`csat_xl.analyses.groups.group_table` computes, the report's
group tables (:func:`csat_xl.report.group_tables.wide_table`) label and
order, and this module prints them — one rich table per group column
(``--format table``), one CSV with a leading group-column column (``--format
csv``), or the ``groups`` member of one JSON object (``--format json``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from rich.console import Console

from .analyses.groups import GroupTable, group_table, resolve_column
from .cli_stats import _print_table
from .report.captions import caption
from .report.group_tables import wide_table
from .scoring import Scores
from .untrusted import console_line, csv_text


def compute(scores: Scores, columns: Sequence[str]) -> GroupTable:
    """The groups of ``columns`` (each resolved like :func:`resolve_column`:
    an unknown one raises :class:`~csat_xl.analyses.groups.UnknownGroupColumnError`)."""
    return group_table(scores, [resolve_column(scores.survey, c) for c in columns])


def _columns(groups: GroupTable) -> list[str]:
    return list(dict.fromkeys(groups.groups["column"]))


def print_groups(groups: GroupTable, lang: str, console: Console) -> None:
    """One table per group column, with the suppression rule under it."""
    for column in _columns(groups):
        _print_table(wide_table(groups, column, lang), console)
    console.print(console_line(caption("groups_note", lang).format(n=groups.min_group_size)))


def groups_csv(groups: GroupTable, lang: str) -> str:
    """All groups as one CSV: the group column's name first, numbers unrounded."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header_written = False
    for column in _columns(groups):
        table = wide_table(groups, column, lang)
        if not header_written:
            writer.writerow([caption("col.group_column", lang), caption("col.group", lang), *(c.label for c in table.columns[1:])])
            header_written = True
        for row in table.rows:
            writer.writerow([csv_text(column), *("" if row.get(c.key) is None else csv_text(row.get(c.key)) for c in table.columns)])
    return out.getvalue()
