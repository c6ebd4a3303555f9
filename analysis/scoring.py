"""Measure: the counts behind every quality figure the project prints (normaliser fields,
relevance filter).

Input: gold and predicted values, one item at a time.
Output: precision, recall, F1 or accuracy; precision and recall are 1.0 when undefined (no
prediction is no wrong prediction; nothing to find is nothing missed).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(slots=True)
class Score:
    """Counts for one field; F1-type fields use tp/fp/fn, accuracy fields use correct/total."""

    field: str
    kind: str  # "f1" | "accuracy"
    tp: int = 0
    fp: int = 0
    fn: int = 0
    correct: int = 0
    total: int = 0

    @property
    def precision(self) -> float:
        # No prediction at all is no wrong prediction.
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        # Nothing to find is nothing missed.
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 1.0

    @property
    def value(self) -> float:
        """The headline figure the quality gate compares with its floor."""
        return self.f1 if self.kind == "f1" else self.accuracy

    def add_sets(self, gold: Iterable[object], got: Iterable[object]) -> None:
        g, p = set(gold), set(got)
        self.tp += len(g & p)
        self.fp += len(p - g)
        self.fn += len(g - p)

    def add_bool(self, gold: bool, got: bool) -> None:
        self.add_sets({True} if gold else set(), {True} if got else set())

    def add_equal(self, gold: object, got: object) -> None:
        self.total += 1
        self.correct += gold == got
