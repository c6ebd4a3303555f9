"""Normalise stage: skills from the taxonomy in analysis/vocab/skills.yaml.

Input: one cleaned position text (clean_text output).
Output: Findings with field "skill", value = skill id, detail["esco"] where the taxonomy has one;
one finding per skill, evidenced by its first occurrence.

Literal aliases come from the shared pre-scan (one Aho-Corasick pass over the lower-cased text); the few regex
patterns run on the same lower-cased text; ambiguous short forms (SD, MJ, PS, PR, AE) need context.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, partial
from typing import Any

from analysis.models import Evidence, Finding
from analysis.normalise.aigc import AIGC_SKILLS
from analysis.normalise.context import (
    clause_bounds,
    in_intro,
    intro_spans,
    load_vocab,
    lower_same_length,
    prescan,
    sentence_bounds,
)
from analysis.normalise.exclusion import has_exclusion_cues, is_excluded
from analysis.normalise.guard import guarded, required_words
from analysis.normalise.starts import leading_char_finders, literal_starts, matches_at
from analysis.normalise.wordscan import DeclaredWords

__all__ = [
    "declared_words",
    "detect_skills",
    "lower_same_length",
    "names_major",
    "skill_families",
    "skill_for_alias",
    "skills_version",
]


@dataclass(frozen=True, slots=True)
class _Contextual:
    skill: str
    triggers: tuple[str, ...]
    pattern: re.Pattern[str]
    context: re.Pattern[str]
    window: int
    # The first characters of the words every match of `pattern` starts with (_start_words),
    # or "" when those words are not known: then the triggers gate a scan of the whole text.
    start_chars: str


@dataclass(frozen=True, slots=True)
class _Taxonomy:
    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    # Pre-scan owner of the words one of which every match of the pattern of the same index
    # holds ("" when no such words are known: the pattern always runs).
    pattern_words: tuple[str, ...]
    # Whether every match of the pattern of the same index starts with one of those words:
    # then it is tried only where the pre-scan found one.
    pattern_starts_at_words: tuple[bool, ...]
    contextual: tuple[_Contextual, ...]
    # First character → a regex finding where a start word of a contextual pattern begins.
    context_finders: dict[str, re.Pattern[str]]
    esco: dict[str, str]
    families: dict[str, str]
    order: dict[str, int]
    names: dict[str, str]  # lower-cased id, label, alias or query alias → skill id
    version: str


@cache
def _taxonomy() -> _Taxonomy:
    data = load_vocab("skills")
    # One scan per pattern: each starts with a literal, which re scans fast; an alternation
    # of them would not.
    patterns = _patterns(data)
    contextual: list[_Contextual] = []
    context_words: set[str] = set()
    esco: dict[str, str] = {}
    families: dict[str, str] = {}
    order: dict[str, int] = {}
    names: dict[str, str] = {}
    for i, entry in enumerate(data["skills"]):
        sid = entry["id"]
        order[sid] = i
        for name in [
            sid,
            entry.get("label_en"),
            entry.get("label_zh"),
            *entry.get("aliases", []),
            *entry.get("query_aliases", []),
        ]:
            if name:
                names.setdefault(str(name).lower(), sid)
        families[sid] = entry.get("family", "other")
        if entry.get("esco"):
            esco[sid] = entry["esco"]
        for c in entry.get("contextual", []):
            pattern = guarded(re.compile(c["re"]))
            triggers = tuple(c["triggers"])
            starts = _start_words(pattern, triggers)
            context_words |= starts
            contextual.append(
                _Contextual(
                    sid,
                    triggers,
                    pattern,
                    guarded(re.compile(c["context"])),
                    int(c["window"]),
                    "".join(sorted({w[0] for w in starts})),
                )
            )
    return _Taxonomy(
        patterns=tuple(patterns),
        pattern_words=tuple(_pattern_owner(i, p) for i, (_, p) in enumerate(patterns)),
        pattern_starts_at_words=tuple(_starts_at_required_words(p) for _, p in patterns),
        contextual=tuple(contextual),
        context_finders=leading_char_finders(frozenset(context_words)),
        esco=esco,
        families=families,
        order=order,
        names=names,
        version=str(data["version"]),
    )


def _pattern_owner(index: int, pattern: re.Pattern[str]) -> str:
    """The pre-scan owner of the words every match of a skill pattern holds ("" if none)."""
    return "" if required_words(pattern) is None else f"skill-pattern:{index}"


def _alias_words(data: dict[str, Any]) -> dict[str, str]:
    """Lower-cased alias → skill id, or "" for a block term (a later entry wins a word)."""
    words: dict[str, str] = {}
    for entry in data["skills"]:
        for term in entry.get("aliases", []):
            words[str(term).lower()] = entry["id"]
        for term in entry.get("block", []):
            words[str(term).lower()] = ""
    return words


def _patterns(data: dict[str, Any]) -> list[tuple[str, re.Pattern[str]]]:
    """(skill id, compiled pattern) of every skill pattern, in taxonomy order."""
    return [
        (entry["id"], re.compile(p, re.ASCII))
        for entry in data["skills"]
        for p in entry.get("patterns", [])
    ]


def declared_words() -> DeclaredWords:
    """This module's pre-scan words: the aliases and block terms, and for each skill pattern the
    words one of which every match holds."""
    data = load_vocab("skills")
    pattern_words = []
    for i, (_, pattern) in enumerate(_patterns(data)):
        words = required_words(pattern)
        if words is not None:
            pattern_words.append((_pattern_owner(i, pattern), dict.fromkeys(sorted(words))))
    return DeclaredWords(words=(("skill", _alias_words(data)), *pattern_words))


def _starts_at_required_words(pattern: re.Pattern[str]) -> bool:
    """Does every match of `pattern` start with one of the words registered for it?

    (Each word a match can start with begins with a registered word: analys, analyz → analy.)
    """
    starts = literal_starts(pattern, fold=False)
    words = required_words(pattern)
    if starts is None or words is None:
        return False
    return all(any(s.startswith(w) for w in words) for s in starts)


def _start_words(pattern: re.Pattern[str], triggers: tuple[str, ...]) -> frozenset[str]:
    """The words every match of a contextual pattern starts with, when each holds a trigger (a
    text without triggers then has no match, as the gate assumes); else none."""
    words = literal_starts(pattern, fold=False)
    if words is None or not all(any(t in w for t in triggers) for w in words):
        return frozenset()
    return words


def skills_version() -> str:
    """The `version:` of analysis/vocab/skills.yaml."""
    return _taxonomy().version


def skill_families() -> dict[str, str]:
    """Skill id → the role family it points to (used by roles.classify_role_family)."""
    return dict(_taxonomy().families)


def skill_for_alias(term: str) -> str | None:
    """The skill id a search term names ("SDXL" → stable_diffusion, "翻译" → translation), or None.

    Exact matches only (id, labels, aliases, query aliases, or a whole-term pattern match), case-
    insensitive, after clean_text: "SD卡" names no skill.
    """
    from analysis.normalise.text import clean_text

    tax = _taxonomy()
    key = clean_text(term).strip()
    low = key.lower()
    if not low:
        return None
    if low in tax.names:
        return tax.names[low]
    for sid, pattern in tax.patterns:
        if pattern.fullmatch(low):
            return sid
    return None


def _word_edges_ok(low: str, start: int, end: int) -> bool:
    """An alias that starts/ends with a Latin letter or digit must start/end a word."""
    if low[start].isascii() and low[start].isalnum() and start > 0:
        prev = low[start - 1]
        if prev.isascii() and prev.isalnum():
            return False
    if low[end - 1].isascii() and low[end - 1].isalnum() and end < len(low):
        nxt = low[end]
        if nxt.isascii() and nxt.isalnum():
            return False
    return True


def _literal_hits(text: str, low: str) -> list[tuple[int, int, str]]:
    """All alias hits as (start, end, skill id), dropping hits inside a longer hit."""
    hits: list[tuple[int, int, str]] = []
    for start, end, sid in prescan(text).get("skill", ()):
        if _word_edges_ok(low, start, end):
            hits.append((start, end, sid))
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    kept: list[tuple[int, int, str]] = []
    cover_end = -1
    for h in hits:
        if h[1] <= cover_end:  # inside an earlier, longer hit (机器翻译 ⊃ 翻译)
            continue
        kept.append(h)
        cover_end = max(cover_end, h[1])
    return [h for h in kept if h[2]]


# A skill word that names a major is no duty: 翻译(0551), 会展专业, 视觉设计、市场营销等相关专业,
# 主修…翻译, (0551,仅限英语笔译、英语口译), a degree in journalism or translation. 专业 followed by
# 人才/能力/水平… is "professional", not a major.
_MAJOR_AFTER = re.compile(
    r"\s*\(\s*\d{4,6}"
    r"|专业(?!人才|资格|技能|能力|水平|知识|素养|技术|化|[四八]级|的|性|度|水准|团队|机构|人员|工作|服务)"
    r"|[^，,。;；:：\n]{0,24}?(?:等|相关|相近|近似)(?:学科|专业)"
)
_MAJOR_BEFORE = re.compile(
    r"(?:主修|专业\s*[:：为是]|专业要求|所学专业|\(\s*\d{4,6}[^()\n]*"
    r"|(?i:degree|major(?:ing|ed|s)?|diploma|b\.?a\.?|m\.?a\.?|studies)\s+in\b)"
    r"[^。;；\n]{0,30}$"
)
# A skill word in a firm's name: New Bridge Translation (Guangzhou) Co., Ltd., 某某翻译(北京)有限公司.
_FIRM_AFTER = re.compile(
    r"\s*(?:\([^()\n]{1,20}\)\s*)?(?:有限公司|股份有限公司|(?i:co\.|company\b|ltd\b|limited\b|inc\b|llc\b))"
)
# "Translate data into actionable insights", "translate jargon into plain English": a figure of
# speech, not translation work. Read after an English translation hit, within its sentence.
# The same with a technical or business artefact as the target ("translate business needs to
# technical specifications", "… requirements into databases", "results into business strategy").
_FIGURATIVE_AFTER = re.compile(
    r"[^.;:!?\n]{0,60}?\binto\s+(?:(?:plain|simple|clear|everyday|accessible|engaging|compelling"
    r"|actionable|visual|practical|concrete|meaningful|effective|creative|measurable|tangible"
    r"|technical|system|functional|business|data|analytical)\b"
    r"|(?:action|insights?|results|stories|products?|features?|strateg(?:y|ies)|reality|growth"
    r"|revenue|impact|solutions?|decisions?|plans?|recommendations?|specifications?|requirements"
    r"|databases?|dashboards?|models?|code|systems?|designs?|workflows?|processes|kpis|metrics)\b)"
    r"|[^.;:!?\n]{0,60}?\bto\s+(?:technical|system|functional)\s+"
    r"(?:specifications?|requirements|designs?)\b",
    re.IGNORECASE,
)
# A skill word naming another party's service ("third-party transcription and translation
# providers", 翻译服务商): work the applicant buys or liaises with, not does.
_PROVIDER_AFTER = re.compile(
    r"(?:\s*(?:and|or|&|/|和|及|与|、)\s*[A-Za-z\u4e00-\u9fff-]{1,20}){0,2}?"
    r"(?:\s+(?i:(?:service\s+)?(?:providers?|vendors?|suppliers?|contractors?|agenc(?:y|ies)))\b"
    r"|(?:服务商|供应商|服务机构|外包商))"
)
# A colleague's speciality ("work with the translation and design teams", 与编程人员紧密合作):
# the people the applicant works beside, not the applicant's work.
_PEER_AFTER = re.compile(
    r"(?:\s*(?:and|or|&|/|和|及|与|、)\s*[A-Za-z\u4e00-\u9fff-]{1,20}(?:\s+[A-Za-z-]{1,20})?){0,2}?"
    r"(?:\s+(?i:teams?|colleagues|staff|personnel|departments?|desks?)\b"
    r"|(?:人员|团队|部门|同事|工程师)(?!工作))"
)
_PEER_BEFORE = re.compile(
    r"(?:\b(?i:with|alongside|between|for\s+(?=the\s|our\s))\s*(?i:the\s+|our\s+|other\s+|its\s+)?"
    r"|(?:与|跟|配合|协同|对接|协助|协调|联系)[^,，。;；\n]{0,12}"
    r"(?:[,，]\s*(?:尤其是|特别是|包括|例如|如)[^,，。;；\n]{0,6})?)\Z"
)
# A person the applicant works beside, named by the skill's own person noun right after a
# partner word (与主播共创, 配合摄影师, "work with photographers"): a colleague, not the work.
_PARTNER_RIGHT_BEFORE = re.compile(
    r"(?:与|跟|和|配合|协同|对接|协助|协调|联系|(?i:\bwith\s+(?:the\s+|our\s+|other\s+)?))\Z"
)
# Further into the clause (与视觉设计师对接, 配合平面设计师、摄影师): a trade word ending with or
# standing before 师/员, in a clause that opens with the partner word (not 和: 招聘设计师和摄影师).
_PARTNER_OPENS_CLAUSE = re.compile(
    r"(?:^|[\s,，。;；:：、.)）])(?:与|跟|配合|协同|协助)[^,，。;；\n]{0,10}\Z"
)
_PERSON_NOUN = re.compile(
    r"(?:主播|主持人|摄影师|摄像师|设计师|剪辑师|翻译人员|译员|记者|编辑人员|程序员"
    r"|(?i:anchors?|presenters?|hosts?|photographers?|videographers?|designers?|editors?"
    r"|translators?|interpreters?|reporters?|developers?|programmers?))"
)
# English job titles among a skill's words ("social media and community managers") after a
# partner word earlier in the clause ("work alongside a team of content creators, social media
# and community managers"): the colleagues, not the applicant's work.
_EN_PERSON_END = re.compile(
    r"(?i:managers?|specialists?|coordinators?|executives?|editors?|writers?|designers?"
    r"|analysts?|scientists?|creators?)\Z"
)
_EN_PARTNER_EARLIER = re.compile(r"\b(?i:alongside|with)\b[^.;:!?\n]{0,80}\Z")
# A notice against recruitment fraud ("we never contact candidates through social media"):
# the platforms named there are no work of the job.
_FRAUD_NOTICE = re.compile(
    r"(?i:\b(?:contact|contacts|contacting|reach(?:es)? out to|approach(?:es)?)\s+"
    r"(?:candidates|applicants|job seekers|you)\s+(?:through|via|on|by))"
)
# Work the applicant judges rather than does (评估视频画面与剪辑质量, 翻译质量评测).
_JUDGED_BEFORE = re.compile(r"(?:评估|评测|测评|评价|打分|评分)[^,，。;；\n]{0,10}\Z")
_JUDGED_AFTER = re.compile(
    r"[^,，。;；\n]{0,4}?质量(?:的)?(?:进行)?(?:评估|评测|测评|评价|打分|评分)"
)
# Criteria a judge scores against (从剪辑节奏、叙事连贯性…等关键指标进行分析): the production
# word is a dimension of judged work when the clause opens with 从 and closes on 等…方面/维度/指标
# …分析/评估.
_CRITERIA_BEFORE = re.compile(r"从[^。;；\n]{0,40}\Z")
_CRITERIA_AFTER = re.compile(
    r"[^。;；\n]{0,160}?等[^。;；\n]{0,10}?(?:方面|维度|指标|角度)[^。;；\n]{0,10}?"
    r"(?:评估|分析|评价|评测|打分|评分|考核|归因)"
)
# Machine-learning words naming what annotated data serves (推动标注数据在模型训练中…应用, "so
# outputs can be used to train and fine-tune models"), in a clause without algorithm work.
_SERVED_CLAUSE = re.compile(
    r"标注|(?i:annotat\w*|label(?:l)?ing|outputs?\s+(?:can|could|will)\s+be\s+used)"
)
_BUILD_CLAUSE = re.compile(r"算法|研发|开发|(?i:algorithm|develop)")
# The system annotated data is made for, named as its purpose in the sentence (为…提供标注数据，
# 支撑AI模型训练; 对搜索推荐系统及大模型训练所需的数据进行标注).
_PURPOSE_BEFORE = re.compile(r"(?:为|支撑|支持|用于|服务于?|助力|赋能)[^,，。;；\n]{0,10}\Z")
_PURPOSE_AFTER = re.compile(r"[^,，。;；\n]{0,12}?(?:所需|所用|需要)的?")
_MODEL_SKILLS = frozenset({"machine_learning", "recommendation_algorithms", "nlp"})
_PRODUCTION_SKILLS = frozenset(
    {"translation", "subtitling", "video_editing", "design", "photography", "copy_editing"}
)
# Others' finished work being checked ("proofreading Mandarin transcripts and English
# translations", "test subtitles and UI text", "rate machine translations"): the product noun
# after a checking verb in its clause is no production duty (checking copy is copy_editing).
_CHECKED_PRODUCT = re.compile(r"(?i:translations|subtitles|captions|transcripts)\b")
_CHECKING_VERB = re.compile(
    r"(?i:\b(?:proof-?read|edit|review|check|test|verif|evaluat|assess|rat(?:e|es|ed|ing)\b|qa\b|ensur)"
    r"[^.;:!?\n]{0,60}\Z)"
)
# News read, presented, hosted or vetted (编制及主持新闻报道, 确保新闻报道准确, "present the news
# bulletins") is broadcasting or checking, not writing: the news noun after such a verb in its
# clause.
_NEWS_PRODUCT = re.compile(
    r"新闻报道|新闻报导|新闻稿|新闻通稿|(?i:news\s+(?:reports?|stories|story|bulletins?)|press\s+releases?)"
)
_NEWS_NOT_WRITTEN = re.compile(
    r"(?:主持|朗读|播读|播报|播出|确保|审核|审阅|审定|把关|监督)[^,，。;；\n]{0,10}\Z"
    r"|(?i:\b(?:read|reads|reading|present|presents|presenting|anchor|anchors|anchoring|ensure|ensures"
    r"|ensuring|review|reviews|reviewing|proof-?read\w*|check\w*|monitor\w*)\b[^.;:!?\n,]{0,40}\Z)"
)
# Writing whose object is academic (论文稿件撰写, 学术文章, SCI papers): not news writing.
_ACADEMIC = re.compile(r"论文|学术|(?i:\bsci\b|academic)")
# "Polish" capitalised inside a sentence, or before speaker/language words, names the language.
_POLISH_LANGUAGE_AFTER = re.compile(r"\s+(?:speakers?|language|native|translators?|market)\b")
# Polishing a design (polished, high-fidelity mockups; polishing existing designs): design work.
_POLISHED_DESIGN = re.compile(
    r"[^.;:\n]{0,30}?\b(?:designs?|mockups?|prototypes?|interfaces?|ui|visuals?|flows?|layouts?"
    r"|animations?|illustrations?|graphics)\b",
    re.IGNORECASE,
)
# Editing or proofreading one's own work ("edit and proofread your own work"): not others' copy.
_OWN_WORK_AFTER = re.compile(r"[^.;:\n]{0,25}?\byour own\b", re.IGNORECASE)
# "Translate X into Y": translation work only when Y is a language ("into English", "into the
# target language", "into high-quality English"); into anything else it is a figure of speech
# (into wireframes, into 2D and 3D design, into a roadmap).
_INTO_TARGET = re.compile(r"[^.;:!?\n]{0,60}?\binto\s+", re.IGNORECASE)


@cache
def _language_target() -> re.Pattern[str]:
    """A language name of analysis/vocab/languages.yaml (or "language(s)"), after up to three
    words: the target language, high-quality idiomatic English."""
    names = [
        str(name)
        for entry in load_vocab("languages")["languages"].values()
        for name in entry.get("en", [])
    ]
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(
        rf"(?:[\w\u2019'-]+\s+){{0,3}}?(?:languages?|{alternatives})\b", re.IGNORECASE
    )


_SENTENCE_OPENERS = frozenset(".!?:;\n•-*\u2022\u25cf)")
# A skill waived in its own phrase (无需拍摄, 也无需出镜, "no need to shoot or edit"): not asked. Only
# a cue before the word counts, and not 不限 (context._NEGATED's clause test): 包括但不限于剪辑 asks.
_WAIVED_BEFORE = re.compile(
    r"(?:无需|无须|不需要|不需|不用|不必|不要求)[^,，。;；:：\n]{0,10}\Z"
    r"|(?i:\b(?:no need (?:to|for)|(?:do|does) not need to|don't need to|not required to)\b"
    r"[^.,;:\n]{0,30}\Z)"
)
# Every match of _WAIVED_BEFORE holds one of these (the English ones in any case).
_WAIVER_WORDS = ("需", "须", "用", "必", "要求")
_WAIVER_WORDS_EN = ("need", "required")
# Production others do that the applicant follows up or supervises (跟进后期剪辑, 监督拍摄; also
# with the verb closing the list: 拍摄、剪辑跟进).
_OVERSEEN_BEFORE = re.compile(r"(?:跟进|监督|督促)[^,，。;；\n]{0,4}\Z")
_OVERSEEN_AFTER = re.compile(r"[^,，。;；:：\n]{0,8}?(?:跟进|监督|督促)(?:[,，。;；\n]|\Z)")
_OVERSEEN_WORDS = ("跟进", "监督", "督促")
# An in-platform campaign (短视频的活动策划, 用户运营与活动策划, 公众号…粉丝互动、活动执行; an
# operations campaign for a product category, traffic, new users or activity: 运营活动, 品类, 流量,
# 拉新, 促活; an online one: 线上) is no event people attend, unless its sentence names one
# (线上线下粉丝活动, 发布会, 线上互动活动: people taking part).
_ONLINE_CLAUSE = re.compile(
    r"账号|公众号|粉丝|短视频|视频号|直播间|社群|平台|店铺|小红书|抖音|微博|用户运营|运营活动|品类|拉新|促活"
    r"|站内|流量|线上|玩家|游戏内|活动运营|日常活动|(?i:\bapp\b)"
)
# A business, product or feature named as what engineers build (负责抖音电商行业运营的前端开发工作,
# 直播互动业务的研发工作, 一键修图…能力的开发工作), or the direction in an engineering title
# (后端开发工程师(主播方向)): the applicant builds the software, not the skill. Not content
# developed (课程内容的研发: 研发 of content is making it).
_DEVELOPED_AFTER = re.compile(
    r"(?:(?!内容|课程|节目|稿件|作品)[^,，。;；\n]){0,24}?的"
    r"(?:前端|后端|客户端|服务端|移动端|架构|技术|系统)?(?:研发|开发|测试)(?!人员|者|岗)"
)
_BUILT_PRODUCT_AFTER = re.compile(r"(?:产品|平台|系统|工具)的?(?:建设|开发|研发|搭建)")
_ENGINEER_DIRECTION_BEFORE = re.compile(r"(?:工程师|开发|研发)\s*[(（][^()（）\n]{0,10}\Z")
# A field named as where papers were published (在NLP、数据挖掘等会议上发表论文): a venue, not a duty.
_VENUE_AFTER = re.compile(r"[^,，。;；\n]{0,12}?(?:会议|期刊|顶会|顶刊)上?(?:以第一作者)?发表")
# Knowing the platforms (熟悉海外社交媒体平台) is not running accounts on them, unless its clause
# names the running.
_FAMILIAR_BEFORE = re.compile(r"(?:熟悉|了解)[^,，。;；\n]{0,8}\Z")
_RUNNING_CLAUSE = re.compile(r"运营|账号|推广|营销|发布|内容|管理|维护")
# An interest (对人工智能、机器学习有浓厚兴趣): not a skill asked.
_INTEREST_BEFORE = re.compile(r"对[^,，。;；:：\n]{0,20}\Z")
# (not past a word of competence: 对X有基本的理解和兴趣 asks the understanding)
_INTEREST_GAP = r"(?:(?!理解|了解|掌握|熟悉|经验)[^,，。;；:：\n]){0,20}?"
_INTEREST_AFTER = re.compile(
    rf"{_INTEREST_GAP}(?:有|抱有)?(?:浓厚|强烈|极大|一定)?的?兴趣|{_INTEREST_GAP}感兴趣"
)
_EVENT_CLAUSE = re.compile(
    r"线下|会议|会展|展会|展览|论坛|晚会|发布会|峰会|沙龙|讲座|路演|见面会|研讨会|互动[^，。；、,;]{0,3}活动"
    r"|(?i:conference|forum)"
)
_NOT_MAJOR_GAP = re.compile(r"经验|经历|工作|负责|能力|(?i:experience|skills?|abilit|work)")


def _figurative(text: str, sid: str, start: int, end: int) -> bool:
    """Is an English translation word at text[start:end] a figure of speech (translate data into
    insights, translate the brand into 3D design), is "Polish" the language (French, Polish,
    Czech; Polish speakers), or is polishing done to designs or to one's own work?"""
    if sid == "copy_editing" and text[start].isascii():
        if text.startswith("Polish", start):
            return _POLISH_LANGUAGE_AFTER.match(text, end) is not None or not _at_sentence_start(
                text, start
            )
        if text[start:end].lower().startswith("polish") and _POLISHED_DESIGN.match(text, end):
            return True
        return _OWN_WORK_AFTER.match(text, end) is not None
    if sid != "translation" or not text[start].isascii():
        return False
    if _FIGURATIVE_AFTER.match(text, end) is not None:
        return True
    into = _INTO_TARGET.match(text, end)
    return into is not None and _language_target().match(text, into.end()) is None


