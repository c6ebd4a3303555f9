"""Store stage: the SQL side of per-source crawl health (the judgement is `analysis.health`).

Input: a run's pages, notices and positions in the store; `SourceRun` judgements to save.
Output: per-source counts and yield history of a run, rows in `crawl_run_sources`, and the
latest judgement and page totals per source for the CLI and the report.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from analysis.health import (
    USUAL_YIELD_HEALTH,
    USUAL_YIELD_RUNS,
    SourceCounts,
    SourceRun,
    judge_source_run,
)
from analysis.source import Source
from analysis.store.counts import NOTICE_GATE, load_run_counts
from analysis.store.schema import transaction


def summarise_run_sources(
    conn: sqlite3.Connection, run_id: int, sources: Iterable[Source]
) -> list[SourceRun]:
    """Per-source counts of one run from the stored pages, judged against the source's history.

    Glue for the crawl: the counts and the history come from the store, the judgement from
    `analysis.health.judge_source_run`. Call before `save_run_sources` of the same run.
    """
    started_at = load_run_started_at(conn, run_id)
    return [
        judge_source_run(
            load_run_source_counts(conn, run_id, source.id, started_at=started_at),
            load_yield_history(conn, source.id),
            has_start=bool(source.start_urls),
        )
        for source in sources
    ]


def load_run_started_at(conn: sqlite3.Connection, run_id: int) -> str:
    """The run's start time (ISO-8601), empty for an unknown run."""
    row = conn.execute("SELECT started_at FROM crawl_runs WHERE id = ?", (run_id,)).fetchone()
    return str(row[0]) if row else ""


def load_run_source_counts(
    conn: sqlite3.Connection, run_id: int, source_id: str, *, started_at: str
) -> SourceCounts:
    """What run `run_id` fetched and stored from one source (`load_run_counts`: notices with
    gate 'notice' first stored by the run count as new). `started_at` is kept for callers; the
    counts read the run's own start."""
    counts = load_run_counts(conn, run_id, source_id)
    message = conn.execute(
        """SELECT error FROM pages WHERE run_id = ? AND source_id = ? AND page_kind = 'error'
           ORDER BY id LIMIT 1""",
        (run_id, source_id),
    ).fetchone()
    details = load_run_detail_counts(conn, run_id, source_id)
    return SourceCounts(
        source_id,
        counts.listing_pages,
        counts.detail_links,
        counts.pages,
        counts.notices_new,
        counts.positions_new,
        counts.errors,
        message[0] if message else None,
        *details,
    )


# Detail pages read fine: a notice, a repost of one (sighting), or a page saying it was removed.
_DETAIL_READ = ("notice", "sighting", "unavailable")


def load_run_detail_counts(
    conn: sqlite3.Connection, run_id: int, source_id: str
) -> tuple[int, int]:
    """(detail pages read, detail pages failed) of one source in one run. A failed page is a
    detail page when the frontier queued its URL as a notice (list-page failures are not)."""
    marks = ",".join("?" * len(_DETAIL_READ))
    row = conn.execute(
        f"""SELECT coalesce(sum(p.page_kind IN ({marks})), 0),
                   coalesce(sum(p.page_kind = 'error' AND f.kind = 'notice'), 0)
            FROM pages p LEFT JOIN frontier f ON f.url = p.url
            WHERE p.run_id = ? AND p.source_id = ?""",
        (*_DETAIL_READ, run_id, source_id),
    ).fetchone()
    return int(row[0]), int(row[1])


def load_yield_history(
    conn: sqlite3.Connection,
    source_id: str,
    *,
    runs: int = USUAL_YIELD_RUNS,
    healths: Sequence[str] = USUAL_YIELD_HEALTH,
) -> list[float]:
    """Notice links per list page of the source's latest `runs` saved runs judged one of
    `healths`, newest first."""
    marks = ",".join("?" * len(healths))
    rows = conn.execute(
        f"""SELECT detail_links, listing_pages FROM crawl_run_sources
            WHERE source_id = ? AND listing_pages > 0 AND health IN ({marks})
            ORDER BY run_id DESC LIMIT ?""",
        (source_id, *healths, runs),
    )
    return [r[0] / r[1] for r in rows]


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


