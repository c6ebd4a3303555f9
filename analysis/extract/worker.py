"""Extract stage, child side: parse one untrusted attachment under resource limits.

Input: the file's bytes on stdin; argv = [name, memory limit in MB, CPU seconds].
Output: one JSON object on stdout: {"kind", "sheets": [{"name", "rows"}], "text"} or
{"error", "error_kind"}. Started by `analysis.extract.sandbox`, never imported by it.
"""

from __future__ import annotations

import json
import resource
import sys
from typing import Any


def limit(memory_mb: int, cpu_seconds: int) -> None:
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def main(argv: list[str]) -> int:
    name, memory_mb, cpu_seconds = argv[0], int(argv[1]), int(argv[2])
    data = sys.stdin.buffer.read()
    limit(memory_mb, cpu_seconds)
    from analysis.extract.files import (
        EncryptedFileError,
        UnsafeFileError,
        UnsupportedFileError,
        read_document,
    )

    out: dict[str, Any]
    try:
        doc = read_document(data, name)
        out = {
            "kind": doc.kind,
            "sheets": [{"name": s.name, "rows": s.rows} for s in doc.sheets],
            "text": doc.text,
        }
    except EncryptedFileError as exc:
        out = {"error": str(exc), "error_kind": "encrypted"}
    except UnsafeFileError as exc:
        out = {"error": str(exc), "error_kind": "unsafe"}
    except UnsupportedFileError as exc:
        out = {"error": str(exc), "error_kind": "unsupported"}
    except MemoryError:
        out = {"error": f"parser exceeded the {memory_mb} MB memory limit", "error_kind": "limit"}
    except Exception as exc:  # any parser failure on a hostile file is a result, not a crash
        out = {"error": f"{type(exc).__name__}: {exc}"[:300], "error_kind": "corrupt"}
    sys.stdout.write(json.dumps(out, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
