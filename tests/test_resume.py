"""Crash safety: a crawl of the mirror killed with SIGKILL at random moments, then run again,
ends with exactly the notices and positions of an uninterrupted crawl; two crawls of one store
at once are refused rather than interleaved.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from crawler.lock import lock_path
from mirror.server import serve_mirror
from tests.test_spiders import REPO, crawl, crawl_command, crawl_env, loopback_sources

KILLS = 10
SEED = int(os.environ.get("ICC_RESUME_SEED", "20250610"))


def snapshot(db: Path) -> dict[str, object]:
    conn = sqlite3.connect(db)
    try:
        notices = conn.execute(
            "SELECT url, title, published, deadline, text_hash FROM notices ORDER BY url"
        ).fetchall()
        positions = conn.execute(
            """SELECT n.url, p.seq, p.title, p.headcount, p.text FROM positions p
               JOIN notices n ON n.id = p.notice_id ORDER BY n.url, p.seq"""
        ).fetchall()
        findings = conn.execute(
            """SELECT n.url, p.seq, f.field, f.value, f.evidence FROM findings f
               JOIN positions p ON p.id = f.position_id JOIN notices n ON n.id = p.notice_id
               ORDER BY 1, 2, 3, 4, 5"""
        ).fetchall()
        sightings = conn.execute("SELECT url FROM sightings ORDER BY url").fetchall()
        kinds = conn.execute(
            "SELECT page_kind, count(*) FROM pages GROUP BY page_kind ORDER BY 1"
        ).fetchall()
    finally:
        conn.close()
    return {
        "notices": notices,
        "positions": positions,
        "findings": findings,
        "sightings": sightings,
        "page_kinds": kinds,
    }


def progress(db: Path) -> int:
    """Stored records so far (pages plus finished frontier entries); 0 before the store exists."""
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            row = conn.execute(
                "SELECT (SELECT count(*) FROM pages)"
                " + (SELECT count(*) FROM frontier WHERE state = 'done')"
            ).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return 0
    return int(row[0])


def popen_crawl(sources: Path, db: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        crawl_command(sources, db),
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=crawl_env(),
    )


@pytest.mark.slow
def test_killed_crawls_resume_to_the_uninterrupted_result(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    with serve_mirror() as base_url:
        sources = loopback_sources(base_url, tmp_path / "sources.yaml")
        # The uninterrupted crawl runs beside the killed ones (its own store; same server).
        clean = popen_crawl(sources, tmp_path / "clean" / "store.sqlite")
        duration = 30.0  # upper bound on waiting for progress before a kill
        db = tmp_path / "killed" / "store.sqlite"
        kill_points = []
        for _ in range(KILLS * 3):
            if len(kill_points) >= KILLS:
                break
            # Kill after a random number of newly stored records (1-6), at a random instant
            # after that, or during start-up now and then: every moment of a run is fair game.
            process = popen_crawl(sources, db)
            target = progress(db) + rng.randint(1, 6)
            during_startup = rng.random() < 0.2
            deadline = time.monotonic() + (rng.uniform(0.1, 1.0) if during_startup else duration)
            while process.poll() is None and time.monotonic() < deadline:
                if not during_startup and progress(db) >= target:
                    break
                time.sleep(0.01)
            time.sleep(rng.uniform(0, 0.03))
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                kill_points.append(progress(db))
            process.wait()
        final = crawl(sources, db)
        assert clean.wait(timeout=300) == 0
        expected = snapshot(tmp_path / "clean" / "store.sqlite")
    assert final.returncode == 0, final.stderr[-2000:]
    assert len(kill_points) >= KILLS, f"crawls finished before the kill: {kill_points}"
    got = snapshot(db)
    assert got["notices"] == expected["notices"]
    assert got["positions"] == expected["positions"]
    assert got["findings"] == expected["findings"]
    assert got["sightings"] == expected["sightings"]
    conn = sqlite3.connect(db)
    try:
        runs = conn.execute("SELECT status FROM crawl_runs ORDER BY id").fetchall()
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    assert runs[-1][0] == "finished"
    assert all(status in ("interrupted", "finished") for (status,) in runs)


def test_a_second_crawl_of_the_same_store_is_refused(tmp_path: Path) -> None:
    with serve_mirror() as base_url:
        sources = loopback_sources(base_url, tmp_path / "sources.yaml")
        db = tmp_path / "store.sqlite"
        first = subprocess.Popen(
            crawl_command(sources, db, "-s", "DOWNLOAD_DELAY=0.2"),
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=crawl_env(),
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            lock = lock_path(db)
            if lock.exists() and lock.read_text():
                break
            time.sleep(0.05)
        second = crawl(sources, db)
        _out, err = first.communicate(timeout=300)
    assert second.returncode == 1
    assert "another crawl is using" in second.stderr
    assert "Traceback" not in second.stderr
    assert first.returncode == 0, err[-2000:]
