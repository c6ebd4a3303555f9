"""Normalise stage, shared helpers: the one word registry of the normaliser.

Input: the words each detector module declares (`declared_words()` of context, dates, education,
languages, overseas, skills, aigc and exclusion).
Output: `build_normaliser_registry()`, a new immutable WordRegistry of them all, and WORD_SCANNER, the
pre-scan built from one, once, when this module is first imported (by the first `prescan`).
"""

from __future__ import annotations

from typing import Final

from analysis.normalise import (
    aigc,
    context,
    dates,
    education,
    exclusion,
    languages,
    overseas,
    skills,
)
from analysis.normalise.wordscan import (
    WordRegistry,
    WordScanner,
    build_word_registry,
    build_word_scanner,
)

__all__ = ["WORD_SCANNER", "build_normaliser_registry"]


def build_normaliser_registry() -> WordRegistry:
    """Every detector module's declared words, merged into a new registry."""
    return build_word_registry(
        m.declared_words()
        for m in (context, languages, skills, aigc, overseas, dates, education, exclusion)
    )


WORD_SCANNER: Final[WordScanner] = build_word_scanner(build_normaliser_registry())
