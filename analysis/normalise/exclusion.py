"""Normalise stage, shared helper: clauses that exclude people rather than ask something of them.

Input: one cleaned position text and the span of a hit (overseas, degree, skill, AIGC, party).
Output: whether the hit is inside an exclusion ("曾在境外留学、工作的,不得报考", "不接受…报名",
"applicants who studied abroad are not eligible"), in which case it is no requirement at all.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from analysis.normalise.context import clause_bounds, gate_hits, sentence_bounds
from analysis.normalise.wordscan import DeclaredWords

__all__ = ["declared_words", "has_exclusion_cues", "is_excluded"]

# An exclusion verb: barred from applying, being hired or being counted. "不得少于/不能低于"
# state a minimum and are not exclusions.
_BAR_ZH = (
    r"(?:均|一律|亦|也|将)?(?:不得(?!少于|低于|短于|超过|晚于|早于|多于|高于)|不能(?:报考|报名|应聘|申请|参加|参与|聘用|录用)"
    r"|不予(?:报名|受理|录用|聘用|考虑|认可|承认|通过)?|不接受|不可(?:报考|报名|应聘|申请)"
    r"|不符合(?:报考|报名|应聘|申请)|谢绝|不属于|不在\S{0,8}?范围|不作为\S{0,6}?(?:对象|条件))"
)
_BAR_EN = (
    r"(?:are|is|will be|shall be)?\s*(?:not eligible|ineligible|excluded|not (?:be )?considered"
    r"|not (?:be )?accepted|disqualified|not (?:be )?(?:allowed|permitted)|prohibited|forbidden)"
    r"|not open to|(?:cannot|can ?not|may not|must not) apply"
)
# After the hit, in its own clause: "…工作的人员不得报考", "… are not eligible".
_AFTER = re.compile(rf"{_BAR_ZH}|(?i:{_BAR_EN})")
# A relative phrase closed and barred: "…工作的,不得报考", "…者一律不予录用".
_RELATIVE_BAR = re.compile(rf"(?:的|者|人员|人士|情形)\s*,?\s*{_BAR_ZH}")
# Something asked or preferred between the hit and a later bar: the bar is about something else.
_ASKED = re.compile(
    r"优先|为佳|尤佳|更佳|要求|必须|须|需|应具备|具有|具备|熟练|精通|以上|prefer|must|required",
    re.IGNORECASE,
)
# Before the hit, in its own clause: "不接受海外留学生", "不含境外工作经历", "not open to …".
_BEFORE = re.compile(
    r"不接受|不招收|不含|不包括|不包含|不属于|不予认可|谢绝|禁止|严禁|不得(?!少于|低于|短于)"
    r"|(?i:not open to|not eligible|excluding|exclusive of|does not include|do not include"
    r"|(?:is |are )?(?:not allowed|prohibited|forbidden))"
)
# A list introduced by an exclusion: "下列人员不得报考:" / "The following are not eligible:".
_EXCLUSION_HEAD = re.compile(rf"(?:{_BAR_ZH}|(?i:{_BAR_EN}))[^\n]{{0,12}}:\s*$")
_LIST_ITEM = re.compile(r"\s*(?:\(?\d{1,2}[).、]|\(?[一二三四五六七八九十]{1,2}[)、]|[-•*])")
_HEAD_LOOKBACK = 600  # characters searched back for the heading of a list: bounded, so linear
_PHRASE_LIMIT = 100
_COMMA = re.compile(r"[,;]")


def _bars_after(text: str, end: int, s_hi: int) -> bool:
    """Does the rest of the hit's sentence bar it? Either the hit's own phrase (to the next
    comma; a list "留学、工作、生活" stays one phrase) holds the bar, or a relative phrase the hit
    opens closes further on and the bar follows it ("曾在境外工作、生活,期间…的,不得报考"),
    with nothing asked or preferred in between."""
    limit = min(s_hi, end + _PHRASE_LIMIT)
    comma = _COMMA.search(text, end, limit)
    if _AFTER.search(text, end, comma.start() if comma else limit):
        return True
    bar = _RELATIVE_BAR.search(text, end, limit)
    return bar is not None and _ASKED.search(text, end, bar.start()) is None


def _in_exclusion_list(text: str, start: int) -> bool:
    """Is the hit on a list item under a heading line that bars the people listed?

    Only the _HEAD_LOOKBACK characters before the hit are read: each hit costs a bounded scan.
    """
    floor = max(0, start - _HEAD_LOOKBACK)
    line_lo = text.rfind("\n", floor, start) + 1
    if (line_lo == 0 and floor > 0) or not _LIST_ITEM.match(text, line_lo):
        return False
    hi = line_lo - 1
    while hi > floor:
        lo = text.rfind("\n", floor, hi) + 1
        if lo == 0 and floor > 0:
            return False  # the heading, if any, is further back than we read
        if _LIST_ITEM.match(text, lo, hi):
            hi = lo - 1  # an earlier item of the same list
            continue
        return _EXCLUSION_HEAD.search(text, lo, hi) is not None
    return False


# Every match of the bars above holds one of these words (Latin ones starting a word): a hit
# with none of them near it is not barred. The shared pre-scan finds them, so a text costs
# nothing more than a lookup.
_CUE_WORDS = (
    *(f"不{c}" for c in "得能予接可符属在作含包招"),
    "谢绝",
    "禁止",
    "严禁",
    "not",
    "cannot",
    "ineligible",
    "exclu",
    "disqualif",
    "prohibit",
    "forbid",
)
_GATE = "exclusion"


def declared_words() -> DeclaredWords:
    """This module's pre-scan words: the exclusion cues."""
    return DeclaredWords(gates=((_GATE, _CUE_WORDS),))


@lru_cache(maxsize=16)
def _cue_offsets(text: str) -> list[int]:
    """Sorted start offsets of the exclusion cue words in `text` (cached: every detector asks)."""
    return sorted(gate_hits(text, _GATE))


def has_exclusion_cues(text: str) -> bool:
    """Can any hit in `text` be barred? (False: a detector need not ask `is_excluded` at all.)"""
    return bool(_cue_offsets(text))


def _cue_near(text: str, start: int, end: int) -> bool:
    """Is there a cue between the list look-back before the hit and the phrase after it?"""
    offsets = _cue_offsets(text)
    i = bisect.bisect_left(offsets, start - _HEAD_LOOKBACK)
    return i < len(offsets) and offsets[i] < end + _PHRASE_LIMIT


def is_excluded(text: str, start: int, end: int) -> bool:
    """True when text[start:end] names people an exclusion clause bars, not something asked.

    The bar follows the hit in its clause ("…者不得报考", "… are not eligible"), opens the next
    clause after a relative phrase ("…工作的,不得报考"), precedes it in its clause ("不接受…",
    "not open to …"), or heads the list the hit is an item of ("下列人员不得报考:").
    """
    if not _cue_near(text, start, end):
        return False
    c_lo, _ = clause_bounds(text, start, end)
    if _BEFORE.search(text, c_lo, start):
        return True
    _, s_hi = sentence_bounds(text, start, end)
    if _bars_after(text, end, s_hi):
        return True
    return _in_exclusion_list(text, start)
