"""Records cross into the normalise workers by pickle: with the mypyc-compiled record types too.

A compiled frozen dataclass cannot be unpickled field by field (FrozenInstanceError killed every
worker in the compiled build); crawler.workers registers constructor-based pickling for them.
"""

from __future__ import annotations

import pickle
from datetime import datetime

import crawler.workers  # noqa: F401  (registers the record pickling, as a crawl does)
from analysis.models import AttachmentError, ParsedNotice, TableRow, WechatMeta
from analysis.normalise import normalise_notice
from analysis.process import process_notice


def _notice() -> ParsedNotice:
    return ParsedNotice(
        url="http://example.test/s/1",
        title="国际传播中心招聘英语编辑",
        text="一、招聘岗位\n英语编辑1名，本科及以上学历，英语专业八级，有海外留学经历者优先。",
        wechat=WechatMeta(item_show_type="0", nickname="示例号"),
        tables=[TableRow(file="a.xlsx", sheet="表1", row=2, title="英语编辑", headcount=1)],
        attachment_errors=[AttachmentError("http://example.test/b.doc", "not read", "unsupported")],
    )


def test_a_parsed_notice_round_trips() -> None:
    notice = _notice()
    assert pickle.loads(pickle.dumps(notice)) == notice


def test_a_normalised_notice_with_findings_round_trips() -> None:
    normalised = normalise_notice(_notice(), fetched_at=datetime(2025, 3, 1))
    assert normalised.positions and normalised.positions[0].findings
    assert pickle.loads(pickle.dumps(normalised)) == normalised
    processed = process_notice(_notice(), fetched_at=datetime(2025, 3, 1))
    assert pickle.loads(pickle.dumps(processed)) == processed
