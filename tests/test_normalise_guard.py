"""First-character guards: a guarded pattern finds exactly the matches of the original."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import analysis.normalise  # noqa: F401  (compiles and guards every detector pattern)
from analysis.normalise import languages, overseas
from analysis.normalise.context import CuePattern
from analysis.normalise.dates import _search_relative
from analysis.normalise.guard import (
    CaselessPattern,
    first_char_guard,
    guarded,
    guarded_patterns,
    required_words,
)
from analysis.normalise.text import clean_text

# Edge cases: full-width forms after clean-up, Traditional characters, negations, mixed case,
# year-less and Chinese-numeral dates, text at the very start or end, lookbehind contexts.
EDGE_TEXTS = [
    "",
    "须",
    "英语",
    "MUST have a bachelor's degree. Must-have: fluency in English; must.",
    "2025年3月10日发布 截止日期:4月20日前 二〇二五年三月十日 June 3rd, 2024 3 June",
    "发布时间:2025-03-10 更新日期: 2025/3/9 Posted on March 26, 2024 date: 1 may",
    "无需海外经历;不限专业;No need to speak Chinese; not required: overseas experience",
    "具有海外学习或工作经历者优先;在境外使用该国语言学习或工作两年以上;studied abroad",
    "Native English speaker; 以英语为母语; non-native speakers welcome; 英、俄、日等任意语种",
    "研究生学历,硕士学位优先;本科及以上;Ph.D preferred; Master's degree; 学历不限",
    "中共党员优先 政治面貌:不限 CPC member 35周岁以下 under the age of 40 招聘3名 two positions",
    "3天前 2 weeks ago 昨天 yesterday TODAY 1990年1月1日以后出生",
    "ABROAD OVERSEAS Outside Mainland China lived in the UK resided in Japan",
    "1. 英语编辑(2名)\n岗位职责:\n(一)任职要求\nRequirements:\nPreferred qualifications:",
    "SD卡 SDXL Stable Diffusion MJ PR AE PS AI绘画 prompt编写 AIGC视频",
]


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], str | None]]:
    return [(m.span(), m.lastgroup) for m in pattern.finditer(text)]


@pytest.mark.parametrize("text", EDGE_TEXTS)
def test_every_guarded_pattern_agrees_with_its_original(text: str) -> None:
    languages._vocab()
    overseas._vocab()
    pairs = guarded_patterns()
    assert len(pairs) > 20
    for original, fast in pairs:
        for t in (text, text.lower(), text.upper()):
            assert _spans(fast, t) == _spans(original, t), original.pattern[:60]
            for lo in range(0, len(t), 7):  # windows, as the detectors search them
                hi = min(len(t), lo + 25)
                a, b = original.search(t, lo, hi), fast.search(t, lo, hi)
                assert (a and a.span()) == (b and b.span()), original.pattern[:60]


def test_guarded_patterns_agree_on_the_corpus(shared_dir: Path) -> None:
    path = shared_dir / "corpus" / "real_postings.jsonl"
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    texts = [clean_text(r["text"]) for r in rows]
    texts += [t.lower() for t in texts]  # dates and skills scan the lower-cased text
    for original, fast in guarded_patterns():
        for text in texts:
            assert _spans(fast, text) == _spans(original, text), original.pattern[:60]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"ab|cd", "(?=[ac])(?=ab|cd)"),
        (r"(?<!\d)[01]?\d", r"(?=[01\d])"),
        (r"x(?i:y)", "(?=[x])"),
        (r"(?i:must)|须", "(?=[须]|(?i:[m]))(?=[须]|(?i:must))"),
    ],
)
def test_first_char_guard(pattern: str, expected: str) -> None:
    assert first_char_guard(re.compile(pattern)) == expected


@pytest.mark.parametrize("pattern", [r"a*", r".b", r"[^a]b", r"(a)?\1", r"\bx?"])
def test_no_guard_when_any_start_is_possible(pattern: str) -> None:
    assert first_char_guard(re.compile(pattern)) is None
    assert guarded(re.compile(pattern)).pattern == pattern


def test_literal_prefix_left_alone() -> None:
    """re already skips to a literal or class prefix; a lookahead would only slow it down."""
    for p in (r"java\b", r"[ab]c"):
        assert guarded(re.compile(p)).pattern == p


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("3天前", True),
        ("2 Weeks AGO", True),
        ("昨天", True),
        ("Ye\u017fterday", True),
        ("2025年3月", False),
        ("agency", False),
    ],
)
def test_relative_date_prefilter(text: str, found: bool) -> None:
    from analysis.normalise.dates import _RELATIVE

    assert (_search_relative(text) is not None) == found
    assert (_search_relative(text) is None) == (_RELATIVE.search(text) is None)


def _cue_patterns() -> list[CuePattern]:
    from analysis.normalise import context

    found = [context._PREFERRED, context._REQUIRED, context._NEGATED]
    found += [p for _, p in languages._LEVEL_WORDS] + [languages._NON_NATIVE]
    return found


def _span(m: re.Match[str] | None) -> tuple[int, int] | None:
    return m.span() if m else None


CASE_TEXTS = [
    *EDGE_TEXTS,
    "PREFERRED: NATIVE OR FLUENT Mandarin; Must; NOT REQUIRED",
    # Characters that IGNORECASE folds onto ASCII letters while str.lower() does not.
    "Mu\u017ft have; \u212anowledge not required; bene\u0131cial; \u0130deally Nat\u0131ve",
]


@pytest.mark.parametrize("text", CASE_TEXTS)
def test_cue_patterns_agree_with_their_originals_in_every_window(text: str) -> None:
    for cue in _cue_patterns():
        original = cue.pattern.exact  # checked against the unguarded pattern above
        for lo in range(0, len(text) + 1, 3):
            for hi in (lo, lo + 9, lo + 30, len(text)):
                hi = min(hi, len(text))
                assert _span(cue.search(text, lo, hi)) == _span(original.search(text, lo, hi))
                assert _span(cue.search_slice(text, lo, hi)) == _span(original.search(text[lo:hi]))


def test_cue_patterns_agree_on_corpus_clauses(shared_dir: Path) -> None:
    from analysis.normalise.context import clause_bounds

    path = shared_dir / "corpus" / "real_postings.jsonl"
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    for row in rows:
        text = clean_text(row["text"])
        for start in range(0, len(text), 23):
            lo, hi = clause_bounds(text, start, min(len(text), start + 2))
            for cue in _cue_patterns():
                assert _span(cue.search(text, lo, hi)) == _span(
                    cue.pattern.exact.search(text, lo, hi)
                )


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        (r"优先|prefer", {"优先", "prefer"}),
        (r"(?i:Native)\s+speaker", {"speaker"}),
        (r"an? (?:plus|bonus)", {"plus", "bonus"}),
        (r"ab?c|x", None),  # single ASCII letters would gate nothing
        (r"\d+年", {"年"}),
        (r"需(?:要|具备|)", {"需"}),
        (r"a*", None),
    ],
)
def test_required_words(pattern: str, words: set[str] | None) -> None:
    got = required_words(re.compile(pattern))
    assert (set(got) if got is not None else None) == words


def test_caseless_pattern_needs_lower_case_letters() -> None:
    with pytest.raises(ValueError, match="lower case"):
        CaselessPattern(re.compile("Must", re.IGNORECASE))
    with pytest.raises(ValueError, match="IGNORECASE"):
        CaselessPattern(re.compile("must"))


def test_required_words_hold_in_every_match(shared_dir: Path) -> None:
    """The words that let a detector skip a regex really occur in each of its matches."""
    from analysis.normalise.skills import _taxonomy

    path = shared_dir / "corpus" / "real_postings.jsonl"
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    texts = [clean_text(r["text"]).lower() for r in rows] + [t.lower() for t in EDGE_TEXTS]
    patterns = [p for _, p in _taxonomy().patterns] + [c.pattern.exact for c in _cue_patterns()]
    for pattern in patterns:
        words = required_words(pattern)
        if words is None:
            continue
        for text in texts:
            for m in pattern.finditer(text):
                assert any(w in m.group().lower() for w in words), (pattern.pattern[:40], m)
