"""Build stage of the offline mirror: render notices.yaml into static sites.

Input: mirror/notices.yaml (our own notice texts).
Output: mirror/sites/<site>/... as exact bytes (GBK for the TRS-style site, UTF-8
elsewhere) plus `_content_types.json`, the Content-Type the server sends for each file.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from mirror import (
    BASE_URL,
    CONTENT_TYPES_FILE,
    NOTICE_PATHS_FILE,
    SITES_DIR,
    VIRTUAL_FILE,
    load_notices,
)
from mirror import attachments as att_files

SHANGHAI = timezone(timedelta(hours=8))
ICC_PER_PAGE = 4
RSJ_PER_PAGE = 5
JOBS_PER_PAGE = 4
RSJ_COL = 1234
CN_ORDINALS = "一二三四五六七八九十"
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

HTML_GBK = "text/html; charset=gbk"
HTML_BARE = "text/html"
HTML_UTF8 = "text/html; charset=utf-8"
TEXT_UTF8 = "text/plain; charset=utf-8"
PDF = "application/pdf"
RSS = "application/rss+xml; charset=utf-8"
XML = "application/xml; charset=utf-8"
MIRROR_BASE = BASE_URL
OVERSIZED_BYTES = 48 * 1024 * 1024  # above the crawler's 20 MB attachment limit


@dataclass(frozen=True, slots=True)
class Para:
    """One paragraph of a notice body: an optional bold label, then the text."""

    text: str
    label: str = ""
    heading: bool = False
    href: str = ""


@dataclass(frozen=True, slots=True)
class Table:
    """A position table: a title row, a header row and data rows."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Bullets:
    """An unordered list under a heading (English job ads)."""

    heading: str
    items: tuple[str, ...]


Block = Para | Table | Bullets
Files = dict[str, tuple[bytes, str]]


# --------------------------------------------------------------------------- data


