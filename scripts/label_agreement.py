"""Inter-annotator agreement between two independent labelling passes of the gold set.

Input: two label files of the same ads (`tests/gold/corpus2_labels_a.yaml` and `..._b.yaml`).
Output: per field, the agreement (share of ads with equal labels, Cohen's kappa for categorical
fields, micro F1 between the passes for set-valued fields) and the ids that disagree, for
adjudication.

  python scripts/label_agreement.py tests/gold/corpus2_labels_a.yaml tests/gold/corpus2_labels_b.yaml
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from sklearn.metrics import cohen_kappa_score

# field -> how to read it as a comparable value
CATEGORICAL: dict[str, Callable[[dict[str, Any]], Any]] = {
    "aigc": lambda r: bool(r.get("aigc")),
    "stable_diffusion": lambda r: bool(r.get("stable_diffusion")),
    "education_min": lambda r: r.get("education_min"),
    "published": lambda r: str(r.get("published")),
    "deadline": lambda r: str(r.get("deadline")),
    "party_member": lambda r: r.get("party_member"),
    "role_family": lambda r: r.get("role_family"),
    "is_job_ad": lambda r: bool(r.get("is_job_ad", True)),
    "overseas": lambda r: (r.get("overseas") or {}).get("kind"),
    "overseas_years": lambda r: (r.get("overseas") or {}).get("years"),
}
SETS: dict[str, Callable[[dict[str, Any]], set[str]]] = {
    "languages": lambda r: set((r.get("languages") or {}).keys()),
    "language_required": lambda r: {f"{k}={v}" for k, v in (r.get("languages") or {}).items()},
    "native": lambda r: set(r.get("native") or []),
    "skills": lambda r: set(r.get("skills") or []),
    "certificates": lambda r: set((r.get("certificates") or {}).keys()),
}


def load_labels(path: Path) -> dict[str, dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    labels: dict[str, dict[str, Any]] = data["labels"]
    return labels


def categorical_agreement(a: list[Any], b: list[Any]) -> tuple[float, float | None]:
    equal = sum(x == y for x, y in zip(a, b, strict=True)) / len(a)
    sa, sb = [repr(x) for x in a], [repr(y) for y in b]
    kappa = None if len(set(sa) | set(sb)) < 2 else float(cohen_kappa_score(sa, sb))
    return equal, kappa


def set_agreement(a: list[set[str]], b: list[set[str]]) -> tuple[float, float]:
    equal = sum(x == y for x, y in zip(a, b, strict=True)) / len(a)
    both = sum(len(x & y) for x, y in zip(a, b, strict=True))
    total = sum(len(x) + len(y) for x, y in zip(a, b, strict=True))
    return equal, (2 * both / total) if total else 1.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("first", type=Path)
    parser.add_argument("second", type=Path)
    parser.add_argument("--show", type=int, default=12, help="disagreeing ids listed per field")
    args = parser.parse_args(argv)
    a, b = load_labels(args.first), load_labels(args.second)
    ids = sorted(a.keys() & b.keys())
    only = sorted(a.keys() ^ b.keys())
    print(f"ads labelled in both passes: {len(ids)}" + (f" (in one only: {only})" if only else ""))
    print(f"{'field':<20} {'equal':>6} {'kappa/F1':>9}  disagreeing ids")
    for name, read in CATEGORICAL.items():
        va, vb = [read(a[i]) for i in ids], [read(b[i]) for i in ids]
        equal, kappa = categorical_agreement(va, vb)
        bad = [i for i, x, y in zip(ids, va, vb, strict=True) if x != y]
        k = "-" if kappa is None else f"κ {kappa:.2f}"
        print(f"{name:<20} {equal:>6.3f} {k:>9}  {len(bad)}: {' '.join(bad[: args.show])}")
    for name, read_set in SETS.items():
        sa, sb = [read_set(a[i]) for i in ids], [read_set(b[i]) for i in ids]
        equal, f1 = set_agreement(sa, sb)
        bad = [i for i, x, y in zip(ids, sa, sb, strict=True) if x != y]
        print(
            f"{name:<20} {equal:>6.3f} {'F1 ' + format(f1, '.2f'):>9}  {len(bad)}: {' '.join(bad[: args.show])}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
