"""Normalise stage: languages asked of the applicant, native-speaker requirements, certificates.

Input: one cleaned position text (clean_text output).
Output: Findings with field "language" (ISO 639-1 value, level, detail.band), "native_speaker" and
"certificate" (CET-4, CET-6, TEM-4, TEM-8, IELTS, TOEFL, CATTI, JLPT, TOPIK, HSK, PSC).

A language counts only when the text asks it of the applicant: a competence word in the sentence
(熟练, fluent, 翻译, writing …), a certificate, a job title (英语编辑), a major (英语专业), or a
"Required languages" list. Outlets (英文网站, English-language newspaper), 外语 with no language
named, and waivers (no need to understand Chinese, 语种不限) do not count.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache
from typing import Any, Final, NamedTuple

from analysis.models import Evidence, Finding
from analysis.normalise.certificates import certificate_gates, detect_certificates
from analysis.normalise.context import (
    ClauseStates,
    CuePattern,
    Sections,
    clause_bounds,
    cue_words,
    gated_finditer,
    is_alternative,
    is_negated,
    literal_alt,
    load_vocab,
    prescan,
    requirement,
    sentence_bounds,
)
from analysis.normalise.guard import guarded, lowered
from analysis.normalise.wordscan import DeclaredWords

__all__ = [
    "CUES",
    "declared_words",
    "detect_certificates",
    "detect_languages",
    "detect_native_speakers",
]

_LEVEL_RANK = {"native": 6, "cert": 5, "fluent": 4, "proficient": 3, "working": 2, "basic": 1}
_LEVEL_WORDS = [
    (name, CuePattern(f"level:{name}", re.compile(words, re.IGNORECASE)))
    for name, words in (
        # near-native, native-like and 母语水平 are levels of skill below native (Labelling rules)
        (
            "native",
            r"母语(?!水平)|(?<!near[- ])(?<!near )native(?![- ]like)|mother tongue|first language",
        ),
        ("fluent", r"流利|精通|fluent|fluency|idiomatic"),
        ("proficient", r"熟练|较强|良好|扎实|proficien|excellent|superior|strong|advanced|command"),
        ("working", r"working (?:knowledge|level)|工作级|一定的|基本(?!功)"),
        ("basic", r"\bbasic\b|初级|入门"),
    )
]
_NON_NATIVE = CuePattern("non-native", re.compile(r"non-?native", re.IGNORECASE))
CUES: Final = (*(cue for _, cue in _LEVEL_WORDS), _NON_NATIVE)


class _Mention(NamedTuple):  # a tuple: made several times faster than a frozen dataclass
    code: str
    start: int
    end: int
    kind: str  # name | enum | pair


@dataclass(frozen=True, slots=True)
class _Vocab:
    abbreviated: re.Pattern[str]
    mention: re.Pattern[str]
    name_to_code: dict[str, str]
    abbr: dict[str, str]
    outlet_zh: re.Pattern[str]
    outlet_en: re.Pattern[str]
    cue_zh: re.Pattern[str]
    cue_en: re.Pattern[str]
    cue_en_low: re.Pattern[str]  # cue_en without IGNORECASE, for the lower-cased text
    role_zh: re.Pattern[str]
    role_en: re.Pattern[str]
    native: re.Pattern[str]
    varieties: re.Pattern[str]
    version: str


def _alt(words: list[str]) -> str:
    return literal_alt(words)


def _language_names(data: dict[str, Any]) -> tuple[dict[str, str], list[str], list[str]]:
    """The vocabulary's language names: name (English ones lower-cased) → code, Chinese, English."""
    name_to_code: dict[str, str] = {}
    zh_names: list[str] = []
    en_names: list[str] = []
    for code, names in data["languages"].items():
        for n in names.get("zh", []):
            name_to_code[n] = code
            zh_names.append(n)
        for n in names.get("en", []):
            name_to_code[n.lower()] = code
            en_names.append(n)
    return name_to_code, zh_names, en_names


def declared_words() -> DeclaredWords:
    """This module's pre-scan words: language names with their spellings, the cues' words, and
    the native, abbreviation and certificate gates."""
    data = load_vocab("languages")
    name_to_code, zh_names, en_names = _language_names(data)
    # Pre-scan words are lower-cased; a hit counts when the text there is one of its spellings.
    spellings: dict[str, dict[str, tuple[str, bool]]] = {}
    for n in zh_names:
        spellings.setdefault(n.lower(), {})[n] = (name_to_code[n], False)
    for n in en_names:
        for variant in (n, n.upper()):
            spellings.setdefault(variant.lower(), {})[variant] = (name_to_code[n.lower()], True)
    abbr: dict[str, str] = data["abbreviations"]
    abbr_gate = (
        *(f"{a}、" for a in abbr),
        *(f"{a}/" for a in abbr),
        *(f"中{a}" for a in abbr if a != "中"),
        *(f"{a}中" for a in abbr if a != "中"),
        *("复语", "双语", "互译", "英汉", "汉英", "中外", "汉外"),
        *(f"{a}译" for a in abbr),
        "汉译",
    )
    return DeclaredWords(
        words=(("language", spellings), *cue_words(CUES)),
        gates=(
            ("native", ("母语", "native", "mother tongue", "first language", "第一语言")),
            ("abbr", abbr_gate),
            *certificate_gates(),
        ),
    )


