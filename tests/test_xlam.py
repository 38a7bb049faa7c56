"""The classic add-in csat_xl.xlam, built on Linux and read back by independent parsers.

The VBA project is our own MS-OVBA/MS-CFB writer's (csat_xl.actions.vba_project);
what reads it here is not ours: ``olefile`` (compound files) and
``oletools``' olevba (VBA projects: dir stream, module streams, decompression).
The wheel's copy of the add-in is checked the same way in test_wheel.py.
"""

from __future__ import annotations

import io
import os
import random
import re
import struct
import zipfile
from pathlib import Path

import olefile
import openpyxl
import pytest
from oletools.olevba import VBA_Parser, decompress_stream

from csat_xl.actions import install, vba_project, xlam
from csat_xl.findings import CsatError

ROOT = Path(__file__).resolve().parent.parent
CLASSIC = ROOT / "addin" / "classic"


# --- MS-OVBA pieces against an independent reader ----------------------------------------------------
def _texts() -> list[bytes]:
    rng = random.Random(17)
    return [
        b"",
        b"a",
        b"abc" * 3,
        b"#aaabcdefaaaaghijaaaabcdefaaaaghij",  # the example of MS-OVBA section 3.2
        bytes(rng.randrange(256) for _ in range(4096)),  # one incompressible chunk: stored raw
        bytes(rng.randrange(256) for _ in range(5000)),  # and a partial one after it
        (CLASSIC / "csat_xl_ribbon.bas").read_bytes() * 9,  # several compressed chunks with long matches
        b"x" * 70000,  # the longest copy tokens, chunk after chunk
    ]


@pytest.mark.parametrize("data", _texts(), ids=lambda d: f"{len(d)}B")
def test_compression_is_read_back_by_oletools(data):
    compressed = vba_project.compress(data)
    assert compressed[0] == 1
    assert bytes(decompress_stream(bytearray(compressed))) == data


def test_text_compresses():
    source = (CLASSIC / "csat_xl_ribbon.bas").read_bytes() * 4
    assert len(vba_project.compress(source)) < len(source) // 2


def _decrypt(hex_text: str) -> tuple[int, bytes]:
    """MS-OVBA §2.4.3.3 Decryption, written from the spec apart from the writer: ``(project key, data)``."""
    data = bytes.fromhex(hex_text)
    seed, version_enc, project_key_enc = data[0], data[1], data[2]
    assert seed ^ version_enc == 2
    project_key = seed ^ project_key_enc
    unencrypted1, encrypted1, encrypted2 = project_key, project_key_enc, version_enc
    out = []
    for byte_enc in data[3:]:
        byte = byte_enc ^ ((encrypted2 + unencrypted1) & 0xFF)
        out.append(byte)
        encrypted2, encrypted1, unencrypted1 = encrypted1, byte_enc, byte
    ignored = (seed & 6) // 2
    length = struct.unpack("<I", bytes(out[ignored:ignored + 4]))[0]
    payload = bytes(out[ignored + 4:])
    assert len(payload) == length
    return project_key, payload


def test_protection_fields_follow_the_data_encryption_of_the_spec():
    # a published vector (seed 0x41, four zero bytes, the project ID below)
    project_id = "{9E394C0B-697E-4AEE-9FA6-446F51FB30DC}"
    assert vba_project.encrypt(project_id, bytes(4), 0x41) == "41435A5A5E5A5E5A5E5A5E"
    for seed in range(256):
        key, payload = _decrypt(vba_project.encrypt(project_id, b"\xff", seed))
        assert key == sum(project_id.encode()) & 0xFF and payload == b"\xff"


def test_compound_file_is_read_by_olefile():
    streams = {"PROJECT": b"x" * 10, "VBA/dir": b"d" * 4095, "VBA/big": bytes(range(256)) * 40, "VBA/_VBA_PROJECT": b""}
    ole = olefile.OleFileIO(io.BytesIO(vba_project.compound_file(streams)))
    assert sorted("/".join(p) for p in ole.listdir()) == sorted(streams)
    for path, data in streams.items():
        assert ole.openstream(path).read() == data


