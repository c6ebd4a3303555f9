"""Store stage: notices, positions, findings, table rows, sightings and cluster models.

Input: `NormalisedNotice`s (with the page they came from) and attachment table rows.
Output: rows in `notices`, `positions`, `findings`, `table_rows`, `sightings`, `cluster_models`,
and the reads the repost decision needs (near-duplicate candidates); `analysis.process` decides.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from analysis.extract.neardup import Candidate, Fingerprint, band_buckets
from analysis.models import Finding, NormalisedNotice, Position, TableRow
from analysis.source import Source
from analysis.store.schema import transaction, utcnow


@dataclass(frozen=True, slots=True)
class NoticeGate:
    """What the gate decided on a notice's page (`analysis.process.Verdict` as stored): `gate`
    is notice | not_recruitment | not_relevant; the classifier's score; the relevance rule."""

    gate: str = "notice"
    score: float | None = None
    relevance: str | None = None


def notice_hash(text: str, title: str, tables: Iterable[TableRow] = ()) -> str:
    """A notice's content as `text_hash`: its text, its title and every row of its position
    tables (an attachment's table can change while the page's text does not: the notice has
    changed). A notice without table rows keeps the hash of its text and title alone, the one
    stored before rows counted. One pass over the rows (a table of 10,000+ rows hashes in
    milliseconds)."""
    digest = hashlib.sha256((text + "\x00" + title).encode("utf-8"))
    for row in tables:
        fields = [row.file, row.sheet, row.row, row.title, row.headcount, row.major, row.degree,
                  row.age, row.other, row.employer, row.cells, row.repeats_body]  # fmt: skip
        digest.update(b"\x01" + json.dumps(fields, ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()


def attachment_names(urls: Sequence[str], names: Sequence[str]) -> dict[str, str]:
    """Attachment URL -> the name the notice links it by (`ParsedNotice.attachments` and
    `attachment_names`, in order; a missing or empty link text gives no entry)."""
    return {url: name for url, name in zip(urls, names, strict=False) if name and name.strip()}


def file_name(url: str, names: Mapping[str, str]) -> str:
    """The display name of an attachment: its link text, else the last part of its URL path."""
    named = names.get(url, "").strip()
    if named:
        return named
    path = urlsplit(url).path if "://" in url else url
    return unquote(path.rstrip("/").rsplit("/", 1)[-1]) or url


def save_notice(
    conn: sqlite3.Connection,
    page_id: int,
    notice: NormalisedNotice,
    *,
    source: Source | None = None,
    gate: NoticeGate | None = None,
    tables: Sequence[TableRow] = (),
    names: Mapping[str, str] | None = None,
) -> tuple[int, bool]:
    """Upsert a normalised notice and replace its positions and findings.

    Returns (notice_id, created). Unchanged text, title and table rows (`tables`: the rows
    stored with it, `save_table_rows`) under the same taxonomy and the same gate is a no-op, so
    re-running a crawl or a reprocess never duplicates or churns rows. `names`: attachment URL
    -> link text (`attachment_names`), the `file_name` of positions read from table rows.
    Call inside `transaction()`.
    """
    gate = gate or NoticeGate()
    text_hash = notice_hash(notice.text, notice.title, tables)
    existing = conn.execute(
        "SELECT id, text_hash, taxonomy_version, gate FROM notices WHERE page_id = ?", (page_id,)
    ).fetchone()
    if existing and (
        existing["text_hash"],
        existing["taxonomy_version"],
        existing["gate"],
    ) == (text_hash, notice.taxonomy_version, gate.gate):
        return int(existing["id"]), False
    now = utcnow()
    values = (
        source.id if source else None,
        notice.url,
        notice.title,
        notice.employer or (source.employer if source else None),
        source.province if source else None,
        source.level if source else None,
        notice.published.isoformat() if notice.published else None,
        notice.deadline.isoformat() if notice.deadline else None,
        notice.text,
        text_hash,
        notice.taxonomy_version,
        gate.gate,
        None if gate.score is None else round(gate.score, 4),
        gate.relevance,
    )
    if existing:
        notice_id = int(existing["id"])
        conn.execute(
            """UPDATE notices SET source_id=?, url=?, title=?, employer=?, province=?, level=?,
                      published=?, deadline=?, text=?, text_hash=?, taxonomy_version=?,
                      gate=?, recruitment_score=?, relevance=?, updated_at=? WHERE id=?""",
            (*values, now, notice_id),
        )
        conn.execute("DELETE FROM positions WHERE notice_id = ?", (notice_id,))
    else:
        cur = conn.execute(
            """INSERT INTO notices (source_id, url, title, employer, province, level, published,
                                    deadline, text, text_hash, taxonomy_version, gate,
                                    recruitment_score, relevance, first_seen, updated_at, page_id)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (*values, now, now, page_id),
        )
        notice_id = int(cur.lastrowid or 0)
    _insert_positions(conn, notice_id, notice, names or {})
    return notice_id, existing is None


def _provenance(position: Position, names: Mapping[str, str]) -> tuple[Any, ...]:
    """(file, file_name, sheet, row) of a position read from a table row; NULLs for one split
    from the notice text."""
    if position.file is None:
        return (None, None, None, None)
    return (position.file, file_name(position.file, names), position.sheet, position.row)


def _insert_positions(
    conn: sqlite3.Connection, notice_id: int, notice: NormalisedNotice, names: Mapping[str, str]
) -> None:
    finding_rows: list[tuple[Any, ...]] = []
    for position in notice.positions:
        cur = conn.execute(
            """INSERT INTO positions (notice_id, seq, title, headcount, role_family, text,
                                      file, file_name, sheet, row)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                notice_id,
                position.seq,
                position.title,
                position.headcount,
                position.role_family,
                position.text,
                *_provenance(position, names),
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


def stored_notice_version(conn: sqlite3.Connection, page_id: int) -> tuple[str, str, str] | None:
    """(text_hash, taxonomy_version, gate) of the notice stored from this page, None if there is
    none."""
    row = conn.execute(
        "SELECT text_hash, taxonomy_version, gate FROM notices WHERE page_id = ?", (page_id,)
    ).fetchone()
    return None if row is None else (row["text_hash"], row["taxonomy_version"], row["gate"])


def near_duplicate_candidates(conn: sqlite3.Connection, fp: Fingerprint) -> list[Candidate]:
    """Stored notices sharing at least one LSH band bucket with `fp`, in notice-id order, each
    with its fingerprint and whether its source is an aggregator."""
    if not fp.size:
        return []
    buckets = band_buckets(fp)
    clause = " OR ".join("(b.band = ? AND b.bucket = ?)" for _ in buckets)
    params = [v for pair in buckets for v in pair]
    rows = conn.execute(
        f"""SELECT f.notice_id, f.minhash,
                   coalesce(json_extract(s.meta, '$.aggregator'), 0) AS aggregator
            FROM notice_fingerprints f
            LEFT JOIN notices n ON n.id = f.notice_id LEFT JOIN sources s ON s.id = n.source_id
            WHERE f.notice_id IN (SELECT b.notice_id FROM notice_bands b WHERE {clause})
            ORDER BY f.notice_id""",
        params,
    ).fetchall()
    return [
        Candidate(int(r["notice_id"]), Fingerprint.from_bytes(r["minhash"]), bool(r["aggregator"]))
        for r in rows
    ]


def save_fingerprint(conn: sqlite3.Connection, notice_id: int, fp: Fingerprint) -> None:
    """Replace a notice's fingerprint and its LSH band buckets. Call inside `transaction()`."""
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


def add_sighting(
    conn: sqlite3.Connection,
    notice_id: int,
    page_id: int,
    url: str,
    source_id: str | None,
    similarity: float,
) -> None:
    """Link a page to a stored notice as one more sighting of it (the page becomes a
    `sighting`). Call inside `transaction()`."""
    conn.execute(
        """INSERT INTO sightings (notice_id, page_id, url, source_id, similarity, seen_at)
           VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT(page_id) DO UPDATE SET notice_id = excluded.notice_id,
             similarity = excluded.similarity""",
        (notice_id, page_id, url, source_id, round(similarity, 3), utcnow()),
    )
    conn.execute("UPDATE pages SET page_kind = 'sighting' WHERE id = ?", (page_id,))


def demote_to_sighting(
    conn: sqlite3.Connection, old_id: int, new_id: int, similarity: float
) -> None:
    """The aggregator's notice `old_id` becomes a sighting of the official notice `new_id`
    (its own sightings move along). Call inside `transaction()`."""
    old = conn.execute(
        "SELECT page_id, url, source_id FROM notices WHERE id = ?", (old_id,)
    ).fetchone()
    conn.execute("UPDATE sightings SET notice_id = ? WHERE notice_id = ?", (new_id, old_id))
    conn.execute("DELETE FROM notices WHERE id = ?", (old_id,))
    add_sighting(conn, new_id, old["page_id"], old["url"], old["source_id"], similarity)


def save_table_rows(conn: sqlite3.Connection, notice_id: int, rows: Iterable[TableRow]) -> int:
    """Replace a notice's position-table rows (attachments and body tables), each with its
    provenance (file, sheet, row). Call inside `transaction()` with the notice."""
    conn.execute("DELETE FROM table_rows WHERE notice_id = ?", (notice_id,))
    values = [
        (
            notice_id,
            r.file,
            r.sheet,
            r.row,
            r.title,
            r.headcount,
            r.major,
            r.degree,
            r.age,
            r.other,
            r.employer,
            json.dumps(r.cells, ensure_ascii=False),
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
