"""Analyse stage, mix: the monthly share of each role cluster, its drift, and the report's role mix.

Input: the store frames and cluster labels (`analysis.cluster.model.RoleClusterer`).
Output: month x cluster shares with denominators, Jensen-Shannon drift, `RoleMix`, model record.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from scipy.spatial.distance import jensenshannon

from analysis.cluster.model import RoleClusterer
from analysis.trends import SMALL_N, month_range, position_months

__all__ = [
    "ROLE_MIX_FIT_SAMPLE",
    "ROLE_MIX_MIN_POSITIONS",
    "RoleMix",
    "build_model_info",
    "build_role_mix",
    "cluster_shares",
    "monthly_drift",
    "shares_wide",
]


# --------------------------------------------------------------------------- monthly mix


def cluster_shares(positions: pd.DataFrame, labels: pd.Series | Iterable[int]) -> pd.DataFrame:
    """Share of each cluster per month, long format, zeros and gap months included.

    Columns: `month, cluster, n, positions, share, small_n` where `positions` is the month's
    denominator (dated positions), `n` the positions of that cluster, and `small_n` flags
    months with fewer than `trends.SMALL_N` positions. Undated positions are left out; shares
    sum to 1 in every month with positions and are 0.0 in months without.
    """
    columns = ["month", "cluster", "n", "positions", "share", "small_n"]
    labels = (
        pd.Series(labels, index=positions.index) if not isinstance(labels, pd.Series) else labels
    )
    if len(labels) != len(positions):
        raise ValueError(f"{len(labels)} labels for {len(positions)} positions")
    months = position_months(positions)
    dated = pd.DataFrame({"month": months, "cluster": labels.to_numpy()}).dropna(subset=["month"])
    all_months = month_range(dated["month"])
    if not all_months:
        types = {"n": int, "positions": int, "share": float, "small_n": bool}
        return pd.DataFrame({c: [] for c in columns}).astype(types)
    clusters = sorted(int(c) for c in pd.unique(labels))
    grid = pd.MultiIndex.from_product([all_months, clusters], names=["month", "cluster"])
    n = dated.groupby(["month", "cluster"]).size().reindex(grid, fill_value=0)
    out = n.rename("n").reset_index()
    denominators = dated.groupby("month").size().reindex(all_months, fill_value=0)
    out["n"] = out["n"].astype(int)
    out["positions"] = out["month"].map(denominators).astype(int)
    out["share"] = (out["n"] / out["positions"].where(out["positions"] > 0)).fillna(0.0)
    out["small_n"] = out["positions"] < SMALL_N
    out["month"] = out["month"].astype(str)
    return out[columns]


def shares_wide(shares: pd.DataFrame) -> pd.DataFrame:
    """The long table of `cluster_shares` as month x cluster shares, plus a `positions` column."""
    wide = shares.pivot(index="month", columns="cluster", values="share")
    wide.columns = [int(c) for c in wide.columns]
    wide["positions"] = shares.groupby("month")["positions"].first()
    return wide


def monthly_drift(shares: pd.DataFrame) -> pd.Series:
    """Jensen-Shannon distance between each month's cluster mix and the previous month's.

    JS distance = sqrt of the JS divergence with base-2 logs: 0 for identical mixes, 1 for
    disjoint ones, symmetric and a true metric. Indexed by month (the later of the pair), named
    `js_distance`; NaN for the first month and when either month has no positions. Small months
    (`small_n` in `shares`) give noisy values: read them with the denominators.
    """
    if shares.empty:
        return pd.Series(dtype=float, name="js_distance")
    wide = shares.pivot(index="month", columns="cluster", values="share").sort_index()
    denominators = shares.groupby("month")["positions"].first().reindex(wide.index)
    values: list[float] = [math.nan]
    for prev, cur in zip(wide.index[:-1], wide.index[1:], strict=True):
        if denominators[prev] == 0 or denominators[cur] == 0:
            values.append(math.nan)
            continue
        distance = float(jensenshannon(wide.loc[prev].to_numpy(), wide.loc[cur].to_numpy(), base=2))
        values.append(max(0.0, distance) if not math.isnan(distance) else 0.0)
    return pd.Series(values, index=wide.index.astype(str), name="js_distance")


# --------------------------------------------------------------------------- the role mix

ROLE_MIX_MIN_POSITIONS = 30
"""Below this many dated positions the role clusters say nothing: `build_role_mix` says so."""
ROLE_MIX_FIT_SAMPLE = 10_000
"""The role mix is fitted on at most this many positions (a fixed random sample) and assigns
the rest: 100,000 positions then report in well under 30 s."""


@dataclass(frozen=True)
class RoleMix:
    """Role clusters fitted on every position: monthly shares, names, drift and the model info
    (`build_model_info`: what is saved beside the report and in the store)."""

    shares: pd.DataFrame
    clusters: pd.DataFrame
    drift: pd.Series
    info: dict[str, Any]

    @property
    def names(self) -> dict[int, str]:
        return {int(r["cluster"]): str(r["name"]) for _, r in self.clusters.iterrows()}


def build_role_mix(
    positions: pd.DataFrame, findings: pd.DataFrame, *, random_state: int = 0
) -> RoleMix | str:
    """Fit `RoleClusterer` on all positions (pooled months, fixed seed) and track its mix.

    Returns the role mix, or a one-sentence reason why there is none (too little data), for
    the report to print instead of a chart.
    """
    dated = int(position_months(positions).notna().sum())
    if dated < ROLE_MIX_MIN_POSITIONS:
        return (
            f"Role clusters need at least {ROLE_MIX_MIN_POSITIONS} dated positions; "
            f"the data has {dated:,}."
        )
    model = RoleClusterer(random_state=random_state, max_fit_samples=ROLE_MIX_FIT_SAMPLE)
    try:
        labels = model.fit_assign(positions, findings)  # fit on a sample, assign every row
    except ValueError as exc:  # e.g. too few distinct positions to choose k
        return f"Role clusters not fitted: {exc}."
    shares = cluster_shares(positions, labels)
    clusters = model.name_clusters()
    return RoleMix(shares, clusters, monthly_drift(shares), build_model_info(model, clusters))


def build_model_info(model: RoleClusterer, clusters: pd.DataFrame | None = None) -> dict[str, Any]:
    """`model.model_info_` plus its named clusters (`name_clusters`, or `clusters` when given):
    the JSON-ready record of the model, for `analysis.store.save_cluster_model`."""
    if not hasattr(model, "model_info_"):
        raise ValueError("RoleClusterer is not fitted: no model info")
    names = model.name_clusters() if clusters is None else clusters
    return {**model.model_info_, "clusters": json.loads(names.to_json(orient="records"))}
