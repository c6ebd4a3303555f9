"""Hostile queries (issue 14): each returns rows or raises the query module's one-line
QueryError, quickly; grouping skill phrases is linear in the term count.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator

import pytest

from analysis.normalise.skills import _taxonomy, skill_for_alias
from analysis.query import (
    MAX_QUERY_TERMS,
    MAX_SKILL_PHRASE_WORDS,
    QueryError,
    QueryFilters,
    group_skill_phrases,
    search_positions,
)
from analysis.store import connect
from benchmarks.attack_query import HOSTILE_QUERIES, build_store

QUICK_SECONDS = 2.0  # the slowest takes ~20 ms on a laptop; before the bounds, > 120 s

REFUSED = {
    "5,000 one-letter terms": "query has 5,000 terms; at most 64 are allowed",
    "65 terms (one over the limit)": "query has 65 terms; at most 64 are allowed",
    "5,000 skill words": "at most 16,384 are allowed",
    "one 100,000-char term": "query is 100,000 characters long; at most 16,384 are allowed",
    "one 100,000-char CJK term": "query is 100,000 characters long",
    "one 257-char term": "a query term is 257 characters long; at most 256 are allowed",
    "lone surrogate": "query is not valid text",
    "surrogate-escaped byte": "query is not valid text",
}


@pytest.fixture(scope="module")
def conn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    db = build_store(tmp_path_factory.mktemp("attack") / "store.sqlite", positions=30)
    conn = connect(db)
    yield conn
    conn.close()


@pytest.mark.parametrize(("name", "query"), HOSTILE_QUERIES, ids=[n for n, _ in HOSTILE_QUERIES])
def test_a_hostile_query_returns_rows_or_a_clean_error_quickly(
    conn: sqlite3.Connection, name: str, query: str
) -> None:
    start = time.perf_counter()
    try:
        search_positions(conn, query, QueryFilters(), skill_for_alias)
        refusal = None
    except QueryError as exc:
        refusal = str(exc)
    assert time.perf_counter() - start < QUICK_SECONDS
    if name in REFUSED:
        assert refusal is not None and REFUSED[name] in refusal
        assert "\n" not in refusal
    else:
        assert refusal is None


def test_operators_are_searched_as_words_not_run(conn: sqlite3.Connection) -> None:
    rows = search_positions(conn, "AND OR NOT", QueryFilters(), skill_for_alias)
    assert {r.title for r in rows} == {"俄语记者"}


def test_a_filter_with_a_lone_surrogate_is_refused(conn: sqlite3.Connection) -> None:
    with pytest.raises(QueryError, match="the employer filter is not valid text"):
        search_positions(conn, "", QueryFilters(employer="\udcff"), skill_for_alias)


def test_the_term_limit_itself_is_allowed(conn: sqlite3.Connection) -> None:
    query = " ".join(["海外"] * MAX_QUERY_TERMS)
    assert search_positions(conn, query, QueryFilters(), skill_for_alias)


def test_grouping_tries_a_bounded_number_of_phrases_per_term() -> None:
    calls: list[str] = []

    def resolve(phrase: str) -> str | None:
        calls.append(phrase)
        return "stable_diffusion" if phrase == "stable diffusion" else None

    terms = ["x"] * 5000 + ["stable", "diffusion"]
    assert group_skill_phrases(terms, resolve)[-1] == "stable diffusion"
    assert len(calls) <= len(terms) * MAX_SKILL_PHRASE_WORDS
    assert max(len(c.split()) for c in calls) <= MAX_SKILL_PHRASE_WORDS


def test_no_skill_name_is_longer_than_the_phrase_bound() -> None:
    longest = max(_taxonomy().names, key=lambda name: len(name.split()))
    assert len(longest.split()) <= MAX_SKILL_PHRASE_WORDS, longest


def test_grouping_keeps_the_longest_phrase_first() -> None:
    def resolve(phrase: str) -> str | None:
        return phrase if phrase in {"a b", "a b c"} else None

    assert group_skill_phrases(["a", "b", "c", "d"], resolve) == ["a b c", "d"]
