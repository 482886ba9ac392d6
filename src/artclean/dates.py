"""Dates as the page states them, normalised to ISO 8601.

This is the one place where artclean derives output text instead of copying it: `date` is
"2025-06-12" (or "2025-06-12T18:30:00+02:00" when the page gives a time with an offset). The text
the date came from is kept in `meta.date_text`. Month names come from the language packs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

import regex

_DIGIT = regex.compile(r"\d")
_ISO = regex.compile(
    r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?(?!\d)")
_DMY_NUM = regex.compile(r"(?<![\d.])(\d{1,2})\s?[./]\s?(\d{1,2})\s?[./]\s?(\d{4}|\d{2})(?!\d|\.\d)")
_VERSION = regex.compile(r"\d\.\d{1,2}\.\d\d")  # "PHP 8.4.13": a version number, not a date with a two-digit year
_YMD_SLASH = regex.compile(r"(?<!\d)(\d{4})/(\d{1,2})/(\d{1,2})(?!\d)")
_RELATIVE = regex.compile(
    r"\b(?:vor\s+\d+\s+(?:Minute|Stunde|Tag)\w*|\d+\s+(?:minutes?|hours?|days?|mins?|hrs?)\s+ago|il y a\s+\d+|"
    r"hace\s+\d+|\d+\s+(?:minuti|ore|giorni)\s+fa|há\s+\d+|\d+\s+(?:uur|minuten|dagen)\s+geleden|"
    r"\d+\s+(?:godz|min|dni)\w*\s+temu|gestern|heute|yesterday|today|hier|ayer|ieri|ontem|gisteren|wczoraj)\b",
    regex.IGNORECASE)
_ORD = r"(?:st|nd|rd|th|er|º|°|\.)?"
# Zone abbreviations news sites print after a time; only unambiguous ones.
ZONES = {"UTC": "+00:00", "GMT": "+00:00", "WET": "+00:00", "WEST": "+01:00", "BST": "+01:00", "CET": "+01:00",
         "CEST": "+02:00", "MEZ": "+01:00", "MESZ": "+02:00", "EET": "+02:00", "EEST": "+03:00", "MSK": "+03:00",
         "EST": "-05:00", "EDT": "-04:00", "CDT": "-05:00", "MST": "-07:00", "MDT": "-06:00",
         "PST": "-08:00", "PDT": "-07:00"}
_TIME_ZONE = regex.compile(r"(?<!\d)(\d{1,2})[:.h](\d{2})\s*(?:([ap])\.?\s?m\.?)?\s*\b(" + "|".join(ZONES) + r")\b",
                           regex.IGNORECASE)


@lru_cache(maxsize=64)
def _month_patterns(months: tuple[tuple[str, int], ...]):
    names = sorted((regex.escape(name) for name, _ in months), key=len, reverse=True)
    lookup = {name.rstrip("."): number for name, number in months}
    if not names:
        return None, None, lookup
    alt = "|".join(names)
    # 12. Juni 2025 / 4 de septiembre de 2025 / 3 février 2025 / 4 settembre 2025
    dmy = regex.compile(rf"(?<!\d)(\d{{1,2}}){_ORD}\s*(?:de\s+)?({alt})(?![\w])\.?\s*(?:de\s+|del\s+)?,?\s*(\d{{4}})",
                        regex.IGNORECASE)
    # September 4, 2025 / Sept. 4 2025 / juni 12, 2025
    # ... also glued to the element before it: "Mental HealthDECEMBER 22, 2022"
    mdy = regex.compile(rf"(?:(?<![\w])|(?-i:(?<=\p{{Ll}})(?=\p{{Lu}})))({alt})(?![\w])\.?\s+(\d{{1,2}}){_ORD},?\s+(\d{{4}})", regex.IGNORECASE)
    return dmy, mdy, lookup


_BY_MAPPING: dict[int, tuple] = {}


def _patterns_for(months: Mapping[str, int]):
    """The month patterns for a months mapping. A rule set's read-only mapping is found by its
    identity (kept alive beside its patterns): sorting its items on each of the ~100 calls a page
    makes cost more than the search. Any other mapping is keyed by its contents."""
    if not isinstance(months, MappingProxyType):
        return _month_patterns(tuple(sorted(months.items())))
    entry = _BY_MAPPING.get(id(months))
    if entry is None or entry[0] is not months:
        if len(_BY_MAPPING) > 64:
            _BY_MAPPING.clear()
        entry = _BY_MAPPING[id(months)] = (months, _month_patterns(tuple(sorted(months.items()))))
    return entry[1]


def parse_date(text: str, months: Mapping[str, int], *, prefer_mdy: bool = False) -> str | None:
    """The first absolute date in `text` as ISO 8601, or None (a relative date gives None)."""
    if not text or not _DIGIT.search(text):
        return None  # every absolute date has a day or a year in digits
    m = _ISO.search(text)
    if m:
        return _iso(*m.groups())
    dmy, mdy, lookup = _patterns_for(months)
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
    if m and not _VERSION.fullmatch(m.group()):
        a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if year < 100:
            year += 2000
        day, month = (b, a) if (prefer_mdy and "/" in m.group(0) and a <= 12) or b > 12 else (a, b)
        candidates.append((m.start(), _ymd(year, month, day)))
    m = _YMD_SLASH.search(text)
    if m:
        candidates.append((m.start(), _ymd(int(m.group(1)), int(m.group(2)), int(m.group(3)))))
    candidates = [c for c in candidates if c[1]]
    if not candidates:
        return None
    day = min(candidates)[1]
    return _with_zone_time(day, text)


def _with_zone_time(day: str, text: str) -> str:
    """Add the time when the page prints it with a zone ("10:15 CEST", "3:42 PM PDT")."""
    m = _TIME_ZONE.search(text)
    if not m:
        return day
    hour, minute = int(m.group(1)), int(m.group(2))
    half = (m.group(3) or "").lower()
    if half == "p" and hour < 12:
        hour += 12
    elif half == "a" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return day
    return f"{day}T{hour:02d}:{minute:02d}:00{ZONES[m.group(4).upper()]}"


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
