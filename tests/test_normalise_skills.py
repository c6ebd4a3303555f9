"""detect_skills and detect_aigc: taxonomy hits, SD precision, AIGC vs AI news."""

from __future__ import annotations

import pytest

from analysis.normalise.aigc import detect_aigc
from analysis.normalise.context import load_vocab
from analysis.normalise.skills import detect_skills
from analysis.normalise.text import clean_text

REQUIRED_SKILLS = {
    "translation",
    "interpreting",
    "copy_editing",
    "news_writing",
    "video_editing",
    "photography",
    "social_media_operations",
    "kol_relations",
    "broadcasting_hosting",
    "design",
    "programming",
    "nlp",
    "recommendation_algorithms",
    "prompt_engineering",
    "data_analysis",
    "event_organization",
    "localization",
    "content_moderation",
    "stable_diffusion",
    "midjourney",
}


def _skills(text: str) -> set[str]:
    return {f.value for f in detect_skills(clean_text(text))}


def test_taxonomy_has_the_required_skills_and_labels() -> None:
    data = load_vocab("skills")
    ids = [s["id"] for s in data["skills"]]
    assert set(ids) >= REQUIRED_SKILLS
    assert len(ids) == len(set(ids))
    for s in data["skills"]:
        assert s["label_en"] and s["label_zh"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("熟练使用SD、Midjourney等AI绘画工具", {"stable_diffusion", "midjourney"}),
        ("熟悉SDXL与LoRA训练流程", {"stable_diffusion"}),
        ("Experience with ComfyUI workflows and SD 1.5 checkpoints", {"stable_diffusion"}),
        ("能用Stable Diffusion出图", {"stable_diffusion"}),
        ("熟悉MJ、SD等AIGC工具", {"stable_diffusion", "midjourney"}),
    ],
)
def test_stable_diffusion_in_ai_context(text: str, expected: set[str]) -> None:
    assert expected <= _skills(text)


@pytest.mark.parametrize(
    "text",
    [
        "负责SD卡、硬盘等存储介质管理",
        "Manage SD cards and camera batteries.",
        "SD存储卡若干",
        "负责SD视频与HD视频的转换",
        "熟悉HD/SD信号切换,了解AIGC行业",
        "SD/HD制式节目播出",
        "SD 卡 与 Midjourney 素材备份",
        "安装SDK与SDR设备",
        "USD 24 per hour",
    ],
)
def test_stable_diffusion_never_from_sd_card_or_standard_definition(text: str) -> None:
    assert "stable_diffusion" not in _skills(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("负责英文稿件的翻译与审校", {"translation", "copy_editing"}),
        ("担任同声传译", {"interpreting"}),
        ("机器翻译算法研发", {"nlp"}),
        ("熟练使用Premiere进行视频剪辑", {"video_editing"}),
        ("运营海外社交媒体账号,对接海外网红", {"social_media_operations", "kol_relations"}),
        ("担任新闻节目主持人", {"broadcasting_hosting"}),
        ("主持全面工作", set()),
        ("熟练使用PS、AI等设计软件", {"design"}),
        ("精通Python和SQL", {"programming"}),
        ("负责推荐算法优化", {"recommendation_algorithms"}),
        ("编写提示词", {"prompt_engineering"}),
        ("负责游戏内system prompts的本地化", {"localization"}),
        ("Analyze audience data weekly", {"data_analysis"}),
        ("策划组织线下活动", {"event_organization"}),
        ("负责内容审核", {"content_moderation"}),
    ],
)
def test_skills(text: str, expected: set[str]) -> None:
    assert _skills(text) == expected


def _aigc(text: str) -> list[str]:
    text = clean_text(text)
    return [f.evidence.text for f in detect_aigc(text, detect_skills(text))]


@pytest.mark.parametrize(
    "text",
    [
        "使用AIGC工具制作短视频",
        "熟练运用Midjourney、Stable Diffusion等工具",
        "负责AI视频的策划与制作",
        "Review AI-generated translations and correct them.",
        "熟悉大模型应用开发",
        "编写提示词,优化生成效果",
        "熟练使用ChatGPT等AI工具辅助写作",
    ],
)
def test_aigc_duties(text: str) -> None:
    assert _aigc(text)


@pytest.mark.parametrize(
    "text",
    [
        "熟悉AI行业动态",
        "负责报道人工智能新闻",
        "The reporter covers AI news and generative AI trends.",
        "负责AIGC行业新闻报道",
        "SD卡管理",
        "熟悉人工智能等前沿科技",
    ],
)
def test_ai_news_is_not_aigc(text: str) -> None:
    assert _aigc(text) == []


