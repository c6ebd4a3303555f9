"""Pass-A gold labels for the second real corpus (tests/gold/corpus2_labels_a.yaml): shape and values.

The id check needs ../shared beside the checkout and is skipped without it; the field checks run
everywhere. The checks themselves are in gold_helpers.py (shared with the adjudicated set).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from gold_helpers import check_records, load_labels

REPO = Path(__file__).resolve().parents[1]
LABELS = REPO / "tests" / "gold" / "corpus2_labels_a.yaml"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus" / "real_postings_2.jsonl"


def _load() -> dict[str, Any]:
    return load_labels(LABELS, "A")


def test_ids_match_the_corpus() -> None:
    if not SHARED.is_dir() or not CORPUS.is_file():
        pytest.skip("../shared/corpus is not beside this checkout")
    with CORPUS.open(encoding="utf-8") as lines:
        ids = [json.loads(line)["id"] for line in lines if line.strip()]
    labels = _load()
    assert len(ids) == len(set(ids))
    assert set(labels) == set(ids)


def test_every_record_has_every_field_with_a_valid_value() -> None:
    check_records(_load())
