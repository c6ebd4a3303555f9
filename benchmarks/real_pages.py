"""Evaluation on real pages: crawl ../shared/samples at their real URLs and judge the store.

Input: tests/real_pages/{sources,expectations}.yaml and the saved pages in ../shared/samples
(served by `mirror.samples` through the local proxy; crawled by `python -m analysis crawl`).
Output: a per-sample table (✓/✗ per field) with totals on stdout; `evaluate()` returns the checks
for tests/test_real_pages.py, which gates on tests/real_pages/baseline.yaml.

Usage: python -m benchmarks.real_pages [--write-baseline]
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from mirror.samples import Sample, build_routes, load_samples, samples_dir
from mirror.server import route_key, serve_mirror

REPO = Path(__file__).resolve().parents[1]
HARNESS_DIR = REPO / "tests" / "real_pages"
SOURCES_FILE = HARNESS_DIR / "sources.yaml"
EXPECTATIONS_FILE = HARNESS_DIR / "expectations.yaml"
BASELINE_FILE = HARNESS_DIR / "baseline.yaml"
FIELDS = (
    "kind", "title", "published", "first", "last", "positions", "recruitment", "absent", "links",
)  # fmt: skip
ANCHOR_WINDOW = 300  # characters from the start / end of the stored text an anchor may sit in
CRAWL_TIMEOUT = 900


@dataclass(frozen=True, slots=True)
class StoredNotice:
    title: str
    published: str | None
    text: str
    positions: int


@dataclass(frozen=True, slots=True)
class StoreView:
    """What the crawl left in the store, keyed by `route_key(url)`."""

    page_kinds: Mapping[str, str]
    notices: Mapping[str, StoredNotice]
    discovered: Mapping[str, frozenset[str]]  # source id -> notice URLs its list pages gave


@dataclass(frozen=True, slots=True)
class Check:
    sample: str
    field: str
    ok: bool
    got: str = ""


@dataclass(frozen=True, slots=True)
class Evaluation:
    checks: list[Check]
    crawl_log: str

    def passed(self) -> set[tuple[str, str]]:
        return {(c.sample, c.field) for c in self.checks if c.ok}


# ------------------------------------------------------------------------------- crawl and read


def run_crawl(db_path: Path, sources_file: Path, proxy: str, only: Sequence[str] = ()) -> str:
    """Crawl with the project's own CLI in a child process; returns its output (a failed page
    makes the CLI exit non-zero, which is expected here: unheld links answer 404)."""
    settings = {
        "ICC_HTTP_PROXY": proxy,
        "DOWNLOAD_DELAY": "0",
        "AUTOTHROTTLE_ENABLED": "False",
        "LOG_LEVEL": "ERROR",
    }
    command = [sys.executable, "-m", "analysis", "crawl", "--db", str(db_path)]
    command += ["--sources", str(sources_file)]
    for source_id in only:
        command += ["--source", source_id]
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    done = subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, timeout=CRAWL_TIMEOUT, check=False
    )
    return done.stdout + done.stderr


def load_store_view(db_path: Path) -> StoreView:
    """Read pages, notices, position counts and discovered links, read-only."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        page_kinds = {route_key(u): k for u, k in conn.execute("SELECT url, page_kind FROM pages")}
        rows = conn.execute(
            """SELECT p.url, n.title, n.published, n.text,
                      (SELECT count(*) FROM positions WHERE notice_id = n.id)
               FROM notices n JOIN pages p ON p.id = n.page_id"""
        )
        notices = {route_key(u): StoredNotice(t, d, x, c) for u, t, d, x, c in rows}
        discovered: dict[str, set[str]] = {}
        for url, source_id in conn.execute(
            "SELECT url, source_id FROM frontier WHERE kind = 'notice'"
        ):
            discovered.setdefault(source_id, set()).add(route_key(url))
    finally:
        conn.close()
    return StoreView(page_kinds, notices, {k: frozenset(v) for k, v in discovered.items()})


# ------------------------------------------------------------------------------------- judging


def squash(text: str | None) -> str:
    """Compare content, not layout: no whitespace, and full-width forms folded (NFKC), as the
    normaliser folds them (a title with "：" or ":" is the same title)."""
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def judge_links(sample: Sample, view: StoreView) -> Check:
    expected = {route_key(u) for u in sample.expect.get("links") or []}
    found = view.discovered.get(sample.source, frozenset())
    hits, extra = len(expected & found), len(found - expected)
    got = f"{hits}/{len(expected)}" + (f" +{extra}" if extra else "")
    return Check(sample.id, "links", hits == len(expected) and not extra, got)


def predicted_recruitment(notice: StoredNotice | None) -> bool:
    """The pipeline has no recruitment flag: a stored notice with positions counts as one."""
    return notice is not None and notice.positions > 0


def judge_field(name: str, want: Any, kind: str, notice: StoredNotice | None) -> tuple[bool, str]:
    if name == "kind":
        return kind == want, kind
    if name == "recruitment":
        got = predicted_recruitment(notice)
        return got == want, str(got).lower()
    if notice is None:
        return False, "no notice"
    text = squash(notice.text)
    if name == "title":
        return squash(notice.title) == squash(want), notice.title[:40]
    if name == "published":
        got = (notice.published or "")[:10] or None
        return got == want, str(got)
    if name == "first":
        return squash(want) in text[:ANCHOR_WINDOW], text[:20]
    if name == "last":
        return squash(want) in text[-ANCHOR_WINDOW:], text[-20:]
    if name == "positions":
        return notice.positions == want, str(notice.positions)
    if name == "absent":
        present = [s for s in want if squash(s) in text]
        return not present, ",".join(present)
    raise ValueError(f"unknown expectation field {name!r}")


