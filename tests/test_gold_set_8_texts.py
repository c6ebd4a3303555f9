"""scripts/gold_set_8_texts.py rebuilds gold set 8's texts from the files and rows its sources file
names. Checked on made-up files (no third-party text here)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location(
    "gold_set_8_texts", ROOT / "scripts/gold_set_8_texts.py"
)
assert spec and spec.loader
texts = importlib.util.module_from_spec(spec)
spec.loader.exec_module(texts)

STORE = """export default {
  state: {
    notices:[
      {
        notice_id: 3,
        title: '某中心招聘启事',
        date: new Date('2022-11-01'),
        content: `
一、岗位:编辑1名。
二、报名截止:3月1日。
`
      },
      { notice_id: 4, title: '无正文', date: new Date('2022-11-02'), },
  ],
  }
}
"""


def test_store_notices_are_title_then_body_and_the_placeholder_date_is_left_out() -> None:
    notices = texts.store_notices(STORE)
    assert notices == {
        3: "某中心招聘启事\n一、岗位:编辑1名。\n二、报名截止:3月1日。",
        4: "无正文\n",
    }


def test_main_reads_csv_rows_and_store_notices_and_fails_on_a_missing_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = {
        "c8-001": {"file": "data/办/a.csv", "row": 1, "url": "http://example.invalid/1"},
        "c8-002": {"file": "src/store/index.js", "row": 3, "url": "http://example.invalid/2"},
    }
    (tmp_path / "sources.yaml").write_text(yaml.safe_dump({"ads": sources}), "utf-8")
    monkeypatch.setattr(texts, "SOURCES", tmp_path / "sources.yaml")
    data = tmp_path / "data"
    (data / "data" / "办").mkdir(parents=True)
    (data / "src" / "store").mkdir(parents=True)
    pd.DataFrame(
        {
            "datetime": ["2019-01-01", "2020-02-02"],
            "source": ["人事处", " 学院 "],
            "url": ["u0", "u1"],
            "title": ["甲", " 招聘启事 "],
            "content": ["无", " 一、岗位:翻译。 "],
        }
    ).to_csv(data / "data" / "办" / "a.csv", index=False)
    (data / "src" / "store" / "index.js").write_text(STORE, "utf-8")
    assert texts.main([str(data), str(tmp_path / "out")]) == 0
    lines = (tmp_path / "out" / "real_postings_8.jsonl").read_text("utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    assert [r["text"] for r in rows] == [
        "招聘启事\n发布时间：2020-02-02 | 来源：学院\n一、岗位:翻译。",
        "某中心招聘启事\n一、岗位:编辑1名。\n二、报名截止:3月1日。",
    ]
    (data / "src" / "store" / "index.js").unlink()
    assert texts.main([str(data), str(tmp_path / "out")]) == 1
