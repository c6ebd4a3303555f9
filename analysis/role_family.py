"""Normalise stage, last step: the role family of positions by the shipped model, in batches.

Input: normalised notices whose positions carry the rules' family (analysis.normalise.roles).
Output: the same notices, each position's family chosen by the model of analysis/trained/ with
the rules as its sidecar says; every position of a batch is vectorised in one call, so the
per-position cost is the vectorising, not the pipeline's set-up. No usable model: rules (logged).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence
from functools import lru_cache

from analysis.models import NormalisedNotice, Position

__all__ = ["FamilyChooser", "assign_role_families", "load_family_chooser"]

logger = logging.getLogger(__name__)

FamilyChooser = Callable[[Sequence[Position]], list[str]]
"""Positions (their rules' family in `role_family`) → the family of each, in order."""


def _rules_only(positions: Sequence[Position]) -> list[str]:
    return [p.role_family for p in positions]


@lru_cache(maxsize=1)
def load_family_chooser() -> FamilyChooser:
    """The shipped model as a chooser, loaded once per process; the rules alone, with one
    warning, when the model cannot be used (missing, or saved by another scikit-learn)."""
    try:
        from analysis.role_model import load_role_chooser

        return load_role_chooser()
    except Exception as exc:  # a broken model file must not stop normalising
        logger.warning("role family by the rules only: %s", exc)
        return _rules_only


def assign_role_families(
    notices: Sequence[NormalisedNotice], chooser: FamilyChooser | None = None
) -> list[NormalisedNotice]:
    """`notices` with every position's role family chosen by `chooser` (the shipped model by
    default), all positions of all notices at once."""
    positions = [p for n in notices for p in n.positions]
    if not positions:
        return list(notices)
    families = iter((chooser or load_family_chooser())(positions))
    return [
        dataclasses.replace(
            n,
            positions=[dataclasses.replace(p, role_family=next(families)) for p in n.positions],
        )
        for n in notices
    ]
