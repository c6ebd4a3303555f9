"""Positions in the store: a position read from an attachment table keeps its file, sheet and
row as columns (migration 6, filled by `store_processed`, shown by export, query and show) under
its notice's dates; a notice whose table rows change while its text does not is an update."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from analysis import export
from analysis.cli import cli
from analysis.models import FetchedPage, ParsedNotice, TableRow
from analysis.process import Processed, process_notice, store_processed
from analysis.query import QueryFilters, search_positions
from analysis.source import Source
from analysis.store import (
    SCHEMA_VERSION,
    connect,
    notice_hash,
    save_page,
    save_sources,
    transaction,
)
from analysis.store.schema import MIGRATIONS, _split_sql, content_hash

SOURCE = Source(id="icc", name="云岭国际传播中心", province="云南")
FETCHED = datetime(2025, 3, 2, tzinfo=UTC)
TEXT = (
    "云岭国际传播中心2025年公开招聘工作人员公告。根据工作需要，现面向社会公开招聘工作人员，"
    "岗位详见附件。报名时间为2025年3月1日至3月20日。应聘人员须具有全日制本科及以上学历。"
)
XLSX = "http://icc.test/files/P020250301_岗位表.xlsx"
XLS = "http://icc.test/files/%E8%81%8C%E4%BD%8D%E8%A1%A8.xls"  # 职位表.xls, percent-encoded


def rows(degree: str = "本科") -> list[TableRow]:
    cells = {"岗位名称": "英语编辑", "招聘人数": "2", "学历": degree}
    return [
        TableRow(file=XLSX, sheet="岗位表", row=4, title="英语编辑", headcount=2, cells=cells),
        TableRow(file=XLSX, sheet="续表", row=3, title="俄语记者", headcount=1, degree="硕士"),
        TableRow(file=XLS, sheet="Sheet1", row=2, title="法语翻译", headcount=1, degree="本科"),
    ]


def parsed(tables: list[TableRow], text: str = TEXT) -> ParsedNotice:
    return ParsedNotice(
        url="http://icc.test/zp/t20250301_1.html",
        title="云岭国际传播中心2025年公开招聘工作人员公告",
        text=text,
        published="2025-03-01",
        attachments=[XLSX, XLS],
        attachment_names=["附件1：2025年招聘岗位表.xlsx"],  # the second link has no text
        tables=tables,
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "store.sqlite"
    conn = connect(path)
    save_sources(conn, [SOURCE])
    conn.close()
    return path


def store(db: Path, notice: ParsedNotice) -> tuple[int, str, int]:
    result = process_notice(notice, fetched_at=FETCHED)
    assert isinstance(result, Processed)
    conn = connect(db)
    try:
        page = FetchedPage(notice.url, SOURCE.id, 200, FETCHED, "h", "notice")
        with transaction(conn):
            stored = store_processed(conn, save_page(conn, page, None), result, source=SOURCE)
    finally:
        conn.close()
    assert stored.gate == "notice"
    return stored.notice_id, stored.outcome, stored.positions


def select(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return [tuple(r) for r in conn.execute(sql)]
    finally:
        conn.close()


def test_positions_from_table_rows_carry_file_sheet_and_row(db: Path) -> None:
    store(db, parsed(rows()))
    got = select(db, "SELECT seq, title, file, file_name, sheet, row FROM positions ORDER BY seq")
    assert got == [
        (1, "英语编辑", XLSX, "附件1：2025年招聘岗位表.xlsx", "岗位表", 4),
        (2, "俄语记者", XLSX, "附件1：2025年招聘岗位表.xlsx", "续表", 3),
        (3, "法语翻译", XLS, "职位表.xls", "Sheet1", 2),  # no link text: the URL's file name
    ]
    # Every position carries its notice's dates (through its notice row).
    dates = select(
        db,
        "SELECT DISTINCT n.published, n.deadline FROM positions p JOIN notices n"
        " ON n.id = p.notice_id",
    )
    assert dates == [("2025-03-01", "2025-03-20")]


def test_positions_split_from_text_have_no_provenance(db: Path) -> None:
    store(db, parsed([]))
    got = select(db, "SELECT file, file_name, sheet, row FROM positions")
    assert got and all(r == (None, None, None, None) for r in got)


def test_a_changed_table_row_under_an_unchanged_text_is_an_update(db: Path) -> None:
    notice_id, outcome, _ = store(db, parsed(rows()))
    assert outcome == "new"
    assert store(db, parsed(rows()))[:2] == (notice_id, "unchanged")
    assert store(db, parsed(rows(degree="硕士")))[:2] == (notice_id, "updated")
    cells = select(db, "SELECT cells FROM table_rows WHERE sheet = '岗位表'")
    assert "硕士" in cells[0][0]
    text = select(db, "SELECT text FROM positions WHERE seq = 1")[0][0]
    assert "硕士" in text and "本科" not in text.split("\n\n")[0]
    assert store(db, parsed(rows()[:2]))[1:] == ("updated", 2)  # a row fewer
    assert select(db, "SELECT count(*) FROM table_rows") == [(2,)]


def test_a_notice_without_table_rows_keeps_the_hash_it_had() -> None:
    # Stores written before rows counted are not all rewritten by the next reprocess.
    assert notice_hash("正文", "标题") == content_hash("正文\x00标题")
    assert notice_hash("正文", "标题", rows()) != notice_hash("正文", "标题")
    assert notice_hash("正文", "标题", rows()) != notice_hash("正文", "标题", rows()[::-1])


def test_migration_6_keeps_every_stored_row(tmp_path: Path) -> None:
    db = tmp_path / "v5.sqlite"
    conn = sqlite3.connect(db)
    for script in MIGRATIONS[:5]:
        for statement in _split_sql(script):
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 5")
    conn.executescript(
        """
        INSERT INTO sources (id, name, kind) VALUES ('icc', 'icc', 'cms');
        INSERT INTO pages (id, url, source_id, first_seen, fetched_at, status, page_kind,
                           content_hash) VALUES (1, 'http://icc.test/1', 'icc', 'x', 'x', 200,
                           'notice', 'h');
        INSERT INTO notices (id, page_id, source_id, url, title, published, text, text_hash,
                             taxonomy_version, first_seen, updated_at)
               VALUES (1, 1, 'icc', 'http://icc.test/1', '招聘公告', '2025-03-01', '正文', 'th',
                       't1', 'x', 'x');
        INSERT INTO positions (id, notice_id, seq, title, role_family, text)
               VALUES (1, 1, 1, '英语编辑', 'other', '英语专业八级');
        INSERT INTO findings (position_id, field, value, evidence, span_start, span_end)
               VALUES (1, 'language', 'en', '英语', 0, 2);
        INSERT INTO table_rows (notice_id, file, sheet, row, title)
               VALUES (1, 'http://icc.test/a.xlsx', 'Sheet1', 2, '英语编辑');
        """
    )
    conn.commit()
    conn.close()
    connect(db).close()
    assert select(db, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert select(db, "SELECT id, title, text, file, file_name, sheet, row FROM positions") == [
        (1, "英语编辑", "英语专业八级", None, None, None, None)
    ]
    assert select(db, "SELECT count(*) FROM findings") == [(1,)]
    assert select(db, "SELECT count(*) FROM table_rows") == [(1,)]
    assert select(db, "SELECT text_hash FROM notices") == [("th",)]
    fts = "SELECT rowid FROM positions_fts WHERE positions_fts MATCH '英语专业'"
    assert select(db, fts) == [(1,)]


def test_export_query_and_show_give_the_provenance(db: Path, tmp_path: Path) -> None:
    notice_id, _, _ = store(db, parsed(rows()))
    conn = connect(db, create=False)
    try:
        table = export.build_tables(conn)["positions"]
        found = search_positions(conn, "法语翻译", QueryFilters(), lambda term: None)
        export.export_store(conn, tmp_path / "out", "csv")
    finally:
        conn.close()
    first = table.iloc[0]
    assert (first["file"], first["sheet"], first["row"]) == (XLSX, "岗位表", 4)
    assert str(first["published"]) == "2025-03-01" and str(first["deadline"]) == "2025-03-20"
    assert "file_name" in (tmp_path / "out" / "positions.csv").read_text("utf-8-sig")
    assert [(r.file_name, r.sheet, r.row) for r in found] == [("职位表.xls", "Sheet1", 2)]
    assert found[0].provenance == "职位表.xls, sheet Sheet1, row 2"
    shown = CliRunner().invoke(cli, ["show", str(notice_id), "--no-body", "--db", str(db)])
    assert shown.exit_code == 0, shown.output
    assert "英语编辑 x2 (附件1：2025年招聘岗位表.xlsx, sheet 岗位表, row 4)" in shown.output
    listed = CliRunner().invoke(cli, ["query", "法语翻译", "--format", "json", "--db", str(db)])
    assert '"sheet": "Sheet1"' in listed.output and '"row": 2' in listed.output
