"""Benchmark: a crawl of the offline mirror with one hostile notice, normalised on the reactor
thread (as before) and in worker processes with a time limit (issue 14).

Input: the bundled mirror served on 127.0.0.1 as an HTTP proxy, `--copies N` copies of its
sources (as in `benchmarks.crawl_benchmark`), and one notice page of copy 1 swapped for the same
page with `--chars` characters of position sections added (default 140,000).
`--hang S` also makes normalising that page take S more seconds (the test hook
`tests.worker_helpers`), standing in for a page the normaliser's own guards miss.
Output: one line per crawl: workers, time limit, crawl seconds (first request to last stored
item, and the whole process), notices stored and notices that timed out; the clean crawl first.
Not a test: `python -m benchmarks.attack_crawl [--hang 50]`.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import yaml

from benchmarks.crawl_benchmark import copied_sources, crawl_once
from mirror import SITES_DIR
from mirror.server import Route, serve_mirror

TARGET = "/icc/zpxx/202502/t20250214_1005.html"  # a GBK notice page of the mirror
MARKER = '<div class="TRS_Editor">'
HOSTILE_URL = f"http://c1.mirror.icc-talent.test{TARGET}"  # copy 1 only
HANG_HOOK = "tests.worker_helpers.process_notice_or_stall"


def build_attack(chars: int) -> bytes:
    """The target page with `chars` characters of numbered position sections in its body:
    the shape that costs the normaliser most per character."""
    page = (SITES_DIR / TARGET.lstrip("/")).read_bytes().decode("gb18030")
    lines, size, i = [], 0, 0
    while size < chars:
        i += 1
        line = f"{i}. 英语编辑（岗位{i}）招聘1名，本科及以上学历，英语专业八级，熟练使用Photoshop。"
        lines.append(f"<p>{line}</p>")
        size += len(line)
    return page.replace(MARKER, MARKER + "\n".join(lines), 1).encode("gb18030")


def crawl(
    sources: Path, workdir: Path, proxy: str, *, workers: int, timeout: float, hang: float
) -> dict[str, float]:
    workdir.mkdir()
    overrides: dict[str, object] = {
        "ICC_HTTP_PROXY": proxy,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "LOG_LEVEL": "ERROR",
        "ICC_NORMALISE_WORKERS": workers,
        "ICC_NORMALISE_TIMEOUT": timeout,
    }
    if hang:  # the crawl's child process and its workers read these from the environment
        overrides["ICC_NORMALISER"] = HANG_HOOK
        os.environ.update(ICC_TEST_STALL_URLS=HOSTILE_URL, ICC_TEST_STALL_SECONDS=str(hang))
    try:
        return crawl_once(sources, workdir, overrides)
    finally:
        os.environ.pop("ICC_TEST_STALL_URLS", None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--copies", type=int, default=3, help="copies of the mirror (hosts)")
    parser.add_argument("--chars", type=int, default=140_000, help="characters injected")
    parser.add_argument("--workers", type=int, default=2, help="ICC_NORMALISE_WORKERS after")
    parser.add_argument("--timeout", type=float, default=20.0, help="ICC_NORMALISE_TIMEOUT")
    parser.add_argument("--hang", type=float, default=0.0, help="extra seconds on that page")
    args = parser.parse_args(argv)
    attack = build_attack(args.chars)
    routes = {HOSTILE_URL: Route("text/html; charset=gbk", body=attack)}
    runs = (  # (label, hostile page served?, workers)
        ("clean, reactor thread ", False, 0),
        ("clean, workers        ", False, args.workers),
        ("attack, reactor thread", True, 0),
        ("attack, workers       ", True, args.workers),
    )
    hang = f", normalising it hangs {args.hang:g} s more" if args.hang else ""
    print(
        f"mirror x{args.copies}; hostile page {HOSTILE_URL} with {args.chars:,} characters added{hang}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        sources = Path(tmp) / "sources.yaml"
        text = yaml.safe_dump(copied_sources(args.copies), allow_unicode=True)
        sources.write_text(text, encoding="utf-8")
        for n, (label, hostile, workers) in enumerate(runs):
            with serve_mirror(routes=routes if hostile else None) as proxy:
                started = time.monotonic()
                r = crawl(sources, Path(tmp) / f"run{n}", proxy, workers=workers,
                          timeout=args.timeout, hang=args.hang if hostile else 0)  # fmt: skip
            limit = f"{args.timeout:g} s limit" if workers else "no limit"
            print(f"{label} ({workers} workers, {limit}): first request to last item "
                  f"{r['active']:5.1f} s, whole crawl {time.monotonic() - started:5.1f} s; "
                  f"{r['pages']:.0f} pages, {r['notices']:.0f} new notices, "
                  f"{r['timeouts']:.0f} timed out")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
