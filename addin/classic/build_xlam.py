"""Build csat_xl.xlam, the classic Excel add-in with the 满意度 CSAT ribbon tab, on any OS.

Usage (in the Python that has csat-xl and xlwings installed)::

    python addin/classic/build_xlam.py                      # -> addin/classic/dist/csat_xl.xlam
    python addin/classic/build_xlam.py path/to/csat_xl.xlam

The add-in is built from this folder: ``customUI14.xml`` (the ribbon) and
every ``*.bas`` (the ribbon callbacks; add modules here and they are built
in), plus xlwings' RunPython module of the installed xlwings — no Excel
needed (csat_xl.actions.xlam, csat_xl.actions.vba_project).  The wheel's
build step does the same (setup.py), so ``pip install csat-xl`` ships it and
``csat-xl addin install`` installs it; see docs/actions.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    from csat_xl.actions.xlam import AddinSources, build_xlam

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(HERE / "dist" / "csat_xl.xlam"), help="the .xlam to write")
    args = parser.parse_args(argv)
    out = build_xlam(args.out, AddinSources.from_folder(HERE))
    print(f"built {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
