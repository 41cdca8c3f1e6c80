"""Dates in what people write: "2024-03-15", "March 15, 2024", "15 March", "yesterday",
"two weeks ago", "last Tuesday"; in French too ("hier", "avant-hier", "il y a 3 jours",
"la semaine passée", "mardi passé", "le 1er mars", "le 12").

Used for answers to a date question (bot/assistant/answers.py) and for dates said
in passing ("my dad died on March 3rd", see fact_matcher.py). Relative dates are
resolved against `today`: callers pass it in tests, otherwise it is today where
the people are (`local_today`)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Callable, List, Optional

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
WEEKDAYS = {
    name: index
    for index, names in enumerate(
        [
            # no "sat", "wed", "sun": they are words too ("I sat down", "we wed in June")
            ("monday", "lundi"),
            ("tuesday", "tues", "mardi"),
            ("wednesday", "mercredi"),
            ("thursday", "thurs", "jeudi"),
            ("friday", "vendredi"),
            ("saturday", "samedi"),
            ("sunday", "dimanche"),
        ]
    )
    for name in names
}
_MONTH = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"\b(" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + r")\b"
_ISO = re.compile(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b")
_NUMERIC = re.compile(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\b")
_MONTH_DAY = re.compile(r"\b" + _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4})\b)?", re.IGNORECASE)
_DAY_MONTH = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th|er)?\s+(?:of\s+)?" + _MONTH + r"(?![a-z])(?:,?\s+(\d{4})\b)?", re.IGNORECASE
)
_AGO = re.compile(r"\b(\d{1,3}|a|an|one|two|three|four|five|six)\s+(day|days|week|weeks)\s+ago\b", re.IGNORECASE)
_LAST_WEEKDAY = re.compile(r"\b(?:last|this past|past)\s+" + _WEEKDAY, re.IGNORECASE)
_NEXT_WEEKDAY = re.compile(r"\b(?:next|this coming|coming)\s+" + _WEEKDAY, re.IGNORECASE)
_BARE_WEEKDAY = re.compile(r"\b(?:on\s+)?" + _WEEKDAY, re.IGNORECASE)
_ORDINAL_DAY = re.compile(r"\bthe\s+(\d{1,2})(?:st|nd|rd|th)\b", re.IGNORECASE)
_TODAY = re.compile(r"\btoday\b|\baujourd['’ ]?hui\b", re.IGNORECASE)
_YESTERDAY = re.compile(r"\byesterday\b|\bhier\b", re.IGNORECASE)
_TOMORROW = re.compile(r"\btomorrow\b|\bdemain\b", re.IGNORECASE)
_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
# French (accents optional: people type both)
_FR_NUMBERS = {
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
}
_FR_AGO = re.compile(
    r"\b(?:il\s+y\s+a|y\s+a|y['’]a|ya|ça\s+fait|ca\s+fait)\s+(\d{1,3}|" + "|".join(_FR_NUMBERS) + r")\s+"
    r"(jours?|semaines?)\b",
    re.IGNORECASE,
)
_FR_BEFORE_YESTERDAY = re.compile(r"\bavant[- ]hier\b", re.IGNORECASE)
_FR_AFTER_TOMORROW = re.compile(r"\bapr[èe]s[- ]demain\b", re.IGNORECASE)
_FR_LAST_WEEK = re.compile(r"\b(?:la\s+)?semaine\s+(?:pass[ée]e|derni[èe]re)\b", re.IGNORECASE)
_FR_LAST_WEEKDAY = re.compile(_WEEKDAY + r"\s+(?:pass[ée]|dernier)\b", re.IGNORECASE)
_FR_NEXT_WEEKDAY = re.compile(_WEEKDAY + r"\s+(?:prochain|qui\s+vient)\b", re.IGNORECASE)
# "le 12": a day of the month (not a time, an age, an amount, an address number or a date with a month)
_FR_DAY = re.compile(
    r"\b(?:le|du)\s+(\d{1,2})(?:er)?\b(?!\s*(?:h\b|heures?|ans?\b|mois|%|\$|[/:.,-]\d|rue|avenue|chemin|boul))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class FoundDate:
    """A date and where the words that say it are in the text."""

    date: dt.date
    start: int
    end: int


def local_today(now: Optional[dt.datetime] = None) -> dt.date:
    """Today in ONEWINDOW_TIMEZONE (Ontario), not on the server's clock: "yesterday"
    typed at 9 p.m. in Toronto is already the next day on a server running in UTC."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from bot.settings import get_settings

    try:
        zone = ZoneInfo(get_settings().timezone)
        return (now.astimezone(zone) if now else dt.datetime.now(zone)).date()
    except (ZoneInfoNotFoundError, ValueError):
        return dt.date.today()


def _date(year: int, month: int, day: int) -> Optional[dt.date]:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _closest_year(month: int, day: int, today: dt.date, past: bool = False) -> Optional[dt.date]:
    options = [d for d in (_date(today.year + k, month, day) for k in (-1, 0, 1)) if d and (not past or d <= today)]
    return min(options, key=lambda d: abs((d - today).days)) if options else None


