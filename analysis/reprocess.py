"""Archive → extract → normalise → store, again: re-run parsing over past crawls' WARC files.

Input: the store (pages with their WARC path/offset/length) and the archived responses.
Output: `reprocess_archive`, which re-parses every stored notice page and its attachments with the
current parsers and normaliser and upserts the results, without touching the network.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from parsel import Selector

from analysis.archive import ArchiveError, read_record
from analysis.extract import (
    Attachment,
    Extracted,
    attach_tables,
    extract_file,
    wanted_attachments,
)
from analysis.extract.pages import Unavailable, decode_html, parse_notice
from analysis.extract.pages.charset import charset_from_content_type
from analysis.models import ParsedNotice
from analysis.store import (
    save_notice_or_sighting,
    save_table_rows,
    transaction,
)


@dataclass(slots=True)
class ReprocessResult:
    pages: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def count(self, outcome: str) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


def _archived_attachments(
    conn: sqlite3.Connection, notice: ParsedNotice, extract: Callable[[bytes, str], Extracted]
) -> list[Attachment]:
    found = []
    for url, name in wanted_attachments(notice):
        row = conn.execute(
            "SELECT archive_path, archive_offset, page_kind, error FROM pages WHERE url = ?", (url,)
        ).fetchone()
        if row is None or row["archive_path"] is None or row["page_kind"] != "attachment":
            error = (row["error"] if row is not None else None) or "not in the archive"
            found.append(Attachment(url, name, Extracted(error=error, error_kind="download")))
            continue
        try:
            record = read_record(row["archive_path"], row["archive_offset"])
        except ArchiveError as exc:
            found.append(Attachment(url, name, Extracted(error=str(exc), error_kind="archive")))
            continue
        found.append(Attachment(url, name, extract(record.body, name or url)))
    return found


def reprocess_archive(
    conn: sqlite3.Connection,
    *,
    source_ids: list[str] | None = None,
    extract: Callable[[bytes, str], Extracted] = extract_file,
) -> ReprocessResult:
    """Re-parse and re-normalise every archived notice page (and its attachments)."""
    from analysis.normalise import normalise_notice

    sources = {r["id"]: dict(r) for r in conn.execute("SELECT * FROM sources")}
    query = """SELECT p.id, p.url, p.source_id, p.fetched_at, p.content_type, p.archive_path,
                      p.archive_offset
               FROM pages p LEFT JOIN frontier f ON f.url = p.url
               WHERE p.archive_path IS NOT NULL AND p.status = 200
                 AND (p.page_kind IN ('notice', 'sighting')
                      OR (p.page_kind = 'error' AND f.kind = 'notice'))"""
    rows = conn.execute(query + " ORDER BY p.id").fetchall()
    result = ReprocessResult()
    for row in rows:
        if source_ids and row["source_id"] not in source_ids:
            continue
        result.pages += 1
        source = sources.get(row["source_id"]) or {"id": row["source_id"], "kind": "cms"}
        try:
            record = read_record(row["archive_path"], row["archive_offset"])
            text, encoding, _ = decode_html(
                record.body, charset_from_content_type(row["content_type"] or "")
            )
            parsed = parse_notice(source["kind"], Selector(text=text), row["url"])
        except Exception as exc:  # one bad record never stops the rest
            result.errors.append(f"{row['url']}: {exc}")
            result.count("error")
            continue
        if isinstance(parsed, Unavailable):
            with transaction(conn):
                conn.execute(
                    "UPDATE pages SET page_kind = 'unavailable', error = ? WHERE id = ?",
                    (parsed.reason, row["id"]),
                )
            result.count("unavailable")
            continue
        notice = attach_tables(parsed, _archived_attachments(conn, parsed, extract))
        fetched_at = datetime.fromisoformat(row["fetched_at"]).astimezone(UTC)
        try:
            normalised = normalise_notice(notice, fetched_at=fetched_at)
        except Exception as exc:
            result.errors.append(f"{row['url']}: normalise failed: {exc}")
            result.count("error")
            continue
        meta = _source_meta(source)
        with transaction(conn):
            conn.execute(
                "UPDATE pages SET page_kind = 'notice', error = NULL, encoding = ? "
                "WHERE id = ? AND page_kind = 'error'",
                (encoding, row["id"]),
            )
            notice_id, outcome = save_notice_or_sighting(conn, row["id"], normalised, source=meta)
            if outcome != "sighting":
                save_table_rows(conn, notice_id, notice.extra.get("tables", []))
        result.count(outcome)
    return result


def _source_meta(row: dict[str, object]) -> dict[str, object]:
    """A stored source row as the dict the pipeline passes (meta JSON merged in)."""
    import json

    meta = json.loads(str(row.get("meta") or "{}"))
    return {**meta, **{k: v for k, v in row.items() if k != "meta"}}
