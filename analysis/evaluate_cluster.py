"""Evaluate stage: check the role clusters against real ads whose site assigned a category.

Input: the Zhilian media/communication ads (../shared/samples/job_datasets, 814 rows, xlsx).
Output: printed NMI / ARI of `RoleClusterer` labels vs the site's 岗位分类 (k auto and k = number
of categories), the k-selection scores, cluster names and the monthly mix. Run:
`python -m analysis.evaluate_cluster [--zhilian PATH]`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import pandas as pd
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from analysis.cluster import RoleClusterer, cluster_shares, monthly_drift

DEFAULT_ZHILIAN = (
    Path(__file__).resolve().parents[2]
    / "shared/samples/job_datasets/zhilian_wuhan_2024_media_comm_jobs.xlsx"
)
COLUMNS = {
    "岗位名称": "title",
    "工作简介": "summary",
    "岗位标签": "tags",
    "岗位分类": "category",
    "招聘信息更新时间": "updated",
    "详情url": "url",
}


def load_zhilian(path: Path) -> pd.DataFrame:
    """The ads with English column names: title, summary, tags, category, updated (datetime)."""
    try:
        raw = pd.read_excel(path, dtype=str)
    except ImportError as exc:
        raise ValueError(f"reading .xlsx needs openpyxl ({exc})") from exc
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise ValueError(f"{path.name} lacks the columns {missing}: not the Zhilian sample?")
    ads = raw[list(COLUMNS)].rename(columns=COLUMNS)
    ads["updated"] = pd.to_datetime(ads["updated"], errors="coerce")
    return ads.reset_index(drop=True)


def build_frames(ads: pd.DataFrame, *, with_tags: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`positions` and `findings` frames for the ads, normalised by the project's own detectors.

    The text is the (truncated) 工作简介, plus the ad's 岗位标签 line when `with_tags`; findings
    and role families come from `analysis.normalise.normalise_position` on title + text.
    """
    from analysis.normalise import normalise_position  # heavy vocabularies: load on use

    rows: list[dict[str, Any]] = []
    found: list[dict[str, Any]] = []
    for i, ad in ads.iterrows():
        title = str(ad["title"] or "").strip()
        text = str(ad["summary"] or "") if pd.notna(ad["summary"]) else ""
        if with_tags and pd.notna(ad["tags"]) and str(ad["tags"]).strip(" ;"):
            text += "\n岗位标签：" + "、".join(t for t in str(ad["tags"]).split(";") if t)
        position = normalise_position(1, title, text)
        rows.append(
            {
                "position_id": i,
                "title": title,
                "text": text,
                "published": ad["updated"],
                "role_family": position.role_family,
            }
        )
        found += [
            {"position_id": i, "field": f.field, "value": f.value, "evidence": f.evidence.text}
            for f in position.findings
        ]
    positions = pd.DataFrame(rows)
    positions["month"] = positions["published"].dt.strftime("%Y-%m")
    findings = pd.DataFrame(found, columns=["position_id", "field", "value", "evidence"])
    return positions, findings


def agreement(truth: pd.Series, labels: pd.Series) -> tuple[float, float]:
    """(NMI, ARI) of `labels` against `truth`."""
    return (
        float(normalized_mutual_info_score(truth, labels)),
        float(adjusted_rand_score(truth, labels)),
    )


def _print_names(model: RoleClusterer, labels: pd.Series, truth: pd.Series) -> None:
    names = model.name_clusters()
    for row in names.itertuples():
        top = truth[labels == row.cluster].value_counts().head(3)
        cats = ", ".join(f"{c} {n}" for c, n in top.items())
        skills = ", ".join(row.top_skills[:3]) or "-"
        print(f"  {row.cluster:>2} n={row.size:<4} {row.name:<34} skills: {skills}")
        print(f"     family: {row.role_family or '-':<22} site categories: {cats}")


