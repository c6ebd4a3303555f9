"""Rebuild the texts of gold set 8 from the public GitHub repositories they are stored in.

Gold set 8 (tests/gold/corpus8_labels.yaml, dev only) labels Chinese recruitment notices: those
a university news-aggregator crawled into CSV files (Ethan00Si/JuHeRenDa: title, datetime,
source, url, content; the crawler removed the bodies' spaces and line breaks) and those a demo
app keeps in its store (MyMrs026/shebeiguanlixitong, src/store/index.js: notice_id, title and a
template-literal content). The repo keeps which file and row each notice is
(tests/gold/corpus8_sources.yaml), never the text. A notice's text is its title line; for the
CSV rows a line `发布时间：<datetime> | 来源：<source>`; then the body, stripped. (The app's own
date field is a placeholder its author typed, so it is left out.) Writes real_postings_8.jsonl,
which `icc-talent evaluate --extra-corpus-dir DIR` and `python -m analysis.role_model train
--extra-corpus-dir DIR` read.

Input: a folder holding each file at its path in its repository, as `git show COMMIT:PATH >
DIR/PATH` gives it, for the repositories and commits named in the sources file.

  python scripts/gold_set_8_texts.py DATASETS_DIR OUT_DIR
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from analysis.evaluate import write_extra_corpus

SOURCES = Path(__file__).resolve().parent.parent / "tests" / "gold" / "corpus8_sources.yaml"
_STORE_NOTICE = re.compile(
    r"notice_id:\s*(\d+),\s*title:\s*'([^']*)',\s*date:\s*new Date\('([^']*)'\),?"
    r"(?:\s*content:\s*`(.*?)`)?\s*,?\s*\}",
    re.S,
)


def csv_notice_text(row: pd.Series) -> str:
    """A crawled notice: title, the listing date and source, then the body."""
    title, date, source = (str(row[c]).strip() for c in ("title", "datetime", "source"))
    return f"{title}\n发布时间：{date} | 来源：{source}\n{str(row['content']).strip()}"


def store_notices(source: str) -> dict[int, str]:
    """notice_id -> text (title, then the body) of the notices in the app store's source."""
    start = source.index("notices:[")
    end = source.index("\n  ],", start)
    return {
        int(m.group(1)): f"{m.group(2).strip()}\n{(m.group(4) or '').strip()}"
        for m in _STORE_NOTICE.finditer(source, start, end)
    }


def notice_of(source: dict[str, Any], datasets: Path, cache: dict[str, Any]) -> str:
    """The text of the notice `source` names (file and row), read from `datasets`."""
    path = str(source["file"])
    if path not in cache:
        file = datasets / path
        if path.endswith(".csv"):
            cache[path] = pd.read_csv(file, dtype=str, keep_default_na=False)
        else:
            cache[path] = store_notices(file.read_text("utf-8"))
    data = cache[path]
    row = int(source["row"])
    return csv_notice_text(data.iloc[row]) if path.endswith(".csv") else str(data[row])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("datasets", type=Path, help="folder holding the files at their paths")
    parser.add_argument("out", type=Path, help="folder to write real_postings_8.jsonl into")
    args = parser.parse_args(argv)
    notices = yaml.safe_load(SOURCES.read_text("utf-8"))["ads"]
    cache: dict[str, Any] = {}
    return write_extra_corpus(
        args.out, "8", notices, lambda source: notice_of(source, args.datasets, cache), lang="zh"
    )


if __name__ == "__main__":
    raise SystemExit(main())
