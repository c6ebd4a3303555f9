"""Quality gate: per-field precision / recall / F1 (or accuracy) against the gold sets.

Input: the real ads of ../shared/corpus with our labels (tests/gold/corpus_labels.yaml for
real_postings.jsonl, tests/gold/corpus2_labels.yaml for real_postings_2.jsonl), split once into
dev and test (tests/gold/split.yaml), and the bundled mirror's notices (mirror/notices.yaml,
each position with its `expect`).
Output: `Score` rows per field for dev and test side by side, printed by
`python -m analysis.evaluate` / `icc-talent evaluate`. Rules are written against dev; test is
frozen and only reported (its disagreements are never listed). Label rules: docs/NORMALISER.md.

The mirror part parses and normalises each built mirror page with `analysis.process`, the path
a crawl takes, reading the mirror's built files through `mirror` (never its builder).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from analysis.batch import normalise_record, record_of
from analysis.scoring import Score

__all__ = [
    "DEFAULT_CORPUS_DIR",
    "DEFAULT_GOLD_DIR",
    "FETCHED_AT",
    "GoldAd",
    "Score",
    "dataset_dev_urls",
    "evaluate_corpus",
    "evaluate_mirror",
    "format_scores",
    "format_side_by_side",
    "load_dataset_dev",
    "load_gold",
    "load_split",
    "main",
]

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS_DIR = ROOT.parent / "shared" / "corpus"
DEFAULT_GOLD_DIR = ROOT / "tests" / "gold"
# Label file (in the gold folder) -> the corpus file (in the corpus folder) it labels.
GOLD_SETS = {
    "corpus_labels.yaml": "real_postings.jsonl",
    "corpus2_labels.yaml": "real_postings_2.jsonl",
}
SPLIT_FILE = "split.yaml"
# Gold sets 3 and 5 to 9: dev-only sets of real ads added later (docs/NORMALISER.md "Gold set
# 3" …). Their texts are not in ../shared yet (sets 3 and 9: page URLs in corpusN_sources.yaml,
# the texts being the search tool's excerpts of those pages; sets 5 to 8: dataset rows in their
# corpusN_sources.yaml, rebuilt by scripts/gold_set_N_texts.py): a set is scored when its file
# is in the corpus folder or in --extra-corpus-dir, and skipped otherwise.
# Label file -> (set name, corpus file).
EXTRA_DEV_SETS = {
    "corpus3_labels.yaml": ("3", "real_postings_3.jsonl"),
    "corpus5_labels.yaml": ("5", "real_postings_5.jsonl"),
    "corpus6_labels.yaml": ("6", "real_postings_6.jsonl"),
    "corpus7_labels.yaml": ("7", "real_postings_7.jsonl"),
    "corpus8_labels.yaml": ("8", "real_postings_8.jsonl"),
    "corpus9_labels.yaml": ("9", "real_postings_9.jsonl"),
}


def write_extra_corpus(
    out_dir: Path,
    set_name: str,
    sources: Mapping[str, Mapping[str, Any]],
    text_of: Callable[[Mapping[str, Any]], str],
    *,
    lang: str,
    keep: Iterable[str] = (),
) -> int:
    """Write the texts of a dev-only extra gold set as `real_postings_<set_name>.jsonl` in
    `out_dir` (what --extra-corpus-dir reads): per id of `sources`, its url, `lang`, the fields
    named in `keep` and `text_of(source)`. The exit code of a scripts/gold_set_N_texts.py run:
    0, or 1 with the id on stderr when a text cannot be rebuilt (a file missing or changed)."""
    out = out_dir / f"real_postings_{set_name}.jsonl"
    out_dir.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        for ad_id, source in sources.items():
            try:
                text = text_of(source)
            except (OSError, KeyError, IndexError, ValueError, TypeError, yaml.YAMLError) as exc:
                print(f"{ad_id}: cannot rebuild ({exc!r})", file=sys.stderr)
                return 1
            row = {"id": ad_id, "url": source["url"], "lang": lang, "text": text}
            row.update({key: source.get(key) for key in keep})
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(sources)} ads -> {out}")
    return 0


# Gold set 4: a dev-only set of job-board ads whose texts are rows of the real job datasets in
# ../shared/samples/job_datasets (label file -> the file saying which row each id is).
DATASET_DEV_SETS = {"corpus4_labels.yaml": "corpus4_sources.yaml"}
# Dataset file -> (title column, description column, URL column) of its rows.
DATASET_COLUMNS = {
    "liepin_2026_tech_jobs_with_jd.csv": ("title", "job_description", "job_url"),
    "zhilian_wuhan_2024_media_comm_jobs.xlsx": ("岗位名称", "工作简介", "详情url"),
}
# A fixed fetch time keeps relative dates ("2 weeks ago") reproducible.
FETCHED_AT = datetime(2026, 11, 1, 12, 0)


@dataclass(frozen=True, slots=True)
class GoldAd:
    """One labelled real ad: the corpus row (id, url, text …) and our label."""

    id: str
    row: dict[str, Any]
    label: dict[str, Any]


def load_corpus(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_labels(path: Path) -> dict[str, dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        labels: dict[str, dict[str, Any]] = yaml.safe_load(fh)["labels"]
    return labels


def load_gold(
    corpus_dir: Path = DEFAULT_CORPUS_DIR, gold_dir: Path = DEFAULT_GOLD_DIR
) -> dict[str, GoldAd]:
    """Every labelled ad whose text is in `corpus_dir`, keyed by id."""
    ads: dict[str, GoldAd] = {}
    for labels_name, corpus_name in GOLD_SETS.items():
        labels = load_labels(gold_dir / labels_name)
        for row in load_corpus(corpus_dir / corpus_name):
            if row["id"] in labels:
                ads[row["id"]] = GoldAd(row["id"], row, labels[row["id"]])
    return ads


def load_extra_dev(
    corpus_dirs: Iterable[Path], gold_dir: Path = DEFAULT_GOLD_DIR, sets: Iterable[str] = ()
) -> tuple[dict[str, GoldAd], list[str]]:
    """The labelled ads of the dev-only extra sets (all, or those named in `sets`: "3", "5", "6")
    whose texts are in one of `corpus_dirs`, and the corpus files found nowhere."""
    ads: dict[str, GoldAd] = {}
    missing: list[str] = []
    folders = list(corpus_dirs)
    wanted = set(sets)
    for labels_name, (name, corpus_name) in EXTRA_DEV_SETS.items():
        if wanted and name not in wanted:
            continue
        path = next((d / corpus_name for d in folders if (d / corpus_name).is_file()), None)
        if path is None or not (gold_dir / labels_name).is_file():
            missing.append(corpus_name)
            continue
        labels = load_labels(gold_dir / labels_name)
        for row in load_corpus(path):
            if row["id"] in labels:
                ads[row["id"]] = GoldAd(row["id"], row, labels[row["id"]])
    return ads, missing


def dataset_ad_text(title: str, description: str) -> str:
    """A job-board row as the ad a crawl of its page would read: the title line, then the
    description as written."""
    return f"{title.strip()}\n{description.strip()}"


def _dataset_rows(path: Path) -> dict[str, dict[str, Any]]:
    """Rows of one job dataset keyed by their URL: {"url", "text"} (first row of a URL wins)."""
    title_col, text_col, url_col = DATASET_COLUMNS[path.name]
    frame = pd.read_csv(path) if path.suffix == ".csv" else pd.read_excel(path)
    rows: dict[str, dict[str, Any]] = {}
    for title, text, url in zip(frame[title_col], frame[text_col], frame[url_col], strict=True):
        if isinstance(url, str) and isinstance(text, str) and url not in rows:
            rows[url] = {"url": url, "text": dataset_ad_text(str(title), text)}
    return rows


def dataset_dev_urls(gold_dir: Path = DEFAULT_GOLD_DIR) -> frozenset[str]:
    """The row URLs of the gold ads read from job datasets: they never train a model under their
    site's category."""
    urls: set[str] = set()
    for sources_name in DATASET_DEV_SETS.values():
        path = gold_dir / sources_name
        if path.is_file():
            ads = yaml.safe_load(path.read_text(encoding="utf-8"))["ads"]
            urls.update(str(where["url"]) for where in ads.values())
    return frozenset(urls)


