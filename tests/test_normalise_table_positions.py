"""Positions straight from position-table rows (issue 10 §2.1): one position per row of every
table of every sheet and file, with its provenance, the notice's dates and shared conditions,
findings whose evidence is a span of the row's cells; the notice text keeps an excerpt only.
The real Henan tables are read from ../shared when it is beside the checkout.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import analysis.extract as extract
from analysis.extract import Attachment, attach_tables, extract_file, tables_of
from analysis.models import ParsedNotice, TableRow
from analysis.normalise import normalise_notice
from analysis.normalise.positions import row_sections, row_text, shared_conditions
from benchmarks.attack_attachments import build_xlsx

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples" / "gov_recruitment"
ARTICLE = (
    "某国际传播中心2025年公开招聘工作人员公告\n发布时间：2025-03-10\n"
    "一、招聘岗位\n岗位详见附件。\n"
    "二、基本条件\n所有岗位均须具有良好的政治素质。\n"
    "三、报名方式\n报名时间：3月12日至3月20日。"
)


def row(sheet: str, number: int, **cells: str) -> TableRow:
    """A TableRow as `extract_table` makes it: the mapped fields and every cell by header."""
    return TableRow(
        file="http://x.test/a.xlsx",
        sheet=sheet,
        row=number,
        title=cells.get("岗位名称", ""),
        headcount=int(cells["招聘人数"]) if cells.get("招聘人数", "").isdigit() else None,
        degree=cells.get("学历", ""),
        other=cells.get("其他条件", ""),
        cells=dict(cells),
    )


TWO_SHEETS = [
    row("省直", 4, 岗位名称="俄语编辑", 招聘人数="2", 学历="本科及以上", 其他条件="俄语专业八级"),
    row("省直", 5, 岗位名称="视频剪辑", 招聘人数="1", 学历="大专", 其他条件="熟练使用Premiere"),
    row("市县", 4, 岗位名称="英语记者", 招聘人数="３", 学历="硕士研究生", 其他条件="中共党员"),
]  # fmt: skip


def test_row_text_is_one_header_line_per_filled_cell_identity_cells_first() -> None:
    cells = {
        "岗位名称": "俄语编辑",
        "招聘单位": "某中心",
        "职位代码": "101",
        "专业": "",
        "学历": "本科",
    }
    assert (
        row_text(row("s", 4, **cells))
        == "招聘单位:某中心\n职位代码:101\n岗位名称:俄语编辑\n学历:本科"
    )


def test_identity_cells_are_not_read_but_findings_point_into_the_whole_text() -> None:
    party_school = row(
        "s", 4, 招聘单位="党员教育中心", 岗位名称="英语编辑", 其他条件="英语专业八级"
    )
    notice = ParsedNotice(url="u", title="公告", text="详见附件。")
    notice.tables.append(party_school)
    (position,) = normalise_notice(notice).positions
    assert not position.values("party_member") and position.values("language") == ["en"]
    assert position.text.startswith("招聘单位:党员教育中心\n")
    for f in position.findings:
        assert position.text[f.evidence.start : f.evidence.end] == f.evidence.text


def test_rows_that_differ_only_in_identity_cells_are_read_once() -> None:
    notice = ParsedNotice(url="u", title="公告", text="详见附件。")
    notice.tables.extend(
        row("s", n, 招聘单位=f"单位{n}" * (n % 3 + 1), 岗位名称="俄语编辑", 其他条件="俄语专业八级")
        for n in range(2, 6)
    )
    positions = normalise_notice(notice).positions
    assert [p.values("language") for p in positions] == [["ru"]] * 4
    for p in positions:
        (f,) = [f for f in p.findings if f.field == "language"]
        assert p.text[f.evidence.start : f.evidence.end] == f.evidence.text


def test_a_row_without_cells_is_rendered_from_its_fields() -> None:
    bare = TableRow(file="f", sheet="s", row=2, title="英语编辑", headcount=2, degree="本科")
    assert row_text(bare) == "招聘人数:2\n岗位名称:英语编辑\n学历:本科"  # identity cells first


def test_every_row_of_every_sheet_is_a_position_with_its_provenance() -> None:
    notice = ParsedNotice(url="http://x.test/n.html", title="招聘公告", text=ARTICLE)
    notice.tables.extend(TWO_SHEETS)
    got = normalise_notice(notice)
    assert [(p.seq, p.title, p.sheet, p.row) for p in got.positions] == [
        (1, "俄语编辑", "省直", 4),
        (2, "视频剪辑", "省直", 5),
        (3, "英语记者", "市县", 4),
    ]
    assert all(p.file == "http://x.test/a.xlsx" for p in got.positions)
    assert [p.headcount for p in got.positions] == [2, 1, 3]  # "３": read from the cleaned cell
    # the notice's dates: published from its text, the registration range's end as deadline
    assert (got.published, got.deadline) == (date(2025, 3, 10), date(2025, 3, 20))


def test_findings_point_into_the_row_cells() -> None:
    notice = ParsedNotice(url="http://x.test/n.html", title="招聘公告", text=ARTICLE)
    notice.tables.extend(TWO_SHEETS)
    russian, video, english = normalise_notice(notice).positions
    assert russian.values("language") == ["ru"]
    assert english.values("party_member") and not russian.values("party_member")
    assert video.values("skill") == ["video_editing"]
    for position in (russian, video, english):
        for f in position.findings:
            assert position.text[f.evidence.start : f.evidence.end] == f.evidence.text
    ru = russian.first("language")
    assert ru is not None and ru.evidence.start < len(row_text(TWO_SHEETS[0]))  # in a cell


def test_shared_conditions_travel_with_each_row_but_table_excerpts_do_not() -> None:
    text = (
        ARTICLE
        + "\n附件1：岗位表（省直）\n岗位名称 | 学历\n法语编辑 | 本科\n… 9 more rows in table_rows"
    )
    shared = shared_conditions(text)
    assert "所有岗位均须具有良好的政治素质" in shared
    assert "法语" not in shared and "岗位表" not in shared and "more rows" not in shared
    (section,) = row_sections([TWO_SHEETS[0]], shared)
    assert section.own.startswith("招聘人数:2\n岗位名称:俄语编辑") and section.shared == shared
    assert section.lead == len("招聘人数:2\n")


def test_rows_the_body_already_lists_leave_the_positions_to_the_text() -> None:
    text = "1.俄语编辑(2名)\n负责俄语稿件。\n2.英语记者(1名)\n负责英语采访。"
    notice = ParsedNotice(url="http://x.test/n.html", title="公告", text=text)
    notice.tables.extend(
        TableRow(file="f", sheet="s", row=n, title=t, repeats_body=True)
        for n, t in ((4, "俄语编辑"), (5, "英语记者"))
    )
    got = normalise_notice(notice).positions
    assert [(p.title, p.row) for p in got] == [("俄语编辑", None), ("英语记者", None)]


def test_a_notice_without_tables_still_splits_its_text() -> None:
    text = "1.俄语编辑(2名)\n负责俄语稿件。\n2.英语记者(1名)\n负责英语采访。"
    got = normalise_notice(ParsedNotice(url="u", title="公告", text=text)).positions
    assert [p.title for p in got] == ["俄语编辑", "英语记者"] and got[0].sheet is None


def test_a_large_table_gives_every_row_and_a_bounded_text() -> None:
    result = extract_file(build_xlsx(600, 8), "a.xlsx")
    bare = ParsedNotice(url="http://x.test/n.html", title="公告", text=ARTICLE)
    merged = attach_tables(bare, [Attachment("http://x.test/a.xlsx", "岗位表.xlsx", result)])
    assert len(merged.tables) == 600
    assert len(merged.text) <= len(ARTICLE) + extract.TEXT_CHARS + 100
    assert merged.text.count("\n") <= ARTICLE.count("\n") + extract.TEXT_ROWS + 4
    positions = normalise_notice(merged).positions
    assert [p.title for p in positions] == [f"英语编辑{n}" for n in range(1, 601)]
    assert [p.row for p in positions] == list(range(2, 602))


@pytest.mark.parametrize(
    ("name", "rows"),
    [
        ("henan_2026_gwy_position_table.xlsx", 7160 + 349),
        ("henan_2024_gwy_position_table.xls", 5862 + 369),
    ],
)
def test_real_two_sheet_provincial_tables_give_positions_equal_to_rows(
    name: str, rows: int
) -> None:
    path = SAMPLES / name
    if not path.is_file():
        pytest.skip("../shared/samples is not beside this checkout")
    result = extract_file(path.read_bytes(), name, timeout=120)
    tables = tables_of(Attachment(name, name, result))
    bare = ParsedNotice(url="http://x.test/n.html", title="公务员招录公告", text=ARTICLE)
    merged = attach_tables(bare, [Attachment(f"http://x.test/{name}", name, result)])
    notice = normalise_notice(merged)
    assert len(notice.positions) == rows == sum(len(t.rows) for t in tables)
    by_sheet = {p.sheet for p in notice.positions}
    assert by_sheet == {t.sheet for t in tables} and len(by_sheet) == 2
    expected = [(r.sheet, r.row) for t in tables for r in t.rows]
    assert [(p.sheet, p.row) for p in notice.positions] == expected
    assert len(notice.text) < len(ARTICLE) + extract.TEXT_CHARS + 200
    # the exclusion clause of these tables (不得报考) is never an overseas requirement
    assert not any(
        f.required for p in notice.positions for f in p.findings if f.field == "overseas"
    )
    assert sum(1 for p in notice.positions if p.values("education")) > rows * 0.9
