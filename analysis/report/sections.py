"""Report stage: the report's sections, one builder each, over the month's figures.

Input: the `positions` / `findings` frames, `trends.MonthFigures` of the report month, the
role mix of `analysis.cluster.build_role_mix`, crawl runs and source health.
Output: the report's blocks (`analysis.report.model`), in reading order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from analysis import charts
from analysis.charts import language_name
from analysis.report.coverage import ChannelRegistry, coverage_blocks
from analysis.report.health import data_quality_section
from analysis.report.model import (
    NONE,
    TABLE_LIMIT,
    Block,
    Bullets,
    Cell,
    Chart,
    Flagged,
    Heading,
    Link,
    Marked,
    Paragraph,
    Table,
    Tiles,
    evidence_sentence,
    fmt_count,
    fmt_date,
    fmt_pct,
    fmt_pp,
    fmt_signed,
    plain,
    plural,
    safe_url,
    share_cell,
    were,
)
from analysis.trends import SMALL_N, MonthFigures

if TYPE_CHECKING:  # the clustering module is imported only when the report draws clusters
    from analysis.cluster import RoleMix


# --------------------------------------------------------------------------- charts


def _chart(name: str, svg: str, caption: str) -> Chart:
    return Chart(name, charts.TITLES[name], caption, svg)


def render_charts(figures: MonthFigures) -> list[Chart]:
    """The report's trend charts; none when there is no dated position.

    The province bars (`figures.province_window`) are drawn when the window holds a position.
    """
    measures, month, provinces = figures.measures, figures.month, figures.province_window
    if measures.empty:
        return []
    months = list(measures["month"].astype(str))
    shaded = f" Shaded: {month}." if month in months and len(months) > 1 else ""
    hollow = f"Hollow points: fewer than {SMALL_N} positions behind the point."
    window = charts.smoothing_window(measures["positions"])
    n_languages = len(charts.chart_languages(measures))
    pooled = (
        ""
        if window == 1
        else f"Months hold few positions, so each point pools the {window} months up to it "
        f"(the share in a panel's title: the {window} months to {month}). "
    )
    out = [
        _chart(
            "positions",
            charts.render_positions_chart(measures, month),
            "Positions first published each month (bars); the AIGC share of each bar in red."
            + shaded,
        ),
        _chart(
            "languages",
            charts.render_languages_chart(measures, month, window),
            f"The {plural(n_languages, 'foreign language')} most asked for over the whole "
            f"period (Chinese left out), same scale in every panel. {pooled}The small number "
            f"beside a point is the positions behind it. {hollow} Gaps: no positions.",
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
    if not provinces.empty:
        window_text = f"{figures.window_start} to {month} ({figures.window_months} months)"
        drawn = min(len(provinces), charts.CHART_PROVINCES)
        rest = len(provinces) - drawn
        which = (
            f"The {drawn} provinces with most positions over the 12 months, the other {rest} summed"
            if rest
            else f"All {plural(drawn, 'province')} with positions in the 12 months"
        )
        out.append(
            _chart(
                "provinces",
                charts.render_province_chart(provinces, month, window_text),
                f"Left: positions published in {month}; right: the 12 months to {month}. "
                f"{which}; 'unknown': the source names no province (national media, job "
                "boards).",
            )
        )
    return out


# --------------------------------------------------------------------------- role clusters


def role_mix_section(mix: RoleMix | str | None, figures: MonthFigures) -> list[Block]:
    """Cluster-shares chart, the clusters of the month and the drift measure."""
    month, previous = figures.month, figures.previous_month
    if mix is None:
        return []
    blocks: list[Block] = [Heading("Role mix")]
    if isinstance(mix, str):
        return [*blocks, Paragraph(mix, note=True)]
    window = charts.smoothing_window(mix.shares.groupby("month")["positions"].first())
    shown, rest = charts.cluster_chart_order(mix.shares)
    svg = charts.render_cluster_chart(mix.shares, mix.names, mix.drift, month, window)
    drawn = (
        f"the {len(shown)} largest are drawn, the other {len(rest)} summed as 'other'"
        if rest
        else f"all {len(shown)} are drawn"
    )
    pooled = (
        "Each point is the share of that month's positions"
        if window == 1
        else f"Months hold few positions, so each point pools the {window} months up to it"
    )
    caption = (
        f"Positions grouped into {plural(len(mix.clusters), 'role cluster')} by their title, "
        f"text and findings ({drawn}); one model fitted on every month, so a cluster means "
        f"the same in each month; each is named by the commonest title among its positions. "
        f"{pooled}. Lower panel: how much the monthly mix changed from the previous month."
    )
    blocks.append(_chart("clusters", svg, caption))
    now = mix.shares[mix.shares["month"] == month].set_index("cluster")
    before = mix.shares[mix.shares["month"] == previous].set_index("cluster")
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
                plain(c["name"]),
                share_cell(n, total) if total else NONE,
                fmt_pp(delta),
                fmt_pct(float(c["share"])),
                skills or NONE,
            )
        )
    headers = (
        "#",
        "Cluster (typical title)",
        month,
        f"vs {previous}",
        "All months",
        "Typical asks",
    )
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
    blocks.append(Paragraph(_model_note(mix.info), note=True))
    return blocks


def _model_note(info: dict[str, Any]) -> str:
    """The model behind the clusters in words: no parameter names (the full record, with them,
    is saved beside the report)."""
    version = str(info.get("version", "")).rpartition("/")[2]
    chosen = (
        "chosen as " + str(info["k_criterion"])
        if info.get("k_criterion") and info["k_criterion"] != "fixed by the caller"
        else "fixed"
    )
    return (
        f"Model: role clusters version {version or '?'}; {info.get('k')} clusters, {chosen}; "
        f"random seed {info.get('random_state')}; fitted on {info.get('n_fit_samples', 0):,} "
        f"of {info.get('n_samples', 0):,} positions."
    )


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
        return fmt_count(metrics[count])
    return share_cell(metrics[count], metrics["positions"])


def _change_cell(
    changes: dict[str, Any] | None, count: str, share: str | None, small_base: bool = False
) -> str:
    """The change cell; no percentage change on a base below SMALL_N positions."""
    if changes is None:
        return NONE
    if share is not None:
        return fmt_pp(changes[share])
    text = fmt_signed(changes[count])
    if count == "positions" and changes["positions_pct"] is not None and not small_base:
        text += f" ({changes['positions_pct'] * 100:+.0f}%)"
    return text


def _small(metrics: dict[str, Any] | None) -> bool:
    return metrics is not None and metrics["positions"] < SMALL_N


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
            ("Positions", fmt_count(now["positions"]), change("positions")),
            ("Notices", fmt_count(now["notices"]), change("notices")),
            ("AIGC share", _tile_share(now, "n_aigc"), change("n_aigc", "aigc")),
            ("Overseas asked", _tile_share(now, "n_overseas"), change("n_overseas", "overseas")),
            ("Open at month end", open_note, "deadline on or after the last day"),
        )
    )


def _tile_share(now: dict[str, Any], count: str) -> Cell:
    text = f"{fmt_pct(now[count] / now['positions'] if now['positions'] else None)}"
    return Flagged(text) if now["positions"] < SMALL_N else text


def _lead(summary: dict[str, Any]) -> str:
    now = summary["current"]
    employers = plural(now["employers"], "employer")
    verb = "published" if now["employers"] else "(employer unknown) published"
    text = (
        f"In {summary['month']}, {employers} {verb} {plural(now['notices'], 'recruitment notice')} "
        f"with {plural(now['positions'], 'position')}"
    )
    if now["headcount_known"]:
        text += (
            f" and {plural(now['headcount'], 'place')} (headcount stated for "
            f"{now['headcount_known']:,} of {plural(now['positions'], 'position')})"
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
        rows.append((language_name(code), share_cell(n, total), fmt_pct(then), fmt_pp(delta)))
    previous = summary["previous_month"]
    headers = ("Language", summary["month"], f"share in {previous}", f"vs {previous}")
    return Table(headers, tuple(rows), numeric=frozenset({1, 2, 3}))


def _open_positions(figures: MonthFigures) -> tuple[str, str]:
    """Tile text and sentence on positions open on the month's last day."""
    opened, month = figures.open_positions, figures.month
    sentence = (
        f"On {opened.day:%Y-%m-%d}, {plural(opened.n_open, 'position')} "
        f"{were(opened.n_open)} open (published on or before that day, deadline on or after "
        f"it). {figures.no_deadline_in_month:,} of the positions published in {month} state no "
        "deadline: they are not counted as open."
    )
    return fmt_count(opened.n_open), sentence


