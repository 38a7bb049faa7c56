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
from dataclasses import dataclass, fields
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
from .untrusted import console_line, visible

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
    """``table`` as a rich table; cells (item names, customers …) shown literally (csat_xl.untrusted)."""
    if not table.rows:
        if note:
            console.print(console_line((table.title, "bold"), ": ", note))
        return
    rich = RichTable(title=visible(table.title, keep_newlines=False), title_justify="left")
    for column in table.columns:
        rich.add_column(visible(column.label, keep_newlines=False), justify="left" if column.number_format is None else "right")
    for row in table.rows:
        rich.add_row(*(visible(format_value(row.get(c.key), c.number_format), keep_newlines=False) for c in table.columns))
    console.print(rich)


def _print_fields(title: str, fields: dict[str, Field], keys: Sequence[str], console: Console) -> None:
    parts = [f"{fields[k].label}: {format_value(fields[k].value, fields[k].number_format)}" for k in keys]
    console.print(console_line((title, "bold"), " ", " · ".join(parts)))


@dataclass
class StatisticsWithVoice(st.Statistics):
    """The statistics plus loyalty (NPS, repurchase) and comment terms (issue 15)."""

    loyalty: Any = None
    comments: Any = None

    def to_dict(self) -> dict:
        out = super().to_dict()
        out["loyalty"] = self.loyalty.to_dict() if self.loyalty is not None else None
        out["comments"] = self.comments.to_dict() if self.comments is not None else None
        return out


def compute(scores: Scores, previous: Scores | None, **options: Any) -> StatisticsWithVoice:
    """The statistics of ``scores`` (and the CSI change against ``previous``),
    NPS / repurchase and the comment terms; ``options`` go to
    :func:`csat_xl.statistics.analyse`."""
    from .analyses import comments, loyalty
    from .report.voice import customer_groups

    stats = st.analyse(scores, previous, **options)
    keep = {k: options[k] for k in ("level", "resamples", "seed") if k in options}
    return StatisticsWithVoice(**{f.name: getattr(stats, f.name) for f in fields(stats)},
                               loyalty=loyalty.loyalty(scores.survey, customer_groups(scores),
                                                       minimum=scores.survey.settings.min_group_size, **keep),
                               comments=comments.comment_terms(scores))


#: Top terms printed per comment source.
PRINTED_TERMS = 10


def _print_voice(stats: StatisticsWithVoice, lang: str, console: Console) -> None:
    """Key drivers, NPS / repurchase and the top comment terms (issue 15)."""
    from .report.comments_sheet import SOURCE_KEYS, comments_tables
    from .report.loyalty_tables import DRIVER_KEYS, OVERVIEW_KEYS, loyalty_fields, loyalty_tables

    c = lambda key: caption(key, lang)  # noqa: E731
    if stats.drivers is not None:
        fields_ = loyalty_fields(stats.loyalty, stats.drivers, lang)
        tables = loyalty_tables(stats.loyalty, stats.drivers, lang)
        _print_fields(c("block.stats_drivers"), fields_, DRIVER_KEYS, console)
        _print_table(tables["stats_drivers"], console, c("section.no_drivers"))
        if stats.loyalty.available:
            _print_fields(c("block.loyalty"), fields_, [*OVERVIEW_KEYS, "repurchase_low", "repurchase_high"], console)
        _print_table(tables["loyalty_nps"], console, c("section.no_loyalty"))
    if stats.comments is None or not stats.comments.available:
        console.print(c("section.no_comments"), highlight=False)
        return
    tables = comments_tables(stats.comments, lang)
    _print_table(tables["comments_sources"], console)
    shown = ("term", "term_count", "term_customers", "example_1")
    for source in SOURCE_KEYS:
        table = tables[f"comments_{source}"]
        table.columns = [col for col in table.columns if col.key in shown]
        table.rows = table.rows[:PRINTED_TERMS]
        _print_table(table, console)


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
    if isinstance(stats, StatisticsWithVoice):
        _print_voice(stats, lang, console)
    _print_table(tables["stats_expectations"], console, c("section.stats_no_expectations"))
    _print_table(tables["stats_expectation_customers"], console)
    _print_table(tables["stats_band_flip"], console)
    note = fields["band_flip_note"].value  # one text with the report's Statistics sheet
    if note:
        console.print(console_line((tables["stats_band_flip"].title, "bold"), ": ", note) if not tables["stats_band_flip"].rows
                      else console_line(note))
