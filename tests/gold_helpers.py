"""Shape and value checks for a gold label file of the second real corpus (corpus2_labels*.yaml).

Shared by the labelling passes' test and the adjudicated set's test: every record carries every field with a
valid type and value; a text that is no ad carries no facts.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
SKILLS = REPO / "analysis" / "vocab" / "skills.yaml"

FIELDS = {
    "languages",
    "native",
    "overseas",
    "skills",
    "aigc",
    "stable_diffusion",
    "education_min",
    "certificates",
    "published",
    "deadline",
    "party_member",
    "role_family",
    "is_job_ad",
    "note",
}
ROLE_FAMILIES = {
    "editor_translator",
    "reporter_correspondent",
    "video_visual",
    "social_media_ops",
    "tech_ai",
    "management_admin",
    "host_anchor",
    "other",
}
EDUCATION = {"associate", "bachelor", "master", "phd", "none", None}
PARTY = {"required", "preferred", "none", None}
OVERSEAS_KINDS = {"study", "work", "living", "any"}
CERTIFICATES = {
    "CET-4",
    "CET-6",
    "TEM-4",
    "TEM-8",
    "IELTS",
    "TOEFL",
    "CATTI",
    "HSK",
    "JLPT",
    "TOPIK",
    "PSC",
    "HKDSE",
}
ISO_CODE = re.compile(r"[a-z]{2,3}")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def load_labels(path: Path, pass_name: str) -> dict[str, Any]:
    """The `labels` mapping of a label file, after checking its version and pass."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert data["pass"] == pass_name
    labels: dict[str, Any] = data["labels"]
    return labels


def skill_ids() -> set[str]:
    vocab = yaml.safe_load(SKILLS.read_text(encoding="utf-8"))
    return {skill["id"] for skill in vocab["skills"]}


def is_date(value: object) -> bool:
    if value is None:
        return True
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def check_records(labels: dict[str, Any]) -> None:
    """Every record has every field with a valid value (assertions name the id)."""
    skills = skill_ids()
    assert labels, "no labels"
    for key, rec in labels.items():
        assert re.fullmatch(r"c2-\d{3}", key), key
        assert set(rec) == FIELDS, (key, set(rec) ^ FIELDS)

        langs = rec["languages"]
        assert isinstance(langs, dict), key
        for code, required in langs.items():
            assert isinstance(code, str) and ISO_CODE.fullmatch(code), (key, code)
            assert required in (True, False, None), (key, code)
        assert isinstance(rec["native"], list), key
        for code in rec["native"]:
            assert isinstance(code, str) and ISO_CODE.fullmatch(code), (key, code)
            assert code in langs, (key, code)  # a native language is an asked language

        overseas = rec["overseas"]
        if overseas is not None:
            assert set(overseas) == {"kind", "years"}, key
            assert overseas["kind"] in OVERSEAS_KINDS, key
            years = overseas["years"]
            assert years is None or (
                isinstance(years, int) and not isinstance(years, bool) and years > 0
            )

        assert isinstance(rec["skills"], list), key
        assert len(rec["skills"]) == len(set(rec["skills"])), key
        assert set(rec["skills"]) <= skills, (key, set(rec["skills"]) - skills)

        assert isinstance(rec["aigc"], bool), key
        assert isinstance(rec["stable_diffusion"], bool), key
        if rec["stable_diffusion"]:
            assert rec["aigc"], key  # Stable Diffusion work is generative-AI work
        assert rec["education_min"] in EDUCATION, key

        certs = rec["certificates"]
        assert isinstance(certs, dict), key
        for name, level in certs.items():
            assert name in CERTIFICATES, (key, name)
            assert level is None or isinstance(level, str), (key, name)

        assert is_date(rec["published"]), (key, rec["published"])
        assert is_date(rec["deadline"]), (key, rec["deadline"])
        assert rec["party_member"] in PARTY, key
        # a text that is no ad has no family: pass B left it empty, the adjudicated set says other
        assert rec["role_family"] in ROLE_FAMILIES or not rec["is_job_ad"], key
        assert isinstance(rec["is_job_ad"], bool), key
        assert rec["note"] is None or isinstance(rec["note"], str), key
        if not rec["is_job_ad"]:  # a text that is no ad carries no facts of an ad
            assert not langs and not rec["skills"] and rec["overseas"] is None, key
