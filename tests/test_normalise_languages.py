"""detect_languages / detect_native_speakers / detect_certificates on own test sentences."""

from __future__ import annotations

import pytest

from analysis.models import Finding
from analysis.normalise.languages import (
    detect_certificates,
    detect_languages,
    detect_native_speakers,
)
from analysis.normalise.text import clean_text


def _langs(text: str) -> dict[str, Finding]:
    return {f.value: f for f in detect_languages(clean_text(text))}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # (text, {code: (required, level)})
        ("任职要求:\n1. 英语六级以上,具有良好的英语写作能力;", {"en": (True, "CET-6")}),
        ("岗位要求:熟练掌握俄语,能够进行口笔译。", {"ru": (True, "proficient")}),
        # asked with no preference word: required (only 优先/a plus or alternatives say otherwise)
        ("精通英语,熟悉阿拉伯语者优先。", {"en": (True, "fluent"), "ar": (False, None)}),
        ("英语专业八级,雅思7.0分以上", {"en": (True, "TEM-8")}),
        ("须以英语为母语。", {"en": (True, "native")}),
        (
            "Native English speaker required; some knowledge of Chinese is a plus.",
            {"en": (True, "native"), "zh": (False, None)},
        ),
        ("Fluency in Mandarin is essential.", {"zh": (True, "fluent")}),
        (
            "Fluent Cantonese and Putonghua preferred.",
            {"yue": (False, "fluent"), "zh": (False, "fluent")},
        ),
        ("Required Languages\n\nMandarin, English", {"zh": (True, None), "en": (True, None)}),
        (
            "能熟练运用英、法、西等任意语种",
            {"en": (None, "proficient"), "fr": (None, "proficient"), "es": (None, "proficient")},
        ),
        ("招聘俄英复语译员1名", {"ru": (True, None), "en": (True, None)}),
        ("英语专业,本科以上学历", {"en": (None, None)}),  # a major counts, level unknown
        ("JLPT N1 required for this Japanese desk role.", {"ja": (True, "JLPT N1")}),
    ],
)
def test_languages_asked_of_the_applicant(
    text: str, expected: dict[str, tuple[bool | None, str | None]]
) -> None:
    got = _langs(text)
    assert {k: (f.required, f.level) for k, f in got.items()} == expected


@pytest.mark.parametrize(
    "text",
    [
        "负责英文网站和多语种传播平台的内容更新。",  # outlets, not skills
        "We publish in 12 languages on our English-language news website.",
        "具有较好的外语水平。",  # no language named
        "Native English speaker is a must; no need to understand Chinese.",  # zh waived
        "Reporting on Chinese politics and Chinese companies.",  # adjective, not language
        "Please polish the copy before it goes out.",  # polish is not Polish
        "非英语专业考生另行测试。",
        "该中心设有法语频道和西班牙语节目。",
        "语种不限,欢迎报名。",
        "六级管理岗位人员1名",  # a civil-service grade, not CET-6
    ],
)
def test_languages_not_counted(text: str) -> None:
    got = _langs(text)
    assert "zh" not in got or "English" in text
    if "English" not in text:
        assert got == {}
    else:
        assert set(got) <= {"en"}


def test_native_speaker_findings() -> None:
    text = clean_text("Native English speaker, or native-level proficiency in English.")
    natives = detect_native_speakers(text)
    assert [(f.value, f.required) for f in natives] == [("en", None)]
    text = clean_text("母语为俄语者优先")
    assert [(f.value, f.required) for f in detect_native_speakers(text)] == [("ru", False)]
    text = clean_text("Our readers are non-native English speakers.")
    assert detect_native_speakers(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("大学英语六级成绩425分以上", [("CET-6", "425", "B2")]),
        ("英语四、六级证书", [("CET-4", None, "B1"), ("CET-6", None, "B2")]),
        ("专业四级、八级证书", [("TEM-4", None, "B2"), ("TEM-8", None, "C1")]),
        ("IELTS 7.5 or TOEFL 100", [("IELTS", "7.5", "C1"), ("TOEFL", "100", "C1")]),
        ("持有CATTI二级笔译证书", [("CATTI", "2", None)]),
        ("日语能力考试N2及以上", [("JLPT", "N2", "B2")]),
        ("韩国语能力考试TOPIK 6级", [("TOPIK", "6", "C1")]),
        ("HSK Level 5 or above", [("HSK", "5", None)]),
        ("普通话水平测试二级甲等以上", [("PSC", "二级甲等", None)]),
        ("无需英语六级证书", []),
    ],
)
def test_certificates(text: str, expected: list[tuple[str, str | None, str | None]]) -> None:
    got = detect_certificates(clean_text(text))
    assert [(f.value, f.level, f.detail.get("band")) for f in got] == expected


def test_traditional_text_is_read_after_cleaning() -> None:
    got = _langs("應聘條件:精通英語,具備俄語溝通能力。")
    assert set(got) == {"en", "ru"}
