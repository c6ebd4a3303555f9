"""Shared record types for every stage.

Input: nothing (pure data definitions).
Output: the dataclasses passed between crawl → extract → normalise → store → query/report:
sources, fetched pages, parsed notices (with their table rows), normalised notices.
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
    """One advertised position, with everything the normaliser found in its text.

    A position read from a table row carries the row's provenance (`file`, `sheet` — a sheet,
    a .docx table or a PDF page —, 1-based `row`); a position read from the notice text has none.
    """

    seq: int
    title: str
    text: str
    headcount: int | None = None
    role_family: str = "other"
    findings: list[Finding] = dataclasses.field(default_factory=list)
    file: str | None = None
    sheet: str | None = None
    row: int | None = None

    def values(self, field_name: str) -> list[str]:
        return [f.value for f in self.findings if f.field == field_name]

    def first(self, field_name: str) -> Finding | None:
        return next((f for f in self.findings if f.field == field_name), None)


@dataclass(slots=True)
class TableRow:
    """One position row of a table, with its provenance (file, sheet, 1-based row number).

    `repeats_body` is True when the notice body already names every position of the row's
    table, so the table was kept as rows only, not appended to the notice text.
    """

    file: str
    sheet: str
    row: int
    title: str = ""
    headcount: int | None = None
    major: str = ""
    degree: str = ""
    age: str = ""
    other: str = ""
    employer: str = ""
    cells: dict[str, str] = dataclasses.field(default_factory=dict)
    repeats_body: bool = False

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True, slots=True)
class AttachmentError:
    """An attachment of a notice that could not be used: its URL, why, and the kind of failure
    (download, archive, too_large, encrypted, … as `analysis.extract` reports it)."""

    url: str
    error: str
    kind: str = ""


@dataclass(frozen=True, slots=True)
class WechatMeta:
    """What a WeChat article page says about itself besides title, date and body (JS variables)."""

    item_show_type: str | None = None
    nickname: str | None = None
    create_time_local: str | None = None  # `createTime` as the page shows it, local time
    author: str | None = None
    user_name: str | None = None
    msg_link: str | None = None
    copyright_stat: str | None = None
    share_author: str | None = None  # a shared (转载) article: the original's author
    share_source_url: str | None = None  # … and the original's URL


@dataclass(slots=True)
class ParsedNotice:
    """What a page parser gets out of one notice page (and `attach_tables` out of its
    attachments), before normalisation. The `*_source` fields say where a value was found."""

    url: str
    title: str
    text: str
    published: str | None = None  # raw date string as found on the page
    employer: str | None = None
    attachments: list[str] = dataclasses.field(default_factory=list)
    attachment_names: list[str] = dataclasses.field(default_factory=list)  # link texts, in order
    title_source: str | None = None
    published_source: str | None = None
    body_source: str | None = None  # cms: trs, jcms, zoom …; jobboard: json-ld | dom
    site_name: str | None = None  # cms: <meta name="SiteName">
    column: str | None = None  # cms: <meta name="ColumnName">
    deadline: str | None = None  # jobboard: JSON-LD validThrough, raw
    employment_type: tuple[str, ...] = ()  # jobboard: JSON-LD employmentType
    job_location: str | None = None  # jobboard: JSON-LD jobLocation, as JSON text
    wechat: WechatMeta | None = None
    tables: list[TableRow] = dataclasses.field(default_factory=list)  # position rows
    attachment_errors: list[AttachmentError] = dataclasses.field(default_factory=list)
    attachment_text: dict[str, str] = dataclasses.field(default_factory=dict)  # url -> text


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
