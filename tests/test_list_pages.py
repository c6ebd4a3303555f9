"""List pages without per-site rules: generic link scoring, pagers, job-board JSON rows, walls,
feeds (RSS 2.0 shaped like RSSHub's, the real WeWe-RSS Atom feeds) and in-article paging.

Real pages are read from ../shared/samples at run time; those tests skip when it is absent.
"""

from __future__ import annotations

import pytest
import yaml
from mirror_helpers import SAMPLES, load_page, load_sample, notice_rel, notices, page_url
from parsel import Selector

from analysis.extract.pages.blocked import detect_blocked
from analysis.extract.pages.feeds import feed_entries, feed_kind, feed_urls, parse_feed
from analysis.extract.pages.jobboard import embedded_json_links, parse_jobboard_posting
from analysis.extract.pages.listing import (
    looks_like_url_list,
    pager_urls,
    parse_listing,
    parse_wechat_discovery,
)
from analysis.extract.pages.paging import article_part_urls, join_parts
from analysis.extract.pages.records import Unavailable
from analysis.models import ParsedNotice
from benchmarks.real_pages import EXPECTATIONS_FILE

needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"{SAMPLES} absent")


def expected_urls(site: str) -> set[str]:
    return {page_url(notice_rel(n)).removesuffix("index.html") for n in notices(site)}


def crawl_listing(start: str) -> set[str]:
    """Every notice link reachable from a mirror list page through its pager, default hints."""
    queue, seen, details = [page_url(start)], set(), set()
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        rel = url.removeprefix(page_url(""))
        listing = parse_listing(load_page(rel + ("index.html" if rel.endswith("/") else "")), url)
        details.update(listing.detail_urls)
        queue += listing.next_urls
    return details


def page(body: str, title: str = "") -> Selector:
    return Selector(text=f"<html><head><title>{title}</title></head><body>{body}</body></html>")


def expected_links(sample_id: str) -> list[str]:
    samples = yaml.safe_load(EXPECTATIONS_FILE.read_text(encoding="utf-8"))["samples"]
    return next(s["expect"]["links"] for s in samples if s["id"] == sample_id)


# ------------------------------------------------------------------------------- link scoring


@pytest.mark.parametrize(
    "site, start",
    [
        ("icc", "icc/zpxx/index.html"),
        ("rsj", "rsj/col/col1234/index.html"),
        ("jobs", "jobs/jobs/index.html"),
    ],
)
def test_default_settings_find_every_notice_of_the_mirror_lists(site: str, start: str) -> None:
    assert crawl_listing(start) == expected_urls(site)  # and no news item, 社保 notice or nav link


def test_recruitment_words_alone_do_not_make_a_navigation_link_a_notice() -> None:
    sel = page(
        '<div class="nav"><a href="/rczp/">人才招聘</a><a href="/about/">关于我们</a></div>'
        '<ul class="list"><li><a href="/rczp/202501/t20250110_77.html">2025年公开招聘公告</a>'
        "<span>2025-01-10</span></li>"
        '<li><a href="/xw/202501/t20250109_76.html">中心举办媒体开放日</a><span>2025-01-09</span></li>'
        '<li><a href="/rczp/202501/t20250108_75.html">2024年公开招聘拟聘用人员名单公示</a>'
        "<span>2025-01-08</span></li></ul>"
        '<footer><a href="/join/careers.html">Careers</a> | <a href="/zp/index.html">诚聘英才</a></footer>'
    )
    listing = parse_listing(sel, "https://icc.test/rczp/index.html")
    assert listing.detail_urls == ["https://icc.test/rczp/202501/t20250110_77.html"]


