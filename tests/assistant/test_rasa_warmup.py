"""The Rasa server warms its agent before it takes requests (bot/servers/rasa_warmup.py); the real model's
warm-up is in test_assistant_model.py."""

from __future__ import annotations

import asyncio

import pytest
import rasa.core.run

from bot.servers import rasa_warmup


class Agent:
    def __init__(self, ready: bool = True) -> None:
        self.ready = ready

    def is_ready(self) -> bool:
        return self.ready


@pytest.fixture
def loader(monkeypatch):
    loaded = Agent()

    async def load_agent_on_start(*args, **kwargs):
        return loaded

    monkeypatch.setattr(rasa.core.run, "load_agent_on_start", load_agent_on_start)
    monkeypatch.setattr(rasa_warmup, "_installed", False)
    return loaded


def test_the_loaded_agent_is_warmed_before_it_is_returned(loader, monkeypatch):
    warmed = []

    async def warm_up(agent):
        warmed.append(agent)
        return 0.1

    monkeypatch.setattr(rasa_warmup, "warm_up", warm_up)
    rasa_warmup.install()
    assert asyncio.run(rasa.core.run.load_agent_on_start("model", None, None, None, None)) is loader
    assert warmed == [loader]


def test_a_failed_warm_up_still_serves_the_agent(loader, monkeypatch, caplog):
    async def warm_up(agent):
        raise RuntimeError("no graph")

    monkeypatch.setattr(rasa_warmup, "warm_up", warm_up)
    rasa_warmup.install()
    assert asyncio.run(rasa.core.run.load_agent_on_start("model", None, None, None, None)) is loader
    assert "Warm-up failed" in caplog.text


def test_an_agent_without_a_model_is_not_warmed(loader, monkeypatch):
    loader.ready = False
    monkeypatch.setattr(rasa_warmup, "warm_up", lambda agent: pytest.fail("warmed an agent with no model"))
    rasa_warmup.install()
    assert asyncio.run(rasa.core.run.load_agent_on_start("model", None, None, None, None)) is loader
