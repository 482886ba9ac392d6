"""Label every block as content or boilerplate, and say which rule or feature decided.

Three passes, in this order:
1. rules: the packs' drop / drop-inline / cut-after / label / keep rules, and for HTML the
   structural containers (nav, footer, aside, comment and share widgets ...);
2. features: length, share of function words, terminal punctuation, link density, bullets;
3. context: the densest run of prose is the article (a maximum-sum run over per-block scores);
   short lines inside it become subheadings or are dropped as menus, blocks after it are dropped
   (or become related links after a marker), and the blocks just above it are the header zone,
   where `segment` finds the headline, captions, byline and date.

Every threshold comes from the packs' `classifier:` settings (rules/generic.yaml sets them all; the
DEFAULTS below only apply when no loaded pack does, e.g. with the generic pack switched off).
"""

from __future__ import annotations

import re

import regex

from .model import (BODY, BOILERPLATE, BYLINE, CAPTION, CREDIT, DATE, HEADLINE, LIST_ITEM, QUOTE, RELATED,
                    SUBHEADING, Block)
from .rulepack import RuleSet

DEFAULTS = {
    "prose_min_chars": 80,  # a line at least this long that ends like a sentence is prose
    "prose_min_function_words": 0.12,  # ... and has at least this share of function words (if the pack has them)
    "short_max_chars": 45,  # shorter lines are "short": menu items, labels, buttons
    "title_max_chars": 220,  # a longer line is never a headline, subheading or related title
    "subheading_max_chars": 150,
    "menu_run_min": 4,  # this many short title-like lines in a row are a menu
    "max_link_density": 0.5,  # HTML: a block with more of its text in links is navigation
    "prose_cap": 600,  # no single block counts for more than this when finding the article
    "short_penalty": 40,  # what a short non-prose block costs the run that contains it
    "medium_penalty": 15,
    "header_window": 10,  # blocks above the article searched for headline, captions, byline, date
    "caption_prose_max_chars": 150,  # a longer paragraph of prose above a credit is text, not that picture's caption
    "article_before_wall": 200,  # run score above a comments or widget marker that makes it the article's end
    "article_before_end": 1000,  # ... above the page's footer (a `then: end` marker): a top bar may repeat it
    "list_max_share": 2,  # text: a list after a line ending in ':' is the article's up to this many times its prose
}

# Containers an HTML reader reports; the blocks inside them are page furniture, not the article.
BYLINE_SEARCH = 40  # blocks above the article where a byline or dateline still belongs to it
HTML_FURNITURE = {"nav", "footer", "aside", "form", "menu", "header", "comments", "share", "newsletter", "cookie",
                  "ad", "sidebar", "breadcrumb", "subscribe", "social", "promo", "bio"}
HEADINGS = ("h2", "h3", "h4", "h5", "h6")
ISOLATED_KINDS = ("p", "h2", "h3", "h4", "h5", "h6", "blockquote")  # HTML blocks that stand alone
# Boxes that are furniture even inside the article element: a form, a newsletter sign-up, a share bar, an ad.
HTML_BOXES = {"form", "comments", "share", "newsletter", "cookie", "ad", "subscribe", "social", "promo", "bio"}
BULLETS = ("• ", "- ", "* ", "– ", "· ", "▪ ", "► ", "→ ", "✓ ", "o ")
TERMINAL = ".!?…。！？"
FW_SAMPLE_CHARS = 300  # the function-word share of a line is measured on its first characters
# stdlib re: for this simple pattern the same tokens as `regex` at half the cost per call
_WORDS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
CLOSERS = "\"'”“»«’)」』）"
OPEN_QUOTES = "„“\"«»‚‘"
CLOSE_QUOTES = "“”\"»«‘’"
QUOTE_MARKS = set(OPEN_QUOTES + CLOSE_QUOTES) - {"‘", "’", "‚"}


class Settings:
    def __init__(self, rules: RuleSet):
        for name, default in DEFAULTS.items():
            setattr(self, name, rules.setting(name, default))
        self.char_scale = 1  # 2 for Chinese, Japanese and Korean text, whose characters carry about two letters' worth


