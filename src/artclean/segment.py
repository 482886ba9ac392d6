"""Build the Article from labelled blocks: headline, captions with credits, byline, date, lead,
body, related links, and the list of everything removed with the rule or feature that removed it."""

from __future__ import annotations

import re
from html import unescape

import regex

from .classify import BYLINE_SEARCH, Settings, is_title_like
from .dates import is_relative, parse_date
from .model import (BODY, BOILERPLATE, BYLINE, CAPTION, CREDIT, DATE, HEADLINE, LIST_ITEM, QUOTE, RELATED,
                    SUBHEADING, Article, BodyBlock, Block, Caption, Removal)
from .rulepack import RuleSet, norm

BODY_LABELS = {BODY: "paragraph", SUBHEADING: "subheading", QUOTE: "quote", LIST_ITEM: "list_item"}
UPDATE_WORDS = regex.compile(r"\b(?:update[ds]?|aktualisiert|mis à jour|actualizad[oa]|aggiornat[oa]|atualizad[oa]|"
                             r"bijgewerkt|zaktualizowano|modifi)", regex.IGNORECASE)
_BULLET = regex.compile(r"^(?:[•\-*–·▪►→✓o])\s+")
_WORD = regex.compile(r"\w+")


def segment(blocks: list[Block], rules: RuleSet, start: int, end: int, *, meta: dict | None = None) -> Article:
    settings = Settings(rules)
    html = meta or {}
    choose_headline(blocks, start, settings, html, rules)
    if start >= 0:
        find_datelines(blocks, rules, start)
        recover_header(blocks, rules)
        keep_standfirst(blocks, start)
    for b in blocks:
        if b.scores.get("zone") == "header" and b.label is None:
            b.label, b.rule = BOILERPLATE, "feature:before-article"
    art = Article(blocks=blocks)
    headline = next((b for b in blocks if b.label == HEADLINE), None)
    art.headline = headline.text if headline else _html_headline(html)
    if headline is None and art.headline:
        _drop_copies(blocks, art.headline)
    elif headline is not None:
        _drop_copies(blocks, headline.text, keep=headline)
    join_split_bylines(blocks, rules, start)
    _fill_byline(art, blocks, html, rules)
    _fill_date(art, blocks, rules, html)
    _fill_captions(art, blocks)
    _fill_body(art, blocks)
    art.related = _unique(b.value or b.text for b in blocks if b.label == RELATED)
    art.removed = _removed(blocks)
    return art


# ------------------------------------------------------------------ captions


def _fill_captions(art: Article, blocks: list[Block]) -> None:
    current: Caption | None = None
    for b in blocks:
        if b.label == CAPTION:
            text = b.scores.get("caption_text") or b.text
            if b.scores.get("duplicate_of") and current is not None:
                current.credit = current.credit or b.value
                continue
            if current is not None and current.text == text:
                current.credit = current.credit or b.value
                continue
            current = Caption(text=text, credit=b.value)
            art.captions.append(current)
        elif b.label == CREDIT:
            value = b.value or b.text
            if current is not None and (current.credit is None or current.credit == value):
                current.credit = value
                b.scores["merged"] = True
                current = None if current.credit else current
            else:
                b.label = BOILERPLATE  # a credit with no caption to belong to
        elif b.label not in (BOILERPLATE, None):
            current = None if b.label not in (BYLINE, DATE, HEADLINE) else current


# ------------------------------------------------------------------ headline


HEADLINE_SEARCH = 40  # blocks above the article where the headline is most likely; further up costs less per block
HEADLINE_MAX_CHARS = 100  # few headlines are longer; the summary line under one often is
_CONTENT_WORD = re.compile(r"[^\W\d_]{4,}")  # stdlib re: the same words, cheaper per call
_CRUMB = re.compile(r"[•»›|]")  # two of them: a breadcrumb or a menu run together ("Home » News » Title")


def choose_headline(blocks: list[Block], start: int, s: Settings, html: dict, rules: RuleSet) -> None:
    """Mark the article's own title: in HTML its h1; in text the title line above the article that
    best shares the article's words, opens an article header (a byline or dateline follows) or the
    text itself, and is close to the article."""
    if any(b.label == HEADLINE for b in blocks):
        return
    if html and _choose_h1(blocks, html):
        return
    if start < 0 or html:
        return
    marks = _header_rule_ids(rules)
    header_lines = [_is_header_line(b, marks, rules.months) for b in blocks[:start + 5]]
    opens = _opens_with_title(blocks[start], s) and any(b.label == BODY for b in blocks[start + 1:start + 6])
    first = start + 1 if opens else start
    body = [b.text for b in blocks[first:] if b.label == BODY][:12]
    body_words = _content_words(" ".join(body), rules.function_words)
    in_article = {b.text.casefold() for b in blocks[first:] if b.label in BODY_LABELS}
    best, best_score, distance = None, 0.0, 0
    for i in range(first - 1, -1, -1):
        b = blocks[i]
        if b.label in (BYLINE, DATE, CREDIT, CAPTION) or (b.label == BOILERPLATE and b.rule != "feature:before-article"):
            continue
        distance += 1
        if b.scores.get("bullet") or not (_title_line(b, s) and b.scores.get("chars", 0) >= 10
                                          and not _mostly_date(b.text)) or len(_CRUMB.findall(b.text)) > 1:
            continue
        words = _content_words(b.text, function_words=rules.function_words)
        overlap = len(words & body_words) / len(words) if words else 0.0
        header = any(header_lines[i + 1:i + 5])  # a byline or dateline follows within four lines
        score = _headline_score(b, overlap, header, blocks[i + 1].scores.get("kind") == "prose",
                                _in_contents(blocks, i, in_article), distance, _in_menu(blocks, i, header_lines))
        if b.scores["words"] >= 4 and any(x.text.casefold() == b.text.casefold() for x in blocks[max(0, i - 2):i]):
            score += 30  # the title twice in a row: a breadcrumb's last entry or a picture's alt text, then the title
        if i == start and not any(header_lines[i + 1:i + 5]):
            score -= 60  # a subheading that opens the article ("What is X?") stands there too
        if score > best_score:
            best, best_score = b, score
    if best is not None:
        best.label, best.rule = HEADLINE, "feature:headline"
        best.scores.pop("zone", None)


