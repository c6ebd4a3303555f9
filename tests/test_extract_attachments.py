"""Attachment extraction: real position tables (the Henan samples, when ../shared is present),
the mirror's generated tables of each format, and hostile files, all parsed in a limited child.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import analysis.extract as extract
from analysis.extract import Attachment, attach_tables, extract_file, sandbox, tables_of
from analysis.extract.files import (
    Caps,
    UnsafeFileError,
    check_xml_part,
    check_zip,
    detect_xml_encoding,
    read_ole_stream_names,
    sniff_kind,
)
from analysis.extract.sandbox import extract_file_fresh
from analysis.extract.tables import extract_table, find_header, map_columns, parse_headcount
from analysis.models import ParsedNotice
from analysis.normalise import normalise_notice
from benchmarks.attack_attachments import (
    HOSTILE_FILES,
    SHEET,
    build_docx,
    build_xlsx,
    sheet_body,
    xlsx_with_sheet,
)
from mirror import attachments as files
from mirror.build import load_notices

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples" / "gov_recruitment"
NOTICE = next(n for n in load_notices()["notices"] if n["id"] == "icc-2024-03")


@pytest.mark.parametrize(
    ("name", "render"),
    [
        ("t.xlsx", files.render_xlsx),
        ("t.xls", files.render_xls),
        ("t.docx", files.render_docx),
        ("t.pdf", files.render_pdf_table),
    ],
)
def test_generated_tables_of_each_format(name: str, render: object) -> None:
    data = render(NOTICE)  # type: ignore[operator]
    result = extract_file(data, name)
    assert result.error is None, result.error
    (table,) = tables_of(Attachment(f"http://x.test/{name}", name, result))
    assert table.header_row == 3  # merged title row and note row above the header
    assert [r.title for r in table.rows] == [p["title"] for p in NOTICE["positions"]]
    assert [r.headcount for r in table.rows] == [p["headcount"] for p in NOTICE["positions"]]
    assert [r.row for r in table.rows] == [4, 5, 6][: len(table.rows)]
    assert table.caption[0].endswith("公开招聘岗位计划表")


@pytest.mark.parametrize(
    ("render", "kind", "needle"),
    [
        (files.render_corrupt_xlsx, "corrupt", "corrupt"),
        (files.render_zip_bomb, "unsafe", "decompression bomb"),
        (files.render_xxe_xlsx, "unsafe", "entities"),
        (files.render_encrypted_ooxml, "encrypted", "password"),
        (files.render_encrypted_pdf, "encrypted", "password"),
        (files.render_legacy_doc, "unsupported", "legacy"),
        (lambda: b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "corrupt", "not a recognised"),
    ],
)
def test_hostile_files_come_back_as_errors(render: object, kind: str, needle: str) -> None:
    result = extract_file(render(), "hostile")  # type: ignore[operator]
    assert result.error_kind == kind and needle in result.error  # type: ignore[operator]
    assert not result.sheets


def test_zip_inflation_is_bounded_even_when_sizes_lie() -> None:
    with pytest.raises(ValueError, match="decompression bomb"):
        check_zip(files.render_zip_bomb(), max_inflated=1024 * 1024)


def test_a_parser_that_runs_too_long_is_killed() -> None:
    # 2,000 rows take the child ~0.5 s to read, ten times the wall-time limit: the mirror's small
    # table could be read within a 10 ms limit on a fast, idle machine (a flaky test).
    result = extract_file(build_xlsx(2000, 12), "slow.xlsx", timeout=0.05)
    assert result.error_kind == "timeout" and "wall time" in (result.error or "")


# A parser that never stops: the child's own limits and parse(), as both the warm server's
# forks and the one-shot worker run them, with the reader replaced by a loop.
SPIN = """
import json, sys
import analysis.extract.files as files
import analysis.extract.worker as worker
def spin(*args):
    while True:
        pass
