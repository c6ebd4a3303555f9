"""Extract stage helper: render an HTML element as plain text with line structure.

Input: a `parsel.Selector` (or lxml element) for a content container.
Output: text with one line per block element, tables as one line per row with cells joined
by " | ", scripts/styles and `.anti-crawler` watermarks dropped, whitespace collapsed.
"""

from __future__ import annotations

import re
from typing import Any

from parsel import Selector

BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "center", "dd", "details", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "ul",
})  # fmt: skip
SKIP_TAGS = frozenset({
    "script", "style", "noscript", "template", "head", "title", "iframe", "object", "svg",
    "select",
})  # fmt: skip
SKIP_CLASSES = frozenset({"anti-crawler"})
CELL_SEPARATOR = " | "

_SPACES = re.compile(r"[ \t\n\r\f\v\xa0\u200b\ufeff]+")
_CJK = "\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}]) (?=[{_CJK}])")


def root_of(node: Selector | Any) -> Any:
    """The lxml element behind a Selector (or the element itself)."""
    return node.root if isinstance(node, Selector) else node


def is_skipped(element: Any) -> bool:
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    if tag in SKIP_TAGS:
        return True
    classes = set((element.get("class") or "").split())
    return bool(classes & SKIP_CLASSES)


def collapse(text: str) -> str:
    """Source whitespace (including newlines inside a text node) is one space."""
    return _SPACES.sub(" ", text)


def walk(element: Any, out: list[str]) -> None:
    """Append the text of `element` (not its tail) to `out`, marking block breaks."""
    if not isinstance(element.tag, str):  # comment or processing instruction
        return
    if is_skipped(element):
        return
    tag = element.tag.lower()
    if tag == "br":
        out.append("\n")
        return
    if tag == "table":
        out.append("\n" + render_table(element) + "\n")
        return
    block = tag in BLOCK_TAGS
    if block:
        out.append("\n")
    if element.text:
        out.append(collapse(element.text))
    for child in element:
        walk(child, out)
        if child.tail:
            out.append(collapse(child.tail))
    if block:
        out.append("\n")


def cell_text(cell: Any) -> str:
    parts: list[str] = []
    walk(cell, parts)
    return tidy_line(" ".join("".join(parts).split("\n")))


def render_table(table: Any) -> str:
    """One line per row, cells joined by ' | '; empty rows dropped; nested tables flattened."""
    lines = []
    rows = table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
    for row in rows:
        cells = [cell_text(c) for c in row.xpath("./td|./th")]
        if any(cells):
            lines.append(CELL_SEPARATOR.join(cells))
    return "\n".join(lines)


def tidy_line(line: str) -> str:
    line = _SPACES.sub(" ", line).strip(" \u3000")
    return _CJK_GAP.sub("", line)


def render_text(node: Selector | Any) -> str:
    """Plain text of `node` with one line per block and table row."""
    root = root_of(node)
    if isinstance(root, str):
        return "\n".join(filter(None, (tidy_line(x) for x in root.splitlines())))
    parts: list[str] = []
    walk(root, parts)
    lines = (tidy_line(line) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def html_fragment_text(fragment: str) -> str:
    """Plain text of an HTML fragment string (e.g. a JSON-LD description)."""
    if not fragment.strip():
        return ""
    return render_text(Selector(text=f"<div>{fragment}</div>").xpath("//body/div[1]")[0])
