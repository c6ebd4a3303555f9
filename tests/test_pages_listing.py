"""listing.parse_listing on the mirror's list pages and on small hand-made pager variants."""

from __future__ import annotations

from mirror_helpers import BASE_URL, load_page, notice_rel, notices, page_url
from parsel import Selector

from analysis.extract.pages.listing import parse_listing, parse_url_list
from mirror.build import WECHAT_ERROR_PAGES

ICC_KEYWORDS = ["招聘", "招考", "选聘", "岗位", "recruit"]


def crawl_listing(start: str, **hints: object) -> tuple[list[str], list[str]]:
    """Follow next_urls from `start` over the mirror files; (detail URLs, list pages seen)."""
    queue, seen, details = [page_url(start)], [], []
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.append(url)
        rel = url.removeprefix(BASE_URL)
        rel = rel + "index.html" if rel.endswith("/") else rel
        listing = parse_listing(load_page(rel), url, **hints)  # type: ignore[arg-type]
        details += [u for u in listing.detail_urls if u not in details]
        queue += listing.next_urls
    return details, seen


def expected_urls(site: str) -> set[str]:
    return {page_url(notice_rel(n)).removesuffix("index.html") for n in notices(site)}


def test_trs_pager_script_and_keyword_links() -> None:
    listing = parse_listing(load_page("icc/zpxx/index.html"), page_url("icc/zpxx/index.html"))
    assert listing.next_urls == [
        page_url("icc/zpxx/index_1.html"),
        page_url("icc/zpxx/index_2.html"),
    ]
    assert all("/zpxx/20" in url for url in listing.detail_urls)
    assert page_url("icc/zpxx/index.html") not in listing.detail_urls  # nav "招聘信息" link


def test_icc_site_yields_every_notice_and_skips_the_news_item() -> None:
    details, pages = crawl_listing("icc/zpxx/index.html", link_keywords=ICC_KEYWORDS)
    assert set(details) == expected_urls("icc")
    assert len(pages) == 3
    assert not any("t20250603_2001" in url for url in details)  # 澜湄 news item


def test_jcms_next_links_and_art_links() -> None:
    details, pages = crawl_listing("rsj/col/col1234/index.html")
    assert set(details) == expected_urls("rsj")
    assert pages == [
        page_url("rsj/col/col1234/index.html"),
        page_url("rsj/col/col1234/index_2.html"),
    ]
    assert not any("art_1234_5750" in url for url in details)  # 社保 notice, not recruitment


def test_job_board_with_and_without_selector() -> None:
    with_selector, pages = crawl_listing("jobs/jobs/index.html", detail_selector="h2.job-title a")
    by_keyword, _ = crawl_listing("jobs/jobs/index.html")
    assert set(with_selector) == set(by_keyword) == expected_urls("jobs")
    assert page_url("jobs/jobs/page/2/") in pages


def test_wechat_url_list() -> None:
    text = load_page("wechat/articles.txt").xpath("string()").get()
    listing = parse_url_list(text, page_url("wechat/articles.txt"))
    # + the deleted article and the other error pages (violation, unavailable, expired, verify)
    assert len(listing.detail_urls) == len(notices("wechat")) + 1 + len(WECHAT_ERROR_PAGES)
    assert expected_urls("wechat") < set(listing.detail_urls)
    assert listing.next_urls == []


def test_url_list_comments_blank_lines_and_duplicates() -> None:
    listing = parse_url_list(
        "# header\n\ns/a.html\n s/a.html \nhttps://x.test/s/b\n", "https://m.test/l.txt"
    )
    assert listing.detail_urls == ["https://m.test/s/a.html", "https://x.test/s/b"]


def page(body: str) -> Selector:
    return Selector(text=f"<html><body>{body}</body></html>")


def test_next_link_numbered_links_and_dedupe() -> None:
    sel = page(
        '<ul><li><a href="a/1.html">2025年公开招聘公告</a></li>'
        '<li><a href="a/1.html#top">2025年公开招聘公告</a></li>'
        '<li><a href="a/2.html" title="招考简章">查看</a></li>'
        '<li><a href="a/3.html">工作动态</a></li>'
        '<li><a href="javascript:void(0)">招聘</a></li></ul>'
        '<div class="pager"><a href="list_2.html">下一页</a> <a href="index_3.html">3</a>'
        ' <a href="?page=4">4</a> <a href="/about">7</a></div>'
    )
    listing = parse_listing(sel, "https://gov.test/col/list.html")
    assert listing.detail_urls == ["https://gov.test/col/a/1.html", "https://gov.test/col/a/2.html"]
    assert listing.next_urls == [
        "https://gov.test/col/list_2.html",
        "https://gov.test/col/index_3.html",
        "https://gov.test/col/list.html?page=4",
    ]


def test_old_trs_inline_page_count() -> None:
    sel = page("<script>var currentPage = 1;//所在页从0开始\nvar countPage = 3//共多少页</script>")
    listing = parse_listing(sel, "https://gov.test/zwgk/index_1.html")
    assert listing.next_urls == [
        "https://gov.test/zwgk/index.html",
        "https://gov.test/zwgk/index_2.html",
    ]


def test_notice_like_urls_win_over_keyword_nav_links() -> None:
    sel = page(
        '<div class="nav"><a href="/rczp/">人才招聘</a></div>'
        '<a href="/rczp/202501/t20250110_77.html">2025年选聘公告</a>'
    )
    listing = parse_listing(sel, "https://icc.test/rczp/index.html")
    assert listing.detail_urls == ["https://icc.test/rczp/202501/t20250110_77.html"]


def test_base_href_and_english_keywords() -> None:
    sel = Selector(
        text='<html><head><base href="https://jobs.test/en/"></head><body>'
        '<a href="vacancy/12">Vacancy: English Editor</a><a href="about">About us</a></body></html>'
    )
    listing = parse_listing(sel, "https://jobs.test/list")
    assert listing.detail_urls == ["https://jobs.test/en/vacancy/12"]


def test_rss_feed_and_sitemap_of_the_mirror() -> None:
    from analysis.extract.pages.feeds import feed_kind, parse_feed
    from mirror.build import SITES_DIR

    rss = (SITES_DIR / "rsj/rss.xml").read_bytes()
    assert feed_kind(rss) == "rss"
    listing = parse_feed(rss, page_url("rsj/rss.xml"), link_keywords=["招聘"])
    assert set(listing.detail_urls) == expected_urls("rsj")
    sitemap = (SITES_DIR / "icc/sitemap.xml").read_bytes()
    assert feed_kind(sitemap) == "urlset"
    assert expected_urls("icc") <= set(parse_feed(sitemap, page_url("icc/sitemap.xml")).detail_urls)
    assert feed_kind(b"<!DOCTYPE html><html><body>rss</body></html>") is None


def test_feed_parser_ignores_entities() -> None:
    from analysis.extract.pages.feeds import parse_feed

    evil = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<rss><channel><item><title>\xe6\x8b\x9b\xe8\x81\x98&x;</title>"
        b"<link>/a/t20250101_1.html</link></item></channel></rss>"
    )
    listing = parse_feed(evil, "http://x.test/rss.xml")
    assert listing.detail_urls == ["http://x.test/a/t20250101_1.html"]
