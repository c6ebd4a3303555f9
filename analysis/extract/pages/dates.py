"""Extract stage helper: publication dates a page shows its reader, on sites no selector knows.

Input: the visible text of a detail page (`cms.visible_text`). Output: a date string (the
label's own text when Y-M-D shaped, else ISO YYYY-MM-DD) or None; never an exam, interview or
registration date.
"""

from __future__ import annotations

import re
from datetime import date

from analysis.normalise.dates import find_dates

_DATE = (
    r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?"
)
# Labels that say "published" (or "updated"): the first such labelled date is the notice's.
STRONG_LABELS = (
    "发布时间", "发布日期", "发表时间", "发表日期", "发文日期", "发稿时间", "发布于", "发表于",
    "更新时间", "更新日期", "更新于", "date posted", "posting date", "posted on", "posted at",
    "posted", "published on", "published", "last updated", "updated on", "updated",
)  # fmt: skip
_LABEL_GAP = r"[ \t\u3000]*[：:]?[ \t\u3000]*(?:\|[ \t\u3000]*)?"
_STRONG = re.compile(rf"(?:{'|'.join(STRONG_LABELS)}){_LABEL_GAP}", re.IGNORECASE)
# A bare 时间/日期/Date, not 报名时间, 截止时间, 考试时间, 成文日期, 出生日期 ...
_BARE = re.compile(
    rf"(?<![名止试文生])(?:时间|日期|date)[ \t\u3000]*[：:]{_LABEL_GAP}", re.IGNORECASE
)
_LABEL_DATE = re.compile(rf"\s*({_DATE})")
# A bare label under an exam, interview or registration heading ("（一）笔试\n1.时间和地点\n
# 时间：…") dates that event, not the notice.
_EVENT_BEFORE = re.compile(
    r"考试|笔试|面试|报名|截止|体检|考核|资格审查|培训|地点|exam|interview", re.I
)
EVENT_WINDOW = 40  # characters before a bare label
LABEL_REACH = 48  # characters after a label its date may take (a time and spaces included)
DATE_GAP = 3  # characters between a label and the start of its date (spaces, a bar)
# M/D/YYYY with a 12-hour clock is the US locale's rendering (ASP/.NET servers): month first
# even when both numbers could be either.
_US_CLOCK = re.compile(
    r"(?<![\d/])([01]?\d)/([0-3]?\d)/((?:19|20)\d\d)\s+[0-2]?\d:[0-5]\d(?::[0-5]\d)?\s*[ap]\.?m\b",
    re.IGNORECASE,
)
# A magazine issue named after a citation of the magazine (——《北京之春》1998年3月号): the
# articles of an issue are dated to its month (day 1, as htmldate dates a bare month).
_ISSUE = re.compile(r"》[ \t\u3000]*[（(]?((?:19|20)\d\d)[ \t]*年[ \t]*([01]?\d)[ \t]*月号")
_YEAR = re.compile(r"(?:19|20)\d\d")
MAX_LABELS = 200  # label matches tried per page (a hostile page repeats labels)


def labelled_date(text: str) -> str | None:
    """The first date after a 发布时间/发布日期/发表于/Posted/Updated label; else after a bare
    时间/日期/Date label that no exam, interview or registration heading precedes."""
    for n, label in enumerate(_STRONG.finditer(text)):
        if n >= MAX_LABELS:
            break
        if found := date_after(text, label.end()):
            return found
    for n, label in enumerate(_BARE.finditer(text)):
        if n >= MAX_LABELS:
            break
        if _EVENT_BEFORE.search(text, max(0, label.start() - EVENT_WINDOW), label.start()):
            continue
        if found := date_after(text, label.end()):
            return found
    return None


def date_after(text: str, start: int) -> str | None:
    """The date that starts right after `start`: its own text when it is Y-M-D shaped (the
    normaliser reads it as written), else ISO (English months, a US clock, 14-May-2021)."""
    window = text[start : start + LABEL_REACH]
    if line_end := window.find("\n", 1 if window.startswith("\n") else 0) + 1:
        window = window[:line_end]  # a label alone on its line takes the next line's date
    plain = _LABEL_DATE.match(window)
    if plain:
        return " ".join(plain.group(1).split())
    us = _US_CLOCK.match(window.lstrip())
    if us and window.find(us.group()) <= DATE_GAP:
        found = _safe(int(us.group(3)), int(us.group(1)), int(us.group(2)))
        return found.isoformat() if found else None
    dates = find_dates(window)
    if dates and dates[0][1] <= DATE_GAP + (len(window) - len(window.lstrip())):
        found, start, end = dates[0]
        return found.isoformat() if _YEAR.search(window, start, end) else None
    return None


def issue_date(text: str) -> str | None:
    """The month of the magazine issue the page cites itself from (《刊名》1998年3月号), as
    the first day of that month; None when there is no such citation."""
    match = _ISSUE.search(text)
    if not match:
        return None
    found = _safe(int(match.group(1)), int(match.group(2)), 1)
    return found.isoformat() if found else None


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
