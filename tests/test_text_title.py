"""The title of a posting given as text only (`icc-talent normalise` lines without "title"):
labelled titles, headings, breadcrumbs and page chrome before the title, and the first line
otherwise. Every text here is our own wording."""

from __future__ import annotations

import pytest

from analysis.batch import normalise_record
from analysis.normalise.text_title import HEAD_CHARS, TITLE_CHARS, title_of_text


@pytest.mark.parametrize(
    ("text", "title"),
    [
        # A labelled title wins over a first line that is a heading or a field line.
        (
            "Job Opening\nPosting Title: Senior Video Editor, P3\nDuty Station: Geneva",
            "Senior Video Editor, P3",
        ),
        ("Vacancy No: 12/2026/MEDIA Title: Translator   Grade: G5\n", "Translator"),
        (
            "Job Description\n• Job Title: Social Media Producer\n• Location: Remote",
            "Social Media Producer",
        ),
        ("About us\nPosition: English Copy Editor\nWe are a news agency.", "English Copy Editor"),
        ("Job title \u2013 Multimedia Reporter\n", "Multimedia Reporter"),
        ("招聘公告\n职位名称：英语新闻编辑\n工作地点：杭州", "英语新闻编辑"),
        ("職位名稱：中葡翻譯員\n工作簡介", "中葡翻譯員"),
        ("岗位名称: 海外社交媒体运营\n", "海外社交媒体运营"),
        # A position table's row below its header: the cell under the title column.
        (
            "某省考试录用公务员职位表\n招录机关 职位名称 职位代码 招录人数 学历 备注\n"
            "某市委宣传部 一级科员 15002021 1 本科及以上",
            "一级科员",
        ),
        ("单位\t岗位名称\t人数\t专业\t备注\n某中心\t英语编辑\t2\t\t\n", "英语编辑"),
        # an empty title cell, or a row longer than its header, gives no title from the table
        ("单位\t岗位名称\t人数\t专业\n某中心\t\t2\t英语\n", "单位\t岗位名称\t人数\t专业"),
        (
            "职位表\n单位 职位名称 人数 专业\n某 中心 编辑 2 英语 翻译",
            "职位表",
        ),
        # A label with its value on the next line.
        ("JOB TITLE:\nDigital Content Officer\nThe officer will…", "Digital Content Officer"),
        # A heading or breadcrumb first: the second line when it looks like a title.
        ("岗位职责\n视频剪辑师\n1. 负责短视频剪辑。", "视频剪辑师"),
        (
            "当前位置: 首页 > 通知公告 > 正文\n某市国际传播中心2026年公开招聘公告\n正文",
            "某市国际传播中心2026年公开招聘公告",
        ),
        ("Home > Careers\nData Journalist\nApply by May 1.", "Data Journalist"),
        # …but not a sentence, a bullet, a numbered section, a field or another heading.
        ("Job Summary:\nJoin our team to review AI-generated images and text.\n", "Job Summary:"),
        ("Background\n- Support the communications unit\n", "Background"),
        ("岗位职责\n1、负责海外账号运营\n", "岗位职责"),
        ("Responsibilities\nLocation: Beijing\n", "Responsibilities"),
        ("職責\n入職條件\n", "職責"),
        ("工作职责\n岗位要求如下：\n", "工作职责"),
        # Otherwise the first line, as before.
        ("英文编辑（2名）\n岗位职责：翻译、编辑。", "英文编辑（2名）"),
        ("Bilingual Reporter\nAbout the role\n", "Bilingual Reporter"),
        ("Country: Kenya\nClosing date: 1 May 2026\n", "Country: Kenya"),
        ("\n\n   \n  Host and Presenter  \n", "Host and Presenter"),
        # a page's chrome above the ad, as a crawl or a search excerpt keeps it
        (
            "Skip to content Skip to search\nWe are hiring a Copy Editor\nAbout the role",
            "We are hiring a Copy Editor",
        ),
        (
            "Skip to main content\nBack to Jobs\nSocial Media Producer (Cantonese)\nDuties",
            "Social Media Producer (Cantonese)",
        ),
        ("• Help\nShare this job\nTranslation Reviewer\n", "Translation Reviewer"),
        ("facebook Created with Sketch. twitter Created with Sketch.\nNews Editor", "News Editor"),
        ("微信扫码分享\n投诉\n新媒体编辑", "新媒体编辑"),
        # a title that only starts with such a word stays
        ("Help Desk Translator\nDuties", "Help Desk Translator"),
        # chrome alone: the last line is kept rather than nothing
        ("Skip to content", "Skip to content"),
        ("", ""),
        ("   \n\t\n", ""),
    ],
)
def test_title_of_text(text: str, title: str) -> None:
    assert title_of_text(text) == title


def test_the_title_of_a_word_about_the_title_is_not_a_label() -> None:
    """ "title" or "position" inside a sentence labels nothing."""
    text = "We seek an editor.\nThe position is located in Rome; the title is Editor."
    assert title_of_text(text) == "We seek an editor."


def test_titles_are_cut_and_only_the_head_is_read() -> None:
    assert title_of_text("职" * 500) == "职" * TITLE_CHARS
    assert title_of_text("Job Title: " + "x" * 500) == "x" * TITLE_CHARS
    late = "Intro\n" + "a line of the body\n" * (HEAD_CHARS // 10) + "Job Title: Hidden Editor\n"
    assert title_of_text(late) == "Intro"


def test_normalise_without_a_title_uses_it_and_a_given_title_wins() -> None:
    text = "Job Summary\nPosting Title: Chinese Translator\nTranslate documents into Chinese."
    derived = normalise_record({"id": "a", "text": text})
    given = normalise_record({"id": "b", "text": text, "title": "Given Title"})
    assert derived["positions"][0]["title"] == "Chinese Translator"
    assert given["positions"][0]["title"] == "Given Title"
