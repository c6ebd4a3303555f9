"""The gate of the process stage: a page that is not a recruitment notice, or a mixed source's
notice not about international communication, is stored as a notice row without positions (with
the classifier's score and the relevance rule), and the crawl counts it. Constructed texts only."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import pytest

import analysis.process as process
from analysis.models import FetchedPage, ParsedNotice, TableRow
from analysis.notice_classifier import NoticeModelError
from analysis.process import Processed, gate_processed, process_notice, store_processed
from analysis.source import Source
from analysis.store import connect, save_notice, save_page, save_sources, transaction
from crawler.items import PageItem
from crawler.pipelines import StorePipeline

OFFICIAL = Source(id="icc", name="云岭国际传播中心")
PORTAL = Source(id="rsj", name="某省人事考试网", mixed=True)
AGGREGATOR = Source(id="agg", name="某考试网", aggregator=True)
NAMES = ("云岭国际传播中心", "Beijing Review (北京周报)")
FETCHED = datetime(2025, 3, 2, tzinfo=UTC)

NEWS = ParsedNotice(
    url="http://icc.test/news/1.html",
    title="我市召开2025年经济工作会议",
    text="本报讯 12月20日，市委召开经济工作会议，总结今年工作，部署明年任务。会议指出，要坚持"
    "稳中求进工作总基调，推动高质量发展。市委书记出席会议并讲话。与会代表围绕扩大内需、稳定"
    "就业等议题进行了讨论。",
    tables=[TableRow(file="x.xlsx", sheet="表", row=3, title="项目")],
)
HOSPITAL = ParsedNotice(
    url="http://rsj.test/art/2.html",
    title="某县人民医院2025年公开招聘合同制护士公告",
    text="根据工作需要，某县人民医院面向社会公开招聘合同制护士10名。一、招聘岗位：护士10名。"
    "二、招聘条件：全日制大专及以上学历，护理专业，取得护士执业资格证书。三、报名时间："
    "2025年3月1日至3月10日，请将简历发送至指定邮箱。",
)
LANGUAGE_POSTS = ParsedNotice(
    url="http://rsj.test/art/3.html",
    title="某县2025年事业单位公开招聘工作人员公告",
    text="根据工作需要，现面向社会公开招聘工作人员2名。一、招聘岗位：英语编辑2名。二、招聘条件："
    "全日制本科及以上学历，英语专业八级，能熟练进行中英互译。三、报名时间：2025年3月1日至"
    "3月10日，请将简历发送至指定邮箱。",
)
REGISTRY_BODY = ParsedNotice(
    url="http://agg.test/4.html",
    title="北京周报社2025年公开招聘工作人员公告",
    text="根据工作需要，现面向社会公开招聘工作人员2名。一、招聘岗位：编辑2名。二、招聘条件："
    "全日制本科及以上学历，新闻学专业。三、报名时间：2025年3月1日至3月10日，请将简历发送"
    "至指定邮箱。",
)


@pytest.fixture
def conn(tmp_path: Path):  # type: ignore[no-untyped-def]
    c = connect(tmp_path / "store.sqlite")
    save_sources(c, [OFFICIAL, PORTAL, AGGREGATOR])
    yield c
    c.close()


def processed(notice: ParsedNotice) -> Processed:
    result = process_notice(notice, fetched_at=FETCHED)
    assert isinstance(result, Processed)
    return result


def store(conn: sqlite3.Connection, notice: ParsedNotice, source: Source) -> process.Stored:
    page = FetchedPage(notice.url, source.id, 200, FETCHED, "h", "notice")
    with transaction(conn):
        page_id = save_page(conn, page, None)
        return store_processed(conn, page_id, processed(notice), source=source, names=NAMES)


def stored_row(conn: sqlite3.Connection, url: str) -> sqlite3.Row:
    row: sqlite3.Row = conn.execute(
        """SELECT n.gate, n.recruitment_score, n.relevance, n.title,
                  (SELECT count(*) FROM positions WHERE notice_id = n.id) AS positions,
                  (SELECT count(*) FROM table_rows WHERE notice_id = n.id) AS table_rows
           FROM notices n WHERE n.url = ?""",
        (url,),
    ).fetchone()
    return row


def test_a_news_page_is_kept_as_a_page_without_positions(conn: sqlite3.Connection) -> None:
    assert processed(NEWS).normalised.positions  # the normaliser alone would make positions
    stored = store(conn, NEWS, OFFICIAL)
    assert (stored.gate, stored.positions, stored.outcome) == ("not_recruitment", 0, "new")
    row = stored_row(conn, NEWS.url)
    assert row["gate"] == "not_recruitment" and row["recruitment_score"] < 0.5
    assert (row["title"], row["positions"], row["table_rows"]) == (NEWS.title, 0, 0)
    assert conn.execute("SELECT count(*) FROM findings").fetchone()[0] == 0
    assert store(conn, NEWS, OFFICIAL).outcome == "unchanged"


def test_a_page_stored_before_the_gate_loses_its_positions(conn: sqlite3.Connection) -> None:
    """What `reprocess` does to a store written before the gate existed."""
    page = FetchedPage(NEWS.url, OFFICIAL.id, 200, FETCHED, "h", "notice")
    with transaction(conn):
        save_notice(conn, save_page(conn, page, None), processed(NEWS).normalised, source=OFFICIAL)
    assert stored_row(conn, NEWS.url)["positions"] > 0
    assert store(conn, NEWS, OFFICIAL).outcome == "updated"
    assert stored_row(conn, NEWS.url)["positions"] == 0


def test_a_recruitment_notice_of_a_single_body_source_keeps_everything(
    conn: sqlite3.Connection,
) -> None:
    stored = store(conn, HOSPITAL, OFFICIAL)  # not a mixed source: no relevance filter
    assert stored.gate == "notice" and stored.positions > 0
    row = stored_row(conn, HOSPITAL.url)
    assert row["recruitment_score"] >= 0.5 and row["relevance"] is None


@pytest.mark.parametrize("source", [PORTAL, AGGREGATOR], ids=["portal", "aggregator"])
def test_a_mixed_sources_unrelated_notice_is_filtered(
    conn: sqlite3.Connection, source: Source
) -> None:
    stored = store(conn, HOSPITAL, source)
    assert (stored.gate, stored.positions) == ("not_relevant", 0)
    row = stored_row(conn, HOSPITAL.url)
    assert (row["gate"], row["relevance"], row["positions"]) == ("not_relevant", "none", 0)


def test_a_mixed_sources_notice_is_kept_by_its_positions_languages(
    conn: sqlite3.Connection,
) -> None:
    stored = store(conn, LANGUAGE_POSTS, PORTAL)
    assert stored.gate == "notice" and stored.positions > 0
    assert stored_row(conn, LANGUAGE_POSTS.url)["relevance"].startswith("finding:")


def test_a_mixed_sources_notice_is_kept_by_a_registry_alias(conn: sqlite3.Connection) -> None:
    stored = store(conn, REGISTRY_BODY, AGGREGATOR)
    assert stored.gate == "notice"
    assert stored_row(conn, REGISTRY_BODY.url)["relevance"] == "registry:北京周报"


def test_without_a_usable_model_pages_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(title: str, text: str) -> tuple[float, bool]:
        raise NoticeModelError("no notice model")

    monkeypatch.setattr(process, "recruitment_score", missing)
    gated = gate_processed(processed(NEWS), source=OFFICIAL)
    assert gated.verdict == process.Verdict("notice", None, None)
    assert gated.normalised.positions


def test_a_page_the_model_takes_for_a_notice_needs_a_job_fact(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A page scored above the threshold whose text states nothing a vacancy states (no
    deadline, headcount, education, language, skill…) is not a recruitment notice: staff-meeting
    news under a talent URL scores high on words like 干部职工 and 工作."""

    def sure(title: str, text: str) -> tuple[float, bool]:
        return 0.9, True

    monkeypatch.setattr(process, "recruitment_score", sure)
    meeting = dataclasses.replace(NEWS, tables=[])
    assert not process.has_job_facts(processed(meeting).normalised)
    gated = gate_processed(processed(meeting), source=OFFICIAL)
    assert gated.verdict == process.Verdict("not_recruitment", 0.9, None)
    assert gated.normalised.positions == []
    kept = gate_processed(processed(HOSPITAL), source=OFFICIAL)
    assert kept.verdict.gate == "notice" and kept.normalised.positions


