"""The agents' console through the real app: access, queues and SLA, claiming
(and losing the race), replying, sending a bundle, transferring, closing,
escaping, and phone triage with a stand-in parser."""

from __future__ import annotations

import pytest
from console_support import make_case

from bot.cases import service as cases
from bot.cases.models import CaseRow
from bot.conversations import service as conversations
from bot.triage.nlu import NluUnavailable
from onewindow_catalogue.database import session_scope

CONSOLE_PAGES = ["/console", "/console/cases/1", "/console/phone", "/console/reports", "/console/reports.csv"]


def case_row(app, case_id) -> CaseRow:
    with session_scope(app.state.session_factory) as session:
        case = session.get(CaseRow, case_id)
        session.expunge(case)
        return case


def owner_of(app, conversation_id) -> str:
    with session_scope(app.state.session_factory) as session:
        return conversations.get(db_session=session, conversation_id=conversation_id).owner


def chat_messages(client, conversation_id):
    response = client.get(f"/api/conversations/{conversation_id}/messages")
    assert response.status_code == 200
    return response.json()["messages"]


# --- access ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("url", CONSOLE_PAGES)
def test_console_pages_send_strangers_to_sign_in(console_app, browser_for, url):
    from fastapi.testclient import TestClient

    with TestClient(console_app) as stranger:
        response = stranger.get(url, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/signin?next=/console")


def test_console_api_needs_sign_in(client, console_app):
    assert client.get("/api/console/queues").status_code == 401
    assert client.post("/api/console/cases/1/claim").status_code == 401


@pytest.mark.parametrize("url", CONSOLE_PAGES)
def test_service_owner_is_refused(browser_for, url):
    owner = browser_for("olu")
    response = owner.get(url, follow_redirects=False)
    assert response.status_code == 403
    assert "agent or admin" in response.json()["detail"]


def test_admin_can_use_the_console(console_app, browser_for):
    make_case(console_app)
    admin = browser_for("root")
    assert admin.get("/console").status_code == 200


def test_forms_need_the_csrf_token(console_app, ana):
    case = make_case(console_app)
    response = ana.client.post(
        f"/console/cases/{case['id']}/claim", data={"csrf_token": "forged"}, follow_redirects=False
    )
    assert response.status_code == 403
    assert case_row(console_app, case["id"]).status == "waiting"


# --- queues ---------------------------------------------------------------------------------------------------------
def test_queues_are_ordered_urgent_first_with_sla_state(console_app, ana):
    business = make_case(console_app, queue="business", minutes_ago=20)  # SLA 15: over
    family = make_case(console_app, queue="family", events=("birth",), minutes_ago=6)  # SLA 10: nearing
    urgent = make_case(console_app, queue="bereavement", events=("bereavement",), urgent=True, minutes_ago=0.2)
    newcomer = make_case(console_app, queue="newcomers", events=("new_to_ontario",), minutes_ago=1)  # SLA 15: within

    data = ana.get("/api/console/queues").json()
    order = [q["id"] for q in data["queues"]]
    assert order[:4] == ["priority", "business", "family", "newcomers"]
    states = {q["id"]: (q["sla_state"], q["sla_label"], q["waiting"]) for q in data["queues"]}
    assert states["priority"] == ("ok", "Within SLA", 1)
    assert states["business"] == ("bad", "Over SLA", 1)
    assert states["family"] == ("warn", "Nearing SLA", 1)
    assert states["newcomers"] == ("ok", "Within SLA", 1)
    assert states["general"] == ("none", "No one waiting", 0)
    assert [w["id"] for w in data["waiting"]] == [urgent["id"], business["id"], family["id"], newcomer["id"]]

    page = ana.get("/console").text
    positions = [page.index(c["reference"]) for c in (urgent, business, family, newcomer)]
    assert positions == sorted(positions)
    for words in (
        "Over SLA",
        "Nearing SLA",
        "Within SLA",
        "No one waiting",
        "20 min",
        "Starting a business",
        "Asked for a person",
        "Urgent",
    ):
        assert words in page
    assert page.count('action="/console/cases/') == 4  # one Claim form per waiting case
    assert f'value="{ana.csrf}"' in page


def test_queue_filter_and_my_cases(console_app, ana):
    business = make_case(console_app, queue="business")
    family = make_case(console_app, queue="family", events=("birth",))
    page = ana.get("/console?queue=family").text
    assert family["reference"] in page and business["reference"] not in page
    ana.post(f"/console/cases/{business['id']}/claim")
    page = ana.get("/console").text
    mine = page[page.index('id="mine-heading"') :]
    assert "My cases (1)" in page and business["reference"] in mine


# --- claiming -------------------------------------------------------------------------------------------------------
def test_claim_then_a_second_agent_is_refused(console_app, ana, ben):
    case = make_case(console_app)
    response = ana.post(f"/console/cases/{case['id']}/claim")
    assert response.status_code == 303 and response.headers["location"] == f"/console/cases/{case['id']}?notice=claimed"
    row = case_row(console_app, case["id"])
    assert row.status == "claimed" and row.assigned_agent_id is not None
    assert owner_of(console_app, case["conversation_id"]) == "agent"
    texts = [m["text"] for m in chat_messages(ana.client, case["conversation_id"])]
    assert "An agent has joined the conversation." in texts

    message = f"Case {case['reference']} is no longer waiting: another agent claimed or closed it."
    api = ben.client.post(f"/api/console/cases/{case['id']}/claim", headers={"X-CSRF-Token": ben.csrf})
    assert api.status_code == 409 and api.json()["detail"] == message
    page = ben.post(f"/console/cases/{case['id']}/claim", follow=True)
    assert page.status_code == 200 and message in page.text and 'role="alert"' in page.text
    assert case_row(console_app, case["id"]).assigned_agent_id == row.assigned_agent_id
    again = ana.post(f"/console/cases/{case['id']}/claim")  # the holder pressing Claim twice just goes back
    assert again.status_code == 303 and again.headers["location"] == f"/console/cases/{case['id']}"


def test_claim_api(console_app, ana):
    case = make_case(console_app)
    assert ana.client.post(f"/api/console/cases/{case['id']}/claim").status_code == 403  # no CSRF header
    response = ana.client.post(f"/api/console/cases/{case['id']}/claim", headers={"X-CSRF-Token": ana.csrf})
    assert response.status_code == 200 and response.json()["case"]["status"] == "claimed"
    assert ana.client.post("/api/console/cases/999/claim", headers={"X-CSRF-Token": ana.csrf}).status_code == 404


def test_someone_elses_case_is_read_only(console_app, ana, ben):
    case = make_case(console_app)
    ana.post(f"/console/cases/{case['id']}/claim")
    page = ben.get(f"/console/cases/{case['id']}").text
    assert "Ana Agent holds this case" in page
    assert "/reply" not in page and "/close" not in page
    response = ben.post(f"/console/cases/{case['id']}/reply", {"text": "hi"})
    assert response.status_code == 409 and "not held by you" in response.text


# --- the case page --------------------------------------------------------------------------------------------------
def test_case_summary_shows_what_the_agent_needs(console_app, ana):
    case = make_case(
        console_app,
        facts={"business_structure": "corporation", "municipality": "City of Toronto"},
        consent={"given": True, "wording": "Can an agent see this chat?", "recorded_at": "2026-11-20T15:00:00+00:00"},
    )
    page = ana.get(f"/console/cases/{case['id']}").text
    for words in (
        "Starting a business",
        "Asked for a person",
        "How will the business be set up?",
        "Corporation (incorporated company)",
        "City of Toronto",
        "Can an agent see this chat?",
        "Given at 2026-11-20 10:00",
        "Business Number (BN) registration",
        "Which Ontario city, town or township is this about?",
        "I want to open a bakery",
        f"Claim case {case['reference']}",
    ):
        assert words in page, words


def test_reply_reaches_the_citizens_chat_redacted(console_app, ana):
    case = make_case(console_app)
    ana.post(f"/console/cases/{case['id']}/claim")
    response = ana.post(f"/console/cases/{case['id']}/reply", {"text": "Hello, I'm Ana. How can I help?"})
    assert response.status_code == 303 and "notice=replied" in response.headers["location"]
    messages = chat_messages(ana.client, case["conversation_id"])
    assert messages[-1]["sender"] == "agent" and messages[-1]["text"] == "Hello, I'm Ana. How can I help?"

    ana.post(f"/console/cases/{case['id']}/reply", {"text": "Is your SIN 046 454 286?"})
    assert "046 454 286" not in chat_messages(ana.client, case["conversation_id"])[-1]["text"]

    empty = ana.post(f"/console/cases/{case['id']}/reply", {"text": "   "})
    assert empty.status_code == 422 and "Type a message first." in empty.text


def test_transcript_endpoint_returns_new_messages_only(console_app, ana):
    case = make_case(console_app)
    ana.post(f"/console/cases/{case['id']}/claim")
    everything = ana.get(f"/api/console/cases/{case['id']}/messages").json()
    assert [m["sender"] for m in everything["messages"]] == ["bot", "user", "system"]
    assert everything["owner"] == "agent" and everything["status"] == "claimed"
    last = everything["messages"][-1]["seq"]
    with session_scope(console_app.state.session_factory) as session:
        conversation = conversations.get(db_session=session, conversation_id=case["conversation_id"])
        conversations.add_message(db_session=session, conversation=conversation, sender="user", text="Still there?")
    newer = ana.get(f"/api/console/cases/{case['id']}/messages?after={last}").json()["messages"]
    assert [(m["sender_label"], m["text"]) for m in newer] == [("Citizen", "Still there?")]


def test_send_an_edited_bundle(console_app, ana):
    case = make_case(console_app, proposed=["ca-business-number", "on-business-name-registration"])
    ana.post(f"/console/cases/{case['id']}/claim")
    url = f"/console/cases/{case['id']}/bundle"

    found = ana.post(url, {"services": ["ca-business-number"], "action": "add", "add": "cra-final-return"})
    assert found.status_code == 200 and "Added" in found.text and 'value="ca-cra-final-return"' in found.text
    several = ana.post(url, {"services": ["ca-business-number"], "action": "add", "add": "health card"})
    assert "services match" in several.text and 'id="match-on-ohip-health-card"' in several.text
    nothing = ana.post(url, {"action": "add", "add": "unicorn licence"})
    assert nothing.status_code == 422 and "No catalogue service matches" in nothing.text
    none_ticked = ana.post(url, {"action": "send"})
    assert none_ticked.status_code == 422 and "Tick at least one service" in none_ticked.text

    sent = ana.post(
        url,
        {
            "services": ["ca-business-number", "ca-cra-final-return"],
            "added": ["ca-cra-final-return"],
            "action": "send",
            "note": "Here you go.",
        },
    )
    assert sent.status_code == 303 and "notice=bundle_sent" in sent.headers["location"]
    message = chat_messages(ana.client, case["conversation_id"])[-1]
    assert message["sender"] == "agent" and message["text"] == "Here you go."
    ids = [s["id"] for s in message["bundle"]["services"]]
    assert ids == ["ca-business-number", "ca-cra-final-return"]  # the unticked proposal is gone, the added one rendered
    assert all(s["name"] and s["organisation"]["name"] for s in message["bundle"]["services"])
    assert message["bundle"]["print_url"] == f"/conversations/{case['conversation_id']}/bundle"
    assert case_row(console_app, case["id"]).summary["sent_bundle"] == ids
    assert ana.get(f"/conversations/{case['conversation_id']}/bundle").status_code == 200


def test_transfer_needs_a_note_and_moves_the_case(console_app, ana, ben):
    case = make_case(console_app)
    ana.post(f"/console/cases/{case['id']}/claim")
    url = f"/console/cases/{case['id']}/transfer"
    no_note = ana.post(url, {"queue": "family", "note": " "})
    assert no_note.status_code == 422 and "Write a note for the next agent" in no_note.text
    same = ana.post(url, {"queue": "business", "note": "x"})
    assert same.status_code == 422 and "already in that queue" in same.text

    moved = ana.post(url, {"queue": "family", "note": "About the baby, not the bakery."})
    assert moved.status_code == 303 and moved.headers["location"] == f"/console?notice=transferred&case={case['id']}"
    row = case_row(console_app, case["id"])
    assert (row.status, row.queue, row.assigned_agent_id) == ("waiting", "family", None)
    assert owner_of(console_app, case["conversation_id"]) == "queue"
    assert f"Case {case['reference']} moved to the Family and births queue." in ana.get(moved.headers["location"]).text
    ben_page = ben.get(f"/console/cases/{case['id']}").text
    assert "Note from Ana Agent (transfer)" in ben_page and "About the baby, not the bakery." in ben_page
    assert ben.post(f"/console/cases/{case['id']}/claim").status_code == 303


def test_close_with_a_disposition(console_app, ana):
    case = make_case(console_app)
    ana.post(f"/console/cases/{case['id']}/claim")
    url = f"/console/cases/{case['id']}/close"
    missing = ana.post(url, {"disposition": ""})
    assert missing.status_code == 422 and "Choose a disposition" in missing.text
    no_note = ana.post(url, {"disposition": "referred_program", "note": ""})
    assert no_note.status_code == 422 and "needs a note naming the program" in no_note.text
    assert case_row(console_app, case["id"]).status == "claimed"

    closed = ana.post(url, {"disposition": "referred_program", "note": "Starter Company Plus"})
    assert closed.status_code == 303
    row = case_row(console_app, case["id"])
    assert (row.status, row.disposition, row.private_note) == ("closed", "referred_program", "Starter Company Plus")
    assert owner_of(console_app, case["conversation_id"]) == "closed"
    page = ana.get(closed.headers["location"]).text
    assert f"Case {case['reference']} closed: Referred to a named program." in page


def test_close_and_return_the_chat_to_the_assistant(console_app, ana):
    case = make_case(console_app)
    ana.post(f"/console/cases/{case['id']}/claim")
    ana.post(f"/console/cases/{case['id']}/close", {"disposition": "misdirected_avoided", "return_to_bot": "yes"})
    assert owner_of(console_app, case["conversation_id"]) == "bot"
    assert "back with the automated assistant" in chat_messages(ana.client, case["conversation_id"])[-1]["text"]


def test_text_from_people_is_escaped(console_app, ana):
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    case = make_case(
        console_app,
        said=attack,
        reason="complex_case:<b>bold</b>",
        facts={"municipality": "City of Toronto"},
        consent={"given": True, "wording": attack},
    )
    with session_scope(console_app.state.session_factory) as session:
        row = session.get(CaseRow, case["id"])
        row.summary = {**row.summary, "reason_detail": attack}
    page = ana.get(f"/console/cases/{case['id']}").text
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    queue_page = ana.get("/console").text
    assert "<b>bold</b>" not in queue_page and "&lt;b&gt;bold&lt;/b&gt;" in queue_page


# --- reports --------------------------------------------------------------------------------------------------------
def test_report_counts_a_closed_case_and_exports_csv(console_app, ana):
    with session_scope(console_app.state.session_factory) as session:  # a chat the assistant handled alone
        contained = conversations.create(db_session=session)
        conversations.add_message(db_session=session, conversation=contained, sender="user", text="new baby")
        conversations.add_message(
            db_session=session,
            conversation=contained,
            sender="bot",
            text="Here",
            bundle={"events": [{"id": "birth", "title": "Having a baby"}], "services": []},
        )
        idle = conversations.create(db_session=session)  # opened, never written in: not a contact
        conversations.add_message(db_session=session, conversation=idle, sender="bot", text="Hello!")
    case = make_case(console_app)
    ana.post(f"/console/cases/{case['id']}/claim")
    ana.post(f"/console/cases/{case['id']}/close", {"disposition": "misdirected_avoided"})

    page = ana.get("/console/reports")
    assert page.status_code == 200
    text = page.text
    assert "Misdirected contacts avoided" in text and 'class="bars"' in text and "<table>" in text
    with session_scope(console_app.state.session_factory) as session:
        from bot.console.reports import build_report, date_range

        report = build_report(
            db_session=session,
            snapshot=console_app.state.snapshots.get(session),
            period=date_range(None, None, "America/Toronto"),
        )
    assert report["totals"]["contacts"] == 2 and report["totals"]["closed"] == 1
    assert report["containment"] == {"contained": 1, "chat": 2, "rate": 0.5}
    assert report["handoff"]["rate"] == 0.5 and report["handoff"]["reasons"][0]["id"] == "asked_for_person"
    assert report["misdirected_avoided"] == 1
    volume = {row["id"]: row["counts"] for row in report["volume"]["rows"]}
    assert volume["birth"]["chat"] == 1 and volume["new_business"]["chat"] == 1
    assert report["wait"]["count"] == 1 and report["handling"]["count"] == 1

    csv = ana.get("/console/reports.csv")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv.headers["content-disposition"]
    lines = csv.text.splitlines()
    assert lines[0] == "section,item,channel,value"
    assert "disposition,misdirected_avoided,,1" in lines
    assert "containment,rate,chat,0.5" in lines
    assert "volume_by_life_event,new_business,chat,1" in lines
    assert "handoff_reason,asked_for_person,chat,1" in lines


def test_report_date_range(console_app, ana):
    make_case(console_app)
    past = ana.get("/console/reports.csv?from=2020-01-01&to=2020-01-31").text.splitlines()
    assert "totals,cases,,0" in past and "range,from,,2020-01-01" in past
    bad = ana.get("/console/reports?from=2020-02-01&to=2020-01-01")
    assert bad.status_code == 422 and "must be on or before" in bad.text
    assert ana.get("/console/reports.csv?from=yesterday").status_code == 422


# --- phone triage ---------------------------------------------------------------------------------------------------
class ParserStub:
    """Answers like Rasa's /model/parse."""

    def __init__(self, intent="new_business", confidence=0.91, entities=(), down=False):
        self.intent, self.confidence, self.entities, self.down = intent, confidence, list(entities), down
        self.texts = []

    async def parse(self, text):
        self.texts.append(text)
        if self.down:
            raise NluUnavailable("connection refused")
        return {
            "text": text,
            "intent": {"name": self.intent, "confidence": self.confidence},
            "intent_ranking": [
                {"name": self.intent, "confidence": self.confidence},
                {"name": "birth", "confidence": 0.04},
            ],
            "entities": self.entities,
        }


def test_phone_triage_recognises_answers_and_saves_a_case(console_app, ana, user_ids):
    stub = ParserStub(entities=[{"entity": "municipality", "value": "City of Toronto", "start": 30, "end": 37}])
    console_app.state.parser = stub
    said = "I'm opening a bakery in Toronto, my SIN is 046 454 286"
    first = ana.post("/console/phone", {"text": said})
    assert first.status_code == 200
    assert "046 454 286" not in stub.texts[0]  # redacted before recognition
    for words in (
        "Starting a business",
        "confidence 91%",
        "City of Toronto",
        "Business Number (BN) registration",
        "How will the business be set up?",
        "Save as case",
    ):
        assert words in first.text, words

    second = ana.post(
        "/console/phone",
        {
            "text": said,
            "fact.municipality": "City of Toronto",
            "fact.business_structure": "corporation",
            "fact.has_employees": "__unknown__",
        },
    )
    assert second.status_code == 200
    assert "Corporation (incorporated company)" in second.text and "Does not know" in second.text

    bad = ana.post("/console/phone", {"text": said, "fact.municipality": "Atlantis"})
    assert bad.status_code == 422 and "unknown Ontario municipality" in bad.text

    saved = ana.post("/console/phone/case", {"text": said, "fact.business_structure": "corporation"})
    assert saved.status_code == 303 and "notice=phone_saved" in saved.headers["location"]
    case_id = int(saved.headers["location"].split("/")[3].split("?")[0])
    row = case_row(console_app, case_id)
    assert (row.channel, row.status, row.assigned_agent_id, row.queue) == (
        "phone",
        "claimed",
        user_ids["ana"],
        "business",
    )
    assert row.summary["events"] == ["new_business"] and row.summary["facts"]["business_structure"] == "corporation"
    assert "046 454 286" not in str(row.summary)
    page = ana.get(saved.headers["location"]).text
    assert "Phone case" in page and "Save the list on the case" in page and "/reply" not in page
    saved_list = ana.post(f"/console/cases/{case_id}/bundle", {"services": ["ca-business-number"], "action": "send"})
    assert saved_list.status_code == 303 and "notice=bundle_saved" in saved_list.headers["location"]
    closed = ana.post(f"/console/cases/{case_id}/close", {"disposition": "resolved_tier1"})
    assert closed.status_code == 303 and case_row(console_app, case_id).status == "closed"
    with session_scope(console_app.state.session_factory) as session:
        assert cases.claimed_by(db_session=session, agent_id=user_ids["ana"]) == []


def test_phone_triage_says_when_recognition_is_down(console_app, ana):
    console_app.state.parser = ParserStub(down=True)
    response = ana.post("/console/phone", {"text": "my father died"})
    assert response.status_code == 503
    assert "Recognition is unavailable — the assistant server is not running" in response.text
    assert "my father died" in response.text  # what the agent typed is kept
    empty = ana.post("/console/phone", {"text": "  "})
    assert empty.status_code == 422 and "is empty" in empty.text


def test_urgent_phone_call_goes_to_the_priority_queue(console_app, ana):
    console_app.state.parser = ParserStub(intent="crisis", confidence=0.97)
    response = ana.post("/console/phone", {"text": "I want to kill myself"})
    assert response.status_code == 200 and "Safety concern" in response.text
    saved = ana.post("/console/phone/case", {"text": "I want to kill myself"})
    case_id = int(saved.headers["location"].split("/")[3].split("?")[0])
    row = case_row(console_app, case_id)
    assert row.urgent and row.queue == "priority" and row.channel == "phone"


def test_case_actions_are_audited(console_app, ana, ben):
    from bot.audit.models import AuditRow

    case = make_case(console_app)
    ana.post(f"/console/cases/{case['id']}/claim")
    ben.post(f"/console/cases/{case['id']}/claim")  # refused: recorded too
    ana.post(f"/console/cases/{case['id']}/bundle", {"services": ["ca-business-number"], "action": "send"})
    ana.post(f"/console/cases/{case['id']}/transfer", {"queue": "general", "note": "General question after all"})
    ben.post(f"/console/cases/{case['id']}/claim")
    ben.post(f"/console/cases/{case['id']}/close", {"disposition": "resolved_tier1"})
    with session_scope(console_app.state.session_factory) as session:
        rows = session.query(AuditRow).filter(AuditRow.target_type == "case").order_by(AuditRow.id).all()
        entries = [(row.actor, row.action, row.target_id) for row in rows]
        details = [row.detail for row in rows]
    target = str(case["id"])
    assert entries == [
        ("ana", "case.claim", target),
        ("ben", "case.claim_refused", target),
        ("ana", "case.bundle_sent", target),
        ("ana", "case.transfer", target),
        ("ben", "case.claim", target),
        ("ben", "case.close", target),
    ]
    assert all(d["reference"] == case["reference"] for d in details)
    assert details[3]["queue"] == "general" and "note" not in details[3]  # codes, never what people wrote
    assert details[5]["disposition"] == "resolved_tier1"


def test_phone_question_that_matches_nothing_feeds_the_gap_report(console_app, ana):
    from sqlalchemy import select

    from bot.audit.models import UnmatchedQuestionRow
    from onewindow_catalogue.database import session_scope

    console_app.state.parser = ParserStub(intent="other_service", confidence=0.88)
    assert (
        ana.post("/console/phone", {"text": "how do I renew a fishing licence, call me 416-555-0199"}).status_code
        == 200
    )
    with session_scope(console_app.state.session_factory) as session:
        rows = list(session.execute(select(UnmatchedQuestionRow)).scalars())
    assert [(row.source, "[PHONE]" in row.text_redacted, "0199" in row.text_redacted) for row in rows] == [
        ("phone", True, False)
    ]
