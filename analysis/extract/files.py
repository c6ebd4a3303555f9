"""Extract stage: read untrusted attachment bytes into grids of cells (run in a child process).

Input: the raw bytes of a linked attachment (.xlsx, .xls, .et, .docx, .pdf; .doc/.wps detected).
Output: `Document(kind, sheets=[Sheet(name, rows)], text, truncated)`, read no further than the
`Caps` of one file (what was cut is said in `truncated`). The format is taken from the bytes
(magic numbers, the OLE directory), not the file name. Zip containers (xlsx/docx) are inflated
under a byte budget before any parser sees them, XML parts with a DTD or entity declarations
anywhere, in any encoding, are refused (entity attacks), encrypted files are reported as such,
and a damaged file is named by its format ("truncated or corrupt Excel 97-2003 file (.xls)").
Call through `analysis.extract.sandbox` so a parser that hangs or balloons is killed by the
time and memory limit of its process.
"""

from __future__ import annotations

import codecs
import io
import re
import struct
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import IO, Any

MAX_INFLATED = 64 * 1024 * 1024  # all members of an xlsx/docx together, once decompressed
MAX_MEMBERS = 4000
MAX_PDF_PAGES = 60
MAX_TEXT = 50000

# What one file may yield (issue 14), like Scrapy's DOWNLOAD_MAXSIZE for a parse. Far above a
# real position table (Henan's 2026 province table: 7,515 rows, 91,000 cells, 1.1 million
# characters, a 3 MB reply; issue 10's four-sheet table: 13,740 rows, ~2 million characters),
# far below what 64 MB of XML can hold (a 236 KB .docx made a 52 MB reply before these caps).
MAX_SHEETS = 200  # sheets of a workbook, tables of a .docx, pages of a PDF
# Every row the caps let through becomes a position, and one normalise worker holds all of a
# notice's positions at once: 50,000 rows took it to 561 MB, 25,000 to 382 MB (512 MB allowed).
MAX_ROWS = 25_000  # rows of all sheets together (1.8x the largest real table)
MAX_COLUMNS = 256  # cells of a row (Excel 97-2003's own width); trailing empty cells are dropped
MAX_CELLS = 500_000  # cells of all rows together, empty ones included (they cost JSON too)
MAX_CELL_CHARS = 2_000  # characters of one cell (Henan's longest: 559)
MAX_CHARS = 4_000_000  # characters of all cells together
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CHUNK = 1 << 20


class UnsafeFileError(ValueError):
    """A file refused before parsing: decompression bomb, XML entities, too many members."""


class EncryptedFileError(ValueError):
    """A password-protected or encrypted file: kept in the archive, not read."""


class UnsupportedFileError(ValueError):
    """A format without a parser here (legacy .doc/.wps, archives, images)."""


class CorruptFileError(ValueError):
    """A truncated or damaged file; the message names its format in words a user knows."""


# What a user calls each kind, for error messages.
FORMAT_NAMES = {
    "xlsx": "Excel workbook (.xlsx)",
    "docx": "Word document (.docx)",
    "pdf": "PDF document",
    "xls": "Excel 97-2003 file (.xls)",
}


@dataclass(frozen=True, slots=True)
class Caps:
    """How much of one file is read: past any of these the reader stops and says what it cut."""

    sheets: int = MAX_SHEETS
    rows: int = MAX_ROWS
    columns: int = MAX_COLUMNS
    cells: int = MAX_CELLS
    cell_chars: int = MAX_CELL_CHARS
    chars: int = MAX_CHARS

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(slots=True)
class Sheet:
    name: str
    rows: list[list[Any]]


@dataclass(slots=True)
class Document:
    kind: str
    sheets: list[Sheet] = field(default_factory=list)
    text: str = ""
    truncated: str | None = None  # what the caps cut, in words; None when nothing was