_INITIALS_END = regex.compile(r"(?:\b\p{Lu}\.){2,}$")  # "U.S.", "E.U.": a full stop that ends no sentence


def _title_line(b: Block, s: Settings) -> bool:
    """A title line; one that ends in initials ("... in the U.S.") too."""
    if is_title_like(b, s, min_words=2):
        return True
    return _INITIALS_END.search(b.text) is not None and b.scores.get("words", 0) >= 2 and \
        b.scores.get("chars", 0) <= s.title_max_chars and b.scores.get("kind") != "linky"


def _opens_with_title(b: Block, s: Settings) -> bool:
    """The article's run may begin with its own title (one that ends in "?" or "!" counts as a sentence
    there); without a byline or dateline under it, it must beat the lines above by more."""
    return b.label in (BODY, SUBHEADING) and not b.scores.get("bullet") and is_title_like(b, s, min_words=2)


def _headline_score(b: Block, overlap: float, header: bool, before_prose: bool, in_article: bool,
                    distance: int, in_menu: bool = False) -> float:
    """How much a title line looks like the article's headline. A line the article repeats is a
    table-of-contents entry; a line in capitals or ending in a colon is a kicker or a label; a
    short line between short lines is a menu item; two words are a section label."""
    text = b.text
    chars = b.scores["chars"]
    score = 70 * overlap + min(chars, 80) / 2 + (20 if b.scores["words"] >= 4 else 0)
    score -= 40 if b.scores["words"] <= 2 else 0  # few headlines are two words; section labels and buttons are
    score -= max(0, chars - HEADLINE_MAX_CHARS)  # a longer line is a standfirst
    score += (60 if header else 0) + (20 if before_prose else 0)
    score -= (60 if in_article else 0) + (40 if text.isupper() else 0) + (60 if text.endswith(":") else 0)
    score -= 30 if in_menu else 0
    far = distance - HEADLINE_SEARCH
    return score - (distance / 2 if far < 0 else HEADLINE_SEARCH / 2 + far / 10)


MENU_WORDS = 4  # a menu item's most words


def _in_menu(blocks: list[Block], i: int, header_lines: list[bool]) -> bool:
    """A few words between two other short lines that are neither byline nor date: a menu entry
    (a headline stands among longer lines, or by its byline and date)."""
    if blocks[i].scores.get("words", 0) > MENU_WORDS or i == 0 or i + 1 >= len(header_lines):
        return False
    return all(blocks[j].scores.get("kind") == "short" and blocks[j].scores.get("words", 99) <= MENU_WORDS
               and not header_lines[j] for j in (i - 1, i + 1))


def _in_contents(blocks: list[Block], i: int, in_article: set[str]) -> bool:
    """A table-of-contents entry: the article repeats this line and the one next to it."""
    key = blocks[i].text.casefold()
    if key not in in_article:
        return False
    near = [x.text.casefold() for x in blocks[max(0, i - 1):i + 2] if x.text.casefold() != key]
    return any(n in in_article for n in near)


def _header_rule_ids(rules: RuleSet) -> frozenset[str]:
    return frozenset(r.id for label in (BYLINE, DATE) for r in rules.rules_with_label(label))


def _is_header_line(b: Block, marks: frozenset[str], months: dict[str, int]) -> bool:
    """A byline or dateline, also one dropped for being far from the article (its rule match stays)."""
    if b.label in (BYLINE, DATE) or b.scores.get("rule_match") in marks:
        return True
    return len(b.text) <= 60 and parse_date(b.text, months) is not None and not is_relative(b.text)


def _headline_index(blocks: list[Block]) -> int | None:
    return next((i for i, b in enumerate(blocks) if b.label == HEADLINE), None)


HEADER_AFTER = 6  # lines below the headline where its byline and dateline may stand


def recover_header(blocks: list[Block], rules: RuleSet) -> None:
    """Bylines and datelines just around the headline belong to the article even when the headline
    stands far above it (a table of contents, a summary box in between): a byline or date rule's
    match, or a short line that is a date, dropped only for its distance, gets its role back."""
    head = _headline_index(blocks)
    if head is None:
        return
    label_of = {r.id: r.label for label in (BYLINE, DATE) for r in rules.rules_with_label(label)}
    for b in blocks[max(0, head - 2):head + 1 + HEADER_AFTER]:
        if b.label != BOILERPLATE or b.rule not in ("feature:before-article", "html:header"):
            continue  # a page's <header> element also holds the article's own header
        matched = b.scores.get("rule_match")
        if matched in label_of:
            b.label, b.rule = label_of[matched], matched
        elif len(b.text) <= 80 and not is_relative(b.text) and parse_date(b.text, rules.months):
            b.label, b.rule = DATE, "feature:dateline"


def keep_standfirst(blocks: list[Block], start: int) -> None:
    """Prose between the headline and the article (a standfirst above the byline) is the lead; a
    paragraph the article already has is kept once, as in the article."""
    head = next((i for i, b in enumerate(blocks[:start]) if b.label == HEADLINE), None)
    if head is None:
        return
    seen = {b.text for b in blocks[start:] if b.label in BODY_LABELS}
    for b in blocks[head + 1:start]:
        if b.scores.get("zone") == "header" and b.label is None and b.scores.get("kind") == "prose" and \
                not b.scores.get("bullet") and b.text not in seen:
            b.label, b.rule = BODY, "feature:standfirst"
            seen.add(b.text)


