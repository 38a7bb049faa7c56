"""The .xlsx container checked before any engine reads it: bounded, no DTDs.

python-calamine and openpyxl both trust what a file says about itself: a
zip entry that inflates to gigabytes, a cell at ``XFD1048576`` (calamine
allocates the dense grid up to it: 512 GiB), an XML entity bomb.  Before
either engine opens a workbook, :class:`Archive` checks it against
:data:`LIMITS` (WORKBOOK.md, "Limits") — from the zip directory first, so a
bomb is refused before a byte of it is inflated — and :meth:`Archive.check_sheet`
checks each worksheet's XML before the engine parses it:

- every XML part the engines read declares at most 512 MiB uncompressed
  (both zip readers stop at the declared size, so the declaration binds);
- no part holds a DTD (``<!DOCTYPE``/``<!ENTITY``): the format never needs one;
- the cells of a sheet lie within 1,048,576 rows × 16,384 columns and the
  dense grid from A1 to the last cell holds at most 50 million cells;
- no text run is longer than 32,767 characters (Excel's own cell limit);
- every part is well-formed XML (sheets: around their cell data), and no
  shared-string cell holds an index that is no number — damage one engine
  would read and the other refuse (csat_xl/io/cells.py has the cell rules).

The same pass collects the cells holding a cached error (``t="e"``) in time
linear in the sheet: python-calamine reads ``#N/A`` as an empty cell and
refuses the newer codes (``#SPILL!`` …) altogether.

Files that are not an .xlsx at all (CSV, ODS, legacy or encrypted Office
files, truncated downloads) are recognised by :func:`sniff` and refused with
a reason and a hint (:class:`WorkbookReadError`).
"""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree
from xml.parsers import expat

from ..findings import CsatError
from ..text import column_letter
from .cells import TYPE_NAMES, DamagedCell, first_damaged_cell


@dataclass(frozen=True)
class Limits:
    """What a workbook may hold (WORKBOOK.md "Limits"); larger is invalid input."""

    part_bytes: int = 512 << 20  #: one XML part, inflated
    total_bytes: int = 2 << 30  #: all XML parts the engines read, inflated
    rows: int = 1_048_576
    columns: int = 16_384
    cells: int = 50_000_000  #: the dense grid A1 … last cell of one sheet
    cell_chars: int = 32_767
    members: int = 20_000  #: zip entries


LIMITS = Limits()

