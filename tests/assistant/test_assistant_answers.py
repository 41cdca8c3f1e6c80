"""Understanding answers: buttons, entities, free text, don't know and skip."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.assistant.answers import NONE, SKIP, UNKNOWN, VALUE, parse_answer
from bot.components.dates import parse_date
from bot.components.fact_matcher import default_matcher

TODAY = dt.date(2025, 6, 15)


@pytest.fixture(scope="module")
def matcher():
    return default_matcher()


def answer(snapshot, fact, text="", **kwargs):
    kwargs.setdefault("matcher", default_matcher())
    kwargs.setdefault("today", TODAY)
    return parse_answer(snapshot, fact, text=text, **kwargs)


def test_button_payloads(seed_snapshot):
    payload = [{"entity": "answer", "value": "true"}]
    assert answer(seed_snapshot, "has_employees", '/inform{"answer": "true"}', entities=payload).value is True
    choice = [{"entity": "answer", "value": "corporation"}]
    assert answer(seed_snapshot, "business_structure", "/inform", entities=choice).value == "corporation"
    skip = [{"entity": "answer", "value": "skip"}]
    assert answer(seed_snapshot, "has_employees", "/dont_know", intent="dont_know", entities=skip).kind == SKIP
    assert answer(seed_snapshot, "has_employees", "/dont_know", intent="dont_know").kind == UNKNOWN


@pytest.mark.parametrize(
    "text, value",
    [
        ("yes", True),
        ("Yeah, two people", True),
        ("nope", False),
        ("no we won't", False),
        ("we will", True),
        ("not yet", False),
        ("just me", False),
        ("we'll hire 3 staff", True),
    ],
)
def test_yes_no_answers(seed_snapshot, text, value):
    result = answer(seed_snapshot, "has_employees", text)
    assert (result.kind, result.value) == (VALUE, value)


@pytest.mark.parametrize("text", ["I don't know", "not sure", "no idea", "idk", "dunno"])
def test_dont_know_in_words(seed_snapshot, text):
    assert answer(seed_snapshot, "has_will", text).kind == UNKNOWN


@pytest.mark.parametrize("text", ["skip", "pass", "next question"])
def test_skip_in_words(seed_snapshot, text):
    assert answer(seed_snapshot, "has_will", text).kind == SKIP


def test_intent_decides_when_words_do_not(seed_snapshot):
    assert answer(seed_snapshot, "has_will", "absolutely he did", intent="affirm").value is True
    assert answer(seed_snapshot, "has_will", "hmm", intent="deny").value is False
    assert answer(seed_snapshot, "has_will", "hmm", intent="inform").kind == NONE


@pytest.mark.parametrize(
    "fact, text, value",
    [
        ("relationship_to_deceased", "she was my mom", "child"),
        ("relationship_to_deceased", "my husband", "spouse"),
        ("relationship_to_deceased", "Brother or sister", "sibling"),
        ("business_structure", "sole proprietorship", "sole_proprietorship"),
        ("business_structure", "we'll incorporate", "corporation"),
        ("arrived_from", "from Quebec", "province"),
        ("arrived_from", "another country", "country"),
        ("immigration_status", "permanent resident", "permanent_resident"),
        ("incorporation_jurisdiction", "federally", "federal"),
    ],
)
def test_choices(seed_snapshot, fact, text, value):
    result = answer(seed_snapshot, fact, text)
    assert (result.kind, result.value) == (VALUE, value)


def test_choice_not_understood(seed_snapshot):
    assert answer(seed_snapshot, "business_structure", "something else entirely").kind == NONE


@pytest.mark.parametrize(
    "text, value",
    [
        ("Toronto", "City of Toronto"),
        ("i live in thunder bay", "City of Thunder Bay"),
        ("Scarborough", "City of Toronto"),
        ("king", "Township of King"),
        ("we're in the Soo", "City of Sault Ste. Marie"),
    ],
)
def test_municipality_answers(seed_snapshot, text, value):
    result = answer(seed_snapshot, "municipality", text)
    assert (result.kind, result.value) == (VALUE, value)


def test_municipality_outside_ontario_is_not_understood(seed_snapshot):
    assert answer(seed_snapshot, "municipality", "Montreal").kind == NONE


def test_entity_from_the_message_answers_the_question(seed_snapshot):
    entities = [{"entity": "municipality", "value": "City of Ottawa"}]
    assert (
        answer(seed_snapshot, "municipality", "it's Ottawa", entities=entities, matcher=None).value == "City of Ottawa"
    )


def test_dates(seed_snapshot):
    assert answer(seed_snapshot, "birth_date", "2025-06-01").value == "2025-06-01"
    assert answer(seed_snapshot, "birth_date", "June 1st").value == "2025-06-01"
    assert answer(seed_snapshot, "death_date", "yesterday").value == "2025-06-14"
    # no year: the closest past date for a death, the closest date for a due date
    assert answer(seed_snapshot, "death_date", "December 20").value == "2024-12-20"
    assert answer(seed_snapshot, "birth_date", "August 2").value == "2025-08-02"
    assert answer(seed_snapshot, "birth_date", "soon").kind == NONE


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024-03-15", dt.date(2024, 3, 15)),
        ("March 15, 2024", dt.date(2024, 3, 15)),
        ("15 March 2024", dt.date(2024, 3, 15)),
        ("the 3rd of May 2025", dt.date(2025, 5, 3)),
        ("25/12/2024", dt.date(2024, 12, 25)),
        ("12/25/2024", dt.date(2024, 12, 25)),
        ("03/04/2024", None),
        ("two weeks ago", dt.date(2025, 6, 1)),
        ("today", TODAY),
        ("2024-02-30", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text, TODAY) == expected
