"""Extract stage: decode fetched HTML bytes into text with an explained encoding choice.

Input: the raw response body and the charset from the HTTP Content-Type header (or None).
Output: (text, encoding, reason). Rules, in order: HTTP header -> BOM -> strict UTF-8 with
multibyte sequences (even when a meta tag says GB*) -> <meta> charset -> charset-normalizer.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

GB_FAMILY = frozenset({"gb2312", "gbk", "gb18030", "gb_2312-80", "csgb2312", "x-gbk", "cp936"})
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
META_SCAN_BYTES = 65536
# Only <meta charset=...> and <meta http-equiv content="...; charset=...">; `[^>]` keeps the
# match inside one tag, so <script charset="utf-8"> before the real meta is ignored.
_META_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)


def normalise_encoding(name: str | None) -> str | None:
    """A Python codec name for `name`; every GB* label becomes gb18030 (the superset)."""
    if not name:
        return None
    label = name.strip().strip("\"'").lower()
    if label in GB_FAMILY:
        return "gb18030"
    if label in ("utf8", "utf-8", "unicode-1-1-utf-8"):
        return "utf-8"
    try:
        codec = codecs.lookup(label).name
    except LookupError:
        return None
    return "gb18030" if codec in GB_FAMILY else codec


def charset_from_content_type(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header value, if any."""
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return match.group(1) if match else None


def decodes_strictly(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def is_multibyte_utf8(body: bytes) -> bool:
    """True when the bytes are valid UTF-8 and not plain ASCII."""
    return not body.isascii() and decodes_strictly(body, "utf-8")


def meta_charset(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:META_SCAN_BYTES])
    return match.group(1).decode("ascii", "replace") if match else None


def detect_charset(body: bytes) -> str | None:
    best = charset_normalizer.from_bytes(body).best()
    return normalise_encoding(best.encoding) if best else None


def choose_encoding(body: bytes, header_charset: str | None) -> tuple[str, str]:
    """(encoding, reason) for `body` following the rule set in the module docstring."""
    if header_charset and ("=" in header_charset or ";" in header_charset):
        header_charset = charset_from_content_type(header_charset)
    header = normalise_encoding(header_charset)
    if header:
        if not decodes_strictly(body, header) and is_multibyte_utf8(body):
            return "utf-8", "utf8-over-header"
        return header, "http-header"
    for bom, encoding in BOMS:
        if body.startswith(bom):
            return encoding, "bom"
    if is_multibyte_utf8(body):
        return "utf-8", "utf8-strict"
    meta = normalise_encoding(meta_charset(body))
    if meta:
        return meta, "meta"
    if body.isascii():
        return "utf-8", "ascii"
    detected = detect_charset(body)
    if detected:
        return detected, "detected"
    return "gb18030", "fallback"


def decode_html(body: bytes, header_charset: str | None) -> tuple[str, str, str]:
    """Decode `body`: returns (text, encoding, reason); undecodable bytes become U+FFFD."""
    encoding, reason = choose_encoding(body, header_charset)
    return body.decode(encoding, errors="replace"), encoding, reason
