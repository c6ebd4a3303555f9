"""Archive stage, reading side: one archived response back out of a WARC file.

Input: a WARC path and the offset of a record in it (as the `pages` table keeps them).
Output: `ArchivedResponse` (URL, date, status, headers, exact bytes); `ArchiveError` when the
record cannot be read. The writer lives with the crawler (crawler/archive.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from analysis.store import content_hash


class ArchiveError(ValueError):
    """An archived record that cannot be read (file moved, truncated by a kill, wrong offset)."""


@dataclass(slots=True)
class ArchivedResponse:
    url: str
    date: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    path: str
    offset: int

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


def read_record(path: str | Path, offset: int, length: int | None = None) -> ArchivedResponse:
    """The WARC `response` record stored at `offset` of `path`."""
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            for record in ArchiveIterator(fh):
                if record.rec_type != "response":
                    continue
                http = record.http_headers
                return ArchivedResponse(
                    url=record.rec_headers.get_header("WARC-Target-URI") or "",
                    date=record.rec_headers.get_header("WARC-Date") or "",
                    status=int(http.get_statuscode() or 0) if http else 0,
                    headers=list(http.headers) if http else [],
                    body=record.content_stream().read(),
                    path=str(path),
                    offset=offset,
                )
    except OSError as exc:
        raise ArchiveError(f"cannot read archive {path}: {exc.strerror or exc}") from exc
    except Exception as exc:  # warcio raises assorted errors on a truncated or foreign file
        raise ArchiveError(f"no readable WARC record at {path}@{offset}: {exc}") from exc
    raise ArchiveError(f"no WARC response record at {path}@{offset}")


def verify_body(record: ArchivedResponse, expected_hash: str) -> bool:
    return content_hash(record.body) == expected_hash
