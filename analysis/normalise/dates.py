"""Normalise stage: dates.

Input: a short date string (`parse_date`) or a text (`find_dates`), a reference date for year-less
dates and the fetch day for relative ones. Output: `datetime.date` values (with their offsets).

Regex first; dateparser only as a fallback on short strings (it is slow and misses common Chinese
forms). Year-less dates take the reference year (the notice's publication date), moved a year
back when that would put them implausibly far after it (for deadlines, a year forward when far
before it); without one, the year of the text before them; relative dates count back from the
fetch day only. Deadlines: deadlines.py; publication dates: published.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from functools import cache

from analysis.normalise.guard import CaselessPattern, guarded, lower_same_length
from analysis.normalise.numbers import en_number_alt, number_word_value, parse_cn_number
from analysis.normalise.wordscan import DeclaredWords

__all__ = ["declared_words", "find_dates", "parse_date"]

_CN_NUM = "\u3007零○一二三四五六七八九十两"  # a date's numerals: digits and 十
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
# A notice's issue: the issuing verb, then the notice (发布本招考公告, 印发简章). Read by
# published.py (the day a notice was issued is its publication date) and deadlines.py (that day
# is no deadline inside a registration label's window).
_ISSUED_WORDS = ("发布", "公布", "印发", "刊发", "发出")
_ISSUED_NOTICE = (
    rf"(?:{'|'.join(_ISSUED_WORDS)})(?:了)?(?:本|此|该)?(?:招聘|招考|选聘|遴选|公开招聘)?"
    r"(?:公告|简章|通知|启事|公示)"
)
_MON = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_ORD = r"(?:st|nd|rd|th)?"

# One alternation, one scan. Named groups tell which form matched.
_DATE_RE = guarded(
    re.compile(
        # The year's separator may be missing before a month marked by 月 (a typing slip: 20263月).
        r"(?P<ymd>(?<!\d)(?P<y1>(?:19|20)\d\d)\s*(?:年|-|/|\.|(?=[01]?\d\s*月))\s*(?P<m1>[01]?\d)"
        r"\s*(?:月|-|/|\.)\s*(?P<d1>[0-3]?\d)(?!\d)(?:\s*[日号])?)"
        rf"|(?P<cn>(?P<y2>[{_CN_NUM}]{{4}})年(?P<m2>[{_CN_NUM}]{{1,3}})月(?P<d2>[{_CN_NUM}]{{1,3}})[日号])"
        r"|(?P<md>(?<![\d.])(?P<m3>[01]?\d)\s*月\s*(?P<d3>[0-3]?\d)(?!\d)(?:\s*[日号])?)"
        # 14-May-2021, 14/may/21
        rf"|(?P<dmy2>(?<![\w])(?P<d6>[0-3]?\d)(?P<s6>[-/])(?P<mo6>{_MON})(?P=s6)(?P<y6>(?:19|20)?\d\d)(?![\w]))"
        rf"|(?P<dmy>(?<![\w])(?P<d4>[0-3]?\d){_ORD}\s+(?:of\s+)?(?P<mo4>{_MON})\.?,?(?:\s+(?P<y4>(?:19|20)\d\d))?(?![\w]))"
        # Aug-07-2017, aug/7/2017 (a job board's form)
        rf"|(?P<mdy2>(?<![\w])(?P<mo8>{_MON})(?P<s8>[-/])(?P<d8>[0-3]?\d)(?P=s8)(?P<y8>(?:19|20)\d\d)(?![\w]))"
        rf"|(?P<mdy>(?<![\w])(?P<mo5>{_MON})\.?\s+(?P<d5>[0-3]?\d){_ORD}(?![\d\w])(?:,?\s*(?P<y5>(?:19|20)\d\d)(?!\d))?)"
        # 06/20/2021 (US), 20/06/2021, 20.06.2021: the order is settled in _numeric_date.
        r"|(?P<num>(?<![\d.])(?P<a7>[0-3]?\d)(?P<s7>[-/.])(?P<b7>[0-3]?\d)(?P=s7)(?P<y7>(?:19|20)\d\d)(?![\d]))"
    )
)  # run on lower-cased text: IGNORECASE makes this alternation several times slower
# Where a match of _DATE_RE can start (see _date_starts).
_DIGIT_RUN = re.compile(r"\d\d*")  # not \d+: re skips ahead fast only to a leading class
# End of a range whose end gives the day only: 6月3日至14日, 6月3日-14日.
_RANGE_DAY_END = re.compile(r"\s*(?:至|到|—|\u2013|-|~|～)\s*(?P<d>[0-3]?\d)\s*[日号]")
_RELATIVE_CASELESS = CaselessPattern(
    re.compile(
        r"(?P<n>\d+|[一二两三四五六七八九十半])\s*(?P<u>天|日|周|星期|个月|月|年)前"
        rf"|(?P<en>\d+|an?|{en_number_alt()})\s+"
        r"(?P<eu>day|week|month|year)s?\s+ago"
        r"|(?P<word>今天|今日|昨天|昨日|前天|today|yesterday)",
        re.IGNORECASE,
    )
)
_RELATIVE = _RELATIVE_CASELESS.exact  # the IGNORECASE pattern, guarded

# The deadline gate: where a deadline label can be (see line_windows).
_DEADLINE_GATE = (
    "截止",
    "截至",
    "报名时间",
    "报名日期",
    "报名期限",
    "報名時間",
    "報名日期",
    "報名期限",
    "申请时间",
    "申请期限",
    "申請時間",
    "申請期限",
    "投递时间",
    "投递期限",
    "投遞時間",
    "投遞期限",
    "招聘时间",
    "招聘期限",
    "招聘日期",
    "应聘时间",
    "应聘期限",
    "應聘時間",
    "受理时间",
    "受理期限",
    "征集时间",
    "征集期限",
    "即日起",
    "之日起",
    "deadline",
    "closing",
    "apply by",
    "apply before",
    "application",
    "posting period",
    "vacancy period",
    "open period",
    "opening period",
    "announcement period",
    "close date",
    "expiry date",
    "expiration date",
    "end date",
    "registration",
    "on or before",
    "no later than",
    " until",
    "expire",
    "by ",
    "before ",
    " closes",
)
# Unlabelled: a range of dates on a line that asks to apply (须于A至B登录…报名) ends at the deadline.
_APPLY_GATE = (
    "报名",
    "報名",
    "申请",
    "申請",
    "投递",
    "投遞",
    "应聘",
    "應聘",
    "提交",
    "报送",
    "apply",
)
_SHORT = 80  # shorter texts: one scan of _DATE_RE costs less than finding where dates can start


def declared_words() -> DeclaredWords:
    """This module's pre-scan words: the deadline gate and the application-range gate."""
    return DeclaredWords(gates=(("deadline", _DEADLINE_GATE), ("apply_range", _APPLY_GATE)))


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


