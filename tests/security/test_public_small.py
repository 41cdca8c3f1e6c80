"""Issue 15, abuse 9 (the citizen-facing small ones): broken characters and
absurd sequence numbers get a clear 4xx instead of a 500; consent to share a
summary with an agent must be given in words or with the button; the chat
WebSocket honours ONEWINDOW_CHAT_ORIGINS like the HTTP API does."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect
from support import receive_json

CONSENT = {
    "text": "I would share a summary with an agent. Is that okay?",
    "buttons": [{"title": "Yes, connect me", "payload": "/affirm"}, {"title": "No, thanks", "payload": "/deny"}],
}


def first_message(socket) -> dict:
    """The first chat message the socket pushes (after any state events such as owner or lang)."""
    for _ in range(10):
        event = receive_json(socket)
        if event["type"] == "message":
            return event
    raise AssertionError("no message pushed")


def start(http) -> str:
    response = http.post("/api/conversations", json={"lang": "en"})
    assert response.status_code == 201
    return response.json()["id"]


def post_raw(http, conversation: str, raw_json: str):
    return http.post(
        f"/api/conversations/{conversation}/messages",
        content=raw_json.encode("ascii"),
        headers={"content-type": "application/json"},
    )


@pytest.mark.parametrize(
    "raw", ['{"text": "hello \\ud800 there"}', '{"text": "\\udfff"}', '{"payload": "/birth\\ud83d"}']
)
def test_a_lone_surrogate_is_a_clear_422(app, rasa, raw):
    http = TestClient(app, raise_server_exceptions=False)
    conversation = start(http)
    response = post_raw(http, conversation, raw)
    assert response.status_code == 422
    assert "broken character" in json.dumps(response.json())
    assert rasa.received == []
    # A proper pair (an emoji written as \\ud83d\\ude00) is a character and goes through.
    assert post_raw(http, conversation, '{"text": "thanks \\ud83d\\ude00"}').status_code == 200


@pytest.mark.parametrize("after", [str(10**30), str(2**63), "-1", "abc"])
def test_an_absurd_after_is_a_clear_422(app, after):
    http = TestClient(app, raise_server_exceptions=False)
    conversation = start(http)
    response = http.get(f"/api/conversations/{conversation}/messages", params={"after": after})
    assert response.status_code == 422


def test_the_largest_real_after_still_works(http):
    conversation = start(http)
    response = http.get(f"/api/conversations/{conversation}/messages", params={"after": str(2**63 - 1)})
    assert response.status_code == 200 and response.json()["messages"] == []


@pytest.mark.timeout(60)
@pytest.mark.parametrize("after", [str(10**30), "x1"])
def test_an_absurd_after_closes_the_websocket_cleanly(app, after):
    with TestClient(app) as http:
        conversation = start(http)
        url = f"/api/conversations/{conversation}/ws?after={after}"
        with pytest.raises(WebSocketDisconnect) as closed, http.websocket_connect(url) as socket:
            receive_json(socket)
        assert closed.value.code == 4422


def consent_asked(http, rasa) -> str:
    conversation = start(http)
    rasa.reply = lambda body: [CONSENT]
    asked = http.post(f"/api/conversations/{conversation}/messages", json={"text": "talk to a person"})
    assert asked.status_code == 200
    rasa.received.clear()
    return conversation


@pytest.mark.parametrize(
    "answer",
    ["\U0001f44d", "\u0301" * 1500, "!!!", "\U0001f600\u200d\U0001f44d"],
    ids=["emoji", "1500-combining-accents", "punctuation", "emoji-sequence"],
)
def test_a_wordless_answer_to_the_consent_question_is_not_a_yes(http, rasa, answer):
    conversation = consent_asked(http, rasa)
    body = http.post(f"/api/conversations/{conversation}/messages", json={"text": answer}).json()
    assert rasa.received == []  # never sent to the assistant, which could read it as "yes"
    assert body["owner"] == "bot"
    asked_again = body["messages"][-1]
    assert asked_again["sender"] == "system" and "yes or no" in asked_again["text"]
    assert [b["payload"] for b in asked_again["buttons"]] == ["/affirm", "/deny"]
    # The buttons of the question put again can be pressed.
    pressed = http.post(f"/api/conversations/{conversation}/messages", json={"payload": "/affirm"})
    assert pressed.status_code == 200 and rasa.messages() == ["/affirm"]


@pytest.mark.parametrize("answer", ["yes", "oui", "ok 👍", "no"])
def test_an_answer_in_words_reaches_the_assistant(http, rasa, answer):
    conversation = consent_asked(http, rasa)
    http.post(f"/api/conversations/{conversation}/messages", json={"text": answer})
    assert rasa.messages() == [answer]


def test_a_wordless_message_elsewhere_still_reaches_the_assistant(http, rasa):
    conversation = start(http)
    http.post(f"/api/conversations/{conversation}/messages", json={"text": "\U0001f44d"})
    assert rasa.messages() == ["\U0001f44d"]


@pytest.mark.timeout(60)
def test_the_websocket_refuses_an_origin_not_listed(make_app):
    app = make_app(chat_origins=["https://www.ontario.ca"])
    with TestClient(app) as http:
        conversation = start(http)
        url = f"/api/conversations/{conversation}/ws"
        evil = {"origin": "https://evil.example"}
        with pytest.raises(WebSocketDisconnect) as refused, http.websocket_connect(url, headers=evil) as socket:
            receive_json(socket)
        assert refused.value.code == 4403
        for origin in ("https://www.ontario.ca", "http://testserver"):  # a listed page, and the app's own /chat
            with http.websocket_connect(url, headers={"origin": origin}) as socket:
                assert first_message(socket)["type"] == "message"


@pytest.mark.timeout(60)
def test_the_websocket_takes_any_origin_when_the_setting_says_so(app):
    with TestClient(app) as http:
        conversation = start(http)
        with http.websocket_connect(
            f"/api/conversations/{conversation}/ws", headers={"origin": "https://city.example"}
        ) as socket:
            assert first_message(socket)["type"] == "message"
