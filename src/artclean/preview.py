"""See what cleaning does: `artclean diff` (line view, side by side, unified diff), `--check`, and
`artclean explain` (which rules matched a line, what its features scored, why it got its label).

Every view is built from `Article.blocks`, the same data `removed` comes from, so a line the diff
shows as removed is exactly a `removed` entry. Colour is decided in one place, `use_color`.
"""

from __future__ import annotations

import difflib
import fnmatch
import json
import os
import sys
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import click
import regex
from rich.color import ColorSystem
from rich.console import Console
from rich.style import Style
from rich.text import Text

from .classify import Settings, measure
from .cli import common_options, read_source
from .decode import decode
from .errors import EXIT_NO_ARTICLE, EXIT_OK, ConfigError
from .model import BOILERPLATE, CAPTION, CREDIT, HEADLINE, LIST_ITEM, QUOTE, RELATED, SUBHEADING, Article, Block
from .pipeline import clean, get_library
from .render import md_escape
from .rulepack import Rule, RuleSet, RuleTimeout, builtin_rules_dir

COLOR_CHOICES = ("auto", "always", "never")
STYLES = ("lines", "side-by-side", "unified")
MIN_WIDTH = 40
EXIT_WOULD_CHANGE = 1  # --check: cleaning would remove something (black's and ruff's 1)

MARK_STYLE = {"+": "bold green", "-": "bold red", "~": "bold yellow"}
ROLE_STYLE = "cyan"
RULE_STYLE = "red"
REMOVED_TEXT = "red strike"
INLINE_CUT = "bold white on red"
TEXT_STYLE = {HEADLINE: "bold", SUBHEADING: "bold", CAPTION: "italic", CREDIT: "italic"}
UNIFIED_STYLE = {"---": "bold", "+++": "bold", "@@": "cyan", "-": "red", "+": "green", "#": "dim"}


# ------------------------------------------------------------------ colour and the console


def use_color(choice: str = "auto", stream=None) -> bool:
    """`always` forces colour, `never` disables it; `auto` wants a terminal, no NO_COLOR, TERM not dumb."""
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return bool((stream or sys.stdout).isatty())
    except (AttributeError, ValueError, OSError):
        return False


