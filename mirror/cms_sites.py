"""Site stage of the mirror build: the CMS-style sites and their attachments and feeds.

Input: notices.yaml as loaded (sites, notices, news, reposts).
Output: files (path -> bytes, Content-Type) of the TRS WCM ICC site (GBK), the 大汉 JCMS
personnel portal, the exam-news aggregator, their attachments, RSS and sitemap.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from mirror import BASE_URL
from mirror import attachments as att_files
from mirror.paths import (
    HTML_BARE,
    HTML_GBK,
    HTML_UTF8,
    PDF,
    RSJ_COL,
    RSS,
    XML,
    Files,
    attachment_path,
    jcms_path,
    notice_path,
    trs_path,
)
from mirror.render import (
    MONTHS_EN,
    Block,
    Para,
    by_date_desc,
    chinese_blocks,
    esc,
    published_at,
    render_blocks,
)

ICC_PER_PAGE = 4
RSJ_PER_PAGE = 5
MIRROR_BASE = BASE_URL
OVERSIZED_BYTES = 48 * 1024 * 1024  # above the crawler's 20 MB attachment limit


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


# --------------------------------------------------------------------------- placeholder attachment


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