class Budget:
    """One file's reading budget: clips cells and rows to the `Caps` and counts what it cut.

    Readers stop at the first row that does not fit (`clip_row` returns None, `full` is set),
    so a hostile file is not read to its end; they add what they know lies beyond (`skip`).
    `clip_row` also trims trailing empty cells (no content lost) and cuts the rest.
    """

    def __init__(self, caps: Caps) -> None:
        self.caps = caps
        self.sheets = self.rows = self.cells = self.chars = 0
        self.cut_sheets = self.cut_rows = self.cut_cells = self.clipped_cells = 0
        self.unread_sheets = 0  # sheets after the one where reading stopped
        self.rest_unknown = False  # a streamed sheet that does not declare its size was left
        self.full = ""  # the cap that stopped reading ("rows", "cells", "characters"), if any
        self.stopped_at = ""  # where: "sheet 'X' row N"

    def take_sheet(self) -> bool:
        """True when one more sheet may be read (else it is counted as cut)."""
        if self.full:
            self.unread_sheets += 1
            return False
        if self.sheets >= self.caps.sheets:
            self.cut_sheets += 1
            return False
        self.sheets += 1
        return True

    def skip(self, rows: int) -> None:
        """Rows known to lie beyond where reading stopped (a sheet's row count)."""
        self.cut_rows += max(0, rows)

    def clip_row(self, values: Iterable[Any], *, sheet: str, row: int) -> list[Any] | None:
        """The row as kept, or None when it does not fit: reading stops there."""
        kept = list(values)
        while kept and (kept[-1] is None or kept[-1] == ""):
            kept.pop()
        caps = self.caps
        cut_cells = 0
        if len(kept) > caps.columns:
            cut_cells = sum(1 for v in kept[caps.columns :] if v is not None and v != "")
            del kept[caps.columns :]
        chars = clipped = 0
        for i, value in enumerate(kept):
            if isinstance(value, str):
                if len(value) > caps.cell_chars:
                    kept[i] = value = value[: caps.cell_chars]
                    clipped += 1
                chars += len(value)
            elif value is not None:
                chars += len(str(value))
        full = (
            "rows"
            if self.rows >= caps.rows
            else "cells"
            if self.cells + len(kept) > caps.cells
            else "characters"
            if self.chars + chars > caps.chars
            else ""
        )
        if full:
            self.full, self.stopped_at = full, f"sheet {sheet!r} row {row}"
            self.cut_rows += 1
            return None
        self.rows += 1
        self.cells += len(kept)
        self.chars += chars
        self.cut_cells += cut_cells
        self.clipped_cells += clipped
        return kept

    def truncated(self) -> str | None:
        """What was cut, in words (None when nothing was)."""
        caps = self.caps
        limits = {"rows": caps.rows, "cells": caps.cells, "characters": caps.chars}
        parts = []
        if self.full:
            parts.append(
                f"stopped at {self.stopped_at}: {limits[self.full]} {self.full} per file read; "
                f"{self.cut_rows} rows"
                + (" and the rest of an unsized sheet" if self.rest_unknown else "")
                + (f" and {self.unread_sheets} more sheets/tables" if self.unread_sheets else "")
                + " not read"
            )
        if self.cut_sheets:
            parts.append(f"{self.cut_sheets} sheets/tables not read (cap {caps.sheets})")
        if self.cut_cells:
            parts.append(f"{self.cut_cells} cells beyond column {caps.columns} cut")
        if self.clipped_cells:
            parts.append(f"{self.clipped_cells} cells cut to {caps.cell_chars} characters")
        return "; ".join(parts) or None


def sniff_kind(data: bytes) -> str:
    """xlsx | docx | zip | corrupt | pdf | ole-encrypted | xls | doc | ole | ole-corrupt | html |
    unknown."""
    head = data[:8]
    if data[:5] == b"%PDF-" or b"%PDF-" in data[:1024]:
        return "pdf"
    if head[:4] == b"PK\x03\x04":
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return "corrupt"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "word/document.xml" in names:
            return "docx"
        return "zip"
    if head == OLE_MAGIC:
        return sniff_ole_kind(data)
    stripped = data[:512].lstrip().lower()
    if stripped.startswith((b"<!doctype html", b"<html", b"<?xml", b"<")):
        return "html"
    return "unknown"


