"""Analyse stage: how talent demand shifts month by month.

Input: the `positions` and `findings` frames of `analysis.store.load_frames` (see docs/DESIGN.md).
Output: pandas frames and plain dicts (monthly measures, share tables, breakdowns) for reports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

SMALL_N = 5
"""Denominators below this are flagged `small_n`: a share of 1 in 3 says little."""

LANGUAGE_FIELDS: tuple[str, ...] = ("language", "native_speaker")
"""A position asks for a language when it names it, or asks for a native speaker of it."""

UNKNOWN = "unknown"

_FLAG_COLUMNS = ("aigc", "overseas", "party_required")


# --------------------------------------------------------------------------- month helpers


def position_months(positions: pd.DataFrame) -> pd.Series:
    """Month ('YYYY-MM') of each position, aligned on its index; <NA> when undated.

    Uses the `month` column, falling back to `published` where `month` is missing.
    """
    if "month" in positions.columns:
        month = positions["month"].astype("string").replace("", pd.NA)
    else:
        month = pd.Series(pd.NA, index=positions.index, dtype="string")
    missing = month.isna()
    if "published" in positions.columns and missing.any():  # parse dates only where needed
        published = pd.to_datetime(positions.loc[missing, "published"], errors="coerce")
        month = month.fillna(published.dt.strftime("%Y-%m").astype("string"))
    return month


def month_range(months: Iterable[Any]) -> list[str]:
    """Every month from the earliest to the latest of `months`, gaps included."""
    present = sorted({str(m) for m in months if isinstance(m, str) and m})
    if not present:
        return []
    periods = pd.period_range(present[0], present[-1], freq="M")
    return [p.strftime("%Y-%m") for p in periods]


def shift_month(month: str, n: int) -> str:
    """`month` moved by `n` months (negative goes back)."""
    return (pd.Period(month, freq="M") + n).strftime("%Y-%m")


def _dated(positions: pd.DataFrame) -> pd.DataFrame:
    """Positions with a known month, `month` column filled in."""
    out = positions.assign(month=position_months(positions))
    return out[out["month"].notna()]


# --------------------------------------------------------------------------- flags


def _ids_with(
    findings: pd.DataFrame,
    fields: str | Sequence[str],
    value: str | None = None,
) -> set[Any]:
    """Position ids with at least one finding of `fields` (and `value`, when given)."""
    if findings.empty:
        return set()
    wanted = (fields,) if isinstance(fields, str) else tuple(fields)
    mask = findings["field"].isin(wanted)
    if value is not None:
        mask &= findings["value"] == value
    return set(findings.loc[mask, "position_id"])


def aigc_ids(positions: pd.DataFrame, findings: pd.DataFrame) -> set[Any]:
    """Positions flagged AIGC: the stored `aigc` flag or an `aigc` finding."""
    flagged: set[Any] = set()
    if "aigc" in positions.columns and not positions.empty:
        flag = positions["aigc"].astype("boolean").fillna(False).astype(bool)
        flagged = set(positions.loc[flag, "position_id"])
    return flagged | _ids_with(findings, "aigc")


def flag_ids(positions: pd.DataFrame, findings: pd.DataFrame) -> dict[str, set[Any]]:
    """Position ids per headline flag: AIGC, any overseas experience, party membership required."""
    return {
        "aigc": aigc_ids(positions, findings),
        "overseas": _ids_with(findings, "overseas"),
        "party_required": _ids_with(findings, "party_member", "required"),
    }


def _ranked_values(findings: pd.DataFrame, fields: str | Sequence[str]) -> list[str]:
    """Values of `fields`, most positions first (ties alphabetical)."""
    if findings.empty:
        return []
    wanted = (fields,) if isinstance(fields, str) else tuple(fields)
    sub = findings[findings["field"].isin(wanted)].drop_duplicates(["position_id", "value"])
    counts = sub["value"].astype(str).value_counts()
    return sorted(counts.index, key=lambda v: (-counts[v], v))


# --------------------------------------------------------------------------- monthly measures


def _count_in(dated: pd.DataFrame, ids: set[Any], months: list[str]) -> pd.Series:
    hits = dated["position_id"].isin(ids).astype(int)
    return hits.groupby(dated["month"]).sum().reindex(months, fill_value=0).astype(int)


def _share(n: pd.Series, denominator: pd.Series) -> pd.Series:
    """n / denominator, 0.0 where the denominator is 0."""
    return (n / denominator.where(denominator > 0)).fillna(0.0).astype(float)


def build_monthly_measures(positions: pd.DataFrame, findings: pd.DataFrame) -> pd.DataFrame:
    """One row per month, from the first to the last dated position, empty months included.

    Columns: `month, notices, positions, employers, headcount` (sum of stated headcounts),
    `headcount_known` (positions stating one), then for each flag a count `n_<flag>` and a share
    `<flag>` of `positions` (flags: `aigc`, `overseas` = any overseas experience,
    `party_required`), then `n_lang_<code>` / `lang_<code>` for every language (most asked
    first), and `small_n` (positions < 5). Shares are 0.0 in months without positions.
    """
    dated = _dated(positions)
    months = month_range(dated["month"])
    base = ["month", "notices", "positions", "employers", "headcount", "headcount_known"]
    flags = [c for f in _FLAG_COLUMNS for c in (f"n_{f}", f)]
    if not months:
        empty = pd.DataFrame({c: pd.Series(dtype="int64") for c in [*base[1:], *flags]})
        empty.insert(0, "month", pd.Series(dtype="string"))
        return empty.assign(small_n=pd.Series(dtype=bool))
    by_month = dated.groupby("month")
    out = pd.DataFrame({"month": pd.array(months, dtype="string")}, index=months)
    out["notices"] = by_month["notice_id"].nunique().reindex(months, fill_value=0).astype(int)
    out["positions"] = by_month.size().reindex(months, fill_value=0).astype(int)
    out["employers"] = by_month["employer"].nunique().reindex(months, fill_value=0).astype(int)
    headcount = pd.to_numeric(dated["headcount"], errors="coerce")
    out["headcount"] = headcount.groupby(dated["month"]).sum().reindex(months, fill_value=0)
    out["headcount"] = out["headcount"].astype(int)
    known = headcount.notna().astype(int).groupby(dated["month"]).sum()
    out["headcount_known"] = known.reindex(months, fill_value=0).astype(int)
    for name, ids in flag_ids(positions, findings).items():
        out[f"n_{name}"] = _count_in(dated, ids, months)
        out[name] = _share(out[f"n_{name}"], out["positions"])
    for code in _ranked_values(findings, LANGUAGE_FIELDS):
        n = _count_in(dated, _ids_with(findings, LANGUAGE_FIELDS, code), months)
        out[f"n_lang_{code}"] = n
        out[f"lang_{code}"] = _share(n, out["positions"])
    out["small_n"] = out["positions"] < SMALL_N
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------- share tables


def _position_values(
    positions: pd.DataFrame, findings: pd.DataFrame, field: str | Sequence[str]
) -> pd.DataFrame:
    """Distinct (position_id, value) pairs for a findings field or a positions column."""
    if isinstance(field, str) and field in positions.columns:
        pairs = positions[["position_id", field]].rename(columns={field: "value"})
        pairs = pairs.assign(value=pairs["value"].astype("string").fillna(UNKNOWN))
    else:
        wanted = (field,) if isinstance(field, str) else tuple(field)
        cols = ["position_id", "value"]
        pairs = findings.loc[findings["field"].isin(wanted), cols] if len(findings) else None
        if pairs is None:
            pairs = pd.DataFrame({"position_id": [], "value": []})
        pairs = pairs.assign(value=pairs["value"].astype("string"))
    return pairs.drop_duplicates()


def _groups(positions: pd.DataFrame, by: str) -> tuple[pd.DataFrame, list[str]]:
    """Positions with a string group column `by`, and the ordered list of groups."""
    if by == "month":
        dated = _dated(positions)
        return dated, month_range(dated["month"])
    keyed = positions.assign(**{by: positions[by].astype("string").fillna(UNKNOWN)})
    return keyed, sorted(keyed[by].unique())


def _empty_share_table(columns: list[str]) -> pd.DataFrame:
    types = {"n": int, "positions": int, "share": float, "small_n": bool}
    return pd.DataFrame({c: [] for c in columns}).astype(types)


def build_share_table(
    positions: pd.DataFrame,
    findings: pd.DataFrame,
    field: str | Sequence[str],
    by: str = "month",
) -> pd.DataFrame:
    """Share of positions asking for each value of `field`, per group of `by`.

    `field` is a findings field (`language`, `skill`, `certificate`…), a tuple of them (e.g.
    `LANGUAGE_FIELDS`), or a positions column (`role_family`, `province`…). Long format, one row
    per (group, value) including zeros: `<by>, value, n, positions, share, small_n`, where `n`
    counts distinct positions and `positions` is the group's denominator.
    """
    columns = [by, "value", "n", "positions", "share", "small_n"]
    keyed, groups = _groups(positions, by)
    pairs = _position_values(keyed, findings, field)
    if not groups or pairs.empty:
        return _empty_share_table(columns)
    pairs = pairs.merge(keyed[["position_id", by]], on="position_id")
    values = sorted(pairs["value"].unique())
    if not values:
        return _empty_share_table(columns)
    grid = pd.MultiIndex.from_product([groups, values], names=[by, "value"])
    n = pairs.groupby([by, "value"])["position_id"].nunique().reindex(grid, fill_value=0)
    denominators = keyed.groupby(by).size().reindex(groups, fill_value=0)
    out = n.rename("n").reset_index()
    out["n"] = out["n"].astype(int)
    out["positions"] = out[by].map(denominators).astype(int)
    out["share"] = _share(out["n"], out["positions"])
    out["small_n"] = out["positions"] < SMALL_N
    return out[columns]


# --------------------------------------------------------------------------- breakdowns


def build_province_breakdown(
    positions: pd.DataFrame, findings: pd.DataFrame, month: str | None = None
) -> pd.DataFrame:
    """Positions per province (all months, or one `month`), largest first.

    Columns: `province, notices, positions, headcount, share` (of all positions in scope),
    `aigc`, `overseas` (position counts), `small_n`. Missing provinces count as "unknown".
    """
    columns = ["province", "notices", "positions", "headcount", "share", "aigc", "overseas"]
    scope = positions
    if month is not None:
        scope = positions[position_months(positions) == month]
    if scope.empty:
        return pd.DataFrame({c: [] for c in [*columns, "small_n"]})
    scope = scope.assign(province=scope["province"].astype("string").fillna(UNKNOWN))
    flags = flag_ids(positions, findings)
    scope = scope.assign(
        headcount=pd.to_numeric(scope["headcount"], errors="coerce"),
        aigc=scope["position_id"].isin(flags["aigc"]).astype(int),
        overseas=scope["position_id"].isin(flags["overseas"]).astype(int),
    )
    out = scope.groupby("province").agg(
        notices=("notice_id", "nunique"),
        positions=("position_id", "size"),
        headcount=("headcount", "sum"),
        aigc=("aigc", "sum"),
        overseas=("overseas", "sum"),
    )
    out["headcount"] = out["headcount"].astype(int)
    out["share"] = out["positions"] / len(scope)
    out["small_n"] = out["positions"] < SMALL_N
    out = out.reset_index().sort_values(["positions", "province"], ascending=[False, True])
    return out[[*columns, "small_n"]].reset_index(drop=True)


def build_province_window(positions: pd.DataFrame, month: str, window: int = 12) -> pd.DataFrame:
    """Positions per province in `month` and in the `window` months ending with it.

    Columns: `province, month, window` (position counts), largest window first (ties by
    province); missing provinces count as "unknown". Provinces with no position in the
    window are left out, so the frame is empty when the window holds no dated position.
    """
    columns = ["province", "month", "window"]
    months = position_months(positions)
    first = shift_month(month, -(window - 1))
    in_window = months.notna() & (months >= first) & (months <= month)
    scope = positions.loc[in_window, ["province"]].astype("string").fillna(UNKNOWN)
    if scope.empty:
        return pd.DataFrame({"province": [], "month": [], "window": []}).astype(
            {"month": int, "window": int}
        )
    scope = scope.assign(now=(months[in_window] == month).to_numpy())
    out = scope.groupby("province").agg(window=("now", "size"), month=("now", "sum"))
    out = out.astype(int).reset_index()
    out = out.sort_values(["window", "province"], ascending=[False, True])
    return out[columns].reset_index(drop=True)


def find_new_employers(positions: pd.DataFrame, month: str) -> pd.DataFrame:
    """Employers whose first dated position in the data falls in `month`.

    Columns: `employer, first_published, notices, positions, province` (most frequent).
    "New" means new to the data: in the first crawled month every employer is new.
    """
    columns = ["employer", "first_published", "notices", "positions", "province"]
    dated = _dated(positions)
    dated = dated[dated["employer"].astype("string").str.strip().fillna("") != ""]
    if dated.empty:
        return pd.DataFrame({c: [] for c in columns})
    first = dated.groupby("employer")["month"].min()
    new = first[first == month].index
    scope = dated[(dated["month"] == month) & dated["employer"].isin(new)]
    if scope.empty:
        return pd.DataFrame({c: [] for c in columns})
    scope = scope.assign(province=scope["province"].astype("string").fillna(UNKNOWN))
    out = scope.groupby("employer").agg(
        first_published=("published", "min"),
        notices=("notice_id", "nunique"),
        positions=("position_id", "size"),
        province=("province", lambda s: s.value_counts().index[0]),
    )
    out = out.reset_index().sort_values(["first_published", "employer"])
    return out[columns].reset_index(drop=True)


def find_new_terms(
    findings: pd.DataFrame,
    month: str,
    field: str = "skill",
    *,
    positions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Values of `field` first seen in `month`, with how many positions used them then.

    Findings carry no date: pass `positions` (or findings with a `month` column) to place them.
    Columns: `value, n, evidence` (one example evidence string), most positions first.
    """
    columns = ["value", "n", "evidence"]
    if "month" not in findings.columns:
        if positions is None:
            raise ValueError("find_new_terms needs `positions` or a `month` column in findings")
        months = pd.DataFrame(
            {"position_id": positions["position_id"], "month": position_months(positions)}
        )
        findings = findings.merge(months, on="position_id", how="inner")
    sub = findings[(findings["field"] == field) & findings["month"].notna()]
    if sub.empty:
        return pd.DataFrame({c: [] for c in columns})
    first = sub.groupby("value")["month"].min()
    new = sub[sub["value"].isin(first[first == month].index) & (sub["month"] == month)]
    if new.empty:
        return pd.DataFrame({c: [] for c in columns})
    out = (
        new.groupby("value")
        .agg(n=("position_id", "nunique"), evidence=("evidence", "first"))
        .reset_index()
    )
    out = out.sort_values(["n", "value"], ascending=[False, True])
    return out[columns].reset_index(drop=True)


