"""Serve stage of the offline mirror: a static HTTP server on 127.0.0.1.

Input: the built files under mirror/sites and their `_content_types.json` map.
Output: HTTP responses carrying the stored bytes unchanged (never re-encoded), with the
Content-Type the build chose (GBK pages say charset=gbk, one page sends no charset), an ETag
(answering If-None-Match with 304), and the build's `_virtual.json` files (too large for git)
generated on the fly.
"""

from __future__ import annotations

import hashlib
import mimetypes
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from mirror import SITES_DIR, load_content_types, load_virtual

DEFAULT_TYPE = "application/octet-stream"


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:16] + '"'


def resolve_path(root: Path, url_path: str) -> Path | None:
    """Map a URL path to a file under root; directories map to their index.html.

    Returns None for anything outside root, hidden/underscore files and missing files.
    """
    parts = [p for p in unquote(urlsplit(url_path).path).split("/") if p]
    if any(p in (".", "..") or p.startswith(("_", ".")) for p in parts):
        return None
    target = root.joinpath(*parts)
    if target.is_dir():
        target = target / "index.html"
    try:
        target.resolve().relative_to(root.resolve())
    except ValueError:
        return None
    return target if target.is_file() else None


def content_type_for(root: Path, target: Path, types: dict[str, str]) -> str:
    rel = target.relative_to(root).as_posix()
    if rel in types:
        return types[rel]
    guessed, _ = mimetypes.guess_type(target.name)
    return guessed or DEFAULT_TYPE


class MirrorHandler(BaseHTTPRequestHandler):
    """GET/HEAD of static files with exact bytes; quiet logging."""

    server_version = "icc-mirror/1"

    def __init__(
        self,
        *args: object,
        root: Path,
        types: dict[str, str],
        virtual: dict[str, dict[str, object]] | None = None,
        **kwargs: object,
    ):
        self.root = root
        self.types = types
        self.virtual = virtual or {}
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def do_GET(self) -> None:
        self.respond(with_body=True)

    def do_HEAD(self) -> None:
        self.respond(with_body=False)

    def respond(self, with_body: bool) -> None:
        rel = "/".join(p for p in unquote(urlsplit(self.path).path).split("/") if p)
        if rel in self.virtual:
            self.respond_virtual(self.virtual[rel], with_body)
            return
        target = resolve_path(self.root, self.path)
        if target is None:
            body = b"404 Not Found\n"
            self.send_response(HTTPStatus.NOT_FOUND)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
        else:
            body = target.read_bytes()
            etag = etag_of(body)
            if self.headers.get("If-None-Match") == etag:
                self.send_response(HTTPStatus.NOT_MODIFIED)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", content_type_for(self.root, target, self.types))
            self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def respond_virtual(self, spec: dict[str, object], with_body: bool) -> None:
        """A large generated file: announced size first, then filler bytes until the client
        hangs up (a polite crawler does so on seeing Content-Length)."""
        size = int(str(spec["size"]))
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", str(spec.get("content_type", DEFAULT_TYPE)))
        self.send_header("Content-Length", str(size))
        self.end_headers()
        if not with_body:
            return
        chunk = b"%PDF-1.4\n" + b"0" * 65527
        with suppress(OSError):
            for _ in range(size // len(chunk)):
                self.wfile.write(chunk)
            self.wfile.write(chunk[: size % len(chunk)])

    def log_message(self, format: str, *args: object) -> None:
        """Silence the per-request stderr log."""


@contextmanager
def serve_mirror(
    root: Path | str = SITES_DIR, host: str = "127.0.0.1", port: int = 0
) -> Iterator[str]:
    """Serve `root` in a background thread; yields the base URL (no trailing slash)."""
    root = Path(root)
    handler = partial(
        MirrorHandler, root=root, types=load_content_types(root), virtual=load_virtual(root)
    )
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="icc-mirror", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def main(argv: list[str] | None = None) -> int:
    """Serve the mirror until Ctrl-C: `python -m mirror.server [port]`."""
    args = sys.argv[1:] if argv is None else argv
    port = int(args[0]) if args else 0
    with serve_mirror(port=port) as base_url:
        print(f"serving the offline mirror at {base_url}/  (Ctrl-C to stop)", flush=True)
        with suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
