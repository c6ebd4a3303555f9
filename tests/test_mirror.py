"""Offline mirror: the built files are current, the notice set is rich enough for the demo,
and the server sends the stored bytes unchanged with the right headers."""

from __future__ import annotations

import http.client
import re
import urllib.error
import urllib.request
from collections import Counter
from urllib.parse import urlsplit

import pytest
import yaml
from mirror_helpers import content_types, mirror_data, notices

from mirror import MIRROR_DIR, SITES_DIR
from mirror.build import build_files, notice_path, stale_paths
from mirror.server import serve_mirror

EXPECT_KEYS = {"stable_diffusion", "aigc", "languages", "overseas"}


def positions() -> list[tuple[dict, dict]]:
    return [(n, p) for n in notices() for p in n["positions"]]


def position_text(pos: dict) -> str:
    """Every text field of a position in notices.yaml, joined."""
    parts: list[str] = []
    for value in pos.values():
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            parts.extend(value)
    return " ".join(parts)


def test_build_is_up_to_date() -> None:
    assert stale_paths() == [], "run `python -m mirror.build` and commit the result"


def test_build_is_deterministic() -> None:
    assert build_files() == build_files()


def test_every_notice_is_built() -> None:
    files = build_files()
    missing = [n["id"] for n in notices() if notice_path(n) not in files]
    assert missing == []


def test_notice_set_size_and_spread() -> None:
    assert len(notices()) >= 24
    assert len(positions()) >= 70
    months = {n["published"][:7] for n in notices()}
    assert len(months) >= 20
    assert min(months) <= "2024-03" and max(months) >= "2025-12"
    assert {n["site"] for n in notices()} == {"icc", "rsj", "wechat", "jobs"}
    for notice in notices():
        assert notice["province"] and notice["employer"], notice["id"]
        assert notice["level"] in {"national", "provincial", "municipal", "county"}, notice["id"]


def test_every_position_has_expectations() -> None:
    for notice, pos in positions():
        expect = pos["expect"]
        assert set(expect) == EXPECT_KEYS, (notice["id"], pos["title"])
        assert all(re.fullmatch(r"[a-z]{2}", code) for code in expect["languages"])
        if expect["stable_diffusion"]:
            assert expect["aigc"], (notice["id"], pos["title"])


def test_aigc_share_grows_over_time() -> None:
    by_year: dict[str, Counter] = {}
    for notice, pos in positions():
        counts = by_year.setdefault(notice["published"][:4], Counter())
        counts["all"] += 1
        counts["aigc"] += pos["expect"]["aigc"]
    share = {year: c["aigc"] / c["all"] for year, c in by_year.items()}
    assert share["2025"] > 2 * share["2024"] > 0
    stable_diffusion = [p for _, p in positions() if p["expect"]["stable_diffusion"]]
    assert len(stable_diffusion) >= 6


def test_languages_covered() -> None:
    codes = {code for _, p in positions() for code in p["expect"]["languages"]}
    assert {"en", "ru", "ar", "ja", "fr", "es", "ko", "th", "vi"} <= codes


@pytest.mark.parametrize(
    "phrase",
    [
        "具有2年以上海外留学经历",
        "在英美国家学习或工作满1年以上者优先",
        "at least two years living in the uk or us",
        "报名时间：2024年5月6日至5月20日",
        "二〇二五年三月十日",
        "２０２４年１０月３１日",
        "截止日期：",
        "中共党员优先",
        "本科及以上",
        "硕士研究生及以上",
        "35周岁以下",
        "cet-6",
        "专业八级",
        "ielts",
        "jlpt n1",
        "native english speaker",
        "stable diffusion",
        "sdxl",
        "midjourney",
        "comfyui",
        "提示词",
        "ai视频",
        "prompt engineer for ai video",
    ],
)
def test_required_phrases_present(phrase: str) -> None:
    text = yaml.safe_dump(mirror_data(), allow_unicode=True).lower()
    assert phrase.lower() in text


@pytest.mark.parametrize(
    ("phrase", "flag"),
    [
        ("SD卡", "stable_diffusion"),
        ("熟悉AI行业动态", "aigc"),
        ("人工智能新闻", "aigc"),
        ("artificial intelligence news", "aigc"),
        ("多语种网站", "languages"),
        ("无需海外经历", "overseas"),
        ("外语不限", "languages"),
    ],
)
def test_distractors_are_marked_negative(phrase: str, flag: str) -> None:
    hits = [(n, p) for n, p in positions() if phrase in position_text(p)]
    assert hits, f"no position contains the distractor {phrase!r}"
    for notice, pos in hits:
        value = pos["expect"][flag]
        if flag == "languages":
            assert value == [], (notice["id"], pos["title"])
        else:
            assert value is False, (notice["id"], pos["title"])


def test_table_notice_and_multi_position_layouts() -> None:
    formats = Counter(n["format"] for n in notices())
    assert formats["table"] >= 1 and formats["numbered"] >= 3 and formats["ordinal"] >= 3
    assert sum(len(n["positions"]) > 1 for n in notices()) >= 20


