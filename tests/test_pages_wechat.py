"""wechat.parse_wechat_article on the mirror's articles and on real WeChat page samples."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from mirror_helpers import (
    SAMPLES,
    load_page,
    load_sample,
    mirror_data,
    notice_rel,
    notices,
    page_url,
)
from parsel import Selector

from analysis.extract.pages import Unavailable, parse_notice
from analysis.extract.pages.wechat import js_unescape, js_var, parse_wechat_article
from analysis.models import ParsedNotice
from mirror.build import DELETED_WECHAT_ID, wechat_id

SHANGHAI = timezone(timedelta(hours=8))


def test_mirror_articles() -> None:
    nickname = mirror_data()["sites"]["wechat"]["name"]
    for notice in notices("wechat"):
        rel = notice_rel(notice)
        parsed = parse_wechat_article(load_page(rel), page_url(rel))
        assert isinstance(parsed, ParsedNotice), rel
        assert parsed.title == notice["title"]
        local = datetime.strptime(notice["published"], "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)
        assert parsed.published == local.isoformat()
        assert parsed.wechat.create_time_local == notice["published"]
        assert parsed.employer == nickname
        lines = parsed.text.split("\n")
        for pos in notice["positions"]:
            assert f"岗位职责：{pos['duties']}" in lines  # label and text spans stay on one line
            for k, req in enumerate(pos["requirements"], start=1):
                assert f"（{k}）{req}" in lines
        for line in notice["apply"]:
            assert line in lines


def test_mirror_deleted_article() -> None:
    rel = f"wechat/s/{wechat_id(DELETED_WECHAT_ID)}.html"
    result = parse_notice("wechat", load_page(rel), page_url(rel))
    assert result == Unavailable(page_url(rel), "deleted", "该内容已被发布者删除")


def test_js_helpers() -> None:
    scripts = (
        "var nickname = window.nickname === '' ? 'x' : 'y';\n"
        'var nickname = htmlDecode("A&amp;B");\n'
        "var msg_title = 'It\\'s &quot;new&quot;'.html(false);\n"
        "window.ct = '1762338600' || '';\n"
    )
    assert js_var(scripts, "nickname") == "A&B"
    assert js_var(scripts, "msg_title") == 'It\'s "new"'
    assert js_var(scripts, "ct") == "1762338600"
    assert js_unescape("a\\x0ab\\u4e2d") == "a\nb中"


def test_dom_fallback_without_js() -> None:
    sel = Selector(
        text="<html><head><meta property='og:title' content='招聘 &amp; 公告'></head><body>"
        "<h1 id='activity-name'> 招聘公告 </h1><a id='js_name'> 某中心 </a>"
        "<em id='publish_time'>前天</em>"
        "<div id='js_content'><section><span leaf=''>岗位</span><span leaf=''>一</span></section>"
        "</div></body></html>"
    )
    parsed = parse_wechat_article(sel, "https://mp.weixin.qq.com/s/abc")
    assert isinstance(parsed, ParsedNotice)
    assert (parsed.title, parsed.employer, parsed.text) == ("招聘 & 公告", "某中心", "岗位一")
    assert parsed.published is None  # "前天" is relative: never trusted


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("<div class='weui-msg__title warn'>该内容已被发布者删除</div>", "deleted"),
        ("<h2 class='weui-msg__title'>此内容因违规无法查看</h2>", "violation"),
        ("<p>该内容暂时无法查看</p>", "temporarily_unavailable"),
        ("<h2 class='weui-msg__title'>链接已过期</h2>", "link_expired"),
        ("<p>当前环境异常，完成验证后即可继续访问。</p><a>去验证</a>", "verification"),
        ("<p>nothing here</p>", "no_content"),
    ],
)
def test_unavailable_reasons(html: str, reason: str) -> None:
    result = parse_wechat_article(Selector(text=f"<html><body>{html}</body></html>"), "u")
    assert isinstance(result, Unavailable) and result.reason == reason


# ------------------------------------------------------------------------ real samples

NORMAL = [
    # file, title, nickname, published (from ct, Asia/Shanghai), body must contain
    ("wx_raw_normal_article_2025.html", "科技爱好者周刊#372：软件界面如何设计", "阮一峰的网络日志", "2025-11-07T08:31:48+08:00", "这里记录每周值得分享的科技内容"),
    ("wx_raw_share_reprint_2025.html", "和死神赛跑：趁父亲还在世，我想用人工智能留住他", "阮一峰的网络日志", "2019-11-25T20:07:23+08:00", "我用AI机器人留住去世的父亲"),
    ("wx_raw_old_template_2018.html", "关于音乐", "闲云野鹤古刹", "2018-04-07T22:21:55+08:00", "文艺青年消遣有四大法宝"),
    ("wx_browser_saved_dom_2020.html", "一日一技：在 Python 中实现延迟调用", "未闻Code", "2020-02-11T18:47:50+08:00", "延迟调用"),
    ("wx_browser_saved_dom_2023_omnivore.html", "全平台开源免费稍后读利器，且可与Obsidian联用！", "维客笔记", "2023-01-10T07:07:08+08:00", "稍后读"),
    ("wx_raw_text_post_2025.html", "AI编程带给程序员的危与机", "轩辕的编程宇宙", "2025-10-07T14:13:11+08:00", "AI编程到底能不能取代程序员"),
    ("wx_raw_image_post_itemshowtype8_2025.html", "新能源车均价创6年新低，价格战「寒气」侵蚀供应链", "36氪", "2025-11-05T18:30:00+08:00", "新能源汽车销售均价"),
]  # fmt: skip

ERRORS = [
    ("wx_raw_deleted_by_author.html", "deleted"),
    ("wx_raw_blocked_violation.html", "violation"),
    ("wx_raw_temporarily_unavailable.html", "temporarily_unavailable"),
    ("wx_raw_link_expired.html", "link_expired"),
]


def sample(name: str) -> Selector:
    if not (SAMPLES / "wechat" / name).is_file():
        pytest.skip("../shared/samples is not beside this checkout")
    return load_sample(f"wechat/{name}")


@pytest.mark.parametrize(("name", "title", "nickname", "published", "body"), NORMAL)
def test_real_articles(name: str, title: str, nickname: str, published: str, body: str) -> None:
    parsed = parse_wechat_article(sample(name), "https://mp.weixin.qq.com/s/x")
    assert isinstance(parsed, ParsedNotice)
    assert (parsed.title, parsed.employer, parsed.published) == (title, nickname, published)
    assert body in parsed.text
    assert "\\x0a" not in parsed.text and "\ufffd" not in parsed.text


@pytest.mark.parametrize(("name", "reason"), ERRORS)
def test_real_error_pages(name: str, reason: str) -> None:
    result = parse_wechat_article(sample(name), "https://mp.weixin.qq.com/s/x")
    assert isinstance(result, Unavailable) and result.reason == reason


def test_real_reprint_keeps_the_original_author() -> None:
    parsed = parse_wechat_article(sample("wx_raw_share_reprint_2025.html"), "u")
    assert isinstance(parsed, ParsedNotice)
    assert parsed.wechat.share_author == "索罗说"
    assert parsed.wechat.share_source_url.startswith("http://mp.weixin.qq.com/s?__biz=")


def test_every_real_wechat_sample_is_covered() -> None:
    folder = SAMPLES / "wechat"
    if not folder.is_dir():
        pytest.skip("../shared/samples is not beside this checkout")
    covered = (
        {n for n, *_ in NORMAL} | {n for n, _ in ERRORS} | {"sogou_weixin_article_search_2017.html"}
    )
    assert {p.name for p in folder.iterdir()} == covered


def test_real_sogou_search_page_is_not_an_article() -> None:
    result = parse_wechat_article(sample("sogou_weixin_article_search_2017.html"), "u")
    assert isinstance(result, Unavailable) and result.reason == "no_content"
