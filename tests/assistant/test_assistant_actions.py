"""The Rasa SDK actions, run directly against the seed catalogue (no servers)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import actions as A
from bot.assistant import catalogue_access

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def seed_provider(seed_snapshot):
    catalogue_access.set_provider(lambda: seed_snapshot)
    yield
    catalogue_access.set_provider(None)


def tracker(intent="inform", text="", entities=(), slots=None, events=None, metadata=None):
    base = {"lang": "en", "question_limit": 6.0}
    base.update(slots or {})
    return Tracker(
        sender_id="conv-123",
        slots=base,
        latest_message={
            "intent": {"name": intent, "confidence": 0.9},
            "text": text,
            "entities": list(entities),
            "metadata": metadata or {},
        },
        events=events or [],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def run(action, t):
    dispatcher = CollectingDispatcher()
    result = action.run(dispatcher, t, DOMAIN)
    if asyncio.iscoroutine(result):
        result = asyncio.run(result)
    return dispatcher.messages, {e["name"]: e["value"] for e in result if e.get("event") == "slot"}, result


def test_recognise_events_says_what_it_understood():
    messages, slots, _ = run(
        A.ActionRecogniseEvents(),
        tracker(
            "bereavement+new_business",
            "my wife died and I'm taking over her bakery in Hamilton",
            [
                {"entity": "relationship_to_deceased", "value": "spouse"},
                {"entity": "sells_food", "value": "true"},
                {"entity": "municipality", "value": "City of Hamilton"},
            ],
        ),
    )
    assert messages[0]["text"].startswith(
        "I'm sorry for your loss. I can help with what needs doing after a death, and with"
    )
    assert slots["life_events"] == ["bereavement", "new_business"]
    assert slots["facts"] == {
        "relationship_to_deceased": "spouse",
        "sells_food": True,
        "municipality": "City of Hamilton",
    }
    assert slots["handoff_offered"] is False and slots["events_known"] is True and slots["answer"] is None


def test_recognise_events_offers_a_person_for_complex_cases():
    messages, slots, _ = run(A.ActionRecogniseEvents(), tracker("bereavement", "our baby was stillborn yesterday"))
    assert slots["handoff_offered"] is True
    assert slots["handoff_reason"] == "complex_case:stillbirth_or_child_death"
    assert slots["handoff_queue"] == "bereavement"
    assert "a person from our team" in messages[0]["text"]


def test_ask_answer_asks_the_first_open_question_with_buttons():
    messages, slots, _ = run(A.ActionAskAnswer(), tracker(slots={"life_events": ["new_business"], "facts": {}}))
    fact = slots["pending_fact"]
    assert fact and slots["asked_facts"] == [fact]
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert "/dont_know" in payloads and '/dont_know{"answer": "skip"}' in payloads


def validate(t):
    dispatcher = CollectingDispatcher()
    result = A.ValidateQuestionsForm().validate_answer(t.latest_message["text"], dispatcher, t, DOMAIN)
    return dispatcher.messages, result


def test_validate_records_a_button_answer_and_goes_on():
    t = tracker(
        "inform",
        '/inform{"answer": "true"}',
        [{"entity": "answer", "value": "true"}],
        slots={
            "life_events": ["new_business"],
            "facts": {},
            "pending_fact": "has_employees",
            "asked_facts": ["has_employees"],
        },
    )
    messages, slots = validate(t)
    assert slots["facts"]["has_employees"] is True
    assert slots["answer"] is None and slots["pending_fact"] is None
    assert messages == []


def test_validate_dont_know_and_corrections():
    t = tracker(
        "inform",
        "not sure, but actually we're in Ottawa",
        [{"entity": "municipality", "value": "City of Ottawa"}],
        slots={
            "life_events": ["new_business"],
            "facts": {"municipality": "City of Toronto"},
            "pending_fact": "has_employees",
            "asked_facts": ["municipality", "has_employees"],
        },
    )
    messages, slots = validate(t)
    assert slots["facts"] == {"municipality": "City of Ottawa", "has_employees": None}
    assert "updated" in messages[0]["text"] and "City of Ottawa" in messages[0]["text"]


def test_validate_not_understood_twice_moves_on():
    base = {"life_events": ["bereavement"], "facts": {}, "pending_fact": "has_will", "asked_facts": ["has_will"]}
    messages, slots = validate(tracker("inform", "purple", slots=base))
    assert slots["retry_count"] == 1.0 and "has_will" not in slots["facts"]
    assert messages[0]["text"].startswith("Sorry, I didn't catch that.")
    messages, slots = validate(tracker("inform", "purple", slots={**base, "retry_count": 1.0}))
    assert slots["facts"]["has_will"] is None and slots["retry_count"] == 0.0


def test_validate_life_event_mid_form_adds_it():
    t = tracker(
        "new_business",
        "oh and I'm also taking over his shop",
        slots={"life_events": ["bereavement"], "facts": {}, "pending_fact": "has_will", "asked_facts": ["has_will"]},
    )
    messages, slots = validate(t)
    assert slots["life_events"] == ["bereavement", "new_business"]
    assert "added" in messages[0]["text"]


def test_validate_show_bundle_ends_the_form():
    t = tracker(
        "show_bundle",
        "just show me the list",
        slots={"life_events": ["birth"], "facts": {}, "pending_fact": "born_in_ontario"},
    )
    _, slots = validate(t)
    assert slots["answer"] == "done" and slots["pending_fact"] is None


def test_validate_ends_after_the_cap():
    asked = ["a", "b", "c", "d", "e"]
    t = tracker(
        "affirm",
        "yes",
        slots={
            "life_events": ["birth"],
            "facts": {},
            "pending_fact": "born_in_ontario",
            "asked_facts": asked + ["born_in_ontario"],
        },
    )
    _, slots = validate(t)
    assert slots["facts"]["born_in_ontario"] is True
    assert slots["answer"] == "done"


def test_required_slots_is_empty_when_nothing_to_ask():
    form = A.ValidateQuestionsForm()
    dispatcher = CollectingDispatcher()
    none_left = asyncio.run(form.required_slots(["answer"], dispatcher, tracker(slots={"life_events": []}), DOMAIN))
    assert none_left == []
    some = asyncio.run(form.required_slots(["answer"], dispatcher, tracker(slots={"life_events": ["birth"]}), DOMAIN))
    assert some == ["answer"]


def test_show_bundle_sends_text_and_the_bundle_json():
    messages, _, _ = run(
        A.ActionShowBundle(),
        tracker("show_bundle", slots={"life_events": ["birth"], "facts": {"municipality": "City of Toronto"}}),
    )
    assert messages[0]["text"].startswith("Here is your checklist for having a baby in City of Toronto")
    assert [b["payload"] for b in messages[0]["buttons"]][-4:] == [
        "/show_bundle",
        "/download_bundle",
        "/start_over",
        "/request_human",
    ]
    bundle = messages[1]["custom"]["bundle"]
    assert bundle["services"] and bundle["events"][0]["id"] == "birth"


def test_download_points_at_the_web_page():
    messages, _, _ = run(A.ActionDownloadBundle(), tracker("download_bundle", slots={"life_events": ["birth"]}))
    assert "/conversations/conv-123/bundle" in messages[0]["text"]


def test_referral_for_a_passport_and_the_generic_one():
    messages, slots, _ = run(A.ActionReferral(), tracker("other_service", "how do I renew my passport"))
    assert "1-800-567-6868" in messages[0]["text"] and slots["handoff_offered"] is False
    messages, _, _ = run(A.ActionReferral(), tracker("out_of_scope", "tell me a joke"))
    assert "211" in messages[0]["text"]


def test_two_fallbacks_in_a_row_offer_a_person():
    def user(text):
        return {"event": "user", "text": text, "parse_data": {"intent": {"name": "nlu_fallback"}}}

    events = [user("blorp"), {"event": "bot", "text": "?"}, user("zzz")]
    messages, slots, _ = run(A.ActionReferral(), tracker("nlu_fallback", "zzz", events=events))
    assert slots["handoff_offered"] is True and slots["handoff_reason"] == "not_understood"
    _, slots, _ = run(A.ActionReferral(), tracker("nlu_fallback", "zzz", events=[user("zzz")]))
    assert slots["handoff_offered"] is False


def test_crisis_hands_over_urgently_without_consent():
    messages, slots, _ = run(
        A.ActionCrisis(),
        tracker("crisis", "my husband hit me and I'm scared to go home", slots={"life_events": ["bereavement"]}),
    )
    assert "911" in messages[0]["text"] and "1-866-863-0511" in messages[0]["text"]
    handoff = messages[1]["custom"]["handoff"]
    assert handoff["urgent"] is True and handoff["queue"] == "priority" and handoff["reason"] == "urgent"
    assert handoff["consent"]["given"] is False
    assert slots["handoff_urgent"] is True


def said(t, *events):
    """The tracker with the parse's `life_events` for its latest message."""
    t.latest_message["life_events"] = [{"id": e, "confidence": 0.9, "source": "model"} for e in events]
    return t


