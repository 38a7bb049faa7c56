"""Build csat_xl.xlam: the classic Excel add-in with the 满意度 CSAT ribbon tab.

Usage (on Windows, with Excel and csat-xl installed in the Python that runs it)::

    python addin/classic/build_xlam.py                 # both steps -> addin/classic/dist/csat_xl.xlam
    python addin/classic/build_xlam.py --ribbon-only dist/csat_xl.xlam
                                                       # step 2 only, on any OS

Step 1 drives Excel (through xlwings) to create the VBA project: xlwings'
add-in module, ``csat_xl_ribbon.bas`` and a ``csat_xl.conf`` sheet.  It needs
"Trust access to the VBA project object model" (Excel > File > Options >
Trust Center > Trust Center Settings > Macro Settings).  Step 2 injects
``customUI14.xml`` into the package with Python's zipfile — this part runs
anywhere and is what the test suite checks.  Then ``csat-xl addin install``
copies the add-in into Excel's XLSTART folder.  See docs/actions.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    from csat_xl.actions.classic import UDF_MODULES
    from csat_xl.actions.xlam import build_vba_addin, inject_custom_ui

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(HERE / "dist" / "csat_xl.xlam"), help="the .xlam to write")
    parser.add_argument("--ribbon-only", action="store_true", help="only inject the ribbon into an existing .xlam (any OS)")
    args = parser.parse_args(argv)
    out = Path(args.out)
    if not args.ribbon_only:
        if not sys.platform.startswith("win"):
            print("Step 1 (the VBA project) needs Excel on Windows; use --ribbon-only elsewhere.", file=sys.stderr)
            return 1
        out.parent.mkdir(parents=True, exist_ok=True)
        build_vba_addin(out, HERE / "csat_xl_ribbon.bas", list(UDF_MODULES))
    inject_custom_ui(out, (HERE / "customUI14.xml").read_bytes())
    print(f"built {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
