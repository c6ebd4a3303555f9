"""A small store with findings, shared by the export and serve tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from analysis.models import Evidence, FetchedPage, Finding, NormalisedNotice, Position
from analysis.source import Source
from analysis.store import connect, save_notice, save_page, save_sources, transaction

TEXTS = (
    ("AIGC内容编辑", "熟练使用Stable Diffusion生成图片，英语六级，有海外留学经历。"),
    ("俄语记者", "俄语专业八级，负责海外新闻采访。"),
)


def _finding(text: str, field: str, value: str, needle: str) -> Finding:
    at = text.index(needle)
    return Finding(field, value, Evidence.of(text, at, at + len(needle)), required=True)


def make_store(db: Path) -> Path:
    conn = connect(db)
    save_sources(conn, [Source(id="yn", name="云岭国际传播中心", province="云南")])
    for i, (title, text) in enumerate(TEXTS, start=1):
        findings = [_finding(text, "overseas", "study" if i == 1 else "work", "海外")]
        if i == 1:
            findings += [
                _finding(text, "skill", "stable_diffusion", "Stable Diffusion"),
                _finding(text, "aigc", "aigc", "Stable Diffusion"),
                _finding(text, "language", "en", "英语六级"),
            ]
        else:
            findings.append(_finding(text, "language", "ru", "俄语"))
        notice = NormalisedNotice(
            url=f"http://yn.test/n/{i}",
            title=f"招聘公告{i}",
            text=text,
            employer="云岭国际传播中心",
            published=date(2024, i, 5),
            deadline=None,
            positions=[Position(seq=1, title=title, text=text, findings=findings)],
            taxonomy_version="t1",
        )
        page = FetchedPage(
            url=notice.url,
            source_id="yn",
            status=200,
            fetched_at=datetime(2024, 3, 1, tzinfo=UTC),
            content_hash=f"h{i}",
            page_kind="notice",
        )
        with transaction(conn):
            page_id = save_page(conn, page, None)
            save_notice(conn, page_id, notice, source=Source(id="yn", name="yn", province="云南"))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return db
