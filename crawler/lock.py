"""Crawl stage: one crawl at a time per store, however the store is named.

Input: the store path (relative, absolute, through symlinks, `..` or a hard link).
Output: exclusive advisory locks held for the whole crawl: one on `<resolved store>.crawl.lock`
and, once the store exists, one keyed by its device and inode, so every name of one file maps to
one lock. The kernel drops both when the process dies (even by SIGKILL): a killed crawl never
leaves a stale lock, and a second crawl started meanwhile is refused with a clear message.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path


class CrawlLockedError(RuntimeError):
    """Another crawl (or reprocess) holds the store's lock; the message says which process."""


def lock_path(db_path: Path | str) -> Path:
    """The lock file beside the store's real path (symlinks, `..` and cwd resolved)."""
    db = Path(db_path).resolve()
    return db.with_name(db.name + ".crawl.lock")


def identity_lock_path(db_path: Path | str) -> Path | None:
    """The lock file keyed by the store's device and inode, or None while it does not exist.

    Hard links share an inode but not a directory, so this lock lives in one per-user folder
    of the temporary directory rather than beside the store.
    """
    try:
        st = os.stat(db_path)
    except FileNotFoundError:
        return None
    folder = Path(tempfile.gettempdir()) / f"icc-talent-locks-{os.getuid()}"
    return folder / f"{st.st_dev}-{st.st_ino}.lock"


@contextmanager
def crawl_lock(db_path: Path | str, *, what: str = "crawl") -> Iterator[None]:
    """Hold the store's crawl locks, or raise CrawlLockedError at once (never waits)."""
    with ExitStack() as held:
        held.enter_context(_flock(lock_path(db_path), db_path, what))
        # A store created after this point (a crawl of a new store) is keyed by its path only
        # until the next crawl; `icc-talent crawl` creates the store before taking the lock.
        identity = identity_lock_path(db_path)
        if identity is not None:
            identity.parent.mkdir(mode=0o700, exist_ok=True)
            held.enter_context(_flock(identity, db_path, what))
        yield


@contextmanager
def _flock(path: Path, db_path: Path | str, what: str) -> Iterator[None]:
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
