"""Report stage: the data-quality section (crawl runs, per-source crawl health, gaps in the data).

Input: the `positions` / `findings` frames, the month's figures, the crawl runs and the source
health of `analysis.store.health.load_source_health`.
Output: the section's blocks.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from analysis.report.model import (
    NONE,
    Block,
    Bullets,
    Heading,
    Paragraph,
    Table,
    fmt_count,
    fmt_date,
    plain,
    plural,
)
from analysis.trends import MonthFigures


def _yield(r: pd.Series) -> int:
    """What a source yielded: its notices and its sightings (reposts of a notice stored from
    another source are found notices too, counted apart; docs/DATA_DICTIONARY.md, Counts)."""
    return int(r["notices"]) + int(r.get("sightings", 0) or 0)


def _source_status(r: pd.Series) -> str:
    if int(r["pages"]) == 0:
        return "never crawled"
    if int(r["errors"]) and not _yield(r):
        return "failing"
    if not _yield(r):
        return "zero yield"
    return "errors" if int(r["errors"]) else "ok"


def _latest_run_sentence(stats: dict[str, Any]) -> str | None:
    """The latest run's counts as the crawl printed them (`stats["counts"]`, the store's
    `RunCounts`); runs saved before the counts existed fall back to Scrapy's counters."""
    if not stats:
        return None
    counts = stats.get("counts")
    if isinstance(counts, dict):
        parts = [
            (counts.get("listing_pages"), "listing pages"),
            (counts.get("notice_pages"), "notice pages"),
            (counts.get("notices_new"), "new notices"),
            (counts.get("positions_new"), "new positions"),
            (counts.get("sightings"), "sightings"),
            (counts.get("gated"), "gated"),
            (stats.get("icc/page/known_skipped"), "already stored and skipped"),
            (counts.get("unavailable"), "unavailable"),
            (stats.get("errors", counts.get("errors")), "errors"),
        ]
    else:
        parts = [
            (stats.get("icc/page/listing"), "listing pages"),
            (stats.get("icc/page/notice"), "notice pages"),
            (stats.get("icc/page/known_skipped"), "already stored and skipped"),
            (stats.get("icc/page/unavailable"), "unavailable"),
            (stats.get("icc/page/error"), "errors"),
        ]
    known = [f"{label} {int(n):,}" for n, label in parts if isinstance(n, int | float)]
    if not known:
        return None
    return f"Latest crawl run #{stats['run_id']}: " + ", ".join(known) + "."


def source_health_blocks(sources: pd.DataFrame | None) -> list[Block]:
    """Sources crawled, failures and zero-yield sources, one row per registered source."""
    if sources is None:
        return []
    if sources.empty:
        return [Paragraph("No sources registered in the store.")]
    frame = sources.assign(status=sources.apply(_source_status, axis=1))
    crawled = int((frame["pages"] > 0).sum())
    failing = frame[frame["status"] == "failing"]
    zero = frame[frame["status"] == "zero yield"]
    never = frame[frame["status"] == "never crawled"]
    bullets = [
        f"{crawled:,} of {plural(len(frame), 'registered source')} crawled; "
        f"{plural(int(frame['errors'].sum()), 'page')} failed, "
        f"{plural(int(frame['unavailable'].sum()), 'notice')} no longer available.",
        "Zero-yield sources (crawled, no notice or sighting stored): "
        + (", ".join(zero["source_id"].astype(str)) or "none")
        + ".",
        "Failing sources (errors and no notice): "
        + (", ".join(failing["source_id"].astype(str)) or "none")
        + ".",
    ]
    if len(never):
        bullets.append("Never crawled: " + ", ".join(never["source_id"].astype(str)) + ".")
    sentence = _latest_run_sentence(sources.attrs.get("latest_run_stats") or {})
    if sentence:
        bullets.append(sentence)
    rows = tuple(
        (
            plain(r["source_id"]),
            plain(r["name"]) or NONE,
            plain(r["province"]) or NONE,
            fmt_count(r["pages"]),
            fmt_count(r["notices"]),
            fmt_count(r["positions"]),
            fmt_count(r.get("sightings", 0)),
            fmt_count(r["unavailable"]),
            fmt_count(r["errors"]),
            fmt_date(r["last_fetch"]),
            r["status"] + (f": {plain(r['last_error'])[:80]}" if plain(r["last_error"]) else ""),
        )
        for _, r in frame.sort_values(["status", "source_id"]).iterrows()
    )
    headers = ("Source", "Name", "Province", "Pages", "Notices", "Positions", "Sightings",
               "Unavailable", "Errors", "Last fetch", "Status")  # fmt: skip
    return [
        Heading("Sources", 3),
        Bullets(tuple(bullets)),
        Table(headers, rows, numeric=frozenset({3, 4, 5, 6, 7, 8})),
    ]


