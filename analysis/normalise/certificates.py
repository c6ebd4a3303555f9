"""Normalise stage: language and translation certificates asked of the applicant.

Input: one cleaned position text (clean_text output).
Output: Findings with field "certificate" (CET-4, CET-6, TEM-4, TEM-8, IELTS, TOEFL, CATTI, JLPT,
TOPIK, HSK, PSC, HKDSE), level as the ad writes it, detail.language and detail.band.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from analysis.models import Evidence, Finding
from analysis.normalise.context import (
    Sections,
    gate_hits,
    gated_finditer,
    is_negated,
    load_vocab,
    requirement,
)
from analysis.normalise.numbers import cn_digit_value

__all__ = ["certificate_gates", "detect_certificates"]


@dataclass(frozen=True, slots=True)
class _Alt:
    """One spelling of a certificate; `before` must match in the 12 characters before it."""

    pattern: re.Pattern[str]
    before: re.Pattern[str] | None


@dataclass(frozen=True, slots=True)
class _Certificate:
    id: str
    language: str | None
    alts: tuple[_Alt, ...]
    grade: re.Pattern[str] | None
    band_default: str | None
    band_ranges: tuple[tuple[int, int, str], ...]
    band_levels: dict[str, str]
    subjects: dict[str, str]  # a subject word after the name → its language (HKDSE English)


@dataclass(frozen=True, slots=True)
class _Vocab:
    certificates: tuple[_Certificate, ...]
    name_to_code: dict[str, str]  # Chinese language names → code, for the majors' tests


def certificate_gates() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(gate tag, trigger words) per certificate: the pre-scan words that let its patterns run."""
    return tuple(
        (f"cert:{entry['id']}", tuple(entry["triggers"]))
        for entry in load_vocab("languages")["certificates"]
    )


@cache
def _vocab() -> _Vocab:
    data = load_vocab("languages")
    name_to_code = {
        n: code for code, names in data["languages"].items() for n in names.get("zh", [])
    }
    return _Vocab(tuple(_compile(c) for c in data["certificates"]), name_to_code)


def _compile(entry: dict[str, Any]) -> _Certificate:
    alts = tuple(
        _Alt(re.compile(p["re"]), re.compile(p["before"]))
        if isinstance(p, dict)
        else _Alt(re.compile(p), None)
        for p in entry["patterns"]
    )
    band: dict[str, Any] = entry.get("band") or {}
    return _Certificate(
        id=str(entry["id"]),
        language=entry.get("language"),
        alts=alts,
        grade=re.compile(entry["grade"]) if entry.get("grade") else None,
        band_default=str(band["default"]) if "default" in band else None,
        band_ranges=tuple((int(lo), int(hi), str(b)) for lo, hi, b in band.get("ranges", ())),
        band_levels={str(k): str(b) for k, b in band.items() if k not in ("default", "ranges")},
        subjects={str(k).lower(): str(c) for k, c in (entry.get("subjects") or {}).items()},
    )


def _band(cert: _Certificate, level: str | None) -> str | None:
    """A CEFR-like band for the certificate at this level, where a published alignment exists."""
    if cert.band_default is not None:
        return cert.band_default
    if level is None:
        return None
    if cert.band_ranges:
        try:
            score = int(level)
        except ValueError:
            return None
        return next((b for lo, hi, b in cert.band_ranges if lo <= score <= hi), None)
    key = level.replace(" ", "")
    key = key[:-2] if key.endswith(".0") else key
    return cert.band_levels.get(key)


class _Taken:
    """Disjoint spans already claimed by a certificate: an overlap test in O(log n)."""

    __slots__ = ("_ends", "_starts")

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self._starts, end)  # spans starting before `end`
        return i > 0 and self._ends[i - 1] > start

    def add(self, start: int, end: int) -> None:
        """Claim [start, end); spans it overlaps (a grade read past a zero-width hit) merge into it."""
        lo = bisect.bisect_left(self._starts, start)
        if lo > 0 and self._ends[lo - 1] > start:
            lo -= 1
        hi = lo
        while hi < len(self._starts) and self._starts[hi] < end:
            hi += 1
        if hi > lo:
            start, end = min(start, self._starts[lo]), max(end, self._ends[hi - 1])
        self._starts[lo:hi] = [start]
        self._ends[lo:hi] = [end]


