"""`icc-talent sources`, `sources check` and `sources discover` against the bundled mirror
served on 127.0.0.1 by the command (--mirror) or by the test, and without any network."""

from __future__ import annotations

import yaml
from click.testing import CliRunner

from analysis.cli import cli
from crawler.sources import REGISTRY_SOURCES, load_sources
from mirror import BASE_URL as MIRROR_BASE_URL
from mirror import SOURCES_PATH as MIRROR_SOURCES
from mirror.server import serve_mirror

NO_NETWORK = ["-s", "ICC_HTTP_PROXY=http://127.0.0.1:9", "-s", "DOWNLOAD_DELAY=0"]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def test_sources_without_a_subcommand_still_lists_the_registry() -> None:
    code, out, _ = run("sources", "--mirror", "--db", "/nonexistent/store.sqlite")
    assert code == 0
    assert "mirror-icc-yunling" in out and "never crawled" in out


def test_check_on_the_mirror_reads_every_start_url() -> None:
    code, out, err = run("sources", "check", "--mirror")
    mirror = load_sources(MIRROR_SOURCES, base_url=MIRROR_BASE_URL)
    urls = [u for s in mirror for u in s.start_urls]
    assert code == 0, err
    lines = [line for line in out.splitlines() if " HTTP " in line]
    assert len(lines) == len(urls)
    yunling = next(line for line in lines if "zpxx/index.html" in line)
    assert "HTTP 200" in yunling and "charset gb18030" in yunling
    assert " 0 notice link" not in yunling
    feed = next(line for line in lines if line.rstrip().split()[3].endswith("rss.xml"))
    assert "rss feed" in feed
    assert out.strip().endswith(
        f"{len(urls)} start URL(s) of {len(mirror)} source(s) checked, 0 failed."
    )


def test_check_through_a_proxy_given_as_a_crawl_setting(tmp_path: object) -> None:
    with serve_mirror() as proxy:
        code, out, _ = run(
            "sources", "check", "--mirror", "--source", "mirror-jobs-silkroad",
            "-s", f"ICC_HTTP_PROXY={proxy}",
        )  # fmt: skip
    assert code == 0
    assert "mirror-jobs-silkroad" in out and "HTTP 200" in out


def test_check_offline_fails_one_line_per_start_url() -> None:
    code, out, err = run("sources", "check", *NO_NETWORK)
    urls = [u for s in load_sources(REGISTRY_SOURCES) for u in s.start_urls]
    failed = [line for line in err.splitlines() if " FAILED " in line]
    assert code == 1
    assert len(failed) == len(urls) > 0
    assert all("connection refused" in line for line in failed)
    assert "Traceback" not in out + err
    assert f"{len(urls)} failed" in out


def test_check_an_unknown_source_is_a_one_line_error() -> None:
    code, _, err = run("sources", "check", "--mirror", "--source", "nope")
    assert code == 1 and err.strip() == "error: unknown source id(s): nope"


def test_discover_on_the_mirror_proposes_the_recruitment_column_first() -> None:
    code, out, _ = run("sources", "discover", "--mirror", "/icc/index.html")
    assert code == 0
    entries = yaml.safe_load(out)
    assert entries[0]["start_urls"] == [MIRROR_BASE_URL + "icc/zpxx/index.html"]
    first_reasons = next(line for line in out.splitlines() if line.startswith("# 1."))
    assert "招聘信息" in first_reasons and "notice link(s)" in first_reasons


def test_discover_offline_is_a_one_line_error() -> None:
    code, _, err = run("sources", "discover", "http://www.example.gov.cn/", *NO_NETWORK)
    assert code == 1
    assert err.startswith("error: cannot read http://www.example.gov.cn/: ")
    assert len(err.strip().splitlines()) == 1


def test_discover_refuses_a_non_http_address() -> None:
    code, _, err = run("sources", "discover", "ftp://example.org/")
    assert code == 1 and "expected an http(s) address" in err


def test_subcommands_have_a_summary_and_an_example() -> None:
    for name in ("check", "discover"):
        code, out, _ = run("sources", name, "--help")
        assert code == 0 and "Example" in out and f"icc-talent sources {name}" in out