def terminal_width(stream=None) -> int:
    """COLUMNS if set, else the terminal's width, else 80; never below MIN_WIDTH."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return max(int(columns), MIN_WIDTH)
    try:
        stream = stream or sys.stdout
        if stream.isatty():
            return max(os.get_terminal_size(stream.fileno()).columns, MIN_WIDTH)
    except (AttributeError, ValueError, OSError):
        pass
    return 80


def make_console(color: str = "auto", file=None, width: int | None = None) -> Console:
    """A console that writes escape codes only when `use_color` says so (and then only basic colours)."""
    file = file or sys.stdout
    on = use_color(color, file)
    return Console(file=file, width=max(width or terminal_width(file), MIN_WIDTH), force_terminal=on,
                   no_color=not on, color_system="standard" if on else None, highlight=False, markup=False,
                   emoji=False, legacy_windows=False, force_interactive=False)


def _colored(console: Console) -> bool:
    return console.color_system is not None


# ------------------------------------------------------------------ what happened to each block


def removed(b: Block) -> bool:
    return b.label == BOILERPLATE


def role(b: Block) -> str:
    if b.label == "body" and b.scores.get("lead"):
        return "lead"
    return b.label or "unlabelled"


def marker(b: Block) -> str:
    return "-" if removed(b) else "~" if b.inline_removed else "+"


def tag(b: Block) -> str:
    """The role of a kept block, or the rule id or feature that removed it."""
    return (b.rule or "feature:unknown") if removed(b) else role(b)


def source_text(source: bytes | str) -> str:
    return decode(source, max_bytes=0).text


def source_lines(text: str) -> list[str]:
    lines = text.split("\n")
    return lines[:-1] if lines and lines[-1] == "" else lines


def is_html(article: Article) -> bool:
    return article.meta.get("input") == "html"


def rows(article: Article, text: str) -> list[tuple[int, Block | None]]:
    """(line, block) in source order; for text input also (line, None) for every blank line."""
    if is_html(article):
        return [(b.line, b) for b in article.blocks]
    by_line: dict[int, list[Block]] = {}
    for b in article.blocks:
        by_line.setdefault(b.line, []).append(b)
    out: list[tuple[int, Block | None]] = []
    for n in range(1, len(source_lines(text)) + 1):
        out.extend((n, b) for b in by_line.get(n, [None]))
    return out


@dataclass
class Cut:
    kind: str  # "line" (a whole block) or "inline" (a string cut out of a kept block)
    rule: str
    line: int
    text: str


def cuts(article: Article) -> list[Cut]:
    """Every removal, as in `article.removed`, with its kind."""
    out = []
    for b in article.blocks:
        if removed(b):
            out.append(Cut("line", b.rule or "feature:unknown", b.line, b.original or b.text))
        else:
            out.extend(Cut("inline", rule, b.line, text) for text, rule in b.inline_removed)
    return out


def _counted(items: list[Cut]) -> str:
    return ", ".join(r if n == 1 else f"{r} ×{n}" for r, n in Counter(c.rule for c in items).most_common())


def summary(article: Article, items: list[Cut] | None = None) -> str:
    """'6 lines (de.share-widget ×3, ...) and 1 inline string (...)'; '' when nothing."""
    items = cuts(article) if items is None else items
    unit = "block" if is_html(article) else "line"
    parts = []
    for kind, name in (("line", unit), ("inline", "inline string")):
        group = [c for c in items if c.kind == kind]
        if group:
            parts.append(f"{len(group)} {name}{'s' if len(group) > 1 else ''} ({_counted(group)})")
    return " and ".join(parts)


@dataclass
class Check:
    blocking: list[Cut]
    allowed: list[Cut]
    message: str

    @property
    def code(self) -> int:
        return EXIT_WOULD_CHANGE if self.blocking else EXIT_OK


def check(article: Article, allow=(), name: str | None = None) -> Check:
    """`--check`: removals not covered by an --allow glob make the exit code 1."""
    blocking, allowed = [], []
    for c in cuts(article):
        (allowed if any(fnmatch.fnmatchcase(c.rule, p) for p in allow) else blocking).append(c)
    text = f"would remove {summary(article, blocking)}" if blocking else "nothing would be removed"
    if allowed:
        text += f"; {len(allowed)} more allowed by --allow" if blocking else f" ({len(allowed)} allowed by --allow)"
    return Check(blocking, allowed, f"{name or article.meta.get('source', '<input>')}: {text}")


# ------------------------------------------------------------------ the line view and side by side


def _inline_text(b: Block, color: bool) -> Text:
    """The block's text as the rules saw it, with the inline cuts highlighted (or in [-…-] without colour)."""
    text = b.original or b.text
    spans: list[tuple[int, int]] = []
    for cut, _ in b.inline_removed:
        at = text.find(cut)
        while at >= 0 and any(s < at + len(cut) and at < e for s, e in spans):
            at = text.find(cut, at + 1)
        if at >= 0 and cut:
            spans.append((at, at + len(cut)))
    out, pos = Text(style=TEXT_STYLE.get(b.label, "")), 0
    for start, end in sorted(spans):
        out.append(text[pos:start])
        out.append(text[start:end] if color else f"[-{text[start:end]}-]", style=INLINE_CUT)
        pos = end
    out.append(text[pos:])
    return out


def _notes(b: Block, side_by_side: bool) -> list[str]:
    notes = [f'cut "{text}" ({rule})' for text, rule in b.inline_removed if not removed(b)]
    if b.label == CAPTION and b.scores.get("duplicate_of") and not side_by_side:  # that view says it on the right
        notes.append(f"repeat of line {b.scores['duplicate_of']} with the credit: merged into that caption")
    return notes


def _body(b: Block, color: bool) -> Text:
    if removed(b):
        return Text(b.original or b.text, style=REMOVED_TEXT)
    return _inline_text(b, color)


