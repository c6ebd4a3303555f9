"""Extract stage: run an attachment parser in a child process with a time and memory limit.

Input: attachment bytes and name.
Output: `Extracted(kind, sheets, text, error, error_kind, truncated)`; a parser that spins is
stopped at its CPU-time limit, one that balloons hits the address-space limit, and either way the
caller gets an error result instead of a stuck or dead crawl. The child reads no more than its
`Caps` (and says what it cut); the parent reads no more of its reply than those caps can fill.

Every file gets a process of its own. They are forked from one warm server that has the parsers
imported (`python -m analysis.extract.worker --serve`), so a file costs a fork instead of an
interpreter start and ~0.1-0.3 s of imports; the server never touches untrusted bytes itself.
Where it cannot run, each file gets a fresh `python -m analysis.extract.worker`, as before.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from analysis.extract.files import MAX_TEXT, Caps

# Time is bounded in CPU seconds, the work a file costs, so a loaded machine (2 cores, many
# processes) does not turn an honest file into a failure: 50,000 rows of a 2.8 MB .xlsx took 13.3
# CPU s to read, and 41.7 s of wall time on a loaded machine. The kernel enforces it (RLIMIT_CPU in the child).
# The wall-clock limit is only a backstop for a child that is stuck without using CPU.
CPU_SECONDS = 30.0  # CPU time per file
TIMEOUT = 180.0  # seconds of wall time per file (backstop)
MEMORY_MB = 1024  # address space of the child
_START_TIMEOUT = 60.0  # the warm server's imports


@dataclass(slots=True)
class Extracted:
    kind: str = ""
    sheets: list[dict[str, Any]] = field(default_factory=list)
    text: str = ""
    error: str | None = None
    error_kind: str | None = None  # encrypted | unsafe | unsupported | corrupt | limit | timeout
    truncated: str | None = None  # what the caps cut, in words; None when nothing was


class _Timeout(Exception):
    pass


def max_reply_bytes(caps: Caps) -> int:
    """The most JSON a child within `caps` can send: 6 bytes a character (a control character
    is escaped as \\uXXXX), 16 per cell (quotes, comma, null, a float's digits beyond its
    counted characters), 1 MiB for names and framing. More means the child broke its caps."""
    return 6 * (caps.chars + MAX_TEXT) + 16 * caps.cells + 2**20


def _over_reply_limit(limit: int) -> Extracted:
    return Extracted(
        error=f"parser reply larger than {limit // 2**20} MB (the output caps were not kept)",
        error_kind="limit",
    )


def _from_json(out: dict[str, Any]) -> Extracted:
    return Extracted(
        kind=out.get("kind", ""),
        sheets=out.get("sheets", []),
        text=out.get("text", ""),
        error=out.get("error"),
        error_kind=out.get("error_kind"),
        truncated=out.get("truncated"),
    )


def _timed_out(timeout: float) -> Extracted:
    return Extracted(
        error=f"parser timed out after {timeout:g} s of wall time", error_kind="timeout"
    )


class WarmParserServer:
    """The fork server: started on first use, stopped at exit (or when this process dies, as
    it watches its stdin). Thread-safe: each call opens its own connection and child."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._dir: str | None = None
        self._path = ""
        self.broken = not hasattr(os, "fork") or not hasattr(socket, "AF_UNIX")

    def _socket_path(self) -> str | None:
        """The server's socket, starting the server if needed; None when it cannot run."""
        with self._lock:
            if self.broken:
                return None
            if self._process is not None and self._process.poll() is None:
                return self._path
            self._stop_locked()
            self._dir = tempfile.mkdtemp(prefix="icc-extract-")
            self._path = str(Path(self._dir) / "server.sock")
            try:
                self._process = subprocess.Popen(
                    [sys.executable, "-m", "analysis.extract.worker", "--serve", self._path],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                )
                assert self._process.stdout is not None
                ready = self._process.stdout.readline()
            except OSError:
                ready = b""
            if ready.strip() != b"ready":
                self.broken = True  # fall back to one interpreter per file from now on
                self._stop_locked()
                return None
            return self._path

    def _stop_locked(self) -> None:
        if self._process is not None:
            with contextlib.suppress(OSError):
                if self._process.stdin is not None:
                    self._process.stdin.close()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            if self._process.stdout is not None:
                self._process.stdout.close()
            self._process = None
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def stop(self) -> None:
        with self._lock:
            self._stop_locked()

    def extract(
        self, data: bytes, name: str, timeout: float, cpu_seconds: float, memory_mb: int, caps: Caps
    ) -> Extracted | None:
        """Parse in a fresh fork of the server; None when the server is unavailable."""
        path = self._socket_path()
        if path is None:
            return None
        deadline = time.monotonic() + timeout
        child: int | None = None
        pidfd: int | None = None
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            try:
                sock.connect(path)
            except OSError:
                return None
            stream = sock.makefile("rb")
            try:
                child = int(_with_deadline(sock, deadline, stream.readline))
                if hasattr(os, "pidfd_open"):  # the child is alive now: no pid-reuse race
                    with contextlib.suppress(OSError):
                        pidfd = os.pidfd_open(child)
                header = {
                    "name": name,
                    "memory_mb": memory_mb,
                    "cpu_seconds": cpu_seconds,
                    "size": len(data),
                    "caps": caps.as_dict(),
                }
                _with_deadline(sock, deadline, sock.sendall, json.dumps(header).encode() + b"\n")
                _with_deadline(sock, deadline, sock.sendall, data)
                limit = max_reply_bytes(caps)
                raw = _with_deadline(sock, deadline, stream.read, limit + 1)
                if len(raw) > limit:
                    _kill(child, pidfd)
                    return _over_reply_limit(limit)
            except _Timeout:
                _kill(child, pidfd)
                return _timed_out(timeout)
            except (OSError, ValueError):  # the child died before or while talking to us
                raw = b""
            finally:
                stream.close()
        finally:
            sock.close()
            if pidfd is not None:
                os.close(pidfd)
        if not raw:
            # No result: the child was killed (past its CPU limit's grace) or crashed (memory
            # limit, a segfault).
            return Extracted(
                error="parser died without a result (CPU or memory limit)", error_kind="limit"
            )
        try:
            out = json.loads(raw)
        except ValueError:
            return Extracted(error="parser died mid-result (resource limit)", error_kind="limit")
        return _from_json(out)


