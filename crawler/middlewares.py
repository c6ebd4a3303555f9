"""Crawl stage: small downloader middlewares.

`FixedProxyMiddleware` sends every request through `ICC_HTTP_PROXY` when set; the offline demo
uses it so the mirror's stable URLs are served from a local port chosen at run time.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler


class FixedProxyMiddleware:
    def __init__(self, proxy: str) -> None:
        self.proxy = proxy

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FixedProxyMiddleware:
        return cls(crawler.settings.get("ICC_HTTP_PROXY", ""))

    def process_request(self, request: Request, spider: Any = None) -> None:
        if self.proxy:
            request.meta.setdefault("proxy", self.proxy)