def headline_section(figures: MonthFigures) -> list[Block]:
    """The month's lead sentence, tiles, headline table and languages, vs earlier months."""
    summary, month = figures.summary, figures.month
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
    open_tile, open_sentence = _open_positions(figures)
    blocks += [_tiles(summary, open_tile), _headline_table(summary)]
    languages = _language_table(summary, figures.measures)
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


def _aigc_rows(
    positions: pd.DataFrame, findings: pd.DataFrame, figures: MonthFigures
) -> pd.DataFrame:
    """AIGC positions with their evidence and `in_month`, latest first."""
    chosen = positions["position_id"].isin(figures.aigc_ids)
    in_month = (figures.months[chosen] == figures.month).fillna(False)
    rows = positions[chosen].assign(in_month=in_month.to_numpy(dtype=bool))
    evidence = findings[findings["field"] == "aigc"].drop_duplicates("position_id")
    rows = rows.merge(evidence[["position_id", "evidence"]], on="position_id", how="left")
    return rows.sort_values(["published", "position_id"], ascending=[False, True])


def aigc_section(
    positions: pd.DataFrame,
    findings: pd.DataFrame,
    figures: MonthFigures,
    chart: Chart | None = None,
) -> list[Block]:
    """The AIGC chart and the month's AIGC positions (else the latest), with evidence."""
    month = figures.month
    blocks: list[Block] = [Heading("AIGC roles")]
    every = _aigc_rows(positions, findings, figures)
    in_month = every[every["in_month"].astype(bool)]
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
                plain(r.get("title")) or "(untitled)",
                plain(r.get("employer")) or NONE,
                fmt_date(r.get("published")),
                Link("notice", url) if url else NONE,
                Marked(sentence, plain(r.get("evidence"))) if sentence else NONE,
            )
        )
    blocks.append(
        Table(("Title", "Employer", "Published", "Source", "Evidence"), tuple(table_rows))
    )
    if len(rows) > TABLE_LIMIT:
        blocks.append(Paragraph(f"… and {len(rows) - TABLE_LIMIT:,} more.", note=True))
    return blocks


