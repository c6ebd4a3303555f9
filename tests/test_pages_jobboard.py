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
