"""Analyse stage: a learned role-family classifier beside the normaliser's title/skill rules.

Input: positions (title, text, findings); to train, the Zhilian media ads and the Liepin tech
ads (their site categories mapped by vocab/role_families.yaml) and the dev gold ads, never test. Output: the family and its calibrated probability; the fitted
Pipeline + JSON sidecar in analysis/trained/; `python -m analysis.role_model train|evaluate`."""

from __future__ import annotations

import argparse
import gzip
import json
import pickle
import sys
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sklearn
import yaml
from scipy.sparse import coo_matrix, csr_matrix, hstack
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import LeaveOneGroupOut, StratifiedKFold
from sklearn.pipeline import Pipeline

from analysis.models import Finding, Position

__all__ = [
    "MODEL_VERSION",
    "Combination",
    "RoleChooser",
    "RoleExample",
    "RoleModelError",
    "build_role_pipeline",
    "evaluate_role_model",
    "fit_role_model",
    "gold_corpus_urls",
    "load_dataset_dev_examples",
    "load_dev_test_examples",
    "load_extra_dev_examples",
    "load_family_map",
    "load_liepin_examples",
    "load_role_chooser",
    "load_role_model",
    "load_zhilian_examples",
    "main",
    "model_tokens",
    "predict_families",
    "predict_role_family",
    "role_family_of",
    "save_role_model",
    "train_role_model",
]

MODEL_VERSION = "11"
"""Bump when features, training data or defaults change; names the model file and its sidecar."""

ROOT = Path(__file__).resolve().parent
MODELS_DIR = ROOT / "trained"  # fitted models; analysis/models.py holds the record types
FAMILY_MAP = ROOT / "vocab" / "role_families.yaml"
SHARED = ROOT.parents[1] / "shared"
DEFAULT_ZHILIAN = SHARED / "samples/job_datasets/zhilian_wuhan_2024_media_comm_jobs.xlsx"
DEFAULT_LIEPIN = SHARED / "samples/job_datasets/liepin_2026_tech_jobs_with_jd.csv"

TEXT_HEAD = 500
"""Characters of the position text the model reads: the duties come first in most ads."""
FINDING_FIELDS = {"skill": "skill", "language": "lang", "aigc": "aigc"}
"""Findings fields given to the model as tokens, and each token's prefix."""
# Hyper-parameters tried by cross-validation on dev (C of the logistic regression, weight of a
# dev gold ad against a Zhilian ad). Small on purpose: 71 dev ads cannot choose among many.
PARAM_GRID: tuple[tuple[float, float], ...] = ((2.0, 1.0), (2.0, 4.0), (8.0, 1.0), (8.0, 4.0))
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.30, 0.95, 0.05))
STRATEGIES = ("rules", "model", "title_rule_else_model", "model_above_threshold")
FALLBACKS = ("title_rule_else_model", "model_above_threshold")
CV_FOLDS = 5
CALIBRATION_FOLDS = 3


class RoleModelError(RuntimeError):
    """The saved model is missing, or cannot be used with the installed scikit-learn."""


@dataclass(frozen=True, slots=True)
class RoleExample:
    """One position as the role model sees it, with the rules' answer and (if known) the gold."""

    id: str
    title: str
    text: str
    tokens: str  # the model's tokens, e.g. "skill:video_editing lang:en aigc rules:… title:…"
    rules: str  # analysis.normalise.roles.classify_role_family's answer
    title_rule: bool  # whether the title (not the skills) decided the rules' answer
    family: str | None = None


@dataclass(frozen=True, slots=True)
class Combination:
    """How the model and the rules are combined (chosen on dev by cross-validation)."""

    strategy: str = "model"
    threshold: float = 0.0

    def choose(self, model: str, probability: float, rules: str, title_rule: bool) -> str:
        if self.strategy == "rules":
            return rules
        if self.strategy == "title_rule_else_model":
            return rules if title_rule else model
        if self.strategy == "model_above_threshold":
            return model if probability >= self.threshold else rules
        return model


def _combination_of(data: dict[str, Any]) -> Combination:
    return Combination(str(data["strategy"]), float(data["threshold"]))


def finding_tokens(findings: Iterable[Finding]) -> str:
    """The findings the model reads, one token each (skills, languages, AIGC)."""
    tokens: dict[str, None] = {}
    for f in findings:
        prefix = FINDING_FIELDS.get(f.field)
        if prefix == "aigc":
            tokens["aigc"] = None
        elif prefix is not None:
            tokens[f"{prefix}:{f.value}"] = None
    return " ".join(tokens)


def model_tokens(findings: Iterable[Finding], rules: str, title_family: str) -> str:
    """The tokens column the model reads: the findings as tokens, then the rules' answer and the
    title's own answer ("other" when the title says nothing), so that the model learns when
    each can be trusted (in leave-one-set-out cross-validation on dev this lifted accuracy on
    the held-out set; docs/NORMALISER.md, role model 11)."""
    head = finding_tokens(findings)
    tail = f"rules:{rules} title:{title_family}"
    return f"{head} {tail}" if head else tail


