"""Spiders against bad input and bad networks, on servers started by the test on 127.0.0.1:
a binary file with an .html name, malformed HTML, a 429 with Retry-After, a notice whose
positions are only in its .xlsx attachment, the real source registry with no network, and a
store path given both by --db and by $ICC_TALENT_DB.
"""

from __future__ import annotations

import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from scrapy.settings import Settings

from crawler.sources import REGISTRY_SOURCES, load_sources
from crawler.state import store_path
from mirror import attachments as files
from tests.test_spiders import FAST, REPO, crawl, crawl_command, crawl_env

NOTICE = {
    "employer": "测试国际传播中心",
    "positions": [
        {"title": "阿拉伯语编辑", "headcount": 2, "major": "阿拉伯语", "education": "本科"},
        {"title": "视频剪辑师", "headcount": 1, "major": "广播电视编导", "education": "本科"},
    ],
}
LIST = """<html><head><meta charset="gbk"><title>招聘信息</title></head><body><ul>
<li><a href="/t20250301_1.html">测试国际传播中心2025年招聘公告</a></li>
<li><a href="/t20250302_2.html">招聘公告（图片）</a></li>
<li><a href="/t20250303_3.html">招聘公告（损坏的页面）</a></li>
<li><a href="/t20250304_4.html">招聘公告（限流）</a></li>
</ul></body></html>""".encode("gbk")
NOTICE_HTML = """<html><head><meta charset="gbk"><title>测试国际传播中心2025年招聘公告</title>
<meta name="PubDate" content="2025-03-01 09:00"></head><body><div class="TRS_Editor">
<p>测试国际传播中心现公开招聘工作人员3名，岗位及条件详见附件。</p>
<p><a href="/P1.xlsx">附件：岗位计划表.xlsx</a></p></div></body></html>""".encode("gbk")
LIMITED = """<html><head><title>海河传媒集团招聘会计公告</title></head><body><div id="zoom">
<p>海河传媒集团因工作需要招聘财务会计1名，要求会计学专业本科以上学历。</p></div></body></html>""".encode()
BROKEN = b"<html><head><title>\xd5\xd0\xc6\xb8</title><body><div class='TRS_Editor'><p>\xd5\xd0<table><tr><td>"


class Handler(BaseHTTPRequestHandler):
    hits: ClassVar[dict[str, list[float]]] = {}

    def do_GET(self) -> None:
        self.hits.setdefault(self.path, []).append(time.monotonic())
        if self.path == "/t20250304_4.html" and len(self.hits[self.path]) == 1:
            self.send_response(429)
            self.send_header("Retry-After", "1")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body, ctype = {
            "/robots.txt": (b"User-agent: *\nAllow: /\n", "text/plain"),
            "/list.html": (LIST, "text/html; charset=gbk"),
            "/t20250301_1.html": (NOTICE_HTML, "text/html"),
            "/t20250302_2.html": (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + b"\0" * 64, "text/html"),
            "/t20250303_3.html": (BROKEN, "text/html; charset=gbk"),
            "/t20250304_4.html": (LIMITED, "text/html; charset=utf-8"),
            "/P1.xlsx": (files.render_xlsx(NOTICE), files.XLSX),
        }.get(self.path, (b"not found", "text/plain"))
        self.send_response(200 if body != b"not found" else 404)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve() -> Iterator[str]:
    Handler.hits = {}
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def test_bad_pages_are_recorded_and_attachment_positions_stored(tmp_path: Path) -> None:
    db = tmp_path / "store.sqlite"
    with serve() as base:
        sources = tmp_path / "sources.yaml"
        sources.write_text(
            f"sources:\n  - id: t\n    kind: cms\n    start_urls: ['{base}/list.html']\n",
            encoding="utf-8",
        )
        result = crawl(sources, db)
        hits = dict(Handler.hits)
    assert result.returncode == 1  # the binary page is an error, after storing the rest
    assert "Traceback" not in result.stderr
    conn = sqlite3.connect(db)
    try:
        kinds = dict(
            conn.execute(
                "SELECT substr(url, -7), page_kind || ':' || coalesce(error, '') FROM pages"
            )
        )
        rows = conn.execute(
            "SELECT title, headcount, sheet, row FROM table_rows ORDER BY row"
        ).fetchall()
        text = conn.execute("SELECT text FROM notices WHERE url LIKE '%_1.html'").fetchone()[0]
    finally:
        conn.close()
    assert kinds["_2.html"].startswith("error:") and "binary" in kinds["_2.html"]
    assert kinds["_3.html"].startswith("notice")  # malformed HTML is still read
    assert kinds["_4.html"].startswith("notice")  # fetched again after the 429
    retried = hits["/t20250304_4.html"]
    assert len(retried) == 2 and retried[1] - retried[0] >= 0.9  # Retry-After: 1 honoured
    assert rows == [("阿拉伯语编辑", 2, "岗位表", 4), ("视频剪辑师", 1, "岗位表", 5)]
    assert "阿拉伯语编辑 | 2 | 阿拉伯语 | 本科" in text


