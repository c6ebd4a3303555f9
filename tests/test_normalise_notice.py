"""normalise_notice end to end; the evidence contract on own text and on the shared corpus."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from analysis.models import NormalisedNotice, ParsedNotice
from analysis.normalise import TAXONOMY_VERSION, normalise_notice
from analysis.normalise.context import load_vocab

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus" / "real_postings.jsonl"

NOTICE = ParsedNotice(
    url="https://example.org/notice/1",
    title="某國際傳播中心2025年公開招聘公告",
    text="""某国际传播中心2025年公开招聘工作人员公告
发布日期:2025年3月1日
一、招聘岗位
1.英语编辑(2名)
负责英文稿件的翻译、审校;英语专业八级,具有海外留学经历者优先。
2.AIGC视频编导(1名)
熟练使用Midjourney、SD等工具出图,负责AI视频制作;负责SD卡素材备份。
二、报名条件
所有岗位均须具有本科及以上学历,年龄35周岁以下,中共党员优先。
三、报名时间
2025年3月3日至3月14日17:00。""",
    published=None,
    employer="某国际传播中心",
)


def _all_evidence_ok(notice: NormalisedNotice) -> None:
    for p in notice.positions:
        for f in p.findings:
            ev = f.evidence
            assert ev.text == p.text[ev.start : ev.end], (f, p.title)
            assert ev.text, f


def test_normalise_notice_end_to_end() -> None:
    n = normalise_notice(NOTICE, fetched_at=datetime(2025, 4, 1, 8, 0))
    assert n.title == "某国际传播中心2025年公开招聘公告"
    assert n.published == date(2025, 3, 1)
    assert n.deadline == date(2025, 3, 14)
    assert n.taxonomy_version == TAXONOMY_VERSION
    assert [p.seq for p in n.positions] == [1, 2]
    editor, video = n.positions
    assert (editor.title, editor.headcount, editor.role_family) == (
        "英语编辑",
        2,
        "editor_translator",
    )
    assert (video.headcount, video.role_family) == (1, "video_visual")
    assert editor.first("language") is not None and editor.first("language").value == "en"
    assert editor.first("overseas").required is False
    assert editor.first("education").value == "bachelor"
    assert editor.first("age_max").value == "35"
    assert editor.first("party_member").value == "preferred"
    assert "stable_diffusion" in video.values("skill")
    assert video.values("aigc")
    assert not editor.values("aigc")
    _all_evidence_ok(n)


def test_published_string_wins_and_year_less_deadline_uses_it() -> None:
    parsed = ParsedNotice(url="u", title="t", text="报名截止:1月10日", published="2024-12-20")
    n = normalise_notice(parsed, fetched_at=datetime(2025, 2, 1))
    assert (n.published, n.deadline) == (date(2024, 12, 20), date(2025, 1, 10))


def test_empty_notice() -> None:
    n = normalise_notice(ParsedNotice(url="u", title="", text=""))
    assert len(n.positions) == 1 and n.positions[0].findings == []


def test_vocabulary_versions_agree() -> None:
    versions = {
        str(load_vocab(name)["version"]) for name in ("skills", "aigc", "languages", "overseas")
    }
    assert versions == {TAXONOMY_VERSION}


def _corpus() -> list[dict[str, object]]:
    if not CORPUS.is_file():
        pytest.skip("../shared/corpus is not beside this checkout")
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]


def _normalise(row: dict[str, object]) -> NormalisedNotice:
    text = str(row["text"])
    parsed = ParsedNotice(url=str(row["url"]), title=text.split("\n", 1)[0][:80], text=text)
    return normalise_notice(parsed, fetched_at=datetime(2026, 11, 1))


def test_corpus_evidence_is_exact_substring() -> None:
    for row in _corpus():
        _all_evidence_ok(_normalise(row))


def test_corpus_has_no_stable_diffusion_and_no_news_aigc() -> None:
    """No ad in the development set asks for Stable Diffusion; the AIGC news article is no ad."""
    for row in _corpus():
        n = _normalise(row)
        for p in n.positions:
            assert "stable_diffusion" not in p.values("skill"), row["id"]
            if row["id"] == "en-034":
                assert not p.values("aigc")