def title_family_of(title: str, text: str) -> str:
    """The rules' family from the title alone (its first text line or posted name standing in
    when the title says nothing); "other" when none names a family."""
    from analysis.normalise.roles import classify_role_family

    return classify_role_family(title, text, [])


def build_features(
    titles: Sequence[str], texts: Sequence[str], tokens: Sequence[str]
) -> pd.DataFrame:
    """The frame the pipeline reads: one row per position, STRING column names (see STYLE.md)."""
    return pd.DataFrame(
        {"title": list(titles), "text": [t[:TEXT_HEAD] for t in texts], "findings": list(tokens)}
    )


def _features_of(examples: Sequence[RoleExample]) -> pd.DataFrame:
    return build_features(
        [e.title for e in examples], [e.text for e in examples], [e.tokens for e in examples]
    )


def build_role_pipeline(*, C: float = 2.0, random_state: int = 0) -> Pipeline:
    """Char n-gram TF-IDF of the title (weight 2) and the text head, findings as tokens →
    logistic regression, calibrated (sigmoid). Vocabularies capped: the saved model stays small."""
    features = ColumnTransformer(
        [
            ("title", _char_tfidf((1, 3), 4000), "title"),
            ("text", _char_tfidf((2, 3), 12000), "text"),
            (
                "findings",
                TfidfVectorizer(token_pattern=r"\S+", lowercase=False, dtype=np.float32),
                "findings",
            ),
        ],
        transformer_weights={"title": 2.0, "text": 1.0, "findings": 1.0},
    )
    classifier = CalibratedClassifierCV(
        LogisticRegression(C=C, max_iter=3000, class_weight="balanced", random_state=random_state),
        method="sigmoid",
        cv=StratifiedKFold(CALIBRATION_FOLDS, shuffle=True, random_state=random_state),
    )
    return Pipeline([("features", features), ("classifier", classifier)])


def _char_tfidf(ngrams: tuple[int, int], cap: int) -> TfidfVectorizer:
    # Chinese has no spaces: word tokens would be whole clauses (STYLE.md pitfalls).
    return TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=ngrams,
        max_features=cap,
        sublinear_tf=True,
        dtype=np.float32,
    )


def fit_role_model(
    examples: Sequence[RoleExample],
    *,
    C: float = 2.0,
    gold_weight: float = 1.0,
    random_state: int = 0,
) -> Pipeline:
    """A fitted pipeline on labelled `examples`; ids starting "zl-" (Zhilian) weigh 1, gold ads
    `gold_weight`."""
    # Calibration cross-validates in CALIBRATION_FOLDS stratified folds: a family with fewer
    # examples cannot be calibrated, so the model leaves it to the rules (host_anchor: 2 ads).
    counts = Counter(e.family for e in examples if e.family is not None)
    labelled = [
        e for e in examples if e.family is not None and counts[e.family] >= CALIBRATION_FOLDS
    ]
    weights = np.array([1.0 if e.id.startswith("zl-") else gold_weight for e in labelled])
    model = build_role_pipeline(C=C, random_state=random_state)
    model.fit(
        _features_of(labelled),
        [e.family for e in labelled],
        classifier__sample_weight=weights,
    )
    for _, vectoriser, _ in model.named_steps["features"].transformers_:
        if hasattr(vectoriser, "stop_words_"):
            del vectoriser.stop_words_  # only for introspection, and most of the pickle's size
    return model


def predict_role_family(
    model: Pipeline, title: str, text: str, findings: Iterable[Finding]
) -> tuple[str, float]:
    """(family, calibrated probability) of one position."""
    from analysis.normalise.roles import classify_role_family

    findings = list(findings)
    rules = classify_role_family(title, text, findings)
    tokens = model_tokens(findings, rules, title_family_of(title, text))
    return predict_families(model, [title], [text], [tokens])[0]


def predict_families(
    model: Pipeline, titles: Sequence[str], texts: Sequence[str], tokens: Sequence[str]
) -> list[tuple[str, float]]:
    """(family, probability) of each position, vectorised PREDICT_BATCH positions at a time
    (a notice of 25,000 table rows must not hold all their n-gram matrices at once).

    The same figures as `model.predict_proba(build_features(...))`, without the DataFrame and
    the ColumnTransformer's per-call set-up: each fitted vectoriser reads its column, the blocks
    are weighted and stacked, and the classifier reads the matrix (a test checks they agree).
    """
    out: list[tuple[str, float]] = []
    for start in range(0, len(titles), PREDICT_BATCH):
        end = start + PREDICT_BATCH
        out += _predict_batch(model, titles[start:end], texts[start:end], tokens[start:end])
    return out


PREDICT_BATCH = 2048
"""Positions vectorised at once by `predict_families` (their matrices: a few MB)."""


def _predict_batch(
    model: Pipeline, titles: Sequence[str], texts: Sequence[str], tokens: Sequence[str]
) -> list[tuple[str, float]]:
    features = model.named_steps["features"]
    columns = {"title": titles, "text": [t[:TEXT_HEAD] for t in texts], "findings": tokens}
    weights = features.transformer_weights or {}
    blocks = [
        _transform(vectoriser, columns[column]) * weights.get(name, 1.0)
        for name, vectoriser, column in features.transformers_
        if vectoriser != "drop"
    ]
    probabilities = model.named_steps["classifier"].predict_proba(hstack(blocks, format="csr"))
    return _best(model.classes_, probabilities)


