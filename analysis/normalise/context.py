"""Normalise stage, shared helpers: the context around a hit.

Input: a cleaned position text and a span in it.
Output: its sentence and clause bounds, whether the text there asks, prefers or waives something,
and the kind of section (requirements, preferences, duties) the span sits in; and `prescan`, the
one Aho-Corasick pass per text that finds every detector's literal words (vocabularies, gates,
the words a cue pattern cannot match without).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Final

import yaml

from analysis.normalise.guard import (
    CaselessPattern,
    guarded,
    lower_same_length,
    lowered,
    required_words,
)
from analysis.normalise.numbers import CN_ONE_TO_TEN
from analysis.normalise.wordscan import (
    GATE_OWNER,
    DeclaredWords,
    WordScanner,
    scan_words,
)

__all__ = [
    "CUES",
    "ClauseStates",
    "CuePattern",
    "Sections",
    "clause_bounds",
    "cue_words",
    "declared_words",
    "gate_hits",
    "gated_finditer",
    "in_intro",
    "intro_spans",
    "is_alternative",
    "is_negated",
    "line_windows",
    "literal_alt",
    "load_vocab",
    "lower_same_length",
    "prescan",
    "requirement",
    "sentence_bounds",
]

VOCAB_DIR = Path(__file__).resolve().parent.parent / "vocab"


def _word_scanner() -> WordScanner:
    """The pre-scan over every detector's declared words.

    The detector modules declare their words and import this one, so the scanner built from
    them (analysis/normalise/words.py) is imported here, at the first scan, not at import.
    """
    from analysis.normalise.words import WORD_SCANNER

    return WORD_SCANNER


@lru_cache(maxsize=16)
def prescan(text: str) -> dict[str, list[tuple[int, int, Any]]]:
    """`scan_words` over every detector's declared words (owner → (start, end, payload) hits),
    cached for the few texts being analysed: every detector asks of the same text."""
    return scan_words(text, _word_scanner())


@lru_cache(maxsize=16)
def _scan(text: str) -> dict[str, list[int]]:
    """The gate words of the pre-scan: gate tag → start offsets of its words."""
    low = lower_same_length(text)
    hits: dict[str, list[int]] = {}
    n = len(low)
    for start, end, tags in prescan(text).get(GATE_OWNER, ()):
        end_index = end - 1
        # Latin gate words start a word ("us" is not inside "business").
        first = low[start]
        if first.isascii() and first.isalpha() and start > 0:
            prev = low[start - 1]
            if prev.isascii() and prev.isalpha():
                continue
        last = low[end_index]
        if end - start <= 3 and last.isascii() and last.isalpha() and end_index + 1 < n:
            nxt = low[end_index + 1]
            if nxt.isascii() and nxt.isalpha():
                continue  # short words ("us", "uk", "cet") must also end a word
        for tag in tags:
            hits.setdefault(tag, []).append(start)
    return hits


class CuePattern:
    """A case-insensitive cue pattern, skipped where none of its required words occurs.

    Detectors ask many times per text whether a clause or window holds a cue (须, preferred,
    不限). The shared pre-scan (`prescan`) already records where each cue's required words occur;
    a window holding none of them cannot hold a match, so the regex runs only in the others.
    Same answers as pattern.search: a match lies inside the window, and so does its word.

    `name` makes its pre-scan owner ("cue:<name>"); the module defining a cue declares its
    `words` (see `declared_words`).
    """

    __slots__ = ("owner", "pattern", "words")

    def __init__(self, name: str, pattern: re.Pattern[str]) -> None:
        self.pattern = CaselessPattern(pattern)
        self.words: frozenset[str] = required_words(pattern) or frozenset()
        self.owner = f"cue:{name}" if self.words else ""

    def _may_match(self, text: str, lo: int, hi: int) -> bool:
        if not self.owner or lowered(text) is None:
            return True
        found = _cue_hits(text).get(self.owner)
        if found is None:
            return False
        starts, ends = found
        i = bisect.bisect_right(ends, hi) - 1
        while i >= 0 and ends[i] > lo:
            if starts[i] >= lo:
                return True
            i -= 1
        return False

    def search(self, text: str, lo: int = 0, hi: int | None = None) -> re.Match[str] | None:
        """pattern.search(text, lo, hi); the match is in the lower-cased text."""
        hi = len(text) if hi is None else hi
        return self.pattern.search(text, lo, hi) if self._may_match(text, lo, hi) else None

    def search_slice(self, text: str, lo: int, hi: int) -> re.Match[str] | None:
        """pattern.search(text[lo:hi]), the slice being a string of its own."""
        return self.pattern.search_slice(text, lo, hi) if self._may_match(text, lo, hi) else None


@lru_cache(maxsize=16)
def _cue_hits(text: str) -> dict[str, tuple[list[int], list[int]]]:
    """The cue words of the pre-scan: owner → (start offsets, end offsets), in the scan's order
    (by end offset), so that a window's hits are found by bisecting the ends."""
    out: dict[str, tuple[list[int], list[int]]] = {}
    for owner, hits in prescan(text).items():
        if owner.startswith("cue:"):
            out[owner] = ([h[0] for h in hits], [h[1] for h in hits])
    return out