def test_content_types_cover_every_file() -> None:
    types = content_types()
    on_disk = {p.relative_to(SITES_DIR).as_posix() for p in SITES_DIR.rglob("*") if p.is_file()}
    assert on_disk - {"_content_types.json", "_virtual.json", "_notices.json"} == set(types)
    bare = [path for path, ctype in types.items() if ctype == "text/html"]
    assert bare == ["icc/zpxx/202408/t20240820_1003.html"]


def test_no_charset_page_declares_nothing() -> None:
    body = (SITES_DIR / "icc/zpxx/202408/t20240820_1003.html").read_bytes()
    assert b"charset" not in body.lower()
    body.decode("gbk")  # but it is GBK


def test_sources_yaml_schema() -> None:
    data = yaml.safe_load((MIRROR_DIR / "sources.yaml").read_text("utf-8"))
    sources = data["sources"]
    assert {s["kind"] for s in sources} == {"cms", "wechat", "jobboard"}
    for source in sources:
        assert {"id", "name", "kind", "start_urls", "employer", "level", "province"} <= set(source)
        for url in source["start_urls"]:
            assert (SITES_DIR / url.lstrip("/")).is_file(), url


# ------------------------------------------------------------------------------ server


def fetch(url: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_server_sends_gbk_bytes_unchanged() -> None:
    rel = "icc/zpxx/202403/t20240312_1001.html"
    with serve_mirror() as base:
        status, headers, body = fetch(f"{base}/{rel}")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=gbk"
    assert body == (SITES_DIR / rel).read_bytes()
    assert "俄语编辑".encode("gbk") in body


def test_server_sends_no_charset_for_the_bare_page() -> None:
    with serve_mirror() as base:
        _, headers, _ = fetch(f"{base}/icc/zpxx/202408/t20240820_1003.html")
    assert headers["Content-Type"] == "text/html"


def test_server_utf8_text_robots_and_directories() -> None:
    with serve_mirror() as base:
        _, wx_headers, _ = fetch(f"{base}/wechat/articles.txt")
        _, robots_headers, robots = fetch(f"{base}/robots.txt")
        status, headers, body = fetch(f"{base}/jobs/jobs/page/2/")
        head_status, _, head_body = fetch(f"{base}/rsj/col/col1234/index.html", method="HEAD")
    assert wx_headers["Content-Type"] == "text/plain; charset=utf-8"
    assert robots == b"User-agent: *\nAllow: /\n"
    assert robots_headers["Content-Type"].startswith("text/plain")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert body == (SITES_DIR / "jobs/jobs/page/2/index.html").read_bytes()
    assert head_status == 200 and head_body == b""


@pytest.mark.parametrize("path", ["/nope.html", "/_content_types.json", "/icc/../../build.py"])
def test_server_404(path: str) -> None:
    with serve_mirror() as base:
        status, _, _ = fetch(f"{base}{path}")
    assert status == 404


def test_server_accepts_proxy_style_absolute_urls() -> None:
    """The demo crawl uses the server as an HTTP proxy for http://mirror.icc-talent.test/."""
    with serve_mirror() as base:
        parts = urlsplit(base)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
        conn.request("GET", "http://mirror.icc-talent.test/rsj/col/col1234/index.html")
        response = conn.getresponse()
        body = response.read()
        conn.close()
    assert response.status == 200
    assert body == (SITES_DIR / "rsj/col/col1234/index.html").read_bytes()


def test_xls_tables_are_frozen_bytes_that_read_back_as_their_positions() -> None:
    """xlwt (unmaintained) is no dependency: each .xls comes from mirror/frozen, and reads back
    with xlrd as exactly the notice's position table."""
    import xlrd

    from mirror import attachments, load_notices

    notices = [
        n
        for n in load_notices()["notices"]
        if any(a.get("format") == "table-xls" for a in n.get("attachments", []))
    ]
    assert notices
    for notice in notices:
        body = attachments.render_xls(notice)
        assert body == (attachments.FROZEN_DIR / attachments.xls_key(notice)).read_bytes()
        sheet = xlrd.open_workbook(file_contents=body).sheet_by_index(0)
        cells = [tuple(_xls_text(v) for v in sheet.row_values(r)) for r in range(2, sheet.nrows)]
        assert cells == [tuple(row) for row in attachments.position_grid(notice)[2:]]


def _xls_text(value: object) -> str:
    return str(int(value)) if isinstance(value, float) else str(value)


def test_an_edited_xls_table_without_xlwt_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from mirror import attachments

    monkeypatch.setitem(sys.modules, "xlwt", None)  # import xlwt -> ImportError
    notice = {"id": "x", "employer": "某中心", "positions": [{"title": "新岗位", "headcount": 1}]}
    with pytest.raises(RuntimeError, match="freeze-xls"):
        attachments.render_xls(notice)