# --- messages ------------------------------------------------------------------------
#: reason and hint of each way a file can be unreadable, in both languages.
READ_ERRORS: dict[str, dict[str, str]] = {
    "missing": {"en": "no such file — check the path and the file name", "zh": "文件不存在——请检查路径和文件名"},
    "is_folder": {"en": "this is a folder, not a workbook", "zh": "这是文件夹，不是工作簿"},
    "empty": {"en": "the file is empty — copy or download it again", "zh": "文件为空——请重新复制或下载"},
    "csv": {"en": "a CSV text file, not a workbook — .csv: open it in Excel and save as .xlsx",
            "zh": "这是 CSV 文本文件，不是工作簿——.csv：请用 Excel 打开后另存为 .xlsx"},
    "ods": {"en": "an OpenDocument spreadsheet (.ods) — save it as .xlsx (LibreOffice/WPS: Save As, Excel 2007-365)",
            "zh": "这是 OpenDocument 表格（.ods）——请另存为 .xlsx（LibreOffice/WPS：另存为 Excel 2007-365）"},
    "xls": {"en": "an old-format Excel file (.xls) — open it in Excel or WPS and save as .xlsx",
            "zh": "这是旧格式 Excel 文件（.xls）——请用 Excel 或 WPS 打开后另存为 .xlsx"},
    "xlsb": {"en": "a binary Excel workbook (.xlsb) — save it as .xlsx", "zh": "这是二进制 Excel 工作簿（.xlsb）——请另存为 .xlsx"},
    "encrypted": {"en": "the workbook is password-protected — remove the password (File > Info > Protect Workbook) and save",
                  "zh": "工作簿受密码保护——请取消密码（文件 > 信息 > 保护工作簿）后保存"},
    "truncated": {"en": "the file is incomplete or damaged (not a complete zip archive) — copy or download it again",
                  "zh": "文件不完整或已损坏（不是完整的 zip 压缩包）——请重新复制或下载"},
    "not_workbook": {"en": "not an Excel workbook (.xlsx) — open it in Excel and save as .xlsx",
                     "zh": "不是 Excel 工作簿（.xlsx）——请用 Excel 打开后另存为 .xlsx"},
    "damaged": {"en": "the workbook is damaged ({detail}) — open it in Excel (it offers a repair) and save it again",
                "zh": "工作簿已损坏（{detail}）——请用 Excel 打开（可自动修复）后重新保存"},
    "damaged_cell": {"en": "the workbook is damaged: {sheet}!{cell} is a {type} cell holding \"{value}\" — open it in Excel (it offers a repair) and save it again",
                     "zh": "工作簿已损坏：{sheet}!{cell} 是{type}单元格，却存有“{value}”——请用 Excel 打开（可自动修复）后重新保存"},
    "malformed": {"en": "the workbook is damaged ({part} is not well-formed XML: {detail}) — open it in Excel (it offers a repair) and save it again",
                  "zh": "工作簿已损坏（{part} 不是格式正确的 XML：{detail}）——请用 Excel 打开（可自动修复）后重新保存"},
    "part_too_large": {"en": "{part} would inflate to {size} (limit {limit}): a zip bomb or far too much data — split the workbook",
                       "zh": "{part} 解压后达 {size}（上限 {limit}）：压缩炸弹或数据过多——请拆分工作簿"},
    "dtd": {"en": "{part} contains an XML DTD/entity declaration, which workbooks never need (refused for safety) — open it in Excel and save it again",
            "zh": "{part} 含有 XML DTD/实体声明，正常工作簿不会有（出于安全拒绝读取）——请用 Excel 打开后重新保存"},
    "range_too_large": {"en": "sheet {sheet}: cell {cell} is beyond the limits ({limit}) — delete the unused rows and columns (Ctrl+End shows the last cell) and save",
                        "zh": "工作表 {sheet}：单元格 {cell} 超出限制（{limit}）——请删除多余的行和列（Ctrl+End 可定位最后一个单元格）后保存"},
    "cell_too_long": {"en": "{where}: a text of {chars:,} characters (Excel allows 32,767 per cell)",
                      "zh": "{where}：文本长达 {chars:,} 个字符（Excel 每个单元格最多 32,767 个）"},
    "too_many_members": {"en": "the file holds {n:,} zip entries (limit {limit:,}): not a survey workbook",
                         "zh": "文件含 {n:,} 个 zip 条目（上限 {limit:,}）：不是调查工作簿"},
    "too_large": {"en": "the workbook needs more memory than is available ({detail}) — split it",
                  "zh": "工作簿所需内存超出可用内存（{detail}）——请拆分"},
}

#: how :class:`WorkbookReadError` starts, by language
_CANNOT_READ = {"en": "{name}: cannot read the workbook: {reason}", "zh": "{name}：无法读取工作簿：{reason}"}


class WorkbookReadError(CsatError):
    """The file is not a readable workbook (or not there): invalid input, exit 2.

    ``code`` is a key of :data:`READ_ERRORS`; :meth:`render` gives the one-line
    message with its hint in Chinese or English; ``str()`` is English.
    """

    def __init__(self, path: str | os.PathLike, code: str, **params: object):
        self.path = Path(path)
        self.code = code
        self.params = params
        super().__init__(self.render("en"))

    def render(self, lang: str = "en") -> str:
        key = "zh" if lang == "zh" else "en"
        params = self.params
        if "kind" in params:  # a damaged cell's type, in the language
            params = {**params, "type": TYPE_NAMES.get(params["kind"], {}).get(key, f't="{params["kind"]}"')}
        reason = READ_ERRORS[self.code][key].format(**params)
        return _CANNOT_READ[key].format(name=self.path, reason=reason)

    #: CLI.md: invalid input, a missing file or a folder given as a workbook included (click also exits 2 for bad arguments)
    exit_code = 2

    def __reduce__(self):  # picklable across the process pool of consolidate
        return (_read_error, (str(self.path), self.code, self.params))


