"""Normalise stage, dates: the application deadline of a notice.

Input: a cleaned notice text and its publication date (the year of year-less dates).
Output: the deadline with the evidence span it came from (`detect_deadline`), or None.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from datetime import date

from analysis.models import Evidence
from analysis.normalise.context import gate_hits, gated_finditer, line_windows
from analysis.normalise.dates import (
    _ISSUED_NOTICE,
    _MON,
    _line_end,
    _lower_keep_length,
    find_dates,
)
from analysis.normalise.guard import CaselessPattern, lowered

__all__ = ["YearMarks", "detect_deadline"]

# Labels that announce a deadline; the date follows within a short window. Simplified and
# Traditional forms (报名时间 / 報名時間); a posting or application period ends at its deadline.
_DEADLINE_CASELESS = CaselessPattern(
    re.compile(
        r"截止(?:日期|[时時][间間])?|截至|[报報]名(?:[时時][间間]|日期|期限)"
        # 报名自A至B止: the period the application is open
        r"|[报報]名(?:自|从)(?=\s*(?:\d|[一二三四五六七八九十]))"
        r"|申[请請](?:[时時][间間]|期限)|投[递遞](?:[时時][间間]|期限)"
        # 招聘时间/受理时间 A 至 B, 即日起至 B: the period ends at the deadline
        r"|(?:招聘|应聘|應聘|受理|征集|徵集)(?:[时時][间間]|期限|日期)|即日起|之日起(?=至|到)"
        r"|closing(?=\s*:)"
        r"|deadline|closing dates?|apply (?:by|before)|applications? (?:close|are due|due)"
        r"|(?:accepted|received|open|apply) until"
        r"|(?:posting|application|vacancy|open|opening|announcement) period"
        # 报名时间 in English (translated notices): "Registration time: July 17 - August 31"
        r"|registration (?:time|period|dates?)(?=\s*:)|application time(?=\s*:)"
        r"|on or before|no later than|expire[sd]? on|(?<![\w])by(?= )"
        # vacancy forms: "Close date: …", "Expire Date: …", "Job Posting End Date …"
        r"|close date|expir(?:e|y|ation) date|(?:posting|application|advert) end date"
        # "submit your CV before 10 March", "the vacancy closes at midnight on 10 March"
        r"|(?<![\w])before(?= )|(?:vacancy|advert|advertisement|posting|position|job) closes"
        r"|(?<=closes )(?:at|on)(?= )",
        re.IGNORECASE,
    )
)
_DEADLINE_LABEL = _DEADLINE_CASELESS.exact  # the IGNORECASE pattern, guarded
# After "by": a date must follow (by Friday, 3 May / by March 1), not "by the team".
_BY_DATE = re.compile(r"\s*(?:\w+day,?\s+)?\d|\s*" + _MON, re.IGNORECASE)
# What may separate the two dates of a range, a time of day after the first included
# (2月20日09:00-2月23日16:00).
_RANGE_GAP = re.compile(
    r"\s*(?:(?:[上下]午|晚上?)?\d{1,2}[:：时点]\d{0,2}分?)?\s*"
    r"(?:起?至|到|—|\u2013|--?|~|～|to|until|till|through)?\s*"
)
_RANGE_GAP_MAX = 14
# A range right after these words is an exam's or interview's, not the application's.
_NOT_APPLY_RANGE = re.compile(r"(?:考试|笔试|面试|体检|考核|考試|筆試|面試|exam|interview)\S{0,6}$")
_BEFORE_SUFFIX = re.compile(
    r"\s*(?:\((?:星期|周|礼拜)[一二三四五六日天]\))?"  # 3月10日(星期日)24:00前
    r"\s*(?:[上下]午|晚上?|中午)?\s*(?:\d{1,2}[:时点](?:\d{2}分?)?)?\s*"
    r"(?:之前|以前|前)(?!往|来|夕|沿|辈|言)"
)
# A line of one batch among several (第二批…前完成): the deadline is the last batch's close.
_BATCH = re.compile(
    r"第[一二三四五六七八九十\d]{1,3}[批轮輪]|(?:first|second|third|fourth|final|last) (?:batch|round)"
    r"|(?:batch|round) \d",
    re.IGNORECASE,
)
# A year the text names (2023年, 2023-05, 14 May 2023): the year of year-less dates after it.
# Found as a four-digit run (a fast scan from its first characters), then checked on either side.
_YEAR_RUN = re.compile(r"[12][09]\d\d")
_YEAR_AFTER = re.compile(r"\s*年|[-/.][01]?\d(?!\d)")
# (May 14, 2023; 14 May 2023; and the joined forms find_dates reads: Aug-07-2017, 14-May-2021,
# 06/20/2021, 20.06.2021)
_MONTH_DAY_BEFORE = re.compile(
    rf"(?:(?:{_MON}\.?\s+[0-3]?\d(?:st|nd|rd|th)?|[0-3]?\d\s+{_MON}\.?),?\s+"
    rf"|(?<![\w.])(?:{_MON}|[0-3]?\d)([-/.])(?:[0-3]?\d|{_MON})\1)$"
)
_WINDOW = 60
_HARD_WRAP = re.compile(r"(?<=[A-Za-z,])\n(?=[a-z])")
_GATE_WORD_MAX = 14  # the longest deadline gate word the wrap may follow ("posting period")
# A date the notice was issued on, inside a registration label's window (…日发布招聘公告).
_ISSUED_AFTER = re.compile(rf"\s*{_ISSUED_NOTICE}")


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


class YearMarks:
    """The years a text names, found on first use (most texts have a publication date, so
    year-less dates rarely need them), for the year of the text before an offset."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._ends: list[int] | None = None
        self._years: list[int] = []

    def around(self, pos: int) -> int | None:
        """The year of the text before `pos`, else the first year the text names after it
        (发布时间:5月14日 … 截止:2021年6月18日: the ad's year, not unknown)."""
        year = self.before(pos)
        if year is None and self._years:
            return self._years[0]
        return year

    def before(self, pos: int) -> int | None:
        if self._ends is None:
            self._ends = []
            low = _lower_keep_length(self._text)
            for m in _YEAR_RUN.finditer(low):
                if _is_year_mark(low, m.start(), m.end()):
                    self._ends.append(m.end())
                    self._years.append(int(m.group()))
        i = bisect_right(self._ends, pos)
        return self._years[i - 1] if i else None


