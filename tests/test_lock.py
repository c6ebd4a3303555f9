"""The crawl lock refuses a second writer however the store is named (symlink, hard link,
relative or `..` path, another process), and a lock left by a killed process is taken over.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from crawler.lock import CrawlLock, CrawlLockedError, crawl_lock
from tests.conftest import REPO

HOLDER = """
import sys, time
from crawler.lock import crawl_lock
with crawl_lock(sys.argv[1], what="test holder"):
    print("held", flush=True)
    time.sleep(120)
"""


def make_store(tmp_path: Path) -> Path:
    db = tmp_path / "store" / "icc-talent.sqlite"
    db.parent.mkdir()
    db.write_bytes(b"")
    return db


def symlinked(db: Path) -> Path:
    link = db.parent.parent / "link.sqlite"
    link.symlink_to(db)
    return link


def hard_linked(db: Path) -> Path:
    other = db.parent.parent / "elsewhere"
    other.mkdir()
    link = other / "copy.sqlite"
    os.link(db, link)
    return link


def relative(db: Path) -> Path:
    return Path(os.path.relpath(db))


def dotdot(db: Path) -> Path:
    return db.parent / ".." / db.parent.name / "." / db.name


def symlinked_folder(db: Path) -> Path:
    folder = db.parent.parent / "folder-link"
    folder.symlink_to(db.parent, target_is_directory=True)
    return folder / db.name


def assert_refused(db: Path, match: str = "another crawl is using") -> None:
    with pytest.raises(CrawlLockedError, match=match), crawl_lock(db, what="second"):
        pass


OTHER_NAMES: list[Callable[[Path], Path]] = [
    symlinked,
    hard_linked,
    relative,
    dotdot,
    symlinked_folder,
]


@pytest.mark.parametrize("other_name", OTHER_NAMES, ids=lambda f: f.__name__)
def test_a_second_writer_is_refused_under_any_name(
    tmp_path: Path, other_name: Callable[[Path], Path]
) -> None:
    db = make_store(tmp_path)
    alias = other_name(db)
    with crawl_lock(db):
        assert_refused(alias)
    with crawl_lock(alias):  # released: the other name now gets it
        assert_refused(db)


def test_a_hard_link_is_refused_whichever_name_comes_first(tmp_path: Path) -> None:
    db = make_store(tmp_path)
    link = hard_linked(db)
    lock = CrawlLock(link, what="scrapy crawl")
    lock.acquire()
    try:
        with pytest.raises(CrawlLockedError, match="scrapy crawl by pid"):
            CrawlLock(db).acquire()
    finally:
        lock.release()
    CrawlLock(db).acquire()  # nothing left held


def test_a_store_that_does_not_exist_yet_is_locked_by_its_path(tmp_path: Path) -> None:
    db = tmp_path / "new" / "icc-talent.sqlite"
    with crawl_lock(db):
        assert_refused(dotdot(db))
    assert not db.exists()  # the lock never creates the store


def hold_in_subprocess(db: Path) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_lock_held_by_another_process_is_refused_then_taken_over_when_it_is_killed(
    tmp_path: Path,
) -> None:
    db = make_store(tmp_path)
    holder = hold_in_subprocess(db)
    try:
        for name in (db, symlinked(db), hard_linked(db)):
            assert_refused(name, match=f"test holder by pid {holder.pid}")
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
    with crawl_lock(db, what="after the kill"):  # the dead holder's lock files remain, unheld
        pass
