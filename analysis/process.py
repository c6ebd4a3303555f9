"""Extract → normalise → store, once: the one path from a notice page to stored rows.

Input: an archived or fetched notice page (bytes + Content-Type, its source's kind) or the
`ParsedNotice` a spider already parsed, plus its attachments.
Output: `Processed` (the parsed and normalised notice) or a `ProcessError` value, never an
exception; `store_processed` gates it (a page that is not a recruitment notice, or a mixed
source's notice not about international communication, keeps no positions) and saves it as a
notice or a sighting with its table rows, inside the caller's transaction. The crawl pipeline,
`reprocess` and the mirror evaluation call these.
"""

from __future__ import annotations

import dataclasses
import logging
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from parsel import Selector

from analysis.extract import Attachment, attach_tables
from analysis.extract.neardup import decide_repost, fingerprint_text
from analysis.extract.pages import Unavailable, decode_html, parse_notice
from analysis.extract.pages.charset import charset_from_content_type
from analysis.extract.pages.paging import MAX_PARTS, article_part_urls, join_parts
from analysis.models import NormalisedNotice, ParsedNotice, TableRow
from analysis.normalise import normalise_notice
from analysis.notice_classifier import NoticeModelError, recruitment_score
from analysis.relevance import is_relevant
from analysis.role_family import assign_role_families
from analysis.source import Source
from analysis.store import (
    NoticeGate,
    add_sighting,
    attachment_names,
    demote_to_sighting,
    near_duplicate_candidates,
    save_fingerprint,
    save_notice,
    save_table_rows,
    stored_notice_version,
)

logger = logging.getLogger(__name__)

# How storing a notice turned out; the crawl counts each as `icc/store/notice_<outcome>`.
OUTCOMES = ("new", "updated", "unchanged", "sighting")
# What the gate made of a page; the crawl counts each but "notice" as `icc/gate/<gate>`.
GATES = ("notice", "not_recruitment", "not_relevant")


@dataclass(frozen=True, slots=True)
class Verdict:
    """The gate's decision on one page, stored with its notice.

    `gate` is one of GATES; `score` the recruitment-notice classifier's calibrated probability
    (None when its model could not be loaded: the page is then kept); `relevance` the rule of
    `analysis.relevance` that decided a mixed source's notice, with its evidence ("media:日报社"),
    None for other sources.
    """

    gate: str
    score: float | None
    relevance: str | None = None


@dataclass(frozen=True, slots=True)
class Processed:
    """A notice page parsed (attachment tables included) and normalised, ready to store."""

    parsed: ParsedNotice
    normalised: NormalisedNotice
    encoding: str | None = None  # how the page's bytes were decoded, when we decoded them
    verdict: Verdict | None = None  # set by `gate_processed`


@dataclass(frozen=True, slots=True)
class ProcessError:
    """A page that could not be parsed or normalised; `message` says why, in one line."""

    url: str
    message: str


@dataclass(frozen=True, slots=True)
class Stored:
    """What `store_processed` did: the notice the page is stored as (or a sighting of)."""

    notice_id: int
    outcome: str  # one of OUTCOMES
    positions: int  # positions of the notice as normalised from this page
    gate: str = "notice"  # one of GATES


def no_attachments(notice: ParsedNotice) -> list[Attachment]:
    return []


def process_notice(
    parsed: ParsedNotice, *, fetched_at: datetime, encoding: str | None = None
) -> Processed | ProcessError:
    """Normalise a parsed notice; a failure comes back as a `ProcessError`, never raised, so
    one bad notice never stops a crawl or a reprocess."""
    try:
        # One notice: the role model reads its positions in one call.
        normalised = assign_role_families([normalise_notice(parsed, fetched_at=fetched_at)])[0]
    except Exception as exc:  # counted by the caller, never fatal
        return ProcessError(parsed.url, f"normalise failed: {exc}")
    return Processed(parsed, normalised, encoding)


def select_page(body: bytes, *, content_type: str | None, url: str) -> tuple[Selector, str]:
    """A page's raw bytes decoded (header charset, BOM, meta, statistics) into a selector, and
    the encoding used."""
    text, encoding, _ = decode_html(body, charset_from_content_type(content_type or ""))
    return Selector(text=text, base_url=url), encoding


