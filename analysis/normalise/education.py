"""Normalise stage: education, party membership, age limit, headcount.

Input: one cleaned position text (clean_text output).
Output: Findings "education" (minimum degree), "party_member" (required / preferred / none),
"age_max" (years, detail.born_after); and an int headcount.
"""

from __future__ import annotations

import re
from datetime import date

from analysis.models import Evidence, Finding
from analysis.normalise.context import (
    Sections,
    clause_bounds,
    gate_hits,
    gated_finditer,
    requirement,
    sentence_bounds,
)
from analysis.normalise.dates import find_dates
from analysis.normalise.exclusion import is_excluded
from analysis.normalise.guard import guarded, lower_same_length, lowered
from analysis.normalise.numbers import CN_SMALL, en_number_alt, number_word_value
from analysis.normalise.starts import gated_matches, match_starts
from analysis.normalise.wordscan import DeclaredWords

__all__ = [
    "declared_words",
    "detect_age_max",
    "detect_education",
    "detect_headcount",
    "detect_party_member",
]


_DEGREE_RANK = {"associate": 1, "bachelor": 2, "master": 3, "phd": 4}
_APOS = "['\u2019]"
# "BA required", "MA preferred", "BA or above": a bare BA/MA asked, not the airline or a name.
_ASKED = r" (?:is )?(?:required|preferred|essential|desirable|or above|or higher|or equivalent)|,? or equivalent"
# "BA or MA", "MA or an equivalent": another degree after "or" (not "BA or United").
_OR_DEGREE = r" or (?:an? |[BM]\.?(?:A|Sc?)\b|Ph\.?D|equivalent|above|higher|related)"
_DEGREES = guarded(
    re.compile(
        # A dataset header's "不限/未提及" says nothing about the ad: no finding.
        r"(?P<none>学历不限|不限学历|学历要求\s*:?\s*不限(?!\s*/\s*未提及)"
        r"|(?<![A-Za-z])[Nn]o (?:formal )?degree (?:is )?(?:required|necessary|needed)"
        r"|(?<![A-Za-z])[Dd]egree (?:is )?not (?:required|necessary|needed))"
        # A postdoctoral post asks a doctorate; a postdoctoral station or programme names a place.
        r"|(?P<phd>博士(?!后)(?:研究生)?(?:学位|学历)?|博士后(?!科研|工作站|流动站|创新|基地|管理|公寓|站)"
        r"|(?<![A-Za-z])[Pp]ostdoc(?:toral)?s?(?![A-Za-z])(?! (?:programme|program|station))"
        r"|(?<![A-Za-z])(?:Ph\.?\s?D|PhD|[Dd]octoral degree|[Dd]octorate)(?![A-Za-z]))"
        r"|(?P<master>硕士(?:研究生)?(?:学位|学历)?|(?<!博士)(?<!\(专业学位)研究生(?:学历|学位)?(?!院|专业要求)"
        rf"|(?<![A-Za-z])(?:[Mm]aster{_APOS}?s?\s+degree|[Mm]aster{_APOS}s|[Mm]asters|[Mm]aster\s+of"
        rf"|MA degree|MSc|M\.A\.|MPhil|M\.Phil\.|MA(?= in |{_OR_DEGREE}|/|{_ASKED})|(?:[Pp]ost)?[Gg]raduate degree"
        r"|[Pp]ostgraduate (?:qualification|diploma))(?![A-Za-z]))"
        # 一本 / 二本: a bachelor's from a first- or second-tier university
        r"|(?P<bachelor>(?:大学)?本科(?:学历|学位|毕业)?|学士(?:学位)?|(?<![\d第])[一二三]本(?=及以上|以上|学历|院校|毕业|高校)"
        rf"|(?<![A-Za-z])(?:[Bb]achelor{_APOS}?s?(?:\s+degree)?|[Uu]ndergraduate degree"
        r"|(?:[Rr]ecogni[sz]ed\s+)?[Uu]niversity (?:[Bb]achelor )?[Dd]egree|[Cc]ollege [Dd]egree"
        r"|(?:[Uu]niversity|[Cc]ollege) [Gg]raduates?|[Dd]egree[- ][Hh]olders?|[Tt]ertiary [Dd]egree"
        # a bare "Degree" heading a requirement (HK and SE Asian boards: "Degree in Computer
        # Science", "Diploma / Degree in …", "Degree or above"), never the end of "Master's
        # Degree" or "PhD Degree" (a word and a space before it)
        r"|(?<![A-Za-z][ '\u2019])Degree(?= in | or above| or higher| or equivalent)"
        rf"|B\.?A\.?(?= degree| in |{_OR_DEGREE}|/|{_ASKED})|B\.?Sc?\.?(?= degree| in | or )|BSc|B\.Sc\."
        r"|(?:[Gg]raduates?|[Aa]lumni) of (?:an? |the )?(?:[Rr]ecogni[sz]ed |[Aa]ccredited )?(?:[Uu]niversity|[Cc]ollege)"
        # "a degree in …", "a first / recognised / relevant degree": a bachelor's
        r"|(?:[Ff]irst|[Rr]ecogni[sz]ed|[Rr]elevant|[Aa]cademic|[Ff]ull-time|[Pp]rofessional) degree(?! of)"
        # "educated to degree level", "a degree-level qualification"
        r"|(?:[Ee]ducated|[Qq]ualified) to degree level|[Dd]egree[- ]level (?:qualification|education)"
        # "hold a degree awarded by …", "have a degree." (not "to a degree": to some extent)
        # ("a degree or strong interest": not necessary, no minimum)
        r"|(?<![A-Za-z])(?<![Tt]o )[Aa] degree(?= in | from | awarded| granted| conferred|[.,;)]"
        r"| or (?:equivalent|above|higher|related)| is required))(?![A-Za-z]))"
        r"|(?P<associate>大专|(?:大学)?专科|高职|副学士|高级文凭"
        r"|(?<![A-Za-z])(?:[Aa]ssociate [Dd]egree|[Hh]igher [Dd]iploma|[Pp]ost-?secondary)(?![A-Za-z]))"
    )
)
# Degrees named as the subject of a rule, not a requirement: 学历认证, 本科生 in-school students.
# A degree followed by 专业要求 is a form label ("大学专科专业要求" over an empty field); students
# "pursuing a degree" have not got one yet.
_NOT_REQUIREMENT_ZH = r"认证|在读|就读|毕业生(?:均可|可报)|学生|专业要求"
_NOT_REQUIREMENT_EN = r"pursuing|currently studying|students?\b"
_NOT_REQUIREMENT = re.compile(rf"{_NOT_REQUIREMENT_ZH}|(?i:{_NOT_REQUIREMENT_EN})")
_PARTY = guarded(
    re.compile(
        r"(?P<none>政治面貌\s*:?\s*(?:不限|无要求|无限制)"
        # A post only for non-members (非中共党员, 限非党员: a democratic-party office) asks for none.
        r"|非(?:中共|中国共产党)?(?:正式)?党员)"
        # 党员 naming an organisation or activity (党员教育中心, 党员之家) asks nothing of anyone.
        r"|(?P<member>(?:中共党员|中国共产党(?:正式)?党员|(?<!民主)(?<!共青团)党员)(?!教育|电教|服务|活动|之家|干部学院|学院|中心)"
        r"|(?<![A-Za-z])(?:CPC|CCP|Communist Party) member)"
    )
)
_STUDYING_ZH = r"就读|在读"
_STUDYING_EN = r"pursuing|currently studying|enrolled in"
_STUDYING = re.compile(rf"{_STUDYING_ZH}|(?i:{_STUDYING_EN})")
# The same two for the lower-cased text (`lowered`), where the English words match in lower
# case wherever (?i:…) matched them (CaselessPattern's rule) and the Chinese ones, having no
# case, where they did. With every branch opening with a literal, re skips through the clause
# to the characters that can start one instead of trying the pattern at every offset.
_NOT_REQUIREMENT_LOW = re.compile(f"{_NOT_REQUIREMENT_ZH}|{_NOT_REQUIREMENT_EN}")
_STUDYING_LOW = re.compile(f"{_STUDYING_ZH}|{_STUDYING_EN}")
# Applicants who are still students (internships): whatever degree they pursue, no minimum. Not
# students admitted besides the others (在校学生符合条件亦可报名).
# Searched on the lower-cased text (`lower_same_length`): one case-sensitive pass.
_STUDENT_APPLICANTS = re.compile(
    r"在读生|在读学生|(?:本科|硕士|博士|研究生|大学|学位|学历|院校|高校)在读|应届实习|留学生实习|(?:在校生|在校学生)(?![^,，。;；\n]{0,16}(?:亦可|也可|均可))"
    r"|(?:大[二三四]|研[一二三])(?=学生|以上|在读|[,、或及/])"
    r"|currently (?:enrolled|studying|pursuing)|(?:penultimate|final)[- ]year (?:undergraduate )?students?"
    # a class graduating then or later (2026届及以后毕业, 2027年及之后毕业, 23届及之后毕业): still
    # studying
    r"|(?<!\d)(?:20)?\d\d(?:年|届)?(?:及|或)(?:之|以)后毕业"
)
# An internship (实习 in its first lines) for a graduating class (2027届, 27届; not the 23rd
# session, 第23届): students still studying.
_INTERN_CLASS = re.compile(r"(?<![第\d])(?:20)?\d\d届")
_STUDENT_WORDS = (
    "后毕业",
    "应届实习",
    "留学生实习",
    "在读",
    "在校",
    "大二",
    "大三",
    "大四",
    "研一",
    "研二",
    "研三",
    "currently",
    "penultimate",
    "final",
)
# A degree named as a condition on an earlier stage, not as the minimum: the first degree
# (第一学历须为全日制本科), a stage of study (本科或研究生阶段为计算机专业, 本科须为985), the start of a
# CV asked for (自本科开始的学习简历); or the work's object in a duty item (负责学院本科生…工作).
# Such a hit counts only when the text names no other degree.
_STAGE_BEFORE = re.compile(r"(?:第一学历|最高学历以外|自|从)[^,，。;；\n]{0,8}\Z")
_STAGE_AFTER = re.compile(r"(?:生|或研究生)?(?:阶段|(?:须|必须|应|需)?(?:为|是)(?!主)|开始|以来)")
_DUTY_ITEM_BEFORE = re.compile(r"(?:负责|协助|参与|承担|做好)[^,，。;；\n]{0,12}\Z")
# Degrees an employer teaches, not asks: a university's programmes ("offers programmes and courses
# at certificate, diploma, associate degree … levels", 设有本科专业, 招收硕士研究生).
_OFFERED_BEFORE = re.compile(
    r"(?i:\b(?:offers?|offering|provides?|providing|runs?|running)\b[^.;\n]{0,60}?"
    r"\b(?:programmes?|programs?|courses?)\b[^.;\n]{0,50}\Z)"
    r"|(?:开设|设有|招收)[^。;；,，\n]{0,12}\Z"
)
# A floor named right after "no limit" (不限学历,最低大专学历): the limit is the floor.
_FLOOR_AFTER = re.compile(r"[^。;；\n]{0,3}?(?:但|但须|但需)?\s*(?:最低|至少|起码|最少)")
_PARTY_FORM = re.compile(r"政治面貌\s*:?\s*(?:不限|无要求|无限制)")
_AGE = guarded(
    re.compile(
        r"(?P<n>\d{2})\s*周?岁(?:及|或|以|)(?:以下|以内|下)|不超过\s*(?P<n2>\d{2})\s*周?岁"
        r"|(?:under|below|not (?:older|more) than|no older than)\s+(?:the\s+)?(?:age\s+of\s+)?"
        r"(?P<n3>\d{2})(?!\d)|(?:aged?)\s+(?:\d{2}\s*(?:-|\u2013|to)\s*)(?P<n4>\d{2})(?!\d)",
        re.IGNORECASE,
    )
)
_BORN_AFTER = re.compile(r"(?:以后|之后|及以后|后)出生")
_HEADCOUNT = guarded(
    re.compile(
        r"(?:招聘|招录|录用|选拔|聘用|招收|征集|计划招聘|拟招聘|公开招聘)(?:人数|名额|计划)?\s*[::]?\s*"
        rf"(?:\S{{0,12}}?)(?P<n>\d{{1,3}}|[{CN_SMALL}])\s*(?:名|人|个)"
        r"|(?:招聘人数|招聘名额|招聘计划|拟聘人数|岗位数|职数|人数)\s*[::]?\s*(?P<n2>\d{1,3})(?!\d)"
        r"|(?P<n3>\d{1,2})\s*名(?!以|单|额|次)"
        r"|(?P<some>若干名?)"
        rf"|(?i:(?P<n4>\d{{1,2}}|{en_number_alt(5)})\s+(?:positions|vacancies|openings|posts)\b)",
    )
)
_DEGREE_GATE = (
    "本科",
    "学士",
    "硕士",
    "博士",
    "研究生",
    "大专",
    "专科",
    "高职",
    "副学士",
    "高级文凭",
    "学历",
    "一本",
    "二本",
    "三本",
    "postdoc",
    "degree",
    "bachelor",
    "master",
    "phd",
    "ph.d",
    "ph. d",
    "doctora",
    "diploma",
    "msc",
    "bsc",
    "b.sc",
    "b.a",
    "ba or",
    "ba in",
    "ba/",
    "ma in",
    "ma or",
    # a bare BA/MA asked (_ASKED)
    "ba required",
    "ba preferred",
    "ba essential",
    "ba desirable",
    "ba is ",
    "ba, or",
    "ma required",
    "ma preferred",
    "ma essential",
    "ma desirable",
    "ma is ",
    "ma, or",
    "alumni of",
    "m.a.",
    "mphil",
    "m.phil",
    "graduate",
    "secondary",
)
_FORM_LABEL = "政治面貌"
_PARTY_GATE = ("党员", _FORM_LABEL, "party member", "cpc", "ccp")
_AGE_GATE = ("岁", "the age", "age of", "aged", "older than", "younger than")
_HEADCOUNT_GATE = (
    "招聘",
    "招录",
    "录用",
    "选拔",
    "聘用",
    "招收",
    "征集",
    "人数",
    "名额",
    "职数",
    "若干",
    "positions",
    "vacancies",
    "openings",
    "posts",
    *(f"{n}名" for n in [*range(10), *CN_SMALL]),
)
_DEGREE_STARTS = match_starts(_DEGREES)