_SENTENCE_END = re.compile(r"[。;!?\n]|\.(?=\s|$)")
_CLAUSE_END = re.compile(r"[。;!?\n,、:]|\.(?=\s|$)|\s[-\u2013—(]\s?|\band/or\b")
_PREFERRED = CuePattern(
    "preferred",
    re.compile(
        r"优先|为佳|尤佳|更佳|更为理想|更理想|加分|最好|者更好"
        # (a word: "a higher diploma plus one year" holds no "a plus")
        r"|prefer|\ba plus|\ban? (?:added )?(?:plus|bonus|asset|advantage)|advantageous|desirable|desired"
        r"|nice to have|would be (?:helpful|an asset|useful|welcome|great|good)|highly regarded"
        r"|ideally|bonus|will have an advantage|is an advantage|beneficial|welcome",
        re.IGNORECASE,
    ),
)
_REQUIRED = CuePattern(
    "required",
    re.compile(
        r"必须|须|需要|需具备|需|要求|应具备|应当|应|务必|不低于|至少|以上"
        r"|\bmust\b|required|requirement|mandatory|essential|is a must|need to|needs to"
        r"|should (?:have|be|possess)|at least|minimum|or above|or higher|or better",
        re.IGNORECASE,
    ),
)
_NEGATED = CuePattern(
    "negated",
    re.compile(
        r"无需|无须|不需|不须|不要求|不限|不作要求|不做要求|不必|非必须|非必需"
        r"|no need|not (?:required|necessary|needed|a requirement|essential|mandatory)"
        r"|n't (?:required|necessary|needed|matter)|no (?:prior )?(?:knowledge|experience) (?:of|in) \S+"
        r" (?:is )?(?:required|needed|necessary)|without",
        re.IGNORECASE,
    ),
)

