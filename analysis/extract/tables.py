"""Extract stage: position tables (岗位/职位表) → one row per position, with cell provenance.

Input: a grid of cell strings (one sheet of an .xlsx/.xls/.et, one table of a .docx, rows of a
PDF page, or an HTML table of the notice body) and where it came from (file, sheet/table).
Output: `TableRow`s: title, headcount (招聘人数), major, degree, age, other conditions, employer
and every cell under its header, each with (file, sheet, row). Real layouts put a merged title
row and a "说明" note row above the header and vary header wording between years, so the header
row is found by keywords and columns are mapped by fuzzy name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from analysis.models import TableRow

MAX_HEADER_SCAN = 12  # the header sits in the first rows (title, note rows above it)
MAX_COLUMNS = 60  # some sheets report 200+ stray formatted columns
CELL_SEPARATOR = " | "

# field -> header keywords, most specific first; `exclude` words veto a keyword match.
COLUMNS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("headcount", ("招聘人数", "招录人数", "招考人数", "需求人数", "计划人数", "人数", "名额", "计划数"), ()),
    ("title", ("岗位名称", "职位名称", "招聘岗位", "岗位", "职位", "position", "job title"),
     ("代码", "编码", "类别", "类型", "等级", "简介", "职责", "说明", "人数")),
    ("major", ("专业", "学科", "major"), ()),
    ("degree", ("学历", "degree", "education"), ()),
    ("age", ("年龄", "age"), ()),
    ("employer", ("招录机关", "招聘单位", "招录单位", "用人单位", "单位名称", "主管部门", "单位"), ("人数",)),
    ("other", ("其他条件", "其它条件", "其他要求", "其它要求", "资格条件", "备注", "条件", "要求"), ()),
)  # fmt: skip
_HEADER_HINTS = ("岗位", "职位", "人数", "专业", "学历", "学位", "年龄", "条件", "要求", "单位")
_INT = re.compile(r"^\s*(\d{1,4})(?:\.0+)?\s*(?:人|名)?\s*$")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


@dataclass(slots=True)
class Table:
    """A located position table: its header, its rows, and what lay above the header."""

    file: str
    sheet: str
    header_row: int
    header: list[str]
    rows: list[TableRow]
    caption: list[str] = field(default_factory=list)  # title / note rows above the header


def clean_cell(value: Any) -> str:
    """A cell as text: floats that are whole numbers lose '.0' (codes read from .xls)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return " ".join(str(value).split())


def header_score(cells: Sequence[str]) -> int:
    """How many cells look like column names of a position table."""
    return sum(1 for c in cells if c and len(c) <= 20 and any(h in c for h in _HEADER_HINTS))


def find_header(grid: Sequence[Sequence[str]]) -> int | None:
    """Index of the header row: the first of the top rows with ≥ 3 header-like cells."""
    for i, row in enumerate(grid[:MAX_HEADER_SCAN]):
        if header_score(row) >= 3:
            return i
    return None


def map_columns(header: Sequence[str]) -> dict[str, int]:
    """field -> column index, each column used once, by the first matching keyword."""
    mapping: dict[str, int] = {}
    used: set[int] = set()
    for name, keywords, exclude in COLUMNS:
        for keyword in keywords:
            hit = next(
                (
                    i
                    for i, cell in enumerate(header)
                    if i not in used
                    and keyword in cell.lower()
                    and not any(x in cell for x in exclude)
                ),
                None,
            )
            if hit is not None:
                mapping[name] = hit
                used.add(hit)
                break
    return mapping


def parse_headcount(text: str) -> int | None:
    match = _INT.match(text.translate(_FULLWIDTH_DIGITS))
    return int(match.group(1)) if match else None


def extract_table(
    grid: Sequence[Sequence[Any]], *, file: str, sheet: str, first_row: int = 1
) -> Table | None:
    """The position table in `grid`, or None when no header row is found.

    `first_row` is the 1-based number of grid[0] in the source (row numbers are provenance).
    """
    cleaned = [[clean_cell(c) for c in row[:MAX_COLUMNS]] for row in grid]
    index = find_header(cleaned)
    if index is None:
        return None
    header = cleaned[index]
    width = max((i + 1 for i, c in enumerate(header) if c), default=0)
    header = header[:width]
    columns = map_columns(header)
    if "title" not in columns and "headcount" not in columns:
        return None
    caption = [" ".join(c for c in row if c) for row in cleaned[:index] if any(row)]
    rows: list[TableRow] = []
    for offset, raw in enumerate(cleaned[index + 1 :], start=index + 1):
        row = (raw + [""] * width)[:width]
        filled = [c for c in row if c]
        if len(filled) < 2:
            continue  # blank, a merged sub-title or a footnote row
        if row == header:
            continue  # the header repeated on a new page
        get = {name: row[i] for name, i in columns.items()}
        if not get.get("title") and not get.get("headcount"):
            continue
        rows.append(
            TableRow(
                file=file,
                sheet=sheet,
                row=first_row + offset,
                title=get.get("title", ""),
                headcount=parse_headcount(get.get("headcount", "")),
                major=get.get("major", ""),
                degree=get.get("degree", ""),
                age=get.get("age", ""),
                other=get.get("other", ""),
                employer=get.get("employer", ""),
                cells={h or f"列{i + 1}": row[i] for i, h in enumerate(header) if row[i]},
            )
        )
    if not rows:
        return None
    return Table(file, sheet, first_row + index, header, rows, caption)


def render_table_text(table: Table, label: str) -> str:
    """The table as notice text, exactly as an HTML table of a notice body is rendered:
    a caption line, then the header row and one line per position, cells joined by ' | '."""
    return render_table_excerpt(table, label, max_rows=len(table.rows), max_chars=None)[0]


def render_table_excerpt(
    table: Table, label: str, *, max_rows: int, max_chars: int | None
) -> tuple[str, int]:
    """(text, rows shown): `render_table_text` of the first rows only, at most `max_rows` of
    them in at most `max_chars` characters, then one line saying how many more rows there are
    (they stay in `ParsedNotice.tables`). The line has no ' | ', so it ends the table."""
    lines = [f"{label}（{table.sheet}）" if table.sheet else label]
    lines.append(CELL_SEPARATOR.join(table.header))
    used = len(lines[0]) + len(lines[1]) + 2
    shown = 0
    for row in table.rows[: max(0, max_rows)]:
        line = CELL_SEPARATOR.join(
            row.cells.get(h or f"列{i + 1}", "") for i, h in enumerate(table.header)
        )
        if max_chars is not None and used + len(line) + 1 > max_chars:
            break
        lines.append(line)
        used += len(line) + 1
        shown += 1
    if shown < len(table.rows):
        lines.append(f"… {len(table.rows) - shown} more rows in table_rows")
    return "\n".join(lines), shown
