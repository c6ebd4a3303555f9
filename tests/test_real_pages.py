"""Real-page gate: the project's spiders crawl real saved pages (../shared/samples) at their real
URLs; every (sample, field) that passes today (tests/real_pages/baseline.yaml) must keep passing.
Skips when the samples are absent. The fixture's own behaviour is tested without them."""

from __future__ import annotations

import http.client
import ssl
from pathlib import Path

import pytest
import yaml

from benchmarks.real_pages import (
    EXPECTATIONS_FILE,
    FIELDS,
    REPO,
    SOURCES_FILE,
    Evaluation,
    evaluate,
    load_baseline,
    render_table,
    render_totals,
)
from mirror.samples import GENERATED_HOST, build_routes, load_samples, samples_dir
from mirror.server import Route, serve_mirror

SAMPLES = samples_dir(REPO)
needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"real samples absent ({SAMPLES}; set ICC_SAMPLES_DIR)"
)
MIRROR_KEYS = {
    "id", "name", "kind", "start_urls", "link_keywords", "detail_selector", "aggregator",
    "employer", "employer_en", "level", "province", "parent",
}  # fmt: skip


def fetch_via_proxy(proxy: str, url: str) -> tuple[int, str, bytes]:
    """GET `url` through the fixture as a proxy; https goes through a CONNECT tunnel."""
    host, port = proxy.removeprefix("http://").split(":")
    if url.startswith("https://"):
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # the fixture's throwaway certificate
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(
            host, int(port), context=context, timeout=10
        )
        target = url.split("/", 3)[2]
        conn.set_tunnel(target)
        path = "/" + url.split("/", 3)[3]
    else:
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        path = url
    conn.request("GET", path)
    response = conn.getresponse()
    result = response.status, response.getheader("Content-Type") or "", response.read()
    conn.close()
    return result


def test_routes_serve_bytes_unchanged_over_http_and_https(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes("<title>招聘</title>".encode("gbk"))
    routes = {
        "http://www.example.gov.cn/a/t20240101_1.html": Route("text/html", path=page),
        "https://mp.weixin.qq.com/s/abc": Route("text/html; charset=utf-8", body=b"<p>x</p>"),
    }
    with serve_mirror(None, routes=routes) as proxy:
        status, ctype, body = fetch_via_proxy(proxy, "http://www.example.gov.cn/a/t20240101_1.html")
        assert (status, ctype, body) == (200, "text/html", page.read_bytes())
        status, ctype, body = fetch_via_proxy(proxy, "https://mp.weixin.qq.com/s/abc")
        assert (status, ctype, body) == (200, "text/html; charset=utf-8", b"<p>x</p>")
        assert fetch_via_proxy(proxy, "https://mp.weixin.qq.com/s/other")[0] == 404


def test_sources_use_only_known_keys_and_reach_every_sample() -> None:
    sources = yaml.safe_load(SOURCES_FILE.read_text(encoding="utf-8"))["sources"]
    assert all(set(s) <= MIRROR_KEYS for s in sources)
    ids = {s["id"] for s in sources}
    samples = load_samples(EXPECTATIONS_FILE)
    assert {s.source for s in samples} <= ids
    assert len({s.id for s in samples}) == len(samples)
    assert all(set(s.expect) <= set(FIELDS) for s in samples)


def test_generated_list_pages_link_their_samples_only(tmp_path: Path) -> None:
    samples = load_samples(EXPECTATIONS_FILE)
    sources = yaml.safe_load(SOURCES_FILE.read_text(encoding="utf-8"))["sources"]
    routes = build_routes(samples, sources, tmp_path)
    generated = [u for u in routes if GENERATED_HOST in u]
    assert generated, "the detail samples need generated list pages"
    wechat = routes[f"http://{GENERATED_HOST}/wechat/articles.txt"].read() or b""
    wanted = [s.url for s in samples if s.source == "real-wechat-articles"]
    assert wechat.decode().split() == wanted


@pytest.fixture(scope="module")
def evaluation() -> Evaluation:
    result = evaluate(REPO)
    assert result is not None
    return result


@needs_samples
def test_no_field_that_passed_regresses(evaluation: Evaluation) -> None:
    regressed = sorted(load_baseline() - evaluation.passed())
    assert not regressed, (
        f"real-page fields that passed before and fail now: {regressed}\n"
        + render_table(evaluation.checks)
        + "\n"
        + render_totals(evaluation.checks)
    )


@needs_samples
def test_every_expected_field_is_judged(evaluation: Evaluation) -> None:
    samples = load_samples(EXPECTATIONS_FILE)
    assert len(evaluation.checks) == sum(len(s.expect) for s in samples)
