"""Languages, native speakers and `required`, one table per error class of issue 11 §3.

Every sentence is constructed for the test (English variants, Traditional characters,
full-width forms, negations); none is copied from an ad.
"""

from __future__ import annotations

import pytest

from analysis.normalise.languages import detect_languages, detect_native_speakers
from analysis.normalise.text import clean_text


def _required(text: str) -> dict[str, bool | None]:
    return {f.value: f.required for f in detect_languages(clean_text(text))}


def _natives(text: str) -> set[str]:
    return {f.value for f in detect_native_speakers(clean_text(text))}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # both languages of a pair of writing or translating
        ("Duties: drafting documents in Chinese and English.", {"zh", "en"}),
        ("负责中英文写作与编辑。", {"zh", "en"}),
        ("岗位:口笔译员(中葡文)", {"zh", "pt"}),
        ("负责中葡/葡中互译", {"zh", "pt"}),
        ("具备良好的中日文表达能力", {"zh", "ja"}),
        ("能使用中英韩三国语言沟通", {"zh", "en", "ko"}),
        ("要求外语(英/日)听说流利", {"en", "ja"}),
        # every language of a long list
        (
            "熟练掌握英语、法语、德语、西班牙语、葡萄牙语、阿拉伯语之一",
            {"en", "fr", "de", "es", "pt", "ar"},
        ),
        (
            "Languages:\nBrazilian Portuguese, Castilian Spanish, Italian (Swiss)",
            {"pt", "es", "it"},
        ),
        ("招收专业:英语(050201)、泰语(050220)", {"en", "th"}),
        # Traditional characters
        ("要求英語流利,懂葡萄牙語、粵語及普通話", {"en", "pt", "yue", "zh"}),
        ("須具備葡文及中文翻譯能力", {"pt", "zh"}),
        # English names of the language
        ("Chinese (Simplified)\u2013English localization reviewer", {"zh", "en"}),
        ("Work in Mandarin (native); C1 English", {"zh", "en"}),
        ("负责游戏内容的英文本地化", {"en"}),
    ],
)
def test_languages_found(text: str, expected: set[str]) -> None:
    assert set(_required(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "外语不限,专业不限。",  # a waiver
        "No need to speak Chinese.",
        "推动中西文化交流",  # 中西 is China and the West
        "中法建交纪念活动",
        "We run English-language news sites.",  # the employer's outlet
        "负责葡文网站的运营",
    ],
)
def test_languages_not_asked(text: str) -> None:
    assert _required(text) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # preferred
        ("熟悉阿拉伯语者优先", {"ar": False}),
        ("Spanish is desirable.", {"es": False}),
        ("Some Arabic would be a plus.", {"ar": False}),
        ("French preferred.", {"fr": False}),
        ("能用英文、日语作为工作语言者优先", {"en": False, "ja": False}),
        ("法語、西班牙語專業優先", {"fr": False, "es": False}),
        # alternatives: one of them is asked
        ("可使用英、俄、日等任意语种", {"en": None, "ru": None, "ja": None}),
        ("Fluency in one of French, German or Spanish.", {"fr": None, "de": None, "es": None}),
        ("Fluent English or Spanish.", {"en": None, "es": None}),
        ("流利的英文或泰语写作能力", {"en": None, "th": None}),
        ("熟练使用英语或所在国语言", {"en": None}),
        ("Native speaker of a target language (e.g., Korean, Japanese)", {"ko": None, "ja": None}),
        # otherwise required
        ("精通英语。", {"en": True}),
        ("Good command of written Portuguese.", {"pt": True}),
        ("负责中英文写作", {"zh": True, "en": True}),
        ("英语口语流利,普通话标准", {"en": True, "zh": True}),
        ("\uff29\uff25\uff2c\uff34\uff33 \uff17", {"en": True}),  # full-width IELTS 7: asks English
    ],
)
def test_required_preferred_or_alternative(text: str, expected: dict[str, bool | None]) -> None:
    assert _required(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Spanish Translators (Native Speakers)\nJoin our team.", {"es"}),
        ("Mandarin (native) annotator wanted", {"zh"}),
        ("Mother tongue: Arabic", {"ar"}),
        ("Korean as your mother tongue", {"ko"}),
        ("Native English speaker", {"en"}),
        ("Native or near-native English", {"en"}),  # native as one of alternatives
        ("以俄语为母语者", {"ru"}),
        ("母語為日語", {"ja"}),  # Traditional
        # not native: near-native, native-like, countries, 母语水平, non-native
        ("English at or near native level", set()),
        ("near-native English", set()),
        ("曾在以英语为母语的国家留学者优先", set()),
        ("Studied in native English-speaking countries", set()),
        ("英语达到母语水平", set()),
        ("Texts by non-native English speakers", set()),
    ],
)
def test_native_speakers(text: str, expected: set[str]) -> None:
    assert _natives(text) == expected


@pytest.mark.parametrize(
    "text", ["English at or near native level", "Native-like English writing", "英语达到母语水平"]
)
def test_near_native_is_not_the_native_level(text: str) -> None:
    assert all(f.level != "native" for f in detect_languages(clean_text(text)))