def _at_sentence_start(text: str, start: int) -> bool:
    """Does text[start] begin a sentence, a line or a list item (where any word is capitalised)?"""
    i = start - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return i < 0 or text[i] in _SENTENCE_OPENERS


def _names_a_person(text: str, start: int, end: int) -> bool:
    """Is the word at text[start:end] a person by trade (设计师, 审核员) or the trade before one
    (平面设计|师)?"""
    return text[end - 1] in "师员" or text[end : end + 1] in ("师", "员")


def _others_work(text: str, sid: str, start: int, end: int) -> bool:
    """Is the skill word at text[start:end] another party's service, or others' finished work
    that the applicant checks?"""
    if _PROVIDER_AFTER.match(text, end, end + 60) is not None:
        return True
    before = text[max(0, start - 40) : start]
    if _PEER_AFTER.match(text, end, end + 60) is not None and _PEER_BEFORE.search(before):
        return True
    if _PERSON_NOUN.fullmatch(text, start, end) and _PARTNER_RIGHT_BEFORE.search(before):
        return True
    if _names_a_person(text, start, end) and _PARTNER_OPENS_CLAUSE.search(before):
        return True
    if (
        text[start].isascii()
        and _EN_PERSON_END.search(text, start, end) is not None
        and _EN_PARTNER_EARLIER.search(text, max(0, start - 90), start) is not None
    ):
        return True
    if sid == "social_media_operations":
        lo, hi = sentence_bounds(text, start, end)
        if _FRAUD_NOTICE.search(text, lo, hi) is not None:
            return True
    if sid in _MODEL_SKILLS and _serves_data(text, start, end):
        return True
    if (
        sid in _PRODUCTION_SKILLS
        and not text[start].isascii()
        and _CRITERIA_BEFORE.search(text, max(0, start - 40), start)
        and _CRITERIA_AFTER.match(text, end, end + 200)
    ):
        return True
    if (
        sid in _PRODUCTION_SKILLS
        and not text[start].isascii()
        and (_JUDGED_BEFORE.search(before) or _JUDGED_AFTER.match(text, end, end + 20))
    ):
        return True
    if sid == "news_writing":
        lo, hi = clause_bounds(text, start, end, limit=40)
        if _ACADEMIC.search(text, lo, hi) or _ACADEMIC.search(text, max(0, start - 60), start):
            return True
        return (
            _NEWS_PRODUCT.fullmatch(text, start, end) is not None
            and _NEWS_NOT_WRITTEN.search(text[max(0, start - 60) : start]) is not None
        )
    return (
        sid in ("translation", "subtitling")
        and _CHECKED_PRODUCT.fullmatch(text, start, end) is not None
        and _CHECKING_VERB.search(text[max(0, start - 80) : start]) is not None
    )


