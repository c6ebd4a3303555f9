"""The crawl normalises off the reactor: a crawl of the mirror on 127.0.0.1 where one notice's
normalisation hangs finishes every other notice as a clean crawl does, stores the hung one with
its text and flagged (no positions), and `reprocess` later normalises it like the rest.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.models import ParsedNotice, TableRow
from crawler.workers import MIN_CHECK, ROW_CPU_SECONDS, cpu_limit, cpu_seconds_of, time_left
from mirror.server import serve_mirror
from tests.test_resume import snapshot
from tests.test_spiders import REPO, crawl_command, crawl_env, loopback_sources
from tests.worker_helpers import STALL_ENV

STALLED = "t20250214_1005.html"  # an icc notice page of the mirror
TIMEOUT = 5


def run(command: list[str], **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        command,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=crawl_env() | env,
    )


def finish(process: subprocess.Popen[str]) -> str:
    _out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err[-2000:]
    return err


def without(url_part: str, snap: dict[str, object]) -> dict[str, object]:
    return {
        key: [row for row in rows if url_part not in str(row[0])]  # type: ignore[attr-defined]
        for key, rows in snap.items()
        if key != "page_kinds"
    }


@pytest.mark.slow
def test_a_hung_notice_is_stored_flagged_and_the_rest_normally(tmp_path: Path) -> None:
    hook = ("-s", "ICC_NORMALISER=tests.worker_helpers.process_notice_or_stall")
    limit = ("-s", f"ICC_NORMALISE_TIMEOUT={TIMEOUT}")
    with serve_mirror() as base_url:
        sources = loopback_sources(base_url, tmp_path / "sources.yaml")
        clean_db, hung_db = tmp_path / "clean" / "store.sqlite", tmp_path / "hung" / "store.sqlite"
        clean = run(crawl_command(sources, clean_db))
        hung = run(crawl_command(sources, hung_db, *hook, *limit), **{STALL_ENV: STALLED})
        finish(clean)
        finish(hung)
    # Scrapy's log (the pipeline's warnings) goes to the store folder's logs/, not the console.
    log = (hung_db.parent / "store" / "logs" / "crawl-run1.log").read_text("utf-8")
    assert f"normalise timed out after {TIMEOUT} s of CPU time" in log
    conn = sqlite3.connect(hung_db)
    try:
        page = conn.execute(
            "SELECT id, page_kind, error FROM pages WHERE url LIKE ?", (f"%{STALLED}",)
        ).fetchone()
        notice = conn.execute(
            "SELECT id, text, taxonomy_version FROM notices WHERE page_id = ?", (page[0],)
        ).fetchone()
        positions = conn.execute(
            "SELECT count(*) FROM positions WHERE notice_id = ?", (notice[0],)
        ).fetchone()[0]
        (stats,) = conn.execute("SELECT stats FROM crawl_runs ORDER BY id DESC").fetchone()
    finally:
        conn.close()
    assert page[1:] == ("notice", f"normalise timed out after {TIMEOUT} s of CPU time")
    assert notice[1] and notice[2] == "unnormalised" and positions == 0
    assert json.loads(stats)["icc/normalise/timeout"] == 1
    assert without(STALLED, snapshot(hung_db)) == without(STALLED, snapshot(clean_db))

    reprocess = subprocess.run(
        [sys.executable, "-m", "analysis", "reprocess", "--db", str(hung_db)],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=crawl_env(),
        timeout=300,
    )
    assert reprocess.returncode == 0, reprocess.stderr[-2000:]
    assert snapshot(hung_db) == snapshot(clean_db)
    conn = sqlite3.connect(hung_db)
    try:
        error = conn.execute("SELECT error FROM pages WHERE id = ?", (page[0],)).fetchone()[0]
    finally:
        conn.close()
    assert error is None


def test_the_limit_counts_cpu_time_and_the_wall_only_as_a_backstop() -> None:
    # A notice that waits for a core (3 CPU s in 50 s on a loaded machine) is not timed out.
    assert time_left(20, 120, cpu_used=3, elapsed=50) == 17
    assert time_left(20, 120, cpu_used=20, elapsed=25) == 0  # its CPU time is spent
    assert time_left(20, 120, cpu_used=1, elapsed=120) == 0  # the backstop
    assert time_left(20, 120, cpu_used=None, elapsed=12) == 8  # CPU unknown: wall time counts
    assert time_left(20, 120, cpu_used=19.99, elapsed=30) == MIN_CHECK


def test_a_process_cpu_time_is_read_from_proc() -> None:
    if not Path("/proc/self/stat").exists():
        pytest.skip("no /proc here")
    import os
    import time

    before = cpu_seconds_of(os.getpid())
    spent = time.process_time()
    while time.process_time() - spent < 0.3:
        pass
    after = cpu_seconds_of(os.getpid())
    assert before is not None and after is not None and after - before >= 0.2
    assert cpu_seconds_of(2**22 + 1) is None  # beyond pid_max: no such process


def test_a_notice_with_table_rows_gets_their_share_of_cpu_time() -> None:
    # The notice caps let 25,000 rows into one notice; normalising is linear in them.
    notice = ParsedNotice(url="http://x.test/n.html", title="招聘公告", text="岗位详见附件。")
    assert cpu_limit(notice, 20) == 20
    rows = [TableRow(file="t.xlsx", sheet="岗位表", row=i, title=f"岗位{i}") for i in range(1000)]
    assert cpu_limit(dataclasses.replace(notice, tables=rows), 20) == 20 + 1000 * ROW_CPU_SECONDS
