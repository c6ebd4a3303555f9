"""Batch normalisation of notices from elsewhere (`icc-talent normalise IN.jsonl`).

Input: JSON lines {"id", "text", "url"?, "title"?, "published"?} (any other key is ignored).
Output: one dict a valid line, in input order, with the notice-level union of its positions and
the per-position records (see `record_of`), or a `LineError` for a line that cannot be used.
"""

from __future__ import annotations

import contextlib
import json
import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from itertools import chain, islice
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import Any

from analysis.models import Finding, NormalisedNotice, ParsedNotice, Position
from analysis.normalise import normalise_notice
from analysis.normalise.text_title import title_of_text
from analysis.role_family import assign_role_families

__all__ = [
    "LineError",
    "count_lines",
    "default_jobs",
    "normalise_jsonl",
    "normalise_record",
    "record_of",
    "usable_cpus",
]

log = logging.getLogger(__name__)

_EDUCATION_RANK = {"none": 0, "associate": 1, "bachelor": 2, "master": 3, "phd": 4}
_PARTY_RANK = {"required": 3, "preferred": 2, "none": 1}
_REQUIRED_RANK = {True: 2, None: 1, False: 0}
BATCH_LINES = 256
"""Lines normalised before the role model reads their positions in one call: large enough that
the model's per-call set-up is spread thin, small enough to keep memory bounded."""


@dataclass(frozen=True, slots=True)
class LineError:
    """A line that was skipped: its 1-based number and why."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


def _language(f: Finding) -> dict[str, Any]:
    return {
        "code": f.value,
        "level": f.level,
        "required": f.required,
        "evidence": f.evidence.text,
    }


def _overseas(f: Finding) -> dict[str, Any]:
    return {
        "required": f.required,
        "years": f.years,
        "countries": list(f.detail.get("countries", [])),
        "kind": f.value,
        "evidence": f.evidence.text,
    }


def _best_overseas(findings: list[Finding]) -> Finding | None:
    """The strongest overseas finding: required before unsaid before preferred, then most years."""
    if not findings:
        return None
    return max(findings, key=lambda f: (_REQUIRED_RANK[f.required], f.years or 0.0))


def _position_fields(findings: list[Finding]) -> dict[str, Any]:
    by: dict[str, list[Finding]] = {}
    for f in findings:
        by.setdefault(f.field, []).append(f)
    education = by.get("education", [])
    party = by.get("party_member", [])
    overseas = _best_overseas(by.get("overseas", []))
    aigc = by.get("aigc", [])
    return {
        "languages": [_language(f) for f in by.get("language", [])],
        "native_speaker": bool(by.get("native_speaker")),
        "overseas_experience": _overseas(overseas) if overseas else None,
        "certificates": list(dict.fromkeys(f.value for f in by.get("certificate", []))),
        "education_min": education[0].value if education else None,
        "party_member": party[0].value if party else None,
        "skills": [{"id": f.value, "evidence": f.evidence.text} for f in by.get("skill", [])],
        "aigc": {"evidence": aigc[0].evidence.text} if aigc else None,
    }


def _position_record(p: Position) -> dict[str, Any]:
    return {
        "title": p.title,
        "headcount": p.headcount,
        **_position_fields(p.findings),
        "role_family": p.role_family,
    }


def _union(positions: list[dict[str, Any]]) -> dict[str, Any]:
    """Notice-level fields: each language / skill / certificate once, the strongest requirement."""
    languages: dict[str, dict[str, Any]] = {}
    skills: dict[str, dict[str, Any]] = {}
    certificates: dict[str, None] = {}
    overseas: dict[str, Any] | None = None
    education: str | None = None
    party: str | None = None
    aigc: dict[str, Any] | None = None
    for p in positions:
        for lang in p["languages"]:
            old = languages.get(lang["code"])
            if old is None:
                languages[lang["code"]] = dict(lang)
            elif _REQUIRED_RANK[lang["required"]] > _REQUIRED_RANK[old["required"]]:
                languages[lang["code"]] = {**lang, "level": lang["level"] or old["level"]}
        for s in p["skills"]:
            skills.setdefault(s["id"], s)
        certificates.update(dict.fromkeys(p["certificates"]))
        o = p["overseas_experience"]
        if o is not None and (
            overseas is None
            or (_REQUIRED_RANK[o["required"]], o["years"] or 0.0)
            > (_REQUIRED_RANK[overseas["required"]], overseas["years"] or 0.0)
        ):
            overseas = o
        e = p["education_min"]
        if e is not None and (education is None or _EDUCATION_RANK[e] < _EDUCATION_RANK[education]):
            education = e
        pm = p["party_member"]
        if pm is not None and (party is None or _PARTY_RANK[pm] > _PARTY_RANK[party]):
            party = pm
        aigc = aigc or p["aigc"]
    return {
        "languages": list(languages.values()),
        "native_speaker": any(p["native_speaker"] for p in positions),
        "overseas_experience": overseas,
        "certificates": list(certificates),
        "education_min": education,
        "party_member": party,
        "skills": list(skills.values()),
        "aigc": aigc,
        "role_family": positions[0]["role_family"] if positions else "other",
    }


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def record_of(notice_id: str | int, notice: NormalisedNotice) -> dict[str, Any]:
    """The output record of one normalised notice (the schema of `icc-talent normalise`)."""
    positions = [_position_record(p) for p in notice.positions]
    return {
        "id": notice_id,
        **_union(positions),
        "published": _iso(notice.published),
        "deadline": _iso(notice.deadline),
        "positions": positions,
    }


def normalise_record(obj: dict[str, Any], *, fetched_at: datetime | None = None) -> dict[str, Any]:
    """Normalise one input object (already validated) into its output record."""
    notice = assign_role_families([_normalised(obj, fetched_at)])[0]
    return record_of(obj["id"], notice)


def _normalised(obj: dict[str, Any], fetched_at: datetime | None) -> NormalisedNotice:
    """The notice of one input object, its role families still the rules' (see role_family)."""
    text = obj["text"]
    title = obj.get("title") or title_of_text(text)
    parsed = ParsedNotice(
        url=obj.get("url") or "",
        title=title,
        text=text,
        published=obj.get("published") or None,
    )
    return normalise_notice(parsed, fetched_at=fetched_at)