def _may_waive(before: str) -> bool:
    """A plain test before _WAIVED_BEFORE: does `before` hold one of its words?"""
    if any(w in before for w in _WAIVER_WORDS):
        return True
    low = before.lower()
    return any(w in low for w in _WAIVER_WORDS_EN)


def _not_asked(text: str, sid: str, start: int, end: int) -> bool:
    """Is the skill word at text[start:end] waived, overseen in others' hands, or (an event) an
    in-platform campaign? Then the applicant is not asked to do it."""
    before = text[max(0, start - 40) : start]
    # plain substring tests first: most hits have no waiver or oversight word before them
    if _may_waive(before) and _WAIVED_BEFORE.search(before):
        return True
    if sid in _PRODUCTION_SKILLS:
        if any(w in before for w in _OVERSEEN_WORDS) and _OVERSEEN_BEFORE.search(before):
            return True
        after = text[end : end + 16]
        if any(w in after for w in _OVERSEEN_WORDS) and _OVERSEEN_AFTER.match(after):
            return True
    if (
        "兴趣" in text[end : end + 30]
        and "对" in before
        and _INTEREST_BEFORE.search(before)
        and _INTEREST_AFTER.match(text, end)
    ):
        return True
    if sid == "event_organization" and not text[start].isascii():
        lo, hi = sentence_bounds(text, start, end)  # a list item of duties, read within 80 chars
        lo, hi = max(lo, start - 80), min(hi, end + 80)
        return (
            _ONLINE_CLAUSE.search(text, lo, hi) is not None
            and _EVENT_CLAUSE.search(text, lo, hi) is None
        )
    return False


