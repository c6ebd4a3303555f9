"""Spiders on list pages, feeds and walls: a crawl of pages served on 127.0.0.1 by this test
(through the crawl's proxy setting), with default settings and no per-site selectors.

Checks: generic notice links and a numbered pager on a hand-written recruitment list, an article
split over two pages stored as one notice, a captcha wall recorded as a blocked failure, WeChat
articles found through a feed engine's URL template (RSS 2.0 shaped like RSSHub's; the real
WeWe-RSS Atom feeds of ../shared when present), one article per title and account.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import yaml
from mirror_helpers import SAMPLES
from test_list_pages import RSSHUB_RSS, expected_links
from test_spiders import crawl

from mirror.server import Route, serve_mirror

HTML = "text/html; charset=utf-8"
ARTICLE = (
    "<html><head><title>{title}</title></head><body><div class='nav'><a href='/'>首页</a></div>"
    "<div class='TRS_Editor'><p>{text}</p></div>{pager}</body></html>"
)


def article(title: str, text: str, pager: str = "") -> Route:
    return Route(HTML, body=ARTICLE.format(title=title, text=text, pager=pager).encode())


def list_page(items: list[tuple[str, str, str]], pager: str) -> Route:
    rows = "".join(f'<li><a href="{u}">{t}</a><span>{d}</span></li>' for u, t, d in items)
    body = (
        "<html><head><title>人才招聘_测试国际传播中心</title></head><body>"
        '<div class="nav"><a href="/rczp/index.html">人才招聘</a> <a href="/xw/">新闻</a></div>'
        f'<ul class="list">{rows}</ul><div class="page">{pager}</div>'
        '<div class="footer"><a href="/join/">诚聘英才</a></div></body></html>'
    )
    return Route(HTML, body=body.encode())


ICC = "http://icc.test/rczp/"
SITE_ROUTES = {
    ICC + "index.html": list_page(
        [
            ("202501/t20250110_77.html", "测试国际传播中心2025年公开招聘公告", "2025-01-10"),
            ("202501/t20250109_76.html", "中心举办媒体开放日", "2025-01-09"),
            ("202412/t20241201_70.html", "2024年公开招聘拟聘用人员名单公示", "2024-12-01"),
        ],
        '<a href="index_1.html">2</a> <a href="index_1.html">下一页</a>',
    ),
    ICC + "index_1.html": list_page(
        [("202411/t20241105_66.html", "测试国际传播中心2024年选聘公告", "2024-11-05")], ""
    ),
    ICC + "202501/t20250110_77.html": article(
        "测试国际传播中心2025年公开招聘公告",
        "第一部分：招聘英语编辑2名，本科以上学历。",
        '<a href="t20250110_77_2.html">2</a> <a href="t20250110_77_2.html">下一页</a>'
        ' <a href="t20250109_76.html">下一篇</a>',
    ),
    ICC + "202501/t20250110_77_2.html": article(
        "测试国际传播中心2025年公开招聘公告", "第二部分：报名截止日期为2025年1月31日。"
    ),
    ICC + "202411/t20241105_66.html": article("测试国际传播中心2024年选聘公告", "选聘记者1名。"),
    "http://jobs.test/search": Route(
        HTML,
        body="<html><head><title>滑动验证页面</title></head><body><p>请进行如下验证</p></body></html>".encode(),
    ),
    "http://rsshub.test/wechat/mp/MzA1": Route(
        "application/rss+xml; charset=utf-8", body=RSSHUB_RSS
    ),
}
SOURCES = [
    {"id": "t-icc", "kind": "cms", "start_urls": [ICC + "index.html"]},
    {"id": "t-board", "kind": "jobboard", "start_urls": ["http://jobs.test/search"]},
    {"id": "t-wechat", "kind": "wechat", "biz": ["MzA1"]},
]


def query(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def discovered(db: Path, source_id: str) -> set[str]:
    rows = query(
        db, f"SELECT url FROM frontier WHERE kind = 'notice' AND source_id = '{source_id}'"
    )
    return {url for (url,) in rows}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("lists")
    sources = tmp / "sources.yaml"
    sources.write_text(yaml.safe_dump({"sources": SOURCES}, allow_unicode=True), encoding="utf-8")
    db = tmp / "store.sqlite"
    with serve_mirror(None, routes=SITE_ROUTES) as proxy:
        template = "http://rsshub.test/wechat/mp/{biz}"
        crawl(
            sources,
            db,
            "-s",
            f"ICC_HTTP_PROXY={proxy}",
            "-s",
            f"ICC_WECHAT_FEED_TEMPLATE={template}",
        )
    return db


def test_generic_links_and_pager_with_default_settings(crawled: Path) -> None:
    assert discovered(crawled, "t-icc") == {
        ICC + "202501/t20250110_77.html",
        ICC + "202411/t20241105_66.html",
    }  # not the news item, the name list, or the nav/footer links


def test_article_split_over_two_pages_is_one_notice(crawled: Path) -> None:
    rows = query(crawled, "SELECT url, text FROM notices WHERE source_id = 't-icc'")
    texts = {url: text for url, text in rows}
    joined = texts[ICC + "202501/t20250110_77.html"]
    assert "第一部分" in joined and "第二部分" in joined
    assert joined.index("第一部分") < joined.index("第二部分")
    assert ICC + "202501/t20250110_77_2.html" not in texts  # a part, not a notice of its own
    assert ICC + "202501/t20250109_76.html" not in texts  # 下一篇 is the next article


def test_captcha_wall_is_a_recorded_failure(crawled: Path) -> None:
    rows = query(crawled, "SELECT page_kind, error FROM pages WHERE source_id = 't-board'")
    assert rows == [("error", "blocked: 滑动验证")]


def test_wechat_articles_through_the_feed_template(crawled: Path) -> None:
    assert discovered(crawled, "t-wechat") == {
        "https://mp.weixin.qq.com/s/aaaaaaaaaaaaaaaaaaaaaa",  # 招聘｜… (its 招聘丨… copy: once)
        "https://mp.weixin.qq.com/s/cccccccccccccccccccccc",
    }


@pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"{SAMPLES} absent")
def test_real_wewe_rss_feeds_through_the_template(tmp_path: Path) -> None:
    host = "http://feeds.test/feeds/"
    atom = "application/atom+xml; charset=utf-8"
    routes = {
        host + "MP_WXS_3522786087.atom": Route(
            atom, path=SAMPLES / "feeds/wewe_rss_tsinghua_career_2026.atom"
        ),
        host + "all.atom": Route(atom, path=SAMPLES / "feeds/wewe_rss_all_accounts_2026.atom"),
    }
    source = {"id": "t-wewe", "kind": "wechat", "feed_accounts": ["MP_WXS_3522786087", "all"]}
    sources = tmp_path / "sources.yaml"
    sources.write_text(yaml.safe_dump({"sources": [source]}), encoding="utf-8")
    db = tmp_path / "store.sqlite"
    with serve_mirror(None, routes=routes) as proxy:
        template = host + "{account}.atom"
        crawl(
            sources,
            db,
            "-s",
            f"ICC_HTTP_PROXY={proxy}",
            "-s",
            f"ICC_WECHAT_FEED_TEMPLATE={template}",
        )
    wanted = set(expected_links("feed-thu-career")) | set(expected_links("feed-all-accounts"))
    assert discovered(db, "t-wewe") == wanted
