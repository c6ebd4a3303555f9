"""Query stage: find stored positions by free text and structured filters.

Input: the SQLite store, a free-text query (skill aliases expanded) and filters.
Output: `QueryRow`s, each with the source URL, the date and the sentence that matched, or a
one-line `QueryError` for a query beyond the bounds below (queries come from strangers).
"""

from __future__ import annotations

import re
import shlex
import sqlite3
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

# Sentence ends in Chinese and English text; a newline always ends a sentence.
_SENTENCE_END = re.compile(r"[。！？；;!?\n]|\.(?=\s)")
FTS_MIN_CHARS = 3  # FTS5 trigram cannot match shorter terms (海外, 英语): fall back to a scan
# Each term is one clause of the SQL: bound them so a pasted page cannot make a query that runs
# for minutes. The character bound is checked before splitting (shlex is slow on megabytes).
MAX_QUERY_TERMS = 64
MAX_TERM_CHARS = 256
MAX_QUERY_CHARS = MAX_QUERY_TERMS * MAX_TERM_CHARS
# No skill name or query pattern in analysis/vocab/skills.yaml spans more words than this (a test
# checks the names), so longer runs of words need not be tried as one skill phrase.
MAX_SKILL_PHRASE_WORDS = 8


class QueryError(ValueError):
    """A query this module refuses to run (too long, too many terms, not valid text)."""


@dataclass(frozen=True, slots=True)
class QueryFilters:
    skill: str | None = None
    language: str | None = None
    overseas: bool = False
    aigc: bool = False
    since: str | None = None  # YYYY-MM or YYYY-MM-DD, inclusive
    until: str | None = None  # YYYY-MM or YYYY-MM-DD, inclusive
    province: str | None = None
    employer: str | None = None
    source: str | None = None  # a source id (`icc-talent vocab sources`)
    limit: int | None = None

    def is_empty(self) -> bool:
        return not any(
            (
                self.skill,
                self.language,
                self.overseas,
                self.aigc,
                self.since,
                self.until,
                self.province,
                self.employer,
                self.source,
            )
        )


@dataclass(frozen=True, slots=True)
class QueryRow:
    position_id: int
    notice_id: int
    title: str
    employer: str | None
    province: str | None
    published: str | None
    url: str
    matched: str
    evidence: str
    # A position read from an attachment table: the attachment (URL and name), sheet and row.
    file: str | None = None
    file_name: str | None = None
    sheet: str | None = None
    row: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def provenance(self) -> str:
        """Where a position read from an attachment table is ("" for one split from text)."""
        return provenance_text(self.file_name or self.file, self.sheet, self.row)


def provenance_text(file_name: str | None, sheet: str | None, row: int | None) -> str:
    """Where a position's table row is, "岗位表.xlsx, sheet Sheet1, row 5"; "" for none."""
    if not file_name:
        return ""
    parts = [file_name, *([f"sheet {sheet}"] if sheet else [])]
    return ", ".join([*parts, *([f"row {row}"] if row is not None else [])])


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence of `text` that contains text[start:end], stripped."""
    left = 0
    for match in _SENTENCE_END.finditer(text, 0, start):
        left = match.end()
    following = _SENTENCE_END.search(text, end)
    right = following.end() if following else len(text)
    return text[left:right].strip()


def check_text(text: str, what: str = "query") -> None:
    """Raise QueryError unless `text` is valid Unicode (no lone surrogate) SQLite can bind."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise QueryError(
            f"{what} is not valid text (a lone surrogate or undecodable byte at character "
            f"{exc.start + 1})"
        ) from None


def parse_query(query: str) -> list[str]:
    """The query's terms (see split_terms), or QueryError when it exceeds the bounds."""
    check_text(query)
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(
            f"query is {len(query):,} characters long; at most {MAX_QUERY_CHARS:,} are allowed"
        )
    terms = split_terms(query)
    if len(terms) > MAX_QUERY_TERMS:
        raise QueryError(f"query has {len(terms):,} terms; at most {MAX_QUERY_TERMS} are allowed")
    longest = max(terms, key=len, default="")
    if len(longest) > MAX_TERM_CHARS:
        raise QueryError(
            f"a query term is {len(longest):,} characters long; "
            f"at most {MAX_TERM_CHARS} are allowed"
        )
    return terms


