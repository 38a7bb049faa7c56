"""The one output path (CLI.md v2 "Output failures"): every command alike.

Each unwritable target exits 1 with one line naming the path and the
reason in the chosen language; the previous file is kept; no temporary
file is left — also after SIGTERM; stale temporaries of a killed run are
removed by the next run into the folder.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import worked_example, write_xlsx
from csat_xl.cli import app
from csat_xl.findings import OutputError
from csat_xl.io import atomic

runner = CliRunner()


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> Path:
    return write_xlsx(worked_example(), tmp_path_factory.mktemp("outputs") / "we.xlsx")


def commands(workbook: Path, target: Path) -> dict[str, list[str]]:
    """Every command that writes a file, aimed at ``target``."""
    return {
        "report": ["report", str(workbook), "-o", str(target)],
        "template": ["template", "-o", str(target), "--customers", "5", "--rows", "10"],
        "score -o csv": ["score", str(workbook), "-o", str(target)],
        "score -o json": ["score", str(workbook), "-f", "json", "-o", str(target)],
    }


def invoke(args: list[str], lang: str = "en"):
    result = runner.invoke(app, [*args, "--lang", lang])
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return result


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".~csat-xl") or p.suffix in (".tmp", ".rows"))


def assert_one_line_exit_1(result, target: Path, reason: str):
    assert result.exit_code == 1, (result.exit_code, result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip() and "warning" not in line and "警告" not in line]
    assert len(lines) == 1, result.stderr
    assert str(target) in lines[0] and reason in lines[0], lines[0]


def test_unwritable_targets_exit_1_with_one_line(workbook, tmp_path):
    a_file = tmp_path / "plain.txt"
    a_file.write_text("x")
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    cases = {
        "target is a folder": (folder, "a folder of that name exists", "已有同名文件夹"),
        "under a file": (a_file / "sub" / "out.xlsx", "a part of the path is a file", "路径中的某一部分是文件"),
        "name too long": (tmp_path / ("长" * 100 + ".xlsx"), "the file name is too long", "文件名过长"),
    }
    for case, (target, en, zh) in cases.items():
        for i, (name, args) in enumerate(commands(workbook, target).items()):
            lang, reason = (("en", en), ("zh", zh))[i % 2]  # each command, each language, every case
            assert_one_line_exit_1(invoke(args, lang), target, reason)
        assert leftovers(tmp_path) == [], case


def test_open_in_excel_is_refused_and_previous_file_kept(workbook, tmp_path):
    target = tmp_path / "report.xlsx"
    for name, args in commands(workbook, target).items():
        target.write_bytes(b"previous")
        lock = tmp_path / ("~$" + target.name)
        lock.write_bytes(b"owner")
        assert_one_line_exit_1(invoke(args, "zh"), target, "Excel")
        lock.unlink()
        assert target.read_bytes() == b"previous", name
        assert leftovers(tmp_path) == []


@pytest.mark.parametrize("code, reason", [(errno.ENOSPC, "the disk is full"), (errno.EACCES, "permission denied")])
def test_disk_full_and_permission_keep_the_previous_file(workbook, tmp_path, monkeypatch, code, reason):
    """The OS refusing mid-write (simulated: the suite may run as root, and no disk is full here)."""
    real_replace = os.replace

    def failing_replace(src, dst, *a, **k):
        if Path(str(src)).name.startswith(".~csat-xl"):
            raise OSError(code, os.strerror(code))
        return real_replace(src, dst, *a, **k)

    monkeypatch.setattr(atomic.os, "replace", failing_replace)
    target = tmp_path / "out" / "result.xlsx"
    target.parent.mkdir()
    for name, args in commands(workbook, target).items():
        target.write_bytes(b"previous")
        assert_one_line_exit_1(invoke(args, "en"), target, reason)
        assert target.read_bytes() == b"previous", name
        assert leftovers(target.parent) == [], name


def test_missing_folders_are_created_and_long_valid_names_work(workbook, tmp_path):
    name = "r" * 245 + ".xlsx"  # 250 bytes: valid; the temporary name must not pass 255
    for label, args in commands(workbook, tmp_path / "a" / "b" / name).items():
        target = tmp_path / label.replace(" ", "_") / "new" / name
        args = [target.as_posix() if a.endswith(name) else a for a in args]
        result = invoke(args)
        assert result.exit_code == 0, (label, result.stderr)
        assert target.stat().st_size > 0
        assert leftovers(target.parent) == []


def test_score_output_file_encodings(workbook, tmp_path):
    csv_out, json_out = tmp_path / "s.csv", tmp_path / "s.json"
    assert invoke(["score", str(workbook), "-o", str(csv_out)]).exit_code == 0
    assert csv_out.read_bytes().startswith(b"\xef\xbb\xbfCustomer ID,")
    assert invoke(["score", str(workbook), "-o", str(json_out)]).exit_code == 0
    assert json_out.read_bytes().startswith(b"[")
    stdout = invoke(["score", str(workbook), "-f", "csv"]).stdout
    assert stdout.startswith("Customer ID,")  # stdout stays BOM-free
    assert stdout == csv_out.read_bytes().decode("utf-8-sig")


def test_stale_temporaries_of_killed_runs_are_removed(workbook, tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".~csat-xl.{dead.stdout.strip()}.deadbeef.xlsx"
    stale.write_bytes(b"half")
    spliced = tmp_path / f".~csat-xl.{dead.stdout.strip()}.deadbeef.xlsx.rows"
    spliced.write_bytes(b"half")
    mine = tmp_path / f".~csat-xl.{os.getpid()}.cafebabe.xlsx"  # a live process: left alone
    mine.write_bytes(b"busy")
    other = tmp_path / ".other.tmp"
    other.write_bytes(b"not ours")
    assert invoke(["score", str(workbook), "-o", str(tmp_path / "s.csv")]).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([mine.name, other.name, "s.csv"])


def test_sigterm_leaves_no_temporary_file(tmp_path):
    """SIGTERM while a file is being written (as the CLI's main() runs every command):
    the temporary file goes, the previous file stays, exit 128+15."""
    target = tmp_path / "t.xlsx"
    target.write_bytes(b"previous")
    code = ("import sys, time; from pathlib import Path; from csat_xl.io.atomic import atomic_output, exit_on_signals\n"
            "with exit_on_signals():\n"
            "    with atomic_output(Path(sys.argv[1])) as temp:\n"
            "        temp.write_bytes(b'half'); time.sleep(60)\n")
    child = subprocess.Popen([sys.executable, "-c", code, str(target)])
    deadline = time.monotonic() + 60
    while not leftovers(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert leftovers(tmp_path), "no temporary file appeared"
    child.send_signal(signal.SIGTERM)
    assert child.wait(timeout=60) == 128 + signal.SIGTERM
    assert leftovers(tmp_path) == []
    assert target.read_bytes() == b"previous"


def test_internal_error_is_one_line_unless_debug(tmp_path):
    code = ("import sys; import csat_xl.cli as c; "
            "c.read_survey = lambda *a, **k: 1 / 0; sys.argv = ['csat-xl', 'score', 'x.xlsx'] + sys.argv[1:]; c.main()")
    (tmp_path / "x.xlsx").write_bytes(b"")  # there (a missing input is exit 2 before any reading)
    plain = subprocess.run([sys.executable, "-c", code, "--lang", "zh"], capture_output=True, text=True, cwd=tmp_path)
    assert plain.returncode == 1
    assert plain.stderr.strip().splitlines() == ["内部错误，请报告：ZeroDivisionError: division by zero（加 --debug 重新运行可看到详细信息）"]
    debug = subprocess.run([sys.executable, "-c", code, "--debug"], capture_output=True, text=True, cwd=tmp_path)
    assert debug.returncode == 1 and "Traceback" in debug.stderr and "internal error, please report" in debug.stderr


def test_atomic_output_api(tmp_path):
    with atomic.atomic_output(tmp_path / "x" / "y.bin") as temp:
        temp.write_bytes(b"made")
    assert (tmp_path / "x" / "y.bin").read_bytes() == b"made"  # folders are made
    (tmp_path / "f").write_text("")
    with pytest.raises(OutputError, match="a part of the path is a file"):
        atomic.write_bytes(tmp_path / "f" / "g.bin", b"x")
    assert leftovers(tmp_path) == [] and leftovers(tmp_path / "x") == []
