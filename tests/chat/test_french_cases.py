"""A French conversation handed over: it goes to the queue that needs a French-speaking
agent, the case shows the citizen's language, and only such an agent may claim it."""

from __future__ import annotations

import pytest
from chat_support import say
from support import add_people

from bot.cases import directory
from bot.cases import service as cases
from onewindow_catalogue.database import session_scope

HANDOFF = {
    "handoff": {
        "reason": "asked_for_person",
        "queue": "family",
        "urgent": False,
        "events": ["birth"],
        "facts": {},
        "consent": {"given": True, "wording": "Je peux vous mettre en contact…"},
    }
}


@pytest.fixture(autouse=True)
def french_speaker(monkeypatch):
    """Marie serves in French (queues.yml's agent_languages, as a deployment would list her)."""
    data = {**directory._data(), "agent_languages": {"marie": ["fr"]}}
    monkeypatch.setattr(directory, "_data", lambda: data)


def handed_over(chat, rasa, lang, urgent=False):
    conversation = chat.post("/api/conversations", json={"lang": lang}).json()["id"]
    rasa.reply = lambda body: [
        {"text": "…", "custom": {"handoff": {**HANDOFF["handoff"], "urgent": urgent}}},
    ]
    reply = say(chat, conversation, "je veux parler à quelqu'un").json()
    with session_scope(chat.app.state.session_factory) as session:
        case = cases.open_case_for_conversation(db_session=session, conversation_id=conversation)
        return reply, case.id, case.queue, dict(case.summary)


def test_a_french_case_waits_for_a_french_speaking_agent(chat, rasa):
    reply, _, queue, summary = handed_over(chat, rasa, "fr")
    assert queue == "french" and summary["lang"] == "fr"
    assert "file : Service en français" in reply["messages"][-1]["text"]


def test_an_english_case_keeps_its_life_event_queue(chat, rasa):
    _, _, queue, summary = handed_over(chat, rasa, "en")
    assert queue == "family" and summary["lang"] == "en"


def test_an_urgent_french_case_stays_urgent(chat, rasa):
    _, _, queue, summary = handed_over(chat, rasa, "fr", urgent=True)
    assert queue == "priority" and summary["lang"] == "fr"


def test_with_no_french_speaking_agent_listed_the_case_keeps_its_queue(chat, rasa, monkeypatch):
    nobody = {**directory._data(), "agent_languages": {}}
    monkeypatch.setattr(directory, "_data", lambda: nobody)
    _, _, queue, summary = handed_over(chat, rasa, "fr")
    assert queue == "family" and summary["lang"] == "fr"


def test_only_an_agent_who_speaks_french_may_claim_it(chat, rasa):
    _, case_id, _, _ = handed_over(chat, rasa, "fr")
    with session_scope(chat.app.state.session_factory) as session:
        people = add_people(session, [("ana", "Ana", "agent", []), ("marie", "Marie", "agent", [])])
        with pytest.raises(cases.LanguageRequired, match="needs an agent who speaks fr"):
            cases.claim(db_session=session, case_id=case_id, agent_id=people["ana"].id)
        assert cases.claim(db_session=session, case_id=case_id, agent_id=people["marie"].id).status == "claimed"