@cache
def _software_skills() -> frozenset[str]:
    """The skills that are themselves software work: the tech family's, and the generative
    tools' (their being developed is still the skill)."""
    tech = (sid for sid, family in _taxonomy().families.items() if family == "tech_ai")
    return frozenset(tech) | AIGC_SKILLS


def _developed(text: str, sid: str, start: int, end: int) -> bool:
    """Is the skill word at text[start:end] the business or feature engineers develop?"""
    if sid == "data_analysis":  # 数据分析产品的建设: an analytics product built
        return _BUILT_PRODUCT_AFTER.match(text, end, end + 12) is not None
    if sid in _software_skills() or text[start].isascii():
        return False
    if _DEVELOPED_AFTER.match(text, end, end + 40) is not None:
        return True
    return _ENGINEER_DIRECTION_BEFORE.search(text, max(0, start - 20), start) is not None


def _only_familiar(text: str, sid: str, start: int, end: int) -> bool:
    """Are social-media platforms only to be known (熟悉海外社交媒体平台), not run?"""
    if sid != "social_media_operations" or text[start].isascii():
        return False
    if _FAMILIAR_BEFORE.search(text, max(0, start - 12), start) is None:
        return False
    if _RUNNING_CLAUSE.search(text, start, end) is not None:  # 了解新媒体平台的运营规则
        return False
    lo, hi = clause_bounds(text, start, end, limit=30)
    return _RUNNING_CLAUSE.search(text, lo, start) is None and (
        _RUNNING_CLAUSE.search(text, end, hi) is None
    )


