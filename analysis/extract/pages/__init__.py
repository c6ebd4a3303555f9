"""Extract stage: pure page parsers over `parsel.Selector` (no I/O, no Scrapy).

Input: a fetched page as a Selector plus its URL and the source kind.
Output: `ParsedNotice` for notice pages, `Unavailable` for pages without a notice, and
`Listing` for list pages (see `parse_listing`).
"""

from __future__ import annotations

from parsel import Selector

from analysis.extract.pages.charset import decode_html
from analysis.extract.pages.cms import parse_cms_notice
from analysis.extract.pages.jobboard import parse_jobboard_posting
from analysis.extract.pages.listing import parse_listing, parse_url_list
from analysis.extract.pages.records import Listing, Unavailable
from analysis.extract.pages.wechat import parse_wechat_article
from analysis.models import ParsedNotice

KINDS = ("cms", "wechat", "jobboard")

__all__ = [
    "KINDS",
    "Listing",
    "Unavailable",
    "decode_html",
    "parse_cms_notice",
    "parse_jobboard_posting",
    "parse_listing",
    "parse_notice",
    "parse_url_list",
    "parse_wechat_article",
    "selector_from_bytes",
]


def parse_notice(kind: str, sel: Selector, url: str) -> ParsedNotice | Unavailable:
    """Parse a notice page with the parser of its source kind (cms | wechat | jobboard)."""
    if kind == "cms":
        return parse_cms_notice(sel, url)
    if kind == "wechat":
        return parse_wechat_article(sel, url)
    if kind == "jobboard":
        return parse_jobboard_posting(sel, url)
    raise ValueError(f"unknown source kind {kind!r}; expected one of {', '.join(KINDS)}")


def selector_from_bytes(body: bytes, header_charset: str | None = None) -> Selector:
    """A Selector over `body` decoded by `decode_html` (use that for the encoding/reason)."""
    text, _, _ = decode_html(body, header_charset)
    return Selector(text=text)
