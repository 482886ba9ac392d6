"""Render an Article as Markdown, JSON or plain text. Pure functions of the Article."""

from __future__ import annotations

import json

import regex

from .model import Article

_MD_BLOCK_START = regex.compile(r"^(\s*)([#>+\-*]|\d+[.)]|=+$|`{3})")
_MD_INLINE = regex.compile(r"([\\`*_\[\]<])")


def to_dict(art: Article) -> dict:
    return {
        "headline": art.headline,
        "byline": art.byline,
        "date": art.date,
        "captions": [c.to_dict() for c in art.captions],
        "lead": art.lead,
        "body": [b.to_dict() for b in art.body],
        "related": list(art.related),
        "removed": [r.to_dict() for r in art.removed],
        "meta": dict(art.meta),
    }


def to_json(art: Article, indent: int | None = 2) -> str:
    return json.dumps(to_dict(art), ensure_ascii=False, indent=indent) + "\n"


def md_escape(text: str) -> str:
    """Escape what Markdown would read as markup, so the text comes back as written."""
    text = _MD_INLINE.sub(r"\\\1", text)
    return _MD_BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text, count=1)


def to_markdown(art: Article) -> str:
    parts: list[str] = []
    if art.headline:
        parts.append(f"# {md_escape(art.headline)}")
    for cap in art.captions:
        line = f"*{md_escape(cap.text)}*" if cap.text else ""
        if cap.credit:
            line = f"{line} ({md_escape(cap.credit)})".strip()
        parts.append(line)
    byline_text = art.meta.get("byline_text") or art.byline
    if byline_text:
        parts.append(md_escape(byline_text))
    if art.meta.get("date_text"):
        parts.append(md_escape(art.meta["date_text"]))
    if art.lead:
        parts.append(f"**{md_escape(art.lead)}**")
    for block in art.body:
        text = md_escape(block.text)
        if block.type == "subheading":
            parts.append(f"## {text}")
        elif block.type == "quote":
            parts.append(f"> {text}")
        elif block.type == "list_item":
            parts.append(f"- {text}")
        else:
            parts.append(text)
    if art.related:
        parts.append("---")
        parts.append("\n".join(f"- {md_escape(r)}" for r in art.related))
    text = "\n\n".join(parts)
    # consecutive list items form one list
    text = regex.sub(r"(?m)^(- .*)\n\n(?=- )", r"\1\n", text)
    return text + "\n" if text else ""


def to_text(art: Article) -> str:
    """Headline, lead and body as plain paragraphs; a list item keeps a bullet so that it reads as one."""
    parts = [p for p in [art.headline, art.lead] if p]
    parts.extend(f"• {b.text}" if b.type == "list_item" else b.text for b in art.body)
    return "\n\n".join(parts) + "\n" if parts else ""
