"""Body text and dates on sites no selector knows (issue 10 §5): trafilatura finds the article
after the CMS containers, htmldate dates it after the labelled and URL dates, and sidebars,
rankings, calendars, share widgets and a repeated xxgk metadata table stay out of the body."""

from __future__ import annotations

import importlib

import pytest
from parsel import Selector

from analysis.extract.pages.article import (
    MIN_BODY_CHARS,
    body_chars,
    library_body,
    library_date,
    relayout,
    tidy_body,
)
from analysis.extract.pages.cms import parse_cms_notice

ARTICLE = [
    "某某国际传播中心因工作需要，现面向社会公开招聘英语编辑二名，负责外宣稿件的编译与审校工作。",
    "应聘人员须具有新闻传播或外国语言文学相关专业本科及以上学历，英语专业八级，能熟练撰写英文稿件。",
    "有海外媒体工作经历者优先，报名时请将个人简历、学历学位证书扫描件发送至指定邮箱，逾期不予受理。",
    "本公告未尽事宜由某某国际传播中心负责解释，联系电话与邮箱见中心官网，欢迎符合条件的人员报名。",
]
RANKING = ["热点排行一：某地举办文化节", "热点排行二：某县召开工作会", "热点排行三：某市发布新规"]


def unknown_site_page(date_meta: str = "", label: str = "") -> str:
    """A page of an unfamiliar template: menu, calendar and ranking sidebar before the article,
    share widget and footer after it; no CMS container class the selectors know."""
    menu = "".join(f"<li><a href='/c{i}'>栏目{i}</a></li>" for i in range(12))
    ranking = "".join(f"<li><a href='/r{i}'>{t}</a></li>" for i, t in enumerate(RANKING))
    days = "".join(f"<td>{d}</td>" for d in range(1, 31))
    paragraphs = "".join(f"<p>{p}</p>" for p in ARTICLE)
    return (
        f"<html><head><title>招聘英语编辑公告_某某网</title>{date_meta}</head><body>"
        f"<div class='nav'><ul>{menu}</ul></div>"
        f"<div class='side'><table class='calendar'><tr>{days}</tr></table><ul>{ranking}</ul></div>"
        f"<div class='wrap'><div class='left-box'><h1>招聘英语编辑公告</h1>{label}{paragraphs}</div>"
        "<div class='share'>分享到：微信 微博</div></div>"
        "<div class='footer'>版权所有 某某网 备案号 0000</div></body></html>"
    )


@pytest.mark.parametrize("module", ["trafilatura", "htmldate", "lxml_html_clean", "justext"])
def test_parser_dependencies_import(module: str) -> None:
    """trafilatura 2.3 with lxml 6.1 fails at import without lxml_html_clean (STYLE.md)."""
    importlib.import_module(module)


def test_unknown_site_body_is_the_article_only() -> None:
    parsed = parse_cms_notice(Selector(text=unknown_site_page()), "https://x.test/a.html")
    assert parsed.body_source == "trafilatura"
    assert parsed.text.startswith(ARTICLE[0][:20])
    assert parsed.text.rstrip().endswith(ARTICLE[-1][-20:])
    for noise in [*RANKING, "栏目3", "分享到", "版权所有"]:
        assert noise not in parsed.text


def test_known_container_still_wins() -> None:
    html = unknown_site_page().replace("class='left-box'", "id='zoom'")
    parsed = parse_cms_notice(Selector(text=html), "https://x.test/a.html")
    assert parsed.body_source == "zoom"
    assert parsed.text.startswith("招聘英语编辑公告")  # the container's own headline


def test_container_that_is_mostly_links_is_navigation() -> None:
    html = unknown_site_page().replace("class='nav'", "id='zoom'")
    parsed = parse_cms_notice(Selector(text=html), "https://x.test/a.html")
    assert parsed.body_source != "zoom"
    assert "栏目3" not in parsed.text


