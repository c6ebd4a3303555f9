"""Serve stage for real saved pages: the routes that put ../shared/samples at their real URLs.

Input: a sample catalogue (tests/real_pages/expectations.yaml: file, real URL, Content-Type,
source), the source list that reaches them, and the samples folder (read at serve time).
Output: `Route`s for `mirror.server.serve_mirror(routes=...)`: every sample's bytes unchanged,
plus the list pages we generate where a sample has no real list page (links only, no text).
"""

from __future__ import annotations

import datetime as dt
import html
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from mirror.server import Route

GENERATED_HOST = "samples.icc-talent.test"  # start pages that we write, not the sites


@dataclass(frozen=True, slots=True)
class Sample:
    """One real saved page (or feed) and what a reader finds on it."""

    id: str
    file: str
    url: str
    content_type: str
    source: str
    url_known: bool = True
    trap: str = ""
    expect: Mapping[str, Any] = field(default_factory=dict)


SAMPLES_ENV = "ICC_SAMPLES_DIR"  # overrides the default (a git worktree sits elsewhere)


def samples_dir(repo: Path) -> Path:
    """Where the third-party samples live: `<repo>/../shared/samples`, beside the repository
    and never inside it, unless $ICC_SAMPLES_DIR names another folder."""
    override = os.environ.get(SAMPLES_ENV)
    return Path(override) if override else repo / ".." / "shared" / "samples"


def _plain(value: Any) -> Any:
    """YAML reads 2026-01-25 as a date: keep every expected value a plain string."""
    return value.isoformat() if isinstance(value, dt.date) else value


def load_samples(path: Path) -> list[Sample]:
    """Read the sample catalogue."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    samples = []
    for entry in data["samples"]:
        expect = {key: _plain(value) for key, value in (entry.get("expect") or {}).items()}
        samples.append(
            Sample(
                id=entry["id"],
                file=entry["file"],
                url=entry["url"],
                content_type=entry["content_type"],
                source=entry["source"],
                url_known=bool(entry.get("url_known", True)),
                trap=entry.get("trap", ""),
                expect=expect,
            )
        )
    return samples


def render_link_list(title: str, urls: Sequence[str]) -> bytes:
    """A minimal HTML list page linking each URL (link text = a neutral ordinal)."""
    items = "\n".join(
        f'<li><a href="{html.escape(url)}">sample {n}</a></li>' for n, url in enumerate(urls, 1)
    )
    page = (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>\n"
        f'<body><ul class="samples">\n{items}\n</ul></body></html>\n'
    )
    return page.encode("utf-8")


def render_url_list(urls: Sequence[str]) -> bytes:
    """A plain-text list of article URLs, one a line (what `kind: wechat` sources read)."""
    return ("".join(f"{url}\n" for url in urls)).encode("utf-8")


def generated_route(start_url: str, urls: Sequence[str]) -> Route:
    if urlsplit(start_url).path.endswith(".txt"):
        return Route("text/plain; charset=utf-8", body=render_url_list(urls))
    return Route("text/html; charset=utf-8", body=render_link_list(start_url, urls))


def build_routes(
    samples: Sequence[Sample], sources: Sequence[Mapping[str, Any]], root: Path
) -> dict[str, Route]:
    """Every sample at its real URL (bytes read from `root` on request), and a generated list
    for each start URL on GENERATED_HOST linking the samples of that source."""
    routes = {s.url: Route(s.content_type, path=root / s.file) for s in samples}
    for source in sources:
        members = [s.url for s in samples if s.source == source["id"]]
        for start_url in source.get("start_urls") or []:
            if urlsplit(start_url).hostname == GENERATED_HOST:
                routes[start_url] = generated_route(start_url, members)
    return routes
