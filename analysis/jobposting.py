"""Export stage: positions as schema.org JobPosting objects (JSON-LD), the form job search
engines and linked-data tools read.

Input: the positions export (`export.build_positions_export`: one row per position, list columns).
Output: one JSON-LD document `{"@context": "https://schema.org", "@graph": [JobPosting, …]}`
whose property names are schema.org's (https://schema.org/JobPosting); a test checks them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import cache
from typing import IO, Any

import pandas as pd

from analysis.names import language_entries, skill_entries

CONTEXT = "https://schema.org"
# schema.org's credentialCategory values (the ones Google's job search documents) for the
# store's education levels; "none" (学历不限) asks for no credential, so it has none.
CREDENTIAL_CATEGORY = {
    "associate": "associate degree",
    "bachelor": "bachelor degree",
    "master": "postgraduate degree",
    "phd": "postgraduate degree",
}
OVERSEAS_KINDS = {
    "study": "overseas study",
    "work": "overseas work",
    "living": "living abroad",
    "any": "overseas experience",
}


@cache
def _skill_labels() -> dict[str, str]:
    """Skill id → its English label (the first name of the vocabulary entry)."""
    return {e.id: e.names[0] if e.names else e.id for e in skill_entries()}


@cache
def _language_labels() -> dict[str, str]:
    return {e.id: e.names[0] if e.names else e.id for e in language_entries()}


def _present(value: Any) -> bool:
    """Not a missing value (None, NaN, pandas' NA) and not an empty string or list."""
    if value is None or (not isinstance(value, list | tuple) and pd.isna(value)):
        return False
    return not (isinstance(value, str | list | tuple) and len(value) == 0)


def build_job_posting(row: Mapping[str, Any]) -> dict[str, Any]:
    """One position (a row of the positions export) as a schema.org JobPosting; properties
    the position does not state are left out (schema.org: absent, never empty)."""
    posting: dict[str, Any] = {
        "@type": "JobPosting",
        "identifier": f"icc-talent:position:{int(row['position_id'])}",
        "title": row["title"],
        "url": row["url"],
    }
    if _present(row.get("text")):
        posting["description"] = row["text"]
    if _present(row.get("published")):
        posting["datePosted"] = str(row["published"])
    if _present(row.get("deadline")):
        posting["validThrough"] = str(row["deadline"])
    if _present(row.get("employer")):
        posting["hiringOrganization"] = {"@type": "Organization", "name": row["employer"]}
    address: dict[str, Any] = {"@type": "PostalAddress", "addressCountry": "CN"}
    if _present(row.get("province")):
        address["addressRegion"] = row["province"]
    posting["jobLocation"] = {"@type": "Place", "address": address}
    if _present(row.get("headcount")):
        posting["totalJobOpenings"] = int(row["headcount"])
    education = [
        {"@type": "EducationalOccupationalCredential", "credentialCategory": category}
        for category in dict.fromkeys(
            CREDENTIAL_CATEGORY[e] for e in row.get("education", []) if e in CREDENTIAL_CATEGORY
        )
    ]
    if education:
        posting["educationRequirements"] = education
    experience = _experience(row)
    if experience:
        posting["experienceRequirements"] = experience
    skills = [
        {"@type": "DefinedTerm", "termCode": sid, "name": _skill_labels().get(sid, sid)}
        for sid in row.get("skills", [])
    ]
    if skills:
        posting["skills"] = skills
    languages = [
        f"{_language_labels().get(code, code)} ({code})" for code in row.get("languages", [])
    ]
    if languages:
        # schema.org has no property for a language asked of the candidate: a qualification.
        posting["qualifications"] = [f"language: {name}" for name in languages]
    return posting


def _experience(row: Mapping[str, Any]) -> dict[str, Any] | None:
    """The overseas experience asked, as OccupationalExperienceRequirements (months when the
    notice states the years)."""
    kinds = [OVERSEAS_KINDS.get(k, k) for k in row.get("overseas", [])]
    if not kinds:
        return None
    experience: dict[str, Any] = {
        "@type": "OccupationalExperienceRequirements",
        "description": " or ".join(kinds),
    }
    years = row.get("overseas_years")
    if years is not None and _present(years):
        experience["monthsOfExperience"] = round(float(years) * 12)
    return experience


def iter_job_postings(positions: pd.DataFrame) -> Iterator[dict[str, Any]]:
    """Each row of the positions export as a JobPosting, in the export's order."""
    for row in positions.to_dict("records"):
        yield build_job_posting(row)


def write_job_postings(positions: pd.DataFrame, handle: IO[str]) -> None:
    """Write the JSON-LD document, one JobPosting at a time (no second copy of the export)."""
    handle.write(json.dumps({"@context": CONTEXT})[:-1] + ', "@graph": [\n')
    for i, posting in enumerate(iter_job_postings(positions)):
        handle.write((",\n" if i else "") + json.dumps(posting, ensure_ascii=False))
    handle.write("\n]}\n")