def test_repeated_metadata_table_is_dropped_once_seen() -> None:
    text = "\n".join([
        "索引号： | 1122/2022-00426",
        "发布日期： | 2022年01月28日",
        "索引号： | 1122/2022-00426 | 发布日期： | 2022年01月28日",  # the print layout's copy
        "X",
        "分享到 - 微信",
        "正文第一段。",
        "记者 | 1 | 本科",
        "记者 | 1 | 本科",  # two identical position rows are two positions: kept
    ])  # fmt: skip
    assert tidy_body(text).split("\n") == [
        "索引号： | 1122/2022-00426",
        "发布日期： | 2022年01月28日",
        "正文第一段。",
        "记者 | 1 | 本科",
        "记者 | 1 | 本科",
    ]


def test_library_table_rows_take_our_layout() -> None:
    assert relayout("| 岗位 | 人数 |  |\n\n  正文  ") == "岗位 | 人数\n正文"


@pytest.mark.parametrize("html", ["", "<html></html>", "<p>短</p>", "\x00\x01<<<>>>"])
def test_library_on_empty_or_broken_pages_gives_too_little(html: str) -> None:
    """Never a crash; too little text for `parse_body` to take it as the article."""
    sel = Selector(text=html or "<html/>")
    assert body_chars(library_body(sel)) < MIN_BODY_CHARS
    assert library_date(sel, None) is None


def test_date_from_markup_when_no_label_or_url_date() -> None:
    meta = "<meta property='article:published_time' content='2024-05-06T08:00:00+08:00'>"
    parsed = parse_cms_notice(Selector(text=unknown_site_page(meta)), "https://x.test/a.html")
    assert (parsed.published, parsed.published_source) == ("2024-05-06", "htmldate")


def test_labelled_date_beats_the_library() -> None:
    meta = "<meta property='article:published_time' content='2024-05-06T08:00:00+08:00'>"
    label = "<div>发布日期：2024年5月8日</div>"
    html = unknown_site_page(meta, label)
    parsed = parse_cms_notice(Selector(text=html), "https://x.test/a.html")
    assert (parsed.published, parsed.published_source) == ("2024年5月8日", "label")


def test_url_date_beats_the_library() -> None:
    meta = "<meta property='article:published_time' content='2024-05-06T08:00:00+08:00'>"
    html = unknown_site_page(meta)
    parsed = parse_cms_notice(Selector(text=html), "https://x.test/zpxx/202405/t20240501_9.html")
    assert (parsed.published, parsed.published_source) == ("2024-05-01", "url")


# ------------------------------------------------------- structured and split dates (issue 10 §3)


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("window.s = {&q;issueTime&q;:1769337520428,&q;updatedTime&q;:&q;2024-08-23&q;}", "2026-01-25"),
        ('{"@type": "NewsArticle", "datePublished": "2024-05-06T08:00:00+08:00"}', "2024-05-06T08:00:00+08:00"),
        ("var d = {publishTime: 1715000000};", "2024-05-06"),
    ],
)  # fmt: skip
def test_date_from_the_page_state_script(script: str, expected: str) -> None:
    html = unknown_site_page().replace("</head>", f"<script>{script}</script></head>")
    parsed = parse_cms_notice(Selector(text=html), "https://x.test/a.html")
    assert (parsed.published, parsed.published_source) == (expected, "script")


def test_date_badge_split_across_elements() -> None:
    badge = "<div class='data'><div class='day'>21</div><div class='year'>2024年02月</div></div>"
    parsed = parse_cms_notice(Selector(text=unknown_site_page(label=badge)), "https://x.test/a")
    assert (parsed.published, parsed.published_source) == ("2024-02-21", "badge")


def test_a_calendar_is_no_date_badge() -> None:
    days = "".join(f"<li>{d}</li>" for d in range(1, 29))
    calendar = f"<div><div>2024年02月</div><ul>{days}</ul></div>"
    parsed = parse_cms_notice(Selector(text=unknown_site_page(label=calendar)), "https://x.test/a")
    assert parsed.published_source != "badge"


def test_exam_time_is_not_the_publication_date() -> None:
    exam = "<p>（一）笔试</p><p>1.时间和地点</p><p>时间：2026年3月15日上午9:00</p>"
    parsed = parse_cms_notice(Selector(text=unknown_site_page(label=exam)), "https://x.test/a")
    assert parsed.published != "2026年3月15日"
