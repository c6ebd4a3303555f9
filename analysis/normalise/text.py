"""Normalise stage, step 1: canonical text.

Input: raw notice text or title as extracted (any width, Traditional or Simplified, mirror noise).
Output: `clean_text(s)`, an idempotent canonical form that every detector runs on.

Decisions (also in the README): NFKC folds full-width ASCII forms, so `，：；（）！？` become
`, : ; ( ) ! ?` (one form for every regex), while CJK punctuation that NFKC keeps (`。、「」《》“”—`)
stays. Traditional → Simplified is character-level, from OpenCC's t2s character table (no phrase
segmentation: 50x faster, and the vocabularies only need characters). Circled list markers ①
become "(1)". Pinyin glosses inserted by mirror sites (進(jìn)一步) are removed.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

__all__ = ["clean_text", "to_simplified"]

# Line-break controls are mapped to \n; other controls and invisible format characters are dropped.
_BREAKS = frozenset("\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_INVISIBLE_CHARS = frozenset(
    [chr(c) for c in (0x00AD, 0x034F, 0x115F, 0x1160, 0x180E, 0x3164, 0xFEFF, 0xFFA0)]
    + [chr(c) for c in [*range(0x200B, 0x2010), *range(0x2060, 0x2065)]]
    + [chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)] if chr(c) not in _BREAKS | {"\t", "\n"}]
)
_INVISIBLE = re.compile("[" + re.escape("".join(sorted(_INVISIBLE_CHARS))) + "]+")
_CIRCLED_CHARS = frozenset(chr(c) for c in range(0x2460, 0x2474))
_CIRCLED = re.compile("[\u2460-\u2473]")
# Any character the rarer steps act on: invisibles, circled numbers, line-break controls, tab.
_SPECIAL_CHARS = _INVISIBLE_CHARS | _CIRCLED_CHARS | _BREAKS | {"\t"}
_SPECIAL = re.compile("[" + re.escape("".join(sorted(_SPECIAL_CHARS))) + "]")
_RARE_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_BLANK_RUNS = re.compile(r"\n\n\n+")
_SPACE_AT_LINE_EDGE = re.compile("\n(?<= \n)|\n ")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_SHORT = 64  # below this length (titles), the plain way of a step beats its set-up cost
_TONE = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
# A gloss starts with "(" right after a Han character and holds one toned pinyin syllable.
_GLOSS = rf"\((?=[a-zü{_TONE}]*[{_TONE}])[a-zü{_TONE}]{{1,7}}\)"
_PINYIN_GLOSS = re.compile(
    rf"\((?<=[\u4e00-\u9fff]\()(?=[a-zü{_TONE}]*[{_TONE}])"
    rf"[a-zü{_TONE}]{{1,7}}\)(?:{_GLOSS})*"
)


@cache
def _t2s_table() -> dict[str, str]:
    """Character map Traditional → Simplified from OpenCC's t2s table, closed under itself."""
    import opencc

    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    raw: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2 and len(parts[0]) == 1 and len(parts[1]) == 1 and parts[0] != parts[1]:
            raw[parts[0]] = parts[1]
    table: dict[str, str] = {}
    for src, dst in raw.items():
        seen = {src}
        while dst in raw and dst not in seen:  # resolve chains so the map is idempotent
            seen.add(dst)
            dst = raw[dst]
        if dst != src:
            table[src] = dst
    return table


@cache
def _t2s_translation() -> dict[int, str]:
    return {ord(k): v for k, v in _t2s_table().items()}


@cache
def _t2s_gate() -> frozenset[str]:
    """Characters that are Traditional, or become Traditional under NFKC (compatibility forms)."""
    trad = frozenset(_t2s_table())
    compat = [
        chr(c)
        for c in range(0x2E80, min(sys.maxunicode, 0x2FA1F) + 1)
        if not trad.isdisjoint(unicodedata.normalize("NFKC", chr(c)))
    ]
    return trad | frozenset(compat)


@cache
def _t2s_code_table() -> np.ndarray:
    """_t2s_table() as a lookup table over all code points: code point → its Simplified one."""
    import numpy as np  # imported on first use: most commands never clean a Traditional text

    table = np.arange(sys.maxunicode + 1, dtype=np.uint32)
    for src, dst in _t2s_table().items():
        table[ord(src)] = ord(dst)
    return table


@cache
def _t2s_gate_class() -> re.Pattern[str]:
    """A class of the BMP characters of _t2s_gate() (re tests a BMP-only class in one step)."""
    return re.compile(_bmp_class(_t2s_gate()))


@cache
def _gate_or_special_class() -> re.Pattern[str]:
    """A class of the BMP characters of _t2s_gate() and the _SPECIAL characters."""
    return re.compile(_bmp_class(_t2s_gate() | _SPECIAL_CHARS))


def _bmp_class(chars: frozenset[str]) -> str:
    return "[" + re.escape("".join(sorted(c for c in chars if c <= "\uffff"))) + "]"


