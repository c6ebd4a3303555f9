"""Datasette over the store: facets and canned queries configured, search works, nothing written."""

from __future__ import annotations

import asyncio
import hashlib
import json
import resource
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from store_helpers import make_store

from analysis.serve import (
    CANNED_QUERIES,
    MAX_RETURNED_ROWS,
    MAX_SQL_BYTES,
    MAX_VALUE_BYTES,
    OVERVIEW_TABLE,
    SQLITE_HEAP_LIMIT,
    SQLITE_SOFT_HEAP_LIMIT,
    ServeError,
    build_metadata,
    build_overview,
    datasette_app,
    limit_connection,
)
from analysis.store import connect

pytest.importorskip("datasette")


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return make_store(tmp_path / "icc.sqlite")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def _get(app: Any, path: str) -> Any:
    response = await app.client.get(path)
    assert response.status_code == 200, (path, response.text[:300])
    return response.json()


def test_metadata_has_facets_search_and_queries() -> None:
    meta = build_metadata("icc")
    overview = meta["databases"]["overview"]["tables"][OVERVIEW_TABLE]
    assert overview["fts_table"] == f"{OVERVIEW_TABLE}_fts"
    assert "province" in overview["facets"] and {"month": "month"} in overview["facets"]
    assert {"array": "languages"} in overview["facets"] and {"array": "skills"} in overview[
        "facets"
    ]
    queries = meta["databases"]["icc"]["queries"]
    assert {"aigc_roles", "roles_with_skill", "search_positions"} <= set(queries)


def test_overview_facets_search_and_canned_queries(store: Path) -> None:
    before = _digest(store)

    async def check(app: Any) -> None:
        base = f"/overview/{OVERVIEW_TABLE}.json?_shape=objects"
        data = await _get(app, base)
        assert len(data["rows"]) == 2
        facets = data["facet_results"]
        facets = facets.get("results", facets)
        assert {"month", "province", "languages", "skills"} <= set(facets)
        languages = {r["value"] for r in facets["languages"]["results"]}
        assert languages == {"en", "ru"}
        months = {r["value"]: r["count"] for r in facets["month"]["results"]}
        assert months == {"2024-01": 1, "2024-02": 1}
        found = await _get(app, base + "&_search=Stable%20Diffusion")
        assert [r["title"] for r in found["rows"]] == ["AIGC内容编辑"]
        cjk = await _get(app, base + "&_search=" + "专业八级")
        assert [r["title"] for r in cjk["rows"]] == ["俄语记者"]
        aigc = await _get(app, "/icc/aigc_roles.json?_shape=objects")
        assert [r["title"] for r in aigc["rows"]] == ["AIGC内容编辑"]
        skill = await _get(app, "/icc/roles_with_skill.json?_shape=objects&skill=stable_diffusion")
        assert skill["rows"][0]["evidence"] == "Stable Diffusion"
        short = await _get(app, "/icc/search_positions.json?_shape=objects&q=海外")
        assert len(short["rows"]) == 2  # 2-character term: the scan fallback
        table = await _get(app, "/icc/positions.json?_shape=objects&_search=俄语专业")
        assert [r["title"] for r in table["rows"]] == ["俄语记者"]

    with datasette_app(store) as app:
        asyncio.run(check(app))
    assert _digest(store) == before


