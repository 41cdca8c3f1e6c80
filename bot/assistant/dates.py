"""Dates in answers: "2024-03-15", "March 15, 2024", "15 March", "yesterday"."""

from __future__ import annotations

import datetime as dt
import re
from typing import Optional

MONTHS = {
    name: index
    for index, names in enumerate(
        [
            ("january", "jan", "janvier"),
            ("february", "feb", "février", "fevrier"),
            ("march", "mar", "mars"),
            ("april", "apr", "avril"),
            ("may", "mai"),
            ("june", "jun", "juin"),
            ("july", "jul", "juillet"),
            ("august", "aug", "août", "aout"),
            ("september", "sep", "sept", "septembre"),
            ("october", "oct", "octobre"),
            ("november", "nov", "novembre"),
            ("december", "dec", "décembre", "decembre"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_ISO = re.compile(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b")
_NUMERIC = re.compile(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\b")
_MONTH_DAY = re.compile(_MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?\b", re.IGNORECASE)
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"(?:,?\s+(\d{4}))?\b", re.IGNORECASE)
_AGO = re.compile(r"\b(\d{1,3}|a|an|one|two|three|four|five|six)\s+(day|days|week|weeks)\s+ago\b", re.IGNORECASE)
_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def _date(year: int, month: int, day: int) -> Optional[dt.date]:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _closest_year(month: int, day: int, today: dt.date, past: bool = False) -> Optional[dt.date]:
    options = [d for d in (_date(today.year + k, month, day) for k in (-1, 0, 1)) if d and (not past or d <= today)]
    return min(options, key=lambda d: abs((d - today).days)) if options else None


def parse_date(text: str, today: Optional[dt.date] = None, past: bool = False) -> Optional[dt.date]:
    """A date in `text`, or None. Numeric day/month orders that could go both
    ways (03/04/2024) are refused rather than guessed. Without a year, the
    closest such date to today is meant (the closest past one if `past`)."""
    today = today or dt.date.today()
    clean = (text or "").strip().lower()
    if not clean:
        return None
    if re.search(r"\btoday\b|\baujourd", clean):
        return today
    if re.search(r"\byesterday\b|\bhier\b", clean):
        return today - dt.timedelta(days=1)
    if re.search(r"\btomorrow\b|\bdemain\b", clean):
        return today + dt.timedelta(days=1)
    found = _ISO.search(clean)
    if found:
        return _date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
    found = _MONTH_DAY.search(clean)
    if found:
        month, day, year = MONTHS[found.group(1).lower()], int(found.group(2)), found.group(3)
        return _date(int(year), month, day) if year else _closest_year(month, day, today, past)
    found = _DAY_MONTH.search(clean)
    if found:
        day, month, year = int(found.group(1)), MONTHS[found.group(2).lower()], found.group(3)
        return _date(int(year), month, day) if year else _closest_year(month, day, today, past)
    found = _NUMERIC.search(clean)
    if found:
        first, second, year = int(found.group(1)), int(found.group(2)), int(found.group(3))
        if first > 12 >= second:
            return _date(year, second, first)
        if second > 12 >= first:
            return _date(year, first, second)
        if first == second:
            return _date(year, first, second)
        return None
    found = _AGO.search(clean)
    if found:
        amount = _WORDS.get(found.group(1).lower()) or int(found.group(1))
        days = amount * (7 if found.group(2).lower().startswith("week") else 1)
        return today - dt.timedelta(days=days)
    return None