def _validate(raw: str) -> dict[str, Any] | str:
    """The input object, or the reason it cannot be used."""
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        return f"not valid JSON ({exc.msg} at column {exc.colno})"
    except RecursionError:
        return "JSON nested too deeply"
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        return f"not usable JSON ({exc})"
    if not isinstance(obj, dict):
        return f"expected a JSON object, got {type(obj).__name__}"
    notice_id = obj.get("id")
    if isinstance(notice_id, bool) or not isinstance(notice_id, str | int) or notice_id == "":
        return 'missing "id" (a non-empty string or an integer)'
    if not isinstance(obj.get("text"), str):
        return 'missing "text" (a string)'
    for key in ("url", "title", "published"):
        if obj.get(key) is not None and not isinstance(obj[key], str):
            return f'"{key}" must be a string'
    for key in ("id", "text", "url", "title", "published"):
        value = obj.get(key)
        if isinstance(value, str) and not _is_unicode_text(value):
            return f'"{key}" holds a lone surrogate (\\ud800-\\udfff): not valid Unicode text'
    return obj


def _is_unicode_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def normalise_jsonl(
    lines: Iterable[str],
    *,
    fetched_at: datetime | None = None,
    jobs: int = 1,
    parent_works: bool = True,
) -> Iterator[dict[str, Any] | LineError]:
    """Normalise JSON lines: an output dict per valid line, a LineError per invalid one.

    Blank lines are skipped silently. `fetched_at` resolves relative dates ("3天前", "2 months
    ago"); without it they are unknown (never counted from today). Lines are normalised in
    batches of BATCH_LINES so that the role model reads a batch's positions in one call; output
    keeps the input order.

    With `jobs` > 1 and more than two batches, that many worker processes start at once and this
    process normalises batches itself until the first worker is ready (a worker's start-up, its
    imports and vocabularies, takes a second or two); from then on the workers take every batch,
    at most twice `jobs` in flight (memory stays bounded). An input that ends before a worker is
    ready does not wait for one: the workers are stopped. `parent_works=False` makes this process
    wait for the first worker instead. The output is the same as with one process. Workers are
    started with "spawn" (never fork: the caller may hold locks and threads), so a script that
    asks for jobs > 1 needs the usual `if __name__ == "__main__":` guard.
    """
    batches = numbered_batches(lines)
    if jobs <= 1:
        for batch in batches:
            yield from _restored(records_of_batch(batch, fetched_at))
        return
    head = list(islice(batches, 2))
    if len(head) < 2:
        for batch in head:
            yield from _restored(records_of_batch(batch, fetched_at))
        return
    yield from _pooled(chain(head, batches), fetched_at, jobs, parent_works)


