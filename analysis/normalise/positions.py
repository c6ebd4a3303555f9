"""Normalise stage: split a notice into positions.

Input: a cleaned notice text and its title.
Output: [(position title, position text)], where each position text is its own section followed by
the notice's shared parts (text before the first position, after the last one), so it stands alone.

Conservative: a split needs at least two position headings of one style (岗位一：…, 1.英语编辑,
(一)俄语记者, Position 1:, ### Russian Editor), each naming a job and each followed by a body.
A false split is worse than none: anything less gives one position titled by the notice title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Section", "sections_of", "split_positions"]

_CN_NUM = "一二三四五六七八九十"
_ROLE_NOUN = re.compile(
    r"编辑|记者|翻译|译员|译审|主持人|主播|播音员|运营|设计师|工程师|摄像|摄影师|剪辑师|专员|主管|经理|主任"
    r"|助理|制片人|导演|编导|审校|校对|策划|研究员|分析师|实习生|管培生|美编|编译|采编|通讯员|干事|岗"
    r"|总监|总编|主编|专家|顾问|负责人|[^\W\d]{1,8}(?:师|员|官)$"
    r"|(?i:\b(?:editors?|reporters?|correspondents?|translators?|interpreters?|producers?|anchors?"
    r"|hosts?|presenters?|engineers?|designers?|managers?|specialists?|officers?|assistants?"
    r"|writers?|journalists?|videographers?|photographers?|directors?|interns?|coordinators?"
    r"|analysts?)\b)"
)
# Headings about the notice, not a job, even when they contain 岗 (招聘岗位, 岗位职责).
_NOT_A_TITLE = re.compile(
    r"招聘|条件|要求|职责|待遇|方式|程序|流程|时间|报名|须知|说明|其他|附件|联系|简介|概况|计划|原则|范围"
    r"|资格|纪律|监督|咨询|体检|考察|考试|笔试|面试|聘用|公示|福利|薪酬|岗位表|岗位及|对象"
    r"|(?i:\b(?:requirements?|responsibilities|qualifications|duties|benefits|salary|how to apply"
    r"|about)\b)"
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
_TOP_SECTION = re.compile(rf"^[{_CN_NUM}]{{1,3}}、|^#{{1,4}}\s|^[A-Z][A-Z &]{{3,40}}:?$")
# Lines that start text meant for every position: "所有岗位均须…", "All positions require…".
_SHARED_MARK = re.compile(
    r"^\W*(?:所有岗位|各岗位|以上岗位|全部岗位|上述岗位|基本条件|通用条件|共同条件"
    r"|(?i:all (?:positions|roles|candidates|applicants)|common requirements|general requirements))"
)
_HEADCOUNT_SUFFIX = re.compile(
    r"\s*[(\[]?\s*(?:\d{1,3}|[一两二三四五六七八九十])\s*(?:名|人)\s*[)\]]?\s*[::]?$"
)
_MAX_TITLE = 30


@dataclass(frozen=True, slots=True)
class Section:
    """One position: its title, its own text, and the notice's shared text."""

    title: str
    own: str
    shared: str

    @property
    def text(self) -> str:
        return self.own if not self.shared else f"{self.own}\n\n{self.shared}"


def _heading(line: str) -> tuple[str, str] | None:
    """(style, title) when `line` is a position heading: short, names a job, not a sentence."""
    line = line.strip()
    if not line or len(line) > _MAX_TITLE + 12:
        return None
    for style, pattern in _HEADING_STYLES:
        m = pattern.match(line)
        if m is None:
            continue
        title = _HEADCOUNT_SUFFIX.sub("", m.group("t")).strip().strip(":").strip()
        if not title and style == "gangwei":
            return style, line
        if (
            not title
            or len(title) > _MAX_TITLE
            or re.search(r"[,;。!?]", title)
            or _NOT_A_TITLE.search(title)
            or not _ROLE_NOUN.search(title)
        ):
            return None
        return style, title
    return None


def sections_of(text: str, title: str) -> list[Section]:
    """The positions of a notice, with own and shared text kept apart (see split_positions)."""
    lines = text.split("\n")
    offsets: list[int] = []
    pos = 0
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    heads: list[tuple[int, str, str]] = []
    for i, line in enumerate(lines):
        h = _heading(line)
        if h is not None:
            heads.append((i, h[0], h[1]))
    if not heads:
        return [Section(title, text, "")]
    # Keep the most frequent style; a split needs two headings of it.
    styles = [h[1] for h in heads]
    style = max(set(styles), key=lambda s: (styles.count(s), -styles.index(s)))
    chosen = [h for h in heads if h[1] == style]
    if len(chosen) < 2:
        return [Section(title, text, "")]
    starts = [h[0] for h in chosen]
    ends = [*starts[1:], _block_end(lines, starts[-1], style)]
    for s, e in zip(starts, ends, strict=True):
        if e - s < 2 or not "\n".join(lines[s + 1 : e]).strip():
            return [Section(title, text, "")]  # a heading with no body: a list, not positions
    before = "\n".join(lines[: starts[0]]).strip()
    after = "\n".join(lines[ends[-1] :]).strip()
    shared = "\n\n".join(p for p in (before, after) if p)
    return [
        Section(h[2], "\n".join(lines[s:e]).strip(), shared)
        for h, s, e in zip(chosen, starts, ends, strict=True)
    ]


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
    """[(position title, position text)]: one per position heading, shared text appended.

    A notice with no recognisable split is one position titled by the notice title.
    """
    return [(s.title, s.text) for s in sections_of(text, title)]
