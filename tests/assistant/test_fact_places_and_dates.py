"""Where a birth or a death happened, dates said in passing, and an agent relaying a caller
(bot/components/fact_matcher.py, dates.py; cues in fact_cues.yml)."""

from __future__ import annotations

import datetime as dt

import pytest
from support import MONDAY, facts_of

from bot.components.dates import find_date, parse_date
from bot.components.fact_matcher import default_matcher


@pytest.fixture(scope="module")
def matcher():
    return default_matcher()


@pytest.mark.parametrize(
    "text, fact, value",
    [
        ("i had my son in a hospital in Buffalo NY but we live in Niagara Falls ON", "born_in_ontario", "false"),
        ("my baby was born in Mexico while we were on vacation", "born_in_ontario", "false"),
        ("our daughter was born at Scarborough General", "born_in_ontario", "true"),
        ("Our baby arrived in Montreal while we were visiting family", "born_in_ontario", "false"),
        ("my husband died in Alberta but we lived in Ottawa", "death_in_ontario", "false"),
        ("my dad died in Hamilton last week", "death_in_ontario", "true"),
        ("he was born in Toronto and died in Jamaica", "death_in_ontario", "false"),
    ],
)
def test_a_place_after_the_event_says_where_it_happened(matcher, text, fact, value):
    assert facts_of(matcher, text).get(fact) == value


@pytest.mark.parametrize(
    "text, fact",
    [
        ("I was born and raised in India, now my son was born here", "born_in_ontario"),  # another clause
        ("if he was born in the US what do we do", "born_in_ontario"),  # only a possibility
        ("my mom died, she was from Jamaica", "death_in_ontario"),  # where she was from, not where she died
        ("grandma died and we flew to Florida", "death_in_ontario"),
    ],
)
def test_a_place_elsewhere_in_the_message_does_not(matcher, text, fact):
    assert fact not in facts_of(matcher, text)


def test_where_the_caller_lives_is_still_the_municipality(matcher):
    found = facts_of(matcher, "i had my son in a hospital in Buffalo NY but we live in Niagara Falls ON")
    assert found["municipality"] == "City of Niagara Falls"


def test_an_agent_relaying_a_caller_speaks_of_the_caller_in_the_third_person(matcher):
    assert facts_of(matcher, "caller says her father passed away last night")["relationship_to_deceased"] == "child"
    assert facts_of(matcher, "the caller's husband died on Friday")["relationship_to_deceased"] == "spouse"
    # without a caller, "her father" is someone else's father
    assert facts_of(matcher, "her father passed away")["relationship_to_deceased"] == "other_relative"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("my dad passed away on March 3rd and the funeral is on Friday", {"death_date": "2026-03-03"}),
        ("baby was born yesterday in Ottawa", {"birth_date": "2026-11-22"}),
        ("our son was born on the 5th", {"birth_date": "2026-11-05"}),
        ("we landed on November 2, 2026", {"arrival_date": "2026-11-02"}),
        ("opening my bakery on January 15", {"business_start_date": "2027-01-15"}),
        (
            "my wife gave birth 3 days ago and my mother died last Tuesday",
            {"birth_date": "2026-11-20", "death_date": "2026-11-17"},
        ),
        ("my mom died Tuesday", {"death_date": "2026-11-17"}),
    ],
)
def test_dates_said_in_passing_belong_to_their_event(matcher, text, expected):
    found = facts_of(matcher, text)
    assert {fact: found.get(fact) for fact in expected} == expected


@pytest.mark.parametrize(
    "text",
    [
        "grandpa's funeral was Tuesday",  # the funeral's date, not the death's
        "he didn't die yesterday",
        "the baby is due March 3",  # a due date is not a birth date
        "I sat down with my dad before he died",
    ],
)
def test_dates_without_their_event_words_are_left_alone(matcher, text):
    found = facts_of(matcher, text)
    assert not {"death_date", "birth_date", "arrival_date", "business_start_date"} & set(found)


def test_date_offsets_point_at_the_words(matcher):
    text = "My father passed away on March 3rd, 2025, in Kingston"
    (mention,) = [m for m in matcher.extract(text, today=MONDAY) if m.fact == "death_date"]
    assert mention.value == "2025-03-03"
    assert text[mention.start : mention.end] == mention.text == "March 3rd, 2025"


@pytest.mark.parametrize(
    "text, past, expected",
    [
        ("last Tuesday", False, dt.date(2026, 11, 17)),
        ("next friday", False, dt.date(2026, 11, 27)),
        ("on Monday", True, dt.date(2026, 11, 16)),  # said on a Monday: last week's
        ("on Monday", False, None),  # which way is unclear
        ("I sat down", True, None),
        ("the 25th", True, dt.date(2026, 10, 25)),
        ("the 25th", False, dt.date(2026, 11, 25)),
        ("the 31st", False, dt.date(2026, 10, 31)),  # November has none: the closest one
    ],
)
def test_weekdays_and_days_of_the_month(text, past, expected):
    assert parse_date(text, MONDAY, past=past) == expected


def test_find_date_says_where(matcher):
    found = find_date("he died 2 weeks ago", MONDAY, past=True)
    assert (found.date, found.start, found.end) == (dt.date(2026, 11, 9), 8, 19)


def test_what_the_first_message_settles_is_not_asked_again(matcher, seed_snapshot):
    from bot.assistant import conversation as conv
    from bot.components.fact_extractor import mention_to_entity

    state = conv.State(events=["bereavement"])
    text = "my dad passed away yesterday in Hamilton"
    conv.merge_entities(seed_snapshot, state, [mention_to_entity(m) for m in matcher.extract(text, today=MONDAY)])
    assert state.facts["death_date"] == "2026-11-22"
    assert state.facts["relationship_to_deceased"] == "child"
    asked = {q["fact"] for q in conv.open_questions(seed_snapshot, state)}
    assert not {"death_date", "municipality", "relationship_to_deceased"} & asked
    # the bundle's deadlines count from that date
    bundle = conv.bundle_for(seed_snapshot, state, today=MONDAY)
    dates = {s["id"]: (s.get("deadline") or {}).get("date") for s in bundle["services"]}
    assert dates["ca-cpp-death-benefit"] == "2027-01-21"  # 60 days after the death


def test_relative_dates_are_read_in_ontario_time():
    """9 p.m. in Toronto on November 23 is 02:00 UTC on November 24: yesterday is still the 22nd."""
    from bot.components.dates import local_today

    today = local_today(dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.timezone.utc))
    assert today == dt.date(2026, 11, 23)
    assert parse_date("yesterday", today) == dt.date(2026, 11, 22)


@pytest.mark.parametrize("spec", [None, ["died"], {"past": True}])
def test_a_malformed_dates_entry_is_refused_clearly(spec):
    from bot.components.fact_matcher import FactMatcher

    with pytest.raises(ValueError, match="dates.death_date needs words"):
        FactMatcher({"dates": {"death_date": spec}}, [])
