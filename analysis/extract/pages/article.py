"""Extract stage: main text and publication date of an article on a site no selector knows.

Input: a `parsel.Selector` of a detail page (and its URL for the date).
Output: the body as plain lines (tables as " | " rows, like `render_text`) found by trafilatura,
and a date string found by htmldate: the fallbacks after the CMS selectors and labelled dates.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta, timezone
from typing import Any

from lxml import etree
from parsel import Selector

from analysis.extract.pages.text import SKIP_CLASSES, render_text, tidy_line

log = logging.getLogger(__name__)
SHANGHAI = timezone(timedelta(hours=8))  # epoch dates of Chinese sites are read as their day

# Hidden anti-scraping watermarks and share/print widgets never belong to the article text.
PRUNE_XPATHS = [
    *(f"//*[contains(concat(' ', normalize-space(@class), ' '), ' {c} ')]" for c in SKIP_CLASSES),
    "//*[contains(translate(@style, ' ', ''), 'display:none')]",
]
MIN_BODY_CHARS = 30  # non-space characters: less than this is a caption, not an article
MAX_LINK_SHARE = 0.5  # a container whose text is mostly link text is navigation, not a body
_TABLE_ROW = re.compile(r"^\|(.*)\|$")


def library_body(sel: Selector) -> str:
    """Main text by trafilatura (precision-leaning: sidebars, rankings and share widgets
    out), then our own boilerplate rules on its blocks (`prune_link_blocks`) and its first
    lines (`trim_head`), re-laid as our lines; "" when it finds none or fails on the page."""
    import trafilatura  # lazy: a second of import time only for pages no selector knows
    from trafilatura.xml import xmltotxt

    try:
        found = trafilatura.bare_extraction(
            sel.get(),
            favor_precision=True,
            include_comments=False,
            include_tables=True,
            include_links=True,  # the link text of each block, for its link density
            deduplicate=False,
            prune_xpath=PRUNE_XPATHS,
        )
        body = getattr(found, "body", None)
        if body is None:
            return ""
        prune_link_blocks(body)
        text = xmltotxt(body, include_formatting=False)
    except Exception as error:  # a library bug on a hostile page must not end the crawl
        log.warning("trafilatura failed on a page: %s", error)
        return ""
    return trim_head(relayout(text or ""), page_headlines(sel))


# Link density (jusText, trafilatura, boilerpipe): a block of the extracted text whose words
# are mostly link text is a menu row, a breadcrumb or a related-items list, not the article.
# Blocks are trafilatura's output units; a table row is one block (one line of ours).
BLOCK_TAGS = frozenset({"p", "head", "item", "row", "quote", "code"})
MAX_BLOCK_LINK_SHARE = 0.5
# A short heading right before a dropped link block heads that list ("相关新闻", "工作动态").
LIST_HEADING_MAX_WORDS = 8
_SENTENCE_END = re.compile(r"[。！？；.!?;：:]$")
# Links that are content, not navigation: an attachment (岗位表.xlsx; the notice's positions;
# `cms.parse_attachments` collects them by the same pattern) and a written-out address (报名网址
# https://…, an e-mail).
ATTACHMENT_EXTENSIONS = ("xls", "xlsx", "doc", "docx", "pdf", "wps", "et", "zip", "rar")
ATTACHMENT_TARGET = re.compile(rf"\.(?:{'|'.join(ATTACHMENT_EXTENSIONS)})(?:$|[?#&])", re.I)
_ADDRESS_TEXT = re.compile(r"^\s*(?:https?://|www\.|[\w.+-]+@[\w-]+\.)", re.IGNORECASE)


def word_chars(text: str) -> int:
    """Letters, digits and CJK characters: bullets, bars and brackets carry no weight."""
    return sum(1 for c in text if c.isalnum())


def link_words(block: Any) -> tuple[int, int]:
    """(words, words inside navigation links) of a trafilatura block (`ref` = a link)."""
    total = word_chars("".join(block.itertext()))
    linked = 0
    for ref in block.iter("ref"):
        text = "".join(ref.itertext())
        if ATTACHMENT_TARGET.search(ref.get("target") or "") or _ADDRESS_TEXT.match(text):
            continue
        linked += word_chars(text)
    return total, linked


def text_blocks(element: Any, out: list[Any]) -> list[Any]:
    """The outermost blocks under `element` in document order (a row, not its cells)."""
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child.tag in BLOCK_TAGS:
            out.append(child)
        else:
            text_blocks(child, out)
    return out


def prune_link_blocks(body: Any) -> None:
    """Remove, in place, the blocks of a trafilatura body that are mostly link text and
    the short headings of such link lists; then unwrap the remaining links. Short lines
    that are not links ("1. 英语专业八级", a position row) are never touched."""
    blocks = text_blocks(body, [])
    links = []
    for block in blocks:
        total, linked = link_words(block)
        links.append(total > 0 and linked > MAX_BLOCK_LINK_SHARE * total)
    drop = list(links)
    for i in range(len(blocks) - 1):
        if links[i + 1] and not links[i]:  # one heading per list: a dropped heading never
            text = "".join(blocks[i].itertext()).strip()  # makes the line above it one
            short = 0 < word_chars(text) <= LIST_HEADING_MAX_WORDS
            drop[i] = short and not _SENTENCE_END.search(text)
    for block, dropped in zip(blocks, drop, strict=True):
        if dropped:
            remove_keeping_tail(block)
    etree.strip_tags(body, "ref")


def remove_keeping_tail(element: Any) -> None:
    parent = element.getparent()
    if parent is None:
        return
    if tail := element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


# Lines an article body never opens with: the headline again (the title is its own field),
# a byline (date and source/author/clicks), a breadcrumb ("首页 > 新闻 > 正文").
HEAD_LINES = 4
HEAD_LINE_MAX_CHARS = 80
CRUMB_MAX_CHARS = 60
CRUMB_PART_MAX_CHARS = 12
_BYLINE_DATE = re.compile(r"(?:19|20)\d\d\s*[-年/.]\s*\d{1,2}")
_BYLINE_LABEL = re.compile(r"来源|作者|时间|发布|更新|发表|编辑|浏览|点击|阅读")
_CRUMB_SEPARATOR = re.compile(r"\s*(?:-*>|»|\u203a|→)\s*")
_CRUMB_LABELS = ("当前位置", "您的位置", "你的位置", "您现在的位置", "你现在的位置")


def page_headlines(sel: Selector) -> list[str]:
    """The page's <title> and first <h1>s, spaces removed (to recognise a repeated headline)."""
    found = sel.xpath("(//title)[1]//text()|(//h1)[position() <= 3]//text()").getall()
    return ["".join(t.split()) for t in found if t.strip()]


