"""Where a birth or a death happened and where a newcomer came from, said in French (fact_cues.yml's French
places and verbs, fact_matcher.py's elision tokens): the facts the handoff rules and the arrival services read
must not depend on the language."""

from __future__ import annotations

import pytest
from support import MONDAY, facts_of

from bot.components.fact_matcher import default_matcher
from bot.components.spacy_loader import blank_english
from bot.handoff.rules import decide


@pytest.fixture(scope="module")
def matcher():
    return default_matcher()


@pytest.mark.parametrize(
    "text",
    [
        "ma grand-mère est décédée au Maroc le mois passé",
        "mon père est mort à l'hôpital de Gatineau",
        "notre oncle est decede en Algerie",  # no accents
        "papa s'est éteint en Côte d'Ivoire",
        "mon grand-père nous a quittés à Port-au-Prince",
        "ma conjointe est décédée en Colombie-Britannique pendant un voyage",
        "il est DCD au Liban depuis mardi",
        "ma tante vient de décéder aux États-Unis",
        "mon frère est mort à l'étranger",
        "mon mari est décédé dans une autre province",
    ],
)
def test_a_death_outside_ontario_said_in_french(matcher, text):
    assert facts_of(matcher, text).get("death_in_ontario") == "false"


@pytest.mark.parametrize(
    "text",
    [
        "mon père est décédé à Sudbury hier",
        "ma mère est morte à la maison",
        "mon conjoint est décédé en Ontario",
    ],
)
def test_a_death_in_ontario_said_in_french_is_not_outside(matcher, text):
    assert facts_of(matcher, text).get("death_in_ontario") == "true"


@pytest.mark.parametrize(
    "text",
    [
        "notre fils est né en Haïti",
        "ma femme a accouché aux États-Unis",
        "notre fille est née à Terre-Neuve-et-Labrador",
        "mon bébé est né à l'étranger",
        "ma soeur est née hors du Canada",
        "on a eu notre bébé en Floride pendant les vacances",
        "notre bébé est arrivé au Nouveau-Brunswick chez mes parents",
    ],
)
def test_a_birth_outside_ontario_said_in_french(matcher, text):
    assert facts_of(matcher, text).get("born_in_ontario") == "false"


def test_a_birth_in_an_ontario_town_said_in_french_is_in_ontario(matcher):
    assert facts_of(matcher, "notre fils est né à Ottawa")["born_in_ontario"] == "true"


@pytest.mark.parametrize(
    "text",
    [
        "je suis mort de rire en revenant du Maroc",  # an idiom, no death
        "je suis morte de fatigue après le vol de Paris",
        "si elle est décédée au Maroc, que faut-il faire?",  # only a possibility
        "mon père est décédé, il était du Liban",  # where he was from, not where he died
        "ma mère est décédée et nous sommes allés en Floride",  # another clause
    ],
)
def test_no_death_place_in_french_look_alikes(matcher, text):
    assert "death_in_ontario" not in facts_of(matcher, text)


@pytest.mark.parametrize(
    "text",
    [
        "je ne suis pas allé en France cette année",  # "ne" (unaccented "né") is the negation
        "je veux le certificat de naissance de mon fils",  # no place at all
        "ma fille est née, on habite à Toronto mais on vient du Maroc",  # the place is in another clause
    ],
)
def test_no_birth_place_in_french_look_alikes(matcher, text):
    assert facts_of(matcher, text).get("born_in_ontario") != "false"


@pytest.mark.parametrize(
    "text, value",
    [
        ("on arrive du Nouveau-Brunswick", "province"),
        ("je suis originaire de l'Île-du-Prince-Édouard", "province"),
        ("on a déménagé de la Nouvelle-Écosse en août", "province"),
        ("nous arrivons d'Algérie avec les enfants", "country"),
        ("elle est arrivée d'Haïti l'an dernier", "country"),
        ("nous sommes venus de Belgique", "country"),
        ("on vient du Cameroun et on habite à Ottawa", "country"),
        ("nous avons quitté la Syrie en 2023", "country"),
        ("on est arrivés de l'étranger", "country"),
    ],
)
def test_where_a_newcomer_came_from_said_in_french(matcher, text, value):
    assert facts_of(matcher, text).get("arrived_from") == value


