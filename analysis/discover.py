"""Source discovery (before a crawl): rank the links of a site's home page as candidate
recruitment list pages, and write the best as registry entries to paste.

Input: the home page (a `parsel.Selector` and its URL), the URLs of its sitemap and the feeds
it announces, and for the candidates fetched since, how many notice links each lists.
Output: ranked `Candidate`s (URL, score, the reasons) and registry YAML. Pure: no I/O; the
`icc-talent sources discover` command fetches (crawler/probe.py) and calls these.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from urllib.parse import urljoin, urlsplit

import yaml
from parsel import Selector

from analysis.extract.pages.charset import charset_from_content_type, decode_html
from analysis.extract.pages.feeds import feed_kind, parse_feed
from analysis.extract.pages.listing import absolute, is_notice_like, link_text
from analysis.extract.pages.listing import parse_listing as parse_list_page
from analysis.extract.pages.records import Listing
from analysis.source import Source

# Anchor text of a recruitment column or page, strongest first; matched case-insensitively.
COLUMN_PHRASES = (
    "人才招聘", "招聘信息", "招聘公告", "招贤纳士", "加入我们", "诚聘英才", "人才引进", "公开招聘",
    "招聘专栏", "人才招募", "人才中心", "招考信息", "事业单位招聘", "join us", "careers",
    "career", "jobs", "vacancies", "recruitment", "work with us", "work for us",
)  # fmt: skip
COLUMN_WORDS = ("招聘", "招考", "招录", "选聘", "诚聘", "招募", "人才", "job", "recruit", "hiring")
# Look like recruitment but are not: admissions, tenders, investment promotion, trainees' results.
NOT_RECRUITMENT = ("招生", "招标", "招商", "采购", "成绩", "名单", "admission", "tender")
# Path segments of recruitment columns (pinyin initials are how Chinese CMSs name them).
COLUMN_PATHS = re.compile(
    r"(?:^|[/_\-.=])(zpxx|rczp|zhaopin|zp|zpgg|gkzp|zkzp|sydwzp|rcyj|rczk|jrwm|joinus|join-us|"
    r"careers?|jobs?|recruit\w*|vacanc\w*|hr)(?:$|[/_\-.?&=])",
    re.I,
)
# Parts of a page that hold a site's navigation: a link there is a column, not an article.
NAV_MARKERS = re.compile(r"nav|menu|header|footer|foot|top|bottom|links|daohang|dh", re.I)
# Segments of an article URL that date it (TRS `202512/`, `2025-12/09/`, JCMS `art/2025/12/9/`).
_DATE_SEGMENT = re.compile(r"^(\d{6}|\d{8}|\d{4}-\d{2}|\d{4}|\d{1,2})$")
_JCMS_ARTICLE = re.compile(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_(\d+)_\d+\.html$")
_LOC = re.compile(rb"<loc>\s*([^<\s]+)\s*</loc>", re.I)
TITLE_SPLIT = re.compile(r"\s*[-_|\u2013\u2014\u00b7]\s*")  # - _ | en/em dash, middle dot

MAX_ANCHORS = 5000  # a home page with more links is read only this far (bounded work)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A URL proposed as a recruitment list page, with its score and why."""

    url: str
    score: float
    reasons: tuple[str, ...]
    label: str = ""  # the anchor text that named it, for the registry entry's name
    kind: str = "page"  # page | feed
    points: tuple[float, ...] = ()  # what each reason added by `add` (merges count it once)

    def add(self, points: float, reason: str) -> Candidate:
        if reason in self.reasons:
            return self
        return replace(
            self,
            score=self.score + points,
            reasons=(*self.reasons, reason),
            points=(*self.points, points),
        )


def registered_domain(host: str) -> str:
    """The last two labels of a host (three under .gov.cn/.com.cn…): hr.example.com.cn and
    www.example.com.cn are one site."""
    labels = host.lower().split(".")
    tail = 3 if len(labels) > 2 and labels[-2] in {"gov", "com", "org", "edu", "net", "ac"} else 2
    return ".".join(labels[-tail:])


