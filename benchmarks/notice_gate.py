"""Benchmark: milliseconds a page of the recruitment-notice gate (`recruitment_score`).

Input: the real corpus texts of ../shared/corpus (215, with their first line as the title), each
also as a 1 MB page (the text repeated) to show the cost does not grow with the page.
Output: printed figures: wall and CPU ms a page for the fast scorer and for scikit-learn's
`predict_proba` on the same model, and the model's one-off load time.

Run: `python -m benchmarks.notice_gate`. Not a test: timings depend on the machine; CPU time is
reported beside wall time because a shared machine skews the latter.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from analysis import notice_classifier as nc

SHARED = Path(__file__).resolve().parents[2] / "shared"


def _timed(step: Callable[[], object], n: int) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    step()
    return (time.perf_counter() - wall) * 1000 / n, (time.process_time() - cpu) * 1000 / n


def main() -> int:
    if not (SHARED / "corpus").is_dir():
        print(f"notice gate benchmark: skipped ({SHARED / 'corpus'} is absent)")
        return 0
    start = time.perf_counter()
    nc.recruitment_score("", "")
    print(f"model load: {(time.perf_counter() - start) * 1000:.0f} ms (once per process)")
    pages = [(e.title, e.text) for e in nc.load_corpus_examples(SHARED)]
    big = [(t, (x + "\n") * max(1, 1_000_000 // max(1, len(x)))) for t, x in pages[:20]]
    model, _ = nc.load_notice_model()
    rows = [
        (
            "fast scorer, corpus pages",
            lambda: [nc.recruitment_score(t, x) for t, x in pages],
            len(pages),
        ),
        ("fast scorer, 1 MB pages", lambda: [nc.recruitment_score(t, x) for t, x in big], len(big)),
        (
            "predict_proba, one page a call",
            lambda: [nc._scores(model, nc.build_features([t], [x])) for t, x in pages[:50]],
            50,
        ),
    ]
    print(f"{'':34}{'wall ms/page':>14}{'cpu ms/page':>13}")
    for name, step, n in rows:
        wall, cpu = _timed(step, n)
        print(f"{name:<34}{wall:>14.2f}{cpu:>13.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