def _transform(vectoriser: TfidfVectorizer, docs: Sequence[str]) -> csr_matrix:
    """`vectoriser.transform(docs)`; for the char_wb vectorisers, the same figures counted in
    numpy (scikit-learn makes n-grams word by word, one Python step each: most of a
    prediction's time).

    Each document's words are padded as char_wb pads them, two spaces apart (an n-gram across
    two words holds two spaces in a row, which no char_wb n-gram does, so the vocabulary drops
    it), the documents are joined by NUL (no vocabulary term holds one, see `_vocabulary_codes`)
    and every window of n code points becomes one integer, looked up in the sorted codes of the
    vocabulary's n-grams. Documents go in chunks of about NGRAM_CHUNK characters: memory stays
    bounded whatever the batch.
    """
    vocabulary = _vocabulary_codes(vectoriser) if _is_plain_char_wb(vectoriser) else None
    if vocabulary is None:
        return vectoriser.transform(docs)
    rows: list[np.ndarray] = []
    columns: list[np.ndarray] = []
    chunk: list[str] = []
    first = size = 0
    for i, doc in enumerate(docs):
        words = doc.lower().split()
        padded = " " + "  ".join(words) + " " if words else ""  # no words, no n-grams
        chunk.append(padded)
        size += len(padded) + 1
        if size >= NGRAM_CHUNK:
            _count_chunk(chunk, first, vocabulary, rows, columns)
            chunk, first, size = [], i + 1, 0
    _count_chunk(chunk, first, vocabulary, rows, columns)
    row = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int32)
    column = np.concatenate(columns) if columns else np.zeros(0, dtype=np.int32)
    counts = coo_matrix(
        (np.ones(len(row), dtype=vectoriser.dtype), (row, column)),
        shape=(len(docs), len(vectoriser.vocabulary_)),
    ).tocsr()  # repeated n-grams of a document become one count
    counts.sort_indices()
    return vectoriser._tfidf.transform(counts, copy=False)


NGRAM_CHUNK = 1 << 20
"""Characters of padded documents counted at once by `_transform` (a few int64 arrays each)."""
_CODE_BITS = 21  # a code point fits in 21 bits: three of them in one int64


def _count_chunk(
    chunk: Sequence[str],
    first: int,
    vocabulary: dict[int, tuple[np.ndarray, np.ndarray]],
    rows: list[np.ndarray],
    columns: list[np.ndarray],
) -> None:
    """Append (document, column) of every vocabulary n-gram in `chunk` (documents `first`…)."""
    if not chunk:
        return
    text = "\0".join(chunk)
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    points = points.astype(np.int64)
    lengths = np.fromiter((len(d) + 1 for d in chunk), dtype=np.int64, count=len(chunk))
    document = np.repeat(np.arange(first, first + len(chunk), dtype=np.int32), lengths)
    for n, (codes, ids) in vocabulary.items():
        windows = len(points) - n + 1
        if windows <= 0 or not len(codes):
            continue
        window = points[:windows].copy()
        for k in range(1, n):
            window <<= _CODE_BITS
            window |= points[k : k + windows]
        at = np.searchsorted(codes, window)
        np.minimum(at, len(codes) - 1, out=at)
        hit = codes[at] == window
        rows.append(document[:windows][hit])
        columns.append(ids[at[hit]])


@lru_cache(maxsize=16)
def _vocabulary_codes(
    vectoriser: TfidfVectorizer,
) -> dict[int, tuple[np.ndarray, np.ndarray]] | None:
    """n → (sorted integer codes of the vocabulary's n-grams, their columns); None when a term
    cannot be coded (a NUL in it, or longer than three code points): then the slow path."""
    by_length: dict[int, tuple[list[int], list[int]]] = {}
    for term, column in vectoriser.vocabulary_.items():
        points = [ord(c) for c in term]
        if not 1 <= len(points) <= 3 or 0 in points:
            return None
        code = 0
        for point in points:
            code = (code << _CODE_BITS) | point
        codes, ids = by_length.setdefault(len(points), ([], []))
        codes.append(code)
        ids.append(column)
    out: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for n, (codes, ids) in sorted(by_length.items()):
        order = np.argsort(np.asarray(codes, dtype=np.int64), kind="stable")
        out[n] = (
            np.asarray(codes, dtype=np.int64)[order],
            np.asarray(ids, dtype=np.int32)[order],
        )
    return out


def _is_plain_char_wb(vectoriser: Any) -> bool:
    """A char_wb TF-IDF vectoriser whose n-grams `_transform` makes the same way: defaults,
    and n ≤ 3 (a padded word is at least 3 long, so char_wb's short-word rule never applies)."""
    return (
        isinstance(vectoriser, TfidfVectorizer)
        and vectoriser.analyzer == "char_wb"
        and vectoriser.ngram_range[1] <= 3
        and vectoriser.lowercase
        and vectoriser.preprocessor is None
        and vectoriser.strip_accents is None
        and not vectoriser.binary
    )


def _predict(model: Pipeline, features: pd.DataFrame) -> list[tuple[str, float]]:
    return _best(model.classes_, model.predict_proba(features))


