"""Extract stage: attachments and tables → rows and text a normaliser can read.

Input: attachment bytes (parsed in a limited child process) and the notice they belong to.
Output: the notice with `tables` = one `TableRow` per position row with its provenance (file,
sheet, row) — the normaliser makes one position of each —, and a short excerpt of each position
table appended to its text (rendered like an HTML table of the body: header line, then one
' | ' line per row, the first rows only, then "… N more rows in table_rows"). What was cut is
listed in `attachment_errors`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from analysis.extract.files import MAX_ROWS, Caps
from analysis.extract.sandbox import Extracted, extract_file
from analysis.extract.tables import (
    Table,
    extract_table,
    render_table_excerpt,
    render_table_text,
)
from analysis.models import AttachmentError, ParsedNotice, TableRow

__all__ = [
    "MAX_ATTACHMENTS",
    "Attachment",
    "Extracted",
    "RowBudget",
    "Table",
    "TableRow",
    "attach_tables",
    "extract_file",
    "extract_table",
    "is_personal_data_list",
    "render_table_excerpt",
    "render_table_text",
    "tables_of",
    "wanted_attachments",
]

# How much of its attachments' tables one notice takes (issue 14). Every row becomes a TableRow
# up to NOTICE_MAX_TABLE_ROWS, and the normaliser makes one position of each row
# (`analysis.normalise.positions.row_sections`), all held by one normalise worker at once: the
# cap is what keeps that worker within 512 MB (25,000 rows: 382 MB; 50,000: 561 MB), 1.8 times
# the largest real table (13,740 rows). The notice text
# keeps its article and only an excerpt of each table, for a reader and for search: the first
# rows, TEXT_ROWS and TEXT_CHARS over all tables of the notice (real provincial tables run to
# 7,500-14,000 rows and 2 million characters; the whole of them used to be appended).
NOTICE_MAX_TABLE_ROWS = 25_000
MAX_ATTACHMENTS = 20
"""Attachments of one notice a crawl fetches, in link order (real notices link one to five):
a page linking hundreds would otherwise fetch and parse them all."""
TEXT_ROWS_PER_TABLE = 20
TEXT_ROWS = 50  # all tables of a notice together
TEXT_CHARS = 20_000  # all table blocks of a notice together

# Name lists (面试/拟聘用名单, 成绩) carry personal data and no positions: never fetched.
PERSONAL_DATA_WORDS = ("名单", "成绩", "准考证", "面试人员", "体检人员", "考察人员", "拟聘", "拟录")


def is_personal_data_list(name: str) -> bool:
    return any(word in name for word in PERSONAL_DATA_WORDS)


@dataclass(slots=True)
class Attachment:
    """One fetched attachment of a notice and what extraction made of it."""

    url: str
    name: str
    result: Extracted


@dataclass(slots=True)
class RowBudget:
    """The rows a notice's attachments may still yield. The crawl parses a notice's files one
    after another, each capped at the rows left, so together they hold at most
    NOTICE_MAX_TABLE_ROWS rows in the crawl process (each file alone at most MAX_ROWS)."""

    limit: int = NOTICE_MAX_TABLE_ROWS
    left: int = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        self.left = self.limit

    def caps(self) -> Caps | None:
        """The caps of the next file's parse; None when no row is left (the file is not read)."""
        return Caps(rows=min(MAX_ROWS, self.left)) if self.left > 0 else None

    def spend(self, result: Extracted) -> None:
        self.left -= sum(len(sheet["rows"]) for sheet in result.sheets)


def tables_of(attachment: Attachment) -> list[Table]:
    tables = []
    for sheet in attachment.result.sheets:
        table = extract_table(sheet["rows"], file=attachment.url, sheet=sheet["name"])
        if table is not None:
            tables.append(table)
    return tables


def repeats_body(table: Table, text: str) -> bool:
    """True when every position of the table is already named in the notice body: the
    attachment repeats the body's table, and appending it would double those positions."""
    return all(row.title and row.title in text for row in table.rows)


def attach_tables(
    notice: ParsedNotice, attachments: list[Attachment], *, max_rows: int = NOTICE_MAX_TABLE_ROWS
) -> ParsedNotice:
    """The notice with its attachments' position tables appended (text + `tables`).

    A table whose positions the body already names is kept in `tables` only (its rows marked
    `repeats_body`). Attachments without a table add nothing to the text (their plain text is
    kept in `attachment_text`); failed ones are listed in `attachment_errors`, and so are the
    cut ones (kind "truncated": the child's caps, or rows past `max_rows`). The
    text shows at most TEXT_ROWS_PER_TABLE rows of a table, TEXT_ROWS and TEXT_CHARS in all.
    """
    blocks: list[str] = []
    rows: list[TableRow] = []
    errors: list[AttachmentError] = []
    texts: dict[str, str] = {}
    text_rows, text_chars = TEXT_ROWS, TEXT_CHARS
    for number, att in enumerate(attachments, start=1):
        if att.result.error:
            errors.append(AttachmentError(att.url, att.result.error, att.result.error_kind or ""))
            continue
        if att.result.truncated:
            errors.append(AttachmentError(att.url, att.result.truncated, "truncated"))
        label = f"附件{number}：{att.name or att.url.rsplit('/', 1)[-1]}"
        tables = tables_of(att)
        dropped = 0
        for table in tables:
            repeats = repeats_body(table, notice.text)
            if not repeats:
                block, shown = render_table_excerpt(
                    table,
                    label,
                    max_rows=min(TEXT_ROWS_PER_TABLE, text_rows),
                    max_chars=text_chars,
                )
                blocks.append(block)
                text_rows -= shown
                text_chars -= len(block) + 1
            room = max(0, max_rows - len(rows))
            dropped += max(0, len(table.rows) - room)
            rows.extend(dataclasses.replace(r, repeats_body=repeats) for r in table.rows[:room])
        if dropped:
            message = f"{dropped} table rows past the notice's {max_rows} not kept"
            errors.append(AttachmentError(att.url, message, "truncated"))
        if not tables and att.result.text:
            texts[att.url] = att.result.text
    return dataclasses.replace(
        notice,
        text=notice.text if not blocks else notice.text + "\n" + "\n".join(blocks),
        tables=[*notice.tables, *rows],
        attachment_errors=errors or notice.attachment_errors,
        attachment_text=texts or notice.attachment_text,
    )


ATTACHMENT_FORMATS = ("xls", "xlsx", "et", "doc", "docx", "wps", "pdf")


def attachment_format(url: str) -> str:
    name = url.split("?", 1)[0].split("#", 1)[0].rsplit("/", 1)[-1].lower()
    return name.rsplit(".", 1)[-1] if "." in name else ""


def wanted_attachments(notice: ParsedNotice) -> list[tuple[str, str]]:
    """(url, link text) of the attachments a crawl fetches: office/PDF files, no name lists."""
    names = notice.attachment_names
    out = []
    for index, url in enumerate(notice.attachments):
        name = names[index] if index < len(names) else ""
        if attachment_format(url) in ATTACHMENT_FORMATS and not is_personal_data_list(name or url):
            out.append((url, name))
    return out
