"""Extract stage: find notice links and further list pages on a list page, without per-site rules.

Input: a `parsel.Selector` of a list page, its URL, optional per-source hints (`link_keywords`,
`detail_selector`, `max_pages`).
Output: `Listing(detail_urls, next_urls)`, absolute URLs, deduplicated in page order. Links are
scored generically (see `score_link`); pagers are read without running JavaScript.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl, urldefrag, urlencode, urljoin, urlsplit, urlunsplit

from lxml import etree
from parsel import Selector

from analysis.extract.pages.records import Listing

# A link is a notice only when its words say so: a recruitment term (or, on English job boards,
# a job title), or one of the source's own `link_keywords`.
RECRUIT_TERMS = (
    "招聘", "招考", "招录", "选聘", "选调", "遴选", "引进", "录用", "聘用", "诚聘", "招贤",
    "岗位", "职位",
)  # fmt: skip
# English words also run through news headlines ("his career", "a hiring freeze", "host city"):
# they count only on a recruitment page or for a job-like link address.
ENGLISH_TERMS = ("recruit", "vacanc", "career", "hiring", "job opening", "join us")
JOB_TITLES = re.compile(
    r"\b(editor|reporter|producer|writer|designer|engineer|translator|presenter|anchor"
    r"|correspondent|journalist|copywriter|host|intern|manager|specialist|expert)s?\b",
    re.I,
)
NOTICE_WORDS = ("公告", "简章", "启事", "通知", "公示", "announcement", "notice")
# Steps after the vacancy itself: name lists carry personal data, results are not vacancies.
AFTERMATH_WORDS = ("名单", "成绩", "体检", "考察", "递补", "资格复审", "合格人员")
# Kept for sources that name no keywords but want the old, looser match (feeds, sitemaps).
DEFAULT_KEYWORDS = (
    *RECRUIT_TERMS, *ENGLISH_TERMS, "editor", "reporter", "producer", "translator", "job",
)  # fmt: skip

NEXT_TEXTS = frozenset(
    {"下一页", "下页", "后一页", "next", "next page", "next »", "next \u203a", "\u203a", "»"}
)
LAST_TEXTS = frozenset({"尾页", "末页", "最后一页", "last", "last »", "»|"})
SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "#")
NAV_TAGS = frozenset({"nav", "header", "footer", "aside"})
NAV_TOKENS = frozenset(
    {
        "nav", "navbar", "menu", "menus", "footer", "foot", "header", "topbar", "sidebar",
        "side", "crumb", "crumbs", "breadcrumb", "bread", "friend", "friends", "links",
        "copyright", "bottom", "toolbar", "share",
    }
)  # fmt: skip
BLOCK_TAGS = frozenset({"li", "tr", "dd", "dt", "p", "div", "article", "section", "td", "table"})
MAX_GENERATED_PAGES = 1000  # a pager script announcing more pages than this is not believed
THRESHOLD = 5  # see score_link: relevance (2-3) plus at least two structural signals

_CREATE_PAGE = re.compile(
    r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"']([^\"']+)[\"']\s*,\s*[\"']([^\"']+)[\"']"
)
_COUNT_PAGE = re.compile(r"\bcountPage\s*=\s*(\d+)")
_CURRENT_PAGE = re.compile(r"\bcurrentPage\s*=\s*(\d+)")
_PAGER_URL = re.compile(
    r"((index|list|default|page)[_-]?\d+\.\w+$|/page/\d+/?$"
    r"|[?&](page|pageNum|pageNo|pageIndex|curPage|pn|p)=\d+)",
    re.I,
)
_NUMBERED_PAGE = re.compile(r"(?P<stem>(?:index|list|default|page)[_-]?)(?P<n>\d+)(?P<ext>\.\w+)$")
_PAGE_PARAM = ("page", "pageNum", "pageNo", "pageIndex", "curPage", "pn", "p")
_DETAIL_URL = re.compile(
    r"(/t\d{8}_\d+\.s?html?$"  # TRS WCM
    r"|/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$|/art_\d+_\d+\.html$"  # 大汉 JCMS
    r"|/content_\d+\.s?html?$|/content/\d+"  # content_<id>
    r"|/20\d{2}-?\d{2}/\d{2}/[^/]+$|/20\d{6}/[^/]+$|/20\d{2}/\d{1,2}/\d{1,2}[-_/][^/]+$"  # dated
    r"|mp\.weixin\.qq\.com/s$|/s/[\w-]{16,}(\.html)?$"  # WeChat
    r"|/job/[\w-]+(/|\.html|/index\.html)?$|/jobs/\d+[\w-]*/?$"  # job boards
    r"|/\d{4}-\d{2}/\d{2}/c_\d+\.htm$)",  # Xinhua style
    re.I,
)
_JOB_URL = re.compile(r"(job|vacanc|career|recruit|zhaopin|/zp|rczp|zpxx|rcyj|hiring)", re.I)
_COLUMN_URL = re.compile(r"(/|/index\.\w+|/default\.\w+|/list\.\w+)$", re.I)
_DATE = re.compile(
    r"(20\d{2}\s*[-/.年]\s*\d{1,2}(\s*[-/.月]\s*\d{1,2})?|\b\d{1,2}-\d{1,2}\b|\d{1,2}月\d{1,2}日"
    r"|\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d{1,2}, 20\d{2})"
)
_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Candidate:
    """One link of a list page with the signals `score_link` weighs."""

    url: str
    text: str  # link text and title attribute, whitespace folded
    path: str  # tag path from the root (tag.class/…): links sharing it form a list
    in_nav: bool  # inside navigation, header, footer or a sidebar
    dated: bool  # a date in the link's row


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


# ------------------------------------------------------------------------------------- pagers


def trs_pager_urls(sel: Selector, url: str, limit: int = MAX_GENERATED_PAGES) -> list[str]:
    """Pages announced by the TRS pager script: index.html, index_1.html ... index_{n-1}.html
    (at most `limit` of them)."""
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
        for i in range(min(count, limit + 1)):
            if i != current:
                page = f"{name}.{ext}" if i == 0 else f"{name}_{i}.{ext}"
                urls.append(urljoin(url, page))
    return urls


def page_number(url: str) -> int | None:
    """The page number a numbered pager URL carries (index_3.html, index3.html, ?page=3)."""
    parts = urlsplit(url)
    match = _NUMBERED_PAGE.search(parts.path)
    if match:
        return int(match.group("n"))
    for key, value in parse_qsl(parts.query):
        if key in _PAGE_PARAM and value.isdigit():
            return int(value)
    return None


def with_page_number(url: str, n: int) -> str:
    """`url` with its page number replaced by `n` (same pattern as `page_number` reads)."""
    parts = urlsplit(url)
    match = _NUMBERED_PAGE.search(parts.path)
    if match:
        path = parts.path[: match.start("n")] + str(n) + parts.path[match.end("n") :]
        return urlunsplit(parts._replace(path=path))
    query = [(k, str(n) if k in _PAGE_PARAM else v) for k, v in parse_qsl(parts.query)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def pages_up_to_last(last_url: str, seen: Sequence[str], limit: int) -> list[str]:
    """The numbered pages between the highest seen and a 尾页/Last link, so a pager that shows
    only a window of page numbers still yields every page (at most `limit`)."""
    last = page_number(last_url)
    if last is None:
        return []
    numbers = [n for n in (page_number(u) for u in seen) if n is not None and n < last]
    start = max(numbers, default=1) + 1
    return [with_page_number(last_url, n) for n in range(start, min(last, start + limit))]


def link_text(anchor: Selector) -> str:
    """The anchor's text, whitespace folded (read from lxml directly: this runs per link)."""
    root = anchor.root
    parts = root.itertext() if isinstance(root, etree._Element) else ()
    return " ".join(" ".join(parts).split())