# Section headings: a short line naming a block of requirements, preferences or duties.
_HEADING_REQ = guarded(
    re.compile(
        r"任职要求|任职资格|岗位要求|岗位条件|招聘条件|应聘条件|报名条件|报考条件|资格条件|基本条件|入职条件"
        r"|资格要求|基本要求|应聘要求|申请条件|选拔条件|申请人必须|具体要求|专业要求|能力要求"
        r"|(?:条件|要求|资格|资质|专业水平)$"
        r"|requirements?\b|qualifications|must have|you have|you will have|you should have"
        r"|candidates? should|applicants? should|what we(?:'re| are) looking for|about you|who you are"
        r"|skills and experience|essential",
        re.IGNORECASE,
    )
)
_HEADING_PREF = guarded(
    re.compile(
        r"申请人如具|如具备以下|加分项|优先条件|优先考虑|preferred qualifications|preferred skills"
        r"|nice to have|bonus points|desirable|candidates? who (?:possess|have)|will have an advantage"
        r"|would be an (?:asset|advantage)",
        re.IGNORECASE,
    )
)
# "满足以下任一经验要求者优先:", "The following are a plus:": a list of preferences, even when any
# one of them will do (preferred outranks one-of-alternatives).
_HEADING_PREF_LIST = re.compile(
    r"以下[^:]{0,24}(?:优先|为佳|加分)"
    r"|the following (?:are|is|would be|will be) (?:preferred|a plus|an advantage|desirable)",
    re.IGNORECASE,
)
_HEADING_ALT = re.compile(r"条件之一|之一者|one of the following", re.IGNORECASE)
# The same, asked of windows of a whole text.
_ALTERNATIVES_CUE = CuePattern("alternatives", _HEADING_ALT)
_HEADING_OTHER = guarded(
    re.compile(
        r"职责|工作内容|岗位描述|职位描述|工作描述|薪酬|待遇|福利|报名方式|报名程序|联系方式|注意事项|备注"
        r"|responsibilit|job description|description|duties|what you'll do|what you will do|about (?:the|us)"
        r"|salary|remuneration|benefits|how to apply|application|overview|summary|note",
        re.IGNORECASE,
    )
)
_STATE_NONE, _STATE_REQ, _STATE_PREF, _STATE_ALT = 0, 1, 2, 3


def _heading_words() -> frozenset[str] | None:
    """Words one of which every match of a heading pattern contains (None: no such set)."""
    words: set[str] = set()
    for pattern in (_HEADING_PREF_LIST, _HEADING_ALT, _HEADING_PREF, _HEADING_REQ, _HEADING_OTHER):
        found = required_words(pattern)
        if found is None:
            return None
        words |= found
    return frozenset(words)


# A line none of these words occurs in (by the pre-scan) holds no heading: Sections skips it.
_HEADING_WORDS = _heading_words()
_HEADING_OWNER = "heading" if _HEADING_WORDS else ""
CUES: Final = (_PREFERRED, _REQUIRED, _NEGATED, _ALTERNATIVES_CUE)


def cue_words(cues: Iterable[CuePattern]) -> tuple[tuple[str, dict[str, None]], ...]:
    """The pre-scan words of cue patterns: (owner, word → None) for each cue that has words."""
    return tuple((c.owner, dict.fromkeys(sorted(c.words))) for c in cues if c.owner)


def declared_words() -> DeclaredWords:
    """This module's pre-scan words: its cues' words and the section-heading words."""
    heading = ((_HEADING_OWNER, dict.fromkeys(sorted(_HEADING_WORDS))),) if _HEADING_WORDS else ()
    return DeclaredWords(words=cue_words(CUES) + heading)


