"""Relevance filter for mixed sources: does a notice concern international communication?

Input: a notice's title and employer (as listed by a personnel portal or an aggregator), the
normaliser's findings on its positions, and the registry's body names and aliases (the caller
loads them). Output: a `Relevance` with the decision, the rule that decided it and its evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from analysis.models import Evidence, Finding
from analysis.normalise.context import load_vocab
from analysis.normalise.text import clean_text

__all__ = ["REASONS", "Relevance", "is_relevant", "name_variants", "relevance_version"]

# Why a notice was kept (all but the last two) or not (the last two), strongest rule first.
REASONS = (
    "registry",  # employer or title names a registry body or alias
    "international",  # 国际传播, 外宣 …
    "media",  # a media group, newspaper, broadcaster, publisher …
    "language",  # a foreign-language or translation post in the title
    "finding",  # a position asks for a foreign language or a translation skill
    "overseas",  # a weak overseas word with no exclusion word beside it
    "excluded",  # a weak overseas word vetoed by an institution word (医院, 大学 …)
    "none",
)
# The 日 of a date, with the verb 报 that often follows it ("3月1日报社会化招聘", "5日报名",
# "5日语言测试"), must not start 日报社, 报社 or 日语: it is masked (same length, so offsets still
# index the cleaned text) before any word is looked up.
_DAY = re.compile(r"(?<=[0-9\u3007零一二三四五六七八九十])日报?")


@dataclass(frozen=True, slots=True)
class Relevance:
    """The decision on one notice: `reason` is one of REASONS; `source` says where `evidence` is.

    `source` is "title" or "employer" (evidence offsets index clean_text of that field) or
    "finding" (the finding's own evidence); both are None when nothing matched.
    """

    relevant: bool
    reason: str
    source: str | None = None
    evidence: Evidence | None = None


@dataclass(frozen=True, slots=True)
class _Vocab:
    version: str
    strong: tuple[tuple[str, re.Pattern[str]], ...]  # (reason, pattern), strongest first
    weak: re.Pattern[str]
    exclusions: re.Pattern[str]
    finding_skills: frozenset[str]
    native_languages: frozenset[str]
    min_registry_name: int


def _alternation(words: Iterable[str]) -> re.Pattern[str]:
    """One regex over literal `words`, longest first (so 日报社 wins over 报社)."""
    uniq = sorted(set(words), key=lambda w: (-len(w), w))
    return re.compile("|".join(map(re.escape, uniq)) if uniq else "(?!)")


def _english(words: Iterable[str]) -> re.Pattern[str]:
    """Whole English words or phrases, any case (longest first)."""
    uniq = sorted(set(words), key=lambda w: (-len(w), w))
    if not uniq:
        return re.compile("(?!)")
    return re.compile(r"\b(?:" + "|".join(map(re.escape, uniq)) + r")\b", re.IGNORECASE)


def _guarded(words: Iterable[str], not_followed_by: dict[str, list[str]]) -> re.Pattern[str]:
    """Like `_alternation`, but a word ending in one of `not_followed_by`'s keys does not match
    when one of its characters follows (泰文 in 文泰文化, 外文 in 中外文化)."""
    uniq = sorted(set(words), key=lambda w: (-len(w), w))
    parts = []
    for word in uniq:
        after = not_followed_by.get(word[-1], [])
        guard = f"(?![{re.escape(''.join(after))}])" if after else ""
        parts.append(re.escape(word) + guard)
    return re.compile("|".join(parts) if parts else "(?!)")


def _names(table: dict[str, Any], script: str, skip: frozenset[str] = frozenset()) -> list[str]:
    return [n for code, names in table.items() if code not in skip for n in names.get(script, [])]


@cache
def _vocab() -> _Vocab:
    data = load_vocab("relevance")
    native = frozenset(data["native_languages"])
    language_table = load_vocab("languages")["languages"]
    languages = _names(language_table, "zh", native)
    countries = _names(load_vocab("overseas")["countries"], "zh")
    english = data.get("english") or {}
    guard = data.get("language_not_followed_by") or {}
    strong = (
        ("international", _alternation(data["international"])),
        ("international", _english(english.get("international", []))),
        ("media", _alternation(data["media"])),
        ("media", _english(english.get("media", []))),
        ("language", _guarded([*data["language"], *languages], guard)),
        (
            "language",
            _english([*english.get("language", []), *_names(language_table, "en", native)]),
        ),
    )
    return _Vocab(
        version=str(data["version"]),
        strong=strong,
        weak=_alternation([*data["weak"], *countries]),
        exclusions=_alternation(data["exclusions"]),
        finding_skills=frozenset(data["finding_skills"]),
        native_languages=native,
        min_registry_name=int(data["min_registry_name"]),
    )


def relevance_version() -> str:
    """The `version:` of analysis/vocab/relevance.yaml."""
    return _vocab().version


_BRACKETED = re.compile(r"[(（]([^()（）]+)[)）]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_ACRONYM = re.compile(r"[A-Z]{4,}")  # GWICC, HZICC: shorter ones collide with ordinary words


def name_variants(name: str) -> list[str]:
    """A registry name and, when a bracket holds the same name in the other script (a
    translation) or an acronym of 4+ capitals, both halves: "Beijing Review (北京周报)" is also
    "Beijing Review" and "北京周报". A bracket in the same script is a qualifier, not a name
    ("大湾区(南沙)国际传播中心", "浙江省记协 (国际传播)"): no variant."""
    name = name.strip()
    outer = _BRACKETED.sub(" ", name).strip()
    inner = [
        m.group(1).strip()
        for m in _BRACKETED.finditer(name)
        if bool(_HAN.search(m.group(1))) != bool(_HAN.search(outer))
        or _ACRONYM.fullmatch(m.group(1).strip())
    ]
    variants = [name, outer, *inner] if inner else [name]
    return [v for v in dict.fromkeys(variants) if v]


@lru_cache(maxsize=8)
def _registry_pattern(names: tuple[str, ...], min_len: int) -> re.Pattern[str]:
    # Cached per registry: callers pass the same names for every notice of a crawl.
    cleaned = (clean_text(v) for n in names for v in name_variants(n))
    return _alternation(n for n in cleaned if len(n) >= min_len)


@dataclass(frozen=True, slots=True)
class _Field:
    source: str  # "title" | "employer"
    text: str  # clean_text of the field: evidence offsets index it
    masked: str  # `text` with date 日 masked: words are looked up here


def _field(source: str, raw: str | None) -> _Field:
    text = clean_text(raw)
    return _Field(source, text, _DAY.sub(lambda m: "\x00" * len(m.group()), text))


def _first(pattern: re.Pattern[str], fields: list[_Field]) -> tuple[str, Evidence] | None:
    for f in fields:
        m = pattern.search(f.masked)
        if m:
            return f.source, Evidence.of(f.text, m.start(), m.end())
    return None


def _finding_match(findings: Iterable[Finding], v: _Vocab) -> Finding | None:
    for f in findings:
        if f.field == "language" and f.value not in v.native_languages:
            return f
        if f.field == "certificate" and f.detail.get("language") not in (None, *v.native_languages):
            return f
        if f.field == "skill" and f.value in v.finding_skills:
            return f
    return None


def is_relevant(
    title: str,
    employer: str | None,
    findings: Iterable[Finding] = (),
    registry_names: Iterable[str] = (),
) -> Relevance:
    """Decide whether a notice from a mixed source concerns international communication.

    Strong signals (a registry name, international-communication, media or language words, a
    finding) keep it whatever else is named; a weak overseas word keeps it unless an exclusion
    word (医院, 大学, 公安 …) is present too.
    """
    v = _vocab()
    fields = [f for f in (_field("title", title), _field("employer", employer)) if f.text]
    names = tuple(registry_names)
    if names:
        hit = _first(_registry_pattern(names, v.min_registry_name), fields)
        if hit:
            return Relevance(True, "registry", *hit)
    for reason, pattern in v.strong:
        hit = _first(pattern, fields)
        if hit:
            return Relevance(True, reason, *hit)
    found = _finding_match(findings, v)
    if found is not None:
        return Relevance(True, "finding", "finding", found.evidence)
    weak = _first(v.weak, fields)
    if weak is None:
        return Relevance(False, "none")
    veto = _first(v.exclusions, fields)
    if veto is not None:
        return Relevance(False, "excluded", *veto)
    return Relevance(True, "overseas", *weak)
