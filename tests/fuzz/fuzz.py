"""Mutation fuzzer: hostile variants of the sample workbooks through read → score → report.

    python tests/fuzz/fuzz.py --cases 2000 --seed 1        # make fuzz (long run)
    python tests/fuzz/fuzz.py --seconds 30 --seed 7        # the bounded run of make test

Each case takes a sample workbook and applies one to three mutations at the
XML level (so that anything a file can hold is reachable, not only what
openpyxl would write):

- cell values of every type: numbers at the edges (9e307, -9e307, 5e-324,
  1e15+1, "inf"), text with unicode (emoji, RTL and combining marks, CJK
  compatibility forms), console markup, terminal escapes (stored as Excel's
  ``_x001B_``), formula and CSV-injection payloads, 32,767 and 40,000
  characters, booleans, dates, shared-string indexes out of range,
  non-numeric ``<v>``, cached error codes old and new (``#N/A`` …
  ``#GETTING_DATA``, ``#WHATEVER!``);
- headers replaced by aliases, blanks, duplicates or noise;
- sheet names (aliases, duplicates, unicode, 31+ characters);
- rows shuffled (out-of-order ``<row>`` elements) and columns swapped;
- XML and zip corruption: truncated or byte-flipped parts, unclosed tags, a
  DTD, a missing part, a truncated zip, a bad CRC.

Every case is read with both engines (calamine, openpyxl), scored, and
every ``--report-every``-th readable case also built into a report (model, rendering,
saving).  Outcomes: ``ok``; a *clean error* (WorkbookReadError,
InvalidInputError — what the CLI turns into exit 2 with a message); an
*unexpected exception* (anything else: a bug); a *hang* (over
``--case-seconds``); an *engine disagreement* (one engine reads the file and
the other refuses it, or both read it and score or find differently).  Both
engines refusing a damaged file for different reasons (one XML parser
tolerates what the other does not) is counted apart: both exit 2 with a
message, no result is given.  The run exits 1 unless unexpected, hangs and
disagreements (different results or one engine refusing) are all 0.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import random
import re
import signal
import sys
import tempfile
import time
import traceback
import zipfile
import zlib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = [ROOT / "sample_workbooks" / n for n in ("pvc_2026Q2_zh.xlsx", "field_service_2026H1_en.xlsx", "pvc_2025Q4_zh.xlsx")]

NUMBERS = ["9e307", "-9e307", "5e-324", "1e15", "1000000000000001", "-0", "0", "100", "100.0000001", "-5", "1e308", "2",
           "85", "3.14159", "1E+2", "NaN", "inf", "0x10", "1,000", "４０"]
TEXTS = ["[/]x", "[link=file:///etc/passwd]x[/link]", "_x001B_]0;pwned_x0007__x001B_[2J", "=cmd|' /C calc'!A0", "@SUM(1+1)",
         "+1+1", "-2+3", "\t=1", "_x000D_=1", "很满意", "满意", "比较满意", "不满意", "未处理", "合计", "平均分", "Total",
         "😀💥", "\u202eevil", "e\u0301", "ｃ００１", "C001", "c001", " C001 ", "", " ", "40%", "１２３", "#N/A", "NULL",
         "_x005F_x000D_", "_xD800_", "&lt;&amp;&gt;", "<![CDATA[x]]>", "x" * 300, "長" * 32767, "y" * 40000]
ERRORS = ["#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!",
          "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#PYTHON!", "#GETTING_DATA", "#WHATEVER!", "", "N/A"]
HEADERS = ["客户编号", "客户代码", "Customer ID", "客户名称", "受访人", "品质", "包装", "处理结果", "投诉编号", "", "序号", "x",
           "客户编号", "Item", "项目", "项目权重", "类别", "类别权重", "参数", "值", "量表", "标签", "分值", "[/]"]
SHEET_NAMES = ["指标", "问卷", "走访", "投诉", "客户", "设置", "量表", "问卷调查", "Survey", "Responses", "投诉台账", "Scheme",
               "客户名单", "x", "问卷", "😀", "a" * 40, "Sheet'1", "问卷 "]

_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?(?:/>|>.*?</c>)', re.S)
_ROW = re.compile(rb'<row r="\d+"[^>]*?(?:/>|>.*?</row>)', re.S)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _value_xml(ref: str, rng: random.Random) -> str:
    kind = rng.choice(["number", "text", "text", "error", "bool", "date", "shared", "raw", "empty", "formula"])
    if kind == "number":
        return f'<c r="{ref}"><v>{rng.choice(NUMBERS)}</v></c>'
    if kind == "text":
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_escape(rng.choice(TEXTS))}</t></is></c>'
    if kind == "error":
        return f'<c r="{ref}" t="e"><v>{_escape(rng.choice(ERRORS))}</v></c>'
    if kind == "bool":
        return f'<c r="{ref}" t="b"><v>{rng.choice(["0", "1", "2", "x"])}</v></c>'
    if kind == "date":
        return f'<c r="{ref}" t="d"><v>{rng.choice(["2026-05-01", "2026-13-45", "x", "2026-05-01T10:00:00"])}</v></c>'
    if kind == "shared":
        return f'<c r="{ref}" t="s"><v>{rng.choice(["0", "99999", "-1", "x"])}</v></c>'
    if kind == "raw":
        return f'<c r="{ref}"><v>{_escape(rng.choice(TEXTS[:12]))}</v></c>'
    if kind == "formula":
        return f'<c r="{ref}"><f>1/0</f>{rng.choice(["", "<v>#DIV/0!</v>", "<v>1</v>"])}</c>'
    return f'<c r="{ref}" s="0"/>'


def _sheets(entries: dict[str, bytes]) -> list[str]:
    return sorted(n for n in entries if n.startswith("xl/worksheets/sheet") and n.endswith(".xml"))


def mutate_cells(entries: dict[str, bytes], rng: random.Random) -> str:
    if not _sheets(entries):
        return "cells:none"
    name = rng.choice(_sheets(entries))
    xml = entries[name]
    cells = list(_CELL.finditer(xml))
    if not cells:
        return "cells:none"
    chosen = sorted(rng.sample(cells, min(len(cells), rng.randint(1, 6))), key=lambda m: m.start(), reverse=True)
    for m in chosen:
        ref = (m.group(1) + m.group(2)).decode()
        xml = xml[:m.start()] + _value_xml(ref, rng).encode() + xml[m.end():]
    entries[name] = xml
    return f"cells:{name}"


def mutate_headers(entries: dict[str, bytes], rng: random.Random) -> str:
    if not _sheets(entries):
        return "headers:none"
    name = rng.choice(_sheets(entries))
    xml = entries[name]
    first = _ROW.search(xml)
    if not first:
        return "headers:none"
    row = first.group(0)
    cells = list(_CELL.finditer(row))
    for m in sorted(rng.sample(cells, min(len(cells), rng.randint(1, 3))), key=lambda m: m.start(), reverse=True):
        ref = (m.group(1) + m.group(2)).decode()
        text = _escape(rng.choice(HEADERS))
        row = row[:m.start()] + f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode() + row[m.end():]
    entries[name] = xml[:first.start()] + row + xml[first.end():]
    return f"headers:{name}"


def mutate_sheet_names(entries: dict[str, bytes], rng: random.Random) -> str:
    xml = entries.get("xl/workbook.xml", b"")
    names = list(re.finditer(rb'<sheet [^>]*?name="([^"]*)"', xml))
    if not names:
        return "sheet_names:none"
    m = rng.choice(names)
    new = _escape(rng.choice(SHEET_NAMES)).encode()
    entries["xl/workbook.xml"] = xml[:m.start(1)] + new + xml[m.end(1):]
    return "sheet_names"


def mutate_order(entries: dict[str, bytes], rng: random.Random) -> str:
    if not _sheets(entries):
        return "order:none"
    name = rng.choice(_sheets(entries))
    xml = entries[name]
    rows = list(_ROW.finditer(xml))
    if len(rows) < 3:
        return "order:none"
    if rng.random() < 0.5:  # rows out of order (their r attributes stay)
        body = [r.group(0) for r in rows]
        rng.shuffle(body)
        entries[name] = xml[:rows[0].start()] + b"".join(body) + xml[rows[-1].end():]
        return f"rows:{name}"
    a, b = rng.sample("ABCDEFGH", 2)  # two columns swap places

    def swap(m: re.Match) -> bytes:
        col = m.group(1).decode()
        return b' r="' + {a: b, b: a}.get(col, col).encode() + m.group(2) + b'"'

    entries[name] = re.sub(rb' r="([A-Z]+)(\d+)"', swap, xml)
    return f"columns:{name}"


def mutate_xml(entries: dict[str, bytes], rng: random.Random) -> str:
    candidates = [n for n in entries if n.endswith((".xml", ".rels"))]
    if not candidates:
        return "xml:none"
    name = rng.choice(candidates)
    data = entries[name]
    kind = rng.choice(["truncate", "flip", "unclose", "dtd", "drop", "garbage", "dimension"])
    if kind == "truncate":
        entries[name] = data[: rng.randint(0, max(0, len(data) - 1))]
    elif kind == "flip":
        buf = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            if buf:
                buf[rng.randrange(len(buf))] = rng.randrange(256)
        entries[name] = bytes(buf)
    elif kind == "unclose":
        entries[name] = data.replace(b"</", b"<", 1)
    elif kind == "dtd":
        entries[name] = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + re.sub(rb"^<\?xml[^>]*\?>", b"", data)
    elif kind == "drop":
        del entries[name]
    elif kind == "garbage":
        entries[name] = bytes(rng.randrange(256) for _ in range(rng.randint(0, 200)))
    else:
        entries[name] = re.sub(rb'<dimension ref="[^"]*"', rng.choice([b'<dimension ref="A1:XFD1048576"', b'<dimension ref="A1"',
                                                                        b'<dimension ref="ZZZ9"']), data)
    return f"xml:{kind}:{name}"


MUTATIONS = [mutate_cells, mutate_cells, mutate_cells, mutate_headers, mutate_sheet_names, mutate_order, mutate_xml]


def build_case(seed: int) -> tuple[bytes, list[str]]:
    rng = random.Random(seed)
    source = rng.choice(SAMPLES)
    with zipfile.ZipFile(source) as z:
        entries = {n: z.read(n) for n in z.namelist()}
    applied = [rng.choice(MUTATIONS)(entries, rng) for _ in range(rng.randint(1, 3))]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in entries.items():
            z.writestr(n, data)
    data = out.getvalue()
    zip_damage = rng.random()
    if zip_damage < 0.03:
        data = data[: rng.randint(0, len(data))]
        applied.append("zip:truncated")
    elif zip_damage < 0.05:
        i = data.find(b"PK\x03\x04", 1) if rng.random() < 0.5 else 14
        if i > 0:
            data = data[:i + 14] + bytes([data[i + 14] ^ 0xFF]) + data[i + 15:]  # a CRC byte
            applied.append("zip:crc")
    return data, [source.name, *applied]


# --- running ------------------------------------------------------------------------
class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang()


def outcome(path: Path, engine: str) -> tuple[str, object, object]:
    """(kind, fingerprint, survey) of reading and scoring ``path`` with ``engine``."""
    from csat_xl import InvalidInputError, inspect_workbook, score
    from csat_xl.io.readers import WorkbookReadError

    try:
        survey, findings = inspect_workbook(path, engine=engine)
        found = sorted((f.severity, f.code, f.cell or "", str(f.value)[:60]) for f in findings)
        if survey is None:
            return "invalid", found, None
        scores = score(survey)
        table = scores.customers[["customer_id", "final"]].astype(object).where(scores.customers[["customer_id", "final"]].notna(), None)
        result = sorted((str(c), None if f is None else round(float(f), 9)) for c, f in table.itertuples(index=False, name=None))
        json.dumps(scores.records(), allow_nan=True, default=str)  # the records serialise
        return "ok", (found, result), survey
    except WorkbookReadError as exc:
        exc.render("zh")
        return "unreadable", exc.code, None
    except InvalidInputError as exc:
        return "invalid", sorted((f.code, f.cell or "") for f in exc.findings if f.is_error), None


def _cell_key(value):
    """A cell as compared across engines: blank alike, NaN equal to NaN, -0.0 equal to 0.0."""
    if value is None or value == "":
        return None
    if type(value) is float:
        return "nan" if math.isnan(value) else value + 0.0
    return value


def grid_of(path: Path, engine: str) -> dict[str, list[list]] | None:
    """Every sheet's cells as ``engine`` reads them (trailing blanks dropped); None when it refuses."""
    from csat_xl.io.readers import WorkbookReadError, read_tables

    try:
        tables = read_tables(path, engine)
    except WorkbookReadError:
        return None
    grids = {}
    for name, table in tables.items():
        rows = [[_cell_key(v) for v in row] for row in table.rows]
        for row in rows:
            while row and row[-1] is None:
                row.pop()
        while rows and not rows[-1]:
            rows.pop()
        grids[name] = rows
    return grids


