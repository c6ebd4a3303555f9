"""Extract stage, child side: parse one untrusted attachment under resource limits.

Input: one-shot mode: the file's bytes on stdin, argv = [name, memory limit in MB, CPU seconds,
caps as JSON]. Warm mode (`--serve SOCKET`): parsers imported once, then one fresh fork per
connection. Output: one JSON object: {"kind", "sheets": [{"name", "rows"}], "text", "truncated"}
or {"error", "error_kind"}. Started by `analysis.extract.sandbox`, never imported by it.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import resource
import select
import signal
import socket
import sys
from typing import Any

# The parsers `analysis.extract.files` imports lazily; the warm server imports them up front so
# each forked child starts with them loaded instead of paying ~0.1-0.3 s of imports per file.
PRELOAD = (
    "analysis.extract.files",
    "openpyxl",
    "xlrd",
    "docx",
    "pdfminer.high_level",
    "pdfminer.layout",
    "pdfminer.pdfdocument",
)


CPU_GRACE = 2  # CPU seconds past the limit to send the error reply before the kernel's SIGKILL


class CPULimitExceeded(BaseException):
    """Raised by SIGXCPU; a BaseException so that no parser's `except Exception` swallows it."""


def _on_sigxcpu(signum: int, frame: object) -> None:
    signal.signal(signal.SIGXCPU, signal.SIG_IGN)  # once: the reply must not be interrupted
    raise CPULimitExceeded


def limit(memory_mb: int, cpu_seconds: float) -> None:
    """Limit this process to `memory_mb` of address space and `cpu_seconds` more CPU time: at
    the limit the kernel sends SIGXCPU (the parse stops with an error reply), CPU_GRACE seconds
    later SIGKILL (a parser stuck in C code that never returns to Python)."""
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = math.ceil(usage.ru_utime + usage.ru_stime + max(cpu_seconds, 0.001))
    signal.signal(signal.SIGXCPU, _on_sigxcpu)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, soft + CPU_GRACE))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def parse(
    data: bytes, name: str, memory_mb: int, caps: dict[str, int], cpu_seconds: float = 0
) -> dict[str, Any]:
    """The JSON-able result for one file (called after `limit`), read no further than `caps`;
    past the CPU limit, an error. The reply that follows gets the limit's grace seconds."""
    try:
        return _read(data, name, memory_mb, caps)
    except CPULimitExceeded:
        return {"error": f"parser used its {cpu_seconds:g} s of CPU time", "error_kind": "timeout"}
    finally:
        signal.signal(signal.SIGXCPU, signal.SIG_IGN)


def _read(data: bytes, name: str, memory_mb: int, caps: dict[str, int]) -> dict[str, Any]:
    from analysis.extract.files import (
        Caps,
        CorruptFileError,
        EncryptedFileError,
        UnsafeFileError,
        UnsupportedFileError,
        read_document,
    )

    try:
        doc = read_document(data, name, Caps(**caps))
        return {
            "kind": doc.kind,
            "sheets": [{"name": s.name, "rows": s.rows} for s in doc.sheets],
            "text": doc.text,
            "truncated": doc.truncated,
        }
    except EncryptedFileError as exc:
        return {"error": str(exc), "error_kind": "encrypted"}
    except UnsafeFileError as exc:
        return {"error": str(exc), "error_kind": "unsafe"}
    except UnsupportedFileError as exc:
        return {"error": str(exc), "error_kind": "unsupported"}
    except CorruptFileError as exc:  # already names the format and the damage
        return {"error": str(exc)[:300], "error_kind": "corrupt"}
    except MemoryError:
        return {"error": f"parser exceeded the {memory_mb} MB memory limit", "error_kind": "limit"}
    except Exception as exc:  # any parser failure on a hostile file is a result, not a crash
        return {"error": f"{type(exc).__name__}: {exc}"[:300], "error_kind": "corrupt"}


def main(argv: list[str]) -> int:
    if argv[:1] == ["--serve"]:
        return serve(argv[1])
    name, memory_mb, cpu_seconds = argv[0], int(argv[1]), float(argv[2])
    caps = json.loads(argv[3]) if len(argv) > 3 else {}
    data = sys.stdin.buffer.read()
    limit(memory_mb, cpu_seconds)
    out = parse(data, name, memory_mb, caps, cpu_seconds)
    sys.stdout.write(json.dumps(out, ensure_ascii=False, default=str))
    return 0


# -- warm mode --------------------------------------------------------------------------------
#
# Protocol per connection (the forked child's side): send "<pid>\n"; receive one JSON header
# line {"name", "memory_mb", "cpu_seconds", "size", "caps"} and `size` bytes; apply the limits;
# parse; send the JSON result; exit. The kernel stops the child at its CPU limit; the parent
# kills it at its wall-clock backstop.


def serve(path: str) -> int:
    """Accept connections on the Unix socket `path`, forking a fresh child for each; exit when
    stdin closes (the crawl that started us ended, even by SIGKILL)."""
    import importlib

    for module in PRELOAD:
        with contextlib.suppress(ImportError):
            importlib.import_module(module)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    try:
        while True:
            ready, _, _ = select.select([listener, sys.stdin], [], [])
            if sys.stdin in ready and not os.read(sys.stdin.fileno(), 4096):
                return 0
            if listener in ready:
                conn, _ = listener.accept()
                if os.fork() == 0:  # the child: one file, then exit
                    listener.close()
                    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                    code = 1
                    with contextlib.suppress(BaseException):
                        code = serve_one(conn)
                    os._exit(code)
                conn.close()
    finally:
        listener.close()
        with contextlib.suppress(OSError):
            os.unlink(path)


def serve_one(conn: socket.socket) -> int:
    conn.sendall(f"{os.getpid()}\n".encode())
    stream = conn.makefile("rb")
    header = json.loads(stream.readline())
    data = stream.read(int(header["size"]))
    memory_mb, cpu_seconds = int(header["memory_mb"]), float(header["cpu_seconds"])
    limit(memory_mb, cpu_seconds)
    out = parse(data, str(header["name"]), memory_mb, dict(header.get("caps") or {}), cpu_seconds)
    conn.sendall(json.dumps(out, ensure_ascii=False, default=str).encode("utf-8"))
    conn.shutdown(socket.SHUT_WR)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
