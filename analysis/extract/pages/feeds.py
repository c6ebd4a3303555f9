"""Extract stage: RSS/Atom feeds and XML sitemaps as list pages; feed-engine URLs of accounts.

Input: the raw bytes of a feed or sitemap and its URL (plus optional link keywords); for
`feed_urls`, a feed engine's URL template (wewe-rss, RSSHub) and the accounts' ids.
Output: `Listing`: article links (RSS 2.0/Atom entries whose title matches the keywords, one per
title and account; sitemap `<loc>`s that look like notice pages or match a keyword) and, for
sitemap indexes, the child sitemaps. Parsed without DTDs, entities or network access.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

from lxml import etree

from analysis.extract.pages.listing import DEFAULT_KEYWORDS, absolute, dedupe, is_notice_like
from analysis.extract.pages.records import Listing

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True
)
FEED_ROOTS = frozenset({"rss", "feed", "urlset", "sitemapindex", "rdf"})
# Title separators WeChat accounts use interchangeably ("招聘｜…", "招聘丨…", "招聘 | …").
_SEPARATORS = str.maketrans({"丨": "|", "｜": "|", "\u2502": "|", "·": "|", "•": "|"})


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One RSS item or Atom entry: its link, title and the account that published it."""

    url: str
    title: str
    account: str  # the entry's author, else the feed's own title


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


def _author(node: etree._Element) -> str:
    """An entry's author: Atom `<author><name>`, RSS `<author>` or `<dc:creator>`."""
    for child in node:
        name = local(child.tag)
        if name == "author":
            inner = _text(child, "name")
            return inner or " ".join("".join(child.itertext()).split())
        if name == "creator":
            return " ".join("".join(child.itertext()).split())
    return ""


def _feed_title(root: etree._Element) -> str:
    channel = next((n for n in root if local(n.tag) == "channel"), root)
    return _text(channel, "title")


def title_key(title: str) -> str:
    """A title for comparison: NFKC, separators folded, no whitespace."""
    folded = unicodedata.normalize("NFKC", title).translate(_SEPARATORS)
    return "".join(folded.split()).lower()


def feed_entries(body: bytes, url: str) -> list[FeedEntry]:
    """The entries of an RSS 2.0/RSS 1.0/Atom feed in order, without duplicates: the same
    article listed twice under one account (under different ids) is kept once."""
    root = _root(body)
    if root is None or local(root.tag) not in ("rss", "feed", "rdf"):
        return []
    feed_title = _feed_title(root)
    entries, seen = [], set()
    for item in (n for n in root.iter() if local(n.tag) in ("item", "entry")):
        link = absolute(url, _text(item, "link") or _text(item, "guid"))
        if not link:
            continue
        entry = FeedEntry(link, _text(item, "title"), _author(item) or feed_title)
        key = (title_key(entry.title), entry.account) if entry.title else (link, "")
        if key in seen or (link, "") in seen:
            continue
        seen.update({key, (link, "")})
        entries.append(entry)
    return entries


def feed_urls(template: str, biz: Sequence[str], accounts: Sequence[str]) -> list[str]:
    """A feed engine's URL for each account: `{biz}` filled from the `__biz` ids, `{account}`
    from the engine's own account ids (wewe-rss `MP_WXS_…`, an RSSHub route's id)."""
    urls = []
    if "{biz}" in template:
        urls += [template.replace("{biz}", quote(b, safe="=")) for b in biz]
    if "{account}" in template:
        urls += [template.replace("{account}", quote(a, safe="=")) for a in accounts]
    return list(dict.fromkeys(urls))


def parse_feed(body: bytes, url: str, *, link_keywords: Sequence[str] | None = None) -> Listing:
    """Links of an RSS/Atom feed or a sitemap (see module doc); `link_keywords=[""]` keeps
    every feed entry."""
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
        for entry in feed_entries(body, url):
            if any(k in entry.title.lower() for k in keywords):
                details.append(entry.url)
    return Listing(dedupe(details), dedupe(nexts))