# Han, kana and hangul: scripts written without (or with few) spaces, two Latin letters' worth per character
_WIDE = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
WIDE_SAMPLE_CHARS = 4000


def char_scale(blocks: list[Block]) -> int:
    """2 when most of the page's text is in a wide script, else 1."""
    sample, size = [], 0
    for b in blocks:
        if not b.text.isascii():
            sample.append(b.text)
            size += len(b.text)
            if size > WIDE_SAMPLE_CHARS:
                break
    total = sum(len(b.text) for b in blocks[:2000]) or 1
    return 2 if len(_WIDE.findall("".join(sample))) > 0.3 * min(total, WIDE_SAMPLE_CHARS) else 1


def classify(blocks: list[Block], rules: RuleSet, *, html: bool = False, meta: dict | None = None) -> tuple[int, int]:
    """Label the blocks in place. Returns the article's (start, end) block indexes, or (-1, -1)."""
    settings = Settings(rules)
    settings.char_scale = char_scale(blocks)
    apply_rules(blocks, rules, html)
    words = rules.function_words
    for b in blocks:
        if b.label != BOILERPLATE:
            measure(b, words, settings)
    if html:
        drop_furniture(blocks)
        weigh_html_hints(blocks, meta or {})
    else:
        mark_comment_headers(blocks)
    cut_after_markers(blocks, settings)
    find_captions(blocks, rules, settings)
    start, end = densest_run(blocks, settings)
    if html:
        start = article_start(blocks, start, end)
        end = article_end(blocks, start, end)
    else:
        end = bridge_after(blocks, start, end, settings)
        start = bridge_before(blocks, start, end, settings)
    start = header_start(blocks, start, end, settings)
    end = next_header(blocks, start, end, settings)
    if start < 0:
        for b in blocks:
            if b.label is None or b.label in (BODY, SUBHEADING, LIST_ITEM, QUOTE):
                _drop(b, "feature:no-article")
        return -1, -1
    if not html:
        drop_repeats(blocks[start:end + 1], settings)
    label_region(blocks, start, end, settings)
    label_outside(blocks, start, end, settings)
    return start, end


# ------------------------------------------------------------------ pass 1: rules


def apply_rules(blocks: list[Block], rules: RuleSet, html: bool) -> None:
    for b in blocks:
        container = b.hints.get("container") if html else None
        hit = rules.match(b.text)
        if container in HTML_FURNITURE and (not b.hints.get("in_article") or container in HTML_BOXES) and not (
                hit and hit[0].action in ("cut-after", "keep")):
            b.scores["furniture"] = container  # dropped by drop_furniture() unless the article is in there
        if hit:
            rule, value = hit
            b.scores["rule_match"] = rule.id
            if rule.action == "keep":
                b.scores["protected"] = rule.id
            elif rule.action == "drop":
                _drop(b, rule.id)
                continue
            elif rule.action == "cut-after":
                _drop(b, rule.id)
                b.scores["cut_after"] = rule.then
                continue
            elif rule.action == "label":
                b.label, b.rule, b.value = rule.label, rule.id, value
        if container == "related" and b.label is None:
            b.label, b.rule = RELATED, "html:related"  # checked for title shape in measure()
        rest, cut = rules.cut_inline(b.text)
        if cut:
            b.original = b.original or b.text
            b.inline_removed.extend(cut)
            b.text = rest
            if not rest or not any(ch.isalnum() for ch in rest):
                _drop(b, cut[0][1])


def _drop(b: Block, why: str) -> None:
    b.label, b.rule = BOILERPLATE, why


# ------------------------------------------------------------------ pass 2: features


