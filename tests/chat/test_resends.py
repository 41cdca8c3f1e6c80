"""A message sent again with its client_message_id (issue 19: a replica died, the
answer was lost) is answered with the first copy's answer and reaches Rasa once;
the same id with other words is refused; two copies at once reach Rasa once."""

import asyncio
import datetime as dt
import json
import uuid

import httpx
import pytest
from chat_support import start
from support import receive_json

from bot.conversations import resends
from bot.conversations import router as router_module
from bot.conversations.models import IncomingMessage, MessageRow
from bot.conversations.rasa_channel import RasaChannel
from onewindow_catalogue.database import session_scope


def send(chat, conversation, client_message_id, text=None, payload=None):
    body = {"text": text, "payload": payload, "client_message_id": client_message_id}
    return chat.post(f"/api/conversations/{conversation}/messages", json=body)


def history(chat, conversation):
    return chat.get(f"/api/conversations/{conversation}/messages").json()["messages"]


def stored(chat, conversation, client_message_id) -> MessageRow:
    with session_scope(chat.app.state.session_factory) as session:
        row = resends.find(db_session=session, conversation_id=conversation, client_message_id=client_message_id)
        session.expunge(row)
        return row


def test_a_resent_message_is_answered_with_the_first_answer_and_rasa_hears_it_once(chat, rasa):
    conversation = start(chat)
    message_id = str(uuid.uuid4())
    first = send(chat, conversation, message_id, "We just had a baby")
    again = send(chat, conversation, message_id, "We just had a baby")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert [m["sender"] for m in first.json()["messages"]] == ["user", "bot"]
    assert [body["message"] for body in rasa.received] == ["We just had a baby"]
    assert [m["sender"] for m in history(chat, conversation)] == ["bot", "user", "bot"]


def test_a_resent_button_is_answered_although_the_buttons_changed_since(chat, rasa):
    """The first copy's answer replaced the buttons on offer: the copy is not checked against them."""
    conversation = start(chat)
    rasa.reply = lambda body: [
        {"recipient_id": body["sender"], "text": "Where?", "buttons": [{"title": "Toronto", "payload": "/inform"}]}
    ]
    first = send(chat, conversation, "press-1", payload="/birth")
    again = send(chat, conversation, "press-1", payload="/birth")
    assert again.status_code == 200 and again.json() == first.json()
    assert len(rasa.received) == 1


def test_identifiers_are_resent_redacted_and_the_notice_is_not_repeated(chat, rasa):
    conversation = start(chat)
    first = send(chat, conversation, "sin-1", "my SIN is 046 454 286")
    again = send(chat, conversation, "sin-1", "my SIN is 046 454 286")
    assert again.json() == first.json()
    assert [m["sender"] for m in again.json()["messages"]] == ["user", "system", "bot"]
    assert "046" not in json.dumps(again.json()) and len(rasa.received) == 1
    assert "046" not in json.dumps(stored(chat, conversation, "sin-1").submission)


def test_the_same_id_with_other_words_is_refused_and_nothing_is_stored(chat, rasa):
    conversation = start(chat)
    assert send(chat, conversation, "m-1", "We just had a baby").status_code == 200
    before = history(chat, conversation)
    refused = send(chat, conversation, "m-1", "My father died")
    assert refused.status_code == 422 and "already used for a different message" in refused.json()["detail"]
    assert send(chat, conversation, "m-1", payload="/request_human").status_code == 422
    assert history(chat, conversation) == before and len(rasa.received) == 1


def test_an_id_belongs_to_its_conversation(chat, rasa):
    one, two = start(chat), start(chat)
    assert send(chat, one, "same-id", "hello").status_code == 200
    assert send(chat, two, "same-id", "hello").status_code == 200
    assert len(rasa.received) == 2


def test_messages_without_an_id_are_each_new(chat, rasa):
    conversation = start(chat)
    for _ in range(2):
        assert chat.post(f"/api/conversations/{conversation}/messages", json={"text": "hello"}).status_code == 200
    assert len(rasa.received) == 2


@pytest.mark.parametrize("client_message_id", ["", "x" * 65, "has space", "ünïcode", "line\n", "a/b", 'q"uote'])
def test_a_bad_id_is_refused_clearly_before_anything_happens(chat, rasa, client_message_id):
    conversation = start(chat)
    response = send(chat, conversation, client_message_id, "hello")
    assert response.status_code == 422
    assert "client_message_id must be 1 to 64 letters, digits" in json.dumps(response.json())
    assert rasa.received == [] and len(history(chat, conversation)) == 1


def test_a_resend_to_a_conversation_ended_since_still_gets_its_answer(chat, rasa):
    from bot.conversations import service as conversations

    conversation = start(chat)
    first = send(chat, conversation, "last-words", "thank you")
    with session_scope(chat.app.state.session_factory) as session:
        conversations.set_owner(db_session=session, conversation_id=conversation, owner="closed")
    again = send(chat, conversation, "last-words", "thank you")
    assert again.status_code == 200 and again.json()["messages"] == first.json()["messages"]
    assert send(chat, conversation, "new-words", "hello?").status_code == 409