def test_overview_refuses_a_non_store(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    conn = connect(tmp_path / "x.sqlite")
    conn.close()
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(ServeError, match="not an icc-talent store"):
        build_overview(other, tmp_path / "o.sqlite")
    with pytest.raises(ServeError, match="no database"):
        build_overview(tmp_path / "missing.sqlite", tmp_path / "o.sqlite")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_cli_serve_binds_localhost_read_only(store: Path) -> None:
    before = _digest(store)
    port = _free_port()
    cmd = [sys.executable, "-m", "analysis", "serve", "--db", str(store), "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}/overview/{OVERVIEW_TABLE}.json?_shape=objects"
        for _ in range(100):
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    body = response.read().decode("utf-8")
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(proc.stdout.read().decode() if proc.stdout else "serve exited")
                time.sleep(0.2)
        else:
            pytest.fail("datasette did not start")
        assert {r["title"] for r in json.loads(body)["rows"]} == {"AIGC内容编辑", "俄语记者"}
        listening = subprocess.run(["ss", "-ltn"], capture_output=True, text=True, check=False)
        if listening.returncode == 0:
            lines = [line for line in listening.stdout.splitlines() if f":{port} " in line]
            assert lines and all("127.0.0.1:" in line for line in lines)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert _digest(store) == before


def test_canned_queries_are_valid_sql(store: Path) -> None:
    conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    params = {"skill": "translation", "language": "ru", "q": "海外"}
    for name, query in CANNED_QUERIES.items():
        conn.execute(query["sql"], params).fetchall(), name
    conn.close()


# ------------------------------------------------------------------ hostile SQL (issue 14)

HOSTILE_SQL = {
    "randomblob": "SELECT randomblob(900000000)",
    "zeroblob": "SELECT zeroblob(900000000)",
    "replace over hex": "SELECT replace(hex(zeroblob(100000000)), '0', 'xxxxxxxx')",
    "huge group_concat": (
        "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r LIMIT 100000) "
        "SELECT group_concat(printf('%.*c', 10000, 'x')) FROM r"
    ),
    "recursive doubling": (
        "WITH RECURSIVE r(i, s) AS (SELECT 1, 'x' UNION ALL SELECT i + 1, s || s FROM r "
        "WHERE i < 40) SELECT max(length(s)) FROM r"
    ),
}
ALLOWED_GROWTH = 64 * 1024 * 1024


class PeakRss:
    """The process's peak resident memory while the block runs, sampled from /proc."""

    def __init__(self) -> None:
        self.peak = self.baseline = self.now()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    @staticmethod
    def now() -> int:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize()

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, self.now())

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.now())


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs Linux /proc")
def test_hostile_sql_fails_quickly_without_growing_the_server(store: Path) -> None:
    async def check(app: Any) -> dict[str, tuple[int, str, float, int]]:
        outcomes = {}
        for name, sql in HOSTILE_SQL.items():
            start = time.perf_counter()
            with PeakRss() as rss:
                response = await app.client.get("/icc.json?sql=" + urllib.parse.quote(sql))
            error = response.json().get("error") or ""
            growth = rss.peak - rss.baseline
            outcomes[name] = (response.status_code, error, time.perf_counter() - start, growth)
        return outcomes

    with datasette_app(store) as app:
        outcomes = asyncio.run(check(app))
    for name, (status, error, seconds, growth) in outcomes.items():
        assert status == 400, (name, error)
        assert "string or blob too big" in error or "took too long" in error, (name, error)
        assert seconds < 10, (name, seconds)
        assert growth < ALLOWED_GROWTH, (name, growth // 2**20)


def test_the_largest_response_is_bounded_by_rows_times_value_size(store: Path) -> None:
    sql = (
        "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r LIMIT 100000) "
        f"SELECT printf('%.*c', {MAX_VALUE_BYTES - 1}, 'x') FROM r"
    )

    async def check(app: Any) -> tuple[Any, PeakRss]:
        with PeakRss() as rss:
            response = await app.client.get(
                "/icc.json?_shape=objects&sql=" + urllib.parse.quote(sql)
            )
        return response, rss

    with datasette_app(store) as app:
        response, rss = asyncio.run(check(app))
    data = response.json()
    assert len(data["rows"]) == MAX_RETURNED_ROWS and data["truncated"]
    assert rss.peak - rss.baseline < 5 * MAX_RETURNED_ROWS * MAX_VALUE_BYTES


def test_a_limited_connection_refuses_long_sql_and_big_values() -> None:
    conn = sqlite3.connect(":memory:")
    limit_connection(conn)
    with pytest.raises(sqlite3.DataError, match="too large"):
        conn.execute("SELECT 1" + " " * MAX_SQL_BYTES)
    with pytest.raises(sqlite3.DataError, match="too big"):
        conn.execute("SELECT zeroblob(?)", (MAX_VALUE_BYTES + 1,))
    assert conn.execute("SELECT length(zeroblob(?))", (MAX_VALUE_BYTES,)).fetchone() == (
        MAX_VALUE_BYTES,
    )
    conn.close()


def _heap_limits() -> tuple[int, int]:
    conn = sqlite3.connect(":memory:")
    try:
        return (
            conn.execute("PRAGMA hard_heap_limit").fetchone()[0],
            conn.execute("PRAGMA soft_heap_limit").fetchone()[0],
        )
    finally:
        conn.close()


def test_heap_limits_hold_while_serving_and_are_restored_after(store: Path) -> None:
    before = _heap_limits()
    with datasette_app(store):
        assert _heap_limits() == (SQLITE_HEAP_LIMIT, SQLITE_SOFT_HEAP_LIMIT)
    assert _heap_limits() == before


def test_a_stored_value_up_to_the_bound_is_still_served(tmp_path: Path) -> None:
    db = make_store(tmp_path / "icc.sqlite")
    big = "长" * (MAX_VALUE_BYTES // 3 - 10)  # 3 bytes a character in UTF-8
    conn = sqlite3.connect(db)
    conn.execute("UPDATE positions SET text = ? WHERE id = 1", (big,))
    conn.commit()
    conn.close()

    async def check(app: Any) -> Any:
        return await _get(app, "/icc/positions.json?_shape=objects&id=1")

    with datasette_app(db) as app:
        data = asyncio.run(check(app))
    assert data["rows"][0]["text"] == big
