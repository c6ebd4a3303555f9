"""Store: migrations, idempotent upserts, cascade replacement, FTS with the short-term fallback,
per-source run health (counts, yield history, saved judgements)."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from analysis.health import SourceCounts
from analysis.models import Evidence, FetchedPage, Finding, NormalisedNotice, Position
from analysis.query import QueryFilters, search_positions, sentence_around
from analysis.source import Source
from analysis.store import (
    SCHEMA_VERSION,
    StoreError,
    connect,
    count_rows,
    known_notice_urls,
    latest_source_health,
    save_notice,
    save_page,
    save_run_sources,
    save_sources,
    start_run,
    summarise_run_sources,
    transaction,
)
from analysis.store.health import load_run_source_counts, load_run_started_at, load_yield_history

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


# --------------------------------------------------------------------------- run health (SQL side)


def crawl_run(
    conn: sqlite3.Connection, listing: int, links_each: int, *, error: bool = False
) -> int:
    """One stored run of source `demo`: `listing` list pages with `links_each` links each."""
    run_id = start_run(conn)
    with transaction(conn):
        for i in range(listing):
            save_page(
                conn, page(f"http://example.test/l{i}", "listing"), run_id, detail_links=links_each
            )
        if error:
            failed = page("http://example.test/broken", "error")
            save_page(conn, replace(failed, status=500, error="HTTP 500"), run_id)
    return run_id


def test_run_source_counts_and_judgement_are_saved(conn: sqlite3.Connection) -> None:
    run_id = crawl_run(conn, 2, 10, error=True)
    with transaction(conn):
        save_notice(
            conn, save_page(conn, page(), run_id), notice(), source=Source(id="demo", name="demo")
        )
    started_at = load_run_started_at(conn, run_id)
    # one notice page read; the failed page is not a detail page (the frontier never queued it)
    assert load_run_source_counts(conn, run_id, "demo", started_at=started_at) == SourceCounts(
        "demo", 2, 20, 4, 1, 2, 1, "HTTP 500", detail_pages=1, detail_errors=0
    )
    sources = [
        Source(id="demo", name="demo", start_urls=("http://example.test/l0",)),
        Source(id="idle", name="idle"),
    ]
    runs = summarise_run_sources(conn, run_id, sources)
    assert [(r.source_id, r.health) for r in runs] == [("demo", "ok"), ("idle", "no-start-url")]
    save_run_sources(conn, run_id, runs)
    latest = latest_source_health(conn)
    assert latest["demo"]["health"] == "ok" and latest["demo"]["detail_links"] == 20
    assert latest["demo"]["message"] == "HTTP 500"


def test_yield_history_reads_healthy_runs_newest_first(conn: sqlite3.Connection) -> None:
    demo = [Source(id="demo", name="demo", start_urls=("http://example.test/l0",))]
    for listing, links in ((2, 10), (1, 0), (1, 6)):  # ok, zero-yield, ok
        run_id = crawl_run(conn, listing, links)
        save_run_sources(conn, run_id, summarise_run_sources(conn, run_id, demo))
    assert load_yield_history(conn, "demo") == [6.0, 10.0]
    assert load_yield_history(conn, "demo", runs=1) == [6.0]
    assert load_yield_history(conn, "demo", healths=("zero-yield",)) == [0.0]
    # a fourth run far below the usual yield is flagged against that history
    run_id = crawl_run(conn, 4, 1)
    [judged] = summarise_run_sources(conn, run_id, demo)
    assert (judged.health, judged.message) == (
        "low-yield",
        "1.0 notice links per list page, usually 10.0",
    )
