"""The conversation router: redact, record, and route to the bot or the case."""

import pytest
from chat_support import say, start
from support import receive_json

from bot.cases import service as cases
from bot.conversations import service as conversations
from onewindow_catalogue.database import session_scope

HANDOFF = {
    "handoff": {
        "reason": "asked_for_person",
        "queue": "bereavement",
        "urgent": False,
        "events": ["bereavement"],
        "facts": {"municipality": "Hamilton", "relationship_to_deceased": "spouse"},
        "consent": {"given": True, "wording": "I'll share a summary with an agent. OK?"},
    }
}


def db(chat):
    return session_scope(chat.app.state.session_factory)


def test_start_greets_with_the_life_events(chat):
    body = chat.post("/api/conversations", json={"lang": "en"}).json()
    welcome = body["messages"][0]
    assert welcome["sender"] == "bot" and body["owner"] == "bot"
    assert [b["payload"] for b in welcome["buttons"]] == [
        "/new_business",
        "/birth",
        "/bereavement",
        "/new_to_ontario",
        "/other_service",
    ]
    assert len(body["id"]) >= 30  # the id is the citizen's only key: unguessable


def test_identifiers_are_redacted_before_rasa_and_storage(chat, rasa):
    conversation = start(chat)
    body = say(chat, conversation, "my SIN is 046 454 286 and my wife died").json()
    assert "046" not in rasa.received[-1]["message"] and "[SIN]" in rasa.received[-1]["message"]
    senders = [m["sender"] for m in body["messages"]]
    assert senders == ["user", "system", "bot"]
    assert "[SIN]" in body["messages"][0]["text"] and "didn't keep it" in body["messages"][1]["text"]
    history = chat.get(f"/api/conversations/{conversation}/messages").json()["messages"]
    assert all("046 454 286" not in m["text"] for m in history)


def test_button_payload_goes_to_rasa_and_its_title_to_the_transcript(chat, rasa):
    conversation = start(chat)
    body = say(chat, conversation, payload="/birth").json()
    assert rasa.received[-1]["message"] == "/birth"
    assert body["messages"][0]["text"] == "Having a baby"


def test_bundle_from_the_bot_gets_a_printable_page(chat, rasa):
    conversation = start(chat)
    bundle = chat.get("/api/bundles", params={"events": "birth", "born_in_ontario": "yes"}).json()
    rasa.reply = lambda body: [{"text": "Here is your list.", "custom": {"bundle": bundle}}]
    message = say(chat, conversation, "show me").json()["messages"][-1]
    assert message["bundle"]["print_url"] == f"/conversations/{conversation}/bundle"
    page = chat.get(message["bundle"]["print_url"])
    assert page.status_code == 200 and "Newborn Registration Service" in page.text


def test_handoff_opens_a_case_and_the_bot_stops_receiving(chat, rasa):
    conversation = start(chat)
    rasa.reply = lambda body: [{"text": "Connecting you with an agent.", "custom": HANDOFF}]
    body = say(chat, conversation, "I want to talk to a person").json()
    assert body["owner"] == "queue"
    assert "Your case number is OW-" in body["messages"][-1]["text"]
    with db(chat) as session:
        case = cases.open_case_for_conversation(db_session=session, conversation_id=conversation)
        assert case.queue == "bereavement" and case.status == "waiting" and case.consent["given"] is True
        assert case.summary["events"] == ["bereavement"]
        assert "ca-cpp-survivors-pension" in case.summary["proposed_bundle"]
    sent_before = len(rasa.received)
    after = say(chat, conversation, "hello? anyone there").json()
    assert len(rasa.received) == sent_before  # Rasa never sees messages while a case owns the chat
    assert [m["sender"] for m in after["messages"]] == ["user"]


