"""The report as a reader sees it: rendered by headless Chromium, every chart drawn, no tofu.

Method. (1) A report is built from synthetic frames with Chinese titles, employers, provinces
and role-cluster names. (2) Chromium loads a probe copy of the page (the report plus a small
script, CSP removed) with --dump-dom; the script records each chart's box and the page height.
(3) Chromium screenshots the report itself at that size (saved to test-artifacts/report.png);
each chart's box must hold drawn pixels (ink and several colours), not a blank area.
(4) Tofu: Chromium draws a character with the first font in the CSS/SVG font list that covers
it, found through fontconfig. Every CJK character of the report must be in the font fontconfig
gives for "Noto Sans CJK SC" (the first CJK font in both lists), and every other non-ASCII
character in some installed font (`fc-list :charset=…`). A character no font covers is tofu.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from test_report_sections import _many

from analysis import report

REPO = Path(__file__).resolve().parents[1]
ARTIFACT = REPO / "test-artifacts" / "report.png"
WIDTH = 1100
CHROMIUM = next(
    (shutil.which(n) for n in ("chromium", "chromium-browser") if shutil.which(n)), None
)
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or shutil.which("fc-match") is None,
    reason="headless Chromium and fontconfig are not installed (`.ci/run` installs chromium "
    "and fonts-noto-cjk when run as root)",
)

PROBE = """<script>
const boxes = [...document.querySelectorAll("figure[id^=chart-]")].map(f => {
  const r = f.querySelector("svg").getBoundingClientRect();
  return {name: f.id, x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height,
          texts: f.querySelectorAll("svg text").length};
});
const out = document.createElement("pre");
out.id = "icc-probe";
out.textContent = JSON.stringify({height: document.documentElement.scrollHeight, boxes});
document.body.appendChild(out);
</script>"""


def _chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
    ]
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    tmp = tmp_path_factory.mktemp("browser")
    positions, findings = _many(months=14, per_month=6)
    paths = report.build_report(positions, findings, month="2025-02", out_dir=tmp / "report")
    page = paths.html.read_text("utf-8")
    probe = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page)
    probe_path = tmp / "probe.html"
    probe_path.write_text(probe.replace("</body>", PROBE + "\n</body>"), "utf-8")
    dom = _chromium(
        f"--window-size={WIDTH},1000",
        "--virtual-time-budget=5000",
        "--dump-dom",
        probe_path.as_uri(),
        profile=tmp / "profile",
    )
    found = re.search(r'<pre id="icc-probe">(.*?)</pre>', dom.stdout, re.S)
    assert found, f"no probe output from Chromium: {dom.stderr[-500:]}"
    layout = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.unlink(missing_ok=True)
    shot = _chromium(
        f"--window-size={WIDTH},{int(layout['height'])}",
        "--virtual-time-budget=5000",
        f"--screenshot={ARTIFACT}",
        paths.html.as_uri(),
        profile=tmp / "profile",
    )
    assert ARTIFACT.exists(), f"no screenshot: {shot.stderr[-500:]}"
    return {
        "page": page,
        "layout": layout,
        "markdown": paths.markdown.read_text("utf-8"),
        "dom": dom.stdout,
    }


def test_every_chart_is_drawn(rendered: dict[str, object]) -> None:
    import numpy as np
    from PIL import Image

    layout = rendered["layout"]
    assert isinstance(layout, dict)
    names = {b["name"] for b in layout["boxes"]}
    expected = {"positions", "languages", "overseas", "aigc", "clusters", "provinces"}
    assert names == {f"chart-{n}" for n in expected}
    pixels = np.asarray(Image.open(ARTIFACT).convert("RGB")).astype(int)
    for box in layout["boxes"]:
        assert box["w"] > 300 and box["h"] > 150, box
        assert box["texts"] >= 5, f"{box['name']}: no title or axis labels"
        x, y, w, h = (int(box[k]) for k in ("x", "y", "w", "h"))
        crop = pixels[y : y + h, x : x + w]
        assert crop.shape[0] == h and crop.shape[1] == w, f"{box['name']} is off the screenshot"
        ink = (np.abs(crop - 255).sum(axis=2) > 60).mean()
        colours = len({tuple(c) for c in crop[::4, ::4].reshape(-1, 3)})
        assert ink > 0.02, f"{box['name']} looks blank ({ink:.1%} ink)"
        assert colours > 8, f"{box['name']} has {colours} colours: not drawn?"


def _font_file(family: str) -> tuple[str, int]:
    out = subprocess.run(
        ["fc-match", "-f", "%{file}\n%{index}", family], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    return out[0], int(out[1] or 0)


def _text_of(page: str) -> str:
    without_tags = re.sub(r"<style>.*?</style>|<[^>]+>", " ", page, flags=re.S)
    import html

    return html.unescape(without_tags)


def test_no_tofu(rendered: dict[str, object]) -> None:
    from fontTools.ttLib import TTCollection, TTFont

    text = _text_of(str(rendered["page"]))
    chars = {c for c in text if ord(c) > 127 and not c.isspace()}
    cjk = {c for c in chars if CJK.match(c)}
    assert len(cjk) > 20, "the test report should carry Chinese text"
    path, index = _font_file("Noto Sans CJK SC")
    if "CJK" not in Path(path).name:
        pytest.fail(f'fontconfig has no "Noto Sans CJK SC" (gave {path}): install fonts-noto-cjk')
    font = TTCollection(path).fonts[index] if path.endswith(".ttc") else TTFont(path)
    cmap = font.getBestCmap()
    missing = sorted(c for c in cjk if ord(c) not in cmap)
    assert not missing, f"CJK characters without a glyph (tofu): {''.join(missing)}"
    others = sorted(chars - cjk)
    uncovered = []
    for c in others:
        listed = subprocess.run(
            ["fc-list", f":charset={ord(c):x}", "family"], capture_output=True, text=True
        ).stdout
        if not listed.strip():
            uncovered.append(f"{c} U+{ord(c):04X} {unicodedata.name(c, '?')}")
    assert not uncovered, f"characters no installed font covers: {uncovered}"


def test_screenshot_saved(rendered: dict[str, object]) -> None:
    from PIL import Image

    with Image.open(ARTIFACT) as image:
        assert image.size[0] == WIDTH and image.size[1] > 3000


def test_what_the_reader_sees_names_no_model_parameter(rendered: dict[str, object]) -> None:
    """The text Chromium rendered (the DOM after load, charts included) holds no estimator
    parameter name and no placeholder cluster name."""
    from analysis.cluster import RoleClusterer

    text = _text_of(re.sub(r'<pre id="icc-probe">.*?</pre>', "", str(rendered["dom"]), flags=re.S))
    internal = {*RoleClusterer().get_params(), "k_criterion", "n_fit_samples", "random_state"}
    assert not [name for name in internal if re.search(rf"\b{name}\b", text)]
    assert not re.search(r"\bcluster \d+\b", text)
