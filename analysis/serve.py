"""Serve stage: explore the store in Datasette, read-only, on 127.0.0.1.

Input: a store path.
Output: a Datasette instance over the store (opened `mode=ro`, never written) and a derived
`overview` database (one row per position with month, province, languages and skills, full-text
indexed for Chinese terms of any length: serve_search) built in a temporary folder, with facets,
labels and canned queries preconfigured; or the same as files a plain `datasette` reads
(`write_config`). Any web page can make the browser GET `?sql=...`, so every connection and
response is bounded.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import types
import webbrowser
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.serve_search import MONTH_FACET, OVERVIEW_DB, TOKENIZE, index_columns

OVERVIEW_TABLE = "positions_overview"
OVERVIEW_FTS = f"{OVERVIEW_TABLE}_fts"

# Bounds on what one request can cost (issue 14: `SELECT randomblob(900000000)` grew the server
# to 6.6 GB). A value, string or blob beyond MAX_VALUE_BYTES fails with "string or blob too
# big" as soon as SQLite builds it; a response holds at most MAX_RETURNED_ROWS rows, so the
# rows of one request take at most MAX_VALUE_BYTES * MAX_RETURNED_ROWS in Python. The heap limit
# is SQLite's own memory for the whole process (sorts, temporary b-trees, caches).
# Stored values above MAX_VALUE_BYTES could not be shown either (reading one fails the same way):
# texts are a few KiB, an attachment's text is cut at 50,000 characters (extract.files.MAX_TEXT).
MAX_VALUE_BYTES = 512 * 1024
MAX_SQL_BYTES = 64 * 1024
MAX_RETURNED_ROWS = 200  # Datasette's default 1000 would allow 500 MiB of values per request
SQL_TIME_LIMIT_MS = 1000
MAX_CSV_MB = 20
SQLITE_HEAP_LIMIT = 256 * 1024 * 1024
SQLITE_SOFT_HEAP_LIMIT = 64 * 1024 * 1024
PLUGIN = "icc_talent_datasette"  # not importable: Datasette looks up no static files for it

# Denormalised positions for faceting; languages and skills as JSON arrays (Datasette array
# facets). Written to the derived database only: the store is attached read-only.
OVERVIEW_SQL = f"""
CREATE TABLE {OVERVIEW_TABLE} AS
SELECT p.id AS position_id, p.title, n.employer, n.province, n.level, n.source_id,
       substr(n.published, 1, 7) AS month, n.published, n.deadline, p.role_family, p.headcount,
       EXISTS (SELECT 1 FROM src.findings f WHERE f.position_id = p.id AND f.field = 'aigc')
         AS aigc,
       (SELECT json_group_array(DISTINCT f.value) FROM src.findings f
         WHERE f.position_id = p.id AND f.field IN ('language', 'native_speaker')) AS languages,
       (SELECT json_group_array(DISTINCT f.value) FROM src.findings f
         WHERE f.position_id = p.id AND f.field = 'skill') AS skills,
       (SELECT json_group_array(DISTINCT f.value) FROM src.findings f
         WHERE f.position_id = p.id AND f.field = 'overseas') AS overseas,
       n.url, p.text
FROM src.positions p JOIN src.notices n ON n.id = p.notice_id
ORDER BY n.published DESC, p.id
"""

# Contentless (the text is in the overview table): grams and chars as serve_search indexes
# them, and the skill ids, so that a skill's aliases typed in the search box find its positions.
OVERVIEW_FTS_SQL = (
    f"CREATE VIRTUAL TABLE {OVERVIEW_FTS} USING fts5(grams, chars, skills, content='', "
    f'tokenize="{TOKENIZE}")',
    f"CREATE INDEX {OVERVIEW_TABLE}_month ON {OVERVIEW_TABLE}(month)",
)
INDEX_ROWS_SQL = (
    f"SELECT position_id, title, coalesce(employer, ''), text, skills FROM {OVERVIEW_TABLE}"
)
INSERT_FTS_SQL = f"INSERT INTO {OVERVIEW_FTS}(rowid, grams, chars, skills) VALUES (?, ?, ?, ?)"

COLUMN_LABELS = {
    "position_id": "Position id",
    "title": "Position title as published",
    "employer": "Employer named in the notice",
    "province": "Province of the source (empty: national body or job board)",
    "level": "Administrative level of the source",
    "month": "Month of publication (YYYY-MM)",
    "published": "Publication date",
    "deadline": "Application deadline",
    "role_family": "Role family (trained model with the title rules)",
    "headcount": "People to hire (where stated)",
    "aigc": "1 when the position mentions generative AI",
    "languages": "Languages asked for (ISO 639-1)",
    "skills": "Skills asked for (ids from analysis/vocab/skills.yaml)",
    "overseas": "Overseas experience asked: study, work, living, any",
    "url": "Notice URL",
    "text": "Position text",
}

_FIND_BY_TEXT = """
  (length(:q) >= 3 AND p.id IN (SELECT rowid FROM positions_fts
                                WHERE positions_fts MATCH '"' || replace(:q, '"', '""') || '"'))
  OR (length(:q) < 3 AND (p.title LIKE '%' || :q || '%' OR p.text LIKE '%' || :q || '%'))