def _content_words(text: str, function_words) -> set[str]:
    return {w for w in _CONTENT_WORD.findall(text.casefold()) if w not in function_words}


def _choose_h1(blocks: list[Block], html: dict) -> bool:
    """The visible h1: inside the article if one is, else the one the page's metadata agrees with."""
    wanted = _html_headline(html) or ""
    wanted_words = set(_WORD.findall(wanted.casefold()))
    site = _site_names(html)
    h1s = [b for b in blocks if b.kind == "h1" and len(b.text.split()) >= 2 and _alnum(b.text) not in site and
           (b.label != BOILERPLATE or (b.rule or "").startswith("html:") or b.rule == "feature:before-article")]
    best = max(h1s, key=lambda b: (bool(b.hints.get("in_article")),
                                   len(set(_WORD.findall(b.text.casefold())) & wanted_words), -blocks.index(b)),
               default=None)
    if best is not None and len(wanted_words) >= 2 and \
            not set(_WORD.findall(best.text.casefold())) & _title_words(html):
        best = None  # an h1 that shares no word with any of the page's titles is a section or blog name
    if best is None:
        for b in blocks:  # some pages put the title in an h2
            if wanted and b.label != BOILERPLATE and b.kind.startswith("h") and _same_words(b.text, wanted):
                b.label, b.rule = HEADLINE, "html:title"
                return True
        return False
    best.label, best.rule = HEADLINE, "html:h1"
    candidates = [c for c in (html.get("title"), html.get("og_title")) if isinstance(c, str)]
    short = _strip_site_name(best.text, html, candidates)  # an h1 that carries the section: "Title | Opinion"
    if short != best.text and short:
        best.original, best.text = best.original or best.text, short
    if wanted and _labels_title(best.text, wanted):  # "Blog: Title", "Dec 18 2025 Title": the title itself
        best.original, best.text = best.original or best.text, wanted
    return True


H1_LABEL_WORDS = 3  # most words a label or a date before the title in an h1 has


def _labels_title(h1: str, title: str) -> bool:
    """The h1 is the metadata's title after a label ("Blog:") or a date."""
    words, tail = list(_WORD.finditer(h1.casefold())), _WORD.findall(title.casefold())
    extra = len(words) - len(tail)
    if not (0 < extra <= H1_LABEL_WORDS and len(tail) >= 2 and [w.group() for w in words[extra:]] == tail):
        return False
    label = h1[:words[extra].start()].strip()
    return label.endswith(":") or _mostly_date(label)


def _title_words(html: dict) -> set[str]:
    jsonld = html.get("jsonld") or {}
    titles = (jsonld.get("headline"), html.get("og_title"), html.get("title"))
    return {w for t in titles if isinstance(t, str) for w in _WORD.findall(t.casefold())}


def _site_names(html: dict) -> set[str]:
    """The site's name as the metadata gives it and its host name, letters and digits only."""
    host = regex.sub(r"^https?://(?:www\.)?", "", str(html.get("url") or "")).split("/")[0]
    return {x for x in (_alnum(html.get("og_site_name") or ""), _alnum(host.rsplit(".", 1)[0])) if x}


_DATEISH = regex.compile(r"\d{1,4}\s?[./-]\s?\d{1,2}|\d{1,2}:\d{2}|\b\d{1,2},?\s(?:19|20)\d\d\b")


def _mostly_date(text: str) -> bool:
    """A line that is mostly a date or time stamp, not a title that happens to hold a year."""
    return sum(map(str.isdigit, text)) >= 0.15 * len(text) and _DATEISH.search(text) is not None


_TITLE_SEPARATOR = regex.compile(r"\s+(?:[|–—·•»-]|::)\s+")


def _html_headline(html: dict) -> str | None:
    """The title the page's metadata gives, without a site-name suffix the page confirms."""
    jsonld = html.get("jsonld") or {}
    candidates = [v for v in (jsonld.get("headline"), html.get("og_title"), html.get("twitter_title"),
                              html.get("title")) if isinstance(v, str) and v.strip()]
    if not candidates:
        return None
    return _strip_site_name(norm(unescape(candidates[0])), html, candidates)


_DOMAIN = regex.compile(r"(?:www\.)?[\p{L}\d-]+(?:\.[\p{L}\d-]+)*\.\p{L}{2,6}", regex.IGNORECASE)


def _strip_site_name(title: str, html: dict, candidates: list[str]) -> str:
    parts = _TITLE_SEPARATOR.split(title)
    if len(parts) < 2:
        return title
    site = {_alnum(html.get("og_site_name") or "")}
    host = regex.sub(r"^https?://(?:www\.)?", "", str(html.get("url") or "")).split("/")[0]
    site.add(_alnum(host.rsplit(".", 1)[0]) if host else "")
    tail, head = parts[-1], parts[0]
    others = [norm(unescape(c)) for c in candidates if norm(unescape(c)) != title]
    tail_words = _WORD.findall(tail.casefold())
    confirmed = (_alnum(tail) in site and _alnum(tail)) or any(o == head or o.startswith(head) and tail not in o and
                                                            _TITLE_SEPARATOR.match(o, len(head)) for o in others) or \
        (bool(host) and bool(tail_words) and all(len(w) >= 3 and w in host.casefold() for w in tail_words))
    confirmed = confirmed or _DOMAIN.fullmatch(tail) is not None  # "Title | Example.com"
    if not confirmed and tail_words and len(tail_words) <= 3:  # the same tail on every title: a site or section name
        confirmed = sum(norm(unescape(c)).endswith(tail) for c in candidates) >= 2
    if confirmed or (len(tail.split()) <= 3 and any(tail in norm(c) for c in others)):
        return title[:title.rindex(tail)].rstrip(" |–—·•»-:")
    return title


