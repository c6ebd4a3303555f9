"""Dense-mention postings (issue 14 §2): the detectors' shortcuts give what the full loops give.

A hit that cannot outrank the finding already kept (certificates, languages) or that repeats a
kept (kind, countries) key (overseas) is dropped before its clause is read; these tests compare
each detector with the loop that reads every hit, on the corpus and on postings repeating
mixed mentions. Time per MB is measured by `python -m benchmarks.attack_normalise`.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

import analysis.normalise  # noqa: F401  (registers every detector's pre-scan words)
from analysis.compiled import compiled_modules
from analysis.models import Evidence, Finding
from analysis.normalise import certificates, languages, overseas
from analysis.normalise.context import Sections, gate_hits, gated_finditer, requirement
from analysis.normalise.starts import gated_matches
from analysis.normalise.text import clean_text

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real_postings.jsonl"

# Mentions whose rank differs (graded, preferred, waived, required), to be repeated and mixed.
UNITS = [
    "英语六级以上，",
    "英语六级，",
    "英语六级425分以上，",
    "雅思7.0优先，",
    "无需英语六级，",
    "英语专业八级，",
    "俄语专业八级者优先；",
    "精通俄语、法语、阿拉伯语，",
    "法语、",
    "日语流利，",
    "母语为西班牙语者优先，",
    "非英语专业，",
    "具有海外留学经历，",
    "在美国工作两年以上优先，",
    "有驻外工作经验，",
    "愿意外派，",
    "海外工作经历者优先。\n",
    "任职要求：\n",
    "Fluent French is a plus; native English speaker required.\n",
]


def _corpus_texts() -> list[str]:
    if not CORPUS.is_file():
        return []
    rows = [json.loads(line) for line in CORPUS.read_text("utf-8").splitlines() if line.strip()]
    return [clean_text(r["text"]) for r in rows]


def _dense_texts() -> list[str]:
    rnd = random.Random(14)
    texts = [unit * 40 for unit in UNITS]
    for _ in range(40):
        picked = [rnd.choice(UNITS) for _ in range(rnd.randint(2, 6))]
        texts.append("".join(rnd.choice(picked) for _ in range(rnd.randint(10, 120))))
    return texts


TEXTS = _dense_texts() + _corpus_texts()


def _reference_certificates(text: str) -> list[Finding]:
    """detect_certificates as first written: every hit's finding made and ranked."""
    v = certificates._vocab()
    sections = Sections(text)
    best: dict[str, Finding] = {}
    taken = certificates._Taken()
    for cert in v.certificates:
        tag = f"cert:{cert.id}"
        if not gate_hits(text, tag):
            continue
        for alt in cert.alts:
            for m in gated_finditer(alt.pattern, text, tag):
                hit = certificates._hit(text, m, cert, alt, taken)
                if hit is None:
                    continue
                end, said = hit
                level = certificates._normalise_grade(said.replace(" ", "") if said else None)
                f = certificates._finding(text, m, end, level, cert, sections, v)
                taken.add(f.evidence.start, f.evidence.end)
                old = best.get(cert.id)
                if old is None or certificates._rank(f) > certificates._rank(old):
                    best[cert.id] = f
    return sorted(best.values(), key=lambda f: f.evidence.start)


def _reference_overseas(text: str) -> list[Finding]:
    """detect_overseas as first written: every hit's finding made, then one per key kept."""
    v = overseas._vocab()
    sections = Sections(text)
    found = []
    for m in gated_matches(v.pattern, v.starts, text, "overseas"):
        kind = m.lastgroup or "any"
        if overseas._skip(text, m, kind):
            continue
        codes, notes = overseas._countries(text, m.start(), m.end(), v)
        detail: dict[str, object] = {"countries": codes}
        if notes:
            detail["note"] = ",".join(notes)
        found.append(
            Finding(
                "overseas",
                kind,
                Evidence.of(text, m.start(), m.end()),
                required=requirement(text, m.start(), m.end(), sections),
                years=overseas._years(text, m.start(), m.end()),
                detail=detail,
            )
        )
    seen: set[tuple[str, tuple[str, ...]]] = set()
    out = []
    for f in found:
        key = (f.value, tuple(f.detail.get("countries", [])))
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


@pytest.mark.parametrize("index", range(len(TEXTS)))
def test_certificates_match_the_full_loop(index: int) -> None:
    text = TEXTS[index]
    assert certificates.detect_certificates(text) == _reference_certificates(text)


@pytest.mark.parametrize("index", range(len(TEXTS)))
def test_overseas_match_the_full_loop(index: int) -> None:
    text = TEXTS[index]
    assert overseas.detect_overseas(text) == _reference_overseas(text)


@pytest.mark.skipif(
    "analysis.normalise.languages" in compiled_modules(),
    reason="a mypyc build calls _could_outrank directly: the patch would not take",
)
def test_languages_match_the_loop_without_the_shortcut(monkeypatch: pytest.MonkeyPatch) -> None:
    fast = [languages.detect_languages(text) for text in TEXTS]
    monkeypatch.setattr(languages, "_could_outrank", lambda old, level: True)
    assert [languages.detect_languages(text) for text in TEXTS] == fast


def test_a_later_mention_with_a_level_still_outranks_the_bare_ones() -> None:
    text = "法语、" * 30 + "精通法语，英语六级" * 3 + "英语六级425分"
    found = {f.value: f for f in languages.detect_languages(text)}
    assert found["fr"].level is not None and found["fr"].evidence.start == 30 * 3 + 2
    cert = {f.value: f for f in certificates.detect_certificates(text)}
    assert cert["CET-6"].level == "425"
