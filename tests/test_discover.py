"""Source discovery (analysis.discover): ranking a home page's links as recruitment list pages,
on the mirror's home pages and on the site navigation of real saved pages (../shared/samples,
skipped when absent), the list page behind an article URL, and the YAML it proposes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from parsel import Selector

from analysis.discover import (
    Candidate,
    collect_candidates,
    list_page_of,
    rank,
    read_listing,
    registered_domain,
    render_registry_yaml,
    site_name,
    sitemap_links,
    sitemap_urls,
    text_score,
    with_listing,
)
from crawler.sources import parse_source
from mirror.build import SITES_DIR
from tests.mirror_helpers import BASE_URL, SAMPLES, content_types, load_page, load_sample

needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"real samples absent ({SAMPLES})")


def best(sel: Selector, url: str, **kwargs: object) -> list[Candidate]:
    return rank(collect_candidates(sel, url, **kwargs).values())  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("home", "expected", "reason"),
    [
        # a GBK TRS site: the nav link 招聘信息 to its recruitment column
        ("icc/index.html", "icc/zpxx/index.html", "link text '招聘信息'"),
        # a JCMS personnel portal: 事业单位招聘
        ("rsj/index.html", "rsj/col/col1234/index.html", "link text '事业单位招聘'"),
        # an English job board: "Browse jobs" to /jobs/
        ("jobs/index.html", "jobs/jobs/", "link text 'Browse jobs'"),
    ],
)
def test_mirror_home_pages_propose_their_list_page_first(
    home: str, expected: str, reason: str
) -> None:
    ranked = best(load_page(home), BASE_URL + home)
    assert ranked, f"nothing proposed for {home}"
    assert ranked[0].url == BASE_URL + expected
    assert reason in ranked[0].reasons


def test_the_home_page_itself_and_its_plain_links_are_not_proposed() -> None:
    ranked = best(load_page("icc/index.html"), BASE_URL + "icc/index.html")
    assert [c.url for c in ranked] == [BASE_URL + "icc/zpxx/index.html"]  # not 首页


def test_a_sitemap_folder_adds_to_the_column_a_link_names() -> None:
    body = (SITES_DIR / "icc" / "sitemap.xml").read_bytes()
    locs = [BASE_URL.rstrip("/") + loc for loc in sitemap_urls(body)]
    ranked = best(load_page("icc/index.html"), BASE_URL + "icc/index.html", sitemap_locs=locs)
    assert [c.url for c in ranked] == [BASE_URL + "icc/zpxx/index.html"]
    assert "sitemap lists 10 article(s) under it" in ranked[0].reasons


def test_a_sitemap_proposes_the_folder_of_its_notice_pages() -> None:
    body = (SITES_DIR / "icc" / "sitemap.xml").read_bytes()
    locs = [BASE_URL.rstrip("/") + loc for loc in sitemap_urls(body)]
    assert len(locs) == 10
    bare = Selector(text="<html><body><p>no links</p></body></html>")
    ranked = best(bare, BASE_URL + "icc/index.html", sitemap_locs=locs)
    assert [c.url for c in ranked] == [BASE_URL + "icc/zpxx/"]
    assert "sitemap lists 10 article(s) under it" in ranked[0].reasons


@pytest.mark.parametrize(
    ("article", "column"),
    [
        ("http://a.cn/icc/zpxx/202512/t20251209_1009.html", "http://a.cn/icc/zpxx/"),
        (
            "http://a.cn/rsj/art/2025/6/3/art_1234_2001.html",
            "http://a.cn/rsj/col/col1234/index.html",
        ),
        ("http://a.cn/local/2020-02/19/c_1125597921.htm", "http://a.cn/local/"),
        ("http://a.cn/zpgg/t20250101_1.shtml", "http://a.cn/zpgg/"),
    ],
)
def test_list_page_of_an_article(article: str, column: str) -> None:
    assert list_page_of(article) == column


def test_a_notice_on_the_home_page_proposes_its_column() -> None:
    html = """<html><body><div class="news"><ul>
    <li><a href="/xwzx/zpxx/202503/t20250301_7.html">某国际传播中心2025年公开招聘工作人员公告</a></li>
    <li><a href="/xwzx/tpxw/202503/t20250302_8.html">春季运动会开幕</a></li>
    </ul></div></body></html>"""
    ranked = best(Selector(text=html), "https://www.a.cn/")
    assert ranked[0].url == "https://www.a.cn/xwzx/zpxx/"
    assert any(r.startswith("holds the notice") for r in ranked[0].reasons)
    assert all("tpxw" not in c.url for c in ranked)


@pytest.mark.parametrize(
    ("text", "scored"),
    [
        ("人才招聘", True),
        ("招贤纳士", True),
        ("Join us", True),
        ("CAREERS", True),
        ("2025年招生简章", False),  # admissions, not jobs
        ("招标公告", False),  # tenders
        ("招商引资", False),
        ("拟聘用人员名单", False),  # results, not a vacancy list
        ("新闻中心", False),
    ],
)
def test_text_score(text: str, scored: bool) -> None:
    assert (text_score(text)[0] > 0) is scored


def test_fetched_candidates_that_list_notices_rise_and_failures_sink() -> None:
    a = Candidate("http://a.cn/zp/", 3.0, ("x",))
    assert with_listing(a, 10).score == 8.0
    assert with_listing(a, 0).score == 2.0
    assert with_listing(a, None, "HTTP 404").score == 0.0
    ranked = rank([with_listing(a, None, "HTTP 404"), Candidate("http://a.cn/jobs/", 2.0, ())])
    assert [c.url for c in ranked] == ["http://a.cn/jobs/"]


def test_sitemaps_from_links_and_robots() -> None:
    sel = Selector(text='<html><head><link rel="sitemap" href="/sm.xml"></head></html>')
    robots = "User-agent: *\nDisallow:\nSitemap: https://a.cn/sitemap_index.xml\n"
    assert sitemap_links(sel, "https://a.cn/", robots) == [
        "https://a.cn/sm.xml",
        "https://a.cn/sitemap_index.xml",
    ]


def test_registered_domain_groups_subdomains() -> None:
    assert registered_domain("hr.example.com.cn") == registered_domain("www.example.com.cn")
    assert registered_domain("rsj.hangzhou.gov.cn") == "hangzhou.gov.cn"
    assert registered_domain("careers.example.com") == "example.com"


def test_the_proposed_yaml_is_a_valid_registry_entry() -> None:
    home = load_page("icc/index.html")
    ranked = best(home, BASE_URL + "icc/index.html")
    text = render_registry_yaml(
        ranked, BASE_URL + "icc/index.html", site_name(home), found_on="2026-12-02"
    )
    assert text.startswith("# Proposed by `icc-talent sources discover")
    entries = yaml.safe_load(text)
    source = parse_source(entries[0], Path("pasted.yaml"))
    assert source.start_urls == (BASE_URL + "icc/zpxx/index.html",)
    assert source.name == "云岭国际传播中心 · 招聘信息"


def test_read_listing_counts_the_links_a_crawl_would_follow() -> None:
    rel = "icc/zpxx/index.html"
    read = read_listing((SITES_DIR / rel).read_bytes(), BASE_URL + rel, content_types()[rel])
    assert (read.charset, read.charset_reason) == ("gb18030", "http-header")
    assert (len(read.listing.detail_urls), len(read.listing.next_urls)) == (3, 2)
    feed = read_listing((SITES_DIR / "rsj/rss.xml").read_bytes(), BASE_URL + "rsj/rss.xml", None)
    assert feed.charset == "rss" and feed.listing.detail_urls


# -- real pages: the navigation and footers of real sites (saved article and list pages) -------


@needs_samples
def test_real_phpcms_site_nav_proposes_its_recruitment_column() -> None:
    sel = load_sample("recruitment_notices/cmgb2_social_recruitment_2026_phpcms.html")
    ranked = best(sel, "http://www.chinayjdzej.cn/")
    assert ranked[0].url == "http://www.chinayjdzej.cn/index.php?mod=article&act=list&cid=794"
    assert "link text '招聘信息'" in ranked[0].reasons


@needs_samples
def test_real_fund_site_footer_proposes_its_careers_page() -> None:
    sel = load_sample("notice_lists/fund_xxpl_list_meta_gb2312_utf8_bytes.html")
    ranked = best(sel, "http://www.rtfund.com/")
    assert "诚聘英才" in ranked[0].label


@needs_samples
def test_real_placeholder_link_is_never_proposed() -> None:
    page = SAMPLES / "extraction_benchmark/original/274a65d9-46df-45be-b9f6-4d18ba911427.html"
    sel = load_sample(str(page.relative_to(SAMPLES)))
    assert all(c.label != "人才招聘" for c in best(sel, "http://example.test/"))  # href="#"


@needs_samples
def test_real_off_site_careers_page_is_proposed_and_flagged() -> None:
    page = SAMPLES / "extraction_benchmark/original/0ef8393b-0415-494c-b608-1d45bb33c6fb.html"
    sel = load_sample(str(page.relative_to(SAMPLES)))
    found = collect_candidates(sel, "https://www.rfi.fr/cn/")
    careers = [c for c in found.values() if c.label == "加入我们"]
    assert careers and "on another site" in careers[0].reasons
    assert careers[0] in rank(found.values())
