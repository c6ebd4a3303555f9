"""Role family by the shipped model in the normaliser: batched prediction that gives the
pipeline's own figures, one model call per batch, input order kept, and the rules when the model
cannot be used."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

import numpy as np
import pytest

import analysis.role_family as role_family
import analysis.role_model as role_model
from analysis.batch import BATCH_LINES, normalise_jsonl, normalise_record
from analysis.models import NormalisedNotice, Position
from analysis.normalise.roles import ROLE_FAMILIES
from analysis.role_family import assign_role_families, load_family_chooser
from analysis.role_model import (
    RoleChooser,
    RoleModelError,
    _predict,
    _transform,
    build_features,
    load_role_model,
    predict_families,
)

FETCHED = datetime(2025, 3, 20)

# Our own wording: Chinese without spaces, English words, one-letter words, runs of blanks and
# line breaks, upper case, digits, a word longer than any n-gram and an empty text.
TEXTS = [
    "负责海外社交媒体账号运营，策划短视频选题。",
    "Edit and proofread English copy; write features.",
    "a b  c\n\nd\te  F",
    "英语编辑 English Editor (2名)  熟练使用 Premiere / PS",
    "Supercalifragilistic",
    "",
    "   ",
    "NUL\x00inside 编辑\x00记者",  # a NUL is the separator of the fast path's documents
    "emoji 😀 and a lone surrogate \ud800 写作",  # beyond the BMP; not encodable as UTF-8
]


def _notice(*titles: str) -> NormalisedNotice:
    positions = [
        Position(seq=i, title=t, text=f"{t}\n岗位职责:负责相关工作。", role_family="other")
        for i, t in enumerate(titles, start=1)
    ]
    return NormalisedNotice("", "", "", None, None, None, positions, "v")


class Recorder:
    """A chooser that answers "<title>!" and records the size of every call."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    def __call__(self, positions: Sequence[Position]) -> list[str]:
        self.calls.append(len(positions))
        return [f"{p.title}!" for p in positions]


def test_fast_transform_gives_the_vectorisers_figures() -> None:
    model, _ = load_role_model()
    for name, vectoriser, _ in model.named_steps["features"].transformers_:
        if vectoriser == "drop":
            continue
        want = vectoriser.transform(TEXTS).toarray()
        got = _transform(vectoriser, TEXTS).toarray()
        assert np.array_equal(want, got), name


def test_fast_transform_in_small_chunks_gives_the_same_figures(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    model, _ = load_role_model()
    vectoriser = model.named_steps["features"].named_transformers_["text"]
    want = vectoriser.transform(TEXTS * 3).toarray()
    for chunk in (1, 7, 40):  # a chunk ends inside, after and across documents
        monkeypatch.setattr(role_model, "NGRAM_CHUNK", chunk)
        assert np.array_equal(_transform(vectoriser, TEXTS * 3).toarray(), want), chunk


def test_batched_prediction_is_the_pipelines() -> None:
    model, _ = load_role_model()
    titles = [
        "英文编辑",
        "Video Producer",
        "新媒体运营",
        "",
        "主持人",
        "算法工程师",
        "x",
        "记者",
    ]
    tokens = ["skill:translation lang:en", "skill:video_editing", "", "", "", "aigc", "lang:fr"]
    tokens += [""]
    texts = TEXTS[:-1]  # pandas' Arrow strings refuse a lone surrogate; the fast path takes it
    want = _predict(model, build_features(titles, texts, tokens))
    assert predict_families(model, titles, texts, tokens) == want
    assert predict_families(model, [], [], []) == []


def test_prediction_in_small_batches_gives_the_same_answers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    model, _ = load_role_model()
    titles = ["英文编辑", "Video Producer", "新媒体运营", "", "主持人", "算法工程师", "x"] * 3
    texts = TEXTS[:7] * 3
    tokens = ["skill:translation", "", "", "", "", "aigc", "lang:fr"] * 3
    whole = predict_families(model, titles, texts, tokens)
    monkeypatch.setattr(role_model, "PREDICT_BATCH", 4)  # 21 positions: 6 batches, the last 1
    assert predict_families(model, titles, texts, tokens) == whole


def test_every_position_of_a_batch_in_one_call_in_order() -> None:
    recorder = Recorder()
    notices = [_notice("a", "b"), _notice(), _notice("c")]
    out = assign_role_families(notices, recorder)
    assert recorder.calls == [3]
    assert [[p.role_family for p in n.positions] for n in out] == [["a!", "b!"], [], ["c!"]]
    assert [p.role_family for p in notices[0].positions] == ["other", "other"]  # not changed


def test_no_positions_no_call() -> None:
    recorder = Recorder()
    assert assign_role_families([_notice()], recorder) == [_notice()]
    assert assign_role_families([], recorder) == []
    assert recorder.calls == []


def test_the_shipped_chooser_gives_families() -> None:
    chooser = load_family_chooser()
    assert isinstance(chooser, RoleChooser)
    out = assign_role_families([_notice("多语种视频剪辑师", "英语翻译")])[0]
    assert all(p.role_family in ROLE_FAMILIES for p in out.positions)


def test_an_unusable_model_leaves_the_rules_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import analysis.role_model as role_model

    def broken() -> RoleChooser:
        raise RoleModelError("role model 9 was saved with scikit-learn 0.1")

    monkeypatch.setattr(role_model, "load_role_chooser", broken)
    load_family_chooser.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="analysis.role_family"):
            out = assign_role_families([_notice("英语编辑")])
        assert out[0].positions[0].role_family == "other"  # the rules' answer, kept
        assert "rules only" in caplog.text and "scikit-learn 0.1" in caplog.text
    finally:
        load_family_chooser.cache_clear()


def test_normalise_jsonl_calls_the_model_once_a_batch_and_keeps_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    recorder = Recorder()
    monkeypatch.setattr(role_family, "load_family_chooser", lambda: recorder)
    n = BATCH_LINES + 3
    lines = [f'{{"id": {i}, "text": "英文编辑{i}\\n负责稿件编辑。"}}' for i in range(n)]
    lines.insert(5, "not json")
    out = list(normalise_jsonl(lines, fetched_at=FETCHED))
    assert len(recorder.calls) == 2
    assert [o["id"] if isinstance(o, dict) else "error" for o in out] == [
        *range(5),
        "error",
        *range(5, n),
    ]
    record = out[0]
    assert isinstance(record, dict)
    assert record["role_family"] == record["positions"][0]["role_family"]
    assert record["role_family"].endswith("!")


def test_one_record_goes_through_the_model_too(monkeypatch: pytest.MonkeyPatch) -> None:
    recorder = Recorder()
    monkeypatch.setattr(role_family, "load_family_chooser", lambda: recorder)
    out = normalise_record({"id": "x", "text": "英文编辑\n负责稿件编辑。"}, fetched_at=FETCHED)
    assert recorder.calls == [1]
    assert out["role_family"].endswith("!")


def test_evaluate_says_the_role_family_dev_figure_is_in_sample() -> None:
    """The shipped model is trained on the dev ads: `evaluate` must not pass .98 off as a dev
    score without saying so, and gives the cross-validated figure beside it."""
    from analysis.evaluate import _in_sample_note
    from analysis.role_model import load_sidecar

    note = _in_sample_note()
    sidecar = load_sidecar()
    assert "in-sample" in note
    assert f"{sidecar['dev_cv']['accuracy']['combination']:.3f}" in note  # as shipped
    held = sidecar["dev_held_out_sets"]["accuracy"]["combination"]
    assert f"one gold set held out at a time (ads of a kind never seen), {held:.3f}" in note
