"""Building ``csat_xl.xlam``, the classic Excel add-in with the 满意度 CSAT ribbon tab, on any OS.

An .xlam is a zip package (Office Open XML, macro-enabled add-in).  Ours
holds:

- a workbook with one sheet ``csat_xl.conf`` (code name ``Sheet1``) naming
  the UDF modules — xlwings' add-in module reads its settings from a sheet
  called ``<PROJECT_NAME>.conf`` in the add-in;
- ``xl/vbaProject.bin``, written by :mod:`csat_xl.actions.vba_project`
  from source: the document modules ``ThisWorkbook`` and ``Sheet1``,
  xlwings' own add-in module (``xlwings_custom_addin.bas`` of the
  *installed* xlwings, with ``PROJECT_NAME = "csat_xl"`` so its config
  lives in ``%USERPROFILE%\\.csat_xl\\csat_xl.conf``) and every ``.bas`` of
  the add-in sources (``addin/classic/``: ``csat_xl_ribbon.bas`` with the
  ribbon callbacks, and any module added there later);
- the ribbon ``customUI/customUI14.xml`` from the same sources, with a
  package relationship of the Office 2010 UI-extensibility type
  (:func:`inject_custom_ui`, also usable on an existing package).

The add-in sources travel with the package: the wheel's build step
(``setup.py``) copies ``addin/classic/`` into ``csat_xl/data/addin/`` and
builds ``csat_xl/data/csat_xl.xlam`` from it, so whatever is added to the
ribbon or the modules there is in the next wheel.  xlwings' VBA module calls
the DLL of its own version (``xlwings64-<version>.dll``), so the add-in must
carry the module of the xlwings the user's Python has: the zip comment
records it (:func:`xlwings_version_of`) and ``csat-xl addin install``
rebuilds the add-in when the installed xlwings differs.

Imports are the standard library plus :mod:`.vba_project` (the wheel's build
step runs this module without the package's dependencies); file output goes
through :func:`csat_xl.io.atomic.atomic_output`, imported where it is used.
"""

from __future__ import annotations

import importlib.util
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from .vba_project import WORKBOOK_CLASS, WORKSHEET_CLASS, Module, vba_project

CUSTOM_UI_PART = "customUI/customUI14.xml"
#: Relationship type of a customUI14 part (Office 2010+; the 2006 type is customUI.xml).
CUSTOM_UI_REL_TYPE = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
CUSTOM_UI_REL_ID = "csatCustomUI"
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
PROJECT_NAME = "csat_xl"
XLAM_NAME = f"{PROJECT_NAME}.xlam"
CONFIG_SHEET = f"{PROJECT_NAME}.conf"
#: The UDF modules the **Import functions** button registers; written into
#: the add-in's config sheet.
UDF_MODULES = ("csat_xl.excel",)
#: The add-in sources: the ribbon and the VBA modules (every ``*.bas``).
CUSTOM_UI_FILE = "customUI14.xml"
#: Fixed zip timestamps: equal sources give an equal file.
_ZIP_TIME = (2026, 1, 1, 0, 0, 0)


# --- the ribbon part --------------------------------------------------------------------------
def _add_relationship(rels_xml: bytes) -> bytes:
    ElementTree.register_namespace("", _RELS_NS)
    root = ElementTree.fromstring(rels_xml)
    for rel in list(root):
        if rel.get("Type") == CUSTOM_UI_REL_TYPE or rel.get("Target", "").lstrip("/") == CUSTOM_UI_PART:
            root.remove(rel)
    ElementTree.SubElement(root, f"{{{_RELS_NS}}}Relationship", Id=CUSTOM_UI_REL_ID, Type=CUSTOM_UI_REL_TYPE, Target=CUSTOM_UI_PART)
    return ElementTree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _ensure_xml_default(types_xml: bytes) -> bytes:
    ElementTree.register_namespace("", _TYPES_NS)
    root = ElementTree.fromstring(types_xml)
    if not any(e.tag == f"{{{_TYPES_NS}}}Default" and (e.get("Extension") or "").lower() == "xml" for e in root):
        ElementTree.SubElement(root, f"{{{_TYPES_NS}}}Default", Extension="xml", ContentType="application/xml")
    return ElementTree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _with_custom_ui(entries: list[tuple[zipfile.ZipInfo, bytes]], custom_ui: bytes) -> list[tuple[zipfile.ZipInfo | str, bytes]]:
    out: list[tuple[zipfile.ZipInfo | str, bytes]] = []
    for info, data in entries:
        if info.filename == CUSTOM_UI_PART:
            continue
        if info.filename == "_rels/.rels":
            data = _add_relationship(data)
        elif info.filename == "[Content_Types].xml":
            data = _ensure_xml_default(data)
        out.append((info, data))
    out.append((CUSTOM_UI_PART, custom_ui))
    return out


