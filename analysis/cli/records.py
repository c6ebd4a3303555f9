"""CLI commands that read the store: `query`, `show`, `export`, `serve`, and `vocab`, which
lists the ids and aliases the filters accept (`sources` lives in `analysis.cli.sources`).

Input: the store (read-only) and the user's filters.
Output: tables, CSV/JSON lines, exported files, or a local Datasette; one-line errors.
"""

from __future__ import annotations

import csv
import io
import json
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from analysis.cli.base import (
    UserError,
    check_month,
    cli,
    db_option,
    open_store,
    out_dir_ready,
    sources_option,
)
from analysis.query import QueryFilters, QueryRow, provenance_text, search_positions

if TYPE_CHECKING:
    from analysis.store.reads import PositionSummary

# ----------------------------------------------------------------------------------- query


def resolve_skill_term(term: str) -> str | None:
    from analysis.normalise.skills import skill_for_alias

    return skill_for_alias(term)


@cli.command()
@db_option
@click.argument("text", required=False, default="")
@click.option("--skill", help="Skill id or name: stable_diffusion, SDXL, 翻译 (`vocab skills`).")
@click.option("--language", help="Language asked for: ru, Russian or 俄语 (`vocab languages`).")
@click.option("--overseas", is_flag=True, help="Only positions asking for overseas experience.")
@click.option("--aigc", is_flag=True, help="Only AIGC (generative-AI) roles.")
@click.option("--since", metavar="YYYY-MM[-DD]", help="Published on or after.")
@click.option("--until", metavar="YYYY-MM[-DD]", help="Published on or before (whole month).")
@click.option("--province", help="Province: 云南, 云南省 or Yunnan.")
@click.option("--employer", help="Part of the employer's name.")
@click.option("--source", help="Source id (`icc-talent vocab sources`).")
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
    every stored position is listed. An unknown skill, language, source or province is an
    error naming the closest ones; a text that finds nothing suggests the skill or language
    it may have meant. The table shows the position and notice ids (`icc-talent show
    NOTICE`); CSV starts with a byte-order mark so that spreadsheets show Chinese intact.

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
    if not rows and text:
        _hint_nothing_found(text)


def _hint_nothing_found(text: str) -> None:
    """On stderr, the skills or languages a text that found nothing may have meant."""
    from analysis.names import suggest_for_terms
    from analysis.query import split_terms

    hints = suggest_for_terms(split_terms(text))
    if hints:
        click.echo(f"no position matches {text!r}; did you mean {' or '.join(hints)}?", err=True)


CSV_BOM = "\ufeff"


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
        # The byte-order mark makes Excel read the file as UTF-8 (as `export` writes CSV).
        click.echo(CSV_BOM + buffer.getvalue(), nl=False)
    else:
        _echo_table(rows)


def _echo_table(rows: list[QueryRow]) -> None:
    """A table when the terminal is wide enough to keep every URL on one line (a file or pipe
    always is), else one block per position with its URL on a line of its own."""
    from rich.console import Console

    if not rows:
        click.echo("(no matching positions)")
        return
    needed = table_width(rows)
    console = Console(
        width=None if sys.stdout.isatty() else max(TABLE_WIDTH, needed), soft_wrap=False
    )
    if console.width >= needed:
        console.print(build_table(rows))
    else:
        click.echo("\n\n".join(render_block(r) for r in rows))
    click.echo(f"{len(rows)} position(s); `icc-talent show NOTICE` prints a notice's source")


TABLE_WIDTH = 160  # when stdout is not a terminal, at least this wide (more for long URLs)
TEXT_MIN_WIDTH = 12  # title, employer and evidence wrap, but never narrower than this
# position, notice, date (widths of their headers or values) and the table's borders/padding
FIXED_WIDTH = len("position") + len("notice") + len("2024-01-01") + 7 * 3 + 1


def table_width(rows: list[QueryRow]) -> int:
    """The narrowest console the table fits in with every URL whole (in terminal cells: a
    Chinese character in a URL takes two)."""
    from rich.cells import cell_len

    return FIXED_WIDTH + 3 * TEXT_MIN_WIDTH + max(cell_len(r.url) for r in rows)


def render_block(r: QueryRow) -> str:
    """One position as lines: ids and date, title and employer, evidence, the URL whole."""
    head = f"position {r.position_id} · notice {r.notice_id} · {r.published or '?'}"
    who = f"{r.title} · {r.employer}" if r.employer else r.title
    where = [f"  from: {r.provenance}"] if r.provenance else []
    return "\n".join((head, f"  {who}", *where, f"  {r.evidence}", f"  {r.url}"))


def build_table(rows: list[QueryRow]) -> Any:
    """A rich table of the rows: ids first (`show` takes the notice id), then the text columns,
    which wrap; the URL never wraps or folds (a URL broken over lines cannot be copied or
    clicked), so the table is as wide as its longest URL needs."""
    from rich.table import Table

    table = Table(show_lines=True, expand=False)
    table.add_column("position", justify="right", no_wrap=True)
    table.add_column("notice", justify="right", no_wrap=True)
    table.add_column("date", no_wrap=True)
    for name in ("title", "employer", "evidence"):
        table.add_column(name, overflow="fold", min_width=TEXT_MIN_WIDTH)
    from rich.cells import cell_len

    longest = max(cell_len(r.url) for r in rows)
    table.add_column("url", no_wrap=True, overflow="ignore", min_width=longest)
    for r in rows:
        table.add_row(
            str(r.position_id),
            str(r.notice_id),
            r.published or "?",
            f"{r.title}\n({r.provenance})" if r.provenance else r.title,
            r.employer or "",
            r.evidence,
            r.url,
        )
    return table


