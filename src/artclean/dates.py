"""Dates as the page states them, normalised to ISO 8601.

This is the one place where artclean derives output text instead of copying it: `date` is
"2025-06-12" (or "2025-06-12T18:30:00+02:00" when the page gives a time with an offset). The text
the date came from is kept in `meta.date_text`. Month names come from the language packs.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import regex

_ISO = regex.compile(
    r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?(?!\d)")
_DMY_NUM = regex.compile(r"(?<![\d.])(\d{1,2})\s?[./]\s?(\d{1,2})\s?[./]\s?(\d{4}|\d{2})(?![\d])")
_YMD_SLASH = regex.compile(r"(?<!\d)(\d{4})/(\d{1,2})/(\d{1,2})(?!\d)")
_RELATIVE = regex.compile(
    r"\b(?:vor\s+\d+\s+(?:Minute|Stunde|Tag)\w*|\d+\s+(?:minutes?|hours?|days?|mins?|hrs?)\s+ago|il y a\s+\d+|"
    r"hace\s+\d+|\d+\s+(?:minuti|ore|giorni)\s+fa|há\s+\d+|\d+\s+(?:uur|minuten|dagen)\s+geleden|"
    r"\d+\s+(?:godz|min|dni)\w*\s+temu|gestern|heute|yesterday|today|hier|ayer|ieri|ontem|gisteren|wczoraj)\b",
    regex.IGNORECASE)
_ORD = r"(?:st|nd|rd|th|er|º|°|\.)?"


@lru_cache(maxsize=64)
def _month_patterns(months: tuple[tuple[str, int], ...]):
    names = sorted((regex.escape(name) for name, _ in months), key=len, reverse=True)
    if not names:
        return None, None
    alt = "|".join(names)
    # 12. Juni 2025 / 4 de septiembre de 2025 / 3 février 2025 / 4 settembre 2025
    dmy = regex.compile(rf"(?<!\d)(\d{{1,2}}){_ORD}\s*(?:de\s+)?({alt})(?![\w])\.?\s*(?:de\s+|del\s+)?,?\s*(\d{{4}})",
                        regex.IGNORECASE)
    # September 4, 2025 / Sept. 4 2025 / juni 12, 2025
    mdy = regex.compile(rf"(?<![\w])({alt})(?![\w])\.?\s+(\d{{1,2}}){_ORD},?\s+(\d{{4}})", regex.IGNORECASE)
    return dmy, mdy


def parse_date(text: str, months: dict[str, int], *, prefer_mdy: bool = False) -> str | None:
    """The first absolute date in `text` as ISO 8601, or None (a relative date gives None)."""
    if not text:
        return None
    m = _ISO.search(text)
    if m:
        return _iso(*m.groups())
    dmy, mdy = _month_patterns(tuple(sorted(months.items())))
    lookup = {k.rstrip("."): v for k, v in months.items()}
    candidates = []
    if dmy is not None:
        for pat, order in ((dmy, "dmy"), (mdy, "mdy")):
            m = pat.search(text)
            if m:
                if order == "dmy":
                    day, month, year = m.group(1), m.group(2), m.group(3)
                else:
                    month, day, year = m.group(1), m.group(2), m.group(3)
                month_no = lookup.get(month.casefold().rstrip("."))
                if month_no:
                    candidates.append((m.start(), _ymd(int(year), month_no, int(day))))
    m = _DMY_NUM.search(text)
    if m:
        a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if year < 100:
            year += 2000
        day, month = (b, a) if (prefer_mdy and "/" in m.group(0)) or b > 12 else (a, b)
        candidates.append((m.start(), _ymd(year, month, day)))
    m = _YMD_SLASH.search(text)
    if m:
        candidates.append((m.start(), _ymd(int(m.group(1)), int(m.group(2)), int(m.group(3)))))
    candidates = [c for c in candidates if c[1]]
    if candidates:
        return min(candidates)[1]
    return None


def is_relative(text: str) -> bool:
    return bool(_RELATIVE.search(text))


def _ymd(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat() if 1990 <= year <= 2100 else None
    except ValueError:
        return None


def _iso(year, month, day, hour, minute, second, offset) -> str | None:
    day_iso = _ymd(int(year), int(month), int(day))
    if not day_iso or hour is None or offset is None:
        return day_iso
    if not (0 <= int(hour) < 24 and 0 <= int(minute) < 60):
        return day_iso
    if offset == "Z":
        offset = "+00:00"
    elif ":" not in offset:
        offset = offset[:3] + ":" + offset[3:]
    return f"{day_iso}T{int(hour):02d}:{int(minute):02d}:{int(second or 0):02d}{offset}"
