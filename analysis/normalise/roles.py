"""Normalise stage: role family of a position.

Input: the position title, its cleaned text and the findings detected on it.
Output: one of editor_translator, reporter_correspondent, video_visual, social_media_ops, tech_ai,
management_admin, host_anchor, other. The title decides first; failing that, the skills found.
"""

from __future__ import annotations

import re
from collections import Counter

from analysis.models import Finding
from analysis.normalise.guard import FOLDS_ONTO_ASCII
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

# Checked in this order: the first family whose words occur in the title wins, so 视频编辑 is
# video_visual before it can be editor_translator, and 新媒体运营 social_media_ops. Each family:
# Chinese words, matched as they are, then English words, matched case-insensitively as whole
# words. "AIGC视频编导" is video work: AI in a title does not make a tech job, 算法/工程师 do.
# Data in a title (数据, Data Analyst, Analytics, Database) is tech work.
_TITLE_WORDS: tuple[tuple[str, str, str], ...] = (
    ("host_anchor", r"主持人|主播|播音|出镜记者", r"anchors?|presenters?|hosts?|newsreaders?"),
    (
        "tech_ai",
        r"算法|工程师|开发|程序|技术|数据",
        r"engineer|developer|algorithm|data scientist|machine learning|software|programmer|it"
        # as 数据 above: data, analytics and database work (Data Analyst, BI Specialist)
        r"|data|analytics|database|scientists?|quantitative|bi(?!-)",  # not Bi-lingual
    ),
    (
        "video_visual",
        r"视频|视像|摄像|摄影|剪辑|导演|编导|美编|设计|视觉|后期|动画|制片",
        r"video|videographer|camera|photo\w*|designer|visual|motion|producer|multimedia",
    ),
    (
        "social_media_ops",
        r"运营|社交媒体|社媒|网红",
        r"social media|community|content operations|kol|influencer",
    ),
    (
        "reporter_correspondent",
        r"记者|驻外|采编|采访",
        r"reporters?|correspondents?|journalists?",
    ),
    (
        "editor_translator",
        r"编辑|翻译|译员|译审|审校|校对|编译|撰稿|本地化|字幕|人才库",
        r"editors?|sub-editor|translat\w*|interpreters?|copy\w*|writers?|locali[sz]\w*|linguist"
        r"|proofreader",
    ),
    (
        "management_admin",
        # 科员 and 选调生: a civil servant's clerk grade, a cadre post (the labelling rules)
        r"主任|经理|主管|总监|负责人|行政|人事|财务|管理|综合|办公室|秘书|助理|专员|科员|选调生",
        r"manager|director|head|chief|assistant|officer|executive|administrat\w*|coordinator",
    ),
    # Last: press and PR, marketing, sales, legal and customer-service titles that name none of
    # the families above are `other` by the labelling rules, whatever skills their text names.
    (
        "other",
        r"公关|市场(?!化)|营销|法务|法律|律师|客服|销售|商务|品牌",
        r"marketing|sales|legal|lawyer|brand|public relations|customer service",
    ),
)
# One pattern per family, as the rule reads (used as it is for rare titles; see _from_title).
_TITLE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (family, re.compile(rf"{chinese}|(?i:\b(?:{english})\b)"))
    for family, chinese, english in _TITLE_WORDS
)

# The same rules as two patterns, one named group per family in rule order: the Chinese words,
# and the English words matched case-sensitively on the lower-cased title (re matches IGNORECASE
# several times slower). Each has a twin without groups that re scans faster (the Chinese one
# skips ahead to the words' first characters) to find where a word starts.
_CHINESE_RULE = re.compile("|".join(f"(?P<{f}>{chinese})" for f, chinese, _ in _TITLE_WORDS))
_ANY_CHINESE = re.compile("|".join(chinese for _, chinese, _ in _TITLE_WORDS))
_ENGLISH_RULE = re.compile(
    rf"\b(?:{'|'.join(f'(?P<{f}>{english})' for f, _, english in _TITLE_WORDS)})\b"
)
_ANY_ENGLISH = re.compile(rf"\b(?:{'|'.join(english for _, _, english in _TITLE_WORDS)})\b")
_LATIN = re.compile("[a-z]")  # every English word holds one
# IGNORECASE folds these onto ASCII letters and str.lower() does not (see guard.lowered).
_FOLDS_ONTO_ASCII = re.compile(f"[{''.join(FOLDS_ONTO_ASCII)}]")
_FAMILY_ORDER = {f: i for i, f in enumerate(ROLE_FAMILIES)}


