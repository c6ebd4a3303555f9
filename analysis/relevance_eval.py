"""Quality gate of the relevance filter: precision and recall on real labelled notice titles.

Input: tests/gold/relevance_titles.yaml (real titles from portals and aggregators, labelled and
split once into dev and test) and the registry's names (../shared/registry/iccs.jsonl and the
`name`/`employer` of crawler/sources.yaml, read as data). Output: dev and test scores side by side
and the dev disagreements, printed by `python -m analysis.relevance_eval`.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from analysis.relevance import Relevance, is_relevant
from analysis.scoring import Score

__all__ = [
    "DEFAULT_GOLD",
    "DEFAULT_REGISTRY",
    "DEFAULT_SOURCES",
    "GoldTitle",
    "Miss",
    "evaluate",
    "format_report",
    "load_gold_titles",
    "load_registry_names",
    "main",
]

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_GOLD = ROOT / "tests" / "gold" / "relevance_titles.yaml"
DEFAULT_REGISTRY = ROOT.parent / "shared" / "registry" / "iccs.jsonl"
DEFAULT_SOURCES = ROOT / "crawler" / "sources.yaml"
SPLITS = ("dev", "test")


@dataclass(frozen=True, slots=True)
class GoldTitle:
    """One labelled real notice title."""

    title: str
    url: str
    employer: str | None
    provenance: str
    relevant: bool
    why: str
    split: str


@dataclass(frozen=True, slots=True)
class Miss:
    """A gold title the filter got wrong, with what it decided."""

    gold: GoldTitle
    got: Relevance


def load_gold_titles(path: Path = DEFAULT_GOLD) -> list[GoldTitle]:
    """Read the labelled titles (I/O only)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [GoldTitle(**row) for row in data["titles"]]


def load_registry_names(
    registry: Path = DEFAULT_REGISTRY, sources: Path = DEFAULT_SOURCES
) -> tuple[str, ...]:
    """Body names and aliases from the registry and the crawl's sources file (I/O only)."""
    names: list[str] = []
    if registry.exists():
        for line in registry.read_text(encoding="utf-8").splitlines():
            if line.strip():
                body = json.loads(line)
                names += [body.get("name_zh") or "", body.get("name_en") or ""]
                names += [*body.get("aliases", []), *body.get("brands_accounts", [])]
    if sources.exists():
        for source in yaml.safe_load(sources.read_text(encoding="utf-8"))["sources"]:
            names += [source.get("name") or "", source.get("employer") or ""]
            names += [source.get("employer_en") or "", *(source.get("accounts") or [])]
    return tuple(sorted({n for n in names if n}))


def evaluate(
    gold: Iterable[GoldTitle], registry_names: Sequence[str] = ()
) -> tuple[dict[str, Score], list[Miss]]:
    """Score every split; return the scores and every disagreement (callers show dev only)."""
    names = tuple(registry_names)
    scores = {split: Score("relevant", "f1") for split in SPLITS}
    misses: list[Miss] = []
    for g in gold:
        got = is_relevant(g.title, g.employer, registry_names=names)
        s = scores.setdefault(g.split, Score("relevant", "f1"))
        s.total += 1  # titles scored
        s.add_bool(g.relevant, got.relevant)
        if got.relevant != g.relevant:
            misses.append(Miss(g, got))
    return scores, misses


def format_report(scores: dict[str, Score], misses: Iterable[Miss]) -> str:
    """Dev and test side by side, then the dev misses (test stays frozen: never listed)."""
    lines = [f"{'split':<6}{'n':>5}{'tp':>5}{'fp':>5}{'fn':>5}{'precision':>11}{'recall':>8}"]
    for split, s in scores.items():
        lines.append(
            f"{split:<6}{s.total:>5}{s.tp:>5}{s.fp:>5}{s.fn:>5}{s.precision:>11.3f}{s.recall:>8.3f}"
        )
    dev = [m for m in misses if m.gold.split == "dev"]
    lines.append(f"\ndev misses ({len(dev)}):")
    for m in dev:
        kind = "fn" if m.gold.relevant else "fp"
        span = m.got.evidence.text if m.got.evidence else ""
        lines.append(
            f"  {kind} {m.gold.title} | employer={m.gold.employer} | {m.got.reason} {span}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the relevance filter's precision and recall on the labelled titles."""
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="example: python -m analysis.relevance_eval",
    )
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--registry", type=Path, default=DEFAULT_REGISTRY)
    parser.add_argument("--sources", type=Path, default=DEFAULT_SOURCES)
    args = parser.parse_args(argv)
    names = load_registry_names(args.registry, args.sources)
    scores, misses = evaluate(load_gold_titles(args.gold), names)
    print(format_report(scores, misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
