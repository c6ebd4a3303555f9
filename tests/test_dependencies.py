"""Every third-party module the code imports (lazily or not) is declared in pyproject.toml
and importable: a missing declaration only shows on a fresh machine otherwise."""

from __future__ import annotations

import ast
import importlib
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIRST_PARTY = {"analysis", "crawler", "mirror", "benchmarks", "tests", "scripts"}
# Imported only on a path that needs it by hand, and deliberately not a dependency.
OPTIONAL = {"xlwt"}  # mirror/attachments.py: rebuilds a frozen .xls after a table changed


def imported_top_level_modules() -> set[str]:
    names: set[str] = set()
    for path in [
        *REPO.glob("analysis/**/*.py"),
        *REPO.glob("crawler/**/*.py"),
        *REPO.glob("mirror/*.py"),
    ]:
        if "mirror/sites" in path.as_posix():
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
    return {
        n for n in names if n not in FIRST_PARTY | OPTIONAL and n not in sys.stdlib_module_names
    }


def declared_distributions() -> set[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    return {
        re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements
    }


@pytest.mark.parametrize("module", sorted(imported_top_level_modules()))
def test_imported_module_is_declared_and_importable(module: str) -> None:
    importlib.import_module(module)
    distributions = {d.lower().replace("_", "-") for d in packages_distributions().get(module, [])}
    assert distributions & declared_distributions(), (
        f"`{module}` is imported but none of {sorted(distributions)} is a declared dependency"
    )
