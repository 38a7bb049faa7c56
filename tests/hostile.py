"""Hostile workbooks, built on the fly (small on disk, never committed).

Every function takes an ordinary .xlsx (usually a sample workbook) and
writes a variant: a sheet's XML rewritten, an error cell planted, a zip
entry swapped for a bomb.  The zip is written by hand (:func:`write_zip`)
so that an entry can *declare* any size — 4 GB of XML costs a few MB of
identical deflate blocks — and so that headers can lie.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from pathlib import Path

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


class Entry:
    """One zip member: raw deflate data plus what its headers declare."""

    def __init__(self, name: str, deflated: bytes, crc: int, size: int, method: int = 8):
        self.name, self.deflated, self.crc, self.size, self.method = name, deflated, crc, size, method

    @classmethod
    def of(cls, name: str, data: bytes) -> "Entry":
        packer = zlib.compressobj(6, zlib.DEFLATED, -15)
        return cls(name, packer.compress(data) + packer.flush(), zlib.crc32(data), len(data))


def repeated_stream(head: bytes, chunk: bytes, times: int, tail: bytes) -> tuple[bytes, int]:
    """Raw deflate of ``head + chunk * times + tail`` without inflating it here.

    A full flush resets the compressor, so every copy of ``chunk`` compresses
    to the same bytes: the stream is built by repetition in O(len(chunk)).
    Returns (deflate bytes, uncompressed size).  The CRC is not computed
    (a bomb's CRC only fails after everything was inflated).
    """
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    again = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    assert block == again, "full flush must make the blocks identical"
    last = packer.compress(tail) + packer.flush()
    return first + block * times + last, len(head) + len(chunk) * times + len(tail)


def read_entries(path: Path) -> list[Entry]:
    with zipfile.ZipFile(path) as archive:
        return [Entry.of(info.filename, archive.read(info.filename)) for info in archive.infolist()]


def write_zip(entries: list[Entry], path: Path, lie: dict[str, int] | None = None) -> Path:
    """Write ``entries`` as a zip (ZIP64 where a size needs it); ``lie`` maps
    names to a declared uncompressed size that differs from the real one."""
    lie = lie or {}
    out = bytearray()
    central = bytearray()
    for e in entries:
        name = e.name.encode()
        size = lie.get(e.name, e.size)
        big = size >= 0xFFFFFFFF or len(e.deflated) >= 0xFFFFFFFF
        extra = struct.pack("<HHQQ", 1, 16, size, len(e.deflated)) if big else b""
        s32 = 0xFFFFFFFF if big else size
        c32 = 0xFFFFFFFF if big else len(e.deflated)
        offset = len(out)
        version = 45 if big else 20
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, version, 0x800, e.method, 0, 0x21, e.crc & 0xFFFFFFFF, c32, s32, len(name), len(extra))
        out += name + extra + e.deflated
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, version, version, 0x800, e.method, 0, 0x21, e.crc & 0xFFFFFFFF,
                               c32, s32, len(name), len(extra), 0, 0, 0, 0, offset)
        central += name + extra
    start = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), start, 0)
    path.write_bytes(bytes(out))
    return path


def sheet_part(path: Path, sheet: str) -> str:
    """The zip member of sheet ``sheet`` (through workbook.xml and its rels)."""
    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet [^>]*name="{re.escape(sheet)}"[^>]*r:id="(\w+)"', workbook).group(1)
    target = re.search(rf'<Relationship [^>]*Id="{rid}"[^>]*Target="([^"]+)"|<Relationship [^>]*Target="([^"]+)"[^>]*Id="{rid}"', rels)
    target = target.group(1) or target.group(2)
    return target.lstrip("/") if target.startswith("/") else "xl/" + target


def rewrite(source: Path, target: Path, changes: dict[str, bytes | None], lie: dict[str, int] | None = None,
            extra: list[Entry] | None = None) -> Path:
    """Copy ``source`` to ``target`` with members replaced (bytes), dropped (None) or added."""
    entries = []
    for e in read_entries(source):
        if e.name in changes:
            if changes[e.name] is not None:
                entries.append(Entry.of(e.name, changes[e.name]))
        else:
            entries.append(e)
    entries += extra or []
    return write_zip(entries, target, lie)


def edit_sheet(source: Path, target: Path, sheet: str, edit) -> Path:
    """Apply ``edit(xml: str) -> str`` to one sheet's XML."""
    part = sheet_part(source, sheet)
    with zipfile.ZipFile(source) as archive:
        xml = archive.read(part).decode("utf-8")
    return rewrite(source, target, {part: edit(xml).encode("utf-8")})


def set_cell_xml(xml: str, ref: str, cell_xml: str) -> str:
    """Replace the cell ``ref`` (which must exist) by ``cell_xml``."""
    pattern = re.compile(rf'<c r="{ref}"(?:[^>]*/>|[^>]*>.*?</c>)', re.S)
    assert pattern.search(xml), f"no cell {ref}"
    return pattern.sub(lambda _: cell_xml, xml, count=1)


def error_cell(ref: str, code: str) -> str:
    return f'<c r="{ref}" t="e"><v>{code}</v></c>'


def text_cell(ref: str, text: str) -> str:
    from xml.sax.saxutils import escape

    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'


def zip_bomb(source: Path, target: Path, sheet: str, gigabytes: float = 4.0, lie: bool = False) -> Path:
    """``sheet`` replaced by a sheet of ``gigabytes`` GB (mostly one text cell's spaces)."""
    part = sheet_part(source, sheet)
    head = f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'.encode()
    tail = b"</t></is></c></row></sheetData></worksheet>"
    chunk = b" " * (1 << 20)
    times = int(gigabytes * (1 << 30)) // len(chunk)
    deflated, size = repeated_stream(head, chunk, times, tail)
    entries = [e for e in read_entries(source) if e.name != part] + [Entry(part, deflated, 0, size)]
    return write_zip(entries, target, {part: 4096} if lie else None)


def shared_string_bomb(source: Path, target: Path, gigabytes: float = 1.0) -> Path:
    """A sharedStrings.xml of ``gigabytes`` GB (one huge string) added to the workbook."""
    head = f'<sst xmlns="{MAIN_NS}" count="1" uniqueCount="1"><si><t>'.encode()
    tail = b"</t></si></sst>"
    chunk = b"x" * (1 << 20)
    deflated, size = repeated_stream(head, chunk, int(gigabytes * (1 << 30)) // len(chunk), tail)
    entries = [e for e in read_entries(source) if e.name != "xl/sharedStrings.xml"]
    entries.append(Entry("xl/sharedStrings.xml", deflated, 0, size))
    for e in entries:  # register the part so that both engines load it
        if e.name == "xl/_rels/workbook.xml.rels":
            xml = zlib.decompress(e.deflated, -15).decode()
            if "sharedStrings" not in xml:
                xml = xml.replace("</Relationships>", '<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
            entries[entries.index(e)] = Entry.of(e.name, xml.encode())
        if e.name == "[Content_Types].xml":
            xml = zlib.decompress(e.deflated, -15).decode()
            if "sharedStrings" not in xml:
                xml = xml.replace("</Types>", '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            entries[entries.index(e)] = Entry.of(e.name, xml.encode())
    return write_zip(entries, target)


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + "]>\n"
)


def billion_laughs(source: Path, target: Path, sheet: str) -> Path:
    """``sheet`` with a DTD whose entity expands to 10⁹ "lol"s in a cell."""
    def edit(xml: str) -> str:
        xml = re.sub(r"^<\?xml[^>]*\?>\s*", "", xml)
        return BILLION_LAUGHS + xml.replace("<sheetData>", '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>', 1)

    return edit_sheet(source, target, sheet, edit)
