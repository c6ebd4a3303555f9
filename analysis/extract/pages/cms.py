"""Extract stage: parse a government-CMS notice page (TRS WCM, 大汉 JCMS, generic gov pages).

Input: a `parsel.Selector` of the detail page and its URL.
Output: `ParsedNotice` with title (ArticleTitle meta sanitised, cross-checked with <title>),
raw publication date, body text (block lines, tables as " | " rows), attachments, employer.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin

import lxml.html
from parsel import Selector

from analysis.extract.pages.article import (
    ATTACHMENT_TARGET,
    MIN_BODY_CHARS,
    badge_date,
    body_chars,
    largest_block,
    library_body,
    library_date,
    script_date,
    tidy_body,
    usable_container,
)
from analysis.extract.pages.dates import issue_date, labelled_date
from analysis.extract.pages.text import render_text
from analysis.extract.pages.titles import (
    clean_title,
    meta_values,
    squash_spaces,
    strip_site_suffix,
    wrapper_title,
)
from analysis.models import ParsedNotice

_SOURCE_LABEL = re.compile(r"(?:信息来源|文章来源|来源)\s*[：:][ \t\u3000]*([^\s|]{2,40})")
_URL_TRS_DATE = re.compile(r"/t(\d{4})(\d{2})(\d{2})_\d+")
_URL_JCMS_DATE = re.compile(r"/art/(\d{4})/(\d{1,2})/(\d{1,2})/")
_JCMS_BEGIN = "ZJEG_RSS.content.begin"
_JCMS_END = "ZJEG_RSS.content.end"
# Containers of the CMS families we know (TRS WCM, 大汉 JCMS, gov "zoom" pages): precise when
# present. The generic ones (#content, <article>, <main>) often wrap menus and sidebars on
# unfamiliar sites, so they come after trafilatura (see `parse_body`).
SITE_SELECTORS = (
    ("trs", "(//*[contains(concat(' ', normalize-space(@class), ' '), ' TRS_Editor ')])[1]"),
    ("trs-ueditor", "(//*[contains(concat(' ', normalize-space(@class), ' '), ' TRS_UEDITOR ')])[1]"),
)  # fmt: skip
SITE_CONTAINERS = (
    ("zoom", "//*[@id='zoom']"),
    ("article-content", "(//*[contains(@class, 'article-content')])[1]"),
)  # fmt: skip
GENERIC_CONTAINERS = (
    ("content-id", "//*[@id='content']"),
    ("article", "(//article)[1]"),
    ("main", "(//main)[1]"),
)  # fmt: skip
BODY_SELECTORS = SITE_SELECTORS + SITE_CONTAINERS + GENERIC_CONTAINERS


def meta_content(sel: Selector, name: str) -> str | None:
    """Content of <meta name=...> matched case-insensitively (gov sites mix ContentSource/contentSource)."""
    lowered = "translate(@name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
    value = sel.xpath(f"//meta[{lowered}='{name.lower()}']/@content").get()
    return value.strip() if value and value.strip() else None


def sanitise_title(raw: str) -> str:
    """Drop HTML that leaked into a meta title and normalise whitespace."""
    text = html.unescape(raw.split("<", 1)[0])
    return " ".join(text.split())


def clean_page_title(title: str, site_name: str | None) -> str:
    """<title> without the site-name suffix ("… - 某某门户网站", "…_某某网"), knowing only the
    site's name (`clean_title` also reads the page's headlines)."""
    names = [site_name] if site_name else []
    return strip_site_suffix(squash_spaces(title), names)


def first_heading(sel: Selector) -> str:
    for xpath in (
        "//h1",
        "//*[contains(@class, 'detail-title')]",
        "//*[contains(@class, 'con-title')]",
        "//*[contains(@class, 'title')]/h2",
    ):
        text = " ".join(" ".join(sel.xpath(f"({xpath})[1]//text()").getall()).split())
        if text:
            return text
    return ""


def parse_title(sel: Selector, url: str | None = None) -> tuple[str, str]:
    """(title, source): ArticleTitle meta, cross-checked with <title>; else <title> without
    its site suffix; else og:title / twitter:title; else the first headline; else a saved
    page's wrapper title. Empty only when the page holds no title anywhere."""
    raw_meta = meta_content(sel, "ArticleTitle") or ""
    meta = sanitise_title(raw_meta)
    raw_page = next((t for t in sel.xpath("//title/text()").getall() if t.strip()), "")
    page = clean_title(raw_page, sel, url)
    heading = first_heading(sel)
    if heading and page.startswith(heading) and len(page) > len(heading):
        page = heading  # "<h1 title>-region-tags-site" style <title>
    if meta and "<" in raw_meta and page.startswith(meta) and len(page) > len(meta):
        return page, "title-tag"  # the meta was cut by leaked HTML; <title> has it whole
    if meta:
        return meta, "meta"
    if page:
        return page, "title-tag"
    for name in ("og:title", "twitter:title"):
        for value in meta_values(sel, name):
            cleaned = clean_title(value, sel, url)
            if cleaned:
                return cleaned, name
    if heading:
        return heading, "heading"
    wrapped = clean_title(wrapper_title(sel), sel, url)
    return (wrapped, "wrapper") if wrapped else ("", "none")


