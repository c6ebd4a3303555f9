"""Report stage: the document model, built once and rendered twice (HTML and Markdown).

Input: figures and texts from the section builders.
Output: typed blocks (headings, paragraphs, tiles, tables, charts) and their formatted cells.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pandas as pd

from analysis.trends import SMALL_N

TABLE_LIMIT = 20
SENTENCE_LIMIT = 180
NONE = "\u2013"  # en dash: no figure

# Both renderers get the same blocks, so HTML and Markdown carry the same figures. Cell text
# is plain and untrusted: renderers escape it.


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True)
class Flagged:
    """A figure whose denominator is small (n<5)."""

    text: str


@dataclass(frozen=True)
class Marked:
    """A sentence with the evidence substring to highlight."""

    text: str
    mark: str


Cell = str | Link | Flagged | Marked


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    text: str
    note: bool = False


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Tiles:
    """Headline figures: (label, value, comparison) triples."""

    items: tuple[tuple[str, Cell, str], ...]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    numeric: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    caption: str
    svg: str


Block = Heading | Paragraph | Bullets | Tiles | Table | Chart


# --------------------------------------------------------------------------- cell formatting


def fmt_count(n: int | float | None) -> str:
    return NONE if n is None else f"{int(n):,}"


def fmt_signed(n: int | float | None) -> str:
    return NONE if n is None else f"{int(n):+,}"


def fmt_pct(share: float | None) -> str:
    return NONE if share is None else f"{share * 100:.1f}%"


def fmt_pp(delta: float | None) -> str:
    return NONE if delta is None else f"{delta * 100:+.1f} pp"


def fmt_date(value: Any) -> str:
    stamp = pd.to_datetime(value, errors="coerce")
    return NONE if pd.isna(stamp) else stamp.strftime("%Y-%m-%d")


def share_cell(n: int, total: int) -> Cell:
    """'3 of 24 (12.5%)', flagged when the denominator is below trends.SMALL_N."""
    text = f"{n:,} of {total:,} ({fmt_pct(n / total if total else None)})"
    return Flagged(text) if total < SMALL_N else text


def plural(count: int, noun: str) -> str:
    """'1 notice', '3 notices'."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def were(count: int) -> str:
    return "was" if count == 1 else "were"


def plain(value: Any) -> str:
    """A cell value as one line of text; '' for missing values."""
    return (
        ""
        if value is None or (isinstance(value, float) and math.isnan(value)) or (value is pd.NA)
        else " ".join(str(value).split())
    )


def safe_url(url: Any) -> str | None:
    """The URL if it is a plain http(s) link, else None (no javascript: or data: links)."""
    if not isinstance(url, str):
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def evidence_sentence(text: Any, evidence: Any, limit: int = SENTENCE_LIMIT) -> str:
    """The sentence of `text` that contains `evidence`, whitespace collapsed, at most `limit`."""
    text, evidence = plain(text), plain(evidence)
    if not evidence:
        return ""
    at = text.find(evidence)
    if at < 0:
        return evidence[:limit]
    ends = "。！？；;!?"
    start = max(text.rfind(c, 0, at) for c in ends) + 1
    stops = [j for c in ends if (j := text.find(c, at + len(evidence))) >= 0]
    sentence = text[start : (min(stops) + 1 if stops else len(text))].strip()
    if len(sentence) <= limit:
        return sentence
    at = sentence.find(evidence)
    left = max(0, min(at - limit // 3, len(sentence) - limit))
    clipped = sentence[left : left + limit]
    return ("…" if left else "") + clipped + ("…" if left + limit < len(sentence) else "")
