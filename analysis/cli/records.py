"""CLI commands that read the store: `query`, `show`, `export`, `serve` (`sources` lives in
`analysis.cli.sources`).

Input: the store (read-only) and the user's filters.
Output: tables, CSV/JSON lines, exported files, or a local Datasette; one-line errors.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

import click

from analysis.cli.base import (
    UserError,
    check_month,
    cli,
    db_option,
    open_store,
    out_dir_ready,
)
from analysis.query import QueryFilters, QueryRow, search_positions

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
@click.option("--province", help="Province: 云南, 云南省 or Yunnan.")
@click.option("--employer", help="Part of the employer's name.")
@click.option("--limit", type=click.IntRange(min=1, max=2**31 - 1), help="At most this many rows.")
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
            check_month(key, filters[key])
    from analysis.query import QueryError

    with open_store(db_path) as conn:
        try:
            rows = search_positions(conn, text, QueryFilters(**filters), resolve_skill_term)
        except QueryError as exc:
            raise UserError(str(exc)) from exc
    echo_rows(rows, fmt)


def echo_rows(rows: list[QueryRow], fmt: str) -> None:
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


# ----------------------------------------------------------------------------------- show


@cli.command()
@db_option
@click.argument("notice")
@click.option("--raw", is_flag=True, help="Write the archived body bytes exactly as received.")
@click.option("--no-body", is_flag=True, help="Provenance only, without the archived source.")
def show(db_path: Path, notice: str, raw: bool, no_body: bool) -> None:
    """Print a stored notice's provenance and its archived source (from the WARC file).

    \b
    NOTICE is a notice id (see `query --format json`) or the notice's URL. Shows where and
    when the page was fetched, the WARC file/offset holding the response, whether the
    archived bytes still match the stored hash, the attachments with their table rows,
    other sightings of the same notice (reposts), then the archived HTTP headers and body.

    \b
    Examples:
      icc-talent show 12
      icc-talent show 12 --raw > notice.html
    """
    from analysis.archive import ArchiveError, read_record, verify_body
    from analysis.extract.pages import decode_html
    from analysis.extract.pages.charset import charset_from_content_type
    from analysis.store.reads import (
        load_attachments,
        load_notice_positions,
        load_notice_provenance,
        load_notice_sightings,
    )

    with open_store(db_path) as conn:
        row = load_notice_provenance(conn, notice)
        if row is None:
            raise UserError(f"no stored notice {notice!r} (give a notice id or its URL)")
        positions = load_notice_positions(conn, row.id)
        attachments = load_attachments(conn, row.page_url)
        sightings = load_notice_sightings(conn, row.id)
    record, archive_problem = None, None
    if row.archive_path is None or row.archive_offset is None:
        archive_problem = f"notice {row.id} has no archived copy (crawled before archiving?)"
    else:
        try:
            record = read_record(row.archive_path, row.archive_offset, row.archive_length)
        except ArchiveError as exc:
            archive_problem = str(exc)
    if raw:
        if record is None:
            raise UserError(str(archive_problem))
        sys.stdout.buffer.write(record.body)
        return
    if record is None:
        archive_line = f"  archive:    none ({archive_problem})"
        hash_line = f"  sha256:     {row.content_hash} (no archived body to compare)"
    else:
        verified = "matches" if verify_body(record, row.content_hash) else "DOES NOT match"
        archive_line = (
            f"  archive:    {row.archive_path} @ {row.archive_offset} "
            f"(+{row.archive_length} bytes), WARC-Date {record.date}"
        )
        hash_line = f"  sha256:     {row.content_hash} ({verified} the archived body)"
    lines = [
        f"notice #{row.id}: {row.title}",
        f"  url:        {row.url}",
        f"  source:     {row.source_id}   employer: {row.employer or '?'}",
        f"  published:  {row.published or '?'}   deadline: {row.deadline or '?'}",
        f"  stored:     first seen {row.first_seen}, updated {row.updated_at}, "
        f"taxonomy {row.taxonomy_version}",
        f"  fetched:    {row.fetched_at} (run #{row.run_id}), HTTP {row.status}, "
        f"{row.content_type or 'no Content-Type'}, decoded as {row.encoding or '?'}",
        archive_line,
        hash_line,
        f"  positions:  {len(positions)}: "
        + "; ".join(f"{p.title}" + (f" x{p.headcount}" if p.headcount else "") for p in positions),
    ]
    for a in attachments:
        state = f"{a.page_kind}" + (f" ({a.error})" if a.error else "")
        where = f"{a.archive_path} @ {a.archive_offset}" if a.archive_path else "-"
        lines.append(f"  attachment: {a.url}: {state}; archive {where}")
    for s_ in sightings:
        lines.append(
            f"  also seen:  {s_.url} ({s_.source_id}, similarity {s_.similarity:.2f}, {s_.seen_at})"
        )
    click.echo("\n".join(lines))
    if no_body:
        return
    if record is None:
        raise UserError(f"{archive_problem}; --no-body shows the provenance alone")
    click.echo(f"\n--- archived response: HTTP {record.status}")
    for name, value in record.headers:
        click.echo(f"{name}: {value}")
    text, encoding, reason = decode_html(
        record.body, charset_from_content_type(record.header("Content-Type") or "")
    )
    click.echo(f"--- body ({len(record.body)} bytes, decoded as {encoding}: {reason})\n")
    click.echo(text)


# ----------------------------------------------------------------------------------- export


@cli.command()
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "parquet", "jsonl"]),
    default="csv",
    show_default=True,
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Output folder (default: export/ beside the store).",
)
def export(db_path: Path, fmt: str, out_dir: Path | None) -> None:
    """Export positions, findings and monthly measures, with a data dictionary.

    \b
    Writes positions.<fmt> (one row per position, with list columns and every finding's
    evidence), findings.<fmt> (long form) and monthly_measures.<fmt>, plus
    DATA_DICTIONARY.md describing every column. The store is only read.

    \b
    Example:
      icc-talent export --format parquet --out exports/
    """
    from analysis.export import ExportError, export_store

    with open_store(db_path) as conn:
        try:
            paths = export_store(conn, out_dir_ready(out_dir or db_path.parent / "export"), fmt)
        except ExportError as exc:
            raise UserError(str(exc)) from exc
    for path in paths:
        click.echo(str(path))


# ----------------------------------------------------------------------------------- serve


@cli.command()
@db_option
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--open", "open_browser", is_flag=True, help="Open a browser on the page.")
def serve(db_path: Path, port: int, host: str, open_browser: bool) -> None:
    """Explore the store in Datasette: read-only, full-text search and facets ready.

    \b
    Opens the store immutable (nothing is ever written to it), with facets on month,
    province, language and skill, search over positions, and canned queries such as
    "AIGC roles" and "roles mentioning a skill". Binds to 127.0.0.1 unless told otherwise.

    \b
    Example:
      icc-talent serve --port 8001
    """
    from analysis.serve import ServeError, serve_store

    if not db_path.exists():
        raise UserError(
            f"no database at {db_path} (run `icc-talent crawl` or `icc-talent demo` first)"
        )
    try:
        serve_store(db_path, host=host, port=port, open_browser=open_browser)
    except ServeError as exc:
        raise UserError(str(exc)) from exc
