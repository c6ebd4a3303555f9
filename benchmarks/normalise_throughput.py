"""Benchmark: postings/s of the `icc-talent normalise` batch path, beside a bare dictionary pass.

Input: ../shared/corpus/real_postings.jsonl, repeated to at least 20,000 postings (as JSON lines).
Output: printed figures: the batch path (parse JSON, normalise, serialise the record) in one
process and with `icc-talent normalise`'s default worker count (one per usable CPU), and one
pyahocorasick pass with the skill and AIGC vocabularies over the same texts, single process.

Run: `python -m benchmarks.normalise_throughput [--postings N]` (or `make bench`). Not a test:
timings depend on the machine; CPU time (workers' included: postings per CPU-second) is reported
beside wall time because a shared machine skews the latter.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import ahocorasick

from analysis.batch import normalise_jsonl, usable_cpus
from analysis.compiled import describe
from analysis.normalise.context import load_vocab

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real_postings.jsonl"
TARGET = 1000.0  # postings/s


def _lines(n: int) -> list[str]:
    rows = [json.loads(line) for line in CORPUS.read_text("utf-8").splitlines() if line.strip()]
    out: list[str] = []
    while len(out) < n:
        for r in rows:
            out.append(json.dumps({"id": f"{r['id']}#{len(out)}", "text": r["text"]}))
    return out[:n]


def _automaton() -> ahocorasick.Automaton:
    a = ahocorasick.Automaton()
    words: set[str] = set()
    for entry in load_vocab("skills")["skills"]:
        words.update(str(w).lower() for w in entry.get("aliases", []))
    words.update(str(w).lower() for w in load_vocab("aigc")["terms"])
    for w in words:
        a.add_word(w, w)
    a.make_automaton()
    return a


def _cpu_seconds() -> float:
    """CPU time of this process and of its ended children (the workers, once shut down)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _timed(run: Callable[[], int]) -> tuple[int, float, float]:
    wall, cpu = time.perf_counter(), _cpu_seconds()
    count = run()
    return count, time.perf_counter() - wall, _cpu_seconds() - cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.normalise_throughput")
    parser.add_argument("--postings", type=int, default=20_000)
    args = parser.parse_args(argv)
    if not CORPUS.is_file():
        print(f"skipped: {CORPUS} not found")
        return 0
    lines = _lines(max(args.postings, 1))
    fetched = datetime(2026, 11, 1)
    list(normalise_jsonl(lines[:65], fetched_at=fetched))  # load vocabularies and automata

    def batch(jobs: int) -> Callable[[], int]:
        def run() -> int:
            n = 0
            for record in normalise_jsonl(lines, fetched_at=fetched, jobs=jobs):
                json.dumps(record if isinstance(record, dict) else str(record), ensure_ascii=False)
                n += 1
            return n

        return run

    automaton = _automaton()
    texts = [json.loads(line)["text"].lower() for line in lines]

    def bare() -> int:
        hits = 0
        for t in texts:
            hits += sum(1 for _ in automaton.iter(t))
        return len(texts)

    cpus = usable_cpus()
    print(f"postings: {len(lines)} (real corpus repeated); {describe()}; usable CPUs: {cpus}")
    runs: list[tuple[str, Callable[[], int]]] = [("batch path, 1 process (--jobs 1)", batch(1))]
    if cpus > 1:  # the default of icc-talent normalise; worker start-up counted in the time
        runs.append((f"batch path, {cpus} processes (default)", batch(cpus)))
    runs.append(("bare ahocorasick pass, 1 process", bare))
    for name, run in runs:
        count, wall, cpu = _timed(run)
        print(
            f"{name:<36} {count / wall:10.0f} postings/s wall  "
            f"{count / max(cpu, 1e-9):10.0f} postings/s cpu  ({wall:.1f} s)"
        )
    print(f"target: >= {TARGET:.0f} postings/s for the batch path (icc-talent normalise)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
