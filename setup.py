"""Build step of the wheel: the classic Excel add-in is built from addin/classic/.

Everything else is declared in pyproject.toml.  After the package's files are
copied into the build folder, ``csat_xl.actions.xlam.build_package_data``
copies the add-in sources (``addin/classic/customUI14.xml`` and every
``*.bas``) to ``csat_xl/data/addin/`` and writes ``csat_xl/data/csat_xl.xlam``
— so a button or module added in addin/classic/ is in the next wheel.  It
needs only the standard library and the xlwings of the build environment
(``[build-system] requires``), whose RunPython module goes into the add-in.
"""

import importlib
import sys
import types
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


def _xlam_module():
    """csat_xl.actions.xlam without running csat_xl/__init__ (which needs pandas …)."""
    if "csat_xl" not in sys.modules:
        stub = types.ModuleType("csat_xl")
        stub.__path__ = [str(ROOT / "csat_xl")]
        sys.modules["csat_xl"] = stub
    return importlib.import_module("csat_xl.actions.xlam")


class BuildPyWithAddin(build_py):
    def run(self):
        super().run()
        if not self.dry_run:
            built = _xlam_module().build_package_data(ROOT / "addin" / "classic", Path(self.build_lib) / "csat_xl" / "data")
            print(f"built {built}")


setup(cmdclass={"build_py": BuildPyWithAddin})
