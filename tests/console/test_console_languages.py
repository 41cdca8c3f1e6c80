"""Agents see the citizen's language: on the waiting list and on the case; a case in the
French queue cannot be claimed by an agent who does not speak French."""

from __future__ import annotations

from console_support import make_case

from bot.cases import service as cases
from onewindow_catalogue.database import session_scope


def french(app, case):
    """As the router leaves a French conversation's case: the conversation and the summary in French."""
    from bot.conversations import service as conversations

    with session_scope(app.state.session_factory) as session:
        row = cases.get_or_raise(db_session=session, case_id=case["id"])
        row.summary = {**row.summary, "lang": "fr"}
        conversations.get(db_session=session, conversation_id=case["conversation_id"]).lang = "fr"


def test_the_queue_and_the_case_show_a_french_speaking_citizen(console_app, ana):
    case = make_case(console_app, said="je veux ouvrir une boulangerie")
    french(console_app, case)
    queues = ana.get("/console").text
    assert 'lang="fr" title="Language">Français</span>' in queues
    page = ana.get(f"/console/cases/{case['id']}").text
    assert "<dt>Language</dt>" in page and "<dd>French" in page


def test_an_english_case_shows_english(console_app, ana):
    make_case(console_app)
    queues = ana.get("/console").text
    assert (
        'lang="en" title="Language">English</span>' in queues
        and 'lang="fr" title="Language">Français</span>' not in queues
    )


def test_claiming_a_french_queue_case_without_french_is_refused_clearly(console_app, ana):
    case = make_case(console_app, queue="french")
    refused = ana.client.post(
        f"/console/cases/{case['id']}/claim", data={"csrf_token": ana.csrf}, follow_redirects=True
    )
    assert "needs an agent who speaks the person&#39;s language" in refused.text
    with session_scope(console_app.state.session_factory) as session:
        assert cases.get_or_raise(db_session=session, case_id=case["id"]).status == "waiting"


def test_the_case_shows_the_language_the_citizen_switched_to(console_app, ana):
    from bot.conversations import service as conversations

    case = make_case(console_app)
    with session_scope(console_app.state.session_factory) as session:
        conversations.get(db_session=session, conversation_id=case["conversation_id"]).lang = "fr"
    assert "<dd>French" in ana.get(f"/console/cases/{case['id']}").text


def test_a_bundle_an_agent_sends_to_a_french_citizen_is_in_french_and_marked(console_app, ana):
    case = make_case(console_app, proposed=["ca-business-number"])
    french(console_app, case)
    ana.post(f"/console/cases/{case['id']}/claim")
    sent = ana.post(f"/console/cases/{case['id']}/bundle", {"services": ["ca-business-number"], "action": "send"})
    assert sent.status_code == 303
    messages = ana.client.get(f"/api/conversations/{case['conversation_id']}/messages").json()["messages"]
    bundle = messages[-1]["bundle"]
    assert bundle["lang"] == "fr" and bundle["services"][0]["text_lang"] == "fr"
    assert messages[-1]["text"].startswith("Voici la liste de services")