"""

CANNED_QUERIES: dict[str, dict[str, Any]] = {
    "aigc_roles": {
        "title": "AIGC roles",
        "description": "Positions mentioning generative AI, newest first, with the evidence.",
        "sql": """SELECT n.published, p.title, n.employer, n.province, f.evidence, n.url
FROM findings f JOIN positions p ON p.id = f.position_id JOIN notices n ON n.id = p.notice_id
WHERE f.field = 'aigc'
GROUP BY p.id ORDER BY n.published DESC, p.id""",
    },
    "roles_with_skill": {
        "title": "Roles mentioning a skill",
        "description": "Positions with a skill id (e.g. stable_diffusion, translation, "
        "video_editing), with the sentence that matched.",
        "sql": """SELECT n.published, p.title, n.employer, f.value AS skill, f.evidence, n.url
FROM findings f JOIN positions p ON p.id = f.position_id JOIN notices n ON n.id = p.notice_id
WHERE f.field = 'skill' AND f.value = :skill
ORDER BY n.published DESC, p.id""",
    },
    "roles_with_language": {
        "title": "Roles asking for a language",
        "description": "Positions asking for a language (ISO 639-1 code, e.g. ru, ar), with "
        "the level and the evidence.",
        "sql": """SELECT n.published, p.title, n.employer, f.value AS language, f.level,
       f.required, f.evidence, n.url
FROM findings f JOIN positions p ON p.id = f.position_id JOIN notices n ON n.id = p.notice_id
WHERE f.field IN ('language', 'native_speaker') AND f.value = :language
ORDER BY n.published DESC, p.id""",
    },
    "search_positions": {
        "title": "Search positions (short Chinese terms too)",
        "description": "Full-text search over title, text and employer; terms of 1-2 "
        "characters such as 海外 or 英语 fall back to a scan (the trigram index needs 3).",
        "sql": f"""SELECT n.published, p.title, n.employer, n.province, n.url
FROM positions p JOIN notices n ON n.id = p.notice_id
WHERE {_FIND_BY_TEXT.strip()}
ORDER BY n.published DESC, p.id""",
    },
    "positions_per_month": {
        "title": "Positions, notices and employers per month",
        "sql": """SELECT substr(n.published, 1, 7) AS month, count(*) AS positions,
       count(DISTINCT n.id) AS notices, count(DISTINCT n.employer) AS employers
FROM positions p JOIN notices n ON n.id = p.notice_id
WHERE n.published IS NOT NULL GROUP BY month ORDER BY month""",
    },
    "language_demand": {
        "title": "Language demand per month",
        "description": "Positions asking for each language, per month.",
        "sql": """SELECT substr(n.published, 1, 7) AS month, f.value AS language,
       count(DISTINCT p.id) AS positions
