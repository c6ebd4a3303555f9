"""jobboard.parse_jobboard_posting: JSON-LD JobPosting first, DOM second."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from mirror_helpers import load_page, notice_rel, notices, page_url
from parsel import Selector

from analysis.extract.pages import parse_notice
from analysis.extract.pages.jobboard import parse_jobboard_posting


def test_mirror_postings() -> None:
    for notice in notices("jobs"):
        rel = notice_rel(notice)
        parsed = parse_jobboard_posting(load_page(rel), page_url(rel))
        pos = notice["positions"][0]
        assert parsed.title == notice["title"], rel
        assert parsed.employer == notice["employer_en"], rel
        for line in pos["duties"] + pos["requirements"] + notice["intro"]:
            assert line in parsed.text.split("\n"), (rel, line)
        if notice.get("jsonld", True):
            assert parsed.body_source == "json-ld"
            assert parsed.published == notice["published"][:10]
            assert parsed.deadline.startswith(notice["valid_through"])
        else:
            assert parsed.body_source == "dom"
            moment = datetime.strptime(notice["published"], "%Y-%m-%d %H:%M")
            assert parsed.published == f"{moment:%B} {moment.day}, {moment.year}"


def test_mirror_posting_without_json_ld_has_visible_date() -> None:
    rel = "jobs/job/bilingual-reporter-bashu-icc/index.html"
    parsed = parse_notice("jobboard", load_page(rel), page_url(rel))
    assert parsed.published == "March 26, 2025"
    assert "At least two years living in the UK or US." in parsed.text


def page_with_ld(data: object, body: str = "<h1>DOM title</h1>") -> Selector:
    raw = data if isinstance(data, str) else json.dumps(data)
    return Selector(
        text=f'<html><head><script type="application/ld+json">{raw}</script></head>'
        f"<body><main>{body}</main></body></html>"
    )


POSTING = {
    "@type": "JobPosting",
    "title": "Video Producer",
    "datePosted": "2025-01-14",
    "validThrough": "2025-02-28",
    "hiringOrganization": {"@type": "Organization", "name": "Qilu ICC"},
    "description": "<p>Make videos.</p><ul><li>Fluent English</li></ul>",
}


@pytest.mark.parametrize(
    "data",
    [
        POSTING,
        [{"@type": "WebSite", "name": "Board"}, POSTING],
        {"@context": "https://schema.org", "@graph": [{"@type": "Organization"}, POSTING]},
        {**POSTING, "@type": ["JobPosting"], "hiringOrganization": "Qilu ICC"},
    ],
)
def test_json_ld_shapes(data: object) -> None:
    parsed = parse_jobboard_posting(page_with_ld(data), "https://jobs.test/job/1/")
    assert parsed.title == "Video Producer"
    assert parsed.published == "2025-01-14"
    assert parsed.employer == "Qilu ICC"
    assert parsed.deadline == "2025-02-28"
    assert parsed.text == "Make videos.\nFluent English"


def test_broken_json_ld_falls_back_to_dom() -> None:
    body = (
        "<h1>Copy Editor</h1><span class='company'>Haihe ICC</span>"
        "<p class='date-posted'>Posted on 5 March 2025</p><div class='job-description'><p>Edit.</p></div>"
    )
    parsed = parse_jobboard_posting(page_with_ld("{not json", body), "https://jobs.test/job/2/")
    assert (parsed.title, parsed.employer, parsed.published) == (
        "Copy Editor",
        "Haihe ICC",
        "5 March 2025",
    )
    assert parsed.text == "Edit."
    assert parsed.body_source == "dom"


# Job boards without JSON-LD (issue 10 §4, §5): the <title> cleaned like every page's, the
# position first and without the board's "招聘"; the description is the block with the most
# text, not <main> with the lists of other postings; the date from a label or the page state.
BOARD = (
    "<html><head><title>{title}</title>{head}</head><body>"
    "<a href='/' title='某聘'><img src='logo.png'></a>"
    "<main><div class='job-title-box'><span class='name'>界面设计师</span></div>"
    "<dl><dt>职位介绍</dt><dd>岗位职责：1、完成界面设计。2、与开发对接。任职要求：1、本科及以上学历；"
    "2、两年以上设计经验；3、熟练使用设计软件，能把握不同设计风格。</dd></dl>{extra}"
    "<ul class='similar'>{similar}</ul></main></body></html>"
)
SIMILAR = "".join(
    f"<li><a href='/a/{n}.shtml'>界面设计师</a><span>10-15k</span><span>某公司</span></li>"
    for n in range(12)
)


def board(title: str, head: str = "", extra: str = "") -> Selector:
    return Selector(text=BOARD.format(title=title, head=head, extra=extra, similar=SIMILAR))


@pytest.mark.parametrize(
    "title",
    [
        "【界面设计师招聘】_猎头顾问招聘信息-某聘",
        "「界面设计师招聘」_某某科技有限公司招聘-某聘",
        "界面设计师招聘_某某科技有限公司 | 某聘",
        "界面设计师-某聘",
    ],
)
def test_board_title_is_the_position(title: str) -> None:
    parsed = parse_jobboard_posting(board(title), "https://www.board.test/a/1.shtml")
    assert parsed.title == "界面设计师"


def test_board_h1_beats_the_title_tag() -> None:
    html = board("【界面设计师招聘】_某公司-某聘", extra="<h1>高级界面设计师</h1>")
    assert (
        parse_jobboard_posting(html, "https://www.board.test/a/1.shtml").title == "高级界面设计师"
    )


def test_board_description_is_the_largest_block_not_main() -> None:
    parsed = parse_jobboard_posting(board("界面设计师-某聘"), "https://www.board.test/a/1.shtml")
    assert parsed.text.startswith("岗位职责")
    assert "10-15k" not in parsed.text and "职位介绍" not in parsed.text


@pytest.mark.parametrize(
    ("head", "extra", "expected"),
    [
        ("", "<p class='gray'>更新于：2022-07-17</p>", "2022-07-17"),
        ('<script>var d = {"pubDate": "2022-07-18T14:51:16"};</script>', "", "2022-07-18T14:51:16"),
        ("", "<p>2003-09-26</p>", "2003-09-26"),  # a bare date only when nothing better exists
        (
            '<script>var d = {"pubDate": "2022-07-18T14:51:16"};</script>',
            "<p>编号 2003-09-26</p>",
            "2022-07-18T14:51:16",
        ),
    ],
)
def test_board_date_from_label_or_page_state(head: str, extra: str, expected: str) -> None:
    parsed = parse_jobboard_posting(board("界面设计师-某聘", head, extra), "https://b.test/a/1")
    assert parsed.published == expected
