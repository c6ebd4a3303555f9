"""Crawl stage: run the spiders for a list of sources in this process and record the run.

Input: validated sources, the store path, the archive directory, optional setting overrides.
Output: a `CrawlResult` (per-run totals counted from the store, plus Scrapy's stats).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from analysis.store import connect, finish_run, save_sources, start_run
from crawler.spiders.base import NoticeSpider
from crawler.spiders.cms import CmsSpider
from crawler.spiders.jobboard import JobboardSpider
from crawler.spiders.wechat import WechatSpider

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
    "icc/store/position_new",
    "icc/archive/records",
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

    @property
    def errors(self) -> int:
        return self.stats.get("icc/page/error", 0)


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
    sources: list[dict[str, Any]],
    *,
    db_path: Path,
    archive_dir: Path,
    overrides: dict[str, Any] | None = None,
) -> CrawlResult:
    """Crawl every source with the spider of its kind; blocks until all spiders finish."""
    conn = connect(db_path)
    try:
        save_sources(conn, sources)
        run_id = start_run(conn, archive_path=str(archive_dir))
    finally:
        conn.close()
    settings = build_settings(db_path, archive_dir, run_id, **(overrides or {}))
    process = CrawlerProcess(settings)
    crawlers = []
    for kind, spider_cls in SPIDERS.items():
        kind_sources = [s for s in sources if s["kind"] == kind]
        if kind_sources:
            crawler = process.create_crawler(spider_cls)
            crawlers.append(crawler)
            # Scrapy installs its log handler when the crawl starts: filter it then.
            crawler.signals.connect(quiet_tracebacks, signal=signals.engine_started)
            process.crawl(crawler, sources=kind_sources)
    process.start()
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
    finally:
        conn.close()
    return CrawlResult(run_id, totals, stats, reasons)
