"""Archive → extract → normalise → store, again: re-run parsing over past crawls' WARC files.

Input: the store (pages with their WARC path/offset/length) and the archived responses.
Output: `read_record` (one archived response: URL, date, status, headers, exact bytes) and
`reprocess_archive`, which re-parses every stored notice page and its attachments with the
current parsers and normaliser and upserts the results, without touching the network.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from parsel import Selector
from warcio.archiveiterator import ArchiveIterator

from analysis.extract import (
    Attachment,
    Extracted,
    attach_tables,
    extract_file,
    is_personal_data_list,
)
from analysis.models import ParsedNotice
from analysis.store import (
    content_hash,
    save_notice_or_sighting,
    save_table_rows,
    transaction,
)
from crawler.pages import Unavailable, decode_html, parse_notice
from crawler.pages.charset import charset_from_content_type

ATTACHMENT_FORMATS = ("xls", "xlsx", "et", "doc", "docx", "wps", "pdf")


class ArchiveError(ValueError):
    """An archived record that cannot be read (file moved, truncated by a kill, wrong offset)."""


@dataclass(slots=True)
class ArchivedResponse:
    url: str
    date: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    path: str
    offset: int

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


def read_record(path: str | Path, offset: int, length: int | None = None) -> ArchivedResponse:
    """The WARC `response` record stored at `offset` of `path`."""
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            for record in ArchiveIterator(fh):
                if record.rec_type != "response":
                    continue
                http = record.http_headers
                return ArchivedResponse(
                    url=record.rec_headers.get_header("WARC-Target-URI") or "",
                    date=record.rec_headers.get_header("WARC-Date") or "",
                    status=int(http.get_statuscode() or 0) if http else 0,
                    headers=list(http.headers) if http else [],
                    body=record.content_stream().read(),
                    path=str(path),
                    offset=offset,
                )
    except OSError as exc:
        raise ArchiveError(f"cannot read archive {path}: {exc.strerror or exc}") from exc
    except Exception as exc:  # warcio raises assorted errors on a truncated or foreign file
        raise ArchiveError(f"no readable WARC record at {path}@{offset}: {exc}") from exc
    raise ArchiveError(f"no WARC response record at {path}@{offset}")


def attachment_format(url: str) -> str:
    name = url.split("?", 1)[0].split("#", 1)[0].rsplit("/", 1)[-1].lower()
    return name.rsplit(".", 1)[-1] if "." in name else ""


def wanted_attachments(notice: ParsedNotice) -> list[tuple[str, str]]:
    """(url, link text) of the attachments a crawl fetches: office/PDF files, no name lists."""
    names = notice.extra.get("attachment_names") or []
    out = []
    for index, url in enumerate(notice.attachments):
        name = names[index] if index < len(names) else ""
        if attachment_format(url) in ATTACHMENT_FORMATS and not is_personal_data_list(name or url):
            out.append((url, name))
    return out


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


def verify_body(record: ArchivedResponse, expected_hash: str) -> bool:
    return content_hash(record.body) == expected_hash
