"""Report stage: the Markdown twin of the report.

Input: the report's blocks (`analysis.report.model`) and the file name of each chart.
Output: a Markdown string; charts are linked as SVG files written beside it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from analysis.report.model import (
    Block,
    Bullets,
    Cell,
    Flagged,
    Heading,
    Link,
    Marked,
    Paragraph,
    Table,
    Tiles,
)

_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}#|!~])")


def md_escape(text: str) -> str:
    """Plain text safe inside Markdown (and its inline HTML): one line, specials escaped."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(" ".join(text.split()), quote=False))


def _md_url(url: str) -> str:
    for char, code in ((" ", "%20"), ("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E")):
        url = url.replace(char, code)
    return url


def _md_cell(cell: Cell) -> str:
    if isinstance(cell, Link):
        return f"[{md_escape(cell.text)}]({_md_url(cell.url)})"
    if isinstance(cell, Flagged):
        return f"{md_escape(cell.text)} *n&lt;5*"
    if isinstance(cell, Marked):
        before, found, after = cell.text.partition(cell.mark) if cell.mark else (cell.text, "", "")
        marked = f"**{md_escape(found)}**" if found else ""
        return md_escape(before) + marked + md_escape(after)
    return md_escape(cell)


def _md_table(table: Table) -> str:
    align = ["---:" if i in table.numeric else "---" for i in range(len(table.headers))]
    lines = [
        "| " + " | ".join(md_escape(h) for h in table.headers) + " |",
        "| " + " | ".join(align) + " |",
        *("| " + " | ".join(_md_cell(c) for c in row) + " |" for row in table.rows),
    ]
    return "\n".join(lines)


def _md_block(block: Block, chart_files: dict[str, str]) -> str:
    if isinstance(block, Heading):
        return f"{'#' * block.level} {md_escape(block.text)}"
    if isinstance(block, Paragraph):
        return f"*{md_escape(block.text)}*" if block.note else md_escape(block.text)
    if isinstance(block, Bullets):
        return "\n".join(f"- {md_escape(i)}" for i in block.items)
    if isinstance(block, Tiles):
        return "\n".join(
            f"- **{md_escape(label)}: {_md_cell(value)}** ({md_escape(change)})"
            for label, value, change in block.items
        )
    if isinstance(block, Table):
        return _md_table(block)
    target = _md_url(chart_files[block.name])
    return f"![{md_escape(block.title)}]({target})\n\n*{md_escape(block.caption)}*"


def render_markdown(
    title: str, subtitle: str, blocks: Sequence[Block], chart_files: dict[str, str]
) -> str:
    """The Markdown twin; charts are linked as files named in `chart_files`."""
    parts = [f"# {md_escape(title)}", f"*{md_escape(subtitle)}*"]
    parts += [_md_block(b, chart_files) for b in blocks]
    return "\n\n".join(parts) + "\n"