def _from_title(title: str) -> str | None:
    """The first family of _TITLE_RULES whose pattern occurs in `title`; a manager's family is
    then the family of what is managed (`_managed`)."""
    family = _first_rule(title)
    return _managed(title) if family == "management_admin" else family


def _first_rule(title: str) -> str | None:
    if _FOLDS_ONTO_ASCII.search(title) is not None:
        return next((f for f, pattern in _TITLE_RULES if pattern.search(title)), None)
    rank = _earliest_rule(_ANY_CHINESE, _CHINESE_RULE, title)
    low = title.lower()
    if rank > 0 and _LATIN.search(low) is not None:
        rank = min(rank, _earliest_rule(_ANY_ENGLISH, _ENGLISH_RULE, low))
    return _TITLE_WORDS[rank][0] if rank < len(_TITLE_WORDS) else None


# A manager's title says what is managed. A product (产品经理, Product Manager) is tech work when
# the product is AI or data, else `other`; marketing, PR, sales or legal work (市场经理, Digital
# Marketing Manager) is `other`, as the titles without the manager word are; a project's manager
# (项目经理, Project Manager) stays `management_admin`, as the labelling rules say.
_PRODUCT = re.compile(
    r"产品经理|产品负责人|产品总监|(?i:\bproduct\s+(?:manager|owner|lead|director)\b)"
)
_AI_OR_DATA = re.compile(
    r"人工智能|大模型|知识图谱|算法|数据|智能体"
    r"|(?i:(?<![a-z])(?:ai|aigc|llm|agents?|ml|data)(?![a-z]))"
)
_PROJECT = re.compile(r"项目|(?i:\bproject\b)")
_TRADE = dict(_TITLE_RULES)["other"]


def _managed(title: str) -> str:
    if _PROJECT.search(title) is not None:
        return "management_admin"
    if _PRODUCT.search(title) is not None:
        return "tech_ai" if _AI_OR_DATA.search(title) is not None else "other"
    return "other" if _TRADE.search(title) is not None else "management_admin"


def _earliest_rule(any_word: re.Pattern[str], rules: re.Pattern[str], text: str) -> int:
    """Rank of the earliest rule with a match anywhere in `text` (len(_TITLE_WORDS) if none).

    `any_word` finds every start where some rule matches (searched again from the next offset,
    so overlapping matches count too); there the alternation of `rules` takes the earliest rule
    that matches.
    """
    best = len(_TITLE_WORDS)
    pos = 0
    while best > 0 and (found := any_word.search(text, pos)) is not None:
        pos = found.start()
        rule = rules.match(text, pos)
        assert rule is not None and rule.lastindex is not None  # groups are rules 1, 2, …
        best = min(best, rule.lastindex - 1)
        pos += 1
    return best


# A notice titled by its issuer (XX学院招聘启事) names its post in the body, right before the
# headcount: 招聘岗位…研究中心行政助理1名. The last words before the count are the post.
_POSTED = re.compile(
    r"(?:招聘岗位|岗位名称|招聘职位|聘用岗位)[^\n]{0,60}?"
    r"(?P<post>[^\s,，。;；:：、()（）\d]{2,8}?)\s*(?:\d{1,3}|[一二三四五六七八九十两])\s*(?:名|人)"
)
_POSTED_HEAD = 2000  # characters of the text read for it


def _posted_name(text: str) -> str | None:
    """The post a notice names before its headcount, when the title names none."""
    m = _POSTED.search(text, 0, _POSTED_HEAD)
    return m.group("post") if m else None


def classify_role_family(title: str, text: str, findings: list[Finding]) -> str:
    """Role family: from the title (first line of the text if the title says nothing), else from
    the skill findings (the family most of them point to; ties go to the earlier family)."""
    family = _from_title(title or "")
    if family is None:
        first_line = text[:60].split("\n", 1)[0]  # the first line, cut at 60: no copy of the text
        family = _from_title(first_line)
    if family is None and (post := _posted_name(text)) is not None:
        family = _from_title(post)
    if family is not None:
        return family
    families = skill_families()
    votes = Counter(families.get(f.value, "other") for f in findings if f.field == "skill")
    votes.pop("other", None)
    if not votes:
        return "other"
    return min(votes, key=lambda f: (-votes[f], _FAMILY_ORDER.get(f, 99)))