# --- two copies at once ---------------------------------------------------------------------------------------------
class SlowRasa:
    """Rasa taking its time, so a second copy arrives while the first is being answered."""

    def __init__(self, seconds: float) -> None:
        self.seconds, self.received = seconds, []

    async def handler(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.received.append(body)
        await asyncio.sleep(self.seconds)
        return httpx.Response(200, json=[{"recipient_id": body["sender"], "text": "Congratulations!"}])


def test_two_copies_at_once_reach_rasa_once_and_get_the_same_answer(chat, chat_app):
    conversation = start(chat)
    router = chat_app.state.router
    slow = SlowRasa(0.5)
    router.bot = RasaChannel("http://rasa.test", transport=httpx.MockTransport(slow.handler))
    incoming = IncomingMessage(text="We just had a baby", client_message_id="twice")

    async def both():
        return await asyncio.gather(router.receive(conversation, incoming), router.receive(conversation, incoming))

    first, second = asyncio.run(both())
    assert len(slow.received) == 1
    assert first == second and [m.sender for m in first["messages"]] == ["user", "bot"]
    assert [m["sender"] for m in history(chat, conversation)] == ["bot", "user", "bot"]


def test_the_database_refuses_a_copy_stored_by_another_replica_meanwhile(chat, rasa, monkeypatch):
    """Both replicas looked before either stored: the unique (conversation, id) lets one store it."""
    conversation = start(chat)
    first = send(chat, conversation, "raced", "hello")
    real_find = resends.find
    calls = []

    def not_yet_visible(**kwargs):
        calls.append(kwargs)
        return None if len(calls) == 1 else real_find(**kwargs)

    monkeypatch.setattr(resends, "find", not_yet_visible)
    again = send(chat, conversation, "raced", "hello")
    assert len(calls) == 2  # the second look came after the unique constraint refused the insert
    assert again.status_code == 200 and again.json() == first.json()
    assert len(rasa.received) == 1 and [m["sender"] for m in history(chat, conversation)] == ["bot", "user", "bot"]


# --- a replica that died while answering ----------------------------------------------------------------------------
def stored_but_unanswered(chat_app, conversation, client_message_id, text):
    """What a replica killed while Rasa was answering leaves: the message stored and claimed, no answer."""
    incoming = IncomingMessage(text=text, client_message_id=client_message_id)
    received = chat_app.state.router._record_incoming(conversation, incoming)
    assert received.claim and received.forward == text


def age_claim(chat, conversation, client_message_id, seconds):
    with session_scope(chat.app.state.session_factory) as session:
        row = resends.find(db_session=session, conversation_id=conversation, client_message_id=client_message_id)
        row.claimed_at = row.claimed_at - dt.timedelta(seconds=seconds)


def test_a_copy_of_a_message_still_being_answered_is_told_to_retry(chat, chat_app, rasa, monkeypatch):
    monkeypatch.setattr(router_module, "RESENT_WAIT_SECONDS", 0.3)
    conversation = start(chat)
    stored_but_unanswered(chat_app, conversation, "busy", "hello")
    response = send(chat, conversation, "busy", "hello")
    assert response.status_code == 409 and response.headers["retry-after"] == "2"
    assert "still being answered" in response.json()["detail"]
    assert rasa.received == [] and [m["sender"] for m in history(chat, conversation)] == ["bot", "user"]


def test_a_message_its_dead_replica_left_unanswered_is_answered_once_on_resend(chat, chat_app, rasa):
    conversation = start(chat)
    stored_but_unanswered(chat_app, conversation, "orphan", "We just had a baby")
    age_claim(chat, conversation, "orphan", resends.CLAIM_LEASE.total_seconds() + 1)
    first = send(chat, conversation, "orphan", "We just had a baby")
    again = send(chat, conversation, "orphan", "We just had a baby")
    assert first.status_code == again.status_code == 200 and again.json() == first.json()
    assert [m["sender"] for m in first.json()["messages"]] == ["user", "bot"]
    assert len(rasa.received) == 1 and stored(chat, conversation, "orphan").claim is None


def test_a_slow_replica_keeps_its_claim_while_rasa_answers(chat, chat_app, monkeypatch):
    monkeypatch.setattr(resends, "CLAIM_RENEW_SECONDS", 0.05)
    conversation = start(chat)
    router = chat_app.state.router
    router.bot = RasaChannel("http://rasa.test", transport=httpx.MockTransport(SlowRasa(0.4).handler))
    claimed = []

    async def watch():
        await asyncio.sleep(0.3)
        claimed.append(stored(chat, conversation, "slow").claimed_at)

    async def run():
        incoming = IncomingMessage(text="hello", client_message_id="slow")
        return await asyncio.gather(router.receive(conversation, incoming), watch())

    answer, _ = asyncio.run(run())
    row = stored(chat, conversation, "slow")
    assert row.claim is None and row.answer == [m.seq for m in answer["messages"]]
    assert claimed[0] > row.created_at + dt.timedelta(seconds=0.2)  # renewed while Rasa thought


def test_the_websocket_takes_the_id_too(chat, rasa):
    conversation = start(chat)
    with chat.websocket_connect(f"/api/conversations/{conversation}/ws?after=0") as socket:
        receive_json(socket), receive_json(socket)  # the welcome, the owner
        for _ in range(2):
            socket.send_json({"type": "message", "text": "hello there", "client_message_id": "ws-1"})
        seen = [receive_json(socket), receive_json(socket)]
        assert [m["message"]["sender"] for m in seen] == ["user", "bot"]
        socket.send_json({"type": "message", "text": "other words", "client_message_id": "ws-1"})
        refused = receive_json(socket)
        assert refused["type"] == "error" and refused["status"] == 422
    assert len(rasa.received) == 1 and [m["sender"] for m in history(chat, conversation)] == ["bot", "user", "bot"]
