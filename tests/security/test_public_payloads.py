"""Issue 15, abuse 1: only buttons the assistant offered may reach Rasa as
intents; typed text starting with "/" is words. The Rasa double answers like
the real assistant does to the `/crisis` shortcut (an urgent handoff with no
consent), so a payload that slips through opens a fake urgent case."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from support import receive_json

from bot.cases.models import CaseRow
from onewindow_catalogue.database import session_scope

URGENT = {
    "handoff": {
        "reason": "crisis",
        "queue": "general",
        "urgent": True,
        "events": [],
        "facts": {},
        "consent": {"given": False, "wording": None, "waived": "urgent"},
    }
}


def like_rasa(body: dict) -> list:
    """What the real assistant answers: `/crisis` is an urgent handoff, without NLU."""
    if body["message"].startswith("/crisis"):
        return [{"text": "Connecting you now.", "custom": URGENT}]
    return [{"text": "Tell me more."}]


def start(http) -> dict:
    response = http.post("/api/conversations", json={"lang": "en"})
    assert response.status_code == 201
    return response.json()


def send(http, conversation_id: str, **body):
    return http.post(f"/api/conversations/{conversation_id}/messages", json=body)


def cases(app) -> list:
    with session_scope(app.state.session_factory) as db_session:
        return [(case.urgent, case.queue) for case in db_session.query(CaseRow).all()]


def test_a_payload_never_offered_is_refused_and_opens_no_case(app, http, rasa):
    rasa.reply = like_rasa
    conversation = start(http)["id"]
    for _ in range(5):
        response = send(http, conversation, payload="/crisis")
        assert response.status_code == 422
        assert "no longer on offer" in response.json()["detail"]
    assert rasa.received == []
    assert cases(app) == []
    history = http.get(f"/api/conversations/{conversation}/messages").json()
    assert history["owner"] == "bot" and [m["sender"] for m in history["messages"]] == ["bot"]


def test_typed_slash_text_reaches_rasa_as_words(app, http, rasa):
    rasa.reply = like_rasa
    conversation = start(http)["id"]
    for text in ("/crisis", "  /crisis", "//crisis", '/crisis{"x": 1}', "/restart"):
        response = send(http, conversation, text=text)
        assert response.status_code == 200, response.text
        assert response.json()["messages"][0]["text"] == text.strip()  # the transcript keeps what was typed
    assert all(not message.lstrip().startswith("/") for message in rasa.messages())
    assert rasa.messages()[0] == "crisis"
    assert cases(app) == []


def test_offered_buttons_still_work_and_only_from_the_latest_turn(app, http, rasa):
    conversation = start(http)["id"]
    body = send(http, conversation, payload="/birth").json()
    assert rasa.messages() == ["/birth"] and body["messages"][0]["text"] == "Having a baby"
    # The welcome's buttons belonged to the previous turn: pressing one now is refused.
    assert send(http, conversation, payload="/bereavement").status_code == 422
    rasa.reply = lambda body: [{"text": "Born in Ontario?", "buttons": [{"title": "Yes", "payload": "/affirm"}]}]
    send(http, conversation, text="we had a baby")
    assert send(http, conversation, payload="/affirm").status_code == 200
    assert rasa.messages() == ["/birth", "we had a baby", "/affirm"]


def test_talk_to_a_person_is_always_on_offer(app, http, rasa):
    """The widget shows "Talk to a person" on every screen (payload /request_human)."""
    conversation = start(http)["id"]
    send(http, conversation, text="hello")
    assert send(http, conversation, payload="/request_human").status_code == 200
    assert rasa.messages()[-1] == "/request_human"


@pytest.mark.timeout(60)
def test_the_websocket_applies_the_same_rule(app, rasa):
    rasa.reply = like_rasa
    with TestClient(app) as http:
        conversation = start(http)["id"]
        with http.websocket_connect(f"/api/conversations/{conversation}/ws") as socket:
            socket.send_json({"type": "message", "payload": "/crisis"})
            while True:
                event = receive_json(socket)
                if event["type"] == "error":
                    break
            assert event["status"] == 422
    assert rasa.received == [] and cases(app) == []


def test_the_latest_turn_counts_however_long_the_conversation(app, http, rasa):
    """Offered buttons are read from the newest messages, not the first page of them."""
    from bot.conversations import service as conversations

    conversation = start(http)["id"]
    with session_scope(app.state.session_factory) as db_session:
        row = conversations.get(db_session=db_session, conversation_id=conversation)
        for n in range(300):
            conversations.add_message(db_session=db_session, conversation=row, sender="user", text=f"question {n}")
            conversations.add_message(db_session=db_session, conversation=row, sender="bot", text=f"answer {n}")
        buttons = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
        conversations.add_message(db_session=db_session, conversation=row, sender="bot", text="OK?", buttons=buttons)
    assert send(http, conversation, payload="/affirm").status_code == 200
    assert send(http, conversation, payload="/birth").status_code == 422  # the welcome is long gone
    assert rasa.messages() == ["/affirm"]