def load_dataset_dev(
    samples: Path, gold_dir: Path = DEFAULT_GOLD_DIR
) -> tuple[dict[str, GoldAd], list[str]]:
    """The labelled ads of the dev-only sets read from job datasets under `samples`
    (../shared/samples), and the names of the dataset files that were not found."""
    ads: dict[str, GoldAd] = {}
    missing: list[str] = []
    for labels_name, sources_name in DATASET_DEV_SETS.items():
        labels = load_labels(gold_dir / labels_name)
        sources = yaml.safe_load((gold_dir / sources_name).read_text(encoding="utf-8"))["ads"]
        tables: dict[str, dict[str, dict[str, Any]]] = {}
        for rid, where in sources.items():
            name = where["file"]
            if name not in tables:
                path = samples / "job_datasets" / name
                if not path.is_file():
                    missing.append(name)
                tables[name] = _dataset_rows(path) if path.is_file() else {}
            row = tables[name].get(where["url"])
            if row is not None and rid in labels:
                ads[rid] = GoldAd(rid, {"id": rid, **row}, labels[rid])
    return ads, missing


def load_split(gold_dir: Path = DEFAULT_GOLD_DIR) -> dict[str, list[str]]:
    """The frozen split: {"dev": ids, "test": ids}."""
    data = yaml.safe_load((gold_dir / SPLIT_FILE).read_text(encoding="utf-8"))
    return {"dev": list(data["dev"]), "test": list(data["test"])}