def visible_text(sel: Selector) -> str:
    body = sel.xpath("//body")
    return render_text(body[0]) if body else ""


def parse_published(
    sel: Selector, url: str, page_text: str, *, use_library: bool = True
) -> tuple[str | None, str]:
    """(raw date string, source): PubDate meta; a labelled date (发布时间, 发表于, Posted…);
    the URL; the page's inline JSON; a date badge; the issue a magazine page cites; else
    htmldate's reading of the markup (unknown sites), which never beats any of these."""
    for name in ("PubDate", "publishdate", "pubtime", "firstpublishedtime"):
        value = meta_content(sel, name)
        if value:
            return value, "meta"
    if found := labelled_date(page_text):
        return found, "label"
    for pattern in (_URL_TRS_DATE, _URL_JCMS_DATE):
        match = pattern.search(url)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return f"{year:04d}-{month:02d}-{day:02d}", "url"
    for source, finder in (("script", script_date), ("badge", badge_date)):
        found_date = finder(sel)
        if found_date:
            return found_date, source
    if found := issue_date(page_text):
        return found, "issue"
    if use_library and (guessed := library_date(sel, url)):
        return guessed, "htmldate"
    return None, "none"


def jcms_body(sel: Selector) -> Selector | None:
    """The content between the 大汉 JCMS comment markers, as a fresh Selector."""
    marker = sel.xpath(f"//comment()[contains(., '{_JCMS_BEGIN}')]")
    if not marker:
        return None
    parent = marker[0].root.getparent()
    parent_html = lxml.html.tostring(parent, encoding="unicode") if parent is not None else ""
    start = parent_html.find(_JCMS_BEGIN)
    end = parent_html.find(_JCMS_END, start)
    fragment = parent_html[parent_html.find("-->", start) + 3 : end if end > 0 else None]
    fragment = fragment.removesuffix("<!--")
    return Selector(text=f"<div>{fragment}</div>").xpath("//body/div[1]")[0]


def parse_body(sel: Selector, *, use_library: bool = True) -> tuple[str, str]:
    """(text, source) of the notice body: a known CMS container; else trafilatura's main text
    (unknown sites); else a generic container, the largest text block, the whole page.
    `use_library=False` gives the selector-only rules (the extraction benchmark compares)."""
    text, source = _body_candidates(sel, use_library)
    return tidy_body(text), source


def _body_candidates(sel: Selector, use_library: bool) -> tuple[str, str]:
    for source, xpath in SITE_SELECTORS:
        found = sel.xpath(xpath)
        if found:
            return render_text(found[0]), source
    jcms = jcms_body(sel)
    if jcms is not None:
        return render_text(jcms), "jcms"
    for source, xpath in SITE_CONTAINERS:
        found = sel.xpath(xpath)
        if found and (text := usable_container(found[0])):
            return text, source
    if use_library and body_chars(text := library_body(sel)) >= MIN_BODY_CHARS:
        return text, "trafilatura"
    for source, xpath in GENERIC_CONTAINERS:
        found = sel.xpath(xpath)
        if found and render_text(found[0]):
            return render_text(found[0]), source
    block = largest_block(sel)
    if block is not None:
        return render_text(block), "largest-block"
    return visible_text(sel), "body"


def parse_attachments(sel: Selector, url: str) -> tuple[list[str], list[str]]:
    """(absolute URLs, link texts) of links to office/PDF/archive files."""
    base = urljoin(url, sel.xpath("//base/@href").get() or "")
    urls: list[str] = []
    names: list[str] = []
    for anchor in sel.xpath("//a[@href]"):
        href = anchor.attrib["href"].strip()
        if not ATTACHMENT_TARGET.search(href) or href.lower().startswith("javascript:"):
            continue
        target = urljoin(base, href)
        if target not in urls:
            urls.append(target)
            names.append(" ".join(" ".join(anchor.xpath(".//text()").getall()).split()))
    return urls, names


def parse_employer(sel: Selector, page_text: str) -> str | None:
    source = meta_content(sel, "ContentSource")
    if source:
        return source
    match = _SOURCE_LABEL.search(page_text)
    return match.group(1) if match else None


def parse_cms_notice(sel: Selector, url: str) -> ParsedNotice:
    """Parse a TRS/JCMS/generic government notice page."""
    page_text = visible_text(sel)
    title, title_source = parse_title(sel, url)
    published, published_source = parse_published(sel, url, page_text)
    text, body_source = parse_body(sel)
    attachments, attachment_names = parse_attachments(sel, url)
    return ParsedNotice(
        url=url,
        title=title,
        text=text,
        published=published,
        employer=parse_employer(sel, page_text),
        attachments=attachments,
        attachment_names=attachment_names,
        title_source=title_source,
        published_source=published_source,
        body_source=body_source,
        site_name=meta_content(sel, "SiteName"),
        column=meta_content(sel, "ColumnName"),
    )
