"""Store stage: the SQLite database every other stage reads and writes.

Input: FetchedPage / NormalisedNotice records from the crawl and the normaliser.
Output: versioned tables (sources, crawl_runs, pages, frontier, notices, positions, findings,
table_rows, sightings, cluster_models) + full-text search, and typed reads of them. One module
per kind of record: schema (connection, migrations), crawl (sources, runs, pages, frontier),
counts (the one definition of each crawl count), health (the SQL of per-source run health; the judgement is `analysis.health`), notices
(notices, positions, findings, table rows, sightings, cluster models), reads (look-ups for the CLI).
"""

from analysis.health import SourceRun
from analysis.store.counts import RunCounts, load_run_counts
from analysis.store.crawl import (
    MAX_ATTEMPTS,
    ArchivedPage,
    conditional_headers,
    finish_run,
    frontier_add,
    frontier_mark,
    frontier_resume,
    interrupt_stale_runs,
    known_notice_urls,
    load_archived_attachment,
    load_archived_notice_pages,
    load_stored_sources,
    mark_error_page_notice,
    mark_page_unavailable,
    run_totals,
    save_page,
    save_sources,
    source_from_row,
    start_run,
    touch_page,
)
from analysis.store.health import (
    latest_source_health,
    load_source_health,
    save_run_sources,
    summarise_run_sources,
)
from analysis.store.notices import (
    NoticeGate,
    add_sighting,
    demote_to_sighting,
    near_duplicate_candidates,
    save_cluster_model,
    save_fingerprint,
    save_notice,
    save_table_rows,
    stored_notice_version,
)
from analysis.store.reads import StoreCounts, count_rows
from analysis.store.schema import (
    DEFAULT_DB,
    SCHEMA_VERSION,
    StoreError,
    connect,
    connect_readonly,
    content_hash,
    migrate,
    transaction,
    utcnow,
)

__all__ = [
    "DEFAULT_DB",
    "MAX_ATTEMPTS",
    "SCHEMA_VERSION",
    "ArchivedPage",
    "NoticeGate",
    "RunCounts",
    "SourceRun",
    "StoreCounts",
    "StoreError",
    "add_sighting",
    "conditional_headers",
    "connect",
    "connect_readonly",
    "content_hash",
    "count_rows",
    "demote_to_sighting",
    "finish_run",
    "frontier_add",
    "frontier_mark",
    "frontier_resume",
    "interrupt_stale_runs",
    "known_notice_urls",
    "latest_source_health",
    "load_archived_attachment",
    "load_archived_notice_pages",
    "load_run_counts",
    "load_source_health",
    "load_stored_sources",
    "mark_error_page_notice",
    "mark_page_unavailable",
    "migrate",
    "near_duplicate_candidates",
    "run_totals",
    "save_cluster_model",
    "save_fingerprint",
    "save_notice",
    "save_page",
    "save_run_sources",
    "save_sources",
    "save_table_rows",
    "source_from_row",
    "start_run",
    "stored_notice_version",
    "summarise_run_sources",
    "touch_page",
    "transaction",
    "utcnow",
]
