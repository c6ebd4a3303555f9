"""Normalise stage: overseas experience asked of the applicant.

Input: one cleaned position text (clean_text output).
Output: Findings with field "overseas", value study / work / living / any, `years` (minimum),
`required`, and detail["countries"] (ISO 3166-1 alpha-2; groups such as 阿拉伯国家 give a note).

Not overseas experience: being a foreigner, willingness to be posted abroad (愿意外派, 常驻海外),
covering overseas news, 留学回国人员 rules about degree certification, waivers (无需, 不限), and
reported facts about other people ("one-fourth have experience studying abroad").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from analysis.models import Evidence, Finding
from analysis.normalise.context import (
    Sections,
    clause_bounds,
    is_negated,
    literal_alt,
    load_vocab,
    requirement,
    sentence_bounds,
)
from analysis.normalise.exclusion import is_excluded
from analysis.normalise.guard import guarded
from analysis.normalise.numbers import CN_SMALL, en_number_alt, number_word_value
from analysis.normalise.starts import MatchStarts, gated_matches, match_starts
from analysis.normalise.wordscan import DeclaredWords

__all__ = ["declared_words", "detect_overseas"]

_ABROAD_ZH = r"(?:海外|境外|国外|国\(境\)外|国境外)"
_ABROAD_EN = r"(?:abroad|overseas|outside (?:of )?(?:mainland )?China)"
_YEARS = re.compile(
    rf"(?P<n>\d+(?:\.\d+)?|[{CN_SMALL}]|半)\s*(?:个)?年(?:以上|及以上|或以上)?"
    rf"|(?P<en>\d+(?:\.\d+)?|an?|{en_number_alt()}|half a)\+?"
    r"\s*(?:or more\s+)?(?:full\s+)?years?",
    re.IGNORECASE,
)
_WILLING = re.compile(
    r"愿意|愿|接受|服从|适应|能够|可以?|有意|打算|willing|willingness|prepared to|able to"
    r"|open to|relocat",
    re.IGNORECASE,
)
_REPORTED = re.compile(
    r"\b(?:one-(?:fourth|third|half|quarter)|\d+\s*(?:%|percent)|many of them"
    r"|among the|said)\b",
    re.IGNORECASE,
)
# Overseas business, not experience abroad: 境外运营实习经验, 海外市场工作经验, overseas users.
_MARKET_ZH = re.compile(r"运营|发行|市场|业务|营销|推广|用户|玩家|账号|客户|销售")
_MARKET_EN = re.compile(
    r"\s*(?:markets?|players?|accounts?|users?|business(?:es)?|clients?|customers?|audiences?"
    r"|partners?|brands?|campaigns?|channels?|offices?|subsidiar(?:y|ies)"
    # people elsewhere the applicant works with ("working with overseas developers")
    r"|developers?|engineers?|teams?|colleagues|counterparts|stakeholders|vendors?|suppliers?)\b",
    re.IGNORECASE,
)
# Being posted abroad for the job is a duty, not experience asked of the applicant.
_POSTED = re.compile(
    r"将|派往|派驻|赴|前往|任期|\bwill\b|\b(?:posted|stationed|based|assigned|seconded)\b",
    re.IGNORECASE,
)
# Experience the job offers ("gain international work experience", 积累海外工作经验): the
# applicant gets it from the post, it is not asked.
_GAINED = re.compile(
    r"\b(?:gain|gains|gaining|acquire|acquiring|build|get)\b|获得|积累|收获", re.IGNORECASE
)
_CURRENT_RESIDENCE = re.compile(
    r"\b(?:candidates|applicants|those|people|individuals|persons|anyone|residents|you)\s+"
    r"(?:who\s+(?:are|is)\s+)?(?:currently\s+)?\Z|\bcurrently\s+\Z",
    re.IGNORECASE,
)
# Students abroad as the applicants sought: 仅限留学生, 留学生实习 (not 来华/外国留学生: foreigners).
_STUDENTS_ABROAD = (
    r"仅限(?:海外|境外)?留学生|(?<!来华)(?<!外国)(?<!国际)(?<!外籍)留学生(?=实习|专场|专项|优先)"
)
# Others' study abroad the applicant serves ("affairs for our students studying abroad", "a
# scholarship for study abroad", 为学生办理出国留学): a duty's object, not experience asked.
_SERVED_BEFORE = re.compile(
    r"(?i:\b(?:for|of)\s+(?:our\s+|the\s+|its\s+)?students\s+"
    r"|\b(?:scholarships?|programs?|programmes?|grants?|funding)\s+for\s+)\Z"
    r"|(?:为|帮助|协助|指导)(?:学生|学员)\S{0,4}\Z"
)
_RETURNEE = re.compile(r"海归|留学(?:回国|归国)(?:人员|人才)?")
_PREF_CUE = re.compile(r"优先|为佳|尤佳|preferred|a plus|advantage", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Vocab:
    pattern: re.Pattern[str]
    starts: MatchStarts | None  # the words its matches start with
    places: re.Pattern[str]
    place_codes: dict[str, list[str]]
    place_notes: dict[str, str]


def _alt(words: list[str]) -> str:
    return literal_alt(words)


# The overseas gate's own words; `declared_words` adds the vocabulary's place names.
_GATE = (
    "海外",
    "境外",
    "国外",
    "国(境)外",
    "留学",
    "海归",
    "驻外",
    "外派",
    "abroad",
    "overseas",
    "outside",
    "lived",
    "living",
    "resid",
    "foreign degree",
)


def _place_names(
    data: dict[str, Any],
) -> tuple[list[str], list[str], dict[str, list[str]], dict[str, str]]:
    """The vocabulary's place names: Chinese, English, name → country codes, name → group note."""
    codes: dict[str, list[str]] = {}
    notes: dict[str, str] = {}
    zh: list[str] = []
    en: list[str] = []
    for code, names in data["countries"].items():
        for n in names.get("zh", []):
            codes[n] = [code]
            zh.append(n)
        for n in names.get("en", []):
            codes[n] = [code]
            en.append(n)
    for pair, cs in data["pairs"].items():
        codes[pair] = list(cs)
        zh.append(pair)
    for note, names in data["groups"].items():
        for n in names.get("zh", []) + names.get("en", []):
            notes[n] = note
            codes.setdefault(n, [])
            (zh if re.search(r"[\u4e00-\u9fff]", n) else en).append(n)
    return zh, en, codes, notes