def _best(classes: Any, probabilities: Any) -> list[tuple[str, float]]:
    best = probabilities.argmax(axis=1)
    return [(str(classes[j]), float(probabilities[i, j])) for i, j in enumerate(best)]


def load_family_map(
    path: Path = FAMILY_MAP, section: str = "categories"
) -> tuple[str, dict[str, str]]:
    """(version, site category → role family) of vocab/role_families.yaml: Zhilian's 岗位分类
    ("categories") or Liepin's search keyword ("liepin_keys")."""
    from analysis.normalise.roles import ROLE_FAMILIES

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    mapping = {str(k): str(v) for k, v in data[section].items()}
    unknown = sorted(set(mapping.values()) - set(ROLE_FAMILIES))
    if unknown:
        raise ValueError(f"{path.name}: not role families: {unknown}")
    return str(data["version"]), mapping


def _example(
    rid: str, title: str, text: str, findings: list[Finding], family: str | None
) -> RoleExample:
    from analysis.normalise.roles import classify_role_family

    rules = classify_role_family(title, text, findings)
    # With no findings the rules can only answer from the title; "other" means it was silent.
    title_family = title_family_of(title, text)
    return RoleExample(
        id=rid,
        title=title,
        text=text,
        tokens=model_tokens(findings, rules, title_family),
        rules=rules,
        title_rule=title_family != "other",
        family=family,
    )


def load_zhilian_examples(
    path: Path = DEFAULT_ZHILIAN,
    family_map: Path = FAMILY_MAP,
    *,
    exclude_urls: frozenset[str] = frozenset(),
) -> list[RoleExample]:
    """The Zhilian ads as examples (ids "zl-<row>"), family from their 岗位分类 via the map.

    Ads whose page URL is in `exclude_urls` are left out: training passes the gold corpus's URLs,
    so an ad that is also a gold ad (dev or frozen test) never trains the model under the site's
    category."""
    from analysis.evaluate_cluster import load_zhilian
    from analysis.normalise import normalise_position

    _, mapping = load_family_map(family_map)
    ads = load_zhilian(path)
    out: list[RoleExample] = []
    for i, ad in enumerate(ads.itertuples(index=False)):
        if pd.notna(ad.url) and str(ad.url).strip() in exclude_urls:
            continue
        title = str(ad.title or "").strip()
        text = str(ad.summary) if pd.notna(ad.summary) else ""
        if pd.notna(ad.tags) and str(ad.tags).strip(" ;"):  # as evaluate_cluster.build_frames
            text += "\n岗位标签：" + "、".join(t for t in str(ad.tags).split(";") if t)
        position = normalise_position(1, title, text)
        family = mapping.get(str(ad.category), "other")
        out.append(_example(f"zl-{i}", position.title, position.text, position.findings, family))
    return out


def load_liepin_examples(
    path: Path = DEFAULT_LIEPIN,
    family_map: Path = FAMILY_MAP,
    *,
    exclude_urls: frozenset[str] = frozenset(),
) -> list[RoleExample]:
    """The Liepin tech ads as examples (ids "lp-<row>"), one per distinct description, family
    from their search keyword via the map; rows whose URL is in `exclude_urls` (gold ads) are
    left out, as for Zhilian."""
    from analysis.normalise import normalise_position

    _, mapping = load_family_map(family_map, "liepin_keys")
    ads = pd.read_csv(path, dtype=str)
    seen: set[str] = set()
    out: list[RoleExample] = []
    for i, ad in enumerate(ads.itertuples(index=False)):
        text = str(ad.job_description).strip() if pd.notna(ad.job_description) else ""
        url = str(ad.job_url).strip() if pd.notna(ad.job_url) else ""
        if not text or text in seen or url in exclude_urls or str(ad.key) not in mapping:
            continue
        seen.add(text)
        position = normalise_position(1, str(ad.title or "").strip(), text)
        family = mapping[str(ad.key)]
        out.append(_example(f"lp-{i}", position.title, position.text, position.findings, family))
    return out


def load_dev_test_examples(
    corpus_dir: Path | None = None, gold_dir: Path | None = None, *, parts: Sequence[str] = ("dev",)
) -> dict[str, list[RoleExample]]:
    """The gold ads with a role family (job ads only, as analysis.evaluate scores them) of each
    split part asked for. The main (first) position is read exactly as `normalise_record` does."""
    from analysis import evaluate

    gold = evaluate.load_gold(
        corpus_dir or evaluate.DEFAULT_CORPUS_DIR, gold_dir or evaluate.DEFAULT_GOLD_DIR
    )
    split = evaluate.load_split(gold_dir or evaluate.DEFAULT_GOLD_DIR)
    return {part: _gold_examples(gold.get(rid) for rid in split[part]) for part in parts}


def load_extra_dev_examples(
    extra_dirs: Sequence[Path], gold_dir: Path | None = None, sets: Sequence[str] = ()
) -> list[RoleExample]:
    """The role examples of the dev-only extra gold sets (all, or those named in `sets`) whose
    texts are in one of `extra_dirs` (analysis.evaluate.load_extra_dev); none when their texts
    are nowhere."""
    from analysis import evaluate

    ads, _ = evaluate.load_extra_dev(extra_dirs, gold_dir or evaluate.DEFAULT_GOLD_DIR, sets)
    return _gold_examples(ads.values())


