"""Read an HTML page (already decoded to str) into ordered Blocks plus the page's metadata.

`read_html(html) -> Page(blocks, meta)`. One pass over the parsed tree turns every block-level
text unit into a `Block` (h1..h6, p, li, blockquote, figcaption, pre, dt/dd, td/th, and, for "div
soup", the text that sits directly in any other block-level element) with the hints the markup
gives. Nothing here decides what is boilerplate: nav, footer, aside and form text is emitted with
`hints["container"]` set, and a later stage removes it and says why.

Parsing (FIELD-NOTES findings 3 and 4):

1. lxml's own HTML parser builds the tree: it is about 8x faster than BeautifulSoup's tree
   building, and it records each element's source line (bs4's lxml builder does not). Its
   error_log is checked: any FATAL error (for example "Excessive depth in document", which
   libxml2 raises beyond 2048 levels even with huge_tree, and which otherwise leaves an empty
   tree without raising) or an empty tree sends the page to step 2.
2. BeautifulSoup with the lxml builder (copes with 100k nesting levels).
3. BeautifulSoup with html.parser, when the lxml builder raises or gives an empty tree.

`read_html(html, parser="bs4")` skips step 1. html5lib is never used. Every walk is iterative
(Python's recursion limit is 1000), and `read_html` never raises on str input.

Block rules (the choices the brief left open):

- kind: "h1".."h6", "p", "li", "blockquote", "figcaption", "pre", "dt", "dd", "td", "th",
  "credit", else "div" (text directly in section/article/body/custom elements...). Block elements
  nested in li/blockquote/figcaption/pre/dt/dd/td/th take that kind ("li" for a <p> or <div>
  inside a <li>), except that a <p> inside td/th/dt/dd stays "p" and headings stay "hN".
- <br> splits a block into separate blocks of the same kind, except inside headings, where it
  is a space (a headline is one block), and where one <br> wraps a sentence: a line that does
  not end like one, followed by a line that starts in lower case, stays one block (not in <pre>).
  meta["h1"] and meta["time"] texts join across <br>.
- Unknown and custom elements (<my-widget>) are block boundaries; known phrasing elements
  (a, span, b, i, em, strong, time, small, ...) are not.
- Whitespace: every run (NBSP and other Unicode spaces included) becomes one space; U+200B,
  U+2060, U+FEFF, U+00AD, U+180E and control characters are dropped. ZWNJ/ZWJ (U+200C/U+200D)
  are kept, because Persian, Indic scripts and emoji need them.
- link_density: non-space characters inside <a> / non-space characters of the block.
- line: the source line of the element that opened the block's text run (the block element,
  or the last block element or <br> before a text run in div soup); 0 when unknown.
- gap_before: a section, article, main, aside, nav, header, footer, form, figure, table or hr
  starts or ends, or a generic block element with a class or id does, since the last block.
- hints["container"]: the nearest enclosing container. Class/id names win over role and tag on
  the same element; a camelCase name is read word by word ("imageEmbedCaption") unless it has
  digits (a random id's letters are no words); class names that state a layout or state
  ("has-sidebar", "no-comments") name nothing; only block-level elements make containers; a
  "footer" class inside an article element is a card's or a section's footer and names nothing.
  A container that turns out to wrap the article is dropped afterwards: any container around
  <main>, role=main, itemprop=articleBody or an article-body class; a class-named container or
  a <form> around an <h1>; a <form> around an <article>. Its blocks get the next outer container
  instead.
- Credits: an element inside a <figure> or <figcaption> whose class/id has a token credit(s),
  copyright, photographer(s) or source(s) is its own block of kind "credit" with
  hints["credit"], even when it is a <span>, so the caption and the credit are separate blocks.
- Captions: the blocks of a block element whose class/id has a token caption(s) (a gallery's
  "caption-text", WordPress's "wp-caption") or image, photo, picture, img, figure, media (a
  picture's wrapper: its text is the caption) take the kind "figcaption", when there are at most
  CAPTION_MAX_BLOCKS of them, with at most CAPTION_MAX_CHARS of text and no heading; a larger
  element with such a name is a header or a page wrapper.
- Hidden elements are skipped with their text, except when that leaves no block outside a
  container: then the page is read again with hidden text kept and `hints["hidden"] = True`
  (and a warning). <html> and <body> are never treated as hidden.
- <button> and <noscript> are dropped with their text, except when that leaves less than
  SWALLOWED_MIN_CHARS of text: an unclosed one swallowed the page, which is then read again with
  their text kept (and a warning).
"""

from __future__ import annotations

import html as _htmlmod
import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from .model import Block

__all__ = ["Page", "read_html"]


@dataclass
class Page:
    """What `read_html` returns: blocks in document order and the page's own metadata."""

    blocks: list[Block]
    meta: dict[str, Any]
    parser: str = ""  # the front-end that built the tree: "lxml", "bs4-lxml", "bs4-html.parser"
    warnings: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- tag tables

# Elements dropped with everything inside them (never emitted, never looked into, except
# <script type="application/ld+json"> for meta["jsonld"]).
_DROP = frozenset(
    """script style noscript template svg canvas iframe object embed button select option
    optgroup datalist input textarea video audio""".split()
)
# Dropped elements that an unclosed tag can make hold the whole page (<button><div>... never closed).
_SWALLOWING = frozenset(["button", "noscript"])
# A page with less text than this outside them is read again with their text kept.
SWALLOWED_MIN_CHARS = 200
# Elements read for meta only.
_META_TAGS = frozenset(["meta", "title", "link"])
# Phrasing elements: their text joins the enclosing block. Every other element, unknown and
# custom ones included, is a block boundary.
_INLINE = frozenset(
    """a abbr acronym b bdi bdo big br cite code data del dfn em font i img ins kbd label mark
    nobr q rp rt rtc ruby s samp small span strike strong sub sup time tt u var wbr picture
    source track area map meter progress output""".split()
)
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# Block elements nested in these take their kind ...
_STICKY = frozenset(["li", "blockquote", "figcaption", "pre", "dt", "dd", "td", "th"])
# ... and a nested <p> takes only these (a <p> inside a <td> stays "p").
_P_STICKY = frozenset(["li", "blockquote", "figcaption", "pre"])
_SECTIONING = frozenset(
    ["section", "article", "main", "aside", "nav", "header", "footer", "form", "hr", "figure", "table"]
)
_TAG_CONTAINERS = frozenset(["nav", "footer", "aside", "form", "menu", "header"])
_ROLE_CONTAINERS = {
    "navigation": "nav",
    "contentinfo": "footer",
    "complementary": "aside",
    "banner": "header",
    "menu": "menu",
    "menubar": "menu",
}
_NO_CLASS_CONTAINER = frozenset(["html", "body", "main"])

