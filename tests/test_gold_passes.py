"""The two independent labelling passes of the second real corpus (corpus2_labels_a.yaml and
corpus2_labels_b.yaml, kept for the agreement figures of scripts/label_agreement.py): shape,
values and coverage. The id check needs ../shared beside the checkout and is skipped without it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gold_helpers import check_records, load_labels

GOLD = Path(__file__).resolve().parent / "gold"
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "real_postings_2.jsonl"
PASSES = [("corpus2_labels_a.yaml", "A"), ("corpus2_labels_b.yaml", "B")]


@pytest.mark.parametrize(("name", "pass_name"), PASSES)
def test_every_record_has_every_field_with_a_valid_value(name: str, pass_name: str) -> None:
    check_records(load_labels(GOLD / name, pass_name))


@pytest.mark.parametrize(("name", "pass_name"), PASSES)
def test_every_corpus_ad_is_labelled_once(name: str, pass_name: str) -> None:
    if not CORPUS.is_file():
        pytest.skip("../shared/corpus is not beside this checkout")
    with CORPUS.open(encoding="utf-8") as lines:
        ids = [json.loads(line)["id"] for line in lines if line.strip()]
    assert len(ids) == len(set(ids))
    assert set(load_labels(GOLD / name, pass_name)) == set(ids)
