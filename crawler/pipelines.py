"""Crawl → normalise → store: the pipeline that turns each PageItem into stored records.

Input: `PageItem`s from the spiders (page provenance + parsed notice).
Output: rows in the SQLite store; the page and its notice are written in one transaction,
so a crawl killed at any moment leaves either both or neither.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from analysis.normalise import normalise_notice
from analysis.store import (
    connect,
    finish_run,
    save_notice,
    save_page,
    save_sources,
    start_run,
    transaction,
)
from crawler.items import PageItem

logger = logging.getLogger(__name__)


def db_path_from(settings: Any) -> str:
    """`ICC_TALENT_DB` in the environment wins over the ICC_DB setting."""
    return os.environ.get("ICC_TALENT_DB") or settings.get("ICC_DB")


class StorePipeline:
    def __init__(self, db_path: str, run_id: int, stats: StatsCollector) -> None:
        self.db_path = db_path
        self.run_id = run_id
        self.owns_run = not run_id
        self.stats = stats
        self.conn: Any = None
        self.sources: dict[str, dict[str, Any]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        pipeline = cls(
            db_path_from(crawler.settings), crawler.settings.getint("ICC_RUN_ID"), crawler.stats
        )
        crawler.signals.connect(pipeline.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def spider_opened(self, spider: Any) -> None:
        self.conn = connect(self.db_path)
        self.sources = dict(getattr(spider, "sources_by_id", {}))
        save_sources(self.conn, self.sources.values())
        if self.owns_run:
            self.run_id = start_run(self.conn)

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.conn is None:
            return
        if self.owns_run:
            finish_run(self.conn, self.run_id, status=reason, stats=self.stats.get_stats())
        self.conn.close()
        self.conn = None

    def process_item(self, item: PageItem) -> PageItem:
        source = self.sources.get(item.page.source_id, {"id": item.page.source_id})
        normalised = None
        if item.notice is not None:
            try:
                normalised = normalise_notice(item.notice, fetched_at=item.page.fetched_at)
            except Exception as exc:  # a bad notice is counted and skipped, never fatal
                logger.warning("cannot normalise %s: %s", item.page.url, exc)
                self.stats.inc_value("icc/normalise/error")
                item.page.page_kind, item.page.error = "error", f"normalise failed: {exc}"
        with transaction(self.conn):
            page_id = save_page(self.conn, item.page, self.run_id or None)
            if normalised is not None:
                _, created = save_notice(self.conn, page_id, normalised, source=source)
                if created:
                    self.stats.inc_value("icc/store/notice_new")
                    self.stats.inc_value("icc/store/position_new", len(normalised.positions))
        return item
