"""Store stage: the one definition of every crawl count (docs/DATA_DICTIONARY.md, "Counts").

Input: an open store (a run id, optionally one source). Output: `RunCounts`, read from the
stored rows, so the CLI summary, the saved run stats and the report can only agree.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass

# A notice row counts as a notice only when the gate let it through; a gated page keeps its
# row (and its verdict) but is counted apart, without positions.
NOTICE_GATE = "notice"


@dataclass(frozen=True, slots=True)
class RunCounts:
    """What one crawl run fetched and stored (of one source, or of all of them).

    `notices_new`/`positions_new`: notices with gate 'notice' first stored by the run, and their
    positions; `sightings`: reposts of a stored notice linked by the run (not notices);
    `not_recruitment`/`not_relevant` (together `gated`): notice pages of the run the gate kept
    without positions, by verdict; `listing_pages`: list
    pages read by the run, answered 200 or 304 Not Modified; `detail_links`: the notice links
    those list pages held; `notice_pages`: detail pages read (notices, sightings, gated pages).
    """

    pages: int = 0
    listing_pages: int = 0
    detail_links: int = 0
    notice_pages: int = 0
    notices_new: int = 0
    positions_new: int = 0
    sightings: int = 0
    not_recruitment: int = 0
    not_relevant: int = 0
    unavailable: int = 0
    attachments: int = 0
    errors: int = 0

    @property
    def gated(self) -> int:
        return self.not_recruitment + self.not_relevant

    def as_dict(self) -> dict[str, int]:
        return asdict(self) | {"gated": self.gated}


_RUN_COUNTS_SQL = """
WITH run_pages AS (
    SELECT * FROM pages WHERE run_id = :run AND (:source IS NULL OR source_id = :source)
), started AS (SELECT coalesce(max(started_at), '') AS at FROM crawl_runs WHERE id = :run),
run_notices AS (
    SELECT n.id, n.gate, n.first_seen >= (SELECT at FROM started) AS is_new
    FROM notices n JOIN run_pages p ON p.id = n.page_id
)
SELECT
  (SELECT count(*) FROM run_pages) AS pages,
  (SELECT count(*) FROM run_pages WHERE page_kind = 'listing') AS listing_pages,
  (SELECT coalesce(sum(detail_links), 0) FROM run_pages WHERE page_kind = 'listing')
      AS detail_links,
  (SELECT count(*) FROM run_pages WHERE page_kind IN ('notice', 'sighting')) AS notice_pages,
  (SELECT count(*) FROM run_notices WHERE gate = :gate AND is_new) AS notices_new,
  (SELECT count(*) FROM positions po JOIN run_notices n ON n.id = po.notice_id
    WHERE n.gate = :gate AND n.is_new) AS positions_new,
  (SELECT count(*) FROM run_pages WHERE page_kind = 'sighting') AS sightings,
  (SELECT count(*) FROM run_notices WHERE gate = 'not_recruitment') AS not_recruitment,
  (SELECT count(*) FROM run_notices WHERE gate = 'not_relevant') AS not_relevant,
  (SELECT count(*) FROM run_pages WHERE page_kind = 'unavailable') AS unavailable,
  (SELECT count(*) FROM run_pages WHERE page_kind = 'attachment') AS attachments,
  (SELECT count(*) FROM run_pages WHERE page_kind = 'error') AS errors
"""


def load_run_counts(
    conn: sqlite3.Connection, run_id: int, source_id: str | None = None
) -> RunCounts:
    """The counts of run `run_id` (of `source_id` only, when given), from the stored rows.

    A page belongs to the run that fetched it last (a list page answered 304 is counted by the
    run that re-read it), so a later run never recounts an earlier run's notices.
    """
    row = conn.execute(
        _RUN_COUNTS_SQL, {"run": run_id, "source": source_id, "gate": NOTICE_GATE}
    ).fetchone()
    return RunCounts(*(int(v) for v in row))
