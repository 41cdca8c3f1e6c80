"""French requests for a person (bot/handoff/complex_cases.yml `asks_for_person_fr`): each rule finds its own
example and not its look-alike; asking whether a person is needed, or whether the assistant is one, is no
request; English requests are unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.handoff.rules import ASKED_FOR_PERSON, CASES_PATH, asks_for_person, decide

CASES = yaml.safe_load(Path(CASES_PATH).read_text(encoding="utf-8"))
RULES = CASES["asks_for_person_fr"]
UNLESS = CASES["asks_for_person_unless_fr"]


def _id(entry):
    return entry["fires"][:40]


@pytest.mark.parametrize("entry", RULES, ids=_id)
def test_a_french_request_rule_finds_its_example_and_not_its_look_alike(entry):
    import re

    assert re.search(entry["pattern"], entry["fires"], re.IGNORECASE), "the rule itself must match its example"
    assert asks_for_person(entry["fires"])
    assert not asks_for_person(entry["quiet"])


@pytest.mark.parametrize("entry", UNLESS, ids=_id)
def test_asking_whether_a_person_is_needed_is_no_request(entry):
    import re

    assert re.search(entry["pattern"], entry["quiet"], re.IGNORECASE)
    assert not asks_for_person(entry["quiet"])
    assert asks_for_person(entry["fires"])


@pytest.mark.parametrize(
    "text",
    [
        "parler a un agent",
        "je veux parler à quelqu'un",
        "une vraie personne",
        "Je voudrais parler à une vraie personne, s'il vous plaît",
        "mon père est décédé pis j'aimerais parler à quelqu'un",
        "transférez-moi à un agent",
        "est-ce qu'un agent peut me rappeler?",
        "AGENT SVP",
    ],
)
def test_french_requests_for_a_person_hand_over(text):
    handoff = decide(None, text, None, [])
    assert handoff.needed and handoff.reason == ASKED_FOR_PERSON


@pytest.mark.parametrize(
    "text",
    ["personne", "il n'y a personne d'autre dans la famille", "ça me rappelle mon père", "c'est-tu un robot?"],
)
def test_french_look_alikes_do_not_hand_over(text):
    assert not asks_for_person(text)


def test_english_requests_are_unchanged():
    assert asks_for_person("talk to a person")
    assert asks_for_person("agent please")
    assert not asks_for_person("are you a real person")
