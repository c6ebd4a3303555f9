"""Crawl stage: the base spider every kind shares.

Input: source-registry entries (`Source`) of one kind (`cms`, `wechat`, `jobboard`), and the
`crawler.state.CrawlState` of the store: notices already held, the frontier an interrupted run
left, list-page validators.
Output: `PageItem`s for every fetched page (listing, notice, unavailable, error), notices with
their attachments' position tables. Spiders only navigate; parsing is done by the pure
functions `analysis.process.parse_page` (notice pages), `analysis.extract.pages` (listings) and
`analysis.extract` (attachments, in a limited child process).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import scrapy
from parsel import Selector
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread
from twisted.python.failure import Failure

from analysis.extract import (
    Attachment,
    Extracted,
    RowBudget,
    attach_tables,
    extract_file,
    wanted_attachments,
)
from analysis.extract.files import Caps
from analysis.extract.pages import Listing, Unavailable, decode_html, parse_listing
from analysis.extract.pages.blocked import detect_blocked
from analysis.extract.pages.charset import charset_from_content_type
from analysis.extract.pages.feeds import feed_kind, parse_feed
from analysis.extract.pages.jobboard import embedded_json_links
from analysis.extract.pages.listing import looks_like_url_list, parse_url_list
from analysis.extract.pages.paging import article_part_urls, join_parts
from analysis.models import FetchedPage, ParsedNotice
from analysis.process import parse_page
from analysis.source import Source
from analysis.store import content_hash
from crawler.items import PageItem
from crawler.sources import REGISTRY_SOURCES, load_sources
from crawler.state import CrawlState, load_crawl_state, store_path


class NotHtmlError(ValueError):
    """A response that is not an HTML document (binary body, or empty)."""


class BlockedPageError(ValueError):
    """An anti-bot, captcha or verification wall served in place of a list page."""


def response_charset(response: Response) -> str | None:
    content_type = response.headers.get(b"Content-Type") or b""
    return charset_from_content_type(content_type.decode("latin-1"))


def check_html_body(body: bytes) -> None:
    """Refuse a body that cannot be an HTML page (empty, or binary) with `NotHtmlError`."""
    if not body.strip():
        raise NotHtmlError("empty body")
    if b"\x00" in body[:4096]:
        raise NotHtmlError("binary content, not an HTML page")


def page_selector(response: Response) -> tuple[Selector, str]:
    """Decode the raw bytes ourselves (header/BOM/UTF-8/meta/statistics) and build a Selector."""
    check_html_body(response.body)
    text, encoding, _reason = decode_html(response.body, response_charset(response))
    return Selector(text=text, base_url=response.url), encoding


def header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


class NoticeSpider(scrapy.Spider):
    """Shared plumbing: sources, frontier resume, incremental paging, attachments, errors."""

    kind = ""  # the source kind this spider crawls

    def __init__(
        self,
        name: str | None = None,
        sources: list[Source] | None = None,
        source: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name, **kwargs)
        self._sources_arg = sources
        self._only_source = source
        self.sources: list[Source] = []
        self.sources_by_id: dict[str, Source] = {}
        self.state = CrawlState()  # what the store knows; read in from_crawler
        self.full_paging = False
        self.attachment_maxsize = 0
        self.parse_timeout = 180.0
        self.parse_cpu_seconds = 30.0
        self.parse_memory_mb = 1024
        self.max_list_pages = 50
        self.max_article_parts = 10
        self.max_attachments = 20
        self.notice_max_table_rows = 25_000
        self.list_pages: dict[str, int] = {}  # source id -> list pages requested so far
        self.followed_originals: set[str] = set()  # articles that share posts embed, requested

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
            if s.kind == cls.kind and (not spider._only_source or s.id == spider._only_source)
        ]
        spider.sources_by_id = {s.id: s for s in spider.sources}
        spider.full_paging = settings.getbool("ICC_FULL_PAGING")
        spider.attachment_maxsize = settings.getint("ICC_ATTACHMENT_MAXSIZE")
        spider.parse_timeout = settings.getfloat("ICC_PARSE_TIMEOUT")
        spider.parse_cpu_seconds = settings.getfloat("ICC_PARSE_CPU_SECONDS")
        spider.parse_memory_mb = settings.getint("ICC_PARSE_MEMORY_MB")
        spider.max_list_pages = settings.getint("ICC_MAX_LIST_PAGES")
        spider.max_article_parts = settings.getint("ICC_ARTICLE_MAX_PARTS")
        spider.max_attachments = settings.getint("ICC_MAX_ATTACHMENTS")
        spider.notice_max_table_rows = settings.getint("ICC_NOTICE_MAX_TABLE_ROWS")
        spider.state = load_crawl_state(
            store_path(settings),
            spider.sources_by_id,
            refetch_known=settings.getbool("ICC_REFETCH_KNOWN"),
        )
        return spider

    def start_points(self, source: Source) -> list[str]:
        """The URLs a crawl of `source` starts from (the wechat spider adds its feed URLs)."""
        return list(source.start_urls)

    def nothing_to_start_message(self) -> str:
        """Why this run can fetch nothing, and what it needs (empty when it can start)."""
        if any(self.start_points(s) for s in self.sources) or self.state.resume:
            return ""
        if self._only_source and not self.sources:
            return (
                f"no {self.kind} source has the id {self._only_source!r}: "
                "`icc-talent vocab sources` lists the ids (each with its kind)"
            )
        have = (
            f"none of the {len(self.sources)} {self.kind} sources has a start URL"
            if self.sources
            else f"the registry has no {self.kind} source"
        )
        return (
            f"{have}, so there is nothing to crawl: pass -a source=ID of a {self.kind} source "
            "with start_urls, add start_urls to the registry"
            + (
                ", or set ICC_WECHAT_FEED_TEMPLATE for accounts with biz/feed_accounts"
                if self.kind == "wechat"
                else ""
            )
            + " (docs/SOURCES.md)"
        )

    async def start(self) -> AsyncIterator[Any]:
        nothing = self.nothing_to_start_message()
        if nothing:
            self.logger.error(nothing)
            self.crawler.stats.set_value("icc/start/nothing", nothing)
        for source in self.sources:
            for url in self.start_points(source):
                yield self.listing_request(url, source)
        # What an interrupted run had queued but not stored (the frontier in the store).
        for url, source_id, kind in self.state.resume:
            queued = self.sources_by_id.get(source_id)
            if queued is None or url in self.state.known_urls:
                continue
            self.crawler.stats.inc_value("icc/frontier/resumed")
            if kind == "listing":
                yield self.listing_request(url, queued)
            else:
                yield self.notice_request(url, queued)

    def page_limit(self, source: Source) -> int:
        return source.max_pages or self.max_list_pages

    def within_page_limit(self, urls: list[str], source: Source) -> list[str]:
        """The further list pages this source may still request (its page limit counts every
        list page of the run, start pages included)."""
        room = max(0, self.page_limit(source) - self.list_pages.get(source.id, 0))
        if len(urls) > room:
            self.crawler.stats.inc_value("icc/listing/page_limit", len(urls) - room)
        return urls[:room]

    def listing_request(self, url: str, source: Source) -> scrapy.Request:
        self.list_pages[source.id] = self.list_pages.get(source.id, 0) + 1
        headers = {}
        etag, modified = self.state.validators.get(url, (None, None))
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        return scrapy.Request(
            url,
            headers=headers,
            callback=self.parse_listing_page,
            errback=self.on_error,
            meta={"source": source, "frontier_kind": "listing", "handle_httpstatus_list": [304]},
        )

    def notice_request(self, url: str, source: Source) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.parse_notice_page,
            errback=self.on_error,
            meta={"source": source, "frontier_kind": "notice"},
        )

    # -- navigation -----------------------------------------------------------------------------

    def listing_of(self, response: Response, source: Source) -> Listing:
        """Notice links and further list pages of a list page, a feed, a sitemap or a plain
        list of URLs; `BlockedPageError` for an anti-bot wall."""
        if feed_kind(response.body):
            return parse_feed(response.body, response.url, link_keywords=source.link_keywords)
        if looks_like_url_list(response.body):
            return parse_url_list(response.body.decode("utf-8", "replace"), response.url)
        sel, _ = page_selector(response)
        wall = detect_blocked(sel)
        if wall:
            raise BlockedPageError(wall)
        listing = parse_listing(
            sel,
            response.url,
            link_keywords=source.link_keywords,
            detail_selector=source.detail_selector,
            max_pages=self.page_limit(source),
        )
        if self.kind == "jobboard" and not listing.detail_urls and not source.detail_selector:
            # Job boards' search lists rendered by JavaScript keep their rows as JSON in a
            # script (elsewhere such JSON is menus and widgets, not notices).
            listing.detail_urls = embedded_json_links(sel, response.url)
        return listing

    def parse_listing_page(self, response: Response) -> Iterator[Any]:
        source = response.meta["source"]
        if response.status == 304:  # unchanged since the last run: nothing new listed there
            self.crawler.stats.inc_value("icc/page/not_modified")
            yield PageItem(self.fetched_page(response, "not_modified"), frontier_kind="listing")
            return
        try:
            listing = self.listing_of(response, source)
        except BlockedPageError as exc:  # a wall is a failure to retry, never an empty list
            self.crawler.stats.inc_value("icc/listing/blocked")
            yield self.error_item(response, str(exc))
            return
        except Exception as exc:  # a broken page must not stop the crawl
            yield self.error_item(response, f"unreadable listing page: {exc}")
            return
        if not listing.detail_urls:
            self.logger.info("%s: no notice links on this list page", response.url)
            self.crawler.stats.inc_value("icc/listing/empty")
        new = [u for u in listing.detail_urls if u not in self.state.known_urls]
        next_urls = listing.next_urls
        if listing.detail_urls and not new and not self.full_paging:
            # Newest first: a page of only known notices means the rest are known too.
            self.crawler.stats.inc_value("icc/listing/paging_stopped")
            next_urls = []
        next_urls = self.within_page_limit(next_urls, source)
        self.crawler.stats.inc_value("icc/page/listing")
        self.crawler.stats.inc_value("icc/page/known_skipped", len(listing.detail_urls) - len(new))
        yield PageItem(
            self.fetched_page(response, "listing"),
            frontier_kind="listing",
            discovered=[(u, "notice") for u in new] + [(u, "listing") for u in next_urls],
            detail_links=len(listing.detail_urls),
            etag=header(response, b"ETag"),
            last_modified=header(response, b"Last-Modified"),
        )
        for url in new:
            yield self.notice_request(url, source)
        for url in next_urls:
            yield self.listing_request(url, source)

    def read_notice_page(self, response: Response) -> tuple[ParsedNotice | Unavailable, str]:
        """A notice page (or an article part) checked and parsed: the same decode + parse as
        reprocess and the evaluation, one stage written once. Raises on an unreadable page."""
        check_html_body(response.body)
        return parse_page(
            response.body,
            content_type=header(response, b"Content-Type"),
            kind=self.kind,
            url=response.url,
        )

    async def parse_notice_page(
        self, response: Response
    ) -> AsyncIterator[PageItem | scrapy.Request]:
        try:
            result, encoding = self.read_notice_page(response)
        except Exception as exc:  # a broken page must not stop the crawl
            yield self.error_item(response, f"unreadable notice page: {exc}")
            return
        if isinstance(result, Unavailable):
            self.crawler.stats.inc_value("icc/page/unavailable")
            yield PageItem(self.fetched_page(response, "unavailable", error=result.reason))
            return
        joined, part_pages = await self.with_parts(result, response)
        notice, pages = await self.with_attachments(joined, response.meta["source"])
        self.crawler.stats.inc_value("icc/page/notice")
        originals = self.embedded_originals(notice, response.url)
        yield PageItem(
            self.fetched_page(response, "notice", encoding=encoding),
            notice=notice,
            attachments=part_pages + pages,
            discovered=[(url, "notice") for url in originals],
        )
        for url in originals:
            yield self.notice_request(url, response.meta["source"])

    def embedded_originals(self, notice: ParsedNotice, url: str) -> list[str]:
        """The original article a WeChat share/reprint post embeds, when not yet known or
        requested: followed as a notice of the same source (the post keeps the link in
        `notice.wechat.share_source_url`)."""
        original = notice.wechat.share_source_url if notice.wechat else None
        if not original or original == url or original in self.state.known_urls:
            return []
        if original in self.followed_originals:
            self.crawler.stats.inc_value("icc/wechat/share_original_duplicate")
            return []
        self.followed_originals.add(original)
        self.crawler.stats.inc_value("icc/wechat/share_original")
        return [original]

    # -- in-article paging ----------------------------------------------------------------------

    async def with_parts(
        self, notice: ParsedNotice, response: Response
    ) -> tuple[ParsedNotice, list[FetchedPage]]:
        """Fetch the further parts of an article split over pages (`_2.html`, 下一页) and join
        them into one notice; a part that fails ends the article there (recorded)."""
        if self.kind == "wechat" or self.max_article_parts < 2:
            return notice, []
        sel, _ = page_selector(response)
        urls = article_part_urls(sel, response.url, self.max_article_parts)
        parts: list[ParsedNotice] = []
        pages: list[FetchedPage] = []
        for url in urls:
            part, page = await self.fetch_part(url, response.meta["source"])
            pages.append(page)
            if part is None:
                break
            parts.append(part)
        if parts:
            self.crawler.stats.inc_value("icc/notice/joined_parts", len(parts))
        return join_parts(notice, parts), pages

    async def fetch_part(self, url: str, source: Source) -> tuple[ParsedNotice | None, FetchedPage]:
        request = scrapy.Request(
            url, meta={"source": source, "handle_httpstatus_all": True}, dont_filter=True
        )
        try:
            response = await self.download(request)
        except Exception as exc:  # refused by robots.txt, unreachable ...
            message = f"article part not fetched: {str(exc) or type(exc).__name__}".splitlines()[0]
            self.logger.warning("%s: %s", url, message)
            return None, self.failed_page(url, source.id, message, kind="part")
        if response.status != 200:
            message = f"article part: HTTP {response.status}"
            self.logger.warning("%s: %s", url, message)
            return None, self.fetched_page(response, "part", error=message)
        try:
            result, encoding = self.read_notice_page(response)
        except Exception as exc:  # a broken part must not lose the article's first page
            return None, self.fetched_page(response, "part", error=f"unreadable part: {exc}")
        if not isinstance(result, ParsedNotice):
            return None, self.fetched_page(response, "part", error=result.reason)
        return result, self.fetched_page(response, "part", encoding=encoding)

    # -- attachments ----------------------------------------------------------------------------

    async def with_attachments(
        self, notice: ParsedNotice, source: Source
    ) -> tuple[ParsedNotice, list[FetchedPage]]:
        """Fetch and parse the notice's attachments and append their position tables, in link
        order: one file at a time (each parse in its own limited child process, capped at the
        rows the notice has left: RowBudget), at most ICC_MAX_ATTACHMENTS of them. The crawl's
        per-domain delay serialises a notice's downloads anyway; one at a time, the crawl holds
        one body and one parse's rows of a notice however many files it links."""
        stats = self.crawler.stats
        skipped = len(notice.attachments) - len(wanted := wanted_attachments(notice))
        if skipped:
            stats.inc_value("icc/attachment/not_fetched", skipped)
        budget = RowBudget(self.notice_max_table_rows)
        found: list[Attachment] = []
        pages: list[FetchedPage] = []
        for number, (url, name) in enumerate(wanted, start=1):
            caps = budget.caps()
            if number > self.max_attachments:
                reason = (
                    f"the notice links {len(wanted)}; the first {self.max_attachments} are read"
                )
            elif caps is None:
                reason = f"the notice's {budget.limit} table rows were reached before it"
            else:
                attachment, page = await self.fetch_attachment(url, name, source, caps)
                budget.spend(attachment.result)
                found.append(attachment)
                pages.append(page)
                continue
            stats.inc_value("icc/attachment/over_limit")
            self.logger.info("%s: attachment not fetched: %s", url, reason)
            message = f"attachment not fetched: {reason}"
            found.append(Attachment(url, name, Extracted(error=message, error_kind="limit")))
            pages.append(self.failed_page(url, source.id, message, kind="attachment"))
        if not found:
            return notice, pages
        return attach_tables(notice, found, max_rows=self.notice_max_table_rows), pages

    async def fetch_attachment(
        self, url: str, name: str, source: Source, caps: Caps
    ) -> tuple[Attachment, FetchedPage]:
        """Download one attachment and parse it in a limited child process, read up to `caps`."""
        stats = self.crawler.stats
        request = scrapy.Request(
            url,
            meta={
                "source": source,
                "download_maxsize": self.attachment_maxsize,
                "handle_httpstatus_all": True,
            },
            dont_filter=True,
        )
        try:
            response = await self.download(request)
        except Exception as exc:  # refused by robots.txt, too large, unreachable ...
            message = f"attachment not fetched: {str(exc) or type(exc).__name__}".splitlines()[0]
            self.logger.warning("%s: %s", url, message)
            stats.inc_value("icc/attachment/error")
            page = self.failed_page(url, source.id, message, kind="attachment")
            return Attachment(url, name, Extracted(error=message, error_kind="download")), page
        if response.status != 200:
            message = f"attachment: HTTP {response.status}"
            stats.inc_value("icc/attachment/error")
            return Attachment(url, name, Extracted(error=message, error_kind="download")), (
                self.fetched_page(response, "attachment", error=message)
            )
        result: Extracted = await maybe_deferred_to_future(
            deferToThread(
                extract_file,
                response.body,
                name or url,
                timeout=self.parse_timeout,
                cpu_seconds=self.parse_cpu_seconds,
                memory_mb=self.parse_memory_mb,
                caps=caps,
            )
        )
        stats.inc_value("icc/attachment/fetched")
        if result.error:
            self.logger.info("%s: attachment skipped: %s", url, result.error)
            stats.inc_value("icc/attachment/error")
            stats.inc_value(f"icc/attachment/{result.error_kind or 'error'}")
        elif result.truncated:  # read up to the child's caps: kept, and the cut is on record
            self.logger.info("%s: attachment truncated: %s", url, result.truncated)
            stats.inc_value("icc/attachment/truncated")
        note = result.error or (f"truncated: {result.truncated}" if result.truncated else None)
        return Attachment(url, name, result), self.fetched_page(response, "attachment", error=note)

    async def download(self, request: scrapy.Request) -> Response:
        engine = self.crawler.engine
        assert engine is not None
        if hasattr(engine, "download_async"):  # Scrapy ≥ 2.14
            response: Response = await engine.download_async(request)
            return response
        return await maybe_deferred_to_future(engine.download(request, self))  # type: ignore[call-arg]

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
            source_id=response.meta["source"].id,
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

    def failed_page(self, url: str, source_id: str, message: str, kind: str) -> FetchedPage:
        return FetchedPage(
            url=url,
            source_id=source_id,
            status=0,
            fetched_at=datetime.now(UTC),
            content_hash=content_hash(b""),
            page_kind=kind,
            error=message,
        )

    def error_item(self, response: Response, message: str) -> PageItem:
        self.logger.warning("%s: %s", response.url, message)
        self.crawler.stats.inc_value("icc/page/error")
        return PageItem(
            self.fetched_page(response, "error", error=message),
            frontier_kind=response.meta.get("frontier_kind", "notice"),
        )

    def on_error(self, failure: Failure) -> Iterator[PageItem]:
        request = failure.request  # type: ignore[attr-defined]
        response = getattr(failure.value, "response", None)
        message = (failure.getErrorMessage() or failure.type.__name__).splitlines()[0]
        if response is not None:
            yield self.error_item(response, f"HTTP {response.status}")
            return
        self.logger.warning("%s: %s", request.url, message)
        self.crawler.stats.inc_value("icc/page/error")
        yield PageItem(
            self.failed_page(request.url, request.meta["source"].id, message, kind="error"),
            frontier_kind=request.meta.get("frontier_kind", "notice"),
        )