@cache
def _vocab() -> _Vocab:
    data = load_vocab("languages")
    name_to_code, zh_names, en_names = _language_names(data)
    abbr: dict[str, str] = data["abbreviations"]
    ab = "".join(abbr)
    zh_alt = _alt(zh_names)
    en_alt = _alt(en_names + [n.upper() for n in en_names])  # names are capitalised: "polish"
    # 中葡文, 中日文, 中英韩三国语言, 中葡/葡中: two or three abbreviations before a language word.
    pair = (
        rf"[{ab}汉]{{2,3}}(?=文(?!化|明|学|章|字|件|本)|复语|双语|互译|对照|翻译|口译|笔译|传译"
        rf"|[两三四]国语言|[两三四]种语言|\s*/\s*[{ab}汉]{{2}})|(?<=/)[{ab}汉]{{2}}(?=[)\]\s,;。、])"
        # a direction of translation: 中译英, 英译中, 汉译外 (外: a foreign language, none named)
        rf"|[{ab}汉]译[{ab}汉外](?![国地交事宾资企籍])"
        # Chinese and an unnamed foreign language (中外互译, 汉外翻译, 中外文对照): Chinese asked
        rf"|[中汉]外(?=互译|翻译|口译|笔译|传译|对照|双语|文(?!化|明|学|章|字|件|本))"
    )
    enum_pair = (
        rf"(?P<enum>(?:[{ab}][、/])+[{ab}](?=等\S{{0,4}}语|[语文])"
        rf"|(?<=[语种言]\()(?:[{ab}][、/])+[{ab}](?=\)))"  # 外语(中/日)
        rf"|(?P<pair>{pair}|[{ab}]英(?=复语|双语|互译)|英汉|汉英)"
    )
    abbreviated = re.compile(enum_pair)
    mention = re.compile(
        rf"{enum_pair}"
        rf"|(?P<zh>(?<!道)(?<!东)(?<!汉语言)(?:{zh_alt}))"
        rf"|(?P<en>(?<![A-Za-z\-])(?:{en_alt})(?![A-Za-z]))"
    )
    lang_any = rf"(?:{zh_alt}|{en_alt})"
    native = re.compile(
        rf"(?<![Nn]on-)(?<![Nn]on )(?<!ear-)(?<!ear )(?i:native)(?:\s+or\s+(?i:near)[- ]native)?(?:[- ]born)?\s+(?P<a>{lang_any})"
        rf"(?:[- ]?(?i:speak(?:ing|ers?)|editor|writer))?"
        rf"(?![- ]?(?i:speak(?:ing)?)?\s+(?i:countr|region|nation|environment))"
        rf"|(?P<b>{lang_any})\s+(?i:native\s+speakers?|native-speakers?)"
        rf"|(?i:native\s+speakers?\s+of\s+)(?:the\s+target\s+language\s*)?\(?(?:e\.g\.,?\s*)?"
        rf"(?P<c>{lang_any}(?:\s*(?:,|/|or|and)\s*(?:or\s+|and\s+)?{lang_any})*)"
        rf"|(?P<d>{lang_any})\s+(?i:as\s+(?:the\s+|a\s+|their\s+|your\s+)?"
        rf"(?:mother\s+tongue|first\s+language|native\s+language))"
        rf"|(?:母语为|母语是)(?P<e>{zh_alt})|以(?P<g>{zh_alt})为母语(?!的?(?:国家|地区))"
        rf"|(?P<f>{zh_alt})\)?为?母语(?:者|人士)?(?!的?(?:国家|地区|水平))"
        rf"|以(?P<m>{zh_alt})为第一语言"
        # "Spanish Translators (Native Speakers)", "Mandarin (native)"
        rf"|(?P<h>{lang_any})(?:\s+[A-Za-z-]+){{0,3}}\s*\((?i:native(?:\s+speakers?)?)\)"
        rf"|(?i:mother\s+tongue|native\s+language)\s*[:\-]\s*(?P<i>{lang_any})"
        # "English: Native level", "Spanish - native"; "native fluency in French"
        rf"|(?P<j>{lang_any})\s*[:\-\u2013]\s*(?i:native)(?![- ]?(?i:like))(?![A-Za-z])"
        # ("You are native in Spanish": a native speaker too)
        rf"|(?<!-)(?<!level )(?i:native(?:\s+(?:fluency|proficiency|command)\s+(?:in|of)|\s+in))\s+(?P<k>{lang_any})"
        # "Native or professional fluency in Chinese": native as one of two levels
        rf"|(?<![\w-])(?i:native\s+or\s+(?:full\s+)?professional\s+(?:fluency|proficiency|command)\s+(?:in|of))\s+(?P<n>{lang_any})"
        # a title's "(Native Speakers)" with no language: the language the position names next
        r"|(?P<l>\((?i:native\s+speakers?)\))"
    )
    return _Vocab(
        abbreviated=guarded(abbreviated),
        mention=guarded(mention),
        name_to_code=name_to_code,
        abbr=abbr,
        outlet_zh=re.compile(rf"(?:双语|语言|新闻)?(?:{_alt(data['outlets_zh'])})"),
        outlet_en=re.compile(
            rf"(?:[- ]language)?(?:[- ](?:news|language|speaking))?\s+(?i:{_alt(data['outlets_en'])})"
            r"(?![A-Za-z])"
        ),
        cue_zh=re.compile(_alt(data["cues_zh"])),
        cue_en=re.compile(rf"(?<![A-Za-z])(?i:{_alt(data['cues_en'])})(?![A-Za-z])"),
        # The same over the lower-cased text (the cue words are lower case); the first-character
        # class leads, so re rejects most offsets before trying the lookbehind.
        cue_en_low=re.compile(
            rf"(?=[{''.join(sorted({str(w)[0].lower() for w in data['cues_en']}))}])"
            rf"(?<![a-z])(?:{_alt([str(w).lower() for w in data['cues_en']])})(?![a-z])"
        ),
        role_zh=re.compile(rf"(?:语言|复语|双语)?(?:{_alt(data['roles_zh'])})"),
        role_en=re.compile(
            rf"(?:[- ]language)?\s+(?:(?i:news|copy|content|language)\s+)?"
            rf"(?i:{_alt(data['roles_en'])})(?![A-Za-z])"
        ),
        native=guarded(native),
        varieties=re.compile(rf"\((?:[^()\n]{{0,40}})\)|\b(?i:{_alt(data['varieties_en'])})\b"),
        version=str(data["version"]),
    )


