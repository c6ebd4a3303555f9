"""Site stage of the mirror build: the WeChat official-account articles.

Input: notices.yaml as loaded (the wechat site and its notices).
Output: files (path -> bytes, Content-Type) of the articles at wechat/s/<short id>.html, the
deleted and error pages WeChat serves instead, and the articles.txt index.
"""

from __future__ import annotations

import hashlib
from typing import Any

from mirror.paths import HTML_UTF8, TEXT_UTF8, Files, wechat_id
from mirror.render import chinese_blocks, esc, published_at, render_blocks

# --------------------------------------------------------------------------- wechat

WECHAT_NONCE = "520117403"
WECHAT_HEAD = """<!DOCTYPE html>
<html class="">
<head>
    <meta name="wechat-enable-text-zoom-em" content="true">
    <meta http-equiv="Content-Type" content="text/html; charset=utf-8">
    <meta http-equiv="X-UA-Compatible" content="IE=edge">
    <meta name="color-scheme" content="light dark">
    <meta name="viewport" content="width=device-width,initial-scale=1.0,maximum-scale=1.0,user-scalable=0,viewport-fit=cover">
    <script nonce="{nonce}" reportloaderror>
        window.logs = {{ pagetime: {{}} }};
        window.logs.pagetime['html_begin'] = (+new Date());
        window.LANG = "zh_CN";
    </script>
"""


def wechat_user_name(nickname: str) -> str:
    return "gh_" + hashlib.sha256(nickname.encode()).hexdigest()[:12]


def render_wechat_article(item: dict[str, Any], site: dict[str, Any]) -> bytes:
    """A raw-server-style WeChat article: JS variables carry title, account and time."""
    moment = published_at(item)
    short_id = wechat_id(item["id"])
    nickname = site["name"]
    title = item["title"]
    desc = item["intro"][0][:54]
    ct = int(moment.timestamp())
    body = render_blocks(chinese_blocks(item), "wechat")
    parts = [
        WECHAT_HEAD.format(nonce=WECHAT_NONCE),
        f'    <meta name="description" content="{esc(desc)}" />\n',
        '    <meta name="author" content="" />\n',
        f'    <meta property="og:title" content="{esc(title)}" />\n',
        f'    <meta property="og:url" content="https://mp.weixin.qq.com/s/{short_id}" />\n',
        f'    <meta property="og:description" content="{esc(desc)}" />\n',
        '    <meta property="og:site_name" content="微信公众平台" />\n',
        '    <meta property="og:type" content="article" />\n',
        "    <title></title>\n</head>\n",
        '<body id="activity-detail" class="zh_CN wx_wap_page">\n',
        '<div id="js_article" style="position:relative;" class="rich_media">\n',
        '    <div id="js_base_container" class="rich_media_inner">\n',
        '        <div id="page-content" class="rich_media_area_primary" style="">\n',
        '            <div class="rich_media_area_primary_inner">\n',
        '                <div id="img-content" class="rich_media_wrp">\n',
        '                    <h1 class="rich_media_title " id="activity-name">\n',
        f"                        {esc(title)}</h1>\n",
        '                    <div id="meta_content" class="rich_media_meta_list">\n',
        '                        <span class="rich_media_meta rich_media_meta_nickname" '
        'id="profileBt">\n',
        '              <a href="javascript:void(0);" class="wx_tap_link js_wx_tap_highlight '
        'weui-wa-hotarea" id="js_name">\n',
        f"                {esc(nickname)}              </a>\n",
        "            </span>\n",
        '                        <span id="meta_content_hide_info" class="">\n',
        '              <em id="publish_time" class="rich_media_meta rich_media_meta_text"></em>\n',
        "                        </span>\n",
        "                    </div>\n",
        '                    <div class="rich_media_content js_underline_content\n',
        "                       autoTypeSetting24psection\n",
        '            " id="js_content" style="visibility: hidden; opacity: 0; ">\n',
        body,
        "\n                    </div>\n",
        "                </div>\n            </div>\n        </div>\n    </div>\n</div>\n",
        f'<script nonce="{WECHAT_NONCE}" reportloaderror>\n',
        f"var createTime = '{moment:%Y-%m-%d %H:%M}';\n",
        "</script>\n",
        f'<script type="text/javascript" nonce="{WECHAT_NONCE}" reportloaderror>\n',
        'var item_show_type = "0";\n',
        f'var create_time = "{ct}" * 1;\n',
        f'var nickname = htmlDecode("{esc(nickname)}");\n',
        f'var ct = "{ct}";\n',
        f'var user_name = "{wechat_user_name(nickname)}";\n',
        f"var msg_title = '{esc(title)}'.html(false);\n",
        f'var msg_desc = htmlDecode("{esc(desc)}");\n',
        f'var msg_link = "https://mp.weixin.qq.com/s/{short_id}";\n',
        'var author = "";\n',
        'var copyright_stat = "1" * 1;\n',
        "</script>\n</body>\n</html>\n",
    ]
    return "".join(parts).encode("utf-8")