# --- the add-in ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return xlam.build_xlam(tmp_path_factory.mktemp("xlam") / "csat_xl.xlam", xlam.AddinSources.from_folder(CLASSIC))


def ribbon_callbacks(custom_ui: bytes) -> list[str]:
    """Every callback the ribbon XML names (onAction, getLabel …)."""
    return xlam.AddinSources(custom_ui, ()).callbacks()


def check_addin_with_olevba(path: Path) -> dict[str, str]:
    """What olevba reads from the add-in at ``path``; asserts our module holds every ribbon callback.

    Used for the add-in built here and for the one inside the wheel (test_wheel.py).
    """
    with zipfile.ZipFile(path) as package:
        custom_ui = package.read(xlam.CUSTOM_UI_PART)
    parser = VBA_Parser(str(path))
    try:
        assert parser.detect_vba_macros()
        modules = {name: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()
    assert {"ThisWorkbook.cls", "Sheet1.cls", "xlwings.bas", "csat_xl_ribbon.bas"} <= set(modules), sorted(modules)
    # a public Sub of that name in any module (VBA names are case-insensitive; onAction's
    # Sub takes (control As IRibbonControl), getLabel & co. one more ByRef argument)
    subs = {name.lower() for code in modules.values()
            for name in re.findall(r"^\s*(?:Public\s+)?Sub\s+(\w+)\s*\(", code, re.M | re.I)}
    callbacks = ribbon_callbacks(custom_ui)
    assert len(callbacks) >= 5
    missing = [c for c in callbacks if c.lower() not in subs]
    assert not missing, f"ribbon callbacks without a VBA Sub: {missing}"
    assert "Public Function RunPython(" in modules["xlwings.bas"]
    assert 'Public Const PROJECT_NAME As String = "csat_xl"' in modules["xlwings.bas"]
    return modules


def test_olevba_lists_our_module_with_every_ribbon_callback(built):
    modules = check_addin_with_olevba(built)
    for path in sorted(CLASSIC.glob("*.bas")):  # every module of the sources, byte for byte (but Attribute lines)
        ours = [line for line in path.read_text(encoding="ascii").splitlines() if not line.startswith("Attribute VB_")]
        read = [line for line in modules[path.stem + ".bas"].splitlines() if not line.startswith("Attribute VB_")]
        assert "\n".join(ours).strip() == "\n".join(read).strip(), path.name


def test_a_module_added_to_the_sources_is_built_in(tmp_path):
    sources = xlam.AddinSources.from_folder(CLASSIC)
    extra = 'Attribute VB_Name = "csat_xl_extra"\r\nSub CsatExtra(control As IRibbonControl)\r\n    RunPython "pass"\r\nEnd Sub\r\n'
    ui = sources.custom_ui.replace(b'onAction="CsatImportFunctions"/>', b'onAction="CsatImportFunctions"/>\n'
                                   b'          <button id="csatExtra" label="x" onAction="CsatExtra"/>')
    path = tmp_path / "extra.xlam"
    path.write_bytes(xlam.xlam_bytes(xlam.AddinSources(ui, (*sources.modules, extra))))
    modules = check_addin_with_olevba(path)
    assert "csat_xl_extra.bas" in modules and "CsatExtra" in ribbon_callbacks(ui)
    broken = xlam.AddinSources(ui, sources.modules)  # a callback without its Sub is caught
    path.write_bytes(xlam.xlam_bytes(broken))
    with pytest.raises(AssertionError, match="CsatExtra"):
        check_addin_with_olevba(path)


def test_package_is_a_macro_enabled_addin_with_the_ribbon_and_config_sheet(built):
    with zipfile.ZipFile(built) as package:
        names = set(package.namelist())
        types = package.read("[Content_Types].xml").decode()
        rels = package.read("_rels/.rels").decode()
        assert package.read(xlam.CUSTOM_UI_PART) == (CLASSIC / "customUI14.xml").read_bytes()
        assert package.comment.decode() == f"csat-xl {__import__('csat_xl').__version__}; xlwings {xlam.xlwings_addin_module()[1]}"
    assert {"xl/workbook.xml", "xl/vbaProject.bin", "xl/worksheets/sheet1.xml", xlam.CUSTOM_UI_PART} <= names
    assert "application/vnd.ms-excel.addin.macroEnabled.main+xml" in types
    assert "application/vnd.ms-office.vbaProject" in types
    assert xlam.CUSTOM_UI_REL_TYPE in rels
    # openpyxl reads workbooks, not add-ins: the same parts under the .xlsm main content type
    as_xlsm = built.with_name("copy.xlsm")
    with zipfile.ZipFile(built) as source, zipfile.ZipFile(as_xlsm, "w") as copy:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"ms-excel.addin.macroEnabled.main", b"ms-excel.sheet.macroEnabled.main")
            copy.writestr(info, data)
    book = openpyxl.load_workbook(as_xlsm, keep_vba=True)
    assert book.sheetnames == [xlam.CONFIG_SHEET]
    assert [c.value for c in book[xlam.CONFIG_SHEET][1]] == ["UDF Modules", "csat_xl.excel"]
    assert xlam.xlwings_version_of(built) == xlam.xlwings_addin_module()[1]


