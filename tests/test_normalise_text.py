"""clean_text: width, script, invisibles, whitespace; idempotent on any input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.normalise.text import clean_text, to_simplified


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("招聘条件：本科以上；年龄３５周岁以下", "招聘条件:本科以上;年龄35周岁以下"),
        ("\uff23\uff25\uff34－６　５００分", "CET-6 500分"),
        ("國際傳播中心招聘英語編輯", "国际传播中心招聘英语编辑"),
        ("進(jìn)一步做好服務(wù)", "进一步做好服务"),
        ("英语(English)编辑", "英语(English)编辑"),  # an English gloss is not pinyin
        ("a\u200bb\ufeffc\u00ad", "abc"),
        ("  行首空格  \t中间   空格  \r\n\r\n\r\n\r\n下一段 ", "行首空格 中间 空格\n\n下一段"),
        ("①英语编辑 ②俄语记者", "(1)英语编辑 (2)俄语记者"),
        ("截止日期。报名“须知”《公告》", "截止日期。报名“须知”《公告》"),
        ("", ""),
    ],
)
def test_clean_text_table(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_to_simplified_leaves_simplified_alone() -> None:
    s = "国际传播中心面向全球招聘多语种编辑记者"
    assert to_simplified(s) is s


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=200))
def test_clean_text_is_idempotent(s: str) -> None:
    once = clean_text(s)
    assert clean_text(once) == once


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "國",
                "語",
                "编辑",
                "(jìn)",
                "，",
                "：",
                "　",
                " ",
                "\n",
                "\r\n",
                "\u200b",
                "①",
                "Ａ",
                "SD卡",
                "e\u0301",
                "\u0301",
                "ﬁ",
                "\t",
                "㈠",
                "⑴",
            ]
        ),
        max_size=40,
    ).map("".join)
)
def test_clean_text_is_idempotent_on_notice_like_text(s: str) -> None:
    once = clean_text(s)
    assert clean_text(once) == once


# The fast steps of clean_text against their plain forms: the gate and special-character scans,
# the Traditional → Simplified map (dict.get for short texts, numpy for long ones), the space
# collapse, and the claim that a pass needs no NFKC re-check.
_STEP_PIECES = [
    "國",
    "語",
    "编辑",
    "a",
    "E",
    " ",
    "  ",
    "\n",
    " \n",
    "\n ",
    "\t",
    "\r\n",
    "\u200b",
    "①",
    "(jìn)",
    "\U0002f800",  # a compatibility ideograph that NFKC makes Traditional
    "\U00020000",
    "😀",
    "\ud800",
    "\uf900",
    "⺀",
    "e\u0301",
    "\u0301",
    "Ａ",
]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(_STEP_PIECES), max_size=120).map("".join))
def test_fast_steps_agree_with_their_plain_forms(s: str) -> None:
    import re
    import unicodedata

    from analysis.normalise import text

    gate = text._t2s_gate()
    assert text._scan(s) == (not gate.isdisjoint(s), text._SPECIAL.search(s) is not None)
    table = text._t2s_table()
    assert text._t2s_map(s) == "".join(map(table.get, s, s))
    plain = re.sub(" {2,}", " ", s).replace(" \n", "\n").replace("\n ", "\n")
    assert text._collapse_spaces(s) == plain
    out, normalized = text._clean_once(s)
    assert not normalized or unicodedata.is_normalized("NFKC", out)
