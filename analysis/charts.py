"""Report stage: the report's charts, one pure function per chart.

Input: the measure frames of `analysis.trends` (and `analysis.cluster` for the role mix).
Output: an inline `<svg>` string per chart, text kept as text (svg.fonttype none) so that the
browser draws CJK labels with its own fonts; no I/O, no network.
"""

from __future__ import annotations

import html
import io
import logging
import re
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import matplotlib
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.ticker import MaxNLocator, PercentFormatter

from analysis.trends import SMALL_N

CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "PingFang SC",
    "Hiragino Sans GB",
    "Microsoft YaHei",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
)
"""Simplified-Chinese fonts, in the order a reader's machine is likely to have them: Linux
(Noto / Source Han), macOS (PingFang, Hiragino), Windows (YaHei), older Linux (WenQuanYi)."""

LATIN_FONTS = ("DejaVu Sans", "Arial", "Helvetica")

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
COLOUR_MONTH = "#1f5fa8"
COLOUR_DRIFT = "#3b4552"
LANGUAGE_COLOURS = {
    "en": "#1f5fa8", "ru": "#c0392b", "fr": "#7d3c98", "es": "#e67e22", "ar": "#16a085",
    "ja": "#d4a017", "ko": "#5d6d7e", "de": "#8e5a2b", "pt": "#2ecc71", "th": "#e84393",
}  # fmt: skip
SPARE_COLOURS = ("#34495e", "#9b59b6", "#1abc9c", "#f39c12", "#7f8c8d", "#b03a2e")
CLUSTER_COLOURS = (
    "#1f5fa8", "#e67e22", "#2a7f62", "#d1495b", "#7d3c98", "#8e5a2b", "#e84393", "#5d6d7e",
    "#d4a017", "#16a085", "#9db4cc", "#b03a2e",
)  # fmt: skip
COLOUR_OTHER = "#c8cfd8"

CHART_LANGUAGES = 6
CHART_EXCLUDED_LANGUAGES = ("zh",)
CHART_PROVINCES = 15
CHART_CLUSTERS = 5
"""Role clusters drawn by name in the role-mix chart; the rest are summed as "other"."""
SMOOTH_MONTHS = 3
"""Trailing window pooled into each point when months are small (see `smoothing_window`)."""
SMALL_MONTH = 10
"""A typical month (median over months with positions) below this many positions is too small
for a monthly share: the share charts then pool `SMOOTH_MONTHS` months per point."""

TITLES = {
    "positions": "Positions advertised per month",
    "languages": "Language demand: share of positions asking for each language",
    "overseas": "Overseas experience: share of positions asking for it",
    "aigc": "AIGC roles: share of positions mentioning generative AI",
    "provinces": "Where: positions by province",
    "clusters": "Role mix: share of positions per role cluster",
}
"""Chart titles, also used as the SVG's accessible label and the report's figure title."""

_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MUTED = "#5b6675"


def language_name(code: str) -> str:
    name = LANGUAGE_NAMES.get(code)
    return f"{name} ({code})" if name else code


def _pct(share: float) -> str:
    return f"{share * 100:.1f}%"


# --------------------------------------------------------------------------- style


