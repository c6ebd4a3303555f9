"""Titles on unfamiliar sites: the site-name suffix goes whatever the separator, and a page
that holds a title in any common markup never yields an empty one (issue 10 §4)."""

from __future__ import annotations

import pytest
from parsel import Selector

from analysis.extract.pages.cms import parse_cms_notice
from analysis.extract.pages.titles import (
    clean_title,
    first_segment,
    looks_like_site_name,
    strip_site_suffix,
    unwrap_brackets,
)
from analysis.extract.pages.wechat import parse_wechat_article


def page(head: str = "", body: str = "<p>正文内容。</p>") -> Selector:
    return Selector(text=f"<html><head>{head}</head><body>{body}</body></html>")


# A suffix that names the site, after every separator seen on real pages, CJK and English.
SUFFIXED = [
    ("武汉的声音：有英勇的你，才有英雄的城！-新华网", "武汉的声音：有英勇的你，才有英雄的城！"),
    ("民间资本路在何方-搜狐财经", "民间资本路在何方"),
    ("某某中心2025年公开招聘公告_人事考试网", "某某中心2025年公开招聘公告"),
    ("某某中心2025年公开招聘公告_招考信息_某某市人民政府", "某某中心2025年公开招聘公告"),
    ("China's exports rise in May | CGTN", "China's exports rise in May"),
    ("Chongqing village draws visitors - Chinadaily.com.cn", "Chongqing village draws visitors"),
    ("国际传播中心招聘编辑 - 中国日报网", "国际传播中心招聘编辑"),
    ("Hiring bilingual editors — Global Times Online", "Hiring bilingual editors"),
    ("国际传播中心招聘编辑\uff5c澎湃新闻", "国际传播中心招聘编辑"),
    ("国际传播中心招聘编辑 \u2013 某某在线", "国际传播中心招聘编辑"),
]


@pytest.mark.parametrize(("raw", "expected"), SUFFIXED)
def test_site_suffix_goes_whatever_the_separator(raw: str, expected: str) -> None:
    assert clean_title(raw, page()) == expected


@pytest.mark.parametrize(
    "title",
    [
        "1-10月德清县固定资产投资结构趋稳趋优",  # a hyphen inside the title
        "2025年国际传播中心招聘公告",  # no separator at all
        "COVID-19 coverage: a year on",  # an English hyphen
        "中英-双语编辑招聘公告",  # an unspaced hyphen before words that are no site name
    ],
)
def test_title_without_a_site_suffix_is_kept(title: str) -> None:
    assert clean_title(title, page()) == title


def test_suffix_is_what_the_headline_lacks() -> None:
    """When the page shows its headline, <title> loses whatever it appends, of any shape."""
    sel = page(body="<div class='h-title'>招聘英语编辑 </div><p>正文</p>")
    assert clean_title("招聘英语编辑 zboygirl  某某Blog", sel) == "招聘英语编辑"


def test_headline_box_with_source_and_date_still_matches() -> None:
    sel = page(body="<div class='detail-title'><b>招聘公告</b><span>来源：新华社</span></div>")
    assert clean_title("招聘公告-中国科普网", sel) == "招聘公告"


def test_site_name_from_og_site_name_or_host() -> None:
    sel = page("<meta property='og:site_name' content='Sixth Tone'>")
    assert clean_title("Hiring bilingual editors — Sixth Tone", sel) == "Hiring bilingual editors"
    assert clean_title("Vacancies - cgtn", page(), "https://www.cgtn.com/a.html") == "Vacancies"


def test_placeholder_title_is_empty() -> None:
    assert clean_title("无标题文档", page()) == ""


def test_site_name_shapes() -> None:
    assert looks_like_site_name("新华网", [])
    assert looks_like_site_name("CGTN", [])
    assert not looks_like_site_name("10月德清县固定资产投资结构趋稳趋优", [])
    assert strip_site_suffix("甲 - 乙 - 某某网", []) == "甲 - 乙"  # a subtitle after a dash stays


# ------------------------------------------------------------------ never empty when present


@pytest.mark.parametrize(
    ("head", "body", "expected"),
    [
        ("<title>招聘公告_某某网</title>", "", "招聘公告"),
        ("<meta property='og:title' content='招聘公告 | CGTN'>", "", "招聘公告"),
        ("<meta name='twitter:title' content='Vacancy: editor'>", "", "Vacancy: editor"),
        ("", "<h1>招聘公告</h1>", "招聘公告"),
        ("<title>无标题文档</title>", "<div class='con-title'>招聘公告</div>", "招聘公告"),
        ("<title>\n</title>", "<h1>招聘公告</h1>", "招聘公告"),
    ],
)
def test_cms_title_from_any_common_markup(head: str, body: str, expected: str) -> None:
    parsed = parse_cms_notice(page(head, body + "<p>正文内容。</p>"), "https://x.test/a.html")
    assert parsed.title == expected


def test_saved_page_wrapper_title_is_the_last_resort() -> None:
    sel = Selector(text="<text id='http://x.test/a' title='飞行物理学常识'><p>正文。</p></text>")
    assert parse_cms_notice(sel, "http://x.test/a").title == "飞行物理学常识"


def test_wechat_title_falls_back_to_title_tag() -> None:
    sel = page("<title>招聘启事</title>", "<div id='js_content'><p>正文内容。</p></div>")
    parsed = parse_wechat_article(sel, "https://mp.weixin.qq.com/s/abc")
    assert not isinstance(parsed, type(None))
    assert getattr(parsed, "title", "") == "招聘启事"


@pytest.mark.parametrize(
    ("raw", "logo", "expected"),
    [
        ("某中心招聘编辑-某聘", "<a href='https://x.test/' title='某聘'><img src=''></a>", "某中心招聘编辑"),
        ("某中心招聘编辑-某聘", "<a href='/'><img alt='某聘'></a>", "某中心招聘编辑"),
        ("某中心招聘编辑-某聘", "<a href='/'>某聘</a>", "某中心招聘编辑"),
        ("某中心招聘编辑-某聘", "<a href='/about'>某聘</a>", "某中心招聘编辑-某聘"),  # not home
    ],
)  # fmt: skip
def test_site_name_from_the_home_link(raw: str, logo: str, expected: str) -> None:
    assert clean_title(raw, page(body=f"{logo}<p>正文</p>"), "https://x.test/a/1.html") == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("【UI设计师招聘】", "UI设计师招聘"),
        ("「测试工程师招聘」", "测试工程师招聘"),
        ("【招聘】某中心招聘编辑", "【招聘】某中心招聘编辑"),  # a tag before the title stays
        ("【A】和【B】", "【A】和【B】"),
        ("《某某》", "《某某》"),  # a work's name is no wrapper
        ("【】", "【】"),
        ("", ""),
    ],
)
def test_unwrap_brackets(raw: str, expected: str) -> None:
    assert unwrap_brackets(raw) == expected


def test_first_segment() -> None:
    assert first_segment("岗位_公司招聘信息") == "岗位"
    assert first_segment("岗位 | 公司") == "岗位"
    assert first_segment("_岗位") == "_岗位"
    assert first_segment("岗位") == "岗位"
