"""Benchmark: hostile attachments against the extract stage's output caps (issue 14).

Input: none; builds in memory a .docx of 9 tables x 1,000 rows (~55 MB of XML in ~0.2 MB), an
.xlsx of 100,000 rows, one of 10,000 rows, one of 1,000 columns, and the damaged and hostile
files of `HOSTILE_FILES` (truncated .xls, corrupt OLE, DTDs in UTF-16/32 or after a long
comment, zip bomb, XXE, encrypted, legacy .doc). Output: per file, the child's reply size or its
error, rows kept and cut, time of extracting (a fresh child), `attach_tables` and
`normalise_notice` (one position per table row), the notice text's length, positions, and the
peak RSS of the process that did only that file and of its parser child.

    python -m benchmarks.attack_attachments            # every case, one process each
    python -m benchmarks.attack_attachments docx       # one case, in this process
"""

from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from typing import Any
from xml.sax.saxutils import escape

from analysis.extract import Attachment, attach_tables
from analysis.extract.files import OLE_MAGIC
from analysis.extract.sandbox import extract_file_fresh
from analysis.models import ParsedNotice
from analysis.normalise import normalise_notice

HEADER = ("岗位名称", "招聘人数", "专业", "学历", "年龄", "其他条件", "招聘单位", "备注")
_CT = "application/vnd.openxmlformats-officedocument."
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_RELS_TYPE = "application/vnd.openxmlformats-package.relationships+xml"


