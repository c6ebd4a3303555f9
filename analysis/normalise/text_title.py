"""Normalise stage, first step for text without a title: the title an ad's own text gives.

Input: the text of a posting given without a title (a JSON line of `icc-talent normalise`, a
corpus ad). Output: its title: the cell under a position table's title column when the text is a
table row below its header; a labelled one ("Posting Title: …", "职位名称：…") among the first
lines; else the first line, unless that is a section heading ("Job Summary", "岗位职责") or a
breadcrumb and the second line looks like a title (short, not a heading, field, numbered
section, bullet or sentence): then the second line; of a line "Title | Employer | Place", its
first part. Reads at most HEAD_CHARS characters.
"""

from __future__ import annotations

import re

__all__ = ["HEAD_CHARS", "TITLE_CHARS", "title_of_text"]

HEAD_CHARS = 4000
"""Characters of the text searched for a title: titles come first in every ad seen."""
TITLE_CHARS = 80
"""Longest title kept (as the first-line rule cut it before)."""
_HEAD_LINES = 40

# "Posting Title: X", "Job title - X", "Vacancy title: X", "职位名称：X", "岗位名称: X"; the label may
# follow another field on the same line ("Vacancy No: 12/2015 Title: Translator").
_LABELLED = re.compile(
    r"(?:^|(?<=\s))(?:(?:(?:posting|job|position|vacancy|role)\s+)?title|position|role)"
    r"\s*[:：\-\u2013]\s*(?P<en>[^\n]*)"
    r"|(?:^|(?<=\s))(?:职位|岗位|職位|崗位)名稱?称?\s*[:：]\s*(?P<zh>[^\n]*)",
    re.IGNORECASE,
)
# The next "Label:" on the line ends a labelled title ("Title: Translator Duty Station: Paris").
_NEXT_LABEL = re.compile(r"\t|\s{3,}|\s+[A-Z][A-Za-z.]*(?:\s+[A-Za-z.]+){0,2}\s*:\s")
_HEADING = re.compile(
    r"(?:about\s+(?:the\s+)?(?:role|job|position|us|company|team)|job\s+(?:summary|description|"
    r"opening|details|overview|purpose)|position\s+(?:summary|description|overview)|overview|"
    r"background|summary|description|(?:key\s+|main\s+)?(?:responsibilities|duties)|"
    r"(?:minimum\s+)?(?:requirements|qualifications)|org\.?\s+setting\s+and\s+reporting|"
    r"special\s+notice|the\s+role|"
    r"职位描述|职位详情|岗位职责|工作职责|职责描述|岗位描述|工作内容|任职要求|职位要求|岗位要求|"
    r"職位描述|崗位職責|工作職責|工作簡介|職責|入職條件|任職條件|任职条件|应聘条件|應聘條件)\s*[:：]?",
    re.IGNORECASE,
)
# A breadcrumb: "当前位置: 首页 > 通知公告 > 正文", "Home > News"
_BREADCRUMB = re.compile(
    r"(?:(?:当前|您的|您现在的|現在)?位置\s*[:：]|home\s*[>\u203a\u00bb/])", re.IGNORECASE
)
# A web page's chrome above the ad, as a crawl or a search excerpt keeps it ("Skip to content Skip
# to search", "• Help", "Back to Jobs", "facebook Created with Sketch."): never the title.
_CHROME = re.compile(
    r"[•·*\-\s]*(?:(?:skip\s+to\s+(?:the\s+)?(?:main\s+)?(?:content|search|navigation|menu)\s*)+"
    r"|back\s+to\s+(?:all\s+)?(?:jobs|results|search|list|top)|help|menu|home|search|share(?:\s+this\s+job)?"
    r"|save(?:\s+job)?|report\s+this\s+job|sign\s+in|log\s*in|apply(?:\s+now)?|print"
    r"|(?:facebook|twitter|linkedin|weibo|wechat)\b.*|.*created\s+with\s+sketch\.?"
    r"|u\.s\.\s+flag|an\s+official\s+website\s+of.*|微信扫码分享|投诉|分享|返回|首页)",
    re.IGNORECASE,
)
_CHROME_LINES = 8  # leading lines looked past
_ENUMERATED = re.compile(
    r"(?:\d{1,2}[.、)）]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）])"
)
_FIELD_LINE = re.compile(r"[^\s:：][^:：]{0,30}[:：]\s*\S")  # "Country: United States"
_BULLET = re.compile(r"[•·\-\u2013*■●◆▪]")
_SENTENCE_END = re.compile(r"[.。;；!！?？:：]$")
_BAR = re.compile(r"\s+[|｜]\s+|｜")


