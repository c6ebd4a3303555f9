"""split_positions and classify_role_family."""

from __future__ import annotations

import pytest

from analysis.models import Evidence, Finding
from analysis.normalise.positions import sections_of, split_positions
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
        # a civil servant's clerk grade and the cadre intake name no profession
        ("一级科员", [], "management_admin"),
        ("某省2026年定向招录选调生公告", [], "management_admin"),
        ("一级科员(信息技术)", [], "tech_ai"),
        ("关于征集人才的通知", ["translation", "interpreting"], "editor_translator"),
        ("关于征集人才的通知", ["video_editing", "photography", "translation"], "video_visual"),
        ("关于征集人才的通知", [], "other"),
    ],
)
def test_role_family(title: str, skills: list[str], family: str) -> None:
    got = classify_role_family(title, "正文", [_skill(s) for s in skills])
    assert got == family
    assert got in ROLE_FAMILIES


# A position list: headings with a headcount and no body, right under a heading naming the
# positions; each position's requirements come later, in a block headed by its title's start.
LISTED = """某中心2026年社会招聘公告
为优化人才队伍建设，面向社会公开招聘，现将有关事项公告如下：
{head}
1.英语翻译专业技术人员{n1}
2.新媒体编辑{n2}
二、应聘条件
(一)基本条件
1.拥护中国共产党领导，政治思想品德良好；
(二)岗位要求
1.英语翻译岗位要求
(1)英语专业硕士研究生及以上学历，年龄在35周岁以内。
2.新媒体编辑岗位要求
(1)新闻传播类专业本科及以上学历，熟练使用Premiere等剪辑软件。
三、报名方式
有意者请将简历投递到电子邮箱。"""


@pytest.mark.parametrize("head", ["一、招聘岗位", "招聘岗位：", "一、岗位设置", "招聘计划"])
def test_listed_positions_take_their_own_requirement_blocks(head: str) -> None:
    text = clean_text(LISTED.format(head=head, n1="1名", n2="2人"))
    got = sections_of(text, "公告")
    assert [(s.title, s.headcount) for s in got] == [
        ("英语翻译专业技术人员", 1),
        ("新媒体编辑", 2),
    ]
    assert "硕士研究生" in got[0].own and "Premiere" not in got[0].own
    assert "Premiere" in got[1].own and "硕士研究生" not in got[1].own
    for s in got:  # the shared conditions travel with each position, the procedure does not
        assert "拥护中国共产党领导" in s.shared and "简历" not in s.shared


@pytest.mark.parametrize(
    ("head", "n1", "n2"),
    [
        ("一、主要任务", "1名", "2人"),  # not under a heading naming positions: a list
        ("一、招聘岗位", "", ""),  # no headcounts: a list of fields, not positions
        ("一、招聘岗位", "1名", ""),
    ],
)
def test_a_bodiless_list_that_is_not_a_position_list_stays_one_position(
    head: str, n1: str, n2: str
) -> None:
    text = clean_text(LISTED.format(head=head, n1=n1, n2=n2))
    assert len(sections_of(text, "公告")) == 1
