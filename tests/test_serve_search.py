"""Datasette's own search box finds Chinese terms of any length (海外, 英语, 俄) and skill aliases,
as `icc-talent query` does; months facet newest first; `serve --save` writes files with which a
plain `datasette` serves the same pages (issue 13)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from store_helpers import make_store

from analysis.cli import cli
from analysis.query import QueryError
from analysis.serve import OVERVIEW_TABLE, datasette_app, write_config
from analysis.serve_search import TOKENIZE, build_fts_query, index_columns

pytest.importorskip("datasette")

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = (SHARED / "corpus" / "real_postings.jsonl", SHARED / "corpus" / "real_postings_2.jsonl")


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return make_store(tmp_path / "icc.sqlite")


@pytest.mark.parametrize(
    ("text", "grams", "chars"),
    [
        ("具有海外经历", "具有 有海 海外 外经 经历", "具 有 海 外 经 历"),
        ("俄", "俄", "俄"),
        ("英语，专业", "英语 _ 专业", "英 语 专 业"),  # punctuation: no 语专 across it
        ("Python编程", "Python 编程", "编 程"),  # adjacent scripts stay adjacent
        ("Stable Diffusion、AIGC", "Stable _ Diffusion _ AIGC", ""),
        ("", "", ""),
    ],
)
def test_index_columns(text: str, grams: str, chars: str) -> None:
    assert index_columns(text) == (grams, chars)


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("海外", 'grams : "海外"'),
        ("专业八级", 'grams : "专业 业八 八级"'),
        ("俄", 'chars : "俄"'),
        ("AI", 'grams : "AI"*'),  # a word is a prefix: AI finds AIGC
        ("ＡＩ", 'grams : "AI"*'),  # full-width, as pasted from a notice
        ("SDXL", 'skills : "stable_diffusion"'),  # the CLI's alias expansion
        ("Stable Diffusion", 'skills : "stable_diffusion"'),
        ("海外 英语", 'grams : "海外" AND grams : "英语"'),
        ('"', '""'),
        ("", '""'),
    ],
)
def test_build_fts_query(search: str, expected: str) -> None:
    assert build_fts_query(search) == expected


def test_build_fts_query_keeps_the_query_bounds() -> None:
    with pytest.raises(QueryError, match="at most"):
        build_fts_query("海外 " * 1000)


def _is_han(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff"


def _real_texts() -> list[str]:
    texts = []
    for path in CORPUS:
        if path.exists():
            with path.open(encoding="utf-8") as handle:
                texts += [json.loads(line)["text"] for line in handle if line.strip()]
    return texts


def _terms(texts: list[str], per_text: int = 12) -> list[str]:
    """Chinese substrings of 1 to 4 characters at fixed offsets of each text (deterministic)."""
    terms: set[str] = set()
    for text in texts:
        step = max(1, len(text) // per_text)
        for i in range(0, len(text), step):
            for n in (1, 2, 3, 4):
                term = text[i : i + n]
                if len(term) == n and all(_is_han(c) for c in term):
                    terms.add(term)
    return sorted(terms)


def test_search_equals_substring_on_real_postings() -> None:
    """The class of bug: the index must find a Chinese term wherever it occurs as a substring
    and nowhere else, whatever its length, on real notices."""
    texts = _real_texts()
    if not texts:
        pytest.skip("../shared/corpus is not available")
    conn = sqlite3.connect(":memory:")
    conn.execute(f'CREATE VIRTUAL TABLE t USING fts5(grams, chars, tokenize="{TOKENIZE}")')
    conn.executemany(
        "INSERT INTO t(rowid, grams, chars) VALUES (?, ?, ?)",
        ((i, *index_columns(text)) for i, text in enumerate(texts)),
    )
    terms = [t for t in _terms(texts) if not build_fts_query(t).startswith("skills")]
    assert len(terms) > 1000
    wrong = []
    for term in terms:
        found = {
            r[0]
            for r in conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (build_fts_query(term),))
        }
        expected = {i for i, text in enumerate(texts) if term in text}
        if found != expected:
            wrong.append(term)
    assert not wrong, f"{len(wrong)} of {len(terms)} terms differ, e.g. {wrong[:5]}"


async def _get(app: Any, path: str) -> Any:
    response = await app.client.get(path)
    assert response.status_code == 200, (path, response.text[:300])
    return response.json()


def _search_path(term: str) -> str:
    return f"/overview/{OVERVIEW_TABLE}.json?_shape=objects&_search={urllib.parse.quote(term)}"


SEARCHES = {  # term → titles found, as `icc-talent query TERM` finds them
    "海外": {"AIGC内容编辑", "俄语记者"},
    "英语": {"AIGC内容编辑"},
    "俄": {"俄语记者"},
    "SDXL": {"AIGC内容编辑"},
    "专业八级": {"俄语记者"},
    "AI": {"AIGC内容编辑"},
}


def test_table_search_box_finds_short_terms_like_the_cli(store: Path) -> None:
    async def check(app: Any) -> None:
        for term, titles in SEARCHES.items():
            data = await _get(app, _search_path(term))
            assert {r["title"] for r in data["rows"]} == titles, term
            cli_rows = CliRunner().invoke(
                cli, ["query", term, "--db", str(store), "--format", "json"]
            )
            assert {r["title"] for r in json.loads(cli_rows.output)} == titles, term

    with datasette_app(store) as app:
        asyncio.run(check(app))


def test_month_facet_lists_newest_first(store: Path) -> None:
    async def check(app: Any) -> list[str]:
        data = await _get(app, f"/overview/{OVERVIEW_TABLE}.json?_shape=objects")
        facets = data["facet_results"]
        facets = facets.get("results", facets)
        return [r["value"] for r in facets["month"]["results"]]

    with datasette_app(store) as app:
        assert asyncio.run(check(app)) == ["2024-02", "2024-01"]


def test_store_page_leads_with_positions_and_notices(store: Path) -> None:
    async def check(app: Any) -> tuple[Any, str]:
        page = await app.client.get(f"/{store.stem}")
        return await _get(app, f"/{store.stem}.json"), page.text

    with datasette_app(store) as app:
        data, html = asyncio.run(check(app))
    shown = [t["name"] for t in data["tables"] if not t["hidden"]]
    assert set(shown) == {"findings", "notices", "pages", "positions", "sources"}
    # Datasette lists tables alphabetically: the description above the list leads with these.
    first_links = [html.find(f'href="/{store.stem}/{t}"') for t in ("positions", "notices")]
    assert 0 < first_links[0] < first_links[1] < html.find(f'href="/{store.stem}/findings"')


def _plain_datasette_get(command: tuple[str, ...], path: str) -> Any:
    """`datasette …` exactly as `serve --save` printed it, with --get: no server, one request."""
    assert command[0] == "datasette"
    run = subprocess.run(
        [sys.executable, "-m", "datasette", *command[1:], "--get", path],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout)


def test_saved_config_serves_what_serve_shows(store: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--db", str(store), "--save", str(tmp_path / "ds")])
    assert result.exit_code == 0, result.output
    assert "datasette " in result.output and "metadata.yml" in result.output
    config = write_config(store, tmp_path / "ds")
    paths = [
        f"/overview/{OVERVIEW_TABLE}.json?_shape=objects",
        _search_path("海外"),
        _search_path("SDXL"),
        f"/{store.stem}/roles_with_skill.json?_shape=objects&skill=stable_diffusion",
    ]

    async def in_process(app: Any) -> list[Any]:
        return [await _get(app, p) for p in paths]

    with datasette_app(store) as app:
        served = asyncio.run(in_process(app))
    for path, expected in zip(paths, served, strict=True):
        plain = _plain_datasette_get(config.command, path)
        assert plain["rows"] == expected["rows"], path
        if "facet_results" in expected:
            assert plain["facet_results"] == expected["facet_results"], path
    assert [r["title"] for r in served[1]["rows"]] != []
