"""Archive stage: every response, as received, into a per-run WARC file.

Input: the final (decompressed, redirected) Scrapy response and the request that fetched it.
Output: a gzipped WARC file opening with a `warcinfo` record, then per page a `response` record
and its `request` record (as replay tools such as pywb expect); `request.meta["warc"]` =
{path, offset, length} of the response record.
"""

from __future__ import annotations

from datetime import UTC, datetime
from http import HTTPStatus
from importlib.metadata import PackageNotFoundError, version
from io import BytesIO
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter


def warc_http_headers(response: Response) -> StatusAndHeaders:
    """The response's status line and headers as warcio wants them (bytes decoded as latin-1)."""
    headers = [
        (key.decode("latin-1"), value.decode("latin-1"))
        for key, values in response.headers.items()
        for value in values
    ]
    # The body we keep is already decoded from gzip/deflate: say so, or readers try to inflate.
    headers = [
        (k, v) for k, v in headers if k.lower() not in {"content-encoding", "transfer-encoding"}
    ]
    return StatusAndHeaders(f"{response.status} {_reason(response.status)}", headers, "HTTP/1.1")


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:  # a status no standard names (e.g. 299): the line still needs a word
        return "Unknown"


def warc_request_headers(request: Request) -> StatusAndHeaders:
    """The request line and headers as sent (Host added when Scrapy leaves it to the client)."""
    parts = urlsplit(request.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = [
        (key.decode("latin-1"), value.decode("latin-1"))
        for key, values in request.headers.items()
        for value in values
    ]
    if not any(k.lower() == "host" for k, _ in headers):
        headers.insert(0, ("Host", parts.netloc))
    return StatusAndHeaders(f"{request.method} {target} HTTP/1.1", headers, is_http_request=True)


def warcinfo_fields(spider_name: str, run_id: int) -> dict[str, str]:
    """What the file's opening `warcinfo` record says about the crawl that wrote it."""
    try:
        software = f"icc-talent/{version('icc-talent')}"
    except PackageNotFoundError:
        software = "icc-talent"
    return {
        "software": f"{software} (Scrapy, warcio)",
        "format": "WARC File Format 1.0",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.0/",
        "isPartOf": f"run{run_id}" if run_id else "adhoc",
        "description": f"icc-talent crawl, spider {spider_name}: every response as received",
    }


class WarcArchiveMiddleware:
    """Writes one WARC file per crawl run and spider under ICC_ARCHIVE_DIR."""

    def __init__(
        self, archive_dir: str, run_id: int, spider_name: str, stats: StatsCollector | None = None
    ) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        run = f"run{run_id}" if run_id else "adhoc"
        self.path = Path(archive_dir) / f"{stamp}-{run}-{spider_name}.warc.gz"
        self.info = warcinfo_fields(spider_name, run_id)
        self._file: IO[bytes] | None = None
        self._writer: WARCWriter | None = None
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcArchiveMiddleware:
        settings = crawler.settings
        name = crawler.spidercls.name if crawler.spidercls else "spider"
        mw = cls(
            settings.get("ICC_ARCHIVE_DIR"), settings.getint("ICC_RUN_ID"), name, crawler.stats
        )
        crawler.signals.connect(mw.close, signal=signals.spider_closed)
        return mw

    def _open(self) -> WARCWriter:
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fresh = not self.path.exists() or self.path.stat().st_size == 0
            self._file = self.path.open("ab")
            self._writer = WARCWriter(self._file, gzip=True)
            if fresh:
                self._writer.write_record(
                    self._writer.create_warcinfo_record(self.path.name, self.info)
                )
        return self._writer

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Response:
        writer = self._open()
        assert self._file is not None
        offset = self._file.tell()
        date = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        record = writer.create_warc_record(
            response.url,
            "response",
            payload=BytesIO(response.body),
            http_headers=warc_http_headers(response),
            warc_headers_dict={"WARC-Date": date},
        )
        writer.write_record(record)
        length = self._file.tell() - offset
        # The request goes after its response, so the stored offset still names the response
        # (the reader, and archives written before requests were kept, rely on that).
        sent = writer.create_warc_record(
            response.url,
            "request",
            payload=BytesIO(request.body or b""),
            http_headers=warc_request_headers(request),
            warc_headers_dict={
                "WARC-Date": date,
                "WARC-Concurrent-To": record.rec_headers.get_header("WARC-Record-ID"),
            },
        )
        writer.write_record(sent)
        self._file.flush()
        request.meta["warc"] = {"path": str(self.path), "offset": offset, "length": length}
        if self.stats is not None:
            self.stats.inc_value("icc/archive/records")
        return response

    def close(self, spider: Any = None) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
            self._writer = None
