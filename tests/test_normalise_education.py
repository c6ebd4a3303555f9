"""detect_education / detect_party_member / detect_age_max / detect_headcount."""

from __future__ import annotations

from datetime import date

import pytest

from analysis.normalise.education import (
    detect_age_max,
    detect_education,
    detect_headcount,
    detect_party_member,
)
from analysis.normalise.text import clean_text


@pytest.mark.parametrize(
    ("text", "value", "required"),
    [
        ("任职要求:\n1.本科及以上学历,硕士优先", "bachelor", True),
        ("硕士研究生及以上学历", "master", True),
        ("大学专科以上学历", "associate", True),
        ("博士研究生学历", "phd", True),
        ("学历不限", "none", False),
        (
            "A master's degree or above; applicants with a bachelor's degree need two years' "
            "experience",
            "bachelor",
            True,
        ),
        ("Master\u2019s degree required (PhD preferred)", "master", True),
        ("PhD preferred.", "phd", False),
        ("Bachelor's degree or higher.", "bachelor", True),
        ("學士學位或以上", "bachelor", True),  # Traditional
    ],
)
def test_education(text: str, value: str, required: bool) -> None:
    f = detect_education(clean_text(text))
    assert f is not None
    assert (f.value, f.required) == (value, required)


def test_education_absent_or_about_certification() -> None:
    assert detect_education(clean_text("熟悉新闻采编流程")) is None
    assert detect_education(clean_text("提供国(境)外学历学位认证书")) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3.中共党员;", "required"),
        ("政治面貌:中共党员", "required"),
        ("同等条件下,中共党员优先。", "preferred"),
        ("政治面貌:不限", "none"),
        ("负责党员教育管理工作", None),
    ],
)
def test_party_member(text: str, value: str | None) -> None:
    f = detect_party_member(clean_text(text))
    assert (f.value if f else None) == value


@pytest.mark.parametrize(
    ("text", "value", "born_after"),
    [
        ("年龄35周岁以下", "35", None),
        ("年龄不超过40周岁", "40", None),
        ("年龄在30周岁以下(1995年6月30日以后出生)", "30", "1995-06-30"),
        ("1990年1月1日以后出生", "35", "1990-01-01"),
        ("Native speaker, under the age of 50", "50", None),
        ("熟悉英语", None, None),
    ],
)
def test_age_max(text: str, value: str | None, born_after: str | None) -> None:
    f = detect_age_max(clean_text(text), ref=date(2025, 6, 1))
    assert (f.value if f else None) == value
    if f is not None:
        assert f.detail.get("born_after") == born_after


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("公开招聘7名工作人员", 7),
        ("英语编辑2名", 2),
        ("招聘人数:3", 3),
        ("招聘两名记者", 2),
        ("招聘若干名", None),
        ("We have two positions open.", 2),
        ("负责新闻采编", None),
    ],
)
def test_headcount(text: str, expected: int | None) -> None:
    assert detect_headcount(clean_text(text)) == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Requirements:\n- BA degree in journalism or a related field", "bachelor"),
        ("B.Sc. in computer science or equivalent", "bachelor"),
        ("University graduate with strong English", "bachelor"),
        ("College graduates are welcome to apply.", "bachelor"),
        ("Degree holder in communications", "bachelor"),
        ("Post-secondary education in media studies", "associate"),
        # the lowest degree the ad accepts, through any route
        ("Master's degree, or Bachelor's degree with 2 years' experience", "bachelor"),
        ("硕士研究生学历；或本科学历且具有３年以上工作经历", "bachelor"),
    ],
)
def test_education_english_variants_and_routes(text: str, value: str) -> None:
    f = detect_education(clean_text(text))
    assert f is not None and f.value == value


@pytest.mark.parametrize(
    "text",
    [
        # students still studying: no minimum, whatever degree they pursue
        "学历要求:本科及以上\n任职要求:\n1.大三或研一、研二在读;",
        "学历:本科\n面向2027届全日制本科及以上在读生",
        "Bachelor's degree.\nCandidates must be currently enrolled in a university programme.",
        # a dataset header that says nothing
        "岗位类别:运营类 | 学历要求:不限/未提及\n工作职责:负责内容运营",
        # a degree category annotating a major name
        "专业:翻译(专业学位研究生)、外交学(二级学科)",
    ],
)
def test_education_none_for_students_headers_and_major_labels(text: str) -> None:
    assert detect_education(clean_text(text)) is None


@pytest.mark.parametrize(
    "text",
    [
        "某市党员教育中心招聘编辑",
        "单位:区委组织部党员服务中心",
        "负责党员之家日常管理",
    ],
)
def test_party_named_organisations_ask_nothing(text: str) -> None:
    assert detect_party_member(clean_text(text)) is None
