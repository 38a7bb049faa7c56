"""The sheet scan's fast searches agree with their plain definitions (issue 18).

:mod:`csat_xl.io.archive` proves a sheet's extent with one search and finds
long text runs by windows; each shortcut must give exactly what the plain
regex over every cell or every tag would.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from csat_xl.io.archive import LIMITS, _LONG_RUN, _at_most, _column_letters, _extent, _long_runs


def test_at_most_matches_exactly_the_numerals_up_to_n():
    rng = random.Random(18)
    for n in (1, 2, 9, 10, 11, 26, 27, 52, 499, 702, 703, 3000, 16384, 100001, 1048576):
        for letters in (False, True):
            pattern = re.compile(_at_most(n, letters))
            for k in [*range(0, 2000), *(rng.randint(1, 3 * n) for _ in range(2000))]:
                text = _column_letters(k) if letters else str(k)
                assert bool(pattern.fullmatch(text)) == (1 <= k <= n), (n, letters, k)


def _sheet(cells_by_row: dict[int, list[str]]) -> bytes:
    rows = "".join(f'<row r="{r}">' + "".join(cells) + "</row>" for r, cells in cells_by_row.items())
    return f"<worksheet><sheetData>{rows}</sheetData></worksheet>".encode()


def test_extent_of_ordinary_and_hostile_sheets():
    plain = {r: [f'<c r="{c}{r}" t="n"><v>{r}</v></c>' for c in "ABK"] for r in range(1, 4001)}
    assert _extent(_sheet(plain)) == (4000, 0)
    # every way a cell may escape the one-pass proof falls back to the exact passes
    cases = {
        '<c r="A4001"><v>1</v></c>': (4001, 0),  # below the last row tag
        '<c r="XFD9"><v>1</v></c>': (4000, 16384),  # right of what 4,000 rows allow (12,500 columns)
        '<c s="1" r="XFD1048576"><v>1</v></c>': (1048576, 16384),  # the reference not first
        '<c r="A0004001"><v>1</v></c>': (4001, 0),  # leading zeros
    }
    for extra, expected in cases.items():
        hostile = dict(plain)
        hostile[9] = [*plain[9], extra]
        assert _extent(_sheet(hostile)) == expected, extra
    unplaced = {1: ["<c><v>1</v></c>"] * 20000}
    assert _extent(_sheet(unplaced))[1] == 20000
    empty_cells = {1: ["<c/>"] * 20000 + ["<c><v>1</v></c>"]}
    assert _extent(_sheet(empty_cells))[1] == 20001
    namespaced = b'<x:worksheet><x:sheetData><x:row r="1">' + b"<x:c><x:v>1</x:v></x:c>" * 20000 + b"</x:row></x:sheetData></x:worksheet>"
    assert _extent(namespaced)[1] == 20000


def _first_match_per_run(data: bytes) -> list[int]:
    """The plain definition: every match of the long-run regex, the first of each run of text."""
    seen, out = set(), []
    for match in _LONG_RUN.finditer(data):
        run = data.rfind(b"<", 0, match.start())
        if run not in seen:
            seen.add(run)
            out.append(match.start())
    return out


def test_long_runs_are_found_by_windows_as_by_the_plain_search():
    n = LIMITS.cell_chars + 1
    rng = random.Random(7)
    pieces = [b"<c><v>1</v></c>", b"<t>" + b"x" * (n - 2) + b"</t>", b"<t>" + b"y" * n + b"</t>",
              b"<t>" + b"z" * (n + 5000) + b"</t>", b">" * n, b"a" * (2 * n) + b"<", b"<t>" + b"w" * (n - 1) + b">" + b"v" * n]
    for _ in range(40):
        data = b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        data = data[rng.randint(0, 50):]
        assert [m.start() for m in _long_runs(data)] == _first_match_per_run(data)


def test_references_written_any_way_the_engine_reads_them_are_bounded(tmp_path):
    # python-calamine places a cell by r='XFD9', r = "XFD9" and r="xfd9" alike:
    # each must be refused before it allocates the grid up to the cell.
    import hostile as h
    import pytest

    from csat_xl.io.archive import Archive, WorkbookReadError

    sample = Path(__file__).parent.parent / "sample_workbooks" / "pvc_2026Q2_zh.xlsx"
    for i, attribute in enumerate(("r='XFD1048576'", 'r = "XFD1048576"', 'r="xfd1048576"')):
        cell = f"<row r=\"1048576\"><c {attribute}><v>1</v></c></row></sheetData>"
        path = h.edit_sheet(sample, tmp_path / f"far{i}.xlsx", "问卷", lambda x: x.replace("</sheetData>", cell))
        archive = Archive(path)
        try:
            with pytest.raises(WorkbookReadError) as caught:
                archive.bound_sheet("问卷")
            assert caught.value.code == "range_too_large", attribute
        finally:
            archive.close()
