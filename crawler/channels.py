"""Crawl stage (configuration): load the list of recruitment channels that future crawls start from.

Input: `crawler/channels.yaml` (per-body channels, provincial and city personnel portals, aggregators,
each with the public page or repository file where it was seen). Output: typed `Channels`;
`load_channels` refuses a file that breaks the rules in docs/SOURCES.md (section Channels).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from analysis.report.coverage import ChannelRegistry

CHANNELS_FILE = Path(__file__).parent / "channels.yaml"
KINDS = frozenset(
    {"site_list", "media_group_list", "personnel_portal_list", "wechat_account", "aggregator"}
)
# Keys of the 31 provincial-level divisions, spelled as the registry's `province` field spells them.
PROVINCES = frozenset(
    {
        "Beijing", "Tianjin", "Hebei", "Shanxi", "Inner Mongolia", "Liaoning", "Jilin",
        "Heilongjiang", "Shanghai", "Jiangsu", "Zhejiang", "Anhui", "Fujian", "Jiangxi",
        "Shandong", "Henan", "Hubei", "Hunan", "Guangdong", "Guangxi", "Hainan", "Chongqing",
        "Sichuan", "Guizhou", "Yunnan", "Tibet", "Shaanxi", "Gansu", "Qinghai", "Ningxia",
        "Xinjiang",
    }
)  # fmt: skip
# A page address, a file in a public repository, or a file id of the search index when the index
# did not name the repository (re-read with the search tool's read_file).
_PROVENANCE = re.compile(r"^(https?://\S+|github:[\w.-]+/[\w.-]+:\S+|search-index:\d+)$")
_URL = re.compile(r"^https?://\S+$")


@dataclass(frozen=True)
class Channel:
    kind: str
    provenance: str
    url: str | None = None
    account: str | None = None
    biz: str | None = None
    verified: date | None = None
    via: str | None = None


@dataclass(frozen=True)
class Area:
    """A province's or a city's personnel-portal entries; empty entries come with `not_found`."""

    key: str
    entries: tuple[Channel, ...]
    not_found: str | None = None


@dataclass(frozen=True)
class Body:
    """A body's channels. `not_found` (no channel at all) or `direct_not_found` (only channels
    inherited from a portal or aggregator, `via`) says what was searched for the body itself."""

    id: str
    channels: tuple[Channel, ...]
    not_found: str | None = None
    direct_not_found: str | None = None


@dataclass(frozen=True)
class Channels:
    provinces: dict[str, Area]
    cities: dict[str, Area]
    aggregators: tuple[Channel, ...]
    bodies: tuple[Body, ...]


def parse_verified(value: Any, where: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{where}: verified must be null or a date, not {value!r}") from None


def parse_channel(raw: dict[str, Any], where: str) -> Channel:
    kind = raw.get("kind")
    if kind not in KINDS:
        raise ValueError(f"{where}: kind {kind!r} is not one of {sorted(KINDS)}")
    provenance = str(raw.get("provenance") or "")
    if not _PROVENANCE.match(provenance):
        raise ValueError(
            f"{where}: provenance {provenance!r} is not a URL, github:… or search-index:…"
        )
    url, account, biz = raw.get("url"), raw.get("account"), raw.get("biz")
    if url is not None and not _URL.match(str(url)):
        raise ValueError(f"{where}: url {url!r} is not an http(s) address")
    # A WeChat account may be known only by its biz id (from a mirror's address), never by nothing.
    if not (url or (kind == "wechat_account" and (account or biz))):
        raise ValueError(
            f"{where}: a channel needs a url (a WeChat account: an account name or biz)"
        )
    return Channel(
        kind=kind,
        provenance=provenance,
        url=url,
        account=account,
        biz=biz,
        verified=parse_verified(raw.get("verified"), where),
        via=raw.get("via"),
    )


def parse_area(key: str, raw: dict[str, Any], where: str) -> Area:
    entries = tuple(
        parse_channel(entry, f"{where}.{key}[{i}]")
        for i, entry in enumerate(raw.get("entries") or [])
    )
    if raw.get("count", len(entries)) != len(entries):
        raise ValueError(f"{where}.{key}: count {raw.get('count')} but {len(entries)} entries")
    not_found = raw.get("not_found")
    if not entries and not not_found:
        raise ValueError(f"{where}.{key}: no entries and no not_found saying what was searched")
    return Area(key=key, entries=entries, not_found=not_found)


def parse_body(raw: dict[str, Any]) -> Body:
    body_id = str(raw.get("id") or "")
    channels = tuple(
        parse_channel(c, f"bodies.{body_id}[{i}]") for i, c in enumerate(raw.get("channels") or [])
    )
    not_found, direct_not_found = raw.get("not_found"), raw.get("direct_not_found")
    if not channels and not not_found:
        raise ValueError(f"bodies.{body_id}: no channels and no not_found saying what was searched")
    if channels and all(c.via for c in channels) and not direct_not_found:
        raise ValueError(
            f"bodies.{body_id}: only inherited channels (via) and no direct_not_found saying "
            "what was searched for the body itself"
        )
    return Body(
        id=body_id, channels=channels, not_found=not_found, direct_not_found=direct_not_found
    )


def parse_channels(doc: dict[str, Any]) -> Channels:
    portals = doc.get("portals") or {}
    provinces = {
        k: parse_area(k, v, "portals.provinces")
        for k, v in (portals.get("provinces") or {}).items()
    }
    if set(provinces) != PROVINCES:
        missing, extra = sorted(PROVINCES - set(provinces)), sorted(set(provinces) - PROVINCES)
        raise ValueError(f"portals.provinces: missing {missing}, unknown {extra}")
    cities = {
        k: parse_area(k, v, "portals.cities") for k, v in (portals.get("cities") or {}).items()
    }
    aggregators = tuple(
        parse_channel(a, f"aggregators[{i}]") for i, a in enumerate(doc.get("aggregators") or [])
    )
    bodies = tuple(parse_body(b) for b in doc.get("bodies") or [])
    ids = [b.id for b in bodies]
    if len(ids) != len(set(ids)):
        raise ValueError("bodies: an id appears twice")
    return Channels(provinces=provinces, cities=cities, aggregators=aggregators, bodies=bodies)


def load_channels(path: Path) -> Channels:
    """Read and check a channels file; a ValueError names the first entry that breaks a rule."""
    return parse_channels(yaml.safe_load(path.read_text("utf-8")))


def count_body_channels(channels: Channels) -> ChannelRegistry:
    """The bodies' reach for the report: how many have a channel, how many one of their own
    (found for the body itself, without `via`), and their channels per kind."""
    own = [b for b in channels.bodies if any(c.via is None for c in b.channels)]
    kinds: dict[str, int] = dict.fromkeys(sorted(KINDS), 0)
    for body in channels.bodies:
        for channel in body.channels:
            kinds[channel.kind] += 1
    return ChannelRegistry(
        bodies=len(channels.bodies),
        with_channel=sum(1 for b in channels.bodies if b.channels),
        with_own_channel=len(own),
        by_kind=tuple(kinds.items()),
    )