def same_site(url: str, other: str) -> bool:
    a, b = urlsplit(url).hostname or "", urlsplit(other).hostname or ""
    return registered_domain(a) == registered_domain(b)


def in_navigation(anchor: Selector) -> bool:
    """True when an ancestor is a nav/header/footer element or is named like one."""
    for node in anchor.xpath("ancestor::*[position() <= 6]"):
        tag = node.root.tag if isinstance(node.root.tag, str) else ""
        if tag in ("nav", "header", "footer"):
            return True
        names = f"{node.attrib.get('class', '')} {node.attrib.get('id', '')}"
        if NAV_MARKERS.search(names):
            return True
    return False


def text_score(text: str) -> tuple[float, str | None]:
    """Points for an anchor text naming a recruitment column, and the reason."""
    lowered = text.lower()
    if not lowered or any(word in lowered for word in NOT_RECRUITMENT):
        return 0.0, None
    for phrase in COLUMN_PHRASES:
        if phrase in lowered:
            # A short label is a column ("招聘信息"); a long one is usually an article title.
            points = 5.0 if len(text) <= 3 * len(phrase) + 4 else 3.0
            return points, f"link text {text!r}"
    for word in COLUMN_WORDS:
        if word in lowered:
            return 2.0, f"link text {text!r} holds {word!r}"
    return 0.0, None


def path_score(url: str) -> tuple[float, str | None]:
    parts = urlsplit(url)
    match = COLUMN_PATHS.search(f"{parts.path}?{parts.query}")
    return (2.0, f"address names a recruitment column ({match.group(1)})") if match else (0, None)


def list_page_of(notice_url: str) -> str:
    """The list page an article URL most likely sits under: JCMS `art/…/art_COL_ID.html` →
    `col/colCOL/index.html`; otherwise its folder without the date folders."""
    jcms = _JCMS_ARTICLE.search(notice_url)
    if jcms:
        return urljoin(notice_url[: jcms.start()] + "/", f"col/col{jcms.group(1)}/index.html")
    parts = urlsplit(notice_url)
    segments = parts.path.split("/")[:-1]
    while len(segments) > 1 and _DATE_SEGMENT.match(segments[-1]):
        segments.pop()
    return f"{parts.scheme}://{parts.netloc}{'/'.join(segments)}/"


def sitemap_urls(body: bytes, limit: int = 50_000) -> list[str]:
    """The `<loc>` URLs of a sitemap (regex over bytes: no XML parser for a possibly huge file)."""
    found = []
    for match in _LOC.finditer(body):
        found.append(match.group(1).decode("utf-8", "replace"))
        if len(found) >= limit:
            break
    return found


def feed_links(sel: Selector, url: str) -> list[str]:
    """RSS/Atom feeds the page announces with `<link rel="alternate">`."""
    hrefs = sel.xpath("//link[contains(@type, 'rss') or contains(@type, 'atom')]/@href").getall()
    return [u for u in (absolute(url, h) for h in hrefs) if u]


def sitemap_links(sel: Selector, url: str, robots_txt: str = "") -> list[str]:
    """Sitemaps named by the page (`<link rel="sitemap">`, a 网站地图 link to an .xml) or by
    robots.txt (`Sitemap:` lines)."""
    hrefs = sel.xpath("//link[contains(@rel, 'sitemap')]/@href").getall()
    hrefs += [h for h in sel.xpath("//a/@href").getall() if h.lower().endswith("sitemap.xml")]
    hrefs += [
        line.split(":", 1)[1].strip()
        for line in robots_txt.splitlines()
        if line.lower().startswith("sitemap:")
    ]
    return list(dict.fromkeys(u for u in (absolute(url, h) for h in hrefs) if u))


