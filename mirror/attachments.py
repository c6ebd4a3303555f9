"""Build stage of the offline mirror: attachment files, rendered deterministically.

Input: a notice's positions (our own data) or the name of a hostile case.
Output: bytes of real position tables as .xlsx / .xls / .docx / .pdf (a merged title row and a
"说明" note row above the header, as in the real 职位表 layouts) and of hostile files a crawler
must survive: corrupt zip, decompression bomb, XML entity attack, password-protected OOXML and
PDF, legacy binary .doc. Zip entries carry a fixed timestamp so every build is byte-identical.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLS = "application/vnd.ms-excel"
DOC = "application/msword"
PDF = "application/pdf"
ZIP_TIME = (2025, 1, 1, 0, 0, 0)
HEADER = ("岗位名称", "招聘人数", "专业", "学历", "年龄", "其他条件")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
BOMB_SIZE = 80 * 1024 * 1024  # inflated size of the bomb's one member (limit: 64 MB)


def table_rows(notice: dict[str, Any]) -> list[tuple[str, ...]]:
    """One row per position of a notice: title, headcount, major, degree, age, conditions."""
    rows: list[tuple[str, ...]] = []
    for p in notice["positions"]:
        rows.append(
            (
                p["title"],
                str(p["headcount"]),
                p.get("major", "详见公告"),
                p.get("education", "详见公告"),
                p.get("age", "35周岁以下"),
                p.get("other", "详见公告正文"),
            )
        )
    return rows


def caption(notice: dict[str, Any]) -> tuple[str, str]:
    title = f"{notice['employer']}公开招聘岗位计划表"
    note = "说明：岗位条件以本表为准；年龄计算截至报名首日；“以上”均含本级。"
    return title, note


def _zip(members: Sequence[tuple[str, bytes]], level: int = 6) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=level)
    return out.getvalue()


# --------------------------------------------------------------------------- xlsx


def _col(index: int) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[index]


def _xlsx_sheet(grid: Sequence[Sequence[str]], merges: Sequence[str], prolog: str = "") -> bytes:
    rows: list[str] = []
    for r, row in enumerate(grid, start=1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{_col(c)}{r}"
            if value.isdigit():
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            elif value:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>')
        rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    merge = "".join(f'<mergeCell ref="{m}"/>' for m in merges)
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        + prolog
        + '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + f"<sheetData>{''.join(rows)}</sheetData>"
        + (f'<mergeCells count="{len(merges)}">{merge}</mergeCells>' if merges else "")
        + "</worksheet>"
    )
    return xml.encode("utf-8")


def _xlsx(
    sheet_xml: bytes, sheet_name: str = "岗位表", extra: Sequence[tuple[str, bytes]] = ()
) -> bytes:
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    )
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{escape(sheet_name)}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    workbook_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>"
    )
    return _zip(
        [
            ("[Content_Types].xml", content_types.encode()),
            ("_rels/.rels", rels.encode()),
            ("xl/workbook.xml", workbook.encode()),
            ("xl/_rels/workbook.xml.rels", workbook_rels.encode()),
            ("xl/worksheets/sheet1.xml", sheet_xml),
            *extra,
        ]
    )


def position_grid(notice: dict[str, Any]) -> list[tuple[str, ...]]:
    title, note = caption(notice)
    blank = ("",) * (len(HEADER) - 1)
    return [(title, *blank), (note, *blank), HEADER, *table_rows(notice)]


def render_xlsx(notice: dict[str, Any]) -> bytes:
    last = _col(len(HEADER) - 1)
    merges = [f"A1:{last}1", f"A2:{last}2"]
    return _xlsx(_xlsx_sheet(position_grid(notice), merges))


# --------------------------------------------------------------------------- xls (BIFF8, frozen)


FROZEN_DIR = Path(__file__).resolve().parent / "frozen"
"""Built .xls tables, kept as bytes: xlwt, the one BIFF8 writer, is unmaintained since 2017, so
the build reuses these instead of depending on it (see `render_xls`)."""


def xls_key(notice: dict[str, Any]) -> str:
    """The name of a notice's frozen .xls: a hash of the table it holds, so an edited table in
    notices.yaml never silently reuses the old file."""
    grid = json.dumps(position_grid(notice), ensure_ascii=False)
    return f"xls-{hashlib.sha256(grid.encode()).hexdigest()[:16]}.xls"


def render_xls(notice: dict[str, Any]) -> bytes:
    """The notice's position table as a BIFF8 .xls: the frozen file for this table, else one
    written with xlwt when it happens to be installed (it is no dependency: then copy the
    result into mirror/frozen/ with `python -m mirror.build --freeze-xls`)."""
    frozen = FROZEN_DIR / xls_key(notice)
    if frozen.is_file():
        return frozen.read_bytes()
    try:
        import xlwt  # type: ignore[import-not-found,unused-ignore]  # optional, see above
    except ImportError:
        raise RuntimeError(
            f"no frozen .xls for the position table of {notice.get('id')!r} ({frozen.name}): "
            "its positions changed; `pip install xlwt` once and run "
            "`python -m mirror.build --freeze-xls`"
        ) from None
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("岗位表")
    grid = position_grid(notice)
    sheet.write_merge(0, 0, 0, len(HEADER) - 1, grid[0][0])
    sheet.write_merge(1, 1, 0, len(HEADER) - 1, grid[1][0])
    for r, row in enumerate(grid[2:], start=2):
        for c, value in enumerate(row):
            sheet.write(r, c, float(value) if value.isdigit() else value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- docx


def _docx_cell(text: str, span: int = 1) -> str:
    grid = f'<w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>' if span > 1 else ""
    return f"<w:tc>{grid}<w:p><w:r><w:t>{escape(text)}</w:t></w:r></w:p></w:tc>"


def render_docx(notice: dict[str, Any]) -> bytes:
    grid = position_grid(notice)
    width = len(HEADER)
    rows = [
        f"<w:tr>{_docx_cell(grid[0][0], width)}</w:tr>",
        f"<w:tr>{_docx_cell(grid[1][0], width)}</w:tr>",
        *("<w:tr>" + "".join(_docx_cell(v) for v in row) + "</w:tr>" for row in grid[2:]),
    ]
    cols = "".join('<w:gridCol w:w="1500"/>' for _ in range(width))
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body><w:p><w:r><w:t>{escape(grid[0][0])}</w:t></w:r></w:p>"
        f"<w:tbl><w:tblGrid>{cols}</w:tblGrid>{''.join(rows)}</w:tbl>"
        "<w:sectPr/></w:body></w:document>"
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
        "</Relationships>"
    )
    return _zip(
        [
            ("[Content_Types].xml", content_types.encode()),
            ("_rels/.rels", rels.encode()),
            ("word/document.xml", document.encode()),
        ]
    )


# --------------------------------------------------------------------------- pdf


def pdf_document(objects: Sequence[bytes], trailer_extra: bytes = b"") -> bytes:
    """A PDF file of the given numbered objects (object 1 is the catalog), with its xref."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        trailer_extra,
        xref,
    )
    return bytes(out)