def inject_custom_ui(package: str | os.PathLike, custom_ui: bytes) -> Path:
    """Put the ribbon XML ``custom_ui`` into the Office package at ``package`` (in place).

    Raises :class:`xml.etree.ElementTree.ParseError` when ``custom_ui`` is
    not well-formed XML — Excel would silently drop a broken ribbon.
    """
    from ..io.atomic import atomic_output

    ElementTree.fromstring(custom_ui)
    package = Path(package)
    with zipfile.ZipFile(package) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    with atomic_output(package) as temp:
        with zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as out:
            for info, data in _with_custom_ui(entries, custom_ui):
                out.writestr(info, data)
    return package


# --- xlwings' add-in module ----------------------------------------------------------------------
def xlwings_addin_module(project_name: str = PROJECT_NAME) -> tuple[str, str]:
    """``(source, version)`` of the installed xlwings' add-in VBA module, its project name set.

    Found without importing xlwings (the wheel's build step has only the
    files of the package).
    """
    spec = importlib.util.find_spec("xlwings")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("xlwings is not installed: it provides the add-in's RunPython module")
    text = (Path(next(iter(spec.submodule_search_locations))) / "xlwings_custom_addin.bas").read_text(encoding="utf-8")
    version = re.search(r'Public Const XLWINGS_VERSION As String = "([^"]+)"', text)
    if version is None:
        raise RuntimeError("xlwings_custom_addin.bas names no XLWINGS_VERSION")
    text = re.sub(r'(Public Const PROJECT_NAME As String = )"[^"]*"', rf'\1"{project_name}"', text)
    return text, version.group(1)


def custom_addin_module(project_name: str = PROJECT_NAME) -> str:
    """xlwings' add-in VBA module (RunPython & co.) with its project name set."""
    return xlwings_addin_module(project_name)[0]


# --- the add-in ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AddinSources:
    """What the add-in is built from: the ribbon XML and our VBA modules (``.bas`` texts)."""

    custom_ui: bytes
    modules: tuple[str, ...]

    @classmethod
    def from_folder(cls, folder: str | os.PathLike) -> AddinSources:
        folder = Path(folder)
        modules = tuple(p.read_text(encoding="ascii") for p in sorted(folder.glob("*.bas")))
        return cls((folder / CUSTOM_UI_FILE).read_bytes(), modules)

    def callbacks(self) -> list[str]:
        """The ``onAction`` … callbacks the ribbon names, in document order."""
        root = ElementTree.fromstring(self.custom_ui)
        return [value for e in root.iter() for key, value in e.attrib.items() if key.startswith("on") or key.startswith("get")]


def source_folders() -> list[Path]:
    """Where the add-in sources are: in the installed package (wheel), then in a source checkout."""
    package = Path(__file__).resolve().parent.parent
    return [package / "data" / "addin", package.parent / "addin" / "classic"]


def find_sources() -> AddinSources | None:
    for folder in source_folders():
        if (folder / CUSTOM_UI_FILE).is_file():
            return AddinSources.from_folder(folder)
    return None


