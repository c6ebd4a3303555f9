"""Rebuild the texts of gold set 7 from the public GitHub job-ad datasets they are rows of.

Gold set 7 (tests/gold/corpus7_labels.yaml, dev only) labels Chinese ads of three scraped
datasets: NetEase internal-referral posts, one Markdown file each (bigsinger/zhupite.github.io);
2025-26 career-site postings of ByteDance, Tencent and Xiaomi as JSON (waitforlove7/JobCloud);
hiring comments of a weekly tech newsletter as JSON (revival-of-hope/ruanyf-weekly-recruitment-
statistics). The repo keeps which file and row each ad is (tests/gold/corpus7_sources.yaml),
never the text. An ad's text is its title line; a line of the dataset's own fields
(`公司：… | 城市：… | 学历：… | 经验：… | 发布时间：…`, the empty ones left out); then each
description cell under its name (`职位描述：…`), cell text stripped. Writes
real_postings_7.jsonl, which `icc-talent evaluate --extra-corpus-dir DIR` and `python -m
analysis.role_model train --extra-corpus-dir DIR` read.

Input: a folder holding the dataset files under their own names, as `git show COMMIT:PATH`
gives them from the repositories and commits named in the sources file.

  python scripts/gold_set_7_texts.py DATASETS_DIR OUT_DIR
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from analysis.evaluate import write_extra_corpus

SOURCES = Path(__file__).resolve().parent.parent / "tests" / "gold" / "corpus7_sources.yaml"
# JobCloud file -> the employer its rows are of (the files carry no company column).
JOBCLOUD_COMPANY = {
    "tencent_jobs.json": "腾讯",
    "xiaomi_tech_jobs.json": "小米",
    "jd_tech_jobs.json": "京东",
    "meituan_tech_jobs.json": "美团",
}
JOBCLOUD_CELLS = (
    ("description", "职位描述"),
    ("requirement", "职位要求"),
    ("precedence", "加分项"),
    ("highlight", "职位亮点"),
)
_POST_LINK = re.compile(r"^\[点击应聘 投(?:递)?简历就有面试机会 ->\s*(.*?)\]\((\S+?)\)", re.M)
_MARKS = re.compile(r"^[#>*\s]+|[*\s]+$")


def cell(value: Any) -> str:
    """A dataset value as text: empty for none, a list's items joined by " / ", stripped."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = " / ".join(str(item) for item in value if item)
    return str(value).strip()


def render(title: str, fields: list[tuple[str, str]], cells: list[tuple[str, str]]) -> str:
    """The ad: the title line, the fields line, then each named description cell."""
    lines = [title]
    line = " | ".join(f"{name}：{value}" for name, value in fields if value)
    if line:
        lines.append(line)
    lines += [f"{name}：{value}" for name, value in cells if value]
    return "\n".join(lines)


def netease_post_text(raw: str) -> str:
    """A NetEase referral post (Markdown): the apply link's title, its bullet fields, then the
    description and requirement sections."""
    link = _POST_LINK.search(raw)
    if link is None:
        raise ValueError("no apply link (the post's title)")

    def bullet(label: str) -> str:
        found = re.search(r"^- \*\*" + label + r"： \*\*(.*)$", raw, re.M)
        return found.group(1).strip() if found else ""

    duties, needs = raw.index("**职位描述**"), raw.index("**职位要求**")
    end = raw.index("[点击应聘", needs)
    fields = [
        ("公司", "网易"),
        ("城市", bullet("工作城市")),
        ("学历", bullet("学历要求")),
        ("经验", bullet("工作年限")),
        ("发布时间", bullet("发布日期")),
    ]
    cells = [
        ("职位描述", raw[duties + len("**职位描述**") : needs].strip()),
        ("职位要求", raw[needs + len("**职位要求**") : end].strip()),
    ]
    return render(link.group(1).strip(), fields, cells)


def jobcloud_text(row: Mapping[str, Any], meta: Mapping[str, Any], company: str) -> str:
    """A career-site posting: `row` holds the description cells, `meta` (the first variant of a
    ByteDance role, else the row itself) the title and places."""
    date = cell(
        row.get("publish_time_text") or row.get("publish_time") or row.get("first_post_time")
    )
    fields = [
        ("公司", company),
        ("城市", cell(meta.get("location_text") or meta.get("locations"))),
        ("学历", cell(row.get("education"))),
        ("经验", cell(row.get("work_year"))),
        ("发布时间", date),
    ]
    cells = [(label, cell(row.get(key))) for key, label in JOBCLOUD_CELLS]
    return render(cell(meta.get("title")), fields, cells)


def newsletter_comment_text(row: Mapping[str, Any]) -> str:
    """A hiring comment: its first line, Markdown marks removed, as the title; its date; the
    whole comment as the description."""
    text = cell(row.get("text"))
    first = next((line for line in text.splitlines() if line.strip()), "")
    return render(
        _MARKS.sub("", first), [("发布时间", cell(row.get("created_at")))], [("职位描述", text)]
    )


def ad_of(source: Mapping[str, Any], datasets: Path, cache: dict[str, Any]) -> str:
    """The text of the ad `source` names (file and row), read from `datasets`."""
    path = str(source["file"])
    name = Path(path).name
    if name.endswith(".md"):
        return netease_post_text((datasets / name).read_text("utf-8"))
    if name not in cache:
        cache[name] = json.loads((datasets / name).read_text("utf-8"))
    data = cache[name]
    if path.startswith("degree_split/"):
        return newsletter_comment_text(data[int(source["row"])])
    if name.startswith("bytedance."):
        role = data["roles"][str(source["row"])]
        return jobcloud_text(role, role["variants"][0], "字节跳动")
    row = data[int(source["row"])]
    return jobcloud_text(row, row, JOBCLOUD_COMPANY[name])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("datasets", type=Path, help="folder holding the dataset files")
    parser.add_argument("out", type=Path, help="folder to write real_postings_7.jsonl into")
    args = parser.parse_args(argv)
    ads = yaml.safe_load(SOURCES.read_text("utf-8"))["ads"]
    cache: dict[str, Any] = {}
    return write_extra_corpus(
        args.out, "7", ads, lambda source: ad_of(source, args.datasets, cache), lang="zh"
    )


if __name__ == "__main__":
    raise SystemExit(main())
