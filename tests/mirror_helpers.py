"""Test helpers: load pages of the bundled offline mirror and locate ../shared samples.

Input: mirror/sites (built files) and mirror/notices.yaml.
Output: Selectors decoded exactly as a crawl would decode them (stored bytes + header charset).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from parsel import Selector

from analysis.extract.pages.charset import charset_from_content_type, decode_html
from mirror.build import CONTENT_TYPES_FILE, SITES_DIR, load_notices, notice_path

BASE_URL = "http://mirror.icc-talent.test/"
SHARED = Path(__file__).resolve().parents[2] / "shared"
SAMPLES = SHARED / "samples"


@cache
def content_types() -> dict[str, str]:
    types: dict[str, str] = json.loads((SITES_DIR / CONTENT_TYPES_FILE).read_text("utf-8"))
    return types


def header_charset(rel: str) -> str | None:
    return charset_from_content_type(content_types()[rel])


def load_page(rel: str) -> Selector:
    """A mirror file as a Selector, decoded with the header charset the server sends."""
    text, _, _ = decode_html((SITES_DIR / rel).read_bytes(), header_charset(rel))
    return Selector(text=text)


def page_url(rel: str) -> str:
    return BASE_URL + rel


@cache
def mirror_data() -> dict[str, Any]:
    return load_notices()


def notices(site: str | None = None) -> list[dict[str, Any]]:
    return [n for n in mirror_data()["notices"] if site is None or n["site"] == site]


def notice_rel(notice: dict[str, Any]) -> str:
    return notice_path(notice)


def load_sample(rel: str) -> Selector:
    """A file of ../shared/samples decoded without a header (saved copies have none)."""
    text, _, _ = decode_html((SAMPLES / rel).read_bytes(), None)
    return Selector(text=text)