def _code(v: _Vocab, name: str) -> str | None:
    return v.name_to_code.get(name) or v.name_to_code.get(name.lower())


# A name inside a longer word is not that language: the character before it ends a word with the
# name's first character (道德语言, 东西语, 算法文档, 语法语义, 节日文案, 初中文化, 精英文化, 品德), or the
# text after it continues a word (汉语言文学, 汉语文学: a major).
_FA = "算语方做手书办立合违司宪刑民税执依守犯非魔句技章笔加减想玩打兵佛文"
_RI = "节今明昨生每周假当平末往次近时白终旧吉夏春秋冬念作半全落抗"
_NOT_BEFORE: dict[str, str] = {
    "德语": "道品美公师医",
    "德文": "道品美公师医",
    "西语": "东",
    "法语": _FA,
    "法文": _FA,
    "日语": _RI,
    "日文": _RI,
    "中文": "初高其集期",
    "英文": "精菁群",
    "英语": "精菁群",
    "藏语": "收珍宝冷储隐蕴暗",
    "壮语": "言",
}
_NOT_AFTER: dict[str, tuple[str, ...]] = {"汉语": ("言", "文学")}


def _mentions(text: str, v: _Vocab) -> list[_Mention]:
    out: list[_Mention] = []
    taken: list[tuple[int, int]] = []
    for m in gated_finditer(v.abbreviated, text, "abbr"):
        taken.append((m.start(), m.end()))
        codes = [v.abbr.get("中" if ch == "汉" else ch) for ch in m.group() if ch not in "、/"]
        kind = "pair" if m.group("pair") else "enum"
        out.extend(_Mention(c, m.start(), m.end(), kind) for c in dict.fromkeys(codes) if c)
    hits: list[tuple[int, int, str]] = []
    for start, end, spellings in prescan(text).get("language", ()):
        name = text[start:end]
        if name not in spellings:
            continue
        code, english = spellings[name]
        if english:
            before = text[start - 1] if start else " "
            after = text[end] if end < len(text) else " "
            if (before.isascii() and (before.isalpha() or before == "-")) or (
                after.isascii() and after.isalpha()
            ):
                continue
        elif (start and text[start - 1] in _NOT_BEFORE.get(name, "")) or text.startswith(
            _NOT_AFTER.get(name, ()), end
        ):
            continue
        hits.append((start, end, code))
    hits.sort(key=lambda h: (h[0], h[0] - h[1]))
    cover_end = -1
    for start, end, code in hits:
        if end <= cover_end or (taken and any(s < end and start < e for s, e in taken)):
            continue
        cover_end = end
        out.append(_Mention(code, start, end, "name"))
    out.sort(key=lambda x: x.start)
    return out


# The 40 characters after the mention, matched in place (endpos ends the string there as the
# slice would; none of these patterns looks behind its start).
def _is_outlet(text: str, m: _Mention, v: _Vocab) -> bool:
    end = m.end + 40
    return bool(v.outlet_zh.match(text, m.end, end) or v.outlet_en.match(text, m.end, end))


# A title qualified by the speakers it wants: "Breaking News Editor (Chinese speaker)", "Content
# Reviewer (Spanish Speakers)", "Subtitler - Polish speaker": the post asks for the language, as a
# role does ("content for Spanish speakers", "an audience of Chinese speakers" are readers: the
# outlet words, which "speakers" is one of, keep those out).
_SPEAKER_BEFORE = re.compile(r"(?:\(|\s[-\u2013\u2014|]\s)(?:native\s+)?$", re.IGNORECASE)
_SPEAKER_AFTER = re.compile(
    r"\s+speakers?(?:\s*\)|[ \t]*(?:$|\n|\s[-\u2013\u2014|]\s))", re.IGNORECASE | re.MULTILINE
)


def _is_speaker_qualifier(text: str, m: _Mention) -> bool:
    """The mention qualifies a title as its speaker ("Editor (Chinese speaker)")."""
    return (
        _SPEAKER_AFTER.match(text, m.end) is not None
        and _SPEAKER_BEFORE.search(text, max(0, m.start - 10), m.start) is not None
    )


def _is_role(text: str, m: _Mention, v: _Vocab) -> bool:
    end = m.end + 40
    return bool(v.role_zh.match(text, m.end, end) or v.role_en.match(text, m.end, end))


