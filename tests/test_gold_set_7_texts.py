"""scripts/gold_set_7_texts.py rebuilds gold set 7's texts from the dataset rows its sources file
names. Checked on made-up dataset files (no third-party text here)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location(
    "gold_set_7_texts", ROOT / "scripts/gold_set_7_texts.py"
)
assert spec and spec.loader
texts = importlib.util.module_from_spec(spec)
spec.loader.exec_module(texts)

POST = """---
layout: post
---
- **工作城市： **广州
- **学历要求： **本科
- **工作年限： **
- **发布日期： **2022-01-02

**职位描述**
负责甲。

**职位要求**
会乙。

[点击应聘 投递简历就有面试机会 -> 某编辑-某部门](https://example.invalid/job/1)
"""


def test_a_referral_post_is_its_link_title_fields_and_two_sections() -> None:
    assert texts.netease_post_text(POST) == (
        "某编辑-某部门\n公司：网易 | 城市：广州 | 学历：本科 | 发布时间：2022-01-02\n"
        "职位描述：负责甲。\n职位要求：会乙。"
    )
    with pytest.raises(ValueError):
        texts.netease_post_text(POST.replace("[点击应聘", "[应聘"))


def test_a_career_site_row_joins_lists_and_leaves_empty_cells_out() -> None:
    row = {
        "title": "翻译",
        "locations": ["北京", "", "上海"],
        "description": " 译稿 ",
        "requirement": "",
    }
    assert (
        texts.jobcloud_text(row, row, "腾讯")
        == "翻译\n公司：腾讯 | 城市：北京 / 上海\n职位描述：译稿"
    )


def test_a_newsletter_comment_takes_its_first_line_as_title() -> None:
    row = {"text": "\n## **某公司招聘**\n细节", "created_at": "2024-01-01T00:00:00Z"}
    assert texts.newsletter_comment_text(row) == (
        "某公司招聘\n发布时间：2024-01-01T00:00:00Z\n职位描述：## **某公司招聘**\n细节"
    )


def test_main_reads_each_kind_of_file_and_fails_on_a_missing_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = {
        "c7-001": {"file": "_posts/job/a.md", "row": 0, "url": "https://example.invalid/1"},
        "c7-002": {"file": "data/processed/bytedance.details.0.json", "row": "k1", "url": "u2"},
        "c7-003": {"file": "data/tencent_jobs.json", "row": 1, "url": "u3"},
        "c7-004": {"file": "degree_split/x.json", "row": 0, "url": "u4"},
    }
    (tmp_path / "sources.yaml").write_text(yaml.safe_dump({"ads": sources}), "utf-8")
    monkeypatch.setattr(texts, "SOURCES", tmp_path / "sources.yaml")
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.md").write_text(POST, "utf-8")
    role = {"description": "写", "variants": [{"title": "编辑", "location_text": "杭州"}]}
    (data / "bytedance.details.0.json").write_text(json.dumps({"roles": {"k1": role}}), "utf-8")
    jobs = [{"title": "无"}, {"title": "运营", "education": "本科", "description": "做"}]
    (data / "tencent_jobs.json").write_text(json.dumps(jobs), "utf-8")
    (data / "x.json").write_text(json.dumps([{"text": "招人\n要求", "created_at": ""}]), "utf-8")
    assert texts.main([str(data), str(tmp_path / "out")]) == 0
    lines = (tmp_path / "out" / "real_postings_7.jsonl").read_text("utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    assert [r["id"] for r in rows] == ["c7-001", "c7-002", "c7-003", "c7-004"]
    assert [r["text"] for r in rows[1:]] == [
        "编辑\n公司：字节跳动 | 城市：杭州\n职位描述：写",
        "运营\n公司：腾讯 | 学历：本科\n职位描述：做",
        "招人\n职位描述：招人\n要求",
    ]
    (data / "x.json").unlink()
    assert texts.main([str(data), str(tmp_path / "out")]) == 1