def test_agent_claims_replies_and_hands_back(chat, rasa, seeded_app):
    conversation = start(chat)
    rasa.reply = lambda body: [{"text": "Connecting you.", "custom": HANDOFF}]
    say(chat, conversation, "agent please")
    with db(chat) as session:
        from bot.users import service as users
        from bot.users.models import UserCreate

        agent = users.create(
            db_session=session,
            user_in=UserCreate(username="ana", display_name="Ana", password="correct horse battery", role="agent"),
        )
        case = cases.open_case_for_conversation(db_session=session, conversation_id=conversation)
        cases.claim(db_session=session, case_id=case.id, agent_id=agent.id)
        cases.reply(db_session=session, case_id=case.id, agent_id=agent.id, text="Hi, I'm Ana. Call me at 416-555-0199")
    state = chat.get(f"/api/conversations/{conversation}/messages").json()
    assert state["owner"] == "agent"
    assert state["messages"][-1]["sender"] == "agent" and "[PHONE]" in state["messages"][-1]["text"]
    with db(chat) as session:
        cases.close(
            db_session=session, case_id=case.id, agent_id=agent.id, disposition="resolved_tier1", return_to_bot=True
        )
    rasa.reply = lambda body: [{"text": "I'm back."}]
    sent_before = len(rasa.received)
    assert say(chat, conversation, "thanks").json()["owner"] == "bot"
    assert len(rasa.received) == sent_before + 1


def test_crisis_while_waiting_escalates_to_priority(chat, rasa):
    conversation = start(chat)
    rasa.reply = lambda body: [{"text": "Connecting you.", "custom": HANDOFF}]
    say(chat, conversation, "agent please")
    body = say(chat, conversation, "i dont want to live anymore").json()
    assert "9-8-8" in body["messages"][-1]["text"]
    with db(chat) as session:
        case = cases.open_case_for_conversation(db_session=session, conversation_id=conversation)
        assert case.urgent and case.queue == "priority"


