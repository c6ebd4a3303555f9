"""cms.parse_cms_notice on the mirror's TRS/JCMS pages and on real gov CMS samples."""

from __future__ import annotations

import pytest
from mirror_helpers import SAMPLES, load_page, load_sample, notice_rel, notices, page_url
from parsel import Selector

from analysis.extract.pages import parse_notice
from analysis.extract.pages.cms import clean_page_title, parse_cms_notice, sanitise_title


def expected_lines(notice: dict) -> list[str]:
    """Lines the body text must contain, in order."""
    lines = list(notice["intro"])
    for pos in notice["positions"]:
        if notice["format"] == "table":
            cells = [
                pos["title"],
                str(pos["headcount"]),
                pos["major"],
                pos["education"],
                pos["other"],
            ]
            lines.append(" | ".join(cells))
            continue
        lines.append(f"岗位职责：{pos['duties']}")
        lines += [f"（{k}）{req}" for k, req in enumerate(pos["requirements"], start=1)]
    return lines + list(notice["apply"])


@pytest.mark.parametrize("site", ["icc", "rsj"])
def test_mirror_notices(site: str) -> None:
    for notice in notices(site):
        rel = notice_rel(notice)
        parsed = parse_cms_notice(load_page(rel), page_url(rel))
        assert parsed.title == notice["title"], rel
        assert parsed.published == notice["published"], rel
        assert parsed.employer == notice["employer"], rel
        lines = parsed.text.split("\n")
        positions = [lines.index(line) for line in expected_lines(notice)]
        assert positions == sorted(positions), rel
        assert "createPageHTML" not in parsed.text and "document.write" not in parsed.text


def test_mirror_numbered_and_ordinal_headings() -> None:
    text = parse_cms_notice(*page("icc/zpxx/202406/t20240618_1002.html")).text
    assert "岗位一：泰语编辑（1名）" in text.split("\n")
    text = parse_cms_notice(*page("icc/zpxx/202403/t20240312_1001.html")).text
    assert "1.俄语编辑（2名）" in text.split("\n")
    assert text.split("\n")[1] == "一、招聘岗位及条件"


def page(rel: str) -> tuple[Selector, str]:
    return load_page(rel), page_url(rel)


def test_mirror_table_rows_with_title_row() -> None:
    parsed = parse_cms_notice(*page("rsj/art/2024/5/6/art_1234_5678.html"))
    lines = parsed.text.split("\n")
    header = lines.index("岗位名称 | 招聘人数 | 专业 | 学历 | 其他条件")
    assert lines[header - 1] == "钱塘国际传播中心2024年公开招聘岗位计划表"
    assert (
        lines[header + 2]
        == "阿拉伯语编辑 | 1 | 阿拉伯语 | 本科及以上 | 具有1年以上阿拉伯国家留学经历"
    )
    assert parsed.body_source == "jcms"
    assert "打印本页" not in parsed.text


def test_mirror_attachments_resolve_against_the_article() -> None:
    parsed = parse_cms_notice(*page("icc/zpxx/202403/t20240312_1001.html"))
    assert parsed.attachments == [page_url("icc/zpxx/202403/P020240312388801.pdf")]
    assert parsed.attachment_names == ["附件：云岭国际传播中心2024年公开招聘岗位一览表.pdf"]


def test_mirror_page_without_charset_parses() -> None:
    parsed = parse_cms_notice(*page("icc/zpxx/202408/t20240820_1003.html"))
    assert parsed.title == "云岭国际传播中心2024年下半年公开招聘公告"
    assert "取得日本语能力测试一级（JLPT N1）证书。" in parsed.text


def test_dispatch() -> None:
    sel, url = page("rsj/art/2025/4/8/art_1234_5904.html")
    assert parse_notice("cms", sel, url) == parse_cms_notice(sel, url)
    with pytest.raises(ValueError, match="unknown source kind"):
        parse_notice("rss", sel, url)


# ------------------------------------------------------------------------ synthetic edge cases


def test_fallbacks_visible_label_source_and_url_date() -> None:
    sel = Selector(
        text="<html><head><title>某某中心选聘公告_某某网</title></head><body>"
        "<div class='info'>报名时间：2024年1月2日 发布日期：2023年12月28日 来源：某某中心</div>"
        "<div id='zoom'><p>正文一</p><p class='anti-crawler'><a>免费报考咨询</a></p>"
        "<p>正文二<br/>正文三</p><script>var x = 1;</script></div></body></html>"
    )
    parsed = parse_cms_notice(sel, "https://gov.test/art/2023/12/28/art_1_2.html")
    assert parsed.title == "某某中心选聘公告"
    assert parsed.published == "2023年12月28日"
    assert parsed.employer == "某某中心"
    assert parsed.text == "正文一\n正文二\n正文三"


def test_published_from_url_when_nothing_else() -> None:
    sel = Selector(text="<html><body><div id='zoom'><p>正文</p></div></body></html>")
    parsed = parse_cms_notice(sel, "https://gov.test/zpxx/202405/t20240506_9.html")
    assert parsed.published == "2024-05-06"


@pytest.mark.parametrize(
    ("raw", "site", "expected"),
    [
        (
            "山西品牌丝路行（南美站）正式启动 - 山西省人民政府门户网站 ",
            "山西省人民政府门户网站",
            "山西品牌丝路行（南美站）正式启动",
        ),
        (
            "为现代化建设凝聚力量——热烈祝贺开幕_巴彦淖尔市人民政府网",
            None,
            "为现代化建设凝聚力量——热烈祝贺开幕",
        ),
        ("招聘公告 | 某中心", None, "招聘公告"),
    ],
)
def test_clean_page_title(raw: str, site: str | None, expected: str) -> None:
    assert clean_page_title(raw, site) == expected


def test_sanitise_title() -> None:
    assert (
        sanitise_title("为现代化巴彦淖尔建设凝聚强大智慧和力量<div")
        == "为现代化巴彦淖尔建设凝聚强大智慧和力量"
    )
    assert sanitise_title("A &amp; B\n 招聘") == "A & B 招聘"


# ------------------------------------------------------------------------ real samples

REAL = [
    # file, title prefix, published, employer, body must contain, body source
    ("gov_cms/shanxi_gov_trs_detail_2019.html", "山西品牌丝路行（南美站）正式启动", "2019-09-18 06:23", "山西日报", "圣保罗", "trs"),
    ("gov_cms/zj_fgw_hanweb_jcms_detail_2016.html", "1-10月德清县固定资产投资结构趋稳趋优", "2016-11-22 09:53", "省发改委", "246.79亿元", "jcms"),
    ("gov_cms/bynr_gov_utf8_broken_meta_2022.html", "为现代化巴彦淖尔建设凝聚强大智慧和力量——", "2022-02-11 09:52", "巴彦淖尔日报", "政协巴彦淖尔市第五届委员会", "trs"),
    ("gov_cms/jilin_xxgk_tonggao_2022.html", "吉林省人民政府关于禁止在吉林省嫩江干流", "2022-01-28 00:00:00", None, "成文日期： | 2022年01月27日", "zoom"),
    ("gov_recruitment/fenbi_gwy_xuandiao_hezhou_2026_with_xls_links.html", "贺州市2026年度公开遴选和公开选调公务员公告", None, None, "公开遴选", None),
    ("gov_recruitment/fenbi_sydw_longchuan_school_2026.html", "陇川县民族中学食堂后勤人员招聘公告", None, None, "食堂", None),
]  # fmt: skip


@pytest.mark.parametrize(("rel", "title", "published", "employer", "body", "source"), REAL)
def test_real_gov_pages(
    rel: str, title: str, published: str | None, employer: str | None, body: str, source: str | None
) -> None:
    if not (SAMPLES / rel).is_file():
        pytest.skip("../shared/samples is not beside this checkout")
    parsed = parse_cms_notice(load_sample(rel), "https://gov.example/" + rel)
    assert parsed.title.startswith(title)
    assert "粉笔资讯" not in parsed.title and not parsed.title.endswith("网站")
    if published:
        assert parsed.published == published
    assert parsed.employer == employer or employer is None
    assert body in parsed.text
    if source:
        assert parsed.body_source == source
    assert "免费报考咨询" not in parsed.text  # Fenbi's hidden .anti-crawler watermark
    assert "document.write" not in parsed.text


def test_real_trs_date_ignores_the_stale_alt_attribute() -> None:
    """The Shanxi page carries alt="时间：2017-11-08 20:26" on the visible 2019 date."""
    rel = "gov_cms/shanxi_gov_trs_detail_2019.html"
    if not (SAMPLES / rel).is_file():
        pytest.skip("../shared/samples is not beside this checkout")
    html = (SAMPLES / rel).read_text("utf-8").replace('name="PubDate"', 'name="x-PubDate"')
    parsed = parse_cms_notice(
        Selector(text=html), "https://www.shanxi.gov.cn/a/t20190918_693227.shtml"
    )
    assert parsed.published == "2019-09-18 06:23"


def test_real_attachments() -> None:
    rel = "gov_recruitment/fenbi_gwy_xuandiao_hezhou_2026_with_xls_links.html"
    if not (SAMPLES / rel).is_file():
        pytest.skip("../shared/samples is not beside this checkout")
    parsed = parse_cms_notice(load_sample(rel), "https://fenbi.example/a")
    assert parsed.attachments[:2] == [
        "https://hera.fbstatic.cn/463811899757568.xls",
        "https://hera.fbstatic.cn/463811900280832.xls",
    ]
    assert any("职位计划表" in name for name in parsed.attachment_names)
