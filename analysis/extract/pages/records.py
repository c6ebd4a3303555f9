"""Extract stage: result types of the page parsers besides ParsedNotice.

Input: nothing (pure data definitions).
Output: `Listing` (what a list page links to) and `Unavailable` (a page that exists but
shows no notice: deleted, blocked, expired, verification wall).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Listing:
    """Links found on a list page: notice pages and further list pages, absolute URLs."""

    detail_urls: list[str] = field(default_factory=list)
    next_urls: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Unavailable:
    """A fetched page that holds no notice; `reason` is a short machine-readable tag."""

    url: str
    reason: str
    message: str = ""
