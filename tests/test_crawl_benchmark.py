"""The crawl benchmark's helpers (the benchmark itself is a command, not a test): copies of the
mirror get their own source ids and host names; the run timeline spans first request to last item.
"""

from __future__ import annotations

from benchmarks.crawl_benchmark import copied_sources
from crawler.run import Timeline
from crawler.sources import load_sources
from mirror import SOURCES_PATH as MIRROR_SOURCES


def test_copies_have_their_own_ids_and_hosts() -> None:
    sources = copied_sources(3)["sources"]
    originals = load_sources(MIRROR_SOURCES)
    assert len(sources) == 3 * len(originals)
    assert len({s["id"] for s in sources}) == len(sources)
    assert [s["id"] for s in sources[: len(originals)]] == [s.id for s in originals]
    hosts = {u.split("/")[2] for s in sources for u in s["start_urls"]}
    assert hosts == {f"c{i}.mirror.icc-talent.test" for i in (1, 2, 3)}


def test_timeline_runs_from_the_first_request_to_the_last_item() -> None:
    timeline = Timeline()
    assert timeline.seconds == 0.0
    timeline.request_sent()
    first = timeline.first_request
    timeline.request_sent()
    assert timeline.first_request == first
    timeline.item_done()
    assert timeline.seconds >= 0.0 and timeline.last_item is not None
