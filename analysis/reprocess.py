"""Archive → extract → normalise → store, again: re-run parsing over past crawls' WARC files.

Input: the store (pages with their WARC path/offset/length) and the archived responses.
Output: `reprocess_archive`, which re-parses every stored notice page, the further parts of its
article and its attachments with the current parsers and normaliser (the `analysis.process` path
a crawl takes) and upserts the results, without touching the network.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

from analysis.archive import ArchiveError, read_record
from analysis.extract import Attachment, Extracted, extract_file, wanted_attachments
from analysis.extract.pages import Unavailable
from analysis.models import ParsedNotice
from analysis.process import ProcessError, process_page, registry_names, store_processed
from analysis.source import Source
from analysis.store import (
    load_archived_attachment,
    load_archived_notice_pages,
    load_archived_part,
    load_stored_sources,
    mark_error_page_notice,
    mark_page_unavailable,
    transaction,
)


@dataclass(slots=True)
class ReprocessResult:
    pages: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def count(self, outcome: str) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


def archived_attachments(
    conn: sqlite3.Connection, notice: ParsedNotice, extract: Callable[[bytes, str], Extracted]
) -> list[Attachment]:
    """The notice's wanted attachments read back from the archive (or why they cannot be)."""
    found = []
    for url, name in wanted_attachments(notice):
        page = load_archived_attachment(conn, url)
        if isinstance(page, str):
            found.append(Attachment(url, name, Extracted(error=page, error_kind="download")))
            continue
        try:
            record = read_record(page.archive_path, page.archive_offset)
        except ArchiveError as exc:
            found.append(Attachment(url, name, Extracted(error=str(exc), error_kind="archive")))
            continue
        found.append(Attachment(url, name, extract(record.body, name or url)))
    return found


def archived_part(conn: sqlite3.Connection, url: str) -> tuple[bytes, str | None] | None:
    """An article part's archived bytes and Content-Type, or None when the crawl did not read
    it (never fetched, failed, or unreadable in the archive now): the article ends there."""
    page = load_archived_part(conn, url)
    if page is None:
        return None
    try:
        record = read_record(page.archive_path, page.archive_offset)
    except ArchiveError:
        return None
    return record.body, page.content_type


def reprocess_archive(
    conn: sqlite3.Connection,
    *,
    source_ids: list[str] | None = None,
    extract: Callable[[bytes, str], Extracted] = extract_file,
    progress: Callable[[ReprocessResult], None] | None = None,
) -> ReprocessResult:
    """Re-parse and re-normalise every archived notice page (and its attachments).

    `progress` is called with the running result after each page (the CLI prints a line now
    and then)."""
    sources = load_stored_sources(conn)
    names = registry_names(sources.values())
    result = ReprocessResult()
    for page in load_archived_notice_pages(conn, source_ids):
        if progress is not None and result.pages:
            progress(result)
        result.pages += 1
        source = sources.get(page.source_id) or Source(id=page.source_id, name=page.source_id)
        try:
            record = read_record(page.archive_path, page.archive_offset)
        except Exception as exc:  # one bad record never stops the rest
            result.errors.append(f"{page.url}: {exc}")
            result.count("error")
            continue
        processed = process_page(
            record.body,
            content_type=page.content_type,
            kind=source.kind,
            url=page.url,
            fetched_at=page.fetched_at,
            attachments=lambda notice: archived_attachments(conn, notice, extract),
            parts=lambda url: archived_part(conn, url),
        )
        if isinstance(processed, ProcessError):
            result.errors.append(f"{page.url}: {processed.message}")
            result.count("error")
            continue
        if isinstance(processed, Unavailable):
            with transaction(conn):
                mark_page_unavailable(conn, page.page_id, processed.reason)
            result.count("unavailable")
            continue
        with transaction(conn):
            mark_error_page_notice(conn, page.page_id, processed.encoding)
            stored = store_processed(conn, page.page_id, processed, source=source, names=names)
        result.count(stored.outcome)
        if stored.gate != "notice":  # kept as a page, without positions
            result.count(stored.gate)
    return result
