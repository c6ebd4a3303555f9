"""Source-run health judgement (analysis.health): a table of runs and what each is judged."""

from __future__ import annotations

import pytest

from analysis.health import (
    SourceCounts,
    SourceRun,
    judge_source_run,
    usual_yield,
)


def counts(
    listing: int = 2,
    links: int = 20,
    pages: int = 12,
    errors: int = 0,
    first_error: str | None = None,
) -> SourceCounts:
    return SourceCounts("yn", listing, links, pages, 3, 5, errors, first_error)


@pytest.mark.parametrize(
    ("run", "history", "has_start", "health", "message"),
    [
        # no start URL wins over everything the run counted
        (counts(), [10.0], False, "no-start-url", "no start URL: fill one in"),
        (
            counts(pages=0, listing=0, links=0),
            [],
            False,
            "no-start-url",
            "no start URL: fill one in",
        ),
        # no list page fetched: failed when nothing came back or something broke
        (counts(listing=0, links=0, pages=0), [], True, "failed", "nothing fetched"),
        (
            counts(listing=0, links=0, pages=1, errors=1, first_error="HTTP 500 from yn.test"),
            [],
            True,
            "failed",
            "HTTP 500 from yn.test",
        ),
        (counts(listing=0, links=0, pages=1, errors=1), [], True, "failed", "nothing fetched"),
        # no list page but detail pages fetched: a resumed run, fine
        (counts(listing=0, links=0, pages=4), [10.0], True, "ok", None),
        # list pages without a single notice link: the selectors broke
        (
            counts(links=0),
            [10.0],
            True,
            "zero-yield",
            "list pages held no notice links (selectors?)",
        ),
        # no history yet: any yield is ok
        (counts(links=1), [], True, "ok", None),
        # 10 per list page against a usual 10: ok
        (counts(links=20), [10.0, 10.0, 9.0], True, "ok", None),
        # exactly a quarter of the usual is not below it
        (counts(listing=4, links=10), [10.0], True, "ok", None),
        # below a quarter of the usual (upper median of 2, 10, 12 is 10)
        (
            counts(listing=2, links=4),
            [12.0, 2.0, 10.0],
            True,
            "low-yield",
            "2.0 notice links per list page, usually 10.0",
        ),
        # an ok run keeps the first error message of the run (a failed detail page)
        (counts(errors=1, first_error="timeout"), [10.0], True, "ok", "timeout"),
    ],
)
def test_judge_source_run(
    run: SourceCounts, history: list[float], has_start: bool, health: str, message: str | None
) -> None:
    judged = judge_source_run(run, history, has_start=has_start)
    assert (judged.health, judged.message) == (health, message)
    assert judged == SourceRun(
        run.source_id,
        run.listing_pages,
        run.detail_links,
        run.pages,
        run.notices_new,
        run.positions_new,
        run.errors,
        health,
        message,
    )


@pytest.mark.parametrize(
    ("history", "usual"),
    [([], None), ([4.0], 4.0), ([1.0, 9.0], 9.0), ([3.0, 1.0, 2.0], 2.0), ([1, 2, 3, 4], 3)],
)
def test_usual_yield_is_the_upper_median(history: list[float], usual: float | None) -> None:
    assert usual_yield(history) == usual
