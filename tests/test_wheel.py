"""The wheel is the product: build it as a release does, install it, run the smoke suite from it.

``python -m build`` makes the sdist and then the wheel *from the sdist* (so a
file missing from the sdist is missing from the wheel too).  The wheel goes
into a fresh venv made outside the source tree, and ``wheel_smoke.py`` runs
there with that venv's Python: demo, template, report, the functions through
``xlwings.server``, the scripts.

Dependencies: resolving pandas, numpy, xlwings … into the fresh venv costs
time and needs the package index, so by default the wheel is installed with
``--no-deps`` and the venv sees the dev venv's site-packages through a
``.pth`` line (appended *after* its own site-packages, and without running
the dev venv's own ``.pth`` files, so the editable install of this tree is
not active there).  The smoke suite proves the ``csat_xl`` it imports is the
wheel's.  ``CSAT_WHEEL_FULL_INSTALL=1`` installs the wheel with a full
dependency resolve instead (what ``.github/workflows/release.yml`` does).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

import csat_xl

ROOT = Path(__file__).resolve().parent.parent
SMOKE = Path(__file__).resolve().parent / "wheel_smoke.py"
VERSION = csat_xl.__version__

#: Files a user of the wheel needs besides the code (package data).
PACKAGE_DATA = (
    "csat_xl/data/pvc_2026Q2_zh.xlsx",
    "csat_xl/data/field_service_2026H1_en.xlsx",
    "csat_xl/report/templates/report_zh.xlsx",
    "csat_xl/report/templates/report_en.xlsx",
    "csat_xl/data/csat_xl.xlam",  # built from addin/classic by setup.py
    "csat_xl/data/addin/customUI14.xml",
    "csat_xl/data/addin/csat_xl_ribbon.bas",
    "csat_xl/data/text/stopwords_zh.txt",  # comment terms (issue 15): stop words and the segmenter's domain words
    "csat_xl/data/text/stopwords_en.txt",
    "csat_xl/data/text/user_words_zh.txt",
)


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(args, capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, f"{' '.join(map(str, args))}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """sdist and wheel built by ``python -m build`` (the backend of the dev venv: no network)."""
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--no-isolation", "--skip-dependency-check", "--outdir", str(out), str(ROOT)])
    return out


def _only(folder: Path, pattern: str) -> Path:
    found = sorted(folder.glob(pattern))
    assert len(found) == 1, found
    return found[0]


def test_wheel_and_sdist_carry_the_version_and_the_package_data(dist):
    wheel = _only(dist, "*.whl")
    sdist = _only(dist, "*.tar.gz")
    assert wheel.name == f"csat_xl-{VERSION}-py3-none-any.whl"
    assert sdist.name == f"csat_xl-{VERSION}.tar.gz"
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        metadata = z.read(f"csat_xl-{VERSION}.dist-info/METADATA").decode()
    missing = [name for name in (*PACKAGE_DATA, "csat_xl/_version.py", "csat_xl/excel/__init__.py") if name not in names]
    assert not missing, missing
    assert f"\nVersion: {VERSION}\n" in metadata
    assert "csat-xl = csat_xl.cli:main" in zipfile.ZipFile(wheel).read(f"csat_xl-{VERSION}.dist-info/entry_points.txt").decode()
    with tarfile.open(sdist) as tar:
        members = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
    built_in_wheel = {name for name in PACKAGE_DATA if name.startswith("csat_xl/data/") and "xlsx" not in name}
    assert {"pyproject.toml", "setup.py", "CHANGELOG.md", "csat_xl/_version.py", *(set(PACKAGE_DATA) - built_in_wheel)} <= members
    classic = {f"addin/classic/{p.name}" for p in (ROOT / "addin" / "classic").iterdir() if p.suffix in (".bas", ".xml")}
    assert classic <= members  # the .xlam of a wheel built from this sdist has every module and the ribbon


def test_olevba_lists_every_ribbon_callback_in_the_shipped_addin(dist, tmp_path):
    from test_xlam import check_addin_with_olevba

    with zipfile.ZipFile(_only(dist, "*.whl")) as wheel:
        shipped = tmp_path / "csat_xl.xlam"
        shipped.write_bytes(wheel.read("csat_xl/data/csat_xl.xlam"))
        assert wheel.read("csat_xl/data/addin/customUI14.xml") == (ROOT / "addin" / "classic" / "customUI14.xml").read_bytes()
    check_addin_with_olevba(shipped)


def _fresh_venv(folder: Path, wheel: Path) -> Path:
    """A venv holding only ``wheel`` (and, unless a full install is asked for, the dev venv's dependencies)."""
    venv.EnvBuilder(with_pip=False).create(folder)
    python = folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-input"]
    if os.environ.get("CSAT_WHEEL_FULL_INSTALL") == "1":
        _run([*pip, str(wheel)])
    else:
        _run([*pip, "--no-deps", "--no-index", str(wheel)])
        site = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip()
        dev = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
        (Path(site) / "_csat_dev_dependencies.pth").write_text("\n".join(sorted(dev)) + "\n")
    return python


def test_the_installed_wheel_runs_the_smoke_suite_outside_the_source_tree(dist, tmp_path):
    python = _fresh_venv(tmp_path / "venv", _only(dist, "*.whl"))
    work = tmp_path / "work"
    work.mkdir()
    smoke = shutil.copy(SMOKE, work / SMOKE.name)  # run from a folder that is not the source tree
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    done = subprocess.run([str(python), str(smoke), "--source-tree", str(ROOT)], cwd=work, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=600)
    print(done.stdout)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert done.stdout.rstrip().endswith(" passed, 0 failed")
    assert "PASS installed_package_is_imported" in done.stdout


def test_lite_requirements_pin_this_version_and_an_xlwings_csat_xl_accepts():
    """The lines docs/install.md tells Lite users to paste must install this release."""
    import tomllib

    from packaging.requirements import Requirement

    lines = [line.strip() for line in (ROOT / "addin" / "lite" / "requirements.txt").read_text().splitlines()]
    pins = {r.name: r for r in (Requirement(line) for line in lines if line and not line.startswith("#"))}
    assert set(pins) == {"xlwings", "csat-xl"}
    assert str(pins["csat-xl"].specifier) == f"=={VERSION}"
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    floor = next(Requirement(d) for d in declared if Requirement(d).name == "xlwings")
    pinned = next(iter(pins["xlwings"].specifier)).version
    assert floor.specifier.contains(pinned), (floor, pinned)
    for doc in ("install.md", "excel.md"):
        text = (ROOT / "docs" / doc).read_text()
        assert f"xlwings=={pinned}" in text and f"csat-xl=={VERSION}" in text, doc
