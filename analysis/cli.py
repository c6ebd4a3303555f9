"""The `icc-talent` command line: thin wrappers over the library functions of each stage.

Input: the user's command and options (the store path from --db or ICC_TALENT_DB).
Output: tables, files and one-line errors. This is the one module that reaches into `crawler/`
(lazily, for `crawl` and `demo`), so the rest of `analysis/` stays offline and Scrapy-free.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from analysis.query import QueryFilters, QueryRow, search_positions
from analysis.store import DEFAULT_DB, StoreError, connect, count_rows

DB_ENV = "ICC_TALENT_DB"
MIRROR_BASE_URL = "http://mirror.icc-talent.test/"  # stable URLs of the bundled mirror


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


@contextmanager
def open_store(db_path: Path, *, create: bool = False) -> Iterator[Any]:
    try:
        conn = connect(db_path, create=create)
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


# ----------------------------------------------------------------------------------- demo


@cli.command()
@db_option
@click.option(
    "--reports",
    "reports_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Where to write the report (default: reports/ beside the store).",
)
def demo(db_path: Path, reports_dir: Path | None) -> None:
    """Run the whole pipeline offline on the bundled mirror and show what it found.

    \b
    Serves the mirror sites on 127.0.0.1, crawls them with the real spiders, archives every
    page, normalises and stores every position, writes the monthly report and answers
    "which roles mention Stable Diffusion?". Safe to re-run: a second run adds nothing.

    \b
    Example:
      icc-talent demo --db /tmp/demo.sqlite
    """
    from crawler.mirror.server import serve_mirror
    from crawler.sources import MIRROR_SOURCES, load_sources

    sources = load_sources(MIRROR_SOURCES, base_url=MIRROR_BASE_URL)
    with serve_mirror() as proxy_url:
        click.echo(f"Serving the offline mirror on {proxy_url} (sites under {MIRROR_BASE_URL})")
        result = _crawl(
            sources,
            db_path,
            overrides={
                "ICC_HTTP_PROXY": proxy_url,
                "DOWNLOAD_DELAY": 0,
                "AUTOTHROTTLE_ENABLED": False,
                "LOG_LEVEL": "WARNING",
            },
        )
    _print_crawl_summary(result, db_path)
    report = _write_report(db_path, None, reports_dir or db_path.parent / "reports")
    click.echo(f"Report: {report.html}\n        {report.markdown}")
    click.echo("\nRoles mentioning Stable Diffusion:")
    with open_store(db_path) as conn:
        rows = search_positions(conn, "Stable Diffusion", QueryFilters(), resolve_skill_term)
    _echo_rows(rows, "table")


# ----------------------------------------------------------------------------------- crawl


@cli.command()
@db_option
@click.option(
    "--sources",
    "sources_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Source registry (YAML). Default: the bundled registry.",
)
@click.option("--source", "only", multiple=True, help="Crawl only this source id (repeatable).")
@click.option("-s", "--set", "settings", multiple=True, help="Scrapy setting NAME=VALUE.")
def crawl(
    db_path: Path, sources_file: Path | None, only: tuple[str, ...], settings: tuple[str, ...]
) -> None:
    """Crawl the registered sources, archive every page and store new notices.

    \b
    Incremental: notices already stored are not fetched again. Exits non-zero when a
    source failed, after storing everything that could be fetched.

    \b
    Example:
      icc-talent crawl --source demo-icc -s DOWNLOAD_DELAY=2
    """
    from crawler.sources import REGISTRY_SOURCES, SourceError, load_sources

    try:
        sources = load_sources(sources_file or REGISTRY_SOURCES)
    except SourceError as exc:
        raise UserError(str(exc)) from exc
    if only:
        unknown = set(only) - {s["id"] for s in sources}
        if unknown:
            raise UserError(f"unknown source id(s): {', '.join(sorted(unknown))}")
        sources = [s for s in sources if s["id"] in only]
    overrides = dict(_parse_setting(s) for s in settings)
    result = _crawl(sources, db_path, overrides=overrides)
    _print_crawl_summary(result, db_path)
    if result.errors:
        sys.exit(1)


def _parse_setting(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise UserError(f"expected NAME=VALUE for -s, got {text!r}")
    return name.strip(), value.strip()


def _crawl(sources: list[dict[str, Any]], db_path: Path, *, overrides: dict[str, Any]) -> Any:
    from crawler.run import run_crawl

    with open_store(db_path, create=True):
        pass  # fail early, with a clear message, on a corrupt store
    return run_crawl(
        sources, db_path=db_path, archive_dir=db_path.parent / "archive", overrides=overrides
    )


def _print_crawl_summary(result: Any, db_path: Path) -> None:
    s, t = result.stats, result.totals
    click.echo(
        f"Crawl run #{result.run_id}: {t['pages']} pages fetched "
        f"({s.get('icc/page/listing', 0)} listing, {s.get('icc/page/notice', 0)} notice, "
        f"{s.get('icc/page/unavailable', 0)} unavailable, {s.get('icc/page/known_skipped', 0)} "
        f"already stored and skipped), {result.errors} errors"
    )
    with open_store(db_path) as conn:
        counts = count_rows(conn)
    if t["notices_new"]:
        click.echo(
            f"New: {t['notices_new']} notices, {t['positions_new']} positions. "
            f"Store now holds {counts.notices} notices, {counts.positions} positions, "
            f"{counts.findings} findings ({db_path})."
        )
    elif counts.notices:
        click.echo(
            f"Nothing new: all {counts.notices} notices ({counts.positions} positions) "
            f"were already stored ({db_path})."
        )
    else:
        click.echo(f"Nothing new, and the store holds no notices yet ({db_path}).")
    if result.errors:
        click.echo(
            f"{result.errors} page(s) failed; they are recorded in the store "
            "(pages.page_kind = 'error') and the log above says why.",
            err=True,
        )


# ----------------------------------------------------------------------------------- query


def resolve_skill_term(term: str) -> str | None:
    from analysis.normalise.skills import skill_for_alias

    return skill_for_alias(term)


@cli.command()
@db_option
@click.argument("text", required=False, default="")
@click.option("--skill", help="Skill id, e.g. stable_diffusion, translation.")
@click.option("--language", help="ISO 639-1 code of a language asked for, e.g. ru, ar, en.")
@click.option("--overseas", is_flag=True, help="Only positions asking for overseas experience.")
@click.option("--aigc", is_flag=True, help="Only AIGC (generative-AI) roles.")
@click.option("--since", metavar="YYYY-MM[-DD]", help="Published on or after.")
@click.option("--until", metavar="YYYY-MM[-DD]", help="Published on or before (whole month).")
@click.option("--province", help="Province name, e.g. 云南.")
@click.option("--employer", help="Part of the employer's name.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many rows.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "jsonl"]),
    default="table",
    show_default=True,
)
def query(db_path: Path, text: str, fmt: str, **filters: Any) -> None:
    """Find stored positions by text and filters, with source link and evidence.

    \b
    Skill names and their aliases are expanded ("SDXL" finds Stable Diffusion roles, never
    "SD卡"). Short Chinese terms such as 海外 or 英语 work. With no text and no filter,
    every stored position is listed.

    \b
    Examples:
      icc-talent query "Stable Diffusion"
      icc-talent query --language ru --since 2024-01 --format csv > russian.csv
      icc-talent query 海外 --province 云南
    """
    for key in ("since", "until"):
        if filters[key]:
            _check_month(key, filters[key])
    with open_store(db_path) as conn:
        rows = search_positions(conn, text, QueryFilters(**filters), resolve_skill_term)
    _echo_rows(rows, fmt)


def _check_month(name: str, value: str) -> None:
    from datetime import date

    try:
        date.fromisoformat(value if len(value) > 7 else f"{value}-01")
    except ValueError as exc:
        raise UserError(f"--{name} expects YYYY-MM or YYYY-MM-DD, got {value!r}") from exc


def _echo_rows(rows: list[QueryRow], fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=2))
    elif fmt == "jsonl":
        for r in rows:
            click.echo(json.dumps(r.as_dict(), ensure_ascii=False))
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(QueryRow.__dataclass_fields__))
        writer.writeheader()
        writer.writerows(r.as_dict() for r in rows)
        click.echo(buffer.getvalue(), nl=False)
    else:
        _echo_table(rows)


def _echo_table(rows: list[QueryRow]) -> None:
    from rich.console import Console
    from rich.table import Table

    if not rows:
        click.echo("(no matching positions)")
        return
    table = Table(show_lines=True, expand=False)
    for name in ("date", "title", "employer", "evidence", "url"):
        table.add_column(name, overflow="fold")
    for r in rows:
        table.add_row(r.published or "?", r.title, r.employer or "", r.evidence, r.url)
    width = None if sys.stdout.isatty() else 160
    Console(width=width, soft_wrap=False).print(table)
    click.echo(f"{len(rows)} position(s)")


# ----------------------------------------------------------------------------------- report


@cli.command()
@db_option
@click.option("--month", metavar="YYYY-MM", help="Month to report on (default: the latest).")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Output folder (default: reports/ beside the store).",
)
def report(db_path: Path, month: str | None, out_dir: Path | None) -> None:
    """Write the monthly talent-trend report (HTML with inline charts + Markdown twin).

    \b
    Example:
      icc-talent report --month 2025-06 --out reports/
    """
    if month:
        _check_month("month", month)
        if len(month) != 7:
            raise UserError(f"--month expects YYYY-MM, got {month!r}")
    paths = _write_report(db_path, month, out_dir or db_path.parent / "reports")
    click.echo(f"Report: {paths.html}\n        {paths.markdown}")


def _write_report(db_path: Path, month: str | None, out_dir: Path) -> Any:
    from analysis.frames import load_frames
    from analysis.report import build_report

    with open_store(db_path) as conn:
        frames = load_frames(conn)
    return build_report(
        frames.positions, frames.findings, month=month, out_dir=out_dir, runs=frames.runs
    )


# ----------------------------------------------------------------------------------- sources


@cli.command()
@db_option
@click.option(
    "--sources",
    "sources_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Source registry (YAML). Default: the bundled registry.",
)
@click.option("--mirror", is_flag=True, help="List the bundled offline mirror's sources instead.")
def sources(db_path: Path, sources_file: Path | None, mirror: bool) -> None:
    """List the registered sources with what the store holds from each.

    \b
    Example:
      icc-talent sources --mirror
    """
    from crawler.sources import MIRROR_SOURCES, REGISTRY_SOURCES, SourceError, load_sources

    path = MIRROR_SOURCES if mirror else (sources_file or REGISTRY_SOURCES)
    try:
        entries = load_sources(path, base_url=MIRROR_BASE_URL if mirror else None)
    except SourceError as exc:
        raise UserError(str(exc)) from exc
    health: dict[str, Any] = {}
    if db_path.exists():
        with open_store(db_path) as conn:
            for row in conn.execute(
                """SELECT source_id, count(*) AS pages, max(fetched_at) AS last,
                          sum(page_kind = 'notice') AS notices, sum(page_kind = 'error') AS errors
                   FROM pages GROUP BY source_id"""
            ):
                health[row["source_id"]] = row
    for s in entries:
        h = health.get(s["id"])
        state = (
            f"last fetch {h['last']}, {h['notices']} notices, {h['errors']} errors"
            if h
            else "never crawled"
        )
        label = " / ".join(x for x in (s.get("employer"), s.get("province"), s.get("level")) if x)
        click.echo(f"{s['id']:<28} {s['kind']:<9} {label}  [{state}]")


# ----------------------------------------------------------------------------------- entry


def main() -> None:
    """Console entry point: user errors are one line; unexpected errors too, unless debugging."""
    try:
        cli.main(prog_name="icc-talent", standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # last resort: never a traceback for the user
        if os.environ.get("ICC_TALENT_DEBUG"):
            raise
        click.echo(
            f"error: {type(exc).__name__}: {exc} (set ICC_TALENT_DEBUG=1 for details)", err=True
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
