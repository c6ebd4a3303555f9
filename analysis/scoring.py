"""Measure: the counts behind every quality figure the project prints (normaliser fields,
relevance filter).

Input: gold and predicted values, one item at a time.
Output: precision, recall, F1 or accuracy; precision and recall are 1.0 when undefined (no
prediction is no wrong prediction; nothing to find is nothing missed).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


def precision_of(tp: int, fp: int) -> float:
    # No prediction at all is no wrong prediction.
    return tp / (tp + fp) if tp + fp else 1.0


def recall_of(tp: int, fn: int) -> float:
    # Nothing to find is nothing missed.
    return tp / (tp + fn) if tp + fn else 1.0


def f1_of(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


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
        return precision_of(self.tp, self.fp)

    @property
    def recall(self) -> float:
        return recall_of(self.tp, self.fn)

    @property
    def f1(self) -> float:
        return f1_of(self.precision, self.recall)

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
