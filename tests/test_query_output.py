"""`query` output: the table shows the ids `show` takes and never breaks a URL; CSV opens in
Excel with Chinese intact (a UTF-8 byte-order mark, as `export` writes); `--help` examples
parse as written (issue 13)."""

from __future__ import annotations

import csv
import io
import itertools
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console
from store_helpers import make_store

from analysis.cli import cli
from analysis.cli.records import build_table, render_block, table_width
from analysis.query import QueryRow

LONG_URL = "http://www.example-icc.cn/zpxx/202512/t20251209_1009_" + "x" * 60 + ".html"
CJK_URL = "http://www.example-icc.cn/招聘公告/" + "长" * 40 + ".html"  # two cells a character


def _row(position_id: int, url: str) -> QueryRow:
    return QueryRow(position_id, position_id + 100, "俄语记者", "云岭国际传播中心", "云南",
                    "2025-12-09", url, "language:ru", "俄语专业八级，负责海外新闻采访。" * 3)  # fmt: skip


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_store(tmp_path_factory.mktemp("output") / "icc.sqlite")


@pytest.mark.parametrize("extra", [0, 1, 40])
def test_table_keeps_every_url_on_one_line(extra: int) -> None:
    rows = [_row(7, LONG_URL), _row(8, "http://yn.test/n/1"), _row(9, CJK_URL)]
    console = Console(width=table_width(rows) + extra, record=True, soft_wrap=False)
    console.print(build_table(rows))
    text = console.export_text()
    assert LONG_URL in text and "http://yn.test/n/1" in text and CJK_URL in text
    lines = text.splitlines()
    assert any(line.split("│")[1:3] == ["        7 ", "    107 "] for line in lines), lines[:5]


def test_block_layout_keeps_ids_and_url_whole() -> None:
    block = render_block(_row(7, LONG_URL))
    assert block.splitlines()[0].startswith("position 7 · notice 107 · 2025-12-09")
    assert f"  {LONG_URL}" in block.splitlines()


def test_piped_table_shows_ids_and_urls(store: Path) -> None:
    result = CliRunner().invoke(cli, ["query", "海外", "--db", str(store)])
    assert result.exit_code == 0
    header = next(line for line in result.output.splitlines() if "position" in line)
    assert header.index("position") < header.index("notice") < header.index("url")
    for url in ("http://yn.test/n/1", "http://yn.test/n/2"):
        assert url in result.output
    assert "icc-talent show NOTICE" in result.output


def test_query_csv_has_a_byte_order_mark_and_round_trips(store: Path) -> None:
    result = CliRunner().invoke(cli, ["query", "海外", "--db", str(store), "--format", "csv"])
    assert result.exit_code == 0
    raw = result.stdout_bytes
    assert raw.startswith(b"\xef\xbb\xbf")  # what Excel needs to read UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert {r["title"] for r in rows} == {"AIGC内容编辑", "俄语记者"}
    assert list(rows[0])[:2] == ["position_id", "notice_id"]


def _examples(name: str) -> list[list[str]]:
    """The `icc-talent NAME …` lines of a command's --help, as argument lists (a redirection
    or comment cut off)."""
    text = CliRunner().invoke(cli, [name, "--help"]).output
    found = []
    for line in text.splitlines():
        line = line.strip().split(" #", 1)[0].split(" >", 1)[0].split(" |", 1)[0]
        if line.startswith(f"icc-talent {name}"):
            found.append(shlex.split(line)[1:])
    return found


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_help_examples_parse_as_written(name: str) -> None:
    examples = _examples(name)
    assert examples, name
    for args in examples:
        cli.commands[name].make_context(name, list(args[1:]))


def test_crawl_help_example_names_a_crawlable_source() -> None:
    from analysis.cli.crawling import _parse_setting
    from crawler.sources import REGISTRY_SOURCES, load_sources

    crawlable = {s.id for s in load_sources(REGISTRY_SOURCES) if s.start_urls}
    for args in _examples("crawl"):
        for flag, value in itertools.pairwise(args):
            if flag == "--source":
                assert value in crawlable, f"`crawl --help` example names {value!r}"
            if flag == "-s":
                _parse_setting(value)
