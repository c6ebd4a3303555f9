"""Speed restructures give exactly what the plain definitions give.

Each fast path is compared with a reference implementation (the definition, or the code it
replaced) over edge-case tables, the gold corpus and random strings over the marks that matter:
sentence and clause bounds (str.find instead of regex scans), the shared pre-scan (ahocorasick_rs
instead of pyahocorasick), cue gating (bisecting end offsets), the languages detector's
per-clause states (ClauseStates, the 40-character level-word memo), Sections reading only the
lines that hold a heading word, cue_en over the lower-cased text, the split role-noun pattern and
the in-place role/outlet matches.
"""

from __future__ import annotations

import functools
import json
import random
import re
from pathlib import Path

import ahocorasick
import pytest

import analysis.normalise  # noqa: F401  (registers every detector's pre-scan words)
from analysis.models import Finding
from analysis.normalise import context, languages
from analysis.normalise.context import (
    _CLAUSE_END,
    _SENTENCE_END,
    ClauseStates,
    Sections,
    clause_bounds,
    is_negated,
    lower_same_length,
    prescan,
    requirement,
    sentence_bounds,
)
from analysis.normalise.text import clean_text
from analysis.normalise.words import WORD_SCANNER

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real_postings.jsonl"

EDGE_TEXTS = [
    "",
    ".",
    " (",
    "\n-",
    "and/or",
    " - ",
    "a. b",
    "x -\n- y",
    "and/or - and/or",
    "end.",
    "a .\n.b",
    "一、要求:英语熟练, 有海外经历; 二、待遇 - 面议. Fine and/or good (a) x",
    "Line one.\nLine two, with a clause; and more! Really? yes\n—(dash) and/or\n",
    "任职要求:\n1.熟练掌握英语、法语、日语,英语六级以上者优先;\n2.无需日语基础。\n如具备俄语能力更佳",
    "Requirements:\n- Fluent English and Mandarin; Cantonese is a plus.\n"
    "- No need to speak Chinese \u2013 English only (native speakers preferred)\n",
    "具备以下条件之一:\n(1)在境外使用该国语言学习或工作两年以上\n(2)英语专业八级",
    "Preferably a native English speaker, or native-level proficiency. 最好具备德语能力",
    "政治面貌 不限\t\u3000英语 \xa0 — 须精通 英语(母语)、西班牙语\n\n非英语专业亦可",
]


def _corpus_texts() -> list[str]:
    if not CORPUS.is_file():
        return []
    rows = [json.loads(line) for line in CORPUS.read_text("utf-8").splitlines() if line.strip()]
    return [clean_text(r["text"]) for r in rows]


def _random_texts(n: int, alphabet: str, length: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, length))) for _ in range(n)]


_MARKS = "。;!?\n,、:.-\u2013—( \t\u3000\xa0ab/andor英x"


def _reference_boundaries(text: str) -> tuple[list[int], list[int], list[int]]:
    """The definition: one leftmost-first scan of each boundary regex over the whole text."""
    sentence = [m.start() for m in _SENTENCE_END.finditer(text)]
    clause = list(_CLAUSE_END.finditer(text))
    return sentence, [m.start() for m in clause], [m.end() for m in clause]


def test_boundaries_match_the_regex_scans() -> None:
    texts = EDGE_TEXTS + _corpus_texts() + _random_texts(20_000, _MARKS, 25, seed=1)
    for text in texts:
        assert context._boundaries.__wrapped__(text) == _reference_boundaries(text), repr(text)


def test_boundaries_merge_of_long_matches() -> None:
    """Dense dashes, "(" and "and/or" next to marks: the merge of the longer clause-end matches
    (whitespace + dash, "and/or") into the one-character marks keeps the regex scan's answer."""
    pieces = [" ", "\n", "-", "(", "\u2013", "—", ",", ".", ":", "and/or", "and", "x", " - ", "\n("]
    rnd = random.Random(7)
    for _ in range(30_000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12)))
        assert context._boundaries.__wrapped__(text) == _reference_boundaries(text), repr(text)


@functools.cache
def _reference_automaton() -> ahocorasick.Automaton:
    """A pyahocorasick automaton over the pre-scan's words and payloads."""
    reference = ahocorasick.Automaton()
    for word, entries in zip(WORD_SCANNER.patterns, WORD_SCANNER.entries, strict=True):
        reference.add_word(word, (len(word), entries))
    reference.make_automaton()
    return reference


def _reference_prescan(text: str) -> dict[str, list[tuple[int, int, object]]]:
    """The pyahocorasick pass the shared pre-scan replaced (same words, same payloads)."""
    hits: dict[str, list[tuple[int, int, object]]] = {}
    for end_index, (length, entries) in _reference_automaton().iter(lower_same_length(text)):
        start, end = end_index - length + 1, end_index + 1
        for owner, payload in entries:
            hits.setdefault(owner, []).append((start, end, payload))
    return hits


