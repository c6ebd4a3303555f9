"""Normalise stage, shared helper: first-character guards that make regex scans cheaper.

Input: a compiled pattern whose match cannot be empty.
Output: the same pattern behind a lookahead `(?=[…])` of the characters a match can start with.

re tries every alternative at every offset; it skips ahead fast only for patterns that open with
a literal or a character class, which alternations opening with lookbehinds, optional groups or
case-insensitive words never do. The guard rejects most offsets with one class test. It is
derived from the parsed pattern, so it is a superset of the real first characters and the guarded
pattern finds exactly the matches of the original (tests check this on a table of edge cases).
"""

from __future__ import annotations

import importlib
import re
from functools import lru_cache
from typing import Any

# The parser of re itself (re._parser since Python 3.11; typeshed does not describe it).
sre: Any = importlib.import_module("re._constants")
sre_parse: Any = importlib.import_module("re._parser")

__all__ = [
    "FOLDS_ONTO_ASCII",
    "CaselessPattern",
    "first_char_guard",
    "guarded",
    "guarded_patterns",
    "lower_same_length",
    "lowered",
]

_CATEGORIES = {
    sre.CATEGORY_DIGIT: r"\d",
    sre.CATEGORY_NOT_DIGIT: r"\D",
    sre.CATEGORY_SPACE: r"\s",
    sre.CATEGORY_NOT_SPACE: r"\S",
    sre.CATEGORY_WORD: r"\w",
    sre.CATEGORY_NOT_WORD: r"\W",
}
_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
_GUARDED: list[tuple[re.Pattern[str], re.Pattern[str]]] = []
_RUN = 4  # literal characters kept per start: enough to tell "must" from "many"
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)


# A start of a match: (its first class item, the regex of the start: that item or a literal run).
_Start = tuple[str, str]


class _Unknown(Exception):
    """A construct whose first characters cannot be listed (., [^…], back-references)."""


def _char(code: int) -> str:
    return re.escape(chr(code))


def _literal_run(seq: list[tuple[Any, Any]]) -> _Start:
    """The literal characters opening `seq` (at most _RUN), as a start."""
    run = []
    for op, av in seq[:_RUN]:
        if op is not sre.LITERAL:
            break
        run.append(chr(av))
    return _char(ord(run[0])), re.escape("".join(run))


def _class_items(items: list[tuple[Any, Any]]) -> set[_Start]:
    out: set[str] = set()
    for op, av in items:
        if op is sre.LITERAL:
            out.add(_char(av))
        elif op is sre.RANGE:
            out.add(f"{_char(av[0])}-{_char(av[1])}")
        elif op is sre.CATEGORY and av in _CATEGORIES:
            out.add(_CATEGORIES[av])
        else:  # NEGATE and anything rarer
            raise _Unknown
    return {(item, item) for item in out}


def _firsts(seq: list[tuple[Any, Any]], ignore_case: bool, out: dict[bool, set[_Start]]) -> bool:
    """Add the possible starts of `seq` to out[ignore_case]; True if seq can be empty.

    A start is a class item (one character, a range, a category) or a run of literal characters.
    """
    for i, (op, av) in enumerate(seq):
        if op in _ZERO_WIDTH:
            continue
        if op is sre.LITERAL:
            out[ignore_case].add(_literal_run(seq[i:]))
            return False
        if op is sre.IN:
            out[ignore_case].update(_class_items(av))
            return False
        if op is sre.BRANCH:
            empty = False
            for alt in av[1]:
                empty |= _firsts(alt, ignore_case, out)
            if not empty:
                return False
        elif op is sre.SUBPATTERN:
            _, add, delete, sub = av
            case = (ignore_case or bool(add & re.IGNORECASE)) and not delete & re.IGNORECASE
            if not _firsts(sub.data, case, out):
                return False
        elif op is sre.ATOMIC_GROUP:
            if not _firsts(av.data, ignore_case, out):
                return False
        elif op in _REPEATS:
            lo, _, item = av
            if not _firsts(item.data, ignore_case, out) and lo > 0:
                return False
        else:  # ANY, NOT_LITERAL, GROUPREF, …
            raise _Unknown
    return True


def first_char_guard(pattern: re.Pattern[str]) -> str | None:
    """A lookahead admitting every character a match of `pattern` can start with, or None.

    None when a match may be empty or may start with any character (., [^…]).
    """
    parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    out: dict[bool, set[_Start]] = {False: set(), True: set()}
    try:
        if _firsts(parsed.data, bool(parsed.state.flags & re.IGNORECASE), out):
            return None
    except _Unknown:
        return None
    return _lookahead(out[False], out[True])


def _lookahead(cased: set[_Start], caseless: set[_Start]) -> str:
    """`(?=[first characters])`, then `(?=item|literal run|…)` when some starts are longer."""
    classes = []
    if cased:
        classes.append(f"[{''.join(sorted({first for first, _ in cased}))}]")
    if caseless:
        classes.append(f"(?i:[{''.join(sorted({first for first, _ in caseless}))}])")
    guard = f"(?={'|'.join(classes)})"
    if all(first == start for first, start in cased | caseless):
        return guard
    alts = []
    for starts, scope in ((cased, "{}"), (caseless, "(?i:{})")):
        items = sorted(first for first, start in starts if first == start)
        runs = sorted({s for f, s in starts if f != s}, key=lambda s: (-len(s), s))
        options = ([f"[{''.join(items)}]"] if items else []) + runs
        if options:
            alts.append(scope.format("|".join(options)))
    return f"{guard}(?={'|'.join(alts)})"


