"""Rebuild the texts of gold set 6 from the public GitHub job-board datasets they are rows of.

Gold set 6 (tests/gold/corpus6_labels.yaml, dev only) labels English ads of scraped job-board
datasets: round 1, rows of JobsDB Hong Kong (24billys/JobsDB-data-anlysis, 2022; krishgalani/
jobsdb-scraper, 2025) and JobStreet Malaysia/Singapore (talitharhmd/jobstreet-scraper, 2025) CSV
files; round 2, ads of a remote-jobs board (vele616/monorepo, 2020-21), one Markdown file each
(front matter, then the body). The repo keeps which row or file each ad is
(tests/gold/corpus6_sources.yaml: repository, commit, file, row), never the text. An ad's text is
its title line (`title | company | location`, each cell stripped, an empty cell or a scraper
placeholder equal to its column's name left out), a newline, and the description as written;
the labels are of that text. Writes real_postings_6.jsonl, which
`icc-talent evaluate --extra-corpus-dir DIR` and `python -m analysis.role_model train
--extra-corpus-dir DIR` read.

Input: a folder holding the three CSV files and the Markdown files under their own names, as
`git show COMMIT:PATH` gives them from the repositories and commits named in the sources file.

  python scripts/gold_set_6_texts.py DATASETS_DIR OUT_DIR
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from analysis.evaluate import write_extra_corpus

SOURCES = Path(__file__).resolve().parent.parent / "tests" / "gold" / "corpus6_sources.yaml"
# Dataset file -> its (title, company, location, description) columns.
COLUMNS = {
    "data-scientist-2022-12-06-1 Before.csv": ("title", "company", "district", "job_description"),
    "sample_output.csv": ("title", "advertiser_name", "location_label", "content"),
    "jobstreet_data.csv": ("title", "company", "location", "description"),
}
MARKDOWN_COLUMNS = ("title", "companyName", "location", "body")


def ad_text(row: Mapping[str, Any], columns: tuple[str, str, str, str]) -> str:
    """One row (a CSV row or a file's front matter) as the ad: the title line, then the
    description."""
    *head, description = columns
    cells = [(name, str(row.get(name) or "").strip()) for name in head]
    title = " | ".join(value for name, value in cells if value and value.lower() != name.lower())
    return f"{title}\n{str(row[description]).strip()}"


def markdown_ad_text(raw: str) -> str:
    """A job board's Markdown file: its front matter's title, company and location, then its
    body."""
    _, front, body = raw.split("---\n", 2)
    meta = yaml.safe_load(front) or {}
    return ad_text({**meta, "body": body}, MARKDOWN_COLUMNS)


def ad_of(source: Mapping[str, Any], datasets: Path, tables: dict[str, Any]) -> str:
    """The text of the ad `source` names: a Markdown file, or a row of a CSV file."""
    name = Path(str(source["file"])).name
    if name.endswith(".md"):
        return markdown_ad_text((datasets / name).read_text("utf-8"))
    if name not in tables:
        tables[name] = pd.read_csv(datasets / name, dtype=str, keep_default_na=False)
    return ad_text(tables[name].iloc[int(source["row"])], COLUMNS[name])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("datasets", type=Path, help="folder holding the dataset files")
    parser.add_argument("out", type=Path, help="folder to write real_postings_6.jsonl into")
    args = parser.parse_args(argv)
    ads = yaml.safe_load(SOURCES.read_text("utf-8"))["ads"]
    tables: dict[str, Any] = {}
    return write_extra_corpus(
        args.out, "6", ads, lambda source: ad_of(source, args.datasets, tables), lang="en"
    )


if __name__ == "__main__":
    raise SystemExit(main())