# --------------------------------------------------------------------------- class/id names

# Class/id names (lowercased, separators removed) that mark the article body.
_BODY_NAMES = frozenset(
    "articlebody articlecontent storybody postcontent entrycontent contentbody".split()
)
# Container categories from class/id tokens: whole tokens ...
_CONTAINER_EXACT = {
    "comment": "comments", "comments": "comments", "disqus": "comments",
    "share": "share", "shares": "share", "sharing": "share", "addthis": "share",
    "sharethis": "share", "shareaholic": "share",
    "related": "related", "recommended": "related", "teaserlist": "related",
    "trending": "related", "mostread": "related", "mostpopular": "related",
    "mostviewed": "related", "recirc": "related", "recirculation": "related",
    "newsletter": "newsletter", "newsletters": "newsletter",
    "cookie": "cookie", "cookies": "cookie", "consent": "cookie", "gdpr": "cookie",
    "onetrust": "cookie",
    "ad": "ad", "ads": "ad", "advert": "ad", "adverts": "ad", "advertisement": "ad",
    "advertising": "ad", "adsbygoogle": "ad", "adslot": "ad", "adunit": "ad", "dfp": "ad",
    "sidebar": "sidebar", "sidebars": "sidebar",
    "breadcrumb": "breadcrumb", "breadcrumbs": "breadcrumb",
    "subscribe": "subscribe", "subscription": "subscribe", "subscriptions": "subscribe",
    "social": "social", "socials": "social",
    "promo": "promo", "promos": "promo", "promotion": "promo", "promoted": "promo",
    "sponsored": "promo", "outbrain": "promo", "taboola": "promo",
    "bio": "bio", "bios": "bio", "biography": "bio", "authorbio": "bio", "authorbox": "bio",
    "footer": "footer", "sitefooter": "footer", "pagefooter": "footer",
}
# ... and clear prefixes ("commentlist", "sharebar", "relatedposts"), with exceptions
# ("commentary" is an article genre; "shared-content" is not a share bar).
_CONTAINER_PREFIX_RE = re.compile(
    r"(comment(?!ary|ator)|share(?!d)|related|newsletter|cookie|consent|advert|sidebar"
    r"|breadcrumb|subscribe|social|promo)"
)
_CONTAINER_PREFIX_CAT = {
    "comment": "comments", "share": "share", "related": "related", "newsletter": "newsletter",
    "cookie": "cookie", "consent": "cookie", "advert": "ad", "sidebar": "sidebar",
    "breadcrumb": "breadcrumb", "subscribe": "subscribe", "social": "social", "promo": "promo",
}
# A class name that states a layout or a state ("has-sidebar", "no-comments") names no container.
_STATE_PREFIX_RE = re.compile(r"(?:has|no|with|without|show|hide|enable|disable|is)[-_]")
_CREDIT_TOKENS = frozenset(
    "credit credits copyright photographer photographers source sources photocredit "
    "imagecredit".split()
)
_BYLINE_TOKENS = frozenset(
    "author authors byline bylines autor autoren auteur auteurs autore autori".split()
)
# Author class names written as one word: "authorname", "postauthor", "blog__authorname".
_AUTHOR_COMPOUND = re.compile(
    r"(?:post|article|entry|blog|story|news|co)?authors?(?:name|names|link|links|info|box|wrapper|text|byline)?"
)
_DATE_TOKENS = frozenset(
    "date dates time timestamp datetime published pubdate publishdate dateline".split()
)
_CAPTION_TOKENS = frozenset(
    "caption captions figcaption imagecaption photocaption image photo picture img figure media".split()
)
_SENTENCE_ENDS = frozenset('.!?…:;"”»')
_AUTHOR_BOX_TOKENS = frozenset("box bio description about profile info card details".split())
_MOST = frozenset("popular read viewed shared commented".split())
_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")
_CAMEL_RE = re.compile(r"(?<=[a-z])(?=[A-Z])")
_DIGIT_RE = re.compile(r"[0-9]")

# Mark bits.
_M_BODY = 1
_M_CREDIT = 2
_M_BYLINE = 4
_M_DATE = 8
_M_CAPTION = 16

_NAME_CACHE: dict[str, tuple[str | None, int]] = {}


