"""parse_date / detect_deadline / detect_published / resolve_published: regex-first Chinese and
English forms, year-less dates from the notice's own year, relative dates from the fetch day."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.normalise.dates import find_dates, parse_date
from analysis.normalise.deadlines import detect_deadline
from analysis.normalise.published import detect_published, parse_url_date, resolve_published
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
        ("no date here", None),
        ("", None),
    ],
)
def test_parse_date(raw: str, expected: date | None) -> None:
    assert parse_date(raw, ref=REF) == expected


def test_year_less_without_reference_is_unknown() -> None:
    assert parse_date("4月20日") is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("14-May-2021", date(2021, 5, 14)),
        ("3-jan-24", date(2024, 1, 3)),
        ("06/20/2021", date(2021, 6, 20)),  # US month first: the second number is > 12
        ("20/06/2021", date(2021, 6, 20)),  # the first number is > 12: day first
        ("20.06.2021", date(2021, 6, 20)),
        ("05.06.2021", date(2021, 6, 5)),  # dots: the European day-first form
        ("05/06/2021", None),  # ambiguous, no locale signal
        ("May 14, 2021", date(2021, 5, 14)),
        ("14 May 2021", date(2021, 5, 14)),
        ("14th of May 2021", date(2021, 5, 14)),
        ("2021 5月14日", date(2021, 5, 14)),
        ("20215月14日", date(2021, 5, 14)),  # year run into the month (a typing slip)
    ],
)
def test_english_and_numeric_forms(raw: str, expected: date | None) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "0001-01-01",
        "9999-12-31",
        "2025年2月30日",
        "2025年13月1日",
        "13月5日",
        "31/31/2021",
        "99999999999天前",
        "99999999 weeks ago",
        "0000/00/00",
    ],
)
def test_garbage_dates_are_unknown_never_an_error(raw: str) -> None:
    assert parse_date(raw, ref=date(2025, 3, 1), fetched=date(2025, 3, 1)) is None


@pytest.mark.parametrize("edge", [date.min, date.max])
def test_calendar_edges_do_not_overflow(edge: date) -> None:
    for raw in ("3月5日", "12月28日", "3天前", "99999天前", "today"):
        parse_date(raw, ref=edge, after_ref=True, fetched=edge)
        parse_date(raw, ref=edge, fetched=edge)
    detect_deadline("报名截止:1月5日前", ref=edge)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3天前", date(2025, 2, 26)),
        ("３天前", date(2025, 2, 26)),
        ("2 weeks ago", date(2025, 2, 15)),
        ("3 days ago", date(2025, 2, 26)),
        ("昨天", date(2025, 2, 28)),
        ("前天", date(2025, 2, 27)),
        ("今天", date(2025, 3, 1)),
        ("Today", date(2025, 3, 1)),
        ("yesterday", date(2025, 2, 28)),
    ],
)
def test_relative_dates_count_back_from_the_fetch_day_only(raw: str, expected: date) -> None:
    assert parse_date(raw, fetched=REF) == expected
    # A reference year (the publication date) is not a fetch day, and nothing counts from today.
    assert parse_date(raw, ref=REF) is None
    assert parse_date(raw) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the year of the nearest dated mention before them
        (
            "2023年1月5日公告\n报名时间:3月1日至3月10日",
            [date(2023, 1, 5), date(2023, 3, 1), date(2023, 3, 10)],
        ),
        ("2024年3月1日-3月10日", [date(2024, 3, 1), date(2024, 3, 10)]),
        ("Posted 2 May 2022. Apply by 30 May.", [date(2022, 5, 2), date(2022, 5, 30)]),
        # a birth-date cut-off names no year of the notice
        ("1990年1月1日以后出生\n5月8日前报名", [date(1990, 1, 1)]),
        # no year knowable: unknown, not the fetch year
        ("报名时间:6月3日至6月14日", []),
    ],
)
def test_year_less_dates_take_the_year_of_the_text_before(text: str, expected: list[date]) -> None:
    assert [d for d, _, _ in find_dates(text)] == expected


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
        # a registration range ends at its deadline, times of day included
        ("报名时间：6月3日至6月14日", date(2025, 1, 5), date(2025, 6, 14)),
        ("報名時間:2024年3月1日09:00-3月10日17:00", None, date(2024, 3, 10)),
        ("报名日期：2024年3月1日--2024年3月10日", None, date(2024, 3, 10)),
        ("Application period: from 1 to 15 May 2024", None, date(2024, 5, 15)),
        ("Posting Period: 06 June 2024 \u2013 19 July 2024", None, date(2024, 7, 19)),
        ("Application period: 1 May 2024 until 15 June 2024", None, date(2024, 6, 15)),
        ("Apply before 14-May-2021.", None, date(2021, 5, 14)),
        ("Closing date: 06/20/2021", None, date(2021, 6, 20)),
        ("截止到2024年5月6日。", None, date(2024, 5, 6)),
        # a label alone on its line, the date after a blank line
        ("（二）报名时间\n\n即日起至2026年3月31日", None, date(2026, 3, 31)),
        # unlabelled: a range on a line that asks to apply; a later paper copy is not it
        (
            "2023年通知\n请于2023年4月25日至5月12日在网上报名。\n5月8日前寄送纸质材料。",
            None,
            date(2023, 5, 12),
        ),
        ("考生须于2024年6月1日至6月5日参加笔试。", None, None),
        # several batches: the last close
        (
            "第一批须在2022年10月17日前完成;\n第二批须在2022年11月11日前完成;\n"
            "第三批须在2023年2月28日前完成。",
            None,
            date(2023, 2, 28),
        ),
        # year-less, no publication date: the year of the text before, never the fetch year
        ("2019年招聘\n报名截止时间：4月30日", None, date(2019, 4, 30)),
        ("报名截止时间：4月30日", None, None),
        ("年龄在30周岁以下(1995年6月30日以后出生)", REF, None),
        ("本公告自发布之日起生效。", REF, None),
    ],
)
def test_detect_deadline(text: str, ref: date | None, expected: date | None) -> None:
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
        ("新闻\n发表于 2024-05-06 10:00\n正文", date(2024, 5, 6)),
        ("新闻\n發佈於：2024年5月6日\n正文", date(2024, 5, 6)),
        ("来源：某报 时间：2024-05-06\n正文", date(2024, 5, 6)),
        ("Translator\nDate posted: 14-May-2021", date(2021, 5, 14)),
        ("Translator\nUpdated: May 14, 2021", date(2021, 5, 14)),
        ("Translator\nSep 2, 2025\nPosted\nRemote", date(2025, 9, 2)),  # value above its label
        # never an exam's, an interview's, a registration's or a birth date
        ("招聘公告\n考试时间：2024年6月1日\n正文", None),
        ("招聘公告\n面试日期：2024年6月1日\n正文", None),
        ("招聘公告\n1990年1月1日以后出生\n正文", None),
        ("Editor\nInterview date: 3 June 2024\n", None),
        ("Editor\nDeadline 3 June 2024\n", None),
        # year-less: the year of the text before it, else unknown
        ("2024年招聘\n发布时间：5月6日", date(2024, 5, 6)),
        ("发布时间：5月6日", None),
    ],
)
def test_detect_published(text: str, expected: date | None) -> None:
    text = clean_text(text)
    hit = detect_published(text, fetched=REF)
    assert (hit[0] if hit else None) == expected
    if hit is not None:
        assert hit[1].text == text[hit[1].start : hit[1].end]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://www.example.cn/local/2020-02/19/c_1125597921.htm", date(2020, 2, 19)),
        ("https://www.example.gov.cn/xwzx/202202/t20220211_484856.html", date(2022, 2, 11)),
        ("http://www.example.cn/politics/20190918/article.html", date(2019, 9, 18)),
        ("http://fgw.example.gov.cn/art/2024/5/6/art_1621004_30332664.html", date(2024, 5, 6)),
        ("http://culture.example.com.cn/n1/2019/0615/c1013-31159999.html", date(2019, 6, 15)),
        ("http://blog.example.com/archive/2005/07/31/1183155.html", date(2005, 7, 31)),
        ("http://www.example.cn/content_1755244.html", None),  # an id, not a date
        ("http://www.example.cn/2020-02/31/x.htm", None),  # not a day
        ("https://example.org/jobs?id=20200219", None),  # the query is not the path
        ("http://[::1/x", None),
        (None, None),
    ],
)
def test_parse_url_date(url: str | None, expected: date | None) -> None:
    assert parse_url_date(url) == expected


def test_url_date_after_the_fetch_day_is_not_a_publication_date() -> None:
    assert parse_url_date("http://x.cn/2030/01/02/a.html", not_after=REF) is None


@pytest.mark.parametrize(
    ("text", "url", "declared", "expected"),
    [
        # a labelled date first, then the URL, then the page's declared date, then a bare date
        (
            "发布日期:2024-10-15\n正文",
            "http://x.cn/2024-10/16/c.htm",
            "2024-10-17",
            date(2024, 10, 15),
        ),
        ("正文无日期", "http://x.cn/2024-10/16/c.htm", "2024-10-17", date(2024, 10, 16)),
        ("正文无日期", "http://x.cn/a.htm", "2024-10-17", date(2024, 10, 17)),
        ("标题\n2024-10-18\n正文", "http://x.cn/a.htm", None, date(2024, 10, 18)),
        # year-less in the text: the URL's year, never the fetch year
        ("标题\n6月3日\n正文", "http://x.cn/2019-06/03/c.htm", None, date(2019, 6, 3)),
        ("标题\n6月3日\n正文", "http://x.cn/a.htm", None, None),
        # relative: the fetch day only
        ("标题\n发布时间：3天前\n正文", None, None, date(2025, 2, 26)),
        ("标题\n正文", None, "3天前", date(2025, 2, 26)),
    ],
)
def test_resolve_published(
    text: str, url: str | None, declared: str | None, expected: date | None
) -> None:
    got = resolve_published(clean_text(text), url=url, declared=declared, fetched=REF)
    assert got == expected


def test_resolve_published_without_a_fetch_day_leaves_relative_dates_unknown() -> None:
    assert resolve_published("标题\n发布时间：3天前", declared="昨天") is None


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
    "發佈",
    "于",
    "於",
    "時間",
    "posting period",
    "-may-",
]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(_DATE_PIECES), max_size=60).map("".join))
def test_candidate_scans_agree_with_full_scans(s: str) -> None:
    from analysis.normalise import dates, deadlines, published
    from analysis.normalise.context import gated_finditer

    def spans(matches: Iterable[re.Match[str]]) -> list[tuple[tuple[int, int], str | None]]:
        return [(m.span(), m.lastgroup) for m in matches]

    for t in (s, s.lower()):
        assert spans(dates._date_matches(t)) == spans(dates._DATE_RE.finditer(t))
        assert spans(published._published_labels(t)) == spans(
            published._PUBLISHED_LABEL.finditer(t)
        )
        fast = [m.span() for m in deadlines._deadline_labels(t)]
        assert fast == [m.span() for m in gated_finditer(deadlines._DEADLINE_LABEL, t, "deadline")]
