"""Report stage: the monthly talent-demand report, as self-contained HTML and a Markdown twin.

Input: the `positions` / `findings` frames (docs/DESIGN.md) and optionally the crawl runs.
Output: `report-YYYY-MM.html` (inline CSS and SVG charts, no network) and `report-YYYY-MM.md`
with the charts as SVG files beside it.
"""

from __future__ import annotations

import html
import io
import logging
import math
import re
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import matplotlib
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.ticker import MaxNLocator, PercentFormatter

from analysis import trends

CJK_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
)
CSS_FONTS = ", ".join([*(f'"{f}"' for f in CJK_FONTS), "system-ui", "sans-serif"])

LANGUAGE_NAMES = {
    "en": "English", "ru": "Russian", "fr": "French", "es": "Spanish", "ar": "Arabic",
    "ja": "Japanese", "ko": "Korean", "de": "German", "pt": "Portuguese", "it": "Italian",
    "th": "Thai", "vi": "Vietnamese", "id": "Indonesian", "ms": "Malay", "my": "Burmese",
    "km": "Khmer", "lo": "Lao", "mn": "Mongolian", "kk": "Kazakh", "uz": "Uzbek",
    "tr": "Turkish", "fa": "Persian", "hi": "Hindi", "ur": "Urdu", "sw": "Swahili",
    "he": "Hebrew", "pl": "Polish", "nl": "Dutch", "zh": "Chinese", "yue": "Cantonese",
    "bo": "Tibetan", "ug": "Uyghur", "ne": "Nepali", "bn": "Bengali", "tl": "Filipino",
    "si": "Sinhala", "ta": "Tamil", "uk": "Ukrainian", "el": "Greek", "hu": "Hungarian",
}  # fmt: skip

# One colour per meaning, in every chart and every report.
COLOUR_POSITIONS = "#9db4cc"
COLOUR_AIGC = "#d1495b"
COLOUR_OVERSEAS = "#2a7f62"
COLOUR_MONTH_BAND = "#f0e6c8"
LANGUAGE_COLOURS = {
    "en": "#1f5fa8", "ru": "#c0392b", "fr": "#7d3c98", "es": "#e67e22", "ar": "#16a085",
    "ja": "#d4a017", "ko": "#5d6d7e", "de": "#8e5a2b", "pt": "#2ecc71", "th": "#e84393",
}  # fmt: skip
SPARE_COLOURS = ("#34495e", "#9b59b6", "#1abc9c", "#f39c12", "#7f8c8d", "#b03a2e")

CHART_LANGUAGES = 6
CHART_EXCLUDED_LANGUAGES = ("zh",)
TABLE_LIMIT = 20
SENTENCE_LIMIT = 180
NONE = "\u2013"  # en dash: no figure
_MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class ReportPaths:
    markdown: Path
    html: Path


# --------------------------------------------------------------------------- document model
# The report is built once as a list of blocks, then written twice (HTML and Markdown), so
# both carry the same figures. Cell text is plain and untrusted: renderers escape it.


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True)
class Flagged:
    """A figure whose denominator is small (n<5)."""

    text: str


@dataclass(frozen=True)
class Marked:
    """A sentence with the evidence substring to highlight."""

    text: str
    mark: str


Cell = str | Link | Flagged | Marked


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    text: str
    note: bool = False


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Tiles:
    """Headline figures: (label, value, comparison) triples."""

    items: tuple[tuple[str, Cell, str], ...]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    numeric: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    caption: str
    svg: str


Block = Heading | Paragraph | Bullets | Tiles | Table | Chart


# --------------------------------------------------------------------------- formatting


def _count(n: int | float | None) -> str:
    return NONE if n is None else f"{int(n):,}"


def _signed(n: int | float | None) -> str:
    return NONE if n is None else f"{int(n):+,}"


def _pct(share: float | None) -> str:
    return NONE if share is None else f"{share * 100:.1f}%"


def _pp(delta: float | None) -> str:
    return NONE if delta is None else f"{delta * 100:+.1f} pp"


def _share_cell(n: int, total: int) -> Cell:
    """'3 of 24 (12.5%)', flagged when the denominator is below trends.SMALL_N."""
    text = f"{n:,} of {total:,} ({_pct(n / total if total else None)})"
    return Flagged(text) if total < trends.SMALL_N else text


def language_name(code: str) -> str:
    name = LANGUAGE_NAMES.get(code)
    return f"{name} ({code})" if name else code


def safe_url(url: Any) -> str | None:
    """The URL if it is a plain http(s) link, else None (no javascript: or data: links)."""
    if not isinstance(url, str):
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def _date(value: Any) -> str:
    stamp = pd.to_datetime(value, errors="coerce")
    return NONE if pd.isna(stamp) else stamp.strftime("%Y-%m-%d")


def _text(value: Any) -> str:
    return (
        ""
        if value is None or (isinstance(value, float) and math.isnan(value)) or (value is pd.NA)
        else " ".join(str(value).split())
    )


