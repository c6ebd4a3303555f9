"""Normalise stage, shared helpers: number words, one table for every detector.

Input: a short numeral a detector's regex matched: 三, 十四, 二零二五, 两, 半, 1.5, ３, "two", "half a".
Output: its value (`parse_cn_number`, `number_word_value`), and the character classes and
alternations the detectors' regexes use to match such numerals.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = [
    "CN_DIGITS",
    "CN_ONE_TO_TEN",
    "CN_SMALL",
    "EN_NUMBERS",
    "cn_digit_value",
    "en_number_alt",
    "number_word_value",
    "parse_cn_number",
]

# Chinese digits as written in dates and counts; U+3007, 零 and ○ (and a Latin O typed for
# U+3007) are zero.
CN_DIGITS: Final[dict[str, int]] = {
    "\u3007": 0,
    "零": 0,
    "○": 0,
    "O": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
# Regex character classes (without brackets): the numerals one to ten, as list numbering writes
# them (no 两), and as counts write them (两名, 两年).
CN_ONE_TO_TEN: Final = "一二三四五六七八九十"
CN_SMALL: Final = "一两二三四五六七八九十"
# English number words, in the order the detectors' alternations list them.
EN_NUMBERS: Final[dict[str, int]] = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
# Every word `number_word_value` knows, lower-cased: a small Chinese numeral, 半, an English
# number word, and the articles of "a year", "an hour", "half a year".
_WORD_VALUES: Final[dict[str, float]] = {
    **{c: float(CN_DIGITS[c]) for c in CN_SMALL if c in CN_DIGITS},
    "十": 10.0,
    "半": 0.5,
    "a": 1.0,
    "an": 1.0,
    **{w: float(n) for w, n in EN_NUMBERS.items()},
    "half a": 0.5,
}
_INTEGER: Final = re.compile(r"\d+")  # \d: any decimal digit, which int() and float() read
_DECIMAL: Final = re.compile(r"\d+(?:\.\d+)?")


def en_number_alt(upto: int = 10) -> str:
    """A regex alternation of the English number words one … `upto` ("one|two|three")."""
    return "|".join(w for w, n in EN_NUMBERS.items() if n <= upto)


def cn_digit_value(c: str) -> int | None:
    """The value of one Chinese digit (一 → 1, 两 → 2, 零 → 0), else None."""
    return CN_DIGITS.get(c)


def parse_cn_number(s: str) -> int | None:
    """Chinese numerals: a year digit by digit (二零二五 → 2025); 十 / 十四 / 二十 / 三十一 → 10 / 14 / 20 / 31."""
    if not s:
        return None
    if "十" not in s:
        digits = [CN_DIGITS.get(c) for c in s]
        if any(d is None for d in digits):
            return None
        return int("".join(str(d) for d in digits))
    tens, _, ones = s.partition("十")
    t = CN_DIGITS.get(tens) if tens else 1
    o = CN_DIGITS.get(ones) if ones else 0
    if t is None or o is None:
        return None
    return t * 10 + o


def number_word_value(raw: str) -> int | float | None:
    """The value of a small number as a detector's regex matched it, else None.

    Digits (ASCII or full-width) give an int, with a decimal part a float (1.5); a Chinese
    numeral 一 … 十 or 两, 半, an English word one … ten, a/an ("a year") and "half a" give a
    float. Case does not matter.
    """
    if _INTEGER.fullmatch(raw):
        return int(raw)
    word = raw.lower()
    value = _WORD_VALUES.get(word)
    if value is not None:
        return value
    return float(word) if _DECIMAL.fullmatch(word) else None
