"""The monthly report over small synthetic frames: figures, charts, escaping, edge cases."""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from analysis import report

POSITION_COLUMNS = [
    "position_id", "notice_id", "seq", "title", "employer", "province", "level", "source_id",
    "url", "published", "deadline", "month", "role_family", "headcount", "aigc", "text",
]  # fmt: skip
FINDING_COLUMNS = ["position_id", "field", "value", "level", "required", "years", "evidence"]
AIGC_TEXT = "岗位职责：制作短视频。任职要求：熟练使用AIGC工具生成图文内容；有海外留学经历者优先。"


def make_positions(rows: list[dict[str, Any]]) -> pd.DataFrame:
    full = []
    for i, row in enumerate(rows, start=1):
        base = {
            "position_id": i, "notice_id": i, "seq": 1, "title": f"英语编辑{i}",
            "employer": "浙江国际传播中心", "province": "Zhejiang", "level": "provincial",
            "source_id": "demo", "url": f"https://example.org/n/{i}?a=1&b=2", "published": None,
            "deadline": None, "role_family": "editor", "headcount": 1, "aigc": False,
            "text": "岗位职责：英文采编。",
        }  # fmt: skip
        full.append(base | row)
    frame = pd.DataFrame(full, columns=[c for c in POSITION_COLUMNS if c != "month"])
    frame["published"] = pd.to_datetime(frame["published"])
    frame["deadline"] = pd.to_datetime(frame["deadline"])
    frame["month"] = frame["published"].dt.strftime("%Y-%m")
    frame["headcount"] = frame["headcount"].astype("Int64")
    frame["aigc"] = frame["aigc"].astype(bool)
    return frame[POSITION_COLUMNS]