def test_a_request_for_a_person_keeps_the_events_it_names():
    text = "my husband passed away on Sunday and I'd like to talk to a real person please"
    _, slots, _ = run(A.ActionOfferHandoff(), said(tracker("request_human", text), "bereavement", "not_an_event"))
    assert slots["handoff_queue"] == "bereavement" and slots["life_events"] == ["bereavement"]
    _, slots, _ = run(
        A.ActionOfferHandoff(), said(tracker("request_human", text, slots={"life_events": ["birth"]}), "bereavement")
    )
    assert slots["life_events"] == ["birth", "bereavement"]  # what was known first stays first (its queue)


def test_a_crisis_hands_over_with_the_event_it_names():
    t = said(tracker("crisis", "my water just broke and I'm alone at home"), "birth")
    messages, slots, _ = run(A.ActionCrisis(), t)
    handoff = messages[1]["custom"]["handoff"]
    assert handoff["queue"] == "priority" and handoff["events"] == ["birth"] and slots["life_events"] == ["birth"]


def test_declining_a_handoff_speaks_of_the_plan_only_when_there_is_one():
    slots = {"life_events": ["bereavement"], "events_known": False}  # named in a request, no plan made yet
    messages, _, _ = run(A.ActionHandoffDeclined(), tracker("deny", "no", slots=slots))
    assert messages[0]["text"] == A.say("handoff_declined_no_events", "en")
    messages, _, _ = run(A.ActionHandoffDeclined(), tracker("deny", "no", slots={**slots, "events_known": True}))
    assert messages[0]["text"] == A.say("handoff_declined", "en")