def title_of_text(text: str) -> str:
    """The title of a posting given as text only (see the module's docstring)."""
    lines = [line.strip() for line in text[:HEAD_CHARS].splitlines()]
    lines = [line for line in lines if line][:_HEAD_LINES]
    skip = 0
    while skip < min(_CHROME_LINES, len(lines) - 1) and _CHROME.fullmatch(lines[skip]):
        skip += 1
    lines = lines[skip:]
    if not lines:
        return ""
    for i, line in enumerate(lines[:_TABLE_LINES]):
        if (cell := _table_title(line, lines[i + 1] if i + 1 < len(lines) else "")) is not None:
            return cell
    for i, line in enumerate(lines):
        match = _LABELLED.search(line) if _may_be_labelled(line) else None
        if match is None:
            continue
        value = _labelled_value(match)
        if value:
            return value
        if i + 1 < len(lines) and _is_title_like(lines[i + 1]):  # "Job Title:" and a line
            return lines[i + 1][:TITLE_CHARS]
    first = lines[0]
    if _is_heading(first) and len(lines) > 1 and _is_title_like(lines[1]):
        return _before_bar(lines[1])[:TITLE_CHARS]
    return _before_bar(first)[:TITLE_CHARS]


def _table_title(header: str, row: str) -> str | None:
    """A position table's row given as its header line and the row below it (招录机关(单位) 职位名称
    职位代码 … ⏎ 中共某县委宣传部 一级科员 15002021 …): the row's cell under the title column.
    Cells are split at tabs when the header has them, else at spaces: then empty cells at the
    row's end (备注) leave it shorter, and a row with more cells than the header (a cell with a
    space in it) is not trusted."""
    tabbed = "\t" in header  # tab-separated cells keep their empty ones: columns align exactly
    cells = [c.strip() for c in header.split("\t")] if tabbed else header.split()
    if len(cells) < _TABLE_MIN_CELLS:
        return None
    column = next((i for i, cell in enumerate(cells) if cell in _TITLE_HEADERS), None)
    if column is None:
        return None
    values = [c.strip() for c in row.split("\t")] if tabbed else row.split()
    if not column < len(values) <= len(cells):
        return None
    value = values[column]
    return value[:TITLE_CHARS] if value and not value.isdigit() else None


_TABLE_LINES = 3  # the header is among the first lines (under the table's or notice's title)
_TABLE_MIN_CELLS = 4
_TITLE_HEADERS = frozenset({"职位名称", "岗位名称", "職位名稱", "崗位名稱", "招聘岗位", "岗位"})


def _before_bar(line: str) -> str:
    """A page or board title line "Title | Employer | Place" is titled by its first part (the
    employer's name, "… Software Ltd", must not make a designer a tech job)."""
    head = _BAR.split(line, 1)[0].strip()
    return head or line


def _may_be_labelled(line: str) -> bool:
    """A cheap test before _LABELLED: the line holds one of its label words."""
    lower = line.lower()
    return any(word in lower for word in _LABEL_WORDS)


_LABEL_WORDS = ("title", "position", "role", "名称", "名稱")


def _labelled_value(match: re.Match[str]) -> str:
    value = (match.group("en") or match.group("zh") or "").strip()
    end = _NEXT_LABEL.search(value)
    if end is not None:
        value = value[: end.start()]
    return value.strip(" .;,；，。")[:TITLE_CHARS]


def _is_heading(line: str) -> bool:
    """A section heading ("Job Summary", "岗位职责") or a breadcrumb ("当前位置: 首页 > 通知公告"),
    which an ad's first line is when its title was left out."""
    return _HEADING.fullmatch(line) is not None or _BREADCRUMB.match(line) is not None


def _is_title_like(line: str) -> bool:
    """Short, and neither a heading, a field, an enumerated section, a bullet nor a sentence
    (page chrome above the ad was dropped before)."""
    return (
        len(line) <= TITLE_CHARS - 20
        and not _is_heading(line)
        and _FIELD_LINE.match(line) is None
        and _ENUMERATED.match(line) is None
        and _BULLET.match(line) is None
        and _SENTENCE_END.search(line) is None
    )