def is_next_link(anchor: Selector, text: str | None = None) -> bool:
    text = (link_text(anchor) if text is None else text).lower()
    classes = (anchor.attrib.get("class") or "").lower().split()
    rel = (anchor.attrib.get("rel") or "").lower()
    return text in NEXT_TEXTS or "next" in classes or rel == "next"


def is_last_link(anchor: Selector, text: str | None = None) -> bool:
    return (link_text(anchor) if text is None else text).lower() in LAST_TEXTS


def is_page_number_link(anchor: Selector, url: str, text: str | None = None) -> bool:
    return (link_text(anchor) if text is None else text).isdigit() and bool(_PAGER_URL.search(url))


def pager_urls(sel: Selector, url: str, max_pages: int = MAX_GENERATED_PAGES) -> list[str]:
    """Further list pages: pager script, next/last links, numbered links to page-like URLs."""
    base = base_url(sel, url)
    urls = trs_pager_urls(sel, base, max_pages)
    last_links = []
    for anchor in sel.xpath("//a[@href]"):
        text = link_text(anchor)
        if not (text.isdigit() or len(text) < 12 or "next" in str(anchor.attrib)):
            continue  # pager links are short: skip resolving the URL of every other link
        target = absolute(base, anchor.attrib["href"])
        if not target:
            continue
        is_last = is_last_link(anchor, text)
        if is_last and _PAGER_URL.search(target):
            last_links.append(target)
        if is_last or is_next_link(anchor, text) or is_page_number_link(anchor, target, text):
            urls.append(target)
    for last_url in last_links:
        urls.extend(pages_up_to_last(last_url, urls, max_pages))
    return [u for u in dedupe(urls) if u != url][:max_pages]


