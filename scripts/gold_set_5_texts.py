"""Rebuild the texts of gold set 5 from the public GitHub job-ad datasets they are rows of.

Gold set 5 (tests/gold/corpus5_labels.yaml, dev only) labels 61 rows of the datasets that
../shared/corpus/real_postings_2.jsonl drew its c2-066 … c2-152 from (Bilibili 2021, miHoYo /
Tencent / Meituan campus hiring, NetEase, the Henan 2026 civil-service position table). The repo
keeps which row each ad is (tests/gold/corpus5_sources.yaml: repository, commit, file, sheet, row),
never the text. This script joins each row's cells the way real_postings_2.jsonl did (title line,
the dataset's own column names as labels, cell text verbatim) and writes real_postings_5.jsonl,
which `icc-talent evaluate --extra-corpus-dir DIR` and `python -m analysis.role_model train
--extra-corpus-dir DIR` read.

Input: a folder holding the six dataset files under their own names, as `git show COMMIT:PATH`
gives them from the repositories and commits named in the sources file.

  python scripts/gold_set_5_texts.py DATASETS_DIR OUT_DIR
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from analysis.evaluate import dataset_ad_text, write_extra_corpus

SOURCES = Path(__file__).resolve().parent.parent / "tests" / "gold" / "corpus5_sources.yaml"
CAMPUS_HEAD = ("岗位类别", "工作城市", "性质", "学历要求")
CAMPUS_BODY = ("工作职责", "任职要求", "加分项")
NO_VALUE = "不限/未提及"


def cell(value: Any) -> str:
    """A cell as text: empty for a missing value, else its text without outer whitespace."""
    return "" if pd.isna(value) else str(value).strip()


def bilibili_text(row: pd.Series) -> str:
    """aruis/bilibilijob doc/result.csv (no header): title column, newline, description column,
    as evaluate joins every job-board row."""
    return dataset_ad_text(cell(row[2]), cell(row[3]))


def campus_text(row: pd.Series) -> str:
    """A campus-hiring sheet row: title; the category fields on one line; then each description
    cell under its column name."""
    head = " | ".join(
        f"{name}：{cell(row[name]) or NO_VALUE}" for name in row.index if name in CAMPUS_HEAD
    )
    body = [f"{name}：\n{cell(row[name])}" for name in CAMPUS_BODY if cell(row[name])]
    return "\n".join([cell(row["岗位名称"]), head, *body])


def netease_text(row: pd.Series) -> str:
    """demanlover9-sys/wangyi-recruit-spider recruit_post.csv: the CSV cells under their headers."""
    return (
        f"{cell(row['职位名称'])}\n工作地点：{cell(row['工作地点'])} | "
        f"学历要求：{cell(row['学历要求'])}\n职位描述：{cell(row['职位描述'])}\n"
        f"任职要求：{cell(row['任职要求'])}"
    )


def position_table_text(sheet: pd.DataFrame, row: int) -> str:
    """A civil-service position table row: the sheet's title, its header row and this row,
    tab-separated (`row` counts from 1, as a spreadsheet does)."""
    header_at = next(i for i in range(6) if cell(sheet.iloc[i, 1]) == "职位名称")
    cells = ("\t".join(cell(c) for c in sheet.iloc[i]) for i in (header_at, row - 1))
    return "\n".join([cell(sheet.iloc[0, 0]), *cells])


def ad_text(source: dict[str, Any], datasets: Path, cache: dict[str, Any]) -> str:
    """The text of one gold-set-5 ad from its dataset row."""
    name = Path(str(source["file"])).name
    kind = source["kind"]
    if name not in cache:
        path = datasets / name
        if kind == "bilibili":
            cache[name] = pd.read_csv(path, header=None)
        elif kind == "netease":
            cache[name] = pd.read_csv(path)
        elif kind == "position_table":
            cache[name] = pd.read_excel(path, sheet_name=None, header=None)
        else:
            cache[name] = pd.read_excel(path)
    table = cache[name]
    row = int(source["row"])
    if kind == "bilibili":
        return bilibili_text(table.iloc[row])
    if kind == "netease":
        return netease_text(table.iloc[row - 1])
    if kind == "position_table":
        return position_table_text(table[source["sheet"]], row)
    return campus_text(table.iloc[row - 2])  # spreadsheet row: the header is row 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("datasets", type=Path, help="folder holding the six dataset files")
    parser.add_argument("out", type=Path, help="folder to write real_postings_5.jsonl into")
    args = parser.parse_args(argv)
    ads = yaml.safe_load(SOURCES.read_text("utf-8"))["ads"]
    cache: dict[str, Any] = {}
    return write_extra_corpus(
        args.out,
        "5",
        ads,
        lambda source: ad_text(source, args.datasets, cache),
        lang="zh",
        keep=("publisher_guess",),
    )


if __name__ == "__main__":
    raise SystemExit(main())
