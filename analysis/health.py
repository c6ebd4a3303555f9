"""Analyse stage: judge one crawl run of one source (ok, failed, failing, zero-yield, low-yield,
no-start-url).

Input: the run's counts for the source (`SourceCounts`) and the source's earlier yields (notice
links per list page of its latest healthy runs), as plain values. Output: a `SourceRun`, the
counts with their judgement and a message for the user. Pure: no SQL, no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

LOW_YIELD_SHARE = 0.25  # a source below this share of its usual links per list page is flagged
USUAL_YIELD_RUNS = 12  # the usual yield is the median over at most this many latest runs
# Runs whose yield counts toward the usual one: a failed or zero-yield run says the site or the
# selectors broke, not how many notices the source usually lists.
USUAL_YIELD_HEALTH = ("ok", "low-yield")


@dataclass(frozen=True, slots=True)
class SourceCounts:
    """What one run fetched and stored from one source."""

    source_id: str
    listing_pages: int
    detail_links: int  # notice links found on the list pages
    pages: int
    notices_new: int
    positions_new: int
    errors: int
    first_error: str | None = None
    # Detail (notice) pages of the run: fetched and read, and failed (HTTP 404, timeout …).
    # A list page that still lists notices whose pages all fail is a broken source, not a quiet one.
    detail_pages: int = 0
    detail_errors: int = 0


@dataclass(frozen=True, slots=True)
class SourceRun:
    source_id: str
    listing_pages: int
    detail_links: int
    pages: int
    notices_new: int
    positions_new: int
    errors: int
    health: str  # ok | zero-yield | low-yield | failing | failed | no-start-url
    message: str | None = None


def usual_yield(history: Sequence[float]) -> float | None:
    """The usual notice links per list page: the (upper) median of earlier runs, None without any."""
    if not history:
        return None
    return sorted(history)[len(history) // 2]


def judge_source_run(
    counts: SourceCounts, history: Sequence[float], *, has_start: bool
) -> SourceRun:
    """Judge one source's run; `history` holds its earlier yields (links per list page)."""
    if not has_start:
        return _verdict(counts, "no-start-url", "no start URL: fill one in")
    if not counts.listing_pages:
        if counts.errors or counts.pages == 0:
            return _verdict(counts, "failed", counts.first_error or "nothing fetched")
        return _verdict(counts, "ok", counts.first_error)  # only resumed detail pages this time
    if not counts.detail_links:
        return _verdict(counts, "zero-yield", "list pages held no notice links (selectors?)")
    if counts.detail_errors and not counts.detail_pages:
        return _verdict(counts, "failing", _all_details_failed(counts))
    rate = counts.detail_links / counts.listing_pages
    usual = usual_yield(history)
    if usual is not None and rate < LOW_YIELD_SHARE * usual:
        return _verdict(
            counts, "low-yield", f"{rate:.1f} notice links per list page, usually {usual:.1f}"
        )
    return _verdict(counts, "ok", counts.first_error)


def _all_details_failed(counts: SourceCounts) -> str:
    n = counts.detail_errors
    pages = "the one notice page" if n == 1 else f"all {n} notice pages"
    first = f" (first: {counts.first_error})" if counts.first_error else ""
    return f"{pages} failed{first}"


def _verdict(counts: SourceCounts, health: str, message: str | None) -> SourceRun:
    return SourceRun(
        counts.source_id,
        counts.listing_pages,
        counts.detail_links,
        counts.pages,
        counts.notices_new,
        counts.positions_new,
        counts.errors,
        health,
        message,
    )