def _serves_data(text: str, start: int, end: int) -> bool:
    """Does a model or system word name what annotated data is for, not the applicant's work?
    Annotation in its clause, or in its sentence when the word is named as the data's purpose;
    never with algorithm or development work there."""
    lo, hi = clause_bounds(text, start, end, limit=60)
    if _SERVED_CLAUSE.search(text, lo, hi) is not None:
        return _BUILD_CLAUSE.search(text, lo, hi) is None
    if not (
        _PURPOSE_BEFORE.search(text, max(0, start - 12), start)
        or _PURPOSE_AFTER.match(text, end, end + 16)
    ):
        return False
    s_lo, s_hi = sentence_bounds(text, start, end)
    s_lo, s_hi = max(s_lo, start - 120), min(s_hi, end + 120)
    return (
        _SERVED_CLAUSE.search(text, s_lo, s_hi) is not None
        and _BUILD_CLAUSE.search(text, s_lo, s_hi) is None
    )


def names_major(text: str, start: int, end: int) -> bool:
    """Does the skill word at text[start:end] name a major (a field of study) or a firm rather
    than work?"""
    if _MAJOR_AFTER.match(text, end) is not None or _FIRM_AFTER.match(text, end) is not None:
        return True
    before = _MAJOR_BEFORE.search(text, max(0, start - 40), start)
    return before is not None and _NOT_MAJOR_GAP.search(text, before.start(), start) is None


