"""csat-xl consolidate (issue 16): the group report over many branch workbooks.

The group CSI is checked against ``csat-xl score --format json`` run on every
branch file on its own (the issue's "done when"); failure isolation with a
corrupt file, a lock file and our own output in the folder; the scheme check;
the report rendered by LibreOffice.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from conftest import ROOT

GROUP = ROOT / "sample_workbooks" / "group"
#: 单位权重 of the sample branches (sample_workbooks/group/generate.py); 华中分公司 sets none (1).
UNIT_WEIGHTS = {"华东分公司": 3, "华南分公司": 2, "华北分公司": 1.5, "西南分公司": 1, "华中分公司": 1}


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "csat_xl.cli", *map(str, args)], capture_output=True, text=True, cwd=cwd)


def finals_by_score(path: Path) -> list[float]:
    """Each customer's final score as ``csat-xl score --format json`` prints it (in-process: no interpreter start)."""
    from typer.testing import CliRunner

    from csat_xl.cli import app

    done = CliRunner().invoke(app, ["score", str(path), "--format", "json"])
    assert done.exit_code == 0, done.output
    return [r["final"] for r in json.loads(done.stdout) if r["final"] is not None]


def sheet_rows(path: Path, title: str) -> list[tuple]:
    return list(openpyxl.load_workbook(path, data_only=True)[title].iter_rows(values_only=True))


def field_value(rows: list[tuple], label: str):
    return next(row[1] for row in rows if row and row[0] == label)


def table(rows: list[tuple], first_header: str) -> list[dict]:
    """The rows of the table whose header row starts with ``first_header``, as dicts."""
    start = next(i for i, row in enumerate(rows) if row and row[0] == first_header)
    header = [h for h in rows[start] if h is not None]
    out = []
    for row in rows[start + 1:]:
        if row[0] is None and row[1] is None:
            break
        out.append(dict(zip(header, row)))
    return out


@pytest.fixture(scope="module")
def group_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("group") / "out" / "group.xlsx"  # the out/ folder does not exist yet
    done = run("consolidate", GROUP / "2026Q2", "-o", out, "--previous", GROUP / "2026Q1", "--lang", "zh")
    return out, done


def test_group_csi_is_the_mean_of_every_branch_customers_final(group_report):
    out, done = group_report
    assert done.returncode == 0, done.stderr
    # one line per file (not a terminal), the previous period's files marked as such
    lines = [line for line in done.stderr.splitlines() if line.startswith("[")]
    assert len(lines) == 10 and sum("（上期）" in line for line in lines) == 5, done.stderr
    files = sorted((GROUP / "2026Q2").glob("*.xlsx"))
    assert len(files) == 5
    per_branch = {f.stem: finals_by_score(f) for f in files}
    pooled = [x for finals in per_branch.values() for x in finals]
    overview = sheet_rows(out, "集团概览")
    assert field_value(overview, "集团 CSI（按客户）") == pytest.approx(np.mean(pooled), abs=1e-9)
    assert field_value(overview, "已评分客户") == len(pooled)
    # branch-weighted: the branch CSIs weighted by 单位权重 (default 1)
    csis = {name: np.mean(f) for name, f in per_branch.items()}
    weighted = sum(UNIT_WEIGHTS[n] * c for n, c in csis.items()) / sum(UNIT_WEIGHTS.values())
    assert field_value(overview, "集团 CSI（按单位权重）") == pytest.approx(weighted, abs=1e-9)
    low, high = field_value(overview, "区间下限"), field_value(overview, "区间上限")
    assert low < np.mean(pooled) < high
    # the league table: every branch, best first, its CSI and the change against 2026Q1
    league = table(sheet_rows(out, "单位排名"), "排名")
    assert [r["单位"] for r in league] == sorted(csis, key=lambda n: -csis[n])
    for r in league:
        assert r["CSI"] == pytest.approx(csis[r["单位"]], abs=1e-9)
        assert r["区间下限"] < r["CSI"] < r["区间上限"] and r["等级"] in ("很满意", "满意", "比较满意")
        before = np.mean(finals_by_score(GROUP / "2026Q1" / f"{r['单位']}.xlsx"))
        assert r["上期 CSI"] == pytest.approx(before, abs=1e-9)
    assert league[0]["单位权重"] == UNIT_WEIGHTS[league[0]["单位"]]
    # 华中分公司 has no 单位 setting: named by its file; 华南 weighs 品质 differently, shown on Method
    method = sheet_rows(out, "方法")
    assert any(row[1] == "品质" and "华南分公司" in (row[5] or "") for row in method)
    assert "5" in done.stdout and str(out) in done.stdout