# -- OLE2 compound files (.xls, .et, .doc, .wps) ------------------------------------------------

_OLE_STREAM_KINDS = (("EncryptedPackage", "ole-encrypted"), ("Workbook", "xls"), ("Book", "xls"))
_OLE_END = 0xFFFFFFFA  # sector ids at or above this are markers (free, end of chain, FAT)
# Where the directory is lost (a truncated file), a sector that starts a BIFF BOF record is the
# Workbook stream, and one that starts with the Word FIB magic is the WordDocument stream.
_BIFF_BOF = (b"\x09\x08\x10\x00\x00\x06", b"\x09\x08\x08\x00\x00\x05")
_WORD_FIB = b"\xec\xa5"


def sniff_ole_kind(data: bytes) -> str:
    """ole-encrypted | xls | doc | ole (intact, of another kind) | ole-corrupt (unrecognisable)."""
    names = read_ole_stream_names(data)
    intact = names is not None
    if names is None:  # damaged directory: look for the names and the streams' first records
        names = [n for n in ("EncryptedPackage", "Workbook", "Book", "WordDocument")
                 if n.encode("utf-16-le") in data]  # fmt: skip
        names += _ole_streams_by_content(data)
    for stream, kind in _OLE_STREAM_KINDS:
        if stream in names:
            return kind
    if "WordDocument" in names:
        return "doc"
    return "ole" if intact else "ole-corrupt"


def read_ole_stream_names(data: bytes) -> list[str] | None:
    """The names in an OLE2 file's directory, or None when the header or directory is damaged.

    Follows only the FAT sectors listed in the header (files up to ~7 MB with 512-byte sectors);
    each sector is read at most once, so a looping chain cannot hang it.
    """
    if len(data) < 512 or data[:8] != OLE_MAGIC or data[28:30] != b"\xfe\xff":
        return None
    shift, fat_sectors, first_dir = (struct.unpack_from("<H", data, 30)[0],
                                     *struct.unpack_from("<II", data, 44))  # fmt: skip
    if shift not in (9, 12) or fat_sectors == 0:
        return None
    size = 1 << shift
    fat: list[int] = []
    for sector in struct.unpack_from("<109I", data, 76)[: min(fat_sectors, 109)]:
        start = (sector + 1) * size
        if sector >= _OLE_END or start + size > len(data):
            return None
        fat.extend(struct.unpack_from(f"<{size // 4}I", data, start))
    names: list[str] = []
    seen: set[int] = set()
    sector = first_dir
    while sector < _OLE_END:
        start = (sector + 1) * size
        if sector in seen or sector >= len(fat) or start + size > len(data):
            return None
        seen.add(sector)
        for entry in range(start, start + size, 128):
            name_bytes = struct.unpack_from("<H", data, entry + 64)[0]
            if data[entry + 66] in (1, 2, 5) and 2 <= name_bytes <= 64 and name_bytes % 2 == 0:
                names.append(data[entry : entry + name_bytes - 2].decode("utf-16-le", "replace"))
        sector = fat[sector]
    return names


def _ole_streams_by_content(data: bytes) -> list[str]:
    """Stream names guessed from the records that start 512-byte sectors."""
    found = []
    starts = range(512, len(data), 512)
    if any(data.startswith(_BIFF_BOF, at) for at in starts):
        found.append("Workbook")
    if any(data.startswith(_WORD_FIB, at) for at in starts):
        found.append("WordDocument")
    return found