def is_head_chrome(line: str, headlines: list[str]) -> bool:
    squashed = "".join(line.split())
    if not squashed or len(line) > HEAD_LINE_MAX_CHARS:
        return False
    if any(squashed == h or (len(squashed) >= 6 and h.startswith(squashed)) for h in headlines):
        return True
    if _BYLINE_DATE.search(line) and _BYLINE_LABEL.search(line):
        return True
    if len(line) > CRUMB_MAX_CHARS:
        return False
    if line.startswith(_CRUMB_LABELS):
        return True
    parts = [p for p in _CRUMB_SEPARATOR.split(line) if p.strip()]
    return len(parts) >= 3 and all(len(p) <= CRUMB_PART_MAX_CHARS for p in parts)


def trim_head(text: str, headlines: list[str]) -> str:
    """Drop the headline, byline and breadcrumb lines that open an extracted body (at most
    `HEAD_LINES`; the first other line ends the trim)."""
    lines = text.split("\n")
    start = 0
    while start < min(len(lines), HEAD_LINES) and is_head_chrome(lines[start], headlines):
        start += 1
    return "\n".join(lines[start:])


def relayout(text: str) -> str:
    """trafilatura's "| a | b |" table rows as our "a | b"; whitespace tidied; blank lines out."""
    lines = []
    for line in text.splitlines():
        row = _TABLE_ROW.match(line.strip())
        if row:
            cells = [tidy_line(c) for c in row.group(1).split("|")]
            line = " | ".join(c for c in cells if c)
        line = tidy_line(line)
        if line:
            lines.append(line)
    return "\n".join(lines)


def body_chars(text: str) -> int:
    return sum(1 for c in text if not c.isspace())


def link_share(node: Selector | Any) -> float:
    """Share of a container's text that sits inside links (navigation bars, link lists)."""
    total = body_chars("".join(node.xpath(".//text()").getall()))
    linked = body_chars("".join(node.xpath(".//a//text()").getall()))
    return linked / total if total else 1.0


def usable_container(node: Selector) -> str:
    """The rendered text of a selector's container, or "" when it is empty or mostly links
    (a selector that matched a menu or an empty shell on an unfamiliar page)."""
    text = render_text(node)
    if not text or link_share(node) > MAX_LINK_SHARE:
        return ""
    return text


# Blocks a main text may sit in directly (a job board's description is often a <dd> or a <div>
# of <br>-separated lines).
_TEXT_BLOCKS = "//body//div|//body//td|//body//dd|//body//section"
MAX_BLOCKS = 5_000  # candidates per page: a hostile page of nested divs stays linear


def largest_block(sel: Selector) -> Selector | None:
    """Fallback body: the block whose own text and paragraphs hold the most text."""
    best, best_len = None, 0
    for node in sel.xpath(_TEXT_BLOCKS)[:MAX_BLOCKS]:
        length = sum(len(t.strip()) for t in node.xpath("./p//text()|./text()").getall())
        if length > best_len:
            best, best_len = node, length
    return best


