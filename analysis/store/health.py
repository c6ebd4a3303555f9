"""Store stage: per-source crawl health of each run (ok, failed, zero-yield, low-yield).

Input: the run's pages and frontier rows in the store.
Output: rows in `run_sources`, and the latest judgement per source for the CLI and the report.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis.models import Source
from analysis.store.schema import transaction

LOW_YIELD_SHARE = 0.25  # a source below this share of its usual links per list page is flagged


@dataclass(frozen=True, slots=True)
class SourceRun:
    source_id: str
    listing_pages: int
    detail_links: int
    pages: int
    notices_new: int
    positions_new: int
    errors: int
    health: str  # ok | zero-yield | low-yield | failed | no-start-url
    message: str | None = None


def summarise_run_sources(
    conn: sqlite3.Connection, run_id: int, sources: Iterable[Source]
) -> list[SourceRun]:
    """Per-source counts of one run from the stored pages, judged against the source's history."""
    started = conn.execute("SELECT started_at FROM crawl_runs WHERE id = ?", (run_id,)).fetchone()
    started_at = started[0] if started else ""
    out = []
    for source in sources:
        sid = source.id
        row = conn.execute(
            """SELECT count(*) AS pages,
                      coalesce(sum(page_kind = 'listing'), 0) AS listing_pages,
                      coalesce(sum(CASE WHEN page_kind = 'listing' THEN detail_links END), 0)
                          AS detail_links,
                      coalesce(sum(page_kind = 'error'), 0) AS errors
               FROM pages WHERE run_id = ? AND source_id = ?""",
            (run_id, sid),
        ).fetchone()
        new = conn.execute(
            """SELECT count(DISTINCT n.id), count(po.id) FROM notices n
               JOIN pages p ON p.id = n.page_id LEFT JOIN positions po ON po.notice_id = n.id
               WHERE p.run_id = ? AND n.source_id = ? AND n.first_seen >= ?""",
            (run_id, sid, started_at),
        ).fetchone()
        message = conn.execute(
            """SELECT error FROM pages WHERE run_id = ? AND source_id = ? AND page_kind = 'error'
               ORDER BY id LIMIT 1""",
            (run_id, sid),
        ).fetchone()
        counts = SourceRun(
            sid,
            int(row["listing_pages"]),
            int(row["detail_links"]),
            int(row["pages"]),
            int(new[0]),
            int(new[1]),
            int(row["errors"]),
            "ok",
            message[0] if message else None,
        )
        out.append(_judge(conn, counts, has_start=bool(source.start_urls)))
    return out


def _judge(conn: sqlite3.Connection, run: SourceRun, *, has_start: bool) -> SourceRun:
    from dataclasses import replace

    if not has_start:
        return replace(run, health="no-start-url", message="no start URL: fill one in")
    if not run.listing_pages:
        if run.errors or run.pages == 0:
            return replace(run, health="failed", message=run.message or "nothing fetched")
        return run  # only resumed detail pages this time
    if not run.detail_links:
        return replace(
            run, health="zero-yield", message="list pages held no notice links (selectors?)"
        )
    history = [
        r[0] / r[1]
        for r in conn.execute(
            """SELECT detail_links, listing_pages FROM crawl_run_sources
               WHERE source_id = ? AND listing_pages > 0 AND health IN ('ok', 'low-yield')
               ORDER BY run_id DESC LIMIT 12""",
            (run.source_id,),
        )
    ]
    rate = run.detail_links / run.listing_pages
    if history:
        usual = sorted(history)[len(history) // 2]
        if rate < LOW_YIELD_SHARE * usual:
            return replace(
                run,
                health="low-yield",
                message=f"{rate:.1f} notice links per list page, usually {usual:.1f}",
            )
    return run


def save_run_sources(conn: sqlite3.Connection, run_id: int, runs: Iterable[SourceRun]) -> None:
    with transaction(conn):
        conn.executemany(
            """INSERT OR REPLACE INTO crawl_run_sources (run_id, source_id, listing_pages,
                   detail_links, pages, notices_new, positions_new, errors, health, message)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                (
                    run_id,
                    r.source_id,
                    r.listing_pages,
                    r.detail_links,
                    r.pages,
                    r.notices_new,
                    r.positions_new,
                    r.errors,
                    r.health,
                    r.message,
                )
                for r in runs
            ],
        )


def latest_source_health(conn: sqlite3.Connection) -> dict[str, sqlite3.Row]:
    """source_id -> its row of the latest run that crawled it (with the run's start time)."""
    rows = conn.execute(
        """SELECT s.*, r.started_at FROM crawl_run_sources s JOIN crawl_runs r ON r.id = s.run_id
           WHERE s.run_id = (SELECT max(run_id) FROM crawl_run_sources t
                             WHERE t.source_id = s.source_id)"""
    )
    return {r["source_id"]: r for r in rows}


SOURCE_HEALTH_SQL = """
SELECT s.id AS source_id, s.name, s.province,
       count(p.id) AS pages,
       coalesce(sum(p.page_kind = 'listing'), 0) AS listing_pages,
       coalesce(sum(p.page_kind = 'notice'), 0) AS notice_pages,
       coalesce(sum(p.page_kind = 'unavailable'), 0) AS unavailable,
       coalesce(sum(p.page_kind = 'error'), 0) AS errors,
       max(p.fetched_at) AS last_fetch,
       (SELECT count(*) FROM notices n WHERE n.source_id = s.id) AS notices,
       (SELECT count(*) FROM positions po JOIN notices n ON n.id = po.notice_id
         WHERE n.source_id = s.id) AS positions,
       (SELECT e.error FROM pages e WHERE e.source_id = s.id AND e.page_kind = 'error'
         ORDER BY e.fetched_at DESC LIMIT 1) AS last_error
FROM sources s LEFT JOIN pages p ON p.source_id = s.id
GROUP BY s.id ORDER BY s.id
"""

LATEST_RUN_SQL = "SELECT id, stats FROM crawl_runs ORDER BY id DESC LIMIT 1"


def load_source_health(conn: sqlite3.Connection) -> pd.DataFrame:
    """Per-source crawl health from the store: pages by kind, notices, positions, last error.

    Read-only. Columns: `source_id, name, province, pages, listing_pages, notice_pages,
    unavailable, errors, last_fetch, notices, positions, last_error`, plus `latest_run_stats`
    in `.attrs` (the latest run's stats JSON as a dict, empty without runs).
    """
    frame = pd.read_sql_query(SOURCE_HEALTH_SQL, conn)
    row = conn.execute(LATEST_RUN_SQL).fetchone()
    stats: dict[str, Any] = {}
    if row is not None:
        try:
            loaded = json.loads(row[1] or "{}")
        except ValueError:
            loaded = {}
        stats = {"run_id": row[0], **(loaded if isinstance(loaded, dict) else {})}
    frame.attrs["latest_run_stats"] = stats
    return frame