# A waiver names the language it waives ("no knowledge of Chinese is required", 无需懂日语, 英语
# 不作要求): that language is not asked anywhere in the position, whatever else mentions it. Read
# in the 40 characters before and after each mention, so linear.
_WAIVED_BEFORE = re.compile(
    r"(?i:\bno\s+(?:prior\s+)?(?:knowledge|command)\s+of|\bno\s+need\s+to\s+(?:speak|know|understand|read)"
    r"|\bwithout\s+(?:any\s+)?knowledge\s+of|\b(?:do|does|need)\s*(?:n[o\u2019']t|\s+not)\s+(?:need\s+to\s+)?"
    r"(?:speak|know|understand|read))\s+(?:the\s+|any\s+)?\Z"
    r"|(?:不要求|无需|无须|不需要|不需|不必)(?:懂|会|懂得|掌握|精通|具备|使用)?\Z"
)
_WAIVED_AFTER = re.compile(
    r"(?i:(?:\s+(?:language|skills?|knowledge|proficiency|fluency))?\s+(?:is|are)\s+not\s+"
    r"(?:required|necessary|needed|essential|a\s+requirement)|\s+not\s+(?:required|necessary|needed)\b)"
    r"|(?:水平|能力)?(?:不作要求|不做要求|不作硬性要求|非必须|不是必须|不是必需)"
)
# The language an application is to be written in is no requirement of the job ("Your
# application, written in English", "CVs in English or French", 简历请用英文书写).
_APPLICATION_IN = re.compile(
    # the noun, then "in" at once or after written/submitted… ("experience in X" is no match)
    r"(?i:\b(?:applications?|cvs?|résumés?|resumes?|cover\s+letters?|motivation\s+letters?)\b"
    r"(?:[^.!?\n]{0,60}?\b(?:written|submitted|prepared|drafted|sent|completed)|(?:\s+\w+)?)"
    r"\s+in\s+(?:both\s+)?(?:[a-z]+\s*(?:,|and|or|/)\s*)*)\Z"
    r"|(?:报名材料|申请材料|申请表|简历|求职信)[^。\n;]{0,12}(?:用|使用|以)(?:[\u4e00-\u9fff]{1,3}[、/或和及])*\Z"
)


# A language offered, not asked: a course or lessons among the perks ("German language course").
_OFFERED_AFTER = re.compile(
    r"\s+(?:language\s+)?(?:courses?|lessons|classes|tuition)\b", re.IGNORECASE
)
# The language others are asked beside ("languages in addition to English", "other than
# English"): the baseline of the ad, not what the clause asks.
_BASELINE_BEFORE = re.compile(
    r"\b(?:in\s+addition\s+to|other\s+than|besides|apart\s+from|beyond)\s+\Z", re.IGNORECASE
)


def _offered_or_baseline(text: str, m: _Mention) -> bool:
    return bool(
        _OFFERED_AFTER.match(text, m.end, m.end + 30)
        or _BASELINE_BEFORE.search(text, max(0, m.start - 30), m.start)
    )


def _waived(text: str, m: _Mention) -> bool:
    return bool(
        _WAIVED_BEFORE.search(text[max(0, m.start - 40) : m.start])
        or _WAIVED_AFTER.match(text, m.end, m.end + 40)
    )


def _names_major(text: str, m: _Mention) -> bool:
    """Does the mention name a major: 英语专业, *English majors*, 英语(050201), or a name in a
    list of disciplines (中文、新闻类硕士, 新闻学、中文、历史等文史专业)?"""
    return bool(
        _MAJOR.match(text, m.end)
        or _DISCIPLINE_AFTER.match(text, m.end, m.end + 40)
        or _DISCIPLINE_BEFORE.search(text[max(0, m.start - 40) : m.start])
    )


def _is_application_language(text: str, m: _Mention) -> bool:
    return bool(_APPLICATION_IN.search(text[max(0, m.start - 100) : m.start]))


# A major: 英语专业, English majors, or a name with its discipline code in a list of majors
# (英语(050201)).
_MAJOR = re.compile(
    r"(?:语言文学|语言|相关)?专业(?!四级|八级|水平|能力|证书)|\s+(?i:majors?)\b|\s*\(\d{6}[A-Z]{0,2}\)"
)
# A name in a list of disciplines ("中文、新闻类硕士", "新闻学、中文、历史等文史专业优先"). The
# Chinese major (中文 / 汉语言) is Chinese literature, not a language asked: no finding.
# A name inside a discipline with its code (国际中文教育（0453）, 中国语言文学（0501）) is that
# discipline too.
_DISCIPLINE_AFTER = re.compile(
    r"(?:(?:文学)?(?:以及|或者|[、,/和及或与])(?!\n)[^、,/,。;;\n]{1,8}?){1,4}?(?:等)?(?:相关|文史)?"
    r"(?:专业|类|学科|学位|硕士|学士|博士)"
    r"|[^、,/,。;;\n()（）]{0,6}[(（]\d{4,6}[A-Z]{0,2}[)）]"
)
_DISCIPLINE_BEFORE = re.compile(r"(?:专业|学科|学位)[::]?[^。;;\n]{0,30}\Z|[学类][、,/]\Z")
_LIST_LINE_SEP = re.compile(r"[\s,、/&]|\band\b|和|及|与")
_LIST_HEADING = re.compile(r"languages?\b|语言|语种", re.IGNORECASE)
_LIST_LINE_MAX = 400
_LIST_TARGET = re.compile(r"target|目标|任一|之一|one of", re.IGNORECASE)


