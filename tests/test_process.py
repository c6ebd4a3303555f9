"""Process stage: the repost decision (pure), and a parsed notice through process_notice →
store_processed: new, unchanged on a re-run, updated, a sighting of a repost, an aggregator's
copy replaced by the official one, and a notice that cannot be normalised returned as an error."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

import analysis.process as process
from analysis.extract.neardup import Candidate, decide_repost, fingerprint_text
from analysis.models import FetchedPage, ParsedNotice, TableRow
from analysis.process import Processed, ProcessError, process_notice, store_processed
from analysis.source import Source
from analysis.store import connect, save_page, save_sources, transaction

OFFICIAL = Source(id="icc", name="云岭国际传播中心", province="云南")
AGGREGATOR = Source(id="agg", name="题海", aggregator=True)
TEXT = (
    "云岭国际传播中心2025年公开招聘工作人员公告。根据工作需要，现面向社会公开招聘英语编辑2名、"
    "俄语记者1名。报名时间为2025年3月1日至3月20日。应聘人员须具有全日制本科及以上学历，"
    "英语专业八级或俄语专业八级，熟练使用Stable Diffusion等AIGC工具者优先。"
)
FETCHED = datetime(2025, 3, 2, tzinfo=UTC)


def fp(text: str):  # type: ignore[no-untyped-def]
    return fingerprint_text(text)


@pytest.mark.parametrize(
    ("aggregator", "stored_aggregator", "action"),
    [
        (False, False, "sighting"),  # a second official copy is a sighting of the first
        (True, False, "sighting"),  # an aggregator's repost of an official notice
        (True, True, "sighting"),  # two aggregators: the first copy stays
        (False, True, "replace"),  # the official notice replaces the aggregator's copy
    ],
)
def test_repost_decision(aggregator: bool, stored_aggregator: bool, action: str) -> None:
    candidates = [Candidate(7, fp(TEXT), stored_aggregator)]
    decision = decide_repost(fp(TEXT + "（转载）"), aggregator=aggregator, candidates=candidates)
    assert (decision.action, decision.match_id) == (action, 7) and decision.similarity >= 0.8


def test_repost_decision_without_a_near_duplicate_stores() -> None:
    other = Candidate(3, fp("海河国际传播中心招聘会计一名，要求会计学专业本科以上学历。"), False)
    assert decide_repost(fp(TEXT), aggregator=True, candidates=[other]).action == "store"
    assert decide_repost(fp(TEXT), aggregator=False, candidates=[]).action == "store"
    assert decide_repost(fp(""), aggregator=False, candidates=[other]).action == "store"


def test_repost_decision_takes_the_most_similar_candidate() -> None:
    far = Candidate(1, fp(TEXT[:100] + "另有其他岗位若干，详见附件。" * 3), False)
    near = Candidate(2, fp(TEXT), False)
    assert decide_repost(fp(TEXT), aggregator=False, candidates=[far, near]).match_id == 2


@pytest.fixture
def conn(tmp_path: Path):  # type: ignore[no-untyped-def]
    c = connect(tmp_path / "store.sqlite")
    save_sources(c, [OFFICIAL, AGGREGATOR])
    yield c
    c.close()


def parsed(url: str, text: str = TEXT) -> ParsedNotice:
    row = TableRow(file=url + ".xlsx", sheet="岗位表", row=4, title="英语编辑", headcount=2)
    return ParsedNotice(
        url=url, title="2025年公开招聘公告", text=text, published="2025-03-01", tables=[row]
    )


def store(conn: sqlite3.Connection, notice: ParsedNotice, source: Source) -> tuple[int, str]:
    result = process_notice(notice, fetched_at=FETCHED)
    assert isinstance(result, Processed)
    page = FetchedPage(notice.url, source.id, 200, FETCHED, "h", "notice")
    with transaction(conn):
        stored = store_processed(conn, save_page(conn, page, None), result, source=source)
    return stored.notice_id, stored.outcome


def test_store_new_then_unchanged_then_updated(conn: sqlite3.Connection) -> None:
    first = store(conn, parsed("http://icc.test/1.html"), OFFICIAL)
    assert first[1] == "new"
    assert store(conn, parsed("http://icc.test/1.html"), OFFICIAL) == (first[0], "unchanged")
    changed = parsed("http://icc.test/1.html", TEXT + "联系电话：0871-0000000。")
    assert store(conn, changed, OFFICIAL) == (first[0], "updated")
    rows = conn.execute("SELECT notice_id, title, file FROM table_rows").fetchall()
    assert [tuple(r) for r in rows] == [(first[0], "英语编辑", "http://icc.test/1.html.xlsx")]


def test_repost_is_a_sighting_without_table_rows(conn: sqlite3.Connection) -> None:
    notice_id, _ = store(conn, parsed("http://icc.test/1.html"), OFFICIAL)
    assert store(conn, parsed("http://agg.test/9.html"), AGGREGATOR) == (notice_id, "sighting")
    assert conn.execute("SELECT count(*) FROM notices").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM table_rows").fetchone()[0] == 1
    kind = conn.execute("SELECT page_kind FROM pages WHERE url LIKE 'http://agg%'").fetchone()
    assert kind[0] == "sighting"


def test_official_copy_replaces_the_aggregators(conn: sqlite3.Connection) -> None:
    copy_id, _ = store(conn, parsed("http://agg.test/9.html"), AGGREGATOR)
    official_id, outcome = store(conn, parsed("http://icc.test/1.html"), OFFICIAL)
    assert outcome == "new" and official_id != copy_id
    notices = conn.execute("SELECT id, source_id FROM notices").fetchall()
    assert [tuple(r) for r in notices] == [(official_id, "icc")]
    sighting = conn.execute("SELECT notice_id, url FROM sightings").fetchone()
    assert tuple(sighting) == (official_id, "http://agg.test/9.html")


def test_a_notice_that_cannot_be_normalised_is_an_error_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("boom")

    monkeypatch.setattr(process, "normalise_notice", broken)
    result = process_notice(parsed("http://icc.test/1.html"), fetched_at=FETCHED)
    assert result == ProcessError("http://icc.test/1.html", "normalise failed: boom")