def declared_words() -> DeclaredWords:
    """This module's pre-scan words: the degree, party, age and headcount gates."""
    return DeclaredWords(
        gates=(
            ("degree", _DEGREE_GATE),
            ("party", _PARTY_GATE),
            ("age", _AGE_GATE),
            ("headcount", _HEADCOUNT_GATE),
        )
    )


def _holds(
    pattern: re.Pattern[str], pattern_low: re.Pattern[str], text: str, lo: int, hi: int
) -> bool:
    """pattern.search(text, lo, hi) is not None, asked of the lower-cased text when it can be."""
    low = lowered(text)
    if low is None:
        return pattern.search(text, lo, hi) is not None
    return pattern_low.search(low, lo, hi) is not None


def detect_education(text: str, sections: Sections | None = None) -> Finding | None:
    """The minimum degree accepted, from the lowest degree the text asks for.

    Preferred degrees (硕士优先, PhD preferred) do not raise the minimum; when every degree named
    is preferred, the lowest of them is returned with required=False. 学历不限 → "none".
    """
    sections = sections or Sections(text)
    required_hits: list[tuple[int, re.Match[str]]] = []
    preferred_hits: list[tuple[int, re.Match[str]]] = []
    stage_hits: list[tuple[int, re.Match[str]]] = []  # _names_a_stage: a last resort
    for m in gated_matches(_DEGREES, _DEGREE_STARTS, text, "degree"):
        kind = m.lastgroup or ""
        if kind == "none" and _FLOOR_AFTER.match(text, m.end()):
            continue  # "不限学历,最低大专": the floor named next is the minimum
        if kind == "none":
            if _students_apply(text):
                return None  # "学历不限" but students still studying apply: no minimum
            return Finding(
                "education", "none", Evidence.of(text, m.start(), m.end()), required=False
            )
        lo, hi = clause_bounds(text, m.start(), m.end(), limit=20)
        if _holds(_NOT_REQUIREMENT, _NOT_REQUIREMENT_LOW, text, lo, hi):
            continue
        if is_excluded(text, m.start(), m.end()):
            continue  # "专科学历者不得报考"
        if _OFFERED_BEFORE.search(text, max(0, m.start() - 120), m.start()):
            continue
        s_lo, _ = sentence_bounds(text, m.start(), m.end())
        if _holds(_STUDYING, _STUDYING_LOW, text, max(s_lo, m.start() - 80), m.start()):
            continue  # "be pursuing a Degree / Higher Diploma / Associate Degree"
        if _names_a_stage(text, m):
            stage_hits.append((_DEGREE_RANK[kind], m))
            continue
        req = requirement(text, m.start(), m.end(), sections)
        (preferred_hits if req is False else required_hits).append((_DEGREE_RANK[kind], m))
    hits = required_hits or preferred_hits or stage_hits
    if not hits or _students_apply(text):
        return None
    _, m = min(hits, key=lambda h: (h[0], h[1].start()))
    value = m.lastgroup or ""
    return Finding(
        "education", value, Evidence.of(text, m.start(), m.end()), required=bool(required_hits)
    )


