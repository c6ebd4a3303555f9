"""Analyse stage, model: the `RoleClusterer` estimator and the names of its clusters.

Input: the frame of `analysis.cluster.features.build_documents` (or the store frames).
Output: a fitted `RoleClusterer` (labels, `name_clusters`, `model_info_`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
import sklearn
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.cluster import KMeans
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
from sklearn.metrics import silhouette_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import Normalizer

from analysis.cluster.features import CharNgramCounter, build_documents

__all__ = ["K_CRITERION", "MODEL_VERSION", "RoleClusterer"]

MODEL_VERSION = "role-clusters/2"
"""Bump when features, defaults or the k criterion change: stored labels are only comparable
between models of the same version and parameters."""

K_CRITERION = (
    "the smallest number of clusters whose mean silhouette (cosine, on a fixed random sample "
    "of the fitted positions, rounded to 3 decimals) is within a small tolerance of the best"
)
"""Reader-facing (the report prints it): the parameters are named in the model's `params`."""
"""Why the tolerance: on short, templated texts the silhouette keeps creeping up with k as
near-duplicate ads split off; a within-tolerance smaller k is the parsimonious family level."""

_TAG_PREFIXES = ("skill:", "lang:", "aigc")
"""Tags reported as a cluster's top skills (role_family is reported on its own)."""

NAME_MAX_CHARS = 24
"""Titles longer than this are a sentence more than a name: used only when a cluster has no
shorter title."""

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
        # Distance of each fitted position to its own centroid: the most typical titles.
        distance = km.transform(embedding)[np.arange(len(fit_docs)), km.labels_]
        self._describe_clusters(fit_docs, fit_labels, distance)
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

    def _describe_clusters(
        self, docs: pd.DataFrame, labels: np.ndarray, distance: np.ndarray
    ) -> None:
        """Per-cluster size, typical titles and tag shares of the fitted sample."""
        self.cluster_sizes_ = np.bincount(labels, minlength=self.n_clusters_)
        self.cluster_titles_ = typical_titles(docs["title"], labels, distance, self.n_clusters_)
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

    def name_clusters(self, n_titles: int = 3, n_skills: int = 4) -> pd.DataFrame:
        """One row per cluster: `cluster, size, share, name, typical_titles, top_skills,
        role_family`.

        `typical_titles` are whole titles of the cluster's positions, the commonest first (ties:
        nearest to the centroid); `name` is the first of them not already naming a larger
        cluster, so a name is always a real title, never a fragment of one. A cluster without
        titles is named by its role family or top skill. `top_skills` are the skill / language /
        AIGC tags held by ≥ 5 % of the cluster and over-represented in it (lift ≥ 1.2), with
        their share; `role_family` is the cluster's most common rule-based family.
        """
        if not hasattr(self, "pipeline_"):
            raise ValueError("RoleClusterer is not fitted: call fit or fit_positions first")
        shares = self.cluster_tag_shares_
        overall = (
            shares.mul(self.cluster_sizes_, axis=0).sum() / max(1, self.cluster_sizes_.sum())
            if shares.shape[1]
            else pd.Series(dtype=float)
        )
        rows: list[dict[str, Any]] = []
        used: set[str] = set()
        for c in range(self.n_clusters_):
            titles = self.cluster_titles_[c]
            skills, family = _top_tags(shares, overall, c, n_skills)
            name = next((t for t in titles if t not in used), None)
            if name is None:
                name = _fallback_name(titles, skills, family, used)
            used.add(name)
            rows.append(
                {
                    "cluster": c,
                    "size": int(self.cluster_sizes_[c]),
                    "share": float(self.cluster_sizes_[c] / max(1, self.cluster_sizes_.sum())),
                    "name": name,
                    "typical_titles": titles[:n_titles],
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


def typical_titles(
    titles: pd.Series, labels: np.ndarray, distance: np.ndarray, n_clusters: int, n: int = 5
) -> list[list[str]]:
    """Up to `n` distinct whole titles per cluster: the commonest first, ties broken by the
    mean distance of their positions to the centroid, titles over `NAME_MAX_CHARS` last.

    One sort over all positions (linear-logarithmic in their number)."""
    frame = pd.DataFrame(
        {
            "cluster": labels,
            "title": titles.astype("string").fillna("").str.split().str.join(" ").to_numpy(),
            "distance": distance,
        }
    )
    frame = frame[frame["title"] != ""]
    grouped = frame.groupby(["cluster", "title"], sort=False)["distance"].agg(["size", "mean"])
    grouped = grouped.reset_index()
    grouped["long"] = grouped["title"].str.len() > NAME_MAX_CHARS
    grouped = grouped.sort_values(
        ["cluster", "long", "size", "mean", "title"],
        ascending=[True, True, False, True, True],
        kind="stable",
    )
    out: list[list[str]] = [[] for _ in range(n_clusters)]
    for cluster, group in grouped.groupby("cluster", sort=True):
        out[int(cluster)] = [str(t) for t in group["title"].head(n)]
    return out


def _fallback_name(titles: list[str], skills: list[str], family: str | None, used: set[str]) -> str:
    """A name for a cluster whose titles all name larger clusters, or that has none: its
    typical title with its family or top skill (whole words), else a plain description."""
    detail = family or (skills[0].split(" ")[0] if skills else None)
    base = titles[0] if titles else None
    for name in (
        f"{base} ({detail})" if base and detail else None,
        detail if not base else None,
        f"{base} (another group)" if base else None,
        "positions without a title",
    ):
        if name and name not in used:
            return name
    return f"positions without a title ({len(used)})"


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
