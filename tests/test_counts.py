"""One definition of each crawl count (analysis.store.counts): the CLI summary, the run's stored
row and stats, the per-source rows and the report's health and coverage sections agree on a store
holding every kind of page a run counts apart (notice, gated notice, sighting, unavailable, list
page re-read with 304)."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from analysis.cli.crawling import _print_crawl_summary
from analysis.models import FetchedPage, NormalisedNotice, Position
from analysis.report.coverage import coverage_blocks
from analysis.report.health import source_health_blocks
from analysis.report.markdown import render_markdown
from analysis.source import Source
from analysis.store import (
    NoticeGate,
    add_sighting,
    connect,
    count_rows,
    finish_run,
    save_notice,
    save_page,
    save_run_sources,
    save_sources,
    start_run,
    summarise_run_sources,
    touch_page,
    transaction,
)
from analysis.store.counts import RunCounts, load_run_counts
from analysis.store.health import load_source_health, load_source_runs
from analysis.store.reads import load_pages_by_source

WHEN = datetime(2026, 12, 2, tzinfo=UTC)
OFFICIAL = Source(id="official", name="official", start_urls=("http://o.test/l",))
AGGREGATOR = Source(id="agg", name="agg", start_urls=("http://a.test/l",), aggregator=True)


def _page(url: str, source: str, kind: str) -> FetchedPage:
    return FetchedPage(url, source, 200, WHEN, "h-" + url, kind)


def _notice(url: str, positions: int) -> NormalisedNotice:
    return NormalisedNotice(
        url=url,
        title="招聘公告 " + url,
        text="招聘英语编辑。" + url,
        employer=None,
        published=None,
        deadline=None,
        positions=[Position(seq=i + 1, title=f"编辑{i}", text="编辑") for i in range(positions)],
        taxonomy_version="t1",
    )


def _first_run(conn: sqlite3.Connection) -> int:
    """Run 1: the official source lists three notices: one stored with 2 positions, one gated,
    one removed; the aggregator's repost of the stored notice is linked as a sighting."""
    run = start_run(conn)
    with transaction(conn):
        save_page(conn, _page("http://o.test/l", "official", "listing"), run, detail_links=3)
        kept = save_page(conn, _page("http://o.test/1", "official", "notice"), run)
        notice_id, _ = save_notice(conn, kept, _notice("http://o.test/1", 2), source=OFFICIAL)
        gated = save_page(conn, _page("http://o.test/2", "official", "notice"), run)
        save_notice(
            conn,
            gated,
            _notice("http://o.test/2", 0),
            source=OFFICIAL,
            gate=NoticeGate("not_recruitment", 0.1),
        )
        save_page(conn, _page("http://o.test/3", "official", "unavailable"), run)
        save_page(conn, _page("http://a.test/l", "agg", "listing"), run, detail_links=1)
        repost = save_page(conn, _page("http://a.test/1", "agg", "notice"), run)
        add_sighting(conn, notice_id, repost, "http://a.test/1", "agg", 0.97)
    return run


@pytest.fixture
def conn(tmp_path: Path) -> sqlite3.Connection:
    conn = connect(tmp_path / "store.sqlite")
    save_sources(conn, [OFFICIAL, AGGREGATOR])
    yield conn
    conn.close()


def _close_run(conn: sqlite3.Connection, run: int) -> dict[str, int]:
    totals = finish_run(conn, run, status="finished", stats={"icc/store/notice_new": 2})
    save_run_sources(conn, run, summarise_run_sources(conn, run, [OFFICIAL, AGGREGATOR]))
    return totals


def test_run_counts_keep_sightings_and_gated_pages_apart(conn: sqlite3.Connection) -> None:
    run = _first_run(conn)
    assert load_run_counts(conn, run) == RunCounts(
        pages=6,
        listing_pages=2,
        detail_links=4,
        notice_pages=3,
        notices_new=1,
        positions_new=2,
        sightings=1,
        not_recruitment=1,
        unavailable=1,
    )
    assert load_run_counts(conn, run, "agg") == RunCounts(
        pages=2, listing_pages=1, detail_links=1, notice_pages=1, sightings=1
    )
    store = count_rows(conn)
    assert (store.notices, store.positions, store.sightings, store.gated) == (1, 2, 1, 1)
    by_source = load_pages_by_source(conn)  # what `icc-talent sources` prints
    assert (by_source["official"].notices, by_source["agg"].notices) == (1, 0)


def test_stored_row_stats_and_per_source_rows_agree(conn: sqlite3.Connection) -> None:
    run = _first_run(conn)
    totals = _close_run(conn, run)
    assert totals == load_run_counts(conn, run).as_dict()
    row = conn.execute("SELECT * FROM crawl_runs WHERE id = ?", (run,)).fetchone()
    stats = json.loads(row["stats"])
    # Scrapy's event counter (an aggregator copy stored, later demoted) stays as it was; the
    # run's counts sit beside it and in the columns.
    assert stats["icc/store/notice_new"] == 2 and stats["counts"] == totals
    assert (row["pages"], row["notices_new"], row["positions_new"]) == (6, 1, 2)
    per_source = conn.execute(
        "SELECT sum(listing_pages), sum(detail_links), sum(pages), sum(notices_new), "
        "sum(positions_new) FROM crawl_run_sources WHERE run_id = ?",
        (run,),
    ).fetchone()
    assert tuple(per_source) == (2, 4, 6, 1, 2)


def test_cli_and_report_print_the_stored_counts(
    conn: sqlite3.Connection, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _first_run(conn)
    _close_run(conn, first)
    # Run 2 re-reads the official list page, answered 304 Not Modified.
    run = start_run(conn)
    with transaction(conn):
        touch_page(conn, "http://o.test/l", run, WHEN)
    second = _close_run(conn, run)
    assert (second["listing_pages"], second["pages"], second["notices_new"]) == (1, 1, 0)
    # Run 1's count, as its crawl printed it, stays in its stats (the page now belongs to run 2).
    stored = conn.execute("SELECT stats FROM crawl_runs WHERE id = ?", (first,)).fetchone()[0]
    assert json.loads(stored)["counts"]["listing_pages"] == 2

    result = SimpleNamespace(run_id=run, stats={}, totals=second, errors=0, sources=[])
    _print_crawl_summary(result, Path(conn.execute("PRAGMA database_list").fetchone()[2]))
    printed = capsys.readouterr().out
    assert "1 pages fetched (1 listing, 0 notice, 0 unavailable" in printed
    assert "all 1 notices (2 positions) were already stored" in printed

    health = load_source_health(conn)
    blocks = [*source_health_blocks(health), *coverage_blocks(load_source_runs(conn), "2026-12")]
    report = render_markdown("report", "", blocks, {})
    assert "listing pages 1, notice pages 0, new notices 0" in report
    assert "Zero-yield sources (crawled, no notice or sighting stored): none." in report
    by_id = health.set_index("source_id")
    assert (by_id.loc["official", "notices"], by_id.loc["official", "gated"]) == (1, 1)
    assert by_id.loc["agg", "sightings"] == 1
    # Coverage: the aggregator's sighting is what it yielded this month.
    assert "| agg | 1 | 2 | 0 | 1 | yielding |" in report
