"""Benchmark: time of `search_positions` for each hostile query (issue 14).

Input: `--positions N` (default 2,000) generated positions, written to a temporary store.
Output: one line per hostile query: its name, its length, the wall time and either the number
of rows or the clean `QueryError` it raised. Run: `python -m benchmarks.attack_query`.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from analysis.models import Evidence, FetchedPage, Finding, NormalisedNotice, Position
from analysis.normalise.skills import skill_for_alias
from analysis.query import QueryError, QueryFilters, search_positions
from analysis.source import Source
from analysis.store import connect, save_notice, save_page, save_sources, transaction

TEXTS = (
    ("AIGC内容编辑", "熟练使用Stable Diffusion生成图片，英语六级，有海外留学经历。", "Stable Diffusion"),
    ("俄语记者", "俄语专业八级，负责海外新闻采访，AND OR NOT NEAR 都是普通词。", "俄语"),
    ("英语编辑", "负责中译英稿件的翻译与审校，英语专业八级。", "翻译"),
)  # fmt: skip

# (name, query): every one must return rows or raise QueryError, quickly.
HOSTILE_QUERIES: tuple[tuple[str, str], ...] = (
    ("5,000 one-letter terms", "x " * 5000),
    ("5,000 skill words", "Stable Diffusion " * 2500),
    ("65 terms (one over the limit)", " ".join(f"t{i}" for i in range(65))),
    ("64 distinct terms", " ".join(f"词{i}" for i in range(64))),
    ("64 terms of 255 chars", " ".join(chr(0x4E00 + i) * 255 for i in range(64))),
    ("one 257-char term", "海外" + "a" * 255),
    ("one 100,000-char term", "a" * 100_000),
    ("one 100,000-char CJK term", "海" * 100_000),
    ("unbalanced double quote", 'Stable "Diffusion'),
    ("unbalanced single quote", "it's 海外"),
    ("only quotes", '"""'),
    ("FTS operators", "AND OR NOT"),
    ("NEAR group", "NEAR(Stable Diffusion, 5)"),
    ("prefix star", "Sta* 俄*"),
    ("caret", "^Stable"),
    ("column filter", "title:AIGC"),
    ("column set", "{title text}: AIGC"),
    ("lone double quote", '"'),
    ("colon", ":"),
    ("minus", "-海外"),
    ("lone surrogate", "Stable \ud800 Diffusion"),
    ("surrogate-escaped byte", "\udcff海外"),
    ("NUL inside a term", "Stable\x00Diffusion"),
    ("only NUL", "\x00"),
    ("backslashes", "\\\\\\ 海外 \\"),
)


def build_store(db: Path, positions: int) -> Path:
    """A store of `positions` positions cycling through TEXTS, each with a skill finding."""
    conn = connect(db)
    save_sources(conn, [Source(id="yn", name="云岭国际传播中心", province="云南")])
    with transaction(conn):
        for i in range(positions):
            title, text, needle = TEXTS[i % len(TEXTS)]
            at = text.index(needle)
            skill = skill_for_alias(needle) or "translation"
            finding = Finding("skill", skill, Evidence.of(text, at, at + len(needle)), True)
            notice = NormalisedNotice(
                url=f"http://yn.test/n/{i}",
                title=f"招聘公告{i}",
                text=text,
                employer="云岭国际传播中心",
                published=date(2024, 1 + i % 12, 5),
                deadline=None,
                positions=[Position(seq=1, title=title, text=text, findings=[finding])],
                taxonomy_version="t1",
            )
            page = FetchedPage(
                url=notice.url,
                source_id="yn",
                status=200,
                fetched_at=datetime(2024, 3, 1, tzinfo=UTC),
                content_hash=f"h{i}",
                page_kind="notice",
            )
            page_id = save_page(conn, page, None)
            save_notice(
                conn,
                page_id,
                notice,
                source=Source(id="yn", name="云岭国际传播中心", province="云南"),
            )
    conn.close()
    return db


def time_query(conn: sqlite3.Connection, query: str) -> tuple[float, str]:
    """(seconds, outcome) of one search: '<n> rows' or 'QueryError: <message>'."""
    start = time.perf_counter()
    try:
        rows = search_positions(conn, query, QueryFilters(), skill_for_alias)
        outcome = f"{len(rows)} rows"
    except QueryError as exc:
        outcome = f"QueryError: {exc}"
    return time.perf_counter() - start, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--positions", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        conn = connect(build_store(Path(tmp) / "attack.sqlite", args.positions))
        try:
            for name, query in HOSTILE_QUERIES:
                seconds, outcome = time_query(conn, query)
                print(f"{seconds * 1000:9.1f} ms  {name:32} {len(query):7} chars  {outcome[:90]}")
        finally:
            conn.close()


if __name__ == "__main__":
    main()
