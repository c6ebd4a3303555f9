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


def save_page(conn: sqlite3.Connection, page: FetchedPage, run_id: int | None) -> int:
    """Upsert one fetched page by URL (the latest fetch wins); return its id.

    Call inside `transaction()` together with the notice it produced.
    """
    now = page.fetched_at.isoformat(timespec="seconds")
    conn.execute(
        """INSERT INTO pages (url, source_id, run_id, first_seen, fetched_at, status, page_kind,
                              content_type, encoding, content_hash, archive_path,
                              archive_offset, archive_length, error)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(url) DO UPDATE SET source_id=excluded.source_id, run_id=excluded.run_id,
             fetched_at=excluded.fetched_at, status=excluded.status,
             page_kind=excluded.page_kind, content_type=excluded.content_type,
             encoding=excluded.encoding, content_hash=excluded.content_hash,
             archive_path=excluded.archive_path, archive_offset=excluded.archive_offset,
             archive_length=excluded.archive_length, error=excluded.error""",
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
        "SELECT url FROM pages WHERE status = 200 AND page_kind IN ('notice', 'unavailable')"
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