def evidence_sentence(text: Any, evidence: Any, limit: int = SENTENCE_LIMIT) -> str:
    """The sentence of `text` that contains `evidence`, whitespace collapsed, at most `limit`."""
    text, evidence = _text(text), _text(evidence)
    if not evidence:
        return ""
    at = text.find(evidence)
    if at < 0:
        return evidence[:limit]
    ends = "。！？；;!?"
    start = max(text.rfind(c, 0, at) for c in ends) + 1
    stops = [j for c in ends if (j := text.find(c, at + len(evidence))) >= 0]
    sentence = text[start : (min(stops) + 1 if stops else len(text))].strip()
    if len(sentence) <= limit:
        return sentence
    at = sentence.find(evidence)
    left = max(0, min(at - limit // 3, len(sentence) - limit))
    clipped = sentence[left : left + limit]
    return ("…" if left else "") + clipped + ("…" if left + limit < len(sentence) else "")


# --------------------------------------------------------------------------- charts


def _rc() -> dict[str, Any]:
    return {
        "svg.fonttype": "none",
        "font.family": [*CJK_FONTS, "DejaVu Sans", "sans-serif"],
        "font.size": 9.5,
        "axes.titlesize": 12,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.edgecolor": "#8a94a3",
        "axes.labelcolor": "#3b4552",
        "xtick.color": "#3b4552",
        "ytick.color": "#3b4552",
        "axes.grid": True,
        "axes.grid.axis": "y",
        "grid.color": "#e3e7ec",
        "grid.linewidth": 0.8,
        "axes.axisbelow": True,
        "legend.frameon": False,
    }


@contextmanager
def _chart_style(salt: str) -> Iterator[None]:
    """House chart style; silences matplotlib's missing-font and missing-glyph chatter.

    Text stays text in the SVG (svg.fonttype none), so the browser draws CJK with its own
    fonts even when matplotlib has none installed to measure them.
    """
    logger = logging.getLogger("matplotlib.font_manager")
    level = logger.level
    style: Any = {**_rc(), "svg.hashsalt": salt}  # rc_context wants literal keys
    with warnings.catch_warnings(), matplotlib.rc_context(style):
        warnings.filterwarnings("ignore", message=r"Glyph .* missing from", category=UserWarning)
        warnings.filterwarnings("ignore", message=r"findfont", category=UserWarning)
        logger.setLevel(logging.ERROR)
        try:
            yield
        finally:
            logger.setLevel(level)


def _month_ticks(months: Sequence[str], most: int = 12) -> tuple[list[int], list[str]]:
    """Calendar-aligned ticks, at most about `most`: 'Apr', with the year under each January
    and under the first tick; only years when the range is long."""
    step = next((s for s in (1, 2, 3, 6, 12, 24, 60) if len(months) / s <= most), 120)
    ticks = []
    for i, m in enumerate(months):
        y, mo = int(m[:4]), int(m[5:])
        if (mo - 1) % step == 0 if step < 12 else (mo == 1 and y % (step // 12) == 0):
            ticks.append(i)
    ticks = ticks or [0]
    labels: list[str] = []
    for i in ticks:
        year, mon = months[i].split("-")
        name = _MONTH_ABBR[int(mon) - 1]
        if step >= 12:
            labels.append(year)
        else:
            labels.append(f"{name}\n{year}" if i == ticks[0] or mon == "01" else name)
    return ticks, labels


def _frame_axes(ax: Any, months: Sequence[str], month: str, most_ticks: int = 12) -> None:
    """Month ticks, and a pale band behind the report month."""
    ticks, labels = _month_ticks(months, most_ticks)
    ax.set_xticks(ticks, labels)
    ax.tick_params(axis="x", length=0)
    pad = max(0.6, (6 - len(months)) / 2)  # a lone month should not fill the width
    ax.set_xlim(-pad, len(months) - 1 + pad)
    if month in months and len(months) > 1:
        i = list(months).index(month)
        ax.axvspan(i - 0.5, i + 0.5, color=COLOUR_MONTH_BAND, lw=0, zorder=0)


def _svg(fig: Figure, name: str, title: str) -> str:
    """The figure as an inline <svg> element: no prolog or metadata, ids unique to `name`."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r'\bid="', f'id="{name}-', svg)
    svg = svg.replace("url(#", f"url(#{name}-").replace('xlink:href="#', f'xlink:href="#{name}-')
    # matplotlib's inline stylesheet says `*{…}`: scope it to this chart, not the whole page.
    svg = svg.replace("*{stroke-linejoin", f"#{name}-chart *{{stroke-linejoin", 1)
    label = html.escape(title, quote=True)
    root = f'<svg id="{name}-chart" role="img" aria-label="{label}" '
    return svg.replace("<svg ", root, 1).strip()


def _share_line(ax: Any, x: Sequence[int], share: pd.Series, small: pd.Series, **style: Any) -> Any:
    """A share line with filled points, hollow where the month has fewer than 5 positions."""
    (line,) = ax.plot(x, share * 100, marker="o", markersize=4, linewidth=2, **style)
    hollow = share.where(small) * 100
    ax.plot(
        x, hollow, linestyle="none", marker="o", markersize=4.5, markerfacecolor="white",
        markeredgecolor=line.get_color(), zorder=line.get_zorder() + 1,
    )  # fmt: skip
    return line


def _empty_note(ax: Any, text: str) -> None:
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", color="#5b6675")


def render_positions_chart(measures: pd.DataFrame, month: str) -> Chart:
    """Bars of positions per month, the AIGC positions stacked in the accent colour."""
    title = "Positions advertised per month"
    months = list(measures["month"].astype(str))
    x = range(len(months))
    aigc = measures["n_aigc"].astype(int)
    other = measures["positions"].astype(int) - aigc
    with _chart_style("positions"):
        fig = Figure(figsize=(8.6, 3.4), layout="constrained")
        ax = fig.subplots()
        ax.bar(x, other, width=0.72, color=COLOUR_POSITIONS, label="Other positions", zorder=2)
        ax.bar(x, aigc, width=0.72, bottom=other, color=COLOUR_AIGC, label="AIGC positions",
               zorder=2)  # fmt: skip
        _frame_axes(ax, months, month)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel("positions")
        ax.set_title(title)
        ax.legend(loc="upper left", ncols=2, fontsize=9)
        ax.set_ylim(0, max(1, int(measures["positions"].max())) * 1.18)
        svg = _svg(fig, "positions", title)
    caption = "Positions first published each month (bars); the AIGC share of each bar in red."
    if month in months and len(months) > 1:
        caption += f" Shaded: {month}."
    return Chart("positions", title, caption, svg)


def _chart_languages(measures: pd.DataFrame) -> list[str]:
    codes = [c.removeprefix("n_lang_") for c in measures.columns if c.startswith("n_lang_")]
    codes = [c for c in codes if c not in CHART_EXCLUDED_LANGUAGES]
    totals = {c: int(measures[f"n_lang_{c}"].sum()) for c in codes}
    return sorted((c for c in codes if totals[c]), key=lambda c: (-totals[c], c))[:CHART_LANGUAGES]


def _language_colour(code: str, rank: int) -> str:
    return LANGUAGE_COLOURS.get(code, SPARE_COLOURS[rank % len(SPARE_COLOURS)])


def render_languages_chart(measures: pd.DataFrame, month: str) -> Chart:
    """Small multiples: share of each month's positions asking for each top foreign language."""
    title = "Language demand: share of positions asking for each language"
    months = list(measures["month"].astype(str))
    x = list(range(len(months)))
    has_positions = measures["positions"] > 0
    codes = _chart_languages(measures)
    shares = {c: measures[f"lang_{c}"].where(has_positions) for c in codes}
    top = max((float(s.max()) for s in shares.values() if s.notna().any()), default=0.0) * 100
    rows, cols = (2 if len(codes) > 3 else 1), (3 if codes else 1)
    with _chart_style("languages"):
        fig = Figure(figsize=(8.6, 2.0 + 1.9 * rows), layout="constrained")
        layout = fig.get_layout_engine()
        if isinstance(layout, ConstrainedLayoutEngine):
            layout.set(wspace=0.05, hspace=0.06)  # keep the panels' tick labels apart
        axes = fig.subplots(rows, cols, sharex=True, sharey=True, squeeze=False).ravel()
        fig.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold")
        fig.supylabel("share of positions", fontsize=9.5, color="#3b4552")
        for rank, ax in enumerate(axes):
            ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
            ax.set_ylim(0, min(104.0, max(10.0, top * 1.15)))
            if codes and rank >= len(codes):
                ax.set_axis_off()
                continue
            _frame_axes(ax, months, month, most_ticks=4)
            if not codes:
                _empty_note(ax, "No language requirement found yet")
                continue
            code, colour = codes[rank], _language_colour(codes[rank], rank)
            ax.fill_between(x, shares[code] * 100, color=colour, alpha=0.10, lw=0)
            _share_line(ax, x, shares[code], measures["small_n"], color=colour)
            now = measures.loc[measures["month"] == month, f"lang_{code}"]
            latest = f" · {_pct(float(now.iloc[0]))} in {month}" if len(now) else ""
            ax.set_title(language_name(code) + latest, fontsize=10, color=colour)
        svg = _svg(fig, "languages", title)
    caption = (
        f"Top {CHART_LANGUAGES} foreign languages over the whole period (Chinese left out), "
        "same scale in every panel. Hollow points: months with fewer than 5 positions; gaps: "
        "months without positions."
    )
    return Chart("languages", title, caption, svg)


def render_overseas_chart(measures: pd.DataFrame, month: str) -> Chart:
    """Line: share of each month's positions asking for overseas study, work or living."""
    title = "Overseas experience: share of positions asking for it"
    months = list(measures["month"].astype(str))
    x = list(range(len(months)))
    share = measures["overseas"].where(measures["positions"] > 0)
    with _chart_style("overseas"):
        fig = Figure(figsize=(8.6, 3.2), layout="constrained")
        ax = fig.subplots()
        ax.fill_between(x, share * 100, color=COLOUR_OVERSEAS, alpha=0.12, lw=0)
        _share_line(ax, x, share, measures["small_n"], color=COLOUR_OVERSEAS)
        _frame_axes(ax, months, month)
        ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
        top = float(share.max()) * 100 if share.notna().any() else 0.0
        ax.set_ylim(0, min(104.0, max(10.0, top * 1.25)))
        ax.set_ylabel("share of positions")
        ax.set_title(title)
        svg = _svg(fig, "overseas", title)
    caption = (
        "Any overseas study, work or living experience, required or preferred. "
        "Hollow points: months with fewer than 5 positions."
    )
    return Chart("overseas", title, caption, svg)


def render_charts(measures: pd.DataFrame, month: str) -> list[Chart]:
    """The report's charts; none when there is no dated position."""
    if measures.empty:
        return []
    return [
        render_positions_chart(measures, month),
        render_languages_chart(measures, month),
        render_overseas_chart(measures, month),
    ]


# --------------------------------------------------------------------------- sections


_HEADLINE_ROWS = (
    ("Notices", "notices", None),
    ("Positions", "positions", None),
    ("Employers", "employers", None),
    ("Headcount (where stated)", "headcount", None),
    ("AIGC positions", "n_aigc", "aigc"),
    ("Overseas experience asked", "n_overseas", "overseas"),
    ("Party membership required", "n_party_required", "party_required"),
)


def _metric_cell(metrics: dict[str, Any] | None, count: str, share: str | None) -> Cell:
    if metrics is None:
        return "no data"
    if share is None:
        return _count(metrics[count])
    return _share_cell(metrics[count], metrics["positions"])


def _change_cell(
    changes: dict[str, Any] | None, count: str, share: str | None, small_base: bool = False
) -> str:
    """The change cell; no percentage change on a base below trends.SMALL_N positions."""
    if changes is None:
        return NONE
    if share is not None:
        return _pp(changes[share])
    text = _signed(changes[count])
    if count == "positions" and changes["positions_pct"] is not None and not small_base:
        text += f" ({changes['positions_pct'] * 100:+.0f}%)"
    return text


def _small(metrics: dict[str, Any] | None) -> bool:
    return metrics is not None and metrics["positions"] < trends.SMALL_N


def _headline_table(summary: dict[str, Any]) -> Table:
    previous, year_ago = summary["previous_month"], summary["year_ago_month"]
    rows = tuple(
        (
            label,
            _metric_cell(summary["current"], count, share),
            _metric_cell(summary["previous"], count, share),
            _change_cell(summary["vs_previous"], count, share, _small(summary["previous"])),
            _metric_cell(summary["year_ago"], count, share),
            _change_cell(summary["vs_year_ago"], count, share, _small(summary["year_ago"])),
        )
        for label, count, share in _HEADLINE_ROWS
    )
    headers = ("Measure", summary["month"], previous, f"vs {previous}", year_ago, f"vs {year_ago}")
    return Table(headers, rows, numeric=frozenset(range(1, 6)))


def _tiles(summary: dict[str, Any], open_note: str) -> Tiles:
    now, changes = summary["current"], summary["vs_previous"]
    prev = f"vs {summary['previous_month']}"

    def change(count: str, share: str | None = None) -> str:
        if not changes:
            return "no previous month"
        return f"{_change_cell(changes, count, share, _small(summary['previous']))} {prev}"

    return Tiles(
        (
            ("Positions", _count(now["positions"]), change("positions")),
            ("Notices", _count(now["notices"]), change("notices")),
            ("AIGC share", _tile_share(now, "n_aigc"), change("n_aigc", "aigc")),
            ("Overseas asked", _tile_share(now, "n_overseas"), change("n_overseas", "overseas")),
            ("Open at month end", open_note, "deadline on or after the last day"),
        )
    )


def _tile_share(now: dict[str, Any], count: str) -> Cell:
    text = f"{_pct(now[count] / now['positions'] if now['positions'] else None)}"
    return Flagged(text) if now["positions"] < trends.SMALL_N else text


def _n(count: int, noun: str) -> str:
    """'1 notice', '3 notices'."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _were(count: int) -> str:
    return "was" if count == 1 else "were"


def _lead(summary: dict[str, Any]) -> str:
    now = summary["current"]
    employers = _n(now["employers"], "employer")
    verb = "published" if now["employers"] else "(employer unknown) published"
    text = (
        f"In {summary['month']}, {employers} {verb} {_n(now['notices'], 'recruitment notice')} "
        f"with {_n(now['positions'], 'position')}"
    )
    if now["headcount_known"]:
        text += (
            f" and {_n(now['headcount'], 'place')} (headcount stated for "
            f"{now['headcount_known']:,} of {_n(now['positions'], 'position')})"
        )
    return text + "."


def _language_table(summary: dict[str, Any], measures: pd.DataFrame) -> Table | None:
    if not summary["languages"]:
        return None
    before = measures[measures["month"] == summary["previous_month"]]
    rows = []
    for lang in summary["languages"]:
        code, n, total = lang["code"], lang["n"], summary["current"]["positions"]
        then = None
        if len(before) and int(before["positions"].iloc[0]) > 0:
            then = float(before[f"lang_{code}"].iloc[0])
        delta = lang["share"] - then if then is not None else None
        rows.append((language_name(code), _share_cell(n, total), _pct(then), _pp(delta)))
    previous = summary["previous_month"]
    headers = ("Language", summary["month"], f"share in {previous}", f"vs {previous}")
    return Table(headers, tuple(rows), numeric=frozenset({1, 2, 3}))


def _open_positions(positions: pd.DataFrame, month: str) -> tuple[str, str]:
    """Tile text and sentence on positions open on the month's last day."""
    day = pd.Period(month, freq="M").end_time.normalize()
    opened = trends.build_open_positions(positions, day)
    undated = int((trends.position_months(opened.no_deadline) == month).sum())
    sentence = (
        f"On {day:%Y-%m-%d}, {_n(opened.n_open, 'position')} {_were(opened.n_open)} open "
        "(published on or before that day, deadline on or after it). "
        f"{undated:,} of the positions published in {month} state no deadline: they are not "
        "counted as open."
    )
    return _count(opened.n_open), sentence


def headline_section(
    positions: pd.DataFrame, summary: dict[str, Any], measures: pd.DataFrame
) -> list[Block]:
    month = summary["month"]
    blocks: list[Block] = [Heading(f"Headline: {month}")]
    if summary["first_month"] is None:
        return [*blocks, Paragraph("No dated positions in the store yet.")]
    if not summary["in_range"]:
        return [
            *blocks,
            Paragraph(
                f"No postings dated {month}: the data covers {summary['first_month']} "
                f"to {summary['last_month']}."
            ),
        ]
    if summary["current"]["positions"] == 0:
        blocks.append(
            Paragraph(
                f"No positions were published in {month} (the data covers "
                f"{summary['first_month']} to {summary['last_month']})."
            )
        )
    else:
        blocks.append(Paragraph(_lead(summary)))
    open_tile, open_sentence = _open_positions(positions, month)
    blocks += [_tiles(summary, open_tile), _headline_table(summary)]
    languages = _language_table(summary, measures)
    if languages is not None:
        blocks += [Heading("Languages asked for", 3), languages]
    blocks += [
        Paragraph(open_sentence),
        Paragraph(
            "Shares are of all positions published in the month: the denominator is shown as "
            "'n of N'. Figures marked n<5 rest on fewer than 5 positions; changes are in "
            "percentage points (pp). '\u2013' means no comparison is possible (month outside the "
            "data, or no positions).",
            note=True,
        ),
    ]
    return blocks


def charts_section(charts: list[Chart]) -> list[Block]:
    if not charts:
        return []
    return [Heading("Trends"), *charts]


def _aigc_rows(positions: pd.DataFrame, findings: pd.DataFrame, ids: set[Any]) -> pd.DataFrame:
    rows = positions[positions["position_id"].isin(ids)]
    evidence = findings[findings["field"] == "aigc"].drop_duplicates("position_id")
    rows = rows.merge(evidence[["position_id", "evidence"]], on="position_id", how="left")
    return rows.sort_values(["published", "position_id"], ascending=[False, True])


def aigc_section(positions: pd.DataFrame, findings: pd.DataFrame, month: str) -> list[Block]:
    blocks: list[Block] = [Heading("AIGC roles")]
    ids = trends.aigc_ids(positions, findings)
    every = _aigc_rows(positions, findings, ids)
    in_month = every[trends.position_months(every) == month]
    if not len(every):
        return [*blocks, Paragraph("No position in the data mentions generative AI (AIGC).")]
    rows = in_month
    if not len(in_month):
        blocks.append(
            Paragraph(f"No AIGC position in {month}; the latest ones in the data:", note=True)
        )
        rows = every
    table_rows = []
    for _, r in rows.head(TABLE_LIMIT).iterrows():
        url = safe_url(r.get("url"))
        sentence = evidence_sentence(r.get("text"), r.get("evidence"))
        table_rows.append(
            (
                _text(r.get("title")) or "(untitled)",
                _text(r.get("employer")) or NONE,
                _date(r.get("published")),
                Link("notice", url) if url else NONE,
                Marked(sentence, _text(r.get("evidence"))) if sentence else NONE,
            )
        )
    blocks.append(
        Table(("Title", "Employer", "Published", "Source", "Evidence"), tuple(table_rows))
    )
    if len(rows) > TABLE_LIMIT:
        blocks.append(Paragraph(f"… and {len(rows) - TABLE_LIMIT:,} more.", note=True))
    return blocks


def new_employers_section(positions: pd.DataFrame, summary: dict[str, Any]) -> list[Block]:
    month = summary["month"]
    blocks: list[Block] = [Heading("New employers")]
    new = trends.find_new_employers(positions, month)
    if month == summary["first_month"]:
        blocks.append(
            Paragraph("The data starts in this month, so every employer is new to it.", note=True)
        )
    if new.empty:
        return [*blocks, Paragraph(f"No employer appeared for the first time in {month}.")]
    rows = tuple(
        (
            _text(r["employer"]),
            _text(r["province"]),
            _date(r["first_published"]),
            _count(r["notices"]),
            _count(r["positions"]),
        )
        for _, r in new.head(TABLE_LIMIT).iterrows()
    )
    headers = ("Employer", "Province", "First posting", "Notices", "Positions")
    blocks.append(Table(headers, rows, numeric=frozenset({3, 4})))
    if len(new) > TABLE_LIMIT:
        blocks.append(Paragraph(f"… and {len(new) - TABLE_LIMIT:,} more.", note=True))
    return blocks


def places_and_terms_section(
    positions: pd.DataFrame, findings: pd.DataFrame, month: str
) -> list[Block]:
    blocks: list[Block] = []
    provinces = trends.build_province_breakdown(positions, findings, month)
    if not provinces.empty:
        rows = tuple(
            (
                _text(r["province"]),
                _share_cell(int(r["positions"]), int(provinces["positions"].sum())),
                _count(r["notices"]),
                _count(r["headcount"]),
                _count(r["aigc"]),
            )
            for _, r in provinces.head(10).iterrows()
        )
        headers = ("Province", "Positions", "Notices", "Headcount", "AIGC")
        blocks += [Heading("Where"), Table(headers, rows, numeric=frozenset({1, 2, 3, 4}))]
    terms = trends.find_new_terms(findings, month, "skill", positions=positions)
    if not terms.empty:
        term_rows = tuple(
            (_text(r["value"]), _count(r["n"]), _text(r["evidence"]))
            for _, r in terms.head(TABLE_LIMIT).iterrows()
        )
        blocks += [
            Heading("Skills asked for the first time"),
            Table(("Skill", "Positions", "Example wording"), term_rows, numeric=frozenset({1})),
        ]
    return blocks


_RUN_COLUMNS = (
    ("run_id", "Run"),
    ("started_at", "Started"),
    ("finished_at", "Finished"),
    ("status", "Status"),
    ("pages", "Pages"),
    ("notices_new", "New notices"),
    ("positions_new", "New positions"),
    ("errors", "Errors"),
)


def _run_cell(column: str, value: Any) -> str:
    if column in ("started_at", "finished_at"):
        stamp = pd.to_datetime(value, errors="coerce")
        return NONE if pd.isna(stamp) else stamp.strftime("%Y-%m-%d %H:%M")
    return _text(value) or NONE


def _runs_blocks(runs: pd.DataFrame | None) -> list[Block]:
    if runs is None or runs.empty:
        return [Paragraph("No crawl runs recorded.")]
    columns = [(c, label) for c, label in _RUN_COLUMNS if c in runs.columns]
    pages = int(pd.to_numeric(runs.get("pages"), errors="coerce").fillna(0).sum())
    errors = int(pd.to_numeric(runs.get("errors"), errors="coerce").fillna(0).sum())
    rows = tuple(
        tuple(_run_cell(c, r[c]) for c, _ in columns)
        for _, r in runs.tail(10).iloc[::-1].iterrows()
    )
    numeric = frozenset(i for i, (c, _) in enumerate(columns) if c not in ("started_at",
                        "finished_at", "status"))  # fmt: skip
    summary = f"{len(runs):,} crawl runs recorded: {pages:,} pages fetched, {errors:,} errors."
    if len(runs) > 10:
        summary += " The 10 latest:"
    return [Paragraph(summary), Table(tuple(label for _, label in columns), rows, numeric)]


def data_quality_section(
    positions: pd.DataFrame, findings: pd.DataFrame, runs: pd.DataFrame | None
) -> list[Block]:
    total = len(positions)
    blocks: list[Block] = [Heading("Data quality"), *_runs_blocks(runs)]
    if not total:
        return blocks
    undated = int(trends.position_months(positions).isna().sum())
    no_deadline = int(pd.to_datetime(positions["deadline"], errors="coerce").isna().sum())
    no_province = int(positions["province"].isna().sum())
    no_headcount = int(pd.to_numeric(positions["headcount"], errors="coerce").isna().sum())
    bare = int((~positions["position_id"].isin(set(findings["position_id"]))).sum())
    notices = positions["notice_id"].nunique()
    blocks.append(
        Bullets(
            (
                f"{total:,} positions in {notices:,} notices in the store.",
                f"{undated:,} positions without a publication date (left out of monthly figures).",
                f"{no_deadline:,} without a deadline (never counted as open).",
                f"{no_province:,} without a province; {no_headcount:,} without a headcount.",
                f"{bare:,} positions with no finding at all (text too short or not parsed).",
            )
        )
    )
    return blocks


def method_section() -> list[Block]:
    return [
        Heading("Method"),
        Bullets(
            (
                "A position counts in the month its notice was published (YYYY-MM).",
                "Shares = positions with at least one matching finding ÷ all positions of the "
                "month; a position asking for two languages counts once for each.",
                "Language: the position names the language (any level) or asks for a native "
                "speaker of it. Chinese is left out of the language chart.",
                "Overseas experience: study, work or living abroad, required or preferred.",
                "AIGC: the position's duties or requirements mention generative AI (AIGC, large "
                "models, AI-generated content tools), as detected by the normaliser with "
                "evidence.",
                "Party membership: counted only where membership is required, not preferred.",
                "New employers and skills are new to this data set: coverage grows with the "
                "crawl, so early months overstate novelty.",
                f"n<5: fewer than {trends.SMALL_N} positions behind a share; treat as anecdote.",
                "Every figure traces back to evidence text in the source notice; notice text is "
                "shown as published.",
            )
        ),
    ]


def build_blocks(
    positions: pd.DataFrame,
    findings: pd.DataFrame,
    month: str,
    runs: pd.DataFrame | None,
    charts: list[Chart],
) -> list[Block]:
    """Every section of the report, in order."""
    if positions.empty:
        return [
            Paragraph("There is no data yet: the store holds no positions. Run a crawl first."),
            *data_quality_section(positions, findings, runs),
            *method_section(),
        ]
    summary = trends.build_month_summary(positions, findings, month)
    measures = trends.build_monthly_measures(positions, findings)
    return [
        *headline_section(positions, summary, measures),
        *charts_section(charts),
        *aigc_section(positions, findings, month),
        *(new_employers_section(positions, summary) if summary["in_range"] else []),
        *(places_and_terms_section(positions, findings, month) if summary["in_range"] else []),
        *data_quality_section(positions, findings, runs),
        *method_section(),
    ]


# --------------------------------------------------------------------------- HTML


_CSS = """
:root { --ink: #1d2733; --muted: #5b6675; --line: #e1e6ec; --accent: #d1495b; }
* { box-sizing: border-box; }
body { margin: 0; background: #f4f6f8; color: var(--ink); font-family: FONTS;
       line-height: 1.5; font-size: 15px; }
main { max-width: 980px; margin: 0 auto; padding: 36px 40px 64px; background: #fff; }
h1 { font-size: 1.7rem; margin: 0 0 .2rem; line-height: 1.25; }
.subtitle { color: var(--muted); margin: 0 0 1.5rem; }
h2 { font-size: 1.25rem; margin: 2.4rem 0 .8rem; padding-bottom: .3rem;
     border-bottom: 2px solid var(--ink); }
h3 { font-size: 1rem; margin: 1.6rem 0 .4rem; }
p.note { color: var(--muted); font-size: .88rem; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1rem; font-size: .9rem; }
th, td { text-align: left; vertical-align: top; padding: .4rem .55rem;
         border-bottom: 1px solid var(--line); }
th { color: var(--muted); font-weight: 600; font-size: .8rem; border-bottom-color: #b8c1cc; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:hover { background: #f8fafc; }
.flag { display: inline-block; margin-left: .3rem; padding: 0 .3rem; border-radius: 3px;
        background: #fff1d0; color: #8a5a00; font-size: .72rem; font-weight: 600; }
mark { background: #fde3e6; color: inherit; padding: 0 .1rem; border-radius: 2px; }
a { color: #1f5fa8; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr));
         gap: 12px; margin: 1rem 0 1.2rem; }
.tile { border: 1px solid var(--line); border-radius: 6px; padding: .7rem .85rem; }
.tile .label { color: var(--muted); font-size: .8rem; }
.tile .value { font-size: 1.6rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.tile .change { color: var(--muted); font-size: .8rem; }
figure { margin: 1.4rem 0 1.8rem; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: .85rem; margin-top: .3rem; }
ul { padding-left: 1.2rem; }
li { margin: .2rem 0; }
""".replace("FONTS", CSS_FONTS)

# No script, no remote fetch: the page may only use its own inline styles.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _html_cell(cell: Cell) -> str:
    if isinstance(cell, Link):
        href = html.escape(cell.url, quote=True)
        return f'<a href="{href}" rel="noopener noreferrer nofollow">{html.escape(cell.text)}</a>'
    if isinstance(cell, Flagged):
        return f'{html.escape(cell.text)}<span class="flag">n&lt;5</span>'
    if isinstance(cell, Marked):
        before, found, after = cell.text.partition(cell.mark) if cell.mark else (cell.text, "", "")
        marked = f"<mark>{html.escape(found)}</mark>" if found else ""
        return html.escape(before) + marked + html.escape(after)
    return html.escape(cell)


def _html_table(table: Table) -> str:
    def cls(i: int) -> str:
        return ' class="num"' if i in table.numeric else ""

    head = "".join(f"<th{cls(i)}>{html.escape(h)}</th>" for i, h in enumerate(table.headers))
    body = "\n".join(
        "<tr>" + "".join(f"<td{cls(i)}>{_html_cell(c)}</td>" for i, c in enumerate(row)) + "</tr>"
        for row in table.rows
    )
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def _html_block(block: Block) -> str:
    if isinstance(block, Heading):
        return f"<h{block.level}>{html.escape(block.text)}</h{block.level}>"
    if isinstance(block, Paragraph):
        attrs = ' class="note"' if block.note else ""
        return f"<p{attrs}>{html.escape(block.text)}</p>"
    if isinstance(block, Bullets):
        return "<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in block.items) + "</ul>"
    if isinstance(block, Tiles):
        tiles = "".join(
            f'<div class="tile"><div class="label">{html.escape(label)}</div>'
            f'<div class="value">{_html_cell(value)}</div>'
            f'<div class="change">{html.escape(change)}</div></div>'
            for label, value, change in block.items
        )
        return f'<div class="tiles">{tiles}</div>'
    if isinstance(block, Table):
        return _html_table(block)
    return (
        f'<figure id="chart-{block.name}">\n{block.svg}\n'
        f"<figcaption>{html.escape(block.caption)}</figcaption>\n</figure>"
    )


def render_html(title: str, subtitle: str, blocks: Sequence[Block]) -> str:
    """A standalone HTML page: inline CSS and SVG, no script, no external resource."""
    body = "\n".join(_html_block(b) for b in blocks)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{_CSS}</style>
</head>
<body>
<main>
<h1>{html.escape(title)}</h1>
<p class="subtitle">{html.escape(subtitle)}</p>
{body}
</main>
</body>
</html>
"""


# --------------------------------------------------------------------------- Markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}#|!~])")


def md_escape(text: str) -> str:
    """Plain text safe inside Markdown (and its inline HTML): one line, specials escaped."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(" ".join(text.split()), quote=False))


def _md_url(url: str) -> str:
    for char, code in ((" ", "%20"), ("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E")):
        url = url.replace(char, code)
    return url


def _md_cell(cell: Cell) -> str:
    if isinstance(cell, Link):
        return f"[{md_escape(cell.text)}]({_md_url(cell.url)})"
    if isinstance(cell, Flagged):
        return f"{md_escape(cell.text)} *n&lt;5*"
    if isinstance(cell, Marked):
        before, found, after = cell.text.partition(cell.mark) if cell.mark else (cell.text, "", "")
        marked = f"**{md_escape(found)}**" if found else ""
        return md_escape(before) + marked + md_escape(after)
    return md_escape(cell)


def _md_table(table: Table) -> str:
    align = ["---:" if i in table.numeric else "---" for i in range(len(table.headers))]
    lines = [
        "| " + " | ".join(md_escape(h) for h in table.headers) + " |",
        "| " + " | ".join(align) + " |",
        *("| " + " | ".join(_md_cell(c) for c in row) + " |" for row in table.rows),
    ]
    return "\n".join(lines)


def _md_block(block: Block, chart_files: dict[str, str]) -> str:
    if isinstance(block, Heading):
        return f"{'#' * block.level} {md_escape(block.text)}"
    if isinstance(block, Paragraph):
        return f"*{md_escape(block.text)}*" if block.note else md_escape(block.text)
    if isinstance(block, Bullets):
        return "\n".join(f"- {md_escape(i)}" for i in block.items)
    if isinstance(block, Tiles):
        return "\n".join(
            f"- **{md_escape(label)}: {_md_cell(value)}** ({md_escape(change)})"
            for label, value, change in block.items
        )
    if isinstance(block, Table):
        return _md_table(block)
    target = _md_url(chart_files[block.name])
    return f"![{md_escape(block.title)}]({target})\n\n*{md_escape(block.caption)}*"


def render_markdown(
    title: str, subtitle: str, blocks: Sequence[Block], chart_files: dict[str, str]
) -> str:
    """The Markdown twin; charts are linked as files named in `chart_files`."""
    parts = [f"# {md_escape(title)}", f"*{md_escape(subtitle)}*"]
    parts += [_md_block(b, chart_files) for b in blocks]
    return "\n\n".join(parts) + "\n"


# --------------------------------------------------------------------------- entry point


def _subtitle(positions: pd.DataFrame) -> str:
    months = trends.position_months(positions).dropna()
    if months.empty:
        return "Recruitment notices of China's international communication centres."
    return (
        "Recruitment notices of China's international communication centres: "
        f"{_n(len(positions), 'position')} in {_n(positions['notice_id'].nunique(), 'notice')}, "
        f"{months.min()} to {months.max()}."
    )


def build_report(
    positions: pd.DataFrame,
    findings: pd.DataFrame,
    *,
    month: str | None,
    out_dir: Path,
    runs: pd.DataFrame | None = None,
) -> ReportPaths:
    """Write report-YYYY-MM.html and report-YYYY-MM.md (+ chart SVGs) into `out_dir`.

    `month` defaults to the latest month with data (the current month for an empty store).
    """
    month = month or trends.latest_month(positions) or pd.Timestamp.now().strftime("%Y-%m")
    if not _MONTH_RE.match(month):
        raise ValueError(f"month must be YYYY-MM, got {month!r}")
    measures = trends.build_monthly_measures(positions, findings)
    charts = render_charts(measures, month)
    blocks = build_blocks(positions, findings, month, runs, charts)
    title = f"ICC talent demand: {month}"
    subtitle = _subtitle(positions)

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    chart_files = {c.name: f"report-{month}-{c.name}.svg" for c in charts}
    for chart in charts:
        svg = '<?xml version="1.0" encoding="utf-8"?>\n' + chart.svg + "\n"
        (out_dir / chart_files[chart.name]).write_text(svg, encoding="utf-8")
    paths = ReportPaths(out_dir / f"report-{month}.md", out_dir / f"report-{month}.html")
    paths.markdown.write_text(render_markdown(title, subtitle, blocks, chart_files), "utf-8")
    paths.html.write_text(render_html(title, subtitle, blocks), encoding="utf-8")
    return paths
