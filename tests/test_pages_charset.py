"""charset.decode_html: header -> BOM -> strict UTF-8 -> <meta> -> statistical; GB* as gb18030."""

from __future__ import annotations

import codecs

import pytest
from mirror_helpers import SAMPLES, header_charset

from analysis.extract.pages.charset import (
    charset_from_content_type,
    decode_html,
    normalise_encoding,
)
from mirror.build import SITES_DIR

NOTICE = "云岭国际传播中心招聘俄语编辑，报名截止２０２４年１０月３１日。"


def html(body: str, head: str = "") -> str:
    return f"<html><head>{head}<title>t</title></head><body><p>{body}</p></body></html>"


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("GB2312", "gb18030"),
        ("gbk", "gb18030"),
        ("x-gbk", "gb18030"),
        ("cp936", "gb18030"),
        ("UTF8", "utf-8"),
        ("utf-8", "utf-8"),
        ("big5", "big5"),
        ("no-such-codec", None),
        (None, None),
    ],
)
def test_normalise_encoding(label: str | None, expected: str | None) -> None:
    assert normalise_encoding(label) == expected


def test_header_wins() -> None:
    body = html(NOTICE).encode("gbk")
    text, encoding, reason = decode_html(body, "gbk")
    assert (encoding, reason) == ("gb18030", "http-header")
    assert NOTICE in text


def test_header_may_be_a_whole_content_type() -> None:
    body = html(NOTICE).encode("gbk")
    assert decode_html(body, "text/html; charset=GB2312")[1:] == ("gb18030", "http-header")
    assert charset_from_content_type("text/html;charset='gbk'") == "gbk"
    assert charset_from_content_type("text/html") is None


def test_bom() -> None:
    text, encoding, reason = decode_html(codecs.BOM_UTF8 + html(NOTICE).encode(), None)
    assert (encoding, reason) == ("utf-8-sig", "bom")
    assert text.startswith("<html>") and NOTICE in text


def test_utf8_bytes_beat_a_gb_meta() -> None:
    head = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    text, encoding, reason = decode_html(html(NOTICE, head).encode("utf-8"), None)
    assert (encoding, reason) == ("utf-8", "utf8-strict")
    assert NOTICE in text


def test_script_charset_is_not_a_meta() -> None:
    head = (
        '<script src="/wayback.js" charset="utf-8"></script>'
        '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    )
    text, encoding, reason = decode_html(html(NOTICE, head).encode("gbk"), None)
    assert (encoding, reason) == ("gb18030", "meta")
    assert NOTICE in text


def test_html5_meta_charset() -> None:
    body = html(NOTICE, '<meta charset="gbk">').encode("gbk")
    assert decode_html(body, None)[1:] == ("gb18030", "meta")


def test_ascii_only() -> None:
    assert decode_html(b"<html><body>hello</body></html>", None)[1:] == ("utf-8", "ascii")


def test_gb18030_only_characters_survive() -> None:
    """GBK lacks some characters (e.g. U+9FB6) that gb18030 pages use; GBK labels are decoded as
    gb18030 so they do not become U+FFFD."""
    notice = "招聘龶编辑"
    text, _, _ = decode_html(html(notice).encode("gb18030"), "gbk")
    assert notice in text and "\ufffd" not in text


def test_mirror_gbk_page_without_any_charset_is_detected() -> None:
    rel = "icc/zpxx/202408/t20240820_1003.html"
    assert header_charset(rel) is None
    text, encoding, reason = decode_html((SITES_DIR / rel).read_bytes(), None)
    assert (encoding, reason) == ("gb18030", "detected")
    assert "日语编辑" in text and "JLPT N1" in text


def test_mirror_gbk_list_page_by_meta_and_by_header() -> None:
    body = (SITES_DIR / "icc/zpxx/index.html").read_bytes()
    assert decode_html(body, None)[1:] == ("gb18030", "meta")
    assert decode_html(body, "gbk")[1:] == ("gb18030", "http-header")
    assert "招聘信息" in decode_html(body, None)[0]


# ------------------------------------------------------------------------ real samples

REAL_SAMPLES = [
    ("encoding_and_state_media/gbk_bytes_no_charset_declared.html", "gb18030", "飞行物理学常识"),
    ("encoding_and_state_media/he_xinhuanet_2012_wayback_gb2312.html", "gb18030", "约定无期限"),
    ("encoding_and_state_media/people_meta_gb2312_but_utf8_bytes.html", "utf-8", "郑板桥"),
    ("encoding_and_state_media/sohu_gbk_declared.html", "gb18030", "民间资本"),
    ("encoding_and_state_media/utf8_bytes_meta_gb2312.html", "utf-8", "天极博客首页"),
    ("encoding_and_state_media/xinhuanet_2020_article.htm", "utf-8", "武汉的声音"),
    ("notice_lists/fund_announcement_list_mixed_dates.html", "utf-8", "东方阿尔法基金"),
    ("notice_lists/fund_xxpl_list_meta_gb2312_utf8_bytes.html", "utf-8", "融通基金"),
]


@pytest.mark.parametrize(("rel", "encoding", "must_contain"), REAL_SAMPLES)
def test_real_samples_decode_to_readable_chinese(
    rel: str, encoding: str, must_contain: str
) -> None:
    path = SAMPLES / rel
    if not path.is_file():
        pytest.skip("../shared/samples is not beside this checkout")
    text, chosen, _ = decode_html(path.read_bytes(), None)
    assert chosen == encoding
    assert must_contain in text
    assert text.count("\ufffd") == 0


def test_every_real_encoding_sample_is_covered() -> None:
    folders = [SAMPLES / "encoding_and_state_media", SAMPLES / "notice_lists"]
    if not all(f.is_dir() for f in folders):
        pytest.skip("../shared/samples is not beside this checkout")
    on_disk = {f"{p.parent.name}/{p.name}" for folder in folders for p in folder.iterdir()}
    assert on_disk == {rel for rel, _, _ in REAL_SAMPLES}