def _markdown(b: Block) -> Text:
    """What the block becomes in the cleaned Markdown (for the side-by-side view)."""
    if removed(b):
        return Text()
    text, label, dim = md_escape(b.text), b.label, "dim italic"
    if label == CAPTION and b.scores.get("duplicate_of"):
        return Text(f"(merged into line {b.scores['duplicate_of']})", style=dim)
    if label == CAPTION:
        cap = f"*{md_escape(b.scores.get('caption_text') or b.text)}*"
        return Text(cap + (f" ({md_escape(b.value)})" if b.value else ""))
    if label == CREDIT:
        return Text(f"({md_escape(b.value or b.text)})")
    if b.scores.get("lead"):
        return Text(f"**{text}**")
    prefix = {HEADLINE: "# ", SUBHEADING: "## ", QUOTE: "> ", LIST_ITEM: "- ", RELATED: "- "}.get(label, "")
    if label == QUOTE:
        text = regex.sub(r"^>\s*", "", text)
    elif label == LIST_ITEM:
        text = regex.sub(r"^(?:[•\-*–·▪►→✓o]|\\[-*])\s+", "", text)
    elif label == RELATED:
        text = md_escape(b.value or b.text)
    elif label in ("byline", "date"):
        text = md_escape(b.original or b.text)
    return Text(prefix + text)


def _wrap(console: Console, text: Text, width: int) -> list[Text]:
    if not text.plain:
        return []
    lines = list(text.wrap(console, max(width, 1), overflow="fold"))
    for line in lines:
        line.rstrip()
    return lines


def _header(article: Article, name: str | None) -> Text:
    meta = article.meta
    details = [meta.get("input", "text"), meta.get("language") or "no language",
               "packs " + ", ".join(meta.get("rules", []))]
    return Text.assemble((name or meta.get("source", "<input>"), "bold"), ("  " + " · ".join(details), "dim"))


def _footer(article: Article) -> Text:
    kept = sum(1 for b in article.blocks if not removed(b))
    said = summary(article)
    return Text(f"removed {said}; kept {kept}" if said else f"nothing removed; kept {kept}", style="bold")


def render_diff(article: Article, source: bytes | str, console: Console, *, name: str | None = None,
                style: str = "lines") -> None:
    """Print what cleaning did to `source` (the bytes or text `article` was cleaned from) on `console`.

    style: "lines" (every line with its role or rule id), "side-by-side" (input next to the cleaned
    Markdown) or "unified" (a unified diff of the input against the cleaned text, see unified_diff).
    Used by `artclean diff`, `artclean FILE --diff` and `artclean batch --diff`.
    """
    if style not in STYLES:
        raise ConfigError(f"unknown diff style {style!r} (use {', '.join(STYLES)})")
    text = "" if is_html(article) else source_text(source)
    if style == "unified":
        print_unified(console, unified_diff(article, text, name=name))
        return
    table, color = rows(article, text), _colored(console)
    number_w = max(2, len(str(max((n for n, _ in table), default=0))))
    share = 2 / 7 if style == "lines" else 1 / 6  # at most this share of the width for the tag column
    tag_cap = max(10, min(24, int((console.width - number_w) * share)))
    tag_w = min(max((len(tag(b)) for _, b in table if b is not None), default=4), tag_cap)
    indent = number_w + tag_w + 4
    text_w = console.width - indent
    right_w = 0
    if style == "side-by-side":
        right_w = (text_w - 3) // 2
        text_w -= right_w + 3
    _print_wrapped(console, _header(article, name))
    if right_w:
        console.print(Text(" " * indent + "input".ljust(text_w) + " │ cleaned Markdown", style="dim"))
    pending_blank = False
    for n, b in table:
        if b is None:
            pending_blank = True
            continue
        if pending_blank:
            console.print()
            pending_blank = False
        head = Text.assemble((f"{n or '':>{number_w}} ", "dim"), (marker(b), MARK_STYLE[marker(b)]), " ",
                             (tag(b), RULE_STYLE if removed(b) else ROLE_STYLE))
        left = _wrap(console, _body(b, color), text_w)
        for note in _notes(b, bool(right_w)):
            left.extend(_wrap(console, Text(note, style="dim"), text_w))
        right = _wrap(console, _markdown(b), right_w) if right_w else []
        if len(tag(b)) > tag_w:  # a long rule id gets a line of its own
            console.print(head, soft_wrap=True)
            head = None
        for k in range(max(len(left), len(right), 1)):
            line = Text(" " * indent) if head is None or k else head.append(" " * (indent - head.cell_len))
            part = left[k] if k < len(left) else Text()
            if right_w:
                part = part.copy()
                part.set_length(text_w)
                part.append(" │ ", style="dim")
                part.append_text(right[k] if k < len(right) else Text())
            line.append_text(part)
            line.rstrip()
            console.print(line, soft_wrap=True)
    _print_wrapped(console, _footer(article))


