"""Benchmark: crawl throughput on the offline mirror beside `scrapy bench`, in the same run.

Input: the bundled mirror served on 127.0.0.1 as an HTTP proxy; `--copies N` copies of its five
sources, each copy under its own host name (`c<i>.mirror.icc-talent.test`), so a crawl runs
long enough to measure past start-up; `--rounds N` fresh crawls (default 1).
Output: pages/min of the real spiders with politeness delays off (DOWNLOAD_DELAY 0, no
AutoThrottle; robots.txt, archiving, parsing, attachment extraction, normalisation and the store
all on; CONCURRENT_REQUESTS 16 and `--per-domain` requests per host, default 2 as for real
crawls), counted two ways: from the first request to the last stored item, and over the whole
crawl process (interpreter start to exit). Beside it `scrapy bench` (Scrapy's own link-following
spider on its local server, Scrapy's defaults: no delays, 16 concurrent, 8 per domain) and the
ratio. Copies 2..N hold the same notices, so the store links them as sightings of copy 1, as a
real crawl does with reposts. Not a test: `python -m benchmarks.crawl_benchmark`.
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
from typing import Any

import yaml

from mirror import SOURCES_PATH as MIRROR_SOURCES
from mirror.server import serve_mirror

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
                  "seconds": result.elapsed, "active": result.active, "errors": result.errors,
                  "notices": result.stats.get("icc/store/notice_new", 0),
                  "sightings": result.stats.get("icc/store/notice_sighting", 0),
                  "timeouts": result.stats.get("icc/normalise/timeout", 0)}))
"""


def copied_sources(copies: int) -> dict[str, Any]:
    """The mirror's source list `copies` times; copy i's sites answer at c<i>.mirror.icc-talent.test."""
    data = yaml.safe_load(MIRROR_SOURCES.read_text(encoding="utf-8"))
    out = []
    for copy in range(1, copies + 1):
        for source in data["sources"]:
            entry = dict(source)
            entry["id"] = source["id"] if copy == 1 else f"{source['id']}-c{copy}"
            host = f"http://c{copy}.mirror.icc-talent.test"
            entry["start_urls"] = [host + u for u in source["start_urls"]]
            out.append(entry)
    return {"version": data.get("version", 1), "sources": out}


def crawl_once(sources: Path, workdir: Path, overrides: dict[str, object]) -> dict[str, float]:
    db = workdir / "store.sqlite"
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(sources), str(db), json.dumps(overrides)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
        timeout=1800,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    result["process"] = time.monotonic() - started
    return result


def mirror_rate(rounds: int, copies: int, per_domain: int) -> dict[str, float]:
    """Totals over `rounds` fresh crawls of `copies` copies of the mirror."""
    totals = {"pages": 0.0, "active": 0.0, "process": 0.0, "notices": 0.0, "sightings": 0.0}
    with serve_mirror() as proxy, tempfile.TemporaryDirectory() as tmp:
        overrides = {
            "ICC_HTTP_PROXY": proxy,
            "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": False,
            "CONCURRENT_REQUESTS_PER_DOMAIN": per_domain,
            "LOG_LEVEL": "ERROR",
        }
        sources = Path(tmp) / "sources.yaml"
        text = yaml.safe_dump(copied_sources(copies), allow_unicode=True)
        sources.write_text(text, encoding="utf-8")
        for n in range(rounds):
            workdir = Path(tmp) / f"round{n}"
            workdir.mkdir()
            result = crawl_once(sources, workdir, overrides)
            for key in totals:
                totals[key] += float(result[key])
    return totals


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
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--copies", type=int, default=10, help="copies of the mirror (hosts)")
    parser.add_argument("--rounds", type=int, default=1, help="fresh crawls of the copies")
    parser.add_argument("--bench-seconds", type=int, default=10, help="length of scrapy bench")
    parser.add_argument(
        "--per-domain", type=int, default=2, help="CONCURRENT_REQUESTS_PER_DOMAIN (default: 2)"
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    t = mirror_rate(args.rounds, args.copies, args.per_domain)
    bench, rates = scrapy_bench_rate(args.bench_seconds)
    active = t["pages"] / t["active"] * 60 if t["active"] else 0.0
    whole = t["pages"] / t["process"] * 60
    print(f"icc-talent crawl of {args.copies} mirror copies ({args.copies} hosts, "
          f"{args.rounds} round(s)): {t['pages']:.0f} pages, {t['notices']:.0f} new notices, "
          f"{t['sightings']:.0f} sightings; delays off, 16 concurrent, {args.per_domain} per "
          "domain; robots/archive/attachments/normalise/store on")  # fmt: skip
    print(f"  first request to last item: {t['active']:.1f} s = {active:,.0f} pages/min")
    print(f"  whole crawl process:        {t['process']:.1f} s = {whole:,.0f} pages/min "
          "(with interpreter start-up, imports, store open and run bookkeeping)")  # fmt: skip
    print(f"scrapy bench (same machine, same run): {bench:,.0f} pages/min (median of {rates})")
    share = active / bench
    verdict = "meets" if share >= TARGET_SHARE else "misses"
    print(f"ratio: {share:.0%} of scrapy bench first request to last item ({verdict} the "
          f"{TARGET_SHARE:.0%} target), {whole / bench:.0%} over the whole process; "
          f"benchmark took {time.monotonic() - started:.0f} s")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