# Counts as defined by `analysis.store.counts`: notices are gate-'notice' rows; sightings
# (reposts of another source's notice) and gated pages are counted apart.
SOURCE_HEALTH_SQL = f"""
SELECT s.id AS source_id, s.name, s.province,
       count(p.id) AS pages,
       coalesce(sum(p.page_kind = 'listing'), 0) AS listing_pages,
       coalesce(sum(p.page_kind IN ('notice', 'sighting')), 0) AS notice_pages,
       coalesce(sum(p.page_kind = 'unavailable'), 0) AS unavailable,
       coalesce(sum(p.page_kind = 'error'), 0) AS errors,
       max(p.fetched_at) AS last_fetch,
       (SELECT count(*) FROM notices n
         WHERE n.source_id = s.id AND n.gate = '{NOTICE_GATE}') AS notices,
       (SELECT count(*) FROM positions po JOIN notices n ON n.id = po.notice_id
         WHERE n.source_id = s.id AND n.gate = '{NOTICE_GATE}') AS positions,
       coalesce(sum(p.page_kind = 'sighting'), 0) AS sightings,
       (SELECT count(*) FROM notices n
         WHERE n.source_id = s.id AND n.gate != '{NOTICE_GATE}') AS gated,
       (SELECT e.error FROM pages e WHERE e.source_id = s.id AND e.page_kind = 'error'
         ORDER BY e.fetched_at DESC LIMIT 1) AS last_error
FROM sources s LEFT JOIN pages p ON p.source_id = s.id
GROUP BY s.id ORDER BY s.id
"""

LATEST_RUN_SQL = "SELECT id, stats FROM crawl_runs ORDER BY id DESC LIMIT 1"


def load_source_health(conn: sqlite3.Connection) -> pd.DataFrame:
    """Per-source crawl health from the store: pages by kind, notices, positions, last error.

    Read-only. Columns: `source_id, name, province, pages, listing_pages, notice_pages,
    unavailable, errors, last_fetch, notices, positions, sightings, gated, last_error`, plus
    `latest_run_stats` in `.attrs` (the latest run's stats JSON as a dict, with its `counts`,
    empty without runs).
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


# Sightings as `analysis.store.counts` counts them: the run's pages linked as a repost.
COVERAGE_SQL = """
SELECT s.run_id, r.started_at, s.source_id, s.health, s.listing_pages, s.detail_links,
       s.notices_new, s.errors, s.message,
       (SELECT count(*) FROM pages p WHERE p.run_id = s.run_id AND p.source_id = s.source_id
          AND p.page_kind = 'sighting') AS sightings
FROM crawl_run_sources s JOIN crawl_runs r ON r.id = s.run_id
ORDER BY s.run_id, s.source_id
"""


def load_source_runs(conn: sqlite3.Connection) -> pd.DataFrame:
    """Every judged source run with its run's start time, oldest first (the report's coverage).

    Read-only. Columns: `run_id, started_at, source_id, health, listing_pages, detail_links,
    notices_new, errors, message, sightings`; `.attrs["registered"]` maps every source of the store's
    `sources` table to its number of start URLs (its channels), crawled or not.
    """
    frame = pd.read_sql_query(COVERAGE_SQL, conn)
    frame.attrs["registered"] = {
        str(row[0]): _count_urls(row[1])
        for row in conn.execute("SELECT id, start_urls FROM sources ORDER BY id")
    }
    return frame


def _count_urls(text: str | None) -> int:
    try:
        urls = json.loads(text or "[]")
    except ValueError:
        return 0
    return len(urls) if isinstance(urls, list) else 0