def test_real_registry_without_network_fails_per_source_and_keeps_the_store(
    tmp_path: Path,
) -> None:
    db = tmp_path / "store.sqlite"
    with serve() as base:  # a store holding one notice first
        sources = tmp_path / "sources.yaml"
        sources.write_text(
            f"sources:\n  - id: t\n    kind: cms\n    start_urls: ['{base}/list.html']\n",
            encoding="utf-8",
        )
        crawl(sources, db)
    before = sqlite3.connect(db).execute("SELECT count(*) FROM notices").fetchone()[0]
    # "No internet": every request goes to a proxy port where nothing listens.
    result = crawl(
        REGISTRY_SOURCES, db, "-s", "ICC_HTTP_PROXY=http://127.0.0.1:9", "-s", "RETRY_TIMES=0"
    )
    with_urls = [s.id for s in load_sources(REGISTRY_SOURCES) if s.start_urls]
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    failed = [line for line in result.stderr.splitlines() if line.startswith("source ")]
    assert sorted(line.split(":")[0].removeprefix("source ") for line in failed) == sorted(
        with_urls
    )
    assert all(": failed: " in line for line in failed)
    assert "have no start URL yet" in result.stdout
    after = sqlite3.connect(db).execute("SELECT count(*) FROM notices").fetchone()[0]
    assert after == before >= 1


def test_db_option_wins_over_the_environment(tmp_path: Path) -> None:
    """`ICC_TALENT_DB=/a icc-talent crawl --db /b`: the lock, the run, the pages and the
    notices all go to /b, and /a is never created."""
    env_db, db = tmp_path / "env" / "store.sqlite", tmp_path / "cli" / "store.sqlite"
    with serve() as base:
        sources = tmp_path / "sources.yaml"
        sources.write_text(
            f"sources:\n  - id: t\n    kind: cms\n    start_urls: ['{base}/list.html']\n",
            encoding="utf-8",
        )
        subprocess.run(
            crawl_command(sources, db),
            capture_output=True,
            text=True,
            cwd=REPO,
            env=crawl_env() | {"ICC_TALENT_DB": str(env_db)},
            timeout=300,
        )
    assert not env_db.parent.exists()
    conn = sqlite3.connect(db)
    try:
        counts = conn.execute(
            """SELECT (SELECT count(*) FROM crawl_runs), (SELECT count(*) FROM pages),
                      (SELECT count(*) FROM notices), (SELECT count(*) FROM frontier)"""
        ).fetchone()
    finally:
        conn.close()
    assert counts[0] == 1 and all(n > 0 for n in counts)


@pytest.mark.parametrize(
    ("setting", "env", "expected"),
    [
        ("/cli.sqlite", "/env.sqlite", "/cli.sqlite"),  # icc-talent crawl --db, scrapy -s ICC_DB
        (None, "/env.sqlite", "/env.sqlite"),  # scrapy crawl with the variable set
        (None, None, "data/icc-talent.sqlite"),  # scrapy crawl alone: crawler/settings.py
    ],
)
def test_store_path_is_decided_in_one_place(
    monkeypatch: pytest.MonkeyPatch, setting: str | None, env: str | None, expected: str
) -> None:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    if setting:
        settings.set("ICC_DB", setting, priority="cmdline")
    if env:
        monkeypatch.setenv("ICC_TALENT_DB", env)
    else:
        monkeypatch.delenv("ICC_TALENT_DB", raising=False)
    assert store_path(settings) == expected


assert FAST and REPO  # shared settings of the loopback crawls
