"""Which normaliser modules run compiled (mypyc, see setup.py) and which run from source.

Input: the module names of setup.py's COMPILED list.
Output: `compiled_modules()` (those loaded from a C extension) and `stale_modules()` (compiled ones
whose source changed after the build: `make` rebuilds them, `pip install -e .` too).
"""

from __future__ import annotations

import importlib
from pathlib import Path

__all__ = ["NORMALISER_MODULES", "compiled_modules", "describe", "stale_modules"]

NORMALISER_MODULES = (
    "analysis.models",
    "analysis.batch",
    "analysis.normalise",
    "analysis.normalise.aigc",
    "analysis.normalise.certificates",
    "analysis.normalise.context",
    "analysis.normalise.dates",
    "analysis.normalise.deadlines",
    "analysis.normalise.published",
    "analysis.normalise.education",
    "analysis.normalise.exclusion",
    "analysis.normalise.languages",
    "analysis.normalise.numbers",
    "analysis.normalise.overseas",
    "analysis.normalise.positions",
    "analysis.normalise.roles",
    "analysis.normalise.skills",
    "analysis.normalise.starts",
    "analysis.normalise.text",
    "analysis.normalise.wordscan",
)


def _file(name: str) -> Path:
    return Path(importlib.import_module(name).__file__ or "")


def _source(compiled: Path) -> Path:
    """analysis/normalise/text.cpython-311-x86_64-linux-gnu.so → analysis/normalise/text.py"""
    return compiled.with_name(compiled.name.split(".", 1)[0] + ".py")


def compiled_modules() -> list[str]:
    """The normaliser modules loaded from a compiled extension."""
    return [n for n in NORMALISER_MODULES if _file(n).suffix in (".so", ".pyd")]


def stale_modules() -> list[str]:
    """Compiled modules older than their source: they would run code that is no longer there."""
    stale = []
    for name in compiled_modules():
        path = _file(name)
        source = _source(path)
        if source.is_file() and source.stat().st_mtime > path.stat().st_mtime:
            stale.append(name)
    return stale


def describe() -> str:
    """One line for benchmarks and reports: how the normaliser runs here."""
    done = compiled_modules()
    if not done:
        return "normaliser: pure Python (not compiled)"
    return f"normaliser: compiled with mypyc ({len(done)} of {len(NORMALISER_MODULES)} modules)"