FROM findings f JOIN positions p ON p.id = f.position_id JOIN notices n ON n.id = p.notice_id
WHERE f.field IN ('language', 'native_speaker') AND n.published IS NOT NULL
GROUP BY month, language ORDER BY month, positions DESC""",
    },
}


class ServeError(Exception):
    """The store cannot be served; the message is meant for the user."""


# The store's bookkeeping tables, hidden from its page (still listed under "hidden tables"):
# Datasette lists tables alphabetically, so hiding these leaves the five a reader wants.
HIDDEN_STORE_TABLES = (
    "cluster_models",
    "crawl_run_sources",
    "crawl_runs",
    "frontier",
    "notice_bands",
    "notice_fingerprints",
    "sightings",
    "table_rows",
)


def build_metadata(store_name: str, title: str = "icc-talent") -> dict[str, Any]:
    """Datasette metadata: labels, facets, full-text search and canned queries.

    Facets of type `month` and the overview's search of short Chinese terms need the plugin
    (serve_search), which `icc-talent serve` registers and `write_config` writes out.
    """
    return {
        "title": title,
        "description": "Recruitment notices of China's international communication centres, "
        "one row per position, every finding with its evidence. Read-only.",
        "databases": {
            OVERVIEW_DB: {
                "description": "One row per position with month, province, languages and "
                "skills, for browsing with facets (derived from the store when the server "
                "started). Its search box takes Chinese terms of any length (海外, 英语) and "
                "skill names with their aliases (SDXL finds Stable Diffusion roles).",
                "tables": {
                    OVERVIEW_TABLE: {
                        "label_column": "title",
                        "fts_table": OVERVIEW_FTS,
                        "fts_pk": "position_id",
                        "sort_desc": "published",
                        "facets": [
                            {MONTH_FACET: "month"},
                            "province",
                            {"array": "languages"},
                            {"array": "skills"},
                            "aigc",
                            "role_family",
                        ],
                        "columns": COLUMN_LABELS,
                    },
                },
            },
            store_name: {
                "description_html": (
                    "The icc-talent store, opened read-only: start with "
                    f'<a href="/{store_name}/positions">positions</a> and '
                    f'<a href="/{store_name}/notices">notices</a> (their findings, the pages '
                    "they came from and the sources are below; crawl bookkeeping is under "
                    "hidden tables). For searching short Chinese terms use the "
                    f'<a href="/{OVERVIEW_DB}/{OVERVIEW_TABLE}">overview</a>.'
                ),
                "tables": {
                    "positions": {
                        "label_column": "title",
                        "fts_table": "positions_fts",
                        "fts_pk": "id",
                        "facets": ["role_family"],
                    },
                    "notices": {
                        "label_column": "title",
                        "sort_desc": "published",
                        "facets": ["province", "level", "source_id"],
                    },
                    "findings": {"facets": ["field", "value", "required"]},
                    "pages": {"facets": ["page_kind", "source_id", "status"]},
                    "sources": {"label_column": "name", "facets": ["kind", "province"]},
                    **{name: {"hidden": True} for name in HIDDEN_STORE_TABLES},
                },
                "queries": CANNED_QUERIES,
            },
        },
    }


def build_overview(store: Path, target: Path) -> int:
    """Write the derived overview database `target` from `store` (attached read-only).

    Returns the number of positions. The store is never opened for writing.
    """
    if not store.is_file():
        raise ServeError(f"no database at {store}")
    target.unlink(missing_ok=True)
    # uri=True so that ATTACH honours `?mode=ro` on the store.
    conn = sqlite3.connect(f"file:{target.resolve()}?mode=rwc", uri=True)
    try:
        conn.execute("ATTACH DATABASE ? AS src", (f"file:{store.resolve()}?mode=ro",))
        tables = {r[0] for r in conn.execute("SELECT name FROM src.sqlite_master")}
        if not {"positions", "notices", "findings"} <= tables:
            raise ServeError(f"{store} is not an icc-talent store (no positions table)")
        with conn:
            conn.execute(OVERVIEW_SQL)
            for statement in OVERVIEW_FTS_SQL:
                conn.execute(statement)
            conn.executemany(INSERT_FTS_SQL, _index_rows(conn.execute(INDEX_ROWS_SQL)))
        conn.execute("DETACH DATABASE src")
        return int(conn.execute(f"SELECT count(*) FROM {OVERVIEW_TABLE}").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        raise ServeError(f"{store} cannot be read as an icc-talent store ({exc})") from exc
    finally:
        conn.close()


def _index_rows(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, str, str, str]]:
    """(rowid, grams, chars, skills) of each overview row, one row at a time."""
    for position_id, title, employer, text, skills in rows:
        grams, chars = index_columns(f"{title}\n{employer}\n{text}")
        yield position_id, grams, chars, " ".join(json.loads(skills or "[]"))


def limit_connection(conn: sqlite3.Connection) -> None:
    """Bound the size of any value and of the SQL text a connection will handle."""
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    conn.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, MAX_SQL_BYTES)


@contextmanager
def sqlite_heap_limits(hard: int, soft: int) -> Iterator[None]:
    """Set SQLite's process-wide heap limits for the block, then restore the previous ones."""
    conn = sqlite3.connect(":memory:")
    try:
        before = [conn.execute(f"PRAGMA {p}_heap_limit").fetchone()[0] for p in ("hard", "soft")]
        conn.execute(f"PRAGMA hard_heap_limit = {int(hard)}")
        conn.execute(f"PRAGMA soft_heap_limit = {int(soft)}")
        try:
            yield
        finally:
            conn.execute(f"PRAGMA hard_heap_limit = {int(before[0])}")
            conn.execute(f"PRAGMA soft_heap_limit = {int(before[1])}")
    finally:
        conn.close()


