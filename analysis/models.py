"""Shared record types for every stage after the crawl.

Input: nothing (pure data definitions).
Output: the dataclasses passed between extract → normalise → store → query/report.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Evidence:
    """The exact substring of a text that supports a finding, with its offsets."""

    text: str
    start: int
    end: int

    @classmethod
    def of(cls, source: str, start: int, end: int) -> Evidence:
        return cls(source[start:end], start, end)


@dataclass(frozen=True, slots=True)
class Finding:
    """One normalised fact about a position, e.g. field="language", value="ru".

    `required` is True for hard requirements, False for preferences (优先, a plus),
    None when the text does not say. `level`, `years` and `detail` refine the value.
    """

    field: str
    value: str
    evidence: Evidence
    required: bool | None = None
    level: str | None = None
    years: float | None = None
    detail: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclass(slots=True)
class Position:
    """One advertised position, with everything the normaliser found in its text."""

    seq: int
    title: str
    text: str
    headcount: int | None = None
    role_family: str = "other"
    findings: list[Finding] = dataclasses.field(default_factory=list)

    def values(self, field_name: str) -> list[str]:
        return [f.value for f in self.findings if f.field == field_name]

    def first(self, field_name: str) -> Finding | None:
        return next((f for f in self.findings if f.field == field_name), None)


@dataclass(slots=True)
class ParsedNotice:
    """What a page parser gets out of one notice page, before normalisation."""

    url: str
    title: str
    text: str
    published: str | None = None  # raw date string as found on the page
    employer: str | None = None
    attachments: list[str] = dataclasses.field(default_factory=list)
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclass(slots=True)
class NormalisedNotice:
    """A notice after normalisation: dates resolved, split into positions."""

    url: str
    title: str
    text: str
    employer: str | None
    published: date | None
    deadline: date | None
    positions: list[Position]
    taxonomy_version: str


@dataclass(slots=True)
class FetchedPage:
    """Provenance of one fetched response, as kept in the `pages` table."""

    url: str
    source_id: str
    status: int
    fetched_at: datetime
    content_hash: str
    page_kind: str  # listing | notice | unavailable | error
    content_type: str | None = None
    encoding: str | None = None
    archive_path: str | None = None
    archive_offset: int | None = None
    archive_length: int | None = None
    error: str | None = None
