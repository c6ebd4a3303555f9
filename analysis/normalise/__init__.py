"""Normalise stage: ParsedNotice → NormalisedNotice.

Input: a ParsedNotice from a page parser (raw title, text, published string, employer, and the
rows of its attachments' position tables).
Output: a NormalisedNotice: clean text, resolved dates, one Position per advertised job (per
table row, with its file/sheet/row, when the notice has position tables), each with
its evidenced findings (language, native_speaker, certificate, overseas, skill, aigc, education,
party_member, age_max), headcount and role family, and the taxonomy version used.
"""

from __future__ import annotations

from datetime import date, datetime

from analysis.models import Evidence, Finding, NormalisedNotice, ParsedNotice, Position, TableRow
from analysis.normalise.aigc import aigc_version, detect_aigc
from analysis.normalise.context import Sections, load_vocab
from analysis.normalise.dates import parse_date
from analysis.normalise.deadlines import detect_deadline
from analysis.normalise.education import (
    detect_age_max,
    detect_education,
    detect_headcount,
    detect_party_member,
)
from analysis.normalise.languages import (
    detect_certificates,
    detect_languages,
    detect_native_speakers,
)
from analysis.normalise.overseas import detect_overseas
from analysis.normalise.positions import (
    Section,
    row_sections,
    sections_of,
    shared_conditions,
    split_positions,
)
from analysis.normalise.published import detect_published, resolve_published
from analysis.normalise.roles import ROLE_FAMILIES, classify_role_family
from analysis.normalise.skills import detect_skills, skills_version
from analysis.normalise.text import clean_text

__all__ = [
    "ROLE_FAMILIES",
    "TAXONOMY_VERSION",
    "classify_role_family",
    "clean_text",
    "detect_age_max",
    "detect_aigc",
    "detect_certificates",
    "detect_deadline",
    "detect_education",
    "detect_headcount",
    "detect_languages",
    "detect_native_speakers",
    "detect_overseas",
    "detect_party_member",
    "detect_published",
    "detect_skills",
    "normalise_notice",
    "normalise_position",
    "normalise_rows",
    "parse_date",
    "resolve_published",
    "split_positions",
]


def _taxonomy_version() -> str:
    """The version shared by every vocabulary file (a test checks they agree)."""
    versions = {
        skills_version(),
        aigc_version(),
        str(load_vocab("languages")["version"]),
        str(load_vocab("overseas")["version"]),
    }
    return max(versions)


TAXONOMY_VERSION = _taxonomy_version()


def normalise_position(
    seq: int,
    title: str,
    text: str,
    *,
    own_text: str | None = None,
    ref: date | None = None,
    headcount: int | None = None,
) -> Position:
    """Run every detector on one cleaned position text; all evidence points into `text`.

    `own_text` is the position's own section (without the shared conditions), used for the
    headcount so that "招聘7名" in shared text is not given to every position; `headcount`, when
    known (a table's 招聘人数 column), wins.
    """
    sections = Sections(text)
    certificates = detect_certificates(text, sections)
    natives = detect_native_speakers(text, sections)
    findings: list[Finding] = []
    findings += detect_languages(text, sections, certificates=certificates, natives=natives)
    findings += natives
    findings += certificates
    findings += detect_overseas(text, sections)
    skills = detect_skills(text)
    findings += skills
    findings += detect_aigc(text, skills)
    for single in (
        detect_education(text, sections),
        detect_party_member(text, sections),
        detect_age_max(text, ref=ref),
    ):
        if single is not None:
            findings.append(single)
    if headcount is None:
        headcount = detect_headcount(own_text if own_text is not None else text)
    return Position(
        seq=seq,
        title=title,
        text=text,
        headcount=headcount,
        role_family=classify_role_family(title, text, findings),
        findings=findings,
    )


def table_rows_of(parsed: ParsedNotice) -> list[TableRow]:
    """The rows of a notice's position tables that are positions of their own: every row of
    every table, except rows of a table the notice body already lists (`repeats_body`)."""
    return [row for row in parsed.tables if not row.repeats_body]


def normalise_rows(sections: list[Section], ref: date | None) -> list[Position]:
    """One position per table-row section. The detectors read a row's requirement cells (and
    the shared conditions) once per distinct text: a provincial table repeats the same
    conditions under thousands of employers, and its identity cells (employer, code) carry none.
    Evidence offsets are moved past the identity cells, into the position's whole text."""
    read: dict[tuple[str, str], Position] = {}
    positions = []
    for seq, s in enumerate(sections, start=1):
        text = s.text
        body = text[s.lead :]
        key = (s.title, body)
        done = read.get(key)
        if done is None:
            own = s.own[s.lead :]
            done = read[key] = normalise_position(0, s.title, body, own_text=own, ref=ref)
        findings = done.findings if not s.lead else [_moved(f, s.lead) for f in done.findings]
        positions.append(
            Position(
                seq=seq,
                title=s.title,
                text=text,
                headcount=s.headcount if s.headcount is not None else done.headcount,
                role_family=done.role_family,
                findings=findings,
                file=s.file,
                sheet=s.sheet,
                row=s.row,
            )
        )
    return positions


def _moved(finding: Finding, by: int) -> Finding:
    f, evidence = finding, finding.evidence
    moved = Evidence(evidence.text, evidence.start + by, evidence.end + by)
    return Finding(f.field, f.value, moved, f.required, f.level, f.years, f.detail)


def normalise_notice(
    parsed: ParsedNotice, *, fetched_at: datetime | None = None
) -> NormalisedNotice:
    """Clean, date, split and analyse one notice.

    published = see `resolve_published` (labelled date, URL, the page's date string, first
    lines); deadline = the application deadline, year-less dates resolved against published
    (never the fetch date). Positions are numbered from 1: one per row of the notice's
    position tables when it has any (`table_rows_of`), else those its text names.
    """
    title = clean_text(parsed.title)
    text = clean_text(parsed.text)
    fetched = fetched_at.date() if fetched_at is not None else None
    published = resolve_published(text, url=parsed.url, declared=parsed.published, fetched=fetched)
    ref = published or fetched
    # Year-less deadlines take the notice's year, never the fetch day's.
    deadline_hit = detect_deadline(text, ref=published)
    deadline = deadline_hit[0] if deadline_hit else None
    rows = table_rows_of(parsed)
    if rows:
        positions = normalise_rows(row_sections(rows, shared_conditions(text)), ref)
    else:
        sections = sections_of(text, title)
        single = len(sections) == 1
        positions = [
            normalise_position(
                i,
                s.title,
                s.text,
                own_text=None if single else s.own,
                ref=ref,
                headcount=s.headcount,
            )
            for i, s in enumerate(sections, start=1)
        ]
    return NormalisedNotice(
        url=parsed.url,
        title=title,
        text=text,
        employer=parsed.employer,
        published=published,
        deadline=deadline,
        positions=positions,
        taxonomy_version=TAXONOMY_VERSION,
    )