def _in_language_list(text: str, m: _Mention, v: _Vocab) -> tuple[bool, bool | None]:
    """(is the mention on a line of language names under a "Languages" heading, what the heading
    says: True "required", None "target languages" (one of them), False nothing)."""
    # The line's edges are looked for within _LIST_LINE_MAX + 1 characters only: a longer line
    # is no list (and a scan to its edges per mention is quadratic on one long line). A
    # broadcaster's 31 service languages on one line take about 260.
    # The heading above the line is read first: most mentions have none, and stop there.
    floor = max(0, m.start - _LIST_LINE_MAX - 1)
    lo = text.rfind("\n", floor, m.start) + 1
    if lo == 0 and floor > 0:
        return False, False
    before = [ln for ln in text[max(0, lo - 200) : lo].split("\n")[-3:] if ln.strip()]
    if not before or len(before[-1]) > 40 or not _LIST_HEADING.search(before[-1]):
        return False, False
    ceiling = m.end + _LIST_LINE_MAX + 1
    hi = text.find("\n", m.end, ceiling)
    if hi < 0 and ceiling < len(text):
        return False, False
    line = text[lo : hi if hi >= 0 else len(text)]
    if len(line) > _LIST_LINE_MAX:
        return False, False
    rest = _LIST_LINE_SEP.sub("", v.varieties.sub("", v.mention.sub("", line)))
    if rest.strip("()."):
        return False, False
    heading = before[-1]
    if _LIST_TARGET.search(heading):
        return True, None
    return True, bool(re.search(r"required|requirement|要求|必须", heading, re.IGNORECASE))


# "Chinese" is mostly an adjective (Chinese politics, Chinese reporters): it names the language
# only next to a language word, or after a verb/preposition of language use and before a break.
_CHINESE_NEXT = re.compile(
    r"(?:[- ]language|\s+(?:speaking|reading|writing|skills?|proficiency|ability|abilities|fluency"
    r"|characters?|speakers?|texts?|and|or|into|to|as|is|are|at|with|would|will|including"
    r"|\(\w+\)))\b"
    r"|\s*\((?:simplified|traditional|mandarin|cantonese|putonghua|native)\)"
    # punctuation, or the end of a line ("… English and Chinese" closing a requirement line)
    r"|\s*(?:[,.;:/()&\u2013-]|$)|[ \t]*\r?\n",
    re.IGNORECASE,
)
_CHINESE_PREV = re.compile(
    r"(?:speak|read|write|understand|translate[ds]?|from|into|between|in|of|fluent|fluency in"
    r"|command of|knowledge of|proficiency in|and|or|simplified|traditional|native|written|spoken"
    r"|advanced|basic|strong|excellent|good|both)\s+$|&\s*$"
    # an item of a list of names (French, Polish, Czech): the list is of languages
    r"|[A-Za-z]{3,}\s*[,/]\s*$",
    re.IGNORECASE,
)


# English names that are also ordinary words ("Chinese politics", "Polish the copy") count only
# where a language reading is clear (see _chinese_ok).
_AMBIGUOUS_EN = frozenset({"Chinese", "Polish"})


_CHINESE_LANGUAGE_NEXT = re.compile(
    r"[- ]language|\s+(?:speaking|reading|writing|skills?|proficiency|ability|fluency)"
    r"|\s*\((?:simplified|traditional|mandarin|cantonese|native)\)"
    r"|\s*[\u2013\u2014/-]\s*(?:english|japanese|korean|french|german|spanish)\b",
    re.IGNORECASE,
)


def _chinese_ok(text: str, m: _Mention) -> bool:
    if text[m.start : m.end] not in _AMBIGUOUS_EN:
        return True
    nxt = _CHINESE_NEXT.match(text, m.end)
    if nxt is None:
        return False
    if _CHINESE_LANGUAGE_NEXT.match(text[m.end : m.end + 14]):
        return True
    return _CHINESE_PREV.search(text, max(0, m.start - 20), m.start) is not None


def _has_cue(text: str, m: _Mention, v: _Vocab, s_lo: int, s_hi: int) -> bool:
    """A competence word within 60 characters of the mention, in its sentence (s_lo, s_hi)."""
    if not _chinese_ok(text, m):
        return False
    lo, hi = max(s_lo, m.start - 60), min(s_hi, m.end + 60)
    if v.cue_zh.search(text, lo, hi):
        return True
    # cue_en, case-sensitively over the lower-cased text: the same answer, found faster. Where
    # `lowered` gives a text, no character in it folds onto an ASCII letter under IGNORECASE
    # unless str.lower() makes it that letter, so [A-Za-z] there is [a-z] here.
    low = lowered(text)
    if low is None:
        return v.cue_en.search(text, lo, hi) is not None
    return v.cue_en_low.search(low, lo, hi) is not None


def _level(
    text: str,
    m: _Mention,
    certs: list[Finding],
    s_lo: int,
    s_hi: int,
    memo: dict[str, tuple[bool, str | None]],
) -> tuple[str | None, str | None]:
    """(level, CEFR-like band) for a mention: native > certificate > fluency words.

    (s_lo, s_hi) is the mention's sentence; `memo` holds the level words (native?, the strongest
    other level word) of each distinct 40-character clause, keyed by the clause as searched (its
    lower case): the words are searched in the clause as a string of its own, so clauses that
    read the same (a posting repeating "法语、") share one search.
    """
    lo, hi = clause_bounds(text, m.start, m.end, limit=40)
    low = lowered(text)
    key = (text if low is None else low)[lo:hi]
    words = memo.get(key)
    if words is None:
        words = memo[key] = _level_words(text, lo, hi)
    if words[0]:
        return "native", "C2"
    for c in certs:
        if c.detail.get("language") == m.code and s_lo <= c.evidence.start < s_hi:
            level = c.value if not c.level else f"{c.value} {c.level}"
            return level, c.detail.get("band")
    return words[1], None


