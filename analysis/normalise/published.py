"""Normalise stage, dates: the publication date of a notice.

Input: a cleaned notice text, its URL, the date string its page declares (structured data) and
the day it was fetched. Output: the publication date (`resolve_published`), or a date found in
the text with its evidence span (`detect_published`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from urllib.parse import urlsplit

from analysis.models import Evidence
from analysis.normalise.dates import (
    _ISSUED_NOTICE,
    _ISSUED_WORDS,
    _RELATIVE_CASELESS,
    _dates_in_lowered,
    _find_all,
    _has_relative_word,
    _line_end,
    _lower_prefix,
    _relative,
    _search_relative,
    find_dates,
    parse_date,
)
from analysis.normalise.deadlines import _BEFORE_SUFFIX, _DEADLINE_LABEL, YearMarks
from analysis.normalise.guard import guarded

__all__ = ["detect_published", "parse_url_date", "resolve_published"]

_PREFIX = "发布|發布|發佈|发文|發文|发表|發表|更新"
# Matched on the lower-cased text (no IGNORECASE: much faster).
_PUBLISHED_LABEL = guarded(
    re.compile(
        rf"(?:{_PREFIX})?(?:日期|时间|時間)(?<!截止日期)(?<!截止时间)(?<!报名日期)(?<!报名时间)"
        r"(?<!截至日期)(?<!出生日期)(?=\s*[:：\]])"
        rf"|(?:{_PREFIX})(?:日期|时间|時間|于|於)|date posted|opening date"
        r"|posting date|date of posting|posted date|posted(?: on| at)?|published(?: on)?|updated"
        r"|update time"
        # job boards' own field (JobStreet, JobsDB: "Date Listed", "Listed on")
        r"|date listed|listing date|listed on"
        # a vacancy announcement's "Open Period: 2/25/2015 - 3/10/2015" opens on its first day
        r"|open(?:ing)? period"
        # a vacancy form's "Announced Date: 28 July, 2021"
        r"|announced date|date announced|announcement date"
        # USAJOBS: "Open & closing dates ⏎ 01/14/2025 to 01/21/2025"
        r"|open (?:&|and) closing dates?"
        r"|date(?<![\w ]date)(?=\s*:)"
    )
)
# Every match of _PUBLISHED_LABEL holds one of these words, starting this many characters after
# the match: 日期 in 日期 / 发布日期, date in date posted / opening date, … (tests check this).
_PUBLISHED_WORDS = (
    ("日期", (0, 2)),
    ("时间", (0, 2)),
    ("時間", (0, 2)),
    ("于", (2,)),
    ("於", (2,)),
    ("date", (0, 8)),
    ("posted", (0,)),
    ("published", (0,)),
    ("update", (0,)),
    ("listed", (0,)),
    ("period", (5, 8)),
    ("closing", (7, 9)),
    ("announce", (0, 5)),
)
# Labels that name an event's date or time rather than the notice's: 日期 / 时间 / date after
# another word (考试时间, 出生日期, 工作时间) are not publication labels.
_BARE_LABELS = ("日期", "时间", "時間", "date")
# Past the head, only a label that says "published" or "updated" counts (发布时间, Posted on).
_HEAD = 600
_WEAK_LABELS = ("updated", "opening date", "posted")
# Where a label past the head can start (clean_text has made Traditional forms Simplified).
_STRONG_WORDS = (
    "发布",
    "发文",
    "发表",
    "更新",
    "posted",
    "published",
    "open & closing",
    "open and closing",
)
# A bare date right after these is an event's (exam, interview, registration, birth, deadline).
_EVENT_BEFORE = re.compile(
    r"(?:考试|笔试|面试|报名|報名|截止|截至|出生|考試|筆試|面試|exam|interview|registration"
    r"|deadline|closing|apply|application)[^\n]{0,12}$"
    # the end of a range (1 June to 20 June 2021, 5月20日至6月5日) is no publication date
    r"|(?:至|到|~|～|\buntil|\btill|\bto|\bthrough)\s*$"
    # another event's label (Start date:, 入职时间:); publication labels are read before this
    r"|\b(?!post|publi|releas|issu|updat)[a-z]+\s+date\s*:?\s*$"
    r"|(?!发布|发文|更新|发表|發佈|發布|發表)[\u4e00-\u9fff]{2}(?:日期|时间|時間)\s*:?\s*$",
    re.IGNORECASE,
)
# A date stated as the day a notice was issued: "…日发布本招考公告", "…印发本简章".
_ISSUED_AFTER = re.compile(rf"\s*(?:在[^\n，。,;；]{{1,12}}?)?(?:正式)?{_ISSUED_NOTICE}")
_ISSUED_REACH = 160
# The issuing verb and the notice, as _ISSUED_AFTER ends: a cheap test before reading for dates.
_ISSUED_AT = re.compile(_ISSUED_NOTICE)
# This notice (招聘…, 本…), then 于, right before the date (招聘公告、岗位、条件等信息于…); between the date and
# the issuing verb only its channel (起在…网、…等媒体上).
_NOTICE_ON = re.compile(
    r"(?:招聘|招考|选聘|本|此)(?:公告|简章|信息|通知|启事)[^。\n;；]{0,12}于\s*$"
)
_CHANNEL_BETWEEN = re.compile(r"\s*(?:起)?\s*(?:在|通过|于)[^。\n;；]{0,140}?(?:上|中)?\s*")
_FUTURE = re.compile(r"将|拟|届时|另行|预计")
_Y = r"(?:19|20)\d\d"
# A date in a URL's path, between path separators so an id's digits (content_1755244) never match.
_URL_DATE = re.compile(
    # /2020-02/19/, /2016/11/22/, /2024/5/6/, /2020-02-19/
    rf"(?<=/)(?P<y>{_Y})[-/](?P<m>[01]?\d)[-/](?P<d>[0-3]?\d)(?=[/_.]|$)"
    # /20200219/, t20190918_, _20240506.
    rf"|(?<=[/_t])(?P<y2>{_Y})(?P<m2>[01]\d)(?P<d2>[0-3]\d)(?=[/_.]|$)"
    # /2019/0615/
    rf"|(?<=/)(?P<y3>{_Y})/(?P<m3>[01]\d)(?P<d3>[0-3]\d)(?=/)"
)


def resolve_published(
    text: str, *, url: str | None = None, declared: str | None = None, fetched: date | None = None
) -> date | None:
    """The notice's publication date: a labelled date in the text (发布日期, Posted, 更新于…),
    else the date in its URL, else the page's declared date (structured data), else a bare
    date (or a relative one, against `fetched`) in its first lines, else the date signing it.

    Year-less dates take the year of the text before them, else of the URL; relative dates
    (3天前, 2 weeks ago) count back from `fetched` only, never from today.
    """
    url_date = parse_url_date(url, not_after=fetched)
    year = url_date.year if url_date is not None else None
    years = YearMarks(text)
    labelled = _labelled(text, years, year, fetched) or _issued(text, years, year)
    if labelled is not None:
        return labelled[0]
    if url_date is not None:
        return url_date
    if declared and (found := parse_date(declared, fetched=fetched)) is not None:
        return found
    bare = _bare(text, years, year, fetched) or _signed(text, years, year)
    return bare[0] if bare is not None else None


def detect_published(
    text: str, *, fetched: date | None = None, year: int | None = None
) -> tuple[date, Evidence] | None:
    """Find the publication date in a notice's text: a labelled date, else a bare date in the
    first five non-empty lines (not an exam's, a birth date or a deadline), else the date that
    signs the notice below its issuer's name at the end.

    Year-less dates take the year of the text before them, else `year`; relative dates
    (2 weeks ago) count back from `fetched` and are unknown without it.
    """
    years = YearMarks(text)
    return (
        _labelled(text, years, year, fetched)
        or _issued(text, years, year)
        or _bare(text, years, year, fetched)
        or _signed(text, years, year)
    )


def parse_url_date(url: str | None, *, not_after: date | None = None) -> date | None:
    """The first valid date in the path of `url` (CMS paths: /2020-02/19/, /202202/t20220211_,
    /art/2016/11/22/, /2019/0615/); none later than `not_after`, the fetch day."""
    if not url:
        return None
    try:
        path = urlsplit(url).path
    except ValueError:  # a malformed URL (bad IPv6 brackets) holds no date we can trust
        return None
    for m in _URL_DATE.finditer(path):
        month = m["m"] or m["m2"] or m["m3"]
        day = m["d"] or m["d2"] or m["d3"]
        try:
            found = date(int(m["y"] or m["y2"] or m["y3"]), int(month), int(day))
        except ValueError:
            continue
        if not_after is None or found <= not_after:
            return found
    return None


def _labelled(
    text: str, years: YearMarks, year: int | None, fetched: date | None
) -> tuple[date, Evidence] | None:
    low = _lower_prefix(text, len(text))
    for m in _labels(low):
        if not _is_publication_label(low, m):
            continue
        end = _line_end(text, m.end(), 40)
        window = text[m.end() : end]
        dates = find_dates(window, year=years.before(m.start()) or year or years.around(m.start()))
        if dates:
            d, _, e = dates[0]
            return d, Evidence.of(text, m.start(), m.end() + e)
        rel = _search_relative(window)
        if rel and (when := _relative(rel.group(), fetched)) is not None:
            return when, Evidence.of(text, m.end() + rel.start(), m.end() + rel.end())
        if _alone(text, m.end()) and (before := _date_line_before(text, m.start())):
            return before  # a card that shows the value above its label: "Sep 2, 2025\nPosted"
    return None


def _issued(text: str, years: YearMarks, year: int | None) -> tuple[date, Evidence] | None:
    """A date stated as the day the notice was issued: right before the issuing verb and the
    notice (…日发布招聘公告), or after the notice and 于, its channel between (招聘公告…等信息于
    某日起在…网等媒体上发布). Each issuing word is found by a plain scan and the
    _ISSUED_REACH characters before it are read for a date."""
    for pos in sorted(p for word in _ISSUED_WORDS for p in _find_all(text, word)):
        lo = max(0, pos - _ISSUED_REACH)
        if _ISSUED_AT.match(text, pos) is None and text.find("于", lo, pos) < 0:
            continue  # neither "…发布招聘公告" nor "…于DATE…发布": no date to read (发布内容)
        dates = find_dates(text[lo:pos], year=years.before(lo) or year)
        if not dates:
            continue
        d, s, e = dates[-1]
        if _FUTURE.search(text, max(lo, lo + s - 12), pos):
            continue  # 将于3月1日发布公告: a later announcement, not this one
        m = _ISSUED_AFTER.match(text, lo + e)
        if m is not None and m.start() <= pos < m.end():
            return d, Evidence.of(text, lo + s, m.end())
        if _NOTICE_ON.search(text, max(0, lo + s - 16), lo + s) and _CHANNEL_BETWEEN.fullmatch(
            text, lo + e, pos
        ):
            return d, Evidence.of(text, lo + s, pos + 2)
    return None


def _labels(low: str) -> Iterator[re.Match[str]]:
    """The labels of the head (every kind), then those past it that say published or updated
    (looked for only where such a word is: most texts have none)."""
    yield from _published_labels(low[:_HEAD])
    starts = sorted({p for w in _STRONG_WORDS for p in _find_all(low, w) if p >= _HEAD})
    end = _HEAD
    for start in starts:
        if start >= end and (m := _PUBLISHED_LABEL.match(low, start)) is not None:
            end = m.end()
            yield m


def _is_publication_label(low: str, m: re.Match[str]) -> bool:
    """A bare 日期/时间/date labels the notice only when no word runs into it (not 考试时间);
    past the head only a label that says published or updated counts."""
    label = m.group()
    if label in _BARE_LABELS and m.start() > 0 and _is_word_char(low[m.start() - 1]):
        return False
    return m.start() < _HEAD or (label not in _BARE_LABELS and label not in _WEAK_LABELS)


def _is_word_char(c: str) -> bool:
    return c.isalnum()


def _alone(text: str, end: int) -> bool:
    """Whether nothing but punctuation follows a label on its line."""
    nl = text.find("\n", end)
    return not text[end : nl if nl >= 0 else len(text)].strip(" :：-")


def _date_line_before(text: str, label_start: int) -> tuple[date, Evidence] | None:
    """The date that fills the non-empty line right above a label alone on its line."""
    hi = text.rfind("\n", 0, label_start)
    if hi < 0 or text[hi + 1 : label_start].strip():
        return None
    for _ in range(3):  # skip up to two blank lines
        lo = text.rfind("\n", 0, hi) + 1
        line = text[lo:hi]
        if line.strip():
            break
        if lo == 0:
            return None
        hi = lo - 1
    if len(line) > 30 or not (dates := find_dates(line)):
        return None
    d, s, e = dates[0]
    return d, Evidence.of(text, lo + s, lo + e)


def _bare(
    text: str, years: YearMarks, year: int | None, fetched: date | None
) -> tuple[date, Evidence] | None:
    head = text[:_HEAD]
    # A bare date counts in the first five non-empty lines (mirror pages put menus above it).
    limit = min(_lines_end(head, 5), len(head))
    top_low = _lower_prefix(text, limit)
    for d, s, e in _dates_in_lowered(top_low, None, False, year):
        if not _is_event_date(head, s, e):
            return d, Evidence.of(text, s, e)
    top = head[:limit]
    low_top = top.lower() if "\u0130" in top else top_low  # top.lower(), as _search_relative
    rel = _RELATIVE_CASELESS.search_slice(text, 0, limit) if _has_relative_word(low_top) else None
    if rel and (when := _relative(rel.group(), fetched)) is not None:
        return when, Evidence.of(text, rel.start(), rel.end())
    return None


# The signature closing a notice: the issuer's name on a short line, the date alone on the next
# non-empty line, within the last _SIGNATURE_LINES non-empty lines (an attachment list may follow).
_SIGNATURE_LINES = 6
_SIGNATURE_TAIL = 600  # characters of the text's end read for it
_DATE_LINE_MAX = 32  # a line holding only a date: 2023年4月28日, Wednesday, 24 September 2021
_DIGIT = re.compile(r"\d")


def _signed(text: str, years: YearMarks, year: int | None) -> tuple[date, Evidence] | None:
    """The date signing the notice: a line holding only a date, right below a short line that
    names the issuer (浙江大学计划财务处 ⏎ 2023年4月28日), or closing the text as its last line
    (a board's page ends on the posting's date, below the last paragraph), unless the line above
    labels it as another event's (面试时间, Closing date)."""
    base = max(0, len(text) - _SIGNATURE_TAIL)
    if _DIGIT.search(text, base) is None:  # no date can sign it: the common case, one C scan
        return None
    lines: list[tuple[int, str]] = []
    pos = base
    for raw in text[base:].split("\n"):
        if raw.strip():
            lines.append((pos + len(raw) - len(raw.lstrip()), raw.strip()))
        pos += len(raw) + 1
    tail = lines[-_SIGNATURE_LINES:]
    for i in range(len(tail) - 1, 0, -1):
        start, line = tail[i]
        issuer = tail[i - 1][1]
        if len(line) > _DATE_LINE_MAX or issuer.endswith((":", "：")):
            continue
        if len(issuer) > 30 and (i < len(tail) - 1 or _EVENT_BEFORE.search(issuer.lower())):
            continue
        dates = find_dates(line, year=years.before(start) or year)
        lead = _WEEKDAY_LEAD.match(line)
        first = lead.end() if lead is not None else 0
        if len(dates) == 1 and dates[0][1] == first and dates[0][2] >= len(line) - 1:
            d, s, e = dates[0]
            return d, Evidence.of(text, start + s, start + e)
    return None


# A weekday before the signing date ("Wednesday, 24 September 2021", 星期三 2021年9月24日).
_WEEKDAY_LEAD = re.compile(
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|(?:星期|周)[一二三四五六日天])[,，]?\s*",
    re.IGNORECASE,
)


def _is_event_date(head: str, start: int, end: int) -> bool:
    """Whether the bare date at head[start:end] is an exam's, a birth date or a deadline (a
    posting period's opening is the publication date: Posting Period: 6 January - 19 February)."""
    before = head[max(0, start - 20) : start]
    if "出生" in head[end : end + 8] or _EVENT_BEFORE.search(before):
        return True
    suffix = _BEFORE_SUFFIX.match(head, end)  # 6月18日(星期五)17:00前: a deadline
    if suffix is not None and suffix.end() > end:
        return True
    label = _DEADLINE_LABEL.search(before)
    return label is not None and "period" not in label.group().lower()


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
