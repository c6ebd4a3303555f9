"""Crawl stage: WeChat official-account articles from a list of article URLs.

Input: `kind: wechat` sources whose start URL is a plain-text list (one article URL a line)
or an RSS/Atom feed of articles.
Output: PageItems; deleted / blocked / expired / verification pages are recorded as
`unavailable` with their reason, never as parse failures.
"""

from scrapy.http import Response

from analysis.extract.pages import Listing, parse_url_list
from analysis.extract.pages.feeds import feed_kind, parse_feed
from analysis.source import Source
from crawler.spiders.base import NoticeSpider


class WechatSpider(NoticeSpider):
    name = "wechat"
    kind = "wechat"

    def listing_of(self, response: Response, source: Source) -> Listing:
        if feed_kind(response.body):
            return parse_feed(response.body, response.url, link_keywords=[""])
        text = response.body.decode("utf-8", errors="replace")
        return parse_url_list(text, response.url)
