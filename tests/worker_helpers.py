"""Test hook for the crawl's normalise workers: a normaliser that spins on chosen notices.

Named by its dotted path in the ICC_NORMALISER setting, so it runs inside the worker processes;
the URLs it hangs on come from $ICC_TEST_STALL_URLS (space-separated substrings) and how long from
$ICC_TEST_STALL_SECONDS (default an hour), which the workers inherit with the environment.
`benchmarks.attack_crawl --hang` uses it too.
"""

from __future__ import annotations

import os
import time
from datetime import datetime

from analysis.models import ParsedNotice
from analysis.process import Processed, ProcessError, process_notice

STALL_ENV = "ICC_TEST_STALL_URLS"
SECONDS_ENV = "ICC_TEST_STALL_SECONDS"


def process_notice_or_stall(
    parsed: ParsedNotice, *, fetched_at: datetime
) -> Processed | ProcessError:
    """`process_notice`, except that a notice whose URL holds a stall marker hangs first."""
    if any(part in parsed.url for part in os.environ.get(STALL_ENV, "").split()):
        # Spin, as a runaway regex would: the limit counts the worker's CPU time.
        deadline = time.monotonic() + float(os.environ.get(SECONDS_ENV, "3600"))
        while time.monotonic() < deadline:
            pass
    return process_notice(parsed, fetched_at=fetched_at)
