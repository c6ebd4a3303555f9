"""Report stage: the coverage section (which bodies have a recruitment channel, which channels
were crawled in the month, which yielded notices, which failed or went silent).

Input: the judged source runs (`analysis.store.health.load_source_runs`), the report month and
a summary of the channel registry (`ChannelRegistry`, built by the CLI from crawler/channels.yaml).
Output: the section's blocks. Pure: no SQL, no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from analysis.report.model import Block, Bullets, Heading, Paragraph, Table, plain, plural

FAILED = ("failed", "failing")
QUIET = ("zero-yield", "low-yield")


@dataclass(frozen=True, slots=True)
class ChannelRegistry:
    """What the channel registry holds (counted by the CLI: `analysis/` never reads crawler/)."""

    bodies: int
    with_channel: int  # bodies with at least one channel (their own or inherited)
    with_own_channel: int  # bodies with a channel found for the body itself (no `via`)
    by_kind: tuple[tuple[str, int], ...] = ()  # channels of the bodies, per kind


@dataclass(frozen=True, slots=True)
class SourceCoverage:
    """One source's crawling in the coverage month."""

    source_id: str
    channels: int  # its start URLs
    runs: int
    notices_new: int
    health: str  # its latest judgement in the month
    status: str  # yielding | silent | failed | quiet | nothing new | not crawled
    message: str | None = None
    sightings: int = 0  # reposts of another source's notice it linked (not new notices)


def coverage_month(runs: pd.DataFrame, month: str) -> str | None:
    """The crawl month the section describes: the report month when runs were made in it, else
    the latest month with runs (a report of past notices is usually written after a new crawl)."""
    if runs.empty:
        return None
    months = runs["started_at"].astype(str).str[:7]
    return month if (months == month).any() else str(months.max())


def source_coverage(
    runs: pd.DataFrame, month: str, registered: dict[str, int]
) -> list[SourceCoverage]:
    """Each registered source with start URLs (and each source with runs) in `month`."""
    in_month = runs[runs["started_at"].astype(str).str[:7] == month]
    earlier = runs[runs["started_at"].astype(str).str[:7] < month]
    earlier_yield = earlier["notices_new"] + _sightings(earlier)
    yielded_before = set(earlier.loc[earlier_yield > 0, "source_id"].astype(str))
    ids = sorted({k for k, n in registered.items() if n} | set(in_month["source_id"].astype(str)))
    grouped = {str(k): g for k, g in in_month.groupby("source_id")}
    found = []
    for source_id in ids:
        group = grouped.get(source_id)
        channels = registered.get(source_id, 0)
        if group is None or (group["health"] == "no-start-url").all():
            found.append(SourceCoverage(source_id, channels, 0, 0, "", "not crawled"))
            continue
        latest = group.iloc[-1]
        new = int(group["notices_new"].sum())
        seen = int(_sightings(group).sum())
        health = str(latest["health"])
        status = _status(health, new + seen, source_id in yielded_before)
        message = plain(latest["message"]) or None
        found.append(
            SourceCoverage(source_id, channels, len(group), new, health, status, message, seen)
        )
    return found


def _sightings(runs: pd.DataFrame) -> pd.Series:
    """Sightings per run (zero for a frame without the column)."""
    if "sightings" not in runs.columns:
        return pd.Series(0, index=runs.index)
    return pd.to_numeric(runs["sightings"], errors="coerce").fillna(0).astype(int)


def _status(health: str, found: int, yielded_before: bool) -> str:
    """`found`: the month's new notices and sightings (a repost is a found notice too)."""
    if found:
        return "yielding"
    if health in FAILED:
        return "failed"
    if health in QUIET:
        return "quiet"
    return "silent" if yielded_before else "nothing new"


def registry_bullets(registry: ChannelRegistry | None) -> list[str]:
    if registry is None:
        return []
    kinds = ", ".join(f"{kind} {n:,}" for kind, n in registry.by_kind if n)
    return [
        f"Channel registry: {registry.with_channel:,} of {registry.bodies:,} registered bodies have "
        f"a recruitment channel; {registry.with_own_channel:,} have one of their own "
        "(the rest rely on their province's or city's personnel portal and on aggregators)."
        + (f" Their channels by kind: {kinds}." if kinds else "")
    ]


def coverage_blocks(
    runs: pd.DataFrame | None, month: str, registry: ChannelRegistry | None = None
) -> list[Block]:
    """The coverage section: the registry's reach, then the month's crawling per source."""
    if runs is None and registry is None:
        return []
    blocks: list[Block] = [Heading("Coverage")]
    bullets = registry_bullets(registry)
    crawl_month = coverage_month(runs, month) if runs is not None else None
    if runs is None or crawl_month is None:
        blocks.append(Bullets((*bullets, "No crawl run recorded yet.")))
        return blocks
    rows = source_coverage(runs, crawl_month, dict(runs.attrs.get("registered") or {}))
    crawled = [r for r in rows if r.status != "not crawled"]

    def named(status: Sequence[str]) -> str:
        picked = [r.source_id for r in rows if r.status in status]
        return ", ".join(picked) if picked else "none"

    bullets += [
        f"Crawl month {crawl_month}"
        + ("" if crawl_month == month else f" (the latest with crawl runs; the report is {month})")
        + f": {len(crawled):,} of {plural(len(rows), 'source')} with start URLs crawled, "
        f"{sum(r.channels for r in crawled):,} of {plural(sum(r.channels for r in rows), 'channel')} "
        f"(start URLs); {sum(r.status == 'yielding' for r in rows):,} yielded new notices "
        "or sightings (reposts of a notice stored from another source).",
        f"Failed (no list page, or every notice page failing): {named(FAILED)}.",
        f"Went silent (new notices in earlier months, none this month): {named(('silent',))}.",
        f"List pages without the usual notice links (zero or low yield): {named(('quiet',))}.",
        f"Not crawled this month: {named(('not crawled',))}.",
    ]
    blocks.append(Bullets(tuple(bullets)))
    table_rows = tuple(
        (
            r.source_id,
            f"{r.channels:,}",
            f"{r.runs:,}",
            f"{r.notices_new:,}",
            f"{r.sightings:,}",
            r.status + (f": {r.message[:80]}" if r.message and r.status != "yielding" else ""),
        )
        for r in sorted(rows, key=lambda r: (_ORDER.get(r.status, 9), r.source_id))
    )
    headers = ("Source", "Start URLs", "Runs", "New notices", "Sightings", "Status")
    blocks.append(Table(headers, table_rows, numeric=frozenset({1, 2, 3, 4})))
    if not crawled:
        blocks.append(Paragraph("No source with a start URL was crawled in the month.", note=True))
    return blocks


_ORDER = {"failed": 0, "silent": 1, "quiet": 2, "not crawled": 3, "nothing new": 4, "yielding": 5}
