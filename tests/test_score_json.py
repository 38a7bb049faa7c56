"""``csat-xl score --format json`` is valid JSON (CLI.md) also when customers have no name."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from builders import REFERENCE_SCHEME, write_xlsx
from csat_xl import read_survey, score
from csat_xl.cli import app


def test_missing_customer_names_are_null(tmp_path):
    path = write_xlsx({"指标": REFERENCE_SCHEME, "问卷": [["客户编号", "品质"], ["K1", 80], ["K2", "满意"]]}, tmp_path / "no_names.xlsx")
    assert [r["customer_name"] for r in score(read_survey(path)).records()] == [None, None]
    done = CliRunner().invoke(app, ["score", str(path), "--format", "json"])
    assert done.exit_code == 0, done.output
    rows = json.loads(done.stdout, parse_constant=lambda name: (_ for _ in ()).throw(ValueError(name)))
    assert [r["customer_name"] for r in rows] == [None, None]