def parse_page(
    body: bytes, *, content_type: str | None, kind: str, url: str
) -> tuple[ParsedNotice | Unavailable, str]:
    """Decode a notice page's raw bytes and parse it with the parser of its source kind;
    returns the result and the encoding used. The crawl's spiders, reprocess and the evaluation
    all parse notice pages through this one function."""
    sel, encoding = select_page(body, content_type=content_type, url=url)
    return parse_notice(kind, sel, url), encoding


# An article part as stored: its bytes and Content-Type, or None when it was not read.
PartReader = Callable[[str], tuple[bytes, str | None] | None]


def no_parts(url: str) -> tuple[bytes, str | None] | None:
    return None


def join_stored_parts(
    notice: ParsedNotice,
    sel: Selector,
    *,
    kind: str,
    parts: PartReader,
    max_parts: int = MAX_PARTS,
) -> ParsedNotice:
    """The notice with the further parts of its article joined, as the crawl joined them
    (`crawler.spiders.base.NoticeSpider.with_parts`): the same part URLs in the same order, read
    by `parts` (from the archive, for reprocess), the article ending at the first part that is
    missing or does not parse. WeChat articles have no parts."""
    if kind == "wechat" or max_parts < 2:
        return notice
    found: list[ParsedNotice] = []
    for part_url in article_part_urls(sel, notice.url, max_parts):
        stored = parts(part_url)
        if stored is None:
            break
        body, content_type = stored
        try:
            part, _ = parse_page(body, content_type=content_type, kind=kind, url=part_url)
        except Exception:  # a broken part ends the article, as in the crawl
            break
        if not isinstance(part, ParsedNotice):
            break
        found.append(part)
    return join_parts(notice, found)


def process_page(
    body: bytes,
    *,
    content_type: str | None,
    kind: str,
    url: str,
    fetched_at: datetime,
    attachments: Callable[[ParsedNotice], list[Attachment]] = no_attachments,
    parts: PartReader = no_parts,
) -> Processed | Unavailable | ProcessError:
    """An archived response → decode → parse → its article's further parts → its attachments'
    tables → normalise.

    `parts` reads an article part by URL and `attachments` finds the parsed notice's
    attachments (both from the archive, for reprocess); a page without a notice comes back as
    `Unavailable`, a failure as `ProcessError`.
    """
    try:
        sel, encoding = select_page(body, content_type=content_type, url=url)
        parsed = parse_notice(kind, sel, url)
        if isinstance(parsed, Unavailable):
            return parsed
        parsed = join_stored_parts(parsed, sel, kind=kind, parts=parts)
    except Exception as exc:  # one unreadable page never stops the rest
        return ProcessError(url, str(exc))
    notice = attach_tables(parsed, attachments(parsed))
    return process_notice(notice, fetched_at=fetched_at, encoding=encoding)


def is_mixed(source: Source | None) -> bool:
    """A source carrying many bodies' notices (an aggregator, a personnel portal): only its
    notices about international communication keep their positions."""
    return source is not None and (source.aggregator or source.mixed)


def registry_names(sources: Iterable[Source]) -> tuple[str, ...]:
    """Body names, employers and accounts of the registry's sources: the names a mixed source's
    notice may name its employer by (`analysis.relevance` matches them)."""
    names = {n for s in sources for n in (s.name, s.employer, s.employer_en, *s.accounts) if n}
    return tuple(sorted(names))


def has_job_facts(notice: NormalisedNotice) -> bool:
    """Whether the normaliser found anything a vacancy states: a deadline, a headcount or a
    finding (education, language, skill, age…) on any position. Every recruitment notice of the
    classifier's training part has one; a news page the classifier is unsure of may have none."""
    return notice.deadline is not None or any(p.findings or p.headcount for p in notice.positions)


def _recruitment(parsed: ParsedNotice) -> tuple[float | None, bool]:
    try:
        return recruitment_score(parsed.title, parsed.text)
    except NoticeModelError as exc:  # a broken install must not drop notices: keep, and say so
        logger.warning("recruitment gate off: %s", exc)
        return None, True


