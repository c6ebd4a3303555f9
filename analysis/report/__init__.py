"""Report stage: the monthly talent-demand report, as self-contained HTML and a Markdown twin.

Input: the `positions` / `findings` frames (docs/DESIGN.md) and optionally the crawl runs.
Output: `report-YYYY-MM.html` (inline CSS and SVG charts, no network) and `report-YYYY-MM.md`
with the charts as SVG files beside it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from analysis import trends
from analysis.report.coverage import ChannelRegistry
from analysis.report.html import render_html
from analysis.report.markdown import md_escape, render_markdown
from analysis.report.model import Block, Chart, evidence_sentence, plural, safe_url
from analysis.report.sections import build_blocks, render_charts

if TYPE_CHECKING:
    from analysis.cluster import RoleMix

__all__ = [
    "Block",
    "ChannelRegistry",
    "ReportPaths",
    "build_blocks",
    "build_report",
    "evidence_sentence",
    "md_escape",
    "render_charts",
    "render_html",
    "render_markdown",
    "safe_url",
]

_MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class ReportPaths:
    markdown: Path
    html: Path
    cluster_model: dict[str, Any] | None = None  # `analysis.cluster.build_model_info`


def _subtitle(positions: pd.DataFrame, figures: trends.MonthFigures) -> str:
    months = figures.months.dropna()
    if months.empty:
        return "Recruitment notices of China's international communication centres."
    notices = plural(positions["notice_id"].nunique(), "notice")
    return (
        "Recruitment notices of China's international communication centres: "
        f"{plural(len(positions), 'position')} in {notices}, {months.min()} to {months.max()}."
    )


def _role_mix(positions: pd.DataFrame, findings: pd.DataFrame) -> RoleMix | str:
    # Imported here: scikit-learn is only loaded when the report draws clusters.
    from analysis.cluster import build_role_mix

    return build_role_mix(positions, findings)


def build_report(
    positions: pd.DataFrame,
    findings: pd.DataFrame,
    *,
    month: str | None,
    out_dir: Path,
    runs: pd.DataFrame | None = None,
    sources: pd.DataFrame | None = None,
    clusters: bool = True,
    source_runs: pd.DataFrame | None = None,
    channels: ChannelRegistry | None = None,
    progress: Callable[[str], None] | None = None,
) -> ReportPaths:
    """Write report-YYYY-MM.html and report-YYYY-MM.md (+ chart SVGs) into `out_dir`.

    `month` defaults to the latest month with data (the current month for an empty store).
    `sources` (`load_source_health`) adds per-source crawl health to the data-quality section;
    `clusters=False` leaves out the role clusters (the slowest part on a large store);
    `source_runs` (`load_source_runs`) and `channels` (the channel registry's counts) add the
    coverage section.
    `progress` is told each stage as it starts (the CLI prints it on stderr).
    """
    say = progress or (lambda _stage: None)
    month = month or trends.latest_month(positions) or pd.Timestamp.now().strftime("%Y-%m")
    if not _MONTH_RE.match(month):
        raise ValueError(f"month must be YYYY-MM, got {month!r}")
    say(f"measuring {plural(len(positions), 'position')} month by month")
    figures = trends.build_month_figures(positions, findings, month)
    role_mix = None
    if clusters and len(positions):
        say("fitting the role clusters")
        role_mix = _role_mix(positions, findings)
    say("drawing the charts")
    drawn_charts = render_charts(figures)
    blocks = build_blocks(
        positions,
        findings,
        figures,
        drawn_charts,
        runs=runs,
        sources=sources,
        role_mix=role_mix,
        source_runs=source_runs,
        channels=channels,
    )
    title = f"ICC talent demand: {month}"
    subtitle = _subtitle(positions, figures)

    say(f"writing the report for {month}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    drawn = [b for b in blocks if isinstance(b, Chart)]
    chart_files = {c.name: f"report-{month}-{c.name}.svg" for c in drawn}
    for chart in drawn:
        svg = '<?xml version="1.0" encoding="utf-8"?>\n' + chart.svg + "\n"
        (out_dir / chart_files[chart.name]).write_text(svg, encoding="utf-8")
    model = None if role_mix is None or isinstance(role_mix, str) else role_mix.info
    if model is not None:
        model_file = out_dir / f"report-{month}-clusters.json"
        model_file.write_text(json.dumps(model, ensure_ascii=False, indent=2, default=str), "utf-8")
    paths = ReportPaths(
        out_dir / f"report-{month}.md", out_dir / f"report-{month}.html", cluster_model=model
    )
    paths.markdown.write_text(render_markdown(title, subtitle, blocks, chart_files), "utf-8")
    paths.html.write_text(render_html(title, subtitle, blocks), encoding="utf-8")
    return paths