def damaged_cell_error(path: str | os.PathLike, sheet: str, damaged: DamagedCell) -> WorkbookReadError:
    """The refusal of a workbook for a cell its type does not allow (the same from both engines)."""
    return WorkbookReadError(path, "damaged_cell", sheet=sheet, cell=damaged.ref or "?", kind=damaged.kind, value=damaged.value[:40])


def _read_error(path: str, code: str, params: dict) -> WorkbookReadError:
    return WorkbookReadError(path, code, **params)


def _size(n: int) -> str:
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if n >= 1 << shift:
            return f"{n / (1 << shift):.1f} {unit}"
    return f"{n} B"


# --- what kind of file is it -----------------------------------------------------------
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")


def sniff(path: Path) -> None:
    """Refuse, with a reason and a hint, a file that is not a zip-based workbook."""
    if not path.exists():
        raise WorkbookReadError(path, "missing")
    if path.is_dir():
        raise WorkbookReadError(path, "is_folder")
    with open(path, "rb") as handle:
        head = handle.read(8)
        if not head:
            raise WorkbookReadError(path, "empty")
        if head.startswith(_OLE2):
            # An encrypted .xlsx is an OLE2 compound file with an EncryptionInfo stream.
            while block := handle.read(1 << 20):
                if _ENCRYPTION_INFO in block:
                    raise WorkbookReadError(path, "encrypted")
                handle.seek(-len(_ENCRYPTION_INFO), os.SEEK_CUR) if len(block) == 1 << 20 else None
            raise WorkbookReadError(path, "xls")
    suffix = path.suffix.lower()
    if head.startswith(b"PK"):
        return
    if suffix in (".csv", ".txt", ".tsv") or _looks_like_text(path):
        raise WorkbookReadError(path, "csv")
    if suffix == ".ods":
        raise WorkbookReadError(path, "ods")
    raise WorkbookReadError(path, "not_workbook")


def _looks_like_text(path: Path) -> bool:
    with open(path, "rb") as handle:
        sample = handle.read(4096)
    if b"\x00" in sample:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            text = sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        return any(sep in text for sep in (",", ";", "\t", "，"))
    return False


@dataclass(frozen=True)
class SheetScan:
    """What one pass over a sheet's XML found beyond what the engines report.

    ``errors``: cells holding a cached error as (row, col, text), 0-based
    (python-calamine reads ``#N/A`` as blank).  ``uncached_formulas``: formula
    cells without a saved value (a file written by a program and never opened
    in a spreadsheet; both engines read them as blank), ``first_uncached`` the
    first of them as 0-based (row, col).
    """

    errors: list[tuple[int, int, str]] = field(default_factory=list)
    uncached_formulas: int = 0
    first_uncached: tuple[int, int] | None = None


# --- the archive ------------------------------------------------------------------
_BLOCK = 16 << 20
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
#: parts the engines never read (pivot caches can be large; media are not XML)
_NOT_READ = ("xl/pivotCache/", "xl/media/", "xl/embeddings/", "customXml/", "xl/printerSettings/")
_DTD_MARKS = (b"<!DOCTYPE", b"<!ENTITY", "<!DOCTYPE".encode("utf-16-le"), "<!DOCTYPE".encode("utf-16-be"),
              "<!ENTITY".encode("utf-16-le"), "<!ENTITY".encode("utf-16-be"))