# --------------------------------------------------------------------------- open positions


@dataclass(frozen=True)
class OpenPositions:
    """Positions open on `day`, and those published by then whose deadline is unknown."""

    day: pd.Timestamp
    open: pd.DataFrame
    no_deadline: pd.DataFrame

    @property
    def n_open(self) -> int:
        return len(self.open)

    @property
    def n_no_deadline(self) -> int:
        return len(self.no_deadline)


def build_open_positions(positions: pd.DataFrame, day: Any) -> OpenPositions:
    """Positions with published ≤ `day` ≤ deadline (whole days, inclusive).

    A position without a deadline is not assumed open: it goes to `no_deadline` instead (when
    published on or before `day`). Positions without a publication date are left out.
    """
    when = pd.Timestamp(day).normalize()
    published = pd.to_datetime(positions["published"], errors="coerce").dt.normalize()
    deadline = pd.to_datetime(positions["deadline"], errors="coerce").dt.normalize()
    started = published.notna() & (published <= when)
    is_open = started & deadline.notna() & (deadline >= when)
    undated = started & deadline.isna()
    order = ["deadline", "published", "position_id"]
    return OpenPositions(
        day=when,
        open=positions[is_open].sort_values(order).reset_index(drop=True),
        no_deadline=positions[undated].sort_values(order[1:]).reset_index(drop=True),
    )


