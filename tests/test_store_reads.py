"""Store reads (analysis.store.reads): the look-ups behind `show` and `sources`, as typed records."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from store_helpers import make_store

from analysis.models import FetchedPage, NormalisedNotice, Position
from analysis.source import Source
from analysis.store import connect, save_notice, save_page, save_sources, start_run, transaction
from analysis.store.reads import (
    AttachmentPage,
    PositionSummary,
    Sighting,
    SourcePages,
    StoreCounts,
    count_rows,
    load_attachments,
    load_notice_positions,
    load_notice_provenance,
    load_notice_sightings,
    load_pages_by_source,
)

NOTICE_URL = "http://yn.test/n/1.html"


def fetched(url: str, kind: str, *, source: str = "yn", when: int = 2) -> FetchedPage:
    return FetchedPage(
        url=url,
        source_id=source,
        status=200,
        fetched_at=datetime(2025, 3, when, tzinfo=UTC),
        content_hash="sha-" + url,
        page_kind=kind,
        content_type="text/html; charset=gb2312",
        encoding="gb18030",
        archive_path="data/warc/a.warc.gz",
        archive_offset=100,
        archive_length=50,
    )


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    c = connect(tmp_path / "reads.sqlite")
    save_sources(c, [Source(id="yn", name="云岭"), Source(id="gx", name="广西")])
    run = start_run(c)
    notice = NormalisedNotice(
        url=NOTICE_URL,
        title="招聘公告",
        text="招聘俄语编辑和英语记者。",
        employer="云岭国际传播中心",
        published=date(2025, 3, 1),
        deadline=None,
        positions=[
            Position(seq=2, title="英语记者", text="英语记者"),
            Position(seq=1, title="俄语编辑", text="俄语编辑", headcount=2),
        ],
        taxonomy_version="t1",
    )
    with transaction(c):
        page_id = save_page(c, fetched(NOTICE_URL, "notice"), run)
        notice_id, _ = save_notice(c, page_id, notice, source=Source(id="yn", name="yn"))
        save_page(c, fetched("http://yn.test/f/2.xlsx", "attachment"), run, parent_url=NOTICE_URL)
        broken = replace(
            fetched("http://yn.test/f/1.pdf", "error"), error="HTTP 404", archive_path=None
        )
        save_page(c, broken, run, parent_url=NOTICE_URL)
        repost = save_page(c, fetched("http://gx.test/r/9", "sighting", source="gx", when=5), run)
        c.execute(
            """INSERT INTO sightings (notice_id, page_id, url, source_id, similarity, seen_at)
               VALUES (?, ?, ?, 'gx', 0.93, '2025-03-05T00:00:00+00:00')""",
            (notice_id, repost, "http://gx.test/r/9"),
        )
    yield c
    c.close()


@pytest.mark.parametrize("key", ["1", NOTICE_URL])
def test_notice_provenance_by_id_or_url(conn: sqlite3.Connection, key: str) -> None:
    found = load_notice_provenance(conn, key)
    assert found is not None
    assert (found.id, found.title, found.source_id, found.published) == (
        1,
        "招聘公告",
        "yn",
        "2025-03-01",
    )
    assert (found.page_url, found.status, found.encoding, found.content_hash) == (
        NOTICE_URL,
        200,
        "gb18030",
        "sha-" + NOTICE_URL,
    )
    assert (found.archive_path, found.archive_offset, found.archive_length) == (
        "data/warc/a.warc.gz",
        100,
        50,
    )
    assert (found.run_id, found.taxonomy_version) == (1, "t1")


@pytest.mark.parametrize("key", ["2", "http://yn.test/missing", "", "一"])
def test_unknown_notice_is_none(conn: sqlite3.Connection, key: str) -> None:
    assert load_notice_provenance(conn, key) is None


def test_positions_in_notice_order(conn: sqlite3.Connection) -> None:
    assert load_notice_positions(conn, 1) == [
        PositionSummary(1, "俄语编辑", 2),
        PositionSummary(2, "英语记者", None),
    ]
    assert load_notice_positions(conn, 99) == []


def test_attachments_in_stored_order(conn: sqlite3.Connection) -> None:
    assert load_attachments(conn, NOTICE_URL) == [
        AttachmentPage("http://yn.test/f/2.xlsx", "attachment", None, "data/warc/a.warc.gz", 100),
        AttachmentPage("http://yn.test/f/1.pdf", "error", "HTTP 404", None, 100),
    ]
    assert load_attachments(conn, "http://yn.test/other") == []


def test_sightings(conn: sqlite3.Connection) -> None:
    assert load_notice_sightings(conn, 1) == [
        Sighting("http://gx.test/r/9", "gx", 0.93, "2025-03-05T00:00:00+00:00")
    ]
    assert load_notice_sightings(conn, 2) == []


def test_pages_by_source(conn: sqlite3.Connection) -> None:
    assert load_pages_by_source(conn) == {
        "yn": SourcePages(3, "2025-03-02T00:00:00+00:00", 1, 1),
        "gx": SourcePages(1, "2025-03-05T00:00:00+00:00", 0, 0),
    }


def test_count_rows(conn: sqlite3.Connection) -> None:
    assert count_rows(conn) == StoreCounts(
        sources=2, runs=1, pages=4, notices=1, positions=2, findings=0, sightings=1
    )


@pytest.mark.parametrize("odd", ["²", "١٢", "1" * 30, "9223372036854775808", "-1", " 1"])
def test_odd_notice_ids_are_not_found_never_an_error(tmp_path: Path, odd: str) -> None:
    from analysis.store.reads import load_notice_provenance

    conn = connect(make_store(tmp_path / "store.sqlite"))
    try:
        assert load_notice_provenance(conn, odd) is None
    finally:
        conn.close()
