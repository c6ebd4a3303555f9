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
from analysis.source import Source
from analysis.store import DEFAULT_DB, StoreError, connect, count_rows, save_cluster_model

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
    from crawler.sources import load_sources
    from mirror import BASE_URL as MIRROR_BASE_URL
    from mirror import SOURCES_PATH as MIRROR_SOURCES
    from mirror.server import serve_mirror

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
                # The mirror holds deliberately hostile attachments; their skips are counted
                # in the summary instead of logged as warnings.
                "LOG_LEVEL": "ERROR",
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
    Incremental: notices already stored are not fetched again, paging stops at a list page
    of only known notices, and a crawl killed at any moment resumes where it stopped (the
    frontier is kept in the store). One crawl per store at a time; a second is refused.
    Prints one line per failed or suspiciously quiet source and exits non-zero when a page
    or a source failed, after storing everything that could be fetched.

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
        unknown = set(only) - {s.id for s in sources}
        if unknown:
            raise UserError(f"unknown source id(s): {', '.join(sorted(unknown))}")
        sources = [s for s in sources if s.id in only]
    overrides = dict(_parse_setting(s) for s in settings)
    result = _crawl(sources, db_path, overrides=overrides)
    _print_crawl_summary(result, db_path)
    if result.errors or result.failed_sources:
        sys.exit(1)