def _corpus_input(row: dict[str, Any]) -> dict[str, Any]:
    """What a user of `icc-talent normalise` would pass: id and text only (no labels, no title)."""
    return {"id": row["id"], "text": row["text"], "url": row.get("url")}


CORPUS_FIELDS = (
    ("languages", "f1"),
    ("language_required", "accuracy"),
    ("native_speaker", "f1"),
    ("overseas", "accuracy"),
    ("overseas_kind", "accuracy"),
    ("aigc", "f1"),
    ("stable_diffusion", "f1"),
    ("education", "accuracy"),
    ("skills", "f1"),
    ("certificates", "f1"),
    ("published", "accuracy"),
    ("deadline", "accuracy"),
    ("party_member", "accuracy"),
    ("role_family", "accuracy"),
)


def evaluate_corpus(ads: Iterable[GoldAd]) -> tuple[list[Score], list[str]]:
    """Scores per field on labelled real ads, and one line per disagreement (for debugging).

    Fields the older gold set does not label (native, certificates, deadline, role family) are
    scored on the ads whose label has them; role family only on texts that are job ads.
    """
    scores = {name: Score(name, kind) for name, kind in CORPUS_FIELDS}
    misses: list[str] = []
    for ad in ads:
        out = normalise_record(_corpus_input(ad.row), fetched_at=FETCHED_AT)
        misses += _score_ad(scores, ad.id, ad.label, out)
    return list(scores.values()), misses


def _score_ad(
    scores: dict[str, Score], rid: str, gold: dict[str, Any], out: dict[str, Any]
) -> list[str]:
    misses: list[str] = []

    def compare(field: str, want: Any, have: Any) -> None:
        if scores[field].kind == "f1":
            if isinstance(want, bool):
                scores[field].add_bool(want, bool(have))
            else:
                scores[field].add_sets(want, have)
        else:
            scores[field].add_equal(want, have)
        if (set(want) if isinstance(want, set | dict | list) else want) != (
            set(have) if isinstance(have, set | dict | list) else have
        ):
            misses.append(f"{rid} {field} gold={_show(want)} got={_show(have)}")

    got_lang = {x["code"]: x["required"] for x in out["languages"]}
    gold_lang: dict[str, bool | None] = gold["languages"] or {}
    compare("languages", set(gold_lang), set(got_lang))
    for code in sorted(set(gold_lang) & set(got_lang)):
        scores["language_required"].add_equal(gold_lang[code], got_lang[code])
    if "native" in gold:
        compare("native_speaker", bool(gold["native"]), bool(out["native_speaker"]))
    ov = out["overseas_experience"]
    compare("overseas", gold["overseas"] is not None, ov is not None)
    if gold["overseas"] is not None and ov is not None:
        scores["overseas_kind"].add_equal(gold["overseas"]["kind"], ov["kind"])
    compare("aigc", bool(gold["aigc"]), out["aigc"] is not None)
    got_skills = {s["id"] for s in out["skills"]}
    compare("stable_diffusion", bool(gold["stable_diffusion"]), "stable_diffusion" in got_skills)
    compare("skills", set(gold["skills"]), got_skills)
    compare("education", gold["education_min"], out["education_min"])
    if "certificates" in gold:
        compare("certificates", set(gold["certificates"] or {}), set(out["certificates"]))
    if gold["published"] is not None:
        compare("published", str(gold["published"]), out["published"])
    if gold.get("deadline") is not None:
        compare("deadline", str(gold["deadline"]), out["deadline"])
    compare("party_member", gold["party_member"], out["party_member"])
    if "role_family" in gold and gold.get("is_job_ad", True):
        compare("role_family", gold["role_family"], out["role_family"])
    return misses


