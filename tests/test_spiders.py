"""Spiders: a real crawl of the bundled mirror served on 127.0.0.1 by this test.

Checks navigation (TRS createPageHTML paging, JCMS 下一页, job-board page/N/, WeChat URL lists),
GBK decoding, the WARC archive behind every stored page, unavailable pages, and that a
second crawl is incremental (known notices are not fetched again).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from warcio.archiveiterator import ArchiveIterator

from mirror import SOURCES_PATH as MIRROR_SOURCES
from mirror.build import load_notices
from mirror.server import Route, serve_mirror

REPO = Path(__file__).resolve().parents[1]
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=WARNING"]


def loopback_sources(base_url: str, target: Path) -> Path:
    """The mirror's source list with start URLs on the test server (no proxy involved)."""
    data = yaml.safe_load(MIRROR_SOURCES.read_text(encoding="utf-8"))
    for source in data["sources"]:
        source["start_urls"] = [base_url + u for u in source["start_urls"]]
    target.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return target


def crawl_command(sources: Path, db: Path, *extra: str) -> list[str]:
    """`icc-talent crawl` of `sources` into `db`, delays off."""
    return [
        *(sys.executable, "-m", "analysis", "crawl"),
        *("--sources", str(sources), "--db", str(db)),
        *FAST,
        *extra,
    ]


def crawl_env() -> dict[str, str]:
    """The environment without ICC_TALENT_DB, so --db decides."""
    return {k: v for k, v in os.environ.items() if k != "ICC_TALENT_DB"}


def crawl(sources: Path, db: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        crawl_command(sources, db, *extra),
        capture_output=True,
        text=True,
        cwd=REPO,
        env=crawl_env(),
        timeout=300,
    )


