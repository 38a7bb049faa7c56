"""``csat-xl score --stats``: the statistics section of the score command.

Thin rim: :func:`csat_xl.statistics.analyse` computes, the report's
statistics tables (:mod:`csat_xl.report.stats_tables`) label and order, and
this module prints them — as rich tables after the scores (``--format
table``), on stderr so stdout stays one CSV (``--format csv``), or as the
``statistics`` member of one JSON object (``--format json``, see
``docs/statistics.md``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table as RichTable

from . import statistics as st
from .report.captions import caption
from .report.model import Field, Table
from .report.stats_tables import (
    SAMPLE_KEYS,
    SETTINGS_KEYS,
    period_difference_table,
    statistics_fields,
    statistics_tables,
)
from .scoring import Scores

_DECIMALS = re.compile(r"0\.(0+#*)")


def format_value(value: Any, number_format: str | None) -> str:
    """Show a model value as Excel would with its number format (the few
    formats the report uses: ``0``, ``0.00``, ``0.000``, ``0.0%``, ``+0.00;…``)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not number_format:
        return str(value)
    first = number_format.split(";")[0]
    match = _DECIMALS.search(first)
    decimals = len(match.group(1).rstrip("#")) if match else 0
    percent = "%" in first
    shown = value * 100.0 if percent else value
    sign = "+" if first.startswith("+") else ""
    return f"{shown:{sign}.{decimals}f}" + ("%" if percent else "")


def _print_table(table: Table, console: Console, note: str | None = None) -> None:
    if not table.rows:
        if note:
            console.print(f"[bold]{table.title}[/]: {note}", highlight=False)
        return
    rich = RichTable(title=table.title, title_justify="left")
    for column in table.columns:
        rich.add_column(column.label, justify="left" if column.number_format is None else "right")
    for row in table.rows:
        rich.add_row(*(format_value(row.get(c.key), c.number_format) for c in table.columns))
    console.print(rich)


def _print_fields(title: str, fields: dict[str, Field], keys: Sequence[str], console: Console) -> None:
    parts = [f"{fields[k].label}: {format_value(fields[k].value, fields[k].number_format)}" for k in keys]
    console.print(f"[bold]{title}[/] " + " · ".join(parts), highlight=False)


def compute(scores: Scores, previous: Scores | None, **options: Any) -> st.Statistics:
    """The statistics of ``scores`` (and the CSI change against ``previous``);
    ``options`` go to :func:`csat_xl.statistics.analyse`."""
    return st.analyse(scores, previous, **options)


def print_statistics(stats: st.Statistics, scores: Scores, lang: str, console: Console,
                     previous_name: str | None = None, period_name: str | None = None) -> None:
    """The statistics section in ``lang`` (zh/en), as rich tables."""
    c = lambda key: caption(key, lang)  # noqa: E731
    console.rule(c("section.statistics"))
    fields = statistics_fields(stats, lang)
    tables = statistics_tables(stats, scores, lang)
    _print_fields(c("block.stats_settings"), fields, SETTINGS_KEYS, console)
    _print_table(tables["stats_uncertainty"], console)
    _print_fields(c("block.stats_sample"), fields, SAMPLE_KEYS, console)
    if stats.period_difference is not None:
        name = period_name or c("role.current")
        before = previous_name or c("role.previous")
        _print_table(period_difference_table([(name, before, stats.period_difference)], lang), console)
    _print_table(tables["stats_reliability"], console)
    _print_table(tables["stats_alpha_items"], console)
    _print_table(tables["stats_ipa"], console)
    _print_table(tables["stats_expectations"], console, c("section.stats_no_expectations"))
    _print_table(tables["stats_expectation_customers"], console)
    _print_table(tables["stats_band_flip"], console, c("section.stats_no_band_flip"))
    not_listed = int((stats.band_flip["flip_probability"] <= 0).sum()) if len(stats.band_flip) else 0
    if not_listed:
        console.print(c("section.stats_band_flip_more").format(n=not_listed), highlight=False)
