"""detect_certificates on constructed sentences: one row per way ads name a certificate."""

from __future__ import annotations

import random

import pytest

from analysis.normalise.certificates import _Taken, detect_certificates
from analysis.normalise.text import clean_text


def _certs(text: str) -> list[tuple[str, str | None, str | None]]:
    """(id, level, language) per certificate found in the cleaned text."""
    return [
        (f.value, f.level, f.detail.get("language")) for f in detect_certificates(clean_text(text))
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # TEM-8 / TEM-4 in their usual spellings
        ("应聘者须通过专业八级。", [("TEM-8", None, "en")]),
        ("持专八证书者优先", [("TEM-8", None, "en")]),
        ("英语专业八级,口语流利", [("TEM-8", None, "en")]),
        ("Applicants should hold TEM-8.", [("TEM-8", None, "en")]),
        ("TEM8 certificate preferred", [("TEM-8", None, "en")]),
        ("通过专四即可", [("TEM-4", None, "en")]),
        ("Passed TEM-4 or higher", [("TEM-4", None, "en")]),
        # the majors' test of another language is that language's, not English
        ("俄语专业八级", [("TEM-8", None, "ru")]),
        ("取得西班牙语专业四级证书", [("TEM-4", None, "es")]),
        # HKDSE with the subject naming the language and the level after it
        ("HKDSE English Language Level 3 or above", [("HKDSE", "3", "en")]),
        ("HKDSE Chinese Language (Level 4)", [("HKDSE", "4", "zh")]),
        ("香港中學文憑考試中國語文科第3級", [("HKDSE", "3", "zh")]),
        ("HKDSE English at Level 5**", [("HKDSE", "5**", "en")]),
        # PSC (Putonghua) with its grade
        ("普通话水平测试一级乙等", [("PSC", "一级乙等", "zh")]),
        ("普通话等级证书二级甲等以上", [("PSC", "二级甲等", "zh")]),
        ("普通话二级乙等及以上", [("PSC", "二级乙等", "zh")]),
        ("普通話水平測試二級甲等", [("PSC", "二级甲等", "zh")]),  # Traditional
        # HSK
        ("HSK 5级以上", [("HSK", "5", "zh")]),
        ("HSK6 preferred", [("HSK", "6", "zh")]),
        ("汉语水平考试五级", [("HSK", "5", "zh")]),
        ("ＨＳＫ４级", [("HSK", "4", "zh")]),  # full-width
        # JLPT, also in the old levels ads still write (日语一级 … 四级)
        ("JLPT N1", [("JLPT", "N1", "ja")]),
        ("日语N2以上", [("JLPT", "N2", "ja")]),
        ("日语一级证书", [("JLPT", "1", "ja")]),
        ("日语二级及以上能力证书", [("JLPT", "2", "ja")]),
        ("持日语能力证书者优先", [("JLPT", None, "ja")]),
        # TOPIK, CATTI
        ("TOPIK 5级", [("TOPIK", "5", "ko")]),
        ("CATTI一级口译", [("CATTI", "1", None)]),
        ("CATTI 三级笔译及以上", [("CATTI", "3", None)]),
        # IELTS / TOEFL with scores
        ("雅思7分以上", [("IELTS", "7", "en")]),
        ("IELTS overall 6.5", [("IELTS", "6.5", "en")]),
        ("托福95分", [("TOEFL", "95", "en")]),
        ("TOEFL iBT 100", [("TOEFL", "100", "en")]),
        # CET with scores; 六级/6级 only where English or a CET score makes it the test
        ("大学英语四级425分", [("CET-4", "425", "en")]),
        ("CET-6 500分以上", [("CET-6", "500", "en")]),
        ("英语六级", [("CET-6", None, "en")]),
        ("六级以上英语水平", [("CET-6", None, "en")]),
        ("6级550分及以上", [("CET-6", "550", "en")]),
        ("四级成绩４２５分以上", [("CET-4", "425", "en")]),  # full-width digits
    ],
)
def test_certificate_spellings(text: str, expected: list[tuple[str, str | None, str]]) -> None:
    assert _certs(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "英语专业,本科以上学历",  # a major is not the majors' test
        "外语类相关专业毕业",
        "六级职员岗位",  # a civil-service grade
        "四级主任科员",
        "工作满6级工资档次",
        "无需日语一级证书",  # waived
        "不要求雅思成绩",
    ],
)
def test_not_certificates(text: str) -> None:
    assert _certs(text) == []


def test_taken_spans_match_the_plain_overlap_test() -> None:
    rng = random.Random(7)
    taken, plain = _Taken(), []
    for _ in range(2000):
        start = rng.randrange(0, 500)
        end = start + rng.randrange(0, 6)
        expected = any(s < end and start < e for s, e in plain)
        if end > start:
            assert taken.overlaps(start, end) == expected
        if not expected or end == start:
            taken.add(start, end if end > start else start + 2)
            plain.append((start, end if end > start else start + 2))