def literal_alt(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first, guarded by their first characters.

    re tries every alternative at every offset; the leading character-class lookahead rejects
    most offsets with one test, which makes patterns holding long vocabularies (country and
    language names) several times faster. The guard holds both cases of each first letter, so
    the result also works inside (?i:…).
    """
    uniq = sorted({w for w in words if w}, key=len, reverse=True)
    if not uniq:
        return "(?!)"
    firsts = {w[0] for w in uniq} | {w[0].lower() for w in uniq} | {w[0].upper() for w in uniq}
    guard = "".join(re.escape(c) for c in sorted(firsts))
    return f"(?=[{guard}])(?:{'|'.join(re.escape(w) for w in uniq)})"


@cache
def load_vocab(name: str) -> dict[str, Any]:
    """Load analysis/vocab/<name>.yaml once per process."""
    with (VOCAB_DIR / f"{name}.yaml").open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return data


_AND_OR = re.compile(r"\band/or\b")
_SENTENCE_MARKS = "。;!?\n"  # _SENTENCE_END's class
_CLAUSE_ONLY_MARKS = ",、:"  # the rest of _CLAUSE_END's class
_DASHES = "-\u2013—("


def _offsets(text: str, chars: str, out: list[int]) -> None:
    """Append the offset of every occurrence of each character of `chars` (str.find is C-fast)."""
    find = text.find
    for c in chars:
        i = find(c)
        while i >= 0:
            out.append(i)
            i = find(c, i + 1)


@lru_cache(maxsize=8)
def _boundaries(text: str) -> tuple[list[int], list[int], list[int]]:
    """Sentence-end offsets, and clause-end match starts and ends, of `text`.

    Detectors ask for the sentence or clause around many spans of the same text; bisecting these
    lists replaces two regex scans per question. The lists are what `_SENTENCE_END.finditer` and
    `_CLAUSE_END.finditer` over the whole text give (tests compare them), found with str.find per
    mark character, which is several times faster than a regex character-class scan:
    "." counts before whitespace or at the end, a dash or "(" after whitespace (taking one
    following whitespace character), "and/or" as a word.
    """
    n = len(text)
    sentence: list[int] = []
    _offsets(text, _SENTENCE_MARKS, sentence)
    clause = sentence[:]
    _offsets(text, _CLAUSE_ONLY_MARKS, clause)
    dots: list[int] = []
    if "." in text:
        find = text.find
        i = find(".")
        while i >= 0:
            if i + 1 == n or text[i + 1].isspace():
                dots.append(i)
            i = find(".", i + 1)
    if dots:
        sentence += dots
        clause += dots
    sentence.sort()
    clause.sort()
    dash_at: list[int] = []
    _offsets(text, _DASHES, dash_at)
    dashes = []
    for i in dash_at:
        if i and text[i - 1].isspace():
            dashes.append((i - 1, 2, i + 2 if i + 1 < n and text[i + 1].isspace() else i + 1))
    and_or = [(m.start(), 3, m.end()) for m in _AND_OR.finditer(text)] if "and/" in text else []
    if not dashes and not and_or:
        # One-character marks at distinct offsets: nothing overlaps, nothing ties.
        return sentence, clause, [a + 1 for a in clause]
    # (start, branch order, end): on a tie the earlier branch of _CLAUSE_END wins, and a match
    # overlapping an earlier one is dropped, as in one leftmost-first scan. The one-character
    # marks never overlap each other, so only the few longer matches are merged in: one is
    # dropped when it starts inside the previous kept one or where a mark starts (the mark's
    # branch is earlier), and a kept one drops the marks starting inside it.
    extras = dashes + and_or
    extras.sort()
    starts = clause
    long_end: dict[int, int] = {}
    last_end = -1
    for a, _, b in extras:
        if a < last_end:
            continue
        i = bisect.bisect_left(starts, a)
        if i < len(starts) and starts[i] == a:
            continue
        starts[i : bisect.bisect_left(starts, b, i)] = [a]
        long_end[a] = last_end = b
    get = long_end.get
    return sentence, starts, [get(a, a + 1) for a in starts]


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (ended by 。; ! ? newline or '. ') holding text[start:end]."""
    marks = _boundaries(text)[0]
    i = bisect.bisect_left(marks, start)
    lo = marks[i - 1] + 1 if i else 0
    j = bisect.bisect_left(marks, end)
    return lo, (marks[j] if j < len(marks) else len(text))


def clause_bounds(text: str, start: int, end: int, *, limit: int = 80) -> tuple[int, int]:
    """The clause (also ended by , 、 :) holding text[start:end], at most `limit` chars each side."""
    _, starts, ends = _boundaries(text)
    lo = max(0, start - limit)
    i = bisect.bisect_right(ends, start)
    if i and starts[i - 1] >= lo:
        lo = ends[i - 1]
    hi = min(len(text), end + limit)
    j = bisect.bisect_left(starts, end)
    if j < len(starts) and ends[j] <= hi:
        hi = starts[j]
    return lo, hi


# A company or team introduction (团队介绍:…, "## 我们是谁", About us): what the employer or the
# team does, not what the applicant is asked. It runs from its heading to the first line that
# opens a list item or a heading, at most INTRO_LIMIT characters.
_INTRO_HEAD = re.compile(
    r"^[#>*\s]*(?:职位描述\s*[:：]\s*)?(?:团队介绍|部门介绍|团队简介|公司介绍|公司简介|业务介绍|关于我们"
    r"|我们是谁|(?i:about\s+(?:us|the\s+team|the\s+company)|who\s+we\s+are))\s*(?:[:：]|\r?$)",
    re.MULTILINE,
)
_INTRO_END = re.compile(
    r"\n[ \t*]*(?:\d{1,2}\s*[、.．)）]|[-•·]\s|#|【|[(（]?[一二三四五六七八九十]{1,2}[、.．)）])"
    r"|\n[^\n]{0,12}(?:职责|要求|内容|描述|资格|(?i:responsibilities|requirements))\s*[:：]"
)
_INTRO_WORDS = (
    "介绍",
    "简介",
    "关于我们",
    "我们是谁",
    "about",
    "About",
    "ABOUT",
    "who we",
    "Who we",
)
INTRO_LIMIT = 600


@lru_cache(maxsize=8)
def intro_spans(text: str) -> tuple[tuple[int, int], ...]:
    """The spans of `text` that introduce the company or the team (see _INTRO_HEAD); cached,
    as the skill and AIGC detectors both ask for each position's text."""
    if not any(word in text for word in _INTRO_WORDS):  # substring tests: far cheaper
        return ()
    spans: list[tuple[int, int]] = []
    for head in _INTRO_HEAD.finditer(text):
        if spans and head.start() < spans[-1][1]:
            continue
        limit = min(len(text), head.end() + INTRO_LIMIT)
        end = _INTRO_END.search(text, head.end(), limit)
        spans.append((head.start(), end.start() if end else limit))
    return tuple(spans)


def in_intro(spans: tuple[tuple[int, int], ...], start: int) -> bool:
    """Does offset `start` fall in one of `spans` (intro_spans' answer)?"""
    return any(lo <= start < hi for lo, hi in spans)


def is_negated(text: str, start: int, end: int) -> bool:
    """True when the clause around the span waives it (无需, 不限, no need to, not required)."""
    lo, hi = clause_bounds(text, start, end)
    return _NEGATED.search(text, lo, hi) is not None


class Sections:
    """Which kind of section each offset of a text falls in, from its heading lines."""

    __slots__ = ("_offsets", "_states")

    def __init__(self, text: str) -> None:
        self._offsets: list[int] = [0]
        self._states: list[int] = [_STATE_NONE]
        # Only a line holding a heading word can be a heading (a heading pattern's match, on the
        # line or on its label, contains one of the words): the pre-scan's hits give those lines.
        if _HEADING_OWNER and lowered(text) is not None:
            find, n = text.find, len(text)
            starts = {line_start(text, h[0]) for h in prescan(text).get(_HEADING_OWNER, ())}
            for pos in sorted(starts):
                end = find("\n", pos)
                self._add(text[pos : n if end < 0 else end], pos)
            return
        pos = 0
        for line in text.split("\n"):
            self._add(line, pos)
            pos += len(line) + 1

    def _add(self, line: str, pos: int) -> None:
        """Record the line starting at `pos` if it is a heading."""
        state = _heading_state(line)
        # "岗位要求:熟练掌握俄语" — a label opening the line (its colon is within 18 characters)
        if state is None and line.find(":", 0, 18) >= 0:
            label = _INLINE_LABEL.match(line)
            state = _heading_state(label.group(1)) if label else None
        if state is not None:
            self._offsets.append(pos)
            self._states.append(state)

    def state_at(self, offset: int) -> int:
        return self._states[bisect.bisect_right(self._offsets, offset) - 1]

    def default_required(self, offset: int) -> bool | None:
        """True in a requirements block, False in a preferences block, else None."""
        state = self.state_at(offset)
        return True if state == _STATE_REQ else False if state == _STATE_PREF else None


_INLINE_LABEL = re.compile(r"^\W{0,3}([^,;。:]{2,14}):")


def _heading_state(line: str) -> int | None:
    stripped = line.strip()
    if not stripped or len(stripped) > 60:
        return None
    # A list item or a sentence is not a heading, unless it introduces a list (ends with : or -).
    intro = stripped.endswith((":", "-", "\u2013", "—"))
    if stripped.endswith(("。", ";", ".")) and not intro:
        return None
    if len(stripped) > 30 and not intro:
        return None
    stripped = stripped.rstrip(":-\u2013— ")
    if _HEADING_PREF_LIST.search(stripped):
        return _STATE_PREF
    if _HEADING_ALT.search(stripped):
        return _STATE_ALT
    if _HEADING_PREF.search(stripped):
        return _STATE_PREF
    if _HEADING_REQ.search(stripped):
        return _STATE_REQ
    if _HEADING_OTHER.search(stripped):
        return _STATE_NONE
    return None


_LIST_ITEM = re.compile(
    rf"\s*(?:\(?[{CN_ONE_TO_TEN}\d]{{1,2}}[).、]|\(?(?:[ivx]{{1,4}}|[a-z])\)|[-•*])"
)
# An entry route ending "…;或" / "…; or": the items of the list are alternatives (HK civil
# service "(i) a degree; or (ii) an associate degree and two years' experience; or …").
_OR_END = re.compile(r"(?:或者?|(?:[;,]\s*|\s)or)\s*\Z")
_ROUTE_LINE = 2000  # how far a list item's end is looked for (a longer item is no route)


@lru_cache(maxsize=8)
def _newlines(text: str) -> list[int]:
    """Offsets of the line breaks of `text`, found once per text."""
    out: list[int] = []
    _offsets(text, "\n", out)
    return out


def line_start(text: str, pos: int) -> int:
    """Where the line holding `pos` starts: a bisect of the cached line breaks, not a scan back
    (one scan per hit is quadratic on a long line)."""
    breaks = _newlines(text)
    i = bisect.bisect_left(breaks, pos)
    return breaks[i - 1] + 1 if i else 0


def _in_alternatives(text: str, start: int) -> bool:
    """Is the span in a list item under "具备以下条件之一" / "one of the following"?"""
    line_lo = line_start(text, start)
    if not _LIST_ITEM.match(text, line_lo):
        return False
    if _ALTERNATIVES_CUE.search(text, max(0, line_lo - 400), line_lo) is not None:
        return True
    return _or_joined(text, line_lo)


def _or_joined(text: str, line_lo: int) -> bool:
    """Does the list item at `line_lo`, or the item before it, end with "或" / "; or"?"""
    hi = text.find("\n", line_lo, line_lo + _ROUTE_LINE)
    if hi >= 0 and _OR_END.search(text[max(line_lo, hi - 8) : hi]):
        return True
    return line_lo > 0 and _OR_END.search(text[max(0, line_lo - 9) : line_lo - 1]) is not None


# Matched at the sentence's start (`match(text, s_lo, start)`), never on a slice of it: a slice
# costs the sentence's length for every span, quadratic on a posting without sentence ends.
_LEADING_PREF = re.compile(r"\W*(?:preferably|ideally|最好|如有|如具|如能)", re.IGNORECASE)


def is_alternative(text: str, start: int, sections: Sections | None = None) -> bool:
    """Is the span at `start` one of alternatives (an item under "具备以下条件之一" / "one of the
    following", or in a section so headed)? `requirement` says None there, as when nothing is said."""
    if _in_alternatives(text, start):
        return True
    return sections is not None and sections.state_at(start) == _STATE_ALT


def requirement(text: str, start: int, end: int, sections: Sections | None = None) -> bool | None:
    """Is the thing at text[start:end] required (True), preferred (False) or unsaid (None)?

    The clause decides first (优先/preferred → False, 须/must → True); a sentence opening with
    "Preferably"/"最好" → False; else the section the span sits in decides.
    """
    lo, hi = clause_bounds(text, start, end)
    if _PREFERRED.search(text, lo, hi):
        return False
    s_lo, _ = sentence_bounds(text, start, end)
    if _LEADING_PREF.match(text, s_lo, start):
        return False
    if sections is not None and sections.state_at(start) == _STATE_PREF:
        return False  # a preferences block, even of alternatives (以下任一…者优先)
    if _in_alternatives(text, start):
        return None
    if _REQUIRED.search(text, lo, hi):
        return True
    return sections.default_required(start) if sections is not None else None


class ClauseStates:
    """What the clauses of one text say, each clause searched once however many spans it holds.

    A detector with many hits in a text (languages: one per language name) asks of each hit's
    clause whether it waives, prefers or requires; hits in one clause share the answers.
    `negated` and `requirement` give exactly what `is_negated` and `requirement` give for a span
    whose clause_bounds are (lo, hi) and whose sentence starts at s_lo.
    """

    __slots__ = ("_negated", "_preferred", "_required", "sections", "text")

    def __init__(self, text: str, sections: Sections | None) -> None:
        self.text = text
        self.sections = sections
        self._negated: dict[tuple[int, int], bool] = {}
        self._preferred: dict[tuple[int, int], bool] = {}
        self._required: dict[tuple[int, int], bool] = {}

    def negated(self, lo: int, hi: int) -> bool:
        key = (lo, hi)
        found = self._negated.get(key)
        if found is None:
            found = self._negated[key] = _NEGATED.search(self.text, lo, hi) is not None
        return found

    def requirement(self, start: int, lo: int, hi: int, s_lo: int) -> bool | None:
        text, key = self.text, (lo, hi)
        preferred = self._preferred.get(key)
        if preferred is None:
            preferred = self._preferred[key] = _PREFERRED.search(text, lo, hi) is not None
        if preferred:
            return False
        if _LEADING_PREF.match(text, s_lo, start):
            return False
        if self.sections is not None and self.sections.state_at(start) == _STATE_PREF:
            return False  # a preferences block, even of alternatives (以下任一…者优先)
        if _in_alternatives(text, start):
            return None
        required = self._required.get(key)
        if required is None:
            required = self._required[key] = _REQUIRED.search(text, lo, hi) is not None
        if required:
            return True
        return self.sections.default_required(start) if self.sections is not None else None


def gate_hits(text: str, tag: str) -> list[int]:
    """Start offsets of the gate words declared under `tag` in `text` (cached per text)."""
    return _scan(text).get(tag, [])


def line_windows(
    text: str, tag: str, *, before: int = 80, after: int = 100
) -> list[tuple[int, int]]:
    """Windows around the gate words of `tag`: `before`/`after` characters, clipped to the line,
    merged when they overlap.

    Detectors run their full pattern only inside these windows: one literal scan shared by every
    detector is far faster than patterns that start with lookarounds or alternations.
    """
    return list(_line_windows(text, tag, before, after))


@lru_cache(maxsize=64)
def _line_windows(text: str, tag: str, before: int, after: int) -> tuple[tuple[int, int], ...]:
    """`line_windows`, once per text and tag: a detector runs several patterns (a certificate's
    spellings) in the windows of one tag, and a dense posting has a window edge per hit."""
    out: list[tuple[int, int]] = []
    n = len(text)
    for pos in sorted(set(gate_hits(text, tag))):
        # The line's edges are looked for only within the window: a break farther away would be
        # clipped to the window's edge anyway (long English paragraphs are one line).
        lo = max(0, pos - before)
        line_lo = text.rfind("\n", lo, pos)
        lo = line_lo + 1 if line_lo >= 0 else lo
        hi = min(n, pos + after)
        line_hi = text.find("\n", pos, hi)
        hi = line_hi if line_hi >= 0 else hi
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return tuple(out)


def gated_finditer(pattern: re.Pattern[str], text: str, tag: str) -> list[re.Match[str]]:
    """pattern.finditer(text), restricted to windows around the gate words of `tag`."""
    seen: set[tuple[int, int]] = set()
    out: list[re.Match[str]] = []
    for lo, hi in line_windows(text, tag):
        for m in pattern.finditer(text, lo, hi):
            if m.span() not in seen:
                seen.add(m.span())
                out.append(m)
    return out
