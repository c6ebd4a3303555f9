"""Exclusion clauses (issue 10): people a clause bars are not asked for anything.

Every field that detects something asked of the applicant (overseas experience, degree, skill,
AIGC, party membership) drops a hit that an exclusion clause bars; the same words asked for
stay found.
"""

from __future__ import annotations

import pytest

from analysis.normalise.aigc import detect_aigc
from analysis.normalise.education import detect_education, detect_party_member
from analysis.normalise.exclusion import is_excluded
from analysis.normalise.overseas import detect_overseas
from analysis.normalise.skills import detect_skills
from analysis.normalise.text import clean_text


@pytest.mark.parametrize(
    "text",
    [
        # a relative phrase closed by 的/者, then the bar in the next clause
        "曾在国（境）外学习、工作过的，不得报名。",
        "曾在國（境）外留學、工作的，不得報考。",  # Traditional, full-width
        "曾连续１２个月以上在境外学习、工作、居住，期间表现难以考察的，不得报考。",
        # the bar in the hit's own phrase
        "具有境外工作经历者一律不予录用",
        "有国外留学经历的人员不能报考本岗位",
        # the bar before the hit
        "本岗位不接受海外留学经历的申请人",
        "工作年限不含境外工作经历",
        # a list under a barring heading
        "下列人员不得报考：\n（1）曾在境外工作二年以上的；\n（2）其他情形",
        # English
        "Candidates who have studied abroad are not eligible.",
        "Applicants with overseas work experience will not be considered.",
        "This post is not open to people who worked overseas.",
    ],
)
def test_overseas_exclusions_are_not_requirements(text: str) -> None:
    assert detect_overseas(clean_text(text)) == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("具有海外留学经历者优先，有违纪记录的，不得报考。", "study"),  # the bar is about else
        ("海外工作经验不得少于２年", "work"),  # a minimum, not a bar
        ("须有境外学习或工作经历。不接受兼职。", "any"),
    ],
)
def test_overseas_asked_next_to_an_unrelated_bar(text: str, kind: str) -> None:
    assert [f.value for f in detect_overseas(clean_text(text))] == [kind]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("本科及以上学历；专科学历者不得报考", "bachelor"),
        ("硕士研究生以上学历，本科学历的不予受理", "master"),
        ("Bachelor's degree required; associate degree holders are not eligible.", "bachelor"),
    ],
)
def test_barred_degrees_do_not_lower_the_minimum(text: str, value: str) -> None:
    f = detect_education(clean_text(text))
    assert f is not None and f.value == value


@pytest.mark.parametrize(
    "text",
    [
        "下列人员不得报考：\n（1）受到党纪处分未满期限的中共党员；\n（2）其他",
        "正在接受审查的党员不得报名。",
    ],
)
def test_barred_party_members_are_not_required(text: str) -> None:
    assert detect_party_member(clean_text(text)) is None


@pytest.mark.parametrize(
    "text",
    [
        "投稿作品严禁使用AI生成内容",
        "不得使用ComfyUI等工具生成作品",
        "Use of AI-generated images is not allowed in submissions.",
    ],
)
def test_aigc_bans_are_not_duties(text: str) -> None:
    t = clean_text(text)
    assert detect_aigc(t, detect_skills(t)) == []


def test_a_bar_far_before_a_long_list_is_not_read() -> None:
    """The heading of a list is looked for only a bounded way back (linear in the text)."""
    items = "".join(f"（{i % 90 + 1}）其他情形；\n" for i in range(200))
    text = clean_text(f"下列人员不得报考：\n{items}（1）曾在境外工作两年以上的；")
    start = text.index("境外")
    assert not is_excluded(text, start, start + 6)


def test_hostile_input_stays_linear() -> None:
    text = clean_text("曾在境外工作的，" * 20000 + "不得报考。")
    assert detect_overseas(text) == []
