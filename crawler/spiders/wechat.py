"""Crawl stage: WeChat official-account articles from a list of article URLs.

Input: `kind: wechat` sources whose start URL is a plain-text list (one article URL a line).
Output: PageItems; deleted / blocked / expired articles are recorded as `unavailable`.
"""

from collections.abc import Iterator
from typing import Any

from scrapy.http import Response

from crawler.items import PageItem
from crawler.spiders.base import NoticeSpider


def parse_url_list(text: str) -> list[str]:
    """One URL a line; blank lines and `#` comments ignored."""
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


class WechatSpider(NoticeSpider):
    name = "wechat"
    kind = "wechat"

    def parse_listing_page(self, response: Response) -> Iterator[Any]:
        source = response.meta["source"]
        yield PageItem(self.fetched_page(response, "listing"))
        self.crawler.stats.inc_value("icc/page/listing")
        text = response.body.decode("utf-8", errors="replace")
        for url in parse_url_list(text):
            yield from self.follow_notice(response.urljoin(url), source)