_HALF_YEAR = 183


def _resolve_year(
    m: int, d: int, ref: date | None, *, after_ref: bool, year: int | None = None
) -> date | None:
    """Give a year-less month/day the year that makes it plausible next to `ref` (the notice's
    publication date); without one, the year of the text before it (`year`), else unknown."""
    if ref is None:
        return _safe_date(year, m, d) if year is not None else None
    candidate = _safe_date(ref.year, m, d)
    try:
        if candidate is None:  # 29 February in a common year
            return _safe_date(ref.year - 1 if not after_ref else ref.year + 1, m, d)
        # A deadline more than half a year before the publication date is next year's (a
        # December notice closing 1月5日); closer before it, the same year's (a re-post months
        # after the original, closing 2月14日).
        if after_ref and candidate < ref - timedelta(days=_HALF_YEAR):
            return _safe_date(ref.year + 1, m, d)
        if not after_ref and candidate > ref + timedelta(days=_HALF_YEAR):
            return _safe_date(ref.year - 1, m, d)
    except OverflowError:  # a reference at the edge of the calendar (year 1 or 9999)
        return None
    return candidate


def _match_to_date(
    m: re.Match[str],
    ref: date | None,
    *,
    after_ref: bool,
    year: int | None = None,
    month_first: bool | None = None,
) -> date | None:
    g = m.groupdict()
    if g["ymd"]:
        return _safe_date(int(g["y1"]), int(g["m1"]), int(g["d1"]))
    if g["cn"]:
        y, mo, d = parse_cn_number(g["y2"]), parse_cn_number(g["m2"]), parse_cn_number(g["d2"])
        return _safe_date(y, mo, d) if y and mo and d else None
    if g["md"]:
        return _resolve_year(int(g["m3"]), int(g["d3"]), ref, after_ref=after_ref, year=year)
    if g["num"]:
        return _numeric_date(int(g["a7"]), int(g["b7"]), int(g["y7"]), g["s7"], month_first)
    if g["mdy2"]:
        return _safe_date(int(g["y8"]), _MONTHS[g["mo8"]], int(g["d8"]))
    if g["dmy2"]:
        y6 = int(g["y6"])
        return _safe_date(y6 if y6 > 99 else 2000 + y6, _MONTHS[g["mo6"]], int(g["d6"]))
    month_name, day, year_text = (
        (g["mo4"], g["d4"], g["y4"]) if g["dmy"] else (g["mo5"], g["d5"], g["y5"])
    )
    month = _MONTHS[month_name.lower()]
    if year_text:
        return _safe_date(int(year_text), month, int(day))
    return _resolve_year(month, int(day), ref, after_ref=after_ref, year=year)