def test_group_report_tables(group_report):
    out, _ = group_report
    heat = sheet_rows(out, "类别对比")
    header = next(row for row in heat if row[0] == "单位")
    assert [h for h in header if h] == ["单位", "产品质量", "购销过程", "相关服务"]
    body = table(heat, "单位")
    assert body[-1]["单位"] == "集团" and len(body) == 6
    # weaknesses: how many branches have the item among their 3 largest — counted here from each
    # branch's own single-workbook report (its weakness ranks)
    from csat_xl.report.model import build_report

    tops: dict[str, int] = {}
    for path in (GROUP / "2026Q2").glob("*.xlsx"):
        for r in build_report(path, statistics=False).tables["weaknesses"].rows:
            tops[r["item"]] = tops.get(r["item"], 0) + (r["weakness_rank"] <= 3)
    weaknesses = table(sheet_rows(out, "共同短板"), "排名")
    assert {r["项目"]: r["列为短板的单位数"] for r in weaknesses} == tops
    assert [r["列为短板的单位数"] for r in weaknesses] == sorted(tops.values(), reverse=True)
    assert {r["项目"] for r in weaknesses if r["共同短板"] == "多数单位"} == {i for i, n in tops.items() if n > 2.5}
    pareto = table(sheet_rows(out, "集团投诉"), "投诉类别")
    assert pareto[0]["投诉类别"] == "交货延迟" and pareto[-1]["累计占比"] == pytest.approx(1.0)
    total = sum(r["数量"] for r in pareto)
    assert field_value(sheet_rows(out, "集团投诉"), "投诉数") == total
    files = table(sheet_rows(out, "文件"), "用途")
    assert len(files) == 10 and {r["状态"] for r in files} == {"已计入"}


def test_a_corrupt_branch_is_listed_and_skipped(tmp_path):
    folder = tmp_path / "2026Q2"
    shutil.copytree(GROUP / "2026Q2", folder)
    (folder / "损坏的分公司.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    (folder / "~$华东分公司.xlsx").write_bytes(b"\x00lock")
    assert run("template", "-o", folder / "空白模板.xlsx", "--customers", "3", "--rows", "3").returncode == 0
    out = folder / "group.xlsx"  # the output in the input folder: never read as a branch
    done = run("consolidate", folder, "-o", out, "--lang", "en", "--jobs", "1")
    assert done.returncode == 0, done.stderr
    assert "损坏的分公司.xlsx" in done.stderr and "~$华东分公司.xlsx" in done.stderr
    files = table(sheet_rows(out, "Files"), "Role")
    status = {r["File"]: r["Status"] for r in files}
    assert status["损坏的分公司.xlsx"] == "failed" and status["~$华东分公司.xlsx"] == "skipped"
    assert status["空白模板.xlsx"] == "skipped"  # a blank template handed out, not yet filled in
    assert sum(s == "included" for s in status.values()) == 5
    failed = next(r for r in files if r["File"] == "损坏的分公司.xlsx")
    assert "not a readable workbook" in failed["Reason"]
    # a second run over the same folder skips the first group report (our own output) too
    again = run("consolidate", folder, "-o", tmp_path / "again.xlsx", "--lang", "en", "--jobs", "1")
    assert again.returncode == 0 and "group.xlsx" in again.stderr and "report written by csat-xl" in again.stderr
    # --strict: any file not included is exit 2, and nothing is written
    strict = run("consolidate", folder, "-o", tmp_path / "strict.xlsx", "--strict", "--jobs", "1")
    assert strict.returncode == 2 and not (tmp_path / "strict.xlsx").exists()


def test_differing_items_exclude_the_branch_naming_both_files(tmp_path):
    from csat_xl.consolidate import ConsolidateOptions, consolidate_files

    folder = tmp_path / "branches"
    shutil.copytree(GROUP / "2026Q2", folder)
    book = openpyxl.load_workbook(folder / "西南分公司.xlsx")
    book["指标"].delete_rows(book["指标"].max_row)  # drops the item 技术支持和服务
    book.save(folder / "西南分公司.xlsx")
    group = consolidate_files([folder], options=ConsolidateOptions(jobs=1, resamples=50))
    left_out = [o for o in group.outcomes if o.status == "excluded"]
    assert [o.file for o in left_out] == ["西南分公司.xlsx"]
    message = left_out[0].reason.render("en")
    assert "技术支持和服务" in message and group.reference in message and group.reference != "西南分公司.xlsx"
    assert group.figures.branches == 4


def test_largest_files_are_read_first_and_outcomes_keep_the_input_order(tmp_path):
    from csat_xl.consolidate import ConsolidateOptions, _largest_first, read_branches

    paths = sorted((GROUP / "2026Q2").glob("*.xlsx"), reverse=True) + [tmp_path / "gone.xlsx"]
    order = _largest_first(paths)
    sizes = [paths[i].stat().st_size if paths[i].exists() else 0 for i in order]
    assert sorted(order) == list(range(len(paths))) and sizes == sorted(sizes, reverse=True) and order[-1] == len(paths) - 1
    outcomes = read_branches(paths, ConsolidateOptions(jobs=2, resamples=50))
    assert [o.file for o in outcomes] == [p.name for p in paths]
    assert [o.status for o in outcomes] == ["read"] * (len(paths) - 1) + ["failed"]


def test_a_branch_listing_the_items_in_another_order_adds_up_the_same():
    """Branch results are per-item arrays in each workbook's own scheme order;
    the group matches items by name, not by position."""
    import dataclasses

    from csat_xl.analyses.branches import consolidate
    from csat_xl.consolidate import ConsolidateOptions, read_branches

    paths = sorted((GROUP / "2026Q2").glob("*.xlsx"))
    outcomes = read_branches(paths, ConsolidateOptions(jobs=1, resamples=50))
    as_listed = consolidate(outcomes)
    last = outcomes[-1].result
    order = np.arange(len(last.scheme))[::-1]  # the same items, listed the other way round
    outcomes[-1].result = dataclasses.replace(
        last, scheme=tuple(last.scheme[i] for i in order), weights=last.weights[order], item_means=last.item_means[order],
        item_counts=last.item_counts[order], weakness_ranks=last.weakness_ranks[order])
    reordered = consolidate(outcomes)
    assert all(o.status == "read" for o in reordered.outcomes)
    for frame in ("weaknesses", "weights", "heat", "league"):
        assert getattr(reordered, frame).equals(getattr(as_listed, frame)), frame
    assert reordered.group_categories == as_listed.group_categories
    assert not as_listed.weights.empty  # 华南分公司 weighs 品质 higher: the weights table is exercised


def test_no_readable_branch_is_exit_2_and_writes_nothing(tmp_path):
    (tmp_path / "a.xlsx").write_text("not a workbook")
    (tmp_path / "b.xlsx").write_bytes(b"")
    done = run("consolidate", tmp_path, "-o", tmp_path / "g.xlsx", "--lang", "en", "--jobs", "1")
    assert done.returncode == 2 and not (tmp_path / "g.xlsx").exists()
    assert "a.xlsx" in done.stderr and "b.xlsx" in done.stderr and "Traceback" not in done.stderr


def test_committed_group_templates_match_their_builder(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "templates"))
    import build_consolidated_templates

    assert build_consolidated_templates.main(["--check"]) == 0


