"""Query stage, shared vocabulary: the names a user may type for a skill, a language or a source.

Input: a name as typed (stable_diffusion, Stable Diffusion, SDXL; ru, Russian, 俄语; a source id).
Output: the id the store keeps, or `UnknownName` naming the closest ids ("did you mean …?"), so
that a misspelt filter is an error instead of a silent empty result; and the listings of
`icc-talent vocab`. The vocabularies are the data files in analysis/vocab/.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from analysis.normalise.context import load_vocab

# difflib compares every candidate with the typed name (quadratic in their lengths): a name
# longer than any vocabulary entry is cut before comparing, so a pasted page costs no more.
MAX_SUGGEST_CHARS = 64
SUGGESTIONS = 3
CUTOFF = 0.6


class UnknownName(ValueError):
    """A name that is no id, label or alias of the vocabulary; the message holds suggestions."""

    def __init__(self, kind: str, text: str, suggestions: Sequence[str]) -> None:
        self.kind, self.text, self.suggestions = kind, text, tuple(suggestions)
        hint = f"; did you mean {' or '.join(self.suggestions)}?" if suggestions else ""
        super().__init__(
            f"unknown {kind} {text!r}{hint} (`icc-talent vocab {kind}s` lists them all)"
        )


@dataclass(frozen=True, slots=True)
class Entry:
    """One vocabulary entry: the id the store keeps and every other name it answers to."""

    id: str
    names: tuple[str, ...]


def fold(text: str) -> str:
    """The comparison key of a name: NFKC, case-folded, without spaces, dashes or underscores
    (Stable-Diffusion, stable_diffusion and "stable diffusion" fold alike)."""
    return re.sub(r"[\s\-_.]", "", unicodedata.normalize("NFKC", text)).casefold()


@cache
def skill_entries() -> tuple[Entry, ...]:
    """Every skill of analysis/vocab/skills.yaml with its labels, aliases and query aliases."""
    entries = []
    for item in load_vocab("skills")["skills"]:
        names = [item.get("label_en"), item.get("label_zh"), *item.get("aliases", [])]
        names += item.get("query_aliases", [])
        entries.append(Entry(item["id"], _unique(str(n) for n in names if n)))
    return tuple(entries)


@cache
def language_entries() -> tuple[Entry, ...]:
    """Every language of analysis/vocab/languages.yaml: its ISO code, English and Chinese names."""
    return tuple(
        Entry(str(code), _unique([*names.get("en", []), *names.get("zh", [])]))
        for code, names in load_vocab("languages")["languages"].items()
    )


def _unique(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


@cache
def name_index(entries: tuple[Entry, ...]) -> dict[str, str]:
    """Folded id or name → id (an id wins over another entry's alias of the same spelling)."""
    index: dict[str, str] = {}
    for e in entries:
        for name in e.names:
            index.setdefault(fold(name), e.id)
    for e in entries:
        index[fold(e.id)] = e.id
    return index


def suggest(text: str, entries: Sequence[Entry], n: int = SUGGESTIONS) -> list[str]:
    """The ids whose id or a name is closest to `text`, each shown as `id (the close name)`."""
    index: dict[str, tuple[str, str]] = {}
    for e in entries:
        for name in (*e.names, e.id):  # a name folding like the id is the one to show
            index.setdefault(fold(name), (e.id, name))
    key = fold(text)[:MAX_SUGGEST_CHARS]
    close = difflib.get_close_matches(key, list(index), n=n * 4, cutoff=CUTOFF)
    shown: dict[str, str] = {}
    for c in close:
        sid, name = index[c]
        shown.setdefault(sid, sid if name == sid else f"{sid} ({name})")
    return list(shown.values())[:n]


def resolve(kind: str, text: str, entries: Sequence[Entry]) -> str:
    """The id `text` names exactly (after folding), or UnknownName with suggestions."""
    found = name_index(tuple(entries)).get(fold(text))
    if found is None:
        raise UnknownName(kind, text, suggest(text, entries))
    return found


def resolve_language(text: str) -> str:
    """ru / RU / Russian / 俄语 / 俄文 → ru; anything else is UnknownName."""
    return resolve("language", text, language_entries())


def resolve_source(text: str, sources: Mapping[str, Sequence[str]]) -> str:
    """A source id (exactly) among `sources` (id → names), else UnknownName with the closest."""
    if text in sources:
        return text
    entries = [Entry(sid, tuple(names)) for sid, names in sources.items()]
    raise UnknownName("source", text, suggest(text, entries))


def suggest_for_terms(terms: Sequence[str]) -> list[str]:
    """For a free-text query that found nothing: skills or languages a term may have meant
    ("Stable Difusion" → stable_diffusion (Stable Diffusion)); none for a term that is one."""
    hints: list[str] = []
    joined = " ".join(terms)
    for candidate in dict.fromkeys([joined, *terms]):
        for entries in (skill_entries(), language_entries()):
            if fold(candidate) in name_index(entries):
                continue
            hints += suggest(candidate, entries)
    return list(dict.fromkeys(hints))[:SUGGESTIONS]
