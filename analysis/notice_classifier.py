"""Process stage, the gate: is a page a recruitment notice (a vacancy notice or a job posting)?

Input: a parsed page's title and text; to train, real text only (../shared corpus ads and non-ads,
the extraction benchmark's news/gov/blog pages), to evaluate also the real-page harness pages.
Output: a calibrated score and a decision; the fitted Pipeline + JSON sidecar in analysis/trained/;
`python -m analysis.notice_classifier split|train|evaluate`.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import math
import pickle
import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sklearn
import yaml
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import Pipeline

from analysis.normalise.context import load_vocab
from analysis.normalise.text import clean_text
from analysis.scoring import f1_of, precision_of, recall_of

__all__ = [
    "MODEL_VERSION",
    "NoticeExample",
    "NoticeModelError",
    "build_notice_pipeline",
    "load_notice_model",
    "main",
    "notice_tokens",
    "recruitment_score",
]

MODEL_VERSION = "1"
"""Bump when features, training data or defaults change; names the model file and its sidecar."""

ROOT = Path(__file__).resolve().parent
REPO = ROOT.parent
MODELS_DIR = ROOT / "trained"
SHARED = REPO.parent / "shared"
SPLIT_FILE = REPO / "tests" / "gold" / "notice_split.yaml"
EXTRA_FILE = REPO / "tests" / "gold" / "notice_extra_negatives.yaml"
DEFAULT_EXTRA_ROOT = SHARED / "samples" / "extra_negatives"
HARNESS = REPO / "tests" / "real_pages"
BENCHMARK = "extraction_benchmark"
TITLE_HEAD = 200
TEXT_HEAD = 2000
"""Characters of the text the model reads: what a notice is shows in its opening (and the cost
of a prediction stays bounded whatever the page's size, attachments appended included)."""
CV_FOLDS = 5
CALIBRATION_FOLDS = 3
HELD_OUT_SHARE = 0.3
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.20, 0.81, 0.05))
DEFAULT_THRESHOLD = 0.5


class NoticeModelError(RuntimeError):
    """The saved model is missing, or cannot be used with the installed scikit-learn."""


@dataclass(frozen=True, slots=True)
class NoticeExample:
    """One real text as the model sees it: id (corpus id or `<folder>/<file>`), title, text,
    whether it is a recruitment notice, and where it came from (corpus | pages | harness)."""

    id: str
    title: str
    text: str
    recruitment: bool
    origin: str


# --------------------------------------------------------------------------------- features


@cache
def _cue_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    data = load_vocab("notice_cues")
    zh = sorted(set(data["zh"]), key=lambda w: (-len(w), w))
    en = sorted(set(data["en"]), key=lambda w: (-len(w), w))
    return (
        re.compile("|".join(map(re.escape, zh))),
        re.compile(r"\b(?:" + "|".join(map(re.escape, en)) + r")\b"),
    )


def notice_tokens(title: str, text: str) -> str:
    """The cue words (vocab/notice_cues.yaml) found in the title (`t:`) and text (`b:`), one
    token each, however often found: the model reads which cues occur, not how many times."""
    tokens: dict[str, None] = {}
    for prefix, field in (("t", title), ("b", text)):
        for pattern in _cue_patterns():
            for m in pattern.finditer(field.lower()):
                tokens[f"{prefix}:{m.group()}"] = None
    return " ".join(tokens)


def feature_values(title: str, text: str) -> dict[str, str]:
    """One page's model input: cleaned title and text head (a bounded slice is cleaned, so the
    cost does not grow with the page), and the cue tokens."""
    clean_title = clean_text(title[: TITLE_HEAD * 2])[:TITLE_HEAD]
    clean_body = clean_text(text[: TEXT_HEAD * 2])[:TEXT_HEAD]
    return {
        "title": clean_title,
        "text": clean_body,
        "cues": notice_tokens(clean_title, clean_body),
    }