class Archive:
    """An .xlsx file whose zip directory and small parts passed the checks.

    ``sheets`` maps sheet names to their zip members; :meth:`check_sheet`
    checks one sheet and returns its cached error cells.
    """

    def __init__(self, path: str | os.PathLike, limits: Limits = LIMITS):
        self.path = Path(path)
        self.limits = limits
        self.shared_strings: str | None = None  #: the shared-strings part, if any
        sniff(self.path)
        try:
            self.zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
            raise WorkbookReadError(self.path, "truncated") from exc
        try:
            self._check_directory()
            self.sheets = self._sheet_parts()
            for info in self.zip.infolist():
                if self._read_by_engines(info) and info.filename not in self.sheets.values():
                    data = self._read(info.filename)
                    self._check_dtd(info.filename, data)
                    self._check_well_formed(info.filename, data)
                    if info.filename.lower().endswith("sharedstrings.xml"):
                        self._check_text_runs(data, None)
                        self.shared_strings = info.filename
        except BaseException:
            self.zip.close()
            raise

    def close(self) -> None:
        self.zip.close()

    def _read_by_engines(self, info: zipfile.ZipInfo) -> bool:
        name = info.filename
        return name.endswith((".xml", ".rels")) and not name.startswith(_NOT_READ)

    def _check_directory(self) -> None:
        infos = self.zip.infolist()
        names = {i.filename for i in infos}
        if len(infos) > self.limits.members:
            raise WorkbookReadError(self.path, "too_many_members", n=len(infos), limit=self.limits.members)
        if "xl/workbook.xml" not in names:
            if "mimetype" in names and b"opendocument" in self.zip.read("mimetype")[:100]:
                raise WorkbookReadError(self.path, "ods")
            if "xl/workbook.bin" in names:
                raise WorkbookReadError(self.path, "xlsb")
            raise WorkbookReadError(self.path, "not_workbook")
        for required in _REQUIRED_PARTS:  # openpyxl needs the one, python-calamine the other: refused alike
            if required not in names:
                raise WorkbookReadError(self.path, "damaged", detail=f"{required} is missing")
        total = 0
        for info in infos:
            if not self._read_by_engines(info):
                continue
            if info.flag_bits & 0x1:
                raise WorkbookReadError(self.path, "encrypted")
            if info.file_size > self.limits.part_bytes:
                raise WorkbookReadError(self.path, "part_too_large", part=info.filename, size=_size(info.file_size),
                                        limit=_size(self.limits.part_bytes))
            total += info.file_size
        if total > self.limits.total_bytes:
            raise WorkbookReadError(self.path, "part_too_large", part="xl/", size=_size(total), limit=_size(self.limits.total_bytes))

    def _read(self, member: str) -> bytes:
        """A member's bytes; the zip reader stops at the declared (checked) size and checks the CRC."""
        try:
            info = self.zip.getinfo(member)
            # Read in bounded blocks: zipfile inflates up to the size asked for
            # per call (read() alone would inflate a lying member by gigabytes
            # before its CRC fails); the CRC is checked at the declared end.
            blocks, left = [], info.file_size
            with self.zip.open(info) as handle:
                while left > 0:
                    block = handle.read(min(left, _BLOCK))
                    if not block:
                        raise EOFError("shorter than declared")
                    blocks.append(block)
                    left -= len(block)
            return b"".join(blocks)
        except KeyError as exc:
            raise WorkbookReadError(self.path, "damaged", detail=f"{member} is missing") from exc
        except (zipfile.BadZipFile, NotImplementedError, EOFError, OSError, ValueError, RuntimeError) as exc:
            raise WorkbookReadError(self.path, "damaged", detail=f"{member}: {exc}") from exc
        except Exception as exc:  # zlib.error and the like from a corrupt deflate stream
            raise WorkbookReadError(self.path, "damaged", detail=f"{member}: {exc}") from exc

    def _check_dtd(self, member: str, data: bytes) -> None:
        # one fast search for "<!" (comments and CDATA have it too), then the exact marks;
        # a UTF-16 part has no "<!" byte pair, so it is searched for its own marks.
        # ("!" first: a one-byte search runs at memchr speed, and sheets rarely hold one)
        utf16 = data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[1:2] == b"\x00" or data[:1] == b"\x00"
        if (utf16 or (b"!" in data and b"<!" in data)) and any(mark in data for mark in _DTD_MARKS):
            raise WorkbookReadError(self.path, "dtd", part=member)

    def _check_well_formed(self, member: str, data: bytes) -> None:
        """Refuse a part that is not well-formed XML (after the DTD check: expat expands no entity then).

        openpyxl's XML parsers refuse such a part; python-calamine's tolerant one
        reads some (an unclosed tag) — refused here, both engines end alike.
        """
        problem = _malformed(data)
        if problem:
            raise WorkbookReadError(self.path, "malformed", part=member, detail=problem)

    def _check_sheet_frame(self, name: str, data: bytes) -> None:
        """Well-formedness of a sheet's XML around its cells (``<sheetData>``), at the cost of that frame only.

        The frame (views, columns, merged cells …) is where a tag is left open
        without python-calamine noticing; inside the cell data python-calamine
        refuses an unclosed ``<v>`` or ``<c>`` itself.
        """
        start = _SHEET_DATA_OPEN.search(data)
        end = data.rfind(b"sheetData>")
        close = data.rfind(b"</", 0, end) if start and end > start.end() else -1
        if close >= 0 and _PREFIX.fullmatch(data, close + 2, end):
            frame = data[:start.start()] + data[end + len(b"sheetData>"):]
        else:  # no cell data (<sheetData/>), or <sheetData> never closed: the whole check says where
            frame = data
        problem = _malformed(frame)
        if problem:
            raise WorkbookReadError(self.path, "malformed", part=self.sheets[name], detail=problem)

    def damaged_cell(self, name: str) -> DamagedCell | None:
        """The first cell of sheet ``name`` whose value its type does not allow (python-calamine's error path)."""
        member = self.sheets.get(name)
        if member is None or member not in self.zip.NameToInfo:
            return None
        return self._first_damaged_cell(self._read(member))

    def _first_damaged_cell(self, data: bytes) -> DamagedCell | None:
        strings = self._read(self.shared_strings) if self.shared_strings else b""
        return first_damaged_cell(data, strings.count(b"<si>") + strings.count(b"<si ") + strings.count(b"<si/>"))

    def _sheet_parts(self) -> dict[str, str]:
        try:
            workbook_xml = self._read("xl/workbook.xml")
            self._check_dtd("xl/workbook.xml", workbook_xml)
            workbook = ElementTree.fromstring(workbook_xml)
            rels_xml = self._read("xl/_rels/workbook.xml.rels")
            self._check_dtd("xl/_rels/workbook.xml.rels", rels_xml)
            rels = ElementTree.fromstring(rels_xml)
        except ElementTree.ParseError as exc:
            raise WorkbookReadError(self.path, "damaged", detail=f"xl/workbook.xml: {exc}") from exc
        targets = {r.get("Id"): r.get("Target") or "" for r in rels}
        parts = {}
        seen: set[str] = set()
        for sheet in workbook.iter():
            if sheet.tag.endswith("}sheet"):
                name = sheet.get("name") or ""
                if name.casefold() in seen:  # Excel forbids it; the engines would each pick another sheet
                    raise WorkbookReadError(self.path, "damaged", detail=f"two sheets are named {name}")
                seen.add(name.casefold())
                target = targets.get(sheet.get(_NS_REL), "")
                path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
                parts[sheet.get("name")] = os.path.normpath(path).replace(os.sep, "/")
        return parts

    # --- one sheet ------------------------------------------------------------------
    def bound_sheet(self, name: str) -> bytes | None:
        """Sheet ``name``'s XML once it is proven within the limits (None: no such part).

        This is what must happen before an engine parses the sheet: python-calamine
        aborts the process when the grid up to the last cell does not fit in memory.
        """
        member = self.sheets.get(name)
        if member is None:
            return None
        if member not in self.zip.NameToInfo:  # one engine skipped such a sheet, the other failed: refused alike
            raise WorkbookReadError(self.path, "damaged", detail=f"sheet {name}: {member} is missing")
        data = self._read(member)
        limits = self.limits
        rows, columns = _extent(data, limits)
        if rows > limits.rows or columns > limits.columns or rows * columns > limits.cells:
            cell = _column_letters(max(columns, 1)) + str(rows)
            raise WorkbookReadError(self.path, "range_too_large", sheet=name, cell=cell,
                                    limit=f"{limits.rows:,} × {limits.columns:,}, {limits.cells:,} cells")
        return data

    def inspect_sheet(self, name: str, data: bytes | None) -> SheetScan:
        """The remaining checks of a bounded sheet (DTD, text length) and what its XML says
        beyond the values: cached error cells and formulas without a saved value."""
        if data is None:
            return SheetScan()
        self._check_dtd(self.sheets[name], data)
        self._check_sheet_frame(name, data)
        if self.shared_strings and _BAD_SHARED_INDEX.search(data):
            # python-calamine reads a shared-string index that is no number ("x", "-1") as 0: the first string
            damaged = self._first_damaged_cell(data)
            if damaged is not None:
                raise damaged_cell_error(self.path, name, damaged)
        self._check_text_runs(data, name)
        count, first = _uncached_formulas(data)
        return SheetScan(_error_cells(data), count, first)

    def check_sheet(self, name: str) -> SheetScan:
        """Every check of sheet ``name``."""
        return self.inspect_sheet(name, self.bound_sheet(name))

    def _check_text_runs(self, data: bytes, sheet: str | None) -> None:
        limit = self.limits.cell_chars
        for match in _long_runs(data):
            end = data.find(b"<", match.start())
            run = data[match.start() + 1:end if end >= 0 else len(data)]
            chars = len(_ENTITY.sub(b"&", run).decode("utf-8", "replace"))
            if chars > limit:
                where = "sharedStrings" if sheet is None else sheet
                if sheet is not None:
                    ref = _REF.search(data, data.rfind(b"<c ", 0, match.start()), match.start())
                    if ref:
                        where = f"{sheet}!{ref.group(1).decode()}"
                raise WorkbookReadError(self.path, "cell_too_long", where=where, chars=chars)


