"""detect_aigc: generative-AI tools as duties or requirements, not as threats, clients, products
sold, news topics or look-alike codes."""

from __future__ import annotations

import pytest

from analysis.normalise.aigc import detect_aigc
from analysis.normalise.skills import detect_skills
from analysis.normalise.text import clean_text


def _aigc(text: str) -> list[str]:
    t = clean_text(text)
    return [f.evidence.text for f in detect_aigc(t, detect_skills(t))]


@pytest.mark.parametrize(
    "text",
    [
        "熟练使用ComfyUI搭建出图工作流",
        "能用LoRA微调角色风格",
        "负责文生图、图生图素材制作",
        "掌握AI绘画工具",
        "使用AI视频工具剪辑短片",
        "负责数字人直播内容制作",
        "编写提示词，优化生成效果",
        "3、利用AI工具优化内容生产流程",  # the cue right before Latin letters
        "借助AIGC工具生产海报",
        "Experience writing prompts for image generation tools.",
        "Assess and moderate AI-generated images against safety guidelines.",
        "熟練使用AI繪畫工具",  # Traditional
    ],
)
def test_aigc_duties_count(text: str) -> None:
    assert _aigc(text)


@pytest.mark.parametrize(
    "text",
    [
        # a threat
        "协助识别AI生成的虚假信息",
        "Help the newsroom spot deepfake and AI-generated disinformation.",
        # a client or a product the employer sells
        "为客户提供AI数字人产品的售前咨询",
        "Sell our generative AI platform to enterprise clients.",
        # a news topic
        "报道AIGC行业新闻与前沿动态",
        "Covers AI news and industry trends.",
        # codes that only look like tool names
        "负责SD卡与存储设备管理",
        "Deliver footage in SD/HD video formats.",
        "Report to MJ, the managing journalist.",
        # a ban
        "投稿作品不得使用AI生成内容",
    ],
)
def test_aigc_subjects_are_not_duties(text: str) -> None:
    assert _aigc(text) == []
