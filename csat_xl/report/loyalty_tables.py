"""Loyalty (NPS, repurchase) and key drivers as report-model fields and tables.

:func:`add_loyalty` puts them on the Statistics 统计 sheet (NPS table, key
drivers table) and the Overview 概览 (NPS with its interval, repurchase
intent); ``csat-xl score --stats`` prints the same tables
(:func:`loyalty_tables`).  Values stay plain numbers with Excel formats;
nothing is computed here beyond choosing, ordering and labelling.
"""

from __future__ import annotations


from ..analyses.drivers import KeyDrivers
from ..analyses.groups import BLANK_GROUP
from ..analyses.loyalty import Loyalty
from ..statistics import NORMAL
from .captions import caption
from .model import FORMATS, Block, Column, Field, ReportModel, Table
from .stats_tables import _num

#: Number formats of these tables.
LOYALTY_FORMATS = {"nps": "+0.0;-0.0;0.0", "relative_weight": "0.000", "r": "0.000", "share": "0.0%",
                   "share_delta": "+0.0%;-0.0%;0.0%"}
#: The Overview's loyalty fields, top to bottom.
OVERVIEW_KEYS = ["nps", "nps_low", "nps_high", "nps_answers", "repurchase", "repurchase_likely"]
#: The driver fields on the Statistics sheet.
DRIVER_KEYS = ["outcome", "customers", "r_squared", "r_squared_low", "r_squared_high", "driver_resamples"]


def _col(key: str, lang: str, fmt: str | None = None, caption_key: str | None = None) -> Column:
    style = "percent" if fmt and "%" in fmt else ("number" if fmt else "text")
    return Column(key, caption(caption_key or f"col.{key}", lang), fmt, style)


def loyalty_fields(result: Loyalty, drivers: KeyDrivers, lang: str) -> dict[str, Field]:
    """Namespace ``loyalty``: NPS, its bounds and answers, repurchase intent; and the driver model's outcome and R²."""
    c = lambda key: caption(key, lang)  # noqa: E731
    nps, intent = result.nps, result.repurchase
    fields = [
        Field("nps", c("loyalty.nps"), _num(nps.score) if nps else None, LOYALTY_FORMATS["nps"], "kpi"),
        Field("nps_low", c("loyalty.nps_low"), _num(nps.low) if nps else None, LOYALTY_FORMATS["nps"], "kpi"),
        Field("nps_high", c("loyalty.nps_high"), _num(nps.high) if nps else None, LOYALTY_FORMATS["nps"], "kpi"),
        Field("nps_answers", c("loyalty.nps_answers"), nps.answers if nps else None, FORMATS["count"], "kpi"),
        Field("repurchase", c("loyalty.repurchase"), _num(intent.mean) if intent else None, FORMATS["score"], "kpi"),
        Field("repurchase_low", c("loyalty.repurchase_low"), _num(intent.low) if intent else None, FORMATS["score"], "kpi"),
        Field("repurchase_high", c("loyalty.repurchase_high"), _num(intent.high) if intent else None, FORMATS["score"], "kpi"),
        Field("repurchase_likely", c("loyalty.repurchase_likely"), _num(intent.likely) if intent else None, FORMATS["percent"], "kpi"),
        Field("repurchase_answers", c("loyalty.repurchase_answers"), intent.answers if intent else None, FORMATS["count"], "kpi"),
        Field("outcome", c("drivers.outcome"), c(f"drivers.outcome.{drivers.outcome}")),
        Field("customers", c("drivers.customers"), drivers.customers, FORMATS["count"]),
        Field("r_squared", c("drivers.r_squared"), _num(drivers.r_squared), "0.000"),
        Field("r_squared_low", c("drivers.r_squared_low"), _num(drivers.r_squared_low), "0.000"),
        Field("r_squared_high", c("drivers.r_squared_high"), _num(drivers.r_squared_high), "0.000"),
        # the normal approximation (many customers) draws no resamples: say which method instead
        Field("driver_resamples", c("stats.resamples"),
              c("stats.normal_short") if drivers.method == NORMAL else drivers.resamples, FORMATS["count"]),
    ]
    return {f.key: f for f in fields}