def test_a_source_keyword_replaces_the_recruitment_words() -> None:
    sel = page(
        '<ul><li><a href="/a/20240105/1.shtml">关于基金份额发售的公告</a> 2024-01-05</li>'
        '<li><a href="/a/20240104/2.shtml">关于旗下基金费率优惠的公告</a> 2024-01-04</li>'
        '<li><a href="/a/20240103/3.shtml">关于住所变更的公告</a> 2024-01-03</li></ul>'
    )
    assert parse_listing(sel, "https://fund.test/xxpl/").detail_urls == []
    asked = parse_listing(sel, "https://fund.test/xxpl/", link_keywords=["公告"])
    assert len(asked.detail_urls) == 3


@needs_samples
@pytest.mark.parametrize(
    "sample, file, url",
    [
        (
            "list-dfa66-announcements",
            "notice_lists/fund_announcement_list_mixed_dates.html",
            "https://www.dfa66.com/dfaets/news/infodisclosure/announcement/index.html",
        ),
        (
            "list-rtfund-xxpl",
            "notice_lists/fund_xxpl_list_meta_gb2312_utf8_bytes.html",
            "https://www.rtfund.com/main/xxpl/index.shtml",
        ),
    ],
)
def test_real_fund_lists_give_nothing_unless_the_source_asks(
    sample: str, file: str, url: str
) -> None:
    sel = load_sample(file)
    assert parse_listing(sel, url).detail_urls == []  # not recruitment: "诚聘英才" is a footer link
    asked = parse_listing(sel, url, link_keywords=["公告"])
    assert asked.detail_urls == expected_links(sample)


def test_english_words_count_only_on_a_recruitment_page() -> None:
    sel = page(
        '<ul><li><a href="/a/2024-05/14/c_1.htm">Editor-in-chief reflects on a long career</a>'
        ' May 14, 2024</li><li><a href="/a/2024-05/13/c_2.htm">Host city gets ready</a>'
        ' May 13, 2024</li><li><a href="/a/2024-05/12/c_3.htm">Hiring freeze ends</a>'
        " May 12, 2024</li></ul>"
    )
    assert parse_listing(sel, "https://news.test/world/index.html").detail_urls == []
    careers = parse_listing(sel, "https://news.test/careers/index.html")
    assert len(careers.detail_urls) == 3  # the same rows on a careers page are vacancies


# ------------------------------------------------------------------------------------- pagers


def test_numbered_pagers_of_every_shape() -> None:
    sel = page(
        '<div class="page"><a href="index2.html">2</a><a href="index3.html">3</a>'
        '<a href="list?page=4">4</a><a href="index2.html">下一页</a><a href="/about">7</a></div>'
    )
    assert pager_urls(sel, "https://gov.test/col/index.html") == [
        "https://gov.test/col/index2.html",
        "https://gov.test/col/index3.html",
        "https://gov.test/col/list?page=4",
    ]


def test_last_page_link_fills_the_pages_a_window_pager_hides() -> None:
    sel = page(
        '<a href="index_1.html">2</a><a href="index_2.html">3</a><a href="index_6.html">尾页</a>'
    )
    urls = pager_urls(sel, "https://gov.test/col/index.html")
    assert urls == [f"https://gov.test/col/index_{n}.html" for n in (1, 2, 6, 3, 4, 5)]
    query = page('<a href="?page=2">下一页</a><a href="?page=4">末页</a>')
    assert pager_urls(query, "https://x.test/list") == [
        "https://x.test/list?page=2", "https://x.test/list?page=4", "https://x.test/list?page=3"
    ]  # fmt: skip


def test_trs_script_pager_is_bounded_by_the_page_limit() -> None:
    sel = page('<script>createPageHTML(5000, 0, "index", "html");</script>')
    urls = pager_urls(sel, "https://gov.test/zpxx/index.html", max_pages=3)
    assert urls == [f"https://gov.test/zpxx/index_{n}.html" for n in (1, 2, 3)]


@needs_samples
def test_real_sogou_search_page_as_a_wechat_discovery_page() -> None:
    url = "https://weixin.sogou.com/weixin?type=2&query=高考"
    sel = load_sample("wechat/sogou_weixin_article_search_2017.html")
    listing = parse_wechat_discovery(sel, url)
    assert listing.detail_urls == expected_links("list-sogou-weixin-search")
    assert "page=2" in listing.next_urls[0]  # its pager (#sogou_page_N links)


