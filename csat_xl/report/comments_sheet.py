"""The Comments 意见分析 sheet: top terms per source with a bar chart each.

:func:`add_comments` adds, from :func:`csat_xl.analyses.comments.comment_terms`:

- fields ``comments`` (the segmenter used and the counting rule),
- table ``comments_sources`` (source, comments, customers, distinct terms),
- tables ``comments_questionnaire``, ``comments_visits``,
  ``comments_complaints`` (rank, term, count, share, customers, the grade
  mix — customers per final grade — and two example sentences),
- one bar chart of the top terms per source, and the sheet itself (before
  Data quality).

Comment text (terms and example sentences) is data from customers: it goes
into the model as plain strings and every renderer writes it as a text cell,
never a formula (``=HYPERLINK(…)`` stays those characters).
"""

from __future__ import annotations

from .. import labels
from ..analyses.comments import GRADE_KEYS, SOURCES, UNGRADED, Comments
from .captions import caption
from .model import FORMATS, Block, Chart, Column, Field, ReportModel, Series, Sheet, Table

SOURCE_KEYS = tuple(source for source, _, _ in SOURCES)
#: Term-table columns, left to right.
TERM_COLUMNS = ["term_rank", "term", "term_count", "term_share", "term_customers", *GRADE_KEYS, UNGRADED,
                "example_1", "example_2"]


def _col(key: str, lang: str, fmt: str | None = None, label: str | None = None) -> Column:
    style = "percent" if fmt and "%" in fmt else ("number" if fmt else "text")
    return Column(key, label or caption(f"col.{key}", lang), fmt, style)


def _term_columns(lang: str) -> list[Column]:
    grade = {g.key: g.text(lang) for g in labels.GRADES}
    columns = [_col("term_rank", lang, FORMATS["count"]), _col("term", lang), _col("term_count", lang, FORMATS["count"]),
               _col("term_share", lang, FORMATS["percent"]), _col("term_customers", lang, FORMATS["count"])]
    columns += [_col(key, lang, FORMATS["count"], label=grade[key]) for key in GRADE_KEYS]
    columns += [_col(UNGRADED, lang, FORMATS["count"]), _col("example_1", lang), _col("example_2", lang)]
    return columns


def comments_tables(result: Comments, lang: str) -> dict[str, Table]:
    """The sources table and one top-terms table per source (empty when the source has no text)."""
    source_columns = [_col("source", lang), _col("comments_count", lang, FORMATS["count"]),
                      _col("customers_count", lang, FORMATS["count"]), _col("terms_count", lang, FORMATS["count"])]
    source_rows = [{"source": caption(f"source.{r['source']}", lang), "comments_count": int(r["comments"]),
                    "customers_count": int(r["customers"]), "terms_count": int(r["terms"])}
                   for r in result.sources.to_dict(orient="records")]
    tables = {"comments_sources": Table("comments_sources", caption("block.comments_sources", lang), source_columns, source_rows)}
    for source in SOURCE_KEYS:
        rows = []
        for r in result.top_terms(source).to_dict(orient="records"):
            rows.append({"term_rank": int(r["rank"]), "term": str(r["term"]), "term_count": int(r["count"]),
                         "term_share": float(r["share"]), "term_customers": int(r["customers"]),
                         **{g: int(r[g]) for g in (*GRADE_KEYS, UNGRADED)},
                         "example_1": r["example_1"] if isinstance(r["example_1"], str) else None,
                         "example_2": r["example_2"] if isinstance(r["example_2"], str) else None})
        key = f"comments_{source}"
        tables[key] = Table(key, caption(f"block.{key}", lang), _term_columns(lang), rows)
    return tables


def comments_charts(lang: str) -> dict[str, Chart]:
    return {f"comments_{s}": Chart(f"comments_{s}", "bar", caption(f"chart.comments_{s}", lang), f"comments_{s}", "term",
                                   [Series("term_count", caption("col.term_count", lang), "bar", False, FORMATS["count"])])
            for s in SOURCE_KEYS}


def comments_fields(result: Comments, lang: str) -> dict[str, Field]:
    segmenter = result.segmenter or caption("comments.no_segmenter", lang)
    return {"segmenter": Field("segmenter", caption("comments.segmenter", lang), segmenter),
            "rule": Field("rule", caption("comments.rule", lang), caption("comments.rule_value", lang))}


def comments_sheet(lang: str) -> Sheet:
    blocks = [Block("fields", "comments", None, ["segmenter", "rule"]), Block("table", "comments_sources")]
    for source in SOURCE_KEYS:
        blocks += [Block("table", f"comments_{source}"), Block("chart", f"comments_{source}")]
    return Sheet("comments", caption("sheet.comments", lang), blocks)


def add_comments(model: ReportModel, result: Comments) -> None:
    """Add the Comments sheet (before Data quality) with its fields, tables and charts."""
    lang = model.lang
    model.fields["comments"] = comments_fields(result, lang)
    model.tables.update(comments_tables(result, lang))
    model.charts.update(comments_charts(lang))
    if result.available:
        position = next((i for i, s in enumerate(model.sheets) if s.key in ("data_quality", "method")), len(model.sheets))
        model.sheets.insert(position, comments_sheet(lang))
