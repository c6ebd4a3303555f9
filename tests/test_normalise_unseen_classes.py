"""Issue 11's error classes on unseen ads, tested by class with invented sentences.

Every sentence here is written for the test (none is copied from an ad): synonyms, word orders,
Traditional characters and English and Chinese variants that the dev ads do not all show.
"""

from __future__ import annotations

import pytest

from analysis.normalise.skills import detect_skills
from analysis.normalise.text import clean_text


def _skills(text: str) -> set[str]:
    return {f.value for f in detect_skills(clean_text(text))}


@pytest.mark.parametrize(
    ("text", "skill"),
    [
        # social media operations: synonyms and the platform named before its running
        ("负责自媒体运营及粉丝互动。", "social_media_operations"),
        ("负责学校微信公众号、视频号以及官网的日常运营。", "social_media_operations"),
        ("負責海外社交媒體賬號的日常維護。", "social_media_operations"),
        ("运营和维护海外新媒体矩阵。", "social_media_operations"),
        ("Own our social media strategy across all platforms.", "social_media_operations"),
        ("Experience as a community manager for a news brand.", "social_media_operations"),
        # news writing: a writing verb and its news object apart in one clause
        ("负责撰写时政热点文章。", "news_writing"),
        ("负责创作国际热点新闻和评论。", "news_writing"),
        ("承担重大主题的专题报道。", "news_writing"),
        ("Feature writing for our weekend edition.", "news_writing"),
        ("Strong journalistic writing in English.", "news_writing"),
        # copy editing: 文字编辑, English spellings
        ("负责英文稿件的文字编辑与校订。", "copy_editing"),
        ("Copyedit and proof-read articles before publication.", "copy_editing"),
        ("Polishing translated drafts by junior staff.", "copy_editing"),
        ("Two years as a subeditor on a daily paper.", "copy_editing"),
        # design
        ("负责活动海报及封面设计。", "design"),
        ("熟练使用PS、AI等设计软件。", "design"),
        ("Produce motion graphics and visual assets for campaigns.", "design"),
        ("Familiar with CorelDRAW or Canva.", "design"),
        # photography and interpreting
        ("负责图片新闻的采集。", "photography"),
        ("A trained photojournalist.", "photography"),
        ("承担省级外事翻译任务。", "interpreting"),
        # having translated is translation work
        ("Has previously translated two novels into French.", "translation"),
    ],
)
def test_skill_recall_on_unseen_classes(text: str, skill: str) -> None:
    assert skill in _skills(text)


@pytest.mark.parametrize(
    ("text", "skill"),
    [
        # a major (field of study) is no duty
        ("专业要求:新闻学(050301),翻译(055101)。", "translation"),
        ("本科:汉语言文学、翻译、新闻学等相关专业。", "translation"),
        ("广告学、视觉设计、市场营销等相关专业优先。", "design"),
        ("新闻传播学类(不含会展专业)。", "event_organization"),
        ("主修传理、语文或翻译者为佳。", "translation"),
        ("A degree in journalism, translation or linguistics.", "translation"),
        ("研究生:翻译(0551,仅限英语笔译、英语口译)。", "interpreting"),
        # a certificate's grade, an office's name, an outsourced provider
        ("持有CATTI英语口译二级证书。", "interpreting"),
        ("市外事翻译中心是市政府直属事业单位。", "interpreting"),
        ("Liaise with our third-party translation providers.", "translation"),
        # adjectives and properties
        ("Assess machine-translated content for fluency.", "translation"),
        ("Below is a translated extract of the brochure.", "translation"),
        ("Use machine learning-driven moderation tools.", "machine_learning"),
        ("负责模型训练数据的标注与质检。", "machine_learning"),
        # "programming" of a broadcaster or a centre, AI as artificial intelligence
        ("Reporting to the Head of News & Programming.", "programming"),
        ("Plan cultural programming for the centre.", "programming"),
        ("利用AI工具设计内容生产流程。", "design"),
    ],
)
def test_skill_false_friends_on_unseen_classes(text: str, skill: str) -> None:
    assert skill not in _skills(text)


@pytest.mark.parametrize(
    "text",
    [
        "Strong programming skills in Python.",
        "Java programming experience.",
        "具备模型训练与调优经验。",
        "翻译专业人才,能独立承担笔译工作。",
    ],
)
def test_skill_kept_beside_its_look_alikes(text: str) -> None:
    skills = _skills(text)
    assert skills & {"programming", "machine_learning", "translation"}
