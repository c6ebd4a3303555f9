"""The long commands' progress lines and where a store keeps its archive, reports and logs."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.cli.analysing import store_folder
from analysis.cli.progress import ProgressLines


@pytest.mark.parametrize(
    ("db", "folder"),
    [
        ("/some/dir/x.sqlite", "/some/dir/x"),
        ("data/icc-talent.sqlite", "data/icc-talent"),
        ("/tmp/store.db", "/tmp/store"),
        ("/tmp/store", "/tmp/store.files"),  # never the store file itself
        ("/tmp/archive.v2.sqlite", "/tmp/archive.v2"),
    ],
)
def test_a_store_keeps_its_files_in_one_folder_named_after_it(db: str, folder: str) -> None:
    assert store_folder(Path(db)) == Path(folder)
    assert store_folder(Path(db)) != Path(db)


def test_stages_always_print_and_ticks_at_most_every_few_seconds(capsys) -> None:
    now = [0.0]
    lines = ProgressLines("crawl", every=2.0, clock=lambda: now[0])
    lines.stage("starting")
    for step in range(10):  # 10 ticks over 5 seconds: at most 3 lines
        now[0] = step * 0.5
        lines.tick(f"{step} pages")
    lines.stage("done")
    captured = capsys.readouterr()
    assert captured.out == ""  # stdout keeps the command's result only
    printed = captured.err.splitlines()
    assert printed[0] == "crawl: starting (0 s)" and printed[-1] == "crawl: done (4 s)"
    assert [line.split(" (")[0] for line in printed[1:-1]] == ["crawl: 4 pages", "crawl: 8 pages"]


def test_the_crawl_help_example_names_a_registered_source() -> None:
    import re

    from click.testing import CliRunner

    from analysis.cli import cli
    from crawler.sources import REGISTRY_SOURCES, load_sources

    help_text = CliRunner().invoke(cli, ["crawl", "--help"]).output
    named = re.findall(r"icc-talent crawl .*--source ([\w-]+)", help_text)
    assert named
    assert set(named) <= {s.id for s in load_sources(REGISTRY_SOURCES)}
