"""Benchmark: time and peak memory of building the monthly report on a generated store.

Input: `--positions N --months M` (defaults 100,000 over 60 months), generated in memory;
`--store` also writes them to a real SQLite store (through analysis.store's schema) to time
`load_frames`. Output: printed wall time and peak memory (tracemalloc, process max RSS) of each
step, against the targets (report ≤ 30 s, peak memory ≤ 2 GB). Run:
`python -m benchmarks.report_benchmark --positions 100000 --months 60 --store`.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.frames import load_frames
from analysis.report import build_report
from analysis.store import connect
from analysis.trends import build_month_figures

TARGET_SECONDS = 30.0
TARGET_BYTES = 2 * 1024**3

ROLES = (
    ("英语编辑", "负责中译英稿件的翻译与审校，英语专业八级，有海外留学经历者优先。", "translation"),
    ("俄语记者", "负责面向俄语受众的新闻采访报道，俄语专业八级。", "news_writing"),
    ("短视频编导", "负责短视频策划、拍摄与剪辑，熟练使用Premiere、剪映。", "video_editing"),
    ("AIGC内容编辑", "使用Stable Diffusion、Midjourney等AIGC工具生成图文内容。", "stable_diffusion"),
    ("海外社交媒体运营", "负责YouTube、TikTok等海外平台账号的内容运营与数据分析。", "social_media_operations"),
    ("摄影记者", "负责重大活动的摄影摄像，熟悉新闻图片编辑。", "photography"),
    ("阿拉伯语翻译", "承担中阿双语稿件编译，阿拉伯语专业毕业。", "translation"),
    ("技术运维工程师", "负责融媒体平台的运维、网络安全与数据备份。", "it_operations"),
)  # fmt: skip
LANGS = ("en", "ru", "ar", "fr", "es", "ja", "ko", "de", "pt", "th")
PROVINCES = ("云南", "浙江", "天津", "广西", "重庆", "四川", "湖南", "新疆", "福建", "广东", None)


def generate_frames(n: int, months: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`positions` and `findings` frames shaped like `load_frames`, with a drifting role mix."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2021-01-01")
    month_of = np.sort(rng.integers(0, months, n))
    published = (
        pd.to_datetime([start + pd.DateOffset(months=int(m)) for m in range(months)]).to_numpy()[
            month_of
        ]
        + pd.to_timedelta(rng.integers(0, 28, n), unit="D").to_numpy()
    )
    # AIGC roles grow over time: the mix drifts.
    weights = np.ones((months, len(ROLES)))
    weights[:, 3] = np.linspace(0.05, 2.5, months)
    probs = weights / weights.sum(axis=1, keepdims=True)
    role = (rng.random(n)[:, None] > probs[month_of].cumsum(axis=1)).sum(axis=1)
    role = np.minimum(role, len(ROLES) - 1)
    notice_id = np.arange(n) // 3 + 1
    ids = np.arange(1, n + 1)
    titles = np.array([r[0] for r in ROLES], dtype=object)[role]
    texts = np.array([r[1] for r in ROLES], dtype=object)[role]
    employers = np.array([f"第{i}国际传播中心" for i in range(400)], dtype=object)
    employer = employers[(notice_id * 7919) % len(employers)]
    province = np.array(PROVINCES, dtype=object)[(notice_id * 31) % len(PROVINCES)]
    positions = pd.DataFrame(
        {
            "position_id": ids,
            "notice_id": notice_id,
            "seq": np.arange(n) % 3 + 1,
            "title": titles + "（" + (ids % 97).astype(str) + "）",
            "employer": employer,
            "province": province,
            "level": "provincial",
            "source_id": "src-" + ((notice_id * 13) % 50).astype(str),
            "url": "https://example.org/n/" + notice_id.astype(str),
            "published": published,
            "deadline": published + np.timedelta64(20, "D"),
            "role_family": "other",
            "headcount": pd.array(rng.integers(1, 4, n), dtype="Int64"),
            "aigc": role == 3,
            "text": texts + "工作地点：" + province.astype(str) + "。",
        }
    )
    positions["month"] = positions["published"].dt.strftime("%Y-%m")
    parts = [
        pd.DataFrame({"position_id": ids, "field": "skill",
                      "value": np.array([r[2] for r in ROLES], dtype=object)[role]}),
        pd.DataFrame({"position_id": ids[role == 3], "field": "aigc", "value": "aigc"}),
    ]  # fmt: skip
    for k in range(3):
        asks = rng.random(n) < (0.6, 0.25, 0.1)[k]
        parts.append(
            pd.DataFrame(
                {
                    "position_id": ids[asks],
                    "field": "language",
                    "value": np.array(LANGS, dtype=object)[rng.integers(0, len(LANGS), asks.sum())],
                }
            )
        )
    abroad = rng.random(n) < 0.3
    parts.append(pd.DataFrame({"position_id": ids[abroad], "field": "overseas", "value": "study"}))
    party = rng.random(n) < 0.2
    parts.append(
        pd.DataFrame({"position_id": ids[party], "field": "party_member", "value": "required"})
    )
    findings = pd.concat(parts, ignore_index=True).sort_values("position_id", kind="stable")
    findings = findings.assign(
        level=None, required=pd.array([True] * len(findings), dtype="boolean"), years=np.nan,
        evidence=findings["value"],
    ).reset_index(drop=True)  # fmt: skip
    return positions, findings


def write_store(path: Path, positions: pd.DataFrame, findings: pd.DataFrame) -> None:
    """The generated frames as a real store (schema of analysis.store), in bulk."""
    conn = connect(path)
    conn.execute("DROP TRIGGER IF EXISTS positions_fts_insert")  # FTS is not what we time
    conn.execute("BEGIN")
    notices = positions.drop_duplicates("notice_id")
    conn.executemany(
        "INSERT INTO pages (id, url, source_id, first_seen, fetched_at, status, page_kind,"
        " content_hash) VALUES (?, ?, NULL, '2025-01-01', '2025-01-01', 200, 'notice', 'h')",
        ((int(i), f"https://example.org/n/{i}") for i in notices["notice_id"]),
    )
    conn.executemany(
        "INSERT INTO notices (id, page_id, url, title, employer, province, level, published,"
        " deadline, text, text_hash, taxonomy_version, first_seen, updated_at)"
        " VALUES (?, ?, ?, '招聘公告', ?, ?, 'provincial', ?, ?, '', 'h', 'bench', '', '')",
        (
            (int(r.notice_id), int(r.notice_id), r.url, r.employer, r.province,
             r.published.date().isoformat(), r.deadline.date().isoformat())
            for r in notices.itertuples()
        ),
    )  # fmt: skip
    conn.executemany(
        "INSERT INTO positions (id, notice_id, seq, title, headcount, role_family, text)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            (int(r.position_id), int(r.notice_id), int(r.seq), r.title, int(r.headcount),
             r.role_family, r.text)
            for r in positions.itertuples()
        ),
    )  # fmt: skip
    conn.executemany(
        "INSERT INTO findings (position_id, field, value, required, evidence, span_start,"
        " span_end) VALUES (?, ?, ?, 1, ?, 0, 1)",
        findings[["position_id", "field", "value", "evidence"]].itertuples(index=False),
    )
    conn.execute("COMMIT")
    conn.close()


def measure(label: str, func: Callable[[], Any], *, trace: bool = False) -> tuple[Any, float, int]:
    """Run `func`; print and return its result, wall time and peak memory.

    Time is measured untraced (tracemalloc slows pandas code several-fold); with `trace`,
    `func` runs a second time under tracemalloc for the peak of Python allocations. The
    process's max RSS (ru_maxrss) is the real peak, numpy and C buffers included.
    """
    gc.collect()
    started = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
    traced = ""
    if trace:
        del result
        gc.collect()
        tracemalloc.start()
        result = func()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        traced = f"   peak traced {peak / 2**20:6.0f} MiB"
    print(f"{label:<34} {seconds:7.1f} s   max RSS so far {rss / 2**20:6.0f} MiB{traced}")
    return result, seconds, rss


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--positions", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--store", action="store_true", help="also time load_frames on SQLite")
    parser.add_argument("--no-clusters", action="store_true", help="report without clusters")
    args = parser.parse_args(argv)
    print(f"Generating {args.positions:,} positions over {args.months} months…")
    (positions, findings), _, _ = measure(
        "generate frames", lambda: generate_frames(args.positions, args.months)
    )
    print(f"{len(positions):,} positions, {len(findings):,} findings")
    ok = True
    with tempfile.TemporaryDirectory(prefix="icc-report-bench-") as tmp:
        if args.store:
            db = Path(tmp) / "bench.sqlite"
            measure("write store (setup, not timed)", lambda: write_store(db, positions, findings))
            conn = sqlite3.connect(db)
            frames, seconds, _ = measure("load_frames", lambda: load_frames(conn), trace=True)
            conn.close()
            positions, findings = frames.positions, frames.findings
        month = str(positions["month"].dropna().max())
        # The report's share of trends work, computed once per report (part of build_report).
        measure(f"build_month_figures {month}", lambda: build_month_figures(
            positions, findings, month))  # fmt: skip
        _, seconds, peak = measure(
            f"build_report {month}" + (" (no clusters)" if args.no_clusters else ""),
            lambda: build_report(
                positions, findings, month=month, out_dir=Path(tmp) / "out",
                clusters=not args.no_clusters,
            ),
            trace=True,
        )  # fmt: skip
        ok = seconds <= TARGET_SECONDS and peak <= TARGET_BYTES
    print(
        f"report target ≤ {TARGET_SECONDS:.0f} s and ≤ {TARGET_BYTES / 2**30:.0f} GiB: "
        + ("met" if ok else "MISSED")
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
