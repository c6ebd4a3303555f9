"""CLI commands that crawl or re-read the archive: `demo`, `crawl`, `reprocess`.

Input: the source registry (or the bundled mirror) and the store path.
Output: a crawl (or re-parse of the archive) stored in the store, and a one-screen summary.
These are the commands that reach into `crawler/` and `mirror/`, lazily.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from analysis.cli.analysing import store_folder, write_report
from analysis.cli.base import UserError, cli, db_option, open_store, sources_option
from analysis.cli.progress import ProgressLines
from analysis.cli.records import echo_rows, resolve_skill_term
from analysis.query import QueryFilters, search_positions
from analysis.source import Source
from analysis.store import count_rows

# ----------------------------------------------------------------------------------- demo


def verbose_option(func: Any) -> Any:
    return click.option(
        "-v",
        "--verbose",
        is_flag=True,
        help="Show Scrapy's log on the console instead of writing it to the store's logs/.",
    )(func)


@cli.command()
@db_option
@click.option(
    "--reports",
    "reports_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Where to write the report (default: reports/ in the store's folder).",
)
@verbose_option
def demo(db_path: Path, reports_dir: Path | None, verbose: bool) -> None:
    """Run the whole pipeline offline on the bundled mirror and show what it found.

    \b
    Serves the mirror sites on 127.0.0.1, crawls them with the real spiders, archives every
    page, normalises and stores every position, writes the monthly report and answers
    "which roles mention Stable Diffusion?". Safe to re-run: a second run adds nothing.
    The archive, the report and the crawl log go to one folder named after the store
    (/tmp/demo/ for /tmp/demo.sqlite).

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
            },
            verbose=verbose,
        )
    _print_crawl_summary(result, db_path)
    report = write_report(db_path, None, reports_dir or store_folder(db_path) / "reports")
    click.echo(f"Report: {report.html}\n        {report.markdown}")
    click.echo(
        f"Files of this store: {store_folder(db_path)}/ (archive/: every page as fetched, "
        "WARC; reports/; logs/)"
    )
    click.echo("\nRoles mentioning Stable Diffusion:")
    with open_store(db_path) as conn:
        rows = search_positions(conn, "Stable Diffusion", QueryFilters(), resolve_skill_term)
    echo_rows(rows, "table")


# ----------------------------------------------------------------------------------- crawl


@cli.command()
@db_option
@sources_option
@click.option("--source", "only", multiple=True, help="Crawl only this source id (repeatable).")
@click.option("-s", "--set", "settings", multiple=True, help="Scrapy setting NAME=VALUE.")
@verbose_option
def crawl(
    db_path: Path,
    sources_file: Path | None,
    only: tuple[str, ...],
    settings: tuple[str, ...],
    verbose: bool,
) -> None:
    """Crawl the registered sources, archive every page and store new notices.

    \b
    Incremental: notices already stored are not fetched again, paging stops at a list page
    of only known notices, and a crawl killed at any moment resumes where it stopped (the
    frontier is kept in the store). One crawl per store at a time; a second is refused.
    Prints one line per failed or suspiciously quiet source and exits non-zero when a page
    or a source failed, after storing everything that could be fetched. Progress goes to
    stderr; Scrapy's own log to logs/crawl-run<N>.log in the store's folder (-v: to stderr).

    \b
    Examples:
      icc-talent crawl --source zhejiang-icc -s DOWNLOAD_DELAY=2
      icc-talent vocab sources          # the source ids, with their names
    """
    from crawler.sources import REGISTRY_SOURCES, SourceError, load_sources

    overrides = dict(_parse_setting(s) for s in settings)
    try:
        sources = load_sources(sources_file or REGISTRY_SOURCES)
    except SourceError as exc:
        raise UserError(str(exc)) from exc
    if only:
        from analysis.names import UnknownName, resolve_source

        known = {s.id: [n for n in (s.name, s.employer, s.employer_en) if n] for s in sources}
        try:
            for source_id in only:
                resolve_source(source_id, known)
        except UnknownName as exc:
            raise UserError(str(exc)) from exc
        sources = [s for s in sources if s.id in only]
    result = _crawl(sources, db_path, overrides=overrides, verbose=verbose)
    _print_crawl_summary(result, db_path)
    if result.errors or result.failed_sources:
        sys.exit(1)


def _parse_setting(text: str) -> tuple[str, Any]:
    """`NAME=VALUE` of `-s`, the value checked against the type of the setting's default
    (Scrapy's or the project's): a number setting must get a number, a flag a boolean word."""
    name, sep, value = text.partition("=")
    name, value = name.strip(), value.strip()
    if not sep or not name:
        raise UserError(f"expected NAME=VALUE for -s, got {text!r}")
    return name, _typed_setting(name, value)


