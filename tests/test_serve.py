"""Datasette over the store: facets and canned queries configured, search works, nothing written."""

from __future__ import annotations

import asyncio
import hashlib
import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from store_helpers import make_store

from analysis.serve import (
    CANNED_QUERIES,
    OVERVIEW_TABLE,
    ServeError,
    build_metadata,
    build_overview,
    datasette_app,
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
    assert {"month", "province"} <= {f for f in overview["facets"] if isinstance(f, str)}
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
    import sqlite3

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
    import sqlite3

    conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    params = {"skill": "translation", "language": "ru", "q": "海外"}
    for name, query in CANNED_QUERIES.items():
        conn.execute(query["sql"], params).fetchall(), name
    conn.close()