def make_findings(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    records = [
        {"position_id": r[0], "field": r[1], "value": r[2], "level": None, "required": True,
         "years": None, "evidence": r[3] if len(r) > 3 else r[2]}
        for r in rows
    ]  # fmt: skip
    return pd.DataFrame(records, columns=FINDING_COLUMNS)


@pytest.fixture
def positions() -> pd.DataFrame:
    # 2024-01: 4 positions (1 AIGC); 2024-02: none; 2024-03: 2 positions (1 AIGC, hostile text).
    return make_positions(
        [
            {"published": "2024-01-03", "deadline": "2024-01-31", "aigc": True, "text": AIGC_TEXT,
             "title": "AIGC内容编辑"},
            {"published": "2024-01-10", "deadline": "2024-02-10"},
            {"published": "2024-01-10"},
            {"published": "2024-01-20", "employer": "广西国际传播中心", "province": "Guangxi"},
            {"published": "2024-03-05", "deadline": "2024-03-31", "aigc": True,
             "title": "<b>AIGC</b> 工程师", "employer": "<script>alert(1)</script>中心",
             "url": "javascript:alert(1)", "text": AIGC_TEXT},
            {"published": "2024-03-06", "employer": "重庆国际传播中心", "province": "Chongqing"},
        ]
    )  # fmt: skip


@pytest.fixture
def findings() -> pd.DataFrame:
    return make_findings(
        [
            (1, "aigc", "aigc", "熟练使用AIGC工具生成图文内容"),
            (5, "aigc", "aigc", "熟练使用AIGC工具生成图文内容"),
            (1, "language", "en"),
            (2, "language", "en"),
            (3, "language", "ru"),
            (5, "language", "en"),
            (1, "overseas", "study", "有海外留学经历者优先"),
            (5, "overseas", "study", "有海外留学经历者优先"),
            (6, "skill", "midjourney", "Midjourney"),
        ]
    )


def _attr_values(page: str, name: str) -> list[str]:
    return re.findall(rf'\b{name}\s*=\s*"([^"]*)"', page)


def test_report_files_and_charts(tmp_path: Path, positions, findings) -> None:
    paths = report.build_report(positions, findings, month="2024-01", out_dir=tmp_path)
    assert paths.html == tmp_path / "report-2024-01.html"
    assert paths.markdown == tmp_path / "report-2024-01.md"
    page = paths.html.read_text("utf-8")
    drawn = ("positions", "languages", "overseas", "aigc", "provinces")
    assert page.count("<svg") == len(drawn)
    for name in drawn:
        assert f'id="chart-{name}"' in page
    # charts keep text as text, with CJK fonts first
    assert "<text" in page and "Noto Sans CJK SC" in page
    markdown = paths.markdown.read_text("utf-8")
    charts = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", markdown)
    assert len(charts) == len(drawn)
    for chart in charts:
        assert (tmp_path / chart).read_text("utf-8").lstrip().startswith("<?xml")


def test_report_is_self_contained(tmp_path: Path, positions, findings) -> None:
    page = report.build_report(positions, findings, month="2024-03", out_dir=tmp_path)
    html = page.html.read_text("utf-8")
    assert "<script" not in html.lower()
    assert _attr_values(html, "src") == []
    assert "@import" not in html and "url(http" not in html
    notice_urls = set(positions["url"])
    for href in _attr_values(html, "href"):
        assert href.startswith("#") or href.replace("&amp;", "&") in notice_urls, href


def test_report_escapes_untrusted_text(tmp_path: Path, positions, findings) -> None:
    paths = report.build_report(positions, findings, month="2024-03", out_dir=tmp_path)
    html = paths.html.read_text("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;中心" in html
    assert "&lt;b&gt;AIGC&lt;/b&gt; 工程师" in html
    assert "javascript:" not in html  # unsafe link dropped, not linked
    assert "https://example.org/n/1?a=1&amp;b=2" not in html  # (month 2024-03 shows 5 only)
    markdown = paths.markdown.read_text("utf-8")
    assert "<script" not in markdown and "<b>" not in markdown
    assert "javascript:" not in markdown


def test_headline_figures(tmp_path: Path, positions, findings) -> None:
    paths = report.build_report(positions, findings, month="2024-03", out_dir=tmp_path)
    html, markdown = paths.html.read_text("utf-8"), paths.markdown.read_text("utf-8")
    for text in (html, markdown):
        assert "2 positions" in text
        assert "1 of 2 (50.0%)" in text  # AIGC and overseas in March
        assert "2024-02" in text  # previous month column, no positions there
        assert "2023-03" in text  # same month last year, outside the data
    assert html.count('class="flag">n&lt;5') >= 3
    assert "*n&lt;5*" in markdown
    assert "No positions" not in html


def test_headline_vs_previous_month(tmp_path: Path, positions, findings) -> None:
    april = make_positions([{"published": "2024-04-01"}] * 5).assign(position_id=range(7, 12))
    more = pd.concat([positions, april])
    paths = report.build_report(more, findings, month="2024-04", out_dir=tmp_path)
    html = paths.html.read_text("utf-8")
    assert "+3 (+150%)" not in html  # no percentage change on a base below 5 positions
    assert '<td class="num">+3</td>' in html
    assert "0 of 5 (0.0%)</td>" in html  # five positions: no n<5 flag on this figure
    assert "-50.0 pp" in html  # AIGC share 50% in March → 0% in April


def test_aigc_table_in_month(tmp_path: Path, positions, findings) -> None:
    html = report.build_report(positions, findings, month="2024-01", out_dir=tmp_path).html
    page = html.read_text("utf-8")
    assert "AIGC内容编辑" in page
    assert "<mark>熟练使用AIGC工具生成图文内容</mark>" in page
    assert '<a href="https://example.org/n/1?a=1&amp;b=2"' in page
    assert "latest ones" not in page


def test_aigc_table_falls_back_to_latest(tmp_path: Path, findings) -> None:
    frame = make_positions(
        [
            {"published": "2024-01-03", "aigc": True, "text": AIGC_TEXT, "title": "AIGC内容编辑"},
            {"published": "2024-02-03"},
        ]
    )
    page = report.build_report(frame, findings, month="2024-02", out_dir=tmp_path).html
    text = page.read_text("utf-8")
    assert "No AIGC position in 2024-02; the latest ones in the data:" in text
    assert "AIGC内容编辑" in text


def test_new_employers_section(tmp_path: Path, positions, findings) -> None:
    page = report.build_report(positions, findings, month="2024-03", out_dir=tmp_path).markdown
    text = page.read_text("utf-8")
    new = text.split("## New employers")[1].split("## ")[0]
    assert "重庆国际传播中心" in new and "&lt;script&gt;" in new
    assert "浙江国际传播中心" not in new  # first seen in January
    first = report.build_report(positions, findings, month="2024-01", out_dir=tmp_path).markdown
    assert "every employer is new" in first.read_text("utf-8")


def test_month_without_postings_inside_range(tmp_path: Path, positions, findings) -> None:
    paths = report.build_report(positions, findings, month="2024-02", out_dir=tmp_path)
    for path in (paths.html, paths.markdown):
        assert "No positions were published in 2024-02" in path.read_text("utf-8")
    assert paths.html.read_text("utf-8").count("<svg") == 5


def test_month_outside_range(tmp_path: Path, positions, findings) -> None:
    paths = report.build_report(positions, findings, month="2025-07", out_dir=tmp_path)
    assert "No postings dated 2025-07: the data covers 2024-01 to 2024-03." in (
        paths.html.read_text("utf-8")
    )


def test_month_defaults_to_latest(tmp_path: Path, positions, findings) -> None:
    paths = report.build_report(positions, findings, month=None, out_dir=tmp_path)
    assert paths.html.name == "report-2024-03.html"


def test_one_posting(tmp_path: Path) -> None:
    frame = make_positions([{"published": "2024-05-17", "deadline": "2024-06-01"}])
    paths = report.build_report(frame, make_findings([]), month=None, out_dir=tmp_path)
    html = paths.html.read_text("utf-8")
    assert paths.html.name == "report-2024-05.html"
    assert html.count("<svg") == 4  # no AIGC role: no AIGC chart
    assert 'id="chart-aigc"' not in html
    assert "1 employer published 1 recruitment notice with 1 position and 1 place" in html
    assert "0 of 1 (0.0%)" in html and "n&lt;5" in html
    assert "No language requirement found yet" in html
    assert "No position in the data mentions generative AI" in html


def test_empty_store(tmp_path: Path) -> None:
    empty_positions = make_positions([])
    paths = report.build_report(empty_positions, make_findings([]), month=None, out_dir=tmp_path)
    month = pd.Timestamp.now().strftime("%Y-%m")
    assert paths.html.name == f"report-{month}.html"
    for path in (paths.html, paths.markdown):
        text = path.read_text("utf-8")
        assert "There is no data yet" in text
        assert "No crawl runs recorded." in text
    assert "<svg" not in paths.html.read_text("utf-8")


def test_empty_store_with_month(tmp_path: Path) -> None:
    paths = report.build_report(
        make_positions([]), make_findings([]), month="2024-01", out_dir=tmp_path / "new"
    )
    assert paths.markdown == tmp_path / "new" / "report-2024-01.md"


def test_runs_section(tmp_path: Path, positions, findings) -> None:
    runs = pd.DataFrame(
        {
            "run_id": [1, 2], "started_at": ["2024-03-01T02:00:00", "2024-03-02T02:00:00"],
            "finished_at": ["2024-03-01T02:10:00", None], "status": ["ok", "running"],
            "pages": [120, 30], "notices_new": [4, 0], "positions_new": [6, 0], "errors": [2, 1],
        }
    )  # fmt: skip
    paths = report.build_report(positions, findings, month="2024-03", out_dir=tmp_path, runs=runs)
    for path in (paths.html, paths.markdown):
        text = path.read_text("utf-8")
        assert "2 crawl runs recorded: 150 pages fetched, 3 errors." in text
        assert "2024-03-01 02:10" in text
    without = report.build_report(positions, findings, month="2024-03", out_dir=tmp_path)
    assert "No crawl runs recorded." in without.html.read_text("utf-8")


def test_bad_month_is_refused(tmp_path: Path, positions, findings) -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        report.build_report(positions, findings, month="../../x", out_dir=tmp_path)


def test_no_font_warnings(tmp_path: Path, positions, findings) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report.build_report(positions, findings, month="2024-01", out_dir=tmp_path)
    assert not [w for w in caught if "Glyph" in str(w.message) or "findfont" in str(w.message)]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a?b=1", "https://example.org/a?b=1"),
        ("http://example.org", "http://example.org"),
        ("javascript:alert(1)", None),
        ("data:text/html,<script>", None),
        ("//example.org/x", None),
        (None, None),
    ],
)
def test_safe_url(url: Any, expected: str | None) -> None:
    assert report.safe_url(url) == expected


@pytest.mark.parametrize(
    ("text", "evidence", "expected"),
    [
        (AIGC_TEXT, "熟练使用AIGC工具", "任职要求：熟练使用AIGC工具生成图文内容；"),
        ("第一句。熟悉AIGC", "AIGC", "熟悉AIGC"),
        ("无关文字。", "AIGC", "AIGC"),  # evidence not in text: shown alone
        (AIGC_TEXT, None, ""),
    ],
)
def test_evidence_sentence(text: str, evidence: str | None, expected: str) -> None:
    assert report.evidence_sentence(text, evidence) == expected


def test_evidence_sentence_is_clipped_around_evidence() -> None:
    text = "甲" * 300 + "AIGC" + "乙" * 300
    sentence = report.evidence_sentence(text, "AIGC", limit=60)
    assert "AIGC" in sentence and sentence.startswith("…") and sentence.endswith("…")
    assert len(sentence) == 62


def test_md_escape() -> None:
    assert report.md_escape("a|b *c* <d>\n[e](f)") == r"a\|b \*c\* &lt;d&gt; \[e\](f)"