@pytest.mark.parametrize(
    "text",
    [
        "je reviens du Maroc en vacances",  # back from a holiday: no arrival
        "ma mère vient de décéder en Floride",  # "vient de" is "has just", not "comes from"
        "ma femme vient d'accoucher en Haïti",
        "on a déménagé au Québec",  # going there, not coming from there
        "il faut appeler le consulat du Maroc",
        "mon grand-père nous a quitté au Maroc",  # "quitter" someone is dying, not leaving a country
    ],
)
def test_no_arrival_in_french_look_alikes(matcher, text):
    assert "arrived_from" not in facts_of(matcher, text)


def test_where_a_french_speaker_lives_is_still_the_municipality(matcher):
    found = facts_of(matcher, "ma mère est décédée en Floride, elle habitait Sudbury")
    assert found["death_in_ontario"] == "false"
    assert found["municipality"] == "City of Greater Sudbury"


@pytest.mark.parametrize(
    "text",
    ["I don't know, it's my dad's car", "we can't, c'mon, y'all", "Val-d'Or and St. John's at 5 o'clock"],
)
def test_elision_tokens_leave_english_tokens_alone(matcher, text):
    assert [t.text for t in matcher.nlp.make_doc(text)] == [t.text for t in blank_english().make_doc(text)]


@pytest.mark.parametrize(
    "text, events, reason",
    [
        (
            "ma mère est décédée en Floride, elle habitait Sudbury",
            ["bereavement"],
            "complex_case:death_outside_ontario",
        ),
        ("mon père est mort au Maroc pendant l'été", ["bereavement"], "complex_case:death_outside_ontario"),
        ("notre fille est née au Mexique pendant nos vacances", ["birth"], "complex_case:birth_outside_ontario"),
        ("ma conjointe a accouché en Belgique chez sa mère", ["birth"], "complex_case:birth_outside_ontario"),
    ],
)
def test_french_events_outside_ontario_reach_a_person(matcher, text, events, reason):
    entities = [{"entity": m.fact, "value": m.value} for m in matcher.extract(text, today=MONDAY)]
    handoff = decide("inform", text, entities, events)
    assert handoff.needed and handoff.reason == reason


@pytest.mark.parametrize(
    "text, events",
    [
        ("mon père est décédé à Sudbury, il habitait Sudbury", ["bereavement"]),
        ("notre fils est né à Ottawa la semaine passée", ["birth"]),
    ],
)
def test_french_events_in_ontario_stay_self_service(matcher, text, events):
    entities = [{"entity": m.fact, "value": m.value} for m in matcher.extract(text, today=MONDAY)]
    assert not decide("inform", text, entities, events).needed


@pytest.mark.parametrize(
    "text, fact, value",
    [
        ("ma mère est décédée le 3 mars", "death_date", "2026-03-03"),
        ("mon père est mort mardi dernier à Sudbury", "death_date", "2026-11-17"),
        ("notre fille est née hier", "birth_date", "2026-11-22"),
        ("nous sommes arrivés au Canada le 15 octobre", "arrival_date", "2026-10-15"),
    ],
)
def test_a_date_said_in_passing_in_french_is_the_event_date(matcher, text, fact, value):
    assert facts_of(matcher, text).get(fact) == value


def test_a_date_after_a_french_idiom_with_mort_is_no_death_date(matcher):
    assert "death_date" not in facts_of(matcher, "je suis mort de rire hier")


def test_a_date_in_another_french_clause_is_not_the_death_date(matcher):
    assert "death_date" not in facts_of(matcher, "mon père est décédé et nous avons déménagé le 3 mars")


@pytest.mark.parametrize(
    "text, fact, value",
    [
        ("on arrive de la C.-B. avec les enfants", "arrived_from", "province"),
        ("on arrive des T.N.-O.", "arrived_from", "province"),
        ("il est décédé aux É.-U.", "death_in_ontario", "false"),
        ("ma mère est morte aux States", "death_in_ontario", "false"),
    ],
)
def test_french_abbreviations_and_slang_for_places(matcher, text, fact, value):
    assert facts_of(matcher, text).get(fact) == value
