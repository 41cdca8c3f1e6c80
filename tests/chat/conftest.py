"""The chat API through the real app and router. Rasa's REST channel is the one
boundary replaced here (by an httpx transport that records what reached it);
the end-to-end suite talks to the real Rasa server."""

from __future__ import annotations

import json
from typing import Callable, List

import httpx
import pytest
from fastapi.testclient import TestClient

from bot.conversations.rasa_channel import RasaChannel


class RasaDouble:
    """Answers like Rasa's REST webhook with whatever `reply` returns, and keeps
    every request body so tests can check what Rasa was (not) sent."""

    def __init__(self) -> None:
        self.received: List[dict] = []
        self.reply: Callable[[dict], list] = lambda body: [{"recipient_id": body["sender"], "text": "Okay."}]
        self.down = False

    def handler(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.received.append(body)
        if self.down:
            return httpx.Response(503)
        return httpx.Response(200, json=self.reply(body))


@pytest.fixture()
def rasa():
    return RasaDouble()


@pytest.fixture()
def chat_app(seeded_app, rasa):
    seeded_app.state.router.bot = RasaChannel("http://rasa.test", transport=httpx.MockTransport(rasa.handler))
    seeded_app.state.router.settings.staffed_hours = "always"
    return seeded_app


@pytest.fixture()
def chat(chat_app):
    with TestClient(chat_app) as client:
        yield client