#: parts both engines need (openpyxl: the content types, python-calamine: the package relationships)
_REQUIRED_PARTS = ("[Content_Types].xml", "_rels/.rels")
_SHEET_DATA_OPEN = re.compile(rb"<(?:\w+:)?sheetData\b[^>]*>")
_PREFIX = re.compile(rb"(?:\w+:)?")
#: a shared-string cell whose index is no number (one search, only in workbooks with shared strings)
_BAD_SHARED_INDEX = re.compile(rb' t="s"[^>]*><(?:\w+:)?v>(?!\d+</)')


def _malformed(data: bytes) -> str | None:
    """Why ``data`` is not well-formed XML (expat: C speed, no tree built), or None."""
    parser = expat.ParserCreate()
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        if exc.code == expat.errors.codes[expat.errors.XML_ERROR_UNKNOWN_ENCODING]:
            return None  # an encoding expat lacks (GBK …): the engines' parsers decide
        return f"{expat.errors.messages[exc.code]}, line {exc.lineno}, column {exc.offset + 1}"
    return None


#: a text run after a tag that may exceed Excel's cell limit (checked exactly then)
_LONG_RUN = re.compile(rb">[^<]{%d}" % (LIMITS.cell_chars + 1))
_ENTITY = re.compile(rb"&(?:#\d+|#x[0-9A-Fa-f]+|\w+);")
#: a run of len(_LONG_RUN) bytes without "<" covers at least one whole aligned window of this size
_RUN_WINDOW = (LIMITS.cell_chars + 1) // 2