def test_rebuilding_from_the_same_sources_gives_the_same_bytes(built, tmp_path):
    again = xlam.build_xlam(tmp_path / "again.xlam", xlam.AddinSources.from_folder(CLASSIC))
    assert again.read_bytes() == built.read_bytes()


# --- csat-xl addin install -------------------------------------------------------------------------------
def _env(tmp_path: Path) -> dict[str, str]:
    return {"APPDATA": str(tmp_path / "Roaming"), "USERPROFILE": str(tmp_path / "home")}


def _xlstart(tmp_path: Path) -> Path:
    return tmp_path / "Roaming" / "Microsoft" / "Excel" / "XLSTART" / "csat_xl.xlam"


def test_install_copies_the_shipped_addin_when_it_carries_the_installed_xlwings(built, tmp_path, monkeypatch):
    monkeypatch.setattr(install, "shipped_xlam", lambda: built)
    done = install.install(platform="win32", env=_env(tmp_path), python=r"C:\csat\.venv\Scripts\python.exe", code_page=1252)
    assert done.rebuilt_for is None and _xlstart(tmp_path).read_bytes() == built.read_bytes()


def test_install_rebuilds_the_addin_for_another_installed_xlwings(built, tmp_path, monkeypatch):
    shipped = tmp_path / "shipped.xlam"
    source, _ = xlam.xlwings_addin_module()
    shipped.write_bytes(xlam.xlam_bytes(xlam.AddinSources.from_folder(CLASSIC), xlwings_module=(source, "0.30.0")))
    assert xlam.xlwings_version_of(shipped) == "0.30.0"
    monkeypatch.setattr(install, "shipped_xlam", lambda: shipped)
    done = install.install(platform="win32", env=_env(tmp_path), python=r"C:\csat\python.exe", code_page=1252)
    installed = xlam.xlwings_addin_module()[1]
    assert done.rebuilt_for == installed and xlam.xlwings_version_of(done.xlam) == installed
    check_addin_with_olevba(done.xlam)