def _name_marks(name: str) -> tuple[str | None, int]:
    """(container category or None, mark bits) for one class name or id (cached)."""
    r = _NAME_CACHE.get(name)
    if r is not None:
        return r
    low = name.lower()
    words = low if low == name or _DIGIT_RE.search(name) else _CAMEL_RE.sub("-", name).lower()
    toks = [t for t in _TOKEN_SPLIT.split(words) if t]
    bits = 0
    if "".join(toks) in _BODY_NAMES:
        bits |= _M_BODY
    cat = None
    for i, t in enumerate(toks):
        if t in _CREDIT_TOKENS:
            bits |= _M_CREDIT
        if t in _BYLINE_TOKENS or t.startswith("byline") or _AUTHOR_COMPOUND.fullmatch(t):
            bits |= _M_BYLINE
        if t in _DATE_TOKENS:
            bits |= _M_DATE
        if t in _CAPTION_TOKENS:
            bits |= _M_CAPTION
        if cat is None:
            cat = _CONTAINER_EXACT.get(t)
            if cat is None:
                m = _CONTAINER_PREFIX_RE.match(t)
                if m is not None:
                    cat = _CONTAINER_PREFIX_CAT[m.group(1)]
                elif t == "teaser" and i + 1 < len(toks) and toks[i + 1] == "list":
                    cat = "related"
                elif t == "most" and i + 1 < len(toks) and toks[i + 1] in _MOST:
                    cat = "related"
                elif t == "author" and i + 1 < len(toks) and toks[i + 1] in _AUTHOR_BOX_TOKENS:
                    cat = "bio"
    if cat is not None and _STATE_PREFIX_RE.match(low):
        cat = None
    r = (cat, bits)
    if len(_NAME_CACHE) > 100_000:
        _NAME_CACHE.clear()
    _NAME_CACHE[name] = r
    return r


def _marks(cls: str, ident: str) -> tuple[str | None, int]:
    """Container category and mark bits from an element's class and id."""
    cat = None
    bits = 0
    if cls:
        for name in cls.split():
            c, b = _name_marks(name)
            bits |= b
            if cat is None:
                cat = c
    if ident:
        c, b = _name_marks(ident.strip())
        bits |= b
        if cat is None:
            cat = c
    return cat, bits


def _is_hidden(attrs: dict) -> bool:
    if "hidden" in attrs:
        return True
    ah = attrs.get("aria-hidden")
    if ah is not None and ah.strip().lower() == "true":
        return True
    style = attrs.get("style")
    if style:
        st = style.lower().replace(" ", "")
        if "display:none" in st or "visibility:hidden" in st:
            return True
    return False


# --------------------------------------------------------------------------- text

# Zero-width characters and remaining controls, dropped from block text.
_ZW_RE = re.compile("[\u200b\u2060\ufeff\u00ad\u180e\x00-\x08\x0e-\x1b\x7f]")
# Before parsing: NUL and C0 controls except tab, LF, CR; lone surrogates.
_C0_CHARS = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r")
_C0_BYTES = _C0_CHARS.encode("ascii")
_C0_RE = re.compile("[%s]" % re.escape(_C0_CHARS))
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_URL_RE = re.compile(r"(?:https?:)?//|www\.", re.I)


def _norm(s: str) -> str:
    """Collapse whitespace runs (NBSP and other Unicode spaces too) to one space, drop
    zero-width and control characters, strip."""
    if _ZW_RE.search(s):
        s = _ZW_RE.sub("", s)
    return " ".join(s.split())


def _nonspace_len(s: str) -> int:
    return len(_norm(s).replace(" ", ""))


# --------------------------------------------------------------------------- the block builder


class _Ctx:
    """Inherited state for text at one point of the tree (shared by children that change
    nothing, copied by those that do)."""

    __slots__ = (
        "kind", "sticky", "heading", "container", "cont_id", "article", "figure", "fcap",
        "credit", "byline", "date", "link", "h1", "time", "hidden",
    )

    def copy(self) -> "_Ctx":
        c = _Ctx.__new__(_Ctx)
        c.kind = self.kind
        c.sticky = self.sticky
        c.heading = self.heading
        c.container = self.container
        c.cont_id = self.cont_id
        c.article = self.article
        c.figure = self.figure
        c.fcap = self.fcap
        c.credit = self.credit
        c.byline = self.byline
        c.date = self.date
        c.link = self.link
        c.h1 = self.h1
        c.time = self.time
        c.hidden = self.hidden
        return c


def _root_ctx() -> _Ctx:
    c = _Ctx.__new__(_Ctx)
    c.kind = "div"
    c.sticky = None
    c.heading = 0
    c.container = None
    c.cont_id = 0
    c.article = False
    c.figure = False
    c.fcap = False
    c.credit = False
    c.byline = False
    c.date = False
    c.link = False
    c.h1 = None
    c.time = None
    c.hidden = False
    return c


# What to do when an element ends (pushed with the parent's context).
_A_BLOCK = 1  # a block boundary: flush the text run
_A_H1 = 2  # finish a meta["h1"] entry
_A_TIME = 4  # finish a meta["time"] entry
_A_CONT = 8  # close a container frame (and maybe drop it)
_A_GAP = 16  # a section break
_A_CAPTION = 32  # close a caption-classed element
# A caption-classed element with more text or blocks than this wraps more than a caption (a header, a post).
CAPTION_MAX_CHARS = 400
CAPTION_MAX_BLOCKS = 3


class _ContFrame:
    __slots__ = ("id", "outer_id", "on_h1", "on_article")