def load_dataset_dev_examples(
    samples: Path = SHARED / "samples", gold_dir: Path | None = None
) -> list[RoleExample]:
    """The role examples of the dev-only gold set 4, whose texts are rows of the job datasets
    under `samples` (analysis.evaluate.load_dataset_dev); none when the datasets are absent."""
    from analysis import evaluate

    ads, _ = evaluate.load_dataset_dev(samples, gold_dir or evaluate.DEFAULT_GOLD_DIR)
    return _gold_examples(ads.values())


def _gold_examples(ads: Iterable[Any]) -> list[RoleExample]:
    """Role examples of gold ads (`evaluate.GoldAd`, None skipped) that are job ads with a role
    family; the main (first) position is read exactly as `normalise_record` does."""
    from analysis import evaluate
    from analysis.models import ParsedNotice
    from analysis.normalise import normalise_notice
    from analysis.normalise.text_title import title_of_text

    examples: list[RoleExample] = []
    for ad in ads:
        if ad is None or "role_family" not in ad.label or not ad.label.get("is_job_ad", True):
            continue
        text = ad.row["text"]
        parsed = ParsedNotice(url=ad.row.get("url") or "", title=title_of_text(text), text=text)
        notice = normalise_notice(parsed, fetched_at=evaluate.FETCHED_AT)
        if not notice.positions:
            continue  # the record's family is then "other" whatever we do
        p = notice.positions[0]
        examples.append(_example(ad.id, p.title, p.text, p.findings, str(ad.label["role_family"])))
    return examples


def gold_corpus_urls(corpus_dir: Path | None = None) -> frozenset[str]:
    """The page URLs of every ad in the labelled corpus files (dev and test alike) and of the
    gold ads read from job datasets (gold set 4): URLs only, so the frozen test's texts and
    labels are not read."""
    from analysis import evaluate

    folder = corpus_dir or evaluate.DEFAULT_CORPUS_DIR
    urls: set[str] = set()
    for name in evaluate.GOLD_SETS.values():
        if (folder / name).is_file():
            urls.update(
                str(r.get("url") or "").strip() for r in evaluate.load_corpus(folder / name)
            )
    urls.update(evaluate.dataset_dev_urls())
    urls.discard("")
    return frozenset(urls)


@dataclass(frozen=True, slots=True)
class DevChoice:
    """What cross-validation on dev chose, and the dev accuracy of every strategy."""

    C: float
    gold_weight: float
    combination: Combination
    fallback: Combination  # the best model-with-fallback, reported beside the choice
    accuracy: dict[str, float]  # strategy -> dev CV accuracy (+ "fallback", "combination")
    n: int
    held_out_sets: bool = False  # chosen by leaving one gold set out at a time (else k-fold)
    per_set: dict[str, float] | None = None  # held-out set -> accuracy of the combination


def cross_validate_dev(
    zhilian: Sequence[RoleExample],
    dev: Sequence[RoleExample],
    *,
    C: float,
    gold_weight: float,
    random_state: int = 0,
    groups: Sequence[str] | None = None,
) -> list[tuple[str, float]]:
    """Out-of-fold (family, probability) for each dev example: each fold is predicted by a model
    fitted on all site-labelled ads and the other dev folds. The folds are CV_FOLDS stratified
    ones, or, given `groups` (each example's gold set), one per set: each set is then predicted
    by a model that never saw an ad of its kind, as the model meets a new source."""
    labels = [e.family for e in dev]
    out: list[tuple[str, float]] = [("other", 0.0)] * len(dev)
    if groups is not None:
        splits = list(LeaveOneGroupOut().split(np.zeros(len(dev)), labels, groups))
    else:
        folds = StratifiedKFold(CV_FOLDS, shuffle=True, random_state=random_state)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "least populated class" (host_anchor…)
            splits = list(folds.split(np.zeros(len(dev)), labels))
    for train, held in splits:
        model = fit_role_model(
            [*zhilian, *(dev[i] for i in train)],
            C=C,
            gold_weight=gold_weight,
            random_state=random_state,
        )
        for i, guess in zip(
            held, _predict(model, _features_of([dev[i] for i in held])), strict=True
        ):
            out[i] = guess
    return out


def score_strategies(
    dev: Sequence[RoleExample], guesses: Sequence[tuple[str, float]]
) -> dict[Combination, float]:
    """Accuracy of every strategy (and threshold) given model guesses for `dev`."""
    combos = [Combination(s) for s in STRATEGIES if s != "model_above_threshold"]
    combos += [Combination("model_above_threshold", t) for t in THRESHOLDS]
    return {c: _accuracy(dev, guesses, c) for c in combos}


def _accuracy(
    examples: Sequence[RoleExample], guesses: Sequence[tuple[str, float]], combo: Combination
) -> float:
    right = sum(
        combo.choose(family, p, e.rules, e.title_rule) == e.family
        for e, (family, p) in zip(examples, guesses, strict=True)
    )
    return right / len(examples) if examples else 1.0


