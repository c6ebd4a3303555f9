"""Build stage of the offline mirror: render notices.yaml into static sites.

Input: mirror/notices.yaml, through render.py, paths.py and the *_site(s).py builders.
Output: mirror/sites/<site>/... as exact bytes (GBK for the TRS-style site, UTF-8
elsewhere) plus `_content_types.json`, the Content-Type the server sends for each file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from mirror import (
    CONTENT_TYPES_FILE,
    NOTICE_PATHS_FILE,
    SITES_DIR,
    VIRTUAL_FILE,
    load_notices,
)
from mirror import attachments as att_files
from mirror.cms_sites import build_agg, build_icc, build_rsj, virtual_files
from mirror.jobboard_site import build_jobs
from mirror.paths import HTML_UTF8, TEXT_UTF8, Files, notice_path, wechat_id
from mirror.wechat_site import DELETED_WECHAT_ID, WECHAT_ERROR_PAGES, build_wechat

# Names other code (tests, benchmarks) imports from the build entry point.
__all__ = [
    "CONTENT_TYPES_FILE",
    "DELETED_WECHAT_ID",
    "SITES_DIR",
    "WECHAT_ERROR_PAGES",
    "build_files",
    "existing_files",
    "load_notices",
    "main",
    "notice_path",
    "stale_paths",
    "wechat_id",
    "write_files",
]


def render_root_index() -> bytes:
    links = "\n".join(
        f'<li><a href="{path}">{label}</a></li>'
        for path, label in (
            ("icc/zpxx/index.html", "云岭国际传播中心 · 招聘信息 (TRS WCM, GBK)"),
            ("rsj/col/col1234/index.html", "之江人才公共服务网 · 事业单位招聘 (大汉 JCMS)"),
            ("wechat/articles.txt", "海河国际传播中心 · WeChat articles"),
            ("jobs/jobs/index.html", "Silk Road Media Jobs (English job board)"),
        )
    )
    page = (
        '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n'
        "<title>icc-talent offline mirror</title>\n</head>\n<body>\n"
        f"<h1>icc-talent offline mirror</h1>\n<ul>\n{links}\n</ul>\n</body>\n</html>\n"
    )
    return page.encode("utf-8")


# --------------------------------------------------------------------------- build


def build_files(data: dict[str, Any] | None = None) -> dict[str, bytes]:
    """Every mirror file as relative path -> bytes, including the Content-Type map."""
    data = data if data is not None else load_notices()
    files: Files = {}
    for build in (build_icc, build_rsj, build_wechat, build_jobs, build_agg):
        files.update(build(data))
    files["robots.txt"] = (b"User-agent: *\nAllow: /\n", TEXT_UTF8)
    files["index.html"] = (render_root_index(), HTML_UTF8)
    virtual = virtual_files(data)
    for path in virtual:
        files.pop(path, None)
    types = {path: ctype for path, (_, ctype) in sorted(files.items())}
    out = {path: body for path, (body, _) in files.items()}
    out[CONTENT_TYPES_FILE] = (json.dumps(types, indent=1, sort_keys=True) + "\n").encode()
    out[VIRTUAL_FILE] = (json.dumps(virtual, indent=1, sort_keys=True) + "\n").encode()
    paths = {n["id"]: notice_path(n) for n in data["notices"]}
    out[NOTICE_PATHS_FILE] = (json.dumps(paths, indent=1, sort_keys=True) + "\n").encode()
    return dict(sorted(out.items()))


def existing_files(root: Path = SITES_DIR) -> dict[str, bytes]:
    """The files currently on disk under `root`, as relative path -> bytes."""
    if not root.is_dir():
        return {}
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def stale_paths(root: Path = SITES_DIR) -> list[str]:
    """Paths that differ between a fresh build and the files on disk (empty = up to date)."""
    fresh, disk = build_files(), existing_files(root)
    return sorted(p for p in fresh.keys() | disk.keys() if fresh.get(p) != disk.get(p))


def write_files(files: dict[str, bytes], root: Path = SITES_DIR) -> int:
    """Write `files` under `root` and delete files a previous build left behind."""
    for rel, body in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_bytes() != body:
            target.write_bytes(body)
    for rel in existing_files(root).keys() - files.keys():
        (root / rel).unlink()
    for folder in sorted((p for p in root.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    return len(files)


def freeze_xls(data: dict[str, Any] | None = None) -> list[Path]:
    """Write each .xls position table the build needs into mirror/frozen/ (needs xlwt, which
    is no dependency: only after a table in notices.yaml changed)."""
    data = data if data is not None else load_notices()
    written = []
    for notice in data["notices"]:
        if any(a.get("format") == "table-xls" for a in notice.get("attachments", [])):
            target = att_files.FROZEN_DIR / att_files.xls_key(notice)
            if not target.is_file():
                target.write_bytes(att_files.render_xls(notice))
                written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    if argv and "--freeze-xls" in argv:
        for path in freeze_xls():
            print(f"froze {path}")
    count = write_files(build_files())
    print(f"wrote {count} files under {SITES_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
