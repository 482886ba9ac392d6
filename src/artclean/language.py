"""Language detection from the function-word profiles in the language packs.

Detection is per document, never per line: short boilerplate lines are where every detector guesses.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

_WORD = re.compile(r"[^\W\d_]+")  # stdlib re: same tokens as `regex` here, faster
SAMPLE_CHARS = 8_000
MIN_WORDS = 8
MIN_SHARE = 0.08  # below this share of function words no language is claimed


@lru_cache(maxsize=8)
def _index(profiles: tuple[tuple[str, frozenset[str]], ...]) -> dict[str, tuple[str, ...]]:
    """word -> the languages whose function words include it."""
    out: dict[str, list[str]] = {}
    for lang, words in profiles:
        for w in words:
            out.setdefault(w, []).append(lang)
    return {w: tuple(langs) for w, langs in out.items()}


def detect_language(texts: list[str], profiles: dict[str, frozenset[str]]) -> tuple[str | None, float]:
    """(language, confidence) for the document, or (None, 0.0) when no profile fits.

    The longest lines are sampled first because they are prose; the sample is capped so that
    detection stays cheap on huge pages. Confidence is the margin between the two best shares.
    """
    if not profiles:
        return None, 0.0
    sample = sorted((t for t in texts if len(t) >= 40), key=len, reverse=True) or texts
    taken: list[str] = []
    size = 0
    for t in sample:
        taken.append(t)
        size += len(t)
        if size > SAMPLE_CHARS:
            break
    words = _WORD.findall("\n".join(taken).casefold())
    if len(words) < MIN_WORDS:
        return None, 0.0
    index = _index(tuple(sorted(profiles.items())))
    hits: dict[str, int] = dict.fromkeys(profiles, 0)
    for w, n in Counter(words).items():
        for lang in index.get(w, ()):
            hits[lang] += n
    ranked = sorted(((hits[lang] / len(words), lang) for lang in profiles), reverse=True)
    best_share, best = ranked[0]
    second = ranked[1][0] if len(ranked) > 1 else 0.0
    if best_share < MIN_SHARE:
        return None, 0.0
    return best, round(best_share - second, 3)
