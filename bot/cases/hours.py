"""Staffed hours, e.g. "Mon-Fri 08:00-18:00" in Toronto time: outside them a
handoff offers a callback instead of a wait nobody will answer.

The clock is always passed in (`now`, an aware datetime), so the answer depends
on the time asked about, never on when a test happens to run. "always" means a
desk that never closes (a 24/7 line, or a test that expects a handoff); a
window's end may be 24:00, and an end before its start runs past midnight
("Fri 22:00-02:00" is Friday night until 2 a.m. on Saturday)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import FrozenSet, List
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ALWAYS = "always"
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
SPEC = re.compile(r"^(?P<d1>[a-z]{3})(?:-(?P<d2>[a-z]{3}))?\s+(?P<h1>\d{2}):(?P<m1>\d{2})-(?P<h2>\d{2}):(?P<m2>\d{2})$")
DAY_MINUTES = 24 * 60


@dataclass(frozen=True)
class Window:
    """Open from `start` to `end` (minutes after midnight, end excluded) on each
    of `days` (0 = Monday); an end at or before the start is on the next day."""

    days: FrozenSet[int]
    start: int
    end: int

    def covers(self, weekday: int, minute: int) -> bool:
        if self.start < self.end:
            return weekday in self.days and self.start <= minute < self.end
        # Overnight: the evening of an open day, or the small hours after it.
        return (weekday in self.days and minute >= self.start) or ((weekday - 1) % 7 in self.days and minute < self.end)


def _minutes(part: str, hour: str, minute: str, *, end: bool) -> int:
    value = int(hour) * 60 + int(minute)
    if int(minute) > 59 or value > DAY_MINUTES or (value == DAY_MINUTES and not end):
        raise ValueError(f"staffed hours {part!r}: {hour}:{minute} is not a time of day (00:00 to 24:00)")
    return value


def parse(spec: str) -> List[Window]:
    """'Mon-Fri 08:00-18:00; Sat 09:00-12:00' -> windows; 'always' -> one window
    that never closes. ValueError names the bad part."""
    if spec.strip().lower() == ALWAYS:
        return [Window(frozenset(range(7)), 0, DAY_MINUTES)]
    windows = []
    for part in (p.strip().lower() for p in spec.split(";") if p.strip()):
        match = SPEC.match(part)
        if not match or match["d1"] not in DAYS or (match["d2"] and match["d2"] not in DAYS):
            raise ValueError(f"staffed hours {part!r}: expected e.g. 'Mon-Fri 08:00-18:00' (or '{ALWAYS}')")
        first, last = DAYS.index(match["d1"]), DAYS.index(match["d2"] or match["d1"])
        days = set(range(first, last + 1)) if first <= last else set(range(first, 7)) | set(range(0, last + 1))
        start = _minutes(part, match["h1"], match["m1"], end=False)
        end = _minutes(part, match["h2"], match["m2"], end=True)
        if start == end:
            raise ValueError(f"staffed hours {part!r}: the window opens and closes at the same time")
        windows.append(Window(frozenset(days), start, end))
    if not windows:
        raise ValueError(f"staffed hours {spec!r}: expected e.g. 'Mon-Fri 08:00-18:00' (or '{ALWAYS}')")
    return windows


def check(spec: str, timezone: str) -> None:
    """ValueError when the setting or the time zone cannot be used (at start-up, not at the first handoff)."""
    parse(spec)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"time zone {timezone!r} is unknown (e.g. 'America/Toronto')") from error


def is_staffed(spec: str, timezone: str, now: dt.datetime) -> bool:
    """Whether someone answers at `now` (an aware datetime, read in `timezone`)."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("is_staffed needs an aware datetime (a naive one would be read in the machine's zone)")
    local = now.astimezone(ZoneInfo(timezone))
    minute = local.hour * 60 + local.minute
    return any(window.covers(local.weekday(), minute) for window in parse(spec))


def utcnow() -> dt.datetime:
    """The real clock, the default of whoever asks `is_staffed`."""
    return dt.datetime.now(dt.timezone.utc)
