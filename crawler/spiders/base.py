"""Crawl stage: the base spider every kind shares.

Input: source-registry entries of one kind (`cms`, `wechat`, `jobboard`).
Output: `PageItem`s for every fetched page (listing, notice, unavailable, error).
Spiders only navigate; all parsing is done by the pure functions in `crawler.pages`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import scrapy
from parsel import Selector
from scrapy.crawler import Crawler
from scrapy.http import Response
from twisted.python.failure import Failure

from analysis.models import FetchedPage
from analysis.store import connect, content_hash, known_notice_urls
from crawler.items import PageItem
from crawler.pages import Unavailable, decode_html, parse_listing, parse_notice
from crawler.pages.charset import charset_from_content_type
from crawler.sources import REGISTRY_SOURCES, load_sources


class NotHtmlError(ValueError):
    """A response that is not an HTML document (binary body, or empty)."""


def response_charset(response: Response) -> str | None:
    content_type = response.headers.get(b"Content-Type") or b""
    return charset_from_content_type(content_type.decode("latin-1"))


def page_selector(response: Response) -> tuple[Selector, str]:
    """Decode the raw bytes ourselves (header/BOM/UTF-8/meta/statistics) and build a Selector."""
    body = response.body
    if not body.strip():
        raise NotHtmlError("empty body")
    if b"\x00" in body[:4096]:
        raise NotHtmlError("binary content, not an HTML page")
    text, encoding, _reason = decode_html(body, response_charset(response))
    return Selector(text=text, base_url=response.url), encoding


class NoticeSpider(scrapy.Spider):
    """Shared plumbing: sources, incremental skipping of known notices, page items, errors."""

    kind = ""  # the source kind this spider crawls

    def __init__(
        self,
        name: str | None = None,
        sources: list[dict[str, Any]] | None = None,
        source: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name, **kwargs)
        self._sources_arg = sources
        self._only_source = source
        self.sources: list[dict[str, Any]] = []
        self.sources_by_id: dict[str, dict[str, Any]] = {}
        self.known_urls: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NoticeSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        sources = spider._sources_arg
        if sources is None:
            path = settings.get("ICC_SOURCES_FILE") or REGISTRY_SOURCES
            sources = load_sources(path, base_url=settings.get("ICC_BASE_URL") or None)
        spider.sources = [
            s
            for s in sources
            if s["kind"] == cls.kind and (not spider._only_source or s["id"] == spider._only_source)
        ]
        spider.sources_by_id = {s["id"]: s for s in spider.sources}
        if not settings.getbool("ICC_REFETCH_KNOWN"):
            conn = connect(settings.get("ICC_DB"))
            try:
                spider.known_urls = known_notice_urls(conn)
            finally:
                conn.close()
        return spider

    async def start(self) -> AsyncIterator[Any]:
        for source in self.sources:
            for url in source["start_urls"]:
                yield self.start_request(url, source)

    def start_request(self, url: str, source: dict[str, Any]) -> scrapy.Request:
        return scrapy.Request(
            url, callback=self.parse_listing_page, errback=self.on_error, meta={"source": source}
        )

    # -- navigation -----------------------------------------------------------------------------

    def parse_listing_page(self, response: Response) -> Iterator[Any]:
        source = response.meta["source"]
        try:
            sel, _ = page_selector(response)
            listing = parse_listing(
                sel,
                response.url,
                link_keywords=source.get("link_keywords"),
                detail_selector=source.get("detail_selector"),
            )
        except Exception as exc:  # a broken page must not stop the crawl
            yield self.error_item(response, f"unreadable listing page: {exc}")
            return
        yield PageItem(self.fetched_page(response, "listing"))
        self.crawler.stats.inc_value("icc/page/listing")
        for url in listing.detail_urls:
            yield from self.follow_notice(url, source)
        for url in listing.next_urls:
            yield scrapy.Request(
                url,
                callback=self.parse_listing_page,
                errback=self.on_error,
                meta={"source": source},
            )

    def follow_notice(self, url: str, source: dict[str, Any]) -> Iterator[scrapy.Request]:
        if url in self.known_urls:
            self.crawler.stats.inc_value("icc/page/known_skipped")
            return
        yield scrapy.Request(
            url, callback=self.parse_notice_page, errback=self.on_error, meta={"source": source}
        )

    def parse_notice_page(self, response: Response) -> Iterator[PageItem]:
        try:
            sel, encoding = page_selector(response)
            result = parse_notice(self.kind, sel, response.url)
        except Exception as exc:  # a broken page must not stop the crawl
            yield self.error_item(response, f"unreadable notice page: {exc}")
            return
        if isinstance(result, Unavailable):
            self.crawler.stats.inc_value("icc/page/unavailable")
            yield PageItem(self.fetched_page(response, "unavailable", error=result.reason))
            return
        self.crawler.stats.inc_value("icc/page/notice")
        yield PageItem(self.fetched_page(response, "notice", encoding=encoding), notice=result)

    # -- items ----------------------------------------------------------------------------------

    def fetched_page(
        self,
        response: Response,
        kind: str,
        *,
        encoding: str | None = None,
        error: str | None = None,
    ) -> FetchedPage:
        warc = response.meta.get("warc", {})
        content_type = response.headers.get(b"Content-Type")
        return FetchedPage(
            url=response.url,
            source_id=response.meta["source"]["id"],
            status=response.status,
            fetched_at=datetime.now(UTC),
            content_hash=content_hash(response.body),
            page_kind=kind,
            content_type=content_type.decode("latin-1") if content_type else None,
            encoding=encoding,
            archive_path=warc.get("path"),
            archive_offset=warc.get("offset"),
            archive_length=warc.get("length"),
            error=error,
        )

    def error_item(self, response: Response, message: str) -> PageItem:
        self.logger.warning("%s: %s", response.url, message)
        self.crawler.stats.inc_value("icc/page/error")
        return PageItem(self.fetched_page(response, "error", error=message))

    def on_error(self, failure: Failure) -> Iterator[PageItem]:
        request = failure.request  # type: ignore[attr-defined]
        response = getattr(failure.value, "response", None)
        message = failure.getErrorMessage() or failure.type.__name__
        if response is not None:
            yield self.error_item(response, f"HTTP {response.status}")
            return
        self.logger.warning("%s: %s", request.url, message)
        self.crawler.stats.inc_value("icc/page/error")
        yield PageItem(
            FetchedPage(
                url=request.url,
                source_id=request.meta["source"]["id"],
                status=0,
                fetched_at=datetime.now(UTC),
                content_hash=content_hash(b""),
                page_kind="error",
                error=message,
            )
        )