def test_prescan_matches_a_pyahocorasick_pass() -> None:
    words = WORD_SCANNER.patterns
    # Overlapping words ending together (须 / 必须 / 必须具备), words inside words, case.
    nested = "必须具备英语、必须、须;native English speakers MUST be Native. CET-6 cet4 SDXL"
    alphabet = "".join(sorted({c for w in words for c in w}))[:200] + " 英语须必要求"
    texts = [*EDGE_TEXTS, nested, *_corpus_texts(), *_random_texts(3_000, alphabet, 40, seed=2)]
    for text in texts:
        assert prescan.__wrapped__(text) == _reference_prescan(text), repr(text)


def _reference_may_match(pattern: context.CuePattern, text: str, lo: int, hi: int) -> bool:
    """The gate as first written: bisect the pre-scan's (start, end, _) hits by end offset."""
    import bisect

    if not pattern.owner or context.lowered(text) is None:
        return True
    hits = prescan(text).get(pattern.owner, [])
    i = bisect.bisect_right(hits, hi, key=lambda h: h[1]) - 1
    while i >= 0 and hits[i][1] > lo:
        if hits[i][0] >= lo:
            return True
        i -= 1
    return False


@pytest.mark.parametrize(
    "cue", [context._PREFERRED, context._REQUIRED, context._NEGATED, context._ALTERNATIVES_CUE]
)
def test_cue_gate_matches_the_reference(cue: context.CuePattern) -> None:
    rnd = random.Random(3)
    for text in EDGE_TEXTS + _corpus_texts()[:20]:
        n = len(text)
        windows = [(lo, hi) for lo in range(0, n + 1, 7) for hi in (lo, lo + 3, lo + 40, n)]
        windows += [(rnd.randint(0, n), rnd.randint(0, n)) for _ in range(200)]
        for lo, hi in windows:
            hi = min(hi, n)
            assert cue._may_match(text, lo, hi) == _reference_may_match(cue, text, lo, hi)
            assert bool(cue.search(text, lo, hi)) == bool(cue.pattern.search(text, lo, hi))


def test_clause_states_match_is_negated_and_requirement() -> None:
    for text in EDGE_TEXTS + _corpus_texts():
        sections = Sections(text)
        states = ClauseStates(text, sections)
        bare = ClauseStates(text, None)
        starts = [m.start() for m in re.finditer(r"\w+", text)]
        for start in starts:
            end = start + 1
            lo, hi = clause_bounds(text, start, end)
            s_lo, _ = sentence_bounds(text, start, end)
            assert states.negated(lo, hi) == is_negated(text, start, end)
            got = states.requirement(start, lo, hi, s_lo)
            assert got == requirement(text, start, end, sections), (text[start:], start)
            assert bare.requirement(start, lo, hi, s_lo) == requirement(text, start, end)


def _reference_level(
    text: str, m: languages._Mention, certs: list[Finding]
) -> tuple[str | None, str | None]:
    """languages._level as first written: every search per mention."""
    lo, hi = clause_bounds(text, m.start, m.end, limit=40)
    words = languages._LEVEL_WORDS
    if words[0][1].search_slice(text, lo, hi) and not languages._NON_NATIVE.search_slice(
        text, lo, hi
    ):
        return "native", "C2"
    s_lo, s_hi = sentence_bounds(text, m.start, m.end)
    for c in certs:
        if c.detail.get("language") == m.code and s_lo <= c.evidence.start < s_hi:
            level = c.value if not c.level else f"{c.value} {c.level}"
            return level, c.detail.get("band")
    for name, pattern in words[1:]:
        if pattern.search_slice(text, lo, hi):
            return name, None
    return None, None


def test_level_memo_matches_the_reference() -> None:
    v = languages._vocab()
    extra = [
        "英语流利,日语熟练,法语基础,母语为德语;非母语者亦可",
        "Native or fluent English; working knowledge of French, basic Spanish; IELTS 7.0 English",
        "英语六级、日语N1,俄语专业八级;韩语良好;粤语一定的",
    ]
    for text in EDGE_TEXTS + extra + _corpus_texts():
        certs = languages.detect_certificates(text)
        memo: dict[str, tuple[bool, str | None]] = {}
        for m in languages._mentions(text, v):
            s_lo, s_hi = sentence_bounds(text, m.start, m.end)
            got = languages._level(text, m, certs, s_lo, s_hi, memo)
            assert got == _reference_level(text, m, certs), (text, m)


# Texts that exercise the heading lines and the case-folding fallbacks: inline labels, headings
# split by the pre-scan's words, and the characters IGNORECASE folds onto ASCII letters.
HEADING_TEXTS = [
    "任职要求:\n英语熟练\n岗位职责:\n翻译\n加分项\n日语\n具备以下条件之一:\n(1)俄语",
    "Requirements\n- English\nNice to have -\nFrench\nAbout us\nWe are a newsroom.",
    "  QUALIFICATIONS:  \nfluent ENGLISH\nPreferred Skills\nSpanish\nHow to apply\nemail",
    "岗位要求:熟练掌握俄语\n1. 能力要求:英语六级\n二、报名条件\n专业水平",
    "Essential\nNative \u212aorean speaker\n\u017fkills and experience\nDesirable: French",
    "Job Description:\nWrite copy.\nYou will have:\nexcellent English\nBenefits\nsalary",
    "\u0130nglish requirement\nREQUIREMENTS\nnote\n",
]