# ----------------------------------------------------------------------------------- show

SHOW_POSITIONS = 50  # positions `show` names; a provincial table has thousands


def render_positions(positions: Sequence[PositionSummary]) -> str:
    """The notice's positions for `show`: title, headcount and, for a position read from an
    attachment table, where its row is; the first SHOW_POSITIONS, then how many more."""
    shown = []
    for p in positions[:SHOW_POSITIONS]:
        where = provenance_text(p.file_name, p.sheet, p.row)
        shown.append(
            p.title + (f" x{p.headcount}" if p.headcount else "") + (f" ({where})" if where else "")
        )
    more = len(positions) - SHOW_POSITIONS
    return "; ".join(shown) + (f"; … {more} more" if more > 0 else "")


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
        f"  positions:  {len(positions)}: " + render_positions(positions),
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


# ----------------------------------------------------------------------------------- vocab


@cli.command()
@click.argument("kind", type=click.Choice(["skills", "languages", "sources"]))
@sources_option
@click.option("--mirror", is_flag=True, help="With sources: the bundled offline mirror's.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object {id: [names]} instead.")
def vocab(kind: str, sources_file: Path | None, mirror: bool, as_json: bool) -> None:
    """List the skill ids, languages or source ids the filters accept, with their aliases.

    \b
    Each line is an id (what `query --skill/--language/--source` and the store use) followed
    by the names that resolve to it; an unknown name given to a filter is an error naming
    the closest of these.

    \b
    Examples:
      icc-talent vocab skills
      icc-talent vocab languages --json
      icc-talent vocab sources --mirror
    """
    from analysis.names import language_entries, skill_entries

    if kind == "skills":
        listing = {e.id: list(e.names) for e in skill_entries()}
    elif kind == "languages":
        listing = {e.id: list(e.names) for e in language_entries()}
    else:
        listing = _registry_source_names(sources_file, mirror)
    if as_json:
        click.echo(json.dumps(listing, ensure_ascii=False, indent=2))
        return
    width = max((len(i) for i in listing), default=0)
    for sid, names in listing.items():
        click.echo(f"{sid:<{width}}  {', '.join(names)}".rstrip())


def _registry_source_names(sources_file: Path | None, mirror: bool) -> dict[str, list[str]]:
    """Source id → its name, employer, English employer and accounts, from the registry."""
    from crawler.sources import REGISTRY_SOURCES, SourceError, load_sources
    from mirror import BASE_URL as MIRROR_BASE_URL
    from mirror import SOURCES_PATH as MIRROR_SOURCES

    path = MIRROR_SOURCES if mirror else (sources_file or REGISTRY_SOURCES)
    try:
        entries = load_sources(path, base_url=MIRROR_BASE_URL if mirror else None)
    except SourceError as exc:
        raise UserError(str(exc)) from exc
    return {
        s.id: list(dict.fromkeys(n for n in (s.name, s.employer, s.employer_en, *s.accounts) if n))
        for s in entries
    }


# ----------------------------------------------------------------------------------- export


@cli.command()
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "parquet", "jsonl", "jsonld"]),
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
    DATA_DICTIONARY.md describing every column. The store is only read. CSV carries a
    byte-order mark (Excel shows Chinese intact); parquet has typed dates and the evidence
    as a nested column; jsonld writes job_postings.jsonld, each position a schema.org
    JobPosting.

    \b
    Examples:
      icc-talent export --format parquet --out exports/
      icc-talent export --format jsonld
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
@click.option(
    "--save",
    "save_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Write the overview database, metadata.yml and plugin here, print the `datasette` "
    "command that serves them, and exit.",
)
def serve(db_path: Path, port: int, host: str, open_browser: bool, save_dir: Path | None) -> None:
    """Explore the store in Datasette: read-only, full-text search and facets ready.

    \b
    Opens the store read-only (nothing is ever written to it), with facets on month (newest
    first), province, language and skill, search over positions that takes Chinese terms of
    any length (海外, 英语) and skill aliases (SDXL), and canned queries such as "AIGC roles"
    and "roles mentioning a skill". Binds to 127.0.0.1 unless told otherwise. With --save,
    writes the same set-up as files for a plain `datasette` (to publish or script it).

    \b
    Examples:
      icc-talent serve --port 8001
      icc-talent serve --save datasette/
    """
    from analysis.serve import ServeError, serve_store, write_config

    if not db_path.exists():
        raise UserError(
            f"no database at {db_path} (run `icc-talent crawl` or `icc-talent demo` first)"
        )
    try:
        if save_dir is not None:
            config = write_config(db_path, out_dir_ready(save_dir))
            click.echo(f"Wrote {config.overview}, {config.metadata} and {config.plugins_dir}/")
            click.echo("Serve them with:\n  " + " ".join(shlex.quote(a) for a in config.command))
            return
        serve_store(db_path, host=host, port=port, open_browser=open_browser)
    except ServeError as exc:
        raise UserError(str(exc)) from exc
