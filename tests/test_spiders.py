"""Spiders: a real crawl of the bundled mirror served on 127.0.0.1 by this test.

Checks navigation (TRS createPageHTML paging, JCMS 下一页, job-board page/N/, WeChat URL lists),
GBK decoding, the WARC archive behind every stored page, unavailable pages, and that a
second crawl is incremental (known notices are not fetched again).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from warcio.archiveiterator import ArchiveIterator

from crawler.mirror.build import load_notices
from crawler.mirror.server import serve_mirror
from crawler.sources import MIRROR_SOURCES

REPO = Path(__file__).resolve().parents[1]
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=WARNING"]


def loopback_sources(base_url: str, target: Path) -> Path:
    """The mirror's source list with start URLs on the test server (no proxy involved)."""
    data = yaml.safe_load(MIRROR_SOURCES.read_text(encoding="utf-8"))
    for source in data["sources"]:
        source["start_urls"] = [base_url + u for u in source["start_urls"]]
    target.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return target


def crawl(sources: Path, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis",
            "crawl",
            "--sources",
            str(sources),
            "--db",
            str(db),
            *FAST,
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={k: v for k, v in os.environ.items() if k != "ICC_TALENT_DB"},
        timeout=300,
    )


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    tmp = tmp_path_factory.mktemp("crawl")
    db = tmp / "store.sqlite"
    with serve_mirror() as base_url:
        sources = loopback_sources(base_url, tmp / "sources.yaml")
        first = crawl(sources, db)
        second = crawl(sources, db)
    return {"db": db, "first": first, "second": second, "base": base_url}


def query(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_first_crawl_stores_every_notice(crawled: dict) -> None:
    first = crawled["first"]
    assert first.returncode == 0, first.stderr[-2000:]
    expected = load_notices()["notices"]
    stored = query(crawled["db"], "SELECT count(*) FROM notices")[0][0]
    assert stored == len(expected)
    assert "New: " in first.stdout


def test_news_items_are_not_taken_for_notices(crawled: dict) -> None:
    titles = {t for (t,) in query(crawled["db"], "SELECT title FROM notices")}
    for news in load_notices()["news"]:
        assert news["title"] not in titles


def test_gbk_pages_are_decoded(crawled: dict) -> None:
    rows = query(
        crawled["db"],
        "SELECT n.title, p.encoding FROM notices n JOIN pages p ON p.id = n.page_id "
        "WHERE n.source_id = 'mirror-icc-yunling'",
    )
    assert rows
    icc_titles = {n["title"] for n in load_notices()["notices"] if n["site"] == "icc"}
    assert {title for title, _ in rows} == icc_titles
    assert {enc for _, enc in rows} <= {"gb18030"}


def test_deleted_wechat_article_is_recorded_as_unavailable(crawled: dict) -> None:
    rows = query(crawled["db"], "SELECT error FROM pages WHERE page_kind = 'unavailable'")
    assert [r[0] for r in rows] == ["deleted"]


def test_every_page_points_to_its_warc_record(crawled: dict) -> None:
    rows = query(crawled["db"], "SELECT url, archive_path, archive_offset, content_hash FROM pages")
    assert rows
    for url, path, offset, _hash in rows:
        with open(path, "rb") as fh:
            fh.seek(offset)
            record = next(iter(ArchiveIterator(fh)))
            assert record.rec_headers.get_header("WARC-Target-URI") == url
            assert record.http_headers.get_statuscode() == "200"


def test_second_crawl_is_incremental(crawled: dict) -> None:
    second = crawled["second"]
    assert second.returncode == 0, second.stderr[-2000:]
    assert "Nothing new" in second.stdout
    assert " 0 notice," in second.stdout  # no detail page fetched again
    stored = query(crawled["db"], "SELECT count(*) FROM notices")[0][0]
    assert stored == len(load_notices()["notices"])
    runs = query(crawled["db"], "SELECT notices_new FROM crawl_runs ORDER BY id")
    assert runs[0][0] == stored and runs[1][0] == 0


def test_unreachable_source_fails_cleanly_and_keeps_the_store(
    crawled: dict, tmp_path: Path
) -> None:
    before = query(crawled["db"], "SELECT count(*) FROM notices")[0][0]
    dead = tmp_path / "dead.yaml"
    dead.write_text(
        "sources:\n  - id: dead\n    kind: cms\n    start_urls: ['http://127.0.0.1:9/zpxx/']\n",
        encoding="utf-8",
    )
    result = crawl(dead, crawled["db"])
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "1 errors" in result.stdout
    assert query(crawled["db"], "SELECT count(*) FROM notices")[0][0] == before
