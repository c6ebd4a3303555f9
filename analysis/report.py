"""Report stage: the monthly talent-demand report, as self-contained HTML and a Markdown twin.

Input: the `positions` / `findings` frames (docs/DESIGN.md) and optionally the crawl runs.
Output: `report-YYYY-MM.html` (inline CSS and SVG charts, no network) and `report-YYYY-MM.md`
with the charts as SVG files beside it.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pandas as pd

from analysis import charts, trends
from analysis.charts import CJK_FONTS, language_name

CSS_FONTS = ", ".join(
    [
        # Latin text in a UI font; CJK falls through to the first CJK font the machine has.
        "system-ui",
        "-apple-system",
        '"Segoe UI"',
        *(f'"{f}"' for f in CJK_FONTS),
        '"Noto Sans"',
        '"DejaVu Sans"',
        "sans-serif",
    ]
)
CLUSTER_MIN_POSITIONS = 30
"""Below this many dated positions the role clusters say nothing: the section says so."""
CLUSTER_RANDOM_STATE = 0
CLUSTER_FIT_SAMPLE = 10_000
"""The report fits its clusters on at most this many positions (a fixed random sample) and
assigns the rest: 100,000 positions then report in well under 30 s."""
TABLE_LIMIT = 20
SENTENCE_LIMIT = 180
NONE = "\u2013"  # en dash: no figure
_MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class ReportPaths:
    markdown: Path
    html: Path
    cluster_model: dict[str, Any] | None = None  # model version, params, random_state, names


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


def _chart(name: str, svg: str, caption: str) -> Chart:
    return Chart(name, charts.TITLES[name], caption, svg)


def render_charts(
    measures: pd.DataFrame, month: str, provinces: pd.DataFrame | None = None
) -> list[Chart]:
    """The report's trend charts; none when there is no dated position.

    `provinces` (`trends.build_province_window`) adds the province bars when not empty.
    """
    if measures.empty:
        return []
    months = list(measures["month"].astype(str))
    shaded = f" Shaded: {month}." if month in months and len(months) > 1 else ""
    hollow = "Hollow points: months with fewer than 5 positions."
    out = [
        _chart(
            "positions",
            charts.render_positions_chart(measures, month),
            "Positions first published each month (bars); the AIGC share of each bar in red."
            + shaded,
        ),
        _chart(
            "languages",
            charts.render_languages_chart(measures, month),
            f"Top {charts.CHART_LANGUAGES} foreign languages over the whole period (Chinese "
            f"left out), same scale in every panel. {hollow} Gaps: months without positions.",
        ),
        _chart(
            "overseas",
            charts.render_overseas_chart(measures, month),
            f"Any overseas study, work or living experience, required or preferred. {hollow}",
        ),
        _chart(
            "aigc",
            charts.render_aigc_chart(measures, month),
            "Positions whose duties or requirements mention generative AI (AIGC, large models, "
            f"AI content tools), with evidence; the roles are listed below. {hollow}",
        ),
    ]
    if provinces is not None and not provinces.empty:
        out.append(
            _chart(
                "provinces",
                charts.render_province_chart(provinces, month, _window_label(month)),
                f"Left: positions published in {month}; right: the 12 months to {month}. "
                f"The {charts.CHART_PROVINCES} provinces with most positions over the 12 months; "
                "'unknown': the source names no province (national media, job boards).",
            )
        )
    return out


def _window_label(month: str, window: int = 12) -> str:
    return f"{trends.shift_month(month, -(window - 1))} to {month} ({window} months)"


# --------------------------------------------------------------------------- role clusters


@dataclass(frozen=True)
class RoleMix:
    """Role clusters fitted on every position: monthly shares, names and drift."""

    shares: pd.DataFrame
    clusters: pd.DataFrame
    drift: pd.Series
    info: dict[str, Any]

    @property
    def names(self) -> dict[int, str]:
        return {int(r["cluster"]): str(r["name"]) for _, r in self.clusters.iterrows()}


def build_role_mix(
    positions: pd.DataFrame, findings: pd.DataFrame, *, random_state: int = CLUSTER_RANDOM_STATE
) -> RoleMix | str:
    """Fit `analysis.cluster.RoleClusterer` on all positions (pooled months, fixed seed).

    Returns the role mix, or a one-sentence reason why there is none (too little data, or the
    clustering module unavailable), for the report to print instead of a chart.
    """
    dated = int(trends.position_months(positions).notna().sum())
    if dated < CLUSTER_MIN_POSITIONS:
        return (
            f"Role clusters need at least {CLUSTER_MIN_POSITIONS} dated positions; "
            f"the data has {dated:,}."
        )
    try:
        from analysis.cluster import RoleClusterer, cluster_shares, monthly_drift
    except ImportError as exc:  # the clustering module is optional for the report
        return f"Role clusters unavailable: {exc}."
    model = RoleClusterer(random_state=random_state, max_fit_samples=CLUSTER_FIT_SAMPLE)
    try:
        labels = model.fit_assign(positions, findings)  # fit on a sample, assign every row
    except ValueError as exc:  # e.g. too few distinct positions to choose k
        return f"Role clusters not fitted: {exc}."
    shares = cluster_shares(positions, labels)
    return RoleMix(shares, model.name_clusters(), monthly_drift(shares), dict(model.model_info_))


def role_mix_section(mix: RoleMix | str | None, month: str) -> list[Block]:
    """Cluster-shares chart, the clusters of the month and the drift measure."""
    if mix is None:
        return []
    blocks: list[Block] = [Heading("Role mix")]
    if isinstance(mix, str):
        return [*blocks, Paragraph(mix, note=True)]
    svg = charts.render_cluster_chart(mix.shares, mix.names, mix.drift, month)
    caption = (
        f"Positions grouped into {mix.info.get('k', len(mix.clusters))} role clusters by their "
        "title, text and findings (one model fitted on every month, so labels are comparable "
        "over time); each cluster is named by its most distinctive terms. Lower panel: how "
        "much the mix changed from the previous month."
    )
    blocks.append(_chart("clusters", svg, caption))
    now = mix.shares[mix.shares["month"] == month].set_index("cluster")
    before = mix.shares[mix.shares["month"] == trends.shift_month(month, -1)].set_index("cluster")
    total = int(now["positions"].iloc[0]) if len(now) else 0
    rows = []
    for _, c in mix.clusters.iterrows():
        k = int(c["cluster"])
        n = int(now["n"].get(k, 0)) if len(now) else 0
        then = (
            float(before["share"].get(k, 0.0))
            if len(before) and before["positions"].iloc[0]
            else None
        )
        delta = (n / total - then) if total and then is not None else None
        skills = ", ".join(str(s) for s in (c.get("top_skills") or [])[:3])
        rows.append(
            (
                str(k),
                _text(c["name"]),
                _share_cell(n, total) if total else NONE,
                _pp(delta),
                _pct(float(c["share"])),
                skills or NONE,
            )
        )
    previous = trends.shift_month(month, -1)
    headers = ("#", "Cluster (top terms)", month, f"vs {previous}", "All months", "Typical asks")
    blocks.append(Table(headers, tuple(rows), numeric=frozenset({0, 2, 3, 4})))
    drift = mix.drift.get(month)
    if drift is not None and not pd.isna(drift):
        typical = float(mix.drift.dropna().median())
        blocks.append(
            Paragraph(
                f"Drift in {month}: {drift:.2f} (Jensen-Shannon distance between this month's "
                f"mix and {previous}'s: 0 = same mix, 1 = no cluster in common; median over "
                f"all months {typical:.2f})."
            )
        )
    info = mix.info
    blocks.append(
        Paragraph(
            f"Model: {info.get('model', 'RoleClusterer')} {info.get('version', '')}, "
            f"k={info.get('k')} ({info.get('k_criterion', '')}), random_state="
            f"{info.get('random_state')}, fitted on {info.get('n_fit_samples', 0):,} of "
            f"{info.get('n_samples', 0):,} positions.",
            note=True,
        )
    )
    return blocks


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


def aigc_section(
    positions: pd.DataFrame, findings: pd.DataFrame, month: str, chart: Chart | None = None
) -> list[Block]:
    blocks: list[Block] = [Heading("AIGC roles")]
    ids = trends.aigc_ids(positions, findings)
    every = _aigc_rows(positions, findings, ids)
    in_month = every[trends.position_months(every) == month]
    if not len(every):
        return [*blocks, Paragraph("No position in the data mentions generative AI (AIGC).")]
    if chart is not None:
        blocks.append(chart)
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
    positions: pd.DataFrame, findings: pd.DataFrame, month: str, chart: Chart | None = None
) -> list[Block]:
    blocks: list[Block] = [Heading("Where"), chart] if chart is not None else []
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
        if chart is None:
            blocks.append(Heading("Where"))
        blocks.append(Table(headers, rows, numeric=frozenset({1, 2, 3, 4})))
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


# --------------------------------------------------------------------------- crawl health


def _source_status(r: pd.Series) -> str:
    if int(r["pages"]) == 0:
        return "never crawled"
    if int(r["errors"]) and not int(r["notices"]):
        return "failing"
    if not int(r["notices"]):
        return "zero yield"
    return "errors" if int(r["errors"]) else "ok"


def _latest_run_sentence(stats: dict[str, Any]) -> str | None:
    if not stats:
        return None
    parts = [
        (stats.get("icc/page/listing"), "listing pages"),
        (stats.get("icc/page/notice"), "notice pages"),
        (stats.get("icc/page/known_skipped"), "already stored and skipped"),
        (stats.get("icc/page/unavailable"), "unavailable"),
        (stats.get("icc/page/error"), "errors"),
    ]
    known = [f"{label} {int(n):,}" for n, label in parts if isinstance(n, int | float)]
    if not known:
        return None
    return f"Latest crawl run #{stats['run_id']}: " + ", ".join(known) + "."


def source_health_blocks(sources: pd.DataFrame | None) -> list[Block]:
    """Sources crawled, failures and zero-yield sources, one row per registered source."""
    if sources is None:
        return []
    if sources.empty:
        return [Paragraph("No sources registered in the store.")]
    frame = sources.assign(status=sources.apply(_source_status, axis=1))
    crawled = int((frame["pages"] > 0).sum())
    failing = frame[frame["status"] == "failing"]
    zero = frame[frame["status"] == "zero yield"]
    never = frame[frame["status"] == "never crawled"]
    bullets = [
        f"{crawled:,} of {_n(len(frame), 'registered source')} crawled; "
        f"{_n(int(frame['errors'].sum()), 'page')} failed, "
        f"{_n(int(frame['unavailable'].sum()), 'notice')} no longer available.",
        "Zero-yield sources (crawled, no notice stored): "
        + (", ".join(zero["source_id"].astype(str)) or "none")
        + ".",
        "Failing sources (errors and no notice): "
        + (", ".join(failing["source_id"].astype(str)) or "none")
        + ".",
    ]
    if len(never):
        bullets.append("Never crawled: " + ", ".join(never["source_id"].astype(str)) + ".")
    sentence = _latest_run_sentence(sources.attrs.get("latest_run_stats") or {})
    if sentence:
        bullets.append(sentence)
    rows = tuple(
        (
            _text(r["source_id"]),
            _text(r["name"]) or NONE,
            _text(r["province"]) or NONE,
            _count(r["pages"]),
            _count(r["notices"]),
            _count(r["positions"]),
            _count(r["unavailable"]),
            _count(r["errors"]),
            _date(r["last_fetch"]),
            r["status"] + (f": {_text(r['last_error'])[:80]}" if _text(r["last_error"]) else ""),
        )
        for _, r in frame.sort_values(["status", "source_id"]).iterrows()
    )
    headers = ("Source", "Name", "Province", "Pages", "Notices", "Positions", "Unavailable",
               "Errors", "Last fetch", "Status")  # fmt: skip
    return [
        Heading("Sources", 3),
        Bullets(tuple(bullets)),
        Table(headers, rows, numeric=frozenset({3, 4, 5, 6, 7})),
    ]


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
    positions: pd.DataFrame,
    findings: pd.DataFrame,
    runs: pd.DataFrame | None,
    sources: pd.DataFrame | None = None,
) -> list[Block]:
    total = len(positions)
    blocks: list[Block] = [Heading("Data quality"), *_runs_blocks(runs)]
    blocks += source_health_blocks(sources)
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
                "Role clusters: one model (character n-grams of title and text plus the "
                "findings, reduced by SVD, k-means with a fixed random_state) fitted on every "
                "position of every month, so a cluster means the same in each month; names are "
                "the cluster's most distinctive terms, not an editor's label. Drift is the "
                "Jensen-Shannon distance between consecutive months' mixes.",
                "Provinces are those of the crawled source; national bodies and job boards "
                "count as 'unknown'.",
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
    figures: list[Chart],
    *,
    measures: pd.DataFrame | None = None,
    sources: pd.DataFrame | None = None,
    role_mix: RoleMix | str | None = None,
) -> list[Block]:
    """Every section of the report, in order.

    `figures` are placed by name: the trend charts together, the AIGC chart with the AIGC
    roles, the province chart under "Where".
    """
    if positions.empty:
        return [
            Paragraph("There is no data yet: the store holds no positions. Run a crawl first."),
            *data_quality_section(positions, findings, runs, sources),
            *method_section(),
        ]
    if measures is None:
        measures = trends.build_monthly_measures(positions, findings)
    summary = trends.build_month_summary(positions, findings, month, measures=measures)
    by_name = {c.name: c for c in figures}
    trend_charts = [c for c in figures if c.name not in ("aigc", "provinces")]
    in_range = summary["in_range"]
    return [
        *headline_section(positions, summary, measures),
        *charts_section(trend_charts),
        *role_mix_section(role_mix, month),
        *aigc_section(positions, findings, month, by_name.get("aigc")),
        *(new_employers_section(positions, summary) if in_range else []),
        *(
            places_and_terms_section(positions, findings, month, by_name.get("provinces"))
            if in_range
            else []
        ),
        *data_quality_section(positions, findings, runs, sources),
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
    sources: pd.DataFrame | None = None,
    clusters: bool = True,
) -> ReportPaths:
    """Write report-YYYY-MM.html and report-YYYY-MM.md (+ chart SVGs) into `out_dir`.

    `month` defaults to the latest month with data (the current month for an empty store).
    `sources` (`load_source_health`) adds per-source crawl health to the data-quality section;
    `clusters=False` leaves out the role clusters (the slowest part on a large store).
    """
    month = month or trends.latest_month(positions) or pd.Timestamp.now().strftime("%Y-%m")
    if not _MONTH_RE.match(month):
        raise ValueError(f"month must be YYYY-MM, got {month!r}")
    measures = trends.build_monthly_measures(positions, findings)
    provinces = trends.build_province_window(positions, month)
    figures = render_charts(measures, month, provinces)
    role_mix = build_role_mix(positions, findings) if clusters and len(positions) else None
    blocks = build_blocks(
        positions,
        findings,
        month,
        runs,
        figures,
        measures=measures,
        sources=sources,
        role_mix=role_mix,
    )
    title = f"ICC talent demand: {month}"
    subtitle = _subtitle(positions)

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    drawn = [b for b in blocks if isinstance(b, Chart)]
    chart_files = {c.name: f"report-{month}-{c.name}.svg" for c in drawn}
    for chart in drawn:
        svg = '<?xml version="1.0" encoding="utf-8"?>\n' + chart.svg + "\n"
        (out_dir / chart_files[chart.name]).write_text(svg, encoding="utf-8")
    model = None
    if isinstance(role_mix, RoleMix):
        records = json.loads(role_mix.clusters.to_json(orient="records", force_ascii=False))
        model = {**role_mix.info, "clusters": records}
        model_file = out_dir / f"report-{month}-clusters.json"
        model_file.write_text(json.dumps(model, ensure_ascii=False, indent=2, default=str), "utf-8")
    paths = ReportPaths(
        out_dir / f"report-{month}.md", out_dir / f"report-{month}.html", cluster_model=model
    )
    paths.markdown.write_text(render_markdown(title, subtitle, blocks, chart_files), "utf-8")
    paths.html.write_text(render_html(title, subtitle, blocks), encoding="utf-8")
    return paths