def _print_wrapped(console: Console, text: Text) -> None:
    for line in _wrap(console, text, console.width):
        console.print(line, soft_wrap=True)


# ------------------------------------------------------------------ unified diff


def unified_diff(article: Article, text: str, *, name: str | None = None, context: int = 3) -> str:
    """A unified diff of the input against the cleaned text *keeping the input's line structure*.

    The cleaned side is the input with removed lines deleted and inline cuts applied; kept lines stay as
    they were (whitespace is not a change), so every hunk is a removal and `patch -p0` turns the input
    file into the cleaned text (both headers name the file, as black's --diff does). Hunk headers name
    the rules of the hunk and a trailing `#` section lists each removal with its line: both leave it a
    valid unified diff. For HTML input both sides are the page's text blocks, one per line (the
    trailing section gives their HTML source lines). Empty when nothing is removed.
    """
    name = name or article.meta.get("source", "<input>")
    html = is_html(article)
    if html:
        before = [b.original or b.text for b in article.blocks]
        after = [b.text for b in article.blocks if not removed(b)]
        rules_at = {i + 1: [c.rule for c in cuts(Article(blocks=[b]))] for i, b in enumerate(article.blocks)}
    else:
        before = source_lines(text)
        by_line: dict[int, list[Block]] = {}
        for b in article.blocks:
            by_line.setdefault(b.line, []).append(b)
        kept, rules_at = [], {}
        for n, raw in enumerate(before, start=1):
            blocks = by_line.get(n, [])
            rules_at[n] = [c.rule for c in cuts(Article(blocks=blocks))]
            if not blocks or not rules_at[n]:
                kept.append((n, raw))
            elif any(not removed(b) for b in blocks):
                kept.append((n, " ".join(b.text for b in blocks if not removed(b))))
        after = [line for _, line in kept]
        if before and not text.endswith("\n"):  # the marker goes on the line that lacks the newline
            before[-1] += "\n\\ No newline at end of file"
            if kept[-1:] and kept[-1][0] == len(before):
                after[-1] += "\n\\ No newline at end of file"
    out = []
    for line in difflib.unified_diff(before, after, name, name, "(input)" if not html else
                                     "(text blocks)", "(cleaned)", n=context, lineterm=""):
        hunk = regex.match(r"@@ -(\d+)(?:,(\d+))? ", line)
        if hunk:
            start, length = int(hunk[1]), int(hunk[2] if hunk[2] is not None else 1)
            rules = [r for i in range(start, start + length) for r in rules_at.get(i, [])]
            line += " " + _counted([Cut("line", r, 0, "") for r in rules]) if rules else ""
        out.append(line)
    if not out:
        return ""
    out.append("# removed by artclean (line: rule: text):")
    for c in cuts(article):
        out.append(f"#   line {c.line}{' (inline)' if c.kind == 'inline' else ''}: {c.rule}: {c.text}")
    return "\n".join(out) + "\n"


def print_unified(console: Console, diff: str) -> None:
    """Write a unified diff as it is (no wrapping, tabs kept), coloured only if the console has colour."""
    color, in_hunk = _colored(console), False
    for line in diff.splitlines():
        in_hunk = in_hunk and not line.startswith("# removed by artclean") or line.startswith("@@")
        prefixes = ("@@", "-", "+", " ") if in_hunk else ("---", "+++", "#")
        style = next((UNIFIED_STYLE[p] for p in prefixes if line.startswith(p) and p != " "), "") if color else ""
        console.file.write((Style.parse(style).render(line, color_system=ColorSystem.STANDARD) if style else line)
                           + "\n")
    console.file.flush()


# ------------------------------------------------------------------ explain