def test_config_is_written_in_the_ansi_code_page_vba_reads(built, tmp_path, monkeypatch):
    """xlwings' VBA reads the config with Open … For Input: bytes in the ANSI code page (cp936 for 张三)."""
    monkeypatch.setattr(install, "shipped_xlam", lambda: built)
    python = r"C:\Users\张三\csat\.venv\Scripts\python.exe"
    done = install.install(platform="win32", env=_env(tmp_path), python=python, code_page=936)
    config = tmp_path / "home" / ".csat_xl" / "csat_xl.conf"
    assert done.config == config
    assert config.read_bytes() == '"INTERPRETER_WIN","C:\\Users\\张三\\csat\\.venv\\Scripts\\python.exe"\r\n'.encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        config.read_bytes().decode("utf-8")  # not UTF-8, which VBA would show as mojibake
    # a second install keeps the user's choice, whatever its encoding
    again = install.install(platform="win32", env=_env(tmp_path), python="other", code_page=936)
    assert again.python is None and config.read_bytes().count(b"INTERPRETER_WIN") == 1


def test_a_path_the_code_page_cannot_spell_takes_its_short_name_or_stops_clearly(built, tmp_path, monkeypatch):
    monkeypatch.setattr(install, "shipped_xlam", lambda: built)
    python = r"C:\Users\张三\csat\python.exe"
    done = install.install(platform="win32", env=_env(tmp_path), python=python, code_page=1252,
                           shorten=lambda p: r"C:\Users\4E09~1\csat\python.exe")
    assert done.python == r"C:\Users\4E09~1\csat\python.exe"
    with pytest.raises(CsatError, match="cp1252"):
        install.install(platform="win32", env=_env(tmp_path / "2"), python=python, code_page=1252, shorten=lambda p: None)
    with pytest.raises(CsatError, match="纯英文路径"):
        install.install(platform="win32", env=_env(tmp_path / "3"), python=python, code_page=1252, shorten=lambda p: None, lang="zh")
    assert not (tmp_path / "2" / "Roaming").exists()  # nothing installed half


def test_build_script_builds_from_the_classic_folder(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "dist" / "csat_xl.xlam"
    out.parent.mkdir()
    done = subprocess.run([sys.executable, str(CLASSIC / "build_xlam.py"), str(out)], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    check_addin_with_olevba(out)


def test_ribbon_xml_is_valid_against_customui14_xsd():
    """customUI14.xml (and so whatever #16 or anyone adds to it) against Microsoft's ribbon schema."""
    xsd = ROOT.parent / "shared" / "office-xsd" / "customui" / "customui14.xsd"
    if not xsd.is_file():
        pytest.skip(f"ribbon schema not found at {xsd} (../shared/office-xsd/)")
    import xmlschema

    schema = xmlschema.XMLSchema(str(xsd))
    schema.validate(str(CLASSIC / "customUI14.xml"))
    with pytest.raises(xmlschema.XMLSchemaValidationError):  # the validator does reject a bad ribbon
        schema.validate(str(xsd.parent / "negative.xml"))


def test_a_utf8_config_of_an_earlier_version_is_converted_to_the_code_page(built, tmp_path, monkeypatch):
    """csat-xl 0.1.0 wrote the config in UTF-8: VBA read 张三 as mojibake. Reinstalling fixes the file."""
    monkeypatch.setattr(install, "shipped_xlam", lambda: built)
    config = tmp_path / "home" / ".csat_xl" / "csat_xl.conf"
    config.parent.mkdir(parents=True)
    old = '"INTERPRETER_WIN","C:\\Users\\张三\\csat\\python.exe"\n"PYTHONPATH","D:\\质量部"\n'
    config.write_bytes(old.encode("utf-8"))
    done = install.install(platform="win32", env=_env(tmp_path), python="other", code_page=936)
    assert done.python is None  # the user's interpreter is kept …
    assert config.read_bytes() == old.replace("\n", "\r\n").encode("gbk")  # … in the encoding VBA reads
    install.install(platform="win32", env=_env(tmp_path), python="other", code_page=936)
    assert config.read_bytes() == old.replace("\n", "\r\n").encode("gbk")  # a GBK file stays as it is