def crawl_routes(
    tmp: Path, source: dict[str, Any], routes: Mapping[str, Route], *extra: str
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """Crawl the one `source` into tmp/store.sqlite, every URL answered by `routes` (the test
    server as the crawl's proxy); the store's path and the finished crawl."""
    sources = tmp / "sources.yaml"
    sources.write_text(yaml.safe_dump({"sources": [source]}, allow_unicode=True), "utf-8")
    db = tmp / "store.sqlite"
    with serve_mirror(None, routes=routes) as proxy:
        done = crawl(sources, db, "-s", f"ICC_HTTP_PROXY={proxy}", *extra)
    return db, done


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


def test_every_wechat_error_page_is_recorded_as_unavailable(crawled: dict) -> None:
    rows = query(crawled["db"], "SELECT error FROM pages WHERE page_kind = 'unavailable'")
    assert sorted(r[0] for r in rows) == [
        "deleted",
        "link_expired",
        "temporarily_unavailable",
        "verification",
        "violation",
    ]


@pytest.mark.parametrize("ext", ["pdf", "xlsx", "xls", "docx"])
def test_attachment_tables_of_each_format_are_read_with_provenance(crawled: dict, ext: str) -> None:
    pages = query(
        crawled["db"],
        f"SELECT url, error, archive_path, parent_url FROM pages WHERE page_kind = 'attachment' "
        f"AND url LIKE '%.{ext}' AND error IS NULL",
    )
    assert pages, ext
    for url, _, archive, parent in pages:
        assert archive and parent
        rows = query(
            crawled["db"],
            f"SELECT sheet, row, title, headcount FROM table_rows WHERE file = '{url}' ORDER BY row",
        )
        if url.endswith("388809.pdf"):
            continue  # the registration form: text only, no position table
        assert rows, url
        assert rows[0][1] == 4  # title row, note row, header row, then the first position
        assert all(title and headcount for _, _, title, headcount in rows)


def test_hostile_attachments_are_recorded_and_skipped(crawled: dict) -> None:
    rows = dict(
        query(
            crawled["db"],
            "SELECT substr(url, -7), error FROM pages WHERE parent_url IS NOT NULL "
            "AND url LIKE '%P0202512093888%'",
        )
    )
    assert "corrupt" in rows["10.xlsx"]
    assert "decompression bomb" in rows["11.xlsx"]
    assert "entit" in rows["12.xlsx"]
    assert "password-protected" in rows["13.xlsx"] and "password-protected" in rows["814.pdf"]
    assert "max size" in rows["815.pdf"]
    assert "legacy" in rows["816.doc"]
    assert "817.xls" not in rows  # a name list (personal data) is never fetched
    titles = {t for (t,) in query(crawled["db"], "SELECT title FROM notices")}
    assert "云岭国际传播中心2025年第四批公开招聘公告" in titles


def test_aggregator_repost_is_a_sighting_of_the_official_notice(crawled: dict) -> None:
    rows = query(
        crawled["db"],
        "SELECT s.url, n.url FROM sightings s JOIN notices n ON n.id = s.notice_id",
    )
    assert len(rows) == 1
    repost, official = rows[0]
    assert "/agg/exam/" in repost and "/icc/zpxx/" in official


def test_rss_feed_is_read_as_a_list_page(crawled: dict) -> None:
    rows = query(crawled["db"], "SELECT detail_links FROM pages WHERE url LIKE '%/rsj/rss.xml'")
    assert rows and rows[0][0] >= 5


def test_run_records_per_source_health(crawled: dict) -> None:
    rows = query(
        crawled["db"],
        "SELECT run_id, source_id, health, listing_pages, notices_new FROM crawl_run_sources",
    )
    first = {r[1]: r for r in rows if r[0] == 1}
    assert set(first) == {
        "mirror-icc-yunling",
        "mirror-rsj-zhijiang",
        "mirror-wechat-haihe",
        "mirror-jobs-silkroad",
        "mirror-agg-tihai",
    }
    assert all(r[2] == "ok" for r in first.values())
    assert first["mirror-icc-yunling"][3] == 3  # createPageHTML paging: three list pages
    second = {r[1]: r for r in rows if r[0] == 2}
    assert all(r[2] == "ok" and r[4] == 0 for r in second.values())


def test_every_page_points_to_its_warc_record(crawled: dict) -> None:
    rows = query(
        crawled["db"],
        "SELECT url, archive_path, archive_offset, content_hash FROM pages WHERE status != 0",
    )  # status 0: nothing was received (the oversized attachment), so nothing to archive
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
    stats = json.loads(query(crawled["db"], "SELECT stats FROM crawl_runs WHERE id = 2")[0][0])
    assert stats.get("icc/page/not_modified", 0) >= 4  # start pages answered 304
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


def icc_talent(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args, "--db", str(db)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=crawl_env(),
        timeout=300,
    )


def test_show_prints_provenance_and_the_archived_source(crawled: dict) -> None:
    notice_id, url = query(
        crawled["db"],
        "SELECT n.id, n.url FROM notices n WHERE n.url LIKE '%/icc/zpxx/202403/%'",
    )[0]
    result = icc_talent("show", str(notice_id), db=crawled["db"])
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert url in out and ".warc.gz @ " in out and "matches the archived body" in out
    assert "attachment: " in out and "--- archived response: HTTP 200" in out
    assert "decoded as gb18030" in out
    raw = subprocess.run(
        [sys.executable, "-m", "analysis", "show", url, "--raw", "--db", str(crawled["db"])],
        capture_output=True,
        cwd=REPO,
        timeout=300,
    )
    assert raw.returncode == 0 and "云岭".encode("gbk") in raw.stdout
    missing = icc_talent("show", "99999", db=crawled["db"])
    assert missing.returncode == 1 and missing.stderr.startswith("error: no stored notice")


def test_reprocess_over_the_archive_changes_nothing_when_nothing_changed(crawled: dict) -> None:
    before = query(crawled["db"], "SELECT id, text_hash, updated_at FROM notices ORDER BY id")
    result = icc_talent("reprocess", db=crawled["db"])
    assert result.returncode == 0, result.stderr
    assert f"{len(before)} unchanged" in result.stdout and "1 sightings" in result.stdout
    after = query(crawled["db"], "SELECT id, text_hash, updated_at FROM notices ORDER BY id")
    assert after == before


def test_crawl_prints_its_progress_and_sends_scrapy_log_to_a_file(crawled: dict) -> None:
    first = crawled["first"]
    folder = crawled["db"].parent / "store"  # the folder named after store.sqlite
    progress = [line for line in first.stderr.splitlines() if line.startswith("crawl: ")]
    assert any("cms: crawling 3 sources" in line for line in progress), first.stderr[-2000:]
    assert any("pages fetched" in line for line in progress)
    assert "[scrapy" not in first.stderr, "Scrapy's log belongs in the log file"
    log = folder / "logs" / "crawl-run1.log"
    assert log.is_file() and f"Scrapy's log: {log}" in first.stdout
    assert sorted(p.name for p in folder.iterdir()) == ["archive", "logs"]


def test_the_crawl_archive_indexes_and_every_page_is_found_by_url(crawled: dict) -> None:
    """pywb's indexer (cdxj-indexer) reads every WARC file of the crawl; each stored page is in
    the index at the offset the store keeps."""
    main = pytest.importorskip("cdxj_indexer.main")
    folder = crawled["db"].parent / "store" / "archive"
    files = sorted(str(p) for p in folder.glob("*.warc.gz"))
    index = crawled["db"].parent / "crawl.cdxj"
    main.CDXJIndexer(output=str(index), inputs=files).process_all()
    entries = {
        (fields["url"], fields["filename"], int(fields["offset"]))
        for fields in (json.loads(line.split(" ", 2)[2]) for line in index.read_text().splitlines())
    }
    rows = query(
        crawled["db"], "SELECT url, archive_path, archive_offset FROM pages WHERE status != 0"
    )
    assert rows
    for url, path, offset in rows:
        assert (url, Path(path).name, offset) in entries, url