class _Builder:
    """Receives start/text/end events from a tree walk; builds blocks and meta."""

    def __init__(self, skip_hidden: bool = True, keep_swallowing: bool = False) -> None:
        self.skip_hidden = skip_hidden
        self.keep_swallowing = keep_swallowing
        self.swallowing_skipped = 0
        self.hidden_skipped = 0
        self.blocks: list[Block] = []
        self.block_cont: list[int] = []  # container frame id per block (for dropping frames)
        self.stack: list[tuple[_Ctx, int]] = []
        self.ctx = _root_ctx()
        # Open container frames, and the frames found to wrap the article. A marker (main,
        # h1, article) marks every open frame it concerns: always a prefix of the stack, so
        # a watermark per marker kind keeps this O(1) at any depth.
        self.conts: list[_ContFrame] = []
        self.next_cont_id = 1
        self.body_upto = 0
        self.h1_upto = 0
        self.article_upto = 0
        self.article_count = 0
        self.dropped: dict[int, int] = {}  # frame id -> enclosing frame id
        self.cont_names: dict[int, str] = {}
        self.run_line = 0
        self.pending_gap = False
        self.wrapped = False  # the last block ended at a single <br> (see _flush)
        self.caption_from: list[int] = []  # first block of each open caption-classed element
        # the current text run
        self.buf: list[str] = []
        self.buf_links: list[str] = []
        self.buf_ctx: _Ctx | None = None
        self.buf_line = 0
        self.buf_byline = False
        self.buf_date = False
        # meta
        self.meta_tags: dict[str, str] = {}
        self.title: str | None = None
        self.canonical: str | None = None
        self.lang: str | None = None
        self.seen_html = False
        self.jsonld_raw: list[str] = []
        self.h1_parts: list[list[str]] = []
        self.h1_info: list[bool] = []
        self.time_parts: list[list[str]] = []
        self.time_info: list[tuple[str, bool]] = []
        self.text_of: Callable[[Any], str] = lambda node: ""

    # -- events -----------------------------------------------------------------------------

    def start(self, tag: str, attrs: dict, line: int | None, node: Any) -> bool:
        """An element starts. Return False to skip its subtree (then no end() follows)."""
        parent = self.ctx
        inline = tag in _INLINE
        if inline and not attrs:  # fast path: b, i, em, span, a ... without attributes
            if tag == "a":
                if parent.link:
                    self.stack.append((parent, 0))
                else:
                    c = parent.copy()
                    c.link = True
                    self.stack.append((parent, 0))
                    self.ctx = c
                return True
            if tag == "br":
                self._br(line)
                return False
            if tag != "time":
                self.stack.append((parent, 0))
                return True
        elif tag in _DROP and not (self.keep_swallowing and tag in _SWALLOWING):
            if tag == "script":
                t = attrs.get("type")
                if t and "ld+json" in t.lower():
                    raw = self.text_of(node)
                    if raw:
                        self.jsonld_raw.append(raw)
            elif tag in _SWALLOWING:
                self.swallowing_skipped += 1
            return False  # not a boundary: "Click <button>x</button> here" stays one block
        elif tag in _META_TAGS:
            self._meta_element(tag, attrs, node)
            return False

        if tag == "html" and not self.seen_html:
            self.seen_html = True
            lang = attrs.get("lang") or attrs.get("xml:lang")
            if lang and lang.strip():
                self.lang = lang.strip()

        hidden = False
        if attrs:
            if (
                ("hidden" in attrs or "aria-hidden" in attrs or "style" in attrs)
                and tag != "html"
                and tag != "body"
                and _is_hidden(attrs)
            ):
                if self.skip_hidden:
                    self.hidden_skipped += 1
                    if not inline:
                        self._boundary()
                    return False
                hidden = True
            cls = attrs.get("class") or ""
            ident = attrs.get("id") or ""
            if cls or ident:
                cat, bits = _marks(cls, ident)
            else:
                cat, bits = None, 0
            role = attrs.get("role")
            if role is not None:
                role = role.strip().lower()
            itemprop = attrs.get("itemprop")
            if itemprop is not None:
                itemprop = itemprop.strip().lower()
            rel = attrs.get("rel")
        else:
            cls = ident = ""
            cat, bits = None, 0
            role = itemprop = rel = None

        action = 0
        c = None  # this element's context, once it differs from the parent's

        if tag == "br":
            self._br(line)
            return False
        if not inline:
            self._boundary()
            action = _A_BLOCK
            lvl = _HEADINGS.get(tag, 0)
            if lvl:
                c = parent.copy()
                c.kind = tag
                c.heading = lvl
            elif tag in _STICKY:
                c = parent.copy()
                c.kind = tag
                c.sticky = tag
                if tag == "figcaption":
                    c.fcap = True
            else:
                if tag == "p":
                    k = parent.sticky if parent.sticky in _P_STICKY else "p"
                else:
                    k = parent.sticky or "div"
                    if tag in _SECTIONING or cls or ident:
                        self.pending_gap = True
                        action |= _A_GAP
                if parent.kind != k or parent.heading:
                    c = parent.copy()
                    c.kind = k
                    c.heading = 0
            if line:
                self.run_line = line
        elif tag == "a" and not parent.link:
            c = parent.copy()
            c.link = True

        if bits & _M_CAPTION and not inline and tag not in _NO_CLASS_CONTAINER and tag != "article":
            self.caption_from.append(len(self.blocks))
            action |= _A_CAPTION

        # article / figure
        body_marker = (
            tag == "main" or bits & _M_BODY or itemprop == "articlebody" or role == "main"
        )
        if body_marker or tag == "article" or role == "article":
            if not parent.article:
                if c is None:
                    c = parent.copy()
                self.article_count += 1
                c.article = self.article_count  # the outermost article element's number
            if body_marker:
                self.body_upto = len(self.conts)
            else:
                self.article_upto = len(self.conts)
        if tag == "figure" and not parent.figure:
            if c is None:
                c = parent.copy()
            c.figure = True

        # containers (block-level elements only)
        if not inline:
            name = cat if tag not in _NO_CLASS_CONTAINER else None
            if name == "footer" and parent.article:
                name = None  # a card's or a section's footer inside the article, not the page's
            on_h1 = True  # a class-named container around an <h1> wraps the article
            on_article = False
            if name is None and role is not None:
                name = _ROLE_CONTAINERS.get(role)
                on_h1 = False
            if name is None and tag in _TAG_CONTAINERS:
                if tag != "header" or not (parent.article or parent.sticky):
                    name = tag
                # a <form> around the article is a page wrapper (ASP.NET), not boilerplate
                on_h1 = on_article = tag == "form"
            if name is not None:
                f = _ContFrame()
                f.id = self.next_cont_id
                self.next_cont_id += 1
                f.outer_id = parent.cont_id
                f.on_h1 = on_h1
                f.on_article = on_article
                self.conts.append(f)
                self.cont_names[f.id] = name
                if c is None:
                    c = parent.copy()
                c.container = name
                c.cont_id = f.id
                action |= _A_CONT

        # credit (its own block, even when it is a <span>), byline, date
        if bits & _M_CREDIT and (parent.figure or parent.fcap) and not parent.credit:
            if c is None:
                c = parent.copy()
            c.credit = True
            c.kind = "credit"
            c.heading = 0
            if inline:
                self._boundary()
                action |= _A_BLOCK
        if not parent.byline and (
            bits & _M_BYLINE
            or itemprop == "author"
            or (rel is not None and "author" in rel.lower().split())
        ):
            if c is None:
                c = parent.copy()
            c.byline = True
        if not parent.date and (
            tag == "time" or bits & _M_DATE or itemprop == "datepublished" or itemprop == "datemodified"
        ):
            if c is None:
                c = parent.copy()
            c.date = True
        if itemprop == "datepublished":
            v = attrs.get("content") or attrs.get("datetime")
            if v and v.strip():
                self.meta_tags.setdefault("itemprop:datepublished", v.strip())
        if hidden and not parent.hidden:
            if c is None:
                c = parent.copy()
            c.hidden = True

        # collectors for meta["h1"] and meta["time"]
        if tag == "h1":
            c.h1 = len(self.h1_parts)  # c exists: headings always copy
            self.h1_parts.append([])
            self.h1_info.append(bool(parent.article))
            action |= _A_H1
            self.h1_upto = len(self.conts)
        elif tag == "time":
            dt = attrs.get("datetime")
            if dt is not None and dt.strip():
                if c is None:
                    c = parent.copy()
                c.time = len(self.time_parts)
                self.time_parts.append([])
                self.time_info.append((dt.strip(), bool(parent.article)))
                action |= _A_TIME

        self.stack.append((parent, action))
        if c is not None:
            self.ctx = c
        return True

    def end(self) -> None:
        parent, action = self.stack.pop()
        if action:
            ctx = self.ctx
            if action & _A_BLOCK:
                self._flush()
                self.wrapped = False
                if ctx.h1 is not None and not action & _A_H1:
                    self.h1_parts[ctx.h1].append(" ")
                if ctx.time is not None and not action & _A_TIME:
                    self.time_parts[ctx.time].append(" ")
            if action & _A_GAP:
                self.pending_gap = True
            if action & _A_H1:
                self.h1_parts[ctx.h1] = [_norm("".join(self.h1_parts[ctx.h1]))]
            if action & _A_TIME:
                self.time_parts[ctx.time] = [_norm("".join(self.time_parts[ctx.time]))]
            if action & _A_CONT:
                self._close_container()
            if action & _A_CAPTION:
                self._close_caption()
        self.ctx = parent

    def text(self, s: str) -> None:
        ctx = self.ctx
        if ctx.h1 is not None:
            self.h1_parts[ctx.h1].append(s)
        if ctx.time is not None:
            self.time_parts[ctx.time].append(s)
        buf = self.buf
        if not buf:
            if s.isspace():
                return
            self.buf_ctx = ctx
            self.buf_line = self.run_line
        buf.append(s)
        if ctx.link:
            self.buf_links.append(s)
        if ctx.byline:
            self.buf_byline = True
        if ctx.date:
            self.buf_date = True

    # -- internals --------------------------------------------------------------------------

    def _br(self, line: int | None) -> None:
        ctx = self.ctx
        if ctx.h1 is not None:
            self.h1_parts[ctx.h1].append(" ")
        if ctx.time is not None:
            self.time_parts[ctx.time].append(" ")
        if ctx.heading:
            if self.buf:
                self.buf.append(" ")
        else:
            wrapped = bool(self.buf)
            self._flush()
            self.wrapped = wrapped  # one <br>: a hard line break, maybe inside a sentence
            if line:
                self.run_line = line

    def _boundary(self) -> None:
        if self.buf:
            self._flush()
        self.wrapped = False
        ctx = self.ctx
        if ctx.h1 is not None:
            self.h1_parts[ctx.h1].append(" ")
        if ctx.time is not None:
            self.time_parts[ctx.time].append(" ")

    def _flush(self) -> None:
        buf = self.buf
        if not buf:
            return
        text = _norm("".join(buf))
        links = self.buf_links
        ctx = self.buf_ctx
        byline, date = self.buf_byline, self.buf_date
        self.buf = []
        self.buf_links = []
        self.buf_byline = self.buf_date = False
        if not text or ctx is None:
            return
        hints: dict[str, Any] = {}
        if ctx.container is not None:
            hints["container"] = ctx.container
        if ctx.article:
            hints["in_article"] = ctx.article  # which article element (1, 2, ...): teaser cards are several
        if ctx.figure:
            hints["in_figure"] = True
        if ctx.credit:
            hints["credit"] = True
        if ctx.heading:
            hints["heading_level"] = ctx.heading
        if byline:
            hints["byline"] = True
        if date:
            hints["date"] = True
        if ctx.hidden:
            hints["hidden"] = True
        density = 0.0
        if links:
            total = len(text) - text.count(" ")
            if total:
                density = min(1.0, _nonspace_len("".join(links)) / total)
        prev = self.blocks[-1] if self.wrapped and self.blocks else None
        self.wrapped = False
        if prev is not None and text[0].islower() and prev.text[-1] not in _SENTENCE_ENDS and prev.kind == ctx.kind \
                and ctx.kind != "pre":
            # a sentence a <br> wrapped goes on: "... fitness<br>facility to help ..." is one paragraph
            n_prev, n_new = len(prev.text) - prev.text.count(" "), len(text) - text.count(" ")
            prev.link_density = (prev.link_density * n_prev + density * n_new) / (n_prev + n_new)
            prev.text = f"{prev.text} {text}"
            prev.hints.update((k, v) for k, v in hints.items() if k in ("byline", "date"))
            return
        self.blocks.append(
            Block(
                text=text,
                line=self.buf_line,
                kind=ctx.kind,
                gap_before=self.pending_gap,
                link_density=density,
                hints=hints,
            )
        )
        self.block_cont.append(ctx.cont_id)
        self.pending_gap = False

    def _close_caption(self) -> None:
        """Blocks of a small element with a caption class name ("wp-caption-text", "image-caption")
        are a picture's caption, as if in a <figcaption>."""
        blocks = self.blocks[self.caption_from.pop():]
        if len(blocks) <= CAPTION_MAX_BLOCKS and sum(len(b.text) for b in blocks) <= CAPTION_MAX_CHARS and \
                not any(b.kind in _HEADINGS for b in blocks):
            for b in blocks:
                if b.kind != "credit":
                    b.kind = "figcaption"

    def _close_container(self) -> None:
        f = self.conts.pop()
        i = len(self.conts)  # the frame's index in the stack
        if (
            i < self.body_upto
            or (f.on_h1 and i < self.h1_upto)
            or (f.on_article and i < self.article_upto)
        ):
            # The element wraps the article (an ASP.NET page <form>, a "sidebar-layout" div):
            # its blocks belong to the enclosing container, if any (resolved in finish()).
            self.dropped[f.id] = f.outer_id
        if self.body_upto > i:
            self.body_upto = i
        if self.h1_upto > i:
            self.h1_upto = i
        if self.article_upto > i:
            self.article_upto = i

    def _resolve_containers(self) -> None:
        dropped = self.dropped
        if not dropped:
            return
        final: dict[int, int] = {}
        for block, cid in zip(self.blocks, self.block_cont):
            if cid not in dropped:
                continue
            target = final.get(cid)
            if target is None:
                path = []
                target = cid
                while target in dropped:
                    path.append(target)
                    target = dropped[target]
                    if target in final:
                        target = final[target]
                        break
                for p in path:
                    final[p] = target
            if target:
                block.hints["container"] = self.cont_names[target]
            else:
                block.hints.pop("container", None)

    def _meta_element(self, tag: str, attrs: dict, node: Any) -> None:
        if tag == "meta":
            content = attrs.get("content")
            if content is None:
                return
            content = content.strip()
            if not content:
                return
            mt = self.meta_tags
            k = attrs.get("property")
            if k:
                mt.setdefault(k.strip().lower(), content)
            k = attrs.get("name")
            if k:
                mt.setdefault(k.strip().lower(), content)
            k = attrs.get("itemprop")
            if k:
                mt.setdefault("itemprop:" + k.strip().lower(), content)
        elif tag == "title":
            if not self.title:
                self.title = _norm(self.text_of(node))
        else:  # link
            rel = attrs.get("rel")
            if self.canonical is None and rel and "canonical" in rel.lower().split():
                href = attrs.get("href")
                if href and href.strip():
                    self.canonical = href.strip()

    # -- result -----------------------------------------------------------------------------

    def finish(self) -> tuple[list[Block], dict[str, Any]]:
        while self.stack:  # only if a walk stopped early
            self.end()
        self._flush()
        self._resolve_containers()
        meta: dict[str, Any] = {}
        mt = self.meta_tags
        if self.title:
            meta["title"] = self.title
        for key, name in (
            ("og:title", "og_title"),
            ("twitter:title", "twitter_title"),
            ("og:site_name", "og_site_name"),
        ):
            v = mt.get(key)
            if v:
                meta[name] = v
        url = self.canonical or mt.get("og:url")
        if url:
            meta["url"] = url
        h1 = []
        for parts, in_article in zip(self.h1_parts, self.h1_info):
            t = _norm("".join(parts))
            if t:
                h1.append({"text": t, "in_article": in_article})
        if h1:
            meta["h1"] = h1
        jl = _pick_jsonld(self.jsonld_raw)
        if jl:
            meta["jsonld"] = jl
        for key in _AUTHOR_KEYS:
            v = mt.get(key)
            if v and not _URL_RE.match(v):
                meta["meta_author"] = v
                break
        else:  # the author card some publishing tools add: twitter:label1 "Written by", twitter:data1 the name
            v = mt.get("twitter:data1")
            if v and (mt.get("twitter:label1") or "").strip().lower() == "written by" and not _URL_RE.match(v):
                meta["meta_author"] = v
        for key in _PUBLISHED_KEYS:
            v = mt.get(key)
            if v:
                meta["published_time"] = v
                break
        times = [
            {"datetime": dt, "text": _norm("".join(parts)), "in_article": in_article}
            for parts, (dt, in_article) in zip(self.time_parts, self.time_info)
        ]
        if times:
            meta["time"] = times
        if self.lang:
            meta["lang"] = self.lang
        return self.blocks, meta