def _rc() -> dict[str, Any]:
    return {
        "svg.fonttype": "none",
        # One family list, so each SVG <text> names the CJK fonts first and stays short.
        "font.family": ["sans-serif"],
        "font.sans-serif": [*CJK_FONTS, *LATIN_FONTS],
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


def month_ticks(months: Sequence[str], most: int = 12) -> tuple[list[int], list[str]]:
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
    ticks, labels = month_ticks(months, most_ticks)
    ax.set_xticks(ticks, labels)
    ax.tick_params(axis="x", length=0)
    pad = max(0.6, (6 - len(months)) / 2)  # a lone month should not fill the width
    ax.set_xlim(-pad, len(months) - 1 + pad)
    if month in months and len(months) > 1:
        i = list(months).index(month)
        ax.axvspan(i - 0.5, i + 0.5, color=COLOUR_MONTH_BAND, lw=0, zorder=0)


def _svg(fig: Figure, name: str) -> str:
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
    label = html.escape(TITLES.get(name, name), quote=True)
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
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", color=_MUTED)


def _months(measures: pd.DataFrame) -> list[str]:
    return list(measures["month"].astype(str))


def smoothing_window(positions: pd.Series) -> int:
    """Months pooled into each point of a share chart: 1, or `SMOOTH_MONTHS` when the typical
    month (median over months with positions) holds fewer than `SMALL_MONTH` positions.

    `positions`: positions per consecutive month (gap months included, as 0)."""
    busy = positions[positions > 0]
    small = len(busy) > 0 and float(busy.median()) < SMALL_MONTH
    return SMOOTH_MONTHS if small and len(positions) >= SMOOTH_MONTHS else 1


def trailing_sums(frame: pd.DataFrame, window: int) -> pd.DataFrame:
    """Each row replaced by the sum over it and the `window - 1` rows before (consecutive
    months), so a share over the sums pools the window's positions."""
    return frame.rolling(window, min_periods=1).sum() if window > 1 else frame.astype(float)


def window_phrase(window: int) -> str:
    """How a point is computed, for captions and panel titles."""
    return "each month" if window == 1 else f"the {window} months to each point"


# --------------------------------------------------------------------------- charts


def render_positions_chart(measures: pd.DataFrame, month: str) -> str:
    """Bars of positions per month, the AIGC positions stacked in the accent colour.

    `measures`: `trends.build_monthly_measures` (month, positions, n_aigc).
    """
    months = _months(measures)
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
        ax.set_title(TITLES["positions"])
        ax.legend(loc="upper left", ncols=2, fontsize=9)
        ax.set_ylim(0, max(1, int(measures["positions"].max())) * 1.18)
        return _svg(fig, "positions")


def chart_languages(measures: pd.DataFrame) -> list[str]:
    """The languages drawn: the most asked over the whole period, Chinese left out."""
    codes = [c.removeprefix("n_lang_") for c in measures.columns if c.startswith("n_lang_")]
    codes = [c for c in codes if c not in CHART_EXCLUDED_LANGUAGES]
    totals = {c: int(measures[f"n_lang_{c}"].sum()) for c in codes}
    return sorted((c for c in codes if totals[c]), key=lambda c: (-totals[c], c))[:CHART_LANGUAGES]


def _language_colour(code: str, rank: int) -> str:
    return LANGUAGE_COLOURS.get(code, SPARE_COLOURS[rank % len(SPARE_COLOURS)])


def render_languages_chart(measures: pd.DataFrame, month: str, window: int = 1) -> str:
    """Small multiples: share of positions asking for each top foreign language, pooled over
    `window` trailing months, the positions behind each point written beside it.

    `measures`: `trends.build_monthly_measures` (month, positions, n_lang_*).
    """
    months = _months(measures)
    x = list(range(len(months)))
    codes = chart_languages(measures)
    sums = trailing_sums(measures[["positions", *(f"n_lang_{c}" for c in codes)]], window)
    base = sums["positions"]
    shares = {c: sums[f"n_lang_{c}"] / base.where(base > 0) for c in codes}
    small = base < SMALL_N
    top = max((float(s.max()) for s in shares.values() if s.notna().any()), default=0.0) * 100
    rows, cols = (2 if len(codes) > 3 else 1), (3 if codes else 1)
    every = max(1, -(-len(months) // 12))  # at most about 12 counts per panel stay legible
    with _chart_style("languages"):
        fig = Figure(figsize=(8.6, 2.0 + 1.9 * rows), layout="constrained")
        layout = fig.get_layout_engine()
        if isinstance(layout, ConstrainedLayoutEngine):
            layout.set(wspace=0.05, hspace=0.06)  # keep the panels' tick labels apart
        axes = fig.subplots(rows, cols, sharex=True, sharey=True, squeeze=False).ravel()
        fig.suptitle(TITLES["languages"], x=0.01, ha="left", fontsize=12, fontweight="bold")
        fig.supylabel("share of positions", fontsize=9.5, color="#3b4552")
        for rank, ax in enumerate(axes):
            ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
            ax.set_ylim(0, min(118.0, max(12.0, top * 1.3)))
            if codes and rank >= len(codes):
                ax.set_axis_off()
                continue
            _frame_axes(ax, months, month, most_ticks=4)
            if not codes:
                _empty_note(ax, "No language requirement found yet")
                continue
            code, colour = codes[rank], _language_colour(codes[rank], rank)
            ax.fill_between(x, shares[code] * 100, color=colour, alpha=0.10, lw=0)
            _share_line(ax, x, shares[code], small, color=colour)
            for i in range(len(months) - 1, -1, -every):  # the latest point always counted
                if base.iloc[i] > 0:
                    ax.annotate(
                        f"{int(base.iloc[i])}", (i, float(shares[code].iloc[i]) * 100),
                        xytext=(0, 5), textcoords="offset points", ha="center", fontsize=6.5,
                        color=_MUTED,
                    )  # fmt: skip
            now = shares[code][measures["month"].astype(str).to_numpy() == month]
            latest = ""
            if len(now) and pd.notna(now.iloc[0]):
                # Pooled: the caption says which months the report month's point covers.
                latest = f" · {_pct(float(now.iloc[0]))}" + (
                    f" in {month}" if window == 1 else f" ({window} mo.)"
                )
            ax.set_title(language_name(code) + latest, fontsize=10, color=colour)
        return _svg(fig, "languages")


def _share_chart(measures: pd.DataFrame, month: str, name: str, flag: str, colour: str) -> str:
    """One share line over the months (`flag` column of the measures), with its count now."""
    months = _months(measures)
    x = list(range(len(months)))
    share = measures[flag].where(measures["positions"] > 0)
    with _chart_style(name):
        fig = Figure(figsize=(8.6, 3.2), layout="constrained")
        ax = fig.subplots()
        ax.fill_between(x, share * 100, color=colour, alpha=0.12, lw=0)
        _share_line(ax, x, share, measures["small_n"], color=colour)
        _frame_axes(ax, months, month)
        ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
        top = float(share.max()) * 100 if share.notna().any() else 0.0
        ax.set_ylim(0, min(104.0, max(10.0, top * 1.25)))
        ax.set_ylabel("share of positions")
        ax.set_title(TITLES[name])
        now = measures.loc[measures["month"] == month]
        if len(now) and int(now["positions"].iloc[0]) > 0 and month in months:
            n, total = int(now[f"n_{flag}"].iloc[0]), int(now["positions"].iloc[0])
            i = months.index(month)
            last = i == len(months) - 1 and len(months) > 1  # keep the label inside the axes
            ax.annotate(
                f"{n} of {total}", (i, float(now[flag].iloc[0]) * 100),
                xytext=(-8 if last else 0, 9), textcoords="offset points",
                ha="right" if last else "center", fontsize=9, color=colour, fontweight="bold",
            )  # fmt: skip
        return _svg(fig, name)


def render_overseas_chart(measures: pd.DataFrame, month: str) -> str:
    """Line: share of each month's positions asking for overseas study, work or living."""
    return _share_chart(measures, month, "overseas", "overseas", COLOUR_OVERSEAS)


def render_aigc_chart(measures: pd.DataFrame, month: str) -> str:
    """Line: share of each month's positions mentioning generative AI (AIGC)."""
    return _share_chart(measures, month, "aigc", "aigc", COLOUR_AIGC)


def render_province_chart(provinces: pd.DataFrame, month: str, window_label: str) -> str:
    """Two horizontal bar panels sharing the province axis: the month, and a trailing window.

    `provinces`: `trends.build_province_window` (province, month, window), largest window
    first; the top `CHART_PROVINCES` are drawn and the rest summed into "other provinces".
    """
    top = provinces.head(CHART_PROVINCES)
    rest = provinces.iloc[CHART_PROVINCES:]
    labels = [str(p) for p in top["province"]]
    now, window = list(top["month"].astype(int)), list(top["window"].astype(int))
    if len(rest):
        labels.append(f"other provinces ({len(rest)})")
        now.append(int(rest["month"].sum()))
        window.append(int(rest["window"].sum()))
    y = list(range(len(labels)))
    with _chart_style("provinces"):
        height = 1.3 + 0.28 * max(3, len(labels))
        fig = Figure(figsize=(8.6, height), layout="constrained")
        left, right = fig.subplots(1, 2, sharey=True)
        fig.suptitle(TITLES["provinces"], x=0.01, ha="left", fontsize=12, fontweight="bold")
        panels = ((left, now, COLOUR_MONTH, month), (right, window, COLOUR_POSITIONS, window_label))
        for ax, values, colour, label in panels:
            ax.barh(y, values, color=colour, height=0.7, zorder=2)
            ax.set_title(label, fontsize=10, color="#3b4552", fontweight="normal")
            ax.grid(axis="x")
            ax.grid(axis="y", visible=False)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_xlabel("positions")
            ax.set_xlim(0, max(1, max(values, default=0)) * 1.15)
            for yi, v in zip(y, values, strict=True):
                if v:
                    ax.text(v, yi, f" {v:,}", va="center", fontsize=8.5, color=_MUTED)
        left.set_yticks(y, labels)
        left.invert_yaxis()
        left.tick_params(axis="y", length=0)
        right.tick_params(axis="y", length=0)
        return _svg(fig, "provinces")


def cluster_chart_order(shares: pd.DataFrame) -> tuple[list[int], list[int]]:
    """The clusters drawn by name (the `CHART_CLUSTERS` with most positions over all months)
    and the rest, summed as "other"."""
    totals = shares.groupby("cluster")["n"].sum()
    order = [int(c) for c in sorted(totals.index, key=lambda c: (-int(totals[c]), int(c)))]
    return order[:CHART_CLUSTERS], order[CHART_CLUSTERS:]


def render_cluster_chart(
    shares: pd.DataFrame, names: Mapping[int, str], drift: pd.Series, month: str, window: int = 1
) -> str:
    """Stacked areas of the largest role clusters' shares plus "other", each point pooling
    `window` trailing months; month-to-month drift as a line panel beneath.

    `shares`: `analysis.cluster.cluster_shares` (month, cluster, n, positions, share, small_n);
    `names`: cluster → name (a typical title); `drift`: month → Jensen-Shannon distance to the
    previous month.
    """
    counts = shares.pivot(index="month", columns="cluster", values="n").sort_index()
    counts.index = counts.index.astype(str)
    months = list(counts.index)
    base = shares.groupby("month")["positions"].first()
    base.index = base.index.astype(str)
    base = trailing_sums(base.reindex(months).to_frame(), window).iloc[:, 0]
    pooled = trailing_sums(counts, window)
    share = pooled.div(base.where(base > 0), axis=0).fillna(0.0) * 100
    shown, rest = cluster_chart_order(shares)
    series = [share[c].to_numpy() for c in shown]
    labels = [names.get(c) or "positions without a title" for c in shown]
    colours = [CLUSTER_COLOURS[i % len(CLUSTER_COLOURS)] for i in range(len(shown))]
    if rest:
        series.append(share[rest].sum(axis=1).to_numpy())
        labels.append(f"other ({len(rest)} smaller clusters)")
        colours.append(COLOUR_OTHER)
    x = list(range(len(months)))
    drift_values = drift.reindex(months)
    with _chart_style("clusters"):
        rows = (len(labels) + 1) // 2
        fig = Figure(figsize=(8.6, 5.4 + 0.2 * rows), layout="constrained")
        top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(3.2, 1))
        top.stackplot(x, *series, labels=labels, colors=colours, alpha=0.9, lw=0.3,
                      edgecolor="white")  # fmt: skip
        top.set_ylim(0, 100)
        top.yaxis.set_major_formatter(PercentFormatter(decimals=0))
        top.set_ylabel("share of positions")
        top.set_title(TITLES["clusters"])
        # The legend goes under the whole figure, so the areas keep the full width.
        fig.legend(*top.get_legend_handles_labels(), loc="outside lower left", ncols=2,
                   fontsize=8.5, handlelength=1)  # fmt: skip
        _frame_axes(top, months, month)
        top.grid(False)
        bottom.plot(x, drift_values.to_numpy(), color=COLOUR_DRIFT, marker="o", markersize=3,
                    linewidth=1.5)  # fmt: skip
        _frame_axes(bottom, months, month)
        peak = float(drift_values.max()) if drift_values.notna().any() else 0.0
        bottom.set_ylim(0, max(0.1, min(1.0, peak * 1.25)))
        bottom.set_ylabel("drift (JS)")
        bottom.set_title("Month-to-month change of the mix (Jensen-Shannon distance, 0 to 1)",
                         fontsize=9.5, fontweight="normal", color="#3b4552")  # fmt: skip
        return _svg(fig, "clusters")