def declared_words() -> DeclaredWords:
    """This module's pre-scan words: the overseas gate and the vocabulary's place names."""
    zh, en, _, _ = _place_names(load_vocab("overseas"))
    return DeclaredWords(gates=(("overseas", (*_GATE, *zh, *en)),))


@cache
def _vocab() -> _Vocab:
    zh, en, codes, notes = _place_names(load_vocab("overseas"))
    zh_alt, en_alt = _alt(zh), _alt(en)
    country_zh = rf"(?:{zh_alt})(?:等)?(?:国家|地区)?"
    place_zh = rf"(?:{_ABROAD_ZH}|{country_zh})"
    exp = r"(?:经历|经验|背景)"
    work = r"(?:工作|任职|任教|教学|从业|实习|派驻|常驻|驻站|采访)"
    study = r"(?:留学|学习|求学|进修|访学|读书|就读|深造)"
    pattern = re.compile(
        # 在境外使用该国语言学习或工作两年以上 / 海外学习或工作经历: either counts
        rf"(?P<any>(?:在)?{place_zh}(?:\S{{0,8}}?){study}(?:或|或者|、|和|及|/){work}(?:过)?{exp}?"
        rf"|(?:在)?{place_zh}(?:\S{{0,8}}?){work}(?:或|或者|、|和|及|/){study}(?:过)?{exp}?"
        rf"|{_ABROAD_ZH}{exp}"
        # living, working or studying abroad as alternatives of different kinds
        rf"|(?:在)?{place_zh}(?:\S{{0,8}}?)(?:{work}|{study})(?:或|或者|/)生活(?:过)?{exp}?"
        rf"|(?:在)?{place_zh}(?:\S{{0,8}}?)生活(?:或|或者|/)(?:{work}|{study})(?:过)?{exp}?"
        r"|(?i:(?:liv(?:e|ed|ing)|work(?:ed|ing)?|stud(?:y|ied|ying))\s+(?:and/or|or|/)\s+"
        r"(?:liv(?:e|ed|ing)|work(?:ed|ing)?|stud(?:y|ied|ying))\s+(?:[a-z]+\s+){0,2}?"
        rf"{_ABROAD_EN}))"
        rf"|(?P<study>{_ABROAD_ZH}(?:\S{{0,4}}?){study}(?:过)?{exp}?|留学{exp}|(?:{country_zh}){study}{exp}"
        rf"|(?:{zh_alt}|{_ABROAD_ZH})教育背景"
        # a degree from abroad, or graduates of universities abroad, as a qualifying group
        # (已获得海外博士学位; 在国外(境外)排名前100名的高校获得博士学位; 国(境)外名校本科以上毕业生);
        # not the certification of such a degree (国外学历学位认证, 相关证明材料)
        rf"|{_ABROAD_ZH}[^,，。;；\n]{{0,4}}?(?:博士|硕士|学士)?学位"
        rf"(?![^,，。;；\n]{{0,6}}(?:认证|证明|证书|审查|材料))"
        rf"|{_ABROAD_ZH}[^,，。;；\n]{{0,20}}?(?:高校|大学|院校|名校)[^。;；\n]{{0,40}}?"
        rf"(?:毕业生|获得[^,，。;；\n]{{0,4}}学位)"
        # studying and living written together (在英国学习生活的经历): study
        rf"|(?:在)?{place_zh}(?:\S{{0,8}}?)(?:{study}生活|生活{study})(?:过)?的?{exp}"
        rf"|在{place_zh}(?:\S{{0,6}}?){study}(?:过)?|(?:{zh_alt})留学|{_STUDENTS_ABROAD}|海归|留学(?:回国|归国)(?:人员|人才)?"
        rf"|(?i:(?:stud(?:y|ied|ying)|educated|education|degree|schooling)\s+(?:[a-z]+\s+){{0,2}}?"
        rf"(?:{_ABROAD_EN}|in (?:the )?(?:{en_alt})\b)|overseas (?:study|studies|education|degree)"
        rf"|foreign degree))"
        rf"|(?P<work>(?:{_ABROAD_ZH}|驻外)(?:\S{{0,6}}?){work}(?:过)?(?:{exp}|任务)|驻外{exp}|外派{exp}"
        # working and living written together (海外工作生活经历): work
        rf"|(?:在)?{place_zh}(?:\S{{0,8}}?)(?:{work}生活|生活{work})(?:过)?的?{exp}"
        rf"|在{place_zh}(?:\S{{0,8}}?){work}(?:过)?(?={exp}|\S{{0,3}}\d|\S{{0,3}}[{CN_SMALL}半]+个?年)"
        # 海外X工作经验 without 在: not when X is what the work is on (海外游戏产品的本地化工作经验,
        # 海外市场工作经验: overseas products or markets, not work abroad)
        rf"|{_ABROAD_ZH}(?:(?!产品|市场|业务|项目|用户|游戏|客户|品牌|渠道|发行)\S){{0,8}}?{work}(?:过)?"
        rf"(?={exp}|\S{{0,3}}\d|\S{{0,3}}[{CN_SMALL}半]+个?年)"
        # a country and the experience, nothing between (有日本工作经验, 有英国生活经历)
        rf"|(?:{zh_alt}){work}{exp}"
        rf"|(?i:(?:work(?:ed|ing)?|employment)\s+(?:[a-z]+\s+){{0,2}}?{_ABROAD_EN}"
        rf"|overseas work(?:ing)? experience|international work experience))"
        rf"|(?P<living>{_ABROAD_ZH}生活{exp}?|在{place_zh}(?:\S{{0,6}}?)生活(?:过)?|(?:{zh_alt})生活{exp}"
        rf"|(?i:(?:lived|living|resided|residing)\s+(?:[a-z]+\s+){{0,2}}?"
        rf"(?:{_ABROAD_EN}|in (?:the )?(?:{en_alt})\b)))"
    )
    places = re.compile(rf"{zh_alt}|(?<![A-Za-z])(?:{en_alt})(?![A-Za-z])")
    guarded_pattern = guarded(pattern)
    return _Vocab(guarded_pattern, match_starts(guarded_pattern), guarded(places), codes, notes)


