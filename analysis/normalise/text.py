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
_SPECIAL = re.compile(
    "[" + re.escape("".join(sorted(_INVISIBLE_CHARS | _CIRCLED_CHARS | _BREAKS | {"\t"}))) + "]"
)
_RARE_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_SPACE_RUNS = re.compile(r" {2,}")
_BLANK_RUNS = re.compile(r"\n\n\n+")
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


def _t2s_map(s: str) -> str:
    """Traditional → Simplified character by character (a per-character dict.get in C is
    faster than str.translate, which makes an int object per non-Latin character)."""
    table = _t2s_table()
    return "".join(map(table.get, s, s))


def to_simplified(s: str) -> str:
    """Traditional → Simplified, one character at a time."""
    if _t2s_gate().isdisjoint(s):
        return s
    return _t2s_map(unicodedata.normalize("NFKC", s))


def _clean_once(s: str) -> str:
    # Each step is skipped, after a scan in C, when it has nothing to do (a set of the text's
    # characters costs more than these scans). NFKC makes no line break, tab or control.
    traditional = not _t2s_gate().isdisjoint(s)
    special = _SPECIAL.search(s) is not None
    if special:
        s = _INVISIBLE.sub("", s)
        s = _CIRCLED.sub(lambda m: f"({ord(m.group()) - 0x245F})", s)
    s = unicodedata.normalize("NFKC", s)
    if traditional:
        s = _t2s_map(s)
    if "(" in s:
        s = _PINYIN_GLOSS.sub("", s)
    if special:
        s = _RARE_BREAKS.sub("\n", s.replace("\r\n", "\n").replace("\r", "\n"))
        s = s.replace("\t", " ")
    if "  " in s:
        s = _SPACE_RUNS.sub(" ", s)
    s = s.replace(" \n", "\n").replace("\n ", "\n")
    return _BLANK_RUNS.sub("\n\n", s).strip()


def clean_text(s: str | None) -> str:
    """Return the canonical form of `s`: NFKC, Simplified, no invisibles, tidy whitespace.

    Idempotent: clean_text(clean_text(s)) == clean_text(s). Lines keep their order; runs of spaces
    collapse to one and lines lose their edge spaces; runs of blank lines collapse to one.
    """
    if not s:
        return ""
    out = _clean_once(s)
    # Rare inputs (combining marks next to removed characters) need a second pass to settle.
    if not unicodedata.is_normalized("NFKC", out):
        out = _clean_once(out)
    return out