def _reference_sections(text: str) -> tuple[list[int], list[int]]:
    """Sections as first written: every line through the heading patterns."""
    offsets, states = [0], [context._STATE_NONE]
    pos = 0
    for line in text.split("\n"):
        state = context._heading_state(line)
        if state is None and line.find(":", 0, 18) >= 0:
            label = context._INLINE_LABEL.match(line)
            state = context._heading_state(label.group(1)) if label else None
        if state is not None:
            offsets.append(pos)
            states.append(state)
        pos += len(line) + 1
    return offsets, states


def test_sections_skip_only_lines_without_heading_words() -> None:
    rnd = random.Random(5)
    words = sorted(context._HEADING_WORDS or ())
    pieces = [*words, *(w.upper() for w in words), "\n", ":", " ", "-", "。", "x", "\u212a"]
    made = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12))) for _ in range(400)]
    for text in EDGE_TEXTS + HEADING_TEXTS + made + _corpus_texts():
        s = Sections(text)
        assert (s._offsets, s._states) == _reference_sections(text), text


def test_cue_en_on_the_lowered_text_matches_cue_en() -> None:
    v = languages._vocab()
    rnd = random.Random(7)
    cue_words = [str(w) for w in context.load_vocab("languages")["cues_en"]]
    pieces = [*cue_words, *(w.title() for w in cue_words), "a", "Z", " ", "-", "\n", "\u0131"]
    made = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 10))) for _ in range(300)]
    for text in EDGE_TEXTS + HEADING_TEXTS + made + _corpus_texts()[:30]:
        low = context.lowered(text)
        if low is None:
            continue
        n = len(text)
        windows = [(lo, hi) for lo in range(0, n + 1, 5) for hi in (lo, lo + 9, lo + 120, n)]
        for lo, hi in windows:
            hi = min(hi, n)
            want = v.cue_en.search(text, lo, hi)
            got = v.cue_en_low.search(low, lo, hi)
            assert (got and got.span()) == (want and want.span()), (text, lo, hi)


def _reference_line_windows(text: str, tag: str) -> list[tuple[int, int]]:
    """line_windows as first written: the whole line found, then clipped to the window."""
    out: list[tuple[int, int]] = []
    for pos in sorted(set(context.gate_hits(text, tag))):
        line_lo = text.rfind("\n", 0, pos) + 1
        line_hi = text.find("\n", pos)
        line_hi = len(text) if line_hi < 0 else line_hi
        lo, hi = max(line_lo, pos - 80), min(line_hi, pos + 100)
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def test_line_windows_match_the_whole_line_definition() -> None:
    gates = WORD_SCANNER.registry.gates
    tags = sorted(gates)
    words = sorted({w for tag in tags for w in gates[tag]})
    rnd = random.Random(17)
    pieces = [*words, "\n", " ", "x" * 30, "。", "a"]
    made = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 40))) for _ in range(400)]
    for text in EDGE_TEXTS + made + _corpus_texts():
        for tag in tags:
            assert context.line_windows(text, tag) == _reference_line_windows(text, tag), (
                tag,
                text,
            )


def test_role_noun_split_matches_the_single_pattern() -> None:
    from analysis.normalise import positions

    whole = re.compile(
        positions._ROLE_NOUN.pattern + r"|" + positions._ROLE_SUFFIX.pattern  # the old alternation
    )
    rnd = random.Random(11)
    pieces = ["师", "员", "官", "编辑", "a", "1", "_", " ", "\n", "Editor", "岗", "x"]
    titles = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 14))) for _ in range(3000)]
    titles += ["分析师", "1师", "研究员\n", "abcdefghi师", "abcdefghij员", "_官", "a 员"]
    for title in titles:
        got = (
            positions._ROLE_NOUN.search(title) is not None
            or positions._ROLE_SUFFIX.search(title, max(0, len(title) - 10)) is not None
        )
        assert got == (whole.search(title) is not None), title


def test_role_and_outlet_in_place_match_the_slices() -> None:
    v = languages._vocab()
    for text in EDGE_TEXTS + HEADING_TEXTS + _corpus_texts():
        ends = sorted({m.end for m in languages._mentions(text, v)} | set(range(0, len(text), 13)))
        for end in ends:
            m = languages._Mention("en", max(0, end - 1), end, "name")
            after = text[end : end + 40]
            assert languages._is_role(text, m, v) == bool(
                v.role_zh.match(after) or v.role_en.match(after)
            )
            assert languages._is_outlet(text, m, v) == bool(
                v.outlet_zh.match(after) or v.outlet_en.match(after)
            )
