"""Quality gate: per-field scores on the gold sets must stay at or above tests/gold/floors.yaml."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
import yaml

from analysis.evaluate import (
    DEFAULT_CORPUS_DIR,
    GOLD_SETS,
    Score,
    evaluate_mirror,
    evaluate_split,
    load_gold,
    load_labels,
    load_split,
)

GOLD = Path(__file__).resolve().parent / "gold"
FLOORS = yaml.safe_load((GOLD / "floors.yaml").read_text(encoding="utf-8"))
HAVE_CORPUS = all((DEFAULT_CORPUS_DIR / name).is_file() for name in GOLD_SETS.values())


@cache
def _corpus_scores() -> dict[str, dict[str, Score]]:
    return {part: {s.field: s for s in scores} for part, (scores, _) in evaluate_split().items()}


@cache
def _mirror_scores() -> dict[str, Score]:
    scores, _ = evaluate_mirror()
    return {s.field: s for s in scores}


@pytest.mark.parametrize(
    ("part", "field", "floor"),
    [(part, f, floor) for part in ("dev", "test") for f, floor in sorted(FLOORS[part].items())],
)
def test_corpus_field_at_or_above_floor(part: str, field: str, floor: float) -> None:
    if not HAVE_CORPUS:
        pytest.skip("../shared/corpus is not beside this checkout")
    score = _corpus_scores()[part][field]
    assert score.value >= floor, f"{part} {field}: {score.value:.3f} < floor {floor}"


@pytest.mark.parametrize(("field", "floor"), sorted(FLOORS["mirror"].items()))
def test_mirror_field_at_or_above_floor(field: str, floor: float) -> None:
    score = _mirror_scores()[field]
    assert score.value >= floor, f"{field}: {score.value:.3f} < floor {floor}"


def test_labels_hold_no_sentences_and_cover_the_corpus() -> None:
    for labels_name in GOLD_SETS:
        for key, label in load_labels(GOLD / labels_name).items():
            assert set(label) >= {"languages", "overseas", "skills", "aigc", "education_min"}, key
            assert len(str(label.get("note", ""))) <= 160, f"{key}: notes are keywords"
    if HAVE_CORPUS:
        gold = load_gold()
        for labels_name, corpus_name in GOLD_SETS.items():
            lines = (DEFAULT_CORPUS_DIR / corpus_name).read_text("utf-8").split("\n")
            ids = {json.loads(line)["id"] for line in lines if line.strip()}
            assert ids == set(load_labels(GOLD / labels_name)), labels_name
            assert ids <= set(gold)


def test_split_is_frozen_and_covers_every_label() -> None:
    split = load_split()
    dev, test = set(split["dev"]), set(split["test"])
    labelled = set().union(*(load_labels(GOLD / name) for name in GOLD_SETS))
    assert not dev & test and dev | test == labelled
    assert len(test) == 75 and all(i.startswith("c2-") for i in test)


def test_mirror_evidence_is_exact_substring_of_its_position() -> None:
    from datetime import datetime

    from analysis.evaluate import _mirror_notices
    from analysis.normalise import normalise_notice

    for _, parsed in _mirror_notices():
        for p in normalise_notice(parsed, fetched_at=datetime(2026, 1, 1)).positions:
            for f in p.findings:
                ev = f.evidence
                assert ev.text and ev.text == p.text[ev.start : ev.end], (parsed.url, f)