def _is_year_mark(low: str, start: int, end: int) -> bool:
    """Whether low[start:end], four digits, names a year: 2023年, 2023-05, May 14, 2023 (not a
    birth-date cut-off, 1995年6月30日以后出生, nor part of a longer number)."""
    if low[start:end] < "1900" or low[start:end] > "2099":
        return False
    if (start > 0 and low[start - 1].isdigit()) or (end < len(low) and low[end].isdigit()):
        return False
    if "出生" in low[end : end + 14]:
        return False
    return bool(
        _YEAR_AFTER.match(low, end) or _MONTH_DAY_BEFORE.search(low, max(0, start - 16), start)
    )


def detect_deadline(text: str, *, ref: date | None = None) -> tuple[date, Evidence] | None:
    """Find the application deadline.

    The first labelled span (截止日期/报名时间/報名時間/deadline/closing date/apply by/posting
    period …), its range's end (6月3日至6月14日 → 6月14日); failing a label, the earlier of a
    range on a line that asks to apply and a date followed by 前/之前. When that line is one of
    several batches (第一批…第三批), the last batch's close. Year-less dates take the year of
    `ref` (the publication date), else of the text before them, else are unknown.
    Evidence covers the label (or the line's date) through the date used.
    """
    years = YearMarks(text)
    hit = _labelled_deadline(text, ref, years)
    if hit is None and (unwrapped := _unwrapped(text)) is not None:
        # a label broken over two lines ("Closing⏎date for applications is …"), read with the
        # hard wraps as spaces (the same offsets), the evidence quoted from the text as given
        found = _labelled_deadline(unwrapped, ref, years)
        if found is not None:
            hit = found[0], Evidence.of(text, found[1].start, found[1].end)
    if hit is None:
        ranged = _applied_range(text, ref, years)
        before = _date_before_qian(text, ref, years)
        hit = min((h for h in (ranged, before) if h is not None), key=_start, default=None)
    if hit is None:
        return None
    return _last_batch(text, hit, ref, years)


def _unwrapped(text: str) -> str | None:
    """`text` with its hard wraps inside English sentences (a line ending in a word or a comma,
    the next starting lower case) as spaces, the same length; None unless a deadline gate word
    (closing, application …) is right before such a wrap: only a broken label needs it."""
    for pos in gate_hits(text, "deadline"):
        nl = text.find("\n", pos, pos + _GATE_WORD_MAX)
        if nl > 0 and _HARD_WRAP.match(text, nl) is not None:
            return _HARD_WRAP.sub(" ", text)
    return None


def _start(hit: tuple[date, Evidence]) -> int:
    return hit[1].start