def measure(b: Block, function_words: frozenset[str], s: Settings) -> None:
    text = b.text
    n = len(text) * s.char_scale
    words = text.split()
    last = text[-1]
    if last in CLOSERS and len(text) > 1:
        last = text[-2]
    terminal = last in TERMINAL
    fw = None
    if function_words and n >= 20:
        # The share is stable after a few dozen words; tokenising whole paragraphs cost more than all rules.
        tokens = _WORDS.findall(text[:FW_SAMPLE_CHARS].casefold())
        fw = sum(map(function_words.__contains__, tokens)) / len(tokens) if tokens else 0.0
    bullet = text.startswith(BULLETS) and n > 2
    if n >= s.prose_min_chars and (terminal or n >= 2 * s.prose_min_chars) and (
            fw is None or fw >= s.prose_min_function_words or not function_words):
        kind = "prose"
    elif n < s.short_max_chars:
        kind = "short"
    else:
        kind = "medium"
    if b.link_density > s.max_link_density and (kind != "prose" or b.link_density > 0.8):
        kind = "linky"  # a paragraph of prose with a few long links is still prose
    digits = sum(map(str.isdigit, text)) / len(text) if kind != "prose" else 0.0
    b.scores.update(chars=n, words=len(words), terminal=terminal, function_words=None if fw is None else round(fw, 2),
                    kind=kind, bullet=bullet, digits=round(digits, 2))


def is_title_like(b: Block, s: Settings, min_words: int = 2, links: bool = False) -> bool:
    """Short, no sentence end, a few words: a headline, subheading or link title (links: may be a link)."""
    sc = b.scores
    return (not sc.get("terminal") or b.text.endswith(("?", "!"))) and min_words <= sc.get("words", 0) and \
        sc.get("chars", 0) <= s.title_max_chars and (links or sc.get("kind") != "linky")


def drop_furniture(blocks: list[Block]) -> None:
    """Drop what sits in navigation, footers, sidebars, comment and share boxes, unless most of the
    page's prose is in there: some sites wrap the whole article in such an element (a comment thread
    never does). Then those blocks only count less when finding the article."""
    for b in blocks:
        if b.scores.get("furniture") == "bio" and b.scores.get("kind") != "prose":
            del b.scores["furniture"]  # an author box: its sentences are the bio, its short lines byline and date
    marked = [b for b in blocks if b.scores.get("furniture") and b.label not in (BOILERPLATE, RELATED)]
    if not marked:
        return
    total = sum(b.scores["chars"] for b in blocks if b.label != BOILERPLATE and b.scores.get("kind") == "prose")
    inside = sum(b.scores["chars"] for b in marked
                 if b.scores.get("kind") == "prose" and b.scores["furniture"] != "comments")
    if total and inside > 0.6 * total:
        for b in marked:
            b.scores["weight"] = 0.5
        return
    for b in marked:
        if not b.scores.get("protected"):
            _drop(b, f"html:{b.scores['furniture']}")


def weigh_html_hints(blocks: list[Block], meta: dict) -> None:
    """HTML says where the article is: text inside <article>/<main>/an article-body element, or
    repeated in the page's JSON-LD articleBody, counts more; text outside such a container, when
    the page has one, counts less."""
    body = meta.get("jsonld", {}).get("articleBody") if isinstance(meta.get("jsonld"), dict) else None
    body = " ".join(body.split()).casefold() if isinstance(body, str) and len(body) > 200 else ""
    live = [b for b in blocks if b.label != BOILERPLATE]
    inside = sum(len(b.text) for b in live if b.hints.get("in_article"))
    total = sum(len(b.text) for b in live) or 1
    partial = 0.05 < inside / total < 0.97
    for b in live:
        if body and len(b.text) >= 30 and b.text.casefold() in body:
            b.scores["weight"] = 1.5
        elif partial and "weight" not in b.scores:
            b.scores["weight"] = 1.2 if b.hints.get("in_article") else 0.5


# ------------------------------------------------------------------ pass 3: context


