"""Crawl stage: WeChat official-account articles from a feed engine, a URL list or a search page.

Input: `kind: wechat` sources: their accounts' feeds from a feed engine (wewe-rss, RSSHub) through
`ICC_WECHAT_FEED_TEMPLATE` or the source's `feed_template` with `{biz}`/`{account}`, and start
URLs that are RSS 2.0/Atom feeds, plain-text lists (one article URL a line) or HTML discovery
pages (a search-result page).
Output: PageItems; one article listed under one account several times is fetched once; deleted /
blocked / expired / verification pages are recorded as `unavailable` with their reason; the
original article a share/reprint post embeds is followed once (`NoticeSpider.embedded_originals`).
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler
from scrapy.http import Response

from analysis.extract.pages import Listing, parse_url_list
from analysis.extract.pages.blocked import detect_blocked
from analysis.extract.pages.feeds import feed_entries, feed_kind, feed_urls, title_key
from analysis.extract.pages.listing import parse_wechat_discovery
from analysis.source import Source
from crawler.spiders.base import BlockedPageError, NoticeSpider, page_selector


class WechatSpider(NoticeSpider):
    name = "wechat"
    kind = "wechat"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.feed_template = ""
        self.seen_titles: set[tuple[str, str]] = set()  # (title, account) across all feeds

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> WechatSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        assert isinstance(spider, WechatSpider)
        spider.feed_template = crawler.settings.get("ICC_WECHAT_FEED_TEMPLATE") or ""
        return spider

    def source_feeds(self, source: Source) -> list[str]:
        template = source.feed_template or self.feed_template
        return feed_urls(template, source.biz, source.feed_accounts) if template else []

    def start_points(self, source: Source) -> list[str]:
        feeds = [url for url in self.source_feeds(source) if url not in source.start_urls]
        return [*feeds, *source.start_urls]

    def listing_of(self, response: Response, source: Source) -> Listing:
        if feed_kind(response.body):
            return Listing(self.new_feed_articles(response, source), [])
        head = response.body[:1024].lstrip().lower()
        if not head.startswith(b"<"):
            return parse_url_list(response.body.decode("utf-8", "replace"), response.url)
        sel, _ = page_selector(response)  # an HTML discovery page (search results)
        wall = detect_blocked(sel)
        if wall:
            raise BlockedPageError(wall)
        return parse_wechat_discovery(sel, response.url, self.page_limit(source))

    def new_feed_articles(self, response: Response, source: Source) -> list[str]:
        """The feed's article links not yet seen under the same title and account (an article
        listed in an account's feed and in the engine's merged feed is fetched once)."""
        keywords = [k.lower() for k in source.link_keywords or ()]
        urls = []
        for entry in feed_entries(response.body, response.url):
            key = (title_key(entry.title), entry.account)
            if entry.title and key in self.seen_titles:
                self.crawler.stats.inc_value("icc/feed/duplicate")
                continue
            if keywords and not any(k in entry.title.lower() for k in keywords):
                continue
            self.seen_titles.add(key)
            urls.append(entry.url)
        return urls
