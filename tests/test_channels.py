"""crawler/channels.yaml: the file loads, every channel keeps the rules, every body is a known body."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from crawler.channels import _PROVENANCE, KINDS, PROVINCES, load_channels, parse_channels
from crawler.registry import HAND_ADDED, hand_added

REPO = Path(__file__).resolve().parents[1]
CHANNELS = REPO / "crawler" / "channels.yaml"
SOURCES = REPO / "crawler" / "sources.yaml"


@pytest.fixture(scope="module")
def sources() -> dict:
    return yaml.safe_load(SOURCES.read_text("utf-8"))


@pytest.fixture(scope="module")
def doc() -> dict:
    return yaml.safe_load(CHANNELS.read_text("utf-8"))


def all_channels(doc: dict) -> list[dict]:
    portals = doc["portals"]
    areas = [*portals["provinces"].values(), *portals["cities"].values()]
    return [
        *(entry for area in areas for entry in area["entries"]),
        *doc["aggregators"],
        *(channel for body in doc["bodies"] for channel in body["channels"]),
    ]


def test_the_file_loads() -> None:
    channels = load_channels(CHANNELS)
    assert channels.bodies and channels.provinces


def test_every_channel_has_a_kind_a_target_a_provenance_and_a_verified_date_or_null(
    doc: dict,
) -> None:
    for channel in all_channels(doc):
        assert channel["kind"] in KINDS, channel
        assert channel.get("url") or channel.get("account") or channel.get("biz"), channel
        # a public page, a repository file or a search-index id: never free text
        assert _PROVENANCE.match(str(channel.get("provenance") or "")), channel
        assert channel.get("verified") is None or isinstance(channel["verified"], date), channel


def test_every_city_without_a_portal_says_what_was_searched(doc: dict) -> None:
    for key, area in doc["portals"]["cities"].items():
        assert area["entries"] or area.get("not_found"), key
        assert area["count"] == len(area["entries"]), key


def test_all_31_provinces_are_present_found_or_explicitly_not_found(doc: dict) -> None:
    provinces = doc["portals"]["provinces"]
    assert set(provinces) == PROVINCES
    for key, area in provinces.items():
        assert area["entries"] or area.get("not_found"), key
        assert area["count"] == len(area["entries"]), key


def test_a_body_without_channels_says_what_was_searched(doc: dict) -> None:
    for body in doc["bodies"]:
        assert body["channels"] or body.get("not_found"), body["id"]


def test_a_body_with_only_inherited_channels_says_what_was_searched_for_itself(doc: dict) -> None:
    for body in doc["bodies"]:
        if body["channels"] and all(c.get("via") for c in body["channels"]):
            assert body.get("direct_not_found"), body["id"]


def test_the_bodies_are_exactly_the_bodies_of_the_source_registry(doc: dict, sources: dict) -> None:
    # Every registry body has its channels or an explicit not-found, and nothing else is listed.
    known = [source["id"] for source in sources["sources"]]
    assert sorted(body["id"] for body in doc["bodies"]) == sorted(known)


def test_every_body_is_in_the_shared_registry_or_added_by_hand(
    doc: dict, sources: dict, shared_dir: Path
) -> None:
    lines = (shared_dir / "registry" / "iccs.jsonl").read_text("utf-8").splitlines()
    registry = {json.loads(line)["id"] for line in lines if line.strip()}
    by_hand = {source["id"] for source in hand_added(sources)}
    assert not registry & by_hand
    assert {body["id"] for body in doc["bodies"]} <= registry | by_hand


def test_a_body_added_by_hand_names_the_public_pages_that_name_it(sources: dict) -> None:
    added = hand_added(sources)
    assert added  # bodies found beyond the shared registry (docs/SOURCES.md)
    for source in added:
        provenance = source["provenance"]
        assert provenance["registry"] == HAND_ADDED
        assert provenance["sources"], source["id"]
        for page in provenance["sources"]:
            assert _PROVENANCE.match(page), (source["id"], page)
        assert source["name"] and source["level"], source["id"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "telegram"}, "kind"),
        ({"provenance": ""}, "provenance"),
        ({"provenance": "I remember it"}, "provenance"),
        ({"verified": "last week"}, "verified"),
        ({"url": None}, "needs a url"),
        ({"url": "rsj.example.gov.cn/list/"}, "http"),
    ],
)
def test_a_broken_channel_is_refused_with_its_place(doc: dict, change: dict, message: str) -> None:
    broken = yaml.safe_load(yaml.safe_dump(doc, allow_unicode=True))
    broken["aggregators"][0].update(change)
    with pytest.raises(ValueError, match=message) as error:
        parse_channels(broken)
    assert "aggregators[0]" in str(error.value)


def test_a_body_with_only_inherited_channels_and_no_search_note_is_refused(doc: dict) -> None:
    broken = yaml.safe_load(yaml.safe_dump(doc, allow_unicode=True))
    body = next(b for b in broken["bodies"] if b.get("direct_not_found"))
    del body["direct_not_found"]
    with pytest.raises(ValueError, match=f"bodies.{body['id']}: only inherited"):
        parse_channels(broken)


def test_a_missing_province_is_refused(doc: dict) -> None:
    broken = yaml.safe_load(yaml.safe_dump(doc, allow_unicode=True))
    del broken["portals"]["provinces"]["Tibet"]
    with pytest.raises(ValueError, match="Tibet"):
        parse_channels(broken)


def test_a_wechat_account_may_be_known_by_its_biz_alone(doc: dict) -> None:
    raw = {
        "kind": "wechat_account",
        "biz": "MzA=",
        "provenance": "https://example.org/a",
        "verified": "2026-01-02",
    }
    edited = yaml.safe_load(yaml.safe_dump(doc, allow_unicode=True))
    edited["aggregators"].append(raw)
    assert parse_channels(edited).aggregators[-1].verified == date(2026, 1, 2)