def _years(text: str, start: int, end: int) -> float | None:
    """Minimum years in the clause of the hit: 2年以上 → 2, two years → 2, 半年 → 0.5."""
    lo, hi = clause_bounds(text, start, end, limit=40)
    m = _YEARS.search(text, lo, hi)
    if m is None:
        return None
    raw = (m.group("n") or m.group("en") or "").lower()
    value = number_word_value(raw)
    return None if value is None else float(value)


def _countries(text: str, start: int, end: int, v: _Vocab) -> tuple[list[str], list[str]]:
    lo, hi = clause_bounds(text, start, end, limit=30)
    codes: list[str] = []
    notes: list[str] = []
    for m in v.places.finditer(text, lo, hi):
        name = m.group()
        codes.extend(c for c in v.place_codes.get(name, []) if c not in codes)
        if name in v.place_notes and v.place_notes[name] not in notes:
            notes.append(v.place_notes[name])
    return codes, notes


# Compiled once, not looked up in re's cache for every hit.
_LIVED = re.compile(r"经历|经验|experience|任务", re.IGNORECASE)
_LATIN = re.compile(r"[A-Za-z]")


def _quoted_name(text: str, start: int, end: int) -> bool:
    """Is text[start:end] inside Chinese quotation marks (“…”), a name, within 30 characters?"""
    before = text[max(0, start - 30) : start]
    opened = before.rfind("“")
    if opened < 0 or before.rfind("”") > opened:
        return False
    after = text[end : end + 30]
    closed = after.find("”")
    return closed >= 0 and ("“" not in after[:closed])


