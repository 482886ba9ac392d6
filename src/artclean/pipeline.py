"""The path of one article: decode, read, classify, segment. `clean()` is the public entry point."""

from __future__ import annotations

import time
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import regex

from . import __version__
from .classify import classify
from .decode import DEFAULT_MAX_BYTES, decode
from .errors import ConfigError, InputError, TimeBudgetError
from .language import SAMPLE_CHARS, detect_language
from .model import BOILERPLATE, Article, Block
from .read_text import read_text
from .rulepack import Library, RuleSet, load_library, pack_files
from .segment import segment

INPUT_MODES = ("auto", "text", "html")
DEFAULT_TIME_BUDGET = 30.0  # seconds per document (trafilatura's EXTRACTION_TIMEOUT is 30 s too)
WIPE_SHARE = 0.9  # rules removing more of a document's characters than this get a warning ...
WIPE_MIN_CHARS = 200  # ... when the document has at least this many
_clock = time.monotonic  # the deadline's clock (tests replace it)
_HTML_START = regex.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
                            regex.IGNORECASE | regex.DOTALL)
_TAG = regex.compile(r"</?(?:div|p|span|a|meta|script|article|section|h[1-6]|li|ul|br|img|table)\b", regex.IGNORECASE)


def looks_like_html(text: str) -> bool:
    head = text[:5000]
    if _HTML_START.match(head):
        return True
    return len(_TAG.findall(head)) >= 8


@lru_cache(maxsize=16)
def _library(extra: tuple[tuple[str, str], ...], stamps: tuple = ()) -> Library:
    return load_library(list(extra))


def get_library(rules: Library | Iterable[str | Path] | None = None, origin: str = "--rules") -> Library:
    """The built-in packs plus the user's: pass paths (files or folders) or a Library. A user's pack
    is loaded again when its file changes (a long-lived process or a Dask worker sees the edit)."""
    if isinstance(rules, Library):
        return rules
    extra = tuple((str(p), origin) for p in (rules or ()))
    return _library(extra, tuple(_stamp(Path(path)) for path, _ in extra))


def _stamp(path: Path) -> tuple:
    """The size and modification time of each pack file under a path: what an edit changes."""
    try:
        return tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in pack_files(path))
    except OSError:
        return ()  # a missing pack: load_library reports it


@lru_cache(maxsize=64)
def _ruleset(library: Library, pack_ids: tuple[str, ...], disabled: frozenset[str]) -> RuleSet:
    by_id = {id(p): p for p in library.packs}
    return RuleSet([by_id[i] for i in pack_ids], disabled)


class Deadline:
    """A per-document time budget, checked between stages and at every rule match."""

    def __init__(self, seconds: float | None, name: str):
        self.seconds, self.name = seconds, name
        self.end = _clock() + seconds if seconds else None

    def check(self, stage: str) -> None:
        if self.end is not None and _clock() > self.end:
            raise TimeBudgetError(f"gave up after {self.seconds:g} s (the time budget per document) while {stage}",
                                  path=self.name, hint="raise the budget with time_budget=, or split the input")


class BudgetedRules:
    """The document's RuleSet with its deadline checked before every rule match.

    classify() calls `match` and `cut_inline` once per block, so this bounds the rule loop without
    touching classify.py; everything else is the RuleSet's own.
    """

    def __init__(self, rules: RuleSet, deadline: Deadline):
        self._rules, self._deadline = rules, deadline
        self._seen: dict[str, Any] = {}  # pages repeat their menus and footers: each line is matched once

    def match(self, text: str):
        if text in self._seen:
            return self._seen[text]
        self._deadline.check("matching rules")
        hit = self._seen[text] = self._rules.match(text)
        return hit

    def cut_inline(self, text: str):
        self._deadline.check("matching rules")
        return self._rules.cut_inline(text)

    def __getattr__(self, name: str):
        return getattr(self._rules, name)


