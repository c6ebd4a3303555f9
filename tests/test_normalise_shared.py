"""Positions get their own section plus shared conditions only; tables and label-less headings."""

from __future__ import annotations

import pytest

from analysis.models import ParsedNotice
from analysis.normalise import normalise_notice
from analysis.normalise.context import clause_bounds, sentence_bounds
from analysis.normalise.languages import detect_certificates, detect_languages
from analysis.normalise.positions import sections_of
from analysis.normalise.text import clean_text

INTRO_NOTICE = """为加强生成式人工智能内容生产能力,某中心现公开招聘工作人员2名。
一、招聘岗位及条件
1.俄语记者(1名)
岗位职责:负责俄语采访。
任职要求:俄语专业八级。
2.AIGC编辑(1名)
岗位职责:使用AIGC工具制作短视频。
二、基本条件
所有岗位均须具有本科及以上学历。
三、报名方式
请发送邮件,注明应聘岗位。"""


def test_intro_and_procedure_are_not_given_to_positions() -> None:
    n = normalise_notice(ParsedNotice(url="u", title="公告", text=INTRO_NOTICE))
    reporter, aigc = n.positions
    assert not reporter.values("aigc")  # the employer's strategy is not the reporter's duty
    assert aigc.values("aigc")
    assert "生成式人工智能" not in reporter.text and "报名方式" not in reporter.text
    assert "所有岗位均须具有本科及以上学历" in reporter.text
    assert reporter.first("education") is not None
    assert reporter.values("language") == ["ru"]  # 俄语专业八级 is Russian, not English
    for p in n.positions:
        for f in p.findings:
            assert f.evidence.text == p.text[f.evidence.start : f.evidence.end]


@pytest.mark.parametrize(
    ("text", "titles"),
    [
        ("1.英文文案(1名)\n负责推文。\n2.视觉设计(1名)\n负责海报。", ["英文文案", "视觉设计"]),
        (
            "1.英文文案\n岗位职责:负责推文。\n2.视觉设计\n岗位职责:负责海报。",
            ["英文文案", "视觉设计"],
        ),
    ],
)
def test_headings_without_role_noun(text: str, titles: list[str]) -> None:
    assert [s.title for s in sections_of(clean_text(text), "t")] == titles


def test_table_rows_are_positions() -> None:
    text = clean_text(
        "招聘岗位计划表\n岗位名称 | 招聘人数 | 专业 | 其他条件\n英语编辑 | 2 | 英语 | 中共党员优先\n"
        "阿拉伯语编辑 | 1 | 阿拉伯语 | 具有阿拉伯国家留学经历\n二、基本条件\n年龄35周岁以下。\n三、报名方式\n网上报名。"
    )
    sections = sections_of(text, "t")
    assert [(s.title, s.headcount) for s in sections] == [("英语编辑", 2), ("阿拉伯语编辑", 1)]
    assert all("35周岁以下" in s.text and "网上报名" not in s.text for s in sections)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("西班牙语专业八级证书", "es"),
        ("取得俄语专业八级", "ru"),
        ("英语专业八级", "en"),
        ("专业八级", "en"),
    ],
)
def test_majors_test_language(text: str, language: str) -> None:
    (cert,) = detect_certificates(text)
    assert cert.value == "TEM-8" and cert.detail["language"] == language


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Polish Russian translations of news.", ["ru"]),
        ("Native speaker of Polish.", ["pl"]),
    ],
)
def test_polish_is_a_language_only_as_a_name(text: str, codes: list[str]) -> None:
    assert sorted(f.value for f in detect_languages(text)) == codes


@pytest.mark.parametrize(
    "text",
    [
        "一、要求:英语熟练, 有海外经历; 二、待遇 - 面议. Fine and/or good (a) x",
        "Line one.\nLine two, with a clause; and more! Really? yes\n—(dash) and/or\n",
    ],
)
def test_bounds_match_the_regex_definition(text: str) -> None:
    import re

    from analysis.normalise.context import _CLAUSE_END, _SENTENCE_END

    for start in range(len(text)):
        if not text[start].isalnum():
            continue  # findings start on a word, never inside a boundary mark
        end = start + 1
        lo = max(text.rfind("\n", 0, start), text.rfind("。", 0, start), text.rfind(";", 0, start))
        lo = max(lo, text.rfind("!", 0, start), text.rfind("?", 0, start))
        dots = [m.start() for m in re.finditer(r"\.(?=\s|$)", text[:start])]
        lo = max([lo, *dots]) + 1
        m = _SENTENCE_END.search(text, end)
        assert sentence_bounds(text, start, end) == (lo, m.start() if m else len(text))
        c_lo = max(0, start - 80)
        for cm in _CLAUSE_END.finditer(text, c_lo, start):
            c_lo = cm.end()
        nxt = _CLAUSE_END.search(text, end, min(len(text), end + 80))
        expected = (c_lo, nxt.start() if nxt else min(len(text), end + 80))
        assert clause_bounds(text, start, end) == expected, start


def test_every_vocabulary_key_and_code_is_a_string() -> None:
    """YAML 1.1 reads a bare `no` (Norwegian) as False: every key and code must stay a string."""
    from pathlib import Path

    import yaml

    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                assert isinstance(key, str), f"{where}: key {key!r}"
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for item in node:
                assert not isinstance(item, bool), f"{where}: item {item!r}"
                walk(item, where)

    for path in sorted((Path(__file__).resolve().parents[1] / "analysis" / "vocab").glob("*.yaml")):
        walk(yaml.safe_load(path.read_text("utf-8")), path.name)


def test_norwegian_is_no() -> None:
    found = detect_languages(clean_text("任职要求:熟练掌握挪威语,能够翻译新闻稿件。"))
    assert [f.value for f in found] == ["no"]
