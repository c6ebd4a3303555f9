"""Quality gate: per-field scores on the gold sets must stay at or above tests/gold/floors.yaml."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import yaml

from analysis.evaluate import Score, evaluate_corpus, evaluate_mirror, load_labels

GOLD = Path(__file__).resolve().parent / "gold"
FLOORS = yaml.safe_load((GOLD / "floors.yaml").read_text(encoding="utf-8"))
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real_postings.jsonl"


@cache
def _corpus_scores() -> dict[str, Score]:
    scores, _ = evaluate_corpus(CORPUS, GOLD / "corpus_labels.yaml")
    return {s.field: s for s in scores}


@cache
def _mirror_scores() -> dict[str, Score]:
    scores, _ = evaluate_mirror()
    return {s.field: s for s in scores}


@pytest.mark.parametrize(("field", "floor"), sorted(FLOORS["corpus"].items()))
def test_corpus_field_at_or_above_floor(field: str, floor: float) -> None:
    if not CORPUS.is_file():
        pytest.skip("../shared/corpus is not beside this checkout")
    score = _corpus_scores()[field]
    assert score.value >= floor, f"{field}: {score.value:.3f} < floor {floor}"


@pytest.mark.parametrize(("field", "floor"), sorted(FLOORS["mirror"].items()))
def test_mirror_field_at_or_above_floor(field: str, floor: float) -> None:
    score = _mirror_scores()[field]
    assert score.value >= floor, f"{field}: {score.value:.3f} < floor {floor}"


def test_labels_cover_the_corpus_and_hold_no_sentences() -> None:
    labels = load_labels(GOLD / "corpus_labels.yaml")
    for key, label in labels.items():
        assert set(label) >= {"languages", "overseas", "skills", "aigc", "education_min"}, key
        assert len(str(label.get("note", ""))) <= 120, f"{key}: notes are keywords, not sentences"
    if CORPUS.is_file():
        import json

        ids = {json.loads(line)["id"] for line in CORPUS.read_text("utf-8").splitlines() if line}
        assert ids == set(labels)


def test_mirror_evidence_is_exact_substring_of_its_position() -> None:
    from datetime import datetime

    from analysis.evaluate import _mirror_notices
    from analysis.normalise import normalise_notice

    for _, parsed in _mirror_notices():
        for p in normalise_notice(parsed, fetched_at=datetime(2026, 1, 1)).positions:
            for f in p.findings:
                ev = f.evidence
                assert ev.text and ev.text == p.text[ev.start : ev.end], (parsed.url, f)
