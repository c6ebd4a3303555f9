"""Analyse stage: cluster positions into data-driven role families and track their monthly mix.

Input: the `positions` and `findings` frames of `analysis.store.load_frames` (see docs/DESIGN.md).
Output: a fitted `RoleClusterer` (labels, names, `model_info_`), month x cluster shares with
denominators, month-to-month drift (Jensen-Shannon), the report's `RoleMix` and model record.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
import sklearn
from scipy import sparse
from scipy.spatial.distance import jensenshannon
from sklearn.base import BaseEstimator, ClusterMixin, TransformerMixin
from sklearn.cluster import KMeans
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
from sklearn.metrics import silhouette_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import Normalizer

from analysis.trends import SMALL_N, month_range, position_months

__all__ = [
    "K_CRITERION",
    "MODEL_VERSION",
    "CharNgramCounter",
    "RoleClusterer",
    "RoleMix",
    "build_documents",
    "build_model_info",
    "build_role_mix",
    "cluster_shares",
    "monthly_drift",
    "shares_wide",
]

MODEL_VERSION = "role-clusters/1"
"""Bump when features, defaults or the k criterion change: stored labels are only comparable
between models of the same version and parameters."""

K_CRITERION = (
    "the smallest k in k_range whose mean silhouette is within `k_tolerance` of the best one "
    "(silhouette: euclidean on the L2-normalised SVD embedding, i.e. cosine, on a fixed random "
    "sample of at most `silhouette_sample` fitted positions, rounded to 3 decimals)"
)
"""Why the tolerance: on short, templated texts the silhouette keeps creeping up with k as
near-duplicate ads split off; a within-tolerance smaller k is the parsimonious family level."""

TAG_FIELDS: dict[str, str] = {"skill": "skill", "language": "lang", "native_speaker": "lang"}
"""Findings fields turned into one-hot tags, and the tag prefix each gets."""

_TAG_PREFIXES = ("skill:", "lang:", "aigc")
"""Tags reported as a cluster's top skills (role_family is reported on its own)."""

# Generic recruitment words that say nothing about the role; a gram containing one is not used
# to name a cluster (the distinctiveness score already damps them, this removes the remainder).
_STOP_TEXT = (
    "负责 工作 相关 经验 优先 能力 岗位 职责 要求 以上 公司 具有 熟悉 良好 任职 完成 进行 以及 学历"
    " 专业 本科 大专 及以上 我们 团队 提供 福利 薪资 五险 一金 双休 招聘 欢迎 应届 毕业 年龄 待遇"
    " 时间 地点 描述 职位 the and for with you are our will"
)
_STOP_WORDS = frozenset(_STOP_TEXT.split())
_NAME_GRAM = re.compile(r"^[\u3400-\u9fff]{2,}$")
"""Grams used in names: Chinese only (Latin 3-grams such as `igc` are unreadable fragments;
English roles are named through their skills)."""


# --------------------------------------------------------------------------- documents


def _tag_pairs(positions: pd.DataFrame, findings: pd.DataFrame) -> pd.DataFrame:
    """Distinct (position_id, tag) pairs: `skill:<id>`, `lang:<code>`, `aigc`, `family:<f>`."""
    frames = [pd.DataFrame({"position_id": [], "tag": []})]
    if len(findings) and {"position_id", "field", "value"} <= set(findings.columns):
        sub = findings[findings["field"].isin([*TAG_FIELDS, "aigc"])]
        values = sub["value"].astype("string").fillna("").str.replace(r"\s+", "_", regex=True)
        tags = (sub["field"].map(TAG_FIELDS).fillna("aigc") + ":" + values).where(
            sub["field"] != "aigc", "aigc"
        )
        frames.append(pd.DataFrame({"position_id": sub["position_id"], "tag": tags}))
    if "aigc" in positions.columns:
        flag = positions["aigc"].astype("boolean").fillna(False).astype(bool)
        frames.append(
            pd.DataFrame({"position_id": positions.loc[flag, "position_id"], "tag": "aigc"})
        )
    if "role_family" in positions.columns:
        family = positions["role_family"].astype("string").fillna("").str.strip()
        known = family != ""
        frames.append(
            pd.DataFrame(
                {
                    "position_id": positions.loc[known, "position_id"],
                    "tag": "family:" + family[known],
                }
            )
        )
    pairs = pd.concat(frames, ignore_index=True).astype({"tag": "string"}).drop_duplicates()
    return pairs.sort_values(["position_id", "tag"], kind="stable")


def _tag_column(positions: pd.DataFrame, findings: pd.DataFrame) -> np.ndarray:
    """Space-joined sorted tags per position (object array aligned with `positions`)."""
    pairs = _tag_pairs(positions, findings)
    joined: dict[Any, list[str]] = {}
    # A plain loop: a pandas groupby-join costs a Python call per group and is 50x slower.
    for pid, tag in zip(pairs["position_id"].tolist(), pairs["tag"].tolist(), strict=True):
        joined.setdefault(pid, []).append(tag)
    return np.array(
        [" ".join(joined.get(pid, ())) for pid in positions["position_id"].tolist()], dtype=object
    )