def _cjk(text: str) -> bytes:
    """A PDF hex string in UCS-2 for the UniGB-UCS2-H CMap."""
    return b"<" + text.encode("utf-16-be").hex().upper().encode() + b">"


def render_pdf_table(notice: dict[str, Any]) -> bytes:
    """A one-page PDF table in the standard (not embedded) CJK font STSong-Light."""
    grid = position_grid(notice)
    xs = (40, 150, 200, 330, 400, 470)
    ops = []
    y = 800
    for r, row in enumerate(grid):
        cells = [(40, row[0])] if r < 2 else list(zip(xs, row, strict=True))
        for x, value in cells:
            ops.append(b"BT /F1 9 Tf %d %d Td " % (x, y) + _cjk(value[:24]) + b" Tj ET")
        y -= 24
    stream = b"\n".join(ops)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources "
        b"<< /Font << /F1 4 0 R >> >> /Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [5 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo "
        b"<< /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /DW 1000 >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    return pdf_document(objects)


def render_encrypted_pdf() -> bytes:
    """A PDF behind the standard security handler whose user password is not empty."""
    stream = b"BT /F1 11 Tf 50 780 Td (secret) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Filter /Standard /V 1 /R 2 /P -44 /O <"
        + b"ab" * 32
        + b"> /U <"
        + b"cd" * 32
        + b"> >>",
    ]
    return pdf_document(
        objects, b"/Encrypt 5 0 R /ID [<" + b"01" * 16 + b"> <" + b"01" * 16 + b">] "
    )