def _zip(members: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in members.items():
            archive.writestr(name, text.encode("utf-8"))
    return out.getvalue()


def _content_types(overrides: dict[str, str]) -> str:
    parts = "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides.items())
    return (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="{_RELS_TYPE}"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f"{parts}</Types>"
    )


def _rels(targets: dict[str, tuple[str, str]]) -> str:
    rels = "".join(
        f'<Relationship Id="{rid}" Type="{_REL}/{kind}" Target="{target}"/>'
        for rid, (kind, target) in targets.items()
    )
    return f'<Relationships xmlns="{_PKG}">{rels}</Relationships>'


def position_row(n: int, width: int = len(HEADER), filler: int = 0) -> list[str]:
    """A position row; `filler` characters of plausible text in the long columns."""
    long = ("熟悉国际传播业务，具备良好的外语能力和写作能力。" * (filler // 24 + 1))[:filler]
    row = [f"英语编辑{n}", "1", "新闻学" + long, "本科", "35周岁以下", "中共党员" + long]
    row += [f"某国际传播中心{n % 9}", long]
    return (row + [f"列{c}值{n}" for c in range(len(row), width)])[:width]


def build_docx(tables: int = 9, rows: int = 1000, filler: int = 650) -> bytes:
    """The issue's .docx: `tables` position tables of `rows` rows with long cells."""

    def cell(text: str) -> str:
        return f"<w:tc><w:p><w:r><w:t>{escape(text)}</w:t></w:r></w:p></w:tc>"

    def table() -> str:
        body = "".join(
            "<w:tr>" + "".join(cell(c) for c in position_row(n, filler=filler)) + "</w:tr>"
            for n in range(1, rows + 1)
        )
        head = "<w:tr>" + "".join(cell(h) for h in HEADER) + "</w:tr>"
        return f"<w:tbl>{head}{body}</w:tbl>"

    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    document = (
        f'<w:document xmlns:w="{ns}"><w:body>{table() * tables}<w:sectPr/></w:body></w:document>'
    )
    return _zip(
        {
            "[Content_Types].xml": _content_types(
                {"/word/document.xml": _CT + "wordprocessingml.document.main+xml"}
            ),
            "_rels/.rels": _rels({"rId1": ("officeDocument", "word/document.xml")}),
            "word/document.xml": document,
        }
    )


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def build_xlsx(rows: int, width: int) -> bytes:
    """One sheet: a header and `rows` position rows of `width` cells (inline strings)."""

    def sheet_rows() -> Iterator[str]:
        header = list(HEADER) + [f"列{c}" for c in range(len(HEADER), width)]
        for r, values in enumerate(
            [header[:width], *(position_row(n, width) for n in range(1, rows + 1))], start=1
        ):
            cells = "".join(
                f'<c r="{_column(c)}{r}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
                for c, v in enumerate(values)
            )
            yield f'<row r="{r}">{cells}</row>'

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    sheet = f'<worksheet xmlns="{main}"><sheetData>{"".join(sheet_rows())}</sheetData></worksheet>'
    workbook = (
        f'<workbook xmlns="{main}" xmlns:r="{_REL}">'
        '<sheets><sheet name="岗位表" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    return _zip(
        {
            "[Content_Types].xml": _content_types(
                {
                    "/xl/workbook.xml": _CT + "spreadsheetml.sheet.main+xml",
                    "/xl/worksheets/sheet1.xml": _CT + "spreadsheetml.worksheet+xml",
                }
            ),
            "_rels/.rels": _rels({"rId1": ("officeDocument", "xl/workbook.xml")}),
            "xl/workbook.xml": workbook,
            "xl/_rels/workbook.xml.rels": _rels({"rId1": ("worksheet", "worksheets/sheet1.xml")}),
            "xl/worksheets/sheet1.xml": sheet,
        }
    )


# -- damaged and hostile files that must be refused with a message naming what is wrong --------


def _mirror_notice() -> dict[str, Any]:
    from mirror.build import load_notices

    return next(n for n in load_notices()["notices"] if n["id"] == "icc-2024-03")


def _mirror_xlsx() -> bytes:
    from mirror import attachments

    return attachments.render_xlsx(_mirror_notice())


def _mirror_xls() -> bytes:
    from mirror import attachments

    return attachments.render_xls(_mirror_notice())


def replace_member(data: bytes, name: str, body: bytes) -> bytes:
    """The zip `data` with member `name` replaced by `body`."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            dst.writestr(info.filename, body if info.filename == name else src.read(info))
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
DOCTYPE = '<!DOCTYPE worksheet [<!ENTITY lol "lol">]>'


def sheet_body() -> str:
    """The mirror's generated sheet XML without its declaration."""
    xml = zipfile.ZipFile(io.BytesIO(_mirror_xlsx())).read(SHEET).decode("utf-8")
    return xml.split("?>", 1)[1]


def xlsx_with_sheet(xml: bytes) -> bytes:
    return replace_member(_mirror_xlsx(), SHEET, xml)


def utf16_doctype(codec: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-16"?>{DOCTYPE}' + sheet_body()).encode(codec)


def doctype_after_comment(comment_bytes: int) -> bytes:
    comment = "<!--" + "x" * comment_bytes + "-->"
    return (f'<?xml version="1.0" encoding="UTF-8"?>{comment}{DOCTYPE}' + sheet_body()).encode()


def truncated_xls(length: int) -> bytes:
    return _mirror_xls()[:length]


def xls_with_broken_directory() -> bytes:
    data = bytearray(_mirror_xls())
    data[48:52] = b"\xff\xff\xff\x7f"  # first directory sector: far past the end
    return bytes(data)


def _mirror_hostile(name: str) -> Callable[[], bytes]:
    def build() -> bytes:
        from mirror import attachments

        render: Callable[[], bytes] = getattr(attachments, name)
        return render()

    return build


XLS_DAMAGED = "truncated or corrupt Excel 97-2003 file (.xls)"
DTD = "sheet1.xml declares a DTD/entities"
# (case, label, builder, error kind, words the error must hold)
HOSTILE_FILES: list[tuple[str, str, Callable[[], bytes], str, str]] = [
    ("xls_half", "truncated .xls, half", lambda: truncated_xls(2816), "corrupt", XLS_DAMAGED),
    ("xls_head", "truncated .xls, header and a sector", lambda: truncated_xls(1024), "corrupt", XLS_DAMAGED),
    ("ole_directory", "corrupt OLE directory", xls_with_broken_directory, "corrupt", XLS_DAMAGED),
    ("ole_garbage", "OLE magic and garbage", lambda: OLE_MAGIC + bytes(range(256)) * 4, "corrupt",
     "truncated or corrupt Office 97-2003 file"),
    ("utf16_dtd", "sheet in UTF-16 with a DOCTYPE", lambda: xlsx_with_sheet(utf16_doctype("utf-16")),
     "unsafe", DTD),
    ("utf16be_dtd", "sheet in UTF-16 BE without BOM",
     lambda: xlsx_with_sheet(utf16_doctype("utf-16-be")), "unsafe", DTD),
    ("utf32_dtd", "sheet in UTF-32", lambda: xlsx_with_sheet(utf16_doctype("utf-32")), "unsafe", DTD),
    ("comment_dtd", "DOCTYPE after a 2 MiB comment",
     lambda: xlsx_with_sheet(doctype_after_comment(2 << 20)), "unsafe", DTD),
    ("boundary_dtd", "DOCTYPE across a 1 MiB read",
     lambda: xlsx_with_sheet(doctype_after_comment((1 << 20) - 48)), "unsafe", DTD),
    ("zip_bomb", "zip bomb", _mirror_hostile("render_zip_bomb"), "unsafe", "decompression bomb"),
    ("xxe", "XXE in a sheet", _mirror_hostile("render_xxe_xlsx"), "unsafe", "DTD/entities"),
    ("encrypted_ooxml", "encrypted Office file", _mirror_hostile("render_encrypted_ooxml"),
     "encrypted", "password-protected"),
    ("encrypted_pdf", "encrypted PDF", _mirror_hostile("render_encrypted_pdf"), "encrypted",
     "password-protected"),
    ("corrupt_xlsx", "corrupt .xlsx", _mirror_hostile("render_corrupt_xlsx"), "corrupt", "corrupt"),
    ("legacy_doc", "legacy .doc", _mirror_hostile("render_legacy_doc"), "unsupported", "legacy Word"),
    ("pdf_length_loop", "PDF /Length reference loop", _mirror_hostile("render_pdf_length_loop"),
     "corrupt", "object references loop"),
]  # fmt: skip

# Files of hostile size or shape that must parse within the caps (case -> file name, builder).
CASES: dict[str, tuple[str, Callable[[], bytes]]] = {
    "docx": ("hostile.docx", build_docx),
    "rows": ("rows.xlsx", lambda: build_xlsx(100_000, len(HEADER))),
    "table10k": ("table10k.xlsx", lambda: build_xlsx(10_000, len(HEADER))),
    "columns": ("columns.xlsx", lambda: build_xlsx(200, 1000)),
    "pdf_xref_loop": ("xref_loop.pdf", _mirror_hostile("render_pdf_xref_loop")),
    **{case: (f"{case}.bin", build) for case, _, build, _, _ in HOSTILE_FILES},
}
EXPECTED_ERRORS = {case: (kind, words) for case, _, _, kind, words in HOSTILE_FILES}


def run_case(case: str) -> dict[str, object]:
    """Parse, attach and normalise one hostile file; the figures of this process."""
    name, build = CASES[case]
    data = build()
    started = time.perf_counter()
    # A fresh interpreter, not the warm server's fork: a waited-for child, so RUSAGE_CHILDREN
    # holds its peak RSS (the parser's whole cost, imports included).
    result = extract_file_fresh(data, name, timeout=120)
    parsed = time.perf_counter()
    reply = {"kind": result.kind, "sheets": result.sheets, "text": result.text}
    reply_bytes = len(json.dumps(reply, ensure_ascii=False, default=str).encode("utf-8"))
    rows_read = sum(len(sheet["rows"]) for sheet in result.sheets)
    notice = ParsedNotice(url="http://x.test/n.html", title="招聘公告", text="岗位详见附件。")
    merged = attach_tables(notice, [Attachment(f"http://x.test/{name}", name, result)])
    attached, cpu = time.perf_counter(), time.process_time()
    normalised = normalise_notice(merged)
    done, cpu = time.perf_counter(), time.process_time() - cpu
    return {
        "case": case,
        "file_kb": len(data) // 1024,
        "error": result.error,
        "error_kind": result.error_kind,
        "reply_mb": round(reply_bytes / 2**20, 1),
        "rows_read": rows_read,
        "table_rows": len(merged.tables),
        "truncated": getattr(result, "truncated", None),
        "text_kb": len(merged.text.encode("utf-8")) // 1024,
        "positions": len(normalised.positions),
        "extract_s": round(parsed - started, 2),
        "attach_s": round(attached - parsed, 2),
        "normalise_s": round(done - attached, 2),
        "normalise_cpu_s": round(cpu, 2),  # the machine may be shared: CPU time beside wall
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "child_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024,
    }


def main(argv: list[str]) -> int:
    if argv:
        print(json.dumps(run_case(argv[0]), ensure_ascii=False))
        return 0
    for case in CASES:  # one process each: ru_maxrss is a process's lifetime peak
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.attack_attachments", case],
            capture_output=True,
            text=True,
            check=False,
        )
        print(done.stdout.strip() or f"{case}: failed: {done.stderr.strip()[-300:]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
