"""Turning a service's deadline rules and the life event's date into a date."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Sequence

from onewindow_catalogue.seed_format import DueRule, Period


def due_date(rules: Sequence[DueRule], event_date: dt.date | None) -> dt.date | None:
    """The first rule that holds for the event date gives the due date."""
    if event_date is None:
        return None
    for rule in rules:
        if rule.when_event_between and not _between(event_date, *rule.when_event_between):
            continue
        if rule.first or rule.soon:
            return None
        if rule.after is not None:
            return add_period(event_date, rule.after)
        if rule.on_day is not None:
            day = rule.on_day
            year = event_date.year + day.years_after
            return dt.date(year, day.month, min(day.day, calendar.monthrange(year, day.month)[1]))
    return None


def comes_first(rules: Sequence[DueRule]) -> bool:
    """A step with no sourced number of days that must still come before the others."""
    return any(rule.first for rule in rules)


def as_soon_as_possible(rules: Sequence[DueRule]) -> bool:
    """A step to take as soon as possible, for which no source gives a number of days."""
    return any(rule.soon for rule in rules)


def _between(date: dt.date, start: str, end: str) -> bool:
    month_day = date.strftime("%m-%d")
    return start <= month_day <= end


def add_period(start: dt.date, period: Period) -> dt.date:
    """Calendar arithmetic: months and years keep the day where the month allows."""
    months = period.months + 12 * period.years
    year, month = divmod(start.month - 1 + months, 12)
    year += start.year
    day = min(start.day, calendar.monthrange(year, month + 1)[1])
    return dt.date(year, month + 1, day) + dt.timedelta(days=period.days, weeks=period.weeks)
