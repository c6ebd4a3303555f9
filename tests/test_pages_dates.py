"""Publication dates a page shows its reader (issue 10 §3): the label vocabulary (发布日期,
发表于, Posted, Updated…), every date form after a label, the month of a magazine issue, and
never an exam, interview, registration or birth date."""

from __future__ import annotations

import pytest
from parsel import Selector

from analysis.extract.pages.cms import parse_cms_notice
from analysis.extract.pages.dates import MAX_LABELS, issue_date, labelled_date
from tests.test_pages_article import unknown_site_page


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("标题\n发布日期：2024年5月8日", "2024年5月8日"),  # Y-M-D shapes are kept as written
        ("发布时间: | 2016-11-22 10:00", "2016-11-22 10:00"),
        ("作者：某某 发表于 2023-01-10 07:07", "2023-01-10 07:07"),
        ("来源：人力资源部\u3000\u3000发布时间：2026年09月17日\u3000\u3000浏览次数：109", "2026年09月17日"),
        ("来源：某某网 时间：2004年10月21日14:18", "2004年10月21日14:18"),
        ("Posted on September 10th, 2005 10:56 am", "2005-09-10"),
        ("Updated: 14-May-2021", "2021-05-14"),
        ("Date posted: 06/20/2021", "2021-06-20"),
        ("Last updated May 14, 2021", "2021-05-14"),
        ("日期：\n2024/7/2", "2024/7/2"),  # a label alone on its line takes the next line's date
        # M/D/YYYY with a 12-hour clock: the US rendering, month first even when both fit
        ("作者： 来源： 发布日期： 7/5/2005 9:23:57 PM", "2005-07-05"),
        ("发布日期：25/12/2004 11:00:00", "2004-12-25"),  # a first number > 12 is the day
    ],
)  # fmt: skip
def test_labelled_dates(text: str, expected: str) -> None:
    assert labelled_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "（一）笔试\n1.时间和地点\n时间：2026年3月15日上午9:00",  # an exam's time
        "面试安排\n日期：2026年4月1日",
        "报名时间：2026年3月1日至3月10日",
        "截止时间：2026年3月10日",
        "出生日期：1990年1月1日",
        "成文日期：2022年01月27日",
        "发布日期：见附件",  # a label with no date after it
        "发布日期：3月10日",  # year-less: its year is the normaliser's to infer, not ours
        "updated our privacy policy in 2021",  # a date that does not start right after the label
        "发布日期：7/5/2005",  # ambiguous without a clock: unknown
    ],
)
def test_no_publication_date(text: str) -> None:
    assert labelled_date(text) is None


def test_a_published_label_beats_a_bare_date_label_before_it() -> None:
    assert labelled_date("日期：2024-01-01\n发布时间：2024-02-02") == "2024-02-02"


def test_hostile_repeats_stay_bounded() -> None:
    text = "发布日期：无\n" * (MAX_LABELS * 50) + "发布日期：2024-01-01"
    assert labelled_date(text) is None  # past the bound: unknown, and fast


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("……（未完待续）\n——《某某之春》1998年3月号", "1998-03-01"),
        ("原载《某某杂志》（2004年12月号）", "2004-12-01"),
        ("《某某》1998年13月号", None),  # no such month
        ("1998年3月号", None),  # not a citation of a magazine
        ("《某某》1998年3月10日", None),  # a newspaper's day is not an issue
    ],
)
def test_magazine_issue(text: str, expected: str | None) -> None:
    assert issue_date(text) == expected


def test_issue_month_dates_a_page_with_nothing_else() -> None:
    citation = "<p>——《某某之春》1998年3月号</p>"
    parsed = parse_cms_notice(Selector(text=unknown_site_page(label=citation)), "https://x.test/a")
    assert (parsed.published, parsed.published_source) == ("1998-03-01", "issue")


def test_english_label_beats_the_url() -> None:
    label = "<p class='meta'>Posted on May 14, 2021</p>"
    html = unknown_site_page(label=label)
    parsed = parse_cms_notice(Selector(text=html), "https://x.test/202405/t20240501_9.html")
    assert (parsed.published, parsed.published_source) == ("2021-05-14", "label")
