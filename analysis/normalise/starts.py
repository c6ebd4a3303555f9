"""Normalise stage, shared helper: where a pattern's matches can start.

Input: a compiled pattern (its parsed form) and a text with the windows to search.
Output: the literal words every match starts with (`literal_starts`), their offsets in a window
(`MatchStarts`), and the pattern's matches found by trying it only there (`matches_at`,
`gated_matches`): the same matches as `gated_finditer`, without a full attempt at every offset.

`gated_finditer` runs a pattern at every offset of the windows around its gate words. A pattern
that opens with a lookahead guard or an alternation gets none of re's fast skipping, so every
offset costs a full attempt (most of detect_overseas' and detect_education's time once the rest
was fast). Every match of these patterns starts with one of a known set of literal words, though:
finding those words first and trying the pattern only there gives the same matches.
"""

from __future__ import annotations

import re
from typing import Any

from analysis.normalise.context import gated_finditer, line_windows
from analysis.normalise.guard import lowered, sre, sre_parse

__all__ = [
    "MatchStarts",
    "gated_matches",
    "leading_char_finders",
    "literal_starts",
    "match_starts",
    "matches_at",
]


class _NoStarts(Exception):
    """A construct whose possible first characters are not a short list of literals."""


_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_MAX_CHOICES = 16  # spellings a start word may multiply into ([Mm]aster gives 2)


def _start_char(code: int, ignore_case: bool, fold: bool) -> str:
    """The character a pattern literal matches, as it shows in the text searched for it.

    fold=False: the text the pattern runs on; a case-insensitive cased literal has no one form.
    fold=True: the lower-cased text (lower_same_length). A case-sensitive literal matches
    itself, which lower-cases to one character; a case-insensitive ASCII one matches the
    characters whose lower case is its own: its two cases, and U+0130, U+0131, U+017F, U+212A,
    which `lowered` never lets through. Other cased characters are refused (capital sigma
    lower-cases by context; the two small sigmas match each other).
    """
    ch = chr(code)
    cased = ch.lower() != ch or ch.upper() != ch
    if not fold:
        if ignore_case and cased:
            raise _NoStarts
        return ch
    if cased and not ch.isascii():
        raise _NoStarts
    return ch.lower()


def _run_words(seq: list[tuple[Any, Any]], i: int, ignore_case: bool, fold: bool) -> set[str]:
    """Every spelling of the literals and classes of literals ([Dd]) opening seq[i:]."""
    words = {""}
    while i < len(seq):
        op, av = seq[i]
        if op is sre.LITERAL:
            chars = {_start_char(av, ignore_case, fold)}
        elif op is sre.IN:
            if any(item_op is not sre.LITERAL for item_op, _ in av):
                break  # ranges, categories, negation
            chars = {_start_char(code, ignore_case, fold) for _, code in av}
        else:
            break
        if len(words) * len(chars) > _MAX_CHOICES:
            break
        words = {w + c for w in words for c in chars}
        i += 1
    return words


def _starts(seq: list[tuple[Any, Any]], i: int, ignore_case: bool, fold: bool) -> set[str]:
    """Words one of which every match of seq[i:] starts with ("" when one may start anywhere)."""
    while i < len(seq):
        op, av = seq[i]
        if op in _ZERO_WIDTH:  # lookarounds and anchors take no characters
            i += 1
        elif op is sre.LITERAL or op is sre.IN:
            return _run_words(seq, i, ignore_case, fold)
        elif op is sre.SUBPATTERN:
            _, add, delete, sub = av
            case = (ignore_case or bool(add & re.IGNORECASE)) and not delete & re.IGNORECASE
            return _starts(sub.data, 0, case, fold)  # a group that may be empty raises
        elif op is sre.BRANCH:
            return set().union(*(_starts(alt.data, 0, ignore_case, fold) for alt in av[1]))
        elif op in _REPEATS:
            lo, _, item = av
            first = _starts(item.data, 0, ignore_case, fold)
            return first if lo >= 1 else first | _starts(seq, i + 1, ignore_case, fold)
        else:
            raise _NoStarts
    raise _NoStarts  # the rest may match empty


