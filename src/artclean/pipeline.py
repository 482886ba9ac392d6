"""The path of one article: decode, read, classify, segment. `clean()` is the public entry point."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Iterable

import regex

from . import __version__
from .classify import classify
from .decode import DEFAULT_MAX_BYTES, decode
from .errors import ConfigError, InputError
from .language import detect_language
from .model import Article
from .read_text import read_text
from .rulepack import Library, RuleSet, load_library
from .segment import segment

INPUT_MODES = ("auto", "text", "html")
_HTML_START = regex.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
                            regex.IGNORECASE | regex.DOTALL)
_TAG = regex.compile(r"</?(?:div|p|span|a|meta|script|article|section|h[1-6]|li|ul|br|img|table)\b", regex.IGNORECASE)


def looks_like_html(text: str) -> bool:
    head = text[:5000]
    if _HTML_START.match(head):
        return True
    return len(_TAG.findall(head)) >= 8


@lru_cache(maxsize=16)
def _library(extra: tuple[tuple[str, str], ...]) -> Library:
    return load_library(list(extra))


def get_library(rules: Library | Iterable[str | Path] | None = None, origin: str = "--rules") -> Library:
    """The built-in packs plus the user's: pass paths (files or folders) or a Library."""
    if isinstance(rules, Library):
        return rules
    extra = tuple((str(p), origin) for p in (rules or ()))
    return _library(extra)


@lru_cache(maxsize=64)
def _ruleset(library: Library, pack_ids: tuple[str, ...], disabled: frozenset[str]) -> RuleSet:
    by_id = {id(p): p for p in library.packs}
    return RuleSet([by_id[i] for i in pack_ids], disabled)


def clean(source: bytes | str, *, lang: str | None = None, input: str = "auto",
          rules: Library | Iterable[str | Path] | None = None, name: str = "<input>", site: str | None = None,
          disable: Iterable[str] = (), max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """Clean one scraped article (plain text or HTML, as bytes or str) into an Article.

    lang: a language code to skip detection; input: "auto", "text" or "html"; rules: extra rule-pack
    paths (or a Library); name: the source's name or URL (used in errors and to pick site packs);
    site: a domain to force a site pack; disable: rule ids to switch off.
    Raises ArtcleanError (InputError, RulePackError, ConfigError) on input it cannot clean.
    """
    if input not in INPUT_MODES:
        raise ConfigError(f"unknown input mode {input!r} (use auto, text or html)")
    library = get_library(rules)
    decoded = decode(source, name=name, max_bytes=max_bytes)
    text = decoded.text
    if not text.strip():
        raise InputError("empty input (nothing but whitespace)" if text else "empty input", path=name)
    mode = ("html" if looks_like_html(text) else "text") if input == "auto" else input
    page_meta: dict = {}
    if mode == "html":
        from .read_html import read_html

        page = read_html(text)
        blocks, page_meta = page.blocks, page.meta
        decoded.warnings.extend(page.warnings)
    else:
        blocks = read_text(text)
    warnings = list(decoded.warnings)
    confidence = None
    if lang is None:
        lang, confidence = detect_language([b.text for b in blocks], library.languages())
        if lang is None and blocks:
            warnings.append("language not recognised: only the generic rules were used")
    elif lang not in library.languages():
        warnings.append(f"no rule pack for language {lang!r}: only the generic rules were used")
    site_hint = " ".join(x for x in (site, name, page_meta.get("url")) if x)
    packs = library.select(lang, site_text=text[:200_000], site_hint=site_hint)
    ruleset = _ruleset(library, tuple(id(p) for p in packs), frozenset(disable))
    ruleset.timed_out.clear()
    start, end = classify(blocks, ruleset, html=mode == "html", meta=page_meta)
    article = segment(blocks, ruleset, start, end, meta=page_meta)
    warnings.extend(ruleset.timed_out.values())
    if not article.found:
        warnings.append("no article found")
    article.meta = {
        "language": lang,
        "source": name,
        "input": mode,
        "rules": [p.id for p in packs],
        "version": __version__,
        "encoding": decoded.encoding,
        **({"language_confidence": confidence} if confidence is not None else {}),
        **article.meta,
        **({"warnings": warnings} if warnings else {}),
    }
    return article