def _alnum(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _same_words(a: str, b: str) -> bool:
    wa, wb = _WORD.findall(a.casefold()), _WORD.findall(b.casefold())
    if not wa or not wb:
        return False
    if wa == wb:
        return True
    shorter, longer = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    joined = " ".join(longer)
    return len(shorter) >= 3 and " ".join(shorter) in joined


def _drop_copies(blocks: list[Block], headline: str, keep: Block | None = None) -> None:
    key = headline.casefold()
    for b in blocks:
        if b is not keep and b.label not in (BOILERPLATE, RELATED) and b.text.casefold() == key:
            b.label, b.rule = BOILERPLATE, "feature:duplicate-headline"


# ------------------------------------------------------------------ byline and date


def _fill_byline(art: Article, blocks: list[Block], html: dict, rules: RuleSet) -> None:
    function_words = rules.function_words
    byline_ids = frozenset(r.id for r in rules.rules_with_label(BYLINE))
    bylines = [b for b in blocks if b.label == BYLINE]
    everyone = _html_authors(html)
    names = [n for n in everyone if not _is_organisation(n, html)]
    head = _headline_index(blocks)
    if bylines and not html and head is not None and \
            all(abs(i - head) > BY_LINE_BELOW for i, b in enumerate(blocks) if b.label == BYLINE):
        signed = next(((b, n) for b in blocks[head + 1:head + 1 + BY_LINE_BELOW] if b.label == DATE and
                       (n := _name_in_dateline(b.text, rules.months) or _name_before_date(b.text, rules))), None)
        if signed:  # "Jane Doe December 18, 2025" under the headline; a "by …" far from it signs something else
            art.byline, art.meta["byline_text"] = signed[1], signed[0].text
            for b in bylines:
                b.label, b.rule = BOILERPLATE, "feature:extra-byline"
            return
    if bylines:
        first = bylines[0]
        art.byline = _trim_to_names(first.value or first.text, names)
        art.meta["byline_text"] = first.original or first.text
        for extra in bylines[1:]:
            if (extra.value or extra.text) == art.byline:
                extra.scores["merged"] = True
            else:
                extra.label, extra.rule = BOILERPLATE, extra.rule or "feature:extra-byline"
        return
    if not html:
        dropped = _dropped_byline(blocks, byline_ids)
        if dropped is not None:
            art.byline = dropped.value or dropped.text
            art.meta["byline_text"] = dropped.original or dropped.text
            dropped.label, dropped.rule = BYLINE, dropped.scores["rule_match"]
            return
        dated = next((b for b in blocks if b.label == DATE and _SIGNED.search(b.text)), None)
        if dated is not None:  # "Posted on July 1, 2024 by Jane Doe"
            art.byline = _SIGNED.search(dated.text).group("name")
            art.meta["byline_text"] = dated.text
            return
    # "Published August 7, 2023 by Jane Doe", "Jane Doe | May 22, 2025", "By Jane Doe Jan. 31, 2026 7:47 am EST"
    signed = next(((b, n) for b in blocks if b.label == DATE and (n := _name_in_dateline(b.text, rules.months))), None)
    if signed and (not names or _shares_a_name(signed[1], names)):
        art.byline = _trim_to_names(signed[1], names)
        art.meta["byline_text"] = signed[0].text
        return
    if not html:
        lead = next(((b, n) for b in blocks if b.label == DATE and (n := _name_before_date(b.text, rules))), None)
        if lead is not None:  # "Jane Doe 25 March 2025 Transport, Cities"
            art.byline, art.meta["byline_text"] = lead[1], lead[0].text
            return
        handle = next(((b, m) for b in blocks if b.label == DATE and (m := _BY_HANDLE.search(b.text)) and
                       m.group("name") not in function_words), None)
        if handle is not None:  # "by jdoe | Apr 21, 2025": a user name as the blog shows it
            art.byline, art.meta["byline_text"] = handle[1].group("name"), handle[0].text
            return
    if html and names:  # "Ana Ruiz, Tom Berg & Li Wei" by the headline, where the metadata names the first
        near = blocks[max(0, head - 2):head + 1 + BY_LINE_BELOW] if head is not None else []
        listed = next((t for b in near if len(b.text) <= 200 and b.text.casefold().startswith(names[0].casefold())
                       and len(t := _trim_to_names(b.text, names)) > len(names[0]) and t == b.text), None)
        if listed:
            art.byline = art.meta["byline_text"] = listed
            return
    named = None if html and names else _name_line_near_header(blocks, function_words)
    org_only = bool(everyone) and not names  # then only a name in an author element stands for a person
    if named is not None and not (org_only and (not named.hints.get("byline") or named.text.isupper())):
        art.byline = _trim_to_names(named.text, names)
        art.meta["byline_text"] = named.text
        named.label, named.rule = BYLINE, "feature:name-line"
        return
    hinted = [b for b in blocks if b.hints.get("byline") and len(b.text) <= 120 and b.label not in (HEADLINE, RELATED)
              and not (b.rule or "").startswith(("html:", "feature:after")) and
              not (b.label == BOILERPLATE and not (b.rule or "").startswith("feature:"))][:HINTED_TRIES]
    hinted += [b for b in blocks if b.hints.get("byline") and b.rule == "feature:after-article"  # an author box below
               and (_NAME_LINE.match(b.text) or _BYLINE_MARKER.match(b.text))]
    for k, b in enumerate(hinted):
        value = _author_in_element(b.text, rules.months)
        if value and b.rule == "feature:after-article":
            value = _without_job(value)
        # An author element that names none of the metadata's authors is a label or a link ("Home").
        if value and _plausible_byline(value) and (not names or _shares_a_name(value, names)) and \
                (k == 0 and not org_only or _NAME_LINE.match(value) and not value.isupper()):
            art.byline = _trim_to_names(value, names)
            art.meta["byline_text"] = b.text
            return
    if html and not everyone:  # "by jdoe" just below the headline, a line no byline rule took
        below = len(blocks) if head is None else head + 1
        by = next((m for b in blocks[below:below + BY_LINE_BELOW] if (m := _BY_USER.match(b.text))), None)
        if by:
            art.byline = by.group(1)
            art.meta["byline_text"] = by.string
            return
    dropped = _dropped_byline(blocks, byline_ids) if html else None
    if dropped is not None and (not names or _shares_a_name(dropped.value or dropped.text, names)):
        art.byline = _trim_to_names(dropped.value or dropped.text, names)  # "Written by Jane Doe" closing the post
        art.meta["byline_text"] = dropped.original or dropped.text
        dropped.label, dropped.rule = BYLINE, dropped.scores["rule_match"]
        return
    labelled = _labelled_name(blocks, function_words) if html else None
    if labelled is not None and (not names or _shares_a_name(labelled.text, names)):
        art.byline = _trim_to_names(labelled.text, names)  # "Author" over "Jane Doe"
        art.meta["byline_text"] = labelled.text
        labelled.label, labelled.rule = BYLINE, "feature:labelled-name"
        return
    if everyone:
        art.byline = ", ".join(names or everyone)


def _labelled_name(blocks: list[Block], function_words) -> Block | None:
    """A name line under its own label line ("Author", "Written by"): by the headline or below the article."""
    head = _headline_index(blocks)
    body = [i for i, b in enumerate(blocks) if b.label in BODY_LABELS]
    spans = [range(max(0, head - 2), head + BY_LINE_BELOW + 1)] if head is not None else []
    spans += [range(body[-1] + 1, body[-1] + 1 + AFTER_ARTICLE)] if body else []
    for i in (i for span in spans for i in span if i + 1 < len(blocks)):
        name = blocks[i + 1]
        if len(blocks[i].text) <= 12 and _BYLINE_MARKER.fullmatch(blocks[i].text) and len(name.text) <= 60 and \
                _NAME_LINE.match(name.text) and not any(w in function_words for w in name.text.casefold().split()):
            return name
    return None


HINTED_TRIES = 3  # author elements tried in page order (a date or a label often comes first); later ones: names only


BY_LINE_BELOW = 3  # lines below the headline where a bare "by …" line names the author
_BY_USER = regex.compile(r"(?:by|By|BY)\s+(\p{L}[\p{L}\d._-]{1,30}|\p{Lu}\p{L}+(?:\s\p{Lu}[\p{L}.'’-]*){1,3})$")


def _author_in_element(text: str, months: dict[str, int]) -> str | None:
    """An author element's text without its marker and, for "by jdoe | Apr 21, 2025", without its date."""
    value = _BYLINE_MARKER.sub("", text).strip(" ,|·-–—")
    if value != text and not _mostly_date(value):  # "Posted By: Marta · In: Baking"
        value = _DATELINE_PARTS.split(value)[0]
    update = UPDATE_WORDS.search(value)
    if update and update.start() > 0:  # "Jane Doe Updated onFebruary 16, 2026"
        value = value[:update.start()].rstrip(" ,|·-–—")
    if value and _mostly_date(value):
        parts = [(_BYLINE_MARKER.match(p), _BYLINE_MARKER.sub("", p).strip(" ,")) for p in _DATELINE_PARTS.split(text)]
        value = next((v for marked, v in parts if v and (marked or _NAME_LINE.match(v)) and not parse_date(v, months)),
                     "")
    return None if not value or _mostly_date(value) else value


_CREDENTIALS = regex.compile(r"\p{Lu}[\p{Lu}.]+(?:,\s\p{Lu}[\p{Lu}.]+)*")  # "MD", "Ph.D., RN"


def _without_job(value: str) -> str:
    """An author box's "Jane Doe, Head of Marketing": the name without the job, but "Jane Doe, MD" and
    "Jane Doe, Tom Berg and Li Wei" whole."""
    head, comma, rest = value.partition(", ")
    if comma and _NAME_LINE.match(head) and not _CREDENTIALS.fullmatch(rest) and \
            not _MORE_NAMES.fullmatch(value, len(head)):
        return head
    return value


def _is_organisation(name: str, html: dict) -> bool:
    """A metadata author that is the site or its publisher ("Riverside Clinic", "The Harbour Media Ltd"):
    the page may still name the person who wrote it."""
    key = _alnum(name)
    orgs = _site_names(html) | {_alnum(str((html.get("jsonld") or {}).get("publisher") or ""))}
    return any(len(o) >= 4 and key.startswith(o) for o in orgs)


def _plausible_byline(value: str) -> bool:
    """A name or a few, not a heading ("How we reviewed this article:"), a question or an icon."""
    return any(ch.isalpha() for ch in value) and not value.endswith((":", "?")) and len(value.split()) <= 12 \
        and not any("\ue000" <= ch <= "\uf8ff" for ch in value)


def _shares_a_name(value: str, names: list[str]) -> bool:
    words = set(_WORD.findall(value.casefold()))
    return any(words & set(_WORD.findall(n.casefold())) for n in names)


# A person's name on a line of its own: 2-4 capitalised words, maybe particles and a suffix ("Ph.D.").
_NAME_LINE = regex.compile(
    r"^(?:\p{Lu}[\p{Ll}’'-]+(?:\p{Lu}\p{Ll}+)?|\p{Lu}\.|\p{Lu}{2,})"
    r"(?:\s(?:\p{Lu}[\p{Ll}’'-]+(?:\p{Lu}\p{Ll}+)?|\p{Lu}\.|\p{Lu}{2,}|van|von|de|der|da|di|"
    r"del|la|le|du|dos|bin)){1,3}(?:,\s[\p{L}.\d, -]{2,30})?$")


def join_split_bylines(blocks: list[Block], rules: RuleSet, start: int) -> None:
    """"By" on one line and the name on the next (as many page layouts render): if the two lines
    read together match a byline rule of the packs, the name line is the byline. Only in the page
    header above the article and at its start."""
    for k in range(max(0, start - BYLINE_SEARCH), min(len(blocks) - 1, max(start, 0) + 10)):
        marker, name = blocks[k], blocks[k + 1]
        if len(marker.text) > 25 or len(name.text) > 80 or name.label not in (None, BOILERPLATE) or \
                (name.label == BOILERPLATE and not (name.rule or "").startswith("feature:")):
            continue
        if marker.label == BYLINE or marker.scores.get("words", 9) > 3:
            continue
        alone = rules.match(marker.text)
        if alone and alone[0].action == "label" and alone[0].label == BYLINE:
            continue  # "By Jane Doe" is a whole byline already; the next line is not part of it
        hit = rules.match(f"{marker.text} {name.text}")
        if hit and hit[0].action == "label" and hit[0].label == BYLINE:
            name.label, name.rule, name.value = BYLINE, hit[0].id, hit[1]
            name.original = f"{marker.text} {name.text}"


def _name_line_near_header(blocks: list[Block], function_words=frozenset()) -> Block | None:
    """A bare author name right by the headline or the dateline: the three lines below an anchor
    first (where bylines stand), then the two above it; the headline's before a dateline's, and a
    dateline nearer the headline before one further away."""
    head = _headline_index(blocks) or 0
    anchors = sorted((i for i, b in enumerate(blocks) if b.label in (HEADLINE, DATE)),
                     key=lambda i: (blocks[i].label != HEADLINE, abs(i - head)))
    for offsets in ((1, 2, 3), (-1, -2)):
        for i in anchors:
            # an h1 in the page's <header>: the author's name stands beside it in the header too
            also = "html:header" if blocks[i].rule == "html:h1" and blocks[i].hints.get("container") == "header" else ""
            for j in (i + k for k in offsets):
                if 0 <= j < len(blocks) and _is_name_line(blocks[j], function_words, also):
                    return blocks[j]
    return None


AFTER_ARTICLE = 15  # lines below the article where a closing "By Jane Doe" still signs it


def _dropped_byline(blocks: list[Block], byline_ids: frozenset[str]) -> Block | None:
    """A line a byline rule matched but that was dropped for standing away from the article: the one
    nearest the headline (or the article's start) above it, else a signature just below the article."""
    head = _headline_index(blocks)
    body = [i for i, b in enumerate(blocks) if b.label in BODY_LABELS]
    if not body:
        return None
    anchor = head if head is not None else body[0]
    found = [i for i, b in enumerate(blocks) if b.scores.get("rule_match") in byline_ids and b.label == BOILERPLATE
             and (b.rule == "feature:before-article" or (b.rule == "feature:after-article" and
                                                         body[-1] < i <= body[-1] + AFTER_ARTICLE))]
    above = [i for i in found if i < body[0]]
    pick = min(above, key=lambda i: abs(i - anchor)) if above else (found[0] if found else None)
    return None if pick is None else blocks[pick]


def _is_name_line(b: Block, function_words, also: str = "") -> bool:
    return (b.label is None or b.rule in ("feature:before-article", "feature:stray-short-line", also)) and \
        b.hints.get("container") not in ("nav", "menu", "footer", "breadcrumb") and \
        len(b.text) <= 60 and _NAME_LINE.match(b.text) is not None and b.scores.get("function_words") in (None, 0) \
        and not any(w in function_words for w in b.text.casefold().split())


# A dateline signed at its end: "October 11, 2023 by Jane Doe".
_SIGNED = regex.compile(r"\s(?:by|By|BY|von|par|por|door)\s?:?\s(?P<name>\p{Lu}[\p{L}.'’-]*(?:\s\p{Lu}[\p{L}.'’-]*){0,3})$")
_BYLINE_MARKER = regex.compile(r"^(?:this\s+(?:post|article|story)\s+(?:was|is)\s+)?"
                               r"(?:(?:written|posted|reported|published|story|text|authored)\s+)?"
                               r"(?:by|von|par|por|di|door|autor(?:in)?|author|auteur|autore)\b\s*:?\s*"
                               r"|^(?-i:By(?=\p{Lu}\p{Ll}))", regex.IGNORECASE)


_NAME_WORD = r"(?:\p{Lu}[\p{L}'’-]*\.?|\p{Lu}\.|van|von|de|der|da|di|del|la|le|du|dos|bin)"
_BY_NAME = regex.compile(rf"(?:^|(?<=[\s|·•●,-]))(?:by|By|BY)\s?:?\s?(?P<name>\p{{Lu}}[\p{{L}}'’-]*\.?(?:\s(?:{_NAME_WORD}|and|&)){{0,7}})")
_BY_HANDLE = regex.compile(r"(?:^|\s)[bB]y\s(?P<name>\p{Ll}[\p{Ll}\d._-]{2,30})(?=\s*(?:[|·•]|$))")
_DATELINE_PARTS = regex.compile(r"\s*(?:[|·•●]|\s[-–—]\s)\s*")


def _name_in_dateline(text: str, months: dict[str, int]) -> str | None:
    """The author a dateline names: "... by Jane Doe" anywhere in it, or a name beside the date
    ("Jane Doe | May 22, 2025", "Jane Doe July 3, 2025")."""
    text = regex.sub(r"(?<=\d)(?=\p{Lu})", " ", text)  # "Dec 17, 2025Jane Doe": two elements run together
    text = _GLUED_STAMP.sub(" | ", text)
    m = _BY_NAME.search(text)
    if m:
        words = UPDATE_WORDS.split(m.group("name"))[0].split()  # "By Jane Doe Updated onMay 2, 2025"
        while words and (_date_word(words[-1], months) or words[-1] in ("and", "&")):  # "By Jane Doe August 12, 2021"
            words.pop()
        return " ".join(words) or None
    for part in _DATELINE_PARTS.split(text):
        words = part.split()
        while words and _date_word(words[-1], months):
            words.pop()
        while words and _date_word(words[0], months):
            words.pop(0)
        name = _IN_SECTION.sub("", " ".join(words))  # "Jane Doe in Transport": the section she writes in
        if name and _NAME_LINE.match(name):
            return name
    return None


_IN_SECTION = regex.compile(r"\s+in\s+\p{Lu}.*$")
# "BY JANE DOEPUBLISHED: MAY 2, 2025": a byline and a stamp in capitals, run together
_GLUED_STAMP = regex.compile(r"(?<=\p{Lu}{2})(?:LAST\s)?(?:UPDATED|PUBLISHED|POSTED)\b:?")


def _name_before_date(text: str, rules: RuleSet) -> str | None:
    """The name a dateline opens with, before its first date word ("Jane Doe 25 March 2025 SEO")."""
    words = []
    for word in text.split():
        if _date_word(word, rules.months):
            break
        words.append(word)
    name = " ".join(words)
    if not words or len(words) == len(text.split()) or not _NAME_LINE.match(name) or UPDATE_WORDS.search(name):
        return None
    return None if any(w.casefold() in rules.function_words for w in words) else name


def _date_word(word: str, months: dict[str, int]) -> bool:
    return word.rstrip(".,").casefold() in months or any(ch.isdigit() for ch in word)


def _html_authors(html: dict) -> list[str]:
    authors = (html.get("jsonld") or {}).get("author")
    if isinstance(authors, str):
        authors = [authors]
    if isinstance(authors, list):
        names = [norm(a) for a in authors if isinstance(a, str) and a.strip() and "://" not in a and
                 a.strip().casefold() not in PLACEHOLDER_AUTHORS]
        if names:
            return names
    meta = html.get("meta_author")
    if isinstance(meta, str) and meta.strip() and "://" not in meta and \
            meta.strip().casefold() not in PLACEHOLDER_AUTHORS:
        return [norm(meta)]
    return []


PLACEHOLDER_AUTHORS = frozenset(["admin", "administrator", "webmaster"])  # a CMS's default account, nobody's name


def _trim_to_names(byline: str, names: list[str]) -> str:
    """The visible byline, cut to the span of the author names the page's metadata gives.

    "Aaron Feld, Staff Writer" with the author "Aaron Feld" gives "Aaron Feld"; "A and B" keeps the
    page's own joining, also when the metadata names only A, and so does "Dr A, B, C". Without metadata,
    or when a name is not in the line, the line stays as it is.
    """
    folded = byline.casefold()
    spans = [(folded.find(n.casefold()), len(n)) for n in names]
    if not spans or any(start < 0 for start, _ in spans):
        return byline
    begin = min(start for start, _ in spans)
    end = max(start + size for start, size in spans)
    title = _HONORIFIC.search(byline, 0, begin)  # "Dr Anna van der Berg"
    begin = title.start() if title else begin
    rest = _MORE_NAMES.fullmatch(byline, end)
    if rest and (rest.group().count(",") >= 2 or regex.search(r"\s(?:and|&)\s", rest.group())):
        end = len(byline)  # the metadata names one author of several: "A, B, C" and "A and B" stay whole
    return byline[begin:end]


_HONORIFIC = regex.compile(r"(?:^|\s)\K(?:Dr|Prof|Professor)\.?\s$")
_PERSON = (r"(?:(?:Dr|Prof)\.?\s)?\p{Lu}[\p{L}.'’-]*"
           r"(?:\s(?:\p{Lu}[\p{L}.'’-]*|van|von|de|der|den|da|di|del|la|le|du|dos|bin)){1,4}")
_MORE_NAMES = regex.compile(rf"(?:(?:,|\s(?:and|&))\s{_PERSON})+")


def find_datelines(blocks: list[Block], rules: RuleSet, start: int) -> None:
    """Short lines that are little more than a date ("Nov. 19, 2019 8:03 am ET") are datelines:
    in the article and in the page header up to BYLINE_SEARCH blocks above it."""
    months = rules.months
    for i, b in enumerate(blocks):
        near_header = start - BYLINE_SEARCH <= i < start and b.rule == "feature:before-article"
        if (b.label in (None, SUBHEADING, BODY) or near_header) and b.scores.get("chars", 99) <= 80 and \
                b.scores.get("words", 99) <= 12 and not b.scores.get("protected") and not is_relative(b.text):
            if parse_date(b.text, months):
                b.label, b.rule = DATE, "feature:dateline"


def _fill_date(art: Article, blocks: list[Block], rules: RuleSet, html: dict) -> None:
    """The publication date: the dateline a reader sees by the headline, else the page's metadata."""
    dated = [b for b in blocks if b.label == DATE]
    dated.sort(key=lambda b: bool(UPDATE_WORDS.search(b.original or b.text)))  # publication before update
    prefer_mdy = any(p.language == "en" for p in rules.packs)
    for b in dated:
        text = b.value or b.text
        iso = parse_date(text, rules.months, prefer_mdy=prefer_mdy)
        if iso and art.date is None:
            art.date = iso
            art.meta["date_text"] = b.original or b.text
            b.scores["merged"] = True
        elif not iso and is_relative(text):
            b.scores["relative_date"] = True
    for b in dated:
        if not b.scores.get("merged"):
            b.label = BOILERPLATE
    if art.date is None and art.meta.get("byline_text"):  # "By Jane Doe | Updated Sep 28, 2025"
        iso = parse_date(art.meta["byline_text"], rules.months, prefer_mdy=prefer_mdy)
        if iso:
            art.date = iso
            art.meta["date_text"] = art.meta["byline_text"]
    if art.date is None:
        _date_by_byline(art, blocks, rules.months, prefer_mdy)
    if art.date is None and not html:
        _stamp_after_article(art, blocks, rules, prefer_mdy)
    if art.date is not None and _names_an_update(art.meta.get("date_text") or "", art.date):
        published = next(((v, iso) for v in _html_published(html) if (iso := parse_date(v, {}))), None)
        if published and published[1][:10] != art.date[:10]:  # the page shows only its update date
            art.meta["date_text"], art.date = published
    elif art.date is not None and html:
        _published_over_doubtful(art, blocks, html)
    if art.date is None or (len(art.date) == 10 and _html_dates(html)):
        for value in _html_dates(html):
            iso = parse_date(value, {})
            if iso and (art.date is None or iso.startswith(art.date)):
                art.date = iso  # the same day, with the time and offset the metadata adds
                art.meta["date_text"] = art.meta.get("date_text") or value
                break
    if art.date is None and html:
        _stamp_after_article(art, blocks, rules, prefer_mdy)


BYLINE_DATE_WINDOW = 3  # lines either side of the byline where its date stands


def _date_by_byline(art: Article, blocks: list[Block], months: dict[str, int], prefer_mdy: bool) -> None:
    """A short date line next to the byline ("By Jane Doe" / "Dec 18, 2025"), also where the
    classifier dropped it as page furniture."""
    at = next((i for i, b in enumerate(blocks) if b.label == BYLINE), None)
    if at is None:
        return
    for b in blocks[max(0, at - BYLINE_DATE_WINDOW):at + BYLINE_DATE_WINDOW + 1]:
        if b.label in (BOILERPLATE, None) and len(b.text) <= 60 and not UPDATE_WORDS.search(b.text):
            iso = parse_date(b.text, months, prefer_mdy=prefer_mdy)
            if iso and not is_relative(b.text):
                art.date = iso
                art.meta["date_text"] = b.text
                b.label, b.rule = DATE, "feature:dateline"
                b.scores["merged"] = True
                return


def _stamp_after_article(art: Article, blocks: list[Block], rules: RuleSet, prefer_mdy: bool) -> None:
    """A stamp just below the article ("Published August 13, 2025") when none stands above it."""
    body = [i for i, b in enumerate(blocks) if b.label in BODY_LABELS]
    date_ids = {r.id for r in rules.rules_with_label(DATE)}
    for i in range(body[-1] + 1, min(len(blocks), body[-1] + 1 + AFTER_ARTICLE)) if body else ():
        b = blocks[i]
        if b.scores.get("rule_match") not in date_ids:
            continue
        text = b.text if b.value and b.value != b.text else f"{blocks[i - 1].text} {b.text}"  # "Published" over it
        hit = rules.match(text)
        if hit and hit[0].label == DATE and hit[1] and hit[1] != text:
            iso = parse_date(hit[1], rules.months, prefer_mdy=prefer_mdy)
            if iso:
                art.date, art.meta["date_text"] = iso, text
                return


def _names_an_update(text: str, iso: str) -> bool:
    """The date line says the date is an update: "Last updated: May 2, 2025" (the words before its year)."""
    year = text.find(iso[:4])
    return UPDATE_WORDS.search(text[:year] if year >= 0 else text) is not None


def _html_published(html: dict) -> list[str]:
    """The publication date of the page's metadata: JSON-LD datePublished, article:published_time."""
    jsonld = html.get("jsonld") or {}
    return [v for v in (jsonld.get("datePublished"), html.get("published_time")) if isinstance(v, str) and v.strip()]


DEEP_DATELINE = 5  # article blocks above a date line that make it a date the article mentions


def _published_over_doubtful(art: Article, blocks: list[Block], html: dict) -> None:
    """A visible date gives way to the metadata's publication date when it is that day read with day and
    month swapped ("09.10.2024"), or when a line deep in the article only mentions it ("As of July 31, 2025,")."""
    published = next(((v, iso) for v in _html_published(html) if (iso := parse_date(v, {}))), None)
    if published is None or published[1][:10] == art.date[:10]:
        return
    y, m, d = art.date[:10].split("-")
    at = next((i for i, b in enumerate(blocks) if b.label == DATE and b.scores.get("merged")), None)
    deep = at is not None and blocks[at].rule == "feature:dateline" and \
        sum(1 for b in blocks[:at] if b.label in BODY_LABELS) >= DEEP_DATELINE
    if deep or f"{y}-{d}-{m}" == published[1][:10]:
        art.meta["date_text"], art.date = published


def _html_dates(html: dict) -> list[str]:
    out = _html_published(html)
    times = html.get("time") or []
    out.extend(t.get("datetime") for t in times if isinstance(t, dict) and t.get("in_article") and t.get("datetime"))
    out.extend(t.get("datetime") for t in times if isinstance(t, dict) and t.get("datetime"))
    return [v for v in out if isinstance(v, str)]


# ------------------------------------------------------------------ body


def _fill_body(art: Article, blocks: list[Block]) -> None:
    for b in blocks:
        kind = BODY_LABELS.get(b.label)
        if kind is None:
            continue
        text = b.text
        if kind == "list_item":
            text = _BULLET.sub("", text)
        elif kind == "quote":
            text = regex.sub(r"^>\s*", "", text)
        if art.lead is None and kind == "paragraph" and not art.body:
            art.lead = text
            b.scores["lead"] = True
            continue
        art.body.append(BodyBlock(kind, text))


def _removed(blocks: list[Block]) -> list[Removal]:
    out = []
    for b in blocks:
        for text, rule in b.inline_removed:
            if b.label != BOILERPLATE:
                out.append(Removal(text, rule, b.line))
        if b.label == BOILERPLATE:
            out.append(Removal(b.original or b.text, b.rule or "feature:unknown", b.line))
    return out


def _unique(items) -> list[str]:
    seen, out = set(), []
    for item in items:
        if item and item not in seen:
            seen.add(item)
            out.append(item)
    return out
