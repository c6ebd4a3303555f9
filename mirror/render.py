"""Render stage of the mirror build: a notice's body as blocks, and blocks as HTML.

Input: one notice of notices.yaml (a dict) and a site family (trs, jcms, wechat, jobs).
Output: body blocks (Para, Table, Bullets) and their HTML in that family's markup, plus the
dates and escaping every page template uses.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

SHANGHAI = timezone(timedelta(hours=8))
CN_ORDINALS = "一二三四五六七八九十"
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Para:
    """One paragraph of a notice body: an optional bold label, then the text."""

    text: str
    label: str = ""
    heading: bool = False
    href: str = ""


@dataclass(frozen=True, slots=True)
class Table:
    """A position table: a title row, a header row and data rows."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Bullets:
    """An unordered list under a heading (English job ads)."""

    heading: str
    items: tuple[str, ...]


Block = Para | Table | Bullets


# --------------------------------------------------------------------------- data


def published_at(item: dict[str, Any]) -> datetime:
    """The notice's local (Asia/Shanghai) publication time."""
    return datetime.strptime(item["published"], "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)


def by_date_desc(items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Newest first, ties broken by id so the order never depends on the YAML order."""
    return sorted(items, key=lambda n: (n["published"], n["id"]), reverse=True)


def cn_date(moment: datetime) -> str:
    return f"{moment.year}年{moment.month}月{moment.day}日"


def en_date(moment: datetime) -> str:
    return f"{MONTHS_EN[moment.month - 1]} {moment.day}, {moment.year}"


def esc(text: str) -> str:
    return html.escape(text, quote=True)


# --------------------------------------------------------------------------- body blocks


def position_blocks(notice: dict[str, Any]) -> list[Block]:
    """The positions of a Chinese notice in its layout (numbered, ordinal or table)."""
    positions = notice["positions"]
    if notice["format"] == "table":
        header = ("岗位名称", "招聘人数", "专业", "学历", "其他条件")
        rows = tuple(
            (p["title"], str(p["headcount"]), p["major"], p["education"], p["other"])
            for p in positions
        )
        return [Table(notice["table_title"], header, rows)]
    blocks: list[Block] = []
    for i, pos in enumerate(positions, start=1):
        seq = f"{i}." if notice["format"] == "numbered" else f"岗位{CN_ORDINALS[i - 1]}："
        blocks.append(Para(f"{seq}{pos['title']}（{pos['headcount']}名）", heading=True))
        blocks.append(Para(pos["duties"], label="岗位职责："))
        blocks.append(Para("", label="任职要求："))
        blocks.extend(Para(f"（{k}）{req}") for k, req in enumerate(pos["requirements"], 1))
    return blocks


def chinese_blocks(notice: dict[str, Any], attachment_base: str = "") -> list[Block]:
    """Body blocks of a Chinese notice: intro, positions, conditions, application."""
    moment = published_at(notice)
    blocks: list[Block] = [Para(text) for text in notice["intro"]]
    blocks.append(Para("一、招聘岗位及条件", heading=True))
    blocks.extend(position_blocks(notice))
    blocks.append(Para("二、基本条件", heading=True))
    blocks.extend(Para(f"（{k}）{g}") for k, g in enumerate(notice["general"], 1))
    blocks.append(Para("三、报名时间及方式", heading=True))
    blocks.extend(Para(text) for text in notice["apply"])
    blocks.append(Para("四、联系方式", heading=True))
    blocks.append(Para(notice["contact"]))
    for att in notice.get("attachments", []):
        blocks.append(Para(att["name"], href=attachment_base + att["file"]))
    blocks.append(Para(notice["employer"]))
    blocks.append(Para(cn_date(moment)))
    return blocks


def english_blocks(notice: dict[str, Any]) -> list[Block]:
    """Body blocks of an English job ad (one position per ad)."""
    pos = notice["positions"][0]
    blocks: list[Block] = [Para(text) for text in notice["intro"]]
    blocks.append(Bullets("Responsibilities", tuple(pos["duties"])))
    blocks.append(Bullets("Requirements", tuple(pos["requirements"])))
    blocks.append(Para(notice["location"], label="Location: "))
    if notice.get("valid_through"):
        deadline = datetime.strptime(notice["valid_through"], "%Y-%m-%d")
        blocks.append(Para(en_date(deadline), label="Application deadline: "))
    return blocks


def render_blocks(blocks: Sequence[Block], style: str) -> str:
    """HTML of body blocks; `style` is the site family (trs, jcms, wechat, jobs)."""
    return "\n".join(render_block(block, style) for block in blocks)


def render_block(block: Block, style: str) -> str:
    if isinstance(block, Table):
        return render_table(block)
    if isinstance(block, Bullets):
        items = "".join(f"<li>{esc(item)}</li>" for item in block.items)
        return f"<h3>{esc(block.heading)}</h3>\n<ul>{items}</ul>"
    return render_para(block, style)


def render_para(para: Para, style: str) -> str:
    if para.href:
        return f'<p><a href="{esc(para.href)}">{esc(para.text)}</a></p>'
    if style == "wechat":
        return render_wechat_para(para)
    label = f"<strong>{esc(para.label)}</strong>" if para.label else ""
    if para.heading:
        return f"<p><strong>{esc(para.text)}</strong></p>"
    indent = "\u3000\u3000" if style in ("trs", "jcms") and not para.label else ""
    if style == "trs":
        return f'<p style="text-indent: 2em;">{label}{indent}{esc(para.text)}</p>'
    return f"<p>{label}{indent}{esc(para.text)}</p>"


def render_wechat_para(para: Para) -> str:
    """WeChat wraps every text run in <span leaf="">, often inside <section>."""
    style = 'style="margin: 0px 8px 16px;line-height: 1.75em;"'
    if para.heading:
        return f'<section {style}><strong><span leaf="">{esc(para.text)}</span></strong></section>'
    label = f'<strong><span leaf="">{esc(para.label)}</span></strong>' if para.label else ""
    text = f'<span leaf="">{esc(para.text)}</span>' if para.text else ""
    return f"<p {style}>{label}{text}</p>"


def render_table(table: Table) -> str:
    width = len(table.header)
    lines = [
        '<table border="1" cellspacing="0" cellpadding="0" width="100%">',
        "<tbody>",
        f'<tr><td colspan="{width}" align="center"><strong>{esc(table.title)}</strong></td></tr>',
        "<tr>" + "".join(f"<td><strong>{esc(h)}</strong></td>" for h in table.header) + "</tr>",
    ]
    lines.extend(
        "<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in table.rows
    )
    lines += ["</tbody>", "</table>"]
    return "\n".join(lines)