def _with_deadline(sock: socket.socket, deadline: float, call: Any, *args: Any) -> Any:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _Timeout
    sock.settimeout(remaining)
    try:
        return call(*args)
    except TimeoutError:
        raise _Timeout from None


def _kill(pid: int | None, pidfd: int | None) -> None:
    with contextlib.suppress(OSError):
        if pidfd is not None:
            signal.pidfd_send_signal(pidfd, signal.SIGKILL)
        elif pid is not None:
            os.kill(pid, signal.SIGKILL)


_SERVER = WarmParserServer()
atexit.register(_SERVER.stop)


def extract_file(
    data: bytes,
    name: str = "",
    *,
    timeout: float = TIMEOUT,
    cpu_seconds: float = CPU_SECONDS,
    memory_mb: int = MEMORY_MB,
    caps: Caps = Caps(),  # noqa: B008  (frozen: one shared default is safe)
) -> Extracted:
    """Parse untrusted bytes in a child process of their own, limited to `cpu_seconds` of CPU
    time and `memory_mb` of address space, killed after `timeout` seconds of wall time whatever
    it does; never raises on bad input."""
    result = _SERVER.extract(data, name, timeout, cpu_seconds, memory_mb, caps)
    if result is not None:
        return result
    return extract_file_fresh(
        data, name, timeout=timeout, cpu_seconds=cpu_seconds, memory_mb=memory_mb, caps=caps
    )


def extract_file_fresh(
    data: bytes,
    name: str = "",
    *,
    timeout: float = TIMEOUT,
    cpu_seconds: float = CPU_SECONDS,
    memory_mb: int = MEMORY_MB,
    caps: Caps = Caps(),  # noqa: B008
) -> Extracted:
    """Parse untrusted bytes in a fresh `python -m analysis.extract.worker` (limits as
    `extract_file`; the interpreter's start-up does not count against `cpu_seconds`)."""
    cmd = [
        sys.executable,
        "-m",
        "analysis.extract.worker",
        name,
        str(memory_mb),
        repr(float(cpu_seconds)),
        json.dumps(caps.as_dict()),
    ]
    limit = max_reply_bytes(caps)
    with tempfile.TemporaryFile() as stderr:
        try:
            raw, returncode = _run_bounded(cmd, data, stderr, timeout=timeout, limit=limit)
        except _Timeout:
            return _timed_out(timeout)
        stderr.seek(max(0, stderr.seek(0, os.SEEK_END) - 4096))
        err = stderr.read().decode("utf-8", "replace")
    if len(raw) > limit:
        return _over_reply_limit(limit)
    if returncode != 0 or not raw:
        reason = err.strip().splitlines()
        last = reason[-1] if reason else f"exit status {returncode}"
        kind = "limit" if returncode < 0 or "MemoryError" in last else "corrupt"
        if returncode in (-signal.SIGXCPU, -signal.SIGKILL) and not reason:
            last = "killed at its CPU or memory limit"
        return Extracted(error=f"parser died: {last}"[:300], error_kind=kind)
    return _from_json(json.loads(raw))


def _run_bounded(
    cmd: list[str], data: bytes, stderr: IO[bytes], *, timeout: float, limit: int
) -> tuple[bytes, int]:
    """(at most `limit` + 1 bytes of stdout, exit status); the child is killed at `timeout`
    (raising `_Timeout`) or once its reply passes `limit`."""
    process = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr)
    expired = threading.Event()

    def kill_at_deadline() -> None:
        expired.set()
        process.kill()

    timer = threading.Timer(timeout, kill_at_deadline)
    timer.start()
    try:
        assert process.stdin is not None and process.stdout is not None
        with contextlib.suppress(BrokenPipeError):  # the child died before reading it all
            process.stdin.write(data)
        with contextlib.suppress(BrokenPipeError):
            process.stdin.close()
        raw = process.stdout.read(limit + 1)  # the child writes only after reading all input
        if len(raw) > limit:
            process.kill()
        process.stdout.close()
        returncode = process.wait()
    finally:
        timer.cancel()
    if expired.is_set():
        raise _Timeout
    return raw, returncode