_AUTHOR_KEYS = ("author", "article:author", "byl", "parsely-author", "sailthru.author", "itemprop:author")
_PUBLISHED_KEYS = (
    "article:published_time",
    "pubdate",
    "publish-date",
    "date",
    "itemprop:datepublished",
    "dc.date",
    "dc.date.issued",
    "parsely-pub-date",
    "sailthru.date",
    "og:article:published_time",
    "og:publish_date",
    "publish_date",
    "publish_time",
    "published",
    "published-date",
    "cxenseparse:publishtime",
    "citation_publication_date",
    "citation_date",
)
_ARTICLE_TYPES = frozenset(
    """NewsArticle Article BlogPosting ReportageNews AnalysisNewsArticle OpinionNewsArticle
    ReviewNewsArticle BackgroundNewsArticle AskPublicNewsArticle LiveBlogPosting""".split()
)
_EMPTY: dict = {}


# --------------------------------------------------------------------------- JSON-LD


def _jsonld_load(raw: str) -> Any:
    s = raw.strip()
    for junk in ("<!--", "//<![CDATA[", "<![CDATA["):
        if s.startswith(junk):
            s = s[len(junk):]
    for junk in ("-->", "//]]>", "]]>"):
        if s.endswith(junk):
            s = s[: -len(junk)]
    s = s.strip().rstrip(";")
    if not s:
        return None
    try:
        return json.loads(s, strict=False)
    except Exception:  # noqa: BLE001 (any bad JSON, including RecursionError, is skipped)
        return None


