"""End to end through every stage: `icc-talent demo` (crawl → archive → extract → normalise →
store → report → query) twice, then `query`, `report` and `sources` on the store it made.
The expected facts come from the mirror's own notices.yaml (`expect` per position).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from mirror.build import load_notices

REPO = Path(__file__).resolve().parents[1]


def icc_talent(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "ICC_TALENT_DB"}
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args, "--db", str(db)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=300,
    )


def expected_positions(flag: str) -> set[tuple[str, str]]:
    """(notice title, position title) of every mirror position whose `expect[flag]` is true."""
    return {
        (notice["title"], position["title"])
        for notice in load_notices()["notices"]
        for position in notice["positions"]
        if position.get("expect", {}).get(flag)
    }


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    db = tmp_path_factory.mktemp("e2e") / "data" / "icc.sqlite"
    first = icc_talent("demo", db=db)
    second = icc_talent("demo", db=db)
    return {"db": db, "first": first, "second": second}


def test_demo_prints_summary_report_and_answer(demo: dict) -> None:
    first = demo["first"]
    assert first.returncode == 0, first.stderr[-3000:]
    out = first.stdout
    assert "Crawl run #1:" in out and "0 errors" in out
    assert "New: 30 notices" in out
    report = Path(demo["db"]).parent / "icc" / "reports"
    assert list(report.glob("report-*.html")) and list(report.glob("report-*.md"))
    assert "Roles mentioning Stable Diffusion:" in out


def _printed_counts(out: str) -> tuple[int, int]:
    """(listing pages, notice pages) of the CLI's "Crawl run #N: … (L listing, K notice, …)"."""
    line = next(line for line in out.splitlines() if line.startswith("Crawl run #"))
    inside = line.split("(", 1)[1].split(",")
    return int(inside[0].split()[0]), int(inside[1].split()[0])


def test_cli_stored_stats_and_report_agree_on_every_count(demo: dict) -> None:
    """One definition of each count (analysis.store.counts): what each demo run printed is what
    its crawl_runs row and stats hold, and the report's latest-run sentence says the same."""
    conn = sqlite3.connect(demo["db"])
    conn.row_factory = sqlite3.Row
    runs = conn.execute("SELECT * FROM crawl_runs ORDER BY id").fetchall()
    notices = conn.execute("SELECT count(*) FROM notices WHERE gate = 'notice'").fetchone()[0]
    conn.close()
    for run, result in zip(runs, (demo["first"], demo["second"]), strict=True):
        counts = json.loads(run["stats"])["counts"]
        assert (counts["notices_new"], counts["positions_new"], counts["pages"]) == (
            run["notices_new"], run["positions_new"], run["pages"],
        )  # fmt: skip
        assert _printed_counts(result.stdout) == (counts["listing_pages"], counts["notice_pages"])
        assert f"Crawl run #{run['id']}: {counts['pages']} pages fetched" in result.stdout
    first = json.loads(runs[0]["stats"])["counts"]
    assert f"New: {first['notices_new']} notices, {first['positions_new']} positions." in (
        demo["first"].stdout
    )
    assert f"Store now holds {notices} notices" in demo["first"].stdout
    assert first["sightings"] == 1  # the aggregator's repost: a sighting, never a notice
    (markdown,) = (Path(demo["db"]).parent / "icc" / "reports").glob("report-*.md")
    text = markdown.read_text("utf-8")
    last = json.loads(runs[-1]["stats"])["counts"]
    assert (
        f"Latest crawl run \\#{runs[-1]['id']}: listing pages {last['listing_pages']}, "
        f"notice pages {last['notice_pages']}, new notices {last['notices_new']}"
    ) in text
    assert "Zero-yield sources (crawled, no notice or sighting stored): none." in text


def test_demo_report_covers_every_mirror_source(demo: dict) -> None:
    """Both demo runs are in one month: the first run's notices make each source yielding."""
    (markdown,) = (Path(demo["db"]).parent / "icc" / "reports").glob("report-*.md")
    text = markdown.read_text(encoding="utf-8")
    assert "## Coverage" in text
    assert "5 of 5 sources with start URLs crawled, 6 of 6 channels (start URLs)" in text
    assert "| mirror-icc-yunling | 1 | 2 | 9 | 0 | yielding |" in text
    # Reposts only: no new notice, one sighting; the source works, so it is yielding.
    assert "| mirror-agg-tihai | 1 | 2 | 0 | 1 | yielding |" in text