def _level_words(text: str, lo: int, hi: int) -> tuple[bool, str | None]:
    """(does text[lo:hi] say native, and not non-native; the first other level word's name)."""
    if _LEVEL_WORDS[0][1].search_slice(text, lo, hi) and not _NON_NATIVE.search_slice(text, lo, hi):
        return True, None
    for name, pattern in _LEVEL_WORDS[1:]:
        if pattern.search_slice(text, lo, hi):
            return False, name
    return False, None


_REQUIRED_RANK = {True: 2, False: 1, None: 0}
_TOP_LEVEL_RANK = max(_LEVEL_RANK.values())


def _level_rank(level: str | None) -> int:
    return _LEVEL_RANK.get(level or "", 5 if level else 0)


def _rank(f: Finding) -> tuple[int, int]:
    return _REQUIRED_RANK[f.required], _level_rank(f.level)


def _could_outrank(old: Finding, level: str | None) -> bool:
    """Could a finding at this `level` outrank `old` were it required (the highest `_rank`)?"""
    return _rank(old) < (_REQUIRED_RANK[True], _level_rank(level))


def _may_outrank(required: bool | None, old: Finding) -> bool:
    """Could a finding with this `required` outrank `old`, whatever its level (see `_rank`)?"""
    req, old_req = _REQUIRED_RANK[required], _REQUIRED_RANK[old.required]
    return req > old_req or (req == old_req and _rank(old)[1] < _TOP_LEVEL_RANK)


# Between two language names of one run: separators and at most one conjunction.
_RUN_GAP = re.compile(
    r"[\s,、/()]*(?:(?i:and/or|and|or|nor)|或者?|或是|和|及|以及|与|跟)?[\s,、/()]*"
)
_RUN_OR = re.compile(r"/|(?i:\bor\b)|或")
# After a run: "…中的一种", "等任意语种", "等语种" (named ones are examples of an open set).
_RUN_ANY_AFTER = re.compile(
    r"[\s)]*(?:等\s*(?:任意|任一|其他|其它)?\s*(?:(?:小|外|多)?语种|外语|语言(?!文学))"
    r"|等?\s*(?:任意|任一|其中|之一|中的一种|中任一|其一|中的任何一))"
)
_RUN_ANY_BEFORE = re.compile(
    r"(?i:one of|either|any of|any one of|e\.g\.,?|such as|for example|including|例如|比如|诸如"
    r"|任一|任意一[种门]|以下(?:任一|其中一)[种门]?)[\s:(]*$"
)
# "…或者熟练掌握赴任国语言": the language named before it is one of two alternatives.
_OR_LOCAL_LANGUAGE = re.compile(
    r"(?:或者?|(?i:\bor\b))\s*(?:熟练)?(?:掌握|使用|运用)?\s*"
    r"(?:所在国|赴任国|任教国|对象国|当地|其他|其它|(?i:another|(?:the\s+)?local|other|"
    r"(?:the\s+)?host[- ]country(?:'s)?))\s*(?:国家)?的?\s*(?:语言|(?i:languages?))"
)


_LONG_RUN = 4


# A line that is a list of languages and little else (尼泊尔语、泰卢固语、荷兰语、… under "急聘"; a
# vacancy's "Dhivehi, Bulgarian, Arabic, …"): the languages one may work in, even with no
# competence word, when at least _LONG_RUN languages fill at least _BARE_SHARE of its items.
_LIST_ITEM_SPLIT = re.compile(r"[,，、/;；&|]|\s(?:and|or)\s|[及和与或]")
_BARE_SHARE = 0.8
# What may end such a line after its last language (not "… and Catalan classes": a perk)
_BARE_TAIL = re.compile(
    r"[\s)）\]】.。,，、;；:：!?]*(?:等(?:小|外|多)?(?:语种|语言)?[\s)）\]】.。]*)?"
)


def _bare_list_lines(text: str, mentions: list[_Mention]) -> set[int]:
    """Indices of the mentions that stand on a line of `text` that is a list of languages (see
    _LIST_ITEM_SPLIT). Each line is found once, scanning the text forward: linear."""
    line_of: list[int] = [0] * len(mentions)
    codes: dict[int, set[str]] = {}
    last_end: dict[int, int] = {}
    lo = pos = 0
    for i in sorted(range(len(mentions)), key=lambda k: mentions[k].start):
        m = mentions[i]
        nl = text.rfind("\n", pos, m.start)
        if nl >= 0:
            lo = nl + 1
        pos = max(pos, m.start)
        line_of[i] = lo
        codes.setdefault(lo, set()).add(m.code)
        last_end[lo] = max(last_end.get(lo, 0), m.end)
    bare: set[int] = set()
    for lo, names in codes.items():
        if len(names) < _LONG_RUN:
            continue
        hi = text.find("\n", lo)
        hi = len(text) if hi < 0 else hi
        if not _BARE_TAIL.fullmatch(text, last_end[lo], hi):
            continue
        items = [x for x in _LIST_ITEM_SPLIT.split(text[lo:hi]) if x.strip()]
        if len(names) >= _BARE_SHARE * len(items):
            bare.add(lo)
    return {i for i, lo in enumerate(line_of) if lo in bare}


