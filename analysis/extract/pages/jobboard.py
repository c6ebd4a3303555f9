"""Extract stage: parse a job-board posting page, and the rows of a job board's search list.

Input: a `parsel.Selector` of the posting (or search list) page and its URL.
Output: `ParsedNotice` from schema.org JobPosting JSON-LD when present (title, datePosted,
validThrough -> deadline, hiringOrganization -> employer, description HTML -> text), else from
the DOM; `Unavailable` for an anti-bot wall; `embedded_json_links` for search lists whose rows
exist only as JSON in a script (51job's `window.__SEARCH_RESULT__`).
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urljoin

from parsel import Selector

from analysis.extract.pages.article import largest_block, script_date
from analysis.extract.pages.blocked import detect_blocked
from analysis.extract.pages.dates import labelled_date
from analysis.extract.pages.records import Unavailable
from analysis.extract.pages.text import html_fragment_text, render_text
from analysis.extract.pages.titles import clean_title, first_segment, unwrap_brackets
from analysis.models import ParsedNotice

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_VISIBLE_DATE = re.compile(
    rf"\b({_MONTH}\.? \d{{1,2}}, \d{{4}}|\d{{1,2}} {_MONTH} \d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
)
BODY_XPATHS = (
    "//*[contains(@class, 'job_description') or contains(@class, 'job-description')]",
    "//*[@itemprop='description']",
    "//*[contains(@class, 'entry-content')]",
)
# <article>/<main> often wrap the board's lists of other postings too: after the largest block.
GENERIC_XPATHS = ("//article", "//main", "//body")
EMPLOYER_XPATHS = (
    "//*[@itemprop='hiringOrganization']//*[@itemprop='name']",
    "//*[@itemprop='hiringOrganization']",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' company ')]",
    "//*[contains(@class, 'company-name') or contains(@class, 'job-company')]",
)


def iter_ld_objects(value: Any) -> list[dict[str, Any]]:
    """Flatten JSON-LD (object, list, @graph) into a list of objects."""
    if isinstance(value, list):
        return [obj for item in value for obj in iter_ld_objects(item)]
    if isinstance(value, dict):
        graph = value.get("@graph")
        return [value, *iter_ld_objects(graph)] if graph else [value]
    return []


def is_job_posting(obj: dict[str, Any]) -> bool:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return "JobPosting" in kinds


def find_job_posting(sel: Selector) -> dict[str, Any] | None:
    """The first schema.org JobPosting in the page's JSON-LD blocks (bad JSON is skipped)."""
    for raw in sel.xpath("//script[@type='application/ld+json']/text()").getall():
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            continue
        for obj in iter_ld_objects(data):
            if is_job_posting(obj):
                return obj
    return None


