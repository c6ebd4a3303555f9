"""Extract stage: recognise anti-bot, captcha and verification pages served in place of content.

Input: a `parsel.Selector` of a fetched page.
Output: a short reason (`"blocked: …"`) when the page is such a wall, else None. A wall is a
failure to record and retry, never "a list without notices" or "a notice without text".
"""

from __future__ import annotations

from parsel import Selector

# Words of the walls themselves (Alibaba Cloud WAF slider, WeChat's 环境异常, Cloudflare …).
WALL_TITLES = (
    "滑动验证", "安全验证", "人机验证", "访问验证", "验证码", "环境异常", "请稍候", "访问受限",
    "access denied", "attention required", "just a moment", "captcha", "are you a robot",
    "security check", "verify you are human",
)  # fmt: skip
WALL_TEXTS = (
    "请进行如下验证", "为保证您的正常访问", "去验证", "完成验证", "拖动滑块", "请按住滑块",
    "访问过于频繁", "访问频率过高", "检测到异常", "verify you are human", "enable javascript and cookies",
    "unusual traffic", "captcha",
)  # fmt: skip
SHORT_PAGE = 3000  # characters of visible text: a wall says little; a real page mentioning
# 验证码 in its registration steps says much more


def visible_text(sel: Selector) -> str:
    parts = sel.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]").getall()
    return " ".join(" ".join(parts).split())


def detect_blocked(sel: Selector) -> str | None:
    """`"blocked: <marker>"` when the page is an anti-bot/captcha/verification wall."""
    title = " ".join(sel.xpath("//title//text()").getall()).strip().lower()
    for marker in WALL_TITLES:
        if marker in title:
            return f"blocked: {marker}"
    text = visible_text(sel)
    if len(text) > SHORT_PAGE:
        return None
    lowered = text.lower()
    for marker in WALL_TEXTS:
        if marker in lowered:
            return f"blocked: {marker}"
    return None
