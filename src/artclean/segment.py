"""Build the Article from labelled blocks: headline, captions with credits, byline, date, lead,
body, related links, and the list of everything removed with the rule or feature that removed it."""

from __future__ import annotations

import regex

from .classify import Settings, is_title_like
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
    find_captions(blocks, rules)
    choose_headline(blocks, start, settings, html)
    if start >= 0:
        find_header_dates(blocks, rules)
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
    _fill_byline(art, blocks, html)
    _fill_date(art, blocks, rules, html)
    _fill_captions(art, blocks)
    _fill_body(art, blocks)
    art.related = _unique(b.value or b.text for b in blocks if b.label == RELATED)
    art.removed = _removed(blocks)
    return art


# ------------------------------------------------------------------ captions


def credit_value(text: str, rules: RuleSet) -> str | None:
    hit = rules.match(text)
    if hit and hit[0].action == "label" and hit[0].label == CREDIT:
        return hit[1] or text
    return None


def find_captions(blocks: list[Block], rules: RuleSet) -> None:
    """A line followed by a credit (on the next line, or glued to a repeat of the line) is a caption."""
    live = [b for b in blocks if b.label != BOILERPLATE]
    for k, b in enumerate(live):
        if b.label not in (None, BODY) or b.scores.get("chars", 0) > 400:
            continue
        nxt = live[k + 1] if k + 1 < len(live) else None
        if nxt is not None and nxt.label in (None, BODY, CAPTION) and nxt.text.startswith(b.text) and \
                len(nxt.text) > len(b.text):
            credit = credit_value(nxt.text[len(b.text):].strip(" -–|/"), rules)
            if credit:
                b.label, b.rule = CAPTION, "feature:caption-before-credit"
                nxt.label, nxt.rule, nxt.value = CAPTION, "feature:caption-repeat", credit
                nxt.scores["duplicate_of"] = b.line
                continue
        if nxt is not None and nxt.label == CREDIT and b.scores.get("chars", 0) <= 300:
            b.label, b.rule = CAPTION, "feature:caption-before-credit"
            continue
        cut = b.text.rfind(". ")
        if cut > 0:
            credit = credit_value(b.text[cut + 2:], rules)
            if credit:
                b.label, b.rule, b.value = CAPTION, "feature:caption-with-credit", credit
                b.scores["caption_text"] = b.text[:cut + 1]


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


def choose_headline(blocks: list[Block], start: int, s: Settings, html: dict) -> None:
    """The title-like line closest above the article; in HTML the h1 the metadata agrees with."""
    if any(b.label == HEADLINE for b in blocks):
        return
    wanted = _html_headline(html)
    if html:
        for b in blocks:
            if b.kind == "h1" and b.label not in (BOILERPLATE,) and (not wanted or _same_words(b.text, wanted)):
                b.label, b.rule = HEADLINE, "html:h1"
                return
        if wanted:
            for b in blocks:
                if b.label != BOILERPLATE and _same_words(b.text, wanted) and b.kind.startswith("h"):
                    b.label, b.rule = HEADLINE, "html:title"
                    return
            return
    if start < 0:
        return
    texts = {}
    for b in blocks:
        key = b.text.casefold()
        texts[key] = texts.get(key, 0) + 1
    best, best_score, distance = None, 0.0, 0
    for i in range(start - 1, -1, -1):
        b = blocks[i]
        if b.scores.get("zone") != "header":
            if b.label == BOILERPLATE:
                continue
            break
        if b.label in (BYLINE, DATE, CREDIT, CAPTION, BOILERPLATE):
            continue
        if b.label is None and is_title_like(b, s, min_words=2) and b.scores.get("chars", 0) >= 10:
            score = min(b.scores["chars"], 100) + (30 if b.scores["words"] >= 4 else 0) - 20 * distance
            if texts[b.text.casefold()] > 1:
                score += 25
            if score > best_score:
                best, best_score = b, score
        distance += 1
    if best is not None:
        best.label, best.rule = HEADLINE, "feature:headline"


def _html_headline(html: dict) -> str | None:
    jsonld = html.get("jsonld") or {}
    for value in (jsonld.get("headline"), html.get("og_title"), html.get("twitter_title")):
        if isinstance(value, str) and value.strip():
            return norm(value)
    title = html.get("title")
    if isinstance(title, str) and title.strip():
        parts = regex.split(r"\s+[|–—:·•-]\s+|\s+::\s+", norm(title))
        return max(parts, key=len)
    return None


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


def _fill_byline(art: Article, blocks: list[Block], html: dict) -> None:
    bylines = [b for b in blocks if b.label == BYLINE]
    if bylines:
        first = bylines[0]
        art.byline = first.value or first.text
        art.meta["byline_text"] = first.original or first.text
        for extra in bylines[1:]:
            if (extra.value or extra.text) == art.byline:
                extra.scores["merged"] = True
            else:
                extra.label, extra.rule = BOILERPLATE, extra.rule or "feature:extra-byline"
        return
    authors = (html.get("jsonld") or {}).get("author")
    if isinstance(authors, list) and authors:
        art.byline = ", ".join(norm(a) for a in authors if isinstance(a, str) and a.strip()) or None
    elif isinstance(html.get("meta_author"), str) and html["meta_author"].strip():
        art.byline = norm(html["meta_author"])


def find_header_dates(blocks: list[Block], rules: RuleSet) -> None:
    """Short header lines that are nothing but a date ("November 20, 2019") are datelines."""
    months = rules.months
    for b in blocks:
        if b.scores.get("zone") == "header" and b.label is None and b.scores.get("chars", 99) <= 60:
            if parse_date(b.text, months):
                b.label, b.rule = DATE, "feature:dateline"


def _fill_date(art: Article, blocks: list[Block], rules: RuleSet, html: dict) -> None:
    for value in _html_dates(html):
        iso = parse_date(value, {})
        if iso:
            art.date = iso
            art.meta["date_text"] = value
            break
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


def _html_dates(html: dict) -> list[str]:
    out = []
    jsonld = html.get("jsonld") or {}
    if isinstance(jsonld.get("datePublished"), str):
        out.append(jsonld["datePublished"])
    if isinstance(html.get("published_time"), str):
        out.append(html["published_time"])
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
