"""Report stage: the HTML page of the report, one self-contained file.

Input: the report's blocks (`analysis.report.model`).
Output: an HTML string with inline CSS and SVG charts, no script and no external resource.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from analysis.charts import CJK_FONTS
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

CSS_FONTS = ", ".join(
    [
        # Latin text in a UI font; CJK falls through to the first CJK font the machine has.
        "system-ui",
        "-apple-system",
        '"Segoe UI"',
        *(f'"{f}"' for f in CJK_FONTS),
        '"Noto Sans"',
        '"DejaVu Sans"',
        "sans-serif",
    ]
)

_CSS = """
:root { --ink: #1d2733; --muted: #5b6675; --line: #e1e6ec; --accent: #d1495b; }
* { box-sizing: border-box; }
body { margin: 0; background: #f4f6f8; color: var(--ink); font-family: FONTS;
       line-height: 1.5; font-size: 15px; }
main { max-width: 980px; margin: 0 auto; padding: 36px 40px 64px; background: #fff; }
h1 { font-size: 1.7rem; margin: 0 0 .2rem; line-height: 1.25; }
.subtitle { color: var(--muted); margin: 0 0 1.5rem; }
h2 { font-size: 1.25rem; margin: 2.4rem 0 .8rem; padding-bottom: .3rem;
     border-bottom: 2px solid var(--ink); }
h3 { font-size: 1rem; margin: 1.6rem 0 .4rem; }
p.note { color: var(--muted); font-size: .88rem; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1rem; font-size: .9rem; }
th, td { text-align: left; vertical-align: top; padding: .4rem .55rem;
         border-bottom: 1px solid var(--line); }
th { color: var(--muted); font-weight: 600; font-size: .8rem; border-bottom-color: #b8c1cc; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:hover { background: #f8fafc; }
.flag { display: inline-block; margin-left: .3rem; padding: 0 .3rem; border-radius: 3px;
        background: #fff1d0; color: #8a5a00; font-size: .72rem; font-weight: 600; }
mark { background: #fde3e6; color: inherit; padding: 0 .1rem; border-radius: 2px; }
a { color: #1f5fa8; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr));
         gap: 12px; margin: 1rem 0 1.2rem; }
.tile { border: 1px solid var(--line); border-radius: 6px; padding: .7rem .85rem; }
.tile .label { color: var(--muted); font-size: .8rem; }
.tile .value { font-size: 1.6rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.tile .change { color: var(--muted); font-size: .8rem; }
figure { margin: 1.4rem 0 1.8rem; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: .85rem; margin-top: .3rem; }
ul { padding-left: 1.2rem; }
li { margin: .2rem 0; }
""".replace("FONTS", CSS_FONTS)

# No script, no remote fetch: the page may only use its own inline styles.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _html_cell(cell: Cell) -> str:
    if isinstance(cell, Link):
        href = html.escape(cell.url, quote=True)
        return f'<a href="{href}" rel="noopener noreferrer nofollow">{html.escape(cell.text)}</a>'
    if isinstance(cell, Flagged):
        return f'{html.escape(cell.text)}<span class="flag">n&lt;5</span>'
    if isinstance(cell, Marked):
        before, found, after = cell.text.partition(cell.mark) if cell.mark else (cell.text, "", "")
        marked = f"<mark>{html.escape(found)}</mark>" if found else ""
        return html.escape(before) + marked + html.escape(after)
    return html.escape(cell)


def _html_table(table: Table) -> str:
    def cls(i: int) -> str:
        return ' class="num"' if i in table.numeric else ""

    head = "".join(f"<th{cls(i)}>{html.escape(h)}</th>" for i, h in enumerate(table.headers))
    body = "\n".join(
        "<tr>" + "".join(f"<td{cls(i)}>{_html_cell(c)}</td>" for i, c in enumerate(row)) + "</tr>"
        for row in table.rows
    )
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def _html_block(block: Block) -> str:
    if isinstance(block, Heading):
        return f"<h{block.level}>{html.escape(block.text)}</h{block.level}>"
    if isinstance(block, Paragraph):
        attrs = ' class="note"' if block.note else ""
        return f"<p{attrs}>{html.escape(block.text)}</p>"
    if isinstance(block, Bullets):
        return "<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in block.items) + "</ul>"
    if isinstance(block, Tiles):
        tiles = "".join(
            f'<div class="tile"><div class="label">{html.escape(label)}</div>'
            f'<div class="value">{_html_cell(value)}</div>'
            f'<div class="change">{html.escape(change)}</div></div>'
            for label, value, change in block.items
        )
        return f'<div class="tiles">{tiles}</div>'
    if isinstance(block, Table):
        return _html_table(block)
    return (
        f'<figure id="chart-{block.name}">\n{block.svg}\n'
        f"<figcaption>{html.escape(block.caption)}</figcaption>\n</figure>"
    )


def render_html(title: str, subtitle: str, blocks: Sequence[Block]) -> str:
    """A standalone HTML page: inline CSS and SVG, no script, no external resource."""
    body = "\n".join(_html_block(b) for b in blocks)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{_CSS}</style>
</head>
<body>
<main>
<h1>{html.escape(title)}</h1>
<p class="subtitle">{html.escape(subtitle)}</p>
{body}
</main>
</body>
</html>
"""
