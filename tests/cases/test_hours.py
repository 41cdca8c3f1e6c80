"""Staffed hours (bot/cases/hours.py) at hand-picked instants: the weekday, both
edges of a window, overnight windows, 24:00, 'always', and the time zone the
hours are written in. Every instant is given, none read from the machine's clock."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.cases import hours

TORONTO = "America/Toronto"


def at(text: str, zone: str = TORONTO) -> dt.datetime:
    """'2026-12-07 08:00' in `zone` (7 Dec 2026 is a Monday)."""
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=ZoneInfo(zone))


@pytest.mark.parametrize(
    "when, staffed",
    [
        ("2026-12-07 07:59", False),  # Monday, a minute before opening
        ("2026-12-07 08:00", True),  # the first minute is staffed
        ("2026-12-07 17:59", True),  # the last minute is staffed
        ("2026-12-07 18:00", False),  # the end is excluded
        ("2026-12-11 12:00", True),  # Friday
        ("2026-12-12 12:00", False),  # Saturday: the weekday decides
        ("2026-12-13 12:00", False),  # Sunday
    ],
)
def test_weekdays_and_edges_of_a_window(when, staffed):
    assert hours.is_staffed("Mon-Fri 08:00-18:00", TORONTO, at(when)) is staffed


def test_each_part_of_a_spec_keeps_its_own_days():
    spec = "Mon-Fri 08:00-18:00; Sat 09:00-12:00"
    assert hours.is_staffed(spec, TORONTO, at("2026-12-12 09:00"))  # Saturday morning
    assert not hours.is_staffed(spec, TORONTO, at("2026-12-12 13:00"))  # Saturday afternoon
    assert not hours.is_staffed(spec, TORONTO, at("2026-12-13 09:00"))  # Sunday: neither part


def test_a_day_range_may_wrap_past_sunday():
    spec = "Fri-Mon 10:00-11:00"
    staffed = {day: hours.is_staffed(spec, TORONTO, at(f"2026-12-{day:02d} 10:30")) for day in range(7, 14)}
    # 7 Mon, 8 Tue, 9 Wed, 10 Thu, 11 Fri, 12 Sat, 13 Sun
    assert staffed == {7: True, 8: False, 9: False, 10: False, 11: True, 12: True, 13: True}


@pytest.mark.parametrize(
    "when, staffed",
    [
        ("2026-12-11 21:59", False),  # Friday evening, before opening
        ("2026-12-11 22:00", True),  # Friday night
        ("2026-12-12 01:59", True),  # small hours of Saturday belong to Friday's window
        ("2026-12-12 02:00", False),
        ("2026-12-12 22:30", False),  # Saturday night is not open
        ("2026-12-11 01:00", False),  # small hours of Friday follow Thursday, which is closed
    ],
)
def test_an_end_before_the_start_runs_past_midnight(when, staffed):
    assert hours.is_staffed("Fri 22:00-02:00", TORONTO, at(when)) is staffed


def test_an_overnight_window_on_sunday_runs_into_monday():
    assert hours.is_staffed("Sun 20:00-06:00", TORONTO, at("2026-12-07 05:59"))  # Monday morning
    assert not hours.is_staffed("Sun 20:00-06:00", TORONTO, at("2026-12-08 05:59"))  # Tuesday morning


def test_the_whole_day_ends_at_24_00():
    assert hours.is_staffed("Mon-Sun 00:00-24:00", TORONTO, at("2026-12-12 23:59"))
    assert not hours.is_staffed("Mon-Sun 00:00-23:59", TORONTO, at("2026-12-12 23:59"))


@pytest.mark.parametrize("when", ["2026-12-07 00:00", "2026-12-12 23:59", "2026-12-13 12:00", "2026-07-01 03:00"])
def test_always_is_every_minute_of_every_day(when):
    assert hours.is_staffed("always", TORONTO, at(when))
    assert hours.is_staffed(" Always ", TORONTO, at(when))


def test_hours_are_read_in_the_configured_time_zone():
    # 13:30 UTC on a Monday in winter is 08:30 in Toronto (UTC-5), 05:30 in Vancouver (UTC-8).
    moment = dt.datetime(2026, 12, 7, 13, 30, tzinfo=dt.timezone.utc)
    assert hours.is_staffed("Mon-Fri 08:00-18:00", TORONTO, moment)
    assert not hours.is_staffed("Mon-Fri 08:00-18:00", "America/Vancouver", moment)
    # Saturday 02:00 UTC is still Friday 21:00 in Toronto: the local weekday counts, not UTC's.
    assert hours.is_staffed("Fri 20:00-22:00", TORONTO, dt.datetime(2026, 12, 12, 2, 0, tzinfo=dt.timezone.utc))


def test_summer_time_moves_the_utc_edges():
    # 08:00 in Toronto is 12:00 UTC in July (UTC-4) and 13:00 UTC in December (UTC-5).
    july_noon_utc = dt.datetime(2026, 7, 6, 12, 0, tzinfo=dt.timezone.utc)  # a Monday
    december_noon_utc = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.timezone.utc)  # a Monday
    assert hours.is_staffed("Mon-Fri 08:00-18:00", TORONTO, july_noon_utc)
    assert not hours.is_staffed("Mon-Fri 08:00-18:00", TORONTO, december_noon_utc)


def test_a_naive_time_is_refused_rather_than_read_in_the_machines_zone():
    with pytest.raises(ValueError, match="aware"):
        hours.is_staffed("always", TORONTO, dt.datetime(2026, 12, 7, 12, 0))


@pytest.mark.parametrize(
    "spec, message",
    [
        ("Mon-Fri 8-18", "expected e.g."),
        ("Funday 08:00-18:00", "expected e.g."),
        ("Mon-Xyz 08:00-18:00", "expected e.g."),
        ("Mon 25:00-26:00", "not a time of day"),
        ("Mon 08:60-18:00", "not a time of day"),
        ("Mon 24:00-23:00", "not a time of day"),  # 24:00 only ends a window
        ("Mon 08:00-08:00", "same time"),
        ("", "expected e.g."),
        (" ; ", "expected e.g."),
    ],
)
def test_a_bad_spec_is_a_clear_error_naming_the_part(spec, message):
    with pytest.raises(ValueError, match=message):
        hours.parse(spec)


def test_settings_refuse_bad_hours_and_unknown_zones_at_start_up(tmp_path):
    from pydantic import ValidationError

    from bot.settings import Settings

    assert Settings(data_dir=tmp_path, staffed_hours="always").staffed_hours == "always"
    with pytest.raises(ValidationError, match="staffed hours"):
        Settings(data_dir=tmp_path, staffed_hours="weekdays nine to five")
    with pytest.raises(ValidationError, match="time zone"):
        Settings(data_dir=tmp_path, timezone="Mars/Olympus_Mons")
