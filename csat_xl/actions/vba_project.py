"""Writing a VBA project (``xl/vbaProject.bin``) without Office, from module sources.

Excel keeps the macros of a workbook or add-in in one binary part, a
*compound file* (MS-CFB) holding the storages and streams MS-OVBA defines:

``PROJECT``
    the project's text properties (ID, module list, name, protection); the
    protection fields ``CMG``/``DPB``/``GC`` are obfuscated with MS-OVBA's
    Data Encryption (:func:`encrypt`, §2.4.3.2).
``PROJECTwm``
    module names in the code page and in UTF-16.
``VBA/dir``
    the binary project information, references and module records,
    compressed (:func:`compress`, §2.4.1).
``VBA/_VBA_PROJECT``
    seven bytes with version ``0xFFFF`` and **no performance cache**: the
    spec's "MUST NOT be present on write" — Excel compiles the modules from
    their source the first time it opens the project.
``VBA/<module>``
    each module's source, compressed, at offset 0 (no compiled p-code).

Everything here is the standard library and the two Microsoft specs
([MS-OVBA] Office VBA File Format Structure, [MS-CFB] Compound File Binary
File Format); nothing is copied from Office.  The output is deterministic
(fixed project ID and seed unless given), so a rebuild from unchanged
sources gives the same bytes.  ``oletools``' olevba, an independent parser,
reads it back in the tests (``tests/test_xlam.py``).

This module imports nothing but the standard library: the wheel's build step
(``setup.py``) runs it without the package's dependencies.
"""

from __future__ import annotations

import hashlib
import struct
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# --- MS-OVBA §2.4.1: compression ------------------------------------------------------
_CHUNK = 4096


def _copy_token_bits(difference: int) -> int:
    """Bits of the offset part of a CopyToken at ``difference`` bytes into the chunk (§2.4.1.3.19.1)."""
    return max((difference - 1).bit_length(), 4)


def _compress_chunk(chunk: bytes) -> bytes:
    out = bytearray()
    end = len(chunk)
    current = 0
    heads: dict[bytes, list[int]] = {}  # 3-byte prefix -> earlier positions in this chunk

    def remember(position: int) -> None:
        if position + 3 <= end:
            heads.setdefault(chunk[position:position + 3], []).append(position)

    while current < end:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if current >= end:
                break
            bits = _copy_token_bits(current)
            maximum = (0xFFFF >> bits) + 3
            best_length, best_offset = 0, 0
            for candidate in reversed(heads.get(chunk[current:current + 3], ())):
                length = 0
                limit = min(maximum, end - current)
                while length < limit and chunk[candidate + length] == chunk[current + length]:
                    length += 1
                if length > best_length:
                    best_length, best_offset = length, current - candidate
                    if length == limit:
                        break
            if best_length >= 3:
                token = ((best_offset - 1) << (16 - bits)) | (best_length - 3)
                out += struct.pack("<H", token)
                flags |= 1 << bit
                for position in range(current, current + best_length):
                    remember(position)
                current += best_length
            else:
                out.append(chunk[current])
                remember(current)
                current += 1
        out[flag_at] = flags
    return bytes(out)


def compress(data: bytes) -> bytes:
    """``data`` as an MS-OVBA CompressedContainer (§2.4.1.1.1)."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), _CHUNK):
        chunk = data[start:start + _CHUNK]
        body = _compress_chunk(chunk)
        if len(body) < _CHUNK or len(chunk) < _CHUNK:
            out += struct.pack("<H", 0xB000 | (len(body) + 2 - 3)) + body  # flag 1, signature 0b011
        else:  # incompressible full chunk: stored raw
            out += struct.pack("<H", 0x3000 | (_CHUNK + 2 - 3)) + chunk
    return bytes(out)


# --- MS-OVBA §2.4.3: Data Encryption (the protection fields of PROJECT) -----------
def encrypt(project_id: str, data: bytes, seed: int) -> str:
    """``data`` obfuscated as §2.4.3.2 describes, as the hex text PROJECT stores.

    ``project_id`` is the ``ID="{…}"`` value with its braces; ``seed`` one byte.
    """
    version = 2
    project_key = sum(project_id.encode("ascii")) & 0xFF
    out = bytearray([seed, seed ^ version, seed ^ project_key])
    unencrypted1, encrypted1, encrypted2 = project_key, out[2], out[1]

    def put(byte: int) -> None:
        nonlocal unencrypted1, encrypted1, encrypted2
        encrypted = byte ^ ((encrypted2 + unencrypted1) & 0xFF)
        out.append(encrypted)
        encrypted2, encrypted1, unencrypted1 = encrypted1, encrypted, byte

    for _ in range((seed & 6) // 2):  # IgnoredEnc: arbitrary bytes, zeros here
        put(0)
    for byte in struct.pack("<I", len(data)) + data:
        put(byte)
    return out.hex().upper()


# --- MS-CFB: the compound file ------------------------------------------------------------
_SECTOR = 512
_MINI = 64
_MINI_CUTOFF = 4096
_FREE, _END, _FAT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


@dataclass
class _Entry:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    data: bytes = b""
    children: list[int] | None = None
    left: int = _NOSTREAM
    right: int = _NOSTREAM
    child: int = _NOSTREAM
    start: int = _END


def _cfb_key(name: str) -> tuple[int, str]:
    """MS-CFB's order of siblings: shorter names first, then by upper-cased name."""
    return len(name), name.upper()