def detect_certificates(text: str, sections: Sections | None = None) -> list[Finding]:
    """Language and translation certificates asked of the applicant, one finding per certificate."""
    v = _vocab()
    sections = sections or Sections(text)
    best: dict[str, Finding] = {}
    taken = _Taken()
    for cert in v.certificates:
        tag = f"cert:{cert.id}"
        if not gate_hits(text, tag):
            continue
        for alt in cert.alts:
            for m in gated_finditer(alt.pattern, text, tag):
                hit = _hit(text, m, cert, alt, taken)
                if hit is None:
                    continue
                end, said = hit
                taken.add(m.start(), end)
                level = _normalise_grade(said.replace(" ", "") if said else None)
                old = best.get(cert.id)
                # A hit that could not outrank the kept one even if required only claims its
                # span: its clause is not read (a posting repeating "六级以上" costs no more).
                if old is not None and not _could_outrank(old, level):
                    continue
                f = _finding(text, m, end, level, cert, sections, v)
                if old is None or _rank(f) > _rank(old):
                    best[cert.id] = f
    return sorted(best.values(), key=lambda f: f.evidence.start)


def _hit(
    text: str, m: re.Match[str], cert: _Certificate, alt: _Alt, taken: _Taken
) -> tuple[int, str | None] | None:
    """(end, grade as written) of the certificate at match `m`, or None when it is not one here."""
    if alt.before is not None and not alt.before.search(text, max(0, m.start() - 12), m.start()):
        return None
    if m.end() > m.start() and taken.overlaps(m.start(), m.end()):
        return None
    level = None
    end = m.end()
    if cert.grade is not None:
        g = cert.grade.match(text, m.end()) or cert.grade.fullmatch(m.group())
        if g:
            level = next((x for x in g.groups() if x), None)
            end = max(end, m.start() + g.end() if g.string is not text else g.end())
    if end <= m.start() or is_negated(text, m.start(), end):
        return None
    return end, level


def _finding(
    text: str,
    m: re.Match[str],
    end: int,
    level: str | None,
    cert: _Certificate,
    sections: Sections,
    v: _Vocab,
) -> Finding:
    """The certificate at match `m`, ending at `end`, at its normalised grade `level`."""
    language = cert.language
    if language is None and cert.subjects:
        said = text[m.end() : end].lower()
        language = next((c for word, c in cert.subjects.items() if word in said), None)
    if cert.id.startswith("TEM"):  # 俄语专业八级 is the Russian majors' test
        language = _major_language(text, m.start(), v) or language
    return Finding(
        "certificate",
        cert.id,
        Evidence.of(text, m.start(), end),
        required=requirement(text, m.start(), end, sections),
        level=level,
        detail={"language": language, "band": _band(cert, level)},
    )


_REQUIRED_RANK = {True: 2, False: 1, None: 0}
_LEVEL_RANK = 5


def _level_rank(level: str | None) -> int:
    return _LEVEL_RANK if level else 0


def _could_outrank(old: Finding, level: str | None) -> bool:
    """Could a finding at this normalised `level` outrank `old` were it required?"""
    return _rank(old) < (_REQUIRED_RANK[True], _level_rank(level))


def _rank(f: Finding) -> tuple[int, int]:
    return _REQUIRED_RANK[f.required], _level_rank(f.level)


_NAME_BEFORE = re.compile(r"([\u4e00-\u9fff]{1,6}[语文])(?:专业)?(?:水平)?$")


def _major_language(text: str, start: int, v: _Vocab) -> str | None:
    """The language named right before a majors' test (西班牙语专业八级 → es), if any."""
    m = _NAME_BEFORE.search(text, max(0, start - 10), start)
    if m is None:
        return None
    name = m.group(1)
    for i in range(len(name) - 1):  # the longest known name ending the run: 取得西班牙语 → 西班牙语
        code = v.name_to_code.get(name[i:])
        if code:
            return code
    return None


def _normalise_grade(level: str | None) -> str | None:
    if level is None:
        return None
    digit = cn_digit_value(level)  # a grade in Chinese: 一级 → 1 (only 一二三 are matched)
    if digit is not None:
        return str(digit)
    if re.fullmatch(r"\d\.0", level):
        return level[0]
    return level
