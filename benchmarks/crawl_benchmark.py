"""Benchmark: crawl throughput on the offline mirror beside `scrapy bench`, in the same run.

Input: the bundled mirror served on 127.0.0.1; `--rounds N` fresh crawls (default 3).
Output: printed pages/min of the real spiders (politeness delays off: no DOWNLOAD_DELAY, no
AutoThrottle; robots.txt, archiving, parsing, attachment extraction and the store all on) and
of `scrapy bench` (Scrapy's own link-following spider on its local server, default settings),
plus the ratio. Not a test: `python -m benchmarks.crawl_benchmark`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from crawler.mirror.server import serve_mirror
from crawler.sources import MIRROR_SOURCES

REPO = Path(__file__).resolve().parents[1]
TARGET_SHARE = 0.5
_BENCH_RATE = re.compile(r"Crawled (\d+) pages \(at (\d+) pages/min\)")
CHILD = """
import json, sys
from pathlib import Path
from crawler.run import run_crawl
from crawler.sources import load_sources
sources = load_sources(sys.argv[1])
overrides = json.loads(sys.argv[3])
result = run_crawl(sources, db_path=Path(sys.argv[2]), archive_dir=Path(sys.argv[2]).parent / "archive",
                   overrides=overrides)
print(json.dumps({"pages": result.stats.get("downloader/response_count", 0),
                  "seconds": result.elapsed, "errors": result.errors}))
"""


def crawl_once(sources: Path, workdir: Path, overrides: dict[str, object]) -> dict[str, float]:
    db = workdir / "store.sqlite"
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(sources), str(db), json.dumps(overrides)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
        timeout=600,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def mirror_rate(rounds: int, per_domain: int) -> tuple[float, int, float]:
    """(pages/min, pages, seconds) over `rounds` fresh crawls of the whole mirror."""
    overrides = {
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "CONCURRENT_REQUESTS_PER_DOMAIN": per_domain,
        "LOG_LEVEL": "ERROR",
    }
    pages, seconds = 0, 0.0
    with serve_mirror() as base, tempfile.TemporaryDirectory() as tmp:
        data = yaml.safe_load(MIRROR_SOURCES.read_text(encoding="utf-8"))
        for source in data["sources"]:
            source["start_urls"] = [base + u for u in source["start_urls"]]
        sources = Path(tmp) / "sources.yaml"
        sources.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        for n in range(rounds):
            workdir = Path(tmp) / f"round{n}"
            workdir.mkdir()
            result = crawl_once(sources, workdir, overrides)
            pages += int(result["pages"])
            seconds += float(result["seconds"])
    return pages / seconds * 60, pages, seconds


def scrapy_bench_rate(seconds: int) -> tuple[float, list[int]]:
    """Median of the per-interval rates `scrapy bench` logs (the first interval is warm-up)."""
    with tempfile.TemporaryDirectory() as tmp:  # outside the project: Scrapy's defaults
        done = subprocess.run(
            [sys.executable, "-m", "scrapy", "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}",
             "-s", "LOGSTATS_INTERVAL=1"],
            capture_output=True,
            text=True,
            cwd=tmp,
            timeout=seconds + 120,
            env={k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"},
        )  # fmt: skip
    rates = [int(m.group(2)) for m in _BENCH_RATE.finditer(done.stderr)]
    steady = rates[1:] or rates
    if not steady:
        raise SystemExit(f"scrapy bench printed no rate:\n{done.stderr[-2000:]}")
    return float(statistics.median(steady)), rates


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="fresh crawls of the mirror")
    parser.add_argument("--bench-seconds", type=int, default=10, help="length of scrapy bench")
    parser.add_argument(
        "--per-domain", type=int, default=2, help="CONCURRENT_REQUESTS_PER_DOMAIN (default: 2)"
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    ours, pages, seconds = mirror_rate(args.rounds, args.per_domain)
    bench, rates = scrapy_bench_rate(args.bench_seconds)
    share = ours / bench
    print(f"icc-talent crawl of the mirror: {pages} pages in {seconds:.1f} s "
          f"= {ours:,.0f} pages/min ({args.rounds} rounds, {args.per_domain} per domain, "
          "delays off, robots/archive/parse/store on)")  # fmt: skip
    print(f"scrapy bench (same machine, same run): {bench:,.0f} pages/min (median of {rates})")
    verdict = "meets" if share >= TARGET_SHARE else "misses"
    print(f"ratio: {share:.0%} of scrapy bench ({verdict} the {TARGET_SHARE:.0%} target); "
          f"benchmark took {time.monotonic() - started:.0f} s")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