def _finding(tax: _Taxonomy, sid: str, text: str, start: int, end: int) -> Finding:
    detail: dict[str, Any] = {"esco": tax.esco[sid]} if sid in tax.esco else {}
    return Finding("skill", sid, Evidence.of(text, start, end), detail=detail)


def _pattern_span(
    pattern: re.Pattern[str],
    low: str,
    hits: list[tuple[int, int, Any]] | None,
    accept: Callable[[int, int], bool],
) -> tuple[int, int] | None:
    """The first match of `pattern` in finditer order whose edges are word edges and that
    `accept`s (one a barred or borrowed match would hide is looked for on).

    With `hits` (the pre-scan's offsets of the words every match starts with), the pattern is
    tried only there: finditer's next match is the one at the first such offset, from where the
    last match ended, at which pattern.match succeeds.
    """
    if hits is None:
        for m in pattern.finditer(low):
            if _word_edges_ok(low, m.start(), m.end()) and accept(m.start(), m.end()):
                return m.start(), m.end()
        return None
    pos = 0
    for start in sorted({h[0] for h in hits}):
        if start < pos:
            continue
        at = pattern.match(low, start)
        if at is not None:
            if _word_edges_ok(low, at.start(), at.end()) and accept(at.start(), at.end()):
                return at.start(), at.end()
            pos = at.end()
    return None