def render_wechat_deleted() -> bytes:
    """The page WeChat serves (HTTP 200) for an article its publisher deleted."""
    page = (
        WECHAT_HEAD.format(nonce=WECHAT_NONCE)
        + "    <title></title>\n</head>\n"
        + '<body id="activity-detail" class="zh_CN wx_wap_page">\n'
        + '<div class="weui-msg">\n'
        + '    <div class="weui-msg__icon-area">\n'
        + '        <i class="weui-icon-warn weui-icon_msg-primary"></i>\n'
        + "    </div>\n"
        + '    <div class="weui-msg__text-area">\n'
        + '        <div class="weui-msg__title warn">该内容已被发布者删除</div>\n'
        + "    </div>\n"
        + "</div>\n</body>\n</html>\n"
    )
    return page.encode("utf-8")


DELETED_WECHAT_ID = "wx-deleted-2025-01"
DELETED_WECHAT_DATE = "2025-01-20 10:00"

# The other error pages WeChat serves instead of an article (NOTES.md §1.3): (id, date, reason).
WECHAT_ERROR_PAGES = (
    ("wx-violation-2025-02", "2025-02-11 09:00", "violation"),
    ("wx-unavailable-2025-05", "2025-05-08 11:00", "temporarily_unavailable"),
    ("wx-expired-2025-08", "2025-08-19 16:00", "link_expired"),
    ("wx-verify-2025-10", "2025-10-27 08:30", "verification"),
)


def render_wechat_error(reason: str) -> bytes:
    """Small error/interstitial pages in the shapes WeChat and Sogou use."""
    if reason == "temporarily_unavailable":
        page = (
            '<!DOCTYPE html><html><head><meta charset="utf-8">'
            "<title>该内容暂时无法查看</title></head><body></body></html>\n"
        )
        return page.encode("utf-8")
    if reason == "link_expired":
        page = (
            '<!DOCTYPE html><html><head><meta charset="utf-8"><title>搜狗微信</title></head>'
            '<body><div class="main"><p class="p1">链接已过期</p>'
            '<p class="p2">请重新搜索后访问</p></div></body></html>\n'
        )
        return page.encode("utf-8")
    title, desc = {
        "violation": (
            "此内容因违规无法查看",
            "由用户投诉并经平台审核，涉嫌违反相关法律法规和政策，查看对应规则",
        ),
        "verification": ("环境异常", "当前环境异常，完成验证后即可继续访问。去验证"),
    }[reason]
    page = (
        WECHAT_HEAD.format(nonce=WECHAT_NONCE)
        + "    <title></title>\n</head>\n"
        + '<body id="activity-detail" class="zh_CN wx_wap_page">\n'
        + '<div class="weui-msg">\n    <div class="weui-msg__text-area">\n'
        + f'        <div class="weui-msg__title warn">{title}</div>\n'
        + f'        <div class="weui-msg__desc">{desc}</div>\n'
        + "    </div>\n</div>\n</body>\n</html>\n"
    )
    return page.encode("utf-8")


def build_wechat(data: dict[str, Any]) -> Files:
    site = data["sites"]["wechat"]
    notices = [n for n in data["notices"] if n["site"] == "wechat"]
    files: Files = {}
    listed = [(n["published"], wechat_id(n["id"])) for n in notices]
    for item in notices:
        files[f"wechat/s/{wechat_id(item['id'])}.html"] = (
            render_wechat_article(item, site),
            HTML_UTF8,
        )
    deleted = wechat_id(DELETED_WECHAT_ID)
    files[f"wechat/s/{deleted}.html"] = (render_wechat_deleted(), HTML_UTF8)
    listed.append((DELETED_WECHAT_DATE, deleted))
    for page_id, date, reason in WECHAT_ERROR_PAGES:
        short_id = wechat_id(page_id)
        files[f"wechat/s/{short_id}.html"] = (render_wechat_error(reason), HTML_UTF8)
        listed.append((date, short_id))
    lines = [f"s/{short_id}.html" for _, short_id in sorted(listed, reverse=True)]
    files["wechat/articles.txt"] = (("\n".join(lines) + "\n").encode("utf-8"), TEXT_UTF8)
    return files