def at_toronto(text: str):
    """A fixed clock for the router: '2026-12-12 03:00' in Toronto (12 Dec 2026 is a Saturday)."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    moment = dt.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=ZoneInfo("America/Toronto"))
    return lambda: moment


def test_the_router_reads_staffed_hours_at_its_clock(chat, rasa):
    router = chat.app.state.router
    router.settings.staffed_hours = "Mon-Fri 08:00-18:00"
    router.clock = at_toronto("2026-12-07 17:59")  # Monday, the last staffed minute
    rasa.reply = lambda body: [{"text": "Connecting you.", "custom": HANDOFF}]
    body = say(chat, start(chat), "agent please").json()
    assert "outside those hours" not in body["messages"][-1]["text"] and body["owner"] == "queue"
    router.clock = at_toronto("2026-12-07 18:00")  # the end is excluded
    body = say(chat, start(chat), "agent please").json()
    assert "outside those hours" in body["messages"][-1]["text"]


def test_after_hours_offers_a_callback_kept_out_of_the_transcript(chat, rasa):
    chat.app.state.router.settings.staffed_hours = "Mon-Fri 08:00-18:00"
    chat.app.state.router.clock = at_toronto("2026-12-12 03:00")  # a Saturday night
    conversation = start(chat)
    rasa.reply = lambda body: [{"text": "Connecting you.", "custom": HANDOFF}]
    body = say(chat, conversation, "agent please").json()
    assert "outside those hours" in body["messages"][-1]["text"]
    body = say(chat, conversation, "sure call me at 416 555 0123 tomorrow morning").json()
    assert "call you back" in body["messages"][-1]["text"]
    assert "[PHONE]" in body["messages"][0]["text"] and "0123" not in body["messages"][0]["text"]
    with db(chat) as session:
        case = cases.open_case_for_conversation(db_session=session, conversation_id=conversation)
        assert case.callback["contact"] == "416 555 0123" and "tomorrow morning" in case.callback["when"]


def test_rasa_down_gives_a_way_forward(chat, rasa):
    conversation = start(chat)
    rasa.down = True
    message = say(chat, conversation, "hello").json()["messages"][-1]
    assert "isn't answering" in message["text"] and message["buttons"][0]["payload"] == "/request_human"


@pytest.mark.parametrize(
    "body, status, detail",
    [
        ({"text": "   "}, 422, "Type a message first."),
        ({}, 422, "Type a message first."),
        ({"text": "x" * 2001}, 413, "at most 2000 characters"),
        ({"payload": "/restart; rm -rf /"}, 422, "not one OneWindow knows"),
        ({"payload": "hello"}, 422, "not one OneWindow knows"),
    ],
)
def test_bad_messages_are_refused_clearly_and_nothing_is_lost(chat, rasa, body, status, detail):
    conversation = start(chat)
    response = chat.post(f"/api/conversations/{conversation}/messages", json=body)
    assert response.status_code == status and detail in response.json()["detail"]
    assert rasa.received == []
    assert len(chat.get(f"/api/conversations/{conversation}/messages").json()["messages"]) == 1


def test_unknown_and_closed_conversations(chat):
    assert say(chat, "no-such-conversation", "hi").status_code == 404
    assert chat.get("/api/conversations/no-such/messages").status_code == 404
    conversation = start(chat)
    with db(chat) as session:
        conversations.set_owner(db_session=session, conversation_id=conversation, owner="closed")
    response = say(chat, conversation, "hello")
    assert response.status_code == 409 and "ended" in response.json()["detail"]


def test_huge_request_body_is_413(chat):
    conversation = start(chat)
    response = chat.post(
        f"/api/conversations/{conversation}/messages",
        content=b'{"text": "' + b"a" * 300_000 + b'"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413


def test_websocket_pushes_messages_written_elsewhere(chat, rasa):
    conversation = start(chat)
    with chat.websocket_connect(f"/api/conversations/{conversation}/ws?after=0") as socket:
        first = receive_json(socket)
        assert first["type"] == "message" and first["message"]["sender"] == "bot"
        assert receive_json(socket) == {"type": "owner", "owner": "bot"}
        socket.send_json({"type": "message", "text": "hello there"})
        seen = [receive_json(socket), receive_json(socket)]
        assert [m["message"]["sender"] for m in seen] == ["user", "bot"]
        with db(chat) as session:  # e.g. an agent's message written by another replica
            row = conversations.get(db_session=session, conversation_id=conversation)
            conversations.add_message(db_session=session, conversation=row, sender="system", text="written elsewhere")
        assert receive_json(socket)["message"]["text"] == "written elsewhere"


def test_websocket_for_unknown_conversation_is_closed(chat):
    from starlette.websockets import WebSocketDisconnect

    with pytest.raises(WebSocketDisconnect), chat.websocket_connect("/api/conversations/nope/ws") as socket:
        receive_json(socket)


def test_cors_lets_other_government_pages_embed_the_chat(chat):
    response = chat.options(
        "/api/conversations",
        headers={
            "Origin": "https://www.example.on.ca",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.status_code == 200 and response.headers["access-control-allow-origin"] in (
        "*",
        "https://www.example.on.ca",
    )


def test_a_question_the_bot_could_not_place_goes_to_the_gap_report(chat, rasa):
    from sqlalchemy import select

    from bot.audit.models import UnmatchedQuestionRow

    conversation = start(chat)
    rasa.reply = lambda body: [{"text": "I can't help with that here.", "custom": {"unmatched": True}}]
    say(chat, conversation, "where do I renew a fishing licence? my email is a.b@example.com")
    rasa.reply = lambda body: [{"text": "Okay."}]
    say(chat, conversation, "thanks")
    with db(chat) as session:
        rows = list(session.execute(select(UnmatchedQuestionRow)).scalars())
    assert [(row.source, row.text_redacted) for row in rows] == [
        ("chat", "where do I renew a fishing licence? my email is [EMAIL]")
    ]
