"""Normalise stage: skills from the taxonomy in analysis/vocab/skills.yaml.

Input: one cleaned position text (clean_text output).
Output: Findings with field "skill", value = skill id, detail["esco"] where the taxonomy has one;
one finding per skill, evidenced by its first occurrence.

Literal aliases come from the shared pre-scan (one Aho-Corasick pass over the lower-cased text); the few regex
patterns run on the same lower-cased text; ambiguous short forms (SD, MJ, PS, PR, AE) need context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from analysis.models import Evidence, Finding
from analysis.normalise.context import load_vocab, lower_same_length, prescan, register_words
from analysis.normalise.guard import guarded, required_words

__all__ = [
    "detect_skills",
    "lower_same_length",
    "skill_families",
    "skill_for_alias",
    "skills_version",
]


@dataclass(frozen=True, slots=True)
class _Contextual:
    skill: str
    triggers: tuple[str, ...]
    pattern: re.Pattern[str]
    context: re.Pattern[str]
    window: int


@dataclass(frozen=True, slots=True)
class _Taxonomy:
    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    # Pre-scan owner of the words one of which every match of the pattern of the same index
    # holds ("" when no such words are known: the pattern always runs).
    pattern_words: tuple[str, ...]
    contextual: tuple[_Contextual, ...]
    esco: dict[str, str]
    families: dict[str, str]
    order: dict[str, int]
    names: dict[str, str]  # lower-cased id, label, alias or query alias → skill id
    version: str


@cache
def _taxonomy() -> _Taxonomy:
    data = load_vocab("skills")
    words: dict[str, str] = {}  # lower-cased alias → skill id, or "" for a block term
    patterns: list[tuple[str, re.Pattern[str]]] = []
    contextual: list[_Contextual] = []
    esco: dict[str, str] = {}
    families: dict[str, str] = {}
    order: dict[str, int] = {}
    names: dict[str, str] = {}
    for i, entry in enumerate(data["skills"]):
        sid = entry["id"]
        order[sid] = i
        for name in [
            sid,
            entry.get("label_en"),
            entry.get("label_zh"),
            *entry.get("aliases", []),
            *entry.get("query_aliases", []),
        ]:
            if name:
                names.setdefault(str(name).lower(), sid)
        families[sid] = entry.get("family", "other")
        if entry.get("esco"):
            esco[sid] = entry["esco"]
        for term in entry.get("aliases", []):
            words[str(term).lower()] = sid
        for term in entry.get("block", []):
            words[str(term).lower()] = ""
        # One scan per pattern: each starts with a literal, which re scans fast; an alternation
        # of them would not.
        patterns.extend((sid, re.compile(p)) for p in entry.get("patterns", []))
        for c in entry.get("contextual", []):
            contextual.append(
                _Contextual(
                    sid,
                    tuple(c["triggers"]),
                    guarded(re.compile(c["re"])),
                    guarded(re.compile(c["context"])),
                    int(c["window"]),
                )
            )
    register_words("skill", words)
    return _Taxonomy(
        patterns=tuple(patterns),
        pattern_words=tuple(_register_pattern_words(i, p) for i, (_, p) in enumerate(patterns)),
        contextual=tuple(contextual),
        esco=esco,
        families=families,
        order=order,
        names=names,
        version=str(data["version"]),
    )


def _register_pattern_words(index: int, pattern: re.Pattern[str]) -> str:
    """Register the words every match of a skill pattern holds with the pre-scan; its owner."""
    words = required_words(pattern)
    if words is None:
        return ""
    owner = f"skill-pattern:{index}"
    register_words(owner, dict.fromkeys(words))
    return owner


def skills_version() -> str:
    """The `version:` of analysis/vocab/skills.yaml."""
    return _taxonomy().version


def skill_families() -> dict[str, str]:
    """Skill id → the role family it points to (used by roles.classify_role_family)."""
    return dict(_taxonomy().families)


def skill_for_alias(term: str) -> str | None:
    """The skill id a search term names ("SDXL" → stable_diffusion, "翻译" → translation), or None.

    Exact matches only (id, labels, aliases, query aliases, or a whole-term pattern match), case-
    insensitive, after clean_text: "SD卡" names no skill.
    """
    from analysis.normalise.text import clean_text

    tax = _taxonomy()
    key = clean_text(term).strip()
    low = key.lower()
    if not low:
        return None
    if low in tax.names:
        return tax.names[low]
    for sid, pattern in tax.patterns:
        if pattern.fullmatch(low):
            return sid
    return None


def _word_edges_ok(low: str, start: int, end: int) -> bool:
    """An alias that starts/ends with a Latin letter or digit must start/end a word."""
    if low[start].isascii() and low[start].isalnum() and start > 0:
        prev = low[start - 1]
        if prev.isascii() and prev.isalnum():
            return False
    if low[end - 1].isascii() and low[end - 1].isalnum() and end < len(low):
        nxt = low[end]
        if nxt.isascii() and nxt.isalnum():
            return False
    return True


def _literal_hits(text: str, low: str) -> list[tuple[int, int, str]]:
    """All alias hits as (start, end, skill id), dropping hits inside a longer hit."""
    hits: list[tuple[int, int, str]] = []
    for start, end, sid in prescan(text).get("skill", ()):
        if _word_edges_ok(low, start, end):
            hits.append((start, end, sid))
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    kept: list[tuple[int, int, str]] = []
    cover_end = -1
    for h in hits:
        if h[1] <= cover_end:  # inside an earlier, longer hit (机器翻译 ⊃ 翻译)
            continue
        kept.append(h)
        cover_end = max(cover_end, h[1])
    return [h for h in kept if h[2]]


def _finding(tax: _Taxonomy, sid: str, text: str, start: int, end: int) -> Finding:
    detail: dict[str, Any] = {"esco": tax.esco[sid]} if sid in tax.esco else {}
    return Finding("skill", sid, Evidence.of(text, start, end), detail=detail)


def detect_skills(text: str) -> list[Finding]:
    """One finding per skill found in `text`, in taxonomy order, evidenced by the first hit.

    Ambiguous short forms (SD, MJ, PS, PR, AE) count only next to words of their own field, so
    "SD卡" or "SD card" never gives stable_diffusion.
    """
    tax = _taxonomy()
    low = lower_same_length(text)
    first: dict[str, tuple[int, int]] = {}
    for start, end, sid in _literal_hits(text, low):
        if sid not in first or start < first[sid][0]:
            first[sid] = (start, end)
    found = prescan(text)
    for (sid, pattern), owner in zip(tax.patterns, tax.pattern_words, strict=True):
        if owner and owner not in found:
            continue  # none of the words every match holds is in the text
        for m in pattern.finditer(low):
            if _word_edges_ok(low, m.start(), m.end()):
                if sid not in first or m.start() < first[sid][0]:
                    first[sid] = (m.start(), m.end())
                break
    for c in tax.contextual:
        if c.skill in first or not any(t in text for t in c.triggers):
            continue
        for m in c.pattern.finditer(text):
            lo, hi = max(0, m.start() - c.window), min(len(text), m.end() + c.window)
            if c.context.search(text, lo, m.start()) or c.context.search(text, m.end(), hi):
                first[c.skill] = (m.start(), m.end())
                break
    return [
        _finding(tax, sid, text, *first[sid]) for sid in sorted(first, key=tax.order.__getitem__)
    ]