def test_sample_group_matches_its_generator(tmp_path):
    sys.path.insert(0, str(GROUP.parent))
    try:
        import make_group as group_generate  # sample_workbooks/make_group.py
    finally:
        sys.path.remove(str(GROUP.parent))
    from csat_xl.io.readers import read_tables

    for path in group_generate.main(tmp_path):
        committed = GROUP / path.parent.name / path.name
        fresh = {k: t.rows for k, t in read_tables(path).items()}
        assert fresh == {k: t.rows for k, t in read_tables(committed).items()}, path.name


@pytest.mark.libreoffice
def test_group_report_renders_in_libreoffice(group_report, soffice, tmp_path):
    from libreoffice import _PROFILE, pdf_pages

    out, _ = group_report
    (tmp_path / "profile" / "user").mkdir(parents=True)
    (tmp_path / "profile" / "user" / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--norestore",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)], capture_output=True, timeout=300, check=True)
    assert pdf_pages(tmp_path / "group.pdf") >= 8  # one page per sheet at least


def test_classic_consolidate_button_writes_the_group_report_beside_the_folder(tmp_path, monkeypatch):
    from test_actions import FakeBook

    from csat_xl.actions import classic

    folder = tmp_path / "2026Q2"
    shutil.copytree(GROUP / "2026Q2", folder)
    (folder / "坏文件.xlsx").write_text("not a workbook")
    book = FakeBook(folder / "华东分公司.xlsx")  # the quality officer has one branch workbook open
    asked = []
    monkeypatch.setattr(classic, "ask_folder", lambda app, lang, start: asked.append(start) or folder)
    out = classic.consolidate(book)
    assert out == tmp_path / "2026Q2_集团汇总.xlsx" and asked == [folder]
    assert book.app.books.opened == [str(out)]
    assert "集团概览" in openpyxl.load_workbook(out).sheetnames
    (title, message), = book.app.alerts  # the file left out is said in a message box
    assert title == classic.ALERT_TITLE and "坏文件.xlsx" in message
    monkeypatch.setattr(classic, "ask_folder", lambda app, lang, start: None)  # cancelled: nothing happens
    assert classic.consolidate(book) is None and book.app.books.opened == [str(out)]


def test_classic_folder_picker_uses_excels_dialog():
    from csat_xl.actions import classic

    class Dialog:
        Title = InitialFileName = None

        def Show(self):
            return -1

        def SelectedItems(self, i):
            return r"D:\质量部\2026Q2"

    dialog = Dialog()
    app = type("App", (), {"api": type("Api", (), {"FileDialog": lambda self, kind: dialog if kind == 4 else None})()})()
    assert classic.ask_folder(app, "zh", Path("D:/x")) == Path(r"D:\质量部\2026Q2")
    assert dialog.Title == "选择各单位工作簿所在的文件夹" and dialog.InitialFileName.endswith("\\")


def test_consolidation_messages_are_not_shadowed():
    """The consolidation's finding codes are its own: a code another module defines first would render wrongly."""
    from csat_xl.analyses.branches import BRANCH_MESSAGES
    from csat_xl.findings import MESSAGES

    for code, text in BRANCH_MESSAGES.items():
        assert MESSAGES[code] is text, code