def _weekday(name: str, today: dt.date, forward: bool) -> dt.date:
    """The nearest such weekday before today (or after it, `forward`), never today itself."""
    target = WEEKDAYS[name.lower()]
    if forward:
        return today + dt.timedelta(days=(target - today.weekday() - 1) % 7 + 1)
    return today - dt.timedelta(days=(today.weekday() - target - 1) % 7 + 1)


def _day_of_month(day: int, today: dt.date, past: bool) -> Optional[dt.date]:
    """ "the 5th": that day of this month, last month or next month, whichever is closest (or latest past)."""
    options = []
    for shift in (-1, 0, 1):
        month_index = today.month - 1 + shift
        candidate = _date(today.year + month_index // 12, month_index % 12 + 1, day)
        if candidate and (not past or candidate <= today):
            options.append(candidate)
    return min(options, key=lambda d: abs((d - today).days)) if options else None


def _numeric(found: re.Match) -> Optional[dt.date]:
    """03/04/2024 could go both ways: refused rather than guessed."""
    first, second, year = int(found.group(1)), int(found.group(2)), int(found.group(3))
    if first > 12 >= second:
        return _date(year, second, first)
    if second > 12 >= first or first == second:
        return _date(year, first, second)
    return None


def _readers(today: dt.date, past: bool) -> List[tuple]:
    """(pattern, how to read a match) in order of precedence."""

    def month_day(m: re.Match) -> Optional[dt.date]:
        month, day, year = MONTHS[m.group(1).lower()], int(m.group(2)), m.group(3)
        return _date(int(year), month, day) if year else _closest_year(month, day, today, past)

    def day_month(m: re.Match) -> Optional[dt.date]:
        day, month, year = int(m.group(1)), MONTHS[m.group(2).lower()], m.group(3)
        return _date(int(year), month, day) if year else _closest_year(month, day, today, past)

    def ago(m: re.Match) -> dt.date:
        amount = _WORDS.get(m.group(1).lower()) or int(m.group(1))
        return today - dt.timedelta(days=amount * (7 if m.group(2).lower().startswith("week") else 1))

    def ago_fr(m: re.Match) -> dt.date:
        amount = _FR_NUMBERS.get(m.group(1).lower()) or int(m.group(1))
        return today - dt.timedelta(days=amount * (7 if m.group(2).lower().startswith("semaine") else 1))

    readers: List[tuple] = [
        (_TODAY, lambda m: today),
        (_FR_BEFORE_YESTERDAY, lambda m: today - dt.timedelta(days=2)),  # before "hier" inside it
        (_FR_AFTER_TOMORROW, lambda m: today + dt.timedelta(days=2)),
        (_YESTERDAY, lambda m: today - dt.timedelta(days=1)),
        (_TOMORROW, lambda m: today + dt.timedelta(days=1)),
        (_ISO, lambda m: _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))),
        (_MONTH_DAY, month_day),
        (_DAY_MONTH, day_month),
        (_NUMERIC, _numeric),
        (_AGO, ago),
        (_FR_AGO, ago_fr),
        (_FR_LAST_WEEK, lambda m: today - dt.timedelta(days=7)),  # as "il y a une semaine"
        (_ORDINAL_DAY, lambda m: _day_of_month(int(m.group(1)), today, past)),
        (_FR_DAY, lambda m: _day_of_month(int(m.group(1)), today, past)),
        (_LAST_WEEKDAY, lambda m: _weekday(m.group(1), today, forward=False)),
        (_FR_LAST_WEEKDAY, lambda m: _weekday(m.group(1), today, forward=False)),
        (_NEXT_WEEKDAY, lambda m: _weekday(m.group(1), today, forward=True)),
        (_FR_NEXT_WEEKDAY, lambda m: _weekday(m.group(1), today, forward=True)),
    ]
    if past:  # "born Tuesday": a bare weekday is only clear when the date must be in the past
        readers.append((_BARE_WEEKDAY, lambda m: _weekday(m.group(1), today, forward=False)))
    return readers


def find_date(text: str, today: Optional[dt.date] = None, past: bool = False) -> Optional[FoundDate]:
    """The first way of saying a date that `text` contains (by precedence, see `_readers`), or None.
    Without a year, the closest such date to today is meant (the closest past one if `past`)."""
    today = today or local_today()
    if not text or not text.strip():
        return None
    read: Callable[[re.Match], Optional[dt.date]]
    for pattern, read in _readers(today, past):
        found = pattern.search(text)
        if found:
            value = read(found)
            return FoundDate(value, found.start(), found.end()) if value else None
    return None


def parse_date(text: str, today: Optional[dt.date] = None, past: bool = False) -> Optional[dt.date]:
    """A date in `text`, or None (see `find_date`)."""
    found = find_date(text, today, past)
    return found.date if found else None
