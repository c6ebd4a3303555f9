"""Test hook for the crawl's normalise workers: a normaliser that hangs on chosen notices.

Named by its dotted path in the ICC_NORMALISER setting, so it runs inside the worker processes;
the URLs it hangs on come from $ICC_TEST_STALL_URLS (space-separated substrings), which the
workers inherit with the rest of the environment.
"""

from __future__ import annotations

import os
import time
from datetime import datetime

from analysis.models import ParsedNotice
from analysis.process import Processed, ProcessError, process_notice

STALL_ENV = "ICC_TEST_STALL_URLS"


def process_notice_or_stall(
    parsed: ParsedNotice, *, fetched_at: datetime
) -> Processed | ProcessError:
    """`process_notice`, except that a notice whose URL holds a stall marker never finishes."""
    if any(part in parsed.url for part in os.environ.get(STALL_ENV, "").split()):
        time.sleep(3600)
    return process_notice(parsed, fetched_at=fetched_at)
