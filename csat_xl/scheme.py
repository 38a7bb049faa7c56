"""The indicator tree (指标体系): categories, items and their weights (METHOD.md §1).

Weights are checked and rescaled *visibly*: every rescaling becomes a
:class:`~csat_xl.findings.Finding` naming the category and the declared and
actual sums.  Two modes:

``category`` (default)
    item weights are relative within their category and rescaled to the
    category's weight; category weights are rescaled to sum 100.
``item``
    item weights are used as given and normalised to sum 100; category weights
    serve only for reporting.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from .findings import WARNING, INFO, Finding

_TOLERANCE = 1e-9


def fmt_number(x: float) -> str:
    """Short display of a weight or sum: 26, 6.154, 100."""
    return f"{x:.6g}" if abs(x - round(x)) > 1e-9 else str(int(round(x)))


def _category_sum_findings(categories: pd.DataFrame, item_sums: pd.Series, severity: str, code: str, sheet: str | None) -> list[Finding]:
    """One finding per category whose items do not add up to its declared weight."""
    out = []
    for category, declared in categories.itertuples(index=False):
        actual = item_sums[category]
        if abs(actual - declared) > _TOLERANCE * max(declared, 1):
            params = {"category": category, "declared": fmt_number(declared), "actual": fmt_number(actual)}
            out.append(Finding(severity, code, sheet, None, category, params))
    return out


@dataclass(frozen=True)
class SchemeRow:
    """One item as declared."""

    item: str
    category: str
    item_weight: float
    category_weight: float
    scale: str | None = None


@dataclass(frozen=True)
class Scheme:
    """A validated indicator tree with effective weights.

    ``table`` has one row per item in declared order with columns ``item``,
    ``category``, ``item_weight`` and ``category_weight`` (as declared),
    ``scale``, ``weight`` (effective, the items sum to 100) and
    ``category_effective`` (the category's effective weight).
    """

    table: pd.DataFrame
    mode: str = "category"
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @classmethod
    def build(cls, rows: Sequence[SchemeRow], mode: str = "category", sheet: str | None = None) -> "Scheme":
        if not rows:
            raise ValueError("a scheme needs at least one item")
        if mode not in ("category", "item"):
            raise ValueError(f"weight mode must be 'category' or 'item', not {mode!r}")
        names = [r.item for r in rows]
        if len(set(names)) != len(names):
            raise ValueError("item names must be unique")
        if any(not (r.item_weight > 0) for r in rows):
            raise ValueError("item weights must be greater than 0")
        table = pd.DataFrame(
            {
                "item": names,
                "category": [r.category for r in rows],
                "item_weight": [float(r.item_weight) for r in rows],
                "category_weight": [float(r.category_weight) for r in rows],
                "scale": [r.scale for r in rows],
            }
        )
        findings: list[Finding] = []
        categories = table.drop_duplicates("category")[["category", "category_weight"]]
        item_sums = table.groupby("category", sort=False)["item_weight"].sum()
        if mode == "category":
            if (categories["category_weight"] <= 0).any():
                raise ValueError("category weights must be greater than 0")
            total = categories["category_weight"].sum()
            if abs(total - 100.0) > _TOLERANCE * 100:
                findings.append(
                    Finding(WARNING, "rescaled_categories", sheet, None, None, {"actual": fmt_number(total)})
                )
            cat_effective = categories.set_index("category")["category_weight"] * (100.0 / total)
            findings += _category_sum_findings(categories, item_sums, WARNING, "rescaled_category", sheet)
            share = table["item_weight"] / table["category"].map(item_sums)
            table["weight"] = share * table["category"].map(cat_effective)
        else:
            total = table["item_weight"].sum()
            if abs(total - 100.0) > _TOLERANCE * 100:
                findings.append(Finding(WARNING, "rescaled_items", sheet, None, None, {"actual": fmt_number(total)}))
            table["weight"] = table["item_weight"] * (100.0 / total)
            findings += _category_sum_findings(categories, item_sums, INFO, "category_weight_differs", sheet)
        table["category_effective"] = table.groupby("category", sort=False)["weight"].transform("sum")
        return cls(table=table, mode=mode, findings=tuple(findings))

    @classmethod
    def from_weights(cls, weights: Iterable[float], items: Iterable[str] | None = None) -> "Scheme":
        """A one-category scheme from bare item weights (normalised to 100)."""
        weights = [float(w) for w in weights]
        items = list(items) if items is not None else [f"item {i + 1}" for i in range(len(weights))]
        rows = [SchemeRow(item, "", w, 100.0) for item, w in zip(items, weights)]
        return cls.build(rows, mode="item")

    # --- views ---------------------------------------------------------------
    @property
    def items(self) -> list[str]:
        return self.table["item"].tolist()

    @property
    def weights(self) -> np.ndarray:
        """Effective item weights (sum 100), in item order."""
        return self.table["weight"].to_numpy(dtype=np.float64)

    @property
    def categories(self) -> list[str]:
        return self.table["category"].drop_duplicates().tolist()

    def category_table(self) -> pd.DataFrame:
        """One row per category: declared weight, item sum, effective weight."""
        grouped = self.table.groupby("category", sort=False)
        return pd.DataFrame(
            {
                "category_weight": grouped["category_weight"].first(),
                "item_weight_sum": grouped["item_weight"].sum(),
                "weight": grouped["weight"].sum(),
                "items": grouped["item"].count(),
            }
        ).reset_index()

    def scale_of(self, item: str) -> str | None:
        return self._scale_by_item[item]

    @cached_property
    def _scale_by_item(self) -> dict[str, str | None]:
        """Each item's scale name (None: the five-grade scale), looked up once per scheme."""
        return {item: value if isinstance(value, str) and value else None
                for item, value in zip(self.table["item"].tolist(), self.table["scale"].tolist())}
