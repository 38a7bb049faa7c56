"""Run csat-xl commands in one child process under an address-space limit.

    python tests/limited.py GIGABYTES SECONDS < commands.json

reads a JSON list of argument lists, sets ``RLIMIT_AS`` to GIGABYTES and
runs each command in-process (typer's test runner), each under an alarm of
SECONDS; prints one JSON object per command: ``args``, ``exit``,
``stdout``, ``stderr``, ``seconds`` (``exit`` is ``"timeout"`` when the
alarm fired).  One process for many hostile files keeps the suite fast;
the limit proves each is read in bounded memory.
"""

from __future__ import annotations

import json
import resource
import signal
import sys
import time


class _Timeout(Exception):
    pass


def main() -> None:
    gigabytes, seconds = float(sys.argv[1]), int(sys.argv[2])
    limit = int(gigabytes * (1 << 30))
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from typer.testing import CliRunner

    from csat_xl.cli import app

    def alarm(signum, frame):
        raise _Timeout()

    signal.signal(signal.SIGALRM, alarm)
    runner = CliRunner()
    for args in json.load(sys.stdin):
        start = time.perf_counter()
        signal.alarm(seconds)
        try:
            result = runner.invoke(app, args, catch_exceptions=True)
            code, out, err = result.exit_code, result.stdout, result.stderr
            if result.exception is not None and not isinstance(result.exception, SystemExit):
                code, err = "exception", err + repr(result.exception)
        except _Timeout:
            code, out, err = "timeout", "", ""
        finally:
            signal.alarm(0)
        print(json.dumps({"args": args, "exit": code, "stdout": out, "stderr": err,
                          "seconds": round(time.perf_counter() - start, 2)}), flush=True)


if __name__ == "__main__":
    main()
