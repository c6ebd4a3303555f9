"""Store stage: the SQLite connection, the versioned schema and its migrations.

Input: a database path.
Output: an open, migrated connection (WAL, foreign keys, busy timeout) and write transactions.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
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
    UPDATE sources SET province = CASE province
        WHEN '北京市' THEN '北京'
        WHEN 'Beijing' THEN '北京'
        WHEN 'Peking' THEN '北京'
        WHEN '天津市' THEN '天津'
        WHEN 'Tianjin' THEN '天津'
        WHEN '河北省' THEN '河北'
        WHEN 'Hebei' THEN '河北'
        WHEN '山西省' THEN '山西'
        WHEN 'Shanxi' THEN '山西'
        WHEN '内蒙古自治区' THEN '内蒙古'
        WHEN 'Inner Mongolia' THEN '内蒙古'
        WHEN 'Nei Mongol' THEN '内蒙古'
        WHEN 'Neimenggu' THEN '内蒙古'
        WHEN '辽宁省' THEN '辽宁'
        WHEN 'Liaoning' THEN '辽宁'
        WHEN '吉林省' THEN '吉林'
        WHEN 'Jilin' THEN '吉林'
        WHEN '黑龙江省' THEN '黑龙江'
        WHEN 'Heilongjiang' THEN '黑龙江'
        WHEN '上海市' THEN '上海'
        WHEN 'Shanghai' THEN '上海'
        WHEN '江苏省' THEN '江苏'
        WHEN 'Jiangsu' THEN '江苏'
        WHEN '浙江省' THEN '浙江'
        WHEN 'Zhejiang' THEN '浙江'
        WHEN '安徽省' THEN '安徽'
        WHEN 'Anhui' THEN '安徽'
        WHEN '福建省' THEN '福建'
        WHEN 'Fujian' THEN '福建'
        WHEN '江西省' THEN '江西'
        WHEN 'Jiangxi' THEN '江西'
        WHEN '山东省' THEN '山东'
        WHEN 'Shandong' THEN '山东'
        WHEN '河南省' THEN '河南'
        WHEN 'Henan' THEN '河南'
        WHEN '湖北省' THEN '湖北'
        WHEN 'Hubei' THEN '湖北'
        WHEN '湖南省' THEN '湖南'
        WHEN 'Hunan' THEN '湖南'
        WHEN '广东省' THEN '广东'
        WHEN 'Guangdong' THEN '广东'
        WHEN '广西壮族自治区' THEN '广西'
        WHEN 'Guangxi' THEN '广西'
        WHEN '海南省' THEN '海南'
        WHEN 'Hainan' THEN '海南'
        WHEN '重庆市' THEN '重庆'
        WHEN 'Chongqing' THEN '重庆'
        WHEN '四川省' THEN '四川'
        WHEN 'Sichuan' THEN '四川'
        WHEN '贵州省' THEN '贵州'
        WHEN 'Guizhou' THEN '贵州'
        WHEN '云南省' THEN '云南'
        WHEN 'Yunnan' THEN '云南'
        WHEN '西藏自治区' THEN '西藏'
        WHEN 'Tibet' THEN '西藏'
        WHEN 'Xizang' THEN '西藏'
        WHEN '陕西省' THEN '陕西'
        WHEN 'Shaanxi' THEN '陕西'
        WHEN '甘肃省' THEN '甘肃'
        WHEN 'Gansu' THEN '甘肃'
        WHEN '青海省' THEN '青海'
        WHEN 'Qinghai' THEN '青海'
        WHEN '宁夏回族自治区' THEN '宁夏'
        WHEN 'Ningxia' THEN '宁夏'
        WHEN '新疆维吾尔自治区' THEN '新疆'
        WHEN 'Xinjiang' THEN '新疆'
        WHEN '香港特别行政区' THEN '香港'
        WHEN 'Hong Kong' THEN '香港'
        WHEN 'Hongkong' THEN '香港'
        WHEN 'HK' THEN '香港'
        WHEN '澳门特别行政区' THEN '澳门'
        WHEN 'Macau' THEN '澳门'
        WHEN 'Macao' THEN '澳门'
        WHEN '台湾省' THEN '台湾'
        WHEN 'Taiwan' THEN '台湾'
        ELSE province END
    WHERE province IS NOT NULL;
    UPDATE notices SET province = CASE province
        WHEN '北京市' THEN '北京'
        WHEN 'Beijing' THEN '北京'
        WHEN 'Peking' THEN '北京'
        WHEN '天津市' THEN '天津'
        WHEN 'Tianjin' THEN '天津'
        WHEN '河北省' THEN '河北'
        WHEN 'Hebei' THEN '河北'
        WHEN '山西省' THEN '山西'
        WHEN 'Shanxi' THEN '山西'
        WHEN '内蒙古自治区' THEN '内蒙古'
        WHEN 'Inner Mongolia' THEN '内蒙古'
        WHEN 'Nei Mongol' THEN '内蒙古'
        WHEN 'Neimenggu' THEN '内蒙古'
        WHEN '辽宁省' THEN '辽宁'
        WHEN 'Liaoning' THEN '辽宁'
        WHEN '吉林省' THEN '吉林'
        WHEN 'Jilin' THEN '吉林'
        WHEN '黑龙江省' THEN '黑龙江'
        WHEN 'Heilongjiang' THEN '黑龙江'
        WHEN '上海市' THEN '上海'
        WHEN 'Shanghai' THEN '上海'
        WHEN '江苏省' THEN '江苏'
        WHEN 'Jiangsu' THEN '江苏'
        WHEN '浙江省' THEN '浙江'
        WHEN 'Zhejiang' THEN '浙江'
        WHEN '安徽省' THEN '安徽'
        WHEN 'Anhui' THEN '安徽'
        WHEN '福建省' THEN '福建'
        WHEN 'Fujian' THEN '福建'
        WHEN '江西省' THEN '江西'
        WHEN 'Jiangxi' THEN '江西'
        WHEN '山东省' THEN '山东'
        WHEN 'Shandong' THEN '山东'
        WHEN '河南省' THEN '河南'
        WHEN 'Henan' THEN '河南'
        WHEN '湖北省' THEN '湖北'
        WHEN 'Hubei' THEN '湖北'
        WHEN '湖南省' THEN '湖南'
        WHEN 'Hunan' THEN '湖南'
        WHEN '广东省' THEN '广东'
        WHEN 'Guangdong' THEN '广东'
        WHEN '广西壮族自治区' THEN '广西'
        WHEN 'Guangxi' THEN '广西'
        WHEN '海南省' THEN '海南'
        WHEN 'Hainan' THEN '海南'
        WHEN '重庆市' THEN '重庆'
        WHEN 'Chongqing' THEN '重庆'
        WHEN '四川省' THEN '四川'
        WHEN 'Sichuan' THEN '四川'
        WHEN '贵州省' THEN '贵州'
        WHEN 'Guizhou' THEN '贵州'
        WHEN '云南省' THEN '云南'
        WHEN 'Yunnan' THEN '云南'
        WHEN '西藏自治区' THEN '西藏'
        WHEN 'Tibet' THEN '西藏'
        WHEN 'Xizang' THEN '西藏'
        WHEN '陕西省' THEN '陕西'
        WHEN 'Shaanxi' THEN '陕西'
        WHEN '甘肃省' THEN '甘肃'
        WHEN 'Gansu' THEN '甘肃'
        WHEN '青海省' THEN '青海'
        WHEN 'Qinghai' THEN '青海'
        WHEN '宁夏回族自治区' THEN '宁夏'
        WHEN 'Ningxia' THEN '宁夏'
        WHEN '新疆维吾尔自治区' THEN '新疆'
        WHEN 'Xinjiang' THEN '新疆'
        WHEN '香港特别行政区' THEN '香港'
        WHEN 'Hong Kong' THEN '香港'
        WHEN 'Hongkong' THEN '香港'
        WHEN 'HK' THEN '香港'
        WHEN '澳门特别行政区' THEN '澳门'
        WHEN 'Macau' THEN '澳门'
        WHEN 'Macao' THEN '澳门'
        WHEN '台湾省' THEN '台湾'
        WHEN 'Taiwan' THEN '台湾'
        ELSE province END
    WHERE province IS NOT NULL;
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
        conn.execute("PRAGMA journal_mode = WAL")
        # WAL + NORMAL: commits survive a killed process (only power loss can drop the last
        # ones, never corrupt); FULL would fsync every page's transaction.
        conn.execute("PRAGMA synchronous = NORMAL")
        migrate(conn, db)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{db} is not a usable icc-talent database ({exc})") from exc
    return conn


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