def split_terms(query: str) -> list[str]:
    """Whitespace-separated terms; quotes keep a phrase together ("Stable Diffusion")."""
    try:
        return [t for t in shlex.split(query) if t.strip()]
    except ValueError:  # an unbalanced quote: take the words as they are
        return [t for t in query.split() if t.strip()]


def group_skill_phrases(terms: list[str], resolve_skill: Callable[[str], str | None]) -> list[str]:
    """Join adjacent words that name a skill together (Stable Diffusion → one term), longest first.

    Tries at most MAX_SKILL_PHRASE_WORDS words from each position: linear in the term count.
    """
    grouped: list[str] = []
    i = 0
    while i < len(terms):
        for j in range(min(len(terms), i + MAX_SKILL_PHRASE_WORDS), i + 1, -1):
            phrase = " ".join(terms[i:j])
            if resolve_skill(phrase):
                grouped.append(phrase)
                i = j
                break
        else:
            grouped.append(terms[i])
            i += 1
    return grouped


def month_start(value: str) -> str:
    """'2024-01' → '2024-01-01'; a full date is kept."""
    return value if len(value) > 7 else f"{value}-01"


def month_end_exclusive(value: str) -> str:
    """'2024-06' → '2024-07-01'; '2024-06-15' → '2024-06-16' (the day after, for `<`)."""
    from datetime import date, timedelta

    if len(value) > 7:
        return (date.fromisoformat(value) + timedelta(days=1)).isoformat()
    year, month = (int(p) for p in value.split("-"))
    return f"{year + month // 12:04d}-{month % 12 + 1:02d}-01"


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def build_query(
    terms: list[str],
    filters: QueryFilters,
    resolve_skill: Callable[[str], str | None],
) -> tuple[str, list[Any], list[tuple[str, str]]]:
    """SQL + parameters; also the (kind, needle) list used afterwards to pick the evidence."""
    where: list[str] = []
    params: list[Any] = []
    needles: list[tuple[str, str]] = []

    def has_finding(field: str, value: str | None = None) -> None:
        sql = "EXISTS (SELECT 1 FROM findings f WHERE f.position_id = p.id AND f.field = ?"
        params.append(field)
        if value is not None:
            sql += " AND f.value = ?"
            params.append(value)
        where.append(sql + ")")

    for term in terms:
        skill = resolve_skill(term)
        if skill:
            has_finding("skill", skill)
            needles.append(("skill", skill))
        elif len(term) >= FTS_MIN_CHARS:
            where.append("p.id IN (SELECT rowid FROM positions_fts WHERE positions_fts MATCH ?)")
            params.append(_fts_phrase(term))
            needles.append(("text", term))
        else:
            where.append("instr(lower(p.title || char(10) || p.text), lower(?)) > 0")
            params.append(term)
            needles.append(("text", term))
    if filters.skill:
        has_finding("skill", filters.skill)
        needles.append(("skill", filters.skill))
    if filters.language:
        has_finding("language", filters.language.lower())
        needles.append(("language", filters.language.lower()))
    if filters.overseas:
        has_finding("overseas")
        needles.append(("overseas", ""))
    if filters.aigc:
        has_finding("aigc")
        needles.append(("aigc", ""))
    if filters.since:
        where.append("n.published >= ?")
        params.append(month_start(filters.since))
    if filters.until:
        where.append("n.published < ?")
        params.append(month_end_exclusive(filters.until))
    if filters.province:
        where.append("n.province = ?")
        params.append(province_filter(filters.province))
    if filters.employer:
        where.append("instr(lower(coalesce(n.employer, '')), lower(?)) > 0")
        params.append(filters.employer)
    if filters.source:
        where.append("n.source_id = ?")
        params.append(filters.source)
    sql = (
        "SELECT p.id AS position_id, n.id AS notice_id, p.title, p.text, n.employer, n.province,"
        " n.published, n.url, p.file, p.file_name, p.sheet, p.row"
        " FROM positions p JOIN notices n ON n.id = p.notice_id"
    )
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY n.published DESC, n.id, p.seq"
    if filters.limit:
        sql += " LIMIT ?"
        params.append(filters.limit)
    return sql, params, needles