def _finder_offsets(finder: re.Pattern[str], text: str) -> list[int]:
    """Offsets where `finder` matches (search per match: cheaper than finditer when, as mostly,
    there is none)."""
    out: list[int] = []
    found = finder.search(text)
    while found is not None:
        out.append(found.start())
        found = finder.search(text, found.end())
    return out


def _contextual_span(
    c: _Contextual, text: str, tax: _Taxonomy, offsets_of: dict[str, list[int]]
) -> tuple[int, int] | None:
    """The first match of a contextual pattern with a word of its field within its window.

    The pattern is tried where a contextual start word with one of its first characters begins
    (`offsets_of` keeps them per character for the other contextual patterns): a superset of
    where its own words begin.
    """
    if c.start_chars:
        offsets: list[int] = []
        for ch in c.start_chars:
            if ch not in offsets_of:
                offsets_of[ch] = _finder_offsets(tax.context_finders[ch], text)
            offsets += offsets_of[ch]
        offsets.sort()
        matches: Iterable[re.Match[str]] = matches_at(c.pattern, text, offsets, len(text))
    elif any(t in text for t in c.triggers):
        matches = c.pattern.finditer(text)
    else:
        return None
    for m in matches:
        lo, hi = max(0, m.start() - c.window), min(len(text), m.end() + c.window)
        if c.context.search(text, lo, m.start()) or c.context.search(text, m.end(), hi):
            return m.start(), m.end()
    return None


