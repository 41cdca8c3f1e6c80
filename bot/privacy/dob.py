"""Dates of birth: only full dates (day, month, year) in a birth context.

Rule (the service must keep event dates, e.g. a newborn's birth for the
`birth` life event, but must not keep a person's identifying birth date):
1. An explicit label - "DOB", "D.O.B.", "date of birth", "birth date",
   "birthdate", "birthday", "b-day", "date de naissance" - followed by a full
   date: always redacted (two-digit years accepted in numeric dates).
2. "born on/in <date>" / "né(e) le <date>": redacted only for a full date
   with a four-digit year earlier than (reference year - 1); a child born this
   year or last year is the service event and stays.
Anything else (no year, month+year, "died on", "arrived 2024-05-01") stays.
The reference year is today's unless the caller passes `today`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Iterator, Tuple

from .model import DATE_OF_BIRTH, Candidate

_MONTHS = {
    "january": 1, "jan": 1, "janvier": 1,
    "february": 2, "feb": 2, "février": 2, "fevrier": 2,
    "march": 3, "mar": 3, "mars": 3,
    "april": 4, "apr": 4, "avril": 4,
    "may": 5, "mai": 5,
    "june": 6, "jun": 6, "juin": 6,
    "july": 7, "jul": 7, "juillet": 7,
    "august": 8, "aug": 8, "août": 8, "aout": 8,
    "september": 9, "sept": 9, "sep": 9, "septembre": 9,
    "october": 10, "oct": 10, "octobre": 10,
    "november": 11, "nov": 11, "novembre": 11,
    "december": 12, "dec": 12, "décembre": 12, "decembre": 12,
}  # fmt: skip
_MONTH = "(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")(?![\w])\.?"
_SUFFIX = r"(?:st|nd|rd|th|er)?"
_DATE = (
    rf"(?P<m1>{_MONTH})[ ]{{1,3}}(?P<d1>\d{{1,2}}){_SUFFIX},?[ ]{{1,3}}(?P<y1>\d{{4}})"
    rf"|(?P<d2>\d{{1,2}}){_SUFFIX}[ ]{{1,3}}(?:of[ ]{{1,3}})?(?P<m2>{_MONTH}),?[ ]{{1,3}}(?P<y2>\d{{4}})"
    r"|(?P<y3>\d{4})[-/.](?P<a3>\d{1,2})[-/.](?P<b3>\d{1,2})"
    r"|(?P<a4>\d{1,2})[-/.](?P<b4>\d{1,2})[-/.](?P<y4>\d{4}|\d{2})"
    r"|(?P<y5>(?:19|20)\d{2})(?P<a5>[01]\d)(?P<b5>[0-3]\d)"
)
_LABEL = (
    r"(?<![\w])(?:d\.?[ ]?o\.?[ ]?b(?![\w])\.?|date[ ]of[ ]birth|birth[ -]?date|birthday|"
    r"b-?day|date[ ]de[ ]naissance)"
)
_BORN = r"(?<![\w])(?:born|n[ée]e?)(?![\w])"
_DOB = re.compile(
    rf"(?:(?P<label>{_LABEL})|(?P<born>{_BORN}))"
    r"(?:['’]s)?[ ]{0,3}[:=#-]?[ ]{0,3}(?:(?:is|was|est)[ ]{1,3})?"
    r"(?:(?:on|in|le)[ ]{1,3})?(?:the[ ]{1,3})?"
    rf"(?P<date>{_DATE})(?![\w])(?![-/.]\d)",
    re.IGNORECASE,
)


def _plausible(first: int, second: int) -> bool:
    """Either day/month order gives a real calendar day."""
    return any(1 <= month <= 12 and 1 <= day <= 31 for month, day in ((first, second), (second, first)))


def _parse(match: re.Match[str]) -> Tuple[int, bool] | None:
    """(year, four_digit_year) of a plausible date, else None."""
    groups = match.groupdict()
    for month_key, day_key, year_key in (("m1", "d1", "y1"), ("m2", "d2", "y2")):
        if groups[month_key]:
            month = _MONTHS[groups[month_key].rstrip(".").lower()]
            year = int(groups[year_key])
            return (year, True) if _plausible(month, int(groups[day_key])) else None
    for a_key, b_key, year_key in (("a3", "b3", "y3"), ("a4", "b4", "y4"), ("a5", "b5", "y5")):
        if groups[year_key]:
            year_text = groups[year_key]
            year = int(year_text)
            if not _plausible(int(groups[a_key]), int(groups[b_key])):
                return None
            return year, len(year_text) == 4
    return None


def dob_candidates(text: str, today: date | None = None) -> Iterator[Candidate]:
    """Spans of birth dates (the label itself stays visible: "DOB [DATE_OF_BIRTH]")."""
    reference_year = (today or date.today()).year
    for match in _DOB.finditer(text):
        parsed = _parse(match)
        if parsed is None:
            continue
        year, four_digits = parsed
        if match.group("born"):
            if not four_digits or not 1880 <= year < reference_year - 1:
                continue
        elif four_digits and not 1880 <= year <= reference_year + 1:
            continue
        yield Candidate(match.start("date"), match.end("date"), DATE_OF_BIRTH)