def _parse_setting(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise UserError(f"expected NAME=VALUE for -s, got {text!r}")
    return name.strip(), value.strip()


def _crawl(sources: list[Source], db_path: Path, *, overrides: dict[str, Any]) -> Any:
    from crawler.lock import CrawlLockedError
    from crawler.run import run_crawl

    with open_store(db_path, create=True):
        pass  # fail early, with a clear message, on a corrupt store
    try:
        return run_crawl(
            sources, db_path=db_path, archive_dir=db_path.parent / "archive", overrides=overrides
        )
    except CrawlLockedError as exc:
        raise UserError(str(exc)) from exc


def _print_crawl_summary(result: Any, db_path: Path) -> None:
    s, t = result.stats, result.totals
    click.echo(
        f"Crawl run #{result.run_id}: {t['pages']} pages fetched "
        f"({s.get('icc/page/listing', 0) + s.get('icc/page/not_modified', 0)} listing, "
        f"{s.get('icc/page/notice', 0)} notice, "
        f"{s.get('icc/page/unavailable', 0)} unavailable, {s.get('icc/page/known_skipped', 0)} "
        f"already stored and skipped), {result.errors} errors"
    )
    fetched, failed = s.get("icc/attachment/fetched", 0), s.get("icc/attachment/error", 0)
    if fetched or failed:
        click.echo(
            f"Attachments: {fetched} downloaded, {failed} skipped as unusable (too large, "
            "corrupt, encrypted, hostile or unsupported; each is recorded with its reason)"
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
    for source in getattr(result, "sources", []):
        if source.health in ("failed", "zero-yield", "low-yield"):
            click.echo(f"source {source.source_id}: {source.health}: {source.message}", err=True)
    idle = sum(1 for source in getattr(result, "sources", []) if source.health == "no-start-url")
    if idle:
        click.echo(
            f"{idle} source(s) have no start URL yet and were not crawled "
            "(`icc-talent sources` lists them)."
        )
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
@click.option(
    "--no-clusters",
    is_flag=True,
    help="Leave out the role clusters (the slowest part on a large store).",
)
def report(db_path: Path, month: str | None, out_dir: Path | None, no_clusters: bool) -> None:
    """Write the monthly talent-trend report (HTML with inline charts + Markdown twin).

    \b
    Example:
      icc-talent report --month 2025-06 --out reports/
    """
    if month:
        _check_month("month", month)
        if len(month) != 7:
            raise UserError(f"--month expects YYYY-MM, got {month!r}")
    out = out_dir or db_path.parent / "reports"
    paths = _write_report(db_path, month, out, clusters=not no_clusters)
    click.echo(f"Report: {paths.html}\n        {paths.markdown}")


def _write_report(db_path: Path, month: str | None, out_dir: Path, *, clusters: bool = True) -> Any:
    from analysis.frames import load_frames
    from analysis.report import build_report
    from analysis.store.health import load_source_health

    with open_store(db_path) as conn:
        frames = load_frames(conn)
        sources = load_source_health(conn)
        paths = build_report(
            frames.positions,
            frames.findings,
            month=month,
            out_dir=out_dir,
            runs=frames.runs,
            sources=sources,
            clusters=clusters,
        )
        if paths.cluster_model:  # the model behind the report's role clusters, for the record
            save_cluster_model(conn, paths.cluster_model)
    return paths


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
    from crawler.sources import REGISTRY_SOURCES, SourceError, load_sources
    from mirror import BASE_URL as MIRROR_BASE_URL
    from mirror import SOURCES_PATH as MIRROR_SOURCES

    path = MIRROR_SOURCES if mirror else (sources_file or REGISTRY_SOURCES)
    try:
        entries = load_sources(path, base_url=MIRROR_BASE_URL if mirror else None)
    except SourceError as exc:
        raise UserError(str(exc)) from exc
    from analysis.store import latest_source_health
    from analysis.store.reads import SourcePages, load_pages_by_source

    health: dict[str | None, SourcePages] = {}
    last_run: dict[str, Any] = {}
    if db_path.exists():
        with open_store(db_path) as conn:
            health = load_pages_by_source(conn)
            last_run = latest_source_health(conn)
    for s in entries:
        h = health.get(s.id)
        state = (
            f"last fetch {h.last_fetch}, {h.notices} notices, {h.errors} errors"
            if h
            else "never crawled"
        )
        run = last_run.get(s.id)
        if run is not None:
            verdict = run["health"] if not run["message"] else f"{run['health']}: {run['message']}"
            state += f"; last run #{run['run_id']}: {verdict}"
        elif not s.start_urls:
            state += "; no start URL: add a list page or article list to the registry"
        label = " / ".join(x for x in (s.employer, s.province, s.level) if x)
        click.echo(f"{s.id:<28} {s.kind:<9} {label}  [{state}]")


# ----------------------------------------------------------------------------------- normalise


@cli.command()
@click.argument("in_path", metavar="IN.jsonl", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "-o",
    "--out",
    "out_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Output JSON lines (default: stdout).",
)
@click.option(
    "--fetched-at",
    metavar="YYYY-MM-DD",
    default=None,
    help='Resolve relative dates ("3天前", "2 months ago") against this day (default: today).',
)
def normalise(in_path: Path, out_path: Path | None, fetched_at: str | None) -> None:
    """Normalise notices from elsewhere: one JSON line in, one record with evidence out.

    Input lines are {"id", "text", "url"?, "title"?, "published"?}. Invalid lines are reported on
    stderr as "line N: reason" and skipped; the exit code is 0 when any line was processed.

    \b
    Example:
      icc-talent normalise ads.jsonl -o ads.normalised.jsonl
    """
    from datetime import datetime

    from analysis.batch import LineError, normalise_jsonl

    when = None
    if fetched_at:
        try:
            when = datetime.fromisoformat(fetched_at)
        except ValueError as exc:
            raise UserError(f"--fetched-at expects YYYY-MM-DD, got {fetched_at!r}") from exc
    try:
        fh = in_path.open(encoding="utf-8", errors="strict")
    except OSError as exc:
        raise UserError(f"cannot read {in_path}: {exc.strerror or exc}") from exc
    processed = 0
    try:
        with fh, _output(out_path) as out:
            for item in normalise_jsonl(fh, fetched_at=when):
                if isinstance(item, LineError):
                    click.echo(str(item), err=True)
                    continue
                out.write(json.dumps(item, ensure_ascii=False) + "\n")
                processed += 1
    except UnicodeDecodeError as exc:
        raise UserError(f"cannot read {in_path}: not UTF-8 ({exc.reason})") from exc
    if processed == 0:
        click.echo(f"no valid line in {in_path}", err=True)


@contextmanager
def _output(path: Path | None) -> Iterator[Any]:
    if path is None:
        yield sys.stdout
        return
    try:
        fh = path.open("w", encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from exc
    with fh:
        yield fh


# ----------------------------------------------------------------------------------- evaluate


@cli.command()
@click.option(
    "--corpus-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder of the real ads (real_postings*.jsonl). Default: ../shared/corpus.",
)
@click.option(
    "--gold-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder of the gold labels and the dev/test split. Default: tests/gold.",
)
@click.option("--misses", is_flag=True, help="Also list every disagreement on dev (never test).")
def evaluate(corpus_dir: Path | None, gold_dir: Path | None, misses: bool) -> None:
    """Score the normaliser: per-field precision/recall/F1 or accuracy on the gold sets.

    Prints dev and test side by side for the labelled real ads (test is a frozen split: only
    reported, never tuned on; docs/NORMALISER.md), and the bundled mirror's positions.

    \b
    Example:
      icc-talent evaluate --misses
    """
    from analysis.evaluate import DEFAULT_CORPUS_DIR, DEFAULT_GOLD_DIR, SPLIT_FILE
    from analysis.evaluate import main as evaluate_main

    gold_dir = gold_dir or DEFAULT_GOLD_DIR
    if not (gold_dir / SPLIT_FILE).is_file():
        raise UserError(f"no gold labels and split in {gold_dir} (expected {SPLIT_FILE})")
    args = ["--corpus-dir", str(corpus_dir or DEFAULT_CORPUS_DIR), "--gold-dir", str(gold_dir)]
    evaluate_main([*args, "--misses"] if misses else args)


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
    if row.archive_path is None or row.archive_offset is None:
        raise UserError(f"notice {row.id} has no archived copy (crawled before archiving?)")
    try:
        record = read_record(row.archive_path, row.archive_offset, row.archive_length)
    except ArchiveError as exc:
        raise UserError(str(exc)) from exc
    if raw:
        sys.stdout.buffer.write(record.body)
        return
    verified = "matches" if verify_body(record, row.content_hash) else "DOES NOT match"
    lines = [
        f"notice #{row.id}: {row.title}",
        f"  url:        {row.url}",
        f"  source:     {row.source_id}   employer: {row.employer or '?'}",
        f"  published:  {row.published or '?'}   deadline: {row.deadline or '?'}",
        f"  stored:     first seen {row.first_seen}, updated {row.updated_at}, "
        f"taxonomy {row.taxonomy_version}",
        f"  fetched:    {row.fetched_at} (run #{row.run_id}), HTTP {row.status}, "
        f"{row.content_type or 'no Content-Type'}, decoded as {row.encoding or '?'}",
        f"  archive:    {row.archive_path} @ {row.archive_offset} "
        f"(+{row.archive_length} bytes), WARC-Date {record.date}",
        f"  sha256:     {row.content_hash} ({verified} the archived body)",
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
    click.echo(f"\n--- archived response: HTTP {record.status}")
    for name, value in record.headers:
        click.echo(f"{name}: {value}")
    text, encoding, reason = decode_html(
        record.body, charset_from_content_type(record.header("Content-Type") or "")
    )
    click.echo(f"--- body ({len(record.body)} bytes, decoded as {encoding}: {reason})\n")
    click.echo(text)


# ----------------------------------------------------------------------------------- reprocess


@cli.command()
@db_option
@click.option("--source", "only", multiple=True, help="Only this source id (repeatable).")
def reprocess(db_path: Path, only: tuple[str, ...]) -> None:
    """Re-run extraction and normalisation over the archived pages, without re-crawling.

    \b
    Reads every stored notice page (and its attachments) back from the WARC archive,
    parses it with the current page parsers, table extractor and normaliser, and updates
    the store: changed notices are rewritten, unchanged ones left alone, reposts linked as
    sightings. Takes the crawl lock, so it never runs beside a crawl.

    \b
    Example:
      icc-talent reprocess --source mirror-icc-yunling
    """
    from analysis.reprocess import reprocess_archive
    from crawler.lock import CrawlLockedError, crawl_lock

    try:
        with crawl_lock(db_path, what="reprocess"), open_store(db_path) as conn:
            result = reprocess_archive(conn, source_ids=list(only) or None)
    except CrawlLockedError as exc:
        raise UserError(str(exc)) from exc
    for error in result.errors:
        click.echo(f"skipped {error}", err=True)
    o = result.outcomes
    click.echo(
        f"Reprocessed {result.pages} archived pages: {o.get('updated', 0)} notices changed, "
        f"{o.get('unchanged', 0)} unchanged, {o.get('new', 0)} new, "
        f"{o.get('sighting', 0)} sightings, {o.get('unavailable', 0)} unavailable, "
        f"{o.get('error', 0)} errors."
    )
    if result.errors:
        sys.exit(1)


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
            paths = export_store(conn, out_dir or db_path.parent / "export", fmt)
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
