"""Crawl → normalise → store: the pipeline that turns each PageItem into stored records.

Input: `PageItem`s from the spiders (page provenance + parsed notice).
Output: rows in the SQLite store; the page and its notice are written in one transaction,
so a crawl killed at any moment leaves either both or neither.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from analysis.process import Processed, ProcessError, process_notice, store_processed
from analysis.source import Source
from analysis.store import (
    connect,
    finish_run,
    frontier_add,
    frontier_mark,
    interrupt_stale_runs,
    save_page,
    save_run_sources,
    save_sources,
    start_run,
    summarise_run_sources,
    touch_page,
    transaction,
)
from crawler.items import PageItem
from crawler.lock import CrawlLock
from crawler.state import store_path

logger = logging.getLogger(__name__)


class StorePipeline:
    """Writes each PageItem (page, attachments, notice or sighting, frontier changes) in one
    transaction, so a crawl killed at any moment loses nothing and doubles nothing. What a
    notice becomes is decided by `analysis.process`; this class is Scrapy plumbing and stats."""

    def __init__(self, db_path: str, run_id: int, stats: StatsCollector) -> None:
        self.db_path = db_path
        self.run_id = run_id
        self.owns_run = not run_id
        self.stats = stats
        self.conn: Any = None
        self.lock: CrawlLock | None = None
        self.sources: dict[str, Source] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        pipeline = cls(
            store_path(crawler.settings), crawler.settings.getint("ICC_RUN_ID"), crawler.stats
        )
        if pipeline.owns_run:  # `scrapy crawl`: this process is the crawl, so it takes the lock
            pipeline.lock = CrawlLock(pipeline.db_path, what="scrapy crawl")
            pipeline.lock.acquire()
        crawler.signals.connect(pipeline.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def spider_opened(self, spider: Any) -> None:
        self.conn = connect(self.db_path)
        self.sources = dict(getattr(spider, "sources_by_id", {}))
        save_sources(self.conn, self.sources.values())
        if self.owns_run:
            interrupt_stale_runs(self.conn)
            self.run_id = start_run(self.conn)

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.conn is None:
            return
        try:
            if self.owns_run:
                finish_run(self.conn, self.run_id, status=reason, stats=self.stats.get_stats())
                runs = summarise_run_sources(self.conn, self.run_id, self.sources.values())
                save_run_sources(self.conn, self.run_id, runs)
        finally:
            self.conn.close()
            self.conn = None
            if self.lock is not None:
                self.lock.release()

    def process_item(self, item: PageItem) -> PageItem:
        page = item.page
        source = self.sources.get(page.source_id) or Source(id=page.source_id, name=page.source_id)
        processed: Processed | None = None
        if item.notice is not None:
            result = process_notice(item.notice, fetched_at=page.fetched_at)
            if isinstance(result, ProcessError):  # counted and recorded, never fatal
                logger.warning("%s: %s", page.url, result.message)
                self.stats.inc_value("icc/normalise/error")
                page.page_kind, page.error = "error", result.message
            else:
                processed = result
        run_id = self.run_id or None
        with transaction(self.conn):
            if page.page_kind == "not_modified":
                touch_page(self.conn, page.url, run_id, page.fetched_at)
            else:
                page_id = save_page(
                    self.conn,
                    page,
                    run_id,
                    etag=item.etag,
                    last_modified=item.last_modified,
                    detail_links=item.detail_links,
                )
                for attachment in item.attachments:
                    save_page(self.conn, attachment, run_id, parent_url=page.url)
                if processed is not None:
                    stored = store_processed(self.conn, page_id, processed, source=source)
                    self.stats.inc_value(f"icc/store/notice_{stored.outcome}")
                    if stored.outcome == "new":
                        self.stats.inc_value("icc/store/position_new", stored.positions)
            if item.discovered:
                frontier_add(
                    self.conn,
                    [(url, page.source_id, kind) for url, kind in item.discovered],
                    run_id,
                )
            frontier_mark(
                self.conn,
                page.url,
                ok=page.page_kind != "error",
                source_id=page.source_id,
                kind=item.frontier_kind,
                error=page.error if page.page_kind == "error" else None,
                run_id=run_id,
            )
        return item
