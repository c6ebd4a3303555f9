"""The one table of number words (analysis/normalise/numbers.py) that every detector reads."""

from __future__ import annotations

import pytest

from analysis.normalise.numbers import (
    CN_SMALL,
    cn_digit_value,
    en_number_alt,
    number_word_value,
    parse_cn_number,
)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("一", 1),
        ("两", 2),
        ("二", 2),
        ("九", 9),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("三十一", 31),
        ("二零二五", 2025),
        ("二〇二五", 2025),
        ("二○二五", 2025),
        ("零", 0),
        ("", None),
        ("百", None),
        ("十十", None),
        ("一百", None),
        ("3", None),
    ],
)
def test_parse_cn_number(raw: str, value: int | None) -> None:
    assert parse_cn_number(raw) == value


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("一", 1.0),
        ("十", 10.0),
        ("两", 2.0),
        ("半", 0.5),
        ("3", 3),
        ("12", 12),
        ("\uff13", 3),  # full-width ３
        ("\uff11\uff12", 12),
        ("1.5", 1.5),
        ("\uff11.\uff15", 1.5),
        ("two", 2.0),
        ("Three", 3.0),
        ("TEN", 10.0),
        ("a", 1.0),
        ("an", 1.0),
        ("half a", 0.5),
        ("Half A", 0.5),
        ("", None),
        ("eleven", None),
        ("十二", None),  # one numeral only: a count, not a date part
        ("1.", None),
        ("\u00b2", None),  # superscript two: a digit to str.isdigit, not a decimal digit
        ("nan", None),
    ],
)
def test_number_word_value(raw: str, value: float | None) -> None:
    assert number_word_value(raw) == value


def test_digits_give_ints_and_words_floats() -> None:
    # Callers that count (headcount, days ago) rely on whole numbers staying ints.
    assert type(number_word_value("7")) is int
    assert type(number_word_value("七")) is float
    assert type(number_word_value("1.5")) is float


def test_every_small_numeral_has_a_value() -> None:
    assert [number_word_value(c) for c in CN_SMALL] == [1, 2, 2, 3, 4, 5, 6, 7, 8, 9, 10]


@pytest.mark.parametrize(
    ("c", "value"), [("一", 1), ("二", 2), ("三", 3), ("两", 2), ("\u3007", 0), ("十", None)]
)
def test_cn_digit_value(c: str, value: int | None) -> None:
    assert cn_digit_value(c) == value


def test_en_number_alt() -> None:
    assert en_number_alt(5) == "one|two|three|four|five"
    assert en_number_alt() == "one|two|three|four|five|six|seven|eight|nine|ten"