def check_zip(data: bytes, *, max_inflated: int = MAX_INFLATED) -> None:
    """Inflate every member under a byte budget; refuse DTD/entity declarations in XML."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise CorruptFileError(f"corrupt zip container: {exc}") from exc
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise UnsafeFileError(f"{len(infos)} zip members (more than {MAX_MEMBERS})")
    if any(info.flag_bits & 0x1 for info in infos):
        raise EncryptedFileError("encrypted zip members (password-protected)")
    declared = sum(info.file_size for info in infos)
    if declared > max_inflated:
        raise UnsafeFileError(
            f"declares {declared // 2**20} MB uncompressed (limit {max_inflated // 2**20} MB): "
            "decompression bomb?"
        )
    budget = _InflateBudget(max_inflated)
    for info in infos:
        is_xml = info.filename.endswith((".xml", ".rels", ".vml"))
        with archive.open(info) as member:
            chunks = budget.read(member)
            if is_xml:
                check_xml_part(chunks, info.filename)
            else:
                for _ in chunks:
                    pass


class _InflateBudget:
    """Counts inflated bytes over all members; raises once they pass the budget."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.total = 0

    def read(self, member: IO[bytes]) -> Iterator[bytes]:
        while chunk := member.read(_CHUNK):
            self.total += len(chunk)
            if self.total > self.limit:
                raise UnsafeFileError(
                    f"inflates beyond {self.limit // 2**20} MB: decompression bomb?"
                )
            yield chunk


# -- XML parts: a DTD anywhere, in whatever encoding the parser would read ----------------------

_DTD_MARKERS = ("<!DOCTYPE", "<!ENTITY")
_MARKER_TAIL = max(len(m) for m in _DTD_MARKERS) - 1
_XML_BOMS = (  # longest first: the UTF-32 LE BOM begins with the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_XML_NO_BOM = (  # the XML spec's appendix F: how "<" or "<?" looks in each encoding
    (b"\x3c\x00\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00\x3c", "utf-32-be"),
    (b"\x3c\x00", "utf-16-le"),
    (b"\x00\x3c", "utf-16-be"),
)
_XML_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def detect_xml_encoding(head: bytes) -> tuple[str, int]:
    """(Python codec, BOM length) of an XML part, from its BOM, first bytes or declaration."""
    for bom, encoding in _XML_BOMS:
        if head.startswith(bom):
            return encoding, len(bom)
    for start, encoding in _XML_NO_BOM:
        if head.startswith(start):
            return encoding, 0
    declared = _XML_DECLARED.match(head)
    if not declared:
        return "utf-8", 0
    name = declared.group(1).decode("ascii")
    try:
        encoding = codecs.lookup(name).name
    except LookupError:
        raise UnsafeFileError(f"XML part declares an unknown encoding {name!r}") from None
    if encoding.startswith(("utf-16", "utf-32")):  # declared but not how the bytes look
        return "utf-8", 0
    return encoding, 0


def check_xml_part(chunks: Iterator[bytes], name: str) -> None:
    """Refuse an XML part that declares a DTD or entities anywhere (streamed, bounded memory)."""
    decoder: codecs.IncrementalDecoder | None = None
    tail = ""
    for chunk in chunks:
        if decoder is None:
            encoding, bom = detect_xml_encoding(chunk[:1024])
            decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
            chunk = chunk[bom:]
        text = tail + decoder.decode(chunk)
        if any(marker in text for marker in _DTD_MARKERS):
            raise UnsafeFileError(f"{name} declares a DTD/entities (XML entity attack?)")
        tail = text[-_MARKER_TAIL:]