def new_employers_section(figures: MonthFigures) -> list[Block]:
    """Employers first seen in the month."""
    month, new = figures.month, figures.new_employers
    blocks: list[Block] = [Heading("New employers")]
    if month == figures.summary["first_month"]:
        blocks.append(
            Paragraph("The data starts in this month, so every employer is new to it.", note=True)
        )
    if new.empty:
        return [*blocks, Paragraph(f"No employer appeared for the first time in {month}.")]
    rows = tuple(
        (
            plain(r["employer"]),
            plain(r["province"]),
            fmt_date(r["first_published"]),
            fmt_count(r["notices"]),
            fmt_count(r["positions"]),
        )
        for _, r in new.head(TABLE_LIMIT).iterrows()
    )
    headers = ("Employer", "Province", "First posting", "Notices", "Positions")
    blocks.append(Table(headers, rows, numeric=frozenset({3, 4})))
    if len(new) > TABLE_LIMIT:
        blocks.append(Paragraph(f"… and {len(new) - TABLE_LIMIT:,} more.", note=True))
    return blocks


def places_and_terms_section(figures: MonthFigures, chart: Chart | None = None) -> list[Block]:
    """The month's provinces (chart and table) and the skills asked for the first time."""
    blocks: list[Block] = [Heading("Where"), chart] if chart is not None else []
    provinces = figures.provinces
    if not provinces.empty:
        rows = tuple(
            (
                plain(r["province"]),
                share_cell(int(r["positions"]), int(provinces["positions"].sum())),
                fmt_count(r["notices"]),
                fmt_count(r["headcount"]),
                fmt_count(r["aigc"]),
            )
            for _, r in provinces.head(10).iterrows()
        )
        headers = ("Province", "Positions", "Notices", "Headcount", "AIGC")
        if chart is None:
            blocks.append(Heading("Where"))
        blocks.append(Table(headers, rows, numeric=frozenset({1, 2, 3, 4})))
    terms = figures.new_skills
    if not terms.empty:
        term_rows = tuple(
            (plain(r["value"]), fmt_count(r["n"]), plain(r["evidence"]))
            for _, r in terms.head(TABLE_LIMIT).iterrows()
        )
        blocks += [
            Heading("Skills asked for the first time"),
            Table(("Skill", "Positions", "Example wording"), term_rows, numeric=frozenset({1})),
        ]
    return blocks


def method_section() -> list[Block]:
    """How the figures are counted."""
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
                f"n<5: fewer than {SMALL_N} positions behind a share; treat as anecdote.",
                "Role clusters: one model (character n-grams of title and text plus the "
                "findings, reduced by SVD, k-means with a fixed random seed) fitted on every "
                "position of every month, so a cluster means the same in each month; a "
                "cluster is named by the commonest whole title among its positions, not by an "
                "editor. Drift is the Jensen-Shannon distance between consecutive months' mixes.",
                f"Small months: when the typical month holds fewer than {charts.SMALL_MONTH} "
                f"positions, the language and role-mix charts pool the {charts.SMOOTH_MONTHS} "
                "months up to each point.",
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
    figures: MonthFigures,
    drawn: list[Chart],
    *,
    runs: pd.DataFrame | None = None,
    sources: pd.DataFrame | None = None,
    role_mix: RoleMix | str | None = None,
    source_runs: pd.DataFrame | None = None,
    channels: ChannelRegistry | None = None,
) -> list[Block]:
    """Every section of the report, in order.

    `drawn` charts are placed by name: the trend charts together, the AIGC chart with the AIGC
    roles, the province chart under "Where".
    """
    if positions.empty:
        return [
            Paragraph("There is no data yet: the store holds no positions. Run a crawl first."),
            *coverage_blocks(source_runs, figures.month, channels),
            *data_quality_section(positions, findings, figures, runs, sources),
            *method_section(),
        ]
    by_name = {c.name: c for c in drawn}
    trend_charts = [c for c in drawn if c.name not in ("aigc", "provinces")]
    in_range = figures.in_range
    return [
        *headline_section(figures),
        *charts_section(trend_charts),
        *role_mix_section(role_mix, figures),
        *aigc_section(positions, findings, figures, by_name.get("aigc")),
        *(new_employers_section(figures) if in_range else []),
        *(places_and_terms_section(figures, by_name.get("provinces")) if in_range else []),
        *coverage_blocks(source_runs, figures.month, channels),
        *data_quality_section(positions, findings, figures, runs, sources),
        *method_section(),
    ]