def literal_starts(pattern: re.Pattern[str], *, fold: bool) -> frozenset[str] | None:
    """Non-empty words one of which every match of `pattern` starts with, or None (unknown).

    fold=False: as they occur in the text the pattern runs on; fold=True: in its lower-cased
    form, for texts `lowered` accepts.
    """
    parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    try:
        words = _starts(parsed.data, 0, bool(parsed.state.flags & re.IGNORECASE), fold)
    except _NoStarts:
        return None
    return frozenset(words) if words and all(words) else None


def leading_char_finders(words: frozenset[str]) -> dict[str, re.Pattern[str]]:
    """First character of `words` → a regex matching it where one of those words starts (the
    rest in a lookahead): re finds a leading literal fast, and a match taking one character
    skips no word start."""
    rests: dict[str, set[str]] = {}
    for w in words:
        rests.setdefault(w[0], set()).add(w[1:])
    return {
        c: re.compile(
            re.escape(c) + ("" if "" in ends else f"(?={'|'.join(map(re.escape, sorted(ends)))})")
        )
        for c, ends in sorted(rests.items())
    }


def matches_at(
    pattern: re.Pattern[str], text: str, offsets: list[int], endpos: int
) -> list[re.Match[str]]:
    """pattern.finditer(text, min(offsets), endpos), given sorted `offsets` that hold the start
    of every match (a start word's offsets).

    finditer's next match is the one at the first offset, from where the last match ended, at
    which pattern.match succeeds (lookbehinds see the whole text either way); matches taking a
    start word are never empty.
    """
    out: list[re.Match[str]] = []
    pos = 0
    for start in offsets:
        if start < pos:
            continue
        m = pattern.match(text, start, endpos)
        if m is not None:
            out.append(m)
            pos = m.end()
    return out


class MatchStarts:
    """Where in a window of the lower-cased text the start words of a pattern occur.

    str.find for the ASCII words (only when the window holds one of their first letters); one
    regex for the others, led by their first characters (re skips to a character of a set far
    faster than it tries a pattern at each offset).
    """

    __slots__ = ("ascii_firsts", "ascii_words", "finder")

    def __init__(self, words: frozenset[str]) -> None:
        # A word that another word starts (ph, phd) adds no offsets.
        kept = {w for w in words if not any(w != v and w.startswith(v) for v in words)}
        self.ascii_words = tuple(sorted(w for w in kept if w[0].isascii()))
        firsts = sorted({w[0] for w in self.ascii_words})
        self.ascii_firsts = (
            re.compile(f"[{''.join(map(re.escape, firsts))}]") if self.ascii_words else None
        )
        others = leading_char_finders(frozenset(w for w in kept if not w[0].isascii()))
        self.finder = re.compile("|".join(p.pattern for p in others.values())) if others else None

    def positions(self, low: str, lo: int, hi: int) -> list[int]:
        """Sorted offsets in [lo, hi) where one of the words occurs in `low` within [lo, hi)."""
        out: list[int] = []
        first = self.ascii_firsts.search(low, lo, hi) if self.ascii_firsts is not None else None
        if first is not None:
            begin = first.start()  # no ASCII word starts before it
            for w in self.ascii_words:
                i = low.find(w, begin, hi)
                while i >= 0:
                    out.append(i)
                    i = low.find(w, i + 1, hi)
        finder = self.finder
        if finder is not None:
            m = finder.search(low, lo, hi)
            while m is not None:
                out.append(m.start())
                m = finder.search(low, m.end(), hi)
        out.sort()
        return out


def match_starts(pattern: re.Pattern[str]) -> MatchStarts | None:
    """The start words of `pattern` in the lower-cased text, or None when they are not known."""
    words = literal_starts(pattern, fold=True)
    return MatchStarts(words) if words is not None else None


def gated_matches(
    pattern: re.Pattern[str], starts: MatchStarts | None, text: str, tag: str
) -> list[re.Match[str]]:
    """gated_finditer(pattern, text, tag), trying the pattern only at its start words.

    The words are looked for in the lower-cased text, where a case-insensitive word has one
    form; texts `lowered` declines, and patterns without known start words, go the plain way.
    """
    low = lowered(text)
    if starts is None or low is None:
        return gated_finditer(pattern, text, tag)
    out: list[re.Match[str]] = []
    seen: set[tuple[int, int]] = set()
    for lo, hi in line_windows(text, tag):
        for m in matches_at(pattern, text, starts.positions(low, lo, hi), hi):
            if m.span() not in seen:
                seen.add(m.span())
                out.append(m)
    return out
