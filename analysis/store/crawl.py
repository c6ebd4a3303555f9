"""Store stage: crawl records: sources, crawl runs, fetched pages and the crawl frontier.

Input: source-registry entries and `FetchedPage`s from the crawl.
Output: rows in `sources`, `crawl_runs`, `pages`, `frontier`; what a resumed crawl needs back.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from analysis.models import FetchedPage
from analysis.store.schema import transaction, utcnow


def save_sources(conn: sqlite3.Connection, sources: Iterable[dict[str, Any]]) -> int:
    """Upsert source-registry entries; returns how many were written."""
    rows = [
        (
            s["id"],
            s.get("name") or s["id"],
            s.get("kind", "cms"),
            s.get("employer"),
            s.get("employer_en"),
            s.get("level"),
            s.get("province"),
            s.get("parent"),
            json.dumps(s.get("start_urls", []), ensure_ascii=False),
            json.dumps(
                {k: v for k, v in s.items() if k not in _SOURCE_COLUMNS},
                ensure_ascii=False,
                default=str,
            ),
        )
        for s in sources
    ]
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


_SOURCE_COLUMNS = {
    "id",
    "name",
    "kind",
    "employer",
    "employer_en",
    "level",
    "province",
    "parent",
    "start_urls",
}


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
    """Close a crawl run with its totals, counted from what the store actually holds."""
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
                json.dumps(stats, ensure_ascii=False, default=str),
                run_id,
            ),
        )
    return totals


def run_totals(conn: sqlite3.Connection, run_id: int) -> dict[str, int]:
    row = conn.execute(
        """SELECT
             (SELECT count(*) FROM pages WHERE run_id = :r) AS pages,
             (SELECT count(*) FROM pages WHERE run_id = :r AND page_kind = 'error') AS errors,
             (SELECT count(*) FROM notices n JOIN pages p ON p.id = n.page_id
               WHERE p.run_id = :r AND n.first_seen >= (SELECT started_at FROM crawl_runs
                                                        WHERE id = :r)) AS notices_new,
             (SELECT count(*) FROM positions po JOIN notices n ON n.id = po.notice_id
               JOIN pages p ON p.id = n.page_id
               WHERE p.run_id = :r AND n.first_seen >= (SELECT started_at FROM crawl_runs
                                                        WHERE id = :r)) AS positions_new""",
        {"r": run_id},
    ).fetchone()
    return {k: int(row[k]) for k in ("pages", "errors", "notices_new", "positions_new")}


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
