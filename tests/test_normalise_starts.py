"""Start-word shortcuts give exactly what the plain scans give.

detect_overseas and detect_education try their gated patterns only where a start word occurs
(gated_matches instead of gated_finditer); detect_skills tries its regex skills only at the
pre-scan's hits of their start words and its contextual short forms (PR, PS, SD, MJ) only where
one occurs; detect_education asks its two small cue patterns of the lower-cased text, and
detect_aigc takes clause bounds from the text instead of its lower case. Each fast
path is compared with its plain form over edge cases, the gold corpus and random strings built
from the vocabularies.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import analysis.normalise  # noqa: F401  (registers every detector's pre-scan words)
from analysis.normalise import aigc, context, education, overseas, skills, starts
from analysis.normalise.context import gated_finditer, load_vocab, lower_same_length, prescan
from analysis.normalise.guard import lowered
from analysis.normalise.starts import (
    gated_matches,
    literal_starts,
    match_starts,
    matches_at,
)
from analysis.normalise.text import clean_text

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real_postings.jsonl"


def _corpus_texts() -> list[str]:
    if not CORPUS.is_file():
        return []
    rows = [json.loads(line) for line in CORPUS.read_text("utf-8").splitlines() if line.strip()]
    return [clean_text(r["text"]) for r in rows]


def _words(obj: object, out: set[str]) -> None:
    if isinstance(obj, str):
        out.add(obj)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            _words(k, out)
            _words(v, out)
    elif isinstance(obj, list):
        for v in obj:
            _words(v, out)


def _vocab_pieces() -> list[str]:
    found: set[str] = set()
    for name in ("skills", "overseas", "aigc"):
        _words(load_vocab(name), found)
    return sorted(w for w in found if 0 < len(w) < 30)


_PIECES = [
    *_vocab_pieces(),
    *"在等或、和及/过 \n,。;:.-(",
    *["国境外", "国(境)外", "海外", "留学", "学习", "工作", "经历", "两年以上", "半年"],
    *["studied", "working", "lived", "abroad", "in the ", "outside of mainland China"],
    *["PR", "AE", "FCPX", "PS", "AI", "SD", "SDXL", "SD1.5", "MJ", "SD卡", "HD/SD", "剪辑"],
    *["Ph D", "Ph.D", "PhD", "Master's", "master\u2019s", "Bachelor", "博士后", "研究生院"],
    *["学历不限", "pursuing", "Pursuing a", "STUDENTS", "在读", "认证", "专业要求"],
    *["政治面貌", "政治", "面貌", "党员", "不限"],
    *["present", "hosting", "Analysing", "organising", "java", "JavaScript"],
    *["and/or", " and/or ", "AIGC", "AI视频", "提示词", "生成", "负责", "报道", "新闻"],
    *["\u0130", "\u0131", "\u017f", "\u212a", "\u017ftudy", "\u03a3"],
]
_TEXTS = st.lists(
    st.sampled_from(_PIECES).flatmap(
        lambda w: st.sampled_from([w, w.upper(), w.lower(), w.title()])
    ),
    max_size=30,
).map("".join)

EDGE_TEXTS = [
    "",
    "在国境外学习或工作两年以上",
    "具有国(境)外学习经历;在英国留学过",
    "Studied abroad; worked in the UK. Living overseas.",
    "\u017ftudied abroad, \u0130n the UK",
    "PhD / Ph D / Ph.D. / Master's degree / 本科及以上学历 / 博士后",
    "学历不限,在读研究生,硕士研究生学历",
    "熟练使用PR、AE剪辑;PS设计;SD出图,MJ提示词;SD卡",
    "FCPX剪辑 PSD设计 APSD",
    "presenting news shows and hosting interviews; present programmes",
    "analysing market data, organising press conferences",
    "AIGC AND/OR AI视频 and/or 提示词, And/Or Stable Diffusion",
    "负责AIGC内容生成 AND/OR 报道AI新闻",
    "政治面貌\n不限;政治面貌政治面貌:中共党员",
]


def _reference_pattern_span(
    pattern: re.Pattern[str], low: str, accept: Callable[[int, int], bool]
) -> tuple[int, int] | None:
    for m in pattern.finditer(low):
        if skills._word_edges_ok(low, m.start(), m.end()) and accept(m.start(), m.end()):
            return m.start(), m.end()
    return None


def _any_span(start: int, end: int) -> bool:
    return True


def _odd_start(start: int, end: int) -> bool:
    """A stand-in for a barred or borrowed hit: the scan must look on past a refused match."""
    return start % 2 == 1


def _reference_contextual_span(c: skills._Contextual, text: str) -> tuple[int, int] | None:
    if not any(t in text for t in c.triggers):
        return None
    for m in c.pattern.finditer(text):
        lo, hi = max(0, m.start() - c.window), min(len(text), m.end() + c.window)
        if c.context.search(text, lo, m.start()) or c.context.search(text, m.end(), hi):
            return m.start(), m.end()
    return None


def _gated_patterns() -> list[tuple[re.Pattern[str], starts.MatchStarts | None, str]]:
    v = overseas._vocab()
    return [
        (v.pattern, v.starts, "overseas"),
        (education._DEGREES, education._DEGREE_STARTS, "degree"),
    ]


def _check(text: str) -> None:
    for pattern, word_starts, tag in _gated_patterns():
        fast = [(m.span(), m.lastgroup) for m in gated_matches(pattern, word_starts, text, tag)]
        plain = [(m.span(), m.lastgroup) for m in gated_finditer(pattern, text, tag)]
        assert fast == plain, (tag, text)
    tax = skills._taxonomy()
    low = lower_same_length(text)
    found = prescan(text)
    for (_, pattern), owner, at_words in zip(
        tax.patterns, tax.pattern_words, tax.pattern_starts_at_words, strict=True
    ):
        if at_words and owner in found:
            for accept in (_any_span, _odd_start):
                fast_span = skills._pattern_span(pattern, low, found[owner], accept)
                want = _reference_pattern_span(pattern, low, accept)
                assert fast_span == want, (pattern.pattern, text, accept.__name__)
    offsets_of: dict[str, list[int]] = {}
    for c in tax.contextual:
        fast_span = skills._contextual_span(c, text, tax, offsets_of)
        assert fast_span == _reference_contextual_span(c, text), text
    for pattern, pattern_low in (
        (education._NOT_REQUIREMENT, education._NOT_REQUIREMENT_LOW),
        (education._STUDYING, education._STUDYING_LOW),
    ):
        for lo in range(0, len(text) + 1, 7):
            for hi in (lo, lo + 20, len(text)):
                plain_hit = pattern.search(text, lo, hi) is not None
                assert education._holds(pattern, pattern_low, text, lo, hi) == plain_hit
    assert education._has_form_label(text) == (education._FORM_LABEL in text)
    bounds_text = aigc._bounds_text(text, low)
    assert context._boundaries(bounds_text) == context._boundaries(low), text


def test_the_shortcuts_are_in_use() -> None:
    assert overseas._vocab().starts is not None
    assert education._DEGREE_STARTS is not None
    tax = skills._taxonomy()
    assert sum(tax.pattern_starts_at_words) >= len(tax.patterns) // 2
    assert all(c.start_chars for c in tax.contextual)


@pytest.mark.parametrize("text", EDGE_TEXTS)
def test_edge_cases_match_the_plain_scans(text: str) -> None:
    _check(text)
    for line in text.split("\n"):
        _check(line)


def test_corpus_matches_the_plain_scans() -> None:
    texts = _corpus_texts()
    if not texts:
        pytest.skip("corpus not available")
    for text in texts:
        _check(text)


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_random_texts_match_the_plain_scans(text: str) -> None:
    _check(text)


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_every_match_starts_with_a_start_word(text: str) -> None:
    """The analysis behind the shortcuts: no match starts anywhere else."""
    low = lowered(text)
    tax = skills._taxonomy()
    # (pattern, the text it runs on, the text its start words are looked for in, fold)
    cases: list[tuple[re.Pattern[str], str, str, bool]] = [
        (p, text, low, True) for p, _, _ in _gated_patterns() if low is not None
    ]
    low_text = lower_same_length(text)
    cases += [(p, low_text, low_text, False) for _, p in tax.patterns]
    cases += [(c.pattern, text, text, False) for c in tax.contextual]
    for pattern, searched, shown, fold in cases:
        words = literal_starts(pattern, fold=fold)
        if words is None:
            continue
        for m in pattern.finditer(searched):
            assert any(shown.startswith(w, m.start()) for w in words), (pattern.pattern, text)


def test_lower_casing_makes_no_clause_mark() -> None:
    """Why detect_aigc may take clause bounds from the text: no character lower-cases to or
    from a mark or a space (but "AND/OR", which the edge cases and random texts cover)."""
    marks = set("。;!?\n,、:.-\u2013—(")
    for code in range(0x110000):
        c = chr(code)
        low = lower_same_length(c)
        if low != c:
            assert low not in marks and c not in marks, hex(code)
            assert not low.isspace() and not c.isspace(), hex(code)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"abc|de", {"abc", "de"}),
        (r"(?:在)?海外|境外", {"在", "海外", "境外"}),  # the optional word is one
        (r"(?<![a-z])[Mm]aster", {"master"}),
        (r"(?i:Stud)y", {"stud"}),
        (r"x*abc", {"x", "abc"}),
        (r"(?:ab)?", None),  # may be empty
        (r"[a-z]+q", None),  # a range
        (r".b", None),
    ],
)
def test_literal_starts_table(pattern: str, expected: set[str] | None) -> None:
    words = literal_starts(re.compile(pattern), fold=True)
    assert (set(words) if words is not None else None) == expected


def test_case_insensitive_words_need_the_lower_cased_text() -> None:
    assert literal_starts(re.compile(r"(?i:stud)"), fold=False) is None
    assert literal_starts(re.compile("(?i:\u03c3)"), fold=True) is None


@settings(max_examples=300, deadline=None)
@given(_TEXTS, st.integers(0, 40), st.integers(0, 60))
def test_matches_at_is_finditer(text: str, lo: int, span: int) -> None:
    """With every offset given, matches_at is finditer (a superset of the starts is enough)."""
    hi = min(len(text), lo + span)
    for pattern, _, _ in _gated_patterns():
        low = lowered(text)
        starts = match_starts(pattern)
        if low is None or starts is None or lo > hi:
            continue
        every = list(range(lo, hi))
        plain = [m.span() for m in pattern.finditer(text, lo, hi)]
        assert [m.span() for m in matches_at(pattern, text, every, hi)] == plain
        at_words = matches_at(pattern, text, starts.positions(low, lo, hi), hi)
        assert [m.span() for m in at_words] == plain