def _show(value: Any) -> str:
    return str(sorted(value)) if isinstance(value, set) else str(value)


def _mirror_notices() -> list[tuple[dict[str, Any], Any]]:
    """(notice of notices.yaml, ParsedNotice of its built page decoded and parsed as a crawl
    would, by `analysis.process.parse_page`)."""
    from analysis.extract.pages import Unavailable
    from analysis.process import parse_page
    from mirror import (
        BASE_URL,
        SITE_KINDS,
        SITES_DIR,
        load_content_types,
        load_notice_paths,
        load_notices,
    )

    types = load_content_types()
    paths = load_notice_paths()
    out: list[tuple[dict[str, Any], Any]] = []
    for notice in load_notices()["notices"]:
        rel = paths[notice["id"]]
        parsed, _ = parse_page(
            (SITES_DIR / rel).read_bytes(),
            content_type=types[rel],
            kind=SITE_KINDS[notice["site"]],
            url=BASE_URL + rel,
        )
        if isinstance(parsed, Unavailable):
            raise ValueError(f"mirror notice {notice['id']} ({rel}) parses as {parsed.reason}")
        out.append((notice, parsed))
    return out


def _match_positions(
    expected: list[dict[str, Any]], got: list[dict[str, Any]]
) -> list[dict[str, Any] | None]:
    """The found position for each expected one: by order when the counts agree, else by title."""
    if len(expected) == len(got):
        return list(got)
    out: list[dict[str, Any] | None] = []
    free = list(got)
    for e in expected:
        hit = next((g for g in free if e["title"] in g["title"] or g["title"] in e["title"]), None)
        if hit is not None:
            free.remove(hit)
        out.append(hit)
    return out


def evaluate_mirror() -> tuple[list[Score], list[str]]:
    """Scores on the mirror's positions: split, and the `expect` facts of every position.

    Languages are compared without zh (the mirror's expectations list foreign languages only).
    A position that is not found counts as predicting nothing for it.
    """
    from analysis.process import ProcessError, process_notice

    scores = {
        name: Score(name, kind)
        for name, kind in (
            ("mirror_positions", "accuracy"),
            ("mirror_languages", "f1"),
            ("mirror_overseas", "f1"),
            ("mirror_aigc", "f1"),
            ("mirror_stable_diffusion", "f1"),
        )
    }
    misses: list[str] = []
    for notice, parsed in _mirror_notices():
        processed = process_notice(parsed, fetched_at=FETCHED_AT)
        if isinstance(processed, ProcessError):
            raise ValueError(f"mirror notice {notice['id']}: {processed.message}")
        normalised = processed.normalised
        record = record_of(notice["id"], normalised)
        expected = notice["positions"]
        got = record["positions"]
        for _ in expected:
            scores["mirror_positions"].total += 1
        matched = _match_positions(expected, got)
        scores["mirror_positions"].correct += sum(m is not None for m in matched)
        if len(expected) != len(got):
            misses.append(f"{notice['id']} positions expected={len(expected)} got={len(got)}")
        for e, g in zip(expected, matched, strict=True):
            exp = e["expect"]
            langs = {x["code"] for x in g["languages"]} - {"zh"} if g else set()
            skills = {s["id"] for s in g["skills"]} if g else set()
            facts = {
                "mirror_languages": (set(exp["languages"]), langs),
                "mirror_overseas": (exp["overseas"], bool(g and g["overseas_experience"])),
                "mirror_aigc": (exp["aigc"], bool(g and g["aigc"])),
                "mirror_stable_diffusion": (exp["stable_diffusion"], "stable_diffusion" in skills),
            }
            for name, (want, have) in facts.items():
                if isinstance(want, set) and isinstance(have, set):
                    scores[name].add_sets(want, have)
                else:
                    scores[name].add_bool(bool(want), bool(have))
                if want != have:
                    misses.append(
                        f"{notice['id']} / {e['title']}: {name} expected={want} got={have}"
                    )
    return list(scores.values()), misses


