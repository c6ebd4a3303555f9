"""Reprocess re-joins articles split over several pages: the crawl joins an article's further
parts (`_2.html`, 下一页) into one notice, and `icc-talent reprocess`, which reads the archive
instead of the network, stores exactly the same notice, positions and findings."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from analysis.models import ParsedNotice
from analysis.process import Processed, process_page
from mirror.server import serve_mirror
from tests.test_spiders import crawl, icc_talent

FETCHED = datetime(2025, 3, 2, tzinfo=UTC)
FIRST = "t20250301_1.html"


def article(body: str, pager: str) -> bytes:
    return (
        "<html><head><meta charset='utf-8'><title>云岭国际传播中心2025年公开招聘工作人员公告</title>"
        "</head><body><div class='nav'>首页 招聘信息</div><div class='article'>"
        "<h1>云岭国际传播中心2025年公开招聘工作人员公告</h1><p>发布时间：2025-03-01</p>"
        f"<div class='TRS_Editor'>{body}</div><div class='pager'>{pager}</div></div>"
        "</body></html>"
    ).encode()


PART_1 = article(
    "<p>根据工作需要，云岭国际传播中心面向社会公开招聘工作人员3名，现将有关事项公告如下。</p>"
    "<p>一、招聘岗位</p><p>岗位一：英语编辑（2名）</p><p>岗位职责：负责英文稿件的编译与审校。</p>"
    "<p>任职要求：英语专业本科及以上学历，英语专业八级。</p>",
    f"<a href='{FIRST}'>1</a> <a href='t20250301_1_2.html'>2</a> "
    "<a href='t20250301_1_2.html'>下一页</a>",
)
PART_2 = article(
    "<p>岗位二：俄语记者（1名）</p><p>岗位职责：负责对俄新闻采访与报道。</p>"
    "<p>任职要求：俄语专业本科及以上学历，有海外留学经历者优先。</p>"
    "<p>二、报名方式</p><p>报名截止时间为2025年3月20日。联系电话：0871-0000000。</p>",
    f"<a href='{FIRST}'>上一页</a> <a href='{FIRST}'>1</a> <a href='t20250301_1_2.html'>2</a>",
)
LIST = (
    "<html><head><meta charset='utf-8'><title>招聘信息</title></head><body><ul>"
    f"<li><a href='/zp/{FIRST}'>云岭国际传播中心2025年公开招聘工作人员公告</a> 2025-03-01</li>"
    "</ul></body></html>"
).encode()


def test_process_page_joins_the_parts_it_is_given_and_stops_at_a_missing_one() -> None:
    url = f"http://icc.test/zp/{FIRST}"
    stored = {"http://icc.test/zp/t20250301_1_2.html": (PART_2, "text/html; charset=utf-8")}

    def process(parts: dict[str, tuple[bytes, str]], kind: str = "cms") -> ParsedNotice | None:
        result = process_page(
            PART_1,
            content_type="text/html; charset=utf-8",
            kind=kind,
            url=url,
            fetched_at=FETCHED,
            parts=parts.get,
        )
        return result.parsed if isinstance(result, Processed) else None

    joined = process(stored)
    assert joined is not None
    assert "英语编辑" in joined.text and "联系电话：0871-0000000" in joined.text
    alone = process({})
    assert alone is not None and "英语编辑" in alone.text and "俄语记者" not in alone.text
    wechat = process(stored, kind="wechat")  # WeChat articles have no parts
    assert wechat is None or "俄语记者" not in wechat.text


def snapshot(db: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(db)
    try:
        queries = {
            "notices": "SELECT id, url, title, published, deadline, text, text_hash, updated_at,"
            " gate FROM notices ORDER BY id",
            "positions": "SELECT id, notice_id, seq, title, headcount, text FROM positions"
            " ORDER BY id",
            "findings": "SELECT position_id, field, value, evidence FROM findings ORDER BY 1, 2, 3",
            "parts": "SELECT url, page_kind, error FROM pages WHERE page_kind = 'part'",
        }
        return {k: [tuple(r) for r in conn.execute(q)] for k, q in queries.items()}
    finally:
        conn.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site")
    (root / "zp").mkdir()
    (root / "zp" / "index.html").write_bytes(LIST)
    (root / "zp" / FIRST).write_bytes(PART_1)
    (root / "zp" / "t20250301_1_2.html").write_bytes(PART_2)
    return root


def test_reprocess_stores_the_joined_article_the_crawl_stored(site: Path, tmp_path: Path) -> None:
    db = tmp_path / "store.sqlite"
    with serve_mirror(site) as base:
        sources = tmp_path / "sources.yaml"
        source = {"id": "parts", "name": "云岭国际传播中心", "kind": "cms",
                  "start_urls": [f"{base}/zp/index.html"], "link_keywords": ["招聘"]}  # fmt: skip
        sources.write_text(yaml.safe_dump({"version": 1, "sources": [source]}, allow_unicode=True))
        done = crawl(sources, db)
    assert done.returncode == 0, done.stderr[-2000:]
    crawled = snapshot(db)
    assert crawled["parts"] == [(f"{base}/zp/t20250301_1_2.html", "part", None)]
    (text,) = [n[5] for n in crawled["notices"]]
    assert "英语编辑" in text and "0871-0000000" in text  # both parts, joined
    assert [p[3] for p in crawled["positions"]] == ["英语编辑", "俄语记者"]
    again = icc_talent("reprocess", db=db)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "1 unchanged" in again.stdout, again.stdout
    assert snapshot(db) == crawled
