"""Source-run health judgement (analysis.health): a table of runs and what each is judged, and a
crawl of a loopback site whose list page works but whose notice pages all answer 404."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from analysis.health import (
    SourceCounts,
    SourceRun,
    judge_source_run,
    usual_yield,
)


def counts(
    listing: int = 2,
    links: int = 20,
    pages: int = 12,
    errors: int = 0,
    first_error: str | None = None,
    details: int = 10,
    detail_errors: int = 0,
) -> SourceCounts:
    return SourceCounts(
        "yn", listing, links, pages, 3, 5, errors, first_error, details, detail_errors
    )


@pytest.mark.parametrize(
    ("run", "history", "has_start", "health", "message"),
    [
        # no start URL wins over everything the run counted
        (counts(), [10.0], False, "no-start-url", "no start URL: fill one in"),
        (
            counts(pages=0, listing=0, links=0),
            [],
            False,
            "no-start-url",
            "no start URL: fill one in",
        ),
        # no list page fetched: failed when nothing came back or something broke
        (counts(listing=0, links=0, pages=0), [], True, "failed", "nothing fetched"),
        (
            counts(listing=0, links=0, pages=1, errors=1, first_error="HTTP 500 from yn.test"),
            [],
            True,
            "failed",
            "HTTP 500 from yn.test",
        ),
        (counts(listing=0, links=0, pages=1, errors=1), [], True, "failed", "nothing fetched"),
        # no list page but detail pages fetched: a resumed run, fine
        (counts(listing=0, links=0, pages=4), [10.0], True, "ok", None),
        # list pages without a single notice link: the selectors broke
        (
            counts(links=0),
            [10.0],
            True,
            "zero-yield",
            "list pages held no notice links (selectors?)",
        ),
        # no history yet: any yield is ok
        (counts(links=1), [], True, "ok", None),
        # 10 per list page against a usual 10: ok
        (counts(links=20), [10.0, 10.0, 9.0], True, "ok", None),
        # exactly a quarter of the usual is not below it
        (counts(listing=4, links=10), [10.0], True, "ok", None),
        # below a quarter of the usual (upper median of 2, 10, 12 is 10)
        (
            counts(listing=2, links=4),
            [12.0, 2.0, 10.0],
            True,
            "low-yield",
            "2.0 notice links per list page, usually 10.0",
        ),
        # an ok run keeps the first error message of the run (a failed detail page)
        (counts(errors=1, first_error="timeout", detail_errors=1), [10.0], True, "ok", "timeout"),
        # the list pages list notices but every notice page failed: failing, whatever the yield
        (
            counts(pages=12, errors=10, first_error="HTTP 404", details=0, detail_errors=10),
            [10.0],
            True,
            "failing",
            "all 10 notice pages failed (first: HTTP 404)",
        ),
        (
            counts(links=1, pages=2, errors=1, details=0, detail_errors=1),
            [],
            True,
            "failing",
            "the one notice page failed",
        ),
        # one notice page read beside nine failures: the source still works
        (
            counts(errors=9, first_error="HTTP 404", details=1, detail_errors=9),
            [],
            True,
            "ok",
            "HTTP 404",
        ),
        # every listed notice already stored (none fetched, none failed): ok
        (counts(pages=2, details=0), [10.0], True, "ok", None),
    ],
)
def test_judge_source_run(
    run: SourceCounts, history: list[float], has_start: bool, health: str, message: str | None
) -> None:
    judged = judge_source_run(run, history, has_start=has_start)
    assert (judged.health, judged.message) == (health, message)
    assert judged == SourceRun(
        run.source_id,
        run.listing_pages,
        run.detail_links,
        run.pages,
        run.notices_new,
        run.positions_new,
        run.errors,
        health,
        message,
    )


@pytest.mark.parametrize(
    ("history", "usual"),
    [([], None), ([4.0], 4.0), ([1.0, 9.0], 9.0), ([3.0, 1.0, 2.0], 2.0), ([1, 2, 3, 4], 3)],
)
def test_usual_yield_is_the_upper_median(history: list[float], usual: float | None) -> None:
    assert usual_yield(history) == usual


# A list page of three notices whose pages are all gone: the class of a site that moved its
# articles (or changed its URL scheme) while the old list page still answers.
GONE_LIST = """<html><head><meta charset="utf-8"><title>招聘信息</title></head><body><ul>
<li><a href="/zpxx/t20250301_1.html">2025年公开招聘工作人员公告</a></li>
<li><a href="/zpxx/t20250302_2.html">2025年公开招聘英语编辑公告</a></li>
<li><a href="/zpxx/t20250303_3.html">2025年招聘实习生公告</a></li>
</ul></body></html>""".encode()


class GoneHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body, ctype, status = {
            "/robots.txt": (b"User-agent: *\nAllow: /\n", "text/plain", 200),
            "/zpxx/index.html": (GONE_LIST, "text/html; charset=utf-8", 200),
        }.get(self.path, (b"<html><body>404 Not Found</body></html>", "text/html", 404))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve_gone() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), GoneHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_source_whose_notice_pages_all_404_is_failing(tmp_path: Path) -> None:
    from tests.test_spiders import crawl

    db = tmp_path / "store.sqlite"
    sources = tmp_path / "sources.yaml"
    with serve_gone() as base:
        sources.write_text(
            f"sources:\n  - id: gone\n    kind: cms\n    start_urls: ['{base}/zpxx/index.html']\n",
            encoding="utf-8",
        )
        result = crawl(sources, db, "-s", "RETRY_TIMES=0")
    assert result.returncode == 1
    assert "source gone: failing: all 3 notice pages failed (first: HTTP 404)" in result.stderr
    conn = sqlite3.connect(db)
    try:
        row = conn.execute(
            "SELECT health, listing_pages, detail_links, errors FROM crawl_run_sources"
        ).fetchone()
    finally:
        conn.close()
    assert row == ("failing", 1, 3, 3)
