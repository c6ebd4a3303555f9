"""Normalise stage: role family of a position.

Input: the position title, its cleaned text and the findings detected on it.
Output: one of editor_translator, reporter_correspondent, video_visual, social_media_ops, tech_ai,
management_admin, host_anchor, other. The title decides first; failing that, the skills found.
"""

from __future__ import annotations

import re
from collections import Counter

from analysis.models import Finding
from analysis.normalise.skills import skill_families

__all__ = ["ROLE_FAMILIES", "classify_role_family"]

ROLE_FAMILIES = (
    "editor_translator",
    "reporter_correspondent",
    "video_visual",
    "social_media_ops",
    "tech_ai",
    "management_admin",
    "host_anchor",
    "other",
)

# Checked in this order: the first family whose pattern matches the title wins, so 视频编辑 is
# video_visual before it can be editor_translator, and 新媒体运营 social_media_ops.
_TITLE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "host_anchor",
        re.compile(
            r"主持人|主播|播音|出镜记者|(?i:\b(?:anchors?|presenters?|hosts?"
            r"|newsreaders?)\b)"
        ),
    ),
    # "AIGC视频编导" is video work: AI in a title does not make a tech job, 算法/工程师 do.
    (
        "tech_ai",
        re.compile(
            r"算法|工程师|开发|程序|技术|数据"
            r"|(?i:\b(?:engineer|developer|algorithm|data scientist|machine learning"
            r"|software|programmer|IT)\b)"
        ),
    ),
    (
        "video_visual",
        re.compile(
            r"视频|视像|摄像|摄影|剪辑|导演|编导|美编|设计|视觉|后期|动画|制片"
            r"|(?i:\b(?:video|videographer|camera|photo\w*|designer|visual"
            r"|motion|producer|multimedia)\b)"
        ),
    ),
    (
        "social_media_ops",
        re.compile(
            r"运营|社交媒体|社媒|网红|(?i:\b(?:social media|community"
            r"|content operations|KOL|influencer)\b)"
        ),
    ),
    (
        "reporter_correspondent",
        re.compile(
            r"记者|驻外|采编|采访|(?i:\b(?:reporters?"
            r"|correspondents?|journalists?)\b)"
        ),
    ),
    (
        "editor_translator",
        re.compile(
            r"编辑|翻译|译员|译审|审校|校对|编译|撰稿|本地化|字幕|人才库"
            r"|(?i:\b(?:editors?|sub-editor|translat\w*|interpreters?"
            r"|copy\w*|writers?|locali[sz]\w*|linguist|proofreader)\b)"
        ),
    ),
    (
        "management_admin",
        re.compile(
            r"主任|经理|主管|总监|负责人|行政|人事|财务|管理|综合|办公室|秘书"
            r"|助理|专员|(?i:\b(?:manager|director|head|chief|assistant"
            r"|officer|executive|administrat\w*|coordinator)\b)"
        ),
    ),
)
_FAMILY_ORDER = {f: i for i, f in enumerate(ROLE_FAMILIES)}


def _from_title(title: str) -> str | None:
    for family, pattern in _TITLE_RULES:
        if pattern.search(title):
            return family
    return None


def classify_role_family(title: str, text: str, findings: list[Finding]) -> str:
    """Role family: from the title (first line of the text if the title says nothing), else from
    the skill findings (the family most of them point to; ties go to the earlier family)."""
    family = _from_title(title or "")
    if family is None:
        first_line = text.split("\n", 1)[0][:60]
        family = _from_title(first_line)
    if family is not None:
        return family
    families = skill_families()
    votes = Counter(families.get(f.value, "other") for f in findings if f.field == "skill")
    votes.pop("other", None)
    if not votes:
        return "other"
    return min(votes, key=lambda f: (-votes[f], _FAMILY_ORDER.get(f, 99)))
