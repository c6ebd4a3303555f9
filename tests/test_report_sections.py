"""The report's newer parts: province window, pure charts, role clusters, per-source crawl health."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest
from test_report import make_findings, make_positions

from analysis import charts, cluster, report, trends
from analysis.models import FetchedPage, NormalisedNotice, Position
from analysis.source import Source
from analysis.store import connect, save_notice, save_page, save_sources, start_run, transaction
from analysis.store.health import load_source_health

ROLES = (
    ("英语翻译", "负责中译英稿件翻译与审校，英语专业八级。", "translation"),
    ("短视频编导", "负责短视频策划、拍摄与剪辑，熟练使用Premiere。", "video_editing"),
    ("AIGC内容编辑", "使用Stable Diffusion等AIGC工具生成图文内容。", "stable_diffusion"),
    ("驻外记者", "负责海外新闻采访报道，有海外工作经历者优先。", "news_writing"),
)


def _many(months: int = 8, per_month: int = 8) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, found = [], []
    pid = 0
    for m in range(months):
        for j in range(per_month):
            pid += 1
            title, text, skill = ROLES[(m + j) % len(ROLES)]
            rows.append(
                {
                    "published": f"{(pd.Period('2024-01', 'M') + m).strftime('%Y-%m')}-{j + 1:02d}",
                    "title": title,
                    "text": f"{text}工作地点：{('昆明', '杭州', '天津')[j % 3]}，第{m}批。",
                    "province": ("云南", "浙江", "天津")[j % 3],
                    "aigc": skill == "stable_diffusion",
                }
            )
            found.append((pid, "skill", skill, skill))
            if skill == "translation":
                found.append((pid, "language", ("en", "ru", "ar")[m % 3], "外语"))
            if skill == "news_writing":
                found += [
                    (pid, "overseas", "work", "海外工作经历"),
                    (pid, "language", "en", "英语"),
                ]
            if skill == "stable_diffusion":
                found.append((pid, "aigc", "aigc", "AIGC"))
    positions = make_positions(rows)
    return positions, make_findings(found)


# --------------------------------------------------------------------------- province window


def test_province_window_counts_month_and_trailing_year() -> None:
    positions = make_positions(
        [
            {"published": "2023-02-01", "province": "云南"},  # 13 months before: outside
            {"published": "2023-03-01", "province": "云南"},
            {"published": "2024-02-10", "province": "云南"},
            {"published": "2024-02-11", "province": None},
            {"published": "2024-01-05", "province": "浙江"},
            {"published": "2024-03-01", "province": "浙江"},  # after the month: outside
        ]
    )
    out = trends.build_province_window(positions, "2024-02")
    assert out.to_dict("records") == [
        {"province": "云南", "month": 1, "window": 2},
        {"province": "unknown", "month": 1, "window": 1},
        {"province": "浙江", "month": 0, "window": 1},
    ]
    assert trends.build_province_window(positions, "2030-01").empty


# --------------------------------------------------------------------------- charts


def test_province_chart_keeps_cjk_as_text_and_sums_the_rest() -> None:
    frame = pd.DataFrame(
        {
            "province": [f"省{i:02d}" for i in range(20)],
            "month": [1] * 20,
            "window": list(range(40, 20, -1)),
        }
    )
    svg = charts.render_province_chart(frame, "2024-02", "2023-03 to 2024-02")
    assert svg.startswith('<svg id="provinces-chart"')
    assert "省00" in svg and "省14" in svg and "省15" not in svg
    assert "other provinces (5)" in svg
    assert "Noto Sans CJK SC" in svg


@pytest.mark.parametrize("name", ["positions", "languages", "overseas", "aigc"])
def test_measure_charts_are_pure_svg(name: str) -> None:
    positions, findings = _many(months=3, per_month=2)
    measures = trends.build_monthly_measures(positions, findings)
    render = getattr(charts, f"render_{name}_chart")
    svg = render(measures, "2024-02")
    assert svg == render(measures, "2024-02")  # deterministic: same input, same bytes
    assert svg.startswith(f'<svg id="{name}-chart"') and "<text" in svg
    assert charts.TITLES[name] in svg


def test_month_ticks_long_range_shows_years() -> None:
    months = [p.strftime("%Y-%m") for p in pd.period_range("2015-01", "2024-12", freq="M")]
    ticks, labels = charts.month_ticks(months)
    assert labels == [str(y) for y in range(2015, 2025)]
    assert [months[i] for i in ticks] == [f"{y}-01" for y in range(2015, 2025)]
    five = months[-60:]
    assert charts.month_ticks(five)[1][:3] == ["Jan\n2020", "Jul", "Jan\n2021"]


# --------------------------------------------------------------------------- role clusters


def test_role_mix_chart_table_and_drift(tmp_path: Path) -> None:
    positions, findings = _many()
    paths = report.build_report(positions, findings, month="2024-08", out_dir=tmp_path)
    html = paths.html.read_text("utf-8")
    assert 'id="chart-clusters"' in html
    assert "Drift in 2024-08:" in html and "random seed 0" in html
    markdown = paths.markdown.read_text("utf-8")
    assert "## Role mix" in markdown and "report-2024-08-clusters.svg" in markdown
    assert (tmp_path / "report-2024-08-clusters.svg").exists()


def test_role_mix_is_reproducible() -> None:
    positions, findings = _many()
    first = cluster.build_role_mix(positions, findings)
    second = cluster.build_role_mix(positions, findings)
    assert isinstance(first, cluster.RoleMix) and isinstance(second, cluster.RoleMix)
    pd.testing.assert_frame_equal(first.shares, second.shares)
    assert first.names == second.names


def test_role_mix_needs_enough_positions(tmp_path: Path) -> None:
    positions, findings = _many(months=2, per_month=3)
    reason = cluster.build_role_mix(positions, findings)
    assert isinstance(reason, str) and "at least" in reason
    html = report.build_report(positions, findings, month=None, out_dir=tmp_path).html
    text = html.read_text("utf-8")
    assert "Role clusters need at least" in text and 'id="chart-clusters"' not in text


def test_no_clusters_option(tmp_path: Path) -> None:
    positions, findings = _many()
    paths = report.build_report(positions, findings, month=None, out_dir=tmp_path, clusters=False)
    assert "Role mix" not in paths.html.read_text("utf-8")


# --------------------------------------------------------------------------- crawl health


def _page(url: str, source: str, kind: str, error: str | None = None) -> FetchedPage:
    return FetchedPage(
        url=url,
        source_id=source,
        status=200 if kind != "error" else 500,
        fetched_at=datetime(2024, 3, 2, tzinfo=UTC),
        content_hash="h" + url,
        page_kind=kind,
        error=error,
    )


@pytest.fixture
def store(tmp_path: Path) -> Path:
    db = tmp_path / "icc.sqlite"
    conn = connect(db)
    save_sources(
        conn,
        [
            Source(id="good", name="云岭国际传播中心", province="云南"),
            Source(id="empty", name="空站"),
            Source(id="broken", name="坏站"),
            Source(id="new", name="新站"),
        ],
    )
    run = start_run(conn)
    notice = NormalisedNotice(
        url="http://x.test/n/1",
        title="招聘公告",
        text="招聘英语编辑。",
        employer="云岭国际传播中心",
        published=date(2024, 3, 1),
        deadline=None,
        positions=[Position(seq=1, title="英语编辑", text="英语编辑", headcount=1)],
        taxonomy_version="t1",
    )
    with transaction(conn):
        page_id = save_page(conn, _page("http://x.test/n/1", "good", "notice"), run)
        save_notice(conn, page_id, notice, source=Source(id="good", name="good", province="云南"))
        save_page(conn, _page("http://x.test/l", "good", "listing"), run)
        save_page(conn, _page("http://e.test/l", "empty", "listing"), run)
        save_page(conn, _page("http://b.test/l", "broken", "error", "HTTP 500 from b.test"), run)
        conn.execute(
            "UPDATE crawl_runs SET stats = ? WHERE id = ?",
            (json.dumps({"icc/page/listing": 3, "icc/page/error": 1}), run),
        )
    conn.close()
    return db


def test_source_health_flags_zero_yield_and_failing(store: Path, tmp_path: Path) -> None:
    before = store.read_bytes()
    conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    health = load_source_health(conn)
    conn.close()
    by_id = health.set_index("source_id")
    assert by_id.loc["good", "positions"] == 1 and by_id.loc["good", "pages"] == 2
    assert by_id.loc["broken", "errors"] == 1
    assert health.attrs["latest_run_stats"]["icc/page/listing"] == 3
    positions = make_positions([{"published": "2024-03-01"}])
    paths = report.build_report(
        positions, make_findings([]), month=None, out_dir=tmp_path / "r", sources=health
    )
    for path in (paths.html, paths.markdown):
        text = path.read_text("utf-8")
        assert "3 of 4 registered sources crawled" in text
        assert "Zero-yield sources (crawled, no notice or sighting stored): empty." in text
        assert "Failing sources (errors and no notice): broken." in text
        assert "Never crawled: new." in text
        assert "HTTP 500 from b.test" in text
        assert "crawl run \\#1" in text if path.suffix == ".md" else "crawl run #1" in text
        assert "listing pages 3, errors 1." in text
    assert store.read_bytes() == before