def _skip(text: str, m: re.Match[str], kind: str) -> bool:
    """Willingness, waivers, exclusions, overseas business, postings abroad, reported facts and
    returnee rules are not experience asked for."""
    lo, hi = clause_bounds(text, m.start(), m.end())
    if is_negated(text, m.start(), m.end()) or is_excluded(text, m.start(), m.end()):
        return True
    if kind in ("work", "any") and (
        _MARKET_ZH.search(m.group()) or _MARKET_EN.match(text, m.end(), min(hi, m.end() + 24))
    ):
        return True
    lived = _LIVED.search(m.group())
    # willing to work or live abroad (有意去国外生活的人: the job is abroad) is no experience
    if kind in ("work", "living") and not lived and _WILLING.search(text, lo, m.start()):
        return True
    if kind == "work" and not lived and _POSTED.search(text, lo, m.start()):
        return True
    if lived and _GAINED.search(text, max(lo, m.start() - 24), m.start()):
        return True
    # where applicants live now ("candidates residing in the United States", "currently living
    # in the UK"): a location condition of the job, not experience abroad
    if (
        kind == "living"
        and not lived
        and _CURRENT_RESIDENCE.search(text, max(0, m.start() - 40), m.start())
    ):
        return True
    s_lo, s_hi = sentence_bounds(text, m.start(), m.end())
    if _LATIN.search(m.group()) and _REPORTED.search(text, s_lo, s_hi):
        return True
    if _SERVED_BEFORE.search(text, max(0, m.start() - 30), m.start()):
        return True
    if _quoted_name(text, m.start(), m.end()):
        return True  # a programme's name in quotes ("海外留学归国教师挂职锻炼"等项目)
    return bool(_RETURNEE.fullmatch(m.group()) and not _PREF_CUE.search(text, lo, hi))


def detect_overseas(text: str, sections: Sections | None = None) -> list[Finding]:
    """Overseas study / work / living experience asked of the applicant, one finding per hit.

    `years` is the minimum stated in the clause; `required` comes from the clause or section
    (优先/preferred → False); detail["countries"] lists ISO codes, detail["note"] a named group.
    """
    v = _vocab()
    sections = sections or Sections(text)
    out: list[Finding] = []
    # One finding per (kind, countries), the first: a later hit with the same key is dropped
    # before its requirement and years are read (a posting repeating a phrase costs no more).
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for m in gated_matches(v.pattern, v.starts, text, "overseas"):
        kind = m.lastgroup or "any"
        if _skip(text, m, kind):
            continue
        codes, notes = _countries(text, m.start(), m.end(), v)
        key = (kind, tuple(codes))
        if key in seen:
            continue
        seen.add(key)
        detail: dict[str, object] = {"countries": codes}
        if notes:
            detail["note"] = ",".join(notes)
        out.append(
            Finding(
                "overseas",
                kind,
                Evidence.of(text, m.start(), m.end()),
                required=requirement(text, m.start(), m.end(), sections),
                years=_years(text, m.start(), m.end()),
                detail=detail,
            )
        )
    return out