def _types(obj: dict) -> list[str]:
    t = obj.get("@type")
    if isinstance(t, str):
        t = [t]
    if not isinstance(t, list):
        return []
    out = []
    for x in t:
        if isinstance(x, str):
            out.append(re.split(r"[/:#]", x.strip())[-1])
    return out


def _iter_objects(data: Any, limit: int = 20000):
    """Yield every dict reachable through lists, "@graph" and "mainEntity", in document order
    (iterative, bounded)."""
    stack = [data]
    n = 0
    while stack and n < limit:
        item = stack.pop()
        n += 1
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            yield item
            nested = []
            for key in ("@graph", "mainEntity"):
                v = item.get(key)
                if isinstance(v, (list, dict)):
                    nested.append(v)
            stack.extend(reversed(nested))


def _text_value(v: Any) -> str | None:
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        v = str(v)
    if isinstance(v, str):
        t = _norm(_htmlmod.unescape(v)) if "&" in v else _norm(v)
        return t or None
    return None


def _names(v: Any, ids: dict[str, dict]) -> list[str]:
    """Names from a JSON-LD author/publisher value: a string, a dict with "name" (or an "@id"
    reference into the page's graph), or a list of these."""
    out: list[str] = []
    items = v if isinstance(v, list) else [v]
    for it in items[:50]:
        if isinstance(it, dict):
            name = it.get("name")
            if name is None and isinstance(it.get("@id"), str):
                ref = ids.get(it["@id"])
                if ref is not None:
                    name = ref.get("name")
            if isinstance(name, list):
                name = name[0] if name else None
            t = _text_value(name)
        else:
            t = _text_value(it)
        if t and t not in out:
            out.append(t)
    return out


def _pick_jsonld(raws: list[str]) -> dict[str, Any] | None:
    """The first article-typed object of the page's JSON-LD (WebPage as a last resort)."""
    objects: list[dict] = []
    for raw in raws:
        data = _jsonld_load(raw)
        if data is not None:
            objects.extend(_iter_objects(data))
    if not objects:
        return None
    ids = {}
    for o in objects:
        i = o.get("@id")
        if isinstance(i, str) and i not in ids:
            ids[i] = o
    chosen = None
    for o in objects:
        if any(t in _ARTICLE_TYPES for t in _types(o)):
            chosen = o
            break
    if chosen is None:
        for o in objects:
            if "WebPage" in _types(o):
                chosen = o
                break
    if chosen is None:
        return None
    out: dict[str, Any] = {}
    for key in ("headline", "datePublished", "dateModified"):
        t = _text_value(chosen.get(key))
        if t:
            out[key] = t
    body = chosen.get("articleBody")
    if isinstance(body, str):
        body = (_htmlmod.unescape(body) if "&" in body else body).strip()
        if body:
            out["articleBody"] = body  # stripped only: its paragraph breaks are kept
    if "author" in chosen:
        names = _names(chosen["author"], ids)
        if names:
            out["author"] = names
    if "publisher" in chosen:
        names = _names(chosen["publisher"], ids)
        if names:
            out["publisher"] = names[0]
    return out


# --------------------------------------------------------------------------- walks


def _walk_lxml(root: Any, b: _Builder) -> None:
    """Feed an lxml tree to the builder: iterwalk runs in C, no recursion."""
    from lxml import etree

    start, end, text = b.start, b.end, b.text
    b.text_of = _lxml_text
    it = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    skipped = None
    for ev, el in it:
        if ev == "start":
            items = el.items()
            if start(el.tag, dict(items) if items else _EMPTY, el.sourceline or 0, el):
                t = el.text
                if t:
                    text(t)
            else:
                it.skip_subtree()  # its "end" event still follows
                skipped = el
        elif ev == "end":
            if el is skipped:
                skipped = None
            else:
                end()
            if el is not root:
                t = el.tail
                if t:
                    text(t)
        else:  # a comment or processing instruction: only its tail is text
            t = el.tail
            if t:
                text(t)


def _lxml_text(node: Any) -> str:
    return "".join(node.itertext())


def _walk_bs4(soup: Any, b: _Builder) -> None:
    """Feed a BeautifulSoup tree to the builder with an explicit stack (no recursion)."""
    from bs4.element import NavigableString, Tag

    skip_types = _bs4_skip_types()
    start, end, text = b.start, b.end, b.text
    b.text_of = _bs4_text
    iters = [iter(soup.contents)]
    while iters:
        for node in iters[-1]:
            if isinstance(node, Tag):
                name = node.name
                # multi_valued_attributes=None: every attribute value is a str
                if isinstance(name, str) and start(
                    name.lower(), node.attrs or _EMPTY, node.sourceline or 0, node
                ):
                    iters.append(iter(node.contents))
                    break
            elif isinstance(node, NavigableString) and type(node) not in skip_types:
                text(str(node))
        else:
            iters.pop()
            if iters:
                end()


def _bs4_text(node: Any) -> str:
    return node.get_text()


_BS4_SKIP: tuple | None = None


def _bs4_skip_types() -> tuple:
    global _BS4_SKIP
    if _BS4_SKIP is None:
        from bs4 import element

        names = ("Comment", "CData", "ProcessingInstruction", "XMLProcessingInstruction",
                 "Declaration", "Doctype", "Stylesheet", "Script", "TemplateString")
        _BS4_SKIP = tuple(getattr(element, n) for n in names if hasattr(element, n))
    return _BS4_SKIP


# --------------------------------------------------------------------------- front-ends


