"""Language detection from the function-word profiles in the language packs.

Detection is per document, never per line: short boilerplate lines are where every detector guesses.
"""

from __future__ import annotations

import regex

_WORD = regex.compile(r"[^\W\d_]+")
SAMPLE_CHARS = 20_000
MIN_WORDS = 8
MIN_SHARE = 0.08  # below this share of function words no language is claimed


def detect_language(texts: list[str], profiles: dict[str, frozenset[str]]) -> tuple[str | None, float]:
    """(language, confidence) for the document, or (None, 0.0) when no profile fits.

    Long lines weigh more than short ones because they are prose; the sample is capped so that
    detection stays cheap on huge pages. Confidence is the margin between the two best shares.
    """
    if not profiles:
        return None, 0.0
    sample = sorted((t for t in texts if len(t) >= 40), key=len, reverse=True)
    words: list[str] = []
    size = 0
    for t in sample or texts:
        words.extend(_WORD.findall(t.casefold()))
        size += len(t)
        if size > SAMPLE_CHARS:
            break
    if len(words) < MIN_WORDS:
        return None, 0.0
    shares = sorted(((sum(1 for w in words if w in fw) / len(words), lang) for lang, fw in profiles.items()),
                    reverse=True)
    best_share, best = shares[0]
    second = shares[1][0] if len(shares) > 1 else 0.0
    if best_share < MIN_SHARE:
        return None, 0.0
    return best, round(best_share - second, 3)