def _numeric_date(
    a: int, b: int, year: int, sep: str, month_first: bool | None = None
) -> date | None:
    """a/b/year: month first (US) unless a > 12 (then day first); day first with dots
    (20.06.2021, the European form). Both at most 12 with / or - is ambiguous: the order of
    the text's other numeric dates (`month_first`: 2/25/2015 to 3/10/2015), else unknown."""
    if a > 12 or sep == ".":
        return _safe_date(year, b, a)
    if b > 12 or (month_first and a != b):
        return _safe_date(year, a, b)
    if month_first is False:
        return _safe_date(year, b, a)
    return _safe_date(year, a, b) if a == b else None


def _numeric_order(matches: list[re.Match[str]]) -> bool | None:
    """The order of the a/b/year dates among `matches`: month first when the first one that
    tells has b > 12, day first when it has a > 12; None when none tells."""
    for m in matches:
        if m["num"] and m["s7"] != ".":
            a, b = int(m["a7"]), int(m["b7"])
            if b > 12 >= a:
                return True
            if a > 12 >= b:
                return False
    return None


def _has_year(m: re.Match[str]) -> bool:
    """Whether the match names its year (2025年3月10日, 14 May 2021), not only month and day."""
    if m["md"]:
        return False
    return bool(m["y4"]) if m["dmy"] else bool(m["y5"]) if m["mdy"] else True


def find_dates(
    text: str, *, ref: date | None = None, after_ref: bool = False, year: int | None = None
) -> list[tuple[date, int, int]]:
    """Every absolute or year-less date in `text`, as (date, start, end), ranges extended.

    A year-less date takes its year from `ref` (see _resolve_year); without `ref`, from the
    latest dated mention before it in `text`, else from `year` (the year of the text before).
    """
    return _dates_in_lowered(_lower_keep_length(text), ref, after_ref, year)


def _date_matches(low: str) -> Iterator[re.Match[str]]:
    """_DATE_RE.finditer(low), trying the pattern only at the offsets where a match can start.

    re tries a pattern that opens with lookarounds at every offset (about 70 ns each); a match
    attempt at each start of _date_starts, in order and past the previous match, finds the same
    matches for a few fast scans.
    """
    end = 0
    for start in _date_starts(low):
        if start >= end and (m := _DATE_RE.match(low, start)) is not None:
            end = m.end()
            yield m


