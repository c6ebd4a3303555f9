"""Store: migrations, idempotent upserts, cascade replacement, FTS with the short-term fallback."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from analysis.models import Evidence, FetchedPage, Finding, NormalisedNotice, Position, Source
from analysis.query import QueryFilters, search_positions, sentence_around
from analysis.store import (
    SCHEMA_VERSION,
    StoreError,
    connect,
    count_rows,
    known_notice_urls,
    save_notice,
    save_page,
    save_sources,
    transaction,
)

TEXT_SD = "岗位职责：负责AIGC视觉内容生产。任职要求：熟练使用Stable Diffusion、Midjourney等工具；具有海外留学经历者优先。"
TEXT_RU = "岗位职责：俄语新闻编译。任职要求：俄语专业八级，英语六级；须为中共党员。"


def page(url: str = "http://example.test/a.html", kind: str = "notice") -> FetchedPage:
    return FetchedPage(
        url=url,
        source_id="demo",
        status=200,
        fetched_at=datetime(2025, 3, 1, tzinfo=UTC),
        content_hash="abc",
        page_kind=kind,
    )


def finding(text: str, field: str, value: str, needle: str) -> Finding:
    start = text.index(needle)
    return Finding(field, value, Evidence.of(text, start, start + len(needle)))


def notice(url: str = "http://example.test/a.html", version: str = "t1") -> NormalisedNotice:
    positions = [
        Position(
            1,
            "AIGC视觉设计师",
            TEXT_SD,
            headcount=2,
            role_family="video_visual",
            findings=[
                finding(TEXT_SD, "skill", "stable_diffusion", "Stable Diffusion"),
                finding(TEXT_SD, "aigc", "aigc", "AIGC"),
                finding(TEXT_SD, "overseas", "study", "海外留学经历"),
            ],
        ),
        Position(
            2,
            "俄语编辑",
            TEXT_RU,
            headcount=1,
            role_family="editor_translator",
            findings=[finding(TEXT_RU, "language", "ru", "俄语专业八级")],
        ),
    ]
    return NormalisedNotice(
        url=url,
        title="某国际传播中心招聘公告",
        text=TEXT_SD + "\n" + TEXT_RU,
        employer="某国际传播中心",
        published=date(2025, 3, 1),
        deadline=date(2025, 3, 20),
        positions=positions,
        taxonomy_version=version,
    )


def store_once(conn: sqlite3.Connection, n: NormalisedNotice) -> tuple[int, bool]:
    with transaction(conn):
        page_id = save_page(conn, page(n.url), None)
        return save_notice(conn, page_id, n, source=Source(id="demo", name="demo", province="云南"))


@pytest.fixture
def conn(db_path: Path):
    c = connect(db_path)
    save_sources(c, [Source(id="demo", name="Demo", kind="cms", province="云南")])
    yield c
    c.close()


def test_connect_migrates_and_sets_pragmas(conn: sqlite3.Connection) -> None:
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_upsert_twice_leaves_one_row(conn: sqlite3.Connection) -> None:
    first_id, created = store_once(conn, notice())
    again_id, created_again = store_once(conn, notice())
    assert created and not created_again and first_id == again_id
    counts = count_rows(conn)
    assert (counts.pages, counts.notices, counts.positions, counts.findings) == (1, 1, 2, 4)
    assert conn.execute("SELECT count(*) FROM positions_fts").fetchone()[0] == 2


def test_new_taxonomy_replaces_positions_and_fts(conn: sqlite3.Connection) -> None:
    store_once(conn, notice(version="t1"))
    store_once(conn, notice(version="t2"))
    counts = count_rows(conn)
    assert (counts.notices, counts.positions, counts.findings) == (1, 2, 4)
    assert conn.execute("SELECT count(*) FROM positions_fts").fetchone()[0] == 2
    version = conn.execute("SELECT taxonomy_version FROM notices").fetchone()[0]
    assert version == "t2"


def test_failed_transaction_keeps_what_was_stored(conn: sqlite3.Connection) -> None:
    store_once(conn, notice())
    with pytest.raises(RuntimeError), transaction(conn):
        save_page(conn, page("http://example.test/b.html"), None)
        raise RuntimeError("killed half-way")
    assert count_rows(conn).pages == 1
    assert known_notice_urls(conn) == {"http://example.test/a.html"}


def no_skills(term: str) -> str | None:
    return None


@pytest.mark.parametrize(
    ("term", "expected_titles"),
    [
        ("海外", {"AIGC视觉设计师"}),  # 2 characters: below trigram length, scan fallback
        ("英语", {"俄语编辑"}),
        ("俄", {"俄语编辑"}),  # 1 character
        ("Stable Diffusion", {"AIGC视觉设计师"}),  # trigram FTS, case-insensitive
        ("stable diffusion", {"AIGC视觉设计师"}),
        ("中共党员", {"俄语编辑"}),
        ("不存在的词", set()),
    ],
)
def test_full_text_search_handles_short_cjk_terms(
    conn: sqlite3.Connection, term: str, expected_titles: set[str]
) -> None:
    store_once(conn, notice())
    rows = search_positions(conn, f'"{term}"', QueryFilters(), no_skills)
    assert {r.title for r in rows} == expected_titles
    for r in rows:
        assert term.lower() in r.evidence.lower()


def test_query_filters_and_skill_alias(conn: sqlite3.Connection) -> None:
    store_once(conn, notice())
    by_alias = search_positions(conn, "SDXL", QueryFilters(), lambda t: "stable_diffusion")
    assert [r.title for r in by_alias] == ["AIGC视觉设计师"]
    assert "Stable Diffusion" in by_alias[0].evidence
    assert by_alias[0].url == "http://example.test/a.html"
    assert by_alias[0].published == "2025-03-01"
    assert [
        r.title for r in search_positions(conn, "", QueryFilters(language="ru"), no_skills)
    ] == ["俄语编辑"]
    assert len(search_positions(conn, "", QueryFilters(), no_skills)) == 2
    assert search_positions(conn, "", QueryFilters(since="2025-04"), no_skills) == []
    assert len(search_positions(conn, "", QueryFilters(until="2025-03"), no_skills)) == 2
    assert (
        len(search_positions(conn, "", QueryFilters(province="云南", overseas=True), no_skills))
        == 1
    )


def test_sentence_around_picks_the_clause() -> None:
    text = "第一句。任职要求：熟练使用Stable Diffusion；其他。"
    at = text.index("Stable")
    assert sentence_around(text, at, at + 6) == "任职要求：熟练使用Stable Diffusion；"


def test_corrupt_database_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="not a usable icc-talent database"):
        connect(bad)
    assert bad.read_bytes().startswith(b"this is not a database")  # left untouched


def test_missing_database_without_create(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no database"):
        connect(tmp_path / "missing.sqlite", create=False)