def _has_fast_prefix(pattern: re.Pattern[str]) -> bool:
    """Does `pattern` open with a case-sensitive literal or class, which re already skips to?

    (An alternation of words also gets a class of first characters from re, but the guard's
    literal runs reject the offsets where a frequent first letter starts no word.)
    """
    if pattern.flags & re.IGNORECASE:
        return False
    data = sre_parse.parse(pattern.pattern, pattern.flags).data
    return bool(data) and data[0][0] in (sre.LITERAL, sre.IN)


def guarded(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """`pattern` behind its first-character guard: the same matches, found faster."""
    guard = None if _has_fast_prefix(pattern) else first_char_guard(pattern)
    if guard is None:
        return pattern
    out = re.compile(f"{guard}(?:{pattern.pattern})", pattern.flags)
    _GUARDED.append((pattern, out))
    return out


def guarded_patterns() -> list[tuple[re.Pattern[str], re.Pattern[str]]]:
    """(original, guarded) for every pattern guarded so far: tests check they agree."""
    return list(_GUARDED)


# IGNORECASE equates U+0130, U+0131 with i, U+017F with s, U+212A with k; str.lower() does not.
FOLDS_ONTO_ASCII = ("\u0130", "\u0131", "\u017f", "\u212a")


@lru_cache(maxsize=16)
def lower_same_length(text: str) -> str:
    """text.lower(), keeping offsets: characters whose lower case is longer stay as they are.

    Cached: every detector of a position asks for the lower case of the same text.
    """
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


@lru_cache(maxsize=16)
def lowered(text: str) -> str | None:
    """lower_same_length(text), or None when IGNORECASE and str.lower() could disagree."""
    if any(c in text for c in FOLDS_ONTO_ASCII):  # substring search: far cheaper than a set
        return None
    return lower_same_length(text)


def _cased_literals(data: Any) -> bool:
    """Does the parsed pattern hold a literal or range bound that lower() would change?"""
    for op, av in data:
        codes: list[int] = []
        if op in (sre.LITERAL, sre.NOT_LITERAL):
            codes = [av]
        elif op is sre.RANGE:
            codes = list(av)
        elif op is sre.IN:
            if _cased_literals(av):
                return True
        else:
            for part in av if isinstance(av, tuple | list) else [av]:
                subs = part if isinstance(part, list) else [part]
                if any(
                    isinstance(s, sre_parse.SubPattern) and _cased_literals(s.data) for s in subs
                ):
                    return True
        if any(chr(c) != chr(c).lower() for c in codes):
            return True
    return False


class CaselessPattern:
    """An IGNORECASE pattern run case-sensitively over the lower-cased text: same spans, faster.

    re matches case-insensitively several times slower than it matches exact characters. The
    pattern's own letters must be lower case. A text holding a character that IGNORECASE folds
    onto an ASCII letter while str.lower() does not (U+0130, U+0131, U+017F, U+212A) is searched
    with the original.
    """

    __slots__ = ("exact", "fast")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        if not pattern.flags & re.IGNORECASE:
            raise ValueError("not an IGNORECASE pattern")
        if _cased_literals(sre_parse.parse(pattern.pattern, pattern.flags).data):
            raise ValueError("the pattern's letters must be lower case")
        self.exact = guarded(pattern)
        self.fast = guarded(re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE))

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        """pattern.search(text, pos, endpos); the match is in the lower-cased text."""
        end = len(text) if endpos is None else endpos
        low = lowered(text)
        if low is None:
            return self.exact.search(text, pos, end)
        return self.fast.search(low, pos, end)

    def search_slice(self, text: str, lo: int, hi: int) -> re.Match[str] | None:
        """pattern.search(text[lo:hi]): the slice is a string of its own (edges are its ends)."""
        low = lowered(text)
        if low is None:
            return self.exact.search(text[lo:hi])
        return self.fast.search(low[lo:hi])


def _cover(data: Any, ignore_case: bool) -> set[str] | None:
    """Words one of which any match of the parsed sequence contains (lower-cased), or None."""
    best: set[str] | None = None

    def consider(words: set[str] | None) -> None:
        nonlocal best
        if words and (best is None or min(map(len, words)) > min(map(len, best))):
            best = words

    run: list[str] = []
    for op, av in data:
        if op is sre.LITERAL and len(chr(av).lower()) == 1:
            run.append(chr(av).lower())
            continue
        consider({"".join(run)} if run else None)
        run = []
        if op is sre.SUBPATTERN:
            _, add, delete, sub = av
            case = (ignore_case or bool(add & re.IGNORECASE)) and not delete & re.IGNORECASE
            consider(_cover(sub.data, case))
        elif op is sre.BRANCH:
            alts = [_cover(alt.data, ignore_case) for alt in av[1]]
            consider(None if any(a is None for a in alts) else set().union(*alts))  # type: ignore[arg-type]
        elif op in _REPEATS and av[0] >= 1:
            consider(_cover(av[2].data, ignore_case))
    consider({"".join(run)} if run else None)
    return best


def required_words(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Lower-cased words one of which every match of `pattern` contains, or None.

    None when no such set is known or it holds a single ASCII character (too common to help).
    A match found on the lower-cased text (`lowered`) contains one of the words there.
    """
    parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    words = _cover(parsed.data, bool(parsed.state.flags & re.IGNORECASE))
    if not words or any(len(w) == 1 and w.isascii() for w in words):
        return None
    return frozenset(words)
