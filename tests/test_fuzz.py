"""The bounded, seeded mutation-fuzz run of ``make test`` (the long run: ``make fuzz``, docs/reliability.md)."""

import json
import subprocess
import sys
from pathlib import Path

FUZZ = Path(__file__).parent / "fuzz" / "fuzz.py"


def test_seeded_fuzz_run_has_no_unexpected_exception_hang_or_engine_disagreement():
    # a fixed number of cases (not a time budget): the same cases on every machine, however loaded
    done = subprocess.run([sys.executable, str(FUZZ), "--cases", "150", "--seed", "12", "--report-every", "40", "--case-seconds", "60"],
                          capture_output=True, text=True, timeout=400)
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["cases"] == 150 and summary["reports_built"] >= 1, summary
    # never an exception or a hang; the two engines always end the same way: the same result, or both
    # refuse (a damaged cell or part: csat_xl/io/cells.py, Archive's checks)
    assert (summary["unexpected_exceptions"], summary["hangs"], summary["engine_disagreements"]) == (0, 0, 0), done.stderr[-4000:]
    assert done.returncode == 0