files.read_document = spin
worker.limit(512, float(sys.argv[1]))
print(json.dumps(worker.parse(b"", "spin.pdf", 512, {}, float(sys.argv[1]))))
"""


def test_a_parser_past_its_cpu_time_stops_with_an_error_reply() -> None:
    import json
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", SPIN, "0.5"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "error": "parser used its 0.5 s of CPU time",
        "error_kind": "timeout",
    }


def test_a_pdf_whose_references_loop_is_refused_before_any_limit() -> None:
    # Unguarded, pdfminer follows 6 → 7 → 6 … until the CPU limit: a 5 s limit would say so.
    result = extract_file(files.render_pdf_length_loop(), "loop.pdf", cpu_seconds=5)
    assert result.error_kind == "corrupt", result.error
    assert "object references loop (6 → 7 → 6)" in (result.error or "")


def test_a_pdf_whose_xref_sections_loop_is_read_once() -> None:
    result = extract_file(files.render_pdf_xref_loop(), "prev.pdf", cpu_seconds=5)
    assert result.error is None, result.error
    assert result.text == "hello"


def test_sniffing_uses_bytes_not_names() -> None:
    assert sniff_kind(files.render_xlsx(NOTICE)) == "xlsx"
    assert sniff_kind(files.render_docx(NOTICE)) == "docx"
    assert sniff_kind(files.render_pdf_table(NOTICE)) == "pdf"
    assert sniff_kind(b"<!DOCTYPE html><html></html>") == "html"


@pytest.mark.parametrize(
    ("text", "expected"), [("2", 2), ("2.0", 2), ("３人", 3), ("若干", None), ("", None)]
)
def test_headcount_cells(text: str, expected: int | None) -> None:
    assert parse_headcount(text) == expected


def test_header_found_below_title_and_note_rows_and_columns_mapped_fuzzily() -> None:
    grid = [
        ["某中心2025年公开招聘岗位表", "", "", ""],
        ["说明：以上均含本级", "", "", ""],
        [
            "招聘单位",
            "岗位名称",
            "岗位代码",
            "招聘人数",
            "专业（学科）类别",
            "学历要求",
            "其他条件",
        ],
        ["某中心", "英语编辑", 11001011.0, 2.0, "英语", "本科", "中共党员"],
        ["注：咨询电话 0000", "", "", ""],
    ]
    assert find_header(grid) == 2
    columns = map_columns(grid[2])
    assert columns["title"] == 1 and columns["headcount"] == 3 and columns["major"] == 4
    table = extract_table(grid, file="f.xls", sheet="Sheet1")
    assert table is not None and len(table.rows) == 1
    row = table.rows[0]
    assert (row.title, row.headcount, row.row, row.employer) == ("英语编辑", 2, 4, "某中心")
    assert row.cells["岗位代码"] == "11001011"  # codes read from .xls as floats come back whole


def test_attach_tables_appends_new_positions_and_keeps_repeats_out_of_the_text() -> None:
    data = files.render_xlsx(NOTICE)
    att = Attachment("http://x.test/a.xlsx", "附件：岗位表.xlsx", extract_file(data, "a.xlsx"))
    bare = ParsedNotice(url="http://x.test/n.html", title="公告", text="岗位详见附件。")
    merged = attach_tables(bare, [att])
    assert "岗位名称 | 招聘人数 | 专业 | 学历 | 年龄 | 其他条件" in merged.text
    assert merged.text.count("\n") >= 1 + len(NOTICE["positions"])
    rows = merged.tables
    assert [r.row for r in rows][:2] == [4, 5] and rows[0].sheet == "岗位表"
    titles = "；".join(p["title"] for p in NOTICE["positions"])
    repeated = attach_tables(ParsedNotice(url="u", title="t", text=titles), [att])
    assert repeated.text == titles and all(r.repeats_body for r in repeated.tables)


@pytest.mark.parametrize(
    ("name", "sheets", "first_title"),
    [
        ("henan_2026_gwy_position_table.xlsx", {"省辖市以下": 7160, "省直机关": 349}, "一级科员"),
        ("henan_2024_gwy_position_table.xls", {"省辖市以下": 5862, "省直机关": 369}, "一级科员"),
    ],
)
def test_real_position_tables(name: str, sheets: dict[str, int], first_title: str) -> None:
    path = SAMPLES / name
    if not path.is_file():
        pytest.skip("../shared/samples is not beside this checkout")
    result = extract_file(path.read_bytes(), name, timeout=120)
    assert result.error is None and result.truncated is None  # the caps sit far above
    tables = tables_of(Attachment(name, name, result))
    assert {t.sheet: len(t.rows) for t in tables} == sheets
    first = tables[0].rows[0]
    assert first.title == first_title and first.row == 4 and first.headcount
    assert "限男性" in first.other or "中共党员" in first.other
    assert first.major and first.degree and first.age


def test_warm_server_and_fresh_interpreter_agree() -> None:
    for name, render in (("t.xlsx", files.render_xlsx), ("t.pdf", files.render_pdf_table)):
        data = render(NOTICE)
        assert extract_file(data, name) == extract_file_fresh(data, name)
    assert extract_file(files.render_zip_bomb(), "b") == extract_file_fresh(
        files.render_zip_bomb(), "b"
    )


def test_a_parser_over_its_memory_limit_fails_alone_and_the_next_file_parses() -> None:
    # 100 MB is below the warm server's own address space: any allocation of the child fails.
    over = extract_file(files.render_xlsx(NOTICE), "big.xlsx", memory_mb=100)
    # Where the allocation fails decides the label (MemoryError, or a parser's own error).
    assert over.error and over.error_kind in ("limit", "corrupt") and not over.sheets
    assert extract_file(files.render_xlsx(NOTICE), "t.xlsx").error is None


def test_a_killed_child_leaves_the_warm_server_serving() -> None:
    slow = extract_file(files.render_pdf_table(NOTICE), "slow.pdf", timeout=0.001)
    assert slow.error_kind == "timeout"
    server = sandbox._SERVER._process
    assert server is not None and server.poll() is None
    assert extract_file(files.render_pdf_table(NOTICE), "t.pdf").kind == "pdf"


def test_each_file_gets_a_process_of_its_own() -> None:
    from concurrent.futures import ThreadPoolExecutor

    data = files.render_xls(NOTICE)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: extract_file(data, "t.xls"), range(8)))
    assert all(r.kind == "xls" and r.error is None for r in results)
    assert sandbox.WarmParserServer().broken is False  # forks are available here


# ------------------------------------------------ hostile files say what is wrong (issue 14)


@pytest.mark.parametrize(
    ("render", "kind", "message"),
    [case[2:] for case in HOSTILE_FILES],
    ids=[case[1] for case in HOSTILE_FILES],
)
def test_a_damaged_or_hostile_file_says_what_is_wrong(
    render: object, kind: str, message: str
) -> None:
    result = extract_file(render(), "attachment")  # type: ignore[operator]
    assert result.error_kind == kind, result.error
    assert message in (result.error or "")
    assert "unpack requires" not in (result.error or "").split(";")[0]
    assert not result.sheets


def test_the_ole_directory_names_the_workbook() -> None:
    data = files.render_xls(NOTICE)
    assert "Workbook" in (read_ole_stream_names(data) or [])
    assert sniff_kind(data) == "xls"
    assert read_ole_stream_names(data[:1024]) is None  # directory lost: not guessed as names
    assert sniff_kind(data[:1024]) == "xls"  # but the BIFF record at a sector start tells


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'<?xml version="1.0" encoding="UTF-8"?><a/>', ("utf-8", 0)),
        (b"<a/>", ("utf-8", 0)),
        (b"\xef\xbb\xbf<a/>", ("utf-8", 3)),
        ("<a/>".encode("utf-16"), ("utf-16-le", 2)),
        ("<a/>".encode("utf-16-be"), ("utf-16-be", 0)),
        ("<a/>".encode("utf-32"), ("utf-32-le", 4)),
        (b"<?xml version='1.0' encoding='GB2312'?><a/>", ("gb2312", 0)),
        (b'<?xml version="1.0" encoding="UTF-16"?><a/>', ("utf-8", 0)),  # declared, not so
    ],
)
def test_xml_encoding_is_detected_like_a_parser_would(
    head: bytes, expected: tuple[str, int]
) -> None:
    assert detect_xml_encoding(head) == expected


def test_an_unknown_xml_encoding_is_refused() -> None:
    with pytest.raises(UnsafeFileError, match="unknown encoding"):
        detect_xml_encoding(b'<?xml version="1.0" encoding="x-made-up"?><a/>')


def test_a_utf16_part_without_a_dtd_passes() -> None:
    xml = ('<?xml version="1.0" encoding="UTF-16"?>' + sheet_body()).encode("utf-16")
    check_xml_part(iter([xml[:1001], xml[1001:]]), SHEET)  # split mid-character: still decoded
    check_zip(xlsx_with_sheet(xml))


# ------------------------------------------- bounded output: caps, recorded cuts (issue 14)


def test_the_child_stops_at_its_row_cap_and_says_where() -> None:
    result = extract_file(build_xlsx(30, 8), "rows.xlsx", caps=Caps(rows=10))
    assert result.error is None and result.kind == "xlsx"
    assert sum(len(s["rows"]) for s in result.sheets) == 10
    assert result.truncated == (
        "stopped at sheet '岗位表' row 11: 10 rows per file read; "
        "1 rows and the rest of an unsized sheet not read"
    )


@pytest.mark.parametrize(
    ("caps", "message"),
    [
        (Caps(cells=40), "40 cells per file read"),
        (Caps(chars=300), "300 characters per file read"),
    ],
)
def test_the_child_stops_at_its_cell_and_character_caps(caps: Caps, message: str) -> None:
    result = extract_file(build_xlsx(30, 8), "rows.xlsx", caps=caps)
    kept = [cell for sheet in result.sheets for row in sheet["rows"] for cell in row]
    assert len(kept) <= caps.cells and sum(len(str(c)) for c in kept) <= caps.chars
    assert message in (result.truncated or "")


def test_long_cells_and_wide_rows_are_cut_and_counted() -> None:
    long_cells = extract_file(build_docx(2, 3, filler=50), "d.docx", caps=Caps(cell_chars=20))
    assert all(len(c) <= 20 for s in long_cells.sheets for r in s["rows"] for c in r)
    assert "cells cut to 20 characters" in (long_cells.truncated or "")
    wide = extract_file(build_xlsx(2, 300), "w.xlsx")
    assert {len(row) for row in wide.sheets[0]["rows"]} == {256}
    assert "132 cells beyond column 256 cut" in (wide.truncated or "")  # 3 rows x 44 columns


def test_tables_past_the_sheet_cap_are_not_read() -> None:
    result = extract_file(build_docx(3, 4, filler=0), "d.docx", caps=Caps(sheets=2))
    assert [s["name"] for s in result.sheets] == ["表1", "表2"]
    assert result.truncated == "1 sheets/tables not read (cap 2)"


def test_the_warm_server_and_a_fresh_interpreter_cut_alike() -> None:
    data, caps = build_xlsx(30, 8), Caps(rows=10, cell_chars=3)
    assert extract_file(data, "r.xlsx", caps=caps) == extract_file_fresh(data, "r.xlsx", caps=caps)


def test_a_reply_past_the_parents_read_limit_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "max_reply_bytes", lambda caps: 100)
    data = files.render_xlsx(NOTICE)
    for result in (extract_file(data, "t.xlsx"), extract_file_fresh(data, "t.xlsx")):
        assert result.error_kind == "limit" and not result.sheets
        assert "parser reply larger than" in (result.error or "")


def test_the_default_reply_limit_covers_what_the_caps_let_through() -> None:
    caps = Caps()
    worst = 6 * caps.chars + 16 * caps.cells  # every character escaped, every cell framed
    assert worst < sandbox.max_reply_bytes(caps) <= 64 * 2**20


def table_attachment(positions: int, caps: Caps = Caps()) -> Attachment:  # noqa: B008
    result = extract_file(build_xlsx(positions, 8), "a.xlsx", caps=caps)
    return Attachment("http://x.test/a.xlsx", "岗位表.xlsx", result)


def test_the_notice_text_shows_the_first_rows_and_table_rows_keep_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(extract, "TEXT_ROWS_PER_TABLE", 2)
    bare = ParsedNotice(url="http://x.test/n.html", title="公告", text="岗位详见附件。")
    merged = attach_tables(bare, [table_attachment(5)])
    lines = merged.text.split("\n")
    assert lines[2].startswith("岗位名称 | 招聘人数")
    assert lines[3].startswith("英语编辑1 | 1") and lines[4].startswith("英语编辑2 | 1")
    assert lines[5:] == ["… 3 more rows in table_rows"]
    assert [(r.sheet, r.row, r.title) for r in merged.tables] == [
        ("岗位表", n + 1, f"英语编辑{n}") for n in range(1, 6)
    ]
    assert not merged.attachment_errors  # nothing was lost: every row is in `tables`
    positions = normalise_notice(merged).positions  # every row, not only the rows shown
    assert [(p.title, p.row) for p in positions] == [(f"英语编辑{n}", n + 1) for n in range(1, 6)]


def test_the_notice_text_budget_is_shared_by_its_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extract, "TEXT_ROWS", 3)
    bare = ParsedNotice(url="http://x.test/n.html", title="公告", text="岗位详见附件。")
    merged = attach_tables(bare, [table_attachment(2), table_attachment(4)])
    assert "… 3 more rows in table_rows" in merged.text  # 2 + 1 shown, 3 more
    assert len(merged.tables) == 6


def test_cuts_are_recorded_on_the_notice() -> None:
    bare = ParsedNotice(url="http://x.test/n.html", title="公告", text="岗位详见附件。")
    merged = attach_tables(bare, [table_attachment(10, Caps(rows=6))], max_rows=3)
    assert [r.row for r in merged.tables] == [2, 3, 4]
    assert [(e.kind, e.error.split(":")[0]) for e in merged.attachment_errors] == [
        ("truncated", "stopped at sheet '岗位表' row 7"),
        ("truncated", "2 table rows past the notice's 3 not kept"),
    ]
