"""scripts/gold_set_6_texts.py rebuilds gold set 6's texts from the job-board dataset rows its
sources file names. Checked on made-up dataset files (no third-party text here)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location(
    "gold_set_6_texts", ROOT / "scripts/gold_set_6_texts.py"
)
assert spec and spec.loader
texts = importlib.util.module_from_spec(spec)
spec.loader.exec_module(texts)


def test_a_row_is_its_title_line_then_its_description() -> None:
    row = pd.Series(
        {"title": " Data Analyst ", "company": "Acme Ltd", "district": "", "job_description": "Y\n"}
    )
    columns = texts.COLUMNS["data-scientist-2022-12-06-1 Before.csv"]
    assert texts.ad_text(row, columns) == "Data Analyst | Acme Ltd\nY"
    # a scraper's placeholder equal to its column's name is left out
    row["district"] = "district"
    assert texts.ad_text(row, columns) == "Data Analyst | Acme Ltd\nY"
    row["district"] = "Central"
    assert texts.ad_text(row, columns) == "Data Analyst | Acme Ltd | Central\nY"


def test_main_writes_every_ad_and_fails_on_a_missing_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = {
        "c6-001": {"file": "dir/jobstreet_data.csv", "row": 1, "url": "https://example.invalid/1"},
        "c6-002": {"file": "sample_output.csv", "row": 0, "url": "https://example.invalid/2"},
    }
    (tmp_path / "sources.yaml").write_text(yaml.safe_dump({"ads": sources}), "utf-8")
    monkeypatch.setattr(texts, "SOURCES", tmp_path / "sources.yaml")
    data = tmp_path / "data"
    data.mkdir()
    pd.DataFrame(
        {
            "title": ["A", "Editor"],
            "company": ["X", "Y Co"],
            "location": ["KL", "Singapore"],
            "description": ["a", "Edit copy."],
        }
    ).to_csv(data / "jobstreet_data.csv", index=False)
    pd.DataFrame(
        {
            "title": ["Translator"],
            "advertiser_name": ["Z"],
            "location_label": [""],
            "content": ["Translate."],
        }
    ).to_csv(data / "sample_output.csv", index=False)
    assert texts.main([str(data), str(tmp_path / "out")]) == 0
    lines = (tmp_path / "out" / "real_postings_6.jsonl").read_text("utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    assert [r["id"] for r in rows] == ["c6-001", "c6-002"]
    assert [r["text"] for r in rows] == [
        "Editor | Y Co | Singapore\nEdit copy.",
        "Translator | Z\nTranslate.",
    ]
    (data / "sample_output.csv").unlink()
    assert texts.main([str(data), str(tmp_path / "out")]) == 1


def test_a_markdown_ad_is_its_front_matter_title_line_then_its_body() -> None:
    raw = (
        '---\ntitle: "Copy Editor"\nlocation: "Remote"\ncompanyName: "Acme"\n'
        'url: "https://example.invalid/1"\nfeatured: 20\n---\n\n## About\n\nEdit copy.\n---\nMore.\n'
    )
    assert (
        texts.markdown_ad_text(raw)
        == "Copy Editor | Acme | Remote\n## About\n\nEdit copy.\n---\nMore."
    )