def first_different_cell(a: dict, b: dict) -> str | None:
    """Where two engines' grids first differ (sheet!R1C1 and both values), or None."""
    if list(a) != list(b):
        return f"sheets {list(a)} / {list(b)}"
    for name in a:
        rows_a, rows_b = a[name], b[name]
        for r in range(max(len(rows_a), len(rows_b))):
            row_a = rows_a[r] if r < len(rows_a) else []
            row_b = rows_b[r] if r < len(rows_b) else []
            for c in range(max(len(row_a), len(row_b))):
                va = row_a[c] if c < len(row_a) else None
                vb = row_b[c] if c < len(row_b) else None
                if va != vb or type(va) is not type(vb):
                    return f"{name}!R{r + 1}C{c + 1}: {va!r} / {vb!r}"[:300]
    return None


def report_of(survey) -> None:
    from csat_xl.report import build_report
    from csat_xl.report.render_xlsx import render_workbook

    model = build_report(survey, lang=survey.settings.period and "zh" or "en")
    with tempfile.TemporaryDirectory() as folder:
        render_workbook(model).save(Path(folder) / "r.xlsx")


def run(cases: int | None, seconds: float | None, seed: int, report_every: int, case_seconds: int, verbose: bool) -> dict:
    counts: Counter = Counter()
    problems: list[dict] = []
    signal.signal(signal.SIGALRM, _alarm)
    start = time.monotonic()
    n = 0
    with tempfile.TemporaryDirectory() as folder:
        while (cases is None or n < cases) and (seconds is None or time.monotonic() - start < seconds):
            case_seed = seed * 1_000_003 + n
            try:
                data, applied = build_case(case_seed)
            except Exception:  # noqa: BLE001 - a mutation that does not apply to this file
                n += 1
                counts["not_built"] += 1
                continue
            path = Path(folder) / f"case{n}.xlsx"
            path.write_bytes(data)
            n += 1
            results = {}
            signal.alarm(case_seconds)
            try:
                for engine in ("calamine", "openpyxl"):
                    results[engine] = outcome(path, engine)
                a, b = results["calamine"], results["openpyxl"]
                refused = a[0] != "ok" and b[0] != "ok"
                if refused and a[:2] != b[:2]:
                    # both refuse the file (exit 2 with a message) but name other reasons: a damaged
                    # part one parser tolerates, the other not; counted, not a failure
                    counts["clean_error"] += 1
                    counts["refused_differently"] += 1
                elif a[:2] != b[:2]:
                    counts["disagreement"] += 1
                    kind = "different_results" if a[0] == b[0] == "ok" else "one_engine_refuses"
                    counts[kind] += 1
                    problems.append({"case": case_seed, "kind": f"disagreement:{kind}", "mutations": applied,
                                     "calamine": repr(a[:2])[:800], "openpyxl": repr(b[:2])[:800]})
                elif (grids := (grid_of(path, "calamine"), grid_of(path, "openpyxl")))[0] is not None \
                        and grids[1] is not None and (where := first_different_cell(*grids)):
                    # the same scores and findings, yet a cell read differently (a value no check looks at)
                    counts["disagreement"] += 1
                    counts["different_cells"] += 1
                    problems.append({"case": case_seed, "kind": "disagreement:different_cells", "mutations": applied,
                                     "cell": where})
                elif a[0] == "ok":
                    counts["ok"] += 1
                    if report_every and counts["ok"] % report_every == 1:  # the first readable case, then every Nth
                        report_of(a[2])
                        counts["reports"] += 1
                else:
                    counts["clean_error"] += 1
            except Hang:
                counts["hang"] += 1
                problems.append({"case": case_seed, "kind": "hang", "mutations": applied})
            except Exception as exc:  # noqa: BLE001 - the fuzzer's point
                counts["unexpected"] += 1
                problems.append({"case": case_seed, "kind": "unexpected", "mutations": applied,
                                 "error": f"{type(exc).__name__}: {exc}"[:500], "where": traceback.format_exc(limit=-3)[-1500:]})
            finally:
                signal.alarm(0)
                path.unlink(missing_ok=True)
            if verbose and problems and problems[-1]["case"] == case_seed:
                print(json.dumps(problems[-1], ensure_ascii=False), file=sys.stderr)
    summary = {"cases": n, "seed": seed, "seconds": round(time.monotonic() - start, 1), "ok": counts["ok"],
               "clean_errors": counts["clean_error"], "unexpected_exceptions": counts["unexpected"], "hangs": counts["hang"],
               "engine_disagreements": counts["disagreement"], "different_results": counts["different_results"],
               "one_engine_refuses": counts["one_engine_refuses"], "different_cells": counts["different_cells"], "refused_for_different_reasons": counts["refused_differently"],
               "reports_built": counts["reports"]}
    return {"summary": summary, "problems": problems}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=None)
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--report-every", type=int, default=10)
    parser.add_argument("--case-seconds", type=int, default=60)
    parser.add_argument("--replay", type=int, default=None, help="write the case with this seed to ./fuzz_case.xlsx and exit")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    if args.replay is not None:
        data, applied = build_case(args.replay)
        Path("fuzz_case.xlsx").write_bytes(data)
        print("fuzz_case.xlsx:", applied)
        return 0
    if args.cases is None and args.seconds is None:
        args.cases = 200
    result = run(args.cases, args.seconds, args.seed, args.report_every, args.case_seconds, not args.quiet)
    print(json.dumps(result["summary"], ensure_ascii=False))
    s = result["summary"]
    return 0 if s["unexpected_exceptions"] == s["hangs"] == s["engine_disagreements"] == 0 else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