def _t2s_map(s: str) -> str:
    """Traditional → Simplified character by character.

    Every mapping is one character to one character, so a long text goes through numpy as code
    points: code point i becomes _t2s_code_table()[i], about 10x faster than a per-character
    dict.get (surrogatepass keeps lone surrogates, which UTF-32 stores as single units like any
    other code point). A short one (a title) costs less than numpy's set-up with dict.get in C
    (faster than str.translate, which makes an int object per non-Latin character).
    """
    if len(s) < _SHORT:
        table = _t2s_table()
        return "".join(map(table.get, s, s))
    import numpy as np

    codes = np.frombuffer(s.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    mapped = _t2s_code_table().take(codes)
    return mapped.tobytes().decode("utf-32-le", "surrogatepass")


def _has_astral(s: str) -> bool:
    """Whether `s` holds a character beyond the BMP.

    UTF-16 needs two units for exactly those: an encode in C is far cheaper than max(s) or a
    regex scan on a long text; on a short one the encoder's set-up costs more than the scan.
    """
    if len(s) < _SHORT:
        return _ASTRAL.search(s) is not None
    return len(s.encode("utf-16-le", "surrogatepass")) != 2 * len(s)


def _has_traditional(s: str, pos: int = 0) -> bool:
    """Whether `s` holds a character of _t2s_gate(), given that no BMP one lies before `pos`.

    A regex class scan finds the BMP ones; the set itself is asked only for the rare texts with
    astral characters (a class holding astral characters makes re test each in turn at every
    offset, slower than the set).
    """
    if _t2s_gate_class().search(s, pos) is not None:
        return True
    return _has_astral(s) and not _t2s_gate().isdisjoint(s)


def _scan(s: str) -> tuple[bool, bool]:
    """(traditional, special): whether `s` holds a character of _t2s_gate() / of _SPECIAL.

    Same answers as `not _t2s_gate().isdisjoint(s)` and `_SPECIAL.search(s) is not None`, but
    most texts hold neither, and one scan for a class of both settles that case.
    """
    first = _gate_or_special_class().search(s)
    if first is None:
        return _has_traditional(s, len(s)), False
    char, after = first.group(), first.end()
    traditional = char in _t2s_gate() or _has_traditional(s, after)
    special = char in _SPECIAL_CHARS or _SPECIAL.search(s, after) is not None
    return traditional, special


def to_simplified(s: str) -> str:
    """Traditional → Simplified, one character at a time."""
    if not _has_traditional(s):
        return s
    return _t2s_map(unicodedata.normalize("NFKC", s))


def _collapse_spaces(s: str) -> str:
    """Runs of spaces become one space, then lines lose their edge space.

    Same result as re.sub(" {2,}", " ", s) then the two replaces: each replace of "  " halves
    every run and never empties one, so the loop ends with every run one space long, and a few
    C replaces beat a regex sub that builds a piece per run.
    """
    if " " not in s:  # a one-character scan, much cheaper than the two-character ones below
        return s
    while "  " in s:
        s = s.replace("  ", " ")
    # One scan that re skips from line break to line break (`in` stops at every space).
    if _SPACE_AT_LINE_EDGE.search(s) is not None:
        s = s.replace(" \n", "\n").replace("\n ", "\n")
    return s


def _clean_once(s: str) -> tuple[str, bool]:
    """One cleaning pass, and whether its output is NFKC for sure (then no second pass).

    That holds when nothing but spaces and line breaks was taken out after NFKC: they never
    compose or reorder with a neighbour, so the pieces between them stay NFKC, and each one
    taken out leaves a space or line break (or the text's edge) next to the pieces.
    """
    # Each step is skipped, after a scan in C, when it has nothing to do (a set of the text's
    # characters costs more than these scans). NFKC makes no line break, tab or control.
    traditional, special = _scan(s)
    if special:
        s = _INVISIBLE.sub("", s)
        s = _CIRCLED.sub(lambda m: f"({ord(m.group()) - 0x245F})", s)
    s = unicodedata.normalize("NFKC", s)
    normalized = not special and not traditional
    if traditional:
        s = _t2s_map(s)
    if "(" in s:
        length = len(s)
        s = _PINYIN_GLOSS.sub("", s)
        normalized = normalized and len(s) == length
    if special:
        s = _RARE_BREAKS.sub("\n", s.replace("\r\n", "\n").replace("\r", "\n"))
        s = s.replace("\t", " ")
    s = _collapse_spaces(s)
    if "\n\n\n" in s:
        s = _BLANK_RUNS.sub("\n\n", s)
    return s.strip(), normalized


def clean_text(s: str | None) -> str:
    """Return the canonical form of `s`: NFKC, Simplified, no invisibles, tidy whitespace.

    Idempotent: clean_text(clean_text(s)) == clean_text(s). Lines keep their order; runs of spaces
    collapse to one and lines lose their edge spaces; runs of blank lines collapse to one.
    """
    if not s:
        return ""
    out, normalized = _clean_once(s)
    # Rare inputs (combining marks next to removed characters) need a second pass to settle.
    if not normalized and not unicodedata.is_normalized("NFKC", out):
        out, _ = _clean_once(out)
    return out