def _text_array(values: pd.Series, max_chars: int | None = None) -> np.ndarray:
    """Strings as a numpy object array (fast to iterate), missing values as ''."""
    text = values.astype("string").fillna("")
    if max_chars is not None:
        text = text.str.slice(0, max_chars)
    return text.to_numpy(dtype=object, na_value="")


def build_documents(
    positions: pd.DataFrame, findings: pd.DataFrame, *, max_text_chars: int = 1500
) -> pd.DataFrame:
    """One row per position (same index): `title`, `text` (cut to `max_text_chars`), `tags`.

    `tags` is a space-joined set of one-hot tokens from the findings (`skill:<id>`,
    `lang:<code>` for language and native_speaker findings, `aigc`) and `family:<role_family>`.
    Columns are object dtype (plain Python strings): the vectorisers iterate them.
    """
    if "position_id" not in positions.columns:
        raise ValueError("positions frame needs a `position_id` column (see load_frames)")
    blank = pd.Series("", index=positions.index)
    columns = {
        "title": _text_array(positions.get("title", blank)),
        "text": _text_array(positions.get("text", blank), max_text_chars),
        "tags": _tag_column(positions, findings),
    }
    return pd.DataFrame(
        {k: pd.Series(v, index=positions.index, dtype=object) for k, v in columns.items()}
    )


# --------------------------------------------------------------------------- char n-grams

# Characters get ids of 16 bits (0 = not part of any gram), so a 3-gram code takes 48 bits and
# (gram, text-in-batch) fits one uint64 key: one numpy sort counts everything.
_CHAR_BITS = 16
_DOC_BITS = 16
_MAX_ALPHABET = (1 << _CHAR_BITS) - 1
_MAX_BATCH = 1 << _DOC_BITS


def _code_points(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Code points of the texts joined by NUL, and the index of the text each one belongs to."""
    joined = "\x00".join(texts) + "\x00"
    chars = np.frombuffer(joined.encode("utf-32-le", "replace"), dtype=np.uint32)
    sep = chars == 0
    return chars, np.cumsum(sep) - sep


def _gram_keys(texts: list[str], table: np.ndarray, ngram_range: tuple[int, int]) -> np.ndarray:
    """Sorted uint64 keys `gram_code << 16 | text_index`, one per gram occurrence.

    `table` maps a code point to its character id (0: not a gram character). Grams never span
    a character with id 0 (whitespace, punctuation, symbols, unseen characters), so they stay
    inside a word or a Chinese clause.
    """
    chars, doc = _code_points(texts)
    ids = table[chars].astype(np.uint64)
    ok = ids > 0
    doc = doc.astype(np.uint64)
    keys: list[np.ndarray] = []
    lo, hi = ngram_range
    for n in range(lo, hi + 1):
        size = len(ids) - n + 1
        if size <= 0:
            continue
        valid = ok[:size].copy()
        code = ids[:size].copy()
        for k in range(1, n):
            valid &= ok[k : k + size]
            code = (code << np.uint64(_CHAR_BITS)) | ids[k : k + size]
        keys.append((code[valid] << np.uint64(_DOC_BITS)) | doc[:size][valid])
    return np.sort(np.concatenate(keys)) if keys else np.zeros(0, np.uint64)


def _runs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start index of each run of equal values in a sorted array, and the run lengths."""
    if not len(values):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    starts = np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))
    return starts, np.diff(np.append(starts, len(values)))