def build_features(titles: Sequence[str], texts: Sequence[str]) -> pd.DataFrame:
    """The frame the pipeline reads (STRING column names, see STYLE.md), one row per page."""
    rows = [feature_values(a, b) for a, b in zip(titles, texts, strict=True)]
    return pd.DataFrame(rows, columns=["title", "text", "cues"])


def _char_tfidf(cap: int) -> TfidfVectorizer:
    # Chinese has no spaces: word tokens would be whole clauses (STYLE.md pitfalls).
    return TfidfVectorizer(
        analyzer="char_wb", ngram_range=(1, 3), max_features=cap, sublinear_tf=True,
        dtype=np.float32,
    )  # fmt: skip


def build_notice_pipeline(*, C: float = 4.0, random_state: int = 0) -> Pipeline:
    """Char n-gram TF-IDF of the title and the text head, cue words as tokens → logistic
    regression, calibrated (sigmoid). Vocabularies capped: the saved model stays small."""
    features = ColumnTransformer(
        [
            ("title", _char_tfidf(3000), "title"),
            ("text", _char_tfidf(8000), "text"),
            (
                "cues",
                TfidfVectorizer(token_pattern=r"\S+", lowercase=False, dtype=np.float32),
                "cues",
            ),
        ],
        transformer_weights={"title": 1.0, "text": 1.0, "cues": 1.0},
    )
    classifier = CalibratedClassifierCV(
        LogisticRegression(C=C, max_iter=3000, class_weight="balanced", random_state=random_state),
        method="sigmoid",
        cv=StratifiedKFold(CALIBRATION_FOLDS, shuffle=True, random_state=random_state),
    )
    return Pipeline([("features", features), ("classifier", classifier)])


def _features_of(examples: Sequence[NoticeExample]) -> pd.DataFrame:
    return build_features([e.title for e in examples], [e.text for e in examples])


def fit_notice_model(examples: Sequence[NoticeExample], *, random_state: int = 0) -> Pipeline:
    model = build_notice_pipeline(random_state=random_state)
    model.fit(_features_of(examples), [e.recruitment for e in examples])
    for _, vectoriser, _ in model.named_steps["features"].transformers_:
        if hasattr(vectoriser, "stop_words_"):
            del vectoriser.stop_words_  # only for introspection, and most of the pickle's size
    return model


def _scores(model: Pipeline, features: pd.DataFrame) -> list[float]:
    column = list(model.classes_).index(True)
    return [float(p) for p in model.predict_proba(features)[:, column]]


# ------------------------------------------------------------------------------ real examples


def _first_line(text: str) -> str:
    return text.lstrip().split("\n", 1)[0][:80]


def load_corpus_examples(shared: Path = SHARED) -> list[NoticeExample]:
    """The 215 real corpus texts; a corpus text is a recruitment notice unless its gold label
    says `is_job_ad: false` (news reports and statements about a recruitment). Title: the first
    line, as the other evaluations read it."""
    from analysis import evaluate

    gold = evaluate.load_gold(shared / "corpus", evaluate.DEFAULT_GOLD_DIR)
    return [
        NoticeExample(
            rid,
            _first_line(ad.row["text"]),
            ad.row["text"],
            bool(ad.label.get("is_job_ad", True)),
            "corpus",
        )
        for rid, ad in sorted(gold.items())
    ]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def harness_files(harness: Path = HARNESS) -> dict[str, dict[str, Any]]:
    """Sample file (under samples/) -> its harness entry, for the detail pages whose expectation
    says whether they are recruitment."""
    data = yaml.safe_load((harness / "expectations.yaml").read_text(encoding="utf-8"))
    return {s["file"]: s for s in data["samples"] if "recruitment" in (s.get("expect") or {})}