@pytest.mark.parametrize(
    ("text", "skill"),
    [
        # social media operations: accounts and platforms run as a duty
        ("负责运营官方微博和抖音账号", "social_media_operations"),
        ("TikTok账号的运营与维护", "social_media_operations"),
        ("Manage the bureau's YouTube and X channels.", "social_media_operations"),
        ("Building and growing our social media presence.", "social_media_operations"),
        ("Maintains the centre's websites and social media pages.", "social_media_operations"),
        # news writing: reporting and writing stories, press releases
        ("負責撰寫新聞稿及採寫專題", "news_writing"),  # Traditional
        ("Write stories and press releases on deadline.", "news_writing"),
        ("Draft several articles a day on current affairs.", "news_writing"),
        ("Reporters will break market news and write features.", "news_writing"),
        ("The paper is looking for an experienced, curious reporter.", "news_writing"),
        # copy editing: proofreading, revising, editing others' copy for quality
        ("负责稿件校对、审校和润色", "copy_editing"),
        ("复核中英文译文，确保准确", "copy_editing"),
        ("Proofread and sub-edit copy from the desk.", "copy_editing"),
        ("Edit reporters' stories for accuracy, clarity and style.", "copy_editing"),
        ("Revises translations made by other staff.", "copy_editing"),
        # design
        ("负责活动海报及视觉设计", "design"),
        ("熟练使用Photoshop、Illustrator", "design"),
        ("Graphic designer for the English site.", "design"),
        ("具备基础的P图、修图能力", "design"),
    ],
)
def test_skill_recall_by_class(text: str, skill: str) -> None:
    assert skill in _skills(text)


@pytest.mark.parametrize(
    ("text", "skill"),
    [
        # company names and texts others will translate
        ("某某翻译有限公司招聘行政助理", "translation"),
        ("Office assistant at Bridgeway Translation Company.", "translation"),
        ("Documents will be translated by the agency.", "translation"),
        # reading about news, or a news topic, is not writing news
        ("Follow breaking news and social trends.", "news_writing"),
        # a job advert's poster
        ("详见招聘海报", "design"),
        # a technical writer writes manuals, not news
        ("We are looking for a technical writer.", "news_writing"),
        # an exclusion clause
        ("不接受翻译专业在读学生报名", "translation"),
    ],
)
def test_skill_false_friends(text: str, skill: str) -> None:
    assert skill not in _skills(text)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # Verb and object apart, within one clause: analysing or mining some kind of data.
        ("负责分析短视频播放数据,优化选题。", True),
        ("深入挖掘用户行为数据,提出改进建议", True),
        ("每周输出数据复盘报告", True),
        ("对数据敏感,逻辑清晰", True),
        ("Analyse audience data weekly.", True),
        # The verb and 数据 in different clauses: no data work is named.
        ("善于分析问题;收集数据由同事完成", False),
        ("分析,整理新闻线索。数据由技术部提供", False),
    ],
)
def test_data_analysis_verb_and_object_apart(text: str, found: bool) -> None:
    assert ("data_analysis" in _skills(text)) is found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # Certifying or checking translations others made is vetting (Traditional text too).
        ("負責對葡中文本進行翻譯鑑定", True),
        ("鉴定外包供应商的译文", True),
        # Editing copy that others produced.
        ("Edit English articles produced by our reporters.", True),
        ("edits stories filed by correspondents abroad", True),
        # Editing one's own writing, or video, is not copy editing.
        ("Edit videos produced by the studio.", False),
        ("Write and edit articles on culture.", False),
    ],
)
def test_copy_editing_of_others_work(text: str, found: bool) -> None:
    assert ("copy_editing" in _skills(text)) is found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # Planning or organising an event, with words between the verb and 活动.
        ("策划线上线下读者活动", True),
        ("策划与粉丝互动的活动", True),
        ("organise and host cultural events", True),
        # Events held by others, attended; in-app campaign operations.
        ("参加单位举办的各类活动", False),
        ("参与组织的各类培训活动", False),
        ("负责游戏内活动运营", False),
    ],
)
def test_event_organisation_verb_and_object_apart(text: str, found: bool) -> None:
    assert ("event_organization" in _skills(text)) is found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # Plurals and everyday verbs of camera work.
        ("You will lead camera operators and editors.", True),
        ("Shoot videos and photos at events.", True),
        ("喜欢拍照、拍短视频", True),
        # A camera as a product, not camera work.
        ("负责相机产品的海外销售", False),
    ],
)
def test_photography_plurals_and_everyday_verbs(text: str, found: bool) -> None:
    assert ("photography" in _skills(text)) is found
