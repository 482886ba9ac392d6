"""Plain text to Blocks: one block per non-empty line, with the blank-line gaps as hints."""

from __future__ import annotations

from .model import Block
from .rulepack import norm

MAX_LINE_CHARS = 100_000  # a longer "line" is a dump, not a paragraph: it is split at spaces


def read_text(text: str) -> list[Block]:
    blocks: list[Block] = []
    gap = False
    for number, raw in enumerate(text.split("\n"), start=1):
        line = norm(raw)
        if not line:
            gap = True
            continue
        for piece in _pieces(line):
            blocks.append(Block(text=piece, line=number, gap_before=gap))
            gap = False
    return blocks


def _pieces(line: str) -> list[str]:
    if len(line) <= MAX_LINE_CHARS:
        return [line]
    out = []
    while len(line) > MAX_LINE_CHARS:
        cut = line.rfind(" ", 0, MAX_LINE_CHARS)
        cut = cut if cut > 0 else MAX_LINE_CHARS
        out.append(line[:cut].strip())
        line = line[cut:].strip()
    if line:
        out.append(line)
    return out