def _long_runs(data: bytes):
    """The matches of :data:`_LONG_RUN` that can matter: the first in each run of text.

    Only a window of :data:`_RUN_WINDOW` bytes without a "<" can lie inside
    such a run, so one ``find`` per window (memchr speed, a few thousand for
    a 50 MiB sheet) finds the runs and the regex only reads those; a later
    match in the same run is a suffix of the first, never longer.
    """
    size, window = len(data), _RUN_WINDOW
    resume = 0
    for start in range(0, size - window + 1, window):
        if start < resume or data.find(b"<", start, start + window) >= 0:
            continue
        begin = data.rfind(b"<", 0, start) + 1  # the run: from after the last "<" before the window …
        end = data.find(b"<", start + window)  # … to the next "<"
        end = size if end < 0 else end
        match = _LONG_RUN.search(data, begin, end)
        if match:
            yield match
        resume = end


# --- extent of a sheet, linear and mostly at C speed -----------------------------------------
_ROW_TAG = re.compile(rb'<row\b[^>]*?\sr="0*(\d{1,12})"')
_ROW_TAG_NS = re.compile(rb'<(?:\w+:)?row\b[^>]*?\sr="0*(\d{1,12})"')
_ROW_OPEN_NS = re.compile(rb"<(?:\w+:)?row[\s>/]")
#: a cell whose first attribute is not its reference (then maybe none: checked exactly)
_CELL_WITHOUT_REF = re.compile(rb"<c (?!r=)")
_REF = re.compile(rb'\sr="([A-Z]{1,3}\d{1,12})"')
_CELL_REF = re.compile(rb"""<(?:\w+:)?c\b[^>]*?\sr\s*=\s*["']([A-Za-z]{1,12})0*(\d{1,12})["']""")
_ROW_BODY = re.compile(rb"<(?:\w+:)?row\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?row>)", re.S)
_CELL_OPEN = re.compile(rb"<(?:\w+:)?c[\s/>]")


