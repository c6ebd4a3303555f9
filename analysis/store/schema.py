"""Store stage: the SQLite connection, the versioned schema and its migrations.

Input: a database path.
Output: an open, migrated connection (WAL, foreign keys, busy timeout) and write transactions.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

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
    # 4: one form for provinces, the short Chinese name (registry-seeded rows said 'Zhejiang',
    # the mirror 浙江, some sources 浙江省): the mapping of analysis/vocab/provinces.yaml
    # 2026.12.1, written out here because a released migration never changes.
    """
    CREATE TEMP TABLE province_names (name TEXT PRIMARY KEY, zh TEXT NOT NULL);
    INSERT INTO province_names (name, zh) VALUES
        ('北京市', '北京'),
        ('Beijing', '北京'),
        ('Peking', '北京'),
        ('天津市', '天津'),
        ('Tianjin', '天津'),
        ('河北省', '河北'),
        ('Hebei', '河北'),
        ('山西省', '山西'),
        ('Shanxi', '山西'),
        ('内蒙古自治区', '内蒙古'),
        ('Inner Mongolia', '内蒙古'),
        ('Nei Mongol', '内蒙古'),
        ('Neimenggu', '内蒙古'),
        ('辽宁省', '辽宁'),
        ('Liaoning', '辽宁'),
        ('吉林省', '吉林'),
        ('Jilin', '吉林'),
        ('黑龙江省', '黑龙江'),
        ('Heilongjiang', '黑龙江'),
        ('上海市', '上海'),
        ('Shanghai', '上海'),
        ('江苏省', '江苏'),
        ('Jiangsu', '江苏'),
        ('浙江省', '浙江'),
        ('Zhejiang', '浙江'),
        ('安徽省', '安徽'),
        ('Anhui', '安徽'),
        ('福建省', '福建'),
        ('Fujian', '福建'),
        ('江西省', '江西'),
        ('Jiangxi', '江西'),
        ('山东省', '山东'),
        ('Shandong', '山东'),
        ('河南省', '河南'),
        ('Henan', '河南'),
        ('湖北省', '湖北'),
        ('Hubei', '湖北'),
        ('湖南省', '湖南'),
        ('Hunan', '湖南'),
        ('广东省', '广东'),
        ('Guangdong', '广东'),
        ('广西壮族自治区', '广西'),
        ('Guangxi', '广西'),
        ('海南省', '海南'),
        ('Hainan', '海南'),
        ('重庆市', '重庆'),
        ('Chongqing', '重庆'),
        ('四川省', '四川'),
        ('Sichuan', '四川'),
        ('贵州省', '贵州'),
        ('Guizhou', '贵州'),
        ('云南省', '云南'),
        ('Yunnan', '云南'),
        ('西藏自治区', '西藏'),
        ('Tibet', '西藏'),
        ('Xizang', '西藏'),
        ('陕西省', '陕西'),
        ('Shaanxi', '陕西'),
        ('甘肃省', '甘肃'),
        ('Gansu', '甘肃'),
        ('青海省', '青海'),
        ('Qinghai', '青海'),
        ('宁夏回族自治区', '宁夏'),
        ('Ningxia', '宁夏'),
        ('新疆维吾尔自治区', '新疆'),
        ('Xinjiang', '新疆'),
        ('香港特别行政区', '香港'),
        ('Hong Kong', '香港'),
        ('Hongkong', '香港'),
        ('HK', '香港'),
        ('澳门特别行政区', '澳门'),
        ('Macau', '澳门'),
        ('Macao', '澳门'),
        ('台湾省', '台湾'),
        ('Taiwan', '台湾');
    UPDATE sources SET province = (SELECT zh FROM province_names WHERE name = province)
    WHERE province IN (SELECT name FROM province_names);
    UPDATE notices SET province = (SELECT zh FROM province_names WHERE name = province)
    WHERE province IN (SELECT name FROM province_names);
    DROP TABLE province_names;
    """,
    # 5: the gate's verdict on each stored page (analysis.process.gate_processed): a page that
    #    is not a recruitment notice, or a mixed source's notice not about international
    #    communication, is kept as a notice row without positions, with the classifier's score
    """
    ALTER TABLE notices ADD COLUMN gate TEXT NOT NULL DEFAULT 'notice';
    ALTER TABLE notices ADD COLUMN recruitment_score REAL;
    ALTER TABLE notices ADD COLUMN relevance TEXT;
    CREATE INDEX notices_gate ON notices(gate);
    """,
    # 6: where a position read from an attachment table comes from, queryable: the file (its
    #    URL), its name as the notice links it, the sheet (a sheet, a .docx table or a PDF page)
    #    and the 1-based row; all NULL for a position split from the notice text. Rows stored
    #    before keep NULL until their notice is stored again (a reprocess or a crawl: a notice
    #    with table rows is, since its text_hash covers its rows now).
    """
    ALTER TABLE positions ADD COLUMN file TEXT;
    ALTER TABLE positions ADD COLUMN file_name TEXT;
    ALTER TABLE positions ADD COLUMN sheet TEXT;
    ALTER TABLE positions ADD COLUMN row INTEGER;
    """,
]


SCHEMA_VERSION = len(MIGRATIONS)


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def content_hash(data: bytes | str) -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()


def connect(path: Path | str, *, create: bool = True) -> sqlite3.Connection:
    """Open the store for writing (and migrate it); StoreError with a one-line reason on failure.

    Only the writing commands (crawl, reprocess, demo) use this; a database that is not an
    icc-talent store (other tables, no schema version of ours) is refused, never migrated.
    """
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
        _retry_locked(lambda: conn.execute("PRAGMA journal_mode = WAL"))
        # WAL + NORMAL: commits survive a killed process (only power loss can drop the last
        # ones, never corrupt); FULL would fsync every page's transaction.
        conn.execute("PRAGMA synchronous = NORMAL")
        _retry_locked(lambda: migrate(conn, db))
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{db} is not a usable icc-talent database ({exc})") from exc
    return conn


LOCKED_RETRY_SECONDS = 30.0


def _retry_locked(step: Callable[[], object]) -> None:
    """Run `step`, retrying while SQLite answers "database is locked" without waiting.

    The busy timeout covers ordinary lock waits, but a brand-new store opened by many
    processes at once can be refused at once (switching to WAL needs the file to itself;
    SQLite returns BUSY instead of risking a deadlock), so a first open retries briefly."""
    deadline = time.monotonic() + LOCKED_RETRY_SECONDS
    while True:
        try:
            step()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def connect_readonly(path: Path | str) -> sqlite3.Connection:
    """Open an existing store read-only (`mode=ro`): never migrated, never written.

    The reading commands (query, show, sources, export, report) use this, so they work on a
    store without write permission and never add tables to a database that is not ours.
    """
    db = Path(path)
    if not db.exists():
        raise StoreError(f"no database at {db} (run `icc-talent crawl` or `icc-talent demo` first)")
    if db.is_dir():
        raise StoreError(f"{db} is a directory, not a database file")
    try:
        conn = sqlite3.connect(
            f"file:{quote(str(db.resolve()))}?mode=ro", uri=True, timeout=30, isolation_level=None
        )
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA busy_timeout = 30000")
        version = _user_version(conn)
        check_store(conn, db, version)
        if version == 0:
            conn.close()
            raise StoreError(f"{db} is an empty database, not an icc-talent store yet")
        if version < SCHEMA_VERSION:
            conn.close()
            raise StoreError(
                f"{db} has schema v{version}, older than this icc-talent (v{SCHEMA_VERSION}): "
                "run `icc-talent reprocess` (or a crawl) once to upgrade it"
            )
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{db} is not a usable icc-talent database ({exc})") from exc
    return conn


def _user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def check_store(conn: sqlite3.Connection, db: Path, version: int) -> None:
    """StoreError unless `conn` is an icc-talent store (or an empty database, version 0)."""
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"database schema v{version} is newer than this icc-talent (v{SCHEMA_VERSION})"
        )
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if version == 0 and tables:
        raise StoreError(
            f"{db} is not an icc-talent store (it holds other tables: "
            f"{', '.join(sorted(tables)[:3])}); give --db a new file or an icc-talent store"
        )
    if version > 0 and not {"notices", "positions", "pages"} <= tables:
        raise StoreError(f"{db} is not an icc-talent store (its tables are not ours)")


def migrate(conn: sqlite3.Connection, db: Path | None = None) -> int:
    """Apply pending migrations in one write transaction; return the schema version.

    The version is read again inside `BEGIN IMMEDIATE`, so concurrent first opens of a new
    store queue on the write lock and only the first one creates the tables.
    """
    if _user_version(conn) == SCHEMA_VERSION:
        return SCHEMA_VERSION  # the common case: no write lock taken
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = _user_version(conn)
        check_store(conn, db or Path("the database"), version)
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
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