def load_benchmark_examples(shared: Path = SHARED, harness: Path = HARNESS) -> list[NoticeExample]:
    """The extraction benchmark's real pages (news, gov, blogs, forums: none is a recruitment
    notice), title and text as our cms parser reads them (what the gate sees in a crawl, page
    furniture included; the hand-made main text when the parser finds none). Pages that the
    real-page harness also serves are left out, so the harness stays unseen."""
    from analysis.process import parse_page

    samples = shared / "samples"
    harness_hashes = {
        _sha256(samples / f) for f in harness_files(harness) if (samples / f).is_file()
    }
    out = []
    for page in sorted((samples / BENCHMARK / "original").glob("*.html")):
        if _sha256(page) in harness_hashes:
            continue
        cleaned = samples / BENCHMARK / "cleaned" / f"{page.stem}.txt"
        text = cleaned.read_text(encoding="utf-8", errors="replace")
        parsed, _ = parse_page(page.read_bytes(), content_type=None, kind="cms", url="http://x/")
        title = getattr(parsed, "title", "") or _first_line(text)
        text = getattr(parsed, "text", "") or text
        out.append(NoticeExample(f"{BENCHMARK}/{page.stem}", title, text, False, "pages"))
    return out


def load_extra_examples(extra_root: Path, listing: Path = EXTRA_FILE) -> list[NoticeExample]:
    """The extra real negatives listed in tests/gold/notice_extra_negatives.yaml (English and
    Chinese news, forum and blog pages), parsed as the cms spider parses a page, read from
    `<extra_root>/<owner>+<name>/<path>`; a page (or the whole folder) absent is skipped."""
    from analysis.process import parse_page

    out = []
    for group in yaml.safe_load(listing.read_text(encoding="utf-8"))["sets"]:
        folder = extra_root / str(group["repository"]).replace("/", "+")
        for path in group["files"]:
            page = folder / path
            if not page.is_file():
                continue
            parsed, _ = parse_page(
                page.read_bytes(), content_type=None, kind="cms", url="http://x/"
            )
            title, text = getattr(parsed, "title", ""), getattr(parsed, "text", "")
            out.append(NoticeExample(f"{group['repository']}:{path}", title, text, False, "extra"))
    return out


def load_harness_examples(shared: Path = SHARED, harness: Path = HARNESS) -> list[NoticeExample]:
    """The real-page harness's detail pages with a `recruitment` expectation, parsed as the
    crawl parses them (their source's kind, their Content-Type). Never trained on."""
    from analysis.extract.pages import Unavailable
    from analysis.process import parse_page

    sources = yaml.safe_load((harness / "sources.yaml").read_text(encoding="utf-8"))["sources"]
    kinds = {s["id"]: s.get("kind", "cms") for s in sources}
    out = []
    for file, sample in sorted(harness_files(harness).items()):
        path = shared / "samples" / file
        if not path.is_file():
            continue
        parsed, _ = parse_page(
            path.read_bytes(),
            content_type=sample.get("content_type"),
            kind=kinds.get(sample["source"], "cms"),
            url=sample["url"],
        )
        if isinstance(parsed, Unavailable):
            continue
        out.append(
            NoticeExample(
                sample["id"],
                parsed.title,
                parsed.text,
                bool(sample["expect"]["recruitment"]),
                "harness",
            )
        )
    return out


# ------------------------------------------------------------------------------ frozen split


def draw_split(examples: Sequence[NoticeExample], seed: int) -> list[str]:
    """Held-out ids: the normaliser's frozen test ads (tests/gold/split.yaml) and a seeded
    HELD_OUT_SHARE of every other (origin, label) group, drawn from the sorted ids."""
    from analysis import evaluate

    frozen = set(evaluate.load_split()["test"])
    held = [e.id for e in examples if e.id in frozen]
    groups: dict[tuple[str, bool], list[str]] = {}
    for e in examples:
        if e.origin != "corpus" or (not e.recruitment and e.id not in frozen):
            groups.setdefault((e.origin, e.recruitment), []).append(e.id)
    rng = random.Random(seed)
    for key in sorted(groups):
        ids = sorted(groups[key])
        rng.shuffle(ids)
        held += ids[: round(len(ids) * HELD_OUT_SHARE)]
    return sorted(set(held))