def _labelled_deadline(
    text: str, ref: date | None, years: YearMarks
) -> tuple[date, Evidence] | None:
    for m in _deadline_labels(text):
        by = m.group().lower() in ("by", "before")  # a date must follow at once
        if by and text[max(0, m.start() - 8) : m.start()].lower().rstrip().endswith("born"):
            continue  # "born before 1 January 1990" is an age limit
        end = _line_end(text, m.end(), 25 if by else _WINDOW)
        window = text[m.end() : end]
        if by and not _BY_DATE.match(window):
            continue
        year = years.around(m.start()) if ref is None else None
        dates = find_dates(window, ref=ref, after_ref=True, year=year)
        # 报名时间:某日发布本公告,某日至某日报名: the issuing day is no deadline
        dates = [x for x in dates if not _ISSUED_AFTER.match(window, x[2])]
        if not dates:
            continue
        d, _, e = _range_end(window, dates)
        return d, Evidence.of(text, m.start(), m.end() + e)
    return None


def _range_end(window: str, dates: list[tuple[date, int, int]]) -> tuple[date, int, int]:
    """The first date of `dates`, or the end of the range it opens; later unrelated dates in
    the window (a second label) do not count."""
    best = dates[0]
    for d, s, e in dates[1:]:
        gap = window[best[2] : s]
        if len(gap) > _RANGE_GAP_MAX or not _RANGE_GAP.fullmatch(gap):
            break
        best = (d, s, e)
    return best


def _applied_range(text: str, ref: date | None, years: YearMarks) -> tuple[date, Evidence] | None:
    """The end of the first range of dates on a line that asks to apply (须于A至B…报名)."""
    for lo, hi in line_windows(text, "apply_range"):
        year = years.around(lo) if ref is None else None
        window = text[lo:hi]
        dates = find_dates(window, ref=ref, after_ref=True, year=year)
        for i, (d, s, _) in enumerate(dates[:-1]):
            if _NOT_APPLY_RANGE.search(window, max(0, s - 12), s):
                continue
            d2, s2, e2 = _range_end(window, dates[i:])
            if s2 > s and d2 >= d:
                return d2, Evidence.of(text, lo + s, lo + e2)
    return None


# A date before 前 that one must arrive, graduate or hold a degree by (2023年8月31日前正式到岗,
# 7月31日前取得学位) is a condition of the post, not the application's close.
_NOT_APPLY_AFTER = re.compile(r"[^,，。;；\n]{0,8}?(?:到岗|报到|入职|上岗|毕业|取得|获得)")
_ARRIVAL_BEFORE = re.compile(r"(?:到岗|报到|入职|上岗)[^,，。;；\n]{0,4}\Z")


def _date_before_qian(
    text: str, ref: date | None, years: YearMarks
) -> tuple[date, Evidence] | None:
    """The first date right before 前/之前 (…2025年1月8日(下午5:00)前)."""
    pos = text.find("前")
    while pos >= 0:
        lo = max(0, pos - 30)
        year = years.around(lo) if ref is None else None
        for d, s, e in find_dates(text[lo:pos], ref=ref, after_ref=True, year=year):
            suffix = _BEFORE_SUFFIX.match(text, lo + e)
            if suffix and suffix.end() > pos:
                if _NOT_APPLY_AFTER.match(text, suffix.end()) or _ARRIVAL_BEFORE.search(
                    text, max(0, lo + s - 12), lo + s
                ):
                    break
                return d, Evidence.of(text, lo + s, suffix.end())
        pos = text.find("前", pos + 1)
    return None


def _last_batch(
    text: str, hit: tuple[date, Evidence], ref: date | None, years: YearMarks
) -> tuple[date, Evidence]:
    """When the hit's line is one batch of several, the latest close of the batch lines that
    follow it, one after another."""
    lo = text.rfind("\n", 0, hit[1].start) + 1
    hi = text.find("\n", hit[1].start)
    best = hit
    while hi >= 0 or lo < len(text):
        line = text[lo : hi if hi >= 0 else len(text)]
        if not _BATCH.search(line):
            break
        year = years.around(lo) if ref is None else None
        close = _line_close(line, ref, year)
        if close is not None and close[0] > best[0]:
            best = (close[0], Evidence.of(text, lo + close[1], lo + close[2]))
        if hi < 0:
            break
        lo, hi = hi + 1, text.find("\n", hi + 1)
    return best


def _line_close(line: str, ref: date | None, year: int | None) -> tuple[date, int, int] | None:
    """A batch line's close: a date before 前, else the end of its first range."""
    dates = find_dates(line, ref=ref, after_ref=True, year=year)
    for d, s, e in dates:
        if suffix := _BEFORE_SUFFIX.match(line, e):
            return d, s, suffix.end()
    return _range_end(line, dates) if dates else None
