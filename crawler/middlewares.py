"""Crawl stage: small downloader middlewares.

`FixedProxyMiddleware` sends every request through `ICC_HTTP_PROXY` when set; the offline demo
uses it so the mirror's stable URLs are served from a local port chosen at run time.
`RetryAfterMiddleware` makes 429/503 retries wait as long as the server's Retry-After asks.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from scrapy.settings import Settings


class FixedProxyMiddleware:
    def __init__(self, proxy: str) -> None:
        self.proxy = proxy

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FixedProxyMiddleware:
        return cls(crawler.settings.get("ICC_HTTP_PROXY", ""))

    def process_request(self, request: Request, spider: Any = None) -> None:
        if self.proxy:
            request.meta.setdefault("proxy", self.proxy)


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's retries, plus: a 429/503 with `Retry-After` waits that long before the retry.

    The wait is capped by ICC_RETRY_AFTER_MAX; a longer demand gives the page up (recorded as an
    error) rather than stalling the crawl. Other downloads go on meanwhile.
    """

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.max_wait = settings.getfloat("ICC_RETRY_AFTER_MAX", 300)

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        if response.status in (429, 503) and not request.meta.get("dont_retry"):
            wait = retry_after_seconds(response.headers.get(b"Retry-After"))
            if wait is not None and wait <= self.max_wait:
                retry = self._retry(request, f"{response.status} Retry-After {wait:g}s")
                if retry is None:
                    return response
                if wait > 0:
                    await asyncio.sleep(wait)
                return retry
        result: Request | Response = super().process_response(request, response)
        return result


def retry_after_seconds(value: bytes | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
