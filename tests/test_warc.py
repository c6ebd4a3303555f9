"""Archive stage: the WARC files follow the conventions replay tools rely on.

A file opens with a `warcinfo` record; each page is a `response` record followed by the
`request` that fetched it. A maintained indexer (Webrecorder's cdxj-indexer, the indexer of
pywb) indexes the file, and an archived notice is found by its URL and read back from the
offset the index gives; pywb itself replays it where one is set up (ICC_TALENT_PYWB_PYTHON).
Archives written before requests were kept still read.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from analysis.archive import read_record
from crawler.archive import WarcArchiveMiddleware

NOTICE = "http://mirror.icc-talent.test/icc/zpxx/202506/t20250603_2001.html"
LISTING = "http://mirror.icc-talent.test/icc/zpxx/index.html?page=2"
# GBK bytes as served, with a declared charset the body does not need to match.
BODY = "<html><head><meta charset=gb2312></head><body>招聘公告</body></html>".encode("gbk")


def _page(url: str, body: bytes) -> tuple[Request, HtmlResponse]:
    request = Request(url, headers={"User-Agent": "icc-talent-test"})
    headers = {"Content-Type": "text/html; charset=gb2312", "Content-Encoding": "gzip"}
    return request, HtmlResponse(url, status=200, headers=headers, body=body, request=request)


@pytest.fixture()
def archive(tmp_path: Path) -> tuple[Path, dict[str, dict]]:
    """Two pages archived by the middleware, as the crawl does: URL -> request.meta["warc"]."""
    middleware = WarcArchiveMiddleware(str(tmp_path), 7, "cms")
    metas = {}
    for url, body in ((LISTING, b"<html>list</html>"), (NOTICE, BODY)):
        request, response = _page(url, body)
        middleware.process_response(request, response)
        metas[url] = request.meta["warc"]
    middleware.close()
    return middleware.path, metas


def test_file_opens_with_warcinfo_then_response_and_request_pairs(archive) -> None:
    path, _ = archive
    with path.open("rb") as fh:
        records = [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r)
            for r in ArchiveIterator(fh)
        ]
    assert [t for t, _, _ in records] == ["warcinfo", "response", "request", "response", "request"]
    info = records[0][2]
    assert info.rec_headers.get_header("WARC-Filename") == path.name
    responses = {
        u: r.rec_headers.get_header("WARC-Record-ID") for t, u, r in records if t == "response"
    }
    for rec_type, url, record in records:
        if rec_type == "request":
            assert record.rec_headers.get_header("WARC-Concurrent-To") == responses[url]
            assert record.http_headers.protocol == "GET"
            assert record.http_headers.get_header("Host") == "mirror.icc-talent.test"


def test_request_line_keeps_the_query_and_the_response_its_reason(archive) -> None:
    path, _ = archive
    with path.open("rb") as fh:
        lines = {
            r.rec_type: r.http_headers.protocol + " " + r.http_headers.statusline
            for r in ArchiveIterator(fh)
            if r.rec_headers.get_header("WARC-Target-URI") == LISTING
        }
    assert lines["request"] == "GET /icc/zpxx/index.html?page=2 HTTP/1.1"
    assert lines["response"] == "HTTP/1.1 200 OK"


def test_the_stored_offset_still_names_the_response(archive) -> None:
    _, metas = archive
    meta = metas[NOTICE]
    record = read_record(meta["path"], meta["offset"], meta["length"])
    assert record.url == NOTICE and record.status == 200 and record.body == BODY
    # The body kept is already decoded: the archive must not claim gzip.
    assert record.header("Content-Encoding") is None


def test_cdxj_indexer_finds_an_archived_notice_by_url(archive, tmp_path: Path) -> None:
    """pywb's own indexer indexes the file; the entry for the notice's URL points at a record
    that reads back as the notice, byte for byte."""
    main = pytest.importorskip("cdxj_indexer.main")
    path, _ = archive
    index = tmp_path / "index.cdxj"
    main.CDXJIndexer(output=str(index), inputs=[str(path)]).process_all()
    entries = [line.split(" ", 2) for line in index.read_text().splitlines()]
    by_url = {json.loads(e[2])["url"]: (e[0], json.loads(e[2])) for e in entries}
    assert set(by_url) == {NOTICE, LISTING}
    key, fields = by_url[NOTICE]
    assert key == "test,icc-talent,mirror)/icc/zpxx/202506/t20250603_2001.html"
    assert fields["status"] == "200" and fields["mime"] == "text/html"
    record = read_record(path.parent / fields["filename"], int(fields["offset"]))
    assert record.url == NOTICE and record.body == BODY


def test_an_archive_written_before_requests_were_kept_still_reads(tmp_path: Path) -> None:
    """The first archives hold bare response records (no warcinfo, no request)."""
    path = tmp_path / "old.warc.gz"
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        offsets = []
        for url in (LISTING, NOTICE):
            offsets.append(fh.tell())
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], "HTTP/1.1")
            record = writer.create_warc_record(
                url, "response", payload=BytesIO(BODY), http_headers=http
            )
            writer.write_record(record)
    old = read_record(path, offsets[1])
    assert old.url == NOTICE and old.body == BODY


def test_a_run_appending_to_its_file_writes_one_warcinfo(tmp_path: Path) -> None:
    """A resumed run reopens its file: the warcinfo record is written once, at the start."""
    first = WarcArchiveMiddleware(str(tmp_path), 3, "cms")
    request, response = _page(NOTICE, BODY)
    first.process_response(request, response)
    first.close()
    request, response = _page(LISTING, BODY)
    first.process_response(request, response)
    first.close()
    with first.path.open("rb") as fh:
        types = [r.rec_type for r in ArchiveIterator(fh)]
    assert types.count("warcinfo") == 1 and types[0] == "warcinfo"


REPLAY = """
import hashlib, io, json, sys
from pywb.manager.manager import CollectionsManager
from pywb.apps.frontendapp import FrontEndApp