def _nps_table(result: Loyalty, lang: str) -> Table:
    columns = [_col("scope_group", lang), _col("group", lang), _col("customers_count", lang, FORMATS["count"]),
               _col("answers", lang, FORMATS["count"]), _col("promoters", lang, FORMATS["count"]),
               _col("passives", lang, FORMATS["count"]), _col("detractors", lang, FORMATS["count"]),
               _col("nps", lang, LOYALTY_FORMATS["nps"]), _col("low", lang, LOYALTY_FORMATS["nps"]),
               _col("high", lang, LOYALTY_FORMATS["nps"])]
    rows, styles = [], []
    if result.nps is not None:
        n = result.nps
        rows.append({"scope_group": caption("loyalty.overall", lang), "group": None, "customers_count": n.customers,
                     "answers": n.answers, "promoters": n.promoters, "passives": n.passives, "detractors": n.detractors,
                     "nps": _num(n.score), "low": _num(n.low), "high": _num(n.high)})
        styles.append(None)
    for r in result.groups.to_dict(orient="records"):
        suppressed = bool(r["suppressed"])
        group = r["group"] if isinstance(r["group"], str) and r["group"] else BLANK_GROUP["zh" if lang == "zh" else "en"]
        rows.append({"scope_group": str(r["group_column"]), "group": str(group), "customers_count": int(r["customers"]),
                     "answers": int(r["answers"]),
                     **{k: None if suppressed else _num(r[k]) for k in ("promoters", "passives", "detractors", "nps", "low", "high")}})
        if suppressed:
            rows[-1]["group"] = f"{group} {caption('loyalty.suppressed', lang)}"
        styles.append("not_attained" if not suppressed and _num(r["nps"]) is not None and r["nps"] < 0 else None)
    return Table("loyalty_nps", caption("block.loyalty_nps", lang), columns, rows, {"nps": styles})


def drivers_table(drivers: KeyDrivers, lang: str) -> Table:
    """One row per item (stated weight, relative weight ε with its interval,
    share of R², the gap to the stated weight, correlation) and a total row = R²."""
    columns = [_col("item", lang), _col("category", lang), _col("stated_share", lang, LOYALTY_FORMATS["share"]),
               _col("relative_weight", lang, LOYALTY_FORMATS["relative_weight"]),
               _col("weight_low", lang, LOYALTY_FORMATS["relative_weight"]),
               _col("weight_high", lang, LOYALTY_FORMATS["relative_weight"]),
               _col("derived_share", lang, LOYALTY_FORMATS["share"]), _col("share_gap", lang, LOYALTY_FORMATS["share_delta"]),
               _col("correlation", lang, LOYALTY_FORMATS["r"])]
    rows, styles = [], []
    if drivers.available:
        for r in drivers.table.to_dict(orient="records"):
            rows.append({"item": str(r["item"]), "category": str(r["category"]), "stated_share": _num(r["stated_share"]),
                         "relative_weight": _num(r["weight"]), "weight_low": _num(r["low"]), "weight_high": _num(r["high"]),
                         "derived_share": _num(r["share"]), "share_gap": _num(r["gap"]), "correlation": _num(r["correlation"])})
            gap = _num(r["gap"])
            styles.append(None if gap is None or abs(gap) < 0.05 else ("not_attained" if gap > 0 else "attained"))
        rows.append({"item": caption("drivers.total", lang), "category": None, "stated_share": 1.0,
                     "relative_weight": _num(drivers.r_squared), "weight_low": _num(drivers.r_squared_low),
                     "weight_high": _num(drivers.r_squared_high), "derived_share": 1.0, "share_gap": None, "correlation": None})
        styles.append(None)
    return Table("stats_drivers", caption("block.stats_drivers", lang), columns, rows, {"share_gap": styles})


def loyalty_tables(result: Loyalty, drivers: KeyDrivers, lang: str) -> dict[str, Table]:
    return {"loyalty_nps": _nps_table(result, lang), "stats_drivers": drivers_table(drivers, lang)}


def add_loyalty(model: ReportModel, result: Loyalty, drivers: KeyDrivers) -> None:
    """Add NPS, repurchase and key drivers to ``model``: fields ``loyalty``,
    tables ``loyalty_nps`` and ``stats_drivers``, blocks on Overview and Statistics."""
    lang = model.lang
    model.fields["loyalty"] = loyalty_fields(result, drivers, lang)
    model.tables.update(loyalty_tables(result, drivers, lang))
    for sheet in model.sheets:
        if sheet.key == "overview":
            sheet.blocks.insert(1, Block("fields", "loyalty", caption("block.loyalty", lang), OVERVIEW_KEYS))
        if sheet.key == "statistics":
            at = next((i + 1 for i, b in enumerate(sheet.blocks) if b.kind == "chart" and b.key == "stats_ipa"), len(sheet.blocks))
            sheet.blocks[at:at] = [Block("fields", "loyalty", caption("block.stats_drivers", lang), DRIVER_KEYS),
                                   Block("table", "stats_drivers")]
            sheet.blocks += [Block("fields", "loyalty", caption("block.loyalty", lang),
                                   [*OVERVIEW_KEYS[:4], "repurchase", "repurchase_low", "repurchase_high", "repurchase_likely",
                                    "repurchase_answers"]),
                             Block("table", "loyalty_nps")]
