"""Crawl stage: one crawl at a time per store.

Input: the store path.
Output: an exclusive advisory lock on `<store>.crawl.lock` held for the whole crawl. The kernel
drops it when the process dies (even by SIGKILL), so a killed crawl never leaves a stale lock;
a second crawl started meanwhile is refused with a clear message instead of interleaving runs.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class CrawlLockedError(RuntimeError):
    """Another crawl (or reprocess) holds the store's lock; the message says which process."""


def lock_path(db_path: Path | str) -> Path:
    db = Path(db_path)
    return db.with_name(db.name + ".crawl.lock")


@contextmanager
def crawl_lock(db_path: Path | str, *, what: str = "crawl") -> Iterator[None]:
    """Hold the store's crawl lock, or raise CrawlLockedError at once (never waits)."""
    path = lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
            raise CrawlLockedError(
                f"another crawl is using {db_path} ({holder}); wait for it to finish"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{what} by pid {os.getpid()}".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


class CrawlLock:
    """The same lock held across callbacks (Scrapy's pipeline opens and closes it)."""

    def __init__(self, db_path: Path | str, what: str = "crawl") -> None:
        self._context = crawl_lock(db_path, what=what)
        self._held = False

    def acquire(self) -> None:
        self._context.__enter__()
        self._held = True

    def release(self) -> None:
        if self._held:
            self._held = False
            self._context.__exit__(None, None, None)
