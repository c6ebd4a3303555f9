"""Analyse stage, features: the documents and char n-gram counts the role clusterer fits on.

Input: the `positions` and `findings` frames of `analysis.store.load_frames`.
Output: `build_documents` (title, text, tags per position) and `CharNgramCounter` (sparse counts).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin

__all__ = ["TAG_FIELDS", "CharNgramCounter", "build_documents"]

TAG_FIELDS: dict[str, str] = {"skill": "skill", "language": "lang", "native_speaker": "lang"}
"""Findings fields turned into one-hot tags, and the tag prefix each gets."""

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
