"""Store stage: notices, positions, findings, table rows, sightings and cluster models.

Input: `NormalisedNotice`s (with the page they came from) and attachment table rows.
Output: rows in `notices`, `positions`, `findings`, `table_rows`, `sightings`, `cluster_models`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from analysis.models import Finding, NormalisedNotice
from analysis.store.schema import content_hash, transaction, utcnow


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
