"""A notice's attachments are read one at a time within the notice's budget (issue 14): at most
ICC_MAX_ATTACHMENTS files, each parsed up to the table rows the notice has left
(analysis.extract.RowBudget), so a page linking many large files cannot make the crawl hold
them all. Crawled from pages served on 127.0.0.1 by this test; the tables are the mirror's."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_spiders import crawl_routes, query

from analysis.extract import NOTICE_MAX_TABLE_ROWS, RowBudget, extract_file
from analysis.extract.files import MAX_ROWS
from mirror import attachments as files
from mirror.build import load_notices
from mirror.server import Route

HTML = "text/html; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SITE = "http://site.test/"
NOTICE = next(n for n in load_notices()["notices"] if n["id"] == "icc-2024-03")
TABLE = files.render_xlsx(NOTICE)  # a title row, a note row, the header and 3 positions
RAW_ROWS = 6
NAMES = ["a", "b", "c", "d"]


def notice_page() -> Route:
    links = "".join(f"<li><a href='/{n}.xlsx'>附件{n}：岗位表.xlsx</a></li>" for n in NAMES)
    html = (
        "<html><head><title>某国际传播中心2026年公开招聘工作人员公告</title></head><body>"
        "<h1>某国际传播中心2026年公开招聘工作人员公告</h1><div class='content'>"
        "<p>根据工作需要，现面向社会公开招聘工作人员。招聘岗位及条件详见附件岗位表。</p>"
        "<p>报名时间：2026年3月1日至3月10日。应聘者须具有全日制本科及以上学历。</p>"
        f"<ul>{links}</ul><p>发布日期：2026-02-20</p></div></body></html>"
    )
    return Route(HTML, body=html.encode())


ROUTES = {
    "http://list.test/notices.txt": Route(
        "text/plain; charset=utf-8", body=f"{SITE}notice.html\n".encode()
    ),
    SITE + "notice.html": notice_page(),
    **{f"{SITE}{n}.xlsx": Route(XLSX, body=TABLE) for n in NAMES},
}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = {"id": "t-budget", "kind": "cms", "start_urls": ["http://list.test/notices.txt"]}
    db, done = crawl_routes(
        tmp_path_factory.mktemp("budget"),
        source,
        ROUTES,
        *("-s", "ICC_MAX_ATTACHMENTS=3"),
        *("-s", f"ICC_NOTICE_MAX_TABLE_ROWS={RAW_ROWS + 4}"),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return db


def test_files_are_read_within_the_notices_row_budget(crawled: Path) -> None:
    by_file = dict(
        query(crawled, "SELECT file, count(*) FROM positions GROUP BY file ORDER BY file")
    )
    # a.xlsx whole (3 positions); b.xlsx read to the 4 rows left: its title, note, header and
    # one position; c.xlsx not fetched (no row left); d.xlsx past the 3 attachments
    assert by_file == {f"{SITE}a.xlsx": 3, f"{SITE}b.xlsx": 1}


def test_what_was_not_read_is_on_record(crawled: Path) -> None:
    rows = query(crawled, "SELECT url, status, error FROM pages WHERE page_kind = 'attachment'")
    pages = {url: (status, error or "") for url, status, error in rows}
    assert pages[f"{SITE}a.xlsx"] == (200, "")
    assert pages[f"{SITE}b.xlsx"][0] == 200 and "4 rows per file" in pages[f"{SITE}b.xlsx"][1]
    assert pages[f"{SITE}c.xlsx"][0] == 0 and "table rows were reached" in pages[f"{SITE}c.xlsx"][1]
    assert pages[f"{SITE}d.xlsx"][0] == 0 and "the first 3 are read" in pages[f"{SITE}d.xlsx"][1]


def test_the_budget() -> None:
    budget = RowBudget()
    assert budget.limit == budget.left == NOTICE_MAX_TABLE_ROWS
    caps = budget.caps()
    assert caps is not None and caps.rows == min(MAX_ROWS, NOTICE_MAX_TABLE_ROWS)
    small = RowBudget(RAW_ROWS + 4)
    small.spend(extract_file(TABLE, "a.xlsx"))
    caps = small.caps()
    assert small.left == 4 and caps is not None and caps.rows == 4
    small.spend(extract_file(TABLE, "b.xlsx", caps=caps))
    assert small.left == 0 and small.caps() is None
