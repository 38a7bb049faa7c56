"""Files written through atomic_output get the permissions of any new file (umask), not 0600."""

from __future__ import annotations

import os
import stat
import sys

import pytest

from csat_xl.io.atomic import atomic_output


@pytest.mark.skipif(sys.platform.startswith("win"), reason="POSIX permissions")
def test_output_mode_follows_umask(tmp_path):
    old = os.umask(0o022)
    try:
        with atomic_output(tmp_path / "out.xlsx") as temp:
            temp.write_bytes(b"content")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out.xlsx").stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"], "no temporary file left behind"


def test_failed_write_leaves_nothing(tmp_path):
    with pytest.raises(RuntimeError):
        with atomic_output(tmp_path / "out.xlsx") as temp:
            temp.write_bytes(b"half")
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []
