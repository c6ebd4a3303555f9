"""Refactoring check: the demo's stored records and report, as text that can be compared.

Runs `icc-talent demo` into a fresh folder, then writes there:
  positions.jsonl  `query --format jsonl` over every position, ids dropped, sorted
  findings.jsonl   `export --format jsonl` findings, ids dropped, sorted
  report.md        the demo report's Markdown, crawl-run clock times masked
Behaviour-preserving changes (moves, splits) must leave all three identical:

  python scripts/demo_snapshot.py /tmp/before --code-root ../base   # an older checkout
  python scripts/demo_snapshot.py /tmp/after
  python scripts/demo_snapshot.py --compare /tmp/before /tmp/after  # exit 1 on a difference

Ids are dropped because the crawl's concurrency may store notices in any order; the run
table's start/finish times are masked because they are the wall clock of the demo run.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

FILES = ("positions.jsonl", "findings.jsonl", "report.md")
ID_KEYS = {"position_id", "notice_id", "finding_id", "id"}
CLOCK_TIME = re.compile(
    r"\b\d{4}-\d{2}-\d{2} \d{2}:\d{2}\b"
)  # dates alone are data; these are runs


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"icc-talent {' '.join(args)} failed:\n{proc.stderr}")
    return proc.stdout


def _sorted_lines(lines: list[str]) -> str:
    records = []
    for line in lines:
        if line.strip():
            record = {k: v for k, v in json.loads(line).items() if k not in ID_KEYS}
            records.append(json.dumps(record, ensure_ascii=False, sort_keys=True))
    return "\n".join(sorted(records)) + "\n"


def snapshot(out: Path, code_root: Path | None) -> None:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k != "ICC_TALENT_DB"}
    if code_root is not None:  # run an older checkout's code with this interpreter
        env["PYTHONPATH"] = str(code_root.resolve())
    db = str(out / "demo.sqlite")
    _run(["demo", "--db", db], out, env)
    positions = _run(["query", "--db", db, "--format", "jsonl", "--limit", "1000000"], out, env)
    (out / "positions.jsonl").write_text(_sorted_lines(positions.splitlines()), "utf-8")
    _run(["export", "--db", db, "--format", "jsonl", "--out", str(out / "export")], out, env)
    findings = (out / "export" / "findings.jsonl").read_text("utf-8").splitlines()
    (out / "findings.jsonl").write_text(_sorted_lines(findings), "utf-8")
    reports = sorted(out.glob("**/reports/report-*.md"))  # in the folder named after the store
    if len(reports) != 1:
        raise SystemExit(f"expected one demo report under {out}, found {len(reports)}")
    report = CLOCK_TIME.sub("<clock time>", reports[0].read_text("utf-8"))
    (out / "report.md").write_text(report, "utf-8")


def compare(before: Path, after: Path) -> int:
    differing = 0
    for name in FILES:
        a = (before / name).read_text("utf-8").splitlines(keepends=True)
        b = (after / name).read_text("utf-8").splitlines(keepends=True)
        if a == b:
            print(f"{name}: identical ({len(a)} lines)")
            continue
        differing += 1
        diff = list(difflib.unified_diff(a, b, str(before / name), str(after / name)))
        print(f"{name}: {len(diff)} diff lines")
        sys.stdout.writelines(diff[:60])
    return 1 if differing else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, help="folder to write the snapshot to")
    parser.add_argument("--code-root", type=Path, help="run the code of this checkout instead")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args(argv)
    if args.compare:
        return compare(*args.compare)
    if args.out is None:
        parser.error("give a folder to write the snapshot to, or --compare BEFORE AFTER")
    snapshot(args.out, args.code_root)
    print(f"snapshot written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
