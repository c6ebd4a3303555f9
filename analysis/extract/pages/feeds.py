"""Extract stage: RSS/Atom feeds and XML sitemaps as list pages.

Input: the raw bytes of a feed or sitemap and its URL (plus optional link keywords).
Output: `Listing`: article links (RSS/Atom items whose title matches the keywords; sitemap
`<loc>`s that look like notice pages or match a keyword) and, for sitemap indexes, the child
sitemaps as further list pages. Parsed without DTDs, entities or network access.
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from analysis.extract.pages.listing import DEFAULT_KEYWORDS, absolute, dedupe, is_notice_like
from analysis.extract.pages.records import Listing

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True
)
FEED_ROOTS = frozenset({"rss", "feed", "urlset", "sitemapindex", "rdf"})


def local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def feed_kind(body: bytes) -> str | None:
    """rss | feed | urlset | sitemapindex | rdf when the bytes are such a document, else None."""
    head = body[:2048].lstrip().lower()
    if not head.startswith(b"<") or b"<html" in head:
        return None
    if not any(f"<{name}".encode() in head or f":{name}".encode() in head for name in FEED_ROOTS):
        return None
    root = _root(body)
    kind = local(root.tag) if root is not None else ""
    return kind if kind in FEED_ROOTS else None


def _root(body: bytes) -> etree._Element | None:
    try:
        return etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError:
        return None


def _text(node: etree._Element, name: str) -> str:
    for child in node:
        if local(child.tag) == name:
            if name == "link" and child.get("href"):
                return str(child.get("href"))
            return " ".join("".join(child.itertext()).split())
    return ""


def parse_feed(body: bytes, url: str, *, link_keywords: Sequence[str] | None = None) -> Listing:
    """Links of an RSS/Atom feed or a sitemap (see module doc)."""
    root = _root(body)
    if root is None:
        return Listing()
    keywords = [k.lower() for k in (link_keywords or DEFAULT_KEYWORDS)]
    kind = local(root.tag)
    details: list[str] = []
    nexts: list[str] = []
    if kind == "sitemapindex":
        nexts = [u for u in (absolute(url, _text(s, "loc")) for s in root) if u]
    elif kind == "urlset":
        for entry in root:
            loc = absolute(url, _text(entry, "loc"))
            if loc and (is_notice_like(loc) or any(k in loc.lower() for k in keywords)):
                details.append(loc)
    else:
        items = [n for n in root.iter() if local(n.tag) in ("item", "entry")]
        for item in items:
            title = _text(item, "title").lower()
            link = absolute(url, _text(item, "link"))
            if link and any(k in title for k in keywords):
                details.append(link)
    return Listing(dedupe(details), dedupe(nexts))