def candidates_from_anchors(sel: Selector, url: str) -> dict[str, Candidate]:
    """Every link of the page that names a recruitment column (by text or address), or that
    is a notice whose list page can be inferred."""
    found: dict[str, Candidate] = {}
    for anchor in sel.xpath("//a[@href]")[:MAX_ANCHORS]:
        target = absolute(url, anchor.attrib["href"])
        if not target or target.rstrip("/") == url.rstrip("/"):
            continue
        text = link_text(anchor) or anchor.attrib.get("title", "").strip()
        points, reason = text_score(text)
        if is_notice_like(target):
            if points:  # a notice on the home page: propose the column it sits in
                column = list_page_of(target)
                seed = found.get(column) or Candidate(column, 0.0, ())
                found[column] = seed.add(3.0, f"holds the notice {text[:40]!r}")
            continue
        url_points, url_reason = path_score(target)
        if not points and not url_points:
            continue
        if any(word in text.lower() for word in NOT_RECRUITMENT):
            continue
        candidate = found.get(target) or Candidate(target, 0.0, (), label=text)
        for add, why in ((points, reason), (url_points, url_reason)):
            if add and why:
                candidate = candidate.add(add, why)
        if in_navigation(anchor):
            candidate = candidate.add(1.0, "in the site's navigation or footer")
        if not same_site(url, target):
            candidate = candidate.add(-1.0, "on another site")
        found[target] = candidate if candidate.label else replace(candidate, label=text)
    return found


def candidates_from_sitemap(locs: Iterable[str]) -> dict[str, Candidate]:
    """List pages inferred from a sitemap: the folders holding notice-shaped URLs whose address
    names a recruitment column (a sitemap has no link text to go by)."""
    folders = Counter(list_page_of(u) for u in locs if is_notice_like(u))
    found: dict[str, Candidate] = {}
    for folder, count in folders.items():
        points, reason = path_score(folder)
        if points and reason:
            found[folder] = (
                Candidate(folder, 0.0, ())
                .add(points, reason)
                .add(1.0, f"sitemap lists {count} article(s) under it")
            )
    return found


def collect_candidates(
    home: Selector,
    url: str,
    *,
    sitemap_locs: Sequence[str] = (),
    feeds: Sequence[str] = (),
) -> dict[str, Candidate]:
    """Every candidate of a home page, its sitemap and its feeds, keyed by URL."""
    found = candidates_from_anchors(home, url)
    by_column = {column_key(u): u for u in found}
    for folder, candidate in candidates_from_sitemap(sitemap_locs).items():
        # The sitemap's folder is the column a link already names (`zpxx/` = `zpxx/index.html`).
        known_url = by_column.get(column_key(folder), folder)
        known = found.get(known_url)
        found[known_url] = candidate if known is None else _merge(known, candidate)
    for feed in feeds:
        found.setdefault(
            feed, Candidate(feed, 1.0, ("a feed the home page announces",), kind="feed")
        )
    return found


_INDEX_PAGE = re.compile(r"/(index|default)\.(s?html?|jsp|php|aspx?)$", re.I)


def column_key(url: str) -> str:
    """One spelling of a column's address: `…/zpxx/index.html` and `…/zpxx/` are one page."""
    return _INDEX_PAGE.sub("/", url.split("#", 1)[0])


def _merge(a: Candidate, b: Candidate) -> Candidate:
    """`a` with the reasons of `b` it lacks (a reason both give counts once)."""
    for points, reason in zip(b.points, b.reasons, strict=False):
        a = a.add(points, reason)
    return a


def with_listing(
    candidate: Candidate, notice_links: int | None, error: str | None = None
) -> Candidate:
    """A candidate after fetching it: pages that list notices rise, pages that fail sink."""
    if error:
        return candidate.add(-3.0, f"fetch failed: {error}")
    if notice_links is None:
        return candidate
    if notice_links == 0:
        return candidate.add(-1.0, "lists no notice links")
    return candidate.add(min(notice_links, 10) / 2, f"lists {notice_links} notice link(s)")


