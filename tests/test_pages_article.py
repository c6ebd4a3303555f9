"""Body text and dates on sites no selector knows (issue 10 §5): trafilatura finds the article
after the CMS containers, htmldate dates it after the labelled and URL dates, and sidebars,
rankings, calendars, share widgets and a repeated xxgk metadata table stay out of the body."""

from __future__ import annotations

import importlib

import pytest
from lxml import etree
from parsel import Selector

from analysis.extract.pages.article import (
    MIN_BODY_CHARS,
    body_chars,
    library_body,
    library_date,
    prune_link_blocks,
    relayout,
    tidy_body,
    trim_head,
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


# ------------------------------------------------- link blocks and opening chrome (issue 10 §5)
REQUIREMENTS = ["1. 英语专业八级", "2. 年龄35周岁以下", "3. 有海外工作经历者优先"]


def page_with_chrome(article: str) -> str:
    """An unfamiliar template: breadcrumb, headline and byline above the article, a
    related-items table and a menu row of links below it, all inside the main column."""
    crumbs = (
        "当前位置：<a href='/'>首页</a>｜<a href='/n'>新闻中心</a>｜<a href='/n/t'>通知公告</a>"
    )
    related = "".join(
        f"<tr><td>·</td><td><a href='/r{i}.html'>{t}</a></td></tr>" for i, t in enumerate(RANKING)
    )
    menu = " | ".join(f"<a href='/m{i}'>栏目{i}</a>" for i in range(6))
    return (
        "<html><head><title>招聘英语编辑公告_某某网</title></head><body><div class='main'>"
        f"<div>{crumbs}</div><h1>招聘英语编辑公告</h1>"
        "<div>2024-05-06 10:00 来源：某某网 | 浏览次数：120</div>"
        f"<div>{article}</div>"
        f"<table><tr><td>相关新闻</td></tr></table><table>{related}</table>"
        f"<p>{menu}</p></div></body></html>"
    )


def test_link_rows_and_opening_chrome_leave_the_body() -> None:
    article = "".join(f"<p>{p}</p>" for p in ARTICLE[:2] + REQUIREMENTS + ARTICLE[2:])
    text = library_body(Selector(text=page_with_chrome(article)))
    lines = text.split("\n")
    assert lines[0] == ARTICLE[0]
    assert lines[-1] == ARTICLE[-1]
    for kept in REQUIREMENTS:  # short, but content: never link text
        assert kept in lines
    for noise in [
        "当前位置",
        "首页",
        "招聘英语编辑公告",
        "来源：某某网",
        "相关新闻",
        *RANKING,
        "栏目3",
    ]:
        assert noise not in text


def test_content_links_are_not_navigation() -> None:
    """An attachment, a written-out address and a linked name inside a sentence stay; a
    menu row, a lone link and the short heading of a link list go."""
    body = etree.fromstring(
        "<main>"
        "<p>报名网址：<ref target='https://zp.example.cn/'>https://zp.example.cn/</ref></p>"
        "<p>附件：<ref target='/files/P020240506.xlsx'>岗位信息表</ref></p>"
        "<p>详情请登录<ref target='/'>某某中心</ref>官网查询，咨询电话010-12345678。</p>"
        "<p>1. 英语专业八级</p>"
        "<head>相关链接</head>"
        "<row><cell><ref target='/a'>首页</ref></cell><cell><ref target='/b'>新闻</ref></cell></row>"
        "<p><ref target='/c'>点击查看更多招聘信息</ref></p>"
        "</main>"
    )
    prune_link_blocks(body)
    assert [("".join(e.itertext())) for e in body] == [
        "报名网址：https://zp.example.cn/",
        "附件：岗位信息表",
        "详情请登录某某中心官网查询，咨询电话010-12345678。",
        "1. 英语专业八级",
    ]


def test_a_dropped_block_keeps_the_text_after_it() -> None:
    body = etree.fromstring("<main>前文<p><ref target='/x'>菜单</ref></p>后文</main>")
    prune_link_blocks(body)
    assert "".join(body.itertext()) == "前文后文"


def test_position_table_rows_stay() -> None:
    rows = "".join(
        f"<tr><td>{n}</td><td>{t}</td><td>1</td><td>本科</td></tr>"
        for n, t in enumerate(["英语编辑", "法语翻译", "视频剪辑"], 1)
    )
    article = f"<p>{ARTICLE[0]}</p><table><tr><th>序号</th><th>岗位</th><th>人数</th><th>学历</th></tr>{rows}</table><p>{ARTICLE[1]}</p>"
    text = library_body(Selector(text=page_with_chrome(article)))
    assert "序号 | 岗位 | 人数 | 学历" in text
    assert "2 | 法语翻译 | 1 | 本科" in text


@pytest.mark.parametrize(
    ("head", "dropped"),
    [
        ("招聘英语编辑公告", True),  # the headline again
        ("发布时间：2024年05月06日 来源：某某网", True),
        ("首页 > 新闻中心 > 通知公告", True),
        ("您的位置：首页", True),
        ("一、招聘岗位", False),
        ("2024年5月6日", False),  # a date alone is no byline
        ("当前位置：首页->新闻" + ARTICLE[0] * 2, False),  # a crumb glued to the text is text
    ],
)
def test_opening_chrome(head: str, dropped: bool) -> None:
    text = "\n".join([head, *ARTICLE])
    trimmed = trim_head(text, ["招聘英语编辑公告_某某网", "招聘英语编辑公告"])
    assert trimmed.startswith(ARTICLE[0]) == dropped


def test_trim_stops_at_the_first_content_line() -> None:
    text = "\n".join([ARTICLE[0], "首页 > 新闻 > 正文", ARTICLE[1]])
    assert trim_head(text, []) == text


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
