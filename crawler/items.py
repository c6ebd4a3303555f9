"""Crawl stage: the one item every spider yields.

Input: a fetched response (listing, notice, unavailable or failed page).
Output: `PageItem`: provenance of the fetch plus, for notice pages, what the page parser found
(attachment tables included), the attachments fetched with it, and for list pages the URLs
they added to the frontier. The pipeline stores all of it in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from analysis.models import FetchedPage, ParsedNotice


@dataclass(slots=True)
class PageItem:
    page: FetchedPage
    notice: ParsedNotice | None = None
    frontier_kind: str = "notice"  # listing | notice: how the frontier knows this URL
    discovered: list[tuple[str, str]] = field(default_factory=list)  # (url, kind) queued
    detail_links: int | None = None  # list pages: notice links found (source health)
    etag: str | None = None
    last_modified: str | None = None
    attachments: list[FetchedPage] = field(default_factory=list)