def ruleset_for(article: Article, rules=(), disable=()) -> RuleSet:
    """The rule set `clean()` used for `article` (its packs are named in meta["rules"])."""
    library = get_library(list(rules))
    packs: list = []
    for pack_id in article.meta.get("rules", []):
        packs.extend(p for p in library.packs if p.id == pack_id and all(p is not q for q in packs))
    return RuleSet(packs, set(disable))


def where(rule: Rule) -> str:
    """rules/de.yaml:120 for a built-in rule, the pack's own path otherwise."""
    path = Path(rule.path)
    try:
        shown = "rules/" + path.resolve().relative_to(builtin_rules_dir().resolve()).as_posix()
    except ValueError:
        shown = rule.path
    return f"{shown}:{rule.line}"


def rule_matches(b: Block, rs: RuleSet) -> list[dict]:
    """Every rule that matches the block's text, in the order the rules are asked; the first decides."""
    text, out = b.original or b.text, []
    active = rs.line_rules + rs.inline_rules
    active_ids = {r.id for r in active}
    off = [r for p in rs.packs for r in p.rules if r.id not in active_ids]
    for rule in active + off:
        try:
            hit = bool(rule.inline_spans(text)) if rule.action == "drop-inline" else rule.match(text)[0]
        except RuleTimeout:
            out.append({"rule": rule.id, "action": rule.action, "where": where(rule), "status": "timed out"})
            continue
        if not hit:
            continue
        if rule.id not in active_ids:
            status = "disabled"
        elif rule.action == "drop-inline":
            status = "cuts inline"
        else:
            status = "also matches" if any(m["status"] == "first match" for m in out) else "first match"
        out.append({"rule": rule.id, "action": rule.action + (f" {rule.label}" if rule.label else ""),
                    "where": where(rule), "status": status})
    return out


FEATURES = ("kind", "chars", "words", "function_words", "terminal", "bullet", "zone", "lead", "protected",
            "cut_after", "duplicate_of", "merged", "relative_date")


def features(b: Block, rs: RuleSet, html: bool) -> dict:
    """The block's feature scores; measured here when a rule decided before features were used."""
    scores = dict(b.scores)
    if "chars" not in scores:
        probe = replace(b, scores={})
        measure(probe, rs.function_words, Settings(rs))
        scores.update(probe.scores, measured_for_explain=True)
    out = {k: scores.get(k) for k in FEATURES if scores.get(k) not in (None, False) or k == "terminal"}
    out["terminal"] = bool(out["terminal"])
    if html:
        out.update(tag=b.kind, link_density=round(b.link_density, 2))
        if b.hints.get("container"):
            out["container"] = b.hints["container"]
    out["gap_before"] = b.gap_before
    if isinstance(scores.get("run_score"), (int, float)):  # if classify records what it added to the run
        out["run_score"] = round(scores["run_score"], 1)
    if scores.get("measured_for_explain"):
        out["measured_for_explain"] = True
    return out


def _marker_line(article: Article, b: Block) -> int | None:
    """The line of the cut-after marker that `b` follows."""
    found = None
    for other in article.blocks:
        if other is b:
            return found
        if other.scores.get("cut_after") and other.rule == b.rule:
            found = other.line
    return found


def why(b: Block, article: Article, rs: RuleSet) -> str:
    """One sentence: why the block got its label."""
    by_id = {r.id: r for r in rs.line_rules + rs.inline_rules}
    rule = by_id.get(b.rule or "")
    named = f"{rule.id} ({where(rule)})" if rule else b.rule
    s = Settings(rs)
    if removed(b):
        text = _why_dropped(b, article, rule, named, s)
    else:
        text = _why_kept(b, article, rule, named)
    for cut, rule_id in b.inline_removed if not removed(b) else []:
        r = by_id.get(rule_id)
        text += f'; cut "{cut}" by {rule_id}' + (f" ({where(r)})" if r else "")
    return text