def format_scores(title: str, scores: list[Score]) -> str:
    lines = [title, f"{'field':<24}{'P':>7}{'R':>7}{'F1/acc':>8}  counts"]
    for s in scores:
        if s.kind == "f1":
            lines.append(
                f"{s.field:<24}{s.precision:7.3f}{s.recall:7.3f}{s.f1:8.3f}  "
                f"tp={s.tp} fp={s.fp} fn={s.fn}"
            )
        else:
            lines.append(f"{s.field:<24}{'':7}{'':7}{s.accuracy:8.3f}  {s.correct}/{s.total}")
    return "\n".join(lines)


def _cell(s: Score) -> str:
    """'P R F1 n' for F1 fields (n = gold items), 'acc n' for accuracy fields."""
    if s.kind == "f1":
        return f"{s.precision:6.3f}{s.recall:6.3f}{s.f1:7.3f}{s.tp + s.fn:5d}"
    return f"{'':6}{'':6}{s.accuracy:7.3f}{s.total:5d}"


def format_side_by_side(title: str, dev: list[Score], test: list[Score], counts: str) -> str:
    """Dev and test figures of each field on one line (P, R, F1 or accuracy, n)."""
    head = f"{'P':>6}{'R':>6}{'F1/acc':>7}{'n':>5}"
    lines = [
        f"{title} ({counts})",
        f"{'':24}{'dev':^24}   {'test (frozen)':^24}",
        f"{'field':<24}{head}   {head}",
    ]
    for d, t in zip(dev, test, strict=True):
        lines.append(f"{d.field:<24}{_cell(d)}   {_cell(t)}")
    return "\n".join(lines)


def evaluate_split(
    corpus_dir: Path = DEFAULT_CORPUS_DIR, gold_dir: Path = DEFAULT_GOLD_DIR
) -> dict[str, tuple[list[Score], list[str]]]:
    """Scores and disagreements for the dev and the test ids of the frozen split."""
    gold, split = load_gold(corpus_dir, gold_dir), load_split(gold_dir)
    return {part: evaluate_corpus(gold[i] for i in ids if i in gold) for part, ids in split.items()}


def _in_sample_note() -> str:
    """The role model is trained on the dev ads, so its dev figure is in-sample: say so, with the
    honest dev figures (5-fold cross-validation and, when the model was chosen so, one gold set
    held out at a time; both recorded in the model's sidecar)."""
    from analysis.role_model import RoleModelError, load_sidecar

    try:
        sidecar = load_sidecar()
        cv = sidecar["dev_cv"]
    except (RoleModelError, KeyError, ValueError):
        return ""
    scores = cv.get("accuracy", {})
    accuracy = scores.get("combination", scores.get("model"))  # the model as shipped
    if accuracy is None:
        return ""
    note = (
        "  role_family: the dev figure is in-sample (the role model is trained on the dev ads); "
        f"its {cv.get('folds', 5)}-fold cross-validated dev accuracy is {accuracy:.3f}"
        + (f" (n {cv['n']}: {_dev_sets_trained_on()})")
    )
    held = sidecar.get("dev_held_out_sets", {}).get("accuracy", {}).get("combination")
    if held is not None:
        note += f"; with one gold set held out at a time (ads of a kind never seen), {held:.3f}"
    return note


