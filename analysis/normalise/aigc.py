"""Normalise stage: generative-AI (AIGC) duties and requirements.

Input: one cleaned position text and the skill findings already detected on it.
Output: Findings with field "aigc", value "aigc", one per distinct AIGC term used as a duty or skill
(AIGC, AI视频, 提示词, Stable Diffusion, ComfyUI, 大模型应用, reviewing AI-generated output …).
Reporting on AI (报道人工智能新闻, 熟悉AI行业动态, covers AI news), AI as a threat (虚假, deepfake),
a client or a product sold, and bans (不得使用AI生成内容) do not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from analysis.models import Evidence, Finding
from analysis.normalise.context import (
    clause_bounds,
    in_intro,
    intro_spans,
    load_vocab,
    lower_same_length,
    prescan,
)
from analysis.normalise.exclusion import is_excluded
from analysis.normalise.guard import guarded
from analysis.normalise.wordscan import DeclaredWords

__all__ = ["AIGC_SKILLS", "declared_words", "detect_aigc"]

AIGC_SKILLS = frozenset({"stable_diffusion", "midjourney", "prompt_engineering"})
_MAX_FINDINGS = 10


@dataclass(frozen=True, slots=True)
class _Vocab:
    cue: re.Pattern[str]
    coverage: re.Pattern[str]
    production: re.Pattern[str]


def _words(words: list[str]) -> re.Pattern[str]:
    """Any of `words`, lower case; a Latin word on word edges, a Chinese one anywhere ("使用AI工具":
    the Latin letters after 使用 do not stop it)."""
    ordered = sorted((str(w).lower() for w in words), key=len, reverse=True)
    latin = "|".join(re.escape(w) for w in ordered if w.isascii())
    other = "|".join(re.escape(w) for w in ordered if not w.isascii())
    alts = [f"(?<![a-z])(?:{latin})(?![a-z])"] if latin else []
    return guarded(re.compile("|".join(alts + ([f"(?:{other})"] if other else []))))


def declared_words() -> DeclaredWords:
    """This module's pre-scan words: the AIGC terms."""
    terms = load_vocab("aigc")["terms"]
    return DeclaredWords(words=(("aigc", {str(term).lower(): None for term in terms}),))


@cache
def _vocab() -> _Vocab:
    data = load_vocab("aigc")
    return _Vocab(_words(data["cues"]), _words(data["coverage"]), _words(data["production"]))


def aigc_version() -> str:
    """The `version:` of analysis/vocab/aigc.yaml."""
    return str(load_vocab("aigc")["version"])


def _edge_ok(low: str, start: int, end: int) -> bool:
    before = low[start - 1] if start > 0 else " "
    after = low[end] if end < len(low) else " "
    if low[start].isascii() and low[start].isalnum() and before.isascii() and before.isalnum():
        return False
    # a part or model code that only looks like a term: LLM-7, SD-200 (GPT-4 is a term itself)
    if after == "-" and low[end + 1 : end + 2].isdigit():
        return False
    return not (
        low[end - 1].isascii() and low[end - 1].isalnum() and after.isascii() and after.isalnum()
    )


# Where the detail after a heading's colon ends: a sentence or line end.
_DETAIL_END = re.compile(r"[。;；\n]")
# The last mark before a list that is not a list comma: where the list's own clause opens.
_LIST_HEAD = re.compile(r"[,，。;；:：\n](?=[^,，。;；:：\n]*\Z)")


def _bounds_text(text: str, low: str) -> str:
    """`text` when its clause bounds are those of `low`, else `low`.

    Clause marks, dots, dashes and whitespace have no case, and no letter lower-cases to one,
    so lower-casing moves no bound but an "and/or" written in capitals ("AND/OR"), which
    counts only in `low`. The bounds of `text` are usually cached already (other detectors ask
    for them); working out those of `low` costs a pass over the whole text.
    """
    return low if "and/or" in low else text


def _is_coverage(low: str, bounds_text: str, start: int, end: int, v: _Vocab) -> bool:
    """Is the term in a clause about covering AI, AI as a threat, a client or a product sold,
    with no production verb (生成, create, review …) beside it?"""
    lo, hi = clause_bounds(bounds_text, start, end, limit=40)
    around = low[lo:start] + " " + low[end:hi]
    return v.coverage.search(around) is not None and v.production.search(around) is None


