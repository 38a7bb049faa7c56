"""The parsed content of one survey workbook: the core's input.

A :class:`Survey` is plain data (pandas frames of clean values), whoever made
it: the workbook reader, the Excel functions, or a test.  Item columns hold
float scores 0–100 with NaN for "not answered" / "not raised"; complaint
outcomes are outcome keys (``"unhandled"`` …).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .findings import Finding
from .scales import ScaleSet
from .scheme import Scheme
from .settings import Settings

QUESTIONNAIRE_COLUMNS = ("customer_id", "customer_name", "respondent")
VISIT_COLUMNS = ("customer_id", "visit_date")
COMPLAINT_COLUMNS = (
    "customer_id",
    "complaint_id",
    "date",
    "outcome",
    "blank_outcome",
    "category",
    "product",
    "region",
    "department",
    "description",
)
CUSTOMER_COLUMNS = ("customer_id", "customer_name", "region", "customer_weight")


def empty_frame(columns: tuple[str, ...] | list[str], items: list[str] | None = None) -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    for item in items or []:
        frame[item] = pd.Series(dtype="float64")
    return frame


@dataclass
class Survey:
    """Scheme, settings, scales and the four data tables of one period."""

    scheme: Scheme
    settings: Settings = field(default_factory=Settings)
    scales: ScaleSet = field(default_factory=ScaleSet)
    questionnaire: pd.DataFrame | None = None
    visits: pd.DataFrame | None = None
    complaints: pd.DataFrame | None = None
    customers: pd.DataFrame | None = None
    #: the 整改 / Actions sheet (ANALYSES.md §3, :func:`csat_xl.handling_reader.parse_actions`); None without it
    actions: pd.DataFrame | None = None
    #: respondent expectations per item (``期望:<item>`` columns), same rows as questionnaire
    expected: pd.DataFrame | None = None
    findings: list[Finding] = field(default_factory=list)
    #: where it came from (file name), for reports
    source: str | None = None
    #: the sheet names as found in the workbook, by sheet key
    sheet_names: dict[str, str] = field(default_factory=dict)
    #: further sheets of :data:`csat_xl.labels.SHEETS` by key (e.g. an actions
    #: sheet): recognised columns as plain values, customer IDs as shown
    sheets: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: extra facts about the source (e.g. SHA-256), for the method record
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        items = self.scheme.items
        if self.questionnaire is None:
            self.questionnaire = empty_frame(QUESTIONNAIRE_COLUMNS, items)
        if self.visits is None:
            self.visits = empty_frame(VISIT_COLUMNS, items)
        if self.complaints is None:
            self.complaints = empty_frame(COMPLAINT_COLUMNS)
        if self.customers is None:
            self.customers = empty_frame(CUSTOMER_COLUMNS)
        for frame in (self.questionnaire, self.visits):
            for item in items:
                if item not in frame.columns:
                    frame[item] = float("nan")
        if self.expected is None:
            self.expected = empty_frame(("customer_id", "respondent"))

    @property
    def items(self) -> list[str]:
        return self.scheme.items