def _date_starts(low: str) -> list[int]:
    """Every offset where a match of _DATE_RE can start, and more.

    A numeric date (2025-03-10, 3月10日, 10 March) starts at a digit with no digit before it; a
    date such as "march 10" at the letters right before the whitespace before such a digit
    (the month must start a word, so only the start of those letters qualifies); a date in
    Chinese numerals four characters before 年.
    """
    starts: set[int] = set()
    pos = 0
    while (run := _DIGIT_RUN.search(low, pos)) is not None:
        pos = run.end()
        starts.add(run.start())
        month = _word_before(low, run.start())
        if month is not None:
            starts.add(month)
    starts.update(year - 4 for year in _find_all(low, "年") if year >= 4)
    return sorted(starts)


def _word_before(low: str, pos: int) -> int | None:
    """Start of the a-z letters that end right before `.`(optional) and whitespace before `pos`,
    or right before one "-" or "/" (aug-07-2017)."""
    end = pos
    if end > 0 and low[end - 1] in "-/":
        end -= 1
    else:
        while end > 0 and low[end - 1].isspace():  # str.isspace() is re's \s
            end -= 1
        if end == pos:
            return None
        if end > 0 and low[end - 1] == ".":
            end -= 1
    start = end
    while start > 0 and "a" <= low[start - 1] <= "z":
        start -= 1
    return start if start < end else None


def _find_all(text: str, word: str) -> list[int]:
    """Start offsets of every occurrence of `word` in `text`, overlapping ones included."""
    if word[-1] not in text:  # a one-character scan is several times faster than a word's
        return []
    out = []
    pos = text.find(word)
    while pos >= 0:
        out.append(pos)
        pos = text.find(word, pos + 1)
    return out