def _column_letters(n: int) -> str:
    return column_letter(n)


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _at_most(n: int, letters: bool) -> str:
    """A regex alternation matching the numerals (decimal, or column letters) of 1 … n."""
    if letters:  # bijective base 26: A=1 … Z=26, AA=27
        text, first, low, rest = _column_letters(n), "A", "A", "[A-Z]"
    else:
        text, first, low, rest = str(n), "1", "0", "[0-9]"
    size = len(text)
    shorter = f"{rest if letters else '[1-9]'}{rest}{{0,{size - 2}}}" if size > 1 else "(?!)"
    options = [shorter, re.escape(text)]
    for i, ch in enumerate(text):
        floor = first if i == 0 else low
        if ch > floor:
            tail = size - i - 1
            options.append(re.escape(text[:i]) + f"[{floor}-{chr(ord(ch) - 1)}]" + (f"{rest}{{{tail}}}" if tail else ""))
    return "(?:" + "|".join(options) + ")"


def _unproven_cell(rows: int, columns: int) -> re.Pattern:
    """A cell (``<c``, ``<x:c``) whose first attribute is not a reference within
    ``rows`` × ``columns``: none found proves the sheet's extent in one pass."""
    ref = f'r="{_at_most(columns, letters=True)}0*{_at_most(rows, letters=False)}"'
    return re.compile(rb"c(?<=[<:]c)(?:[>/]|\s(?!" + ref.encode() + rb"))")


