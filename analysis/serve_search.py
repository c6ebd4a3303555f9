"""Serve stage: Datasette's own search box for Chinese terms of any length, and month facets in
time order, as a Datasette plugin.

Input: position texts (to index) and what a user types in the search box.
Output: the index columns of the overview's full-text table (CJK character bigrams and single
characters, other words whole, skill ids) and the FTS5 query a typed search becomes; the plugin
hooks that install that query as the overview database's `escape_fts` and add a `month` facet.

FTS5's trigram tokenizer cannot match terms under three characters (海外, 英语: the most common
searches) and SQLite has no CJK word tokenizer, so the overview indexes text as the bigrams of
every run of Chinese characters (with unicode61): a term of n ≥ 2 characters is the phrase of its
n - 1 bigrams, a one-character term is looked up among the single characters.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from functools import cache
from typing import Any

from datasette import hookimpl

from analysis.query import QueryError, group_skill_phrases, parse_query

OVERVIEW_DB = "overview"
TOKENIZE = "unicode61 tokenchars '_'"  # '_' keeps skill ids (stable_diffusion) one token
# Han ideographs: unified, extension A, compatibility, and the supplementary-plane extensions.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_RUN = re.compile(rf"(?P<han>[{_HAN}]+)|(?P<word>[^\W_{_HAN}]+)")
BOUNDARY = "_"  # a token of its own (tokenchars '_'), where two runs were not adjacent
MONTH_FACET = "month"  # the facet type: a column facet listed newest month first


def index_columns(text: str) -> tuple[str, str]:
    """(grams, chars) of `text` for the FTS table: `grams` holds each run of Chinese characters
    as its overlapping bigrams (a lone character as itself) and every other word whole, in text
    order, with BOUNDARY wherever something else (a space, punctuation) stood between two, so
    that a phrase of bigrams never spans 英语，专业; `chars` holds each Chinese character.
    Linear in the text."""
    grams: list[str] = []
    chars: list[str] = []
    end = -1
    for m in _RUN.finditer(text):
        if grams and m.start() != end:
            grams.append(BOUNDARY)
        end = m.end()
        run = m.group("han")
        if run is None:
            grams.append(m.group("word"))
            continue
        chars.extend(run)
        grams.extend([run] if len(run) == 1 else (run[i : i + 2] for i in range(len(run) - 1)))
    return " ".join(grams), " ".join(chars)


def _term_query(term: str) -> str | None:
    """One search term as an FTS5 expression over the index columns, or None if it holds no
    word. A term's last word other than Chinese is a prefix (AI finds AIGC, Diffus Diffusion)."""
    grams, chars = index_columns(unicodedata.normalize("NFKC", term))
    if not grams:
        return None
    if len(chars) == 1 and grams == chars:  # one Chinese character alone: look among chars
        return f'chars : "{chars}"'
    last = _RUN.fullmatch(grams.rsplit(" ", 1)[-1])
    prefix = "*" if last is not None and last.group("word") else ""
    return f'grams : "{grams}"{prefix}'


def build_fts_query(search: str) -> str:
    """What the search box's text becomes: every term must match (as in `icc-talent query`);
    a skill name or alias (SDXL, "Stable Diffusion", 翻译) matches the positions the normaliser
    found the skill in (never "SD卡"), other terms match as substrings of Chinese text.
    Raises QueryError for a search beyond analysis.query's bounds."""
    from analysis.normalise.skills import skill_for_alias

    clauses: list[str] = []
    for term in group_skill_phrases(parse_query(search), skill_for_alias):
        skill = skill_for_alias(term)
        clause = f'skills : "{skill}"' if skill else _term_query(term)
        if clause:
            clauses.append(clause)
    return " AND ".join(clauses) or '""'  # nothing to look for matches no row


def escape_fts(search: str) -> str:
    """`build_fts_query` as the SQL function Datasette calls; an over-long search is an error
    whose message SQLite passes on (never a silent empty page)."""
    try:
        return build_fts_query(search)
    except QueryError as exc:
        raise ValueError(str(exc)) from None


# --------------------------------------------------------------------------- plugin hooks
# Datasette registers these from `icc-talent serve` (serve._register_plugins) or, for a plain
# `datasette … --plugins-dir`, from the one-line plugin file `serve.write_config` writes.


@hookimpl(trylast=True)  # after Datasette's own prepare_connection, which sets escape_fts
def prepare_connection(conn: sqlite3.Connection, database: str) -> None:
    """Every connection is bounded (serve.limit_connection); on the overview database, the
    search box's text goes through `build_fts_query`."""
    from analysis.serve import limit_connection

    limit_connection(conn)
    if database == OVERVIEW_DB:
        # Load the skill vocabulary now: the first search would otherwise spend the request's
        # SQL time limit (a second) compiling it inside the query.
        build_fts_query("warm")
        conn.create_function("escape_fts", 1, escape_fts, deterministic=True)


@hookimpl
def register_facet_classes() -> list[type]:
    return [month_facet_class()]


@cache
def month_facet_class() -> type:
    """A column facet (metadata `{"month": "<column>"}`) listing every value newest first:
    Datasette's column facet orders by count, which scrambles a time line."""
    from datasette.facets import ColumnFacet

    class MonthFacet(ColumnFacet):  # type: ignore[misc]
        type = MONTH_FACET

        async def suggest(self) -> list[Any]:
            return []  # the column facet already suggests the column

        def get_facet_size(self) -> int:
            return int(self.ds.setting("max_returned_rows"))  # every month, not the top 30

        async def facet_results(self) -> tuple[list[dict[str, Any]], list[str]]:
            results, timed_out = await super().facet_results()
            for facet in results:
                facet["results"].sort(key=lambda row: str(row["value"]), reverse=True)
            return results, timed_out

    return MonthFacet
