"""The statistics (:mod:`csat_xl.statistics`) as report-model fields and tables.

One presentation of every statistic, in the report language, used by

* the report's Statistics 统计 sheet and the CSI-change table of its Trend
  sheet (:func:`add_statistics` adds them to a :class:`ReportModel`), and
* ``csat-xl score --stats`` (the CLI prints the same tables).

Like the rest of the report model this holds only plain values: numbers stay
unrounded numbers with an Excel number format, text stays text.  Nothing is
computed here beyond choosing, ordering and labelling.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .. import labels
from .. import statistics as st
from ..scoring import Scores
from .captions import caption
from .model import FORMATS, Block, Chart, Column, Field, ReportModel, Series, Sheet, Table, grade_style

#: Number formats the statistics add to the report's.
STATS_FORMATS = {
    "alpha": "0.000",
    "alpha_delta": "+0.000;-0.000;0.000",
    "r": "0.000",
    "cs": "0.000",
    "probability": "0.0%",
}

#: Band-flip rows listed: every customer at risk, at most this many.
MAX_BAND_FLIP_ROWS = 200


def _fmt(kind: str | None) -> str | None:
    if kind is None:
        return None
    return STATS_FORMATS.get(kind) or FORMATS.get(kind, kind)


def _col(key: str, lang: str, kind: str | None = None, caption_key: str | None = None, label: str | None = None) -> Column:
    fmt = _fmt(kind)
    style = "percent" if fmt and "%" in fmt else ("number" if fmt else "text")
    return Column(key, label if label is not None else caption(caption_key or f"col.{key}", lang), fmt, style)


def _num(value: Any) -> float | int | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def _threshold_text(threshold: float) -> str:
    return f"{threshold:g}"


# --- fields ------------------------------------------------------------------------------------
def statistics_fields(stats: st.Statistics, lang: str) -> dict[str, Field]:
    """How the numbers were computed, and the minimum-sample verdict (namespace ``stats``)."""
    c = lambda key: caption(key, lang)  # noqa: E731
    s = stats.settings
    sample = stats.minimum_sample
    sufficient = "unknown" if sample.sufficient is None else ("yes" if sample.sufficient else "no")
    sufficient_style = "text" if sample.sufficient is None else ("attained" if sample.sufficient else "not_attained")
    fields = [
        Field("method", c("stats.method"), c("stats.method_normal" if s.get("method") == st.NORMAL else "stats.method_value")),
        Field("level", c("stats.level"), float(s["level"]), "0%"),
        Field("resamples", c("stats.resamples"), int(s["resamples"]), FORMATS["count"]),
        Field("seed", c("stats.seed"), s["seed"], FORMATS["count"]),
        Field("policy", c("stats.policy"), c(f"policy.{s['policy']}")),
        Field("alpha_threshold", c("stats.alpha_threshold"), float(s["alpha_threshold"]), "0.0#"),
        Field("cs_tolerance", c("stats.cs_tolerance"), float(s["cs_tolerance"]), "0.00"),
        Field("margin", c("stats.margin"), float(sample.margin), "0.0#"),
        Field("sigma", c("stats.sigma"), _num(sample.sigma), FORMATS["score"]),
        Field("required", c("stats.required"), sample.required, FORMATS["count"]),
        Field("actual", c("stats.actual"), sample.actual, FORMATS["count"]),
        Field("sufficient", c("stats.sufficient"), c(f"stats.{sufficient}"), None, sufficient_style),
        Field("band_flip_note", c("block.stats_band_flip"), band_flip_note(stats, lang)),
    ]
    return {f.key: f for f in fields}


def band_flip_note(stats: st.Statistics, lang: str) -> str:
    """The line under the band-flip table, the same in the CLI and on the report's Statistics sheet.

    No customer with several respondents; all of them keep their grade in
    every resample; or how many more (probability 0) the table leaves out.
    """
    frame = stats.band_flip
    if not len(frame):
        return caption("section.stats_no_band_flip", lang)
    zero = int((frame["flip_probability"] <= 0).sum())
    if zero == len(frame):
        return caption("section.stats_band_flip_none", lang).format(n=zero)
    return caption("section.stats_band_flip_more", lang).format(n=zero) if zero else ""


SETTINGS_KEYS = ["method", "level", "resamples", "seed", "policy", "alpha_threshold", "cs_tolerance"]
SAMPLE_KEYS = ["margin", "sigma", "required", "actual", "sufficient"]


# --- tables ------------------------------------------------------------------------------------
def _uncertainty_table(stats: st.Statistics, lang: str) -> Table:
    columns = [_col("measure", lang), _col("estimate", lang, "score"), _col("low", lang, "score"),
               _col("high", lang, "score"), _col("half_width", lang, "score"), _col("n", lang, "count")]
    rows = []
    for r in stats.uncertainty.table.to_dict(orient="records"):
        # The rate is shown in percentage points so one score format fits every row.
        scale = 100.0 if r["measure"] == "satisfaction_rate" else 1.0
        label = caption(f"measure.{r['measure']}", lang).format(category=r["category"])
        rows.append({"measure": label, **{k: None if _num(r[k]) is None else _num(r[k]) * scale
                                          for k in ("estimate", "low", "high", "half_width")}, "n": int(r["n"])})
    return Table("stats_uncertainty", caption("block.stats_uncertainty", lang), columns, rows)


def _reliability_tables(stats: st.Statistics, lang: str) -> tuple[Table, Table]:
    rel = stats.reliability
    threshold = _threshold_text(rel.threshold)
    columns = [_col("category", lang), _col("items_count", lang, "count"), _col("respondents_used", lang, "count"),
               _col("alpha", lang, "alpha"), _col("assessment", lang)]
    rows, styles = [], []
    for r in rel.categories.to_dict(orient="records"):
        below = r["below_threshold"]
        if _num(r["alpha"]) is None:  # one item or respondent: undefined; else the sum does not vary
            verdict = "no_variance" if int(r["items"]) >= 2 and int(r["respondents"]) >= 2 else "undefined"
        else:
            verdict = "low" if bool(below) else "ok"
        rows.append({
            "category": _text(r["category"]) or caption("reliability.all_items", lang),
            "items_count": int(r["items"]), "respondents_used": int(r["respondents"]), "alpha": _num(r["alpha"]),
            "assessment": caption(f"reliability.{verdict}", lang).format(threshold=threshold),
        })
        styles.append({"ok": "attained", "low": "not_attained"}.get(verdict))
    categories = Table("stats_reliability", caption("block.stats_reliability", lang), columns, rows, {"assessment": styles})
    item_columns = [_col("category", lang), _col("item", lang), _col("alpha_if_deleted", lang, "alpha"),
                    _col("alpha_change", lang, "alpha_delta"), _col("item_total", lang, "r")]
    item_rows = [
        {"category": _text(r["category"]), "item": _text(r["item"]), "alpha_if_deleted": _num(r["alpha_if_deleted"]),
         "alpha_change": _num(r["alpha_change"]), "item_total": _num(r["item_total"])}
        for r in rel.items.to_dict(orient="records")
    ]
    return categories, Table("stats_alpha_items", caption("block.stats_alpha_items", lang), item_columns, item_rows)


def _quadrant(key: Any, lang: str) -> str | None:
    return caption(f"quadrant.{key}", lang) if isinstance(key, str) else None


def _ipa_table(stats: st.Statistics, lang: str) -> Table:
    columns = [_col("item", lang), _col("category", lang), _col("stated_importance", lang, "weight"),
               _col("derived_importance", lang, "r"), _col("correlation", lang, "r"), _col("performance", lang, "score"),
               _col("quadrant", lang), _col("quadrant_derived", lang)]
    rows, styles = [], []
    for r in stats.importance_performance.table.to_dict(orient="records"):
        rows.append({
            "item": _text(r["item"]), "category": _text(r["category"]),
            "stated_importance": _num(r["stated_importance"]), "derived_importance": _num(r["derived_importance"]),
            "correlation": _num(r["correlation"]),
            "performance": _num(r["performance"]),
            "quadrant": _quadrant(r["quadrant"], lang),
            "quadrant_derived": _quadrant(r["quadrant_derived"], lang),
        })
        styles.append("not_attained" if r["quadrant"] == "concentrate" else None)
    return Table("stats_ipa", caption("block.stats_ipa", lang), columns, rows, {"quadrant": styles})


_CS_STYLE = {"satisfied": "attained", "disappointed": "not_attained"}


def _cs_class(key: Any, lang: str) -> str | None:
    return caption(f"cs.{key}", lang) if isinstance(key, str) else None


def _expectation_tables(stats: st.Statistics, scores: Scores, lang: str) -> tuple[Table, Table]:
    exp = stats.expectations
    columns = [_col("scope", lang), _col("name", lang), _col("pairs", lang, "count"), _col("perceived", lang, "score"),
               _col("expected", lang, "score"), _col("cs", lang, "cs"), _col("cs_class", lang)]
    rows, styles = [], []
    parts = (("item", exp.items, "item"), ("category", exp.categories, "category"), ("overall", exp.overall, None))
    for scope, frame, name_column in parts:
        for r in frame.to_dict(orient="records"):
            rows.append({
                "scope": caption(f"scope.{scope}", lang),
                "name": _text(r[name_column]) if name_column else caption("scope.overall", lang),
                "pairs": int(r["answers"]), "perceived": _num(r["perceived"]), "expected": _num(r["expected"]),
                "cs": _num(r["cs"]), "cs_class": _cs_class(r["cs_class"], lang),
            })
            styles.append(_CS_STYLE.get(r["cs_class"]) if isinstance(r["cs_class"], str) else None)
    summary = Table("stats_expectations", caption("block.stats_expectations", lang), columns, rows, {"cs_class": styles})
    names = scores.customers.set_index("customer_id")["customer_name"]
    customer_columns = [_result_col("customer_id", lang), _result_col("customer_name", lang), _col("pairs", lang, "count"),
                        _col("perceived", lang, "score"), _col("expected", lang, "score"), _col("cs", lang, "cs"),
                        _col("cs_class", lang)]
    customer_rows, customer_styles = [], []
    ordered = exp.customers.sort_values(["cs", "customer_id"], kind="stable") if len(exp.customers) else exp.customers
    for r in ordered.to_dict(orient="records"):
        customer_rows.append({
            "customer_id": _text(r["customer_id"]), "customer_name": _text(names.get(r["customer_id"])),
            "pairs": int(r["answers"]), "perceived": _num(r["perceived"]), "expected": _num(r["expected"]),
            "cs": _num(r["cs"]), "cs_class": _cs_class(r["cs_class"], lang),
        })
        customer_styles.append(_CS_STYLE.get(r["cs_class"]) if isinstance(r["cs_class"], str) else None)
    customers = Table("stats_expectation_customers", caption("block.stats_expectation_customers", lang),
                      customer_columns, customer_rows, {"cs_class": customer_styles})
    return summary, customers


def _result_col(key: str, lang: str, kind: str | None = None) -> Column:
    return _col(key, lang, kind, label=labels.RESULT_COLUMN[key].text(lang))


def _band_flip_table(stats: st.Statistics, lang: str) -> Table:
    columns = [_result_col("customer_id", lang), _result_col("customer_name", lang), _col("respondents_used", lang, "count"),
               _result_col("final", lang, "score"), _result_col("grade", lang), _col("final_low", lang, "score"),
               _col("final_high", lang, "score"), _col("flip_probability", lang, "probability")]
    frame = stats.band_flip
    at_risk = frame[frame["flip_probability"] > 0].head(MAX_BAND_FLIP_ROWS) if len(frame) else frame
    rows, styles = [], []
    for r in at_risk.to_dict(orient="records"):
        rows.append({
            "customer_id": _text(r["customer_id"]), "customer_name": _text(r["customer_name"]),
            "respondents_used": int(r["respondents"]), "final": _num(r["final"]),
            "grade": labels.grade_text(r["grade"], lang),
            "final_low": _num(r["low"]), "final_high": _num(r["high"]), "flip_probability": _num(r["flip_probability"]),
        })
        styles.append(grade_style(r["grade"]))
    return Table("stats_band_flip", caption("block.stats_band_flip", lang), columns, rows, {"grade": styles})


def period_difference_table(differences: Sequence[tuple[str, str, st.PeriodDifference]], lang: str) -> Table:
    """CSI change of each period against the one before, with its interval.

    ``differences``: (period, previous period, :class:`PeriodDifference`)."""
    columns = [_col("period", lang), _col("previous_period", lang), _col("csi", lang, "score", label=caption("kpi.csi", lang)),
               _col("previous_csi", lang, "score"), _col("difference", lang, "delta"), _col("low", lang, "delta"),
               _col("high", lang, "delta"), _col("significant", lang)]
    rows, styles = [], []
    for name, before, d in differences:
        verdict = None if d.significant is None else caption("significant.yes" if d.significant else "significant.no", lang)
        rows.append({"period": name, "previous_period": before, "csi": _num(d.current), "previous_csi": _num(d.previous),
                     "difference": _num(d.difference), "low": _num(d.low), "high": _num(d.high), "significant": verdict})
        styles.append(None if not d.significant else ("attained" if d.difference > 0 else "not_attained"))
    return Table("stats_period_difference", caption("block.stats_period_difference", lang), columns, rows, {"significant": styles})


def statistics_tables(stats: st.Statistics, scores: Scores, lang: str) -> dict[str, Table]:
    """Every statistics table of one period, by key (see :data:`STATISTICS_BLOCKS`)."""
    tables = {"stats_uncertainty": _uncertainty_table(stats, lang)}
    tables["stats_reliability"], tables["stats_alpha_items"] = _reliability_tables(stats, lang)
    tables["stats_ipa"] = _ipa_table(stats, lang)
    tables["stats_expectations"], tables["stats_expectation_customers"] = _expectation_tables(stats, scores, lang)
    tables["stats_band_flip"] = _band_flip_table(stats, lang)
    return tables


@dataclass
class ScatterChart(Chart):
    """A native scatter chart (kind ``"scatter"``, drawn by :mod:`.stats_charts`).

    ``category`` is the column of the point labels, ``series[0]`` the x and
    ``series[1]`` the y column; ``crosses`` = (x, y) where the axes cross —
    the quadrant cross-hairs of an importance–performance matrix."""

    crosses: tuple[float | None, float | None] = (None, None)


def statistics_charts(stats: st.Statistics, lang: str) -> dict[str, Chart]:
    """The importance–performance matrix: x = stated importance, y = performance,
    axes crossing at the mean importance and mean performance."""
    ipa = stats.importance_performance
    crosses = (_num(ipa.importance_mean), _num(ipa.performance_mean))
    return {
        "stats_ipa": ScatterChart("stats_ipa", "scatter", caption("chart.stats_ipa", lang), "stats_ipa", "item", [
            Series("stated_importance", caption("col.stated_importance", lang), "scatter", False, "0"),
            Series("performance", caption("col.performance", lang), "scatter", False, "0"),
        ], crosses),
    }


#: The Statistics sheet, top to bottom.
STATISTICS_BLOCKS = [
    Block("fields", "stats", "block.stats_settings", SETTINGS_KEYS),
    Block("table", "stats_uncertainty"),
    Block("fields", "stats", "block.stats_sample", SAMPLE_KEYS),
    Block("table", "stats_reliability"),
    Block("table", "stats_alpha_items"),
    Block("table", "stats_ipa"),
    Block("chart", "stats_ipa"),
    Block("table", "stats_expectations"),
    Block("table", "stats_expectation_customers"),
    Block("table", "stats_band_flip"),
]


def statistics_sheet(lang: str) -> Sheet:
    blocks = [Block(b.kind, b.key, caption(b.title, lang) if b.title else None, b.keys) for b in STATISTICS_BLOCKS]
    return Sheet("statistics", caption("sheet.statistics", lang), blocks)


def add_statistics(model: ReportModel, scores: Scores, previous: Sequence[tuple[str, Scores]] = (),
                   period: str | None = None, **options: Any) -> st.Statistics:
    """Add the Statistics sheet (and, with previous periods, the CSI-change
    table of the Trend sheet) to ``model``; returns the statistics.

    ``previous``: (period name, scores) of earlier periods, oldest first;
    ``options`` go to :func:`csat_xl.statistics.analyse` (level, resamples,
    seed, margin, policy, tolerance)."""
    lang = model.lang
    stats = st.analyse(scores, **options)
    model.fields["stats"] = statistics_fields(stats, lang)
    model.tables.update(statistics_tables(stats, scores, lang))
    model.charts.update(statistics_charts(stats, lang))
    sheet = statistics_sheet(lang)
    position = next((i for i, s in enumerate(model.sheets) if s.key in ("data_quality", "method")), len(model.sheets))
    model.sheets.insert(position, sheet)
    if previous:
        chain = [*previous, (period or caption("kpi.period", lang), scores)]
        keep = {k: options[k] for k in ("level", "resamples", "seed") if k in options}
        differences = [
            (name, before_name, st.compare_csi(now, before, **keep))
            for (before_name, before), (name, now) in zip(chain[:-1], chain[1:])
        ]
        model.tables["stats_period_difference"] = period_difference_table(differences, lang)
        for trend in (s for s in model.sheets if s.key == "trend"):
            trend.blocks.append(Block("table", "stats_period_difference"))
    else:
        model.tables["stats_period_difference"] = period_difference_table([], lang)
    return stats
