"""Numbers, durations, times and dates as the console shows them, in the page's language.

Canadian usage: English "1,234", "45%", "1.5 min", "14:30", "December 7, 2026"; French "1 234",
"45 %", "1,5 min", "14 h 30", "7 décembre 2026" (French with no-break spaces, as its typography wants, so a
number never wraps away from its unit). Words (month names, "under 1 min") come from console.<lang>.yml."""

from __future__ import annotations

import datetime as dt
from typing import Optional, Union
from zoneinfo import ZoneInfo

from bot.web.i18n import t

NBSP = "\u00a0"
NNBSP = "\u202f"  # narrow no-break space: the French thousands separator


def aware(moment: Optional[dt.datetime]) -> Optional[dt.datetime]:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _space(lang: str) -> str:
    return NBSP if lang == "fr" else " "


def number(value: Optional[Union[int, float]], lang: str = "en", decimals: int = 0) -> str:
    if value is None:
        return "—"
    text = f"{value:,.{decimals}f}"
    if lang == "fr":
        return text.replace(",", NNBSP).replace(".", ",")
    return text


def percent(rate: Optional[float], lang: str = "en") -> str:
    """A share (0..1) as a whole percentage."""
    if rate is None:
        return "—"
    return f"{number(rate * 100, lang)}{NBSP if lang == 'fr' else ''}%"


def minutes_text(minutes: Optional[float], lang: str = "en") -> str:
    """A median or similar, to a tenth of a minute."""
    return "—" if minutes is None else f"{number(minutes, lang, 1)}{_space(lang)}min"


def duration(minutes: Optional[float], lang: str = "en") -> str:
    """'under 1 min', '12 min', '2 h 5 min': for people, not machines."""
    if minutes is None:
        return "—"
    if minutes < 1:
        return t("console.time.under_a_minute", lang)
    whole, space = int(minutes), _space(lang)
    if whole < 60:
        return f"{whole}{space}min"
    hours, rest = divmod(whole, 60)
    return f"{hours}{space}h{space}{rest}{space}min" if rest else f"{hours}{space}h"


def clock(moment: dt.datetime, lang: str = "en") -> str:
    """14:30 in English, 14 h 30 in French (the Government of Canada's style)."""
    return f"{moment.hour}{NBSP}h{NBSP}{moment.minute:02d}" if lang == "fr" else moment.strftime("%H:%M")


def local_time(moment: Optional[dt.datetime], timezone: str, with_date: bool = False, lang: str = "en") -> str:
    """The time (and with_date, the ISO date first: unambiguous and sortable in both languages) in `timezone`."""
    if moment is None:
        return ""
    local = aware(moment).astimezone(ZoneInfo(timezone))
    return f"{local.strftime('%Y-%m-%d')} {clock(local, lang)}" if with_date else clock(local, lang)


def long_date(value: Union[str, dt.date, None], lang: str = "en") -> str:
    """'December 7, 2026' / '7 décembre 2026'; text that is no ISO date is shown as it is."""
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    month = t(f"console.time.months.m{value.month}", lang)
    day = "1er" if lang == "fr" and value.day == 1 else str(value.day)
    return t("console.time.long_date", lang, day=day, month=month, year=value.year)


def count(value: int, key: str, lang: str = "en") -> str:
    """'1 case', '3 cases' / '1 dossier', '3 dossiers': `key`.one or `key`.other (French: 0 and 1 are singular)."""
    singular = value in (0, 1) if lang == "fr" else value == 1
    return t(f"{key}.{'one' if singular else 'other'}", lang, count=number(value, lang))
