"""Extract stage: parse a WeChat official-account article page (mp.weixin.qq.com/s/...).

Input: a `parsel.Selector` of the raw server HTML (or a browser-saved copy) and its URL.
Output: `ParsedNotice` (JS variables first: msg_title, nickname, ct; DOM second) or
`Unavailable` for deleted / blocked / temporarily unavailable / expired / verification pages.
"""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta, timezone

from parsel import Selector

from analysis.extract.pages.records import Unavailable
from analysis.extract.pages.text import render_text
from analysis.extract.pages.titles import clean_title, meta_values
from analysis.models import ParsedNotice, WechatMeta

SHANGHAI = timezone(timedelta(hours=8))  # no DST since 1991, so a fixed offset is exact
UNAVAILABLE_REASONS = (
    ("deleted", ("已被发布者删除", "该内容已被删除", "内容已删除")),
    ("violation", ("违规无法查看", "因违规", "违反")),
    ("temporarily_unavailable", ("暂时无法查看",)),
    ("link_expired", ("链接已过期",)),
    ("verification", ("环境异常", "去验证", "完成验证")),
)
_QUOTED = r"""(['"])((?:(?!\1)[^\\]|\\.)*)\1"""
_JS_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)", re.S)
_TEXT_PAGE_CONTENT = re.compile(
    rf"text_page_info\s*[:=]\s*\{{\s*content\s*:\s*(?:JsDecode\(\s*)?{_QUOTED}"
)
_RELATIVE_DATE = re.compile(r"(前天|昨天|今天|天前|小时前|分钟前|刚刚)")


