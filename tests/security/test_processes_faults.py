"""Failures behind the router reach the citizen as a clear message with a way
forward, and are logged: Rasa's REST channel answering nothing, or reporting
that a custom action failed (its action server killed mid-conversation).
Also: the web app's Rasa client sends the Rasa token and keeps one HTTP client."""

from __future__ import annotations

import asyncio
import json
import logging

import httpx
import pytest

from bot.conversations.rasa_channel import FAILURE_KEY, BotUnavailable, RasaChannel

UNAVAILABLE = "the assistant isn't answering right now"


def _channel(handler, **kwargs) -> RasaChannel:
    return RasaChannel("http://rasa.test", transport=httpx.MockTransport(handler), **kwargs)


def _send(channel: RasaChannel, text: str = "hello"):
    return asyncio.run(channel.send("c0ffee00-conversation", text))


def test_no_message_at_all_is_a_failure_not_silence():
    with pytest.raises(BotUnavailable, match="nothing"):
        _send(_channel(lambda request: httpx.Response(200, json=[])))


def test_a_failed_action_is_a_failure_that_keeps_what_was_said_before():
    answer = [
        {"recipient_id": "x", "text": "Sorry for your loss."},
        {"recipient_id": "x", "custom": {FAILURE_KEY: [{"stage": "action", "action": "action_recognise_events"}]}},
    ]
    with pytest.raises(BotUnavailable, match="action_recognise_events") as caught:
        _send(_channel(lambda request: httpx.Response(200, json=answer)))
    assert [reply.text for reply in caught.value.partial] == ["Sorry for your loss."]


@pytest.mark.parametrize("status", [401, 500, 502])
def test_an_error_status_is_a_failure(status):
    with pytest.raises(BotUnavailable, match=str(status)):
        _send(_channel(lambda request: httpx.Response(status)))


def test_a_body_that_is_not_a_list_is_a_failure():
    with pytest.raises(BotUnavailable):
        _send(_channel(lambda request: httpx.Response(200, json={"error": "x"})))


def test_the_rasa_token_is_sent_as_a_bearer_header():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("authorization"))
        return httpx.Response(200, json=[{"text": "hi"}])

    _send(_channel(handler, token="t0ken"))
    assert seen == ["Bearer t0ken"]


def test_one_http_client_serves_every_message(monkeypatch):
    made = []
    real = httpx.AsyncClient

    class Counting(real):  # type: ignore[misc, valid-type]
        def __init__(self, *args, **kwargs):
            made.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr("bot.conversations.rasa_channel.httpx.AsyncClient", Counting)
    channel = _channel(lambda request: httpx.Response(200, json=[{"text": "hi"}]))

    async def three_messages():
        for _ in range(3):
            await channel.send("c0ffee00", "hello")
        await channel.aclose()

    asyncio.run(three_messages())
    assert len(made) == 1


class Rasa:
    """Rasa's REST webhook, answering with `answer(body)`."""

    def __init__(self) -> None:
        self.answer = lambda body: [{"recipient_id": body["sender"], "text": "Okay."}]

    def handler(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=self.answer(json.loads(request.content)))


@pytest.fixture()
def rasa_double():
    return Rasa()


@pytest.fixture()
def http(seeded_app, rasa_double):
    from fastapi.testclient import TestClient

    seeded_app.state.router.bot = _channel(rasa_double.handler)
    with TestClient(seeded_app) as client:
        yield client


def _post(http, conversation_id: str, text: str) -> dict:
    response = http.post(f"/api/conversations/{conversation_id}/messages", json={"text": text})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(
    "answer",
    [
        [],
        [{"recipient_id": "x", "custom": {FAILURE_KEY: [{"stage": "action", "action": "action_recognise_events"}]}}],
    ],
    ids=["nothing", "action_failed"],
)
def test_the_citizen_is_told_and_offered_a_way_forward_and_it_is_logged(http, rasa_double, answer, caplog):
    rasa_double.answer = lambda body: answer
    conversation = http.post("/api/conversations", json={}).json()["id"]
    with caplog.at_level(logging.WARNING, logger="bot.conversations.router"):
        result = _post(http, conversation, "my father died last week")
    bot_messages = [m for m in result["messages"] if m["sender"] != "user"]
    assert bot_messages, "the citizen got no reply at all"
    last = bot_messages[-1]
    assert UNAVAILABLE in last["text"] and "try again" in last["text"]
    assert any(button["payload"] == "/request_human" for button in last["buttons"])
    assert any(conversation[:8] in record.getMessage() for record in caplog.records)
    assert not any(conversation in record.getMessage() for record in caplog.records)  # never the full id


def test_what_the_assistant_said_before_the_failure_still_reaches_the_citizen(http, rasa_double):
    rasa_double.answer = lambda body: [
        {"recipient_id": body["sender"], "text": "I'm sorry for your loss."},
        {"recipient_id": body["sender"], "custom": {FAILURE_KEY: [{"stage": "action", "action": "action_x"}]}},
    ]
    conversation = http.post("/api/conversations", json={}).json()["id"]
    texts = [m["text"] for m in _post(http, conversation, "my father died")["messages"] if m["sender"] != "user"]
    assert texts[0] == "I'm sorry for your loss." and UNAVAILABLE in texts[-1]


def test_the_rest_channel_reports_rasa_logging_an_action_failure():
    """Rasa 3.6 logs 'Encountered an exception while running action' and carries
    on; the channel turns that record into the failure note of the turn."""
    from bot.servers.rest_channel import AuthenticatedRestInput

    channel = AuthenticatedRestInput("t")

    async def on_new_message(message):
        await message.output_channel.send_text_message(message.sender_id, "Before.")
        try:
            raise ConnectionError("action server gone")
        except ConnectionError:
            logging.getLogger("rasa.core.processor").exception(
                "Encountered an exception while running action 'action_handoff'.Bot will continue, but ..."
            )

    messages = asyncio.run(channel.handle(on_new_message, "c0ffee00", "yes", None))
    assert messages[0]["text"] == "Before."
    assert messages[-1]["custom"][FAILURE_KEY] == [{"stage": "action", "action": "action_handoff"}]

    async def fine(message):
        await message.output_channel.send_text_message(message.sender_id, "All good.")

    assert json.dumps(asyncio.run(channel.handle(fine, "c0ffee00", "hi", None))).count(FAILURE_KEY) == 0


def test_the_rest_channel_reports_an_exception_in_rasa():
    from bot.servers.rest_channel import AuthenticatedRestInput

    async def broken(message):
        raise RuntimeError("tracker store down")

    messages = asyncio.run(AuthenticatedRestInput("t").handle(broken, "c0ffee00", "hi", None))
    failure = {"stage": "rasa", "error": "RuntimeError"}
    assert messages == [{"recipient_id": "c0ffee00", "custom": {FAILURE_KEY: [failure]}}]
