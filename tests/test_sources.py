"""Source registry: both registries load as typed `Source`s, bad entries are one-line errors
naming the file, the source and the key, and the `sources` table gives back what was saved."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.store import connect, load_stored_sources, save_sources
from crawler.sources import REGISTRY_SOURCES, SourceError, load_sources
from mirror import BASE_URL as MIRROR_BASE_URL
from mirror import SOURCES_PATH as MIRROR_SOURCES


@pytest.mark.parametrize(
    ("path", "base_url"), [(REGISTRY_SOURCES, None), (MIRROR_SOURCES, MIRROR_BASE_URL)]
)
def test_registry_round_trips_through_the_store(
    tmp_path: Path, path: Path, base_url: str | None
) -> None:
    sources = load_sources(path, base_url=base_url)
    conn = connect(tmp_path / "store.sqlite")
    try:
        save_sources(conn, sources)
        assert load_stored_sources(conn) == {s.id: s for s in sources}
    finally:
        conn.close()


def test_mirror_registry_keeps_every_key() -> None:
    by_id = {s.id: s for s in load_sources(MIRROR_SOURCES, base_url=MIRROR_BASE_URL)}
    assert by_id["mirror-agg-tihai"].aggregator is True
    assert by_id["mirror-icc-yunling"].link_keywords == ("招聘", "招考", "选聘", "岗位", "recruit")
    assert by_id["mirror-jobs-silkroad"].detail_selector == "h2.job-title a"
    assert by_id["mirror-wechat-haihe"].start_urls == (
        MIRROR_BASE_URL.rstrip("/") + "/wechat/articles.txt",
    )


def test_seeded_registry_keeps_provenance() -> None:
    cicg = next(s for s in load_sources(REGISTRY_SOURCES) if s.id == "cicg")
    assert cicg.provenance is not None and cicg.provenance.registry.endswith("iccs.jsonl")
    assert cicg.city == "Beijing" and cicg.accounts and cicg.needs_verification is False


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("id: a\n    kind: cms\n    start_url: /x", "source a: unknown key 'start_url'"),
        ("id: a\n    aggregator: 'yes'", "source a: key 'aggregator': expected bool, got str"),
        ("id: a\n    link_keywords: 招聘", "source a: key 'link_keywords': expected a list"),
        ("id: a\n    province: 12", "source a: key 'province': expected str, got int"),
        ("id: a\n    kind: rss", "source a: unknown kind 'rss'"),
        (
            "id: a\n    provenance: {registry: r, site: x}",
            "source a: key 'provenance': unknown key 'site'",
        ),
        ("id: a\n    provenance: {sources: []}", "source a: key 'provenance': missing key"),
        ("name: no id", "every source needs an `id`"),
    ],
)
def test_bad_entry_is_a_one_line_error(tmp_path: Path, entry: str, message: str) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(f"sources:\n  - {entry}\n", encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        load_sources(path)
    text = str(caught.value)
    assert message in text and str(path) in text and "\n" not in text


def test_one_start_url_may_be_a_string(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text("- id: a\n  start_urls: /list.html\n", encoding="utf-8")
    (source,) = load_sources(path, base_url="http://x.test")
    assert source.start_urls == ("http://x.test/list.html",) and source.name == "a"