def detect_skills(text: str) -> list[Finding]:
    """One finding per skill found in `text`, in taxonomy order, evidenced by the first hit.

    Ambiguous short forms (SD, MJ, PS, PR, AE) count only next to words of their own field, so
    "SD卡" or "SD card" never gives stable_diffusion.
    """
    tax = _taxonomy()
    low = lower_same_length(text)
    first: dict[str, tuple[int, int]] = {}
    barrable = has_exclusion_cues(text)
    intro = intro_spans(text)

    def counts(sid: str, start: int, end: int) -> bool:
        # a hit an exclusion clause bars ("不接受翻译公司报名") is skipped: look on for another,
        # and so is a word naming a major (翻译(0551), 会展专业), a figure of speech, others'
        # work, the company's or team's introduction, or what engineers build
        return (
            not (barrable and is_excluded(text, start, end))
            and not (intro and in_intro(intro, start))
            and not names_major(text, start, end)
            and not _figurative(text, sid, start, end)
            and not _others_work(text, sid, start, end)
            and not _not_asked(text, sid, start, end)
            and not _developed(text, sid, start, end)
            and not _only_familiar(text, sid, start, end)
            and _VENUE_AFTER.match(text, end, end + 30) is None
        )

    for start, end, sid in _literal_hits(text, low):  # in text order
        if sid not in first and counts(sid, start, end):
            first[sid] = (start, end)
    found = prescan(text)
    for (sid, pattern), owner, at_words in zip(
        tax.patterns, tax.pattern_words, tax.pattern_starts_at_words, strict=True
    ):
        if owner and owner not in found:
            continue  # none of the words every match holds is in the text
        span = _pattern_span(pattern, low, found[owner] if at_words else None, partial(counts, sid))
        if span is not None and (sid not in first or span[0] < first[sid][0]):
            first[sid] = span
    offsets_of: dict[str, list[int]] = {}
    for c in tax.contextual:
        if c.skill not in first:
            span = _contextual_span(c, text, tax, offsets_of)
            if span is None or (intro and in_intro(intro, span[0])):
                continue
            if not (barrable and is_excluded(text, *span)):
                first[c.skill] = span
    return [
        _finding(tax, sid, text, *first[sid]) for sid in sorted(first, key=tax.order.__getitem__)
    ]