_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def _typed_setting(name: str, value: str) -> Any:
    from scrapy.settings import default_settings

    from crawler import settings as project_settings

    default = getattr(project_settings, name, getattr(default_settings, name, None))
    try:
        if isinstance(default, bool):
            if value.lower() not in _TRUE | _FALSE:
                raise ValueError
            return value.lower() in _TRUE
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            number = float(value)
            if number != number or number in (float("inf"), float("-inf")):
                raise ValueError
            return number
    except ValueError:
        kind = {bool: "true or false", int: "a whole number", float: "a number"}[type(default)]
        raise UserError(
            f"-s {name}={value!r}: {name} takes {kind} (its default is {default!r})"
        ) from None
    return value


def _crawl(
    sources: list[Source], db_path: Path, *, overrides: dict[str, Any], verbose: bool = False
) -> Any:
    from crawler.lock import CrawlLockedError
    from crawler.run import CrawlProgress, run_crawl

    with open_store(db_path, write=True, create=True):
        pass  # fail early, with a clear message, on a corrupt store or one that is not ours
    folder = store_folder(db_path)
    lines = ProgressLines("crawl")
    lines.stage(f"{len(sources)} sources; archive in {folder / 'archive'}")
    try:
        return run_crawl(
            sources,
            db_path=db_path,
            archive_dir=folder / "archive",
            overrides=overrides,
            log_dir=None if verbose else folder / "logs",
            progress=CrawlProgress(lines.stage, lines.tick),
        )
    except CrawlLockedError as exc:
        raise UserError(str(exc)) from exc


def _print_crawl_summary(result: Any, db_path: Path) -> None:
    """The run's counts as the store holds them (`result.totals`, `RunCounts`; the same figures
    the run's row and the report show), then the store's totals (`count_rows`)."""
    s, t = result.stats, result.totals
    click.echo(
        f"Crawl run #{result.run_id}: {t['pages']} pages fetched "
        f"({t['listing_pages']} listing, {t['notice_pages']} notice, "
        f"{t['unavailable']} unavailable, {s.get('icc/page/known_skipped', 0)} "
        f"already stored and skipped), {result.errors} errors"
    )
    fetched, failed = s.get("icc/attachment/fetched", 0), s.get("icc/attachment/error", 0)
    if fetched or failed:
        click.echo(
            f"Attachments: {fetched} downloaded, {failed} skipped as unusable (too large, "
            "corrupt, encrypted, hostile or unsupported; each is recorded with its reason)"
        )
    if t["gated"]:
        click.echo(
            f"Gate: {t['not_recruitment']} page(s) not a recruitment notice, "
            f"{t['not_relevant']} notice(s) of mixed sources not about international "
            "communication; kept as pages, without positions, not counted as notices "
            "(notices.gate)"
        )
    if t["sightings"]:
        click.echo(
            f"Sightings: {t['sightings']} repost(s) of a stored notice, linked to it "
            "(not counted as notices)"
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
        if source.health in ("failed", "failing", "zero-yield", "low-yield"):
            click.echo(f"source {source.source_id}: {source.health}: {source.message}", err=True)
    idle = sum(1 for source in getattr(result, "sources", []) if source.health == "no-start-url")
    if idle:
        click.echo(
            f"{idle} source(s) have no start URL yet and were not crawled "
            "(`icc-talent sources` lists them)."
        )
    log = getattr(result, "log_file", None)
    if result.errors:
        where = f"the log ({log}) says why" if log else "the log above says why"
        click.echo(
            f"{result.errors} page(s) failed; they are recorded in the store "
            f"(pages.page_kind = 'error') and {where}.",
            err=True,
        )
    if log:
        click.echo(f"Scrapy's log: {log} (-v shows it on the console instead)")


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
        with crawl_lock(db_path, what="reprocess"), open_store(db_path, write=True) as conn:
            lines = ProgressLines("reprocess")
            lines.stage("reading the archived notice pages back")
            result = reprocess_archive(
                conn,
                source_ids=list(only) or None,
                progress=lambda done: lines.tick(
                    f"{done.pages:,} pages, {done.outcomes.get('updated', 0):,} changed, "
                    f"{len(done.errors):,} errors"
                ),
            )
    except CrawlLockedError as exc:
        raise UserError(str(exc)) from exc
    for error in result.errors:
        click.echo(f"skipped {error}", err=True)
    o = result.outcomes
    click.echo(
        f"Reprocessed {result.pages} archived pages: {o.get('updated', 0)} notices changed, "
        f"{o.get('unchanged', 0)} unchanged, {o.get('new', 0)} new, "
        f"{o.get('sighting', 0)} sightings, {o.get('unavailable', 0)} unavailable, "
        f"{o.get('error', 0)} errors; gate: {o.get('not_recruitment', 0)} not a recruitment "
        f"notice, {o.get('not_relevant', 0)} not relevant (kept without positions)."
    )
    if result.errors:
        sys.exit(1)
