"""The `icc-talent` command group and what every command shares: the store option, opening the
store, one-line user errors, and the console entry point.

Input: the user's command line (the store path from --db, else $ICC_TALENT_DB, else the default).
Output: exit codes and one-line errors; the commands themselves live in the sibling modules.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from analysis.store import DEFAULT_DB, StoreError, connect, connect_readonly

DB_ENV = "ICC_TALENT_DB"


class UserError(click.ClickException):
    """A problem the user can fix; printed as one line, exit code 1."""

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


def default_db() -> Path:
    return Path(os.environ.get(DB_ENV) or DEFAULT_DB)


def db_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db",
        "db_path",
        type=click.Path(path_type=Path, dir_okay=False),
        default=default_db,
        show_default=f"${DB_ENV} or {DEFAULT_DB}",
        help="SQLite store to use.",
    )(func)


def sources_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--sources",
        "sources_file",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="Source registry (YAML). Default: the bundled registry.",
    )(func)


@contextmanager
def open_store(db_path: Path, *, write: bool = False, create: bool = False) -> Iterator[Any]:
    """The store, read-only unless `write` (crawl, reprocess, demo): readers never migrate or
    write, so they work without write permission and refuse a database that is not ours."""
    try:
        conn = connect(db_path, create=create) if write else connect_readonly(db_path)
    except StoreError as exc:
        raise UserError(str(exc)) from exc
    try:
        yield conn
    finally:
        conn.close()


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="icc-talent")
def cli() -> None:
    """Crawl, normalise and analyse the recruitment notices of China's international
    communication centers.

    \b
    Example:
      icc-talent demo                      # offline end-to-end run on the bundled mirror
      icc-talent query "Stable Diffusion"  # every role mentioning it, with evidence
    """


MONTH_OR_DATE = re.compile(r"\d{4}-\d{2}(?:-\d{2})?")
YEARS = (1900, 2100)  # the dates a recruitment notice can carry; beyond them is a typo


def check_month(name: str, value: str) -> None:
    """`--since`/`--until`/`--month`: exactly YYYY-MM or YYYY-MM-DD, a real date, 1900 to 2100
    (20240101 or 2024-W01-1 would otherwise compare as strings and silently filter wrongly)."""
    from datetime import date

    problem = f"--{name} expects YYYY-MM or YYYY-MM-DD between {YEARS[0]} and {YEARS[1]}"
    if not MONTH_OR_DATE.fullmatch(value):
        raise UserError(f"{problem}, got {value!r}")
    try:
        day = date.fromisoformat(value if len(value) > 7 else f"{value}-01")
    except ValueError as exc:
        raise UserError(f"{problem}, got {value!r} (no such date)") from exc
    if not YEARS[0] <= day.year <= YEARS[1]:
        raise UserError(f"{problem}, got {value!r}")


def out_dir_ready(path: Path) -> Path:
    """Create an output folder, or say in one line why it cannot be (a file in the way, no
    permission)."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot use {path} as the output folder: {exc.strerror or exc}") from exc
    return path


def main() -> None:
    """Console entry point: user errors are one line; unexpected errors too, unless debugging."""
    try:
        cli.main(prog_name="icc-talent", standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except OSError as exc:  # e.g. stdout on a full disk, a vanished file
        if os.environ.get("ICC_TALENT_DEBUG"):
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        click.echo(f"error: {where}{exc.strerror or exc}", err=True)
        sys.exit(1)
    except Exception as exc:  # last resort: never a traceback for the user
        if os.environ.get("ICC_TALENT_DEBUG"):
            raise
        click.echo(
            f"error: {type(exc).__name__}: {exc} (set ICC_TALENT_DEBUG=1 for details)", err=True
        )
        sys.exit(1)