def evaluate(path: Path, *, random_state: int = 0, k_range: tuple[int, int] = (4, 12)) -> int:
    """Print the evaluation; returns a process exit code."""
    ads = load_zhilian(path)
    truth = ads["category"].fillna("(none)")
    n_cat = truth.nunique()
    print(f"Zhilian sample: {len(ads)} ads, {n_cat} site categories (岗位分类), file {path.name}")
    print(
        f"largest categories: {', '.join(f'{c} {n}' for c, n in truth.value_counts()[:6].items())}"
    )
    positions, findings = build_frames(ads)
    nmi, ari = agreement(truth, positions["role_family"])
    print(
        f"baseline, rule-based role_family ({positions['role_family'].nunique()} families): ",
        end="",
    )
    print(f"NMI {nmi:.3f}  ARI {ari:.3f}")

    auto = RoleClusterer("auto", k_range=k_range, random_state=random_state)
    auto_labels = auto.fit_assign(positions, findings)
    info = auto.model_info_
    print(f"\nk = auto: chose k = {info['k']} by {info['k_criterion']}")
    if info["k_at_range_edge"]:
        print(f"  note: k is on the edge of k_range {list(k_range)}: the range bounded the choice")
    print(
        "  silhouette by k: "
        + ", ".join(f"{k}: {v['silhouette']:.3f}" for k, v in info["k_scores"].items())
    )

    results: list[tuple[str, int, float, float]] = []
    results.append(("k = auto", info["k"], *agreement(truth, auto_labels)))
    fixed = RoleClusterer(n_cat, random_state=random_state)
    results.append(
        ("k = n categories", n_cat, *agreement(truth, fixed.fit_assign(positions, findings)))
    )
    no_tags_pos, no_tags_find = build_frames(ads, with_tags=False)
    bare = RoleClusterer("auto", k_range=k_range, random_state=random_state)
    bare_labels = bare.fit_assign(no_tags_pos, no_tags_find)
    results.append(
        ("k = auto, without 岗位标签", bare.model_info_["k"], *agreement(truth, bare_labels))
    )

    print(f"\nagreement with 岗位分类 (random_state={random_state}):")
    print(f"  {'variant':<28} {'k':>4} {'NMI':>6} {'ARI':>6}")
    for name, k, nmi, ari in results:
        print(f"  {name:<28} {k:>4} {nmi:>6.3f} {ari:>6.3f}")

    seeds = [
        agreement(
            truth,
            RoleClusterer("auto", k_range=k_range, random_state=s).fit_assign(positions, findings),
        )
        for s in range(1, 4)
    ]
    print(
        "  k = auto, random_state 1-3:  NMI "
        + " ".join(f"{s[0]:.3f}" for s in seeds)
        + "  ARI "
        + " ".join(f"{s[1]:.3f}" for s in seeds)
    )

    print(
        f"\nclusters (k = auto = {info['k']}), named by their commonest whole title, with skills:"
    )
    _print_names(auto, auto_labels, truth)

    shares = cluster_shares(positions, auto_labels)
    drift = monthly_drift(shares)
    print("\nmonthly mix (positions; JS distance to the previous month; small_n < 5 flagged):")
    for month, group in shares.groupby("month"):
        top = group.sort_values("share", ascending=False).head(3)
        mix = ", ".join(f"c{r.cluster} {r.share:.0%}" for r in top.itertuples())
        flag = " small_n" if bool(group["small_n"].iloc[0]) else ""
        print(f"  {month}  n={group['positions'].iloc[0]:<4} drift {drift[month]:.3f}  {mix}{flag}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m analysis.evaluate_cluster",
        description="Agreement (NMI/ARI) of the role clusters with Zhilian's own job categories.",
        epilog="example: python -m analysis.evaluate_cluster --zhilian ../shared/samples/"
        "job_datasets/zhilian_wuhan_2024_media_comm_jobs.xlsx",
    )
    parser.add_argument("--zhilian", type=Path, default=DEFAULT_ZHILIAN, help="the .xlsx sample")
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--k-min", type=int, default=4)
    parser.add_argument("--k-max", type=int, default=12)
    args = parser.parse_args(argv)
    if not args.zhilian.is_file():
        print(
            f"error: Zhilian sample not found at {args.zhilian}\n"
            "it lives in ../shared/samples/job_datasets/ beside the checkout; pass --zhilian PATH",
            file=sys.stderr,
        )
        return 2
    try:
        return evaluate(
            args.zhilian, random_state=args.random_state, k_range=(args.k_min, args.k_max)
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
