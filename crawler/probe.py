"""Crawl stage (probing): fetch single pages the way the crawl would, outside a crawl.

Input: URLs, and the crawl's settings (user agent, timeout, robots.txt, delay, proxy, size cap)
read from Scrapy's settings with the user's `-s` overrides.
Output: `Fetched` records (status, final URL after redirects, headers, body or a one-line
error). Used by `icc-talent sources check` and `sources discover`: one request per URL,
sequential, waiting DOWNLOAD_DELAY between two requests to one host.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
import urllib.error
import urllib.request
import urllib.robotparser
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from scrapy.settings import Settings

ROBOTS_MAXSIZE = 512 * 1024


@dataclass(frozen=True, slots=True)
class Fetched:
    """One fetch: `error` is set when no HTTP answer came (or robots.txt refused the URL)."""

    url: str
    final_url: str = ""
    status: int = 0
    content_type: str | None = None
    body: bytes = b""
    error: str | None = None

    @property
    def redirected(self) -> bool:
        return bool(self.final_url) and self.final_url != self.url


@dataclass
class Prober:
    """A polite single-page fetcher with the crawl's manners."""

    user_agent: str
    timeout: float = 30.0
    proxy: str = ""
    obey_robots: bool = True
    delay: float = 1.0
    maxsize: int = 32 * 1024 * 1024
    _last: dict[str, float] = field(default_factory=dict)
    _robots: dict[str, urllib.robotparser.RobotFileParser | None] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings) -> Prober:
        return cls(
            user_agent=settings.get("USER_AGENT"),
            timeout=settings.getfloat("DOWNLOAD_TIMEOUT"),
            proxy=settings.get("ICC_HTTP_PROXY") or "",
            obey_robots=settings.getbool("ROBOTSTXT_OBEY"),
            delay=settings.getfloat("DOWNLOAD_DELAY"),
            maxsize=settings.getint("DOWNLOAD_MAXSIZE"),
        )

    def opener(self) -> urllib.request.OpenerDirector:
        # Like the crawl (Scrapy does not verify certificates by default): a probe must see
        # what the crawl will see, including sites with expired or self-signed certificates.
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        handlers: list[Any] = [urllib.request.HTTPSHandler(context=context)]
        proxies = {"http": self.proxy, "https": self.proxy} if self.proxy else {}
        handlers.append(urllib.request.ProxyHandler(proxies))
        return urllib.request.build_opener(*handlers)

    def fetch(self, url: str) -> Fetched:
        """GET `url` (following redirects); never raises for network or HTTP trouble."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return Fetched(url, error="not an http(s) address")
        if self.obey_robots and not self.allowed(url):
            return Fetched(url, error="refused by robots.txt")
        return self._get(url, self.maxsize)

    def allowed(self, url: str) -> bool:
        """robots.txt of the URL's host (fetched once); an unreachable one allows, as in Scrapy."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            got = self._get(f"{origin}/robots.txt", ROBOTS_MAXSIZE)
            parser: urllib.robotparser.RobotFileParser | None = None
            if got.status == 200 and not got.error:
                parser = urllib.robotparser.RobotFileParser()
                parser.parse(got.body.decode("utf-8", "replace").splitlines())
            self._robots[origin] = parser
        parser = self._robots[origin]
        return parser is None or parser.can_fetch(self.user_agent, url)

    def robots_txt(self, url: str) -> str:
        """The robots.txt text of the URL's host, empty when there is none (for Sitemap: lines)."""
        parts = urlsplit(url)
        got = self._get(f"{parts.scheme}://{parts.netloc}/robots.txt", ROBOTS_MAXSIZE)
        return got.body.decode("utf-8", "replace") if got.status == 200 else ""

    def _wait(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            pause = self.delay - (time.monotonic() - last)
            if pause > 0:
                time.sleep(pause)
        self._last[host] = time.monotonic()

    def _get(self, url: str, maxsize: int) -> Fetched:
        self._wait(urlsplit(url).netloc)
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent})
        try:
            with self.opener().open(request, timeout=self.timeout) as response:
                return _read(url, response, response.status, maxsize)
        except urllib.error.HTTPError as exc:  # 4xx/5xx: an answer, with its status
            with exc:
                return _read(url, exc, exc.code, maxsize)
        except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
            return Fetched(url, error=describe_error(exc))


def _read(url: str, response: Any, status: int, maxsize: int) -> Fetched:
    body = response.read(maxsize + 1)
    if len(body) > maxsize:
        return Fetched(url, response.geturl(), status, error=f"larger than {maxsize:,} bytes")
    return Fetched(url, response.geturl(), status, response.headers.get("Content-Type"), body)


def describe_error(exc: BaseException) -> str:
    """One line for a failed fetch: 'connection refused', 'timed out', 'name not resolved'…"""
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, socket.timeout | TimeoutError):
        return "timed out"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, socket.gaierror):
        return "host name not resolved"
    text = str(reason).strip() or type(reason).__name__
    return text.splitlines()[0][:200]