def _why_dropped(b: Block, article: Article, rule, named: str, s: Settings) -> str:
    if rule is not None:
        if rule.action == "drop":
            return f"dropped: matched rule {named}"
        if rule.action == "drop-inline":
            return f"dropped: nothing but UI strings, cut by {named}"
        if rule.action == "cut-after" and b.scores.get("cut_after"):
            then = "become related links" if b.scores["cut_after"] == "related" else "are dropped"
            return f"dropped: matched marker rule {named}; the title lines after it {then}"
        if rule.action == "cut-after":
            return (f"dropped: after the marker on line {_marker_line(article, b)} ({rule.id}), and not a "
                    "related-link title")
        if rule.label == "credit":
            return f"dropped: labelled credit by rule {named}, but there is no caption for it"
        if rule.label == "date":
            source = article.meta.get("date_text")
            return f"dropped: labelled date by rule {named}, but the article's date came from " + (
                f'"{source}"' if source else "nowhere: it could not be read as a date")
        if rule.label == "byline":
            return f"dropped: labelled byline by rule {named}, but it differs from the first byline"
        return f"dropped: labelled {rule.label} by rule {named}, but not used"
    if (b.rule or "").startswith("html:"):
        return f"dropped: inside an HTML {b.rule[5:]} container (page furniture, not the article)"
    reasons = {
        "feature:menu-run": f"dropped: one of {s.menu_run_min} or more short lines without punctuation in a row "
                            "(a menu)",
        "feature:link-density": f"dropped: {b.link_density:.0%} of its text is links (more than "
                                f"{s.max_link_density:.0%})",
        "feature:stray-short-line": "dropped: a short line inside the article that is not prose, a subheading "
                                    "or a list item",
        "feature:before-article": "dropped: above the article, in its header, but not a headline, caption, byline "
                                  "or date" if b.scores.get("zone") == "header" else
                                  "dropped: outside the article (before its first paragraph)",
        "feature:after-article": "dropped: outside the article (after its last paragraph)",
        "feature:no-article": "dropped: no article found in this input (no run of prose)",
        "feature:duplicate-headline": "dropped: repeats the headline",
        "feature:repeat": "dropped: repeats a paragraph the article already has",
        "feature:comment-header": "dropped: in a comment thread (a \"Name says:\" line over a date begins each comment)",
        "feature:extra-byline": "dropped: a second byline that differs from the first",
        "feature:dateline": "dropped: a date line, but the article's date came from "
                            f'"{article.meta.get("date_text")}"',
    }
    return reasons.get(b.rule or "", f"dropped by {b.rule or 'an unknown rule'}")


KEPT_BY_RULE = {
    "feature:headline": "the title-like line closest above the article",
    "html:h1": "the page's <h1>",
    "html:title": "a heading that matches the page's title metadata",
    "feature:caption-before-credit": "followed by its credit",
    "feature:caption": "an HTML <figcaption>",
    "feature:credit": "the credit inside an HTML figure",
    "feature:dateline": "a short line that is a date",
    "html:related": "inside a related-articles box",
    "feature:quote": "one quotation and nothing else",
    "feature:list_item": "a list item (a bullet or an HTML <li>)",
}


def _why_kept(b: Block, article: Article, rule, named: str) -> str:
    label = "lead" if b.scores.get("lead") else b.label
    if b.label == "body":
        reason = _body_reason(b, rule)
        lead = "lead: the first paragraph of the article;" if label == "lead" else "body:"
        return f"kept as {lead} {reason}"
    if b.label == SUBHEADING:
        reason = (f"an <{b.kind}> heading" if b.kind in ("h2", "h3", "h4", "h5", "h6") else
                  f"a short question followed by {_next_text(article, b)}" if b.text.endswith("?") else
                  f"short line without terminal punctuation followed by {_next_text(article, b)}")
    elif b.label == CAPTION and b.rule == "feature:caption-with-credit":
        reason = f"ends with a credit ({b.value})"
    elif b.label == CAPTION and b.scores.get("duplicate_of"):
        reason = (f"repeats the caption on line {b.scores['duplicate_of']} with the credit ({b.value}) glued on; "
                  "merged into it")
    elif b.label == RELATED and rule is not None and rule.action == "cut-after":
        reason = f"a title line after the marker on line {_marker_line(article, b)} ({rule.id})"
    elif b.label == CREDIT and b.scores.get("merged"):
        reason = "the credit of the caption above" + (f"; matched rule {named}" if rule else "")
    elif b.label == QUOTE and b.kind == "blockquote":
        reason = "an HTML <blockquote>"
    elif rule is not None and rule.action == "keep":
        reason = f"protected by keep rule {named}"
    elif rule is not None:
        reason = f"matched rule {named}" + (f' (value "{b.value}")' if b.value else "")
    else:
        reason = KEPT_BY_RULE.get(b.rule or "", f"decided by {b.rule}")
    if b.scores.get("merged") and b.label in ("byline", "date"):
        reason += "; used for the article's " + b.label
    return f"kept as {label}: {reason}"


