"""Conversation state: events, facts from entities, the next question, the cap."""

from __future__ import annotations

from bot.assistant import conversation as conv
from bot.assistant.referrals import match_referral, referral_text
from bot.assistant.summary import bundle_buttons, bundle_text, more_questions_text


def test_events_from_intents():
    known = ["new_business", "birth", "bereavement", "new_to_ontario"]
    assert conv.events_in_intent("bereavement+new_business", known) == ["bereavement", "new_business"]
    assert conv.events_in_intent("birth", known) == ["birth"]
    assert conv.events_in_intent("greet", known) == []
    assert conv.events_in_intent(None, known) == []


def test_describe_events_reads_naturally():
    text = conv.describe_events(["bereavement", "new_business"])
    assert text == "what needs doing after a death, and with taking over or starting a business"
    assert conv.describe_events(["birth"]) == "having a baby"


def test_understood_message_offers_condolences_first(seed_snapshot):
    state = conv.State(events=["bereavement", "new_business"])
    message = conv.understood_message(seed_snapshot, state, ["bereavement", "new_business"], [], first_time=True)
    assert message.startswith("I'm sorry for your loss. I can help with what needs doing after a death")
    assert "taking over or starting a business" in message


def test_merge_entities_keeps_relevant_facts_and_corrects(seed_snapshot):
    state = conv.State(events=["new_business"])
    changed = conv.merge_entities(
        seed_snapshot,
        state,
        [
            {"entity": "municipality", "value": "City of Toronto"},
            {"entity": "has_employees", "value": "true"},
            {"entity": "relationship_to_deceased", "value": "child"},  # not about a business
            {"entity": "answer", "value": "true"},
            {"entity": "sells_food", "value": "maybe"},  # not a valid value
        ],
    )
    assert changed == [("municipality", "City of Toronto"), ("has_employees", True)]
    assert state.facts == {"municipality": "City of Toronto", "has_employees": True}
    changed = conv.merge_entities(seed_snapshot, state, [{"entity": "municipality", "value": "Ottawa"}])
    assert changed == [("municipality", "City of Ottawa")]


def test_facts_before_events_are_pruned_when_events_are_known(seed_snapshot):
    state = conv.State()
    conv.merge_entities(
        seed_snapshot, state, [{"entity": "has_employees", "value": "true"}, {"entity": "has_will", "value": "false"}]
    )
    state.events = ["bereavement"]
    conv.prune_facts(seed_snapshot, state)
    assert state.facts == {"has_will": False}


def test_next_question_and_the_cap(seed_snapshot):
    state = conv.State(events=["new_business"], question_limit=2)
    first = conv.next_question(seed_snapshot, state)
    assert first is not None and first["fact"] not in state.facts
    conv.record_asked(state, first["fact"])
    state.facts[first["fact"]] = None  # "I don't know": settled, not asked again
    second = conv.next_question(seed_snapshot, state)
    assert second["fact"] != first["fact"]
    conv.record_asked(state, second["fact"])
    state.facts[second["fact"]] = True if second["type"] == "boolean" else second["options"][0]["value"]
    assert conv.next_question(seed_snapshot, state) is None  # cap reached
    assert conv.remaining_questions(seed_snapshot, state) > 0
    state.question_limit = 10
    assert conv.next_question(seed_snapshot, state) is not None


def test_no_questions_without_events(seed_snapshot):
    assert conv.next_question(seed_snapshot, conv.State()) is None


def test_question_buttons():
    buttons = conv.question_buttons({"options": [{"value": "true", "label": "Yes"}, {"value": "false", "label": "No"}]})
    assert buttons[0] == {"title": "Yes", "payload": '/inform{"answer": "true"}'}
    assert [b["payload"] for b in buttons[2:]] == ["/dont_know", '/dont_know{"answer": "skip"}', "/show_bundle"]


def test_bundle_text_follows_the_plan_with_government_as_a_label(seed_snapshot):
    state = conv.State(
        events=["bereavement"], facts={"municipality": "City of Toronto", "relationship_to_deceased": "spouse"}
    )
    bundle = conv.bundle_for(seed_snapshot, state)
    text = bundle_text(bundle)
    assert text.startswith("Here is your checklist for after a death in City of Toronto")
    assert "Government of Ontario" in text and "Government of Canada" in text
    # Each number names the service at that place in the bundle's order (the
    # order to do things), whichever government's heading it is listed under.
    numbered = [line.split(". ", 1) for line in text.splitlines() if line[:1].isdigit()]
    in_order = [s["name"] for s in bundle["services"] if not s.get("covered_by")]
    assert len(numbered) == len(in_order) >= 2
    for number, line in numbered:
        assert line.startswith(in_order[int(number) - 1] + " ("), (number, line)
    # Under each heading the numbers go up; the first heading holds the first thing to do.
    for group in text.split("\n\n")[1:]:
        numbers = [int(line.split(".")[0]) for line in group.splitlines() if line[:1].isdigit()]
        assert numbers == sorted(numbers), group
    assert text.split("\n\n")[1].splitlines()[1].startswith("1. ")
    # The headings are the plan's phases (when to act), never the order of government.
    headings = [group.splitlines()[0] for group in text.split("\n\n")[1:]]
    assert headings == [phase["title"] for phase in bundle["plan"]["phases"]]
    covered = [s for s in bundle["services"] if s.get("covered_by")]
    for service in covered:
        assert f"{service['name']}: included in" in text


def test_bundle_text_names_deadlines_and_links(seed_snapshot):
    state = conv.State(events=["birth"], facts={"municipality": "City of Ottawa", "birth_date": "2025-01-10"})
    text = bundle_text(conv.bundle_for(seed_snapshot, state))
    assert "Deadline:" in text
    assert "https://" in text


def test_bundle_buttons_and_more_questions():
    assert [b["payload"] for b in bundle_buttons(0)] == [
        "/show_bundle",
        "/download_bundle",
        "/start_over",
        "/request_human",
    ]
    assert bundle_buttons(2)[0]["payload"] == "/affirm"
    assert more_questions_text(1) == "I have 1 more question that could make this list more precise. Want to answer it?"


def test_referrals():
    passport = match_referral("how do I renew my passport?")
    assert passport is not None and passport.id == "adult-passport"
    assert "1-800-567-6868" in referral_text(passport)
    assert match_referral("what's the weather like") is None
    generic = referral_text(None)
    assert "ServiceOntario" in generic and "211" in generic and "311" in generic