def cut_after_markers(blocks: list[Block], s: Settings) -> None:
    """After a marker line: title lines become related links (or are dropped) until prose resumes."""
    i = 0
    while i < len(blocks):
        marker = blocks[i]
        then = marker.scores.get("cut_after")
        i += 1
        if not then or then == "end":
            continue  # the page's footer drops nothing itself: densest_run stops at it once it has an article
        taken = 0
        while i < len(blocks):
            b = blocks[i]
            if b.hints.get("container") != marker.hints.get("container"):
                break  # HTML: the list ends where its container (an aside, a related box) ends
            if b.label == BOILERPLATE and not (then == "related" and (b.rule or "").startswith("html:")):
                if b.scores.get("cut_after"):
                    break
                i += 1
                continue
            if b.label == BOILERPLATE and "chars" not in b.scores:
                measure(b, frozenset(), s)
            if b.scores.get("kind") == "prose" and b.link_density <= s.max_link_density:
                break
            if b.scores.get("protected"):
                i += 1
                continue
            if then == "related" and is_title_like(b, s, min_words=3, links=True) and \
                    b.label in (None, RELATED, BOILERPLATE):
                b.label, b.rule = RELATED, marker.rule
                taken += 1
            elif then == "related" and taken:
                break  # something that is not a link title ends the list
            else:
                _drop(b, marker.rule)
            i += 1


_CLOCK = re.compile(r"\b\d{1,2}[:.]\d\d\b")


def mark_comment_headers(blocks: list[Block]) -> None:
    """Text: "Jane Doe says:" over a date with a time of day, from two or more writers, is a comment
    thread. Each such header ends the article like a comments marker; an article's own "Last updated:"
    line over its date is one line, or the same line twice."""
    live = [b for b in blocks if b.label != BOILERPLATE]
    heads = [b for b, nxt in zip(live, live[1:]) if nxt.label == DATE and _CLOCK.search(nxt.text) and
             b.label is None and b.text.endswith(":") and 2 <= b.scores.get("words", 0) <= 6 and
             not b.scores.get("digits")]
    if len({b.text for b in heads}) < 2:
        return
    for b in heads:
        _drop(b, "feature:comment-header")
        b.scores["cut_after"] = "drop"


def block_score(b: Block, s: Settings, isolated: bool) -> tuple[float, bool] | None:
    """What a block adds to the run of article text that contains it, and whether it is menu-like.

    None leaves the block out. `densest_run` makes consecutive menu-like blocks cost more and more,
    so a menu, a header or a footer between two stretches of prose splits them; a subheading, a
    short sentence or a one-line paragraph set off by blank lines (`isolated`) does not. In HTML,
    the links of a related box and the furniture outside the article element (navigation, forms,
    sidebars, dropped before) count as menu lines too: the run does not bridge them.
    """
    if b.label == RELATED and b.hints.get("container") == "related" and not b.scores.get("cut_after"):
        return -float(s.short_penalty), True
    if b.label == BOILERPLATE and (b.rule or "").startswith("html:") and not b.hints.get("in_article"):
        return -float(s.short_penalty), True
    if b.label in (BOILERPLATE, RELATED):
        return None
    if b.label in (BYLINE, DATE, CREDIT, CAPTION, HEADLINE):
        return -float(s.medium_penalty), True
    kind = b.scores.get("kind")
    chars = b.scores["chars"]
    if kind == "prose":
        return float(min(chars, s.prose_cap)), False
    if kind == "linky":
        return -float(s.short_penalty), True
    if b.scores.get("bullet") or b.kind == "li":
        return (chars / 4, False) if b.scores["terminal"] or chars > s.short_max_chars else (-5.0, True)
    if b.scores["terminal"] and b.scores["words"] >= 3:
        return chars / 3, False  # a short sentence or question
    if b.text.endswith(":") and b.scores["words"] >= 6:
        return chars / 3, False  # a sentence that introduces a quotation, a list or code
    if (isolated or b.scores.get("digits", 0) >= 0.2) and b.scores["words"] >= 2:
        return -float(s.medium_penalty), False  # a heading, a one-line paragraph or a table row
    return (-float(s.medium_penalty) if kind == "medium" else -float(s.short_penalty)), True