def published_at(item: dict[str, Any]) -> datetime:
    """The notice's local (Asia/Shanghai) publication time."""
    return datetime.strptime(item["published"], "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)


def by_date_desc(items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Newest first, ties broken by id so the order never depends on the YAML order."""
    return sorted(items, key=lambda n: (n["published"], n["id"]), reverse=True)


def wechat_id(notice_id: str) -> str:
    """A stable 22-character short-link id, like mp.weixin.qq.com/s/<id>."""
    digest = hashlib.sha256(notice_id.encode()).digest()
    return base64.b64encode(digest, altchars=b"xY").decode()[:22]


def cn_date(moment: datetime) -> str:
    return f"{moment.year}年{moment.month}月{moment.day}日"


def en_date(moment: datetime) -> str:
    return f"{MONTHS_EN[moment.month - 1]} {moment.day}, {moment.year}"


def esc(text: str) -> str:
    return html.escape(text, quote=True)


# --------------------------------------------------------------------------- body blocks


def position_blocks(notice: dict[str, Any]) -> list[Block]:
    """The positions of a Chinese notice in its layout (numbered, ordinal or table)."""
    positions = notice["positions"]
    if notice["format"] == "table":
        header = ("岗位名称", "招聘人数", "专业", "学历", "其他条件")
        rows = tuple(
            (p["title"], str(p["headcount"]), p["major"], p["education"], p["other"])
            for p in positions
        )
        return [Table(notice["table_title"], header, rows)]
    blocks: list[Block] = []
    for i, pos in enumerate(positions, start=1):
        seq = f"{i}." if notice["format"] == "numbered" else f"岗位{CN_ORDINALS[i - 1]}："
        blocks.append(Para(f"{seq}{pos['title']}（{pos['headcount']}名）", heading=True))
        blocks.append(Para(pos["duties"], label="岗位职责："))
        blocks.append(Para("", label="任职要求："))
        blocks.extend(Para(f"（{k}）{req}") for k, req in enumerate(pos["requirements"], 1))
    return blocks


def chinese_blocks(notice: dict[str, Any], attachment_base: str = "") -> list[Block]:
    """Body blocks of a Chinese notice: intro, positions, conditions, application."""
    moment = published_at(notice)
    blocks: list[Block] = [Para(text) for text in notice["intro"]]
    blocks.append(Para("一、招聘岗位及条件", heading=True))
    blocks.extend(position_blocks(notice))
    blocks.append(Para("二、基本条件", heading=True))
    blocks.extend(Para(f"（{k}）{g}") for k, g in enumerate(notice["general"], 1))
    blocks.append(Para("三、报名时间及方式", heading=True))
    blocks.extend(Para(text) for text in notice["apply"])
    blocks.append(Para("四、联系方式", heading=True))
    blocks.append(Para(notice["contact"]))
    for att in notice.get("attachments", []):
        blocks.append(Para(att["name"], href=attachment_base + att["file"]))
    blocks.append(Para(notice["employer"]))
    blocks.append(Para(cn_date(moment)))
    return blocks


def english_blocks(notice: dict[str, Any]) -> list[Block]:
    """Body blocks of an English job ad (one position per ad)."""
    pos = notice["positions"][0]
    blocks: list[Block] = [Para(text) for text in notice["intro"]]
    blocks.append(Bullets("Responsibilities", tuple(pos["duties"])))
    blocks.append(Bullets("Requirements", tuple(pos["requirements"])))
    blocks.append(Para(notice["location"], label="Location: "))
    if notice.get("valid_through"):
        deadline = datetime.strptime(notice["valid_through"], "%Y-%m-%d")
        blocks.append(Para(en_date(deadline), label="Application deadline: "))
    return blocks


def render_blocks(blocks: Sequence[Block], style: str) -> str:
    """HTML of body blocks; `style` is the site family (trs, jcms, wechat, jobs)."""
    return "\n".join(render_block(block, style) for block in blocks)


def render_block(block: Block, style: str) -> str:
    if isinstance(block, Table):
        return render_table(block)
    if isinstance(block, Bullets):
        items = "".join(f"<li>{esc(item)}</li>" for item in block.items)
        return f"<h3>{esc(block.heading)}</h3>\n<ul>{items}</ul>"
    return render_para(block, style)


def render_para(para: Para, style: str) -> str:
    if para.href:
        return f'<p><a href="{esc(para.href)}">{esc(para.text)}</a></p>'
    if style == "wechat":
        return render_wechat_para(para)
    label = f"<strong>{esc(para.label)}</strong>" if para.label else ""
    if para.heading:
        return f"<p><strong>{esc(para.text)}</strong></p>"
    indent = "\u3000\u3000" if style in ("trs", "jcms") and not para.label else ""
    if style == "trs":
        return f'<p style="text-indent: 2em;">{label}{indent}{esc(para.text)}</p>'
    return f"<p>{label}{indent}{esc(para.text)}</p>"


def render_wechat_para(para: Para) -> str:
    """WeChat wraps every text run in <span leaf="">, often inside <section>."""
    style = 'style="margin: 0px 8px 16px;line-height: 1.75em;"'
    if para.heading:
        return f'<section {style}><strong><span leaf="">{esc(para.text)}</span></strong></section>'
    label = f'<strong><span leaf="">{esc(para.label)}</span></strong>' if para.label else ""
    text = f'<span leaf="">{esc(para.text)}</span>' if para.text else ""
    return f"<p {style}>{label}{text}</p>"


def render_table(table: Table) -> str:
    width = len(table.header)
    lines = [
        '<table border="1" cellspacing="0" cellpadding="0" width="100%">',
        "<tbody>",
        f'<tr><td colspan="{width}" align="center"><strong>{esc(table.title)}</strong></td></tr>',
        "<tr>" + "".join(f"<td><strong>{esc(h)}</strong></td>" for h in table.header) + "</tr>",
    ]
    lines.extend(
        "<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in table.rows
    )
    lines += ["</tbody>", "</table>"]
    return "\n".join(lines)


# --------------------------------------------------------------------------- icc (TRS WCM)

TRS_PAGER_JS = """<script type="text/javascript">
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
    if(_nPageCount == null || _nPageCount <= 1){ return; }
    var nCurrIndex = _nCurrIndex || 0;
    for(var i = 0; i < _nPageCount; i++){
        var sPageName = (i == 0 ? _sPageName : (_sPageName + "_" + i)) + "." + _sPageExt;
        if(nCurrIndex == i){
            document.write("<span class='current'>" + (i + 1) + "</span>&nbsp;");
        }else{
            document.write("<a href='" + sPageName + "'>" + (i + 1) + "</a>&nbsp;");
        }
    }
}
</script>"""


def trs_path(item: dict[str, Any]) -> str:
    moment = published_at(item)
    return f"{moment:%Y%m}/t{moment:%Y%m%d}_{item['trs_id']}.html"


def trs_head(title: str, charset: bool) -> str:
    meta = (
        '<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />\n'
        if charset
        else ""
    )
    return (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
        '<html xmlns="http://www.w3.org/1999/xhtml">\n<head>\n'
        f"{meta}<title>{esc(title)}</title>\n"
    )


def trs_header(site: dict[str, Any], home: str) -> str:
    return (
        '<div class="header"><div class="logo">'
        f"{esc(site['name'])}</div>\n"
        f'<div class="nav"><a href="{home}index.html">首页</a> '
        f'<a href="{home}zpxx/index.html">招聘信息</a></div></div>\n'
    )


def render_trs_detail(item: dict[str, Any], site: dict[str, Any], is_news: bool) -> bytes:
    """A TRS WCM article page, GBK bytes; `charset: none` drops the charset meta."""
    moment = published_at(item)
    source = site["name"] if is_news else item["employer"]
    if is_news:
        blocks: list[Block] = [Para(text) for text in item["paragraphs"]]
    else:
        blocks = chinese_blocks(item, attachment_base="./")
    description = str((item.get("intro") or item["paragraphs"])[0])[:60]
    page_name = trs_path(item).split("/")[1].removesuffix(".html")
    parts = [
        trs_head(f"{item['title']}_{site['name']}", item.get("charset") != "none"),
        f'<meta name="SiteName" content="{esc(site["name"])}" />\n',
        '<meta name="SiteDomain" content="www.ylicc.example" />\n',
        '<meta name="SiteIDCode" content="" />\n',
        '<meta name="ColumnName" content="招聘信息" />\n',
        '<meta name="ColumnType" content="招聘信息" />\n',
        f'<meta name="ArticleTitle" content="{esc(item["title"])}" />\n',
        f'<meta name="PubDate" content="{item["published"]}" />\n',
        f'<meta name="ContentSource" content="{esc(source)}" />\n',
        '<meta name="Keywords" content="" />\n',
        '<meta name="Author" content="" />\n',
        f'<meta name="Description" content="{esc(description)}" />\n',
        "</head>\n<body>\n",
        trs_header(site, "../../"),
        '<div class="main"><div class="detail">\n',
        f'<h1 class="detail-title">{esc(item["title"])}</h1>\n',
        '<div class="detail-info">',
        f"<span>发布时间：{moment:%Y-%m-%d %H:%M}</span>&nbsp;&nbsp;",
        f"<span>来源：{esc(source)}</span></div>\n",
        '<div class="detail-content"><div class="TRS_Editor">\n',
        render_blocks(blocks, "trs"),
        "\n</div></div>\n",
        f'<div class="page">{TRS_PAGER_JS}\n',
        f'<script>createPageHTML(1, 0, "{page_name}", "html");</script></div>\n',
        "</div></div>\n",
        '<div class="footer">版权所有：云岭国际传播中心（离线演示站点）</div>\n',
        "</body>\n</html>\n",
    ]
    return "".join(parts).encode("gbk")


def render_trs_list(
    items: list[dict[str, Any]], page: int, pages: int, site: dict[str, Any]
) -> bytes:
    """One TRS list page: links plus the createPageHTML() pager call (no <a> pager)."""
    lis = "\n".join(
        f'<li><span class="date">{n["published"][:10]}</span>'
        f'<a href="./{trs_path(n)}" target="_blank" title="{esc(n["title"])}">'
        f"{esc(n['title'])}</a></li>"
        for n in items
    )
    body = (
        trs_head(f"招聘信息_{site['name']}", True)
        + '<meta name="ColumnName" content="招聘信息" />\n</head>\n<body>\n'
        + trs_header(site, "../")
        + '<div class="main"><div class="crumb">当前位置：首页 &gt; 招聘信息</div>\n'
        + f'<ul class="list-ul">\n{lis}\n</ul>\n'
        + f'<div class="page">{TRS_PAGER_JS}\n'
        + f'<script type="text/javascript">createPageHTML({pages}, {page}, "index", "html");'
        + "</script></div>\n</div>\n</body>\n</html>\n"
    )
    return body.encode("gbk")


def build_icc(data: dict[str, Any]) -> Files:
    site = data["sites"]["icc"]
    notices = [n for n in data["notices"] if n["site"] == "icc"]
    news = [n for n in data["news"] if n["site"] == "icc"]
    files: Files = {}
    for item in notices + news:
        ctype = HTML_BARE if item.get("charset") == "none" else HTML_GBK
        html_bytes = render_trs_detail(item, site, is_news=item in news)
        files[f"icc/zpxx/{trs_path(item)}"] = (html_bytes, ctype)
        for att in item.get("attachments", []):
            folder = trs_path(item).split("/")[0]
            files[f"icc/zpxx/{folder}/{att['file']}"] = render_attachment(att, item)
    entries = by_date_desc(notices + news)
    chunks = [entries[i : i + ICC_PER_PAGE] for i in range(0, len(entries), ICC_PER_PAGE)]
    for page, chunk in enumerate(chunks):
        name = "index.html" if page == 0 else f"index_{page}.html"
        files[f"icc/zpxx/{name}"] = (render_trs_list(chunk, page, len(chunks), site), HTML_GBK)
    home = (
        trs_head(site["name"], True)
        + "</head>\n<body>\n"
        + trs_header(site, "./")
        + "</body>\n</html>\n"
    )
    files["icc/sitemap.xml"] = (render_sitemap(notices + news), XML)
    files["icc/index.html"] = (home.encode("gbk"), HTML_GBK)
    return files


# --------------------------------------------------------------------------- rsj (大汉 JCMS)


def jcms_path(item: dict[str, Any]) -> str:
    moment = published_at(item)
    col = item.get("col_id", RSJ_COL)
    return f"art/{moment.year}/{moment.month}/{moment.day}/art_{col}_{item['art_id']}.html"


def jcms_head(title: str) -> str:
    return (
        "<!DOCTYPE html>\n<html>\n<head>\n"
        '<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">\n'
        f"<title>{esc(title)}</title>\n"
    )


def render_jcms_detail(item: dict[str, Any], site: dict[str, Any], is_news: bool) -> bytes:
    moment = published_at(item)
    source = item["employer"]
    if is_news:
        blocks: list[Block] = [Para(text) for text in item["paragraphs"]]
    else:
        blocks = chinese_blocks(item)
    parts = [
        jcms_head(item["title"]),
        f'<meta name="SiteName" content="{esc(site["name"])}">\n',
        '<meta name="SiteDomain" content="rsj.zhijiang.example">\n',
        '<meta name="ColumnName" content="事业单位招聘">\n',
        f'<meta name="ArticleTitle" content="{esc(item["title"])}">\n',
        f'<meta name="PubDate" content="{item["published"]}">\n',
        f'<meta name="contentSource" content="{esc(source)}">\n',
        "</head>\n<body>\n",
        f'<div class="top"><a href="../../../../index.html">{esc(site["name"])}</a></div>\n',
        '<div class="con">\n',
        f'<p class="con-title"> <!--<$[标题]>begin-->{esc(item["title"])}<!--<$[标题]>end--></p>\n',
        '<div class="small-title clearfix">\n',
        f"<span>发布日期：{moment:%Y-%m-%d}</span>\n<span>浏览次数： </span>\n",
        f"<span>信息来源：<!--<$[信息来源]>begin-->{esc(source)}<!--<$[信息来源]>end--></span>\n",
        "</div>\n",
        '<div class="main-txt" id="zoom">\n',
        '<!--<$[信息内容]>begin--><!--ZJEG_RSS.content.begin--><meta name="ContentStart">',
        render_blocks(blocks, "jcms"),
        '<meta name="ContentEnd"><!--ZJEG_RSS.content.end--><!--<$[信息内容]>end-->\n',
        "</div>\n",
        '<div class="main-word"><a href="javascript:window.print()">打印本页</a> '
        '<a href="javascript:window.close()">关闭窗口</a></div>\n',
        "</div>\n</body>\n</html>\n",
    ]
    return "".join(parts).encode("utf-8")


def render_jcms_list(
    items: list[dict[str, Any]], page: int, pages: int, site: dict[str, Any]
) -> bytes:
    """A JCMS column page with 首页/上一页/下一页/尾页 links."""
    lis = "\n".join(
        f'<li><a href="../../{jcms_path(n)}" title="{esc(n["title"])}" target="_blank">'
        f'{esc(n["title"])}</a><span class="bt-data-time">{n["published"][:10]}</span></li>'
        for n in items
    )

    def page_name(i: int) -> str:
        return "index.html" if i == 1 else f"index_{i}.html"

    pager = [f'<a href="{page_name(1)}">首页</a>']
    if page > 1:
        pager.append(f'<a href="{page_name(page - 1)}">上一页</a>')
    if page < pages:
        pager.append(f'<a href="{page_name(page + 1)}">下一页</a>')
    pager.append(f'<a href="{page_name(pages)}">尾页</a>')
    pager.append(f"<span>共{pages}页 当前第{page}页</span>")
    body = (
        jcms_head(f"事业单位招聘_{site['name']}")
        + f'<meta name="SiteName" content="{esc(site["name"])}">\n</head>\n<body>\n'
        + f'<div class="top"><a href="../../index.html">{esc(site["name"])}</a></div>\n'
        + '<div class="bt-column">事业单位招聘</div>\n'
        + f'<div class="default_pgContainer"><ul class="bt-list">\n{lis}\n</ul></div>\n'
        + f'<div class="default_pgPanel">{" ".join(pager)}</div>\n'
        + "</body>\n</html>\n"
    )
    return body.encode("utf-8")


def build_rsj(data: dict[str, Any]) -> Files:
    site = data["sites"]["rsj"]
    notices = [n for n in data["notices"] if n["site"] == "rsj"]
    news = [n for n in data["news"] if n["site"] == "rsj"]
    files: Files = {}
    for item in notices + news:
        files[f"rsj/{jcms_path(item)}"] = (
            render_jcms_detail(item, site, is_news=item in news),
            HTML_UTF8,
        )
        folder = jcms_path(item).rsplit("/", 1)[0]
        for att in item.get("attachments", []):
            files[f"rsj/{folder}/{att['file']}"] = render_attachment(att, item)
    entries = by_date_desc(notices + news)
    chunks = [entries[i : i + RSJ_PER_PAGE] for i in range(0, len(entries), RSJ_PER_PAGE)]
    for page, chunk in enumerate(chunks, start=1):
        name = "index.html" if page == 1 else f"index_{page}.html"
        files[f"rsj/col/col{RSJ_COL}/{name}"] = (
            render_jcms_list(chunk, page, len(chunks), site),
            HTML_UTF8,
        )
    home = (
        jcms_head(site["name"])
        + "</head>\n<body>\n"
        + f'<a href="col/col{RSJ_COL}/index.html">事业单位招聘</a>\n</body>\n</html>\n'
    )
    files["rsj/index.html"] = (home.encode("utf-8"), HTML_UTF8)
    files["rsj/rss.xml"] = (render_rss(notices + news, site, "rsj/"), RSS)
    return files


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


# --------------------------------------------------------------------------- jobs board


def job_posting_ld(item: dict[str, Any], description: str) -> str:
    """schema.org JobPosting JSON-LD; '</' is escaped so it cannot close the script."""
    city, _, region = item["location"].partition(", ")
    data = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": item["title"],
        "description": description,
        "datePosted": item["published"][:10],
        "validThrough": f"{item['valid_through']}T23:59:59+08:00",
        "employmentType": "FULL_TIME",
        "hiringOrganization": {"@type": "Organization", "name": item["employer_en"]},
        "jobLocation": {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": city,
                "addressRegion": region or city,
                "addressCountry": "CN",
            },
        },
    }
    return json.dumps(data, ensure_ascii=False, indent=2).replace("</", "<\\/")


def jobs_head(title: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en-US">\n<head>\n<meta charset="UTF-8">\n'
        f"<title>{esc(title)} | Silk Road Media Jobs</title>\n"
    )


def render_job_detail(item: dict[str, Any]) -> bytes:
    moment = published_at(item)
    description = render_blocks(english_blocks(item), "jobs")
    head = jobs_head(item["title"])
    if item.get("jsonld", True):
        head += (
            '<script type="application/ld+json">\n'
            + job_posting_ld(item, description)
            + "\n</script>\n"
        )
    page = (
        head
        + '</head>\n<body class="single-job_listing">\n'
        + '<header class="site-header"><a href="../../">Silk Road Media Jobs</a> '
        + '<a href="../../jobs/">Browse jobs</a></header>\n'
        + '<main id="main" class="site-main"><article class="job_listing">\n'
        + f'<h1 class="entry-title">{esc(item["title"])}</h1>\n'
        + '<ul class="job-listing-meta meta">\n'
        + f'<li class="company">{esc(item["employer_en"])}</li>\n'
        + f'<li class="location">{esc(item["location"])}</li>\n'
        + f'<li class="date-posted">Posted on {en_date(moment)}</li>\n'
        + "</ul>\n"
        + f'<div class="job_description entry-content">\n{description}\n</div>\n'
        + "</article></main>\n"
        + '<footer class="site-footer">Offline demo mirror.</footer>\n'
        + "</body>\n</html>\n"
    )
    return page.encode("utf-8")


def render_job_list(items: list[dict[str, Any]], page: int, pages: int) -> bytes:
    """A job-board list page; page N lives at jobs/page/N/."""
    root = "../" if page == 1 else "../../../"
    lists = "../../" if page > 1 else ""  # from page/N/ back to jobs/
    cards = "\n".join(
        '<article class="job-card">'
        f'<h2 class="job-title"><a href="{root}job/{n["slug"]}/">{esc(n["title"])}</a></h2>'
        f'<div class="company">{esc(n["employer_en"])}</div>'
        f'<div class="location">{esc(n["location"])}</div>'
        f'<time datetime="{n["published"][:10]}">{en_date(published_at(n))}</time>'
        "</article>"
        for n in items
    )

    def page_href(i: int) -> str:
        return f"{lists}index.html" if i == 1 else f"{lists}page/{i}/"

    nav = []
    if page > 1:
        nav.append(
            f'<a class="prev page-numbers" href="{page_href(page - 1)}">&laquo; Previous</a>'
        )
    for i in range(1, pages + 1):
        if i == page:
            nav.append(f'<span aria-current="page" class="page-numbers current">{i}</span>')
        else:
            nav.append(f'<a class="page-numbers" href="{page_href(i)}">{i}</a>')
    if page < pages:
        nav.append(f'<a class="next page-numbers" href="{page_href(page + 1)}">Next &raquo;</a>')
    body = (
        jobs_head("Jobs")
        + "</head>\n<body>\n"
        + f'<header class="site-header"><a href="{root}">Silk Road Media Jobs</a></header>\n'
        + f'<main id="main"><div class="job-listings">\n{cards}\n</div>\n'
        + f'<nav class="navigation pagination">{"".join(nav)}</nav></main>\n'
        + "</body>\n</html>\n"
    )
    return body.encode("utf-8")


def build_jobs(data: dict[str, Any]) -> Files:
    notices = [n for n in data["notices"] if n["site"] == "jobs"]
    files: Files = {}
    for item in notices:
        files[f"jobs/job/{item['slug']}/index.html"] = (render_job_detail(item), HTML_UTF8)
    entries = by_date_desc(notices)
    chunks = [entries[i : i + JOBS_PER_PAGE] for i in range(0, len(entries), JOBS_PER_PAGE)]
    for page, chunk in enumerate(chunks, start=1):
        path = "jobs/jobs/index.html" if page == 1 else f"jobs/jobs/page/{page}/index.html"
        files[path] = (render_job_list(chunk, page, len(chunks)), HTML_UTF8)
    home = (
        jobs_head("Home") + '</head>\n<body>\n<a href="jobs/">Browse jobs</a>\n</body>\n</html>\n'
    )
    files["jobs/index.html"] = (home.encode("utf-8"), HTML_UTF8)
    return files


# --------------------------------------------------------------------------- agg (aggregator)

AGG_WATERMARK = '<p class="anti-crawler"><a href="https://tihai.example/">免费报考咨询 考情随时掌握 尽在题海</a></p>'


def render_agg_detail(repost: dict[str, Any], item: dict[str, Any]) -> bytes:
    """An exam-news aggregator's repost: own header/footer, a hidden watermark after every
    paragraph (as Fenbi's `.anti-crawler`), and the link back to the official notice."""
    moment = published_at(repost)
    body = "\n".join(
        line + "\n" + AGG_WATERMARK
        for line in render_blocks(chinese_blocks(item), "jcms").split("\n")
        if line.strip()
    )
    page = (
        '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n'
        f"<title>{esc(item['title'])}_考试资讯_题海考试网</title>\n"
        "<style>.anti-crawler{display:none}</style>\n</head>\n<body>\n"
        '<div class="exam-information-detail">\n'
        f'<h1 class="exam-information-detail-title">{esc(item["title"])}</h1>\n'
        f'<div class="digest-content">发布时间：{moment:%Y-%m-%d %H:%M} '
        f"来源：{esc(item['employer'])}</div>\n"
        '<div class="article-content">\n'
        "<p>题海考试网提示：本文为转载，报考请以官方发布的公告为准。</p>\n"
        f"{body}\n"
        f"<p>原文网址：{MIRROR_BASE}{notice_path(item)} 原标题：{esc(item['title'])}</p>\n"
        "</div>\n</div>\n</body>\n</html>\n"
    )
    return page.encode("utf-8")


def build_agg(data: dict[str, Any]) -> Files:
    by_id = {n["id"]: n for n in data["notices"]}
    reposts = data.get("reposts", [])
    files: Files = {}
    for repost in reposts:
        files[f"agg/exam/{repost['agg_id']}.html"] = (
            render_agg_detail(repost, by_id[repost["of"]]),
            HTML_UTF8,
        )
    lis = "\n".join(
        f'<li><a href="../exam/{r["agg_id"]}.html">{esc(by_id[r["of"]]["title"])}</a>'
        f"<span>{r['published'][:10]}</span></li>"
        for r in sorted(reposts, key=lambda r: r["published"], reverse=True)
    )
    page = (
        '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n'
        "<title>事业单位招聘_题海考试网</title>\n</head>\n<body>\n"
        f'<ul class="exam-list">\n{lis}\n</ul>\n</body>\n</html>\n'
    )
    files["agg/list/index.html"] = (page.encode("utf-8"), HTML_UTF8)
    return files


# --------------------------------------------------------------------------- paths


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


# --------------------------------------------------------------------------- attachments, feeds

ATTACHMENT_RENDERERS = {
    "table-pdf": (att_files.render_pdf_table, att_files.PDF),
    "table-xlsx": (att_files.render_xlsx, att_files.XLSX),
    "table-xls": (att_files.render_xls, att_files.XLS),
    "table-docx": (att_files.render_docx, att_files.DOCX),
}
HOSTILE_RENDERERS = {
    "corrupt": (att_files.render_corrupt_xlsx, att_files.XLSX),
    "zip-bomb": (att_files.render_zip_bomb, att_files.XLSX),
    "xxe": (att_files.render_xxe_xlsx, att_files.XLSX),
    "encrypted-ooxml": (att_files.render_encrypted_ooxml, att_files.XLSX),
    "encrypted-pdf": (att_files.render_encrypted_pdf, att_files.PDF),
    "legacy-doc": (att_files.render_legacy_doc, att_files.DOC),
}


def render_attachment(att: dict[str, Any], notice: dict[str, Any]) -> tuple[bytes, str]:
    """An attachment's bytes by its `format`: a position table of the notice's positions, a
    hostile file, or (no format) the placeholder PDF. `oversized` files are served virtually."""
    kind = att.get("format")
    if kind in ATTACHMENT_RENDERERS:
        table_renderer, ctype = ATTACHMENT_RENDERERS[kind]
        return table_renderer(notice), ctype
    if kind in HOSTILE_RENDERERS:
        hostile_renderer, ctype = HOSTILE_RENDERERS[kind]
        return hostile_renderer(), ctype
    return render_pdf(att["name"]), PDF


def attachment_path(notice: dict[str, Any], att: dict[str, Any]) -> str:
    if notice["site"] == "icc":
        return f"icc/zpxx/{trs_path(notice).split('/')[0]}/{att['file']}"
    return f"rsj/{jcms_path(notice).rsplit('/', 1)[0]}/{att['file']}"


def virtual_files(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Files too large to keep in git, generated by the server: path -> size, Content-Type."""
    return {
        attachment_path(n, a): {"size": OVERSIZED_BYTES, "content_type": PDF}
        for n in data["notices"]
        for a in n.get("attachments", [])
        if a.get("format") == "oversized"
    }


def rss_date(moment: datetime) -> str:
    days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    return (
        f"{days[moment.weekday()]}, {moment.day:02d} {MONTHS_EN[moment.month - 1][:3]} "
        f"{moment.year} {moment:%H:%M:%S} +0800"
    )


def render_rss(items: list[dict[str, Any]], site: dict[str, Any], prefix: str) -> bytes:
    """RSS 2.0 of a JCMS column (what 大汉 sites offer as 订阅), newest first. Links are
    root-relative so the feed works on any host the mirror is served from."""
    entries = "\n".join(
        f"<item><title>{esc(n['title'])}</title>"
        f"<link>/{prefix}{jcms_path(n)}</link>"
        f"<pubDate>{rss_date(published_at(n))}</pubDate></item>"
        for n in by_date_desc(items)
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>\n'
        f"<title>{esc(site['name'])} · 事业单位招聘</title>\n<link>/{prefix}</link>\n"
        f"{entries}\n</channel></rss>\n"
    )
    return xml.encode("utf-8")


def render_sitemap(items: list[dict[str, Any]]) -> bytes:
    """sitemaps.org urlset of the TRS site's articles."""
    urls = "\n".join(
        f"<url><loc>/icc/zpxx/{trs_path(n)}</loc><lastmod>{n['published'][:10]}</lastmod></url>"
        for n in by_date_desc(items)
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{urls}\n</urlset>\n"
    )
    return xml.encode("utf-8")


# --------------------------------------------------------------------------- misc files


def render_pdf(text: str) -> bytes:
    """A minimal valid one-page PDF; CJK is not embedded, so the text is an ASCII label."""
    label = (
        "Attachment placeholder of the offline mirror: "
        + hashlib.sha256(text.encode()).hexdigest()[:12]
    )
    stream = f"BT /F1 11 Tf 50 780 Td ({label}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources "
        b"<< /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    return att_files.pdf_document(objects)


def render_root_index() -> bytes:
    links = "\n".join(
        f'<li><a href="{path}">{label}</a></li>'
        for path, label in (
            ("icc/zpxx/index.html", "云岭国际传播中心 · 招聘信息 (TRS WCM, GBK)"),
            ("rsj/col/col1234/index.html", "之江人才公共服务网 · 事业单位招聘 (大汉 JCMS)"),
            ("wechat/articles.txt", "海河国际传播中心 · WeChat articles"),
            ("jobs/jobs/index.html", "Silk Road Media Jobs (English job board)"),
        )
    )
    page = (
        '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n'
        "<title>icc-talent offline mirror</title>\n</head>\n<body>\n"
        f"<h1>icc-talent offline mirror</h1>\n<ul>\n{links}\n</ul>\n</body>\n</html>\n"
    )
    return page.encode("utf-8")


# --------------------------------------------------------------------------- build


def build_files(data: dict[str, Any] | None = None) -> dict[str, bytes]:
    """Every mirror file as relative path -> bytes, including the Content-Type map."""
    data = data if data is not None else load_notices()
    files: Files = {}
    for build in (build_icc, build_rsj, build_wechat, build_jobs, build_agg):
        files.update(build(data))
    files["robots.txt"] = (b"User-agent: *\nAllow: /\n", TEXT_UTF8)
    files["index.html"] = (render_root_index(), HTML_UTF8)
    virtual = virtual_files(data)
    for path in virtual:
        files.pop(path, None)
    types = {path: ctype for path, (_, ctype) in sorted(files.items())}
    out = {path: body for path, (body, _) in files.items()}
    out[CONTENT_TYPES_FILE] = (json.dumps(types, indent=1, sort_keys=True) + "\n").encode()
    out[VIRTUAL_FILE] = (json.dumps(virtual, indent=1, sort_keys=True) + "\n").encode()
    paths = {n["id"]: notice_path(n) for n in data["notices"]}
    out[NOTICE_PATHS_FILE] = (json.dumps(paths, indent=1, sort_keys=True) + "\n").encode()
    return dict(sorted(out.items()))


def existing_files(root: Path = SITES_DIR) -> dict[str, bytes]:
    """The files currently on disk under `root`, as relative path -> bytes."""
    if not root.is_dir():
        return {}
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def stale_paths(root: Path = SITES_DIR) -> list[str]:
    """Paths that differ between a fresh build and the files on disk (empty = up to date)."""
    fresh, disk = build_files(), existing_files(root)
    return sorted(p for p in fresh.keys() | disk.keys() if fresh.get(p) != disk.get(p))


def write_files(files: dict[str, bytes], root: Path = SITES_DIR) -> int:
    """Write `files` under `root` and delete files a previous build left behind."""
    for rel, body in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_bytes() != body:
            target.write_bytes(body)
    for rel in existing_files(root).keys() - files.keys():
        (root / rel).unlink()
    for folder in sorted((p for p in root.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    return len(files)


def main(argv: list[str] | None = None) -> int:
    count = write_files(build_files())
    print(f"wrote {count} files under {SITES_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
