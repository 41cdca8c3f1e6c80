"""End to end with the real Rasa server, action server and web app: a chat that
ends in handoff reaches a queue, an agent claims it in the console, they talk,
the bot stays silent meanwhile, the agent closes it and the report counts it."""

import csv
import io

import httpx
import pytest
from e2e_support import Agent, Citizen, button

pytestmark = pytest.mark.rasa


def rasa_user_texts(stack, conversation_id):
    tracker = httpx.get(
        f"{stack['rasa']}/conversations/{conversation_id}/tracker", params={"token": stack["token"]}, timeout=30
    ).json()
    return [event.get("text") for event in tracker["events"] if event["event"] == "user"]


def test_chat_to_handoff_to_console_and_report(stack):
    citizen = Citizen(stack["web"])
    first = citizen.say("my husband passed away on Sunday and I'd like to talk to a real person please")
    assert first["owner"] == "bot"
    consent = citizen.say(payload=button(first, "/affirm")["payload"])
    assert consent["owner"] == "queue", consent
    assert "case number is OW-" in consent["messages"][-1]["text"]

    ana, ben = Agent(stack["web"], "agent1"), Agent(stack["web"], "agent2")
    waiting = [case for case in ana.waiting() if case["queue"] == "bereavement"]
    assert waiting, ana.waiting()
    case_id = waiting[0]["id"]
    assert ana.claim(case_id).status_code == 200
    refused = ben.claim(case_id)
    assert refused.status_code == 409 and "no longer waiting" in refused.json()["detail"]
    assert citizen.history()["owner"] == "agent"

    page = ana.form(f"/console/cases/{case_id}/reply", text="I'm so sorry for your loss. I'm Ana and I can help.")
    assert page.status_code == 200
    assert citizen.history()["messages"][-1]["sender"] == "agent"

    silent = citizen.say("thank you, what do I do about his pension?")
    assert [m["sender"] for m in silent["messages"]] == ["user"]  # the bot says nothing while the agent holds it
    assert "what do I do about his pension?" not in " ".join(filter(None, rasa_user_texts(stack, citizen.id)))
    transcript = ana.http.get(f"/api/console/cases/{case_id}/messages").json()["messages"]
    assert transcript[-1]["text"] == "thank you, what do I do about his pension?"

    closed = ana.form(f"/console/cases/{case_id}/close", disposition="misdirected_avoided", note="")
    assert closed.status_code == 200
    assert citizen.history()["owner"] == "closed"

    rows = list(csv.DictReader(io.StringIO(ana.http.get("/console/reports.csv").text)))
    assert any(row["item"] == "misdirected_avoided" and row["value"] == "1" for row in rows), rows


def test_life_event_conversation_ends_with_a_bundle(stack):
    citizen = Citizen(stack["web"])
    reply = citizen.say("we just had a baby girl at Brampton Civic")
    for _ in range(10):  # answer each question the assistant asks with its first option, or skip
        bundles = [m["bundle"] for m in reply["messages"] if m.get("bundle")]
        if bundles:
            break
        buttons = [b for m in reply["messages"] for b in m.get("buttons") or []]
        assert buttons, [m["text"] for m in reply["messages"]]
        reply = citizen.say(payload=buttons[0]["payload"])
    else:
        pytest.fail("no bundle after ten answers")
    ids = {service["id"] for service in bundles[-1]["services"]}
    assert "on-newborn-registration-service" in ids or "ca-canada-child-benefit" in ids
    assert "mun-peel-hbhc" in ids  # Brampton is in Peel Region
    printable = citizen.http.get(bundles[-1]["print_url"])
    assert printable.status_code == 200 and "Your services" in printable.text


def test_crisis_gets_the_referral_first_and_goes_to_the_priority_queue(stack):
    citizen = Citizen(stack["web"])
    reply = citizen.say("my wife died and honestly i dont want to live anymore")
    assert "9-8-8" in reply["messages"][1]["text"] or "988" in reply["messages"][1]["text"].replace("-", "")
    assert reply["owner"] == "queue"
    agent = Agent(stack["web"], "agent1")
    urgent = [case for case in agent.waiting() if case["urgent"]]
    assert urgent and urgent[0]["queue"] == "priority"


def test_triage_api_matches_the_chat(stack):
    agent = Agent(stack["web"], "agent1")
    result = agent.http.post(
        "/api/triage",
        json={"text": "I'd like to speak to an agent, my dad died in Ottawa"},
        headers={"X-CSRF-Token": agent.csrf},
    ).json()
    assert [event["id"] for event in result["life_events"]] == ["bereavement"]
    assert result["handoff"] == {"needed": True, "reason": "asked_for_person", "queue": "bereavement"}
    assert result["facts"]["municipality"] == "City of Ottawa"
    assert result["urgent"] is False