def densest_run(blocks: list[Block], s: Settings) -> tuple[int, int]:
    """The (start, end) of the maximum-sum run of block scores: the article's anchor."""
    best, best_start, best_end = 0.0, -1, -1
    total, start = 0.0, -1
    streak = 0  # consecutive menu-like blocks
    live = [i for i, b in enumerate(blocks) if b.label not in (BOILERPLATE, RELATED) or b.scores.get("cut_after")
            or b.hints.get("container") == "related" or (b.rule or "").startswith("html:")]
    for k, i in enumerate(live):
        b = blocks[i]
        wall = b.scores.get("cut_after")
        if wall in ("drop", "end"):
            if best >= (s.article_before_end if wall == "end" else s.article_before_wall):
                break  # comments, a paid widget or the page footer below an article: nothing after it is the article
            total, start, streak = 0.0, -1, 0  # the article does not go on past it
            continue
        nxt = blocks[live[k + 1]] if k + 1 < len(live) else None
        isolated = b.kind in ISOLATED_KINDS or (b.gap_before and (nxt is None or nxt.gap_before))
        scored = block_score(b, s, isolated)
        if scored is None:
            continue
        score, menu_like = scored
        weight = b.scores.get("weight", 1.0)
        score = score * weight if score >= 0 else score / weight
        if score >= 0:
            streak = 0
        elif menu_like:
            streak += 1
            score *= streak
        if start < 0 or total <= 0:
            if score <= 0:
                total, start = 0.0, -1
                continue
            total, start = 0.0, i
        total += score
        if total > best:
            best, best_start, best_end = total, start, i
    return best_start, best_end


def _titled(b: Block) -> bool:
    """Every word starts with a capital letter: a menu entry, not a line of code or a list item."""
    initials = [w[0] for w in b.text.split() if w[0].isalpha()]
    return bool(initials) and all(c.isupper() for c in initials) and not b.text.endswith(":")


def bridge_after(blocks: list[Block], start: int, end: int, s: Settings) -> int:
    """Text: the article goes on past a code block, a list or a table of short lines when its prose
    resumes after them. densest_run makes such a stretch cost more with every line, as if it were a
    menu; here each line costs its length, once, and the stretch is taken when the prose after it is
    longer, and shorter than the article's prose before it. The lines after one ending in ':' are the
    list, table or code it introduces and are taken as they come, up to `list_max_share` times the
    article's prose. A wall, a furniture line, a headline, byline or date, a link line or two
    capitalised lines in a row (a menu; a list's "June 9 – Tampa, FL" rows are not) end the search."""
    if start < 0:
        return end
    return _bridge(blocks, range(end + 1, len(blocks)), end, _prose(blocks[start:end + 1], s), s)


def bridge_before(blocks: list[Block], start: int, end: int, s: Settings) -> int:
    """Text: the same upwards. An article split in two by a box, a gallery or a list of short lines
    starts at its first half when that half has more prose than the box has text."""
    if start < 0:
        return start
    return _bridge(blocks, range(start - 1, -1, -1), start, _prose(blocks[start:end + 1], s), s)


def _prose(blocks: list[Block], s: Settings) -> float:
    return sum(min(b.scores["chars"], s.prose_cap) for b in blocks
               if b.label is None and b.scores.get("kind") == "prose")


def _bridge(blocks: list[Block], order: range, edge: int, prose: float, s: Settings) -> int:
    """Walk from the article's edge in `order`; the farthest block the article reaches, each one bridged."""
    total, last, titled = 0.0, edge, 0
    forward = order.step > 0
    listed, items = forward and blocks[edge].text.endswith(":"), 0
    for i in order:
        b = blocks[i]
        if b.label == BOILERPLATE and not b.scores.get("cut_after") and not b.text[:1].isalnum():
            continue  # a dropped "...", "»" or "@decorator" is no wall
        if b.label in (BOILERPLATE, RELATED, HEADLINE, BYLINE, DATE):
            break
        kind = b.scores.get("kind")
        if b.label is None and kind == "prose":
            total += min(b.scores["chars"], s.prose_cap)
            listed = False
        elif kind == "linky":
            break
        else:
            titled = titled + 1 if kind == "short" and not b.scores.get("terminal") and _titled(b) and not (
                listed and b.scores.get("digits")) else 0
            if titled > 1:
                break  # capitalised lines in a row: a menu or a list of teasers
            if listed:
                items += b.scores["chars"]
                if items > s.list_max_share * prose:
                    break
                last = i
                continue
            total -= b.scores["chars"]
            if -total > prose:
                break
        if total > 0:
            prose += total
            total, last = 0.0, i
        if forward and last == i and b.text.endswith(":"):
            listed = True
    for b in blocks[last:edge] if last < edge else blocks[edge + 1:last + 1]:
        b.scores["bridged"] = True
    return last