def _xml(text: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + text).encode("utf-8")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _workbook_parts(udf_modules: tuple[str, ...]) -> dict[str, bytes]:
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    config_rows = [("UDF Modules", ";".join(udf_modules))]
    cells = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{_escape(k)}</t></is></c>'
        f'<c r="B{r}" t="inlineStr"><is><t>{_escape(v)}</t></is></c></row>'
        for r, (k, v) in enumerate(config_rows, start=1)
    )
    return {
        "[Content_Types].xml": _xml(
            f'<Types xmlns="{_TYPES_NS}">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.addin.macroEnabled.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
            "</Types>"),
        "_rels/.rels": _xml(
            f'<Relationships xmlns="{_RELS_NS}">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/extended-properties" Target="docProps/app.xml"/>'
            "</Relationships>"),
        "docProps/app.xml": _xml(
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            "<Application>Microsoft Excel</Application><Company>csat-xl</Company></Properties>"),
        "xl/workbook.xml": _xml(
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><workbookPr codeName="ThisWorkbook"/>'
            '<bookViews><workbookView/></bookViews>'
            f'<sheets><sheet name="{CONFIG_SHEET}" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": _xml(
            f'<Relationships xmlns="{_RELS_NS}">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/styles" Target="styles.xml"/>'
            '<Relationship Id="rId3" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/>'
            "</Relationships>"),
        "xl/styles.xml": _xml(
            f'<styleSheet xmlns="{main}">'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"),
        "xl/worksheets/sheet1.xml": _xml(
            f'<worksheet xmlns="{main}" xmlns:r="{rel}"><sheetPr codeName="Sheet1"/>'
            f"<sheetData>{cells}</sheetData></worksheet>"),
    }


def xlam_bytes(sources: AddinSources, *, udf_modules: tuple[str, ...] = UDF_MODULES,
               xlwings_module: tuple[str, str] | None = None) -> bytes:
    """The add-in package built from ``sources`` and xlwings' module (``(source, version)``)."""
    import io

    from .._version import __version__

    ElementTree.fromstring(sources.custom_ui)  # a broken ribbon is dropped by Excel without a word
    xlwings_source, xlwings_version = xlwings_module or xlwings_addin_module()
    modules = [
        Module.document_module("ThisWorkbook", WORKBOOK_CLASS),
        Module.document_module("Sheet1", WORKSHEET_CLASS),
        Module.from_bas(xlwings_source),
        *(Module.from_bas(text) for text in sources.modules),
    ]
    parts = _workbook_parts(udf_modules)
    parts["xl/vbaProject.bin"] = vba_project(PROJECT_NAME, modules)
    entries = []
    for name, data in parts.items():
        info = zipfile.ZipInfo(name, _ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        entries.append((info, data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in _with_custom_ui(entries, sources.custom_ui):
            if isinstance(info, str):
                info = zipfile.ZipInfo(info, _ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(info, data)
        out.comment = f"csat-xl {__version__}; xlwings {xlwings_version}".encode("ascii")
    return buffer.getvalue()


def xlwings_version_of(xlam: str | os.PathLike) -> str | None:
    """The xlwings version whose VBA module the add-in carries (from its zip comment)."""
    try:
        with zipfile.ZipFile(xlam) as package:
            found = re.search(rb"xlwings (\S+)", package.comment)
    except (OSError, zipfile.BadZipFile):
        return None
    return found.group(1).decode("ascii") if found else None


def build_xlam(out: str | os.PathLike, sources: AddinSources | None = None, *, lang: str = "en", **options) -> Path:
    """Write the add-in to ``out`` (atomically); sources default to :func:`find_sources`.

    ``lang`` is the language of the message when ``out`` cannot be replaced
    (Excel keeps a loaded add-in open).
    """
    from ..io.atomic import atomic_output

    sources = sources or find_sources()
    if sources is None:
        raise FileNotFoundError(f"no add-in sources ({CUSTOM_UI_FILE}) in {[str(p) for p in source_folders()]}")
    data = xlam_bytes(sources, **options)
    out = Path(out)
    with atomic_output(out, lang=lang) as temp:
        Path(temp).write_bytes(data)
    return out


def build_package_data(source_folder: str | os.PathLike, data_folder: str | os.PathLike) -> Path:
    """The wheel's build step: copy the add-in sources into ``data_folder/addin`` and build the .xlam there.

    Plain writes (no :mod:`csat_xl.io`): this runs in the build backend.
    """
    source_folder, data_folder = Path(source_folder), Path(data_folder)
    sources = AddinSources.from_folder(source_folder)
    (data_folder / "addin").mkdir(parents=True, exist_ok=True)
    for path in [source_folder / CUSTOM_UI_FILE, *sorted(source_folder.glob("*.bas"))]:
        (data_folder / "addin" / path.name).write_bytes(path.read_bytes())
    target = data_folder / XLAM_NAME
    target.write_bytes(xlam_bytes(sources))
    return target
