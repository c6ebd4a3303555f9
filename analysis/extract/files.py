"""Extract stage: read untrusted attachment bytes into grids of cells (run in a child process).

Input: the raw bytes of a linked attachment (.xlsx, .xls, .et, .docx, .pdf; .doc/.wps detected).
Output: `Document(kind, sheets=[Sheet(name, rows)], text)`. The format is taken from the bytes,
not the file name. Zip containers (xlsx/docx) are inflated under a byte budget before any
parser sees them, XML with a DTD or entity declarations is refused (entity attacks), and
encrypted/password-protected files are reported as such. Call through `analysis.extract.sandbox`
so a parser that hangs or balloons is killed by the time and memory limit of its process.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

MAX_INFLATED = 64 * 1024 * 1024  # all members of an xlsx/docx together, once decompressed
MAX_MEMBERS = 4000
MAX_ROWS = 20000  # per sheet
MAX_PDF_PAGES = 60
MAX_TEXT = 50000
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CHUNK = 1 << 20


class UnsafeFileError(ValueError):
    """A file refused before parsing: decompression bomb, XML entities, too many members."""


class EncryptedFileError(ValueError):
    """A password-protected or encrypted file: kept in the archive, not read."""


class UnsupportedFileError(ValueError):
    """A format without a parser here (legacy .doc/.wps, archives, images)."""


@dataclass(slots=True)
class Sheet:
    name: str
    rows: list[list[Any]]


@dataclass(slots=True)
class Document:
    kind: str
    sheets: list[Sheet] = field(default_factory=list)
    text: str = ""


def sniff_kind(data: bytes) -> str:
    """xlsx | docx | zip | corrupt | pdf | ole-encrypted | xls | doc | ole | html | unknown."""
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
        if "EncryptedPackage".encode("utf-16-le") in data:
            return "ole-encrypted"
        if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
            return "xls"
        if "WordDocument".encode("utf-16-le") in data:
            return "doc"
        return "ole"
    stripped = data[:512].lstrip().lower()
    if stripped.startswith((b"<!doctype html", b"<html", b"<?xml", b"<")):
        return "html"
    return "unknown"


def check_zip(data: bytes, *, max_inflated: int = MAX_INFLATED) -> None:
    """Inflate every member under a byte budget; refuse DTD/entity declarations in XML."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ValueError(f"corrupt zip container: {exc}") from exc
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
    total = 0
    for info in infos:
        is_xml = info.filename.endswith((".xml", ".rels", ".vml"))
        with archive.open(info) as member:
            first = True
            while chunk := member.read(_CHUNK):
                total += len(chunk)
                if total > max_inflated:
                    raise UnsafeFileError(
                        f"inflates beyond {max_inflated // 2**20} MB: decompression bomb?"
                    )
                if is_xml and first and (b"<!DOCTYPE" in chunk or b"<!ENTITY" in chunk):
                    raise UnsafeFileError(
                        f"{info.filename} declares a DTD/entities (XML entity attack?)"
                    )
                first = False


def read_document(data: bytes, name: str = "") -> Document:
    """Parse attachment bytes by their real format (see module doc for the guards)."""
    kind = sniff_kind(data)
    if kind == "xlsx":
        check_zip(data)
        return Document(kind, read_xlsx(data))
    if kind == "docx":
        check_zip(data)
        sheets, text = read_docx(data)
        return Document(kind, sheets, text)
    if kind == "pdf":
        sheets, text = read_pdf(data)
        return Document(kind, sheets, text)
    if kind == "xls":
        return Document(kind, read_xls(data))
    if kind == "ole-encrypted":
        raise EncryptedFileError("password-protected Office file (encrypted package)")
    if kind in ("doc", "ole"):
        raise UnsupportedFileError("legacy Word/WPS binary document: kept in the archive, not read")
    if kind == "html":
        raise UnsupportedFileError("an HTML page where a document was expected")
    if kind == "zip":
        raise UnsupportedFileError("a zip archive that is not an Office document")
    if kind == "corrupt":
        raise ValueError("corrupt zip container (truncated or damaged file)")
    raise ValueError("not a recognised document (corrupt or unknown format)")


def read_xlsx(data: bytes) -> list[Sheet]:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=True)
    sheets = []
    for ws in workbook.worksheets:
        rows = []
        for i, row in enumerate(ws.iter_rows(values_only=True)):
            if i >= MAX_ROWS:
                break
            rows.append(list(row))
        sheets.append(Sheet(ws.title, rows))
    return sheets


def read_xls(data: bytes) -> list[Sheet]:
    """BIFF .xls (and WPS .et, which is BIFF-compatible) through xlrd."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise EncryptedFileError("password-protected workbook") from exc
        raise ValueError(f"unreadable .xls: {exc}") from exc
    sheets = []
    for index in range(book.nsheets):
        sh = book.sheet_by_index(index)
        rows = [sh.row_values(r) for r in range(min(sh.nrows, MAX_ROWS))]
        sheets.append(Sheet(sh.name, rows))
        book.unload_sheet(index)
    return sheets


def read_docx(data: bytes) -> tuple[list[Sheet], str]:
    """Tables of a .docx (merged cells once, not repeated) and its paragraph text."""
    import docx

    document = docx.Document(io.BytesIO(data))
    sheets = []
    for number, table in enumerate(document.tables, start=1):
        rows = []
        for row in table.rows[:MAX_ROWS]:
            cells, seen = [], set()
            for cell in row.cells:
                if id(cell._tc) in seen:
                    cells.append("")
                    continue
                seen.add(id(cell._tc))
                cells.append(cell.text)
            rows.append(cells)
        sheets.append(Sheet(f"表{number}", rows))
    text = "\n".join(p.text for p in document.paragraphs if p.text.strip())
    return sheets, text[:MAX_TEXT]


def read_pdf(data: bytes) -> tuple[list[Sheet], str]:
    """Rows of text lines per page (cells = separate text boxes ordered by x) and plain text."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextBox, LTTextLine
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    sheets: list[Sheet] = []
    texts: list[str] = []
    try:
        pages = extract_pages(
            io.BytesIO(data), laparams=LAParams(char_margin=1.0), maxpages=MAX_PDF_PAGES
        )
        for number, page in enumerate(pages, start=1):
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
            grid = [[t for _, t in sorted(r)] for r in rows]
            sheets.append(Sheet(f"第{number}页", grid))
            texts.extend(" ".join(r) for r in grid)
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise EncryptedFileError(f"password-protected PDF ({type(exc).__name__})") from exc
    return sheets, "\n".join(texts)[:MAX_TEXT]