def article_start(blocks: list[Block], start: int, end: int) -> int:
    """HTML: the article's first paragraphs belong to it even when a table of contents, a video box
    or a list of links inside the same article element splits them from the densest run. Back from
    the run's start to the article element's start or its header (headline, byline, date)."""
    art = blocks[start].hints.get("in_article") if start >= 0 else None
    if not art:
        return start
    first = start
    for i in range(start - 1, -1, -1):
        b = blocks[i]
        if b.scores.get("cut_after"):
            break
        if b.label in (BOILERPLATE, RELATED, CAPTION, CREDIT):
            continue
        if b.hints.get("in_article") != art or b.kind == "h1" or b.label in (HEADLINE, BYLINE, DATE):
            break
        if b.label is None and b.scores.get("kind") == "prose":
            first = i
    return first


def article_end(blocks: list[Block], start: int, end: int) -> int:
    """HTML: the article goes on to the end of its article element. Lists, tables and recipe steps
    inside it are short lines that would end a run of prose, but the page says they belong to it."""
    art = blocks[end].hints.get("in_article") if start >= 0 else None
    if not art:
        return end
    last, links = end, 0
    for i in range(end + 1, len(blocks)):
        b = blocks[i]
        if b.scores.get("cut_after"):
            break
        if b.label in (BOILERPLATE, RELATED):
            continue
        if b.hints.get("in_article") != art or (b.hints.get("container") in HTML_FURNITURE and
                                               b.hints.get("container") != blocks[end].hints.get("container")):
            break  # the article element ends, or its footer or aside begins
        if b.scores.get("kind") == "linky":
            links += 1
            if links > 1 or b.kind != "p" or blocks[last].kind in HEADINGS:
                break  # its tag list, author links, pager or a box of links begin (a linked paragraph is its own)
            continue
        links = 0
        last = i
    while last > end and blocks[last].kind in HEADINGS:
        last -= 1  # a heading over a box of links is the box's
    return last


def header_start(blocks: list[Block], start: int, end: int, s: Settings) -> int:
    """Where the article proper begins inside the densest run.

    A title line followed closely by a byline or dateline is an article header: text above it in the
    run (a consent banner, a teaser of another story) is not the article. The article then starts at
    the first prose after that header, and the header is left to `segment`. In HTML, a title and a
    date inside the article element the run starts in are a card in that article, not a header.
    """
    if start < 0:
        return start
    live = [i for i in range(start, end + 1) if blocks[i].label not in (BOILERPLATE, RELATED)]
    for k, i in enumerate(live[:-1]):
        b = blocks[i]
        if b.label is not None or not is_title_like(b, s, min_words=3):
            continue
        if b.hints.get("in_article") and b.hints.get("in_article") == blocks[live[0]].hints.get("in_article"):
            continue  # HTML: a card with a title and a date inside the article element the run starts in
        window = [blocks[j] for j in live[k + 1:k + 5]]
        if not any(w.label in (BYLINE, DATE) for w in window):
            continue
        before = sum(blocks[j].scores["chars"] for j in live[:k] if blocks[j].scores.get("kind") == "prose")
        after = sum(blocks[j].scores["chars"] for j in live[k + 1:] if blocks[j].scores.get("kind") == "prose")
        if before == 0 or before > after / 2:
            return start  # the run starts at its header already, or this header is a teaser further down
        prose_after = next((j for j in live[k + 1:] if blocks[j].scores.get("kind") == "prose"
                            and blocks[j].label is None), None)
        return prose_after if prose_after is not None else start
    return start


