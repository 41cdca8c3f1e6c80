"""FactExtractor: rule-based facts from free text (cues in bot/components/fact_cues.yml)."""

from __future__ import annotations

import pytest
import yaml

from bot.components.fact_matcher import CUES_PATH, default_matcher


@pytest.fixture(scope="module")
def matcher():
    return default_matcher()


def facts_of(matcher, text, **kwargs):
    return {m.fact: m.value for m in matcher.extract(text, **kwargs)}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("my mother died last week", {"relationship_to_deceased": "child"}),
        ("My mom passed away on Tuesday", {"relationship_to_deceased": "child"}),
        ("my husband passed suddenly", {"relationship_to_deceased": "spouse", "death_unexpected": "true"}),
        ("my son died", {"relationship_to_deceased": "parent"}),
        ("our baby was stillborn", {"relationship_to_deceased": "parent"}),
        ("my brother died and I'm the executor", {"relationship_to_deceased": "sibling", "is_executor": "true"}),
        ("My wife's father died", {"relationship_to_deceased": "other_relative"}),
        ("we're dealing with his mom's estate", {"relationship_to_deceased": "other_relative"}),
        ("I'm his daughter, he died yesterday", {"relationship_to_deceased": "child"}),
        (
            "grandma passed away and there's no will",
            {"relationship_to_deceased": "other_relative", "has_will": "false"},
        ),
    ],
)
def test_relationship_is_seen_from_the_writer(matcher, text, expected):
    found = facts_of(matcher, text)
    for fact, value in expected.items():
        assert found.get(fact) == value, (text, found)


def test_relationship_needs_a_death_nearby(matcher):
    assert "relationship_to_deceased" not in facts_of(matcher, "my husband and I are opening a bakery")
    assert "relationship_to_deceased" not in facts_of(matcher, "my wife and I run a real estate business")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("we will incorporate the company", {"business_structure": "corporation"}),
        ("I'm a sole proprietor", {"business_structure": "sole_proprietorship"}),
        ("it's just me, no employees", {"business_structure": "sole_proprietorship", "has_employees": "false"}),
        ("my business partner and I are opening a salon", {"business_structure": "partnership"}),
        ("we plan to hire three staff", {"has_employees": "true"}),
        ("not hiring anyone yet", {"has_employees": "false"}),
        ("we won't have employees", {"has_employees": "false"}),
        ("opening a bakery", {"sells_food": "true"}),
        ("launching a food truck", {"sells_food": "true"}),
        ("a little café with a liquor licence", {"sells_food": "true", "sells_alcohol": "true"}),
        ("opening a craft brewery", {"sells_alcohol": "true"}),
        ("starting a roofing company", {"construction_work": "true"}),
        (
            "going to incorporate federally",
            {"business_structure": "corporation", "incorporation_jurisdiction": "federal"},
        ),
        ("we expect over $50,000 in sales a year", {"revenue_over_30k": "true"}),
    ],
)
def test_business_cues(matcher, text, expected):
    found = facts_of(matcher, text)
    for fact, value in expected.items():
        assert found.get(fact) == value, (text, found)


def test_look_alikes_do_not_fire(matcher):
    assert "sells_alcohol" not in facts_of(matcher, "opening a juice bar")
    assert "construction_work" not in facts_of(matcher, "I'm an independent contractor doing IT work")
    assert "has_employees" not in facts_of(matcher, "do I need WSIB if I hire someone?")
    assert "business_structure" not in facts_of(matcher, "sole proprietorship or corporation, which is better?")
    assert "immigration_status" not in facts_of(matcher, "I want to become a citizen")