def organisation_name(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    return value.strip() if isinstance(value, str) and value.strip() else None


def ld_text(value: Any) -> str | None:
    """A JSON-LD value that should be text, as given; None when it is empty or not text."""
    return value if isinstance(value, str) and value.strip() else None


def ld_texts(value: Any) -> tuple[str, ...]:
    """A JSON-LD value that may be one text or a list of texts (employmentType)."""
    values = value if isinstance(value, list) else [value]
    return tuple(t for t in (ld_text(v) for v in values) if t)


def ld_json(value: Any) -> str | None:
    """A structured JSON-LD value (jobLocation: a Place or a list of them) kept as JSON text."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else None


def first_text(sel: Selector, xpaths: tuple[str, ...]) -> str:
    for xpath in xpaths:
        nodes = sel.xpath(f"({xpath})[1]")
        if nodes:
            text = " ".join(" ".join(nodes[0].xpath(".//text()").getall()).split())
            if text:
                return text
    return ""


def dom_body(sel: Selector) -> str:
    """A description container; else the block holding the most text of its own (the
    description on boards without a known class), never the whole page with its menus and
    lists of other postings unless nothing else holds text."""
    for xpath in BODY_XPATHS:
        nodes = sel.xpath(f"({xpath})[1]")
        if nodes and (text := render_text(nodes[0])):
            return text
    block = largest_block(sel)
    if block is not None and (text := render_text(block)):
        return text
    for xpath in GENERIC_XPATHS:
        nodes = sel.xpath(f"({xpath})[1]")
        if nodes and (text := render_text(nodes[0])):
            return text
    return ""


def dom_published(sel: Selector) -> str | None:
    """A posting date: <time datetime>, a .date-posted element, a labelled date (更新于,
    发布时间, Posted…), the page's inline JSON (pubDate); else a date in the main text."""
    stamp = sel.xpath("(//article|//main)//time/@datetime").get()
    if stamp:
        return stamp.strip()
    for xpath in ("//*[contains(@class, 'date-posted')]", "//*[contains(@class, 'posted')]"):
        text = first_text(sel, (xpath,))
        match = _VISIBLE_DATE.search(text)
        if match:
            return match.group(1)
    main = sel.xpath("(//article|//main|//body)[1]")
    main_text = render_text(main[0]) if main else ""
    if found := labelled_date(main_text) or script_date(sel):
        return found
    match = _VISIBLE_DATE.search(main_text)
    return match.group(1) if match else None


# Job boards title a posting "<position>招聘" (hiring <position>): the position is the title.
HIRING_SUFFIXES = ("招聘", "诚聘", "急聘")


def posting_title(sel: Selector, url: str, *candidates: str) -> str:
    """The first candidate (JSON-LD title, h1, <title>) cleaned like every page's title, then
    as job boards write them: the position first ("【X招聘】_Company招聘信息-Site" → X), in
    brackets or not, without the board's "招聘" after it."""
    for raw in candidates:
        title = clean_title(raw, sel, url)
        title = unwrap_brackets(first_segment(title))
        for suffix in HIRING_SUFFIXES:
            if title.endswith(suffix) and len(title) > len(suffix) + 1:
                title = title.removesuffix(suffix)
                break
        if title.strip():
            return title.strip()
    return ""


def parse_jobboard_posting(sel: Selector, url: str) -> ParsedNotice | Unavailable:
    """Parse a job posting: JSON-LD JobPosting first, DOM second; an anti-bot wall is
    `Unavailable("blocked")`, never a posting."""
    posting = find_job_posting(sel)
    wall = None if posting else detect_blocked(sel)
    if wall:
        return Unavailable(url, "blocked", wall)
    heading = first_text(sel, ("//h1",))
    page_title = first_text(sel, ("//title",))
    if posting is None:
        return ParsedNotice(
            url=url,
            title=posting_title(sel, url, heading, page_title),
            text=dom_body(sel),
            published=dom_published(sel),
            employer=first_text(sel, EMPLOYER_XPATHS) or None,
            body_source="dom",
        )
    description = posting.get("description")
    text = html_fragment_text(description) if isinstance(description, str) else ""
    return ParsedNotice(
        url=url,
        title=posting_title(sel, url, str(posting.get("title") or ""), heading, page_title),
        text=text or dom_body(sel),
        published=posting.get("datePosted") or dom_published(sel),
        employer=organisation_name(posting.get("hiringOrganization"))
        or first_text(sel, EMPLOYER_XPATHS)
        or None,
        body_source="json-ld",
        deadline=ld_text(posting.get("validThrough")),
        employment_type=ld_texts(posting.get("employmentType")),
        job_location=ld_json(posting.get("jobLocation")),
    )


# ------------------------------------------------------------------ search lists held as JSON

_JSON_START = re.compile(r"(?:window\.\w+|\bvar\s+\w+|\blet\s+\w+|\bconst\s+\w+)\s*=\s*(?=[\[{])")
_URL_KEY = re.compile(r"(href|url|link)$", re.I)
_ROW_KEY = re.compile(r"(job|detail|position|post|article)", re.I)
MAX_JSON_NODES = 200_000  # a walk over a stranger's JSON stops here


def embedded_json(scripts: str) -> list[Any]:
    """The JSON values assigned in scripts (`window.__X__ = {…}`, `var x = […]`); values that
    are not strict JSON are skipped."""
    decoder = json.JSONDecoder(strict=False)
    values = []
    done = 0  # end of the last value read: an assignment inside it is not read again
    for match in _JSON_START.finditer(scripts):
        if match.start() < done:
            continue
        try:
            value, done = decoder.raw_decode(scripts, match.end())
        except ValueError:
            continue
        values.append(value)
    return values


def row_lists(value: Any) -> list[list[dict[str, Any]]]:
    """Every list of objects inside `value` (breadth-first, bounded by MAX_JSON_NODES)."""
    found, queue, seen = [], [value], 0
    while queue and seen < MAX_JSON_NODES:
        node = queue.pop()
        seen += 1
        if isinstance(node, dict):
            queue.extend(node.values())
        elif isinstance(node, list):
            rows = [item for item in node if isinstance(item, dict)]
            if rows and len(rows) == len(node):
                found.append(rows)
            queue.extend(node)
    return found


def row_url_key(rows: list[dict[str, Any]]) -> str | None:
    """The key whose values are the rows' own links: a *href/*url/*link key holding an http(s)
    URL in every row, preferring job/detail keys over company or logo links."""
    keys = [
        k
        for k in rows[0]
        if _URL_KEY.search(k)
        and all(isinstance(r.get(k), str) and r[k].startswith(("http", "/")) for r in rows)
    ]
    preferred = [k for k in keys if _ROW_KEY.search(k)]
    ranked = preferred or keys
    return ranked[0] if ranked else None


def embedded_json_links(sel: Selector, url: str) -> list[str]:
    """Links of the longest list of rows held as JSON in the page's scripts (search results
    rendered by JavaScript), absolute and in order; [] when there is none."""
    scripts = "\n".join(sel.xpath("//script[not(@src)]/text()").getall())
    best: list[str] = []
    for value in embedded_json(scripts):
        for rows in row_lists(value):
            key = row_url_key(rows)
            if key and len(rows) > len(best):
                best = [urljoin(url, r[key]) for r in rows]
    return list(dict.fromkeys(best))
