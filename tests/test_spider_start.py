"""`scrapy crawl <spider>` run by hand says what it needs when it has nothing to start from
(issue 13: "`scrapy crawl wechat` with no source says what it needs"), instead of finishing
silently with zero pages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _scrapy_crawl(tmp_path: Path, *args: str) -> str:
    env = {**os.environ, "ICC_TALENT_DB": str(tmp_path / "store.sqlite")}
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", *args],
        cwd=REPO,  # scrapy.cfg names the settings module
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return result.stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("wechat", "-a", "source=nope"), "no wechat source has the id 'nope'"),
        (("wechat",), "ICC_WECHAT_FEED_TEMPLATE"),
    ],
)
def test_scrapy_crawl_with_nothing_to_start_says_what_it_needs(
    tmp_path: Path, args: tuple[str, ...], says: str
) -> None:
    err = _scrapy_crawl(tmp_path, *args)
    errors = [line for line in err.splitlines() if "ERROR" in line]
    assert any(says in line for line in errors), err[-3000:]