def _lower_keep_length(text: str) -> str:
    """text.lower(), keeping offsets: characters whose lower case is longer stay as they are."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return low


def _lower_prefix(text: str, end: int) -> str:
    """_lower_keep_length(text[:end]), cut from the cached lower case of the whole text.

    The pre-scan lower-cases every text anyway (lower_same_length, cached), so this costs
    nothing more. The characters are the same, since str.lower() maps each character on its
    own except a capital sigma (Σ → ς at a word's end): a prefix holding one is lowered itself.
    """
    prefix = text[:end]
    if "\u03a3" in prefix:
        return _lower_keep_length(prefix)
    return lower_same_length(text)[:end]


def _dates_in_lowered(
    low: str, ref: date | None, after_ref: bool, year: int | None = None
) -> list[tuple[date, int, int]]:
    """find_dates on a text already lower-cased by _lower_keep_length."""
    out: list[tuple[date, int, int]] = []
    # A short text (a window after a label) is scanned as it is: finding the starts costs more.
    matches = list(_DATE_RE.finditer(low) if len(low) < _SHORT else _date_matches(low))
    month_first = _numeric_order(matches)
    for m in matches:
        d = _match_to_date(m, ref, after_ref=after_ref, year=year, month_first=month_first)
        if d is None:
            continue
        if _has_year(m) and not _is_birth_date(low, m.end()):
            year = d.year
        out.append((d, m.start(), m.end()))
        tail = _RANGE_DAY_END.match(low, m.end())
        if tail and (end := _safe_date(d.year, d.month, int(tail["d"]))) and end >= d:
            out.append((end, tail.start("d"), tail.end()))
    return out


def _is_birth_date(low: str, end: int) -> bool:
    """Whether the date ending at `end` is a birth-date cut-off (1995年6月30日以后出生)."""
    return "出生" in low[end : end + 8]


# Every match of _RELATIVE holds one of these, lower-cased (U+017F, long s, is "s" to IGNORECASE).
_RELATIVE_WORDS = ("前", "ago", "today", "yesterday", "今天", "今日", "昨天", "昨日", "\u017f")


def _search_relative(s: str) -> re.Match[str] | None:
    """_RELATIVE.search(s), skipped when no word that every match holds is in `s`."""
    if not _has_relative_word(s.lower()):
        return None
    return _RELATIVE.search(s)


def _has_relative_word(low: str) -> bool:
    """any(w in low for w in _RELATIVE_WORDS), each word looked for only where its first character
    occurs (a one-character scan is several times faster; most texts lack 今 and 昨)."""
    return any(w[0] in low and w in low for w in _RELATIVE_WORDS)


def _relative(s: str, fetched: date | None) -> date | None:
    """The day a relative date (3天前, 2 weeks ago, 昨天) in `s` names, counted back from the
    page's fetch day; unknown without one (never counted from today)."""
    m = _search_relative(s)
    if m is None or fetched is None:
        return None
    if m["word"]:
        back = {"今天": 0, "今日": 0, "today": 0, "昨天": 1, "昨日": 1, "yesterday": 1, "前天": 2}
        days = back[m["word"].lower()]
    elif m["n"]:
        n = number_word_value(m["n"]) or 0
        unit = {"天": 1, "日": 1, "周": 7, "星期": 7, "个月": 30, "月": 30, "年": 365}[m["u"]]
        days = round(n * unit)
    else:
        n = number_word_value(m["en"].lower()) or 0
        days = round(n * {"day": 1, "week": 7, "month": 30, "year": 365}[m["eu"].lower()])
    try:
        return fetched - timedelta(days=days)
    except OverflowError:  # 99999999天前: before the calendar begins
        return None


@cache
def _dateparser():  # type: ignore[no-untyped-def]
    import dateparser

    return dateparser


_PLAUSIBLE_YEARS = range(1900, 2100)


def parse_date(
    s: str | None,
    *,
    ref: date | None = None,
    after_ref: bool = False,
    fetched: date | None = None,
) -> date | None:
    """Parse one date string: ISO, 2025年3月10日, 二零二五年三月十日, 4月20日, March 26, 2024, 3天前.

    `ref` gives year-less dates their year (see _resolve_year; without it they are unknown);
    `after_ref=True` says the date is expected on or after `ref` (a deadline). Relative dates
    count back from `fetched`, the page's fetch day, and are unknown without it. dateparser is
    tried last, only on strings of at most 40 characters; a year outside 1900-2099 is garbage.
    """
    if not s:
        return None
    from analysis.normalise.text import clean_text

    s = clean_text(s)
    dates = find_dates(s, ref=ref, after_ref=after_ref)
    if dates:
        return dates[0][0]
    if _DATE_RE.search(_lower_keep_length(s)):
        return None  # a date form that is no date (2月30日), ambiguous (05/06/2021) or year-less
    if _search_relative(s) is not None:
        return _relative(s, fetched)
    if len(s) > 40 or not re.search(r"\d", s):
        return None
    # Strict: day, month and year must all be in the string (nothing is filled from today).
    settings: dict[str, object] = {"PREFER_DAY_OF_MONTH": "first", "STRICT_PARSING": True}
    if (base := fetched or ref) is not None:
        from datetime import datetime

        settings["RELATIVE_BASE"] = datetime(base.year, base.month, base.day)
    try:
        parsed = _dateparser().parse(s, languages=["en", "zh"], settings=settings)
    except Exception:  # dateparser raises assorted errors on odd input; a miss is the answer
        return None
    if parsed is None or parsed.year not in _PLAUSIBLE_YEARS:
        return None
    return parsed.date()


def _line_end(text: str, start: int, limit: int) -> int:
    nl = text.find("\n", start)
    stop = len(text) if nl < 0 else nl
    # A label alone on its line ("CLOSING DATE:" then the date on the next line) looks one further,
    # past blank lines.
    if nl >= 0 and not text[start:nl].strip(" :：-"):
        while nl + 1 < len(text) and text[nl + 1] == "\n" and nl - start < limit:
            nl += 1
        nxt = text.find("\n", nl + 1)
        stop = len(text) if nxt < 0 else nxt
    return min(stop, start + limit)
