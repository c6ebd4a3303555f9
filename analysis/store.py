"""Store stage: the SQLite database every other stage reads and writes.

Input: FetchedPage / NormalisedNotice records from the crawl and the normaliser.
Output: versioned tables (sources, crawl_runs, pages, notices, positions, findings) + full-text search.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from analysis.models import FetchedPage, Finding, NormalisedNotice

DEFAULT_DB = Path("data") / "icc-talent.sqlite"


class StoreError(Exception):
    """A database that cannot be opened or used; the message is meant for the user."""


# Each entry is one schema version; never edit a released entry, append a new one.
MIGRATIONS: list[str] = [
    # 1: the foundation schema
    """
    CREATE TABLE sources (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL,
        kind        TEXT NOT NULL,
        employer    TEXT,
        employer_en TEXT,
        level       TEXT,
        province    TEXT,
        parent      TEXT,
        start_urls  TEXT NOT NULL DEFAULT '[]',
        meta        TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TABLE crawl_runs (
        id           INTEGER PRIMARY KEY,
        started_at   TEXT NOT NULL,
        finished_at  TEXT,
        status       TEXT NOT NULL DEFAULT 'running',
        pages        INTEGER NOT NULL DEFAULT 0,
        notices_new  INTEGER NOT NULL DEFAULT 0,
        positions_new INTEGER NOT NULL DEFAULT 0,
        errors       INTEGER NOT NULL DEFAULT 0,
        archive_path TEXT,
        stats        TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TABLE pages (
        id             INTEGER PRIMARY KEY,
        url            TEXT NOT NULL UNIQUE,
        source_id      TEXT REFERENCES sources(id),
        run_id         INTEGER REFERENCES crawl_runs(id),
        first_seen     TEXT NOT NULL,
        fetched_at     TEXT NOT NULL,
        status         INTEGER NOT NULL,
        page_kind      TEXT NOT NULL,
        content_type   TEXT,
        encoding       TEXT,
        content_hash   TEXT NOT NULL,
        archive_path   TEXT,
        archive_offset INTEGER,
        archive_length INTEGER,
        error          TEXT
    );
    CREATE TABLE notices (
        id               INTEGER PRIMARY KEY,
        page_id          INTEGER NOT NULL UNIQUE REFERENCES pages(id) ON DELETE CASCADE,
        source_id        TEXT REFERENCES sources(id),
        url              TEXT NOT NULL,
        title            TEXT NOT NULL,
        employer         TEXT,
        province         TEXT,
        level            TEXT,
        published        TEXT,
        deadline         TEXT,
        text             TEXT NOT NULL,
        text_hash        TEXT NOT NULL,
        taxonomy_version TEXT NOT NULL,
        first_seen       TEXT NOT NULL,
        updated_at       TEXT NOT NULL
    );
    CREATE INDEX notices_published ON notices(published);
    CREATE TABLE positions (
        id           INTEGER PRIMARY KEY,
        notice_id    INTEGER NOT NULL REFERENCES notices(id) ON DELETE CASCADE,
        seq          INTEGER NOT NULL,
        title        TEXT NOT NULL,
        headcount    INTEGER,
        role_family  TEXT NOT NULL,
        text         TEXT NOT NULL,
        UNIQUE (notice_id, seq)
    );
    CREATE TABLE findings (
        id          INTEGER PRIMARY KEY,
        position_id INTEGER NOT NULL REFERENCES positions(id) ON DELETE CASCADE,
        field       TEXT NOT NULL,
        value       TEXT NOT NULL,
        level       TEXT,
        required    INTEGER,
        years       REAL,
        detail      TEXT NOT NULL DEFAULT '{}',
        evidence    TEXT NOT NULL,
        span_start  INTEGER NOT NULL,
        span_end    INTEGER NOT NULL
    );
    CREATE INDEX findings_field_value ON findings(field, value);
    CREATE INDEX findings_position ON findings(position_id);
    CREATE VIRTUAL TABLE positions_fts USING fts5(title, text, employer, tokenize='trigram');
    CREATE TRIGGER positions_fts_insert AFTER INSERT ON positions BEGIN
        INSERT INTO positions_fts(rowid, title, text, employer)
        VALUES (new.id, new.title, new.text,
                (SELECT coalesce(employer, '') FROM notices WHERE id = new.notice_id));
    END;
    CREATE TRIGGER positions_fts_delete AFTER DELETE ON positions BEGIN
        DELETE FROM positions_fts WHERE rowid = old.id;
    END;
    """,
    # 2: crash-safe crawling (frontier), per-source run health, conditional requests,
    #    attachments (pages.parent_url) and reposts of one notice on several sites (sightings)
    """
    ALTER TABLE pages ADD COLUMN etag TEXT;
    ALTER TABLE pages ADD COLUMN last_modified TEXT;
    ALTER TABLE pages ADD COLUMN detail_links INTEGER;
    ALTER TABLE pages ADD COLUMN parent_url TEXT;
    CREATE INDEX pages_run ON pages(run_id, source_id);
    CREATE TABLE frontier (
        url           TEXT PRIMARY KEY,
        source_id     TEXT,
        kind          TEXT NOT NULL,
        state         TEXT NOT NULL DEFAULT 'pending',
        attempts      INTEGER NOT NULL DEFAULT 0,
        run_id        INTEGER,
        discovered_at TEXT NOT NULL,
        updated_at    TEXT NOT NULL,
        error         TEXT
    );
    CREATE INDEX frontier_state ON frontier(state, source_id);
    CREATE TABLE crawl_run_sources (
        run_id        INTEGER NOT NULL REFERENCES crawl_runs(id) ON DELETE CASCADE,
        source_id     TEXT NOT NULL,
        listing_pages INTEGER NOT NULL DEFAULT 0,
        detail_links  INTEGER NOT NULL DEFAULT 0,
        pages         INTEGER NOT NULL DEFAULT 0,
        notices_new   INTEGER NOT NULL DEFAULT 0,
        positions_new INTEGER NOT NULL DEFAULT 0,
        errors        INTEGER NOT NULL DEFAULT 0,
        health        TEXT NOT NULL,
        message       TEXT,
        PRIMARY KEY (run_id, source_id)
    );
    CREATE TABLE sightings (
        id         INTEGER PRIMARY KEY,
        notice_id  INTEGER NOT NULL REFERENCES notices(id) ON DELETE CASCADE,
        page_id    INTEGER NOT NULL UNIQUE REFERENCES pages(id) ON DELETE CASCADE,
        url        TEXT NOT NULL,
        source_id  TEXT,
        similarity REAL NOT NULL,
        seen_at    TEXT NOT NULL
    );
    CREATE INDEX sightings_notice ON sightings(notice_id);
    CREATE TABLE notice_fingerprints (
        notice_id INTEGER PRIMARY KEY REFERENCES notices(id) ON DELETE CASCADE,
        minhash   BLOB NOT NULL
    );
    CREATE TABLE notice_bands (
        band      INTEGER NOT NULL,
        bucket    INTEGER NOT NULL,
        notice_id INTEGER NOT NULL REFERENCES notices(id) ON DELETE CASCADE,
        PRIMARY KEY (band, bucket, notice_id)
    );
    CREATE INDEX notice_bands_notice ON notice_bands(notice_id);
    CREATE TABLE table_rows (
        id        INTEGER PRIMARY KEY,
        notice_id INTEGER NOT NULL REFERENCES notices(id) ON DELETE CASCADE,
        file      TEXT NOT NULL,
        sheet     TEXT NOT NULL,
        row       INTEGER NOT NULL,
        title     TEXT NOT NULL,
        headcount INTEGER,
        major     TEXT,
        degree    TEXT,
        age       TEXT,
        other     TEXT,
        employer  TEXT,
        cells     TEXT NOT NULL DEFAULT '{}',
        UNIQUE (notice_id, file, sheet, row)
    );
    """,
    # 3: provenance of the role-cluster models behind each report
    """
    CREATE TABLE cluster_models (
        id           INTEGER PRIMARY KEY,
        version      TEXT NOT NULL,
        fitted_at    TEXT NOT NULL,
        k            INTEGER NOT NULL,
        random_state INTEGER,
        n_samples    INTEGER NOT NULL,
        params       TEXT NOT NULL,
        info         TEXT NOT NULL
    );
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def content_hash(data: bytes | str) -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()


def connect(path: Path | str, *, create: bool = True) -> sqlite3.Connection:
    """Open (and migrate) the store; raise StoreError with a one-line reason on failure."""
    db = Path(path)
    if not create and not db.exists():
        raise StoreError(f"no database at {db} (run `icc-talent crawl` or `icc-talent demo` first)")
    if db.exists() and db.is_dir():
        raise StoreError(f"{db} is a directory, not a database file")
    if db.parent and not db.parent.exists():
        db.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(db, timeout=30, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("PRAGMA journal_mode = WAL")
        # WAL + NORMAL: commits survive a killed process (only power loss can drop the last
        # ones, never corrupt); FULL would fsync every page's transaction.
        conn.execute("PRAGMA synchronous = NORMAL")
        migrate(conn)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{db} is not a usable icc-talent database ({exc})") from exc
    return conn


def migrate(conn: sqlite3.Connection) -> int:
    """Apply pending migrations, each in its own transaction; return the schema version."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"database schema v{version} is newer than this icc-talent (v{SCHEMA_VERSION})"
        )
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _split_sql(script):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return SCHEMA_VERSION


def _split_sql(script: str) -> Iterator[str]:
    """Split a migration into statements, keeping trigger bodies whole."""
    buffer: list[str] = []
    for line in script.splitlines():
        buffer.append(line)
        candidate = "\n".join(buffer).strip()
        if candidate and sqlite3.complete_statement(candidate):
            yield candidate
            buffer = []
    rest = "\n".join(buffer).strip()
    if rest:
        yield rest


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A write transaction taken up-front (BEGIN IMMEDIATE), so writers queue instead of failing."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


# ----------------------------------------------------------------------------- sources & runs


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


# ----------------------------------------------------------------------------- pages & notices


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


def save_notice(
    conn: sqlite3.Connection,
    page_id: int,
    notice: NormalisedNotice,
    *,
    source: dict[str, Any] | None = None,
) -> tuple[int, bool]:
    """Upsert a normalised notice and replace its positions and findings.

    Returns (notice_id, created). Unchanged text under the same taxonomy is a no-op, so
    re-running a crawl or a reprocess never duplicates or churns rows.
    Call inside `transaction()`.
    """
    source = source or {}
    text_hash = content_hash(notice.text + "\x00" + notice.title)
    existing = conn.execute(
        "SELECT id, text_hash, taxonomy_version FROM notices WHERE page_id = ?", (page_id,)
    ).fetchone()
    if existing and (existing["text_hash"], existing["taxonomy_version"]) == (
        text_hash,
        notice.taxonomy_version,
    ):
        return int(existing["id"]), False
    now = utcnow()
    values = (
        source.get("id"),
        notice.url,
        notice.title,
        notice.employer or source.get("employer"),
        source.get("province"),
        source.get("level"),
        notice.published.isoformat() if notice.published else None,
        notice.deadline.isoformat() if notice.deadline else None,
        notice.text,
        text_hash,
        notice.taxonomy_version,
    )
    if existing:
        notice_id = int(existing["id"])
        conn.execute(
            """UPDATE notices SET source_id=?, url=?, title=?, employer=?, province=?, level=?,
                      published=?, deadline=?, text=?, text_hash=?, taxonomy_version=?,
                      updated_at=? WHERE id=?""",
            (*values, now, notice_id),
        )
        conn.execute("DELETE FROM positions WHERE notice_id = ?", (notice_id,))
    else:
        cur = conn.execute(
            """INSERT INTO notices (source_id, url, title, employer, province, level, published,
                                    deadline, text, text_hash, taxonomy_version, first_seen,
                                    updated_at, page_id)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (*values, now, now, page_id),
        )
        notice_id = int(cur.lastrowid or 0)
    _insert_positions(conn, notice_id, notice)
    return notice_id, existing is None


def _insert_positions(conn: sqlite3.Connection, notice_id: int, notice: NormalisedNotice) -> None:
    finding_rows: list[tuple[Any, ...]] = []
    for position in notice.positions:
        cur = conn.execute(
            """INSERT INTO positions (notice_id, seq, title, headcount, role_family, text)
               VALUES (?, ?, ?, ?, ?, ?)""",
            (
                notice_id,
                position.seq,
                position.title,
                position.headcount,
                position.role_family,
                position.text,
            ),
        )
        position_id = cur.lastrowid
        finding_rows.extend(_finding_row(position_id, f) for f in position.findings)
    conn.executemany(
        """INSERT INTO findings (position_id, field, value, level, required, years, detail,
                                 evidence, span_start, span_end)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        finding_rows,
    )


def _finding_row(position_id: int | None, f: Finding) -> tuple[Any, ...]:
    required = None if f.required is None else int(f.required)
    return (
        position_id,
        f.field,
        f.value,
        f.level,
        required,
        f.years,
        json.dumps(f.detail, ensure_ascii=False, default=str),
        f.evidence.text,
        f.evidence.start,
        f.evidence.end,
    )


def known_notice_urls(conn: sqlite3.Connection) -> set[str]:
    """URLs of detail pages already stored successfully (notices and recorded unavailable pages)."""
    rows = conn.execute(
        "SELECT url FROM pages WHERE status = 200 AND page_kind IN ('notice', 'unavailable', "
        "'sighting')"
    )
    return {r[0] for r in rows}


@dataclass(frozen=True, slots=True)
class StoreCounts:
    sources: int
    runs: int
    pages: int
    notices: int
    positions: int
    findings: int


def count_rows(conn: sqlite3.Connection) -> StoreCounts:
    row = conn.execute(
        """SELECT (SELECT count(*) FROM sources), (SELECT count(*) FROM crawl_runs),
                  (SELECT count(*) FROM pages), (SELECT count(*) FROM notices),
                  (SELECT count(*) FROM positions), (SELECT count(*) FROM findings)"""
    ).fetchone()
    return StoreCounts(*(int(v) for v in row))


# ----------------------------------------------------------------------------- frontier
#
# The crawl frontier lives here, not in Scrapy's JOBDIR: it is changed in the same transaction
# as the page that discovered or fetched a URL, so a crawl killed at any moment resumes with
# nothing lost (pending URLs are requested again) and nothing doubled (upserts by URL).

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


# ----------------------------------------------------------------------------- run health

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
    conn: sqlite3.Connection, run_id: int, sources: Iterable[dict[str, Any]]
) -> list[SourceRun]:
    """Per-source counts of one run from the stored pages, judged against the source's history."""
    started = conn.execute("SELECT started_at FROM crawl_runs WHERE id = ?", (run_id,)).fetchone()
    started_at = started[0] if started else ""
    out = []
    for source in sources:
        sid = source["id"]
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
        out.append(_judge(conn, counts, has_start=bool(source.get("start_urls"))))
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


# ----------------------------------------------------------------------------- sightings


def save_notice_or_sighting(
    conn: sqlite3.Connection,
    page_id: int,
    notice: NormalisedNotice,
    *,
    source: dict[str, Any] | None = None,
) -> tuple[int, str]:
    """Store a notice, or link it as one more sighting of a near-identical stored notice.

    Returns (notice_id, outcome) with outcome `new`, `updated`, `unchanged` or `sighting`.
    An official copy replaces an aggregator's copy seen first (`aggregator: true` sources),
    so which copy is kept does not depend on crawl order. Call inside `transaction()`.
    """
    from analysis.extract.neardup import band_buckets, containment, fingerprint_text

    source = source or {}
    fp = fingerprint_text(notice.title + "\n" + notice.text)
    own = conn.execute(
        "SELECT id, text_hash, taxonomy_version FROM notices WHERE page_id = ?", (page_id,)
    ).fetchone()
    if own is None:
        match = _near_duplicate(conn, fp, band_buckets(fp), containment)
        if match is not None:
            other_id, similarity = match
            other_is_aggregator = _is_aggregator(conn, other_id)
            if bool(source.get("aggregator")) or not other_is_aggregator:
                _add_sighting(conn, other_id, page_id, notice.url, source.get("id"), similarity)
                return other_id, "sighting"
            notice_id, _ = save_notice(conn, page_id, notice, source=source)
            _save_fingerprint(conn, notice_id, fp)
            _demote_to_sighting(conn, other_id, notice_id, similarity)
            return notice_id, "new"
    notice_id, created = save_notice(conn, page_id, notice, source=source)
    _save_fingerprint(conn, notice_id, fp)
    if created or own is None:
        return notice_id, "new"
    after = conn.execute(
        "SELECT text_hash, taxonomy_version FROM notices WHERE id = ?", (notice_id,)
    ).fetchone()
    same = (own["text_hash"], own["taxonomy_version"]) == tuple(after)
    return notice_id, "unchanged" if same else "updated"


def _near_duplicate(
    conn: sqlite3.Connection, fp: Any, buckets: list[tuple[int, int]], measure: Any
) -> tuple[int, float] | None:
    from analysis.extract.neardup import MIN_CONTAINMENT, Fingerprint

    if not fp.size:
        return None
    clause = " OR ".join("(band = ? AND bucket = ?)" for _ in buckets)
    params = [v for pair in buckets for v in pair]
    candidates = conn.execute(
        f"""SELECT DISTINCT f.notice_id, f.minhash FROM notice_bands b
            JOIN notice_fingerprints f ON f.notice_id = b.notice_id WHERE {clause}
            ORDER BY f.notice_id""",
        params,
    ).fetchall()
    best: tuple[int, float] | None = None
    for notice_id, blob in candidates:
        score = measure(fp, Fingerprint.from_bytes(blob))
        if score >= MIN_CONTAINMENT and (best is None or score > best[1]):
            best = (int(notice_id), float(score))
    return best


def _save_fingerprint(conn: sqlite3.Connection, notice_id: int, fp: Any) -> None:
    from analysis.extract.neardup import band_buckets

    conn.execute(
        "INSERT OR REPLACE INTO notice_fingerprints (notice_id, minhash) VALUES (?, ?)",
        (notice_id, fp.to_bytes()),
    )
    conn.execute("DELETE FROM notice_bands WHERE notice_id = ?", (notice_id,))
    if fp.size:
        conn.executemany(
            "INSERT OR IGNORE INTO notice_bands (band, bucket, notice_id) VALUES (?, ?, ?)",
            [(band, bucket, notice_id) for band, bucket in band_buckets(fp)],
        )


def _is_aggregator(conn: sqlite3.Connection, notice_id: int) -> bool:
    row = conn.execute(
        """SELECT s.meta FROM notices n JOIN sources s ON s.id = n.source_id WHERE n.id = ?""",
        (notice_id,),
    ).fetchone()
    return bool(row and json.loads(row[0] or "{}").get("aggregator"))


def _add_sighting(
    conn: sqlite3.Connection,
    notice_id: int,
    page_id: int,
    url: str,
    source_id: str | None,
    similarity: float,
) -> None:
    conn.execute(
        """INSERT INTO sightings (notice_id, page_id, url, source_id, similarity, seen_at)
           VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT(page_id) DO UPDATE SET notice_id = excluded.notice_id,
             similarity = excluded.similarity""",
        (notice_id, page_id, url, source_id, round(similarity, 3), utcnow()),
    )
    conn.execute("UPDATE pages SET page_kind = 'sighting' WHERE id = ?", (page_id,))


def _demote_to_sighting(
    conn: sqlite3.Connection, old_id: int, new_id: int, similarity: float
) -> None:
    """The aggregator's notice `old_id` becomes a sighting of the official notice `new_id`."""
    old = conn.execute(
        "SELECT page_id, url, source_id FROM notices WHERE id = ?", (old_id,)
    ).fetchone()
    conn.execute("UPDATE sightings SET notice_id = ? WHERE notice_id = ?", (new_id, old_id))
    conn.execute("DELETE FROM notices WHERE id = ?", (old_id,))
    _add_sighting(conn, new_id, old["page_id"], old["url"], old["source_id"], similarity)


def notice_sightings(conn: sqlite3.Connection, notice_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT url, source_id, similarity, seen_at FROM sightings WHERE notice_id = ? ORDER BY id",
        (notice_id,),
    ).fetchall()


def touch_page(conn: sqlite3.Connection, url: str, run_id: int | None, when: datetime) -> None:
    """A list page answered 304 Not Modified: count it in this run, keep its stored copy."""
    conn.execute(
        "UPDATE pages SET run_id = ?, fetched_at = ? WHERE url = ?",
        (run_id, when.isoformat(timespec="seconds"), url),
    )


def save_table_rows(
    conn: sqlite3.Connection, notice_id: int, rows: Iterable[dict[str, Any]]
) -> int:
    """Replace a notice's position-table rows (attachments and body tables), each with its
    provenance (file, sheet, row). Call inside `transaction()` with the notice."""
    conn.execute("DELETE FROM table_rows WHERE notice_id = ?", (notice_id,))
    values = [
        (
            notice_id,
            r.get("file", ""),
            r.get("sheet", ""),
            int(r.get("row", 0)),
            r.get("title", ""),
            r.get("headcount"),
            r.get("major"),
            r.get("degree"),
            r.get("age"),
            r.get("other"),
            r.get("employer"),
            json.dumps(r.get("cells", {}), ensure_ascii=False),
        )
        for r in rows
    ]
    conn.executemany(
        """INSERT OR REPLACE INTO table_rows (notice_id, file, sheet, row, title, headcount, major,
               degree, age, other, employer, cells) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        values,
    )
    return len(values)


def save_cluster_model(conn: sqlite3.Connection, info: dict[str, Any]) -> int:
    """Record a fitted role-cluster model (version, k, parameters, random_state, names)."""
    with transaction(conn):
        cur = conn.execute(
            """INSERT INTO cluster_models (version, fitted_at, k, random_state, n_samples,
                                           params, info) VALUES (?, ?, ?, ?, ?, ?, ?)""",
            (
                info["version"],
                info["fitted_at"],
                info["k"],
                info.get("random_state"),
                info["n_samples"],
                json.dumps(info.get("params", {}), sort_keys=True, default=str),
                json.dumps(info, ensure_ascii=False, sort_keys=True, default=str),
            ),
        )
    return int(cur.lastrowid or 0)