def _names_a_stage(text: str, m: re.Match[str]) -> bool:
    """Is the degree at `m` a condition on an earlier stage or the object of a duty item?"""
    floor = max(0, m.start() - 20)
    if _STAGE_BEFORE.search(text, floor, m.start()) or _STAGE_AFTER.match(text, m.end()):
        return True
    return _DUTY_ITEM_BEFORE.search(text, floor, m.start()) is not None


def _students_apply(text: str) -> bool:
    """Are students still studying among the applicants ("大三或研一", "在读生", "currently
    enrolled")? Not when they are barred ("在读学生不得报考")."""
    low = lower_same_length(text)
    if "实习" in text[:200] and "届" in text and _INTERN_CLASS.search(text):
        return True
    if not any(word in low for word in _STUDENT_WORDS):  # substring tests: far cheaper
        return False
    return any(not is_excluded(text, m.start(), m.end()) for m in _STUDENT_APPLICANTS.finditer(low))


def _has_form_label(text: str) -> bool:
    """ "政治面貌" in text, read from the pre-scan, which finds every occurrence of a gate word:
    a word starting with a Chinese character is kept at every offset, and has no case."""
    return any(text.startswith(_FORM_LABEL, start) for start in gate_hits(text, "party"))


def detect_party_member(text: str, sections: Sections | None = None) -> Finding | None:
    """中共党员 asked for: value "required" or "preferred"; 政治面貌不限 → value "none"."""
    sections = sections or Sections(text)
    form = _PARTY_FORM.search(text) if _has_form_label(text) else None
    if form is not None:  # a form: "政治面貌" on one line, "不限" on the next
        return Finding("party_member", "none", Evidence.of(text, *form.span()), required=False)
    best: Finding | None = None
    for m in gated_finditer(_PARTY, text, "party"):
        ev = Evidence.of(text, m.start(), m.end())
        if m.lastgroup == "none":
            return Finding("party_member", "none", ev, required=False)
        whole_cell = _whole_cell_item(text, m)
        if is_excluded(text, m.start(), m.end()) and not whole_cell:
            continue  # (a whole cell is its own clause: a bar in a later cell is not its bar)
        req = requirement(text, m.start(), m.end(), sections)
        # The label is the 8 characters before, within the line: look for the line's start
        # there only (a scan back to it per hit is quadratic on one long line).
        floor = max(0, m.start() - 8)
        label = text[text.rfind("\n", floor, m.start()) + 1 or floor : m.start()]
        # A bare list item "3.中共党员;" or "政治面貌:中共党员", or a whole item of a table
        # cell ("限女性;中共党员" between tabs) is a requirement.
        if req is None and _priority_on_equal_terms(text, m):
            req = False
        if req is None and (re.search(r"政治面貌|^\W*\d+[.、]\s*$|^\W*$", label) or whole_cell):
            req = True
        if req is None:
            req = _listed_condition(text, m)
        if req is None:
            continue
        f = Finding("party_member", "required" if req else "preferred", ev, required=req)
        if best is None or (f.required and not best.required):
            best = f
    return best


