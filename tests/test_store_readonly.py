"""Readers never write: query/show/sources/export/report open the store read-only, refuse a
database that is not an icc-talent store, and leave every byte of it as it was; writers migrate
a new store once even when many processes open it at the same moment."""

from __future__ import annotations

import hashlib
import multiprocessing
import sqlite3
from pathlib import Path

import pytest
from store_helpers import make_store
from test_cli_errors import assert_clean_failure, run_cli

from analysis.store import SCHEMA_VERSION, StoreError, connect, connect_readonly


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _other_apps_database(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.execute("INSERT INTO invoices (total) VALUES (12.5)")
    conn.commit()
    conn.close()
    return path


def _tables(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()


@pytest.mark.parametrize(
    "args",
    [
        ("query", "海外"),
        ("show", "1"),
        ("sources",),
        ("export", "--format", "jsonl"),
        ("report",),
    ],
    ids=lambda a: a[0],
)
def test_a_reader_refuses_another_apps_database_and_leaves_it_alone(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    db = _other_apps_database(tmp_path / "other_app.sqlite")
    before = _digest(db)
    extra = ["--out", str(tmp_path / "out")] if args[0] in ("export", "report") else []
    result = run_cli(*args, "--db", str(db), *extra)
    assert_clean_failure(result, "not an icc-talent store")
    assert _tables(db) == {"invoices"} and _digest(db) == before


def test_a_writer_refuses_another_apps_database_too(tmp_path: Path) -> None:
    db = _other_apps_database(tmp_path / "other_app.sqlite")
    with pytest.raises(StoreError, match="not an icc-talent store"):
        connect(db)
    assert _tables(db) == {"invoices"}


@pytest.mark.parametrize(
    "args",
    [("query", "海外"), ("query", "--format", "jsonl"), ("show", "1", "--no-body"), ("sources",)],
    ids=lambda a: " ".join(a),
)
def test_readers_leave_the_store_byte_for_byte(tmp_path: Path, args: tuple[str, ...]) -> None:
    db = make_store(tmp_path / "store.sqlite")
    before = _digest(db)
    result = run_cli(*args, "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert _digest(db) == before


def test_readonly_connection_cannot_write(tmp_path: Path) -> None:
    conn = connect_readonly(make_store(tmp_path / "store.sqlite"))
    try:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            conn.execute("DELETE FROM notices")
    finally:
        conn.close()


def test_readers_name_what_is_wrong(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite"
    sqlite3.connect(empty).close()
    with pytest.raises(StoreError, match="empty database"):
        connect_readonly(empty)
    old = make_store(tmp_path / "old.sqlite")
    conn = sqlite3.connect(old)
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    with pytest.raises(StoreError, match="reprocess"):
        connect_readonly(old)
    newer = make_store(tmp_path / "newer.sqlite")
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer than this icc-talent"):
        connect_readonly(newer)


def _open_new_store(args: tuple[str, multiprocessing.synchronize.Barrier]) -> str:
    path, barrier = args
    barrier.wait()
    try:
        connect(path).close()
    except Exception as exc:  # reported to the parent, which fails the test
        return f"{type(exc).__name__}: {exc}"
    return "ok"


def _opener(
    path: str, barrier: multiprocessing.synchronize.Barrier, out: multiprocessing.Queue
) -> None:
    out.put(_open_new_store((path, barrier)))


def test_concurrent_first_opens_migrate_once(tmp_path: Path) -> None:
    db = str(tmp_path / "new.sqlite")
    n = 12
    ctx = multiprocessing.get_context("spawn")
    barrier, out = ctx.Barrier(n), ctx.Queue()
    procs = [ctx.Process(target=_opener, args=(db, barrier, out)) for _ in range(n)]
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert results == ["ok"] * n
    conn = connect_readonly(db)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        conn.close()