manager = CollectionsManager("icc", must_exist=False)
manager.add_collection()
manager.add_archives(sys.argv[2:])
app = FrontEndApp()

def get(path, query=""):
    seen = {}
    def start(status, headers, exc_info=None):
        seen["status"] = status
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
    }
    body = b"".join(app(environ, start))
    return seen["status"], body

url = sys.argv[1]
status, body = get("/icc/20300101000000id_/" + url)
index_status, index = get("/icc/cdx", "output=json&url=" + url)
print(json.dumps({"status": status, "sha256": hashlib.sha256(body).hexdigest(),
                  "index": index.decode()}))
"""


PYWB_PYTHON = os.environ.get("ICC_TALENT_PYWB_PYTHON", "")
"""An interpreter with pywb installed, in its own environment: pywb is heavy and installs a
top-level `tests` package that shadows this project's, so it is never installed beside it."""


@pytest.mark.skipif(
    not PYWB_PYTHON or not Path(PYWB_PYTHON).is_file(),
    reason="set ICC_TALENT_PYWB_PYTHON to a Python with pywb (python -m venv /tmp/pywb && "
    "/tmp/pywb/bin/pip install pywb)",
)
def test_pywb_replays_an_archived_notice_byte_for_byte(archive, tmp_path: Path) -> None:
    """pywb adds the file to a collection, finds the notice through its CDX API and replays the
    archived bytes unchanged (the WSGI app called in pywb's own interpreter)."""
    path, _ = archive
    result = subprocess.run(
        [PYWB_PYTHON, "-c", REPLAY, NOTICE, str(path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    served = json.loads(result.stdout.strip().splitlines()[-1])
    assert served["status"].startswith("200")
    assert served["sha256"] == hashlib.sha256(BODY).hexdigest()
    assert json.loads(served["index"].splitlines()[0])["url"] == NOTICE