def _next_text(article: Article, b: Block) -> str:
    """What follows a subheading: prose, a list or a paragraph."""
    blocks = article.blocks
    at = next(i for i, other in enumerate(blocks) if other is b)
    following = (f for f in blocks[at + 1:] if f.label not in (BOILERPLATE, CREDIT, CAPTION))
    nxt = next(following, None)
    if nxt is None or nxt.scores.get("kind") == "prose":
        return "prose"
    return "a list" if nxt.scores.get("bullet") or nxt.kind == "li" else "a paragraph"


def _body_reason(b: Block, rule) -> str:
    sc = b.scores
    if sc.get("protected"):
        return f"protected by keep rule {sc['protected']}"
    if sc.get("kind") == "prose":
        fw = sc.get("function_words")
        return (f"prose ({sc.get('chars')} characters, ends like a sentence"
                + (f", {fw:.0%} function words)" if fw is not None else ")"))
    if sc.get("terminal"):
        return "inside the article and ends with terminal punctuation"
    if b.text.endswith(":"):
        return "a sentence that introduces a list"
    if rule is not None:
        return f"matched rule {rule.id}"
    return "a medium-length line inside the article"


def explain(article: Article, rs: RuleSet, line: int | None = None) -> list[dict]:
    """For every block (or those on `line`): label, deciding rule, matching rules, features, why."""
    html = is_html(article)
    out = []
    for b in article.blocks:
        if line is not None and b.line != line:
            continue
        out.append({
            "line": b.line, "text": b.original or b.text, "marker": marker(b), "label": role(b),
            "removed": removed(b), "rule": b.rule, "why": why(b, article, rs), "matches": rule_matches(b, rs),
            "inline_removed": [{"text": t, "rule": r} for t, r in b.inline_removed],
            "features": features(b, rs, html),
        })
    return out


def _feature_text(f: dict) -> str:
    parts = []
    for key, value in f.items():
        if key == "measured_for_explain":
            continue
        if isinstance(value, bool):
            value = "yes" if value else "no"
        elif key == "function_words":
            value = f"{value:.0%}"
        parts.append(f"{key.replace('_', '-')}={value}")
    note = " (measured here: a rule decided before features were used)" if f.get("measured_for_explain") else ""
    return " ".join(parts) + note


def render_explain(entries: list[dict], console: Console) -> None:
    for k, e in enumerate(entries):
        if k:
            console.print()
        head = Text.assemble((f"line {e['line']} ", "bold"), (e["marker"], MARK_STYLE[e["marker"]]), " ",
                             (e["rule"] if e["removed"] else e["label"], RULE_STYLE if e["removed"] else ROLE_STYLE))
        console.print(head, soft_wrap=True)
        matches = "; ".join(f"{m['rule']} ({m['action']}, {m['where']}): {m['status']}" for m in e["matches"])
        for key, value, style in (("text", e["text"], REMOVED_TEXT if e["removed"] else ""),
                                  ("why", e["why"], ""), ("rules", matches or "no rule matches", "dim" if not
                                                         matches else ""),
                                  ("features", _feature_text(e["features"]), "")):
            lines = _wrap(console, Text(value, style=style), console.width - 12)
            for n, text in enumerate(lines):
                label = Text(f"  {key:<9} " if n == 0 else " " * 12, style="dim")
                console.print(label + text, soft_wrap=True)


# ------------------------------------------------------------------ commands


def _load(file, quiet, lang, input_mode, rules, disable, site, input_name, max_bytes):
    data, name = read_source(file)
    if input_name and file == "-":
        name = input_name
    article = clean(data, lang=lang, input=input_mode, rules=list(rules), name=name, site=site, disable=disable,
                    max_bytes=max_bytes)
    if not quiet:
        for warning in article.meta.get("warnings", []):
            click.echo(f"artclean: warning: {name}: {warning}", err=True)
    return article, data, name


