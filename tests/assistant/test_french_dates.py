"""French dates (bot/components/dates.py): the relative and day-of-month forms people in Ontario write, read
against a fixed Monday; what is no date stays none; English readings are unchanged."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.components.dates import find_date, parse_date

MONDAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    "text,past,expected",
    [
        ("hier", True, dt.date(2026, 11, 22)),
        ("mon père est décédé hier soir", True, dt.date(2026, 11, 22)),
        ("avant-hier", True, dt.date(2026, 11, 21)),
        ("avant hier", True, dt.date(2026, 11, 21)),
        ("après-demain", False, dt.date(2026, 11, 25)),
        ("il y a 3 jours", True, dt.date(2026, 11, 20)),
        ("y'a deux semaines", True, dt.date(2026, 11, 9)),
        ("ça fait une semaine", True, dt.date(2026, 11, 16)),
        ("la semaine passée", True, dt.date(2026, 11, 16)),
        ("la semaine derniere", True, dt.date(2026, 11, 16)),
        ("mardi passé", True, dt.date(2026, 11, 17)),
        ("vendredi dernier", True, dt.date(2026, 11, 20)),
        ("mardi prochain", False, dt.date(2026, 11, 24)),
        ("le 12 mars", True, dt.date(2026, 3, 12)),
        ("le 1er mars", True, dt.date(2026, 3, 1)),
        ("le 3 février 2025", True, dt.date(2025, 2, 3)),
        ("on est arrivés le 5", True, dt.date(2026, 11, 5)),
        ("aujourd’hui", False, MONDAY),
    ],
)
def test_french_dates_are_read(text, past, expected):
    assert parse_date(text, MONDAY, past=past) == expected


@pytest.mark.parametrize(
    "text",
    ["il avait 62 ans", "le 12 rue Principale", "on arrive a 10 h", "j'ai 3 enfants", "le 15 %", "bonjour"],
)
def test_what_is_no_french_date_gives_none(text):
    assert parse_date(text, MONDAY, past=True) is None


def test_the_french_words_are_located():
    found = find_date("il est décédé il y a 3 jours à Sudbury", MONDAY, past=True)
    assert found and "il est décédé il y a 3 jours à Sudbury"[found.start : found.end] == "il y a 3 jours"


def test_english_readings_are_unchanged():
    assert parse_date("two weeks ago", MONDAY, past=True) == dt.date(2026, 11, 9)
    assert parse_date("last Tuesday", MONDAY, past=True) == dt.date(2026, 11, 17)
    assert parse_date("the 5th", MONDAY, past=True) == dt.date(2026, 11, 5)