def gate_processed(
    processed: Processed, *, source: Source | None, names: Iterable[str] = ()
) -> Processed:
    """Judge a processed page: not a recruitment notice (the classifier's score below its
    threshold, or no job fact found: `has_job_facts`), or a mixed source's notice that
    `analysis.relevance` finds unrelated to international communication → kept with its
    title, text and dates, without positions."""
    score, recruitment = _recruitment(processed.parsed)
    notice = processed.normalised
    if score is not None:  # without a usable model every page is kept, as _recruitment says
        recruitment = recruitment and has_job_facts(notice)
    relevance = None
    gate = "notice" if recruitment else "not_recruitment"
    if recruitment and is_mixed(source):
        findings = [f for p in notice.positions for f in p.findings]
        decided = is_relevant(notice.title, notice.employer, findings, tuple(names))
        span = decided.evidence.text if decided.evidence else ""
        relevance = f"{decided.reason}:{span}" if span else decided.reason
        gate = "notice" if decided.relevant else "not_relevant"
    if gate != "notice":
        notice = dataclasses.replace(notice, positions=[])
    return dataclasses.replace(
        processed, normalised=notice, verdict=Verdict(gate, score, relevance)
    )


def save_notice_or_sighting(
    conn: sqlite3.Connection,
    page_id: int,
    notice: NormalisedNotice,
    *,
    source: Source | None,
    verdict: Verdict | None = None,
    tables: Sequence[TableRow] = (),
    names: Mapping[str, str] | None = None,
) -> tuple[int, str]:
    """Store a notice, or link it as one more sighting of a near-identical stored notice.

    Returns (notice_id, outcome) with outcome `new`, `updated`, `unchanged` or `sighting`.
    A page's own notice is updated in place; a first-seen notice goes through the repost
    decision of `analysis.extract.neardup` (an official copy replaces an aggregator's copy
    seen first). `tables`: the table rows stored with the notice (part of its version, so a
    changed attachment table is an update); `names`: attachment URL -> link text. Call inside
    `transaction()`.
    """

    def save() -> tuple[int, bool]:
        gate = _gate_row(verdict)
        return save_notice(
            conn, page_id, notice, source=source, gate=gate, tables=tables, names=names
        )

    fp = fingerprint_text(notice.title + "\n" + notice.text)
    before = stored_notice_version(conn, page_id)
    if before is None:
        decision = decide_repost(
            fp,
            aggregator=bool(source and source.aggregator),
            candidates=near_duplicate_candidates(conn, fp),
        )
        if decision.action == "sighting" and decision.match_id is not None:
            source_id = source.id if source else None
            add_sighting(
                conn, decision.match_id, page_id, notice.url, source_id, decision.similarity
            )
            return decision.match_id, "sighting"
        notice_id, _ = save()
        save_fingerprint(conn, notice_id, fp)
        if decision.action == "replace" and decision.match_id is not None:
            demote_to_sighting(conn, decision.match_id, notice_id, decision.similarity)
        return notice_id, "new"
    notice_id, created = save()
    save_fingerprint(conn, notice_id, fp)
    if created:
        return notice_id, "new"
    same = stored_notice_version(conn, page_id) == before
    return notice_id, "unchanged" if same else "updated"


def _gate_row(verdict: Verdict | None) -> NoticeGate | None:
    if verdict is None:
        return None
    return NoticeGate(verdict.gate, verdict.score, verdict.relevance)


def store_processed(
    conn: sqlite3.Connection,
    page_id: int,
    processed: Processed,
    *,
    source: Source | None,
    names: Iterable[str] = (),
) -> Stored:
    """Gate a processed notice page (unless already gated), then save its notice (or a sighting
    of a stored one) and, unless it is a sighting, its position-table rows. `names`: the
    registry's body names (`registry_names`). Call inside the caller's `transaction()`."""
    if processed.verdict is None:
        processed = gate_processed(processed, source=source, names=names)
    verdict = processed.verdict
    gate = verdict.gate if verdict else "notice"
    parsed = processed.parsed
    tables = parsed.tables if gate == "notice" else []  # a gated page's tables are no positions
    notice_id, outcome = save_notice_or_sighting(
        conn,
        page_id,
        processed.normalised,
        source=source,
        verdict=verdict,
        tables=tables,
        names=attachment_names(parsed.attachments, parsed.attachment_names),
    )
    if outcome != "sighting":
        save_table_rows(conn, notice_id, tables)
    return Stored(notice_id, outcome, len(processed.normalised.positions), gate)