def test_demo_keeps_its_files_in_one_folder_named_after_the_store(demo: dict) -> None:
    db = Path(demo["db"])
    folder = db.parent / "icc"
    beside = {p.name for p in db.parent.iterdir()} - {folder.name}
    assert all(name.startswith(db.name) for name in beside), beside  # the store and its lock
    assert {"archive", "reports", "logs"} <= {p.name for p in folder.iterdir()}
    assert f"Files of this store: {folder}/" in demo["first"].stdout


def test_demo_says_what_it_is_doing_on_stderr(demo: dict) -> None:
    err = demo["first"].stderr
    stages = [line.split(":")[0] for line in err.splitlines()]
    assert {"crawl", "report"} <= set(stages), err[-2000:]
    assert "fitting the role clusters" in err and "pages fetched" in err
    assert "[scrapy" not in err, "Scrapy's log belongs in the store's logs/ folder"


def test_second_demo_adds_nothing_and_says_so(demo: dict) -> None:
    second = demo["second"]
    assert second.returncode == 0, second.stderr[-3000:]
    assert "Nothing new" in second.stdout


def test_stable_diffusion_query_finds_exactly_the_mirror_roles(demo: dict) -> None:
    result = icc_talent("query", "Stable Diffusion", "--format", "json", db=demo["db"])
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    titles_by_notice = {r["title"] for r in rows}
    expected = expected_positions("stable_diffusion")
    assert expected, "the mirror must hold Stable Diffusion roles"
    assert titles_by_notice == {position for _, position in expected}
    for row in rows:
        assert row["url"].startswith("http://mirror.icc-talent.test/")
        assert row["published"] and row["evidence"]
        assert "SD卡" not in row["evidence"]


def test_alias_query_equals_skill_filter(demo: dict) -> None:
    by_alias = icc_talent("query", "SDXL", "--format", "jsonl", db=demo["db"])
    by_skill = icc_talent(
        "query", "--skill", "stable_diffusion", "--format", "jsonl", db=demo["db"]
    )
    ids = [
        {json.loads(line)["position_id"] for line in r.stdout.splitlines()}
        for r in (by_alias, by_skill)
    ]
    assert ids[0] == ids[1] and ids[0]


def test_query_without_terms_lists_every_position(demo: dict) -> None:
    result = icc_talent("query", "--format", "csv", db=demo["db"])
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("\ufeffposition_id,")  # the byte-order mark Excel needs
    every = sum(len(n["positions"]) for n in load_notices()["notices"])
    assert len(lines) - 1 >= 0.8 * every  # splitting is measured exactly in the normaliser tests


def test_short_chinese_terms_and_filters(demo: dict) -> None:
    for term in ("海外", "英语"):
        result = icc_talent("query", term, "--format", "json", db=demo["db"])
        rows = json.loads(result.stdout)
        assert rows, term
        assert all(term in r["evidence"] for r in rows)
    russian = json.loads(
        icc_talent("query", "--language", "ru", "--format", "json", db=demo["db"]).stdout
    )
    assert russian


def test_report_for_a_given_month(demo: dict, tmp_path: Path) -> None:
    result = icc_talent("report", "--month", "2025-06", "--out", str(tmp_path), db=demo["db"])
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "report-2025-06.html").read_text(encoding="utf-8")
    assert html.count("<svg") >= 3
    assert (tmp_path / "report-2025-06.md").exists()
    model = json.loads((tmp_path / "report-2025-06-clusters.json").read_text(encoding="utf-8"))
    assert model["random_state"] == 0 and model["k"] == len(model["clusters"])
    conn = sqlite3.connect(demo["db"])
    try:
        stored = conn.execute(
            "SELECT version, k, random_state, params FROM cluster_models"
        ).fetchall()
    finally:
        conn.close()
    assert stored and all(row[2] == 0 and json.loads(row[3]) for row in stored)


def test_sources_lists_crawl_health(demo: dict) -> None:
    result = icc_talent("sources", "--mirror", db=demo["db"])
    assert result.returncode == 0
    assert "mirror-icc-yunling" in result.stdout and "last fetch" in result.stdout