def _register_plugins() -> None:
    """Register the plugin of `icc-talent serve` with Datasette (its plugin hooks): bounds on
    every connection, the overview's search of short Chinese terms, month facets in order.

    Datasette lists its plugins by module name, so the hooks live on a module object.
    """
    from datasette.plugins import pm

    from analysis import serve_search

    if pm.get_plugin(PLUGIN) is not None:
        return
    plugin = types.ModuleType(PLUGIN, "The Datasette plugin of `icc-talent serve`.")
    plugin.prepare_connection = serve_search.prepare_connection  # type: ignore[attr-defined]
    plugin.register_facet_classes = serve_search.register_facet_classes  # type: ignore[attr-defined]
    pm.register(plugin, name=PLUGIN)


def build_settings() -> dict[str, Any]:
    """Datasette settings: page sizes and the per-request time and size bounds."""
    return {
        "default_page_size": 50,
        "facet_time_limit_ms": 1000,
        "sql_time_limit_ms": SQL_TIME_LIMIT_MS,
        "max_returned_rows": MAX_RETURNED_ROWS,
        "max_csv_mb": MAX_CSV_MB,
    }


@contextmanager
def datasette_app(store: Path) -> Iterator[Any]:
    """A configured `datasette.app.Datasette` over the store and a fresh overview database.

    The store is opened mutable-read-only (`mode=ro`: a live view, never written); the
    overview lives in a temporary folder removed on exit. Connections, responses and SQLite's
    heap are bounded (see MAX_VALUE_BYTES) while the app is in use.
    """
    try:
        from datasette.app import Datasette
    except ImportError as exc:
        raise ServeError("serve needs datasette: pip install 'datasette>=0.65,<1.1'") from exc
    _register_plugins()
    with tempfile.TemporaryDirectory(prefix="icc-talent-serve-") as tmp:
        overview = Path(tmp) / f"{OVERVIEW_DB}.sqlite"
        build_overview(store, overview)  # before the heap limit: it indexes the whole store
        with sqlite_heap_limits(SQLITE_HEAP_LIMIT, SQLITE_SOFT_HEAP_LIMIT):
            yield Datasette(
                files=[str(store)],
                immutables=[str(overview)],
                metadata=build_metadata(store.stem),
                settings=build_settings(),
            )


PLUGIN_FILE = '''"""The Datasette plugin of icc-talent (written by `icc-talent serve --save`): bounds on every
connection, the overview's search of Chinese terms of any length, month facets in time order."""

from analysis.serve_search import prepare_connection, register_facet_classes  # noqa: F401
'''


@dataclass(frozen=True, slots=True)
class DatasetteConfig:
    """What `write_config` wrote, and the `datasette` command line that serves it."""

    overview: Path
    metadata: Path
    plugins_dir: Path
    command: tuple[str, ...]


def write_config(store: Path, folder: Path) -> DatasetteConfig:
    """Write what `icc-talent serve` shows as files a plain `datasette` reads: the overview
    database, metadata.yml and the plugin; the command it returns serves the same pages.

    The store is only read. (SQLite's process-wide heap limit is the one bound `serve` sets
    that a plain `datasette` process does not.)
    """
    import yaml

    folder.mkdir(parents=True, exist_ok=True)
    overview = folder / f"{OVERVIEW_DB}.sqlite"
    build_overview(store, overview)
    metadata = folder / "metadata.yml"
    metadata.write_text(
        yaml.safe_dump(build_metadata(store.stem), allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    plugins = folder / "plugins"
    plugins.mkdir(exist_ok=True)
    (plugins / f"{PLUGIN}.py").write_text(PLUGIN_FILE, encoding="utf-8")
    settings = [a for k, v in build_settings().items() for a in ("--setting", k, str(v))]
    command = (
        "datasette",
        str(store),
        "-i",
        str(overview),
        "-m",
        str(metadata),
        "--plugins-dir",
        str(plugins),
        *settings,
    )
    return DatasetteConfig(overview, metadata, plugins, command)


def serve_store(
    store: Path, *, host: str = "127.0.0.1", port: int = 8001, open_browser: bool = False
) -> None:
    """Run Datasette on host:port until interrupted."""
    import uvicorn

    with datasette_app(store) as app:
        url = f"http://{host}:{port}/{OVERVIEW_DB}/{OVERVIEW_TABLE}"
        print(f"Serving {store} read-only at {url} (Ctrl+C to stop)")
        if open_browser:
            webbrowser.open(url)
        uvicorn.run(app.app(), host=host, port=port, log_level="warning")
