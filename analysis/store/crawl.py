"""Store stage: crawl records: sources, crawl runs, fetched pages and the crawl frontier.

Input: source-registry entries (`Source`) and `FetchedPage`s from the crawl.
Output: rows in `sources`, `crawl_runs`, `pages`, `frontier`; what a resumed crawl needs back,
and what `reprocess` reads back from the archive (notice pages, attachments) and marks.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from analysis.models import FetchedPage
from analysis.source import Source, SourceProvenance
from analysis.store.counts import load_run_counts
from analysis.store.schema import transaction, utcnow

# Source fields with a column of their own in `sources`; the rest go to its meta JSON.
_SOURCE_COLUMNS = (
    "id",
    "name",
    "kind",
    "employer",
    "employer_en",
    "level",
    "province",
    "parent",
    "start_urls",
)


def save_sources(conn: sqlite3.Connection, sources: Iterable[Source]) -> int:
    """Upsert source-registry entries; returns how many were written."""
    rows = [_source_row(s) for s in sources]
    with transaction(conn):
        conn.executemany(
            """INSERT INTO sources (id, name, kind, employer, employer_en, level, province,
                                    parent, start_urls, meta)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(id) DO UPDATE SET name=excluded.name, kind=excluded.kind,
                 employer=excluded.employer, employer_en=excluded.employer_en,
                 level=excluded.level, province=excluded.province, parent=excluded.parent,
                 start_urls=excluded.start_urls, meta=excluded.meta""",
            rows,
        )
    return len(rows)


def _source_row(source: Source) -> tuple[Any, ...]:
    fields = dataclasses.asdict(source)
    meta = {k: v for k, v in fields.items() if k not in _SOURCE_COLUMNS}
    return (
        *(fields[k] for k in _SOURCE_COLUMNS[:-1]),
        json.dumps(list(source.start_urls), ensure_ascii=False),
        json.dumps(meta, ensure_ascii=False),
    )


def source_from_row(row: sqlite3.Row) -> Source:
    """A stored `sources` row back as the `Source` that was saved (meta JSON unpacked)."""
    meta = json.loads(row["meta"] or "{}")
    provenance = meta.get("provenance")
    keywords = meta.get("link_keywords")
    return Source(
        id=row["id"],
        name=row["name"],
        kind=row["kind"],
        start_urls=tuple(json.loads(row["start_urls"] or "[]")),
        employer=row["employer"],
        employer_en=row["employer_en"],
        level=row["level"],
        province=row["province"],
        city=meta.get("city"),
        parent=row["parent"],
        accounts=tuple(meta.get("accounts") or ()),
        needs_verification=bool(meta.get("needs_verification")),
        provenance=SourceProvenance(
            registry=provenance["registry"],
            websites_as_stated=tuple(provenance.get("websites_as_stated") or ()),
            sources=tuple(provenance.get("sources") or ()),
        )
        if provenance
        else None,
        aggregator=bool(meta.get("aggregator")),
        mixed=bool(meta.get("mixed")),
        link_keywords=None if keywords is None else tuple(keywords),
        detail_selector=meta.get("detail_selector"),
        max_pages=meta.get("max_pages"),
        biz=tuple(meta.get("biz") or ()),
        feed_accounts=tuple(meta.get("feed_accounts") or ()),
        feed_template=meta.get("feed_template"),
    )


def load_stored_sources(conn: sqlite3.Connection) -> dict[str, Source]:
    """source id -> the `Source` stored under it."""
    return {r["id"]: source_from_row(r) for r in conn.execute("SELECT * FROM sources")}


def start_run(conn: sqlite3.Connection, *, archive_path: str | None = None) -> int:
    with transaction(conn):
        cur = conn.execute(
            "INSERT INTO crawl_runs (started_at, archive_path) VALUES (?, ?)",
            (utcnow(), archive_path),
        )
    return int(cur.lastrowid or 0)


def finish_run(
    conn: sqlite3.Connection, run_id: int, *, status: str, stats: dict[str, Any]
) -> dict[str, int]:
    """Close a crawl run with its counts (`load_run_counts`, from what the store holds).

    The columns and `stats["counts"]` hold those counts; the rest of `stats` is Scrapy's event
    counters (`icc/store/notice_new` counts an aggregator's copy stored first and demoted to a
    sighting later, so it can exceed the run's notices: read the counts, not the events)."""
    totals = run_totals(conn, run_id)
    totals["errors"] = int(stats.get("errors", totals["errors"]))
    with transaction(conn):
        conn.execute(
            """UPDATE crawl_runs SET finished_at=?, status=?, pages=?, notices_new=?,
                      positions_new=?, errors=?, stats=? WHERE id=?""",
            (
                utcnow(),
                status,
                totals["pages"],
                totals["notices_new"],
                totals["positions_new"],
                totals["errors"],
                json.dumps(stats | {"counts": totals}, ensure_ascii=False, default=str),
                run_id,
            ),
        )
    return totals


def run_totals(conn: sqlite3.Connection, run_id: int) -> dict[str, int]:
    """The run's counts (`RunCounts`) over all its sources, as a dict."""
    return load_run_counts(conn, run_id).as_dict()


def save_page(
    conn: sqlite3.Connection,
    page: FetchedPage,
    run_id: int | None,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    detail_links: int | None = None,
    parent_url: str | None = None,
) -> int:
    """Upsert one fetched page by URL (the latest fetch wins); return its id.

    Call inside `transaction()` together with the notice it produced. `etag`/`last_modified`
    feed the next run's conditional request; `detail_links` is how many notice links a listing
    page held (the source-health measure); `parent_url` is the notice page of an attachment.
    """
    now = page.fetched_at.isoformat(timespec="seconds")
    conn.execute(
        """INSERT INTO pages (url, source_id, run_id, first_seen, fetched_at, status, page_kind,
                              content_type, encoding, content_hash, archive_path,
                              archive_offset, archive_length, error, etag, last_modified,
                              detail_links, parent_url)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(url) DO UPDATE SET source_id=excluded.source_id, run_id=excluded.run_id,
             fetched_at=excluded.fetched_at, status=excluded.status,
             page_kind=excluded.page_kind, content_type=excluded.content_type,
             encoding=excluded.encoding, content_hash=excluded.content_hash,
             archive_path=excluded.archive_path, archive_offset=excluded.archive_offset,
             archive_length=excluded.archive_length, error=excluded.error,
             etag=excluded.etag, last_modified=excluded.last_modified,
             detail_links=excluded.detail_links,
             parent_url=coalesce(excluded.parent_url, pages.parent_url)""",
        (
            page.url,
            page.source_id,
            run_id,
            now,
            now,
            page.status,
            page.page_kind,
            page.content_type,
            page.encoding,
            page.content_hash,
            page.archive_path,
            page.archive_offset,
            page.archive_length,
            page.error,
            etag,
            last_modified,
            detail_links,
            parent_url,
        ),
    )
    row = conn.execute("SELECT id FROM pages WHERE url = ?", (page.url,)).fetchone()
    return int(row[0])


def known_notice_urls(conn: sqlite3.Connection) -> set[str]:
    """URLs of detail pages already stored successfully (notices and recorded unavailable pages)."""
    rows = conn.execute(
        "SELECT url FROM pages WHERE status = 200 AND page_kind IN ('notice', 'unavailable', "
        "'sighting')"
    )
    return {r[0] for r in rows}


MAX_ATTEMPTS = 3


def frontier_add(
    conn: sqlite3.Connection,
    entries: Iterable[tuple[str, str | None, str]],
    run_id: int | None,
) -> None:
    """Queue (url, source_id, kind) entries. A notice already done stays done; a list page
    found again in a later run is pending again (list pages are re-read every run).
    Call inside `transaction()`."""
    now = utcnow()
    conn.executemany(
        """INSERT INTO frontier (url, source_id, kind, state, run_id, discovered_at, updated_at)
           VALUES (?, ?, ?, 'pending', ?, ?, ?)
           ON CONFLICT(url) DO UPDATE SET
             state = CASE WHEN frontier.kind = 'listing'
                               AND coalesce(frontier.run_id, -1) != coalesce(excluded.run_id, -1)
                          THEN 'pending' ELSE frontier.state END,
             run_id = excluded.run_id, updated_at = excluded.updated_at""",
        [(url, source, kind, run_id, now, now) for url, source, kind in entries],
    )


def frontier_mark(
    conn: sqlite3.Connection,
    url: str,
    *,
    ok: bool,
    source_id: str | None = None,
    kind: str = "notice",
    error: str | None = None,
    run_id: int | None = None,
) -> None:
    """Record a fetch outcome: `done`, or `failed` with one more attempt counted.
    Call inside `transaction()`, with the page row it produced."""
    now = utcnow()
    conn.execute(
        """INSERT INTO frontier (url, source_id, kind, state, attempts, run_id, discovered_at,
                                 updated_at, error)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(url) DO UPDATE SET state = excluded.state,
             attempts = frontier.attempts + excluded.attempts, run_id = excluded.run_id,
             updated_at = excluded.updated_at, error = excluded.error""",
        (
            url,
            source_id,
            kind,
            "done" if ok else "failed",
            0 if ok else 1,
            run_id,
            now,
            now,
            error,
        ),
    )


def frontier_resume(
    conn: sqlite3.Connection, source_ids: Iterable[str], *, max_attempts: int = MAX_ATTEMPTS
) -> list[tuple[str, str, str]]:
    """(url, source_id, kind) left pending by an interrupted run, or failed fewer than
    `max_attempts` times, for the given sources; list pages first."""
    ids = list(source_ids)
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = conn.execute(
        f"""SELECT url, source_id, kind FROM frontier
            WHERE source_id IN ({marks})
              AND (state = 'pending' OR (state = 'failed' AND attempts < ?))
            ORDER BY kind = 'listing' DESC, discovered_at, url""",
        (*ids, max_attempts),
    )
    return [(r[0], r[1], r[2]) for r in rows]


def interrupt_stale_runs(conn: sqlite3.Connection) -> int:
    """Close runs left 'running' by a killed crawl (call only while holding the crawl lock)."""
    with transaction(conn):
        cur = conn.execute("UPDATE crawl_runs SET status = 'interrupted' WHERE status = 'running'")
    return cur.rowcount


def conditional_headers(conn: sqlite3.Connection) -> dict[str, tuple[str | None, str | None]]:
    """url -> (ETag, Last-Modified) of stored list pages, for conditional re-requests."""
    rows = conn.execute(
        """SELECT url, etag, last_modified FROM pages
           WHERE page_kind = 'listing' AND (etag IS NOT NULL OR last_modified IS NOT NULL)"""
    )
    return {r[0]: (r[1], r[2]) for r in rows}


def touch_page(conn: sqlite3.Connection, url: str, run_id: int | None, when: datetime) -> None:
    """A list page answered 304 Not Modified: count it in this run, keep its stored copy."""
    conn.execute(
        "UPDATE pages SET run_id = ?, fetched_at = ? WHERE url = ?",
        (run_id, when.isoformat(timespec="seconds"), url),
    )


# -- what `reprocess` reads back and marks ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArchivedPage:
    """A stored page whose response is in the WARC archive, and where."""

    page_id: int
    url: str
    source_id: str
    fetched_at: datetime
    content_type: str | None
    archive_path: str
    archive_offset: int


def _archived_page(row: sqlite3.Row) -> ArchivedPage:
    return ArchivedPage(
        page_id=int(row["id"]),
        url=row["url"],
        source_id=row["source_id"],
        fetched_at=datetime.fromisoformat(row["fetched_at"]).astimezone(UTC),
        content_type=row["content_type"],
        archive_path=row["archive_path"],
        archive_offset=int(row["archive_offset"]),
    )


def load_archived_notice_pages(
    conn: sqlite3.Connection, source_ids: Iterable[str] | None = None
) -> list[ArchivedPage]:
    """Archived notice pages to parse again, in page-id order: notices, sightings, and notice
    pages whose parse failed; only those of `source_ids` when given."""
    wanted = set(source_ids or ())
    rows = conn.execute(
        """SELECT p.id, p.url, p.source_id, p.fetched_at, p.content_type, p.archive_path,
                  p.archive_offset
           FROM pages p LEFT JOIN frontier f ON f.url = p.url
           WHERE p.archive_path IS NOT NULL AND p.status = 200
             AND (p.page_kind IN ('notice', 'sighting')
                  OR (p.page_kind = 'error' AND f.kind = 'notice'))
           ORDER BY p.id"""
    )
    return [_archived_page(r) for r in rows if not wanted or r["source_id"] in wanted]


def load_archived_attachment(conn: sqlite3.Connection, url: str) -> ArchivedPage | str:
    """The archived attachment at `url`, or why there is none (its fetch error, or
    "not in the archive")."""
    row = conn.execute(
        """SELECT id, url, source_id, fetched_at, content_type, archive_path, archive_offset,
                  page_kind, error FROM pages WHERE url = ?""",
        (url,),
    ).fetchone()
    if row is None or row["archive_path"] is None or row["page_kind"] != "attachment":
        return (row["error"] if row is not None else None) or "not in the archive"
    return _archived_page(row)


def load_archived_part(conn: sqlite3.Connection, url: str) -> ArchivedPage | None:
    """The archived further part of an article at `url` (a `part` page the crawl fetched and
    read, answered 200), or None: a part that failed or was never fetched ended the article
    there in the crawl, and ends it there in a reprocess too."""
    row = conn.execute(
        """SELECT id, url, source_id, fetched_at, content_type, archive_path, archive_offset
           FROM pages WHERE url = ? AND page_kind = 'part' AND status = 200
             AND archive_path IS NOT NULL AND error IS NULL""",
        (url,),
    ).fetchone()
    return None if row is None else _archived_page(row)


def mark_page_unavailable(conn: sqlite3.Connection, page_id: int, reason: str) -> None:
    """A stored notice page that now parses as holding no notice. Call inside `transaction()`."""
    conn.execute(
        "UPDATE pages SET page_kind = 'unavailable', error = ? WHERE id = ?", (reason, page_id)
    )


def mark_error_page_notice(conn: sqlite3.Connection, page_id: int, encoding: str | None) -> None:
    """A page whose parse had failed (or whose notice was stored unnormalised, flagged with an
    error, when normalising it timed out in the crawl) now parses: it is a plain notice page
    again (a page of any other kind is left alone). Call inside `transaction()`."""
    conn.execute(
        "UPDATE pages SET page_kind = 'notice', error = NULL, encoding = ? "
        "WHERE id = ? AND (page_kind = 'error' OR (page_kind = 'notice' AND error IS NOT NULL))",
        (encoding, page_id),
    )