def js_unescape(value: str) -> str:
    r"""Undo JS string escapes (\x0a, \u4e2d, \', \\) and HTML entities (&#39;, &amp;)."""

    def replace(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in "xu" and len(code) > 1:
            return chr(int(code[1:], 16))
        return {"n": "\n", "t": "\t", "r": "\r"}.get(code, code)

    return html.unescape(_JS_ESCAPE.sub(replace, value))


def js_var(scripts: str, name: str) -> str | None:
    """First non-empty `var name = '…'` / `window.name = "…"` / `= htmlDecode("…")` value."""
    pattern = re.compile(
        rf"(?:\bvar\s+|\bwindow\.){re.escape(name)}\s*=\s*(?:htmlDecode\(\s*)?{_QUOTED}"
    )
    for match in pattern.finditer(scripts):
        value = js_unescape(match.group(2)).strip()
        if value:
            return value
    return None


def js_field(scripts: str, name: str, digits: bool = False) -> str | None:
    """First non-empty `name: '…'` or `name: JsDecode('…')` value in an object literal."""
    pattern = re.compile(rf"\b{re.escape(name)}\s*:\s*(?:JsDecode\(\s*)?{_QUOTED}")
    for match in pattern.finditer(scripts):
        value = js_unescape(match.group(2)).strip()
        if value and (not digits or value.isdigit()):
            return value
    return None


def first_text(sel: Selector, xpath: str) -> str:
    nodes = sel.xpath(xpath)
    return " ".join(" ".join(nodes[0].xpath(".//text()").getall()).split()) if nodes else ""


def unix_to_iso(seconds: str) -> str:
    return datetime.fromtimestamp(int(seconds), tz=SHANGHAI).isoformat()


def page_scripts(sel: Selector) -> str:
    return "\n".join(sel.xpath("//script/text()").getall())


def unavailable_reason(sel: Selector) -> tuple[str, str]:
    """(reason, message) of an error page; reason "no_content" when nothing matches."""
    parts = [
        first_text(sel, "//*[contains(@class, 'weui-msg__title')]"),
        first_text(sel, "//*[contains(@class, 'weui-msg__desc')]"),
        first_text(sel, "//title"),
    ]
    body = sel.xpath("//body")
    if body:
        parts.append(render_text(body[0]))
    message = "\n".join(p for p in parts if p)
    for reason, needles in UNAVAILABLE_REASONS:
        if any(n in message for n in needles):
            return reason, message.split("\n", 1)[0]
    return "no_content", message[:200]


def parse_title(sel: Selector, scripts: str) -> tuple[str, str]:
    value = js_var(scripts, "msg_title")
    if value:
        return value, "js:msg_title"
    og = sel.xpath("//meta[@property='og:title']/@content").get()
    if og and og.strip():
        return html.unescape(og.strip()), "og:title"
    heading = first_text(sel, "//*[@id='activity-name']|//*[contains(@class, 'js_title_inner')]")
    if heading:
        return heading, "dom"
    value = js_field(scripts, "title")
    if value:
        return value, "js:cgi_title"
    twitter = meta_values(sel, "twitter:title")
    if twitter:
        return twitter[0], "twitter:title"
    page = clean_title(sel.xpath("string(//title)").get() or "", sel)
    return (page, "title-tag") if page else ("", "none")


def parse_nickname(sel: Selector, scripts: str) -> str | None:
    value = js_var(scripts, "nickname") or js_field(scripts, "nick_name")
    return value or first_text(sel, "//*[@id='js_name']|//*[@id='post-user']") or None


def parse_published(sel: Selector, scripts: str) -> tuple[str | None, str]:
    """(ISO datetime or raw date, source): ct (unix seconds, UTC) is the reliable one."""
    seconds = js_var(scripts, "ct") or js_var(scripts, "create_time")
    if seconds and seconds.isdigit():
        return unix_to_iso(seconds), "js:ct"
    seconds = js_field(scripts, "create_time", digits=True)
    if seconds:
        return unix_to_iso(seconds), "js:cgi_create_time"
    for name in ("createTime", "publish_time"):
        value = js_var(scripts, name)
        if value:
            return value, f"js:{name}"
    shown = first_text(sel, "//*[@id='publish_time']|//*[@id='post-date']")
    if shown and not _RELATIVE_DATE.search(shown):
        return shown, "dom"
    return None, "none"


def parse_body(sel: Selector, scripts: str, show_type: str | None) -> str:
    if show_type == "10":
        match = _TEXT_PAGE_CONTENT.search(scripts)
        if match:
            content = js_unescape(match.group(2))
            return "\n".join(line.strip() for line in content.splitlines() if line.strip())
    container = sel.xpath("//*[@id='js_content']")
    text = render_text(container[0]) if container else ""
    if text:
        return text
    # Share/image posts: only a summary exists; WeChat keeps JS escapes (\x0a) in it.
    description = sel.xpath("//meta[@property='og:description']/@content").get() or ""
    summary = js_unescape(description.strip()) or js_var(scripts, "msg_desc") or ""
    return "\n".join(line.strip() for line in summary.splitlines() if line.strip())


def has_article(sel: Selector, scripts: str) -> bool:
    return bool(
        js_var(scripts, "msg_title")
        or sel.xpath("//meta[@property='og:title']/@content").get()
        or first_text(sel, "//*[@id='activity-name']")
        or (
            sel.xpath("//*[@id='js_content']")
            and render_text(sel.xpath("//*[@id='js_content']")[0])
        )
    )


# Where a share/reprint post names the article it embeds: the "阅读全文" link of its share card,
# else the JS variables of the page. Only a WeChat article counts: on an original article
# msg_source_url is its "阅读原文" link, which may lead anywhere (a blog, a portal).
SHARE_SOURCE_VARS = ("share_source_url", "msg_source_url", "source_url")
WECHAT_ARTICLE = re.compile(r"^https?://mp\.weixin\.qq\.com/(?:s[/?]|mp/appmsg/show\?)", re.I)
MAX_URL_CHARS = 2_000


def share_source_url(sel: Selector, scripts: str) -> str | None:
    """The URL of the WeChat article a share/reprint post embeds (its fragment, such as
    #wechat_redirect, dropped so one article is one URL), or None."""
    candidates = [sel.xpath("//*[@id='js_share_source']/@data-url").get() or ""]
    candidates += [js_var(scripts, name) or "" for name in SHARE_SOURCE_VARS]
    for raw in candidates:
        value = html.unescape(raw.strip())
        if len(value) <= MAX_URL_CHARS and WECHAT_ARTICLE.match(value):
            return value.split("#", 1)[0]
    return None


def parse_wechat_article(sel: Selector, url: str) -> ParsedNotice | Unavailable:
    """Parse a WeChat article; error/interstitial pages come back as `Unavailable`."""
    scripts = page_scripts(sel)
    if not has_article(sel, scripts):
        reason, message = unavailable_reason(sel)
        return Unavailable(url=url, reason=reason, message=message)
    title, title_source = parse_title(sel, scripts)
    published, published_source = parse_published(sel, scripts)
    show_type = js_var(scripts, "item_show_type")
    nickname = parse_nickname(sel, scripts)
    meta = WechatMeta(
        item_show_type=show_type,
        nickname=nickname,
        create_time_local=js_var(scripts, "createTime"),
        author=js_var(scripts, "author"),
        user_name=js_var(scripts, "user_name"),
        msg_link=js_var(scripts, "msg_link"),
        copyright_stat=js_var(scripts, "copyright_stat"),
        share_author=first_text(sel, "//*[@id='js_share_author']") or None,
        share_source_url=share_source_url(sel, scripts),
    )
    return ParsedNotice(
        url=url,
        title=title,
        text=parse_body(sel, scripts, show_type),
        published=published,
        employer=nickname,
        title_source=title_source,
        published_source=published_source,
        wechat=meta,
    )
