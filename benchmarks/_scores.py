"""Scoring functions of the quality benchmark, as /work/shared/corpora/README.md defines them.

Each corpus has its own metric family:

- scrapinghub: 4-token shingles (``\\w+`` runs, case kept) as multisets; per page tp/fp/fn are
  normalised to sum 1; P is the mean over pages with tp+fp > 0, R the mean over pages with
  tp+fn > 0, F1 the harmonic mean of the two means (scrapinghub/article-extraction-benchmark).
- trafilatura-dev: whitespace-normalised substring tests of the ``with`` / ``without`` segments,
  counts summed over pages, P/R/F1 from the sums (adbar/trafilatura's evaluation).
- wcxb-dev: lowercased ``\\w+`` bag-of-words overlap per page, P/R/F1 averaged over pages
  (WCXB's evaluate.py), plus headline / byline / date field accuracy.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

WORD_RE = re.compile(r"\w+")
_WS_RE = re.compile(r"\s+")


# --------------------------------------------------------------------------- scrapinghub

def _shingles(text: str, n: int = 4) -> Counter:
    tokens = WORD_RE.findall(text or "")
    # a text shorter than n tokens is one (short) shingle; an empty text has none
    grams = [tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1))]
    return Counter(g for g in grams if g)


def shingle_tp_fp_fn(gold: str, output: str, n: int = 4) -> tuple[float, float, float]:
    """Per-page (tp, fp, fn) of n-token shingles, normalised so the three sum to 1."""
    g, o = _shingles(gold, n), _shingles(output, n)
    tp = sum((g & o).values())
    fp = sum((o - g).values())
    fn = sum((g - o).values())
    s = tp + fp + fn
    if s == 0:
        return 0.0, 0.0, 0.0
    return tp / s, fp / s, fn / s


def _page_precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fp) if tp + fp else 0.0


def _page_recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fn) if tp + fn else 0.0


def scrapinghub_page(gold: str, output: str) -> dict:
    tp, fp, fn = shingle_tp_fp_fn(gold, output)
    p = _page_precision(tp, fp, fn) if tp + fp > 0 else None
    r = _page_recall(tp, fp, fn) if tp + fn > 0 else None
    pp, rr = p or 0.0, r or 0.0
    f1 = 2 * pp * rr / (pp + rr) if pp + rr else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r, "f1": f1}


def scrapinghub_summary(pages: list[dict]) -> tuple[float, float, float]:
    ps = [x["precision"] for x in pages if x["precision"] is not None]
    rs = [x["recall"] for x in pages if x["recall"] is not None]
    p = sum(ps) / len(ps) if ps else 0.0
    r = sum(rs) / len(rs) if rs else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# --------------------------------------------------------------------------- trafilatura-dev

def ws_norm(text: str) -> str:
    return _WS_RE.sub(" ", text or "").strip()


def segments_page(with_: list[str], without: list[str], output: str) -> dict:
    out = ws_norm(output)
    found_with = [s for s in with_ if ws_norm(s) in out]
    found_without = [s for s in without if ws_norm(s) in out]
    tp, fp = len(found_with), len(found_without)
    fn = len(with_) - tp
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else None
    pp, rr = p or 0.0, r or 0.0
    return {
        "tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r,
        "f1": 2 * pp * rr / (pp + rr) if pp + rr else 0.0,
        "missed_with": [s for s in with_ if s not in found_with],
        "found_without": found_without,
    }


def segments_summary(pages: list[dict]) -> tuple[float, float, float]:
    tp = sum(x["tp"] for x in pages)
    fp = sum(x["fp"] for x in pages)
    fn = sum(x["fn"] for x in pages)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * tp / (2 * tp + fp + fn) if tp else 0.0)


# --------------------------------------------------------------------------- wcxb-dev

def words(text: str | None) -> list[str]:
    return WORD_RE.findall((text or "").lower())


def bow_page(gold: str, output: str) -> dict:
    """WCXB's word_f1: bag-of-words overlap of output and main_content."""
    ref, pred = words(gold), words(output)
    if not ref:
        p = r = f1 = 1.0 if not pred else 0.0
    elif not pred:
        p = r = f1 = 0.0
    else:
        overlap = sum((Counter(pred) & Counter(ref)).values())
        p, r = overlap / len(pred), overlap / len(ref)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f1}


def bow_summary(pages: list[dict]) -> tuple[float, float, float]:
    n = len(pages)
    if not n:
        return 0.0, 0.0, 0.0
    return tuple(sum(x[k] for x in pages) / n for k in ("precision", "recall", "f1"))  # type: ignore


def headline_ok(gold_title: str | None, headline: str | None) -> bool | None:
    """None when the page has no gold title (not scored)."""
    if not gold_title or not words(gold_title):
        return None
    return words(gold_title) == words(headline)


def byline_ok(gold_author: str | None, byline: str | None) -> bool | None:
    """Every \\w+ word of the gold author is among the output byline's words."""
    if not gold_author or not words(gold_author):
        return None
    have = set(words(byline))
    return all(w in have for w in words(gold_author))


def date_ok(gold_date: str | None, date: str | None) -> bool | None:
    """The output date's day (YYYY-MM-DD) equals the gold day.

    One gold date is only a month ("2003-11"); then the output's month is compared.
    """
    if not gold_date or not gold_date.strip():
        return None
    day = gold_date.strip()[:10]
    return bool(date) and str(date).strip()[:len(day)] == day


@dataclass
class FieldTally:
    ok: dict = field(default_factory=lambda: {"headline": 0, "byline": 0, "date": 0})
    n: dict = field(default_factory=lambda: {"headline": 0, "byline": 0, "date": 0})

    def add(self, name: str, result: bool | None) -> None:
        if result is None:
            return
        self.n[name] += 1
        self.ok[name] += int(result)

    def score(self, name: str) -> float | None:
        return self.ok[name] / self.n[name] if self.n[name] else None
