"""Paths of the mirror build: where each page is served and as which Content-Type.

Input: one notice of notices.yaml (its site, date and per-site ids).
Output: its path relative to the mirror root (TRS, JCMS, WeChat short link, job slug) and
the Content-Type constants the site builders file their bytes under.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from mirror.render import published_at

RSJ_COL = 1234

HTML_GBK = "text/html; charset=gbk"
HTML_BARE = "text/html"
HTML_UTF8 = "text/html; charset=utf-8"
TEXT_UTF8 = "text/plain; charset=utf-8"
PDF = "application/pdf"
RSS = "application/rss+xml; charset=utf-8"
XML = "application/xml; charset=utf-8"

# What every site builder returns: relative path -> (bytes, Content-Type).
Files = dict[str, tuple[bytes, str]]


def wechat_id(notice_id: str) -> str:
    """A stable 22-character short-link id, like mp.weixin.qq.com/s/<id>."""
    digest = hashlib.sha256(notice_id.encode()).digest()
    return base64.b64encode(digest, altchars=b"xY").decode()[:22]


def trs_path(item: dict[str, Any]) -> str:
    moment = published_at(item)
    return f"{moment:%Y%m}/t{moment:%Y%m%d}_{item['trs_id']}.html"


def jcms_path(item: dict[str, Any]) -> str:
    moment = published_at(item)
    col = item.get("col_id", RSJ_COL)
    return f"art/{moment.year}/{moment.month}/{moment.day}/art_{col}_{item['art_id']}.html"


def notice_path(notice: dict[str, Any]) -> str:
    """Where a notice of notices.yaml is served, relative to the mirror root."""
    site = notice["site"]
    if site == "icc":
        return f"icc/zpxx/{trs_path(notice)}"
    if site == "rsj":
        return f"rsj/{jcms_path(notice)}"
    if site == "wechat":
        return f"wechat/s/{wechat_id(notice['id'])}.html"
    if site == "jobs":
        return f"jobs/job/{notice['slug']}/index.html"
    raise ValueError(f"unknown site {site!r} in notice {notice.get('id')!r}")


def attachment_path(notice: dict[str, Any], att: dict[str, Any]) -> str:
    if notice["site"] == "icc":
        return f"icc/zpxx/{trs_path(notice).split('/')[0]}/{att['file']}"
    return f"rsj/{jcms_path(notice).rsplit('/', 1)[0]}/{att['file']}"