def read_document(data: bytes, name: str = "", caps: Caps = Caps()) -> Document:
    """Parse attachment bytes by their real format (see module doc for the guards), reading no
    more than `caps` allow."""
    kind = sniff_kind(data)
    budget = Budget(caps)
    try:
        if kind == "xlsx":
            check_zip(data)
            return Document(kind, read_xlsx(data, budget), truncated=budget.truncated())
        if kind == "docx":
            check_zip(data)
            sheets, text = read_docx(data, budget)
            return Document(kind, sheets, text, budget.truncated())
        if kind == "pdf":
            sheets, text = read_pdf(data, budget)
            return Document(kind, sheets, text, budget.truncated())
        if kind == "xls":
            return Document(kind, read_xls(data, budget), truncated=budget.truncated())
    except (EncryptedFileError, UnsafeFileError, UnsupportedFileError, CorruptFileError):
        raise
    except MemoryError:  # the worker reports the memory limit itself
        raise
    except Exception as exc:  # a parser tripping over damaged bytes: say which format it was
        raise CorruptFileError(
            f"truncated or corrupt {FORMAT_NAMES[kind]}; the parser said: {_reason(exc)}"
        ) from exc
    if kind == "ole-encrypted":
        raise EncryptedFileError("password-protected Office file (encrypted package)")
    if kind == "doc":
        raise UnsupportedFileError("legacy Word/WPS binary document: kept in the archive, not read")
    if kind == "ole":
        raise UnsupportedFileError(
            "legacy Office 97-2003 file that is neither Excel nor Word (WPS?): kept in the "
            "archive, not read"
        )
    if kind == "ole-corrupt":
        raise CorruptFileError(
            "truncated or corrupt Office 97-2003 file (neither Excel nor Word can be recognised)"
        )
    if kind == "html":
        raise UnsupportedFileError("an HTML page where a document was expected")
    if kind == "zip":
        raise UnsupportedFileError("a zip archive that is not an Office document")
    if kind == "corrupt":
        raise CorruptFileError("corrupt zip container (truncated or damaged file)")
    raise CorruptFileError("not a recognised document (corrupt or unknown format)")


def _reason(exc: Exception) -> str:
    """A parser's own message, on one short line (it is for whoever maintains the parser)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:120]


def read_xlsx(data: bytes, budget: Budget) -> list[Sheet]:
    """Sheets of an .xlsx, streamed (read-only mode), so reading stops at the budget instead
    of loading every cell first (100,000 rows took 45 s that way)."""
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheets = []
    try:
        for ws in workbook.worksheets:
            declared = ws.max_row or 0  # the sheet's own <dimension>, which may lie
            if not budget.take_sheet():
                budget.skip(declared)
                continue
            ws.reset_dimensions()  # read every row there is, not the declared ones only
            rows = []
            for number, values in enumerate(ws.iter_rows(values_only=True), start=ws.min_row):
                row = budget.clip_row(values, sheet=ws.title, row=number)
                if row is None:
                    budget.skip(declared - number)
                    budget.rest_unknown = declared <= number
                    break
                rows.append(row)
            sheets.append(Sheet(ws.title, rows))
    finally:
        workbook.close()
    return sheets


def read_xls(data: bytes, budget: Budget) -> list[Sheet]:
    """BIFF .xls (and WPS .et, which is BIFF-compatible) through xlrd."""
    import xlrd

    try:
        # xlrd writes its warnings to stdout, the worker's result channel: keep them.
        book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO())
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise EncryptedFileError("password-protected workbook") from exc
        raise
    sheets = []
    for index in range(book.nsheets):
        if not budget.take_sheet():
            continue  # rows of sheets never loaded are not counted: loading them is the cost
        sh = book.sheet_by_index(index)
        rows = []
        for r in range(sh.nrows):
            row = budget.clip_row(sh.row_values(r), sheet=sh.name, row=r + 1)
            if row is None:
                budget.skip(sh.nrows - r - 1)
                break
            rows.append(row)
        sheets.append(Sheet(sh.name, rows))
        book.unload_sheet(index)
    return sheets


def read_docx(data: bytes, budget: Budget) -> tuple[list[Sheet], str]:
    """Tables of a .docx (merged cells once, not repeated) and its paragraph text."""
    import docx

    document = docx.Document(io.BytesIO(data))
    sheets = []
    for number, table in enumerate(document.tables, start=1):
        table_rows = table.rows
        if not budget.take_sheet():
            budget.skip(len(table_rows))
            continue
        rows = []
        for index, table_row in enumerate(table_rows):
            row = budget.clip_row(docx_cells(table_row), sheet=f"表{number}", row=index + 1)
            if row is None:
                budget.skip(len(table_rows) - index - 1)
                break
            rows.append(row)
        sheets.append(Sheet(f"表{number}", rows))
    text = "\n".join(p.text for p in document.paragraphs if p.text.strip())
    return sheets, text[:MAX_TEXT]


def docx_cells(row: Any) -> Iterator[str]:
    """A .docx table row's cell texts; a merged cell once, then "" where it repeats."""
    seen: set[int] = set()
    for cell in row.cells:
        if id(cell._tc) in seen:
            yield ""
            continue
        seen.add(id(cell._tc))
        yield cell.text