class CharNgramCounter(TransformerMixin, BaseEstimator):
    """Counts of char n-grams (n <= 3) per text: a vectorised `CountVectorizer(analyzer="char")`.

    sklearn's analyzers loop in Python over every gram (about 1 us each: 90 s for 100,000
    texts of 300 characters); this counts grams with numpy sorts, `batch_size` texts at a time.
    Texts are lower-cased; grams are made of `str.isalnum` characters only (no grams across
    spaces or punctuation). The alphabet is the (at most 65,535 most frequent) characters of the
    fitted texts; the vocabulary is the grams found in at least `min_df` texts, cut to the
    `max_features` most frequent (ties by code, so deterministic). Pair with `TfidfTransformer`.
    """

    def __init__(
        self,
        ngram_range: tuple[int, int] = (1, 3),
        *,
        min_df: int = 1,
        max_features: int | None = None,
        batch_size: int = 10_000,
        dtype: Any = np.float32,
    ) -> None:
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features
        self.batch_size = batch_size
        self.dtype = dtype

    def _batches(self, X: Any) -> Iterable[list[str]]:
        texts = ["" if t is None or t is pd.NA else str(t).lower() for t in _as_list(X)]
        step = max(1, min(self.batch_size, _MAX_BATCH))
        for start in range(0, len(texts), step):
            yield texts[start : start + step]

    def _fit_alphabet(self, X: Any) -> None:
        counts = np.zeros(0x110000, dtype=np.int64)
        for batch in self._batches(X):
            counts += np.bincount(_code_points(batch)[0], minlength=0x110000)
        seen = np.flatnonzero(counts)
        seen = seen[np.array([chr(c).isalnum() for c in seen], dtype=bool)]
        if len(seen) > _MAX_ALPHABET:
            seen = np.sort(seen[np.argsort(-counts[seen], kind="stable")[:_MAX_ALPHABET]])
        self.alphabet_ = seen.astype(np.uint32)
        self.table_ = np.zeros(0x110000, dtype=np.uint16)
        self.table_[seen] = np.arange(1, len(seen) + 1, dtype=np.uint16)

    def fit(self, X: Any, y: Any = None) -> CharNgramCounter:
        lo, hi = self.ngram_range
        if not 1 <= lo <= hi <= 3:
            raise ValueError(f"ngram_range must lie within (1, 3), got {self.ngram_range}")
        self._fit_alphabet(X)
        codes, dfs, tfs = [], [], []
        for batch in self._batches(X):
            keys = _gram_keys(batch, self.table_, self.ngram_range)
            gram = keys >> np.uint64(_DOC_BITS)
            starts, tf = _runs(gram)
            first_in_text = np.concatenate(([True], keys[1:] != keys[:-1])).astype(np.int64)
            dfs.append(np.add.reduceat(first_in_text, starts) if len(starts) else starts)
            codes.append(gram[starts])
            tfs.append(tf)
        all_codes = np.concatenate(codes) if codes else np.zeros(0, np.uint64)
        order = np.argsort(all_codes, kind="stable")
        sorted_codes = all_codes[order]
        starts, _ = _runs(sorted_codes)
        if not len(starts):
            raise ValueError("empty vocabulary: the texts hold no letters or digits")
        uniq = sorted_codes[starts]
        df = np.add.reduceat(np.concatenate(dfs)[order], starts)
        tf = np.add.reduceat(np.concatenate(tfs)[order], starts)
        keep = np.flatnonzero(df >= self.min_df)
        if self.max_features is not None and len(keep) > self.max_features:
            keep = np.sort(keep[np.lexsort((uniq[keep], -tf[keep]))][: self.max_features])
        if not len(keep):
            raise ValueError(f"empty vocabulary: no char n-gram occurs in {self.min_df} texts")
        self.codes_ = uniq[keep]
        self.document_frequency_ = df[keep].astype(np.int64)
        return self

    def transform(self, X: Any) -> sparse.csr_matrix:
        parts = []
        n_features = len(self.codes_)
        for batch in self._batches(X):
            keys = _gram_keys(batch, self.table_, self.ngram_range)
            starts, counts = _runs(keys)
            unique_keys = keys[starts]
            gram = unique_keys >> np.uint64(_DOC_BITS)
            doc = (unique_keys & np.uint64(_MAX_BATCH - 1)).astype(np.int64)
            idx = np.minimum(np.searchsorted(self.codes_, gram), max(0, n_features - 1))
            hit = self.codes_[idx] == gram if n_features else np.zeros(len(gram), bool)
            parts.append(
                sparse.csr_matrix(
                    (counts[hit].astype(self.dtype), (doc[hit], idx[hit])),
                    shape=(len(batch), n_features),
                )
            )
        if not parts:
            return sparse.csr_matrix((0, n_features), dtype=self.dtype)
        return sparse.vstack(parts, format="csr")

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """The grams, decoded back to text (in the order of the columns)."""
        mask = np.uint64(_MAX_ALPHABET)
        names = []
        for code in self.codes_:
            chars = []
            while code:
                chars.append(chr(self.alphabet_[int(code & mask) - 1]))
                code = code >> np.uint64(_CHAR_BITS)
            names.append("".join(reversed(chars)))
        return np.array(names, dtype=object)


def _as_list(X: Any) -> list[Any]:
    """Texts of a Series, a 1-column frame, an array or a list, as a flat list."""
    if isinstance(X, pd.DataFrame):
        if X.shape[1] != 1:
            raise ValueError(f"expected one text column, got {X.shape[1]}")
        X = X.iloc[:, 0]
    if isinstance(X, pd.Series):
        return X.tolist()
    return list(np.asarray(X, dtype=object).ravel())


# --------------------------------------------------------------------------- the estimator


