"""split_positions and classify_role_family."""

from __future__ import annotations

import pytest

from analysis.models import Evidence, Finding
from analysis.normalise.positions import split_positions
from analysis.normalise.roles import ROLE_FAMILIES, classify_role_family
from analysis.normalise.text import clean_text

TWO_POSITIONS = """某国际传播中心2025年公开招聘公告
一、招聘岗位
1.英语编辑(2名)
负责英文稿件编辑与审校。
2.俄语记者(1名)
负责俄语采访与报道。
二、报名条件
所有岗位均须具有本科及以上学历。"""


def test_numbered_positions_split_with_shared_conditions() -> None:
    got = split_positions(clean_text(TWO_POSITIONS), "公告")
    assert [t for t, _ in got] == ["英语编辑", "俄语记者"]
    for _, text in got:
        assert "所有岗位均须具有本科及以上学历" in text  # shared text travels with each position
    assert "俄语" not in got[0][1].split("\n\n")[0]


@pytest.mark.parametrize(
    ("text", "titles"),
    [
        (
            "岗位一:阿拉伯语编辑\n负责阿语稿件。\n岗位二:视频剪辑师\n负责短视频。",
            ["阿拉伯语编辑", "视频剪辑师"],
        ),
        (
            "Position 1: Russian Editor\nEdit copy.\nPosition 2: Arabic Reporter\nReport.\n\n"
            "All positions require a bachelor's degree.",
            ["Russian Editor", "Arabic Reporter"],
        ),
        (
            "### Russian Editor\nEdit copy.\n### Video Producer\nMake videos.",
            ["Russian Editor", "Video Producer"],
        ),
        (
            "(一)英语主持人\n负责节目主持。\n(二)新媒体运营专员\n负责账号运营。",
            ["英语主持人", "新媒体运营专员"],
        ),
    ],
)
def test_heading_styles(text: str, titles: list[str]) -> None:
    assert [t for t, _ in split_positions(clean_text(text), "notice")] == titles


@pytest.mark.parametrize(
    "text",
    [
        "任职要求:\n1.本科及以上学历\n2.英语六级\n3.熟悉新媒体运营",  # a requirements list
        "1.英语编辑\n2.俄语编辑\n3.法语编辑",  # headings without bodies: a list, not positions
        "岗位一:英语编辑\n负责英文稿件。",  # one heading only
        "一、招聘岗位\n英语编辑\n二、报名方式\n邮件",
    ],
)
def test_no_false_split(text: str) -> None:
    got = split_positions(clean_text(text), "通知")
    assert len(got) == 1
    assert got[0][0] == "通知"


def _skill(value: str) -> Finding:
    return Finding("skill", value, Evidence("x", 0, 1))


@pytest.mark.parametrize(
    ("title", "skills", "family"),
    [
        ("英语编辑", [], "editor_translator"),
        ("视频编辑", [], "video_visual"),
        ("驻外记者", [], "reporter_correspondent"),
        ("新媒体运营", [], "social_media_ops"),
        ("AIGC算法工程师", [], "tech_ai"),
        ("综合办公室主任", [], "management_admin"),
        ("俄语主持人", [], "host_anchor"),
        ("Copy Editor", [], "editor_translator"),
        ("Beijing Bureau Chief", [], "management_admin"),
        ("关于征集人才的通知", ["translation", "interpreting"], "editor_translator"),
        ("关于征集人才的通知", ["video_editing", "photography", "translation"], "video_visual"),
        ("关于征集人才的通知", [], "other"),
    ],
)
def test_role_family(title: str, skills: list[str], family: str) -> None:
    got = classify_role_family(title, "正文", [_skill(s) for s in skills])
    assert got == family
    assert got in ROLE_FAMILIES