MIN_HELD_OUT_SETS = 3
"""Gold sets needed to choose by leaving one set out; with fewer, stratified k-fold chooses."""


def choose_on_dev(
    zhilian: Sequence[RoleExample],
    dev: Sequence[RoleExample],
    *,
    groups: Sequence[str] | None = None,
    random_state: int = 0,
) -> DevChoice:
    """The hyper-parameters and the combination with the best dev CV accuracy (ties: the
    simpler strategy, in STRATEGIES order, then the lower threshold).

    Given each example's gold set (`groups`) and at least MIN_HELD_OUT_SETS sets, every choice
    is scored with one set held out at a time: the figure that stands for ads of a kind the
    model never saw (stratified folds mix every set into training, and flatter the model)."""
    by_set = groups is not None and len(set(groups)) >= MIN_HELD_OUT_SETS
    best: DevChoice | None = None
    for C, gold_weight in PARAM_GRID:
        guesses = cross_validate_dev(
            zhilian,
            dev,
            C=C,
            gold_weight=gold_weight,
            random_state=random_state,
            groups=groups if by_set else None,
        )
        scores = score_strategies(dev, guesses)
        combo = max(scores, key=lambda c: _rank(scores[c], c))
        per_strategy = _per_strategy(scores, combo)
        print(
            f"  C={C:g} gold_weight={gold_weight:g}: "
            + ", ".join(f"{k} {v:.3f}" for k, v in per_strategy.items()),
            file=sys.stderr,
        )
        if best is None or _rank(scores[combo], combo) > _rank(
            best.accuracy["combination"], best.combination
        ):
            per_set = None
            if by_set and groups is not None:
                per_set = {
                    name: _accuracy(
                        [e for e, g in zip(dev, groups, strict=True) if g == name],
                        [x for x, g in zip(guesses, groups, strict=True) if g == name],
                        combo,
                    )
                    for name in dict.fromkeys(groups)
                }
            fallback = _best_fallback(scores)
            best = DevChoice(
                C, gold_weight, combo, fallback, per_strategy, len(dev), by_set, per_set
            )
    assert best is not None
    return best


def _best_fallback(scores: dict[Combination, float]) -> Combination:
    return max((c for c in scores if c.strategy in FALLBACKS), key=lambda c: _rank(scores[c], c))


def _per_strategy(scores: dict[Combination, float], combo: Combination) -> dict[str, float]:
    """Best accuracy of each strategy, of the best fallback and of the chosen combination."""
    out = {s: max(v for c, v in scores.items() if c.strategy == s) for s in STRATEGIES}
    out["fallback"] = scores[_best_fallback(scores)]
    out["combination"] = scores[combo]
    return out


def k_fold_accuracy(
    zhilian: Sequence[RoleExample],
    dev: Sequence[RoleExample],
    choice: DevChoice,
    *,
    random_state: int = 0,
) -> dict[str, float]:
    """Stratified CV_FOLDS-fold dev accuracy of each strategy at the chosen hyper-parameters, the
    chosen combination's as "combination" (reported beside the held-out-set figures)."""
    guesses = cross_validate_dev(
        zhilian, dev, C=choice.C, gold_weight=choice.gold_weight, random_state=random_state
    )
    scores = score_strategies(dev, guesses)
    return _per_strategy(scores, choice.combination)


def _rank(accuracy: float, combo: Combination) -> tuple[float, int, float]:
    """Better accuracy first; on a tie the simpler strategy, then the lower threshold."""
    return (accuracy, -STRATEGIES.index(combo.strategy), -combo.threshold)


def model_path(version: str = MODEL_VERSION, models_dir: Path = MODELS_DIR) -> Path:
    return models_dir / f"role_family-{version}.pkl.gz"


def sidecar_path(version: str = MODEL_VERSION, models_dir: Path = MODELS_DIR) -> Path:
    return models_dir / f"role_family-{version}.json"