class RoleClusterer(ClusterMixin, BaseEstimator):
    """Role families as clusters: char n-gram TF-IDF + one-hot findings → SVD → L2 → KMeans.

    Features (a `ColumnTransformer` over the frame of `build_documents`): char 1-3-gram TF-IDF of
    the title (weight `title_weight`) and of the text (`text_weight`), and IDF-weighted one-hot
    tags from the findings (skills, languages, AIGC, role family; `tags_weight`). Each block is
    L2-normalised before weighting. Then `TruncatedSVD(svd_components)` → `Normalizer` →
    `KMeans(n_init=n_init)`, all seeded with `random_state`.

    `n_clusters="auto"` picks k in `k_range` (inclusive) by `K_CRITERION`: the smallest k
    whose mean silhouette (on a fixed sample of at most `silhouette_sample` positions, rounded
    to 3 decimals) is within `k_tolerance` of the best k's. With more than `max_fit_samples` positions, the model is fitted
    on a fixed random sample of that size (`fit_index_`: its row numbers; `labels_`: its
    labels); `fit_predict` / `fit_assign` / `assign` label every row, the others by their
    nearest centroid. Fit once on pooled months and `assign` every month with the same model
    so that labels stay comparable.

    Clusters are numbered by decreasing size in the fitted sample (0 = largest).
    `min_df` applies when fitting on at least 20 positions; smaller sets keep every gram.
    """

    def __init__(
        self,
        n_clusters: int | str = "auto",
        *,
        k_range: tuple[int, int] = (4, 12),
        k_tolerance: float = 0.01,
        svd_components: int = 100,
        title_weight: float = 2.0,
        text_weight: float = 1.0,
        tags_weight: float = 1.0,
        ngram_range: tuple[int, int] = (1, 3),
        min_df: int = 2,
        max_features: int | None = 50_000,
        max_text_chars: int = 1500,
        n_init: int = 4,
        max_fit_samples: int = 20_000,
        silhouette_sample: int = 4_000,
        batch_size: int = 10_000,
        random_state: int | None = 0,
    ) -> None:
        self.n_clusters = n_clusters
        self.k_range = k_range
        self.k_tolerance = k_tolerance
        self.svd_components = svd_components
        self.title_weight = title_weight
        self.text_weight = text_weight
        self.tags_weight = tags_weight
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features
        self.max_text_chars = max_text_chars
        self.n_init = n_init
        self.max_fit_samples = max_fit_samples
        self.silhouette_sample = silhouette_sample
        self.batch_size = batch_size
        self.random_state = random_state

    # ----------------------------------------------------------------- building blocks

    def _features(self, docs: pd.DataFrame) -> ColumnTransformer:
        """The feature union, keeping only the blocks that have any content in `docs`."""
        min_df = self.min_df if len(docs) >= 20 else 1

        def grams() -> Pipeline:
            counter = CharNgramCounter(
                self.ngram_range,
                min_df=min_df,
                max_features=self.max_features,
                batch_size=self.batch_size,
            )
            return Pipeline([("counts", counter), ("tfidf", TfidfTransformer(sublinear_tf=True))])

        blocks: dict[str, tuple[Any, float]] = {
            "title": (grams(), self.title_weight),
            "text": (grams(), self.text_weight),
            "tags": (
                TfidfVectorizer(analyzer=str.split, binary=True, dtype=np.float32),
                self.tags_weight,
            ),
        }
        used = [b for b in blocks if blocks[b][1] > 0 and docs[b].str.strip().ne("").any()]
        if not used:
            raise ValueError("positions have no title, text or findings to cluster on")
        # A *string* column name: a list would hand the vectoriser a 2-D frame (a 1x1 matrix).
        return ColumnTransformer(
            [(b, blocks[b][0], b) for b in used],
            transformer_weights={b: blocks[b][1] for b in used},
            sparse_threshold=1.0,
        )

    def _candidate_ks(self, n_distinct: int) -> list[int]:
        """k values to try: fixed k, or `k_range` clipped so that 2 ≤ k < distinct points."""
        if self.n_clusters == "auto":
            lo, hi = self.k_range
            ks = [k for k in range(max(2, lo), hi + 1) if k < n_distinct]
            if not ks:
                raise ValueError(
                    f"too few distinct positions ({n_distinct}) to choose k in {self.k_range}: "
                    "cluster more positions or pass an integer n_clusters"
                )
            return ks
        if not isinstance(self.n_clusters, int | np.integer) or self.n_clusters < 1:
            raise ValueError(
                f"n_clusters must be 'auto' or a positive int, got {self.n_clusters!r}"
            )
        if self.n_clusters > n_distinct:
            raise ValueError(
                f"n_clusters={self.n_clusters} but only {n_distinct} distinct positions to cluster"
            )
        return [int(self.n_clusters)]

    def _kmeans(self, k: int) -> KMeans:
        return KMeans(n_clusters=k, n_init=self.n_init, random_state=self.random_state)

    def _select_k(self, embedding: np.ndarray, ks: list[int]) -> tuple[KMeans, dict[int, Any]]:
        """Fit KMeans for each k; return the chosen model and the per-k scores."""
        if len(ks) == 1:
            km = self._kmeans(ks[0]).fit(embedding)
            return km, {ks[0]: {"inertia": float(km.inertia_)}}
        # One fixed sample and one distance matrix for every k: on unit vectors the euclidean
        # distance is sqrt(2 - 2 cos), so a single matrix product gives it.
        rng = np.random.RandomState(self.random_state)
        size = min(self.silhouette_sample, len(embedding))
        sample = np.sort(rng.choice(len(embedding), size, replace=False))
        points = embedding[sample].astype(np.float64)
        distances = np.sqrt(np.clip(2.0 - 2.0 * (points @ points.T), 0.0, None))
        np.fill_diagonal(distances, 0.0)
        scores: dict[int, Any] = {}
        models: dict[int, KMeans] = {}
        for k in ks:
            km = self._kmeans(k).fit(embedding)
            labels = km.labels_[sample]
            sil = silhouette_score(distances, labels, metric="precomputed")
            if len(np.unique(labels)) < 2:
                sil = -1.0
            scores[k] = {"silhouette": round(float(sil), 3), "inertia": float(km.inertia_)}
            models[k] = km
        top = max(scores[k]["silhouette"] for k in ks)
        best = min(k for k in ks if scores[k]["silhouette"] >= top - self.k_tolerance - 1e-9)
        return models[best], scores

    # ----------------------------------------------------------------- fit / predict

    def fit(self, X: pd.DataFrame, y: Any = None) -> RoleClusterer:
        """Fit on a frame of `build_documents` (columns title, text, tags); returns self."""
        docs = _check_documents(X)
        n = len(docs)
        fit_idx = np.arange(n)
        if n > self.max_fit_samples:
            rng = np.random.RandomState(self.random_state)
            fit_idx = np.sort(rng.choice(n, self.max_fit_samples, replace=False))
        fit_docs = docs.iloc[fit_idx]

        features = self._features(fit_docs)
        matrix = features.fit_transform(fit_docs)
        n_comp = max(1, min(self.svd_components, matrix.shape[1] - 1, len(fit_docs) - 1))
        svd = TruncatedSVD(n_components=n_comp, random_state=self.random_state)
        normaliser = Normalizer()
        embedding = normaliser.fit_transform(svd.fit_transform(matrix))
        n_distinct = len(np.unique(np.round(embedding, 6), axis=0))
        km, scores = self._select_k(embedding, self._candidate_ks(n_distinct))

        # Renumber clusters by decreasing size so that 0 is the largest (stable across reruns).
        sizes = np.bincount(km.labels_, minlength=km.n_clusters)
        order = np.lexsort((np.arange(km.n_clusters), -sizes))
        self.relabel_ = np.empty_like(order)
        self.relabel_[order] = np.arange(km.n_clusters)
        self.pipeline_ = Pipeline(
            [("features", features), ("svd", svd), ("normalise", normaliser), ("kmeans", km)]
        )
        self.n_clusters_ = int(km.n_clusters)
        self.fit_index_ = fit_idx
        fit_labels = self.relabel_[km.labels_]
        self.labels_ = fit_labels
        self.k_scores_ = scores
        self._describe_clusters(fit_docs, fit_labels)
        self.model_info_ = self._model_info(n, len(fit_idx), matrix.shape[1], svd)
        return self

    def fit_predict(self, X: pd.DataFrame, y: Any = None, **kwargs: Any) -> np.ndarray:
        """Fit, then the cluster of every row of X (the rows outside the fitted sample are
        assigned to the nearest centroid)."""
        self.fit(X)
        if len(self.fit_index_) == len(X):
            return np.asarray(self.labels_)
        labels = np.empty(len(X), dtype=np.int64)
        rest = np.setdiff1d(np.arange(len(X)), self.fit_index_)
        labels[self.fit_index_] = self.labels_
        labels[rest] = self.predict(X.iloc[rest])
        return labels

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Cluster of each row of a `build_documents` frame, in batches of `batch_size`."""
        docs = _check_documents(X, allow_empty=True)
        if not hasattr(self, "pipeline_"):
            raise ValueError("RoleClusterer is not fitted: call fit or fit_positions first")
        out = np.empty(len(docs), dtype=np.int64)
        for start in range(0, len(docs), self.batch_size):
            batch = docs.iloc[start : start + self.batch_size]
            out[start : start + len(batch)] = self.relabel_[self.pipeline_.predict(batch)]
        return out

    def fit_positions(self, positions: pd.DataFrame, findings: pd.DataFrame) -> RoleClusterer:
        """Fit on the store frames (pooled over all months); returns self."""
        _check_positions(positions)
        return self.fit(build_documents(positions, findings, max_text_chars=self.max_text_chars))

    def fit_assign(self, positions: pd.DataFrame, findings: pd.DataFrame) -> pd.Series:
        """Fit on the pooled positions and return the cluster of each (like `assign`)."""
        _check_positions(positions)
        docs = build_documents(positions, findings, max_text_chars=self.max_text_chars)
        labels = self.fit_predict(docs)
        return pd.Series(labels, index=positions.index, name="cluster", dtype="int64")

    def assign(self, positions: pd.DataFrame, findings: pd.DataFrame) -> pd.Series:
        """Cluster label of each position (index aligned with `positions`, name `cluster`)."""
        docs = build_documents(positions, findings, max_text_chars=self.max_text_chars)
        return pd.Series(self.predict(docs), index=positions.index, name="cluster", dtype="int64")

    # ----------------------------------------------------------------- naming

    def _describe_clusters(self, docs: pd.DataFrame, labels: np.ndarray) -> None:
        """Per-cluster size and tag shares of the fitted sample, for `name_clusters`."""
        self.cluster_sizes_ = np.bincount(labels, minlength=self.n_clusters_)
        tags = docs["tags"].str.split().explode().dropna()
        tags = tags[tags != ""]
        if tags.empty:
            self.cluster_tag_shares_ = pd.DataFrame(index=range(self.n_clusters_))
            return
        label_of = pd.Series(labels, index=docs.index)
        pairs = pd.DataFrame({"cluster": label_of.loc[tags.index].to_numpy(), "tag": tags.values})
        counts = pd.crosstab(pairs["cluster"], pairs["tag"]).reindex(
            range(self.n_clusters_), fill_value=0
        )
        self.cluster_tag_shares_ = counts.div(np.maximum(self.cluster_sizes_, 1), axis=0)

    def _term_scores(self) -> tuple[np.ndarray, np.ndarray]:
        """Grams of the title and text blocks, and each cluster's distinctiveness score for them.

        Centroids are projected back onto the TF-IDF space through the SVD components; the
        score of a gram is its back-projected weight minus the size-weighted mean over clusters.
        """
        features: ColumnTransformer = self.pipeline_.named_steps["features"]
        svd: TruncatedSVD = self.pipeline_.named_steps["svd"]
        km: KMeans = self.pipeline_.named_steps["kmeans"]
        order = np.argsort(self.relabel_)  # row i = centroid of renumbered cluster i
        back = km.cluster_centers_[order] @ svd.components_
        weights = self.cluster_sizes_ / max(1, self.cluster_sizes_.sum())
        back = back - weights @ back
        grams: dict[str, np.ndarray] = {}
        for block in ("title", "text"):
            if block not in features.output_indices_:
                continue
            names = (
                features.named_transformers_[block].named_steps["counts"].get_feature_names_out()
            )
            block_scores = back[:, features.output_indices_[block]]
            for j, gram in enumerate(names):
                gram = gram.strip()
                grams[gram] = grams.get(gram, 0) + block_scores[:, j]
        if not grams:
            return np.array([], dtype=object), np.zeros((self.n_clusters_, 0))
        keys = np.array(list(grams), dtype=object)
        return keys, np.column_stack([grams[g] for g in keys])

    def name_clusters(self, n_terms: int = 6, n_skills: int = 4) -> pd.DataFrame:
        """One row per cluster: `cluster, size, share, name, top_terms, top_skills, role_family`.

        `top_terms` are the most distinctive title/text grams (see `_term_scores`): Chinese
        grams of 2-3 characters, skipping those containing a generic recruitment word and
        grams overlapping a better one extend it (产品经 + 品经理 -> 产品经理) or are dropped. `top_skills` are the skill /
        language / AIGC tags held by ≥ 5 % of the cluster and over-represented in it (lift ≥
        1.2), with their share; `role_family` is the cluster's most common rule-based family.
        """
        if not hasattr(self, "pipeline_"):
            raise ValueError("RoleClusterer is not fitted: call fit or fit_positions first")
        keys, scores = self._term_scores()
        usable = np.array([_is_name_gram(str(g)) for g in keys], dtype=bool)
        shares = self.cluster_tag_shares_
        overall = (
            shares.mul(self.cluster_sizes_, axis=0).sum() / max(1, self.cluster_sizes_.sum())
            if shares.shape[1]
            else pd.Series(dtype=float)
        )
        rows = []
        for c in range(self.n_clusters_):
            terms = _top_grams(keys[usable], scores[c, usable], n_terms) if len(keys) else []
            skills, family = _top_tags(shares, overall, c, n_skills)
            name = " / ".join(terms[:3]) or f"cluster {c}"
            if skills:
                name += f" | {skills[0].split(' ')[0]}"
            rows.append(
                {
                    "cluster": c,
                    "size": int(self.cluster_sizes_[c]),
                    "share": float(self.cluster_sizes_[c] / max(1, self.cluster_sizes_.sum())),
                    "name": name,
                    "top_terms": terms,
                    "top_skills": skills,
                    "role_family": family,
                }
            )
        return pd.DataFrame(rows)

    # ----------------------------------------------------------------- provenance

    def _model_info(
        self, n_samples: int, n_fit: int, n_features: int, svd: TruncatedSVD
    ) -> dict[str, Any]:
        params = {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.get_params().items()}
        return {
            "model": "analysis.cluster.RoleClusterer",
            "version": MODEL_VERSION,
            "sklearn_version": sklearn.__version__,
            "params": params,
            "random_state": self.random_state,
            "k": self.n_clusters_,
            "k_criterion": K_CRITERION if self.n_clusters == "auto" else "fixed by the caller",
            "k_scores": {str(k): v for k, v in self.k_scores_.items()},
            # Silhouette on short texts tends to grow with k: a k on the edge of the range says
            # "the range bounded the choice", not "this is the natural number of families".
            "k_at_range_edge": self.n_clusters == "auto"
            and len(self.k_scores_) > 1
            and self.n_clusters_ in (min(self.k_scores_), max(self.k_scores_)),
            "n_samples": n_samples,
            "n_fit_samples": n_fit,
            "n_features": int(n_features),
            "svd_components": int(svd.n_components),
            "svd_explained_variance": round(float(svd.explained_variance_ratio_.sum()), 4),
            "cluster_sizes": [int(s) for s in self.cluster_sizes_],
            "fitted_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }


# --------------------------------------------------------------------------- helpers


def _check_documents(X: Any, *, allow_empty: bool = False) -> pd.DataFrame:
    if not isinstance(X, pd.DataFrame) or not {"title", "text", "tags"} <= set(X.columns):
        raise ValueError("expected the frame of build_documents (columns title, text, tags)")
    if not allow_empty:
        _check_count(len(X))
    return X


def _check_count(n: int) -> None:
    if n == 0:
        raise ValueError("no positions to cluster: the store has none (crawl or import first)")
    if n == 1:
        raise ValueError("only one position: clustering needs at least 2")


def _check_positions(positions: pd.DataFrame) -> None:
    _check_count(len(positions))


def _is_name_gram(gram: str) -> bool:
    return bool(_NAME_GRAM.match(gram)) and not any(w in gram.lower() for w in _STOP_WORDS)


_MAX_TERM = 4
"""Longest joined name term: longer chains (聘影视策划助理) cross word boundaries."""


def _overlap(left: str, right: str) -> int:
    """Length of the longest suffix of `left` that is a prefix of `right` (0 if none)."""
    return max(
        (k for k in range(1, min(len(left), len(right))) if left[-k:] == right[:k]), default=0
    )


def _join_gram(gram: str, kept: str) -> str | None:
    """`kept` extended by `gram` when they overlap by 2+ characters (产品经 + 品经理 -> 产品经理),
    `kept` itself when `gram` adds nothing or is a 1-character straddle (语翻 next to 翻译: char
    grams do not know word boundaries), None when they are unrelated."""
    if gram in kept:
        return kept
    if kept in gram:
        return gram
    after, before = _overlap(kept, gram), _overlap(gram, kept)
    if max(after, before) >= 2:
        joined = kept + gram[after:] if after >= before else gram + kept[before:]
        return joined if len(joined) <= _MAX_TERM else kept
    return kept if after or before else None


def _top_grams(keys: np.ndarray, scores: np.ndarray, n: int) -> list[str]:
    """Best positive-scoring grams; a gram overlapping a better one extends it or is dropped."""
    kept: list[str] = []
    for j in np.argsort(-scores, kind="stable"):
        if scores[j] <= 0 or len(kept) >= n:
            break
        gram = str(keys[j])
        for i, term in enumerate(kept):
            joined = _join_gram(gram, term)
            if joined is not None:
                kept[i] = joined
                break
        else:
            kept.append(gram)
    return kept


def _top_tags(
    shares: pd.DataFrame, overall: pd.Series, cluster: int, n: int
) -> tuple[list[str], str | None]:
    """Top skill/language/AIGC tags of `cluster` (as 'tag (62%)') and its commonest family."""
    if not shares.shape[1]:
        return [], None
    row = shares.loc[cluster]
    family_cols = [c for c in row.index if str(c).startswith("family:")]
    family = None
    if family_cols and row[family_cols].max() > 0:
        family = str(row[family_cols].idxmax()).removeprefix("family:")
    tag_cols = [c for c in row.index if str(c).startswith(_TAG_PREFIXES)]
    lift = row[tag_cols] / overall[tag_cols].where(overall[tag_cols] > 0)
    good = row[tag_cols][(row[tag_cols] >= 0.05) & (lift >= 1.2)]
    ranked = sorted(good.index, key=lambda t: (-good[t], str(t)))[:n]
    return [f"{t} ({good[t]:.0%})" for t in ranked], family


# --------------------------------------------------------------------------- monthly mix


def cluster_shares(positions: pd.DataFrame, labels: pd.Series | Iterable[int]) -> pd.DataFrame:
    """Share of each cluster per month, long format, zeros and gap months included.

    Columns: `month, cluster, n, positions, share, small_n` where `positions` is the month's
    denominator (dated positions), `n` the positions of that cluster, and `small_n` flags
    months with fewer than `trends.SMALL_N` positions. Undated positions are left out; shares
    sum to 1 in every month with positions and are 0.0 in months without.
    """
    columns = ["month", "cluster", "n", "positions", "share", "small_n"]
    labels = (
        pd.Series(labels, index=positions.index) if not isinstance(labels, pd.Series) else labels
    )
    if len(labels) != len(positions):
        raise ValueError(f"{len(labels)} labels for {len(positions)} positions")
    months = position_months(positions)
    dated = pd.DataFrame({"month": months, "cluster": labels.to_numpy()}).dropna(subset=["month"])
    all_months = month_range(dated["month"])
    if not all_months:
        types = {"n": int, "positions": int, "share": float, "small_n": bool}
        return pd.DataFrame({c: [] for c in columns}).astype(types)
    clusters = sorted(int(c) for c in pd.unique(labels))
    grid = pd.MultiIndex.from_product([all_months, clusters], names=["month", "cluster"])
    n = dated.groupby(["month", "cluster"]).size().reindex(grid, fill_value=0)
    out = n.rename("n").reset_index()
    denominators = dated.groupby("month").size().reindex(all_months, fill_value=0)
    out["n"] = out["n"].astype(int)
    out["positions"] = out["month"].map(denominators).astype(int)
    out["share"] = (out["n"] / out["positions"].where(out["positions"] > 0)).fillna(0.0)
    out["small_n"] = out["positions"] < SMALL_N
    out["month"] = out["month"].astype(str)
    return out[columns]


def shares_wide(shares: pd.DataFrame) -> pd.DataFrame:
    """The long table of `cluster_shares` as month x cluster shares, plus a `positions` column."""
    wide = shares.pivot(index="month", columns="cluster", values="share")
    wide.columns = [int(c) for c in wide.columns]
    wide["positions"] = shares.groupby("month")["positions"].first()
    return wide


def monthly_drift(shares: pd.DataFrame) -> pd.Series:
    """Jensen-Shannon distance between each month's cluster mix and the previous month's.

    JS distance = sqrt of the JS divergence with base-2 logs: 0 for identical mixes, 1 for
    disjoint ones, symmetric and a true metric. Indexed by month (the later of the pair), named
    `js_distance`; NaN for the first month and when either month has no positions. Small months
    (`small_n` in `shares`) give noisy values: read them with the denominators.
    """
    if shares.empty:
        return pd.Series(dtype=float, name="js_distance")
    wide = shares.pivot(index="month", columns="cluster", values="share").sort_index()
    denominators = shares.groupby("month")["positions"].first().reindex(wide.index)
    values: list[float] = [math.nan]
    for prev, cur in zip(wide.index[:-1], wide.index[1:], strict=True):
        if denominators[prev] == 0 or denominators[cur] == 0:
            values.append(math.nan)
            continue
        distance = float(jensenshannon(wide.loc[prev].to_numpy(), wide.loc[cur].to_numpy(), base=2))
        values.append(max(0.0, distance) if not math.isnan(distance) else 0.0)
    return pd.Series(values, index=wide.index.astype(str), name="js_distance")


# --------------------------------------------------------------------------- the role mix

ROLE_MIX_MIN_POSITIONS = 30
"""Below this many dated positions the role clusters say nothing: `build_role_mix` says so."""
ROLE_MIX_FIT_SAMPLE = 10_000
"""The role mix is fitted on at most this many positions (a fixed random sample) and assigns
the rest: 100,000 positions then report in well under 30 s."""


@dataclass(frozen=True)
class RoleMix:
    """Role clusters fitted on every position: monthly shares, names, drift and the model info
    (`build_model_info`: what is saved beside the report and in the store)."""

    shares: pd.DataFrame
    clusters: pd.DataFrame
    drift: pd.Series
    info: dict[str, Any]

    @property
    def names(self) -> dict[int, str]:
        return {int(r["cluster"]): str(r["name"]) for _, r in self.clusters.iterrows()}


def build_role_mix(
    positions: pd.DataFrame, findings: pd.DataFrame, *, random_state: int = 0
) -> RoleMix | str:
    """Fit `RoleClusterer` on all positions (pooled months, fixed seed) and track its mix.

    Returns the role mix, or a one-sentence reason why there is none (too little data), for
    the report to print instead of a chart.
    """
    dated = int(position_months(positions).notna().sum())
    if dated < ROLE_MIX_MIN_POSITIONS:
        return (
            f"Role clusters need at least {ROLE_MIX_MIN_POSITIONS} dated positions; "
            f"the data has {dated:,}."
        )
    model = RoleClusterer(random_state=random_state, max_fit_samples=ROLE_MIX_FIT_SAMPLE)
    try:
        labels = model.fit_assign(positions, findings)  # fit on a sample, assign every row
    except ValueError as exc:  # e.g. too few distinct positions to choose k
        return f"Role clusters not fitted: {exc}."
    shares = cluster_shares(positions, labels)
    clusters = model.name_clusters()
    return RoleMix(shares, clusters, monthly_drift(shares), build_model_info(model, clusters))


def build_model_info(model: RoleClusterer, clusters: pd.DataFrame | None = None) -> dict[str, Any]:
    """`model.model_info_` plus its named clusters (`name_clusters`, or `clusters` when given):
    the JSON-ready record of the model, for `analysis.store.save_cluster_model`."""
    if not hasattr(model, "model_info_"):
        raise ValueError("RoleClusterer is not fitted: no model info")
    names = model.name_clusters() if clusters is None else clusters
    return {**model.model_info_, "clusters": json.loads(names.to_json(orient="records"))}