_RUN_COLUMNS = (
    ("run_id", "Run"),
    ("started_at", "Started"),
    ("finished_at", "Finished"),
    ("status", "Status"),
    ("pages", "Pages"),
    ("notices_new", "New notices"),
    ("positions_new", "New positions"),
    ("errors", "Errors"),
)


def _run_cell(column: str, value: Any) -> str:
    if column in ("started_at", "finished_at"):
        stamp = pd.to_datetime(value, errors="coerce")
        return NONE if pd.isna(stamp) else stamp.strftime("%Y-%m-%d %H:%M")
    return plain(value) or NONE


def _runs_blocks(runs: pd.DataFrame | None) -> list[Block]:
    if runs is None or runs.empty:
        return [Paragraph("No crawl runs recorded.")]
    columns = [(c, label) for c, label in _RUN_COLUMNS if c in runs.columns]
    pages = int(pd.to_numeric(runs.get("pages"), errors="coerce").fillna(0).sum())
    errors = int(pd.to_numeric(runs.get("errors"), errors="coerce").fillna(0).sum())
    rows = tuple(
        tuple(_run_cell(c, r[c]) for c, _ in columns)
        for _, r in runs.tail(10).iloc[::-1].iterrows()
    )
    numeric = frozenset(i for i, (c, _) in enumerate(columns) if c not in ("started_at",
                        "finished_at", "status"))  # fmt: skip
    summary = f"{len(runs):,} crawl runs recorded: {pages:,} pages fetched, {errors:,} errors."
    if len(runs) > 10:
        summary += " The 10 latest:"
    return [Paragraph(summary), Table(tuple(label for _, label in columns), rows, numeric)]


def data_quality_section(
    positions: pd.DataFrame,
    findings: pd.DataFrame,
    figures: MonthFigures,
    runs: pd.DataFrame | None,
    sources: pd.DataFrame | None = None,
) -> list[Block]:
    """Crawl runs, source health, and what the positions lack (date, deadline, province…)."""
    total = len(positions)
    blocks: list[Block] = [Heading("Data quality"), *_runs_blocks(runs)]
    blocks += source_health_blocks(sources)
    if not total:
        return blocks
    undated = int(figures.months.isna().sum())
    no_deadline = int(pd.to_datetime(positions["deadline"], errors="coerce").isna().sum())
    no_province = int(positions["province"].isna().sum())
    no_headcount = int(pd.to_numeric(positions["headcount"], errors="coerce").isna().sum())
    bare = int((~positions["position_id"].isin(set(findings["position_id"]))).sum())
    notices = positions["notice_id"].nunique()
    blocks.append(
        Bullets(
            (
                f"{total:,} positions in {notices:,} notices in the store.",
                f"{undated:,} positions without a publication date (left out of monthly figures).",
                f"{no_deadline:,} without a deadline (never counted as open).",
                f"{no_province:,} without a province; {no_headcount:,} without a headcount.",
                f"{bare:,} positions with no finding at all (text too short or not parsed).",
            )
        )
    )
    return blocks
