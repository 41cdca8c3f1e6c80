"""Staffed hours, e.g. "Mon-Fri 08:00-18:00" in Toronto time: outside them a
handoff offers a callback instead of a wait nobody will answer."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
SPEC = re.compile(r"^(?P<d1>[a-z]{3})(?:-(?P<d2>[a-z]{3}))?\s+(?P<h1>\d{2}):(?P<m1>\d{2})-(?P<h2>\d{2}):(?P<m2>\d{2})$")


def parse(spec: str) -> list:
    """'Mon-Fri 08:00-18:00; Sat 09:00-12:00' -> [(days, start, end), ...]; ValueError names the bad part."""
    windows = []
    for part in (p.strip().lower() for p in spec.split(";") if p.strip()):
        match = SPEC.match(part)
        if not match or match["d1"] not in DAYS or (match["d2"] and match["d2"] not in DAYS):
            raise ValueError(f"staffed hours {part!r}: expected e.g. 'Mon-Fri 08:00-18:00'")
        first, last = DAYS.index(match["d1"]), DAYS.index(match["d2"] or match["d1"])
        days = set(range(first, last + 1)) if first <= last else set(range(first, 7)) | set(range(0, last + 1))
        windows.append((days, dt.time(int(match["h1"]), int(match["m1"])), dt.time(int(match["h2"]), int(match["m2"]))))
    return windows


def is_staffed(spec: str, timezone: str, now: dt.datetime | None = None) -> bool:
    local = (now or dt.datetime.now(dt.timezone.utc)).astimezone(ZoneInfo(timezone))
    return any(local.weekday() in days and start <= local.time() < end for days, start, end in parse(spec))
