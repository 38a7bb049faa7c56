"""Time LibreOffice Calc recalculation through its UNO API (run by the *system* python3).

    /usr/bin/python3 benchmarks/lo_uno.py full FILE [FILE …]
    /usr/bin/python3 benchmarks/lo_uno.py edit FILE SHEET CELL VALUE [VALUE …]
    /usr/bin/python3 benchmarks/lo_uno.py profile FILE SHEET:COLUMNS [SHEET:COLUMNS …]

LibreOffice's Python bridge (``python3-uno``) lives in the system Python,
not in the project's venv, so this script imports nothing from csat-xl and
prints one JSON object per measurement on stdout; ``bench_template.py``
runs it as a child process.

* ``full``: load each file without recalculating (the profile sets
  "never recalculate on load"; a freshly generated template holds no cached
  values, so nothing is computed yet), then time ``calculateAll()`` — a full
  recalculation of every formula, what a user waits for when opening the
  template or pressing Ctrl+Shift+F9.  CPU time of the soffice process is
  reported beside the wall time.
* ``edit``: load, ``calculateAll()``, switch automatic calculation off, then
  for each VALUE: write it into SHEET!CELL and time ``calculate()`` (only
  the cells that depend on the edit) — what a user waits for after typing
  one answer.  The best time over the values is kept as well as each one.
* ``profile``: after a full recalculation, re-enter the formulas of the
  given columns (e.g. ``_问卷数值:B``) with automatic calculation off and
  time ``calculate()``: the cost of those formulas and of everything that
  depends on them.  Used to find which formulas cost (docs/performance.md).

Each run starts its own soffice with a throw-away profile and ends it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import uno  # noqa: F401  (system python3-uno)
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]

sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))
from libreoffice import _PROFILE as _RECALCULATE_ON_LOAD  # noqa: E402  (standard library only)

#: The tests' throw-away profile with "recalculate on load" switched to "never":
#: this script times the recalculation itself.
_PROFILE = _RECALCULATE_ON_LOAD.replace("<value>0</value>", "<value>1</value>")


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


class Office:
    """One headless soffice, connected over a named pipe."""

    def __init__(self):
        self.folder = tempfile.mkdtemp(prefix="csat-uno-")
        user = Path(self.folder) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
        self.pipe = f"csat_uno_{os.getpid()}"
        binary = shutil.which("soffice") or shutil.which("libreoffice")
        self.process = subprocess.Popen(
            [binary, f"-env:UserInstallation=file://{self.folder}", "--headless", "--invisible", "--nologo",
             "--norestore", "--nodefault", f"--accept=pipe,name={self.pipe};urp;StarOffice.ComponentContext"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(600):
            try:
                context = resolver.resolve(f"uno:pipe,name={self.pipe};urp;StarOffice.ComponentContext")
                break
            except NoConnectException:
                time.sleep(0.1)
        else:
            raise RuntimeError("soffice did not accept a connection")
        self.desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)

    def cpu(self) -> float:
        """User + system CPU seconds so far of soffice and its children (the
        ``soffice`` script starts ``oosplash``, which starts ``soffice.bin``)."""
        stats = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                stats[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
        family, total, grown = {self.process.pid}, 0, True
        while grown:
            grown = False
            for pid, (parent, _) in stats.items():
                if parent in family and pid not in family:
                    family.add(pid)
                    grown = True
        total = sum(stats[pid][1] for pid in family if pid in stats)
        return total / os.sysconf("SC_CLK_TCK")

    def load(self, path: str):
        url = uno.systemPathToFileUrl(str(Path(path).resolve()))
        doc = self.desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
        if doc is None:
            raise RuntimeError(f"LibreOffice could not open {path}")
        return doc

    def close(self):
        try:
            self.desktop.terminate()
        except Exception:  # noqa: BLE001 - the bridge drops while soffice exits
            pass
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


def timed(office: Office, action) -> tuple[float, float]:
    cpu, start = office.cpu(), time.perf_counter()
    action()
    return time.perf_counter() - start, office.cpu() - cpu


def column_range(sheet, letters: str):
    """``B16:I615`` as given, or the used part of whole columns ``letters``
    (``B`` or ``D:L``) below the header."""
    if any(ch.isdigit() for ch in letters):
        return sheet.getCellRangeByName(letters)
    cursor = sheet.createCursor()
    cursor.gotoEndOfUsedArea(False)
    last = cursor.getRangeAddress().EndRow + 1
    first, _, end = letters.partition(":")
    return sheet.getCellRangeByName(f"{first}2:{end or first}{last}")


def main(argv: list[str]) -> None:
    command, path, *rest = argv
    office = Office()
    try:
        if command == "full":
            for file in [path, *rest]:
                loaded = []
                load_wall, load_cpu = timed(office, lambda: loaded.append(office.load(file)))
                doc = loaded[0]
                wall, cpu = timed(office, doc.calculateAll)
                print(json.dumps({"file": file, "load_s": load_wall, "load_cpu_s": load_cpu,
                                  "full_recalculation_s": wall, "cpu_s": cpu}), flush=True)
                doc.close(True)
        elif command == "edit":
            sheet_name, cell_name, *values = rest
            doc = office.load(path)
            wall, cpu = timed(office, doc.calculateAll)
            doc.enableAutomaticCalculation(False)
            cell = doc.Sheets.getByName(sheet_name).getCellRangeByName(cell_name)
            times = []
            for value in values:
                try:
                    number = float(value)
                    cell.setValue(number)
                except ValueError:
                    cell.setString(value)
                times.append(timed(office, doc.calculate)[0])
            print(json.dumps({"file": path, "full_recalculation_s": wall, "cpu_s": cpu, "edit_s": times, "best_edit_s": min(times)}))
            doc.close(True)
        elif command == "profile":
            doc = office.load(path)
            doc.calculateAll()
            doc.enableAutomaticCalculation(False)
            for target in rest:
                sheet_name, _, letters = target.partition(":")
                sheet = doc.Sheets.getByName(sheet_name)
                sheet.unprotect("")  # the template protects its sheets without a password
                cells = column_range(sheet, letters)
                formulas = cells.getFormulaArray()
                cells.setFormulaArray(formulas)
                wall, cpu = timed(office, doc.calculate)
                print(json.dumps({"target": target, "s": wall, "cpu_s": cpu}), flush=True)
            doc.close(True)
        else:
            raise SystemExit(__doc__)
    finally:
        office.close()


if __name__ == "__main__":
    main(sys.argv[1:])