@pytest.mark.parametrize(
    ("text", "facts"),
    [
        ("本报讯 市委召开工作会议，部署明年任务。", False),
        ("本报讯 市委召开工作会议。报名截止时间：2025年3月10日。", True),  # a deadline
        ("现招聘编辑3名。", True),  # a headcount
        ("要求本科及以上学历。", True),  # education
        ("Candidates must be fluent in French.", True),  # a language
    ],
)
def test_job_facts(text: str, facts: bool) -> None:
    notice = ParsedNotice(url="http://icc.test/5.html", title="标题", text=text)
    assert process.has_job_facts(processed(notice).normalised) is facts


class Stats:
    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def inc_value(self, key: str, count: int = 1) -> None:
        self.values[key] = self.values.get(key, 0) + count

    def get_stats(self) -> dict[str, Any]:
        return dict(self.values)


class Spider:
    sources_by_id: ClassVar[dict[str, Source]] = {s.id: s for s in (OFFICIAL, PORTAL, AGGREGATOR)}


def test_the_crawl_counts_what_the_gate_filtered(tmp_path: Path) -> None:
    stats = Stats()
    pipeline = StorePipeline(str(tmp_path / "crawl.sqlite"), 0, stats)  # type: ignore[arg-type]
    pipeline.spider_opened(Spider())
    try:
        for notice, source in [
            (NEWS, OFFICIAL),
            (HOSPITAL, AGGREGATOR),
            (LANGUAGE_POSTS, PORTAL),
        ]:
            page = FetchedPage(notice.url, source.id, 200, FETCHED, "h", "notice")
            pipeline.store_item(PageItem(page, notice), processed(notice))
    finally:
        pipeline.spider_closed(Spider(), "finished")
    assert stats.values["icc/gate/not_recruitment"] == 1
    assert stats.values["icc/gate/not_relevant"] == 1
    assert stats.values["icc/store/notice_new"] == 3
    assert stats.values["icc/store/position_new"] == len(
        processed(LANGUAGE_POSTS).normalised.positions
    )
    db = sqlite3.connect(tmp_path / "crawl.sqlite")
    gates = dict(db.execute("SELECT gate, count(*) FROM notices GROUP BY gate").fetchall())
    assert gates == {"not_recruitment": 1, "not_relevant": 1, "notice": 1}
    db.close()
