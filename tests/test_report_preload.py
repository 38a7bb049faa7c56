"""The report template loaded while the data is read (csat_xl.report.preload).

A loaded template must change nothing but the time: the right template
whatever the guess, a template used once, and a template that fails to load
reported where it always was (after the inputs' own errors).
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from builders import worked_example, write_xlsx
from csat_xl.io.readers import read_survey, start_reading
from csat_xl.report import build_report, render_workbook
from csat_xl.report.preload import load_template, workbook_language

WHEN = dt.datetime(2026, 12, 1, 12, 0)


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        # the save time in docProps/core.xml is the only part allowed to differ
        return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


def test_the_guess_follows_the_sheet_names(samples, tmp_path):
    assert workbook_language(samples / "pvc_2026Q2_zh.xlsx") == "zh"
    assert workbook_language(samples / "field_service_2026H1_en.xlsx") == "en"
    not_a_workbook = tmp_path / "notes.xlsx"
    not_a_workbook.write_text("just text", encoding="utf-8")
    assert workbook_language(not_a_workbook) is None


def test_started_read_gives_the_same_survey(samples):
    path = samples / "pvc_2026Q2_zh.xlsx"
    started, plain = start_reading(path).result(), read_survey(path)
    assert started.meta == plain.meta and started.sheet_names == plain.sheet_names
    assert started.questionnaire.equals(plain.questionnaire) and started.customers.equals(plain.customers)


@pytest.mark.parametrize("guess", ["zh", "en"])
def test_a_loaded_template_renders_the_same_report(samples, tmp_path, guess):
    """Right guess: the loaded workbook is used; wrong guess: the right template is loaded instead."""
    model = build_report(samples / "pvc_2026Q2_zh.xlsx", lang="zh", generated_at=WHEN)
    render_workbook(model).save(tmp_path / "plain.xlsx")
    loaded = load_template(None, guess)
    render_workbook(model, loaded).save(tmp_path / "loaded.xlsx")
    assert _parts(tmp_path / "loaded.xlsx") == _parts(tmp_path / "plain.xlsx")
    left = loaded.take(loaded.path)
    # the right guess was taken by the renderer; the wrong one was left alone
    assert (left is None) if guess == "zh" else (left is not None)


def test_a_loaded_template_is_handed_out_once():
    loaded = load_template(None, "en")
    assert loaded.take(loaded.path) is not None
    assert loaded.take(loaded.path) is None


def test_unloadable_template_is_reported_after_the_inputs(tmp_path):
    broken_template = tmp_path / "template.xlsx"
    broken_template.write_text("not a workbook", encoding="utf-8")
    assert load_template(broken_template, "zh") is None
    good = write_xlsx(worked_example(), tmp_path / "we.xlsx")
    bad_input = tmp_path / "bad.xlsx"
    bad_input.write_bytes(b"PK\x03\x04 damaged")

    def report(workbook):
        return subprocess.run([sys.executable, "-m", "csat_xl.cli", "report", str(workbook), "--template", str(broken_template),
                               "-o", str(tmp_path / "out.xlsx"), "--lang", "en"], capture_output=True, text=True)

    first_the_input = report(bad_input)
    assert first_the_input.returncode == 2, first_the_input.stderr  # the input's error, as before the template was loaded early
    then_the_template = report(good)
    assert then_the_template.returncode == 1 and "template" in then_the_template.stderr.lower(), then_the_template.stderr
    assert not (tmp_path / "out.xlsx").exists()
