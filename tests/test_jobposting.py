"""schema.org JobPosting JSON-LD export and typed parquet (issue 13): every property name is
schema.org's, each on the type that has it; parquet dates are dates and evidence is nested."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner
from store_helpers import make_store

from analysis.cli import cli
from analysis.jobposting import build_job_posting

# Property names from the schema.org vocabulary (https://schema.org/JobPosting and the types
# below, schema.org release 29): the properties of each type, its supertypes' included. Only
# the ones an export could use are listed, so an invented or misspelt name fails the test.
THING = {"name", "description", "url", "identifier", "sameAs", "alternateName"}
SCHEMA_PROPERTIES: dict[str, set[str]] = {
    "JobPosting": THING | {
        "title", "datePosted", "validThrough", "hiringOrganization", "jobLocation",
        "totalJobOpenings", "educationRequirements", "experienceRequirements", "skills",
        "qualifications", "employmentType", "baseSalary", "industry", "occupationalCategory",
        "responsibilities", "jobStartDate", "directApply", "applicantLocationRequirements",
    },
    "Organization": THING | {"address", "email", "telephone", "department", "parentOrganization"},
    "Place": THING | {"address", "geo"},
    "PostalAddress": THING | {"addressCountry", "addressRegion", "addressLocality",
                              "postalCode", "streetAddress"},
    "EducationalOccupationalCredential": THING | {"credentialCategory", "educationalLevel"},
    "OccupationalExperienceRequirements": THING | {"monthsOfExperience"},
    "DefinedTerm": THING | {"termCode", "inDefinedTermSet"},
}  # fmt: skip
# schema.org's own examples of credentialCategory values.
CREDENTIAL_CATEGORIES = {"high school", "associate degree", "bachelor degree",
                         "professional certificate", "postgraduate degree"}  # fmt: skip


def check_schema_names(node: Any, where: str = "$") -> None:
    """Every object is typed, and every key is a property of its type (or a JSON-LD keyword)."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            check_schema_names(item, f"{where}[{i}]")
        return
    if not isinstance(node, dict):
        return
    kind = node.get("@type")
    assert kind in SCHEMA_PROPERTIES, f"{where}: untyped or unknown type {kind!r}"
    for key, value in node.items():
        if key.startswith("@"):
            assert key in {"@type", "@id", "@context"}, f"{where}.{key}"
            continue
        assert key in SCHEMA_PROPERTIES[kind], f"{where}: {kind} has no property {key!r}"
        check_schema_names(value, f"{where}.{key}")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_store(tmp_path_factory.mktemp("jobposting") / "icc.sqlite")


def _export(store: Path, out: Path, fmt: str) -> list[str]:
    result = CliRunner().invoke(cli, ["export", "--db", str(store), "--format", fmt, "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    return result.output.split()


def test_jsonld_export_uses_schema_org_names(store: Path, tmp_path: Path) -> None:
    written = _export(store, tmp_path, "jsonld")
    assert [Path(p).name for p in written] == ["job_postings.jsonld", "DATA_DICTIONARY.md"]
    document = json.loads((tmp_path / "job_postings.jsonld").read_text("utf-8"))
    assert document["@context"] == "https://schema.org"
    postings = document["@graph"]
    assert len(postings) == 2
    check_schema_names(postings)
    aigc = next(p for p in postings if p["title"] == "AIGC内容编辑")
    assert aigc["datePosted"] == "2024-01-05"
    assert aigc["hiringOrganization"] == {"@type": "Organization", "name": "云岭国际传播中心"}
    assert aigc["jobLocation"]["address"]["addressRegion"] == "云南"
    assert {"@type": "DefinedTerm", "termCode": "stable_diffusion",
            "name": "Stable Diffusion"} in aigc["skills"]  # fmt: skip
    assert aigc["experienceRequirements"]["description"] == "overseas study"
    assert aigc["url"] == "http://yn.test/n/1"


def test_job_posting_maps_every_stated_field() -> None:
    row = {
        "position_id": 3, "title": "俄语编辑", "url": "http://x.test/n", "text": "岗位职责…",
        "published": "2025-03-01", "deadline": "2025-03-20", "employer": "之江国际传播中心",
        "province": "浙江", "headcount": 2, "education": ["bachelor", "master", "none"],
        "overseas": ["study", "work"], "overseas_years": 1.0, "skills": ["translation"],
        "languages": ["ru"],
    }  # fmt: skip
    posting = build_job_posting(row)
    check_schema_names(posting)
    assert posting["validThrough"] == "2025-03-20" and posting["totalJobOpenings"] == 2
    categories = [c["credentialCategory"] for c in posting["educationRequirements"]]
    assert categories == ["bachelor degree", "postgraduate degree"]
    assert set(categories) <= CREDENTIAL_CATEGORIES
    assert posting["experienceRequirements"]["monthsOfExperience"] == 12
    assert posting["qualifications"] == ["language: Russian (ru)"]


def test_unstated_fields_are_absent_never_empty() -> None:
    posting = build_job_posting(
        {"position_id": 1, "title": "编辑", "url": "http://x.test/n", "text": None,
         "published": None, "deadline": pd.NA, "employer": None, "province": None,
         "headcount": pd.NA, "education": ["none"], "overseas": [], "overseas_years": pd.NA,
         "skills": [], "languages": []}
    )  # fmt: skip
    check_schema_names(posting)
    assert set(posting) == {"@type", "identifier", "title", "url", "jobLocation"}
    assert posting["jobLocation"]["address"] == {"@type": "PostalAddress", "addressCountry": "CN"}


def test_parquet_has_typed_dates_and_nested_evidence(store: Path, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    _export(store, tmp_path, "parquet")
    schema = pq.read_schema(tmp_path / "positions.parquet")
    assert str(schema.field("published").type) == "date32[day]"
    assert str(schema.field("deadline").type) == "date32[day]"
    evidence = schema.field("evidence").type
    assert evidence.value_type.names == ["field", "value", "required", "evidence"]
    positions = pd.read_parquet(tmp_path / "positions.parquet")
    first = positions[positions["title"] == "AIGC内容编辑"].iloc[0]
    assert first["published"] == dt.date(2024, 1, 5)
    assert {"field": "skill", "value": "stable_diffusion", "required": True,
            "evidence": "Stable Diffusion"} in list(first["evidence"])  # fmt: skip
