"""Extract stage: run an attachment parser in a child process with a time and memory limit.

Input: attachment bytes and name.
Output: `Extracted(kind, sheets, text, error, error_kind)`; a parser that hangs is killed at the
time limit, one that balloons hits the address-space limit, and either way the caller gets an
error result instead of a stuck or dead crawl.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Any

TIMEOUT = 30.0  # seconds of wall time per file
MEMORY_MB = 1024  # address space of the child


@dataclass(slots=True)
class Extracted:
    kind: str = ""
    sheets: list[dict[str, Any]] = field(default_factory=list)
    text: str = ""
    error: str | None = None
    error_kind: str | None = None  # encrypted | unsafe | unsupported | corrupt | limit | timeout


def extract_file(
    data: bytes, name: str = "", *, timeout: float = TIMEOUT, memory_mb: int = MEMORY_MB
) -> Extracted:
    """Parse untrusted bytes in `python -m analysis.extract.worker`; never raises on bad input."""
    cmd = [
        sys.executable,
        "-m",
        "analysis.extract.worker",
        name,
        str(memory_mb),
        str(max(1, int(timeout) + 1)),
    ]
    try:
        done = subprocess.run(cmd, input=data, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return Extracted(error=f"parser timed out after {timeout:g} s", error_kind="timeout")
    if done.returncode != 0 or not done.stdout:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        last = reason[-1] if reason else f"exit status {done.returncode}"
        kind = "limit" if done.returncode < 0 or "MemoryError" in last else "corrupt"
        return Extracted(error=f"parser died: {last}"[:300], error_kind=kind)
    out = json.loads(done.stdout)
    return Extracted(
        kind=out.get("kind", ""),
        sheets=out.get("sheets", []),
        text=out.get("text", ""),
        error=out.get("error"),
        error_kind=out.get("error_kind"),
    )
