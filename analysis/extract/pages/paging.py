"""Extract stage: the further parts of an article split over several pages (in-article paging).

Input: a `parsel.Selector` of an article's first page and its URL.
Output: the URLs of its next parts, in order (`t2024…_1.html`, `123_2.html`, `123-2.html`, a
TRS detail pager script, 下一页 links to such URLs); `join_parts` makes one notice of them.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from analysis.extract.pages.listing import NEXT_TEXTS, absolute, link_text
from analysis.models import ParsedNotice

MAX_PARTS = 10  # parts of one article, the first included
_CREATE_PAGE = re.compile(
    r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"']([^\"']+)[\"']\s*,\s*[\"']([^\"']+)[\"']"
)
_PART_SUFFIX = re.compile(r"^[_-](\d{1,3})$")


def split_name(url: str) -> tuple[str, str, str]:
    """(directory URL, file stem, extension) of an article URL: `…/a/`, `t2024_1`, `.html`."""
    path = urlsplit(url).path
    directory, _, name = path.rpartition("/")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    return urljoin(url, directory + "/"), stem, (dot + ext)


def part_number(url: str, first: str) -> int | None:
    """N when `url` is part N of the article at `first` (same folder and extension, the first
    part's name + `_N` or `-N`), else None."""
    folder, stem, ext = split_name(first)
    other_folder, other_stem, other_ext = split_name(url)
    if (other_folder, other_ext) != (folder, ext) or not other_stem.startswith(stem):
        return None
    match = _PART_SUFFIX.match(other_stem[len(stem) :])
    return int(match.group(1)) if match else None


def script_parts(sel: Selector, url: str) -> list[str]:
    """Parts announced by a TRS detail pager, `createPageHTML(n, 0, "<own name>", "html")`."""
    _, stem, _ = split_name(url)
    scripts = "\n".join(sel.xpath("//script/text()").getall())
    urls = []
    for count, current, name, ext in _CREATE_PAGE.findall(scripts):
        if name == stem and int(current) == 0:
            last = min(int(count), MAX_PARTS)
            urls += [urljoin(url, f"{name}_{i}.{ext}") for i in range(1, last)]
    return urls


def article_part_urls(sel: Selector, url: str, max_parts: int = MAX_PARTS) -> list[str]:
    """The article's further parts in order (at most `max_parts - 1`); [] for a one-page
    article or a page that is itself a later part."""
    _, stem, _ = split_name(url)
    if not stem:
        return []
    numbered: dict[str, int] = {u: n for n, u in enumerate(script_parts(sel, url), 1)}
    for anchor in sel.xpath("//a[@href]"):
        target = absolute(url, anchor.attrib["href"])
        if not target or target in numbered:
            continue
        n = part_number(target, url)
        label = link_text(anchor).lower()
        if n is not None and (label.isdigit() or label in NEXT_TEXTS):
            numbered[target] = n
    ordered = sorted(numbered, key=lambda u: numbered[u])
    return ordered[: max(0, max_parts - 1)]


def join_parts(first: ParsedNotice, parts: Sequence[ParsedNotice]) -> ParsedNotice:
    """One notice of an article's parts: texts joined in order, attachments of every part."""
    if not parts:
        return first
    attachments = list(first.attachments)
    names = list(first.attachment_names)
    for part in parts:
        padded = [*part.attachment_names, *[""] * len(part.attachments)]
        for link, name in zip(part.attachments, padded, strict=False):
            if link not in attachments:
                attachments.append(link)
                names.append(name)
    text = "\n".join([first.text, *(p.text for p in parts if p.text)])
    return dataclasses.replace(first, text=text, attachments=attachments, attachment_names=names)
