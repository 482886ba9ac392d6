"""The data that flows through the pipeline: Blocks in, an Article out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Labels a block can carry after classification.
HEADLINE = "headline"
CAPTION = "caption"
CREDIT = "credit"
BYLINE = "byline"
DATE = "date"
LEAD = "lead"
BODY = "body"
SUBHEADING = "subheading"
QUOTE = "quote"
LIST_ITEM = "list_item"
RELATED = "related"
BOILERPLATE = "boilerplate"

BODY_TYPES = ("paragraph", "subheading", "quote", "list_item")


@dataclass
class Block:
    """One unit of the source: a text line, or one block-level HTML element.

    `text` is whitespace-normalised. `kind` is the reader's structural hint
    ("line" for text; "h1".."h6", "p", "li", "blockquote", "figcaption", "td",
    "pre", "div" for HTML). `line` is the 1-based source line (text) or the
    element's line in the HTML source (0 when unknown).
    """

    text: str
    line: int
    kind: str = "line"
    gap_before: bool = False  # a blank line (text) or a section break (HTML) precedes it
    link_density: float = 0.0  # share of the text inside <a> (HTML only)
    hints: dict[str, Any] = field(default_factory=dict)
    # Set by classify:
    label: str | None = None
    rule: str | None = None  # rule id or "feature:NAME" that decided the label
    value: str | None = None  # the field value a label rule extracted (byline without "Von")
    inline_removed: list[tuple[str, str]] = field(default_factory=list)  # (text, rule id)
    original: str | None = None  # the text before inline removals
    scores: dict[str, Any] = field(default_factory=dict)  # features, for explain


@dataclass
class Caption:
    text: str
    credit: str | None = None

    def to_dict(self) -> dict:
        return {"text": self.text, "credit": self.credit}


@dataclass
class BodyBlock:
    type: str  # one of BODY_TYPES
    text: str

    def to_dict(self) -> dict:
        return {"type": self.type, "text": self.text}


@dataclass
class Removal:
    text: str
    rule: str
    line: int

    def to_dict(self) -> dict:
        return {"text": self.text, "rule": self.rule, "line": self.line}


@dataclass
class Article:
    headline: str | None = None
    byline: str | None = None
    date: str | None = None
    captions: list[Caption] = field(default_factory=list)
    lead: str | None = None
    body: list[BodyBlock] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    removed: list[Removal] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list, repr=False)  # for diff and explain

    @property
    def main_text(self) -> str:
        """The article body a benchmark scores: the lead followed by the body texts."""
        parts = [self.lead] if self.lead else []
        parts.extend(b.text for b in self.body)
        return "\n\n".join(parts)

    @property
    def found(self) -> bool:
        return bool(self.lead or self.body)

    def to_dict(self) -> dict:
        from .render import to_dict

        return to_dict(self)

    def to_json(self, indent: int | None = 2) -> str:
        from .render import to_json

        return to_json(self, indent=indent)

    def to_markdown(self) -> str:
        from .render import to_markdown

        return to_markdown(self)

    def to_text(self) -> str:
        from .render import to_text

        return to_text(self)
