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
from collections.abc import Iterator
from datetime import date, timedelta
from functools import cache

from analysis.models import Evidence
from analysis.normalise.context import gated_finditer, line_windows
from analysis.normalise.guard import CaselessPattern, guarded, lower_same_length, lowered
from analysis.normalise.numbers import en_number_alt, number_word_value, parse_cn_number
from analysis.normalise.wordscan import DeclaredWords

__all__ = ["declared_words", "detect_deadline", "detect_published", "find_dates", "parse_date"]

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

# Labels that announce a deadline; the date follows within a short window.
_DEADLINE_CASELESS = CaselessPattern(
    re.compile(
        r"截止(?:日期|时间)?|截至|报名(?:时间|日期|期限)|申请(?:时间|期限)|投递(?:时间|期限)"
        r"|deadline|closing date|apply (?:by|before)|applications? (?:close|are due|due)"
        r"|on or before|no later than|expire[sd]? on|(?<![\w])by(?= )",
        re.IGNORECASE,
    )
)
_DEADLINE_LABEL = _DEADLINE_CASELESS.exact  # the IGNORECASE pattern, guarded
# After "by": a date must follow (by Friday, 3 May / by March 1), not "by the team".
_BY_DATE = re.compile(r"\s*(?:\w+day,?\s+)?\d|\s*" + _MON, re.IGNORECASE)
# What may separate the two dates of a range.
_RANGE_GAP = re.compile(r"\s*(?:至|到|—|\u2013|-|~|to|until)?\s*")
# The deadline gate: where a deadline label can be (see line_windows).
_DEADLINE_GATE = (
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
# Every match of _PUBLISHED_LABEL holds one of these words, starting this many characters after
# the match: 日期 in 日期 / 发布日期, date in date posted / opening date, … (tests check this).
_PUBLISHED_WORDS = (
    ("日期", (0, 2)),
    ("时间", (0, 2)),
    ("date", (0, 8)),
    ("posted", (0,)),
    ("published", (0,)),
    ("update", (0,)),
)
_WINDOW = 60
_SHORT = 80  # shorter texts: one scan of _DATE_RE costs less than finding where dates can start


def declared_words() -> DeclaredWords:
    """This module's pre-scan words: the deadline gate."""
    return DeclaredWords(gates=(("deadline", _DEADLINE_GATE),))


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
        y, mo, d = parse_cn_number(g["y2"]), parse_cn_number(g["m2"]), parse_cn_number(g["d2"])
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
    return _dates_in_lowered(_lower_keep_length(text), ref, after_ref)


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
    """Start of the a-z letters that end right before `.`(optional) and whitespace before `pos`."""
    end = pos
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


def _dates_in_lowered(low: str, ref: date | None, after_ref: bool) -> list[tuple[date, int, int]]:
    """find_dates on a text already lower-cased by _lower_keep_length."""
    out: list[tuple[date, int, int]] = []
    # A short text (a window after a label) is scanned as it is: finding the starts costs more.
    for m in _DATE_RE.finditer(low) if len(low) < _SHORT else _date_matches(low):
        d = _match_to_date(m, ref, after_ref=after_ref)
        if d is None:
            continue
        out.append((d, m.start(), m.end()))
        tail = _RANGE_DAY_END.match(low, m.end())
        if tail and (end := _safe_date(d.year, d.month, int(tail["d"]))) and end >= d:
            out.append((end, tail.start("d"), tail.end()))
    return out


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


def _relative(s: str, ref: date | None) -> date | None:
    m = _search_relative(s)
    if m is None or ref is None:
        return None
    if m["word"]:
        back = {"今天": 0, "今日": 0, "today": 0, "昨天": 1, "昨日": 1, "yesterday": 1, "前天": 2}
        return ref - timedelta(days=back[m["word"].lower()])
    if m["n"]:
        raw, unit = m["n"], m["u"]
        n = number_word_value(raw) or 0
        days = {"天": 1, "日": 1, "周": 7, "星期": 7, "个月": 30, "月": 30, "年": 365}[unit]
    else:
        raw = m["en"].lower()
        n = number_word_value(raw) or 0
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


def _deadline_labels(text: str) -> list[re.Match[str]]:
    """gated_finditer(_DEADLINE_LABEL, text, "deadline"), matched on the lower-cased text.

    re matches IGNORECASE several times slower than exact characters; CaselessPattern's rule
    (same spans on the lower-cased text, unless `lowered` says the two could differ) gives the
    same matches, with the same windows. The matches' text is lower case.
    """
    low = lowered(text)
    if low is None:
        return gated_finditer(_DEADLINE_LABEL, text, "deadline")
    seen: set[tuple[int, int]] = set()
    out: list[re.Match[str]] = []
    for lo, hi in line_windows(text, "deadline"):
        for m in _DEADLINE_CASELESS.fast.finditer(low, lo, hi):
            if m.span() not in seen:
                seen.add(m.span())
                out.append(m)
    return out


def detect_deadline(text: str, *, ref: date | None = None) -> tuple[date, Evidence] | None:
    """Find the application deadline: the last date of the first labelled span.

    Labelled spans: 截止日期/截止时间/报名时间/deadline/closing date/apply by/on or before …; for a
    range (6月3日至6月14日) the end is taken. Failing a label, a date followed by 前/之前 counts.
    Evidence covers the label through the date used.
    """
    for m in _deadline_labels(text):
        by = m.group().lower() == "by"
        end = _line_end(text, m.end(), 25 if by else _WINDOW)
        window = text[m.end() : end]
        if by and not _BY_DATE.match(window):
            continue
        dates = find_dates(window, ref=ref, after_ref=True)
        if not dates:
            continue
        # A range ends the span; later unrelated dates in the window (a second label) do not.
        best = dates[0]
        for d, s, e in dates[1:]:
            gap = window[best[2] : s]
            if len(gap) <= 4 and _RANGE_GAP.fullmatch(gap):
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
    # A head whose lower case is longer (U+0130) is searched as it is.
    low = head if "\u0130" in head else _lower_prefix(text, 600)
    for m in _published_labels(low):
        window = head[m.end() : _line_end(head, m.end(), 40)]
        dates = find_dates(window, ref=ref)
        if dates:
            d, _, e = dates[0]
            return d, Evidence.of(text, m.start(), m.end() + e)
        rel = _search_relative(window)
        if rel and (when := _relative(rel.group(), ref)) is not None:
            return when, Evidence.of(text, m.end() + rel.start(), m.end() + rel.end())
    # A bare date counts in the first five non-empty lines (mirror pages put menus above it).
    limit = min(_lines_end(head, 5), len(head))
    top_low = _lower_prefix(text, limit)
    for d, s, e in _dates_in_lowered(top_low, ref, False):
        if _DEADLINE_LABEL.search(head[max(0, s - 20) : s]) is None:
            return d, Evidence.of(text, s, e)
    # _search_relative(head[:limit]), the pattern run on the cached lower case of the text.
    top = head[:limit]
    low_top = top.lower() if "\u0130" in top else top_low  # top.lower(), as _search_relative
    rel = _RELATIVE_CASELESS.search_slice(text, 0, limit) if _has_relative_word(low_top) else None
    if rel and (when := _relative(rel.group(), ref)) is not None:
        return when, Evidence.of(text, rel.start(), rel.end())
    return None


def _lines_end(text: str, count: int) -> int:
    """The offset just past the `count`-th non-empty line of `text` (len(text) + 1 if fewer)."""
    limit, seen = 0, 0
    for line in text.split("\n"):  # one split in C beats a find per line
        limit += len(line) + 1
        seen += bool(line.strip())
        if seen == count:
            break
    return limit


def _published_labels(low: str) -> Iterator[re.Match[str]]:
    """_PUBLISHED_LABEL.finditer(low), trying only the offsets where a match can start.

    Every match holds a word of _PUBLISHED_WORDS at a known distance from its start, so a match
    attempt there, in order and past the previous match, finds the same matches as the scan;
    a few str.find calls are far cheaper than trying the pattern at every offset.
    """
    starts = {
        pos - k
        for word, offsets in _PUBLISHED_WORDS
        for pos in _find_all(low, word)
        for k in offsets
        if pos >= k
    }
    end = 0
    for start in sorted(starts):
        if start >= end and (m := _PUBLISHED_LABEL.match(low, start)) is not None:
            end = m.end()
            yield m
