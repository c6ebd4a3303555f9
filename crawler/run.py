"""Crawl stage: run the spiders for a list of sources in this process and record the run.

Input: validated sources, the store path, the archive directory, optional setting overrides.
Output: a `CrawlResult`: per-run totals counted from the store, Scrapy's stats, and one health
record per source (pages, new notices, errors, zero/low yield against its history), and the
file Scrapy's log went to. The store's crawl lock is held throughout, so two crawls of one store
never interleave.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings

from analysis.source import Source
from analysis.store import (
    SourceRun,
    connect,
    finish_run,
    interrupt_stale_runs,
    save_run_sources,
    save_sources,
    start_run,
    summarise_run_sources,
)
from crawler.lock import crawl_lock
from crawler.spiders.base import NoticeSpider
from crawler.spiders.cms import CmsSpider
from crawler.spiders.jobboard import JobboardSpider
from crawler.spiders.wechat import WechatSpider
from crawler.workers import build_pool

SPIDERS: dict[str, type[NoticeSpider]] = {
    spider.kind: spider for spider in (CmsSpider, JobboardSpider, WechatSpider)
}

# Counters summed over all spiders of one run; the names are Scrapy stats keys.
SUMMED_STATS = (
    "icc/page/listing",
    "icc/page/notice",
    "icc/page/unavailable",
    "icc/page/error",
    "icc/page/known_skipped",
    "icc/store/notice_new",
    "icc/store/notice_sighting",
    "icc/frontier/resumed",
    "icc/listing/paging_stopped",
    "icc/page/not_modified",
    "icc/attachment/fetched",
    "icc/attachment/error",
    "icc/store/position_new",
    "icc/archive/records",
    "icc/normalise/error",
    "icc/normalise/timeout",
    "icc/gate/not_recruitment",
    "icc/gate/not_relevant",
    "downloader/request_count",
    "downloader/response_count",
)


class OneLineErrors(logging.Filter):
    """Drop tracebacks from log records: a failed page is one line, not forty (unless debugging)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            record.msg = f"{record.getMessage()}: {record.exc_info[1]!r}"
            record.args = ()
        record.exc_info = None
        record.exc_text = None
        return True


def quiet_tracebacks() -> None:
    if os.environ.get("ICC_TALENT_DEBUG"):
        return
    for handler in logging.root.handlers:
        if not any(isinstance(f, OneLineErrors) for f in handler.filters):
            handler.addFilter(OneLineErrors())


@dataclass(slots=True)
class CrawlResult:
    run_id: int
    totals: dict[str, int]
    stats: dict[str, int] = field(default_factory=dict)
    finish_reasons: list[str] = field(default_factory=list)
    sources: list[SourceRun] = field(default_factory=list)
    elapsed: float = 0.0  # seconds the spiders ran (Scrapy's start to its stop)
    active: float = 0.0  # seconds from the first request sent to the last item stored
    log_file: Path | None = None  # where Scrapy's log went (None: the console)

    @property
    def errors(self) -> int:
        return self.stats.get("icc/page/error", 0)

    @property
    def failed_sources(self) -> list[SourceRun]:
        return [s for s in self.sources if s.health == "failed"]


class Timeline:
    """When the first request reached a downloader and the last item left the pipelines, over
    every spider of the run: the crawl's working time without start-up and shut-down."""

    def __init__(self) -> None:
        self.first_request: float | None = None
        self.last_item: float | None = None

    def connect(self, crawler: Crawler) -> None:
        crawler.signals.connect(self.request_sent, signal=signals.request_reached_downloader)
        crawler.signals.connect(self.item_done, signal=signals.item_scraped)
        crawler.signals.connect(self.item_done, signal=signals.item_dropped)

    def request_sent(self, **_: Any) -> None:
        if self.first_request is None:
            self.first_request = time.monotonic()

    def item_done(self, **_: Any) -> None:
        self.last_item = time.monotonic()

    @property
    def seconds(self) -> float:
        if self.first_request is None or self.last_item is None:
            return 0.0
        return max(0.0, self.last_item - self.first_request)


class CrawlProgress:
    """Running counts over every spider of the run, told to `say` as the crawl goes: a line
    when a spider starts or stops, and the totals as pages arrive (the caller throttles).
    Only page counts: how many notices are new is decided against the store at the end (a
    repost stored first can turn out a sighting), and the summary says it."""

    COUNTS = (
        ("downloader/response_count", "pages fetched"),
        ("icc/page/notice", "notice pages read"),
        ("icc/page/error", "errors"),
    )

    def __init__(self, say: Callable[[str], None], tick: Callable[[str], None]) -> None:
        self.say = say
        self.tick = tick
        self.crawlers: list[Crawler] = []
        self.spiders: list[_SpiderProgress] = []

    def connect(self, crawler: Crawler, n_sources: int) -> None:
        self.crawlers.append(crawler)
        spider = _SpiderProgress(self, crawler.spidercls.name, n_sources)
        self.spiders.append(spider)  # Scrapy holds receivers weakly: keep them alive here
        crawler.signals.connect(spider.opened, signal=signals.spider_opened)
        crawler.signals.connect(spider.closed, signal=signals.spider_closed)
        crawler.signals.connect(spider.received, signal=signals.response_received)

    def counts(self) -> str:
        totals = dict.fromkeys((label for _, label in self.COUNTS), 0)
        for crawler in self.crawlers:
            for key, label in self.COUNTS:
                totals[label] += int(crawler.stats.get_value(key, 0)) if crawler.stats else 0
        return ", ".join(f"{n:,} {label}" for label, n in totals.items())


