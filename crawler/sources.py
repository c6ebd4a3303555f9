"""Crawl stage: the source registry (which sites to crawl, and who is hiring there).

Input: a YAML file of sources (`crawler/sources.yaml`, or the offline mirror's `sources.yaml`).
Output: validated `analysis.source.Source` records with absolute start URLs, ready for the
spiders and the store. An unknown key or a value of the wrong type is a one-line `SourceError`
naming the file, the source and the key.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import yaml

from analysis.provinces import normalise_province, suggest_provinces
from analysis.source import Source, SourceProvenance

SOURCE_KINDS = ("cms", "wechat", "jobboard")
REGISTRY_SOURCES = Path(__file__).parent / "sources.yaml"


class SourceError(ValueError):
    """A source registry that cannot be used; the message names the file, entry and key."""


def load_sources(path: Path | str, *, base_url: str | None = None) -> list[Source]:
    """Read and validate a source registry; relative start URLs are joined to `base_url`."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"cannot read sources from {path}: not UTF-8 text ({exc.reason})"
        ) from exc
    except (OSError, yaml.YAMLError) as exc:
        raise SourceError(f"cannot read sources from {path}: {exc}") from exc
    entries = data.get("sources", data) if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise SourceError(f"{path}: expected a list of sources")
    return [parse_source(entry, path, base_url) for entry in entries]


def parse_source(entry: Any, path: Path, base_url: str | None = None) -> Source:
    """One registry entry as a `Source`; `SourceError` names what is wrong with it."""
    if not isinstance(entry, dict) or not entry.get("id"):
        raise SourceError(f"{path}: every source needs an `id` (got {entry!r:.80})")
    where = f"{path}: source {entry['id']}"
    fields = dict(entry)
    urls = fields.get("start_urls") or []
    if isinstance(urls, str):  # one start URL may be written without a list
        urls = [urls]
    fields["start_urls"] = urls
    fields.setdefault("name", None)
    fields["name"] = fields["name"] or entry["id"]
    fields.setdefault("kind", "cms")
    values = typed_fields(Source, fields, where)
    if values["kind"] not in SOURCE_KINDS:
        raise SourceError(f"{where}: unknown kind {values['kind']!r}")
    values["start_urls"] = tuple(urljoin(base_url, u) if base_url else u for u in urls)
    values["province"] = _province(values.get("province"), where)
    return Source(**values)


def typed_fields(cls: type[Any], entry: dict[str, Any], where: str) -> dict[str, Any]:
    """`entry` checked against the fields of dataclass `cls`: no unknown key, every value of
    its field's type (YAML lists become tuples, nested mappings nested dataclasses)."""
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(entry) - known)
    if unknown:
        raise SourceError(f"{where}: unknown key {unknown[0]!r}")
    missing = [
        f.name
        for f in dataclasses.fields(cls)
        if f.name not in entry
        and f.default is dataclasses.MISSING
        and f.default_factory is dataclasses.MISSING
    ]
    if missing:
        raise SourceError(f"{where}: missing key {missing[0]!r}")
    return {
        key: typed_value(value, hints[key], f"{where}: key {key!r}") for key, value in entry.items()
    }


def typed_value(value: Any, hint: Any, where: str) -> Any:
    """`value` as type `hint` (str, bool, X | None, tuple[X, ...], a dataclass), or SourceError."""
    if isinstance(hint, types.UnionType):
        options = typing.get_args(hint)
        if value is None and type(None) in options:
            return None
        (hint,) = [o for o in options if o is not type(None)]
    origin = typing.get_origin(hint)
    if origin is tuple:
        if not isinstance(value, list | tuple):
            raise SourceError(f"{where}: expected a list, got {type(value).__name__}")
        item = typing.get_args(hint)[0]
        return tuple(typed_value(v, item, where) for v in value)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        if not isinstance(value, dict):
            raise SourceError(f"{where}: expected a mapping, got {type(value).__name__}")
        return hint(**typed_fields(hint, value, where))
    if not isinstance(value, hint):
        raise SourceError(f"{where}: expected {hint.__name__}, got {type(value).__name__}")
    return value


__all__ = [
    "REGISTRY_SOURCES",
    "SOURCE_KINDS",
    "Source",
    "SourceError",
    "SourceProvenance",
    "load_sources",
    "parse_source",
]


def _province(value: str | None, where: str) -> str | None:
    """The registry's province in the store's one form (浙江 for 浙江省 or Zhejiang)."""
    if value is None:
        return None
    canonical = normalise_province(value)
    if canonical is None:
        close = suggest_provinces(value)
        hint = f" (did you mean {' or '.join(close)}?)" if close else ""
        raise SourceError(f"{where}: unknown province {value!r}{hint}")
    return canonical
