"""The command line per CLI.md: formats, languages, exit codes."""

import hashlib
import json
import subprocess
import sys

import pytest

from builders import worked_example, write_xlsx


def run(*args):
    return subprocess.run([sys.executable, "-m", "csat_xl.cli", *map(str, args)], capture_output=True, text=True)


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    return write_xlsx(worked_example(), tmp_path_factory.mktemp("cli") / "we.xlsx")


def test_score_json_contract(workbook):
    done = run("score", workbook, "--format", "json")
    assert done.returncode == 0, done.stderr
    rows = {r["customer_id"]: r for r in json.loads(done.stdout)}
    assert set(rows) == {"C001", "C003", "C004"}
    c001 = rows["C001"]
    assert {"customer_id", "questionnaire", "visit", "preliminary", "adjustment", "final", "grade", "flags"} <= set(c001)
    assert c001["final"] == pytest.approx(73.5175, abs=1e-4) and c001["grade"] == "满意"
    assert rows["C003"]["visit"] is None and rows["C003"]["flags"] == ["not_visited"]


def test_score_csv_and_english_table(workbook):
    csv = run("score", workbook, "--format", "csv", "--lang", "en")
    assert csv.returncode == 0 and csv.stdout.splitlines()[0].startswith("Customer ID,Customer name,Questionnaire")
    table = run("score", workbook, "--lang", "en")
    assert "very satisfied" in table.stdout and "CSI" in table.stdout


def test_english_sample_scores_in_english(samples):
    done = run("score", samples / "field_service_2026H1_en.xlsx", "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "Satisfaction scores" in done.stdout and "1001" in done.stdout


def test_six_bad_cells_listed_exit_2(tmp_path):
    book = worked_example()
    book["问卷"][1][2] = 120
    book["问卷"][1][3] = "还行"
    book["问卷"][2][5] = "#N/A"
    book["走访"][1][3] = "马马虎虎"
    book["投诉"][2][1] = "已解决"
    book["问卷"][3][0] = None
    path = write_xlsx(book, tmp_path / "bad.xlsx")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    done = run("score", path, "--lang", "en")
    assert done.returncode == 2
    for cell in ("问卷!C2", "问卷!D2", "问卷!F3", "走访!D2", "投诉!B3", "问卷!A4"):
        assert cell in done.stderr
    assert "问卷!C2: 120 is outside 0–100" in done.stderr
    assert "Traceback" not in done.stderr
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_validate_and_missing_file(workbook, tmp_path):
    done = run("validate", workbook, "--lang", "zh")
    assert done.returncode == 0 and "购销过程" in done.stdout
    missing = run("score", tmp_path / "none.xlsx")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


def test_missing_or_folder_input_is_invalid_input_exit_2(workbook, tmp_path):
    # CLI.md: 2 = the input is invalid; a path that is not there is a mistake about the input (click exits 2 too)
    from typer.testing import CliRunner

    from csat_xl.cli import app

    missing, out = tmp_path / "没有这个文件.xlsx", tmp_path / "out" / "r.xlsx"
    commands = [["score", missing], ["validate", missing], ["score", tmp_path], ["score", workbook, "--stats", "--previous", missing],
                ["report", missing, "-o", out], ["report", workbook, "--previous", missing, "-o", out],
                ["report", workbook, "--template", missing, "-o", out], ["template", "--scheme", missing, "-o", out],
                ["consolidate", workbook, missing, "-o", out]]
    for args in commands:
        for lang, words in (("zh", ("文件不存在", "这是文件夹")), ("en", ("no such file", "this is a folder"))):
            done = CliRunner().invoke(app, [*map(str, args), "--lang", lang])
            lines = done.output.strip().splitlines()
            assert done.exit_code == 2 and len(lines) == 1 and any(w in lines[0] for w in words), (args, lang, done.output)
            assert str(tmp_path if args[1] == tmp_path else missing) in lines[0], lines
    assert not out.parent.exists()  # refused before any output (not even its folder)


def test_demo_runs():
    done = run("demo", "--lang", "zh")
    assert done.returncode == 0, done.stderr
    assert "C001" in done.stdout and "顾客满意度指数" in done.stdout


def test_score_caps_repeated_warnings_validate_lists_all(tmp_path):
    book = worked_example()
    assert book["投诉"][0] == ["客户编号", "处理结果"]
    book["投诉"] += [["C001", None] for _ in range(15)]  # 15 blank outcomes
    path = write_xlsx(book, tmp_path / "many.xlsx")
    scored = run("score", path, "--lang", "en", "--format", "csv")
    assert scored.returncode == 0, scored.stderr
    assert scored.stderr.count("complaint has no outcome") == 10
    assert "… and 5 more warning(s)" in scored.stderr
    listed = run("validate", path, "--lang", "en")
    assert listed.stdout.count("complaint has no outcome") == 15