# --------------------------------------------------------------------------- month summary


_COUNT_METRICS = (
    "notices",
    "positions",
    "employers",
    "headcount",
    *(f"n_{f}" for f in _FLAG_COLUMNS),
)


def _row_metrics(row: pd.Series) -> dict[str, Any]:
    """Headline figures of one `build_monthly_measures` row, as plain Python values."""
    metrics: dict[str, Any] = {k: int(row[k]) for k in _COUNT_METRICS}
    metrics["headcount_known"] = int(row["headcount_known"])
    metrics.update({f: float(row[f]) for f in _FLAG_COLUMNS})
    metrics["small_n"] = bool(row["small_n"])
    return metrics


def _changes(now: dict[str, Any], then: dict[str, Any] | None) -> dict[str, Any] | None:
    """Differences now minus then: counts in units, shares in fractions (None without a base)."""
    if then is None:
        return None
    changes: dict[str, Any] = {k: now[k] - then[k] for k in _COUNT_METRICS}
    before = then["positions"]
    changes["positions_pct"] = (now["positions"] - before) / before if before else None
    both = now["positions"] > 0 and before > 0
    changes.update({f: (now[f] - then[f]) if both else None for f in _FLAG_COLUMNS})
    return changes


def _top_languages(measures: pd.DataFrame, month: str, limit: int = 6) -> list[dict[str, Any]]:
    """Most asked languages of `month`: code, n, share (only languages asked at least once)."""
    row = measures.loc[measures["month"] == month].iloc[0]
    codes = [c.removeprefix("n_lang_") for c in measures.columns if c.startswith("n_lang_")]
    ranked = sorted((c for c in codes if row[f"n_lang_{c}"] > 0), key=lambda c: -row[f"n_lang_{c}"])
    return [
        {"code": c, "n": int(row[f"n_lang_{c}"]), "share": float(row[f"lang_{c}"])}
        for c in ranked[:limit]
    ]