def _pad(data: bytes, size: int) -> bytes:
    return data + b"\0" * (-len(data) % size)


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A compound file (version 3, 512-byte sectors) holding ``streams`` (``"VBA/dir"`` …).

    Storages are created from the paths; siblings form a balanced binary
    search tree in MS-CFB's order, all black.  Streams under 4096 bytes live
    in the mini stream, as readers expect.
    """
    entries = [_Entry("Root Entry", 5, children=[])]
    storages = {"": 0}
    for path in sorted(streams):
        parts = path.split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if folder not in storages:
                storages[folder] = len(entries)
                entries[storages["/".join(parts[:depth - 1])]].children.append(len(entries))
                entries.append(_Entry(parts[depth - 1], 1, children=[]))
        entries[storages["/".join(parts[:-1])]].children.append(len(entries))
        entries.append(_Entry(parts[-1], 2, data=streams[path]))
    for entry in entries:
        if entry.children:
            ordered = sorted(entry.children, key=lambda i: _cfb_key(entries[i].name))

            def tree(ids: list[int]) -> int:
                if not ids:
                    return _NOSTREAM
                middle = len(ids) // 2
                node = entries[ids[middle]]
                node.left, node.right = tree(ids[:middle]), tree(ids[middle + 1:])
                return ids[middle]

            entry.child = tree(ordered)

    # mini stream: the small streams, 64-byte mini sectors
    mini, mini_fat = bytearray(), []
    for entry in entries:
        if entry.kind == 2 and len(entry.data) < _MINI_CUTOFF:
            if entry.data:
                entry.start = len(mini) // _MINI
                count = -(-len(entry.data) // _MINI)
                mini_fat += [entry.start + i + 1 for i in range(count - 1)] + [_END]
                mini += _pad(entry.data, _MINI)
            else:
                entry.start = _END
    # regular sectors: big streams, the mini stream, the mini FAT, the directory, then the FAT
    sectors, fat = bytearray(), []

    def place(data: bytes, mark: int | None = None) -> int:
        first = len(sectors) // _SECTOR
        count = -(-len(data) // _SECTOR)
        if count == 0:
            return _END
        fat.extend([mark] * count if mark is not None else [first + i + 1 for i in range(count - 1)] + [_END])
        sectors.extend(_pad(data, _SECTOR))
        return first

    for entry in entries:
        if entry.kind == 2 and len(entry.data) >= _MINI_CUTOFF:
            entry.start = place(entry.data)
    entries[0].start = place(bytes(mini))
    entries[0].data = bytes(mini)
    mini_fat_start = place(b"".join(struct.pack("<I", n) for n in mini_fat))
    mini_fat_sectors = -(-len(mini_fat) * 4 // _SECTOR)
    directory = bytearray()
    for entry in entries:
        name = entry.name.encode("utf-16-le")
        if len(name) > 62:
            raise ValueError(f"compound-file names have at most 31 characters: {entry.name!r}")
        directory += _pad(name + b"\0\0", 64)[:64]
        directory += struct.pack("<HBB3I", len(name) + 2, entry.kind, 1, entry.left, entry.right, entry.child)
        directory += b"\0" * 16 + struct.pack("<I", 0) + b"\0" * 16
        size = len(entry.data) if entry.kind in (2, 5) else 0
        directory += struct.pack("<IQ", entry.start if entry.kind in (2, 5) else 0, size)
    while len(directory) % _SECTOR:
        directory += b"\0" * 64 + struct.pack("<HBB3I", 0, 0, 0, _NOSTREAM, _NOSTREAM, _NOSTREAM) + b"\0" * 48
    directory_start = place(bytes(directory))
    # the FAT describes itself: grow it until its own sectors fit
    fat_sectors = 1
    while len(fat) + fat_sectors > fat_sectors * (_SECTOR // 4):
        fat_sectors += 1
    if fat_sectors > 109:
        raise ValueError("VBA project too large for a header-only DIFAT")
    fat_start = len(fat)
    fat.extend([_FAT] * fat_sectors)
    fat.extend([_FREE] * (fat_sectors * (_SECTOR // 4) - len(fat)))
    sectors.extend(b"".join(struct.pack("<I", n) for n in fat))
    difat = [fat_start + i for i in range(fat_sectors)] + [_FREE] * (109 - fat_sectors)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        bytes.fromhex("D0CF11E0A1B11AE1"), b"\0" * 16, 0x003E, 0x0003, 0xFFFE, 9, 6, b"\0" * 6,
        0, fat_sectors, directory_start, 0, _MINI_CUTOFF,
        mini_fat_start if mini_fat else _END, mini_fat_sectors, _END, 0,
    ) + b"".join(struct.pack("<I", n) for n in difat)
    assert len(header) == _SECTOR
    return header + bytes(sectors)


# --- MS-OVBA §2.3: the VBA project ----------------------------------------------------------
#: Document modules of an Excel workbook: the workbook and its sheets (VB_Base = the Excel class).
WORKBOOK_CLASS = "0{00020819-0000-0000-C000-000000000046}"
WORKSHEET_CLASS = "0{00020820-0000-0000-C000-000000000046}"


@dataclass(frozen=True)
class Module:
    """One VBA module: ``name`` and its ``source`` text (CRLF lines, ``Attribute`` lines included).

    ``document`` modules belong to the workbook or a sheet (``ThisWorkbook``,
    ``Sheet1``); the others are standard modules (``.bas``).
    """

    name: str
    source: str
    document: bool = False

    @classmethod
    def from_bas(cls, text: str) -> Module:
        """A standard module from an exported ``.bas`` file (its first line names it)."""
        first = text.lstrip("\ufeff").splitlines()[0]
        key, _, value = first.partition("=")
        if key.strip() != "Attribute VB_Name":
            raise ValueError(f"not an exported VBA module (first line {first!r})")
        return cls(value.strip().strip('"'), text.lstrip("\ufeff"))

    @classmethod
    def document_module(cls, name: str, base: str) -> Module:
        attributes = [
            f'Attribute VB_Name = "{name}"', f'Attribute VB_Base = "{base}"', "Attribute VB_GlobalNameSpace = False",
            "Attribute VB_Creatable = False", "Attribute VB_PredeclaredId = True", "Attribute VB_Exposed = True",
            "Attribute VB_TemplateDerived = False", "Attribute VB_Customizable = True",
        ]
        return cls(name, "\r\n".join(attributes) + "\r\n", document=True)


@dataclass(frozen=True)
class Reference:
    """A registered type library the project references (§2.3.4.2.2.5)."""

    name: str
    libid: str


#: What every Excel project references besides the VBA and Excel libraries
#: (which are the host's own).  Office is needed for ``IRibbonControl``; the
#: oldest version with customUI14 (Office 2010, library 2.5) — newer Office
#: versions upgrade their own library reference when they open the project.
STANDARD_REFERENCES = (
    Reference("stdole", r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\Windows\System32\stdole2.tlb#OLE Automation"),
    Reference("Office", r"*\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.5#0#C:\Program Files\Common Files\Microsoft Shared\OFFICE14\MSO.DLL#Microsoft Office 14.0 Object Library"),
)


def _record(record_id: int, data: bytes) -> bytes:
    return struct.pack("<HI", record_id, len(data)) + data


def _crlf(text: str) -> str:
    return "\r\n".join(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def dir_stream(project_name: str, modules: Sequence[Module], references: Iterable[Reference], code_page: int) -> bytes:
    """The uncompressed ``VBA/dir`` stream (§2.3.4.2)."""
    encoding = f"cp{code_page}"

    def text(value: str) -> bytes:
        return value.encode(encoding)

    def unicode(value: str) -> bytes:
        return value.encode("utf-16-le")

    out = bytearray()
    out += _record(0x0001, struct.pack("<I", 1))  # PROJECTSYSKIND: 32-bit Windows (recompiled as needed)
    out += _record(0x0002, struct.pack("<I", 0x0409))  # PROJECTLCID
    out += _record(0x0014, struct.pack("<I", 0x0409))  # PROJECTLCIDINVOKE
    out += _record(0x0003, struct.pack("<H", code_page))  # PROJECTCODEPAGE
    out += _record(0x0004, text(project_name))  # PROJECTNAME
    out += _record(0x0005, b"") + _record(0x0040, b"")  # PROJECTDOCSTRING + Unicode
    out += _record(0x0006, b"") + _record(0x003D, b"")  # PROJECTHELPFILEPATH 1 and 2
    out += _record(0x0007, struct.pack("<I", 0))  # PROJECTHELPCONTEXT
    out += _record(0x0008, struct.pack("<I", 0))  # PROJECTLIBFLAGS
    out += struct.pack("<HIIH", 0x0009, 4, 1, 0)  # PROJECTVERSION (Reserved = 4, major, minor)
    out += _record(0x000C, b"") + _record(0x003C, b"")  # PROJECTCONSTANTS + Unicode
    for reference in references:
        out += _record(0x0016, text(reference.name)) + _record(0x003E, unicode(reference.name))  # REFERENCENAME
        libid = text(reference.libid)
        out += _record(0x000D, struct.pack("<I", len(libid)) + libid + struct.pack("<IH", 0, 0))  # REFERENCEREGISTERED
    out += _record(0x000F, struct.pack("<H", len(modules)))  # PROJECTMODULES
    out += _record(0x0013, struct.pack("<H", 0xFFFF))  # PROJECTCOOKIE
    for module in modules:
        out += _record(0x0019, text(module.name))  # MODULENAME
        out += _record(0x0047, unicode(module.name))  # MODULENAMEUNICODE
        out += _record(0x001A, text(module.name)) + _record(0x0032, unicode(module.name))  # MODULESTREAMNAME
        out += _record(0x001C, b"") + _record(0x0048, b"")  # MODULEDOCSTRING
        out += _record(0x0031, struct.pack("<I", 0))  # MODULEOFFSET: source at 0, no p-code
        out += _record(0x001E, struct.pack("<I", 0))  # MODULEHELPCONTEXT
        out += _record(0x002C, struct.pack("<H", 0xFFFF))  # MODULECOOKIE
        out += _record(0x0022 if module.document else 0x0021, b"")  # MODULETYPE
        out += _record(0x002B, b"")  # module terminator
    out += _record(0x0010, b"")  # dir terminator
    return bytes(out)


def project_stream(project_id: str, project_name: str, modules: Sequence[Module], seed: int) -> str:
    """The text of the ``PROJECT`` stream (§2.3.1): an unprotected, visible project."""
    lines = [f'ID="{project_id}"']
    lines += [f"Document={m.name}/&H00000000" if m.document else f"Module={m.name}" for m in modules]
    lines += [
        f'Name="{project_name}"', 'HelpContextID="0"', 'VersionCompatible32="393222000"',
        f'CMG="{encrypt(project_id, bytes(4), seed)}"',  # protection state: none
        f'DPB="{encrypt(project_id, bytes(1), (seed + 1) & 0xFF)}"',  # no password
        f'GC="{encrypt(project_id, bytes([0xFF]), (seed + 2) & 0xFF)}"',  # visible
        "",
        "[Host Extender Info]",
        "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
        "",
        "[Workspace]",
        *(f"{m.name}=0, 0, 0, 0, C" for m in modules),
    ]
    return "\r\n".join(lines) + "\r\n"


def vba_project(project_name: str, modules: Sequence[Module], *, code_page: int = 1252,
                references: Iterable[Reference] = STANDARD_REFERENCES, project_id: str | None = None) -> bytes:
    """The bytes of ``vbaProject.bin`` for ``modules``.

    ``code_page`` encodes module names and sources (keep them ASCII to be
    read alike on every Windows code page).  Without ``project_id`` one is
    derived from the project name and sources, so equal input gives equal
    output.
    """
    names = [m.name for m in modules]
    if len(set(n.upper() for n in names)) != len(names):
        raise ValueError(f"duplicate module names: {names}")
    digest = hashlib.sha256("\0".join([project_name, *(m.source for m in modules)]).encode("utf-8")).digest()
    project_id = project_id or "{" + str(uuid.UUID(bytes=digest[:16])).upper() + "}"
    seed = digest[16]
    encoding = f"cp{code_page}"
    streams = {
        "PROJECT": project_stream(project_id, project_name, modules, seed).encode(encoding),
        "PROJECTwm": b"".join(n.encode(encoding) + b"\0" + n.encode("utf-16-le") + b"\0\0" for n in names) + b"\0\0",
        "VBA/_VBA_PROJECT": bytes([0xCC, 0x61, 0xFF, 0xFF, 0x00, 0x00, 0x00]),
        "VBA/dir": compress(dir_stream(project_name, modules, references, code_page)),
    }
    for module in modules:
        streams[f"VBA/{module.name}"] = compress(_crlf(module.source).encode(encoding))
    return compound_file(streams)
