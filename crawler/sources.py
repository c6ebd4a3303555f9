"""Crawl stage: the source registry (which sites to crawl, and who is hiring there).

Input: a YAML file of sources (`crawler/sources.yaml`, or the offline mirror's `sources.yaml`).
Output: plain dicts with absolute start URLs, validated, ready for the spiders and the store.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import yaml

SOURCE_KINDS = ("cms", "wechat", "jobboard")
REGISTRY_SOURCES = Path(__file__).parent / "sources.yaml"


class SourceError(ValueError):
    """A source registry that cannot be used; the message names the file and entry."""


def load_sources(path: Path | str, *, base_url: str | None = None) -> list[dict[str, Any]]:
    """Read and validate a source registry; relative start URLs are joined to `base_url`."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SourceError(f"cannot read sources from {path}: {exc}") from exc
    entries = data.get("sources", data) if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise SourceError(f"{path}: expected a list of sources")
    return [normalise_source(entry, path, base_url) for entry in entries]


def normalise_source(entry: Any, path: Path, base_url: str | None) -> dict[str, Any]:
    if not isinstance(entry, dict) or not entry.get("id"):
        raise SourceError(f"{path}: every source needs an `id` (got {entry!r:.80})")
    kind = entry.get("kind", "cms")
    if kind not in SOURCE_KINDS:
        raise SourceError(f"{path}: source {entry['id']}: unknown kind {kind!r}")
    source = dict(entry)
    source["kind"] = kind
    urls = entry.get("start_urls") or []
    if isinstance(urls, str):
        urls = [urls]
    source["start_urls"] = [urljoin(base_url, u) if base_url else u for u in urls]
    return source
