"""Building ``csat_xl.xlam``, the classic Excel add-in with the 满意度 CSAT ribbon tab.

An .xlam is a zip package.  It is built in two steps (driven by
``addin/classic/build_xlam.py``, documented in ``docs/actions.md``):

1. **VBA project — Windows with Excel only** (:func:`build_vba_addin`).
   Excel itself must write ``xl/vbaProject.bin``; no other tool produces
   a VBA project Excel trusts.  Through xlwings (COM) a new workbook gets
   xlwings' own add-in module (``xlwings_custom_addin.bas`` from the
   installed xlwings, with its project name set to ``csat_xl`` so its
   config lives in ``%USERPROFILE%\\.csat_xl\\csat_xl.conf``), the ribbon
   callbacks ``csat_xl_ribbon.bas`` and a ``csat_xl.conf`` sheet naming the
   UDF modules; then it is saved as an add-in (``xlOpenXMLAddIn`` = 55).
   Excel's Trust Center must allow "Trust access to the VBA project object
   model" for the import.
2. **Ribbon — any OS** (:func:`inject_custom_ui`).  The ribbon XML is added
   as the part ``customUI/customUI14.xml`` with a package relationship of
   the Office 2010 UI-extensibility type; the XML part's content type is
   covered by the package's ``Default Extension="xml"`` entry (added when
   missing).  Re-injecting replaces the part; nothing else changes.

The package is rewritten through :func:`csat_xl.io.atomic.atomic_output`,
so a failed injection leaves the previous file intact.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from ..io.atomic import atomic_output

CUSTOM_UI_PART = "customUI/customUI14.xml"
#: Relationship type of a customUI14 part (Office 2010+; the 2006 type is customUI.xml).
CUSTOM_UI_REL_TYPE = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
CUSTOM_UI_REL_ID = "csatCustomUI"
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
PROJECT_NAME = "csat_xl"
#: Excel's SaveAs file format of an .xlam (XlFileFormat.xlOpenXMLAddIn).
XL_OPENXML_ADDIN = 55


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


def inject_custom_ui(package: str | os.PathLike, custom_ui: bytes) -> Path:
    """Put the ribbon XML ``custom_ui`` into the Office package at ``package`` (in place).

    Raises :class:`xml.etree.ElementTree.ParseError` when ``custom_ui`` is
    not well-formed XML — Excel would silently drop a broken ribbon.
    """
    ElementTree.fromstring(custom_ui)
    package = Path(package)
    with zipfile.ZipFile(package) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    with atomic_output(package) as temp:
        with zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as out:
            for info, data in entries:
                if info.filename == CUSTOM_UI_PART:
                    continue
                if info.filename == "_rels/.rels":
                    data = _add_relationship(data)
                elif info.filename == "[Content_Types].xml":
                    data = _ensure_xml_default(data)
                out.writestr(info, data)
            out.writestr(CUSTOM_UI_PART, custom_ui)
    return package


def custom_addin_module(project_name: str = PROJECT_NAME) -> str:
    """xlwings' add-in VBA module (RunPython & co.) with its project name set."""
    import xlwings

    source = Path(xlwings.__file__).parent / "xlwings_custom_addin.bas"
    text = source.read_text(encoding="utf-8")
    return re.sub(r'(Public Const PROJECT_NAME As String = )"[^"]*"', rf'\1"{project_name}"', text)


def build_vba_addin(out: str | os.PathLike, ribbon_module: str | os.PathLike, udf_modules: list[str]) -> Path:
    """Step 1 (Windows + Excel): an .xlam with xlwings' module, the ribbon callbacks and a config sheet."""
    import xlwings as xw

    out = Path(out).resolve()
    app = xw.App(visible=False, add_book=False)
    try:
        book = app.books.add()
        try:
            components = book.api.VBProject.VBComponents
        except Exception as exc:  # COM error: access to the VBA project is not trusted
            raise RuntimeError(
                "Excel refused access to the VBA project: enable File > Options > Trust Center > "
                "Trust Center Settings > Macro Settings > 'Trust access to the VBA project object model'."
            ) from exc
        with tempfile.TemporaryDirectory() as folder:
            module = Path(folder) / "xlwings.bas"
            module.write_text(custom_addin_module(), encoding="ascii", errors="replace")
            components.Import(str(module))
            ribbon_copy = Path(folder) / "csat_xl_ribbon.bas"
            shutil.copyfile(ribbon_module, ribbon_copy)
            components.Import(str(ribbon_copy))
        config = book.sheets[0]
        config.name = f"{PROJECT_NAME}.conf"
        config["A1"].value = [["UDF Modules", ";".join(udf_modules)]]
        book.api.SaveAs(str(out), FileFormat=XL_OPENXML_ADDIN)
        book.close()
    finally:
        app.quit()
    return out
