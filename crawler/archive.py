"""Archive stage: every response, as received, into a per-run WARC file.

Input: the final (decompressed, redirected) Scrapy response.
Output: a gzipped WARC `response` record; `request.meta["warc"]` = {path, offset, length}.
"""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import IO, Any

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
    return StatusAndHeaders(f"{response.status} OK", headers, protocol="HTTP/1.1")


class WarcArchiveMiddleware:
    """Writes one WARC file per crawl run and spider under ICC_ARCHIVE_DIR."""

    def __init__(
        self, archive_dir: str, run_id: int, spider_name: str, stats: StatsCollector | None = None
    ) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        run = f"run{run_id}" if run_id else "adhoc"
        self.path = Path(archive_dir) / f"{stamp}-{run}-{spider_name}.warc.gz"
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
            self._file = self.path.open("ab")
            self._writer = WARCWriter(self._file, gzip=True)
        return self._writer

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Response:
        writer = self._open()
        assert self._file is not None
        offset = self._file.tell()
        record = writer.create_warc_record(
            response.url,
            "response",
            payload=BytesIO(response.body),
            http_headers=warc_http_headers(response),
            warc_headers_dict={"WARC-Date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")},
        )
        writer.write_record(record)
        self._file.flush()
        length = self._file.tell() - offset
        request.meta["warc"] = {"path": str(self.path), "offset": offset, "length": length}
        if self.stats is not None:
            self.stats.inc_value("icc/archive/records")
        return response

    def close(self, spider: Any = None) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
            self._writer = None