def _extent(data: bytes, limits: Limits = LIMITS) -> tuple[int, int]:
    """(last row, last column) of a sheet's cells, 1-based, as far as the limits need to know.

    Cells with an ``r`` reference are placed by it, whatever their row tag
    says; so the last row tag only gives a first guess.  One search then
    proves that every cell starts with a reference no lower than it, and no
    further right than the widest column that many rows allow (the column
    is then reported as 0: "within the limits").  Python's ``re`` runs it at
    C speed: it looks for the letter ``c`` and reads on only at a cell tag.
    Only a file that fails the search — a cell beyond, a cell placed by
    order, a reference not first — pays for the exact passes below.
    """
    last = data.rfind(b"<row ")
    guess = _ROW_TAG.match(data, last) if last >= 0 else None
    rows = int(guess.group(1)) if guess else 0
    allowed = max(1, min(limits.columns, limits.cells // max(rows, 1)))
    if rows and not _unproven_cell(rows, allowed).search(data):
        return rows, 0
    # every reference, however written (python-calamine also places cells by r='z9' and r = "Z9")
    refs = _CELL_REF.findall(data)
    rows = max([rows, *(int(r) for _, r in refs)])
    columns = max((_column_number(c.upper()) for c, _ in refs), default=0)
    allowed = max(1, min(limits.columns, limits.cells // max(rows, 1)))
    columns = columns if columns > allowed else 0
    if b"<c>" in data or _CELL_WITHOUT_REF.search(data) or b":c " in data or b":c>" in data:
        # some cells are placed by order: count rows and the cells of the widest row
        bodies = [m.group(1) or b"" for m in _ROW_BODY.finditer(data)]
        rows = max(rows, len(bodies) + max((int(x) for x in _ROW_TAG_NS.findall(data)), default=0))
        widest = max((len(_CELL_OPEN.findall(body)) for body in bodies), default=0)
        allowed = max(1, min(limits.columns, limits.cells // max(rows, 1)))
        columns = max(columns, widest if widest > allowed else 0)
    return rows, columns


# --- cached errors, linear --------------------------------------------------------------
_ERROR_TYPE = re.compile(rb' t="e"')  # a literal: Python's re then skips ahead at C speed
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]{0,255})</(?:\w+:)?v>")
_CELL_START = re.compile(rb"<(?:\w+:)?c[\s>]")
_CELL_END = re.compile(rb"</(?:\w+:)?c>")
#: bytes after an error cell's tag where its value may be (a formula is at most 8,192 characters)
_WINDOW = 1 << 16


def _error_cells(data: bytes) -> list[tuple[int, int, str]]:
    """Cells holding a cached error (``t="e"``): (row, col, text), 0-based, in time linear in ``data``.

    Each ``t="e"`` attribute is taken back to the start of its element and
    forward to its ``<v>``; nothing is rescanned (the former whole-element
    regex rescanned to the end of the sheet after every self-closing cell).
    """
    out = []
    for match in _ERROR_TYPE.finditer(data):
        start = data.rfind(b"<", 0, match.start())
        if start < 0 or not _CELL_START.match(data, start):
            continue
        close = data.find(b">", match.end())
        if close < 0 or data[close - 1:close] == b"/":
            continue  # <c t="e"/>: no value
        ref = _REF.search(data, start, close)
        # the value follows the formula, if any (<f>…</f><v>#N/A</v>), within this cell
        value = _VALUE.search(data, close + 1, close + 1 + _WINDOW)
        if value and _CELL_END.search(data, close + 1, value.start()):
            value = None
        if ref and value:
            row, col = _split_ref(ref.group(1).decode())
            out.append((row, col, value.group(1).decode("utf-8", "replace")))
    return out


_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
#: "<f" or ":f" anywhere: an "f" looked up at C speed (rare in sheet XML), then the byte before it
_FORMULA_MARK = re.compile(rb"f(?<=[<:]f)")
_FILLED_VALUE = re.compile(rb"<(?:\w+:)?v>[^<]")
_CELL_OR_ROW_END = re.compile(rb"</(?:\w+:)?(?:c|row)>")


def _uncached_formulas(data: bytes) -> tuple[int, tuple[int, int] | None]:
    """Formula cells without a saved value: (count, first as 0-based (row, col)), linear in ``data``."""
    if not _FORMULA_MARK.search(data):
        return 0, None
    count, first = 0, None
    for match in _FORMULA.finditer(data):
        end = _CELL_OR_ROW_END.search(data, match.end())
        stop = end.start() if end else len(data)
        if _FILLED_VALUE.search(data, match.end(), stop):
            continue
        count += 1
        if first is None:
            ref = _REF.search(data, data.rfind(b"<", 0, data.rfind(b"r=", 0, match.start())), match.start())
            if ref:
                first = _split_ref(ref.group(1).decode())
    return count, first


def _split_ref(ref: str) -> tuple[int, int]:
    letters = re.match(r"[A-Z]+", ref).group(0)
    return int(ref[len(letters):]) - 1, _column_number(letters.encode()) - 1
