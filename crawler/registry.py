"""Crawl stage: seed the source registry from the shared ICC fact file.

Input: `iccs.jsonl` (facts about ICCs and central bodies, with sources and quotes).
Output: `crawler/sources.yaml` entries (`Source` records written as YAML); known sites become start URLs, bodies without a known
site are listed (with their accounts) but have no start URL until a user fills one in. Bodies added by
hand (provenance.registry = HAND_ADDED, with the public pages that name them) are carried over from
the current file. Run: `python -m crawler.registry ../shared/registry/iccs.jsonl --keep
crawler/sources.yaml > /tmp/sources.yaml && mv /tmp/sources.yaml crawler/sources.yaml`.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

from analysis.provinces import normalise_province
from analysis.source import Source, SourceProvenance

# provenance.registry of a body added by hand; its provenance.sources name the public pages.
HAND_ADDED = "crawler/sources.yaml (added by hand)"
_DOMAIN = re.compile(r"^((?:[a-z0-9-]+\.)+[a-z]{2,})", re.IGNORECASE)
LEVELS = {"district-county": "county"}


def start_url_of(website: str) -> str | None:
    """'www.ichongqing.info (iChongqing; …)' → 'https://www.ichongqing.info/'."""
    match = _DOMAIN.match(website.strip())
    return f"https://{match.group(1).lower()}/" if match else None


def source_from_fact(fact: dict[str, Any]) -> Source:
    urls = [u for u in (start_url_of(w) for w in fact.get("websites", [])) if u]
    return Source(
        id=fact["id"],
        name=fact.get("name_zh") or fact.get("name_en") or fact["id"],
        kind="cms",
        start_urls=tuple(urls),
        employer=fact.get("name_zh"),
        employer_en=fact.get("name_en"),
        level=LEVELS.get(fact.get("level") or "", fact.get("level")),
        province=normalise_province(fact.get("province")),
        city=fact.get("city"),
        parent=fact.get("parent_org"),
        accounts=tuple(fact.get("brands_accounts", [])),
        needs_verification=bool(fact.get("needs_verification")),
        provenance=SourceProvenance(
            registry="shared/registry/iccs.jsonl",
            websites_as_stated=tuple(fact.get("websites", [])),
            sources=tuple(s.get("source") for s in fact.get("sources", [])),
        ),
    )


# The keys a seeded entry is written with, in this order (the rest are filled in by hand).
REGISTRY_KEYS = (
    "id",
    "name",
    "kind",
    "start_urls",
    "employer",
    "employer_en",
    "level",
    "province",
    "city",
    "parent",
    "accounts",
    "needs_verification",
    "provenance",
)


def registry_entry(source: Source) -> dict[str, Any]:
    """A source as a YAML entry of the registry: plain lists and mappings, keys in order."""
    fields = dataclasses.asdict(source)
    entry = {key: fields[key] for key in REGISTRY_KEYS}
    return json.loads(json.dumps(entry))  # tuples → lists, all the way down


def hand_added(registry: dict[str, Any]) -> list[dict[str, Any]]:
    """The entries of a registry document that were added by hand (kept when re-seeding)."""
    return [
        s
        for s in registry.get("sources", [])
        if (s.get("provenance") or {}).get("registry") == HAND_ADDED
    ]


def build_registry(facts_path: Path, keep: Path | None = None) -> dict[str, Any]:
    """The registry seeded from `facts_path`, followed by the hand-added entries of `keep`."""
    facts = [json.loads(line) for line in facts_path.read_text("utf-8").splitlines() if line]
    seeded = [registry_entry(source_from_fact(f)) for f in facts]
    kept = hand_added(yaml.safe_load(keep.read_text("utf-8"))) if keep else []
    ids = {s["id"] for s in seeded}
    return {
        "version": 1,
        "note": "Seeded from iccs.jsonl (python -m crawler.registry); entries whose "
        f"provenance.registry is '{HAND_ADDED}' were added by hand from the public pages in "
        "their provenance.sources and are kept when the file is re-seeded. Entries with empty "
        "start_urls are not crawled until a recruitment list page or article list is filled in.",
        "sources": [*seeded, *(s for s in kept if s["id"] not in ids)],
    }


def main(argv: list[str] | None = None) -> int:
    """Print the registry seeded from the shared fact file (and the kept hand-added bodies)."""
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="example: python -m crawler.registry ../shared/registry/iccs.jsonl "
        "--keep crawler/sources.yaml > /tmp/sources.yaml",
    )
    parser.add_argument("facts", type=Path, help="iccs.jsonl")
    parser.add_argument("--keep", type=Path, help="a registry whose hand-added bodies are kept")
    args = parser.parse_args(argv)
    registry = build_registry(args.facts, args.keep)
    sys.stdout.write(yaml.safe_dump(registry, allow_unicode=True, sort_keys=False, width=100))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
