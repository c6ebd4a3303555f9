"""Extract stage helper: a page's title without the site-name suffix, on sites never seen.

Input: a `parsel.Selector` of a detail page (and, for the suffix rules, the raw <title> text).
Output: the title a reader sees ("…-新华网", "…_搜狐财经", "… | CGTN" lose the site part),
taken from the first common markup that holds one (meta, <title>, og/twitter, h1, .title).
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from parsel import Selector

# Between a title and a site name. Spaced dashes, underscores and bars always separate; an
# unspaced hyphen or dash only when what follows it is shaped like a site name (see
# `looks_like_site_name`), since titles carry "1-10月" and "A-B" themselves.
_SPACED_SEPARATOR = re.compile(r"\s+[-\u2013\u2014|\uff5c·•:]{1,2}\s+|\s*[_|\uff5c]\s*|\s*::\s*")
_BAR = re.compile(r"[_|\uff5c]")
_ANY_SEPARATOR = re.compile(rf"{_SPACED_SEPARATOR.pattern}|\s*[-\u2013\u2014]+\s*")
# What a site's name ends with (data, not logic: extend when a new shape is seen).
SITE_NAME_ENDINGS = (
    "网", "網", "网站", "门户", "频道", "官网", "在线", "政府", "博客", "日报", "晚报", "新闻",
    "财经", "客户端", "论坛", "社区", "平台", "中心", "blog", "news", "online", ".com", ".cn",
    ".net", ".org",
)  # fmt: skip
SITE_NAME_MAX = 24  # characters: a longer trailing segment is part of the title
PLAIN_SUFFIX_MAX = 16  # a trailing segment of unknown shape is cut only when this short
# Placeholders a CMS writes when the editor left the title empty.
PLACEHOLDER_TITLES = frozenset(
    {"无标题文档", "无标题", "untitled", "untitled document", "新建网页"}
)
_TITLE_ATTR = (
    "contains(translate(@class, 'TITLE', 'title'), 'title')"
    " or contains(translate(@id, 'TITLE', 'title'), 'title')"
)
HEADING_XPATHS = (
    "//h1",
    "//h2",
    f"//body//*[{_TITLE_ATTR}]",
)
MAX_HEADINGS = 40  # candidates per page: headlines sit near the top, bounding the work
MAX_HEADING_CHARS = 200


def squash_spaces(text: str) -> str:
    return " ".join(html.unescape(text).split())


def is_placeholder(title: str) -> bool:
    return title.strip().lower() in PLACEHOLDER_TITLES


def meta_values(sel: Selector, *names: str) -> list[str]:
    """Non-empty contents of <meta name|property=…> for each of `names` (case-insensitive)."""
    values = []
    for name in names:
        low = name.lower()
        for attr in ("name", "property"):
            lowered = (
                f"translate(@{attr}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
            )
            for value in sel.xpath(f"//meta[{lowered}='{low}']/@content").getall():
                if value.strip():
                    values.append(squash_spaces(value))
    return values


def site_names(sel: Selector, url: str | None) -> list[str]:
    """What the page calls its site: og:site_name, SiteName, application-name, author meta,
    the name on its home link (the logo: title, alt or text of a link to the site's root),
    and the distinctive label of its host name (cgtn in www.cgtn.com)."""
    names = meta_values(sel, "og:site_name", "SiteName", "application-name", "author")
    parts = urlsplit(url) if url else None
    host = parts.hostname if parts else None
    if parts and host:
        names += home_link_names(sel, f"{parts.scheme}://{parts.netloc}")
        labels = [p for p in host.split(".") if p not in {"www", "com", "cn", "net", "org", "gov"}]
        names += [labels[-1]] if labels else []
    return [n for n in names if n]


MAX_HOME_LINKS = 4  # the logo is one of the first links to the root


def home_link_names(sel: Selector, origin: str) -> list[str]:
    """Short names on the page's first links to its own root (a logo's title or alt text)."""
    roots = {"/", origin, f"{origin}/", "./", "index.html", "/index.html"}
    names: list[str] = []
    for link in sel.xpath("//a[@href]")[: MAX_HOME_LINKS * 50]:
        if link.attrib["href"].strip() not in roots:
            continue
        for value in (
            link.attrib.get("title", ""),
            *link.xpath(".//img/@alt|.//img/@title").getall(),
            " ".join(link.xpath(".//text()").getall()),
        ):
            value = squash_spaces(value)
            if 2 <= len(value) <= SITE_NAME_MAX:
                names.append(value)
        if len(names) >= MAX_HOME_LINKS:
            break
    return names


def heading_texts(sel: Selector) -> list[str]:
    """Short texts of headline-like elements (h1, h2, .title, #title…) and of their children:
    a headline box often adds its source and date after the title in a child element.
    (Meta titles are not headlines: they often carry the same suffix as <title>.)"""
    texts: list[str] = []
    for xpath in HEADING_XPATHS:
        for node in sel.xpath(xpath)[:MAX_HEADINGS]:
            whole = squash_spaces(" ".join(node.xpath(".//text()").getall()))
            if whole and len(whole) <= MAX_HEADING_CHARS:
                texts.append(whole)
            texts += [
                squash_spaces(t)
                for t in node.xpath(".//text()").getall()[:8]
                if 1 < len(t.strip()) <= MAX_HEADING_CHARS
            ]
    return texts


def looks_like_site_name(segment: str, names: list[str]) -> bool:
    """A trailing title segment that names the site: it holds one of the site's own names
    (or a name holds it), or it is short and shaped like one (…网, …频道, …Blog, ….com)."""
    low = segment.lower().strip()
    if not low or len(low) > SITE_NAME_MAX:
        return False
    if any(n.lower() in low or low in n.lower() for n in names if len(n) >= 2):
        return True
    return low.endswith(SITE_NAME_ENDINGS) or (segment.isascii() and segment.strip().isupper())


def prefix_heading(title: str, headings: list[str]) -> str | None:
    """The longest headline that `title` starts with, followed by a separator or a space:
    what the page shows as its headline, without what <title> appends."""
    squashed = title.replace(" ", "")
    best: str | None = None
    for heading in headings:
        key = heading.replace(" ", "")
        if len(key) < 2 or len(key) >= len(squashed) or not squashed.startswith(key):
            continue
        rest = title[_prefix_end(title, key) :]
        separated = rest[:1].isspace() or _ANY_SEPARATOR.match(rest) is not None
        if separated and (best is None or len(key) > len(best.replace(" ", ""))):
            best = heading
    return best


def _prefix_end(title: str, key: str) -> int:
    """Index in `title` just after the characters of `key` (spaces in `title` skipped)."""
    matched = 0
    for index, char in enumerate(title):
        if matched == len(key):
            return index
        if char != " ":
            matched += 1
    return len(title)


def strip_site_suffix(title: str, names: list[str]) -> str:
    """Drop trailing segments that name the site; keep at least one segment. A short
    segment of unknown shape after an underscore or a bar goes too ("…_招考信息_某某政府"):
    titles themselves use dashes for subtitles, hardly ever "_" or "|"."""
    while True:
        spaced = list(_SPACED_SEPARATOR.finditer(title))
        anywhere = list(_ANY_SEPARATOR.finditer(title))
        cut = None
        if spaced and spaced[-1].start() > 0:
            segment = title[spaced[-1].end() :]
            plain = _BAR.search(spaced[-1].group()) is not None and _plain_suffix(segment, title)
            if looks_like_site_name(segment, names) or plain:
                cut = spaced[-1].start()
        last = anywhere[-1] if anywhere else None
        if cut is None and last and last.start() > 0:
            cut = last.start() if looks_like_site_name(title[last.end() :], names) else None
        if cut is None:
            return title
        title = title[:cut].rstrip()


def _plain_suffix(segment: str, title: str) -> bool:
    """A segment after a spaced separator or underscore that is short against the title
    is a site/column name even when its shape is unknown ("_xx频道" is caught above)."""
    return 0 < len(segment) <= PLAIN_SUFFIX_MAX and len(segment) * 2 < len(title) - len(segment)


# Brackets a whole title may be wrapped in (job boards: "【UI设计师招聘】"); 《》 names a work.
_BRACKETS = {"【": "】", "「": "」", "『": "』", "[": "]", "\u3014": "\u3015", "〖": "〗"}


def unwrap_brackets(title: str) -> str:
    """The title inside brackets that wrap all of it; a tag in brackets before the title
    ("【招聘】某中心…") stays."""
    text = title.strip()
    closer = _BRACKETS.get(text[:1])
    if closer and text.endswith(closer) and text.count(closer) == 1 and len(text) > 2:
        return text[1:-1].strip()
    return text


def first_segment(title: str) -> str:
    """The part of a title before its first underscore or bar ("Position_Company-Site"):
    where a job board puts the posting's own name."""
    bar = _BAR.search(title)
    return title[: bar.start()].strip() if bar and bar.start() > 0 else title


def clean_title(title: str, sel: Selector, url: str | None = None) -> str:
    """`title` (from <title>, og:title…) without its site-name suffix."""
    title = squash_spaces(title)
    if not title or is_placeholder(title):
        return ""
    headings = heading_texts(sel)
    heading = prefix_heading(title, headings)
    if heading:
        return heading
    if any(h.replace(" ", "") == title.replace(" ", "") for h in headings):
        return title  # the page shows the whole <title> as its headline: no suffix to drop
    return strip_site_suffix(title, site_names(sel, url))


def wrapper_title(sel: Selector) -> str:
    """The title attribute of a saved-page wrapper element (an archive's `<text title=…>`
    around the page): not HTML, so only a fallback when the page itself shows none."""
    node = sel.xpath("//body/*[1][@title and not(self::div or self::a or self::span)]")
    return squash_spaces(node.attrib.get("title", "")) if node else ""