def judge_sample(sample: Sample, view: StoreView) -> list[Check]:
    key = route_key(sample.url)
    kind = view.page_kinds.get(key, "not fetched")
    notice = view.notices.get(key)
    checks = []
    for name in FIELDS:
        if name not in sample.expect:
            continue
        if name == "links":
            checks.append(judge_links(sample, view))
            continue
        ok, got = judge_field(name, sample.expect[name], kind, notice)
        checks.append(Check(sample.id, name, ok, got))
    return checks


# ------------------------------------------------------------------------------------- running


def crawl_groups(samples: Sequence[Sample], source_ids: Sequence[str]) -> list[list[str]]:
    """Each list page's source crawls alone (into its own store), since two lists may share
    links and the store records one discovering source per URL; the rest crawl together."""
    listed = {s.source for s in samples if s.expect.get("kind") == "listing"}
    rest = [i for i in source_ids if i not in listed]
    return ([rest] if rest else []) + [[i] for i in source_ids if i in listed]


def merge_views(views: Sequence[StoreView]) -> StoreView:
    page_kinds: dict[str, str] = {}
    notices: dict[str, StoredNotice] = {}
    discovered: dict[str, frozenset[str]] = {}
    for view in views:
        page_kinds.update(view.page_kinds)
        notices.update(view.notices)
        discovered.update(view.discovered)
    return StoreView(page_kinds, notices, discovered)


def crawl_all(samples: Sequence[Sample], root: Path) -> tuple[StoreView, str]:
    sources = yaml.safe_load(SOURCES_FILE.read_text(encoding="utf-8"))["sources"]
    routes = build_routes(samples, sources, root)
    views, logs = [], []
    with (
        tempfile.TemporaryDirectory(prefix="icc-real-pages-") as tmp,
        serve_mirror(None, routes=routes) as proxy,
    ):
        for n, group in enumerate(crawl_groups(samples, [s["id"] for s in sources])):
            db_path = Path(tmp) / f"crawl{n}" / "real.sqlite"
            db_path.parent.mkdir()
            log = run_crawl(db_path, SOURCES_FILE, proxy, only=group)
            if not db_path.is_file():
                raise RuntimeError(f"the crawl of {group} left no store:\n{log}")
            views.append(load_store_view(db_path))
            logs.append(f"$ crawl {' '.join(group)}\n{log}")
    return merge_views(views), "\n".join(logs)


def evaluate(repo: Path = REPO) -> Evaluation | None:
    """Serve, crawl and judge every sample; None when the samples folder is absent."""
    root = samples_dir(repo)
    if not root.is_dir():
        return None
    samples = load_samples(EXPECTATIONS_FILE)
    view, log = crawl_all(samples, root)
    checks = [check for sample in samples for check in judge_sample(sample, view)]
    return Evaluation(checks, log)


def render_table(checks: Sequence[Check]) -> str:
    """One row per sample, one column per field: ✓, ✗ (with what was got) or blank."""
    by_sample: dict[str, dict[str, Check]] = {}
    for check in checks:
        by_sample.setdefault(check.sample, {})[check.field] = check
    width = max(len(s) for s in by_sample) if by_sample else 6
    lines = [f"{'sample':<{width}}  " + "  ".join(f"{f:<11}" for f in FIELDS)]
    for sample, fields in by_sample.items():
        cells = []
        for name in FIELDS:
            check = fields.get(name)
            cell = "" if check is None else ("✓ " if check.ok else "✗ ") + _short(check, name)
            cells.append(f"{cell:<11}")
        lines.append(f"{sample:<{width}}  " + "  ".join(cells).rstrip())
    return "\n".join(lines)


def _short(check: Check, name: str) -> str:
    return check.got if name == "links" else ""


def render_totals(checks: Iterable[Check]) -> str:
    totals: dict[str, list[int]] = {name: [0, 0] for name in FIELDS}
    for check in checks:
        totals[check.field][0] += check.ok
        totals[check.field][1] += 1
    parts = [f"{name} {ok}/{n}" for name, (ok, n) in totals.items() if n]
    passed = sum(ok for ok, _ in totals.values())
    judged = sum(n for _, n in totals.values())
    return f"fields passed: {passed}/{judged}  (" + ", ".join(parts) + ")"


def save_baseline(evaluation: Evaluation, path: Path = BASELINE_FILE) -> None:
    passing: dict[str, list[str]] = {}
    for sample, name in sorted(evaluation.passed()):
        passing.setdefault(sample, []).append(name)
    header = (
        "# Real-page floors: the (sample, field) pairs that pass today. tests/test_real_pages.py\n"
        "# fails when one of them stops passing. Regenerate only after an improvement:\n"
        "#   python -m benchmarks.real_pages --write-baseline\n"
    )
    path.write_text(header + yaml.safe_dump({"passing": passing}, allow_unicode=True))


def load_baseline(path: Path = BASELINE_FILE) -> set[tuple[str, str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {(s, f) for s, fields in (data.get("passing") or {}).items() for f in fields}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-baseline", action="store_true", help="save today's floors")
    parser.add_argument("--log", action="store_true", help="print the crawl's output too")
    args = parser.parse_args(argv)
    evaluation = evaluate()
    if evaluation is None:
        print(f"real pages: skipped ({samples_dir(REPO)} is absent)")
        return 0
    if args.log:
        print(evaluation.crawl_log)
    print(render_table(evaluation.checks))
    print(render_totals(evaluation.checks))
    if args.write_baseline:
        save_baseline(evaluation)
        print(f"wrote {BASELINE_FILE.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