def clean(source: bytes | str, *, lang: str | None = None, input: str = "auto",
          rules: Library | Iterable[str | Path] | None = None, name: str = "<input>", site: str | None = None,
          disable: Iterable[str] = (), max_bytes: int = DEFAULT_MAX_BYTES,
          time_budget: float | None = DEFAULT_TIME_BUDGET) -> Article:
    """Clean one scraped article (plain text or HTML, as bytes or str) into an Article.

    lang: a language code to skip detection; input: "auto", "text" or "html"; rules: extra rule-pack
    paths (or a Library); name: the source's name or URL (used in errors and to pick site packs);
    site: a domain to force a site pack; disable: rule ids to switch off; max_bytes: refuse larger
    inputs (characters for str); time_budget: seconds per document (None: no limit), checked between
    stages and at every rule match (TimeBudgetError, an InputError, when it runs out).
    Raises ArtcleanError (InputError, RulePackError, ConfigError) on input it cannot clean.
    """
    if input not in INPUT_MODES:
        raise ConfigError(f"unknown input mode {input!r} (use auto, text or html)")
    deadline = Deadline(time_budget, name)
    library = get_library(rules)
    decoded = decode(source, name=name, max_bytes=max_bytes)
    deadline.check("decoding")
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
    deadline.check("reading the HTML" if mode == "html" else "reading the text")
    warnings = list(decoded.warnings)
    confidence = None
    if lang is None:
        profiles = library.languages()
        # Boilerplate must not decide the language: the lines the language-independent rules drop
        # are left out of the sample, unless nothing recognisable is left without them.
        generic = _ruleset(library, tuple(id(p) for p in library.select(None)), frozenset(disable))
        generic.timed_out.clear()
        lang, confidence = detect_language(language_sample(blocks, BudgetedRules(generic, deadline)), profiles)
        if lang is None:
            lang, confidence = detect_language([b.text for b in blocks], profiles)
        if lang is None and blocks:
            warnings.append("language not recognised: only the generic rules were used")
    elif lang not in library.languages():
        warnings.append(f"no rule pack for language {lang!r}: only the generic rules were used")
    site_hint = " ".join(x for x in (site, name, page_meta.get("url")) if x)
    packs = library.select(lang, site_text=text[:200_000], site_hint=site_hint)
    ruleset = _ruleset(library, tuple(id(p) for p in packs), frozenset(disable))
    ruleset.timed_out.clear()
    deadline.check("detecting the language")
    start, end = classify(blocks, BudgetedRules(ruleset, deadline), html=mode == "html", meta=page_meta)
    deadline.check("classifying")
    article = segment(blocks, ruleset, start, end, meta=page_meta)
    warnings.extend(ruleset.timed_out.values())
    wiped = wipe_warning(blocks)
    if wiped:
        warnings.append(wiped)
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


def language_sample(blocks: list[Block], generic) -> list[str]:
    """The lines to detect the language from, leaving out what the language-independent rules drop;
    the longest first, as detect_language samples them. Without this an English "These are external
    links and will open in a new window" outweighs the one Dutch paragraph of a short article, the
    Dutch byline is not recognised (it becomes the headline), and cleaning the output again, without
    that line, gives another article (found by test_properties' idempotence property)."""
    sample: list[str] = []
    size = 0
    for texts in (sorted((b.text for b in blocks if len(b.text) >= 40), key=len, reverse=True),
                  [b.text for b in blocks[:2000] if len(b.text) < 40]):
        for text in texts:
            hit = generic.match(text)
            if hit and hit[0].action in ("drop", "cut-after"):
                continue
            sample.append(text)
            size += len(text)
            if size > SAMPLE_CHARS:
                return sample
        if sample:
            return sample
    return sample


def _by_rule(rule: str | None) -> bool:
    return bool(rule) and not rule.startswith(("feature:", "html:"))


def wipe_warning(blocks: list[Block]) -> str | None:
    """"rules removed 97% of the text: x.catchall" when rules (not features) removed more than
    WIPE_SHARE of the characters of a document of WIPE_MIN_CHARS or more: a rule pack that deletes
    everything looks like this. Whole lines, cut-after runs and inline cuts count; the ids are listed
    by how much each removed."""
    total = 0
    removed: Counter[str] = Counter()
    for b in blocks:
        line = b.original or b.text
        total += len(line)
        if b.label == BOILERPLATE and _by_rule(b.rule):
            removed[b.rule] += len(line)
            continue
        for cut, rule in b.inline_removed:
            if _by_rule(rule):
                removed[rule] += len(cut)
    share = sum(removed.values()) / total if total else 0.0
    if total < WIPE_MIN_CHARS or share <= WIPE_SHARE:
        return None
    ids = [rule for rule, _ in removed.most_common()]
    listed = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
    return f"rules removed {int(share * 100)}% of the text: {listed}"
