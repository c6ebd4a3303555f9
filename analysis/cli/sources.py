"""CLI commands about the source registry: `sources` (list), `sources check`, `sources discover`.

Input: the registry (or the mirror's), the store for the list, and for `check`/`discover` the
network through `crawler.probe` with the crawl's settings (imported lazily: Scrapy stays out
of `analysis/`). Output: one line per source or start URL, registry YAML to paste, and a
non-zero exit when a start URL cannot be fetched.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import click

from analysis.cli.base import UserError, cli, db_option, open_store, sources_option
from analysis.source import Source

MIRROR_HELP = "Use the bundled offline mirror (served on 127.0.0.1 for the command's duration)."
SET_HELP = "Crawl setting NAME=VALUE, as for `icc-talent crawl` (e.g. ICC_HTTP_PROXY=…)."
MAX_SITEMAPS = 3  # sitemaps read per discovery (an index names children; the first few suffice)


@cli.group(invoke_without_command=True)
@db_option
@sources_option
@click.option("--mirror", is_flag=True, help="List the bundled offline mirror's sources instead.")
@click.pass_context
def sources(ctx: click.Context, db_path: Path, sources_file: Path | None, mirror: bool) -> None:
    """List the registered sources with what the store holds from each; `check` and `discover`
    test start URLs and find new ones.

    \b
    Example:
      icc-talent sources --mirror                 # the registry and each source's last run
      icc-talent sources check                    # fetch every start URL once: status, links
      icc-talent sources discover https://www.example.gov.cn/   # propose list pages
    """
    if ctx.invoked_subcommand is not None:
        return
    from analysis.store import latest_source_health
    from analysis.store.reads import SourcePages, load_pages_by_source

    entries = _load(sources_file, mirror)
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


def _load(sources_file: Path | None, mirror: bool) -> list[Source]:
    from crawler.sources import REGISTRY_SOURCES, SourceError, load_sources
    from mirror import BASE_URL as MIRROR_BASE_URL
    from mirror import SOURCES_PATH as MIRROR_SOURCES

    path = MIRROR_SOURCES if mirror else (sources_file or REGISTRY_SOURCES)
    try:
        return load_sources(path, base_url=MIRROR_BASE_URL if mirror else None)
    except SourceError as exc:
        raise UserError(str(exc)) from exc


@contextmanager
def _prober(settings: tuple[str, ...], mirror: bool) -> Iterator[Any]:
    """A `crawler.probe.Prober` with the crawl's settings and the user's `-s` overrides; with
    `mirror`, the mirror is served and used as the proxy, without delays (it is local)."""
    from scrapy.settings import Settings

    from analysis.cli.crawling import _parse_setting
    from crawler.probe import Prober

    crawl_settings = Settings()
    crawl_settings.setmodule("crawler.settings", priority="project")
    crawl_settings.setdict(dict(_parse_setting(s) for s in settings), priority="cmdline")
    served: Any = nullcontext(None)
    if mirror:
        from mirror.server import serve_mirror

        served = serve_mirror()
    with served as proxy_url:
        if proxy_url:
            crawl_settings.setdict(
                {"ICC_HTTP_PROXY": proxy_url, "DOWNLOAD_DELAY": 0}, priority="cmdline"
            )
        yield Prober.from_settings(crawl_settings)


# ----------------------------------------------------------------------------------- check


@sources.command()
@sources_option
@click.option("--mirror", is_flag=True, help=MIRROR_HELP)
@click.option("--source", "only", multiple=True, help="Only this source id (repeatable).")
@click.option("-s", "--set", "settings", multiple=True, help=SET_HELP)
def check(
    sources_file: Path | None, mirror: bool, only: tuple[str, ...], settings: tuple[str, ...]
) -> None:
    """Fetch every configured start URL once and say what a crawl would find there.

    \b
    One line per start URL: HTTP status, where it redirected, the charset the page was read
    with (and why), and the notice links and further list pages found, counted as the crawl
    counts them. Polite: the crawl's user agent, timeout, robots.txt, delay and proxy. A start
    URL that cannot be fetched (offline, refused, HTTP error) is one FAILED line; the exit
    status is then 1. Run it first each month, before `icc-talent crawl`.

    \b
    Example:
      icc-talent sources check
      icc-talent sources check --mirror
      icc-talent sources check --source mirror-icc-yunling -s DOWNLOAD_TIMEOUT=10
    """
    from analysis.discover import read_listing

    entries = _load(sources_file, mirror)
    if only:
        unknown = set(only) - {s.id for s in entries}
        if unknown:
            raise UserError(f"unknown source id(s): {', '.join(sorted(unknown))}")
        entries = [s for s in entries if s.id in only]
    checked = [s for s in entries if s.start_urls]
    failed = 0
    with _prober(settings, mirror) as prober:
        for source in checked:
            for url in source.start_urls:
                got = prober.fetch(url)
                line, ok = _check_line(source, got, read_listing)
                failed += not ok
                click.echo(line, err=not ok)
    idle = len(entries) - len(checked)
    click.echo(
        f"{sum(len(s.start_urls) for s in checked)} start URL(s) of {len(checked)} source(s) "
        f"checked, {failed} failed"
        + (f"; {idle} source(s) have no start URL (not checked)" if idle else "")
        + "."
    )
    if failed:
        sys.exit(1)


def _check_line(source: Source, got: Any, read_listing: Any) -> tuple[str, bool]:
    """One line for one fetched start URL, and whether it counts as working."""
    head = f"{source.id:<28}"
    if got.error:
        return f"{head} FAILED    {got.url}: {got.error}", False
    moved = f" -> {got.final_url}" if got.redirected else ""
    if not 200 <= got.status < 300:
        return f"{head} FAILED    {got.url}{moved}: HTTP {got.status}", False
    try:
        read = read_listing(got.body, got.final_url or got.url, got.content_type, source)
    except Exception as exc:  # a page we cannot read is this source's problem, not the run's
        return f"{head} FAILED    {got.url}{moved}: unreadable ({exc})", False
    links = len(read.listing.detail_urls)
    found = f"{links} notice link(s), {len(read.listing.next_urls)} more list page(s)"
    if not links:
        found += " (nothing to follow: check link_keywords/detail_selector)"
    return f"{head} HTTP {got.status}  {got.url}{moved}  {_read_as(read)}  {found}", True


def _read_as(read: Any) -> str:
    """How the body was read: `charset gb18030 (http-header)`, `rss feed`, `URL list`."""
    if read.charset_reason == "xml":
        return f"{read.charset} feed"
    if read.charset_reason == "text":
        return "URL list"
    return f"charset {read.charset} ({read.charset_reason})"


# -------------------------------------------------------------------------------- discover


@sources.command()
@click.argument("url")
@click.option(
    "--follow",
    type=click.IntRange(0, 20),
    default=5,
    show_default=True,
    help="Fetch this many best candidates to count the notices they list.",
)
@click.option("--mirror", is_flag=True, help=MIRROR_HELP + " A path is read on the mirror.")
@click.option("-s", "--set", "settings", multiple=True, help=SET_HELP)
def discover(url: str, follow: int, mirror: bool, settings: tuple[str, ...]) -> None:
    """Read a site's home page and propose its recruitment list pages as registry entries.

    \b
    Ranks the home page's links (navigation and footer links such as 人才招聘, 招聘信息,
    招贤纳士, 加入我们, Join us, Careers; addresses such as /zpxx/, /rczp/, /careers/; notices
    on the home page, whose column is proposed), the folders of notice pages in its sitemap
    and the feeds it announces; then fetches the best few and ranks pages that list notices
    higher. Prints YAML to paste under `sources:` in crawler/sources.yaml, best first, each
    with its score and reasons. Same manners as the crawl (user agent, robots.txt, delay).

    \b
    Example:
      icc-talent sources discover https://www.example.gov.cn/
      icc-talent sources discover --mirror /icc/index.html
    """
    from analysis.discover import (
        collect_candidates,
        feed_links,
        home_selector,
        rank,
        read_listing,
        render_registry_yaml,
        site_name,
        sitemap_links,
        sitemap_urls,
        with_listing,
    )

    if mirror:
        from mirror import BASE_URL as MIRROR_BASE_URL

        url = urljoin(MIRROR_BASE_URL, url)
    if urlsplit(url).scheme not in ("http", "https"):
        raise UserError(f"expected an http(s) address, got {url!r}")
    with _prober(settings, mirror) as prober:
        got = prober.fetch(url)
        if got.error or not 200 <= got.status < 300:
            raise UserError(f"cannot read {url}: {got.error or f'HTTP {got.status}'}")
        home_url = got.final_url or url
        home = home_selector(got.body, got.content_type, home_url)
        maps = sitemap_links(home, home_url, prober.robots_txt(home_url)) or [
            urljoin(home_url, "sitemap.xml"),
            urljoin(home_url, "/sitemap.xml"),
        ]
        locs: list[str] = []
        for sitemap in list(dict.fromkeys(maps))[:MAX_SITEMAPS]:
            page = prober.fetch(sitemap)
            if page.status == 200 and not page.error:
                locs += [urljoin(sitemap, loc) for loc in sitemap_urls(page.body)]
        found = collect_candidates(
            home, home_url, sitemap_locs=locs, feeds=feed_links(home, home_url)
        )
        ranked = rank(found.values(), min_score=0.0)
        for candidate in ranked[:follow]:
            page = prober.fetch(candidate.url)
            if page.error or not 200 <= page.status < 300:
                found[candidate.url] = with_listing(
                    candidate, None, page.error or f"HTTP {page.status}"
                )
                continue
            try:
                read = read_listing(page.body, page.final_url or page.url, page.content_type)
            except Exception as exc:  # an unreadable candidate sinks, it does not stop discovery
                found[candidate.url] = with_listing(candidate, None, f"unreadable ({exc})")
                continue
            found[candidate.url] = with_listing(candidate, len(read.listing.detail_urls))
    today = datetime.now(UTC).date().isoformat()
    click.echo(
        render_registry_yaml(rank(found.values()), url, site_name(home), found_on=today), nl=False
    )
