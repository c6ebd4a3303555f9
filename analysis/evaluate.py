"""Quality gate: per-field precision / recall / F1 (or accuracy) against the gold sets.

Input: the real ads of ../shared/corpus with our labels (tests/gold/corpus_labels.yaml), and the
bundled mirror's notices (mirror/notices.yaml, each position with its `expect`).
Output: `Score` rows per field, printed by `python -m analysis.evaluate` / `icc-talent evaluate`.

The mirror part parses and normalises each built mirror page with `analysis.process`, the path
a crawl takes (imported lazily, with the mirror package). Label rules: docs/NORMALISER.md.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from analysis.batch import normalise_record, record_of

__all__ = [
    "DEFAULT_CORPUS",
    "DEFAULT_LABELS",
    "FETCHED_AT",
    "Score",
    "evaluate_corpus",
    "evaluate_mirror",
    "format_scores",
    "main",
]

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "real_postings.jsonl"
DEFAULT_LABELS = ROOT / "tests" / "gold" / "corpus_labels.yaml"
# A fixed fetch time keeps relative dates ("2 weeks ago") reproducible.
FETCHED_AT = datetime(2026, 11, 1, 12, 0)


@dataclass(slots=True)
class Score:
    """Counts for one field; F1-type fields use tp/fp/fn, accuracy fields use correct/total."""

    field: str
    kind: str  # "f1" | "accuracy"
    tp: int = 0
    fp: int = 0
    fn: int = 0
    correct: int = 0
    total: int = 0

    @property
    def precision(self) -> float:
        # No prediction at all is no wrong prediction.
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        # Nothing to find is nothing missed.
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 1.0

    @property
    def value(self) -> float:
        """The headline figure the quality gate compares with its floor."""
        return self.f1 if self.kind == "f1" else self.accuracy

    def add_sets(self, gold: Iterable[object], got: Iterable[object]) -> None:
        g, p = set(gold), set(got)
        self.tp += len(g & p)
        self.fp += len(p - g)
        self.fn += len(g - p)

    def add_bool(self, gold: bool, got: bool) -> None:
        self.add_sets({True} if gold else set(), {True} if got else set())

    def add_equal(self, gold: object, got: object) -> None:
        self.total += 1
        self.correct += gold == got


def load_corpus(path: Path = DEFAULT_CORPUS) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_labels(path: Path = DEFAULT_LABELS) -> dict[str, dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        labels: dict[str, dict[str, Any]] = yaml.safe_load(fh)["labels"]
    return labels


def _corpus_input(row: dict[str, Any]) -> dict[str, Any]:
    """What a user of `icc-talent normalise` would pass: id and text only (no labels, no title)."""
    return {"id": row["id"], "text": row["text"], "url": row.get("url")}


def evaluate_corpus(
    corpus: Path = DEFAULT_CORPUS, labels: Path = DEFAULT_LABELS
) -> tuple[list[Score], list[str]]:
    """Scores per field on the labelled real ads, and one line per disagreement (for debugging)."""
    gold_all = load_labels(labels)
    scores = {
        name: Score(name, kind)
        for name, kind in (
            ("languages", "f1"),
            ("language_required", "accuracy"),
            ("overseas", "accuracy"),
            ("overseas_kind", "accuracy"),
            ("aigc", "f1"),
            ("stable_diffusion", "f1"),
            ("education", "accuracy"),
            ("skills", "f1"),
            ("published", "accuracy"),
            ("party_member", "accuracy"),
        )
    }
    misses: list[str] = []
    for row in load_corpus(corpus):
        gold = gold_all.get(row["id"])
        if gold is None:
            continue
        out = normalise_record(_corpus_input(row), fetched_at=FETCHED_AT)
        rid = row["id"]
        got_lang = {x["code"]: x["required"] for x in out["languages"]}
        gold_lang: dict[str, bool | None] = gold["languages"] or {}
        scores["languages"].add_sets(gold_lang, got_lang)
        for code in set(gold_lang) & set(got_lang):
            scores["language_required"].add_equal(gold_lang[code], got_lang[code])
        if set(gold_lang) != set(got_lang):
            misses.append(f"{rid} languages gold={sorted(gold_lang)} got={sorted(got_lang)}")
        ov = out["overseas_experience"]
        scores["overseas"].add_equal(gold["overseas"] is not None, ov is not None)
        if (gold["overseas"] is not None) != (ov is not None):
            misses.append(f"{rid} overseas gold={gold['overseas']} got={ov}")
        if gold["overseas"] is not None and ov is not None:
            scores["overseas_kind"].add_equal(gold["overseas"]["kind"], ov["kind"])
        got_aigc = out["aigc"] is not None
        scores["aigc"].add_bool(bool(gold["aigc"]), got_aigc)
        if bool(gold["aigc"]) != got_aigc:
            misses.append(f"{rid} aigc gold={gold['aigc']} got={out['aigc']}")
        got_skills = {s["id"] for s in out["skills"]}
        scores["stable_diffusion"].add_bool(
            bool(gold["stable_diffusion"]), "stable_diffusion" in got_skills
        )
        scores["skills"].add_sets(gold["skills"], got_skills)
        if set(gold["skills"]) != got_skills:
            extra, missing = got_skills - set(gold["skills"]), set(gold["skills"]) - got_skills
            misses.append(f"{rid} skills extra={sorted(extra)} missing={sorted(missing)}")
        scores["education"].add_equal(gold["education_min"], out["education_min"])
        if gold["education_min"] != out["education_min"]:
            misses.append(
                f"{rid} education gold={gold['education_min']} got={out['education_min']}"
            )
        if gold["published"] is not None:
            scores["published"].add_equal(str(gold["published"]), out["published"])
            if str(gold["published"]) != out["published"]:
                misses.append(f"{rid} published gold={gold['published']} got={out['published']}")
        scores["party_member"].add_equal(gold["party_member"], out["party_member"])
        if gold["party_member"] != out["party_member"]:
            misses.append(f"{rid} party gold={gold['party_member']} got={out['party_member']}")
    return list(scores.values()), misses


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m analysis.evaluate",
        description="Per-field precision/recall/F1 or accuracy on the corpus and mirror gold sets.",
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--misses", action="store_true", help="also list every disagreement")
    args = parser.parse_args(argv)
    for title, run in (
        ("corpus (real ads, our labels)", lambda: evaluate_corpus(args.corpus, args.labels)),
        ("mirror (positions of mirror/notices.yaml)", evaluate_mirror),
    ):
        if title.startswith("corpus") and not args.corpus.is_file():
            print(f"{title}: skipped, {args.corpus} not found")
            continue
        scores, misses = run()
        print(format_scores(title, scores))
        if args.misses:
            print("\n".join(f"  miss: {m}" for m in misses))
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
