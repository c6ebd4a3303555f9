"""Benchmark: is the normaliser linear on hostile postings (issue 14 §2)?

Input: the real ads of ../shared/corpus (ordinary text, normalised one posting at a time) and
postings built here at 1 MB and 10 MB: real ads joined on one line, dense mentions ("英语六级以上，"
repeated, "TikTok、", dates, "中共党员", overseas phrases) and numbered position sections.
Output: one line per posting: size, CPU seconds, CPU seconds per MB, the ratio to ordinary text per MB
(target: within 2x), positions, and the peak RSS of the process that normalised it (one process
per posting, killed at `--timeout`: a hang is reported as one, never waited out).

    python -m benchmarks.attack_normalise                 # every case, 1 MB and 10 MB
    python -m benchmarks.attack_normalise --sizes 1       # 1 MB only
    python -m benchmarks.attack_normalise --case dates --mb 1   # one case, in this process
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from analysis.compiled import describe
from analysis.models import ParsedNotice
from analysis.normalise import normalise_notice

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real_postings.jsonl"
MB = 2**20
TARGET_RATIO = 2.0


def corpus_texts() -> list[str]:
    """The real ads' texts (empty when ../shared is not beside the checkout)."""
    if not CORPUS.is_file():
        return []
    lines = CORPUS.read_text("utf-8").splitlines()
    return [str(json.loads(line)["text"]) for line in lines if line.strip()]


def repeat_to(unit: str, size: int) -> str:
    """`unit` repeated until the text holds `size` bytes of UTF-8."""
    count = max(1, -(-size // len(unit.encode("utf-8"))))  # rounded up
    return unit * count


def _joined_ads(size: int) -> str:
    texts = corpus_texts() or ["负责英文稿件编译，英语六级以上，有海外留学经历者优先。"]
    one_line = "；".join(" ".join(t.split()) for t in texts)
    return repeat_to(one_line + "；", size)


def _sections(size: int) -> str:
    lines, used, i = [], 0, 0
    while used < size:
        i += 1
        line = f"{i}. 英语编辑（岗位{i}）招聘1名，本科及以上学历，英语专业八级，熟练使用Photoshop。"
        lines.append(line)
        used += len(line.encode("utf-8")) + 1
    return "\n".join(lines)


# name -> (what it is, builder of a posting of `size` bytes)
CASES: dict[str, tuple[str, Callable[[int], str]]] = {
    "one_line_ads": ("real ads joined on one line", _joined_ads),
    "certificates": ("英语六级以上 repeated", lambda n: repeat_to("英语六级以上，", n)),
    "tools": ("TikTok repeated", lambda n: repeat_to("TikTok、", n)),
    "dates": ("2024年3月1日至3月15日 repeated", lambda n: repeat_to("2024年3月1日至3月15日，", n)),
    "party": ("中共党员 repeated", lambda n: repeat_to("中共党员，", n)),
    "overseas": ("具有海外留学经历 repeated", lambda n: repeat_to("具有海外留学经历，", n)),
    "languages": ("精通俄语、法语、阿拉伯语 repeated", lambda n: repeat_to("精通俄语、法语、阿拉伯语，", n)),
    "sections": ("numbered position sections, one a line", _sections),
}  # fmt: skip


def normalise_text(text: str) -> tuple[float, int]:
    """(CPU seconds, positions) of normalising one posting (CPU time: the machine is shared)."""
    parsed = ParsedNotice(url="http://attack.test/n.html", title="招聘公告", text=text)
    started = time.process_time()
    notice = normalise_notice(parsed)
    return time.process_time() - started, len(notice.positions)


def ordinary_seconds_per_mb() -> tuple[float, float]:
    """(seconds per MB, MB) of the real ads normalised one posting at a time, repeated to 1 MB."""
    texts = corpus_texts()
    if not texts:
        return 0.0, 0.0
    warm_up()
    size = sum(len(t.encode("utf-8")) for t in texts)
    rounds = max(1, MB // size)
    seconds = sum(normalise_text(text)[0] for _ in range(rounds) for text in texts)
    mb = rounds * size / MB
    return seconds / mb, mb


def warm_up() -> None:
    """Normalise a small posting first: the vocabularies compile on first use, once a process."""
    normalise_text("英语编辑：英语六级，2024年3月1日前报名，熟练使用TikTok。")


def run_case(case: str, mb: float) -> dict[str, object]:
    """Build and normalise one posting here; its figures and this process's peak RSS."""
    warm_up()
    text = CASES[case][1](int(mb * MB))
    size = len(text.encode("utf-8")) / MB
    seconds, positions = normalise_text(text)
    return {
        "case": case,
        "mb": round(size, 2),
        "seconds": round(seconds, 2),
        "s_per_mb": round(seconds / size, 2),
        "positions": positions,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }


def run_isolated(case: str, mb: float, timeout: float) -> dict[str, object]:
    """`run_case` in a process of its own: a crash or a hang is a result, not the end."""
    command = [sys.executable, "-m", "benchmarks.attack_normalise", "--case", case, "--mb", str(mb)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"case": case, "mb": mb, "outcome": "hang", "seconds": timeout}
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or [f"exit {done.returncode}"]
        return {"case": case, "mb": mb, "outcome": "crash", "error": tail[0][:200]}
    result: dict[str, object] = json.loads(done.stdout)
    result["outcome"] = "ok"
    return result


def run_all(sizes: list[float], timeout: float, cases: list[str] | None = None) -> list[dict]:
    """Every case at every size, each in its own process; prints as it goes."""
    ordinary, ordinary_mb = ordinary_seconds_per_mb()
    print(describe())
    if ordinary:
        print(f"ordinary text: real ads one posting at a time, {ordinary_mb:.2f} MB: "
              f"{ordinary:.2f} s/MB (target for every case: <= {TARGET_RATIO:g}x that)")  # fmt: skip
    else:
        print("ordinary text: ../shared/corpus is absent; ratios not computed")
    results = []
    for case in cases or list(CASES):
        for mb in sizes:
            r = run_isolated(case, mb, timeout)
            results.append(r)
            if r["outcome"] != "ok":
                print(f"{case:13} {mb:5.1f} MB  {r['outcome'].upper()}  {r.get('error', '')}")
                continue
            ratio = float(str(r["s_per_mb"])) / ordinary if ordinary else float("nan")
            print(f"{case:13} {r['mb']:5.2f} MB {r['seconds']:7.2f} s {r['s_per_mb']:6.2f} s/MB "
                  f"x{ratio:4.2f} {'ok ' if ratio <= TARGET_RATIO else 'SLOW'} "
                  f"{r['positions']:6} positions  peak RSS {r['peak_rss_mb']} MB  "
                  f"({CASES[case][0]})")  # fmt: skip
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.attack_normalise")
    parser.add_argument("--case", choices=sorted(CASES), help="one case, in this process")
    parser.add_argument("--mb", type=float, default=1.0, help="size of that case's posting")
    parser.add_argument("--sizes", type=float, nargs="+", default=[1.0, 10.0])
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds before a hang")
    args = parser.parse_args(argv)
    if args.case:
        print(json.dumps(run_case(args.case, args.mb)))
        return 0
    results = run_all(args.sizes, args.timeout)
    return 0 if all(r["outcome"] == "ok" for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