def load_split_ids(path: Path = SPLIT_FILE) -> set[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return set(data["held_out"])


# ------------------------------------------------------------------------------ model files


def model_path(version: str = MODEL_VERSION, models_dir: Path = MODELS_DIR) -> Path:
    return models_dir / f"notice-{version}.pkl.gz"


def sidecar_path(version: str = MODEL_VERSION, models_dir: Path = MODELS_DIR) -> Path:
    return models_dir / f"notice-{version}.json"


def save_notice_model(model: Pipeline, info: dict[str, Any], models_dir: Path = MODELS_DIR) -> Path:
    """Write the model (pickle, gzip, same model same bytes) and its sidecar JSON."""
    models_dir.mkdir(parents=True, exist_ok=True)
    path = model_path(str(info["version"]), models_dir)
    with gzip.GzipFile(path, "wb", mtime=0) as fh:
        pickle.dump(model, fh, protocol=5)
    sidecar = {**info, "sklearn_version": sklearn.__version__}
    sidecar_path(str(info["version"]), models_dir).write_text(
        json.dumps(sidecar, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return path


def _minor(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])


def load_notice_model(
    version: str = MODEL_VERSION, models_dir: Path = MODELS_DIR
) -> tuple[Pipeline, dict[str, Any]]:
    """The saved model and its sidecar; NoticeModelError when missing, written by another
    scikit-learn minor version (pickles are not portable across them), or broken."""
    side = sidecar_path(version, models_dir)
    if not side.is_file():
        raise NoticeModelError(
            f"no notice model sidecar {side}: run `python -m analysis.notice_classifier train`"
        )
    try:
        info: dict[str, Any] = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise NoticeModelError(
            f"notice model sidecar {side} is unreadable ({exc}): retrain"
        ) from exc
    saved = str(info.get("sklearn_version", "?"))
    if _minor(saved) != _minor(sklearn.__version__):
        raise NoticeModelError(
            f"notice model {version} was saved with scikit-learn {saved}, this is "
            f"{sklearn.__version__}: retrain with `python -m analysis.notice_classifier train`"
        )
    path = model_path(version, models_dir)
    try:
        with gzip.open(path, "rb") as fh:
            model = pickle.load(fh)  # our own file, shipped with the package
        _scores(model, build_features(["招聘公告"], [""]))
    except Exception as exc:  # a missing file or an unpickling error says little on its own
        raise NoticeModelError(
            f"notice model {path} does not load ({type(exc).__name__}: {exc}): "
            "retrain with `python -m analysis.notice_classifier train`"
        ) from exc
    return model, info


@dataclass(frozen=True, slots=True)
class _Block:
    """One fitted TF-IDF vectoriser as plain data: its column, analyser, vocabulary and idf."""

    column: str
    analyse: Any  # str -> list of n-grams / tokens (the vectoriser's own analyser)
    vocabulary: dict[str, int]
    idf: Any  # numpy array
    sublinear: bool
    weight: float
    offset: int  # where its features start in the stacked feature vector


@dataclass(frozen=True, slots=True)
class LinearScorer:
    """The fitted pipeline's arithmetic without scikit-learn's per-call validation (~50 ms a
    page): TF-IDF rows computed from each vectoriser's analyser, vocabulary and idf, then, per
    calibrated member, the logistic regression's decision and its sigmoid calibration (a, b),
    averaged as CalibratedClassifierCV averages them. Same scores as `predict_proba` (a test
    checks), in about a millisecond a page."""

    blocks: tuple[_Block, ...]
    members: tuple[tuple[Any, float, float, float], ...]  # (coef, intercept, a, b)

    @classmethod
    def of(cls, model: Pipeline) -> LinearScorer:
        features = model.named_steps["features"]
        weights = features.transformer_weights or {}
        blocks, offset = [], 0
        for name, v, column in features.transformers_:
            if name == "remainder":
                continue
            blocks.append(
                _Block(column, v.build_analyzer(), dict(v.vocabulary_), v.idf_.astype(np.float64),
                       bool(v.sublinear_tf), float(weights.get(name, 1.0)), offset)
            )  # fmt: skip
            offset += len(v.vocabulary_)
        calibrated = model.named_steps["classifier"]
        if list(calibrated.classes_) != [False, True]:
            raise NoticeModelError(f"notice model classes are {calibrated.classes_}")
        members = tuple(
            (
                m.estimator.coef_.ravel().astype(np.float64),
                float(m.estimator.intercept_[0]),
                float(m.calibrators[0].a_),
                float(m.calibrators[0].b_),
            )
            for m in calibrated.calibrated_classifiers_
        )
        return cls(tuple(blocks), members)

    def _row(self, values: dict[str, str]) -> tuple[Any, Any]:
        """(feature indices, values) of one document: each block's l2-normalised TF-IDF."""
        indices: list[Any] = []
        weights: list[Any] = []
        for b in self.blocks:
            counts = Counter(
                b.vocabulary[g] for g in b.analyse(values[b.column]) if g in b.vocabulary
            )
            if not counts:
                continue
            idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
            row = (1.0 + np.log(tf) if b.sublinear else tf) * b.idf[idx]
            row *= b.weight / np.sqrt(np.dot(row, row))
            indices.append(idx + b.offset)
            weights.append(row)
        if not indices:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        return np.concatenate(indices), np.concatenate(weights)

    def score_one(self, values: dict[str, str]) -> float:
        """The calibrated probability of one page's `feature_values`."""
        idx, row = self._row(values)
        total = 0.0
        for coef, intercept, a, b in self.members:
            decision = float(np.dot(row, coef[idx])) + intercept
            total += 1.0 / (1.0 + math.exp(a * decision + b))
        return total / len(self.members)

    def score(self, features: pd.DataFrame) -> list[float]:
        return [self.score_one(values) for values in features.to_dict("records")]


@lru_cache(maxsize=1)
def _default_model() -> tuple[LinearScorer, float]:
    """The shipped model and its threshold, loaded once per process (read-only afterwards)."""
    model, info = load_notice_model()
    return LinearScorer.of(model), float(info["threshold"])


def recruitment_score(title: str, text: str) -> tuple[float, bool]:
    """(calibrated probability that the page is a recruitment notice, decision at the shipped
    threshold) for one parsed page."""
    scorer, threshold = _default_model()
    score = scorer.score_one(feature_values(title, text))
    return score, score >= threshold


def notice_threshold() -> float:
    """The shipped model's threshold (its sidecar's `threshold`)."""
    return _default_model()[1]


def notice_model_version() -> str:
    return MODEL_VERSION


# ------------------------------------------------------------------------------ train, evaluate


@dataclass(frozen=True, slots=True)
class PR:
    n: int
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return precision_of(self.tp, self.fp)

    @property
    def recall(self) -> float:
        return recall_of(self.tp, self.fn)

    @property
    def f1(self) -> float:
        return f1_of(self.precision, self.recall)


def score_at(labels: Sequence[bool], scores: Sequence[float], threshold: float) -> PR:
    pairs = list(zip(labels, (s >= threshold for s in scores), strict=True))
    return PR(
        len(pairs),
        sum(g and p for g, p in pairs),
        sum(p and not g for g, p in pairs),
        sum(g and not p for g, p in pairs),
    )


def choose_threshold(labels: Sequence[bool], scores: Sequence[float]) -> float:
    """The threshold with the best F1 on out-of-fold training scores; ties go to the one nearest
    0.5 (a calibrated model's natural cut), then the lower one."""
    return max(
        THRESHOLDS,
        key=lambda t: (round(score_at(labels, scores, t).f1, 6), -abs(t - 0.5), -t),
    )


def _all_examples(shared: Path, extra_root: Path) -> list[NoticeExample]:
    return [
        *load_corpus_examples(shared),
        *load_benchmark_examples(shared),
        *load_extra_examples(extra_root),
    ]


def write_split(shared: Path, extra_root: Path, seed: int, path: Path = SPLIT_FILE) -> int:
    """Draw the frozen held-out split once; refuses to redraw an existing one."""
    if path.exists():
        print(f"{path} exists: the split is frozen, never redrawn")
        return 1
    examples = _all_examples(shared, extra_root)
    held = draw_split(examples, seed)
    counts = Counter((e.origin, e.recruitment, e.id in held) for e in examples)
    header = (
        "# Frozen held-out split of the recruitment-notice classifier (analysis/notice_classifier.py).\n"
        "# Ids only: corpus ids of ../shared/corpus, `extraction_benchmark/<id>` pages of\n"
        "# ../shared/samples. Never trained or tuned on; the real-page harness pages are never\n"
        "# trained on either. Drawn once; do not redraw.\n"
    )
    body = {
        "seed": seed,
        "method": "held_out = the normaliser's frozen test ads (tests/gold/split.yaml) + a "
        f"random.Random(seed) {HELD_OUT_SHARE:.0%} of each other (origin, label) group, "
        "shuffled from its sorted ids",
        "counts": {
            f"{o}/{'notice' if r else 'not'}/{'held' if h else 'train'}": n
            for (o, r, h), n in sorted(counts.items())
        },
        "held_out": held,
    }
    path.write_text(header + yaml.safe_dump(body, allow_unicode=True, sort_keys=False), "utf-8")
    print(f"wrote {path}: {len(held)} held-out of {len(examples)}")
    return 0


def train_notice_model(shared: Path, extra_root: Path, models_dir: Path, random_state: int) -> int:
    """Fit on the training part only (held-out and harness never read), threshold by CV."""
    held = load_split_ids()
    train = [e for e in _all_examples(shared, extra_root) if e.id not in held]
    labels = [e.recruitment for e in train]
    folds = StratifiedKFold(CV_FOLDS, shuffle=True, random_state=random_state)
    oof = cross_val_predict(
        build_notice_pipeline(random_state=random_state), _features_of(train), labels,
        cv=folds, method="predict_proba",
    )[:, 1]  # fmt: skip
    threshold = choose_threshold(labels, [float(s) for s in oof])
    cv = score_at(labels, [float(s) for s in oof], threshold)
    model = fit_notice_model(train, random_state=random_state)
    info = {
        "version": MODEL_VERSION,
        "trained": datetime.now().date().isoformat(),
        "cues_version": str(load_vocab("notice_cues")["version"]),
        "random_state": random_state,
        "threshold": threshold,
        "params": {"C": 4.0, "title_head": TITLE_HEAD, "text_head": TEXT_HEAD},
        "training_counts": dict(Counter(f"{e.origin}/{e.recruitment}" for e in train)),
        "train_cv": {
            "folds": CV_FOLDS,
            "n": cv.n,
            "precision": round(cv.precision, 4),
            "recall": round(cv.recall, 4),
            "f1": round(cv.f1, 4),
        },
    }
    path = save_notice_model(model, info, models_dir)
    print(f"wrote {path} ({path.stat().st_size / 1e3:.0f} kB), threshold {threshold}")
    print(json.dumps(info["train_cv"]))
    return 0


def _report(name: str, examples: Sequence[NoticeExample], scores: Sequence[float], t: float) -> str:
    s = score_at([e.recruitment for e in examples], scores, t)
    return f"{name:<16}{s.n:>5}{s.tp:>5}{s.fp:>5}{s.fn:>5}{s.precision:>11.3f}{s.recall:>8.3f}"


def _with_job_facts(examples: Sequence[NoticeExample], scores: Sequence[float]) -> list[float]:
    """The scores as the gate uses them: 0 where the normaliser finds no job fact
    (`analysis.process.has_job_facts`)."""
    from analysis.models import ParsedNotice
    from analysis.normalise import normalise_notice
    from analysis.process import has_job_facts

    def facts(e: NoticeExample) -> bool:
        parsed = ParsedNotice(url="", title=e.title, text=e.text)
        return has_job_facts(normalise_notice(parsed, fetched_at=FACTS_FETCHED_AT))

    return [s if facts(e) else 0.0 for e, s in zip(examples, scores, strict=True)]


FACTS_FETCHED_AT = datetime(2026, 12, 1)
"""The fetch day given to the normaliser when the evaluation looks for job facts (relative dates
need one; no text of these sets depends on it)."""


def evaluate_notice_model(shared: Path, extra_root: Path, models_dir: Path) -> int:
    """Held-out and harness precision/recall of the shipped model at its threshold, and the
    harness pages it gets wrong (the harness is never trained on, so naming them is safe)."""
    model, info = load_notice_model(models_dir=models_dir)
    threshold = float(info["threshold"])
    held_ids = load_split_ids()
    held = [e for e in _all_examples(shared, extra_root) if e.id in held_ids]
    harness = load_harness_examples(shared)
    held_scores = _scores(model, _features_of(held))
    harness_scores = _scores(model, _features_of(harness)) if harness else []
    gated_held = _with_job_facts(held, held_scores)
    gated_harness = _with_job_facts(harness, harness_scores)
    print(f"recruitment-notice classifier {info['version']}, threshold {threshold}")
    print(f"{'set':<16}{'n':>5}{'tp':>5}{'fp':>5}{'fn':>5}{'precision':>11}{'recall':>8}")
    print(_report("held-out", held, held_scores, threshold))
    print(_report("harness", harness, harness_scores, threshold))
    print("the gate (the model and at least one job fact, analysis.process.has_job_facts):")
    print(_report("held-out gate", held, gated_held, threshold))
    print(_report("harness gate", harness, gated_harness, threshold))
    for e, s in zip(harness, gated_harness, strict=True):
        if (s >= threshold) != e.recruitment:
            print(f"  harness miss: {e.id} score {s:.3f} (recruitment={e.recruitment})")
    wrong = sum((s >= threshold) != e.recruitment for e, s in zip(held, gated_held, strict=True))
    print(f"held-out errors of the gate: {wrong} (ids only, never tuned on)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m analysis.notice_classifier",
        description="Draw the frozen split, train or evaluate the recruitment-notice classifier. "
        "Example: python -m analysis.notice_classifier train && "
        "python -m analysis.notice_classifier evaluate",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("split", help="draw the frozen held-out split once (tests/gold/)")
    s.add_argument("--seed", type=int, default=20261202)
    t = sub.add_parser("train", help="fit on the training part, write analysis/trained/")
    t.add_argument("--random-state", type=int, default=0)
    e = sub.add_parser("evaluate", help="held-out and real-page harness precision and recall")
    for p in (s, t, e):
        p.add_argument("--shared", type=Path, default=SHARED)
        p.add_argument("--extra-root", type=Path, default=DEFAULT_EXTRA_ROOT)
    for p in (t, e):
        p.add_argument("--models-dir", type=Path, default=MODELS_DIR)
    args = parser.parse_args(argv)
    if not (args.shared / "corpus").is_dir():
        parser.error(f"{args.shared} holds no corpus/: the real texts are needed")
    if args.command == "split":
        return write_split(args.shared, args.extra_root, args.seed)
    if args.command == "train":
        return train_notice_model(args.shared, args.extra_root, args.models_dir, args.random_state)
    return evaluate_notice_model(args.shared, args.extra_root, args.models_dir)


if __name__ == "__main__":
    raise SystemExit(main())