def _parse_lxml(data: bytes) -> Any | None:
    """lxml's HTML parser on UTF-8 bytes; None when it reports a FATAL error (such as
    "Excessive depth in document", which leaves an empty tree) or gives an empty tree."""
    from lxml import etree

    parser = etree.HTMLParser(encoding="utf-8", huge_tree=True, no_network=True)
    try:
        root = etree.fromstring(data, parser)
    except Exception:  # noqa: BLE001 (any failure: fall back to bs4)
        return None
    for err in parser.error_log:
        if err.level_name == "FATAL":
            return None
    if root is None or (len(root) == 0 and not (root.text or "").strip()):
        return None
    return root


def _parse_bs4(html: str, features: str) -> Any | None:
    import warnings

    from bs4 import BeautifulSoup

    try:
        with warnings.catch_warnings():
            # bs4 warns about input that looks like XML, a URL or a file name: it is still HTML.
            warnings.simplefilter("ignore")
            soup = BeautifulSoup(html, features, multi_valued_attributes=None)
    except Exception:  # noqa: BLE001 (any failure: try the next builder)
        return None
    if not soup.contents:
        return None
    return soup


def _sanitize(html: str) -> str:
    """Drop NUL and C0 controls (except tab, LF, CR); replace lone surrogates."""
    if _C0_RE.search(html):
        html = _C0_RE.sub("", html)
    if _SURROGATE_RE.search(html):
        html = _SURROGATE_RE.sub("\ufffd", html)
    return html


def _swallow_warnings(html: str) -> list[str]:
    """Warn when an unclosed comment or <script> hides much of the page (FIELD-NOTES B2 row 10)."""
    out = []
    n = len(html)
    pos = 0
    while True:
        i = html.find("<!--", pos)
        if i < 0:
            break
        j = html.find("-->", i + 4)
        if j < 0:
            if (n - i) / n > 0.1:
                out.append(f"unclosed comment at offset {i} hides {(n - i) / n:.0%} of the page")
            break
        pos = j + 3
    i = max(html.rfind("<script"), html.rfind("<SCRIPT"), html.rfind("<Script"))
    if i >= 0 and "</script" not in html[i:].lower() and (n - i) / n > 0.1:
        out.append(f"unclosed <script> at offset {i} hides {(n - i) / n:.0%} of the page")
    return out


def read_html(html: str, *, parser: str = "auto") -> Page:
    """Read HTML (a str) into `Page(blocks, meta)`; never raises on str input.

    `parser`: "auto" (lxml's parser, then bs4 with lxml, then bs4 with html.parser) or "bs4"
    (bs4 with lxml, then html.parser; Block.line is then 0, because bs4's lxml builder does not
    record source lines; html.parser does).

    Blocks follow the rules in the module docstring. meta holds only what the page provides:
    title, og_title, twitter_title, og_site_name, url, h1 (list of {"text", "in_article"}),
    jsonld ({"headline", "author" (list), "datePublished", "dateModified", "articleBody",
    "publisher"}), meta_author (also twitter:data1 when twitter:label1 is "Written by"),
    published_time, time (list of {"datetime", "text", "in_article"}), lang.
    """
    if not isinstance(html, str):
        raise TypeError(f"read_html expects str, not {type(html).__name__} (decode bytes first)")
    if parser not in ("auto", "bs4"):
        raise ValueError(f"unknown parser {parser!r} (use 'auto' or 'bs4')")
    try:
        return _read_html(html, parser)
    except Exception as exc:  # noqa: BLE001 (the contract: never raise on str input)
        return Page(blocks=[], meta={}, warnings=[f"read_html failed: {exc!r}"])


def _read_html(html: str, parser: str) -> Page:
    if not html or html.isspace():
        return Page(blocks=[], meta={})
    warnings = _swallow_warnings(html)
    attempts: list[tuple[str, Callable[[], Any], Callable[[Any, _Builder], None]]] = []
    if parser == "auto":
        # Deleting controls from the UTF-8 bytes is ~3x faster than a regex over the str
        # (they are single bytes in UTF-8). Lone surrogates cannot be encoded: replace them.
        try:
            data = html.encode("utf-8")
        except UnicodeEncodeError:
            data = _SURROGATE_RE.sub("\ufffd", html).encode("utf-8", "replace")
        data = data.translate(None, _C0_BYTES)
        attempts.append(("lxml", lambda: _parse_lxml(data), _walk_lxml))
    clean: list[str] = []

    def text() -> str:
        if not clean:
            clean.append(_sanitize(html))
        return clean[0]

    attempts.append(("bs4-lxml", lambda: _parse_bs4(text(), "lxml"), _walk_bs4))
    attempts.append(("bs4-html.parser", lambda: _parse_bs4(text(), "html.parser"), _walk_bs4))
    for name, parse, walk in attempts:
        tree = parse()
        if tree is None:
            continue
        try:
            b = _Builder(skip_hidden=True)
            walk(tree, b)
            if b.hidden_skipped and all("container" in bl.hints for bl in b.blocks):
                b2 = _Builder(skip_hidden=False)
                walk(tree, b2)
                if any("container" not in bl.hints for bl in b2.blocks):
                    warnings.append("all readable text is hidden; hidden text kept")
                    b = b2
            if b.swallowing_skipped and sum(len(bl.text) for bl in b.blocks) < SWALLOWED_MIN_CHARS:
                b3 = _Builder(skip_hidden=b.skip_hidden, keep_swallowing=True)
                walk(tree, b3)
                if sum(len(bl.text) for bl in b3.blocks) > 2 * SWALLOWED_MIN_CHARS:
                    warnings.append("the page is inside a <button> or <noscript> (an unclosed tag); its text kept")
                    b = b3
            blocks, meta = b.finish()
        except Exception as exc:  # noqa: BLE001 (try the next front-end)
            warnings.append(f"{name}: {exc!r}")
            continue
        return Page(blocks=blocks, meta=meta, parser=name, warnings=warnings)
    return Page(blocks=[], meta={}, warnings=warnings + ["no parser could read the page"])