# ------------------------------------------------------------------------------ link scoring


def class_tokens(element: etree._Element) -> set[str]:
    raw = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    return {t for t in _TOKEN_SPLIT.split(raw) if t}


def is_navigation(element: etree._Element) -> bool:
    """Navigation, header, footer and sidebars: by tag, or by a class/id word (nav, menu…)."""
    if not isinstance(element.tag, str):
        return False
    if element.tag.lower() in NAV_TAGS:
        return True
    return any(
        t in NAV_TOKENS or t.startswith(("nav", "menu", "foot")) for t in class_tokens(element)
    )


def tag_path(anchor: etree._Element) -> str:
    """The anchor's tag path: links in one list share it. Tags only: ids differ from row to
    row, and so do classes often (a highlighted or a "new" row)."""
    steps = [n.tag for n in (anchor, *anchor.iterancestors()) if isinstance(n.tag, str)]
    return "/".join(reversed(steps))


def row_of(anchor: etree._Element) -> etree._Element | None:
    """The anchor's row: its nearest block ancestor (li, tr, dd, p, div…), at most 3 up."""
    row = anchor.getparent()
    for _ in range(3):
        if row is None or (isinstance(row.tag, str) and row.tag.lower() in BLOCK_TAGS):
            break
        row = row.getparent()
    return row


def row_text(anchor: etree._Element, texts: dict[etree._Element, str]) -> str:
    """The text of the anchor's row without the anchor's own text, when the row is short
    enough to be one list item. `texts` caches each row's text, so a block holding many links
    is read once, not once per link."""
    row = row_of(anchor)
    if row is None:
        return ""
    if row not in texts:
        whole = "".join(row.itertext())
        texts[row] = whole if len(whole) <= 400 else ""  # longer: a paragraph or a column
    whole = texts[row]
    own = "".join(anchor.itertext())
    return whole.replace(own, " ", 1) if own and whole else whole


def build_candidates(sel: Selector, anchors: Sequence[Selector], base: str) -> list[Candidate]:
    candidates = []
    texts: dict[etree._Element, str] = {}
    for anchor in anchors:
        target = absolute(base, anchor.attrib.get("href", ""))
        if not target:
            continue
        element = anchor.root
        text = " ".join(f"{link_text(anchor)} {anchor.attrib.get('title', '')}".split())
        in_nav = any(is_navigation(a) for a in element.iterancestors())
        candidates.append(
            Candidate(
                url=target,
                text=text,
                path=tag_path(element),
                in_nav=in_nav,
                dated=bool(_DATE.search(row_text(element, texts))) or bool(_DATE.search(text)),
            )
        )
    return candidates


def relevance(text: str, keywords: Sequence[str] | None, job_context: bool = True) -> int:
    """3 for a recruitment term (or a source keyword); in a job context (a recruitment page or
    a job-like link address) also 3 for an English recruitment word and 2 for an English job
    title; else 0."""
    lowered = text.lower()
    if keywords:
        return 3 if any(k.lower() in lowered for k in keywords) else 0
    if any(t in lowered for t in RECRUIT_TERMS):
        return 3
    if not job_context:
        return 0
    if any(t in lowered for t in ENGLISH_TERMS):
        return 3
    return 2 if JOB_TITLES.search(text) else 0


def is_notice_like(url: str) -> bool:
    """True for URL shapes of known notice/article pages (query string ignored)."""
    return bool(_DETAIL_URL.search(url.split("?", 1)[0]))


