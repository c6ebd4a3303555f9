"""Crawl stage: the one item every spider yields.

Input: a fetched response (listing, notice, unavailable or failed page).
Output: `PageItem`: provenance of the fetch plus, for notice pages, what the page parser found.
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis.models import FetchedPage, ParsedNotice


@dataclass(slots=True)
class PageItem:
    page: FetchedPage
    notice: ParsedNotice | None = None
