"""Pass B of the second development gold set (tests/gold/corpus2_labels_b.yaml): shape and values.

Every id of ../shared/corpus/real_postings_2.jsonl must be labelled (skipped when the corpus is not
beside this checkout); every label must carry every field with a valid type and value.
"""

from __future__ import annotations

import json
import re
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
LABELS = REPO / "tests" / "gold" / "corpus2_labels_b.yaml"
SKILLS = REPO / "analysis" / "vocab" / "skills.yaml"
CORPUS_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
CORPUS = CORPUS_DIR / "real_postings_2.jsonl"

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
# ISO 639-1: two lower-case letters; yue (Cantonese) is the one ISO 639-3 code allowed.
LANGUAGE_CODE = re.compile(r"[a-z]{2}|yue")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@cache
def _labels() -> dict[str, dict[str, Any]]:
    data = yaml.safe_load(LABELS.read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert data["pass"] == "B"
    labels: dict[str, dict[str, Any]] = data["labels"]
    return labels


@cache
def _skill_ids() -> frozenset[str]:
    data = yaml.safe_load(SKILLS.read_text(encoding="utf-8"))
    return frozenset(s["id"] for s in data["skills"])


def _corpus_ids(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line)["id"] for line in f if line.strip()]


def check_corpus_covered(path: Path) -> None:
    """Every ad of the corpus labelled, and no label without an ad."""
    ids = _corpus_ids(path)
    labels = _labels()
    assert len(ids) == len(set(ids))
    missing = sorted(set(ids) - set(labels))
    extra = sorted(set(labels) - set(ids))
    assert not missing, f"unlabelled ads: {missing}"
    assert not extra, f"labels without an ad: {extra}"


def test_every_corpus_ad_is_labelled() -> None:
    if not CORPUS.is_file():
        pytest.skip("../shared/corpus is not beside this checkout")
    check_corpus_covered(CORPUS)


def test_ids_are_corpus_style() -> None:
    labels = _labels()
    assert labels
    for key in labels:
        assert re.fullmatch(r"c2-\d{3}", key), key


def _check_date(value: Any, where: str) -> None:
    if value is None:
        return
    assert isinstance(value, str) and ISO_DATE.fullmatch(value), f"{where}: {value!r}"
    date.fromisoformat(value)


@pytest.mark.parametrize("ad_id", sorted(_labels()))
def test_label_fields_and_values(ad_id: str) -> None:
    label = _labels()[ad_id]
    assert set(label) == FIELDS, f"{ad_id}: fields {sorted(set(label) ^ FIELDS)}"

    languages = label["languages"]
    assert isinstance(languages, dict)
    for code, required in languages.items():
        assert isinstance(code, str) and LANGUAGE_CODE.fullmatch(code), f"{ad_id}: {code!r}"
        assert required in (True, False, None), f"{ad_id}: {code} -> {required!r}"

    native = label["native"]
    assert isinstance(native, list)
    for code in native:
        assert isinstance(code, str) and LANGUAGE_CODE.fullmatch(code), f"{ad_id}: {code!r}"
        assert code in languages, f"{ad_id}: native {code} not among the languages"

    overseas = label["overseas"]
    if overseas is not None:
        assert isinstance(overseas, dict) and set(overseas) == {"kind", "years"}, ad_id
        assert overseas["kind"] in OVERSEAS_KINDS, ad_id
        years = overseas["years"]
        assert years is None or (isinstance(years, int) and not isinstance(years, bool)), ad_id
        assert years is None or years > 0, ad_id

    skills = label["skills"]
    assert isinstance(skills, list) and len(skills) == len(set(skills)), ad_id
    unknown = [s for s in skills if s not in _skill_ids()]
    assert not unknown, f"{ad_id}: unknown skills {unknown}"

    for flag in ("aigc", "stable_diffusion", "is_job_ad"):
        assert isinstance(label[flag], bool), f"{ad_id}: {flag}"
    if label["stable_diffusion"]:
        assert label["aigc"], f"{ad_id}: Stable Diffusion is generative AI"

    assert label["education_min"] in EDUCATION, ad_id
    assert label["party_member"] in PARTY, ad_id

    certificates = label["certificates"]
    assert isinstance(certificates, dict), ad_id
    for name, level in certificates.items():
        assert name in CERTIFICATES, f"{ad_id}: certificate {name!r}"
        assert level is None or (isinstance(level, str) and level), f"{ad_id}: {name} {level!r}"

    _check_date(label["published"], f"{ad_id} published")
    _check_date(label["deadline"], f"{ad_id} deadline")

    note = label["note"]
    assert note is None or (isinstance(note, str) and note.strip()), ad_id

    if label["is_job_ad"]:
        assert label["role_family"] in ROLE_FAMILIES, f"{ad_id}: {label['role_family']!r}"
    else:
        # Not a recruitment ad: no facts at all.
        assert label["role_family"] is None or label["role_family"] in ROLE_FAMILIES, ad_id
        assert languages == {} and native == [] and overseas is None and skills == [], ad_id
        assert not label["aigc"] and not label["stable_diffusion"], ad_id
        assert label["education_min"] is None and certificates == {}, ad_id
        assert label["published"] is None and label["deadline"] is None, ad_id
        assert label["party_member"] is None, ad_id