def next_header(blocks: list[Block], start: int, end: int, s: Settings) -> int:
    """Where the article ends inside the densest run: before the next article header (a title
    followed closely by a dateline) once the article has had its prose. Teaser lists and the next
    article of an endless page look like that; a boxout inside the HTML article element does not."""
    if start < 0:
        return end
    live = [i for i in range(start, end + 1) if blocks[i].label not in (BOILERPLATE, RELATED)]
    prose = 0
    for k, i in enumerate(live):
        b = blocks[i]
        if b.scores.get("kind") == "prose" and b.label is None:
            prose += b.scores["chars"]
        if prose < 400 or b.label is not None or b.hints.get("in_article") or not is_title_like(b, s, min_words=3):
            continue
        if any(blocks[j].label == DATE for j in live[k + 1:k + 4]):
            return live[k - 1] if k else end
    return end


def label_region(blocks: list[Block], start: int, end: int, s: Settings) -> None:
    region = [b for b in blocks[start:end + 1] if b.label not in (BOILERPLATE, RELATED)]
    menu = _menu_runs(region, s)
    for k, b in enumerate(region):
        if b.label is not None:
            continue
        if id(b) in menu and not b.scores.get("protected") and not b.scores.get("bridged"):
            _drop(b, "feature:menu-run")
            continue
        if b.scores.get("kind") == "linky" and not b.scores.get("protected"):
            _drop(b, "feature:link-density")
            continue
        b.label = _content_type(b, region[k + 1:k + 3], s)
        if b.scores.get("bridged") and b.label in (None, SUBHEADING) and not (
                b.gap_before and k + 1 < len(region) and region[k + 1].scores.get("kind") == "prose"):
            b.label = BODY  # a line of a code block, list or table the article was joined across
        b.rule = b.rule or f"feature:{b.label}"
        if b.label is None:
            _drop(b, "feature:stray-short-line")


def _content_type(b: Block, following: list[Block], s: Settings) -> str | None:
    if b.kind == "li" or b.scores.get("bullet"):
        return LIST_ITEM
    if b.kind == "blockquote":
        return QUOTE
    if b.kind in ("h2", "h3", "h4", "h5", "h6"):
        return SUBHEADING
    if b.kind == "figcaption":
        return CAPTION
    if b.kind == "credit":
        return CREDIT
    if is_quotation(b.text):
        return QUOTE
    nxt = next((f for f in following if f.label not in (BOILERPLATE, CREDIT, CAPTION)), None)
    if b.text.endswith("?") and b.scores["words"] <= 12 and nxt is not None and \
            nxt.scores.get("kind") in ("prose", "medium"):
        return SUBHEADING  # "Was bedeutet das für Mieter?" between paragraphs
    if b.scores.get("kind") == "prose" or b.scores.get("terminal") or b.scores.get("protected"):
        return BODY
    if b.text.endswith(":") and b.scores["words"] >= 6:
        return BODY  # a sentence that introduces a list
    if b.scores["chars"] <= s.subheading_max_chars and nxt is not None and (
            nxt.scores.get("kind") in ("prose", "medium") or nxt.scores.get("bullet") or nxt.kind == "li"):
        return SUBHEADING
    if b.scores.get("kind") == "medium" or (b.kind == "p" and b.hints.get("in_article")):
        return BODY  # HTML: a short paragraph of the article element is still one of its paragraphs
    if b.text.endswith((":", ",")):
        return BODY  # a list's label ("Zutaten:", "Sources:") or a line of a verse goes on
    return None


def is_quotation(text: str) -> bool:
    """A paragraph that is one quotation and nothing else: „…“, "…", «…», “…”."""
    if text.endswith(".") and text[-2:-1] in CLOSE_QUOTES:
        text = text[:-1]  # “…”. with the full stop outside the quote marks
    if len(text) < 20 or text[0] not in OPEN_QUOTES or text[-1] not in CLOSE_QUOTES:
        return False
    return sum(text.count(q) for q in QUOTE_MARKS) == 2