def test_handoff_with_consent_carries_the_exact_wording():
    _, slots, _ = run(
        A.ActionOfferHandoff(),
        tracker("request_human", "can I talk to a person", slots={"life_events": ["new_to_ontario"]}),
    )
    assert slots == {
        "handoff_offered": True,
        "handoff_reason": "asked_for_person",
        "handoff_queue": "newcomers",
        "life_events": ["new_to_ontario"],
    }
    messages, slots, _ = run(
        A.ActionHandoff(),
        tracker(
            "affirm",
            "yes",
            slots={
                "life_events": ["new_to_ontario"],
                "facts": {"arrived_from": "country"},
                "handoff_reason": "asked_for_person",
                "handoff_queue": "newcomers",
            },
        ),
    )
    handoff = messages[1]["custom"]["handoff"]
    english = [v for v in DOMAIN["responses"]["utter_ask_handoff_consent"] if not v.get("condition")]
    assert handoff["consent"] == {"given": True, "wording": english[0]["text"]}
    assert handoff["events"] == ["new_to_ontario"] and handoff["facts"] == {"arrived_from": "country"}
    assert messages[0]["text"].startswith("I'm connecting you with an agent")
    assert slots["handoff_consent"] is True


def test_start_over_resets_everything():
    messages, _, result = run(A.ActionStartOver(), tracker("start_over", "start over"))
    assert result[0]["event"] == "reset_slots"
    assert len(messages[0]["buttons"]) == 4


def test_assistant_never_asks_for_identifiers(seed_catalogue):
    import re

    texts = [r["text"] for variations in DOMAIN["responses"].values() for r in variations]
    texts += [fact.question["en"] for fact in seed_catalogue.facts]
    asking = re.compile(
        r"(what is|what's|give|provide|enter|type|tell me|share) (me )?(your|the) "
        r"(sin|social insurance|health card|ohip|passport number|credit card|bank)",
        re.I,
    )
    for text in texts:
        assert not asking.search(text), text


def test_recognise_events_offers_a_person_when_asked_in_the_same_message():
    messages, slots, _ = run(
        A.ActionRecogniseEvents(),
        tracker("bereavement", "my husband died, I can't do this with a chatbot, I need a person"),
    )
    assert slots["handoff_offered"] is True and slots["handoff_reason"] == "asked_for_person"
    assert slots["life_events"] == ["bereavement"]
