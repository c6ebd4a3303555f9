"""Normalise stage: split a notice into positions.

Input: a cleaned notice text and its title.
Output: Sections, one per position: its own text, plus the notice's shared *conditions* (基本条件,
"所有岗位均须…", "All positions require…"). Intros, purpose statements, application procedures and
contacts stay in the notice text but are not given to the positions, so an employer's strategy
("为加强生成式人工智能内容生产能力…") never becomes a duty of every position.

Conservative: a split needs at least two position headings of one style (岗位一：…, 1.英语编辑,
(一)俄语记者, Position 1:, ### Russian Editor), each naming a job (a role noun, a headcount
"(2名)", or a body opening with 岗位职责/任职要求) and each followed by a body; or a position table
rendered as "cell | cell" rows under a header naming 岗位/职位. A false split is worse than none:
anything less gives one position titled by the notice title, holding the whole text.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from analysis.models import TableRow
from analysis.normalise.guard import first_char_guard, guarded
from analysis.normalise.numbers import CN_ONE_TO_TEN, CN_SMALL
from analysis.normalise.text import clean_text

__all__ = [
    "Section",
    "row_sections",
    "row_text",
    "sections_of",
    "shared_conditions",
    "split_positions",
]

_CN_NUM = CN_ONE_TO_TEN
_ROLE_NOUN = guarded(
    re.compile(
        r"编辑|记者|翻译|译员|译审|主持人|主播|播音员|运营|设计师|工程师|摄像|摄影师|剪辑师|专员|主管|经理|主任"
        r"|助理|制片人|导演|编导|审校|校对|策划|研究员|分析师|实习生|管培生|美编|编译|采编|通讯员|干事|岗"
        r"|总监|总编|主编|专家|顾问|负责人"
        r"|(?i:\b(?:editors?|reporters?|correspondents?|translators?|interpreters?|producers?|anchors?"
        r"|hosts?|presenters?|engineers?|designers?|managers?|specialists?|officers?|assistants?"
        r"|writers?|journalists?|videographers?|photographers?|directors?|interns?|coordinators?"
        r"|analysts?)\b)"
    )
)
# The rest of the role nouns: a title ending in 师/员/官 after a letter (searched in the last ten
# characters only: a match is at most nine characters and ends the title).
_ROLE_SUFFIX = re.compile(r"[^\W\d]{1,8}(?:师|员|官)$")
_TITLE_PUNCT = re.compile(r"[,;。!?]")
# Headings about the notice, not a job, even when they contain 岗 (招聘岗位, 岗位职责).
_NOT_A_TITLE = guarded(
    re.compile(
        r"招聘|条件|要求|职责|待遇|方式|程序|流程|时间|报名|须知|说明|其他|附件|联系|简介|概况|计划|原则|范围"
        r"|资格|纪律|监督|咨询|体检|考察|考试|笔试|面试|聘用|公示|福利|薪酬|岗位表|岗位及|对象"
        r"|(?i:\b(?:requirements?|responsibilities|qualifications|duties|benefits|salary|how to apply"
        r"|about)\b)"
    )
)
_HEADING_STYLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("gangwei", re.compile(rf"^(?:岗位|职位)\s*[{_CN_NUM}\d]{{1,3}}\s*[::、.]?\s*(?P<t>.*)$")),
    ("position", re.compile(r"^(?i:position|job|role)\s*\d{1,2}\s*[:.\-\u2013]\s*(?P<t>.+)$")),
    ("markdown", re.compile(r"^#{2,4}\s+(?P<t>.+)$")),
    ("cn_paren", re.compile(rf"^\(([{_CN_NUM}]{{1,3}})\)\s*(?P<t>.+)$")),
    ("digit_paren", re.compile(r"^\((\d{1,2})\)\s*(?P<t>.+)$")),
    ("digit", re.compile(r"^(\d{1,2})\s*[.、]\s*(?P<t>.+)$")),
    ("cn", re.compile(rf"^([{_CN_NUM}]{{1,3}})、\s*(?P<t>.+)$")),
)
# What a heading line can start with, by any style: most lines are rejected with one test.
# (A style without a guard would admit any line: the empty alternative.)
_HEADING_START = re.compile(
    "|".join(f"(?:{first_char_guard(p) or ''})" for _, p in _HEADING_STYLES)
)
_TOP_SECTION = re.compile(
    rf"^[{_CN_NUM}]{{1,3}}、|^第[{_CN_NUM}]{{1,3}}[条章部分]|^#{{1,4}}\s|^[A-Z][A-Z &]{{3,40}}:?$"
)
# Lines that start text meant for every position: "所有岗位均须…", "All positions require…".
_SHARED_MARK = re.compile(
    r"^\W*(?:所有岗位|各岗位|以上岗位|全部岗位|上述岗位|基本条件|通用条件|共同条件"
    r"|(?i:all (?:positions|roles|candidates|applicants)|common requirements|general requirements))"
)
# A top-level block of conditions that every position shares (二、基本条件 / 报名条件 / 资格条件).
_CONDITIONS_HEADING = re.compile(
    r"条件|要求|资格|(?i:requirements?|qualifications|eligibility)",
)
_NOT_CONDITIONS = re.compile(
    r"报名(?!条件)|程序|流程|方式|时间|待遇|薪酬|福利|联系|咨询|体检|考察|考试|笔试|面试|聘用|公示|纪律|监督"
    r"|岗位及|招聘岗位|(?i:how to apply|application|salary|benefits|contact)"
)
# A position body opens with one of these labels: "岗位职责：…", "任职要求：".
_BODY_LABEL = re.compile(
    r"^\W{0,3}(?:岗位职责|工作职责|主要职责|职责|岗位要求|任职要求|任职资格|任职条件|岗位条件|工作内容"
    r"|(?i:responsibilities|duties|requirements|qualifications))"
)
_HEADCOUNT_SUFFIX = re.compile(
    rf"\s*[(\[]?\s*(?:\d{{1,3}}|[{CN_SMALL}])\s*(?:名|人)\s*[)\]]?\s*[::]?$"
)
_MAX_TITLE = 30
# Position tables come out of the page parser as "cell | cell | …" rows.
_CELL_SEP = " | "
_TABLE_TITLE_COL = re.compile(r"岗位名称|职位名称|岗位|职位|(?i:position|job title|title)")
_TABLE_COUNT_COL = re.compile(r"人数|名额|计划数|职数|(?i:number|vacancies|headcount)")


@dataclass(frozen=True, slots=True)
class Section:
    """One position: its title, its own text, the shared conditions, and a known headcount;
    a position from a table row also says where the row is (file, sheet, 1-based row)."""

    title: str
    own: str
    shared: str
    headcount: int | None = None
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    lead: int = 0  # characters at the head of `own` that no detector reads (a row's identity)

    @property
    def text(self) -> str:
        return self.own if not self.shared else f"{self.own}\n\n{self.shared}"


def _heading(line: str, next_line: str = "") -> tuple[str, str] | None:
    """(style, title) when `line` is a position heading: short, names a job, not a sentence.

    A job is named by a role noun (编辑, reporter), or shown by a headcount suffix "(2名)" or by a
    next line that opens a position body (岗位职责：…): "英文文案(1名)" is a position too.
    """
    line = line.strip()
    if not line or len(line) > _MAX_TITLE + 12 or not _HEADING_START.match(line):
        return None
    for style, pattern in _HEADING_STYLES:
        m = pattern.match(line)
        if m is None:
            continue
        raw = m.group("t")
        title = _HEADCOUNT_SUFFIX.sub("", raw).strip().strip(":").strip()
        if not title and style == "gangwei":
            return style, line
        if (
            not title
            or len(title) > _MAX_TITLE
            or _TITLE_PUNCT.search(title)
            or _NOT_A_TITLE.search(title)
        ):
            return None
        named = (
            _ROLE_NOUN.search(title) is not None
            or _ROLE_SUFFIX.search(title, max(0, len(title) - 10)) is not None
            or len(title) < len(raw.strip().strip(":").strip())  # had a headcount suffix
            or _BODY_LABEL.match(next_line) is not None
        )
        return (style, title) if named else None
    return None


def _line_offsets(lines: list[str]) -> list[int]:
    offsets: list[int] = []
    pos = 0
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    return offsets


def _shared_conditions(lines: list[str], outside: list[int]) -> str:
    """The lines (by index, outside every position) that hold conditions shared by all positions.

    Kept: blocks under a top-level conditions heading (二、基本条件) and any line marked as shared
    (所有岗位均须…). Dropped: intros, purpose statements, application procedures, contacts.
    """
    kept: list[str] = []
    keep_block = False
    for i in outside:
        line = lines[i].strip()
        if not line:
            continue
        if _TOP_SECTION.match(line):
            keep_block = bool(_CONDITIONS_HEADING.search(line) and not _NOT_CONDITIONS.search(line))
            if keep_block:
                kept.append(line)
            continue
        if keep_block or _SHARED_MARK.match(line):
            kept.append(line)
    return "\n".join(kept)


def _table_sections(lines: list[str]) -> list[Section] | None:
    """Positions from a "cell | cell" table whose header names a position column, else None."""
    for i, line in enumerate(lines):
        if _CELL_SEP not in line:
            continue
        header = [c.strip() for c in line.split("|")]
        title_col = next((j for j, c in enumerate(header) if _TABLE_TITLE_COL.search(c)), None)
        if title_col is None or len(header) < 3:
            continue
        count_col = next((j for j, c in enumerate(header) if _TABLE_COUNT_COL.search(c)), None)
        rows: list[int] = []
        for j in range(i + 1, len(lines)):
            cells = lines[j].split("|")
            if len(cells) != len(header):
                break
            rows.append(j)
        if len(rows) < 2:
            continue
        outside = [k for k in range(len(lines)) if k != i and k not in rows]
        shared = _shared_conditions(lines, outside)
        out: list[Section] = []
        for j in rows:
            cells = [c.strip() for c in lines[j].split("|")]
            count = cells[count_col] if count_col is not None else ""
            out.append(
                Section(
                    cells[title_col] or f"{cells[0]}",
                    f"{line.strip()}\n{lines[j].strip()}",
                    shared,
                    int(count) if count.isdigit() and 0 < int(count) < 1000 else None,
                )
            )
        return out
    return None


def sections_of(text: str, title: str) -> list[Section]:
    """The positions of a notice, with own text and shared conditions kept apart."""
    lines = text.split("\n")
    heads: list[tuple[int, str, str]] = []
    start_ok = _HEADING_START.match
    for i, line in enumerate(lines):
        stripped = line.strip()  # _heading's first test, here without a call for most lines
        if not stripped or len(stripped) > _MAX_TITLE + 12 or not start_ok(stripped):
            continue
        h = _heading(line, lines[i + 1] if i + 1 < len(lines) else "")
        if h is not None:
            heads.append((i, h[0], h[1]))
    chosen: list[tuple[int, str, str]] = []
    if heads:
        # Keep the most frequent style; a split needs two headings of it.
        styles = [h[1] for h in heads]
        style = max(set(styles), key=lambda s: (styles.count(s), -styles.index(s)))
        chosen = [h for h in heads if h[1] == style]
    if len(chosen) < 2:
        if _CELL_SEP in text:
            table = _table_sections(lines)
            if table:
                return table
        return [Section(title, text, "")]
    starts = [h[0] for h in chosen]
    ends = [*starts[1:], _block_end(lines, starts[-1], chosen[0][1])]
    for s, e in zip(starts, ends, strict=True):
        if e - s < 2 or not "\n".join(lines[s + 1 : e]).strip():
            # A heading with no body: a list, not positions, unless it is a position list.
            return _listed_sections(lines, chosen) or [Section(title, text, "")]
    inside = {k for s, e in zip(starts, ends, strict=True) for k in range(s, e)}
    shared = _shared_conditions(lines, [k for k in range(len(lines)) if k not in inside])
    return [
        Section(h[2], "\n".join(lines[s:e]).strip(), shared)
        for h, s, e in zip(chosen, starts, ends, strict=True)
    ]


# The heading a list of positions stands under: "一、招聘岗位", "岗位设置", "招聘计划:".
_POSITIONS_HEADING = re.compile(
    rf"^(?:[{_CN_NUM}]{{1,3}}、|\d{{1,2}}[.、]|\([{_CN_NUM}]{{1,3}}\))?\s*"
    r"(?:招聘|招考|选聘|引进)?(?:岗位|职位)(?:设置|及人数|及名额|信息)?\s*[::]?$"
    r"|^(?:[一二三四五六七八九十]{1,3}、)?\s*招聘(?:计划|人数|名额)\s*[::]?$"
)
# A block of one listed position's requirements: "1.地质岗位要求", "(二)英语编辑岗位职责:".
_OWN_BLOCK = re.compile(
    rf"^(?:\d{{1,2}}[.、]|[{_CN_NUM}]{{1,3}}、|\(\d{{1,2}}\)|\([{_CN_NUM}]{{1,3}}\))?\s*"
    r"(?P<stem>[^\s,;。:]{2,20}?)(?:岗位|职位)?(?:任职要求|任职资格|要求|职责|条件)\s*[::]?$"
)


def _listed_sections(lines: list[str], heads: list[tuple[int, str, str]]) -> list[Section] | None:
    """Positions listed without bodies ("一、招聘岗位 / 1.地质专业技术人员1名 / 2.环境工程专业技术人员
    1名"), else None: two or more headings on consecutive lines, each with a headcount, right
    under a heading that names the positions. A later block headed by the start of a listed
    title ("1.地质岗位要求") is that position's own text; the rest gives the shared conditions."""
    starts = [h[0] for h in heads]
    consecutive = all(b == a + 1 for a, b in itertools.pairwise(starts))
    if (
        not consecutive
        or starts[0] == 0
        or not _POSITIONS_HEADING.match(lines[starts[0] - 1].strip())
        or not all(_HEADCOUNT_SUFFIX.search(lines[i].strip()) for i in starts)
    ):
        return None
    titles = [h[2] for h in heads]
    owned: dict[int, list[int]] = {}  # position index -> line indices of its own block
    current: int | None = None
    for j in range(starts[-1] + 1, len(lines)):
        line = lines[j].strip()
        block = _OWN_BLOCK.match(line) if len(line) <= _MAX_TITLE else None
        if block is not None:
            stem = block.group("stem")
            owners = [k for k, t in enumerate(titles) if t.startswith(stem) or stem in t]
            current = owners[0] if len(owners) == 1 and owners[0] not in owned else None
            if current is not None:
                owned[current] = [j]
            continue
        if _TOP_SECTION.match(line):
            current = None
        elif current is not None:
            owned[current].append(j)
    taken = {j for block in owned.values() for j in block} | set(starts)
    shared = _shared_conditions(lines, [k for k in range(len(lines)) if k not in taken])
    sections = []
    for k, (i, _, title) in enumerate(heads):
        own = "\n".join(lines[j].strip() for j in [i, *owned.get(k, [])])
        count = _HEADCOUNT_SUFFIX.search(lines[i].strip())
        digits = re.sub(r"\D", "", count.group()) if count else ""
        headcount = int(digits) if digits and 0 < int(digits) < 1000 else None
        sections.append(Section(title, own, shared, headcount))
    return sections


def _block_end(lines: list[str], last_start: int, style: str) -> int:
    """Where the last position ends: at the next top-level section heading after it."""
    for j in range(last_start + 1, len(lines)):
        line = lines[j].strip()
        if _SHARED_MARK.match(line):
            return j
        if style not in ("cn",) and _TOP_SECTION.match(line) and _heading(line) is None:
            return j
    return len(lines)


def split_positions(text: str, title: str) -> list[tuple[str, str]]:
    """[(position title, position text)]: one per position heading, shared conditions appended.

    A notice with no recognisable split is one position titled by the notice title.
    """
    return [(s.title, s.text) for s in sections_of(text, title)]


# -- positions straight from table rows (attachments) ------------------------------------------

# A row's cell as a line of its position's text: "学历要求:本科及以上", so a finding's evidence
# is a span of one cell and the header says what the cell is (ASCII, as clean_text makes "：").
_CELL_LABEL = ":"
# The fields of a TableRow built without `cells`, with the header words a table would use.
_ROW_FIELDS = (
    ("employer", "招聘单位"),
    ("title", "岗位名称"),
    ("major", "专业"),
    ("degree", "学历"),
    ("age", "年龄"),
    ("other", "其他条件"),
)
_MORE_ROWS = re.compile(r"^… \d+ more rows in table_rows$")


# Cells that say who a row is (employer, position code, serial number, headcount): kept at the
# head of the position's text but not read by the detectors (an employer named 党员教育中心 sets
# no requirement), so rows that differ only in them are read once (`Section.lead`).
_IDENTITY_HEADER = re.compile(
    r"代码|编码|编号|序号|人数|名额|计划数|职数|单位|机关|部门|(?i:\bcode\b|employer|vacancies)"
)


def row_lines(row: TableRow) -> tuple[list[str], list[str]]:
    """(identity lines, requirement lines) of a table row: one "header:value" line per filled
    cell, in column order within each group."""
    if row.cells:
        pairs = list(row.cells.items())
    else:
        pairs = [(label, getattr(row, name)) for name, label in _ROW_FIELDS]
        if row.headcount is not None:
            pairs.insert(2, ("招聘人数", str(row.headcount)))
    identity: list[str] = []
    requirements: list[str] = []
    for header, value in pairs:
        if value:
            group = identity if _IDENTITY_HEADER.search(header) else requirements
            group.append(f"{header}{_CELL_LABEL}{value}")
    return identity, requirements


def row_text(row: TableRow) -> str:
    """A table row as position text: its identity lines, then its requirement lines."""
    identity, requirements = row_lines(row)
    return "\n".join(identity + requirements)


def shared_conditions(text: str) -> str:
    """The conditions a notice's text sets for every position (二、基本条件…, 所有岗位均须…),
    without the table excerpts `attach_tables` appends (their caption, ' | ' and "… more
    rows" lines): positions read from table rows get these, as positions split from text do."""
    lines = text.split("\n")
    kept = [
        line
        for i, line in enumerate(lines)
        if _CELL_SEP not in line
        and not (i + 1 < len(lines) and _CELL_SEP in lines[i + 1])  # a table's caption
        and not _MORE_ROWS.match(line)
    ]
    return _shared_conditions(kept, list(range(len(kept))))


def row_sections(rows: list[TableRow], shared: str = "") -> list[Section]:
    """One position per table row, in order, with its provenance and the table's headcount;
    the title is the row's position name (else its employer, else "sheet row N"). Title and
    text are cleaned like notice text (a `clean_text` per group of cells, not per cell)."""
    sections = []
    for row in rows:
        identity, requirements = row_lines(row)
        lead = clean_text("\n".join(identity))
        body = clean_text("\n".join(requirements))
        own = f"{lead}\n{body}" if lead and body else lead or body
        sections.append(
            Section(
                clean_text(row.title or row.employer) or f"{row.sheet} 第{row.row}行",
                own,
                shared,
                row.headcount if row.headcount and 0 < row.headcount < 1000 else None,
                row.file,
                row.sheet,
                row.row,
                len(own) - len(body),
            )
        )
    return sections