_YEAR_MONTH_LEAF = (
    r"//*[not(*)][re:test(normalize-space(.), '^(19|20)[0-9]{2} *[-/.年] *[01]?[0-9] *月?$')]"
)
_YEAR_MONTH = re.compile(r"((?:19|20)\d{2})\D+(\d{1,2})")


# Publication keys of the JSON a page embeds for its own scripts (app state, JSON-LD), quoted
# plainly, HTML-escaped or Angular-escaped (&q;); the value is an ISO date or epoch seconds/ms.
SCRIPT_DATE_KEYS = ("datePublished", "publishTime", "publish_time", "issueTime", "pubTime",
                    "pubDate", "publishDate", "releaseTime")  # fmt: skip
_Q = r"(?:\"|&q;|&quot;|\\\")?"
_SCRIPT_DATE = re.compile(
    rf"{_Q}(?:{'|'.join(SCRIPT_DATE_KEYS)}){_Q}\s*:\s*{_Q}"
    r"(\d{13}|\d{10}|(?:19|20)\d\d-[01]\d-[0-3]\d(?:[T ][0-9:.]+(?:Z|[+-]\d\d:?\d\d)?)?)"
)
SCRIPT_SCAN_CHARS = 2_000_000  # bound the scan of huge inline state blobs


def script_date(sel: Selector) -> str | None:
    """The first publication date in the page's inline JSON/state (issueTime: 1769337520428,
    "datePublished": "2024-05-06T08:00:00+08:00"): epoch values as the Shanghai day."""
    scripts = "\n".join(sel.xpath("//script/text()").getall())[:SCRIPT_SCAN_CHARS]
    match = _SCRIPT_DATE.search(scripts)
    if not match:
        return None
    value = match.group(1)
    if value.isdigit():
        seconds = int(value) // 1000 if len(value) == 13 else int(value)
        return datetime.fromtimestamp(seconds, tz=SHANGHAI).date().isoformat()
    return value


def badge_date(sel: Selector) -> str | None:
    """A date badge split across two elements, day and year-month ("21" beside "2024年02月"),
    the only date some templates show: YYYY-MM-DD, or None. The pair must be alone in its
    parent, so a calendar (a parent of many day cells) never passes for one."""
    for leaf in sel.xpath(_YEAR_MONTH_LEAF)[:20]:
        parent = leaf.xpath("..")
        siblings = parent.xpath("./*") if parent else []
        if len(siblings) != 2:
            continue
        other = next(s for s in siblings if s.root is not leaf.root)
        day = " ".join(other.xpath(".//text()").getall()).strip()
        match = _YEAR_MONTH.search(" ".join(leaf.xpath(".//text()").getall()))
        if match and day.isdigit() and 1 <= int(day) <= 31 and 1 <= int(match.group(2)) <= 12:
            return f"{match.group(1)}-{int(match.group(2)):02d}-{int(day):02d}"
    return None


def library_date(sel: Selector, url: str | None) -> str | None:
    """Publication date (YYYY-MM-DD) by htmldate's fast rules (markup, URL, visible dates;
    no dateparser: `extensive_search=False`), or None."""
    import htmldate  # lazy, as trafilatura

    try:
        found = htmldate.find_date(sel.get(), url=url, original_date=True, extensive_search=False)
    except Exception as error:  # as above: a library failure is a missing date, not a crash
        log.warning("htmldate failed on a page: %s", error)
        return None
    return found or None


# Share/print widgets that CMS templates put inside the article container (vocabulary as data).
WIDGET_WORDS = (
    "分享到", "扫一扫在手机打开", "打印本页", "关闭窗口", "【打印】", "【关闭】", "返回顶部",
    "收藏本页", "Share this", "share to",
)  # fmt: skip
WIDGET_MAX_CHARS = 24
_CLOSE_MARK = frozenset({"x", "\u00d7", "\u2715"})  # x, multiplication sign, ballot x
_LABEL_CELL = re.compile(r"[：:]$")


def is_widget_line(line: str) -> bool:
    """A short line of a share/print widget ("分享到 - 微信", a lone close mark)."""
    if line.strip().lower() in _CLOSE_MARK:
        return True
    return len(line) <= WIDGET_MAX_CHARS and any(w.lower() in line.lower() for w in WIDGET_WORDS)


def tidy_body(text: str) -> str:
    """Drop widget lines and the second copy of a label/value metadata table (xxgk pages lay
    the same 索引号/发布日期 table out twice, for screen and print): a row of "label： | value"
    cells that all appeared in earlier rows adds nothing."""
    seen: set[str] = set()
    kept = []
    for line in text.split("\n"):
        if is_widget_line(line):
            continue
        cells = line.split(" | ")
        if len(cells) > 1 and any(_LABEL_CELL.search(c) for c in cells):
            keys = {"".join(c.split()) for c in cells}
            if keys <= seen:
                continue
            seen |= keys
        kept.append(line)
    return "\n".join(kept)
