"""Benchmark: the reliability suite of issue 14, in one run, every hostile input in a process of
its own with a time limit, and the peak RSS of every process it starts sampled from /proc.

Input: the project itself (and ../shared/corpus for ordinary text, when present). Sections:
  attachments  benchmarks.attack_attachments: hostile sizes (9x1,000-row .docx, 100,000 and 10,000
               rows, 1,000 columns) parsed, attached and normalised; damaged and hostile files
               (truncated .xls, corrupt OLE, DTDs in UTF-16/32 or after a long comment, zip bomb,
               XXE, encrypted, legacy .doc) refused with the right message
  normalise    benchmarks.attack_normalise: 1 MB and 10 MB single-line and dense-mention postings,
               CPU s/MB against ordinary text (target: within 2x)
  query        benchmarks.attack_query: thousands of terms, huge terms, FTS operators
  cli          bad command-line input: one-line error or a right answer, never a traceback
  tests        the small cases kept as tests (locks by file identity, read-only readers,
               migration race, Datasette limits, CLI errors, hostile attachments and the
               parser's CPU limit, a notice that spins in its normalise worker)
  crawl        crawls of the mirror with one hostile attachment or page: every process of the
               crawl (the crawl, its attachment parser children, its normalise workers) must
               stay at or below 512 MB, no notice may time out, and every attachment row the
               caps let through must become a position in the store
Output: one line per input (outcome, seconds, peak RSS of the parent and of its children), then
totals: inputs tried, crashes, hangs, wrong answers, and the largest peak RSS per process.

    python -m benchmarks.attack                 # everything (about 15-25 min on 2 cores)
    python -m benchmarks.attack --quick         # 1 MB postings only, no 100,000-row file
    python -m benchmarks.attack --only crawl cli
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LIMIT_MB = 512  # peak RSS allowed per process of a crawl (issue 14)
SECTIONS = ("attachments", "normalise", "query", "cli", "tests", "crawl")


# -- running one input: exit status, time and the peak RSS of each process of its tree ---------


@dataclass(slots=True)
class Tracked:
    """How one command ended, and the peak RSS (MiB) of each kind of process it ran."""

    returncode: int | None
    seconds: float
    stdout: str
    stderr: str
    hung: bool
    peaks: dict[str, int] = field(default_factory=dict)

    @property
    def crashed(self) -> bool:
        return not self.hung and ("Traceback (most recent call last)" in self.stderr
                                  or (self.returncode or 0) < 0)  # fmt: skip


def _children(pid: int) -> list[int]:
    """Direct children of `pid` (every thread's list: a worker may be started by any)."""
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as handle:
                out.extend(int(c) for c in handle.read().split())
        except OSError:
            continue
    return out


def _command(pid: int) -> str:
    with open(f"/proc/{pid}/cmdline", "rb") as handle:
        return handle.read().replace(b"\0", b" ").decode("utf-8", "replace")


def _peak_kib(pid: int) -> tuple[int, str]:
    """(VmHWM in KiB, command line) of a process; (0, "") once it is gone, or when it ran
    another program while it was read (a forked child exec'ing: the peak read may be its
    parent's copy, which would then be put down to the new program)."""
    try:
        before = _command(pid)
        with open(f"/proc/{pid}/status") as handle:
            hwm = next((int(line.split()[1]) for line in handle if line.startswith("VmHWM:")), 0)
        command = _command(pid)
    except (OSError, ValueError):
        return 0, ""
    return (hwm, command) if command == before else (0, "")


def role_of(command: str, root: bool) -> str:
    """What a process of a crawl or a benchmark is, from its command line."""
    if root:
        return "parent"
    if "analysis.extract.worker" in command:
        return "attachment parser"
    if "multiprocessing" in command or "spawn_main" in command:
        return "normalise worker"
    words = command.split()
    return f"other child ({' '.join(words[1:3])[:40]})" if words else "other child"


def run_tracked(
    command: list[str], *, timeout: float, env: dict[str, str] | None = None
) -> Tracked:
    """Run `command`, sampling every 50 ms the peak RSS (VmHWM, which only grows) of it and of
    every descendant; killed (with its process group) at `timeout`."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        proc = subprocess.Popen(command, stdout=out, stderr=err, cwd=REPO, env=env,
                                start_new_session=True)  # fmt: skip
        peaks: dict[int, tuple[int, str]] = {}
        hung = False
        while proc.poll() is None:
            if time.monotonic() - started > timeout:
                hung = True
                os.killpg(proc.pid, 9)
                proc.wait()
                break
            stack = [proc.pid]
            while stack:
                pid = stack.pop()
                hwm, cmd = _peak_kib(pid)
                if hwm:
                    peaks[pid] = (max(hwm, peaks.get(pid, (0, ""))[0]), cmd)
                stack.extend(_children(pid))
            time.sleep(0.05)
        seconds = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        result = Tracked(proc.returncode, seconds, out.read().decode("utf-8", "replace"),
                         err.read().decode("utf-8", "replace"), hung)  # fmt: skip
    for pid, (kib, cmd) in peaks.items():
        role = role_of(cmd, pid == proc.pid)
        result.peaks[role] = max(result.peaks.get(role, 0), kib // 1024)
    return result


@dataclass(slots=True)
class Totals:
    """What the suite found, over every section."""

    tried: int = 0
    crashes: list[str] = field(default_factory=list)
    hangs: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    peaks: dict[str, tuple[int, str]] = field(default_factory=dict)  # role -> (MiB, input)

    def record(self, name: str, run: Tracked, *, wrong: str = "") -> str:
        """Count one input; its outcome in a word."""
        self.tried += 1
        for role, mb in run.peaks.items():
            if mb > self.peaks.get(role, (0, ""))[0]:
                self.peaks[role] = (mb, name)
        if run.hung:
            self.hangs.append(name)
            return "HANG"
        if run.crashed:
            self.crashes.append(name)
            return "CRASH"
        if wrong:
            self.wrong.append(f"{name}: {wrong}")
            return "WRONG"
        return "ok"


def _python(*args: str) -> list[str]:
    return [sys.executable, *args]


def _peaks(run: Tracked) -> str:
    return ", ".join(f"{role} {mb} MB" for role, mb in sorted(run.peaks.items()))


def _last_json(text: str) -> dict[str, object]:
    lines = [line for line in text.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else {}


# -- sections -----------------------------------------------------------------------------------


def attachments(totals: Totals, quick: bool) -> None:
    from benchmarks.attack_attachments import CASES, EXPECTED_ERRORS

    print("\n== attachments: one process per file (parent: extract, attach, normalise)")
    for case in CASES:
        if quick and case == "rows":
            continue
        run = run_tracked(_python("-m", "benchmarks.attack_attachments", case), timeout=600)
        r = _last_json(run.stdout)
        wrong = ""
        if case in EXPECTED_ERRORS and not run.crashed and not run.hung:
            kind, words = EXPECTED_ERRORS[case]
            if r.get("error_kind") != kind or words not in str(r.get("error") or ""):
                wrong = f"expected {kind} ({words}), got {r.get('error_kind')}: {r.get('error')}"
        elif r.get("error"):
            wrong = f"refused: {r.get('error')}"
        outcome = totals.record(f"attachment {case}", run, wrong=wrong)
        what = (f"refused ({r.get('error_kind')}): {str(r.get('error'))[:70]}" if r.get("error")
                else f"{r.get('rows_read')} rows read, {r.get('positions')} positions, text "
                     f"{r.get('text_kb')} KB, reply {r.get('reply_mb')} MB, normalise "
                     f"{r.get('normalise_s')} s ({r.get('normalise_cpu_s')} CPU s)")  # fmt: skip
        print(f"{outcome:5} {case:15} {run.seconds:6.1f} s  parent {r.get('peak_rss_mb')} MB, "
              f"parser child {r.get('child_peak_rss_mb')} MB  {what}")  # fmt: skip


def normalise(totals: Totals, quick: bool) -> None:
    from analysis.compiled import describe
    from benchmarks.attack_normalise import CASES, TARGET_RATIO, ordinary_seconds_per_mb

    ordinary, _ = ordinary_seconds_per_mb()
    print(f"\n== normalise: one process per posting; {describe()}")
    print(f"ordinary text (real ads): {ordinary:.2f} CPU s/MB" if ordinary else
          "ordinary text: ../shared/corpus absent, no ratio")  # fmt: skip
    for mb in (1.0,) if quick else (1.0, 10.0):
        for case in CASES:
            command = _python("-m", "benchmarks.attack_normalise", "--case", case, "--mb", str(mb))
            run = run_tracked(command, timeout=600)
            r = _last_json(run.stdout)
            per_mb = float(str(r.get("s_per_mb", "nan")))
            ratio = per_mb / ordinary if ordinary else float("nan")
            slow = f"{ratio:.1f}x ordinary text per MB" if ratio > TARGET_RATIO else ""
            outcome = totals.record(f"posting {case} {mb:g} MB", run)
            print(f"{outcome:5} {case:13} {mb:4g} MB {r.get('seconds', '-'):>7} CPU s "
                  f"{per_mb:6.2f} s/MB x{ratio:4.2f}{' (over target)' if slow else ''}  "
                  f"peak {_peaks(run)}")  # fmt: skip


def query(totals: Totals, quick: bool) -> None:
    print("\n== query: hostile search terms against a 2,000-position store")
    run = run_tracked(_python("-m", "benchmarks.attack_query"), timeout=600)
    lines = [line for line in run.stdout.splitlines() if " ms " in line]
    slow = [line for line in lines if float(line.split()[0]) > 5_000]
    totals.record("query suite", run, wrong=f"{len(slow)} queries over 5 s" if slow else "")
    totals.tried += max(0, len(lines) - 1)
    for line in lines:
        print(line)
    print(f"{len(lines)} queries, {len(slow)} over 5 s; peak {_peaks(run)}")


@contextmanager
def _store() -> Iterator[Path]:
    """A small store of ours (from the query benchmark), in a temporary folder."""
    from benchmarks.attack_query import build_store

    with tempfile.TemporaryDirectory() as tmp:
        yield build_store(Path(tmp) / "store.sqlite", 50)


def cli_inputs(tmp: Path, db: Path) -> list[tuple[str, list[str | bytes], bool]]:
    """(name, arguments of `icc-talent`, must it be refused?) for the issue's bad inputs: dates
    outside 1900-2100 and undecodable arguments are refused with one line, as documented."""
    lines = {
        "deep.jsonl": "[" * 100_000 + "]" * 100_000,
        "bignum.jsonl": json.dumps({"id": 1, "text": "x"})[:-1] + ', "n": ' + "9" * 5000 + "}",
        "surrogate.jsonl": '{"id": "\\ud800", "text": "英语编辑\\udfff"}',
        "dates.jsonl": json.dumps({"id": "d", "text": "报名时间：0001年1月1日至9999年12月31日"}),
        "empty.jsonl": "",
    }
    for name, text in lines.items():
        (tmp / name).write_text(text, encoding="utf-8", errors="surrogatepass")
    (tmp / "invalid.jsonl").write_bytes(b'{"id": "a", "text": "\xff\xfe"}\n')
    (tmp / "binary.yaml").write_bytes(bytes(range(256)) * 8)
    (tmp / "other.sqlite").write_bytes(b"")
    (tmp / "a_file").write_text("x")
    import sqlite3

    with sqlite3.connect(tmp / "other.sqlite") as other:
        other.execute("CREATE TABLE IF NOT EXISTS t (x)")
    d = ["--db", str(db)]
    return [
        ("normalise: deeply nested JSON", ["normalise", str(tmp / "deep.jsonl")], True),
        ("normalise: 5,000-digit number", ["normalise", str(tmp / "bignum.jsonl")], True),
        ("normalise: lone surrogates", ["normalise", str(tmp / "surrogate.jsonl")], True),
        ("normalise: invalid UTF-8 line", ["normalise", str(tmp / "invalid.jsonl")], True),
        ("normalise: empty input", ["normalise", str(tmp / "empty.jsonl")], True),
        (
            "normalise: dates 0001 and 9999",
            ["normalise", str(tmp / "dates.jsonl"), "-o", str(tmp / "out.jsonl")],
            False,
        ),
        (
            "normalise: -o /dev/full",
            ["normalise", str(tmp / "dates.jsonl"), "-o", "/dev/full"],
            True,
        ),
        (
            "normalise: -o under a file",
            ["normalise", str(tmp / "dates.jsonl"), "-o", str(tmp / "a_file" / "out.jsonl")],
            True,
        ),
        ("query --until 9999-12-31", ["query", *d, "--until", "9999-12-31"], True),
        ("query --since 0001-01-01", ["query", *d, "--since", "0001-01-01"], True),
        ("query --since 20240101", ["query", *d, "--since", "20240101"], True),
        ("query --since 2024-W01-1", ["query", *d, "--since", "2024-W01-1"], True),
        ("query --limit 2**70", ["query", *d, "--limit", str(2**70)], True),
        ("query: 5,000 terms", ["query", *d, "x " * 5000], True),
        ("query: invalid UTF-8 argument", ["query", *d, b"\xff\xfe"], True),
        ("query --db another app's database", ["query", "--db", str(tmp / "other.sqlite")], True),
        ("show: a 30-digit id", ["show", *d, "9" * 30], True),
        ("report --month 2099-01", ["report", *d, "--month", "2099-01"], True),
        (
            "crawl --sources a binary file",
            ["crawl", "--db", str(tmp / "c.sqlite"), "--sources", str(tmp / "binary.yaml")],
            True,
        ),
        (
            "crawl -s DOWNLOAD_DELAY=abc",
            ["crawl", "--db", str(tmp / "c.sqlite"), "-s", "DOWNLOAD_DELAY=abc"],
            True,
        ),
    ]


SKIP_NOTE = re.compile(r"line \d+: ")  # `normalise` names each bad line it skips (README)


def error_lines(stderr: str, command: str) -> list[str]:
    """The lines of `stderr` that report an error: not the command's progress lines
    ("report: reading the store …") nor the notes of lines skipped, which the README
    documents; an input whose every line is bad gets those notes and then one error."""
    return [
        line
        for line in stderr.splitlines()
        if line.strip() and not line.startswith(f"{command}: ") and not SKIP_NOTE.match(line)
    ]


def cli(totals: Totals, quick: bool) -> None:
    print(
        "\n== cli: each bad input must give a one-line error (or a right answer), never a traceback"
    )
    with tempfile.TemporaryDirectory() as tmp_name, _store() as db:
        tmp = Path(tmp_name)
        for name, args, refused in cli_inputs(tmp, db):
            command: list[str | bytes] = [sys.executable, "-m", "analysis", *args]
            run = run_tracked(command, timeout=120)  # type: ignore[arg-type]
            errors = error_lines(run.stderr, str(args[0]))
            wrong = ""
            if refused and run.returncode == 0:
                wrong = "accepted, should be refused"
            elif not refused and run.returncode != 0:
                wrong = f"refused: {errors[-1][:80] if errors else run.returncode}"
            elif refused and len(errors) > (3 if run.returncode == 2 else 1):
                wrong = f"{len(errors)} lines of error output"  # click's usage error: 3 lines
            outcome = totals.record(f"cli {name}", run, wrong=wrong)
            said = errors[-1][:90] if errors else f"exit {run.returncode}"
            print(f"{outcome:5} {name:36} exit {run.returncode} {run.seconds:5.1f} s  {said}")
        other = tmp / "other.sqlite"
        import sqlite3

        with sqlite3.connect(other) as conn:
            tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master")]
        if tables != ["t"]:
            totals.wrong.append(f"another app's database was changed: {tables}")


def tests(totals: Totals, quick: bool) -> None:
    files = ["tests/test_lock.py", "tests/test_store_readonly.py", "tests/test_serve.py",
             "tests/test_cli_errors.py", "tests/test_query_hostile.py",
             "tests/test_normalise_linear.py", "tests/test_extract_attachments.py",
             "tests/test_pipeline_worker.py"]  # fmt: skip
    print(f"\n== tests: {' '.join(files)}")
    run = run_tracked(_python("-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider", *files),
                      timeout=900)  # fmt: skip
    summary = [line for line in run.stdout.splitlines() if " passed" in line or " failed" in line]
    failures = [line for line in run.stdout.splitlines() if line.startswith("FAILED ")]
    failed = "failed" in (summary[-1] if summary else "failed")
    totals.record("tests", run, wrong="; ".join(failures) or "a test failed" if failed else "")
    print("\n".join(failures + summary[-1:]) if summary else run.stdout[-500:])


def crawl(totals: Totals, quick: bool) -> None:
    import yaml

    from benchmarks.attack_attachments import build_docx, build_xlsx
    from benchmarks.attack_crawl import HOSTILE_URL, build_attack
    from benchmarks.attack_normalise import repeat_to
    from benchmarks.crawl_benchmark import CHILD, copied_sources
    from mirror.server import Route, serve_mirror

    docx_url = "http://c1.mirror.icc-talent.test/icc/zpxx/202502/P020250214388805.docx"
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    page = "text/html; charset=gbk"

    def dense_page() -> bytes:
        body = build_attack(0).decode("gb18030")
        return body.replace("</body>", repeat_to("英语六级以上，", 1 << 20) + "</body>", 1).encode(
            "gb18030"
        )

    def many_files() -> dict[str, Route]:
        """A page linking 40 copies of the 100,000-row .xlsx: the notice's row budget must stop
        after the first (and ICC_MAX_ATTACHMENTS after 20), not hold 40 files' rows."""
        table = build_xlsx(100_000, 8)
        urls = [f"http://c1.mirror.icc-talent.test/icc/many/{i}.xlsx" for i in range(40)]
        links = "".join(
            f'<p><a href="{u}">附件{i}：岗位表.xlsx</a></p>' for i, u in enumerate(urls)
        )
        body = build_attack(0).decode("gb18030").replace("</body>", links + "</body>", 1)
        return {
            HOSTILE_URL: Route(page, body=body.encode("gb18030")),
            **{u: Route(docx, body=table) for u in urls},
        }

    # (name, routes, the fewest positions the attachment's notice must get: every row the
    # caps let through is a position; the .docx stops at 4,000,000 characters, the 100,000
    # rows at 25,000 rows, header included)
    attacks: list[tuple[str, Callable[[], dict[str, Route]], int]] = [
        ("clean mirror", dict, 0),
        ("docx 9 tables x 1,000 rows", lambda: {docx_url: Route(docx, body=build_docx())}, 2_000),
        ("xlsx 10,000 rows", lambda: {docx_url: Route(docx, body=build_xlsx(10_000, 8))}, 10_000),
        ("xlsx 100,000 rows", lambda: {docx_url: Route(docx, body=build_xlsx(100_000, 8))}, 24_999),
        # the page's own attachment takes a few rows of the notice's budget before the copies
        ("page linking 40 x 100,000 rows", many_files, 24_990),
        ("page +140,000 chars of sections", lambda: {HOSTILE_URL: Route(page, body=build_attack(140_000))}, 0),
        ("page +1 MB of 英语六级以上，", lambda: {HOSTILE_URL: Route(page, body=dense_page())}, 0),
    ]  # fmt: skip
    if quick:
        attacks = [a for a in attacks if "100,000" not in a[0]]  # both 100,000-row inputs
    print(f"\n== crawl: the mirror with one hostile input, 2 normalise workers; "
          f"limit {LIMIT_MB} MB per process")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        sources = tmp / "sources.yaml"
        sources.write_text(yaml.safe_dump(copied_sources(1), allow_unicode=True), "utf-8")
        for n, (name, routes, positions) in enumerate(attacks):
            workdir = tmp / f"run{n}"
            workdir.mkdir()
            with serve_mirror(routes=routes()) as proxy:
                overrides = {"ICC_HTTP_PROXY": proxy, "DOWNLOAD_DELAY": 0, "LOG_LEVEL": "ERROR",
                             "AUTOTHROTTLE_ENABLED": False, "ICC_NORMALISE_WORKERS": 2}  # fmt: skip
                command = _python("-c", CHILD, str(sources), str(workdir / "store.sqlite"),
                                  json.dumps(overrides))  # fmt: skip
                run = run_tracked(command, timeout=900)
            r = _last_json(run.stdout)
            stored, most = _stored(workdir / "store.sqlite")
            over = [f"{role} {mb} MB" for role, mb in run.peaks.items() if mb > LIMIT_MB]
            wrong = [f"over {LIMIT_MB} MB: {over}"] if over else []
            if r.get("timeouts"):  # an honest notice stored without positions
                wrong.append(f"{r['timeouts']} notice(s) timed out")
            if most < positions:
                wrong.append(f"{most} positions for the attachment's notice, not {positions:,}")
            outcome = totals.record(f"crawl {name}", run, wrong="; ".join(wrong))
            print(f"{outcome:5} {name:34} {run.seconds:5.1f} s  {r.get('notices', '?')} notices, "
                  f"{r.get('timeouts', '?')} timed out; peak {_peaks(run)}\n      {stored}")  # fmt: skip


def _stored(db: Path) -> tuple[str, int]:
    """What a crawl's store holds of its attachments, in words (table rows, the most positions
    of one notice, the attachments it could not use and why), and that most positions."""
    import sqlite3

    if not db.is_file():
        return "no store", 0
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT count(*) FROM table_rows").fetchone()[0]
        most = conn.execute(
            "SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM positions GROUP BY notice_id)"
        ).fetchone()[0]
        failed = conn.execute(
            "SELECT error FROM pages WHERE parent_url IS NOT NULL AND error IS NOT NULL"
        ).fetchall()
    errors = "; ".join(sorted({str(e[0])[:60] for e in failed})) or "none"
    return (
        f"{rows} table rows, at most {most} positions a notice; attachments not used: {errors}",
        int(most),
    )


RUNNERS: dict[str, Callable[[Totals, bool], None]] = {
    "attachments": attachments,
    "normalise": normalise,
    "query": query,
    "cli": cli,
    "tests": tests,
    "crawl": crawl,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.attack")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, help="these sections only")
    parser.add_argument("--quick", action="store_true", help="1 MB postings, no 100,000 rows")
    args = parser.parse_args(argv)
    totals = Totals()
    started = time.monotonic()
    for section in args.only or SECTIONS:
        RUNNERS[section](totals, args.quick)
    print(f"\n== totals ({time.monotonic() - started:.0f} s)")
    print(f"inputs tried: {totals.tried}; crashes: {len(totals.crashes)}; hangs: "
          f"{len(totals.hangs)}; wrong answers: {len(totals.wrong)}")  # fmt: skip
    for name in totals.crashes + totals.hangs + totals.wrong:
        print(f"  - {name}")
    for role, (mb, name) in sorted(totals.peaks.items()):
        print(f"largest peak RSS, {role}: {mb} MB ({name})")
    bad = totals.crashes or totals.hangs or totals.wrong
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