def pick_evidence(
    conn: sqlite3.Connection,
    position_id: int,
    text: str,
    title: str,
    needles: list[tuple[str, str]],
) -> tuple[str, str]:
    """(what matched, the sentence that shows it) for the first needle that can be located."""
    for kind, needle in needles:
        if kind == "text":
            at = text.lower().find(needle.lower())
            if at >= 0:
                return needle, sentence_around(text, at, at + len(needle))
            if needle.lower() in title.lower():
                return needle, title
            continue
        sql = "SELECT value, span_start, span_end FROM findings WHERE position_id = ? AND field = ?"
        args: list[Any] = [position_id, kind]
        if needle:
            sql += " AND value = ?"
            args.append(needle)
        row = conn.execute(sql + " ORDER BY span_start LIMIT 1", args).fetchone()
        if row:
            return f"{kind}:{row[0]}", sentence_around(text, row[1], row[2])
    first_line = text.strip().split("\n", 1)[0]
    return "", first_line[:200]


def search_positions(
    conn: sqlite3.Connection,
    text: str | None,
    filters: QueryFilters,
    resolve_skill: Callable[[str], str | None],
) -> list[QueryRow]:
    """Every position matching all terms and filters; no terms and no filters lists them all.

    Raises QueryError (one line, naming the bound) for a query beyond the module's bounds.
    """
    for name in ("skill", "language", "province", "employer", "source"):
        value = getattr(filters, name)
        if value is not None:
            check_text(value, what=f"the {name} filter")
    filters = resolve_filters(conn, filters, resolve_skill)
    terms = group_skill_phrases(parse_query(text or ""), resolve_skill)
    sql, params, needles = build_query(terms, filters, resolve_skill)
    rows = []
    for r in conn.execute(sql, params):
        matched, evidence = pick_evidence(conn, r["position_id"], r["text"], r["title"], needles)
        rows.append(
            QueryRow(
                position_id=r["position_id"],
                notice_id=r["notice_id"],
                title=r["title"],
                employer=r["employer"],
                province=r["province"],
                published=r["published"],
                url=r["url"],
                matched=matched,
                evidence=evidence,
                file=r["file"],
                file_name=r["file_name"],
                sheet=r["sheet"],
                row=r["row"],
            )
        )
    return rows


def resolve_filters(
    conn: sqlite3.Connection,
    filters: QueryFilters,
    resolve_skill: Callable[[str], str | None],
) -> QueryFilters:
    """The filters with the ids the store keeps (--language Russian → ru, --skill SDXL →
    stable_diffusion), or QueryError naming the closest ids: an unknown name is an error,
    never a silent empty result."""
    from dataclasses import replace

    from analysis.names import UnknownName, resolve_language, resolve_source, skill_entries, suggest
    from analysis.store.reads import load_source_names

    language, skill, source = filters.language, filters.skill, filters.source
    try:
        if language:
            language = resolve_language(language)
        if skill:
            found = resolve_skill(skill)
            if found is None:
                raise UnknownName("skill", skill, suggest(skill, skill_entries()))
            skill = found
        if source:
            source = resolve_source(source, load_source_names(conn))
    except UnknownName as exc:
        raise QueryError(str(exc)) from None
    return replace(filters, language=language, skill=skill, source=source)


def province_filter(text: str) -> str:
    """`--province` in the store's one form (浙江 for 浙江, 浙江省, Zhejiang), or QueryError
    with the closest names: an unknown province is an error, never a silent empty result."""
    from analysis.provinces import normalise_province, suggest_provinces

    canonical = normalise_province(text)
    if canonical is None:
        close = suggest_provinces(text)
        hint = f"; did you mean {' or '.join(close)}?" if close else " (a provincial-level name)"
        raise QueryError(f"unknown province {text!r}{hint}")
    return canonical
