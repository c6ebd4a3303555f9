"""Extract stage: find notice links and further list pages on a list page.

Input: a `parsel.Selector` of a list page, its URL, optional per-source hints.
Output: `Listing(detail_urls, next_urls)`, absolute URLs, deduplicated in page order.
Handles TRS `createPageHTML(n, cur, "index", "html")` pagers, JCMS /col/ -> /art/ links,
"下一页"/"Next" links, numbered page links and job-board `page/N/` paths.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from urllib.parse import urldefrag, urljoin, urlsplit

from parsel import Selector

from analysis.extract.pages.records import Listing

DEFAULT_KEYWORDS = (
    "招聘", "招考", "公开招聘", "选聘", "招录", "遴选", "岗位", "人才", "诚聘", "招募",
    "vacancy", "vacancies", "recruit", "hiring", "editor", "reporter", "producer",
    "writer", "designer", "engineer", "translator", "expert", "presenter", "job", "career",
)  # fmt: skip
NEXT_TEXTS = frozenset(
    {"下一页", "下页", "后一页", "next", "next page", "next »", "next \u203a", "\u203a", "»"}
)
SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "#")

_CREATE_PAGE = re.compile(
    r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"']([^\"']+)[\"']\s*,\s*[\"']([^\"']+)[\"']"
)
_COUNT_PAGE = re.compile(r"\bcountPage\s*=\s*(\d+)")
_CURRENT_PAGE = re.compile(r"\bcurrentPage\s*=\s*(\d+)")
_PAGER_URL = re.compile(r"(index_\d+\.\w+$|/page/\d+/?$|[?&](page|pageNum|pageIndex|p)=\d+)", re.I)
_DETAIL_URL = re.compile(
    r"(/t\d{8}_\d+\.s?html?$"  # TRS WCM
    r"|/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$"  # 大汉 JCMS
    r"|mp\.weixin\.qq\.com/s$|/s/[\w-]{16,}(\.html)?$"  # WeChat
    r"|/job/[\w-]+(/|\.html|/index\.html)?$|/jobs/\d+[\w-]*/?$"  # job boards
    r"|/\d{4}-\d{2}/\d{2}/c_\d+\.htm$)",  # Xinhua style
    re.I,
)


def absolute(url: str, href: str) -> str | None:
    """Absolute URL of `href` without fragment, or None for non-navigational links."""
    href = href.strip()
    if not href or href.lower().startswith(SKIP_SCHEMES):
        return None
    joined, _ = urldefrag(urljoin(url, href))
    return joined if urlsplit(joined).scheme in ("http", "https") else None


def dedupe(urls: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(urls))


def base_url(sel: Selector, url: str) -> str:
    base = sel.xpath("//base/@href").get()
    return urljoin(url, base) if base else url


def trs_pager_urls(sel: Selector, url: str) -> list[str]:
    """Pages announced by the TRS pager script: index.html, index_1.html ... index_{n-1}.html."""
    scripts = "\n".join(sel.xpath("//script/text()").getall())
    found: list[tuple[int, int, str, str]] = [
        (int(n), int(cur), name, ext) for n, cur, name, ext in _CREATE_PAGE.findall(scripts)
    ]
    if not found:
        count_match, current_match = _COUNT_PAGE.search(scripts), _CURRENT_PAGE.search(scripts)
        if count_match:
            current_page = int(current_match.group(1)) if current_match else 0
            found = [(int(count_match.group(1)), current_page, "index", "html")]
    urls = []
    for count, current, name, ext in found:
        for i in range(count):
            if i != current:
                page = f"{name}.{ext}" if i == 0 else f"{name}_{i}.{ext}"
                urls.append(urljoin(url, page))
    return urls


def is_notice_like(url: str) -> bool:
    """True for URL shapes of known notice/article pages (query string ignored)."""
    return bool(_DETAIL_URL.search(url.split("?", 1)[0]))


def link_text(anchor: Selector) -> str:
    return " ".join(" ".join(anchor.xpath(".//text()").getall()).split())


def is_next_link(anchor: Selector) -> bool:
    text = link_text(anchor).lower()
    classes = (anchor.attrib.get("class") or "").lower().split()
    rel = (anchor.attrib.get("rel") or "").lower()
    return text in NEXT_TEXTS or "next" in classes or rel == "next"


def is_page_number_link(anchor: Selector, url: str) -> bool:
    return link_text(anchor).isdigit() and bool(_PAGER_URL.search(url))


def pager_urls(sel: Selector, url: str) -> list[str]:
    """Further list pages: pager script, next links, numbered links to page-like URLs."""
    base = base_url(sel, url)
    urls = trs_pager_urls(sel, base)
    for anchor in sel.xpath("//a[@href]"):
        target = absolute(base, anchor.attrib["href"])
        if target and (is_next_link(anchor) or is_page_number_link(anchor, target)):
            urls.append(target)
    return [u for u in dedupe(urls) if u != url]


def matches_keywords(anchor: Selector, keywords: Sequence[str]) -> bool:
    haystack = f"{link_text(anchor)} {anchor.attrib.get('title', '')}".lower()
    return any(k.lower() in haystack for k in keywords)


def select_anchors(sel: Selector, detail_selector: str | None) -> list[Selector]:
    if not detail_selector:
        return list(sel.xpath("//a[@href]"))
    found = (
        sel.xpath(detail_selector)
        if detail_selector.startswith(("/", "("))
        else (sel.css(detail_selector))
    )
    anchors: list[Selector] = []
    for node in found:
        is_anchor = node.xpath("self::a[@href]")
        anchors.extend(is_anchor if is_anchor else node.xpath(".//a[@href]"))
    return anchors


def detail_links(
    sel: Selector,
    url: str,
    link_keywords: Sequence[str] | None,
    detail_selector: str | None,
    exclude: set[str],
) -> list[str]:
    """Notice links: selected links, or keyword-matched links preferring notice-like URLs."""
    base = base_url(sel, url)
    keywords = link_keywords if link_keywords else (None if detail_selector else DEFAULT_KEYWORDS)
    urls = []
    for anchor in select_anchors(sel, detail_selector):
        target = absolute(base, anchor.attrib["href"])
        if not target or target in exclude:
            continue
        if keywords is None or matches_keywords(anchor, keywords):
            urls.append(target)
    urls = dedupe(urls)
    if not detail_selector:
        notice_like = [u for u in urls if is_notice_like(u)]
        if notice_like:
            return notice_like
    return urls


def parse_listing(
    sel: Selector,
    url: str,
    *,
    link_keywords: Sequence[str] | None = None,
    detail_selector: str | None = None,
) -> Listing:
    """Notice links and further list pages of the list page `sel` found at `url`."""
    next_urls = pager_urls(sel, url)
    exclude = {url, *next_urls}
    return Listing(detail_links(sel, url, link_keywords, detail_selector, exclude), next_urls)


def parse_url_list(text: str, url: str) -> Listing:
    """A plain-text list of article URLs (one per line, '#' comments), resolved against `url`."""
    lines = (line.strip() for line in text.splitlines())
    urls = (absolute(url, line) for line in lines if line and not line.startswith("#"))
    return Listing(dedupe(u for u in urls if u), [])
