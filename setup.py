"""Build step: compile the normaliser's hot modules with mypyc, when this machine can.

Everything else about the package is in pyproject.toml. mypyc (part of mypy, the type checker the
project already runs) turns the type-annotated modules below into C extensions with the same
behaviour: about 1.3x the throughput of `icc-talent normalise`. The pure-Python modules stay the
source of truth and are used as they are when the compile is off (ICC_TALENT_PURE_PYTHON=1) or
fails (no C compiler): the results are identical either way (tests/test_compiled.py).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

# The normaliser's per-posting path. Not guard.py or words.py: they only build patterns and the
# word registry, once per process.
COMPILED = [
    "analysis/models.py",
    "analysis/batch.py",
    "analysis/normalise/__init__.py",
    "analysis/normalise/aigc.py",
    "analysis/normalise/certificates.py",
    "analysis/normalise/context.py",
    "analysis/normalise/dates.py",
    "analysis/normalise/deadlines.py",
    "analysis/normalise/published.py",
    "analysis/normalise/education.py",
    "analysis/normalise/exclusion.py",
    "analysis/normalise/languages.py",
    "analysis/normalise/numbers.py",
    "analysis/normalise/overseas.py",
    "analysis/normalise/positions.py",
    "analysis/normalise/roles.py",
    "analysis/normalise/skills.py",
    "analysis/normalise/starts.py",
    "analysis/normalise/text.py",
    "analysis/normalise/wordscan.py",
]


class OptionalBuildExt(build_ext):
    """build_ext that falls back to pure Python when the C build fails, leaving no partial build."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # no compiler, no Python headers, a compiler error
            for output in self.get_outputs():
                Path(output).unlink(missing_ok=True)
            self.warn(f"mypyc build failed ({exc}); using the pure-Python normaliser")


def _extensions() -> list:
    if os.environ.get("ICC_TALENT_PURE_PYTHON") or shutil.which("cc") is None:
        return []
    try:
        from mypyc.build import mypycify

        return mypycify(COMPILED, opt_level="3")
    except Exception as exc:  # mypy missing, or a mypyc error: the source runs as it is
        print(f"icc-talent: not compiling the normaliser ({exc}); using the pure-Python modules")
        return []


setup(ext_modules=_extensions(), cmdclass={"build_ext": OptionalBuildExt})
