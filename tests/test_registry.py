"""crawler/registry.py: re-seeding the source registry from the shared facts keeps the hand-added bodies."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from crawler.registry import HAND_ADDED, build_registry, hand_added, main, start_url_of

REPO = Path(__file__).resolve().parents[1]
FACT = (
    '{"id": "x-icc", "name_zh": "某国际传播中心", "name_en": "X ICC", "level": "municipal",'
    ' "province": "Zhejiang", "city": "Hangzhou", "parent_org": null, "websites":'
    ' ["www.x-icc.cn (its site)"], "brands_accounts": [], "sources": [{"source": "seed:1"}]}\n'
)
BY_HAND = {
    "id": "y-icc",
    "name": "某某国际传播中心",
    "kind": "cms",
    "start_urls": [],
    "level": "municipal",
    "provenance": {"registry": HAND_ADDED, "sources": ["https://example.org/launch"]},
}


def test_start_url_of_a_stated_website() -> None:
    assert (
        start_url_of("www.ichongqing.info (iChongqing; English)") == "https://www.ichongqing.info/"
    )
    assert start_url_of("iChongqing app") is None


def test_reseeding_keeps_the_bodies_added_by_hand(tmp_path: Path) -> None:
    facts = tmp_path / "iccs.jsonl"
    facts.write_text(FACT, "utf-8")
    current = tmp_path / "sources.yaml"
    seeded = {
        "id": "x-icc",
        "name": "old",
        "provenance": {"registry": "shared/registry/iccs.jsonl"},
    }
    current.write_text(yaml.safe_dump({"sources": [seeded, BY_HAND]}, allow_unicode=True), "utf-8")
    registry = build_registry(facts, current)
    assert [s["id"] for s in registry["sources"]] == ["x-icc", "y-icc"]
    assert registry["sources"][0]["name"] == "某国际传播中心"  # seeded entries are re-seeded
    assert registry["sources"][0]["start_urls"] == ["https://www.x-icc.cn/"]
    assert registry["sources"][1] == BY_HAND
    assert hand_added(registry) == [BY_HAND]


def test_a_body_added_by_hand_never_shadows_a_seeded_one(tmp_path: Path) -> None:
    facts = tmp_path / "iccs.jsonl"
    facts.write_text(FACT, "utf-8")
    current = tmp_path / "sources.yaml"
    clash = {**BY_HAND, "id": "x-icc"}
    current.write_text(yaml.safe_dump({"sources": [clash]}, allow_unicode=True), "utf-8")
    assert [s["id"] for s in build_registry(facts, current)["sources"]] == ["x-icc"]


def test_the_shipped_registry_is_the_shared_facts_plus_the_bodies_added_by_hand(
    shared_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The command of the module docstring reproduces crawler/sources.yaml byte for byte.
    sources = REPO / "crawler" / "sources.yaml"
    assert main([str(shared_dir / "registry" / "iccs.jsonl"), "--keep", str(sources)]) == 0
    assert capsys.readouterr().out == sources.read_text("utf-8")