@pytest.mark.parametrize(
    "text, official",
    [
        ("I live in Toronto", "City of Toronto"),
        ("we're in scarborough", "City of Toronto"),
        ("opening a cafe in Streetsville", "City of Mississauga"),
        ("moving to Thunder Bay", "City of Thunder Bay"),
        ("a shop in the Township of King", "Township of King"),
        ("we live in King", "Township of King"),
        ("near Tiny, on the bay", "Township of Tiny"),
        ("in Sault Ste Marie", "City of Sault Ste. Marie"),
        # a capitalised "St." is one token, a lower-case "st." two: both are the city
        ("he was on ODSP in St. Catharines. Any help?", "City of St. Catharines"),
        ("she lived in st. catharines", "City of St. Catharines"),
    ],
)
def test_municipalities_map_to_official_names(matcher, text, official):
    assert facts_of(matcher, text).get("municipality") == official


def test_ambiguous_municipality_names_need_capital_and_place_word(matcher):
    assert "municipality" not in facts_of(matcher, "the king of the castle")
    assert "municipality" not in facts_of(matcher, "a tiny home business")
    assert "municipality" not in facts_of(matcher, "I'm strong enough")
    # answering "which town?" is context enough
    assert facts_of(matcher, "king", contextual=False, only=["municipality"]) == {"municipality": "Township of King"}


def test_where_people_came_from_is_not_where_they_live(matcher):
    found = facts_of(matcher, "we moved from Windsor to Ottawa")
    assert found["municipality"] == "City of Ottawa"
    found = facts_of(matcher, "I moved here from London, England")
    assert "municipality" not in found
    assert found["arrived_from"] == "country"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("we moved from Alberta last month", {"arrived_from": "province"}),
        ("just arrived from the Philippines", {"arrived_from": "country"}),
        ("just landed at Pearson", {"arrived_from": "country"}),
        ("we are permanent residents", {"immigration_status": "permanent_resident"}),
        ("I came on a work permit", {"immigration_status": "temporary_worker"}),
        ("I'm an international student", {"immigration_status": "student"}),
        ("we made a refugee claim", {"immigration_status": "refugee_claimant"}),
        ("I'm a Canadian citizen moving back", {"immigration_status": "citizen"}),
        ("looking for work in my field", {"looking_for_work": "true"}),
        ("I was a nurse back home", {"internationally_trained": "true"}),
    ],
)
def test_newcomer_cues(matcher, text, expected):
    found = facts_of(matcher, text)
    for fact, value in expected.items():
        assert found.get(fact) == value, (text, found)


def test_alberta_without_from_is_not_an_origin(matcher):
    assert "arrived_from" not in facts_of(matcher, "my sister lives in Alberta")


def test_offsets_point_at_the_words(matcher):
    text = "Opening a bakery in Scarborough"
    for mention in matcher.extract(text):
        assert text[mention.start : mention.end] == mention.text


def test_cues_use_facts_and_values_from_the_catalogue(seed_catalogue):
    cues = yaml.safe_load(CUES_PATH.read_text(encoding="utf-8"))
    facts = {fact.id: fact for fact in seed_catalogue.facts}
    for fact_id, groups in cues["facts"].items():
        assert fact_id in facts, f"fact_cues.yml: unknown fact {fact_id}"
        fact = facts[fact_id]
        allowed = {"true", "false"} if fact.type == "boolean" else set(fact.value_ids)
        for key, spec in groups.items():
            if key == "_ignore":
                continue
            value = str((spec or {}).get("value", key))
            assert value in allowed, f"fact_cues.yml: {fact_id} has no value {value!r}"


def test_rasa_component_adds_entities():
    from rasa.shared.nlu.constants import ENTITIES
    from rasa.shared.nlu.training_data.message import Message

    from bot.components.fact_extractor import FactExtractor

    component = FactExtractor(FactExtractor.get_default_config())
    message = Message.build(text="my dad died and we're taking over his restaurant in Hamilton")
    component.process([message])
    entities = {e["entity"]: e for e in message.get(ENTITIES)}
    assert entities["relationship_to_deceased"]["value"] == "child"
    assert entities["sells_food"]["value"] == "true"
    assert entities["municipality"]["value"] == "City of Hamilton"
    assert entities["municipality"]["extractor"] == "FactExtractor"
    payload = Message.build(text='/inform{"answer": "true"}')
    component.process([payload])
    assert not payload.get(ENTITIES)
