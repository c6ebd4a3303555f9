"""WeChat share/reprint posts keep the article they embed (issue 10 §5): the spider follows
the original named by the post's share card or JS variables, once however many posts share it,
and the post's parsed record keeps the link. Crawled from pages served on 127.0.0.1 by this
test; the real share post of ../shared is checked by tests/test_pages_wechat.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from parsel import Selector
from test_spiders import crawl_routes, query

from analysis.extract.pages.wechat import parse_wechat_article, share_source_url
from analysis.models import ParsedNotice
from mirror.server import Route

HTML = "text/html; charset=utf-8"
WX = "https://mp.weixin.qq.com/s/"
ORIGINAL = "http://mp.weixin.qq.com/s?__biz=MzA1&mid=7&idx=1&sn=abc"


def wechat_page(title: str, body: str, scripts: str = "", card: str = "") -> Route:
    html = (
        f"<html><head><meta property='og:title' content='{title}'></head><body>"
        f"<h1 id='activity-name'>{title}</h1>{card}"
        f"<div id='js_content' style='visibility: hidden;'><p>{body}</p></div>"
        f'<script>var nickname = htmlDecode("测试中心");\nvar ct = "1767600000";\n{scripts}'
        "</script></body></html>"
    )
    return Route(HTML, body=html.encode())


CARD = (
    "<div id='js_share_content'><span id='js_share_author'>原作者</span>"
    f"<span id='js_share_source' data-url='{ORIGINAL.replace('&', '&amp;')}#wechat_redirect'>"
    "阅读全文</span></div>"
)
ROUTES = {
    "http://list.test/articles.txt": Route(
        "text/plain; charset=utf-8",
        body=f"{WX}share1111111111111111\n{WX}share2222222222222222\n".encode(),
    ),
    # one post shares through its card, the other through a JS variable: one original
    WX + "share1111111111111111": wechat_page("分享：招聘公告", "转发。", card=CARD),
    WX + "share2222222222222222": wechat_page(
        "转载：招聘公告", "转载。", scripts=f"var msg_source_url = '{ORIGINAL}#rd';"
    ),
    ORIGINAL: wechat_page("测试中心2026年公开招聘公告", "招聘英语编辑2名，本科以上学历。"),
}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = {"id": "t-share", "kind": "wechat", "start_urls": ["http://list.test/articles.txt"]}
    db, _ = crawl_routes(tmp_path_factory.mktemp("share"), source, ROUTES)
    return db


def test_the_embedded_original_is_fetched_once_and_stored(crawled: Path) -> None:
    pages = query(crawled, "SELECT url, page_kind FROM pages WHERE url LIKE '%__biz=MzA1%'")
    assert pages == [(ORIGINAL, "notice")]
    titles = {t for (t,) in query(crawled, "SELECT title FROM notices")}
    assert "测试中心2026年公开招聘公告" in titles
    frontier = query(crawled, f"SELECT kind FROM frontier WHERE url = '{ORIGINAL}'")
    assert frontier == [("notice",)]


def test_share_posts_are_stored_too(crawled: Path) -> None:
    urls = {u for (u,) in query(crawled, "SELECT url FROM pages WHERE page_kind = 'notice'")}
    assert {WX + "share1111111111111111", WX + "share2222222222222222"} <= urls


@pytest.mark.parametrize(
    ("card", "scripts", "expected"),
    [
        (CARD, "", ORIGINAL),
        ("", f"var msg_source_url = '{ORIGINAL}#rd';", ORIGINAL),
        ("", f'var share_source_url = "{ORIGINAL.replace("&", "&amp;")}";', ORIGINAL),
        # an original article's 阅读原文 link to another site is no embedded article
        ("", "var msg_source_url = 'https://blog.example/2025/11/issue.html';", None),
        ("", "var msg_source_url = '';", None),
        ("", "var msg_source_url = 'javascript:alert(1)';", None),
        ("", f"var msg_source_url = '{ORIGINAL}{'x' * 5000}';", None),  # absurdly long
    ],
)
def test_the_post_keeps_the_link(card: str, scripts: str, expected: str | None) -> None:
    route = wechat_page("标题", "正文。", scripts=scripts, card=card)
    assert route.body is not None
    parsed = parse_wechat_article(Selector(text=route.body.decode()), WX + "x")
    assert isinstance(parsed, ParsedNotice) and parsed.wechat is not None
    assert parsed.wechat.share_source_url == expected
    assert share_source_url(Selector(text="<html/>"), "") is None
