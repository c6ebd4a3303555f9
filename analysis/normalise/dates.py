"""Normalise stage: dates.

Input: a short date string (`parse_date`) or a cleaned notice text (`detect_deadline`,
`detect_published`), plus a reference date for year-less and relative dates.
Output: `datetime.date` values, and for text detectors the evidence span they came from.

Regex first; dateparser only as a fallback on short strings (it is slow and misses common Chinese
forms). Year-less dates take the reference year, moved a year back when that would put them
implausibly far after the reference (or, for deadlines, a year forward when far before it).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import cache

from analysis.models import Evidence
from analysis.normalise.context import gated_finditer, register_gate
from analysis.normalise.guard import guarded

__all__ = ["detect_deadline", "detect_published", "find_dates", "parse_date"]

_CN_DIGITS = {
    "\u3007": 0,
    "零": 0,
    "○": 0,
    "O": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_NUM = "\u3007零○一二三四五六七八九十两"
_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}
_MON = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_ORD = r"(?:st|nd|rd|th)?"

# One alternation, one scan. Named groups tell which form matched.
_DATE_RE = guarded(
    re.compile(
        r"(?P<ymd>(?<!\d)(?P<y1>(?:19|20)\d\d)\s*(?:年|-|/|\.)\s*(?P<m1>[01]?\d)\s*(?:月|-|/|\.)\s*"
        r"(?P<d1>[0-3]?\d)(?!\d)(?:\s*[日号])?)"
        rf"|(?P<cn>(?P<y2>[{_CN_NUM}]{{4}})年(?P<m2>[{_CN_NUM}]{{1,3}})月(?P<d2>[{_CN_NUM}]{{1,3}})[日号])"
        r"|(?P<md>(?<![\d.])(?P<m3>[01]?\d)\s*月\s*(?P<d3>[0-3]?\d)(?!\d)(?:\s*[日号])?)"
        rf"|(?P<dmy>(?<![\w])(?P<d4>[0-3]?\d){_ORD}\s+(?:of\s+)?(?P<mo4>{_MON})\.?,?(?:\s+(?P<y4>(?:19|20)\d\d))?(?![\w]))"
        rf"|(?P<mdy>(?<![\w])(?P<mo5>{_MON})\.?\s+(?P<d5>[0-3]?\d){_ORD}(?![\d\w])(?:,?\s*(?P<y5>(?:19|20)\d\d)(?!\d))?)"
    )
)  # run on lower-cased text: IGNORECASE makes this alternation several times slower
# End of a range whose end gives the day only: 6月3日至14日, 6月3日-14日.
_RANGE_DAY_END = re.compile(r"\s*(?:至|到|—|\u2013|-|~|～)\s*(?P<d>[0-3]?\d)\s*[日号]")
_RELATIVE = guarded(
    re.compile(
        r"(?P<n>\d+|[一二两三四五六七八九十半])\s*(?P<u>天|日|周|星期|个月|月|年)前"
        r"|(?P<en>\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten)\s+"
        r"(?P<eu>day|week|month|year)s?\s+ago"
        r"|(?P<word>今天|今日|昨天|昨日|前天|today|yesterday)",
        re.IGNORECASE,
    )
)
_EN_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}

# Labels that announce a deadline; the date follows within a short window.
_DEADLINE_LABEL = guarded(
    re.compile(
        r"截止(?:日期|时间)?|截至|报名(?:时间|日期|期限)|申请(?:时间|期限)|投递(?:时间|期限)"
        r"|deadline|closing date|apply (?:by|before)|applications? (?:close|are due|due)"
        r"|on or before|no later than|expire[sd]? on|(?<![\w])by(?= )",
        re.IGNORECASE,
    )
)
register_gate(
    "deadline",
    [
        "截止",
        "截至",
        "报名时间",
        "报名日期",
        "报名期限",
        "申请时间",
        "申请期限",
        "投递时间",
        "投递期限",
        "deadline",
        "closing date",
        "apply by",
        "apply before",
        "application",
        "on or before",
        "no later than",
        "expire",
        "by ",
    ],
)
_BEFORE_SUFFIX = re.compile(
    r"\s*(?:[上下]午|晚上?|中午)?\s*(?:\d{1,2}[:时点](?:\d{2}分?)?)?\s*"
    r"(?:之前|以前|前)(?!往|来|夕|沿|辈|言)"
)
# Matched on the lower-cased head of the text (no IGNORECASE: much faster).
_PUBLISHED_LABEL = guarded(
    re.compile(
        r"(?:发布|发文|发表|更新)?(?:日期|时间)(?<!截止日期)(?<!截止时间)(?<!报名日期)(?<!报名时间)"
        r"(?<!截至日期)(?<!出生日期)(?=\s*[:：\]])"
        r"|发布(?:日期|时间)|发文日期|发表(?:日期|时间)|更新(?:日期|时间)|date posted|opening date"
        r"|posting date|date of posting|posted(?: on| at)?|published(?: on)?|updated|update time"
        r"|date(?<![\w ]date)(?=\s*:)"
    )
)
_WINDOW = 60


def _cn_number(s: str) -> int | None:
    """Chinese numerals: a year digit by digit (二零二五 → 2025); 十 / 十四 / 二十 / 三十一 → 10 / 14 / 20 / 31."""
    if "十" not in s:
        digits = [_CN_DIGITS.get(c) for c in s]
        if any(d is None for d in digits):
            return None
        return int("".join(str(d) for d in digits))
    tens, _, ones = s.partition("十")
    t = _CN_DIGITS.get(tens) if tens else 1
    o = _CN_DIGITS.get(ones) if ones else 0
    if t is None or o is None:
        return None
    return t * 10 + o


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _resolve_year(m: int, d: int, ref: date | None, *, after_ref: bool) -> date | None:
    """Give a year-less month/day the year that makes it plausible next to `ref`."""
    if ref is None:
        return None
    candidate = _safe_date(ref.year, m, d)
    if candidate is None:  # 29 February in a common year
        candidate = _safe_date(ref.year - 1 if not after_ref else ref.year + 1, m, d)
        return candidate
    if after_ref and candidate < ref - timedelta(days=60):
        return _safe_date(ref.year + 1, m, d)
    if not after_ref and candidate > ref + timedelta(days=183):
        return _safe_date(ref.year - 1, m, d)
    return candidate


def _match_to_date(m: re.Match[str], ref: date | None, *, after_ref: bool) -> date | None:
    g = m.groupdict()
    if g["ymd"]:
        return _safe_date(int(g["y1"]), int(g["m1"]), int(g["d1"]))
    if g["cn"]:
        y, mo, d = _cn_number(g["y2"]), _cn_number(g["m2"]), _cn_number(g["d2"])
        return _safe_date(y, mo, d) if y and mo and d else None
    if g["md"]:
        return _resolve_year(int(g["m3"]), int(g["d3"]), ref, after_ref=after_ref)
    month_name, day, year = (
        (g["mo4"], g["d4"], g["y4"]) if g["dmy"] else (g["mo5"], g["d5"], g["y5"])
    )
    month = _MONTHS[month_name.lower()]
    if year:
        return _safe_date(int(year), month, int(day))
    return _resolve_year(month, int(day), ref, after_ref=after_ref)


def find_dates(
    text: str, *, ref: date | None = None, after_ref: bool = False
) -> list[tuple[date, int, int]]:
    """Every absolute or year-less date in `text`, as (date, start, end), ranges extended."""
    out: list[tuple[date, int, int]] = []
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    text = low
    for m in _DATE_RE.finditer(text):
        d = _match_to_date(m, ref, after_ref=after_ref)
        if d is None:
            continue
        out.append((d, m.start(), m.end()))
        tail = _RANGE_DAY_END.match(text, m.end())
        if tail and (end := _safe_date(d.year, d.month, int(tail["d"]))) and end >= d:
            out.append((end, tail.start("d"), tail.end()))
    return out


# Every match of _RELATIVE holds one of these, lower-cased (U+017F, long s, is "s" to IGNORECASE).
_RELATIVE_WORDS = ("前", "ago", "today", "yesterday", "今天", "今日", "昨天", "昨日", "\u017f")


def _search_relative(s: str) -> re.Match[str] | None:
    """_RELATIVE.search(s), skipped when no word that every match holds is in `s`."""
    low = s.lower()
    if not any(w in low for w in _RELATIVE_WORDS):
        return None
    return _RELATIVE.search(s)


def _relative(s: str, ref: date | None) -> date | None:
    m = _search_relative(s)
    if m is None or ref is None:
        return None
    if m["word"]:
        back = {"今天": 0, "今日": 0, "today": 0, "昨天": 1, "昨日": 1, "yesterday": 1, "前天": 2}
        return ref - timedelta(days=back[m["word"].lower()])
    if m["n"]:
        raw, unit = m["n"], m["u"]
        n = 0.5 if raw == "半" else (int(raw) if raw.isdigit() else _cn_number(raw) or 0)
        days = {"天": 1, "日": 1, "周": 7, "星期": 7, "个月": 30, "月": 30, "年": 365}[unit]
    else:
        raw = m["en"].lower()
        n = int(raw) if raw.isdigit() else _EN_NUMBERS[raw]
        days = {"day": 1, "week": 7, "month": 30, "year": 365}[m["eu"].lower()]
    return ref - timedelta(days=round(n * days))


@cache
def _dateparser():  # type: ignore[no-untyped-def]
    import dateparser

    return dateparser


def parse_date(s: str | None, *, ref: date | None = None, after_ref: bool = False) -> date | None:
    """Parse one date string: ISO, 2025年3月10日, 二零二五年三月十日, 4月20日, March 26, 2024, 3天前.

    `ref` resolves year-less and relative dates; `after_ref=True` says the date is expected on or
    after `ref` (a deadline), which moves a year-less date that falls well before it a year forward.
    dateparser is tried last, only on strings of at most 40 characters.
    """
    if not s:
        return None
    from analysis.normalise.text import clean_text

    s = clean_text(s)
    dates = find_dates(s, ref=ref, after_ref=after_ref)
    if dates:
        return dates[0][0]
    rel = _relative(s, ref)
    if rel is not None:
        return rel
    if len(s) > 40 or not re.search(r"\d", s):
        return None
    settings: dict[str, object] = {"PREFER_DAY_OF_MONTH": "first", "STRICT_PARSING": True}
    if ref is not None:
        from datetime import datetime

        settings["RELATIVE_BASE"] = datetime(ref.year, ref.month, ref.day)
    try:
        parsed = _dateparser().parse(s, languages=["en", "zh"], settings=settings)
    except Exception:  # dateparser raises assorted errors on odd input; a miss is the answer
        return None
    return parsed.date() if parsed else None


def _line_end(text: str, start: int, limit: int) -> int:
    nl = text.find("\n", start)
    stop = len(text) if nl < 0 else nl
    # A label alone on its line ("CLOSING DATE:" then the date on the next line) looks one further.
    if nl >= 0 and not text[start:nl].strip(" :：-"):
        nxt = text.find("\n", nl + 1)
        stop = len(text) if nxt < 0 else nxt
    return min(stop, start + limit)


def detect_deadline(text: str, *, ref: date | None = None) -> tuple[date, Evidence] | None:
    """Find the application deadline: the last date of the first labelled span.

    Labelled spans: 截止日期/截止时间/报名时间/deadline/closing date/apply by/on or before …; for a
    range (6月3日至6月14日) the end is taken. Failing a label, a date followed by 前/之前 counts.
    Evidence covers the label through the date used.
    """
    for m in gated_finditer(_DEADLINE_LABEL, text, "deadline"):
        end = _line_end(text, m.end(), _WINDOW if m.group().lower() != "by" else 25)
        window = text[m.end() : end]
        if m.group().lower() == "by" and not re.match(
            r"\s*(?:\w+day,?\s+)?\d|\s*" + _MON, window, re.IGNORECASE
        ):
            continue
        dates = find_dates(window, ref=ref, after_ref=True)
        if not dates:
            continue
        # A range ends the span; later unrelated dates in the window (a second label) do not.
        best = dates[0]
        for d, s, e in dates[1:]:
            gap = window[best[2] : s]
            if len(gap) <= 4 and re.fullmatch(r"\s*(?:至|到|—|\u2013|-|~|to|until)?\s*", gap):
                best = (d, s, e)
        return best[0], Evidence.of(text, m.start(), m.end() + best[2])
    pos = text.find("前")
    while pos >= 0:  # "…2025年1月8日(下午5:00)前": a date right before 前
        lo = max(0, pos - 30)
        for d, s, e in find_dates(text[lo:pos], ref=ref, after_ref=True):
            suffix = _BEFORE_SUFFIX.match(text, lo + e)
            if suffix and suffix.end() > pos:
                return d, Evidence.of(text, lo + s, suffix.end())
        pos = text.find("前", pos + 1)
    return None


def detect_published(text: str, *, ref: date | None = None) -> tuple[date, Evidence] | None:
    """Find the publication date near the top of a notice: a labelled date, else the first dated line.

    Only the first 600 characters are read; a bare date counts only in the first five non-empty
    lines (not after a deadline label), and
    relative dates (2 weeks ago) need `ref`.
    """
    head = text[:600]
    low = head.lower() if len(head.lower()) == len(head) else head
    for m in _PUBLISHED_LABEL.finditer(low):
        window = head[m.end() : _line_end(head, m.end(), 40)]
        dates = find_dates(window, ref=ref)
        if dates:
            d, _, e = dates[0]
            return d, Evidence.of(text, m.start(), m.end() + e)
        rel = _search_relative(window)
        if rel and (when := _relative(rel.group(), ref)) is not None:
            return when, Evidence.of(text, m.end() + rel.start(), m.end() + rel.end())
    # A bare date counts in the first five non-empty lines (mirror pages put menus above it).
    limit, seen = 0, 0
    for line in head.split("\n"):
        limit += len(line) + 1
        seen += bool(line.strip())
        if seen == 5:
            break
    for d, s, e in find_dates(head[:limit], ref=ref):
        if _DEADLINE_LABEL.search(head[max(0, s - 20) : s]) is None:
            return d, Evidence.of(text, s, e)
    rel = _search_relative(head[:limit])
    if rel and (when := _relative(rel.group(), ref)) is not None:
        return when, Evidence.of(text, rel.start(), rel.end())
    return None
