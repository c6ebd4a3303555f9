"""Crawl stage: which store a crawl writes to, and what the spiders need to know from it.

Input: Scrapy settings (ICC_DB, ICC_REFETCH_KNOWN) and the environment (ICC_TALENT_DB); the store.
Output: `store_path`, the one place the store path is decided, and `CrawlState`: the notice
URLs already stored, the frontier an interrupted run left, and list-page validators, read once
when a spider opens so that spiders only navigate.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field

from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

from analysis.store import conditional_headers, connect, frontier_resume, known_notice_urls

DB_ENV = "ICC_TALENT_DB"


def store_path(settings: BaseSettings) -> str:
    """The store of this crawl. An ICC_DB given above the project default wins (`icc-talent
    crawl --db` resolves the path, `--db` over $ICC_TALENT_DB, and passes it so; so does
    `scrapy crawl -s ICC_DB=…`); else $ICC_TALENT_DB; else the ICC_DB of crawler/settings.py."""
    given = settings.getpriority("ICC_DB") or 0
    if given > SETTINGS_PRIORITIES["project"]:
        return str(settings.get("ICC_DB"))
    return os.environ.get(DB_ENV) or str(settings.get("ICC_DB"))


@dataclass(frozen=True, slots=True)
class CrawlState:
    """What a spider starts from: URLs not to fetch again, URLs left to fetch, validators."""

    known_urls: frozenset[str] = frozenset()
    resume: list[tuple[str, str, str]] = field(default_factory=list)  # (url, source_id, kind)
    validators: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)


def load_crawl_state(db_path: str, source_ids: Iterable[str], *, refetch_known: bool) -> CrawlState:
    """The crawl state of `source_ids` in the store; with `refetch_known` nothing counts as
    known and list pages are requested without validators."""
    conn = connect(db_path)
    try:
        resume = frontier_resume(conn, source_ids)
        if refetch_known:
            return CrawlState(resume=resume)
        return CrawlState(frozenset(known_notice_urls(conn)), resume, conditional_headers(conn))
    finally:
        conn.close()
