"""parse_date / detect_deadline / detect_published: regex-first Chinese and English forms."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.normalise.dates import detect_deadline, detect_published, parse_date
from analysis.normalise.text import clean_text

REF = date(2025, 3, 1)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025年3月10日", date(2025, 3, 10)),
        ("2025-03-10", date(2025, 3, 10)),
        ("2025/3/9", date(2025, 3, 9)),
        ("２０２５年３月１０日", date(2025, 3, 10)),
        ("二\u3007二五年三月十日", date(2025, 3, 10)),
        ("二\u3007二四年十二月三十一日", date(2024, 12, 31)),
        ("4月20日", date(2025, 4, 20)),  # year-less: the reference year
        ("12月28日", date(2024, 12, 28)),  # would be 10 months ahead: a year back
        ("发布时间：2024年11月5日 10:30", date(2024, 11, 5)),
        ("March 26, 2024", date(2024, 3, 26)),
        ("26 March 2024", date(2024, 3, 26)),
        ("Jun 9, 2026", date(2026, 6, 9)),
        ("15:09, May 31, 2012", date(2012, 5, 31)),
        ("3天前", date(2025, 2, 26)),
        ("2 weeks ago", date(2025, 2, 15)),
        ("昨天", date(2025, 2, 28)),
        ("no date here", None),
        ("", None),
    ],
)
def test_parse_date(raw: str, expected: date | None) -> None:
    assert parse_date(raw, ref=REF) == expected


def test_year_less_without_reference_is_unknown() -> None:
    assert parse_date("4月20日") is None


@pytest.mark.parametrize(
    ("text", "ref", "expected"),
    [
        ("报名时间:2025年6月3日至6月14日17:00。", REF, date(2025, 6, 14)),
        ("报名时间:6月3日至14日", REF, date(2025, 6, 14)),
        ("截止日期:2025年1月8日", REF, date(2025, 1, 8)),
        ("请于2025年4月8日下午5:00前提交材料", REF, date(2025, 4, 8)),
        ("报名截止时间为1月5日", date(2024, 12, 20), date(2025, 1, 5)),  # rolls forward
        ("The deadline is April 30th, so apply early.", REF, date(2025, 4, 30)),
        ("Closing date for applications is 5pm, 28 April 2025.", REF, date(2025, 4, 28)),
        ("CLOSING DATE:\nApril 16, 2025", REF, date(2025, 4, 16)),
        ("Send your CV by May 31.", REF, date(2025, 5, 31)),
        (
            "Applications received on or before 2 May 2025 will be considered.",
            REF,
            date(2025, 5, 2),
        ),
        ("年龄在30周岁以下(1995年6月30日以后出生)", REF, None),
        ("本公告自发布之日起生效。", REF, None),
    ],
)
def test_detect_deadline(text: str, ref: date, expected: date | None) -> None:
    text = clean_text(text)
    hit = detect_deadline(text, ref=ref)
    if expected is None:
        assert hit is None
        return
    assert hit is not None
    assert hit[0] == expected
    ev = hit[1]
    assert ev.text == text[ev.start : ev.end]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("某中心招聘公告\n发布日期:2024-10-15\n正文", date(2024, 10, 15)),
        ("Copy Editor\n\nMarch 26, 2024\n\nJob Description", date(2024, 3, 26)),
        ("English editor\nRefresh at 2 months ago", date(2024, 12, 31)),  # a month is 30 days
        ("报名截止日期:2025年1月1日\n正文", None),
    ],
)
def test_detect_published(text: str, expected: date | None) -> None:
    hit = detect_published(clean_text(text), ref=REF)
    assert (hit[0] if hit else None) == expected


# The candidate scans against the full scans they replace: dates, publication labels and
# deadline labels, on text built from date-like pieces (lower- and mixed-case).
_DATE_PIECES = [
    "0",
    "1",
    "2025",
    "12",
    "31",
    " ",
    "\n",
    ".",
    ",",
    "-",
    "/",
    "至",
    "年",
    "月",
    "日",
    "号",
    "二",
    "\u3007",
    "十",
    "jan",
    "March",
    "sept",
    "may",
    "st",
    "of",
    "x",
    "é",
    "中",
    "发布",
    "日期",
    "时间",
    "截止",
    "Date",
    "posted",
    "opening ",
    "update",
    ":",
    "by ",
    "Deadline",
    "apply before",
    "\u0663",
]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(_DATE_PIECES), max_size=60).map("".join))
def test_candidate_scans_agree_with_full_scans(s: str) -> None:
    from analysis.normalise import dates
    from analysis.normalise.context import gated_finditer

    def spans(matches: Iterable[re.Match[str]]) -> list[tuple[tuple[int, int], str | None]]:
        return [(m.span(), m.lastgroup) for m in matches]

    for t in (s, s.lower()):
        assert spans(dates._date_matches(t)) == spans(dates._DATE_RE.finditer(t))
        assert spans(dates._published_labels(t)) == spans(dates._PUBLISHED_LABEL.finditer(t))
        fast = [m.span() for m in dates._deadline_labels(t)]
        assert fast == [m.span() for m in gated_finditer(dates._DEADLINE_LABEL, t, "deadline")]
