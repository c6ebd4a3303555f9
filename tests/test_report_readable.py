"""The report reads as prose for an analyst: names are whole titles, captions say what is drawn
(how many clusters, languages, provinces; whether months are pooled), and no estimator
parameter or model-record key leaks into the text."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import pytest
from test_report_sections import _many

from analysis import charts, report
from analysis.cluster import RoleClusterer


def _build(tmp_path: Path, months: int, per_month: int) -> tuple[str, pd.DataFrame]:
    positions, findings = _many(months=months, per_month=per_month)
    month = (pd.Period("2024-01", "M") + months - 1).strftime("%Y-%m")
    paths = report.build_report(positions, findings, month=month, out_dir=tmp_path)
    return paths.html.read_text("utf-8"), positions


def _figure(page: str, name: str) -> tuple[str, str]:
    """The chart's SVG and its caption."""
    found = re.search(rf'<figure id="chart-{name}".*?</figure>', page, re.S)
    assert found, f"no {name} chart"
    figure = found.group(0)
    caption = re.search(r"<figcaption>(.*?)</figcaption>", figure, re.S)
    assert caption, f"{name} chart without a caption"
    return figure, html.unescape(re.sub(r"<[^>]+>", "", caption.group(1)))


def _visible_text(page: str) -> str:
    return html.unescape(re.sub(r"<style>.*?</style>|<[^>]+>", " ", page, flags=re.S))


@pytest.fixture(scope="module")
def small_months(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, pd.DataFrame]:
    """14 months of 6 positions: the 1-6 positions a month real sources give."""
    return _build(tmp_path_factory.mktemp("small"), months=14, per_month=6)


def test_no_parameter_or_record_key_in_the_reader_text(small_months) -> None:
    page, _ = small_months
    text = _visible_text(page)
    internal = set(RoleClusterer().get_params()) | {
        "k_criterion",
        "k_scores",
        "k_at_range_edge",
        "n_fit_samples",
        "n_samples",
        "svd_explained_variance",
        "random_state",
    }
    leaked = sorted(name for name in internal if re.search(rf"\b{name}\b", text))
    assert not leaked, f"internal names in the report: {leaked}"
    assert not re.search(r"\bcluster \d+\b", text), "a placeholder cluster name"


def test_cluster_names_in_the_report_are_titles_of_positions(small_months) -> None:
    page, positions = small_months
    table = re.search(r"Cluster \(typical title\).*?</table>", page, re.S)
    assert table
    rows = re.findall(r"<tr>\s*<td[^>]*>\d+</td>\s*<td[^>]*>(.*?)</td>", table.group(0), re.S)
    assert rows
    titles = set(positions["title"])
    assert {html.unescape(r.strip()) for r in rows} <= titles


def test_small_months_are_pooled_and_the_captions_say_so(small_months) -> None:
    page, _ = small_months
    for name in ("languages", "clusters"):
        _, caption = _figure(page, name)
        assert f"pools the {charts.SMOOTH_MONTHS} months" in caption, caption


def test_large_months_are_not_pooled(tmp_path: Path) -> None:
    page, _ = _build(tmp_path, months=4, per_month=12)
    for name in ("languages", "clusters"):
        _, caption = _figure(page, name)
        assert "pools" not in caption, caption


def test_role_mix_draws_the_largest_clusters_and_other_as_captioned(small_months) -> None:
    page, _ = small_months
    svg, caption = _figure(page, "clusters")
    drawn = re.search(r"the (\d+) largest are drawn, the other (\d+) summed as 'other'", caption)
    everything = re.search(r"all (\d+) are drawn", caption)
    total = int(re.search(r"into (\d+) role clusters?", caption).group(1))  # type: ignore[union-attr]
    assert drawn or everything, caption
    if drawn:
        shown, rest = int(drawn.group(1)), int(drawn.group(2))
        assert shown == charts.CHART_CLUSTERS and shown + rest == total
        assert f"other ({rest} smaller clusters)" in html.unescape(svg)
    else:
        assert int(everything.group(1)) == total <= charts.CHART_CLUSTERS  # type: ignore[union-attr]


def test_language_panels_count_the_positions_behind_each_point(small_months) -> None:
    page, _ = small_months
    svg, caption = _figure(page, "languages")
    # The report month's point pools its 3 months of 6 positions: 18 written beside it.
    assert re.search(r">\s*18\s*<", svg)
    panels = len(re.findall(r"\((en|ru|ar|fr|es|ja|de|ko|pt|th)\)", html.unescape(svg)))
    count = re.search(r"The (\d+) foreign languages?", caption)
    assert count, caption
    assert panels == int(count.group(1))


def test_province_caption_counts_the_provinces_drawn(small_months) -> None:
    page, positions = small_months
    _, caption = _figure(page, "provinces")
    provinces = positions["province"].fillna("unknown").nunique()
    numbers = [int(n) for n in re.findall(r"(\d+) provinces?", caption)]
    assert numbers and all(n <= provinces for n in numbers), caption
