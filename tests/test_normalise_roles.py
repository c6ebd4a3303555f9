"""classify_role_family: the fast title rules give the answers of the plain rule patterns."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.normalise import roles
from analysis.normalise.roles import classify_role_family


def _plain(title: str) -> str | None:
    return next((f for f, pattern in roles._TITLE_RULES if pattern.search(title)), None)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("视频编辑", "video_visual"),
        ("新媒体运营编辑", "social_media_ops"),
        ("Senior IT Editor", "tech_ai"),
        ("Freelance copy-editor", "editor_translator"),
        ("\u017focial media lead", "social_media_ops"),  # IGNORECASE folds U+017F onto s
        ("English editor", "editor_translator"),
        ("Editorial", None),
        ("", None),
    ],
)
def test_title_rules(title: str, expected: str | None) -> None:
    assert roles._from_title(title) == _plain(title) == expected


_TITLE_PIECES = [
    "编辑",
    "视频",
    "主播",
    "运营",
    "记者",
    "经理",
    "编",
    "辑",
    "Editor",
    "editors",
    "IT",
    "it",
    "Data Scientist",
    "photographer",
    "sub-editor",
    "KOL",
    "Head",
    "\u0131t",
    "İT",
    "\u212aol",
    " ",
    "-",
    "x",
    "é",
    "_",
    "1",
]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(_TITLE_PIECES), max_size=8).map("".join))
def test_fast_title_rules_agree_with_plain_rules(title: str) -> None:
    assert roles._from_title(title) == _plain(title)


def test_first_line_decides_when_the_title_says_nothing() -> None:
    assert classify_role_family("招聘公告", "岗位:视频编导\n要求", []) == "video_visual"
    assert classify_role_family("", "x" * 60 + "编辑\n", []) == "other"  # past the 60 characters
