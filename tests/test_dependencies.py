"""Every third-party module the code imports (lazily or not) is declared in pyproject.toml
and importable: a missing declaration only shows on a fresh machine otherwise. Conversely every
runtime dependency is imported somewhere (or named below with the reason it is needed anyway):
a declared but unused package is one more thing to install, audit and keep up to date."""

from __future__ import annotations

import ast
import importlib
import re
import sys
import tomllib
from functools import cache
from importlib.metadata import packages_distributions as _packages_distributions
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
FIRST_PARTY = {"analysis", "crawler", "mirror", "benchmarks", "tests", "scripts"}
# Imported only on a path that needs it by hand, and deliberately not a dependency.
OPTIONAL = {"xlwt"}  # mirror/attachments.py: rebuilds a frozen .xls after a table changed


# Runtime dependencies no module imports by name, each with what needs it.
INDIRECT = {
    "defusedxml": "openpyxl guards against XML entity attacks only when it is installed",
    "numpy": "pandas, scikit-learn and scipy arrays (a floor on their shared version)",
    "scipy": "scikit-learn's sparse matrices (a floor on the version)",
    "lxml-html-clean": "trafilatura imports lxml.html.clean, which lxml 6 moved to this package",
}
# The mirror's builder runs in the tests only (its built files are committed): its imports may
# come from the `test` extra instead of the runtime dependencies.
MIRROR_BUILDER = {"attachments.py"}


def _source_files(*, builder: bool) -> list[Path]:
    paths = [
        *REPO.glob("analysis/**/*.py"),
        *REPO.glob("crawler/**/*.py"),
        *REPO.glob("mirror/*.py"),
    ]
    return [
        p
        for p in paths
        if "mirror/sites" not in p.as_posix()
        and (builder or not (p.parent.name == "mirror" and p.name in MIRROR_BUILDER))
    ]


@cache
def packages_distributions() -> dict[str, list[str]]:
    """Module → distributions, read once: every call walks every installed package's RECORD."""
    return _packages_distributions()


@cache
def imported_top_level_modules(*, builder: bool = False) -> frozenset[str]:
    names: set[str] = set()
    for path in _source_files(builder=builder):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
    return frozenset(
        n for n in names if n not in FIRST_PARTY | OPTIONAL and n not in sys.stdlib_module_names
    )


def _names(requirements: list[str]) -> set[str]:
    return {
        re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements
    }


def _project() -> dict[str, Any]:
    project: dict[str, Any] = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    return project


def declared_distributions() -> set[str]:
    return _names(list(_project()["dependencies"]))


def extra_test_distributions() -> set[str]:
    return _names(list(_project()["optional-dependencies"]["test"]))


@pytest.mark.parametrize("module", sorted(imported_top_level_modules()))
def test_imported_module_is_declared_and_importable(module: str) -> None:
    importlib.import_module(module)
    distributions = {d.lower().replace("_", "-") for d in packages_distributions().get(module, [])}
    assert distributions & declared_distributions(), (
        f"`{module}` is imported but none of {sorted(distributions)} is a declared dependency"
    )


@pytest.mark.parametrize(
    "module", sorted(imported_top_level_modules(builder=True) - imported_top_level_modules())
)
def test_mirror_builder_module_is_declared(module: str) -> None:
    importlib.import_module(module)
    distributions = {d.lower().replace("_", "-") for d in packages_distributions().get(module, [])}
    assert distributions & (declared_distributions() | extra_test_distributions()), module


@cache
def _imported_distributions() -> set[str]:
    found: set[str] = set()
    for module in imported_top_level_modules():
        found |= {d.lower().replace("_", "-") for d in packages_distributions().get(module, [])}
    return found


@pytest.mark.parametrize("distribution", sorted(declared_distributions()))
def test_runtime_dependency_is_used(distribution: str) -> None:
    """pyahocorasick and xlwt were declared for everyone while only tests used them."""
    if distribution in INDIRECT:
        return
    assert distribution in _imported_distributions(), (
        f"{distribution} is a runtime dependency that no module of analysis/, crawler/ or the "
        "mirror's runtime imports: drop it, move it to an extra, or add it to INDIRECT with why"
    )