def save_role_model(model: Pipeline, info: dict[str, Any], models_dir: Path = MODELS_DIR) -> Path:
    """Write the model (pickle, gzip) and its sidecar JSON; the sidecar records the versions a
    load checks. Stdlib pickle, not joblib: joblib is only scikit-learn's dependency, not ours."""
    version = str(info["version"])
    models_dir.mkdir(parents=True, exist_ok=True)
    path = model_path(version, models_dir)
    with gzip.GzipFile(path, "wb", mtime=0) as fh:  # mtime 0: same model, same bytes
        pickle.dump(model, fh, protocol=5)
    sidecar = {
        **info,
        "sklearn_version": sklearn.__version__,
        "classes": [str(c) for c in model.classes_],
    }
    sidecar_path(version, models_dir).write_text(
        json.dumps(sidecar, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return path


def load_sidecar(version: str = MODEL_VERSION, models_dir: Path = MODELS_DIR) -> dict[str, Any]:
    path = sidecar_path(version, models_dir)
    if not path.is_file():
        raise RoleModelError(
            f"no role model sidecar {path}: run `python -m analysis.role_model train`"
        )
    info: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return info


def _minor(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])


def load_role_model(
    version: str = MODEL_VERSION, models_dir: Path = MODELS_DIR
) -> tuple[Pipeline, dict[str, Any]]:
    """The saved model and its sidecar. Raises RoleModelError when the file is missing, was
    written by another scikit-learn minor version (pickles are not portable across them), or
    does not unpickle into a working pipeline."""
    info = load_sidecar(version, models_dir)
    saved = str(info.get("sklearn_version", "?"))
    if _minor(saved) != _minor(sklearn.__version__):
        raise RoleModelError(
            f"role model {version} was saved with scikit-learn {saved}, this is "
            f"{sklearn.__version__}: retrain with `python -m analysis.role_model train`"
        )
    path = model_path(version, models_dir)
    try:
        with gzip.open(path, "rb") as fh:
            model = pickle.load(fh)  # our own file, shipped with the package
        _predict(model, build_features(["编辑"], [""], [""]))
    except FileNotFoundError as exc:
        raise RoleModelError(
            f"no role model {path}: run `python -m analysis.role_model train`"
        ) from exc
    except Exception as exc:  # an unpickling or version error says little on its own
        raise RoleModelError(
            f"role model {path} does not load with scikit-learn {sklearn.__version__} "
            f"({type(exc).__name__}: {exc}): retrain with `python -m analysis.role_model train`"
        ) from exc
    return model, info


@lru_cache(maxsize=1)
def _default_model() -> tuple[Pipeline, Combination]:
    """The shipped model and its combination, loaded once per process (read-only afterwards)."""
    model, info = load_role_model()
    return model, _combination_of(info["combination"])


def role_family_of(title: str, text: str, findings: list[Finding]) -> str:
    """Role family of one position by the shipped model combined with the rules as chosen on
    dev (the normaliser batches positions through `RoleChooser` instead)."""
    from analysis.normalise.roles import classify_role_family

    rules = classify_role_family(title, text, findings)
    position = Position(seq=1, title=title, text=text, role_family=rules, findings=findings)
    return load_role_chooser()([position])[0]


@dataclass(frozen=True, slots=True)
class RoleChooser:
    """The fitted model and its combination with the rules: positions → families, in one batch.

    A position's `role_family` holds the rules' answer when it is called (as
    `normalise_position` sets it)."""

    model: Pipeline
    combination: Combination

    def __call__(self, positions: Sequence[Position]) -> list[str]:
        title_families = [title_family_of(p.title, p.text) for p in positions]
        guesses = predict_families(
            self.model,
            [p.title for p in positions],
            [p.text for p in positions],
            [
                model_tokens(p.findings, p.role_family, title_family)
                for p, title_family in zip(positions, title_families, strict=True)
            ],
        )
        return [
            self.combination.choose(family, probability, p.role_family, title_family != "other")
            for p, title_family, (family, probability) in zip(
                positions, title_families, guesses, strict=True
            )
        ]


def load_role_chooser() -> RoleChooser:
    """The shipped model as a `RoleChooser` (loaded once per process; RoleModelError if unusable)."""
    model, combination = _default_model()
    return RoleChooser(model, combination)


def train_role_model(
    zhilian_path: Path,
    models_dir: Path,
    random_state: int,
    extra_dirs: Sequence[Path] = (),
    liepin_path: Path = DEFAULT_LIEPIN,
) -> int:
    """Choose on dev by CV (one gold set held out at a time: `choose_on_dev`), fit on the
    site-labelled ads (Zhilian, Liepin) + all dev, save. Test is never read. Dev is the dev split, gold sets 3 and 5 to 9 when their texts are in one of
    `extra_dirs`, and gold set 4 when its job datasets are in ../shared (the sidecar counts
    each)."""
    family_version, _ = load_family_map()
    gold_urls = gold_corpus_urls()
    site_ads = [
        *load_zhilian_examples(zhilian_path, exclude_urls=gold_urls),
        *load_liepin_examples(liepin_path, exclude_urls=gold_urls),
    ]
    split_dev = load_dev_test_examples(parts=("dev",))["dev"]
    from analysis.evaluate import EXTRA_DEV_SETS

    extra = {  # set name -> its examples: "3", "5", "6", "7", "8", "9"
        name: load_extra_dev_examples(extra_dirs, sets=[name]) if extra_dirs else []
        for name, _ in EXTRA_DEV_SETS.values()
    }
    from_datasets = load_dataset_dev_examples()
    # set 4 after set 3, the others in the order they joined (the order fixes the CV folds and
    # so the model)
    sets = {"dev split": split_dev, "3": extra.get("3", []), "4": from_datasets}
    sets |= {name: examples for name, examples in extra.items() if name != "3"}
    dev = [e for examples in sets.values() for e in examples]
    groups = [name for name, examples in sets.items() for _ in examples]
    choice = choose_on_dev(site_ads, dev, groups=groups, random_state=random_state)
    k_fold = (
        k_fold_accuracy(site_ads, dev, choice, random_state=random_state)
        if choice.held_out_sets
        else choice.accuracy
    )
    model = fit_role_model(
        [*site_ads, *dev], C=choice.C, gold_weight=choice.gold_weight, random_state=random_state
    )
    info = {
        "version": MODEL_VERSION,
        "trained": datetime.now().date().isoformat(),
        "family_map_version": family_version,
        "random_state": random_state,
        "params": {"C": choice.C, "gold_weight": choice.gold_weight, "text_head": TEXT_HEAD},
        "training_counts": {
            "zhilian": sum(e.id.startswith("zl-") for e in site_ads),
            "liepin": sum(e.id.startswith("lp-") for e in site_ads),
            "dev_gold": len(split_dev),
            **{f"gold_set_{name}": len(examples) for name, examples in extra.items()},
            "gold_set_4": len(from_datasets),
            "per_family": dict(Counter(str(e.family) for e in [*site_ads, *dev]).most_common()),
            "min_per_family": CALIBRATION_FOLDS,  # families with fewer are left to the rules
        },
        "combination": {
            "strategy": choice.combination.strategy,
            "threshold": choice.combination.threshold,
        },
        "fallback": {"strategy": choice.fallback.strategy, "threshold": choice.fallback.threshold},
        "dev_cv": {"folds": CV_FOLDS, "n": choice.n, "accuracy": k_fold},
    }
    if choice.held_out_sets:
        info["dev_held_out_sets"] = {
            "n": choice.n,
            "accuracy": choice.accuracy,
            "per_set": choice.per_set,
        }
    path = save_role_model(model, info, models_dir)
    print(
        f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB) and {sidecar_path(MODEL_VERSION, models_dir).name}"
    )
    print(json.dumps({k: v for k, v in info.items() if k.startswith("dev_")}, indent=2))
    return 0


