"""CLI: bad input gives a one-line error and a non-zero exit, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def assert_clean_failure(result: subprocess.CompletedProcess[str], needle: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert needle in result.stderr


def test_missing_database(tmp_path: Path) -> None:
    result = run_cli("query", "海外", "--db", str(tmp_path / "nope.sqlite"))
    assert_clean_failure(result, "no database at")
    assert not (tmp_path / "nope.sqlite").exists()


def test_corrupt_database_is_left_untouched(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"garbage" * 1000)
    result = run_cli("query", "--db", str(bad))
    assert_clean_failure(result, "not a usable icc-talent database")
    assert bad.read_bytes() == b"garbage" * 1000


def test_env_variable_sets_the_default_db(tmp_path: Path) -> None:
    result = run_cli("query", env={"ICC_TALENT_DB": str(tmp_path / "env.sqlite")})
    assert_clean_failure(result, str(tmp_path / "env.sqlite"))


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["query", "--no-such-option"], "No such option"),
        (["query", "--since", "last spring"], "--since expects YYYY-MM"),
        (["report", "--month", "2025-13"], "--month expects YYYY-MM"),
        (["crawl", "--sources", "/nonexistent/sources.yaml"], "cannot read sources"),
        (["frobnicate"], "No such command"),
    ],
)
def test_bad_options(args: list[str], needle: str, tmp_path: Path) -> None:
    result = (
        run_cli(*args, "--db", str(tmp_path / "x.sqlite"))
        if args[0] != "frobnicate"
        else run_cli(*args)
    )
    assert_clean_failure(result, needle)


@pytest.mark.parametrize(
    ("setting", "needle"),
    [
        ("DOWNLOAD_DELAY=abc", "DOWNLOAD_DELAY takes a number"),
        ("DOWNLOAD_DELAY=nan", "DOWNLOAD_DELAY takes a number"),
        ("CONCURRENT_REQUESTS=2.5", "CONCURRENT_REQUESTS takes a whole number"),
        ("ROBOTSTXT_OBEY=maybe", "ROBOTSTXT_OBEY takes true or false"),
        ("=1", "expected NAME=VALUE"),
    ],
)
def test_crawl_settings_are_checked_before_crawling(
    tmp_path: Path, setting: str, needle: str
) -> None:
    result = run_cli("crawl", "--db", str(tmp_path / "s.sqlite"), "-s", setting)
    assert_clean_failure(result, needle)
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "s.sqlite").exists()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("query", "--since", "20240101"), "--since expects YYYY-MM or YYYY-MM-DD"),
        (("query", "--since", "2024-W01-1"), "--since expects YYYY-MM or YYYY-MM-DD"),
        (("query", "--until", "9999-12-31"), "between 1900 and 2100"),
        (("query", "--since", "0001-01-01"), "between 1900 and 2100"),
        (("query", "--since", "2024-02-30"), "no such date"),
        (("query", "--limit", "9" * 25), "not in the range"),
        (("report", "--month", "2024-13"), "--month expects"),
    ],
)
def test_dates_and_limits_are_validated(tmp_path: Path, args: tuple[str, ...], needle: str) -> None:
    from store_helpers import make_store

    db = make_store(tmp_path / "store.sqlite")
    assert_clean_failure(run_cli(*args, "--db", str(db)), needle)


@pytest.mark.parametrize("command", ["export", "report"])
def test_an_output_folder_under_a_file_is_a_clean_error(tmp_path: Path, command: str) -> None:
    from store_helpers import make_store

    db = make_store(tmp_path / "store.sqlite")
    (tmp_path / "afile").write_text("x")
    result = run_cli(command, "--db", str(db), "--out", str(tmp_path / "afile" / "sub"))
    assert_clean_failure(result, "cannot use")


def test_a_full_disk_on_stdout_is_one_line(tmp_path: Path) -> None:
    from store_helpers import make_store

    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    db = make_store(tmp_path / "store.sqlite")
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "analysis", "query", "--db", str(db), "--format", "csv"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
            timeout=120,
        )
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "No space left" in result.stderr


def test_a_binary_sources_file_is_a_clean_error(tmp_path: Path) -> None:
    binary = tmp_path / "sources.yaml"
    binary.write_bytes(b"\x00\x01\xff\xfe\x80")
    result = run_cli("crawl", "--db", str(tmp_path / "s.sqlite"), "--sources", str(binary))
    assert_clean_failure(result, "not UTF-8 text")


def test_a_report_for_a_month_without_data_is_refused(tmp_path: Path) -> None:
    from store_helpers import make_store

    db = make_store(tmp_path / "store.sqlite")
    result = run_cli("report", "--db", str(db), "--month", "2019-01", "--out", str(tmp_path / "r"))
    assert_clean_failure(result, "no positions published in 2019-01")
    assert not list((tmp_path / "r").glob("report-*"))
