"""scripts/gold_set_5_texts.py rebuilds gold set 5's texts from the dataset rows its sources file
names. Checked on made-up dataset files of the four shapes (no third-party text here)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location(
    "gold_set_5_texts", ROOT / "scripts/gold_set_5_texts.py"
)
assert spec and spec.loader
texts = importlib.util.module_from_spec(spec)
spec.loader.exec_module(texts)


def test_a_bilibili_row_is_its_title_then_its_description() -> None:
    row = pd.Series(
        ["7", "https://example.invalid/7", " 视频编辑 ", "职责：\n剪辑节目。\n", "全职"]
    )
    assert texts.bilibili_text(row) == "视频编辑\n职责：\n剪辑节目。"


def test_a_campus_row_puts_its_fields_on_one_line_and_names_each_cell() -> None:
    row = pd.Series(
        {
            "岗位名称": "海外运营",
            "岗位类别": "运营",
            "工作城市": "上海",
            "性质": "应届生",
            "学历要求": float("nan"),
            "任职要求": "英语流利。",
            "工作职责": "运营账号。",
            "加分项": float("nan"),
        }
    )
    assert texts.campus_text(row) == (
        "海外运营\n岗位类别：运营 | 工作城市：上海 | 性质：应届生 | 学历要求：不限/未提及\n"
        "工作职责：\n运营账号。\n任职要求：\n英语流利。"
    )


def test_a_position_table_row_follows_the_sheet_title_and_header() -> None:
    sheet = pd.DataFrame(
        [
            ["某省职位表", None, None],
            ["说明", None, None],
            ["单位", "职位名称", "其他要求"],
            ["某局", "科员", "英语六级"],
        ]
    )
    assert (
        texts.position_table_text(sheet, 4)
        == "某省职位表\n单位\t职位名称\t其他要求\n某局\t科员\t英语六级"
    )


def _write_datasets(folder: Path) -> None:
    folder.mkdir()
    pd.DataFrame([["1", "https://example.invalid/1", "编辑", "校对稿件。", "全职"]]).to_csv(
        folder / "result.csv", header=False, index=False
    )
    pd.DataFrame(
        [
            {
                "职位名称": "翻译实习生",
                "工作地点": "杭州",
                "学历要求": "本科",
                "职位描述": "翻译资料。",
                "任职要求": "日语N1。",
            }
        ]
    ).to_csv(folder / "recruit_post.csv", index=False)


def test_the_script_writes_one_line_an_ad_and_stops_on_a_missing_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources: dict[str, Any] = {
        "c5-001": {
            "kind": "bilibili",
            "file": "doc/result.csv",
            "row": 0,
            "url": "https://example.invalid/1",
        },
        "c5-002": {
            "kind": "netease",
            "file": "a/recruit_post.csv",
            "row": 1,
            "url": "https://example.invalid/2",
        },
    }
    (tmp_path / "sources.yaml").write_text(yaml.safe_dump({"ads": sources}), "utf-8")
    monkeypatch.setattr(texts, "SOURCES", tmp_path / "sources.yaml")
    _write_datasets(tmp_path / "data")
    assert texts.main([str(tmp_path / "data"), str(tmp_path / "out")]) == 0
    lines = (tmp_path / "out" / "real_postings_5.jsonl").read_text("utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    assert [r["id"] for r in rows] == ["c5-001", "c5-002"]
    assert rows[0]["text"] == "编辑\n校对稿件。"
    assert (
        rows[1]["text"]
        == "翻译实习生\n工作地点：杭州 | 学历要求：本科\n职位描述：翻译资料。\n任职要求：日语N1。"
    )
    (tmp_path / "data" / "result.csv").unlink()
    assert texts.main([str(tmp_path / "data"), str(tmp_path / "out")]) == 1


def test_the_sources_file_rebuilds_every_labelled_ad_where_the_datasets_are() -> None:
    """Every id of the sources file has a label; the texts themselves need the datasets."""
    sources = yaml.safe_load((ROOT / "tests/gold/corpus5_sources.yaml").read_text("utf-8"))["ads"]
    labels = yaml.safe_load((ROOT / "tests/gold/corpus5_labels.yaml").read_text("utf-8"))["labels"]
    assert set(sources) == set(labels)
