"""Crawl → normalise → store: the pipeline that turns each PageItem into stored records.

Input: `PageItem`s from the spiders (page provenance + parsed notice).
Output: rows in the SQLite store; the page and its notice are written in one transaction (on the
reactor thread, one item at a time), so a crawl killed at any moment leaves either both or neither.
Notices are normalised in worker processes (`crawler.workers`), so a slow page stalls no spider.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from scrapy.utils.defer import maybe_deferred_to_future

from analysis.models import NormalisedNotice, ParsedNotice
from analysis.process import (
    Processed,
    ProcessError,
    process_notice,
    registry_names,
    store_processed,
)
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
from crawler.sources import REGISTRY_SOURCES, SourceError, load_sources
from crawler.state import store_path
from crawler.workers import (
    NormalisePool,
    Normaliser,
    Outcome,
    TimedOut,
    build_pool,
    load_normaliser,
)

logger = logging.getLogger(__name__)

# The taxonomy version of a notice stored without normalisation (its normalising timed out):
# unlike any real version, so `reprocess` re-normalises and replaces it.
UNNORMALISED = "unnormalised"


def unnormalised_notice(parsed: ParsedNotice) -> Processed:
    """A notice kept as parsed (title, text, attachment tables), without dates or positions."""
    notice = NormalisedNotice(
        url=parsed.url,
        title=parsed.title,
        text=parsed.text,
        employer=parsed.employer,
        published=None,
        deadline=None,
        positions=[],
        taxonomy_version=UNNORMALISED,
    )
    return Processed(parsed, notice)


def crawl_registry_names(sources: Any) -> tuple[str, ...]:
    """The names a mixed source's notice may name a registry body by: the crawled sources and
    the project's registry (crawler/sources.yaml), whichever sources file the crawl was given."""
    known = list(sources)
    try:
        known += load_sources(REGISTRY_SOURCES)
    except SourceError as exc:  # the crawl goes on; only the registry's names are missing
        logger.warning("relevance filter without the registry's names: %s", exc)
    return registry_names(known)


class StorePipeline:
    """Writes each PageItem (page, attachments, notice or sighting, frontier changes) in one
    transaction, so a crawl killed at any moment loses nothing and doubles nothing. What a
    notice becomes is decided by `analysis.process`; this class is Scrapy plumbing and stats."""

    def __init__(
        self,
        db_path: str,
        run_id: int,
        stats: StatsCollector,
        *,
        normaliser: Normaliser = process_notice,
        pool: NormalisePool | None = None,
    ) -> None:
        self.db_path = db_path
        self.run_id = run_id
        self.owns_run = not run_id
        self.stats = stats
        self.normaliser = normaliser  # used here only without a pool (ICC_NORMALISE_WORKERS=0)
        self.pool = pool
        self.owns_pool = True
        self.conn: Any = None
        self.lock: CrawlLock | None = None
        self.sources: dict[str, Source] = {}
        self.names: tuple[str, ...] = ()  # registry body names, for mixed sources' relevance

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        settings = crawler.settings
        pipeline = cls(
            store_path(settings),
            settings.getint("ICC_RUN_ID"),
            crawler.stats,
            normaliser=load_normaliser(settings.get("ICC_NORMALISER")),
            pool=build_pool(settings),
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
        self.names = crawl_registry_names(self.sources.values())
        save_sources(self.conn, self.sources.values())
        if self.owns_run:
            interrupt_stale_runs(self.conn)
            self.run_id = start_run(self.conn)
        shared = getattr(spider, "normalise_pool", None)  # `run_crawl`: one for all spiders
        if self.pool is not None and isinstance(shared, NormalisePool):
            self.pool, self.owns_pool = shared, False
        if self.pool is not None:
            self.pool.warm()

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.conn is None:
            return
        try:
            if self.owns_run:
                finish_run(self.conn, self.run_id, status=reason, stats=self.stats.get_stats())
                runs = summarise_run_sources(self.conn, self.run_id, self.sources.values())
                save_run_sources(self.conn, self.run_id, runs)
        finally:
            if self.pool is not None and self.owns_pool:
                self.pool.close()
            self.conn.close()
            self.conn = None
            if self.lock is not None:
                self.lock.release()

    async def process_item(self, item: PageItem) -> PageItem:
        """Normalise the item's notice in a worker (the reactor serves every spider meanwhile),
        then store the item; a listing or failed page is stored at once."""
        outcome: Outcome | None = None
        if item.notice is not None:
            if self.pool is None:
                outcome = self.normaliser(item.notice, fetched_at=item.page.fetched_at)
            else:
                job = self.pool.normalise(item.notice, item.page.fetched_at)
                outcome = await maybe_deferred_to_future(job)
        self.store_item(item, outcome)
        return item

    def judge(self, item: PageItem, outcome: Outcome | None) -> Processed | None:
        """What of the item's notice to store; marks the page when normalising failed."""
        page = item.page
        if isinstance(outcome, ProcessError):  # counted and recorded, never fatal
            logger.warning("%s: %s", page.url, outcome.message)
            self.stats.inc_value("icc/normalise/error")
            page.page_kind, page.error = "error", outcome.message
            return None
        if isinstance(outcome, TimedOut) and item.notice is not None:
            # Stored with its text and flagged, never lost: `reprocess` normalises it later.
            logger.warning("%s: %s", page.url, outcome.message)
            self.stats.inc_value("icc/normalise/timeout")
            page.error = outcome.message
            return unnormalised_notice(item.notice)
        return outcome if isinstance(outcome, Processed) else None

    def store_item(self, item: PageItem, outcome: Outcome | None) -> None:
        """Write the item (page, attachments, notice, frontier) in one transaction."""
        page = item.page
        source = self.sources.get(page.source_id) or Source(id=page.source_id, name=page.source_id)
        processed = self.judge(item, outcome)
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
                    stored = store_processed(
                        self.conn, page_id, processed, source=source, names=self.names
                    )
                    self.stats.inc_value(f"icc/store/notice_{stored.outcome}")
                    if stored.gate != "notice":  # kept as a page, without positions
                        self.stats.inc_value(f"icc/gate/{stored.gate}")
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