def _dev_sets_trained_on() -> str:
    """The dev material the shipped role model learned from, as its CV figure's n covers it."""
    names = sorted([*(name for name, _ in EXTRA_DEV_SETS.values()), "4"])
    sets = [n for n in names if _trained_on(f"gold_set_{n}")]
    return "dev" + (
        f" and gold set{'s' if len(sets) > 1 else ''} {', '.join(sets)}" if sets else ""
    )


def _trained_on(key: str) -> bool:
    """Did the shipped role model learn from the dev-only gold set `key` ("gold_set_3" …
    "gold_set_6"; its sidecar's training counts)?"""
    return bool(_training_counts().get(key))


@cache
def _training_counts() -> dict[str, Any]:
    """The shipped role model's training counts, read from its sidecar once ({} without one)."""
    from analysis.role_model import RoleModelError, load_sidecar

    try:
        return dict(load_sidecar()["training_counts"])
    except (RoleModelError, KeyError, ValueError):
        return {}


def _print_dev_set(title: str, ads: dict[str, GoldAd], role_note: str, misses: bool) -> None:
    """Scores of a dev-only gold set (nothing when none of its texts was found)."""
    if not ads:
        return
    scores, found = evaluate_corpus(ads.values())
    print(format_scores(title, scores))
    if role_note:
        print(f"  role_family: {role_note}")
    if misses:
        print("\n".join(f"  dev miss: {m}" for m in found))
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m analysis.evaluate",
        description="Per-field precision/recall/F1 or accuracy on the corpus (dev and test) and "
        "mirror gold sets.",
    )
    parser.add_argument("--corpus-dir", type=Path, default=DEFAULT_CORPUS_DIR)
    parser.add_argument("--gold-dir", type=Path, default=DEFAULT_GOLD_DIR)
    parser.add_argument(
        "--extra-corpus-dir",
        type=Path,
        default=None,
        help="folder holding the texts of the dev-only gold sets 3 and 5 to 9 "
        "(real_postings_3.jsonl, _5 to _9)",
    )
    parser.add_argument(
        "--misses", action="store_true", help="also list every disagreement on dev (never test)"
    )
    args = parser.parse_args(argv)
    if not all((args.corpus_dir / name).is_file() for name in GOLD_SETS.values()):
        print(f"corpus (real ads, our labels): skipped, no corpus files in {args.corpus_dir}")
    else:
        results = evaluate_split(args.corpus_dir, args.gold_dir)
        (dev, dev_misses), (test, _) = results["dev"], results["test"]
        split = load_split(args.gold_dir)
        counts = f"dev {len(split['dev'])} ads, test {len(split['test'])} ads"
        print(format_side_by_side("corpus (real ads, our labels)", dev, test, counts))
        note = _in_sample_note()
        if note:
            print(note)
        if args.misses:
            print("\n".join(f"  dev miss: {m}" for m in dev_misses))
        print()
    folders = [args.corpus_dir, *([args.extra_corpus_dir] if args.extra_corpus_dir else [])]
    for set_name, corpus_name in EXTRA_DEV_SETS.values():
        extra, missing = load_extra_dev(folders, args.gold_dir, sets=[set_name])
        note = f"in-sample here (the role model is trained on gold set {set_name} too)"
        _print_dev_set(
            f"gold set {set_name} (dev only, {len(extra)} ads of {corpus_name})",
            extra,
            note if _trained_on(f"gold_set_{set_name}") else "",
            args.misses,
        )
        for name in missing:
            print(
                f"gold set {set_name}: skipped, {name} is not in {' or '.join(map(str, folders))}"
            )
    samples = args.corpus_dir.parent / "samples"
    from_datasets, absent = load_dataset_dev(samples, args.gold_dir)
    title = f"gold set 4 (dev only, {len(from_datasets)} job-board ads of {samples}/job_datasets)"
    note = (
        "in-sample here (the role model is trained on gold set 4 too)"
        if _trained_on("gold_set_4")
        else "out-of-sample (these rows are left out of the role model's training)"
    )
    _print_dev_set(title, from_datasets, note, args.misses)
    for name in absent:
        print(f"gold set 4: skipped, {name} is not in {samples}/job_datasets")
    scores, misses = evaluate_mirror()
    print(format_scores("mirror (positions of mirror/notices.yaml)", scores))
    if args.misses:
        print("\n".join(f"  miss: {m}" for m in misses))
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