# --------------------------------------------------------------------------------- job boards


@needs_samples
def test_real_51job_rows_held_only_as_json_are_read() -> None:
    url = "https://search.51job.com/list/000000,000000,0000,00,9,99,+,2,1.html"
    sel = load_sample("job_boards/job51_search_list_2021_gbk.html")
    assert parse_listing(sel, url).detail_urls == []  # no <a> row in the HTML
    assert embedded_json_links(sel, url) == expected_links("list-job51-search")


def test_json_rows_prefer_the_row_link_over_company_links_and_skip_bad_json() -> None:
    sel = page(
        "<script>var broken = {nope: 1};\n"
        'window.__DATA__ = {"ads": [], "rows": ['
        '{"company_href": "https://b.test/co1", "job_href": "https://b.test/j/1"},'
        '{"company_href": "https://b.test/co2", "job_href": "/j/2"}], "total_page": 9};</script>'
    )
    assert embedded_json_links(sel, "https://b.test/search") == [
        "https://b.test/j/1", "https://b.test/j/2"
    ]  # fmt: skip


@needs_samples
def test_real_captcha_wall_is_blocked_not_an_empty_posting() -> None:
    sel = load_sample("job_boards/zhilian_slider_captcha_page_2022.html")
    assert detect_blocked(sel) == "blocked: 滑动验证"
    result = parse_jobboard_posting(sel, "https://jobs.zhaopin.com/x.htm")
    assert isinstance(result, Unavailable) and result.reason == "blocked"


def test_a_long_notice_that_mentions_a_verification_code_is_not_a_wall() -> None:
    body = "<p>报名时输入手机验证码，完成验证后提交。</p>" + "<p>岗位职责与任职要求。</p>" * 400
    assert detect_blocked(page(body, "2025年公开招聘公告")) is None
    assert detect_blocked(page("<p>为保证您的正常访问，请进行如下验证</p>", "")) is not None


# -------------------------------------------------------------------------------------- feeds