# --------------------------------------------------------------------------- hostile


def render_corrupt_xlsx() -> bytes:
    return b"PK\x03\x04" + bytes(range(256)) * 8


def render_zip_bomb() -> bytes:
    """A well-formed xlsx whose one extra member inflates to 80 MB of zeros."""
    grid = [HEADER, ("编辑", "1", "新闻学", "本科", "35周岁以下", "无")]
    pad = ("xl/media/padding.bin", b"\0" * BOMB_SIZE)
    return _xlsx(_xlsx_sheet(grid, []), extra=[pad])


def render_xxe_xlsx() -> bytes:
    """An xlsx whose sheet declares entities: an external file and a billion-laughs chain."""
    prolog = (
        '<!DOCTYPE worksheet [\n<!ENTITY xxe SYSTEM "file:///etc/passwd">\n'
        '<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n]>\n'
    )
    grid = [HEADER, ("&xxe;", "1", "&lol3;", "本科", "35周岁以下", "无")]
    xml = (
        _xlsx_sheet(grid, [], prolog)
        .replace(b"&amp;xxe;", b"&xxe;")
        .replace(b"&amp;lol3;", b"&lol3;")
    )
    return _xlsx(xml)


def _fake_ole(streams: Sequence[str]) -> bytes:
    """The start of an OLE2 compound file naming the given streams (enough to be recognised)."""
    header = OLE_MAGIC + b"\0" * 16 + b"\x3e\x00\x03\x00\xfe\xff\x09\x00" + b"\0" * 480
    names = b"".join(s.encode("utf-16-le") + b"\0\0" for s in streams)
    return header + names + b"\0" * (1024 - len(names) % 512)


def render_encrypted_ooxml() -> bytes:
    """How Office stores a password-protected .xlsx: an OLE file with an EncryptedPackage."""
    return _fake_ole(["EncryptionInfo", "EncryptedPackage"])


def render_legacy_doc() -> bytes:
    return _fake_ole(["WordDocument", "1Table"])


def _pdf_hello(length: bytes | None = None) -> list[bytes]:
    """A one-page PDF saying "hello"; its content stream's /Length is `length` if given."""
    stream = b"BT /F1 11 Tf 50 780 Td (hello) Tj ET"
    length = b"%d" % len(stream) if length is None else length
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources "
        b"<< /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length " + length + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]


def render_pdf_length_loop() -> bytes:
    """A PDF whose content stream's /Length is a reference that leads back to itself
    (object 6 = `7 0 R`, object 7 = `6 0 R`): a reader that follows it never stops."""
    return pdf_document([*_pdf_hello(b"6 0 R"), b"7 0 R", b"6 0 R"])


def render_pdf_xref_loop(padding: int = 20_000) -> bytes:
    """A readable one-page PDF whose cross-reference table names itself as its /Prev section, with
    `padding` more objects so that each reading of the table costs something."""
    data = pdf_document([*_pdf_hello(), *[b"0"] * padding])
    xref = int(data.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    return data.replace(b"trailer\n<< ", b"trailer\n<< /Prev %d " % xref, 1)