def _language_runs(text: str, mentions: list[_Mention]) -> tuple[list[tuple[int, int]], set[int]]:
    """Runs of two or more languages (英语、法语、德语; Russian or French) as (first, last) mention
    indices, and the indices of mentions that are one of alternatives: runs joined by or/或//,
    runs of examples (e.g., 等语种, 中的一种), a language beside "or the local language"."""
    out: set[int] = set()
    runs: list[tuple[int, int]] = []
    i, n = 0, len(mentions)
    while i < n:
        j, alt = i, "/" in text[mentions[i].start : mentions[i].end]
        while j + 1 < n:
            gap = text[mentions[j].end : mentions[j + 1].start]
            if len(gap) > 16 or not _RUN_GAP.fullmatch(gap):
                break
            # 中葡/葡中 names a direction of translation, not a choice
            pairs = mentions[j].kind == mentions[j + 1].kind == "pair"
            alt = (
                alt
                or (_RUN_OR.search(gap) is not None and not pairs)
                or "/" in text[mentions[j + 1].start : mentions[j + 1].end]
            )
            j += 1
        names = {mentions[k].code for k in range(i, j + 1)}
        if len(names) > 1:
            runs.append((i, j))
        if len(names) > 1 and not alt:
            first, last = mentions[i], mentions[j]
            alt = bool(
                _RUN_ANY_AFTER.match(text, last.end, last.end + 12)
                or _RUN_ANY_BEFORE.search(text, max(0, first.start - 24), first.start)
            )
        if alt and len(names) > 1:
            out.update(range(i, j + 1))
        i = j + 1
    if not mentions or ("语言" not in text and "anguage" not in text):
        return runs, out
    starts = [m.start for m in mentions]
    for hit in _OR_LOCAL_LANGUAGE.finditer(text):
        k = bisect.bisect_left(starts, hit.start()) - 1
        if k < 0:
            continue
        s_lo, _ = sentence_bounds(text, mentions[k].start, mentions[k].end)
        code = mentions[k].code
        while k >= 0 and mentions[k].start >= s_lo and hit.start() - mentions[k].start < 400:
            if mentions[k].code == code:
                out.add(k)
            k -= 1
    return runs, out


def detect_native_speakers(text: str, sections: Sections | None = None) -> list[Finding]:
    """ "Native English speaker", "以英语为母语": one finding per language, value = ISO code."""
    v = _vocab()
    sections = sections or Sections(text)
    out: dict[str, Finding] = {}
    for m in gated_finditer(v.native, text, "native"):
        group = next(g for g in "abcdefghijklmn" if m.group(g))
        if group == "l":
            following = v.mention.search(text, m.end(), m.end() + 400)
            if following is None:
                continue
            codes = [_code(v, following.group())]
        elif group == "c":
            codes = [_code(v, x.group()) for x in v.mention.finditer(m.group(group))]
        else:
            codes = [_code(v, m.group(group))]
        if is_negated(text, m.start(), m.end()):
            continue
        required = requirement(text, m.start(), m.end(), sections)
        if required is None and not is_alternative(text, m.start(), sections):
            required = True  # asked, and neither preferred nor one of alternatives
        # "Native speaker, or native-level proficiency" / "e.g. English, Japanese": not strict.
        tail = text[m.end() : m.end() + 60]
        if (group == "c" and len(codes) > 1) or re.match(
            r"\W*(?:or\b|或).{0,40}(?:native|母语)", tail, re.IGNORECASE
        ):
            required = None if required else required
        for code in codes:
            old = out.get(code) if code else None
            rank = {True: 2, False: 1, None: 0}
            if code and (old is None or rank[required] > rank[old.required]):
                out[code] = Finding(
                    "native_speaker",
                    code,
                    Evidence.of(text, m.start(), m.end()),
                    required=required,
                )
    return list(out.values())