# Groups given priority at the end of their sentence (中共党员、优秀学生干部…同等条件可以优先选调).
_EQUAL_TERMS_PRIORITY = re.compile(r"同等条件[^。;；\n]{0,8}优先")
_PAREN_TAIL = re.compile(r"\s*[(（][^()（）]{0,16}[)）]")


def _priority_on_equal_terms(text: str, m: re.Match[str]) -> bool:
    """Is the mention among groups given priority on equal terms, later in its sentence?"""
    if "同等条件" not in text:  # a plain substring test first: most notices have none
        return False
    _, s_hi = sentence_bounds(text, m.start(), m.end())
    return _EQUAL_TERMS_PRIORITY.search(text, m.end(), s_hi) is not None


def _listed_condition(text: str, m: re.Match[str]) -> bool | None:
    """A party mention standing as the last clause of a listed condition (硕士研究生学历，中共党员；)
    is required; else None (not a condition)."""
    lo, hi = clause_bounds(text, m.start(), m.end(), limit=30)
    before = text[lo : m.start()].strip(" \t,，;；、")
    after = text[m.end() : hi]
    tail = _PAREN_TAIL.match(after)
    rest = after[tail.end() :] if tail else after
    if before or rest.strip(" \t,，;；。."):
        return None
    # a list item's last clause (…，中共党员；), not a clause of a sentence (李四，中共党员，现任…)
    end = m.end() + len(after.rstrip(" \t,，"))
    return True if text[end : end + 1] in (";", "；", "。", "\n", "") else None


