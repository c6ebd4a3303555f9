"""The report's coverage section (analysis.report.coverage): which sources were crawled in the
month, which yielded, failed, went quiet or silent; the channel registry's reach; and the
section in a real report of a demo crawl's store."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.report.coverage import (
    ChannelRegistry,
    coverage_blocks,
    coverage_month,
    source_coverage,
)
from analysis.report.markdown import render_markdown
from analysis.report.model import Bullets, Table
from crawler.channels import CHANNELS_FILE, count_body_channels, load_channels

COLUMNS = ["run_id", "started_at", "source_id", "health", "listing_pages", "detail_links",
           "notices_new", "errors", "message"]  # fmt: skip


def runs(*rows: tuple[int, str, str, str, int, str | None]) -> pd.DataFrame:
    frame = pd.DataFrame(
        [(r, at, s, h, 1, 10, n, 0, m) for r, at, s, h, n, m in rows], columns=COLUMNS
    )
    frame.attrs["registered"] = {
        "yielding": 2, "silent": 1, "broken": 1, "gone": 1, "quiet": 1, "idle": 1, "empty": 0,
    }  # fmt: skip
    return frame


HISTORY = runs(
    (1, "2026-11-03T02:00:00", "silent", "ok", 4, None),
    (1, "2026-11-03T02:00:00", "broken", "ok", 2, None),
    (1, "2026-11-03T02:00:00", "idle", "ok", 1, None),
    (2, "2026-12-01T02:00:00", "yielding", "ok", 3, None),
    (2, "2026-12-01T02:00:00", "silent", "ok", 0, None),
    (2, "2026-12-01T02:00:00", "broken", "failed", 0, "connection refused"),
    (2, "2026-12-01T02:00:00", "gone", "failing", 0, "all 3 notice pages failed (first: HTTP 404)"),
    (2, "2026-12-01T02:00:00", "quiet", "zero-yield", 0, "list pages held no notice links"),
    (3, "2026-12-02T02:00:00", "yielding", "ok", 1, None),
)


def test_each_source_gets_one_status_for_the_month() -> None:
    found = {
        c.source_id: c for c in source_coverage(HISTORY, "2026-12", HISTORY.attrs["registered"])
    }
    assert {k: v.status for k, v in found.items()} == {
        "yielding": "yielding",  # new notices this month
        "silent": "silent",  # yielded in November, crawled fine in December, nothing new
        "broken": "failed",
        "gone": "failed",  # every notice page 404: failing counts as failed
        "quiet": "quiet",
        "idle": "not crawled",  # has a start URL, no run this month
    }  # "empty" has no start URL: not a channel, not listed
    assert (found["yielding"].runs, found["yielding"].notices_new, found["yielding"].channels) == (
        2, 4, 2,
    )  # fmt: skip
    assert found["gone"].message == "all 3 notice pages failed (first: HTTP 404)"


def test_a_source_that_never_yielded_is_not_silent_but_has_nothing_new() -> None:
    only = runs((1, "2026-12-01T00:00:00", "silent", "ok", 0, None))
    assert source_coverage(only, "2026-12", {"silent": 1})[0].status == "nothing new"


@pytest.mark.parametrize(
    ("month", "expected"), [("2026-12", "2026-12"), ("2026-11", "2026-11"), ("2025-06", "2026-12")]
)
def test_coverage_month_is_the_report_month_or_the_latest_crawled(
    month: str, expected: str
) -> None:
    assert coverage_month(HISTORY, month) == expected


def test_section_names_failed_silent_and_quiet_sources() -> None:
    registry = ChannelRegistry(
        74, 73, 3, (("aggregator", 46), ("wechat_account", 2), ("site_list", 0))
    )
    blocks = coverage_blocks(HISTORY, "2026-12", registry)
    text = render_markdown("t", "s", blocks, {})
    bullets = next(b for b in blocks if isinstance(b, Bullets)).items
    assert bullets[0].startswith(
        "Channel registry: 73 of 74 registered bodies have a recruitment channel; 3 have"
    )
    assert "Their channels by kind: aggregator 46, wechat\\_account 2." in text
    assert (
        "5 of 6 sources with start URLs crawled, 6 of 7 channels (start URLs); 1 yielded"
        in bullets[1]
    )
    assert bullets[2] == "Failed (no list page, or every notice page failing): broken, gone."
    assert bullets[3].endswith(": silent.") and bullets[4].endswith(": quiet.")
    table = next(b for b in blocks if isinstance(b, Table))
    assert [row[0] for row in table.rows] == [
        "broken",
        "gone",
        "silent",
        "quiet",
        "idle",
        "yielding",
    ]


def test_section_without_runs_says_so_and_without_anything_is_left_out() -> None:
    empty = pd.DataFrame(columns=COLUMNS)
    blocks = coverage_blocks(empty, "2026-12", None)
    assert "No crawl run recorded yet." in render_markdown("t", "s", blocks, {})
    assert coverage_blocks(None, "2026-12", None) == []


def test_the_bundled_channel_registry_counts() -> None:
    counted = count_body_channels(load_channels(CHANNELS_FILE))
    channels = load_channels(CHANNELS_FILE)
    assert counted.bodies == len(channels.bodies)
    assert counted.with_channel == sum(1 for b in channels.bodies if b.channels)
    assert counted.with_own_channel >= 3
    assert sum(n for _, n in counted.by_kind) == sum(len(b.channels) for b in channels.bodies)
