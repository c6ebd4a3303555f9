"""Benchmark: hostile attachments against the extract stage's output caps (issue 14).

Input: none; builds in memory a .docx of 9 tables x 1,000 rows (~55 MB of XML in ~0.2 MB), an
.xlsx of 100,000 rows and an .xlsx of 1,000 columns. Output: per file, the child's reply size,
rows kept and cut, time of `extract_file`, `attach_tables` and `normalise_notice`, the notice
text's length and the peak RSS of a process that did only that file.

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
from xml.sax.saxutils import escape

from analysis.extract import Attachment, attach_tables, extract_file
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


CASES: dict[str, tuple[str, Callable[[], bytes]]] = {
    "docx": ("hostile.docx", build_docx),
    "rows": ("rows.xlsx", lambda: build_xlsx(100_000, len(HEADER))),
    "columns": ("columns.xlsx", lambda: build_xlsx(200, 1000)),
}


def run_case(case: str) -> dict[str, object]:
    """Parse, attach and normalise one hostile file; the figures of this process."""
    name, build = CASES[case]
    data = build()
    started = time.perf_counter()
    result = extract_file(data, name, timeout=120)
    parsed = time.perf_counter()
    reply = {"kind": result.kind, "sheets": result.sheets, "text": result.text}
    reply_bytes = len(json.dumps(reply, ensure_ascii=False, default=str).encode("utf-8"))
    rows_read = sum(len(sheet["rows"]) for sheet in result.sheets)
    notice = ParsedNotice(url="http://x.test/n.html", title="招聘公告", text="岗位详见附件。")
    merged = attach_tables(notice, [Attachment(f"http://x.test/{name}", name, result)])
    attached = time.perf_counter()
    normalised = normalise_notice(merged)
    done = time.perf_counter()
    return {
        "case": case,
        "file_kb": len(data) // 1024,
        "error": result.error,
        "reply_mb": round(reply_bytes / 2**20, 1),
        "rows_read": rows_read,
        "table_rows": len(merged.tables),
        "truncated": getattr(result, "truncated", None),
        "text_kb": len(merged.text.encode("utf-8")) // 1024,
        "positions": len(normalised.positions),
        "extract_s": round(parsed - started, 2),
        "attach_s": round(attached - parsed, 2),
        "normalise_s": round(done - attached, 2),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
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