def _guarded_pdf_document() -> type:
    """pdfminer's PDFDocument with its two unbounded loops closed. A reference that leads back
    to itself (`/Length 5 0 R`, object 5 = `6 0 R`, object 6 = `5 0 R`; or an object whose own
    parse needs itself) made pdfminer spin until the CPU limit: here it is a corrupt file at
    once. A cross-reference section whose /Prev or /XRefStm leads back to a section already read
    was read again and again: here it is read once (the sections read so far are kept)."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdftypes import PDFObjRef

    class GuardedPDFDocument(PDFDocument):
        def read_xref_from(self, parser: Any, start: int, xrefs: Any) -> None:
            seen: set[int] = self.__dict__.setdefault("_xref_starts", set())
            if start in seen:
                return
            seen.add(start)
            super().read_xref_from(parser, start, xrefs)

        def getobj(self, objid: int) -> object:
            loading: set[int] = self.__dict__.setdefault("_loading", set())
            chain = [objid]
            while True:
                if chain[-1] in loading:
                    raise CorruptFileError(_loop_message(chain))
                loading.add(chain[-1])
                try:
                    obj = super().getobj(chain[-1])
                finally:
                    loading.discard(chain[-1])
                if not isinstance(obj, PDFObjRef):
                    return obj
                if obj.objid in chain:
                    raise CorruptFileError(_loop_message([*chain, obj.objid]))
                chain.append(obj.objid)

    return GuardedPDFDocument


def _loop_message(chain: list[int]) -> str:
    shown = " → ".join(str(n) for n in chain[-6:])
    return f"truncated or corrupt PDF document: its object references loop ({shown})"


def _pdf_pages(data: bytes, laparams: Any) -> Iterator[Any]:
    """pdfminer's `extract_pages` over the guarded document, at most MAX_PDF_PAGES pages."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    document = _guarded_pdf_document()(PDFParser(io.BytesIO(data)))
    resources = PDFResourceManager()
    device = PDFPageAggregator(resources, laparams=laparams)
    interpreter = PDFPageInterpreter(resources, device)
    for number, page in enumerate(PDFPage.create_pages(document), start=1):
        interpreter.process_page(page)
        yield device.get_result()
        if number >= MAX_PDF_PAGES:
            return


def read_pdf(data: bytes, budget: Budget) -> tuple[list[Sheet], str]:
    """Rows of text lines per page (cells = separate text boxes ordered by x) and plain text."""
    from pdfminer.layout import LAParams, LTTextBox, LTTextLine
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    sheets: list[Sheet] = []
    texts: list[str] = []
    try:
        pages = _pdf_pages(data, LAParams(char_margin=1.0))
        for number, page in enumerate(pages, start=1):
            if not budget.take_sheet():
                break
            lines: list[tuple[float, float, str]] = []
            for element in page:
                if isinstance(element, LTTextBox):
                    for line in element:
                        if isinstance(line, LTTextLine) and line.get_text().strip():
                            lines.append((line.y1, line.x0, line.get_text().strip()))
            rows: list[list[tuple[float, str]]] = []
            last_y: float | None = None
            for y, x, text in sorted(lines, key=lambda t: (-t[0], t[1])):
                if last_y is None or abs(last_y - y) > 3:
                    rows.append([])
                    last_y = y
                rows[-1].append((x, text))
            grid = []
            for index, cells in enumerate(rows):
                row = budget.clip_row(
                    [t for _, t in sorted(cells)], sheet=f"第{number}页", row=index + 1
                )
                if row is None:
                    budget.skip(len(rows) - index - 1)
                    break
                grid.append(row)
            sheets.append(Sheet(f"第{number}页", grid))
            texts.extend(" ".join(r) for r in grid)
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise EncryptedFileError(f"password-protected PDF ({type(exc).__name__})") from exc
    return sheets, "\n".join(texts)[:MAX_TEXT]
