"""CLI face: progress lines on stderr for the long commands (crawl, demo, reprocess, report).

Input: stage names and running counts from the library functions' `progress` callbacks.
Output: one line per stage and at most one count line every few seconds, on stderr, so that
stdout keeps only the command's result.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import click


class ProgressLines:
    """`stage` prints at once; `tick` prints only when `every` seconds passed since the last
    line (a crawl of 100,000 pages must not print 100,000 lines)."""

    def __init__(
        self, command: str, *, every: float = 2.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.command = command
        self.every = every
        self.clock = clock
        self.started = clock()
        self.last = -float("inf")

    def _echo(self, text: str) -> None:
        self.last = self.clock()
        click.echo(f"{self.command}: {text} ({self.last - self.started:.0f} s)", err=True)

    def stage(self, text: str) -> None:
        self._echo(text)

    def tick(self, text: str) -> None:
        if self.clock() - self.last >= self.every:
            self._echo(text)