class _SpiderProgress:
    """One spider's signal receivers for `CrawlProgress`."""

    def __init__(self, run: CrawlProgress, name: str, n_sources: int) -> None:
        self.run, self.name, self.n_sources = run, name, n_sources

    def opened(self, **_: Any) -> None:
        plural = "s" if self.n_sources != 1 else ""
        self.run.say(f"{self.name}: crawling {self.n_sources} source{plural}")

    def closed(self, reason: str = "", **_: Any) -> None:
        self.run.say(f"{self.name}: {reason or 'finished'}; run so far: {self.run.counts()}")

    def received(self, **_: Any) -> None:
        self.run.tick(self.run.counts())


def build_settings(db_path: Path, archive_dir: Path, run_id: int, **overrides: Any) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("ICC_DB", str(db_path), priority="cmdline")
    settings.set("ICC_ARCHIVE_DIR", str(archive_dir), priority="cmdline")
    settings.set("ICC_RUN_ID", run_id, priority="cmdline")
    settings.set("LOG_INSTALL_ROOT_HANDLER", True, priority="cmdline")
    for key, value in overrides.items():
        settings.set(key, value, priority="cmdline")
    return settings


def run_crawl(
    sources: list[Source],
    *,
    db_path: Path,
    archive_dir: Path,
    overrides: dict[str, Any] | None = None,
    log_dir: Path | None = None,
    progress: CrawlProgress | None = None,
) -> CrawlResult:
    """Crawl every source with the spider of its kind; blocks until all spiders finish.

    With `log_dir`, Scrapy's log goes to `log_dir/crawl-run<id>.log` instead of the console;
    `progress` is told what the spiders do. Raises `crawler.lock.CrawlLockedError` when
    another crawl holds the store.
    """
    with crawl_lock(db_path):
        return _run_locked(sources, db_path, archive_dir, overrides or {}, log_dir, progress)


def _run_locked(
    sources: list[Source],
    db_path: Path,
    archive_dir: Path,
    overrides: dict[str, Any],
    log_dir: Path | None,
    progress: CrawlProgress | None,
) -> CrawlResult:
    conn = connect(db_path)
    try:
        interrupt_stale_runs(conn)  # runs a killed crawl left open; the lock says none is live
        save_sources(conn, sources)
        run_id = start_run(conn, archive_path=str(archive_dir))
    finally:
        conn.close()
    log_file = None
    if log_dir is not None and "LOG_FILE" not in overrides:
        log_dir.mkdir(parents=True, exist_ok=True)
        log_file = log_dir / f"crawl-run{run_id}.log"
        overrides = {**overrides, "LOG_FILE": str(log_file)}
    settings = build_settings(db_path, archive_dir, run_id, **overrides)
    process = CrawlerProcess(settings)
    pool = build_pool(settings)  # one set of normalise workers for every spider of the run
    crawlers = []
    timeline = Timeline()
    for kind, spider_cls in SPIDERS.items():
        kind_sources = [s for s in sources if s.kind == kind]
        if kind_sources:
            crawler = process.create_crawler(spider_cls)
            crawlers.append(crawler)
            timeline.connect(crawler)
            if progress is not None:
                progress.connect(crawler, len(kind_sources))
            # Scrapy installs its log handler when the crawl starts: filter it then.
            crawler.signals.connect(quiet_tracebacks, signal=signals.engine_started)
            process.crawl(crawler, sources=kind_sources, normalise_pool=pool)
    started = time.monotonic()
    try:
        process.start()
    finally:
        if pool is not None:
            pool.close()
    elapsed = time.monotonic() - started
    stats: dict[str, int] = {}
    reasons = []
    for crawler in crawlers:
        crawler_stats = crawler.stats.get_stats() if crawler.stats else {}
        reasons.append(str(crawler_stats.get("finish_reason", "unknown")))
        for key in SUMMED_STATS:
            stats[key] = stats.get(key, 0) + int(crawler_stats.get(key, 0))
    status = "finished" if all(r == "finished" for r in reasons) else ",".join(reasons)
    conn = connect(db_path)
    try:
        totals = finish_run(
            conn,
            run_id,
            status=status,
            stats=stats | {"errors": stats.get("icc/page/error", 0)},
        )
        per_source = summarise_run_sources(conn, run_id, sources)
        save_run_sources(conn, run_id, per_source)
    finally:
        conn.close()
    return CrawlResult(
        run_id, totals, stats, reasons, per_source, elapsed, timeline.seconds, log_file
    )