def rank(candidates: Iterable[Candidate], *, min_score: float = 2.0) -> list[Candidate]:
    """Best first; ties by shorter URL (a column's index beats a deeper page)."""
    kept = [c for c in candidates if c.score >= min_score]
    return sorted(kept, key=lambda c: (-c.score, len(c.url), c.url))


def site_name(home: Selector) -> str:
    """The site's name from its title: the first part of "首页 - 某某国际传播中心" style titles
    is usually the page, so take the longest part."""
    title = " ".join((home.xpath("//title//text()").get() or "").split())
    parts = [p for p in TITLE_SPLIT.split(title) if p and p not in ("首页", "Home", "主页")]
    return max(parts, key=len) if parts else ""


def source_id_for(url: str, n: int) -> str:
    host = (urlsplit(url).hostname or "site").removeprefix("www.")
    slug = re.sub(r"[^a-z0-9]+", "-", host.lower()).strip("-")
    return f"{slug}-{n}"


def render_registry_yaml(
    ranked: Sequence[Candidate], home_url: str, name: str, *, found_on: str
) -> str:
    """The candidates as `crawler/sources.yaml` entries, each preceded by its score and
    reasons as comments, ready to paste under `sources:` (and to edit: employer, province…)."""
    lines = [f"# Proposed by `icc-talent sources discover {home_url}` on {found_on}."]
    if not ranked:
        lines.append("# No candidate recruitment list page found; see docs/SOURCES.md.")
    for n, candidate in enumerate(ranked, start=1):
        lines.append(f"# {n}. score {candidate.score:g}: " + "; ".join(candidate.reasons))
        entry = {
            "id": source_id_for(home_url, n),
            "name": " · ".join(p for p in (name, candidate.label) if p) or candidate.url,
            "kind": "cms",
            "start_urls": [candidate.url],
            "employer": name or None,
        }
        dumped = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=100)
        lines.extend(dumped.rstrip("\n").splitlines())
    return "\n".join(lines) + "\n"


@dataclass(frozen=True, slots=True)
class ReadListing:
    """A start URL's body read as the crawl reads it: its links, and how it was decoded."""

    listing: Listing
    charset: str  # the encoding used, or "feed"/"text" for feeds and URL lists
    charset_reason: str  # header, meta, detected … (analysis.extract.pages.charset)
    title: str = ""


def read_listing(
    body: bytes, url: str, content_type: str | None, source: Source | None = None
) -> ReadListing:
    """Notice links and further list pages of a fetched start URL, chosen as the spiders
    choose them (feeds and sitemaps, WeChat URL lists, HTML list pages with the source's
    `link_keywords`/`detail_selector`), so `sources check` counts what a crawl would follow."""
    keywords = source.link_keywords if source else None
    wechat = source is not None and source.kind == "wechat"
    kind = feed_kind(body)
    if kind:
        return ReadListing(parse_feed(body, url, link_keywords=[""] if wechat else keywords),
                           kind, "xml")  # fmt: skip
    if wechat:
        from analysis.extract.pages.listing import parse_url_list

        return ReadListing(parse_url_list(body.decode("utf-8", "replace"), url), "utf-8", "text")
    text, encoding, reason = decode_html(body, charset_from_content_type(content_type))
    sel = Selector(text=text, base_url=url)
    listing = parse_list_page(
        sel, url, link_keywords=keywords, detail_selector=source.detail_selector if source else None
    )
    title = " ".join((sel.xpath("//title//text()").get() or "").split())
    return ReadListing(listing, encoding, reason, title)


def home_selector(body: bytes, content_type: str | None, url: str) -> Selector:
    """A fetched home page as a Selector, decoded as the crawl decodes pages."""
    text, _, _ = decode_html(body, charset_from_content_type(content_type))
    return Selector(text=text, base_url=url)
