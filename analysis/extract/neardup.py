"""Extract stage: near-duplicate fingerprints of notice texts (reposts on several sites).

Input: a notice's cleaned text.
Output: a MinHash signature over character 5-gram shingles, its LSH band buckets, the
estimated Jaccard similarity and containment of two signatures, and the repost decision
(`decide_repost`: new notice, sighting, or replace an aggregator's copy). Aggregators (中公, 华图, 粉笔)
repost official notices with their own header, footer and watermark lines, so the match is
judged by containment (the shared share of the shorter text), not by plain Jaccard.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS
SHINGLE = 5
MIN_CONTAINMENT = 0.8
_PRIME = 4294967311  # the smallest prime above 2^32
_MAX_HASH = (1 << 32) - 1
_NOISE = re.compile(r"[\W_]+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """MinHash of a text's shingles plus the number of distinct shingles."""

    minhash: np.ndarray  # uint32[NUM_PERM]
    size: int

    def to_bytes(self) -> bytes:
        return self.size.to_bytes(4, "little") + self.minhash.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Fingerprint:
        size = int.from_bytes(data[:4], "little")
        return cls(np.frombuffer(data[4:], dtype="<u4").astype(np.uint32), size)


def _permutations(seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = rng.integers(1, _MAX_HASH, size=NUM_PERM, dtype=np.uint64)
    b = rng.integers(0, _MAX_HASH, size=NUM_PERM, dtype=np.uint64)
    return a, b


_A, _B = _permutations()


def shingles(text: str) -> set[str]:
    """Character 5-grams of the text with whitespace and punctuation removed."""
    compact = _NOISE.sub("", text.lower())
    if len(compact) <= SHINGLE:
        return {compact} if compact else set()
    return {compact[i : i + SHINGLE] for i in range(len(compact) - SHINGLE + 1)}


def fingerprint_text(text: str) -> Fingerprint:
    """MinHash signature: 64 hashes (a*x + b) mod p over 32-bit shingle hashes.

    a, b < 2^32 and x < 2^32 keep a*x + b below 2^64, so uint64 arithmetic is exact.
    """
    grams = sorted(shingles(text))
    if not grams:
        return Fingerprint(np.full(NUM_PERM, _MAX_HASH, dtype=np.uint32), 0)
    hashes = np.fromiter(
        (
            int.from_bytes(hashlib.blake2b(g.encode(), digest_size=4).digest(), "little")
            for g in grams
        ),
        dtype=np.uint64,
        count=len(grams),
    )
    values = (hashes[:, None] * _A[None, :] + _B[None, :]) % np.uint64(_PRIME)
    return Fingerprint((values.min(axis=0) & np.uint64(_MAX_HASH)).astype(np.uint32), len(grams))


def band_buckets(fp: Fingerprint) -> list[tuple[int, int]]:
    """(band, bucket) pairs for locality-sensitive lookup of similar signatures."""
    out = []
    for band in range(BANDS):
        chunk = fp.minhash[band * ROWS : (band + 1) * ROWS].astype("<u4").tobytes()
        bucket = int.from_bytes(hashlib.blake2b(chunk, digest_size=7).digest(), "little")
        out.append((band, bucket))
    return out


def jaccard(a: Fingerprint, b: Fingerprint) -> float:
    if not a.size or not b.size:
        return 0.0
    return float(np.mean(a.minhash == b.minhash))


def containment(a: Fingerprint, b: Fingerprint) -> float:
    """Estimated |A∩B| / min(|A|, |B|) from the Jaccard estimate and the set sizes."""
    j = jaccard(a, b)
    if not j:
        return 0.0
    shared = j / (1 + j) * (a.size + b.size)
    return min(1.0, shared / min(a.size, b.size))


def is_near_duplicate(a: Fingerprint, b: Fingerprint) -> bool:
    return containment(a, b) >= MIN_CONTAINMENT


@dataclass(frozen=True, slots=True)
class Candidate:
    """A stored notice that shares an LSH bucket with a new one (a possible repost)."""

    notice_id: int
    fingerprint: Fingerprint
    aggregator: bool  # its source reposts other bodies' notices


@dataclass(frozen=True, slots=True)
class RepostDecision:
    """What to do with a notice seen on a page for the first time.

    `action` is `store` (no near-duplicate: a new notice), `sighting` (link the page to the
    stored notice `match_id` instead of storing it) or `replace` (store it, and demote the
    aggregator's stored copy `match_id` to a sighting of it). `similarity` is the match's
    containment, 0.0 without a match.
    """

    action: str
    match_id: int | None = None
    similarity: float = 0.0


def best_match(fp: Fingerprint, candidates: Iterable[Candidate]) -> tuple[Candidate, float] | None:
    """The most similar candidate at or above MIN_CONTAINMENT; the first one wins a tie."""
    if not fp.size:
        return None
    best: tuple[Candidate, float] | None = None
    for candidate in candidates:
        score = containment(fp, candidate.fingerprint)
        if score >= MIN_CONTAINMENT and (best is None or score > best[1]):
            best = (candidate, float(score))
    return best


def decide_repost(
    fp: Fingerprint, *, aggregator: bool, candidates: Iterable[Candidate]
) -> RepostDecision:
    """Is a new notice a repost of a stored one, and which copy is kept?

    An official copy is kept over an aggregator's, whichever was seen first, so the outcome
    does not depend on crawl order: an aggregator's copy (or a second official copy) of a
    stored notice is a sighting; an official copy of an aggregator's stored notice replaces it.
    """
    match = best_match(fp, candidates)
    if match is None:
        return RepostDecision("store")
    other, similarity = match
    if aggregator or not other.aggregator:
        return RepostDecision("sighting", other.notice_id, similarity)
    return RepostDecision("replace", other.notice_id, similarity)