def preview(article: Article, source: bytes | str, name: str, *, diff: bool = True, style: str = "lines",
            do_check: bool = False, allow=(), color: str = "auto", quiet: bool = False) -> int:
    """`artclean diff` and `artclean FILE --diff/--check`: print the diff and/or the check; the exit code.

    With --check: 1 when something not --allow'ed would be removed, else 0 (and a one-line summary on
    stderr). Without: 0, or 1 when no article was found (as `artclean FILE`).
    """
    if diff:
        render_diff(article, source, make_console(color), name=name, style=style)
    if do_check:
        result = check(article, allow, name)
        if not quiet:
            click.echo(f"artclean: {result.message}", err=True)
        return result.code
    return EXIT_OK if article.found else EXIT_NO_ARTICLE


DIFF_EPILOG = """\b
Marks: + kept (its role in the margin), - removed (the rule id or feature
that removed it), ~ kept with a string cut out of it (highlighted, or
[-like this-] without colour).

\b
Examples:
  artclean diff a.txt                    every line with its role or rule
  artclean diff a.txt --side-by-side     the input next to the cleaned Markdown
  artclean diff a.txt -u | delta         a unified diff for pipes and tools
  artclean a.txt --check --allow 'generic.*'   exit 1 if anything else goes
"""


def color_option(fn):
    return click.option("--color", type=click.Choice(COLOR_CHOICES), default="auto", show_default=True,
                        help="Colour: auto = a terminal, NO_COLOR unset and TERM not dumb.")(fn)


@click.command("diff", epilog=DIFF_EPILOG)
@click.argument("file", default="-", metavar="[FILE]")
@click.option("-y", "--side-by-side", is_flag=True, help="Put the input and the cleaned Markdown side by side.")
@click.option("-u", "--unified", is_flag=True, help="A plain unified diff of the input against the cleaned text.")
@color_option
@click.option("--check", "do_check", is_flag=True,
              help="Exit 1 if cleaning would remove anything (not --allow'ed), 0 otherwise.")
@click.option("--allow", multiple=True, metavar="RULE_ID", help="With --check: removals by this rule are fine "
              "(globs like 'generic.*'); repeatable.")
@click.option("-q", "--quiet", is_flag=True, help="No warnings or summary on stderr.")
@common_options
def diff_command(file, side_by_side, unified, color, do_check, allow, quiet, **options):
    """Show what cleaning removes from FILE, line by line, and why."""
    if side_by_side and unified:
        raise click.UsageError("--side-by-side and --unified cannot be used together")
    article, data, name = _load(file, quiet, **options)
    style = "unified" if unified else "side-by-side" if side_by_side else "lines"
    sys.exit(preview(article, data, name, style=style, do_check=do_check, allow=allow, color=color, quiet=quiet))


@click.command("explain")
@click.argument("file", default="-", metavar="[FILE]")
@click.option("--line", "line", type=click.IntRange(min=1), metavar="N", help="Only the source line N.")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Readable text, or JSON for machines.")
@color_option
@click.option("-q", "--quiet", is_flag=True, help="No warnings on stderr.")
@common_options
def explain_command(file, line, fmt, color, quiet, **options):
    """Explain every line of FILE (or one): matching rules, feature scores and why it got its label."""
    article, data, name = _load(file, quiet, **options)
    rs = ruleset_for(article, options["rules"], options["disable"])
    entries = explain(article, rs, line)
    if line is not None and not entries:
        text = source_text(data)
        total = len(source_lines(text)) if not is_html(article) else len(text.split("\n"))
        if line > total:
            raise click.UsageError(f"line {line} is past the end of {name} ({total} lines)")
        if fmt == "text":
            click.echo(f"line {line}: no text on this line" if not is_html(article) else
                       f"line {line}: no text block starts on this line of the HTML source")
    if fmt == "json":
        meta = {k: article.meta.get(k) for k in ("source", "input", "language", "rules")}
        sys.stdout.write(json.dumps({**meta, "lines": entries}, ensure_ascii=False, indent=2) + "\n")
        return
    render_explain(entries, make_console(color))