# Shaped like RSSHub's RSS 2.0 output for a WeChat account (written for this test).
RSSHUB_RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss xmlns:atom="http://www.w3.org/2005/Atom" version="2.0"><channel>
<title><![CDATA[测试国际传播中心]]></title><link>https://mp.weixin.qq.com/</link>
<atom:link href="http://rsshub.test/wechat/mp/MzA1" rel="self" type="application/rss+xml"/>
<description><![CDATA[测试 - Powered by RSSHub]]></description><generator>RSSHub</generator>
<item><title><![CDATA[招聘｜2026年公开招聘公告]]></title><description><![CDATA[<p>x</p>]]></description>
<pubDate>Mon, 05 Jan 2026 02:00:00 GMT</pubDate><guid isPermaLink="false">https://mp.weixin.qq.com/s/aaaaaaaaaaaaaaaaaaaaaa</guid>
<link>https://mp.weixin.qq.com/s/aaaaaaaaaaaaaaaaaaaaaa</link><author><![CDATA[测试国际传播中心]]></author></item>
<item><title><![CDATA[招聘丨2026年公开招聘公告]]></title><pubDate>Mon, 05 Jan 2026 03:00:00 GMT</pubDate>
<link>https://mp.weixin.qq.com/s/bbbbbbbbbbbbbbbbbbbbbb</link><author><![CDATA[测试国际传播中心]]></author></item>
<item><title><![CDATA[中心举办开放日活动]]></title><pubDate>Sun, 04 Jan 2026 03:00:00 GMT</pubDate>
<link>https://mp.weixin.qq.com/s/cccccccccccccccccccccc</link></item>
</channel></rss>
""".encode()


def test_rsshub_rss2_entries_with_one_article_per_title_and_account() -> None:
    assert feed_kind(RSSHUB_RSS) == "rss"
    entries = feed_entries(RSSHUB_RSS, "http://rsshub.test/wechat/mp/MzA1")
    assert [e.url[-2:] for e in entries] == ["aa", "cc"]  # "招聘｜" and "招聘丨": one title
    assert {e.account for e in entries} == {"测试国际传播中心"}  # author, else the feed title
    assert parse_feed(RSSHUB_RSS, "http://rsshub.test/x", link_keywords=["招聘"]).detail_urls == [
        "https://mp.weixin.qq.com/s/aaaaaaaaaaaaaaaaaaaaaa"
    ]


@needs_samples
def test_real_wewe_rss_feeds_keep_every_article_of_each_account() -> None:
    for file, sample in [
        ("feeds/wewe_rss_all_accounts_2026.atom", "feed-all-accounts"),
        ("feeds/wewe_rss_tsinghua_career_2026.atom", "feed-thu-career"),
    ]:
        body = (SAMPLES / file).read_bytes()
        entries = feed_entries(body, "https://feeds.shuo-zha.cn/feeds/x.atom")
        assert [e.url for e in entries] == expected_links(sample)
        # the same title under two accounts stays twice: each account's post is its own
        if sample == "feed-all-accounts":
            titles = [e.title for e in entries]
            assert len(set(titles)) < len(titles)


def test_feed_urls_fill_biz_or_account_into_the_template() -> None:
    assert feed_urls("http://127.0.0.1:4000/feeds/{account}.atom", ["MzA1=="], ["MP_WXS_1"]) == [
        "http://127.0.0.1:4000/feeds/MP_WXS_1.atom"
    ]
    assert feed_urls("http://127.0.0.1:1200/wechat/mp/{biz}", ["MzA1=="], []) == [
        "http://127.0.0.1:1200/wechat/mp/MzA1=="
    ]


def test_url_list_bodies_are_told_from_html() -> None:
    assert looks_like_url_list(b"# ICC notices\n\nhttps://a.test/t20250101_1.html\n")
    assert not looks_like_url_list(b"<!DOCTYPE html><html>")
    assert not looks_like_url_list(b"\n")


# ----------------------------------------------------------------------- in-article paging


@pytest.mark.parametrize("sep", ["_", "-"])
def test_article_parts_numbered_links_and_next_page(sep: str) -> None:
    sel = page(
        f'<div class="pages"><a href="123{sep}2.html">2</a><a href="123{sep}3.html">3</a>'
        f'<a href="123{sep}2.html">下一页</a></div>'
        '<a href="124.html">下一篇</a><a href="123_9.pdf">附件</a><a href="/other/123_4.html">4</a>'
    )
    assert article_part_urls(sel, "https://news.test/a/123.html") == [
        f"https://news.test/a/123{sep}2.html", f"https://news.test/a/123{sep}3.html"
    ]  # fmt: skip


def test_trs_detail_pager_and_the_part_limit() -> None:
    sel = page('<script>createPageHTML(30, 0, "t20190918_693227", "shtml");</script>')
    urls = article_part_urls(sel, "https://gov.test/a/t20190918_693227.shtml", max_parts=3)
    assert urls == [
        "https://gov.test/a/t20190918_693227_1.shtml", "https://gov.test/a/t20190918_693227_2.shtml"
    ]  # fmt: skip
    one = page('<script>createPageHTML(1, 0, "t20190918_693227", "shtml");</script>')
    assert article_part_urls(one, "https://gov.test/a/t20190918_693227.shtml") == []


def test_join_parts_keeps_order_and_every_attachment() -> None:
    first = ParsedNotice(
        url="u", title="t", text="一", attachments=["a.xls"], attachment_names=["A"]
    )
    second = ParsedNotice(url="u_2", title="t", text="二", attachments=["a.xls", "b.pdf"])
    joined = join_parts(first, [second])
    assert joined.text == "一\n二"
    assert joined.attachments == ["a.xls", "b.pdf"] and joined.attachment_names == ["A", ""]
