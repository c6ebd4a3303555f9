"""Analyse stage: load the store into the two pandas frames every analysis works on.

Input: an open store connection.
Output: `positions` (one row per position, with notice metadata and month) and `findings`
(one row per finding, with its evidence), plus the crawl runs, as described in docs/DESIGN.md.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import pandas as pd

POSITIONS_SQL = """
SELECT p.id AS position_id, p.notice_id, p.seq, p.title, n.employer, n.province, n.level,
       n.source_id, n.url, n.published, n.deadline, p.role_family, p.headcount, p.text,
       EXISTS (SELECT 1 FROM findings f WHERE f.position_id = p.id AND f.field = 'aigc') AS aigc
FROM positions p JOIN notices n ON n.id = p.notice_id
ORDER BY n.published, p.notice_id, p.seq
"""

FINDINGS_SQL = """
SELECT position_id, field, value, level, required, years, evidence FROM findings
ORDER BY position_id, span_start
"""

RUNS_SQL = """
SELECT id AS run_id, started_at, finished_at, status, pages, notices_new, positions_new, errors
FROM crawl_runs ORDER BY id
"""


@dataclass(slots=True)
class Frames:
    positions: pd.DataFrame
    findings: pd.DataFrame
    runs: pd.DataFrame


def load_frames(conn: sqlite3.Connection) -> Frames:
    positions = pd.read_sql_query(POSITIONS_SQL, conn)
    positions["published"] = pd.to_datetime(positions["published"], errors="coerce")
    positions["deadline"] = pd.to_datetime(positions["deadline"], errors="coerce")
    positions["month"] = positions["published"].dt.strftime("%Y-%m")
    positions["aigc"] = positions["aigc"].astype(bool)
    positions["headcount"] = positions["headcount"].astype("Int64")
    findings = pd.read_sql_query(FINDINGS_SQL, conn)
    findings["required"] = findings["required"].map({1: True, 0: False}).astype("boolean")
    runs = pd.read_sql_query(RUNS_SQL, conn)
    return Frames(positions, findings, runs)
