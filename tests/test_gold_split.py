"""The frozen dev/test split of the gold sets (tests/gold/split.yaml) and the adjudicated labels of
the second real corpus (tests/gold/corpus2_labels.yaml).

Split: dev and test disjoint, together exactly the ids of corpus_labels.yaml and
corpus2_labels.yaml; test holds 75 ids, all from the second corpus. Labels: the same shape and
value checks as the labelling passes (gold_helpers.check_records); the id check against the corpus
needs ../shared beside the checkout and is skipped without it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from gold_helpers import check_records, load_labels

GOLD = Path(__file__).resolve().parent / "gold"
SPLIT = GOLD / "split.yaml"
LABELS_1 = GOLD / "corpus_labels.yaml"
LABELS_2 = GOLD / "corpus2_labels.yaml"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS_2 = SHARED / "corpus" / "real_postings_2.jsonl"


def _split() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(SPLIT.read_text(encoding="utf-8"))
    return data


def _ids(path: Path) -> set[str]:
    return set(yaml.safe_load(path.read_text(encoding="utf-8"))["labels"])


def test_split_is_disjoint_and_covers_both_label_files() -> None:
    split = _split()
    dev, test = split["dev"], split["test"]
    assert split["seed"] == 20261202
    assert isinstance(split["method"], str) and split["method"].strip()
    assert len(dev) == len(set(dev)) and len(test) == len(set(test))
    assert not set(dev) & set(test)
    old, new = _ids(LABELS_1), _ids(LABELS_2)
    assert not old & new
    assert set(dev) | set(test) == old | new
    assert old <= set(dev)  # the ads the rules were tuned on are dev only


def test_test_holds_75_ids_of_the_second_corpus() -> None:
    test = _split()["test"]
    assert len(test) == 75
    assert set(test) <= _ids(LABELS_2)
    assert all(i.startswith("c2-") for i in test)


def test_adjudicated_labels_have_every_field_with_a_valid_value() -> None:
    labels = load_labels(LABELS_2, "adjudicated")
    check_records(labels)
    for key, rec in labels.items():
        if not rec["is_job_ad"]:
            assert rec["role_family"] == "other", key


def test_adjudicated_labels_cover_the_corpus() -> None:
    if not CORPUS_2.is_file():
        pytest.skip("../shared/corpus is not beside this checkout")
    with CORPUS_2.open(encoding="utf-8") as lines:
        ids = [json.loads(line)["id"] for line in lines if line.strip()]
    assert len(ids) == len(set(ids))
    assert set(ids) == _ids(LABELS_2)