# "AI tools" / "AI models" named with data or machine learning as one stack ("Data & AI tools",
# "ML/AI models"): analytics and classic ML, not generative AI.
_GENERIC_AI = frozenset({"ai tools", "ai models"})
_ANALYTICS_BEFORE = re.compile(r"(?:data\s*(?:&|and)?|ml\s*/|machine learning\s*(?:&|and|/))\s*\Z")
# A clause that only continues the one before it ("…, with a focus on GenAI solutions",
# "…, including LLM agents"): the duty verb is in the clause before.
_CONTINUES = re.compile(
    r"\s*(?:with|including|especially|particularly|in particular|notably|focusing|such as)\b"
)


# "AI" listed after other design software (熟练PS、ai修图, PS/AI设计) is Adobe Illustrator.
_DESIGN_SOFTWARE_BEFORE = re.compile(
    r"(?<![a-z])(?:ps|photoshop|cdr|coreldraw|indesign|c4d|sketch|figma|ae|pr)\s*[、/,，和及&]\s*\Z"
)


def _counts(low: str, bounds_text: str, start: int, end: int, v: _Vocab) -> bool:
    """A term counts when its clause has a duty/skill cue and is not about covering AI news.

    `bounds_text` has the clause bounds of `low` (_bounds_text).
    """
    if _is_coverage(low, bounds_text, start, end, v):
        return False
    if low.startswith("ai", start) and _DESIGN_SOFTWARE_BEFORE.search(
        low, max(0, start - 16), start
    ):
        return False
    if low[start:end] in _GENERIC_AI and _ANALYTICS_BEFORE.search(low, max(0, start - 24), start):
        return False
    lo, hi = clause_bounds(bounds_text, start, end, limit=40)
    if v.cue.search(low, lo, hi) is None:  # the term itself may hold the cue: AI训练师
        if lo and bounds_text[lo - 1] in ",，" and _CONTINUES.match(low, lo):
            before_lo, before_hi = clause_bounds(bounds_text, lo - 1, lo - 1, limit=200)
            if v.cue.search(low, before_lo, before_hi) is not None:
                return not is_excluded(bounds_text, start, end)
        if hi < len(bounds_text) and bounds_text[hi] in ":：":
            # a heading the colon opens (AI大模型相关功能:协助调试并评测效果): its detail
            detail = _DETAIL_END.search(bounds_text, hi + 1, hi + 41)
            if v.cue.search(low, hi + 1, detail.start() if detail else hi + 41) is not None:
                return not is_excluded(bounds_text, start, end)
        # an item of a list the cue heads (熟悉自然语言处理、大模型等技术): the list's clause
        if not (lo and bounds_text[lo - 1] == "、"):
            return False
        head = _LIST_HEAD.search(bounds_text, max(0, start - 40), start)
        if v.cue.search(low, head.end() if head else max(0, start - 40), hi) is None:
            return False
    return not is_excluded(bounds_text, start, end)  # "不得使用AI生成内容"


def detect_aigc(text: str, skills: list[Finding] | None = None) -> list[Finding]:
    """Generative-AI duties or requirements in `text`: one finding per distinct term (at most 10).

    Skill findings for stable_diffusion, midjourney and prompt_engineering count (their own
    detector already demands AI context) unless their clause is about covering AI, a threat, a
    client or a product sold.
    """
    v = _vocab()
    low = lower_same_length(text)
    hits: list[tuple[int, int]] = []
    for start, end, _ in prescan(text).get("aigc", ()):
        if _edge_ok(low, start, end):
            hits.append((start, end))
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    out: list[Finding] = []
    seen: set[str] = set()
    cover_end = -1
    bounds_text = _bounds_text(text, low) if hits else text
    intro = intro_spans(text) if hits else ()  # the company's or team's AI is not a duty
    for start, end in hits:
        if end <= cover_end:
            continue
        cover_end = end
        term = low[start:end]
        if term in seen or (intro and in_intro(intro, start)):
            continue
        if not _counts(low, bounds_text, start, end, v):
            continue
        seen.add(term)
        out.append(Finding("aigc", "aigc", Evidence.of(text, start, end)))
    for f in skills or []:
        if f.field == "skill" and f.value in AIGC_SKILLS and f.evidence.text.lower() not in seen:
            if _is_coverage(low, bounds_text, f.evidence.start, f.evidence.end, v):
                continue  # a client, a threat or a story's subject (clients include Midjourney)
            seen.add(f.evidence.text.lower())
            out.append(Finding("aigc", "aigc", f.evidence, detail={"skill": f.value}))
    out.sort(key=lambda f: f.evidence.start)
    return out[:_MAX_FINDINGS]