def _menu_runs(region: list[Block], s: Settings) -> set[int]:
    """Blocks that belong to a run of menu_run_min or more short title-like lines."""
    out: set[int] = set()
    run: list[Block] = []
    for b in region + [None]:
        if b is not None and b.label is None and b.scores.get("kind") in ("short", "linky") and \
                not b.scores.get("terminal") and not b.scores.get("bullet") and b.kind != "li" and \
                not (b.hints.get("in_article") and b.kind in ISOLATED_KINDS):  # HTML paragraphs of the article
            run.append(b)
            continue
        if len(run) >= s.menu_run_min:
            out.update(id(x) for x in run)
        run = []
    return out


def label_outside(blocks: list[Block], start: int, end: int, s: Settings) -> None:
    """Blocks after the article are dropped; the header zone above it is left to `segment`."""
    header_from = start
    seen = 0
    while header_from > 0 and seen < s.header_window:
        header_from -= 1
        b = blocks[header_from]
        if b.label == BOILERPLATE:
            continue
        seen += 1
    for i, b in enumerate(blocks):
        if start <= i <= end or b.label in (BOILERPLATE, RELATED):
            continue
        if i < start and i >= header_from:
            b.scores["zone"] = "header"
            if b.label in (BODY, SUBHEADING, LIST_ITEM, QUOTE):
                b.label = None
            continue
        if b.scores.get("protected"):
            b.label, b.rule = BODY, b.scores["protected"]
            continue
        if b.label in (BYLINE, DATE) and start - BYLINE_SEARCH <= i < start:
            continue  # a byline or dateline further up the page header: segment decides
        if b.scores.get("furniture"):
            _drop(b, f"html:{b.scores['furniture']}")
        else:
            _drop(b, "feature:before-article" if i < start else "feature:after-article")


def drop_repeats(region: list[Block], s: Settings) -> None:
    """Text: a paragraph the article has already had is a caption of a gallery, a pull quote or a
    teaser repeated by the page; it is kept once."""
    seen = set()
    for b in region:
        if b.label is None and b.scores.get("chars", 0) >= s.prose_min_chars:
            if b.text in seen:
                _drop(b, "feature:repeat")
            seen.add(b.text)


# ------------------------------------------------------------------ captions


def credit_value(text: str, rules: RuleSet) -> str | None:
    hit = rules.match(text)
    if hit and hit[0].action == "label" and hit[0].label == CREDIT:
        return hit[1] or text
    return None


def find_captions(blocks: list[Block], rules: RuleSet, s: Settings) -> None:
    """A line followed by a credit (on the next line, or glued to a repeat of the line) is a caption."""
    live = [b for b in blocks if b.label != BOILERPLATE]
    for k, b in enumerate(live):
        if b.label not in (None, BODY, SUBHEADING) or b.scores.get("chars", 0) > 400:
            continue
        cut = b.text.rfind(". ")
        if cut > 0:
            credit = credit_value(b.text[cut + 2:], rules)
            if credit:
                b.label, b.rule, b.value = CAPTION, "feature:caption-with-credit", credit
                b.scores["caption_text"] = b.text[:cut + 1]
                continue
        nxt = live[k + 1] if k + 1 < len(live) else None
        if nxt is not None and nxt.label not in (BOILERPLATE, CREDIT) and nxt.text.startswith(b.text) and \
                len(nxt.text) > len(b.text):
            credit = credit_value(nxt.text[len(b.text):].strip(" -–|/"), rules)
            if credit:
                b.label, b.rule = CAPTION, "feature:caption-before-credit"
                nxt.label, nxt.rule, nxt.value = CAPTION, "feature:caption-repeat", credit
                nxt.scores["duplicate_of"] = b.line
                continue
        if nxt is not None and nxt.label == CREDIT and b.scores.get("chars", 0) <= 300 and (
                b.scores.get("kind") != "prose" or b.scores["chars"] <= s.caption_prose_max_chars
                or b.kind == "figcaption"):
            b.label, b.rule = CAPTION, "feature:caption-before-credit"