def detect_languages(
    text: str,
    sections: Sections | None = None,
    *,
    certificates: list[Finding] | None = None,
    natives: list[Finding] | None = None,
) -> list[Finding]:
    """Languages asked of the applicant: one finding per language, the strongest mention kept.

    `required` is True/False/None from the clause (须/must vs 优先/preferred) or the section
    (requirements vs preferences block); `level` is native, a certificate (CET-6 425, IELTS 7),
    or fluent/proficient/working/basic; `detail["band"]` is a CEFR-like band where defensible.
    """
    v = _vocab()
    sections = sections or Sections(text)
    certs = detect_certificates(text, sections) if certificates is None else certificates
    if natives is None:
        natives = detect_native_speakers(text, sections)
    found: dict[str, Finding] = {}

    def keep(f: Finding) -> None:
        old = found.get(f.value)
        if old is None or _rank(f) > _rank(old):
            if old is not None and f.level is None and old.level is not None:
                f = Finding(f.field, f.value, f.evidence, f.required, old.level, None, old.detail)
            found[f.value] = f

    # Each mention's clause and sentence are found once and its clause's cues searched once
    # (mentions in one clause, 英语、法语、日语, share them): same answers as is_negated and
    # requirement per mention.
    level_memo: dict[str, tuple[bool, str | None]] = {}
    states = ClauseStates(text, sections)
    mentions = _mentions(text, v)
    waived = {m.code for m in mentions if _waived(text, m)}
    if waived:
        mentions = [m for m in mentions if m.code not in waived]
    runs, alternatives = _language_runs(text, mentions)
    # "英文、日语作为工作语言者优先": the run's last clause prefers, and so for every name in it.
    preferred_runs: set[int] = set()
    for first, last in runs:
        lm = mentions[last]
        lo, hi = clause_bounds(text, lm.start, lm.end)
        s_lo, _ = sentence_bounds(text, lm.start, lm.end)
        if states.requirement(lm.start, lo, hi, s_lo) is False:
            preferred_runs.update(range(first, last + 1))
    # A run of languages counts as a whole when one of its names has a competence word near it:
    # asked once per run, so a long list costs one look per name.
    run_of = {k: run for run in runs for k in range(run[0], run[1] + 1)}
    # A list of four or more languages names those one may work in (one of them), unless a
    # "Languages" heading or its own clause makes them required.
    for first, last in runs:
        if len({mentions[k].code for k in range(first, last + 1)}) >= _LONG_RUN:
            alternatives.update(range(first, last + 1))
    run_cues: dict[tuple[int, int], bool] = {}
    bare_lines = _bare_list_lines(text, mentions) if len(mentions) >= _LONG_RUN else set()

    def run_cued(run: tuple[int, int]) -> bool:
        if run not in run_cues:
            run_cues[run] = any(
                _has_cue(
                    text, mentions[k], v, *sentence_bounds(text, mentions[k].start, mentions[k].end)
                )
                for k in range(run[0], run[1] + 1)
            )
        return run_cues[run]

    for index, m in enumerate(mentions):
        done = found.get(m.code)
        if done is not None and done.required is True and done.level is not None:
            continue  # nothing a later mention could add; English ads name English often
        if text[max(0, m.start - 1) : m.start] == "非":
            continue
        s_lo, s_hi = sentence_bounds(text, m.start, m.end)
        said: tuple[str | None, str | None] | None = None
        if done is not None:
            # Even required, a mention outranks the kept one only by its level (cheap, memoised
            # per clause): when that cannot, its clause's cues and kind need not be read.
            said = _level(text, m, certs, s_lo, s_hi, level_memo)
            if not _could_outrank(done, said[0]):
                continue
        lo, hi = clause_bounds(text, m.start, m.end)
        if states.negated(lo, hi) or _is_application_language(text, m):
            continue
        if _is_role(text, m, v) or _is_speaker_qualifier(text, m):
            kind, required = "role", states.requirement(m.start, lo, hi, s_lo)
            required = True if required is None else required
        elif _is_outlet(text, m, v) or _offered_or_baseline(text, m):
            continue
        elif _names_major(text, m):
            if m.code == "zh":
                continue  # the Chinese-literature major
            kind, required = "major", states.requirement(m.start, lo, hi, s_lo)
        elif _has_cue(text, m, v, s_lo, s_hi):
            kind, required = "name", states.requirement(m.start, lo, hi, s_lo)
        else:
            in_list, heading = _in_language_list(text, m, v)
            if in_list:
                kind = "list"
                required = heading if heading is not False else sections.default_required(m.start)
                if heading is None:  # "Target languages": the applicant works in one of them
                    alternatives.add(index)
                elif heading is True:  # "Required languages:" asks each, however many
                    alternatives.discard(index)
            elif index in run_of and _chinese_ok(text, m) and run_cued(run_of[index]):
                # a long list (translators for French, German, … and Thai) is asked as a whole,
                # the names far from the competence word as languages one may work in
                kind, required = "name", states.requirement(m.start, lo, hi, s_lo)
                if required is not False:
                    alternatives.add(index)
            elif index in bare_lines:
                kind, required = "list", None
                alternatives.add(index)
            else:
                continue
        if index in preferred_runs:
            required = False
        elif index in alternatives and required is not False:
            required = None  # 英、俄、日等任意语种; English or Spanish; 英语或所在国语言
        elif required is None and kind != "major" and not is_alternative(text, m.start, sections):
            required = True  # asked, and neither preferred nor one of alternatives
        if done is not None and not _may_outrank(required, done):
            continue  # `keep` would not take it: its level and evidence need not be made
        if kind == "major":
            level, band = None, None
        else:
            level, band = said or _level(text, m, certs, s_lo, s_hi, level_memo)
        detail: dict[str, Any] = {"band": band} if band else {}
        if kind in ("major", "role", "list"):
            detail["via"] = kind
        keep(
            Finding(
                "language", m.code, Evidence.of(text, m.start, m.end), required, level, None, detail
            )
        )
    for c in certs:  # CET-6 alone says English even when no language is named
        code = c.detail.get("language")
        if code and code not in found and code not in waived:
            level = c.value if not c.level else f"{c.value} {c.level}"
            band = c.detail.get("band")
            required = c.required
            if required is None and not is_alternative(text, c.evidence.start, sections):
                required = True
            keep(
                Finding(
                    "language",
                    code,
                    c.evidence,
                    required,
                    level,
                    None,
                    {"band": band} if band else {},
                )
            )
    for n in natives:
        f = found.get(n.value)
        if n.value in waived:
            continue
        if f is None:
            keep(
                Finding("language", n.value, n.evidence, n.required, "native", None, {"band": "C2"})
            )
        elif f.level != "native":
            found[n.value] = Finding(
                "language",
                n.value,
                n.evidence,
                f.required if f.required else n.required,
                "native",
                None,
                {**f.detail, "band": "C2"},
            )
    return sorted(found.values(), key=lambda f: f.evidence.start)
