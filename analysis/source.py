"""Shared record type of the source registry: which site to crawl, and who is hiring there.

Input: nothing (pure data definitions).
Output: `Source` (and its `SourceProvenance`), loaded and validated by `crawler.sources` from the
registry YAML, stored by `analysis.store` and read by the spiders, the Process stage and the CLI.
Kept out of the mypyc-compiled `analysis.models`: the loader validates entries against these
classes' type hints, which compiled classes do not keep.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SourceProvenance:
    """Where a registry entry came from (the shared ICC fact file, as `crawler.registry` seeds it)."""

    registry: str
    websites_as_stated: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Source:
    """One entry of a source registry (`crawler/sources.yaml`, `mirror/sources.yaml`): a site to
    crawl and the hiring body behind it. `crawler.sources` loads and validates it; the store keeps
    it in `sources` (the columns below `parent` in its meta JSON)."""

    id: str
    name: str
    kind: str = "cms"  # cms | wechat | jobboard: which spider and page parser
    start_urls: tuple[str, ...] = ()  # empty: listed, not crawled until one is filled in
    employer: str | None = None  # fallback when the notice page names none
    employer_en: str | None = None
    level: str | None = None  # national | provincial | city | county
    province: str | None = None
    city: str | None = None
    parent: str | None = None  # the body the employer belongs to
    accounts: tuple[str, ...] = ()  # brands and social-media accounts
    needs_verification: bool = False
    provenance: SourceProvenance | None = None
    aggregator: bool = False  # reposts other bodies' notices: its copies become sightings
    # carries many bodies' notices (a personnel portal; an aggregator is mixed too): a notice
    # not about international communication (analysis.relevance) is kept without positions
    mixed: bool = False
    link_keywords: tuple[str, ...] | None = None  # a list link is a notice when it holds one
    detail_selector: str | None = None  # CSS selecting the notice links on a list page
    max_pages: int | None = None  # list pages per run (None: the ICC_MAX_LIST_PAGES setting)
    biz: tuple[str, ...] = ()  # WeChat __biz ids of the source's accounts ({biz} in a feed URL)
    feed_accounts: tuple[str, ...] = ()  # the feed engine's ids of them ({account})
    feed_template: str | None = None  # feed URL template (None: ICC_WECHAT_FEED_TEMPLATE)