def _describe(combo: Combination) -> str:
    if combo.strategy == "model_above_threshold":
        return f"model if p >= {combo.threshold:.2f} else rules"
    return combo.strategy


def evaluate_role_model(models_dir: Path) -> int:
    """Dev (CV, from the sidecar: k-fold and, when trained so, held-out sets) and test (the saved
    model, once) accuracy of the rules, the model, the best model-with-fallback and the chosen
    combination, with per-family counts."""
    model, info = load_role_model(models_dir=models_dir)
    parts = load_dev_test_examples(parts=("dev", "test"))
    test = parts["test"]
    guesses = _predict(model, _features_of(test)) if test else []
    rows = {
        "rules": Combination("rules"),
        "model": Combination("model"),
        "fallback": _combination_of(info["fallback"]),
        "combination": _combination_of(info["combination"]),
    }
    k_fold, n_dev = info["dev_cv"]["accuracy"], info["dev_cv"]["n"]
    held = info.get("dev_held_out_sets", {}).get("accuracy", {})
    print(
        f"role family accuracy (model {info['version']}; dev: {CV_FOLDS}-fold CV and, as chosen, "
        "one gold set held out at a time; test frozen)"
    )
    print(f"{'':52}{'dev':>7}{'held':>7}{'n':>5}{'test':>7}{'n':>5}")
    for key, c in rows.items():
        name = f"{key} ({_describe(c)})" if key in ("fallback", "combination") else key
        acc = _accuracy(test, guesses, c)
        held_out = f"{held[key]:7.3f}" if key in held else f"{'-':>7}"
        print(f"{name:<52}{k_fold[key]:7.3f}{held_out}{n_dev:5d}{acc:7.3f}{len(test):5d}")
    per_set = info.get("dev_held_out_sets", {}).get("per_set") or {}
    if per_set:
        print(
            "\ncombination per held-out gold set: "
            + ", ".join(f"{name} {v:.3f}" for name, v in per_set.items())
        )
    print(f"\nper family: gold dev, gold test, test correct by {' / '.join(rows)}")
    for family, count in Counter(e.family for e in test).most_common():
        pairs = [(e, g) for e, g in zip(test, guesses, strict=True) if e.family == family]
        right = [
            sum(c.choose(g[0], g[1], e.rules, e.title_rule) == family for e, g in pairs)
            for c in rows.values()
        ]
        dev_n = sum(e.family == family for e in parts["dev"])
        print(f"  {family:<24}{dev_n:4d}{count:4d}   " + " / ".join(map(str, right)))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m analysis.role_model",
        description="Train or evaluate the role-family model. "
        "Example: python -m analysis.role_model train && python -m analysis.role_model evaluate",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="fit on the Zhilian ads + dev gold, write analysis/trained/")
    t.add_argument("--zhilian", type=Path, default=DEFAULT_ZHILIAN)
    t.add_argument("--liepin", type=Path, default=DEFAULT_LIEPIN)
    t.add_argument("--random-state", type=int, default=0)
    t.add_argument(
        "--extra-corpus-dir",
        type=Path,
        action="append",
        default=[],
        help="a folder holding the texts of the dev-only gold sets 3 and 5 to 9 "
        "(real_postings_3.jsonl, _5 to _9): their ads join dev for the choice and the fit",
    )
    for p in (t, sub.add_parser("evaluate", help="dev (CV) and test accuracy: rules, model, both")):
        p.add_argument("--models-dir", type=Path, default=MODELS_DIR)
    args = parser.parse_args(argv)
    if args.command == "train":
        return train_role_model(
            args.zhilian, args.models_dir, args.random_state, args.extra_corpus_dir, args.liepin
        )
    return evaluate_role_model(args.models_dir)


if __name__ == "__main__":
    raise SystemExit(main())
