"""Quality floors of the project's default extractor on the real extraction benchmark
(../shared/samples/extraction_benchmark; skips when absent) and the scoring's own rules."""

from __future__ import annotations

import pytest

from benchmarks.extraction_benchmark import (
    benchmark_dir,
    body_f1,
    combination,
    load_pages,
    parse_gold_date,
    score,
)

ROOT = benchmark_dir()
needs_benchmark = pytest.mark.skipif(
    not ROOT.is_dir(), reason=f"extraction benchmark absent ({ROOT}; set ICC_SAMPLES_DIR)"
)
# Floors only go up (measured 0.935 and 0.909 when last raised; issue 10's targets are 0.90 and
# 0.90).
BODY_F1_FLOOR = 0.93
DATE_ACCURACY_FLOOR = 0.90


def test_body_f1_counts_characters_and_words() -> None:
    assert body_f1("招聘英语编辑", "招聘英语编辑") == 1.0
    assert body_f1("", "招聘") == 0.0
    assert body_f1("招聘，编辑！ English", "招聘编辑English") == 1.0  # punctuation, spaces ignored
    assert body_f1("招聘", "招聘编辑") == pytest.approx(2 * 1.0 * 0.5 / 1.5)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2005-5-7 21:23:57", ((2005, 5, 7), True)),
        ("1998-3", ((1998, 3), True)),
        ("2018", ((2018,), True)),
        ("UNKNOWN", (None, True)),
        ("UNKNWON", (None, True)),
        ("", (None, False)),
        ("刘涛", (None, False)),
    ],
)
def test_gold_dates(raw: str, expected: tuple[tuple[int, ...] | None, bool]) -> None:
    assert parse_gold_date(raw) == expected


@needs_benchmark
def test_default_extractor_meets_the_floors() -> None:
    pages = load_pages(ROOT)
    assert len(pages) == 46
    result = score([(page, combination(page)) for page in pages])
    assert result.f1 is not None and result.f1 >= BODY_F1_FLOOR
    assert result.dates_right / result.dates_judged >= DATE_ACCURACY_FLOOR