def build_month_summary(
    positions: pd.DataFrame,
    findings: pd.DataFrame,
    month: str,
    *,
    measures: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """Headline figures of `month`, vs the previous month and the same month a year earlier.

    Keys: `month, first_month, last_month, in_range` (month inside the data's range),
    `current`, `previous`, `year_ago` (metric dicts, None when that month lies outside the
    data), `previous_month`, `year_ago_month`, `vs_previous`, `vs_year_ago` (differences;
    share differences are fractions, None when a side has no positions), `languages` (top
    languages of the month), `new_employers` (count). Metrics: counts `notices, positions,
    employers, headcount, headcount_known, n_aigc, n_overseas, n_party_required`, shares
    `aigc, overseas, party_required`, and `small_n`. Pass `measures` (of
    `build_monthly_measures` over the same frames) to avoid computing them again.
    """
    if measures is None:
        measures = build_monthly_measures(positions, findings)
    return _summary(measures, month, lambda: len(find_new_employers(positions, month)))


def _summary(
    measures: pd.DataFrame, month: str, new_employers: Callable[[], int]
) -> dict[str, Any]:
    """The dict of `build_month_summary`; `new_employers` counts them (only asked in range)."""
    by_month = {str(r["month"]): _row_metrics(r) for _, r in measures.iterrows()}
    previous_month, year_ago_month = shift_month(month, -1), shift_month(month, -12)
    current = by_month.get(month)
    previous, year_ago = by_month.get(previous_month), by_month.get(year_ago_month)
    return {
        "month": month,
        "first_month": str(measures["month"].iloc[0]) if len(measures) else None,
        "last_month": str(measures["month"].iloc[-1]) if len(measures) else None,
        "in_range": current is not None,
        "current": current,
        "previous_month": previous_month,
        "previous": previous,
        "year_ago_month": year_ago_month,
        "year_ago": year_ago,
        "vs_previous": _changes(current, previous) if current else None,
        "vs_year_ago": _changes(current, year_ago) if current else None,
        "languages": _top_languages(measures, month) if current else [],
        "new_employers": new_employers() if current else 0,
    }


def latest_month(positions: pd.DataFrame) -> str | None:
    """The latest month with at least one dated position, or None."""
    months = position_months(positions).dropna()
    return str(months.max()) if len(months) else None


# --------------------------------------------------------------------------- month figures


@dataclass(frozen=True)
class MonthFigures:
    """Every figure the monthly report shows about `month`, computed once from the frames.

    `months` is the month of each position (aligned with `positions`, <NA> when undated);
    `summary` is `build_month_summary`; `open_positions` are those open on the month's last
    day and `no_deadline_in_month` the positions of the month that state no deadline;
    `provinces` is `build_province_breakdown` of the month, `province_window` the 12 months
    to it (`window_start` to `month`); `new_employers` and `new_skills` are first seen in the
    month.
    """

    month: str
    previous_month: str
    window_start: str
    window_months: int
    months: pd.Series
    measures: pd.DataFrame
    summary: dict[str, Any]
    open_positions: OpenPositions
    no_deadline_in_month: int
    aigc_ids: frozenset[Any]
    provinces: pd.DataFrame
    province_window: pd.DataFrame
    new_employers: pd.DataFrame
    new_skills: pd.DataFrame

    @property
    def in_range(self) -> bool:
        """The month lies inside the data's range of dated positions."""
        return bool(self.summary["in_range"])


def build_month_figures(
    positions: pd.DataFrame, findings: pd.DataFrame, month: str, *, window: int = 12
) -> MonthFigures:
    """The figures of `month` (see `MonthFigures`) over the whole `positions`/`findings` frames."""
    measures = build_monthly_measures(positions, findings)
    new_employers = find_new_employers(positions, month)
    opened = build_open_positions(positions, pd.Period(month, freq="M").end_time)
    return MonthFigures(
        month=month,
        previous_month=shift_month(month, -1),
        window_start=shift_month(month, -(window - 1)),
        window_months=window,
        months=position_months(positions),
        measures=measures,
        summary=_summary(measures, month, lambda: len(new_employers)),
        open_positions=opened,
        no_deadline_in_month=int((position_months(opened.no_deadline) == month).sum()),
        aigc_ids=frozenset(aigc_ids(positions, findings)),
        provinces=build_province_breakdown(positions, findings, month),
        province_window=build_province_window(positions, month, window),
        new_employers=new_employers,
        new_skills=find_new_terms(findings, month, "skill", positions=positions),
    )