def _whole_cell_item(text: str, m: re.Match[str]) -> bool:
    """Is the match a whole item of a table cell: a tab or ";" before it (or a space, on a line
    of four or more cells once the text is cleaned and its tabs are spaces) and a tab, a space,
    ";", "。", a line end or the text's end after it?"""
    before = text[max(0, m.start() - 1) : m.start()]
    after = text[m.end() : m.end() + 1]
    if after not in ("", "\t", " ", ";", "。", "\n"):
        return False
    if before in ("\t", ";"):
        return True
    # the line's start within 400 characters (a scan back per hit is quadratic on one long line)
    floor = max(0, m.start() - 400)
    line_start = text.rfind("\n", floor, m.start()) + 1 or floor
    return before == " " and text.count(" ", line_start, m.start()) >= 4


def detect_age_max(text: str, *, ref: date | None = None) -> Finding | None:
    """Upper age limit: 35周岁以下 → "35"; "born on or after 1990-01-01" → detail.born_after.

    When only a birth-date cut-off is given, the value is the age it implies in `ref`'s year
    (or "unknown" without `ref`).
    """
    ages = gated_finditer(_AGE, text, "age")
    m = ages[0] if ages else None
    born: tuple[date, int, int] | None = None
    for b in _BORN_AFTER.finditer(text) if "出生" in text else ():
        dates = find_dates(text[max(0, b.start() - 16) : b.start()])
        if dates:
            d, s, _ = dates[-1]
            offset = max(0, b.start() - 16)
            born = (d, offset + s, b.end())
            break
    if m is None and born is None:
        return None
    detail: dict[str, str] = {}
    if born is not None:
        detail["born_after"] = born[0].isoformat()
    if m is not None:
        value = next(g for g in m.group("n", "n2", "n3", "n4") if g)
        start, end = m.start(), m.end()
        if born is not None and abs(born[1] - end) < 40:
            start, end = min(start, born[1]), max(end, born[2])
        return Finding(
            "age_max", value, Evidence.of(text, start, end), required=True, detail=detail
        )
    assert born is not None
    value = str(ref.year - born[0].year) if ref else "unknown"
    return Finding(
        "age_max", value, Evidence.of(text, born[1], born[2]), required=True, detail=detail
    )


def detect_headcount(text: str) -> int | None:
    """Number of hires: 招聘3名 / 招聘人数:2 / 英语译员2名 / "two positions"; 若干 → None."""
    for m in gated_finditer(_HEADCOUNT, text, "headcount"):
        if m.group("some"):
            return None
        raw = next((g for g in m.group("n", "n2", "n3", "n4") if g), None)
        if raw is None:
            continue
        value = number_word_value(raw)
        n = int(value) if value else 0
        if 0 < n < 1000:
            return n
    return None