def _pooled(
    batches: Iterator[list[tuple[int, str]]],
    fetched_at: datetime | None,
    jobs: int,
    parent_works: bool,
) -> Iterator[dict[str, Any] | LineError]:
    """The records of `batches` in order: here until a worker is ready, then in the workers."""
    pool = multiprocessing.get_context("spawn").Pool(jobs, initializer=warm_up)
    here = pooled = 0
    try:
        probe = pool.apply_async(os.getpid)  # answered once the first worker has warmed up
        if not parent_works:
            probe.wait()
        while not probe.ready():
            batch = next(batches, None)
            if batch is None:
                return
            yield from _restored(records_of_batch(batch, fetched_at))
            here += 1
        pending: deque[AsyncResult[list[dict[str, Any] | tuple[int, str]]]] = deque()
        for batch in batches:
            pending.append(pool.apply_async(records_of_batch, (batch, fetched_at)))
            pooled += 1
            if len(pending) >= 2 * jobs:
                yield from _restored(pending.popleft().get())
        while pending:
            yield from _restored(pending.popleft().get())
    finally:
        pool.terminate()  # idle or still starting: nothing is waited for
        log.debug("normalise: %d batches in this process, %d in %d workers", here, pooled, jobs)


def warm_up() -> None:
    """A worker's start: load the vocabularies, automata and role model before the first batch.

    Never raises: a pool re-spawns a worker whose initializer fails, for ever; a real fault
    shows up where it belongs, in the first batch the worker is given."""
    with contextlib.suppress(Exception):
        records_of_batch([(1, json.dumps({"id": "warm-up", "text": "英语编辑 translator"}))], None)


WORKERS_FROM_LINES = 5000
"""Below this many input lines the default is one process: each worker's start-up (imports,
vocabularies, the role model: about 2 s on 2 CPUs) costs more than it saves (NORMALISER.md,
Speed)."""


def default_jobs(line_count: int | None) -> int:
    """The default worker count for an input of `line_count` lines (None: unknown, a stream):
    one per usable CPU, or 1 for a known input shorter than WORKERS_FROM_LINES."""
    if line_count is not None and line_count < WORKERS_FROM_LINES:
        return 1
    return usable_cpus()


def count_lines(path: Path, *, up_to: int | None = None, chunk: int = 1 << 20) -> int:
    """The newlines in a file, read a chunk at a time (bounded memory); with `up_to`, reading
    stops once that many are counted (the count returned may pass it by one chunk's worth)."""
    lines = 0
    with path.open("rb") as fh:
        while (up_to is None or lines < up_to) and (block := fh.read(chunk)):
            lines += block.count(b"\n")
    return lines


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity mask where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def numbered_batches(lines: Iterable[str]) -> Iterator[list[tuple[int, str]]]:
    """The non-blank lines with their 1-based numbers, BATCH_LINES at a time."""
    batch: list[tuple[int, str]] = []
    for number, raw in enumerate(lines, start=1):
        if raw.strip():
            batch.append((number, raw))
            if len(batch) >= BATCH_LINES:
                yield batch
                batch = []
    if batch:
        yield batch


def records_of_batch(
    batch: list[tuple[int, str]], fetched_at: datetime | None
) -> list[dict[str, Any] | tuple[int, str]]:
    """The records of one batch of numbered lines, in order; an invalid line as (number, reason).

    Runs in a worker process when `normalise_jsonl` has jobs > 1, so what it returns is plain
    data that pickles (a compiled LineError would not)."""
    items: list[tuple[Any, NormalisedNotice] | LineError] = []
    for number, raw in batch:
        obj = _validate(raw)
        items.append(
            LineError(number, obj)
            if isinstance(obj, str)
            else (obj["id"], _normalised(obj, fetched_at))
        )
    return [
        (item.line, item.reason) if isinstance(item, LineError) else item for item in _finish(items)
    ]


def _restored(
    records: list[dict[str, Any] | tuple[int, str]],
) -> Iterator[dict[str, Any] | LineError]:
    for item in records:
        yield LineError(item[0], item[1]) if isinstance(item, tuple) else item


def _finish(
    batch: list[tuple[Any, NormalisedNotice] | LineError],
) -> Iterator[dict[str, Any] | LineError]:
    """The records of a batch in order, the role families of all its notices chosen at once."""
    notices = assign_role_families([item[1] for item in batch if isinstance(item, tuple)])
    done = iter(notices)
    for item in batch:
        yield item if isinstance(item, LineError) else record_of(item[0], next(done))