def is_recruitment_page(sel: Selector, url: str) -> bool:
    """A list page that says it is a recruitment column (its title or its address)."""
    title = " ".join(sel.xpath("//title//text()").getall()).lower()
    parts = urlsplit(url)
    words = (*RECRUIT_TERMS, *ENGLISH_TERMS)
    return any(t in title for t in words) or bool(_JOB_URL.search(parts.netloc + parts.path))


def score_link(
    candidate: Candidate, repeated: bool, keywords: Sequence[str] | None, on_job_page: bool = False
) -> int:
    """How much a link looks like a recruitment notice of this list; 0 when its words do not
    say so, or (without source keywords) name a step after the vacancy (名单, 成绩…: name
    lists carry personal data).
    Signals: words (recruitment terms, 公告/简章…), a date in its row, an article URL shape, a
    job-like URL, being one of a repeated list, a list page that is a recruitment column;
    navigation and column URLs count against it."""
    path = urlsplit(candidate.url).path
    job_url = bool(_JOB_URL.search(path))
    words = relevance(candidate.text, keywords, on_job_page or job_url)
    if not words or (not keywords and any(w in candidate.text for w in AFTERMATH_WORDS)):
        return 0
    lowered = candidate.text.lower()
    score = words
    score += any(w in lowered for w in NOTICE_WORDS)
    score += candidate.dated
    score += is_notice_like(candidate.url)
    score += job_url
    score += repeated
    score += on_job_page
    score -= 3 * candidate.in_nav
    score -= bool(_COLUMN_URL.search(path)) and not is_notice_like(candidate.url)
    return score


def scored_links(
    candidates: Sequence[Candidate],
    keywords: Sequence[str] | None,
    exclude: set[str],
    on_job_page: bool = False,
) -> list[str]:
    """The candidates that score at least THRESHOLD, in page order."""
    repeats = Counter(c.path for c in candidates)
    return dedupe(
        c.url
        for c in candidates
        if c.url not in exclude
        and score_link(c, repeats[c.path] >= 3, keywords, on_job_page) >= THRESHOLD
    )


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
    """Notice links: with a `detail_selector`, the selected links (filtered by `link_keywords`
    when given); otherwise every link scored by `score_link`."""
    base = base_url(sel, url)
    if detail_selector:
        urls = []
        for anchor in select_anchors(sel, detail_selector):
            target = absolute(base, anchor.attrib["href"])
            wanted = not link_keywords or matches_keywords(anchor, link_keywords)
            if target and target not in exclude and wanted:
                urls.append(target)
        return dedupe(urls)
    candidates = build_candidates(sel, select_anchors(sel, None), base)
    return scored_links(candidates, link_keywords, exclude, is_recruitment_page(sel, url))


def parse_listing(
    sel: Selector,
    url: str,
    *,
    link_keywords: Sequence[str] | None = None,
    detail_selector: str | None = None,
    max_pages: int = MAX_GENERATED_PAGES,
) -> Listing:
    """Notice links and further list pages of the list page `sel` found at `url`."""
    next_urls = pager_urls(sel, url, max_pages)
    exclude = {url, *next_urls}
    return Listing(detail_links(sel, url, link_keywords, detail_selector, exclude), next_urls)


WECHAT_ARTICLE = "//mp.weixin.qq.com/s"


def parse_wechat_discovery(
    sel: Selector, url: str, max_pages: int = MAX_GENERATED_PAGES
) -> Listing:
    """A page that lists WeChat articles (a search-result page): every article link on it, and
    its pager. The search itself was the filter, so no words are required of the links."""
    base = base_url(sel, url)
    links = (absolute(base, href) for href in sel.xpath("//a/@href").getall())
    articles = dedupe(u for u in links if u and WECHAT_ARTICLE in u)
    return Listing(articles, pager_urls(sel, url, max_pages))


def looks_like_url_list(body: bytes) -> bool:
    """True for a plain-text list of URLs (the first meaningful line is a URL or a path)."""
    for raw in body[:4096].splitlines():
        line = raw.strip()
        if not line or line.startswith(b"#"):
            continue
        return line.startswith((b"http://", b"https://", b"/")) and b"<" not in line
    return False


def parse_url_list(text: str, url: str) -> Listing:
    """A plain-text list of article URLs (one per line, '#' comments), resolved against `url`."""
    lines = (line.strip() for line in text.splitlines())
    urls = (absolute(url, line) for line in lines if line and not line.startswith("#"))
    return Listing(dedupe(u for u in urls if u), [])
