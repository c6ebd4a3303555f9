"""Store stage: read-only look-ups for the command line (`show`, `sources`, `query`) and totals.

Input: an open store connection and what to look up (a notice id or URL, a notice, a page URL).
Output: typed records (`NoticeProvenance`, `PositionSummary`, `AttachmentPage`, `Sighting`,
`SourcePages`, `StoreCounts`) and the stored source names; nothing is written.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from analysis.store.counts import NOTICE_GATE


@dataclass(frozen=True, slots=True)
class NoticeProvenance:
    """A stored notice with the fetch of the page it came from (where its archived copy lies)."""

    id: int
    url: str
    title: str
    source_id: str | None
    employer: str | None
    published: str | None
    deadline: str | None
    first_seen: str
    updated_at: str
    taxonomy_version: str
    page_url: str
    fetched_at: str
    run_id: int | None
    status: int
    content_type: str | None
    encoding: str | None
    content_hash: str
    archive_path: str | None
    archive_offset: int | None
    archive_length: int | None


@dataclass(frozen=True, slots=True)
class PositionSummary:
    """A position as `show` lists it; one read from an attachment table says where (the
    attachment's name, its sheet and 1-based row)."""

    seq: int
    title: str
    headcount: int | None
    file_name: str | None = None
    sheet: str | None = None
    row: int | None = None


@dataclass(frozen=True, slots=True)
class AttachmentPage:
    """A page fetched as an attachment of a notice page (`pages.parent_url`)."""

    url: str
    page_kind: str
    error: str | None
    archive_path: str | None
    archive_offset: int | None


@dataclass(frozen=True, slots=True)
class Sighting:
    """One more place a stored notice was seen (a repost), with how alike the copies were."""

    url: str
    source_id: str | None
    similarity: float
    seen_at: str


@dataclass(frozen=True, slots=True)
class SourcePages:
    """Totals over every stored page of one source."""

    pages: int
    last_fetch: str
    notices: int
    errors: int


@dataclass(frozen=True, slots=True)
class StoreCounts:
    """Store-wide totals, defined as `analysis.store.counts` defines a run's: `notices` are rows
    the gate let through; `gated` (kept without positions) and `sightings` are counted apart."""

    sources: int
    runs: int
    pages: int
    notices: int
    positions: int
    findings: int
    sightings: int = 0
    gated: int = 0


def load_notice_provenance(conn: sqlite3.Connection, notice: str) -> NoticeProvenance | None:
    """The notice with this id (all digits), notice URL or page URL; None when none is stored."""
    row = conn.execute(
        """SELECT n.id, n.url, n.title, n.source_id, n.employer, n.published, n.deadline,
                  n.first_seen, n.updated_at, n.taxonomy_version, p.url AS page_url,
                  p.fetched_at, p.run_id, p.status, p.content_type, p.encoding, p.content_hash,
                  p.archive_path, p.archive_offset, p.archive_length
           FROM notices n JOIN pages p ON p.id = n.page_id
           WHERE n.id = ? OR n.url = ? OR p.url = ?""",
        (_as_row_id(notice), notice, notice),
    ).fetchone()
    return None if row is None else NoticeProvenance(*row)


def _as_row_id(text: str) -> int:
    """`text` as a SQLite row id, or -1 (no row) for anything else: superscripts and other
    scripts' digits (digits to `str.isdigit`, not always to `int`), or a number beyond SQLite's
    64-bit integers."""
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return -1
    value = int(text)
    return value if value < 2**63 else -1


def load_notice_positions(conn: sqlite3.Connection, notice_id: int) -> list[PositionSummary]:
    """The notice's positions in their order in the notice."""
    rows = conn.execute(
        "SELECT seq, title, headcount, file_name, sheet, row FROM positions WHERE notice_id = ? "
        "ORDER BY seq",
        (notice_id,),
    )
    return [PositionSummary(*r) for r in rows]


def load_attachments(conn: sqlite3.Connection, page_url: str) -> list[AttachmentPage]:
    """The attachment pages fetched from the page at `page_url`, in the order they were stored."""
    rows = conn.execute(
        """SELECT url, page_kind, error, archive_path, archive_offset FROM pages
           WHERE parent_url = ? ORDER BY id""",
        (page_url,),
    )
    return [AttachmentPage(*r) for r in rows]


def load_notice_sightings(conn: sqlite3.Connection, notice_id: int) -> list[Sighting]:
    """Where else the notice was seen (reposts linked to it), in the order they were found."""
    rows = conn.execute(
        "SELECT url, source_id, similarity, seen_at FROM sightings WHERE notice_id = ? ORDER BY id",
        (notice_id,),
    )
    return [Sighting(*r) for r in rows]


def load_pages_by_source(conn: sqlite3.Connection) -> dict[str | None, SourcePages]:
    """source_id -> totals of its stored pages (sources never crawled are absent); its notices
    as `analysis.store.counts` counts them (gate 'notice': no gated page, no sighting)."""
    rows = conn.execute(
        """SELECT p.source_id, count(*) AS pages, max(p.fetched_at) AS last,
                  coalesce(sum(n.gate = :gate), 0) AS notices,
                  sum(p.page_kind = 'error') AS errors
           FROM pages p LEFT JOIN notices n ON n.page_id = p.id GROUP BY p.source_id""",
        {"gate": NOTICE_GATE},
    )
    return {r[0]: SourcePages(r[1], r[2], r[3], r[4]) for r in rows}


def count_rows(conn: sqlite3.Connection) -> StoreCounts:
    """How many sources, crawl runs, pages, notices, positions, findings, sightings and gated
    notice pages the store holds (`StoreCounts`)."""
    row = conn.execute(
        """SELECT (SELECT count(*) FROM sources), (SELECT count(*) FROM crawl_runs),
                  (SELECT count(*) FROM pages),
                  (SELECT count(*) FROM notices WHERE gate = :gate),
                  (SELECT count(*) FROM positions po JOIN notices n ON n.id = po.notice_id
                    WHERE n.gate = :gate),
                  (SELECT count(*) FROM findings),
                  (SELECT count(*) FROM sightings),
                  (SELECT count(*) FROM notices WHERE gate != :gate)""",
        {"gate": NOTICE_GATE},
    ).fetchone()
    return StoreCounts(*(int(v) for v in row))


def load_source_names(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """Source id → its name, employer and English employer, for every source the store knows
    (registered, or named by a stored notice), so `query --source` can check an id."""
    names: dict[str, list[str]] = {}
    for sid, *labels in conn.execute(
        """SELECT id, name, employer, employer_en FROM sources
           UNION ALL
           SELECT DISTINCT source_id, NULL, NULL, NULL FROM notices WHERE source_id IS NOT NULL
           ORDER BY 1"""
    ):
        known = names.setdefault(sid, [])
        known += [n for n in labels if n and n not in known]
    return names
