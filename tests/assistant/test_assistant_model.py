"""The trained model end to end (NLU): needs models/onewindow.tar.gz (rasa train)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

pytestmark = pytest.mark.rasa

MODEL = Path(__file__).resolve().parents[2] / "models" / "onewindow.tar.gz"


@pytest.fixture(scope="module")
def agent():
    if not MODEL.exists():
        pytest.skip("no trained model: run `rasa train --fixed-model-name onewindow --out models`")
    from rasa.core.agent import Agent

    return Agent.load(str(MODEL))


def parse(agent, text):
    return asyncio.run(agent.parse_message(text))


@pytest.mark.parametrize(
    "text, intent",
    [
        ("I'm opening a bakery in Hamilton", "new_business"),
        ("we just had a baby", "birth"),
        ("my father passed away last night", "bereavement"),
        ("we moved to Ontario from Alberta", "new_to_ontario"),
        ("can I talk to a person", "request_human"),
        ("how do I renew my passport", "other_service"),
    ],
)
def test_intents(agent, text, intent):
    assert parse(agent, text)["intent"]["name"] == intent


def test_crisis_always_wins(agent):
    result = parse(agent, "my husband died and i dont wanna live anymore")
    assert result["intent"] == {"name": "crisis", "confidence": 1.0}
    assert result["intent_ranking"][0]["name"] == "crisis"


def test_facts_come_as_entities(agent):
    result = parse(agent, "my mom died and I'm taking over her cafe in Scarborough")
    entities = {e["entity"]: e["value"] for e in result["entities"]}
    assert entities["relationship_to_deceased"] == "child"
    assert entities["sells_food"] == "true"
    assert entities["municipality"] == "City of Toronto"


def test_warm_up_parses_and_predicts_without_storing_anything(agent):
    from bot.servers.rasa_warmup import SENDER, warm_up

    assert asyncio.run(warm_up(agent)) > 0
    assert asyncio.run(agent.tracker_store.retrieve(SENDER)) is None
