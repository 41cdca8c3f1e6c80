"""May we recommend: a second life event the person's words point to is
offered as a question with its reason, once, and never added by itself."""

from __future__ import annotations

import pytest
from test_assistant_actions import run, tracker
from test_said_once import entities_of, user_event

from actions import actions as A
from bot.assistant import catalogue_access
from onewindow_catalogue.suggestions import suggestions


@pytest.fixture(autouse=True)
def seed_provider(seed_snapshot):
    catalogue_access.set_provider(lambda: seed_snapshot)
    yield
    catalogue_access.set_provider(None)


@pytest.mark.parametrize(
    "event,text,suggested",
    [
        ("bereavement", "My father passed away on Monday; he ran a small hardware store in Guelph", "new_business"),
        ("birth", "We had our daughter last week, we only moved here from Brazil in the spring", "new_to_ontario"),
        ("new_business", "I just relocated from Calgary and want to register a cleaning business", "new_to_ontario"),
    ],
)
def test_a_second_life_event_is_offered_as_a_question_with_its_reason(event, text, suggested):
    entities = entities_of(text)
    messages, slots, _ = run(A.ActionRecogniseEvents(), tracker(event, text, entities))
    offers = [m for m in messages if any(b.get("payload") == f"/{suggested}" for b in m.get("buttons") or [])]
    assert len(offers) == 1, messages
    assert "Would you like me to add them" in offers[0]["text"]
    assert slots["life_events"] == [event], "never assumed: the event is added only if the person says yes"


def test_nothing_is_offered_without_a_reason_or_twice(seed_snapshot):
    text = "my mom died yesterday in Ottawa"
    messages, _, _ = run(A.ActionRecogniseEvents(), tracker("bereavement", text, entities_of(text)))
    assert not any(m.get("buttons") for m in messages)
    # already offered by an earlier message: not asked again
    first = "my mom died yesterday, she owned a bakery"
    history = [user_event(first, entities_of(first), "bereavement"), user_event("ok", [], "affirm")]
    t = tracker("bereavement", "ok", [], slots={"life_events": ["bereavement"]}, events=history)
    assert not any(m.get("buttons") for m in run(A.ActionRecogniseEvents(), t)[0])
    # an event already in the plan is not suggested
    assert suggestions(seed_snapshot, ["bereavement", "new_business"], {"deceased_owned_business": True}) == []


def test_suggestion_rules_are_validated(seed_catalogue):
    from onewindow_catalogue.municipalities import SEED_DIR, load_directory
    from onewindow_catalogue.seed_format import Suggestion
    from onewindow_catalogue.validation import check_catalogue

    events = []
    for event in seed_catalogue.life_events:
        if event.id == "birth":
            bad = [
                Suggestion(event="moving_house", when={"fact": "arrived_from", "eq": "country"}, why={"en": "x"}),
                Suggestion(event="new_to_ontario", when={"fact": "nope", "eq": True}, why={"en": "x"}),
            ]
            event = event.copy(update={"suggests": bad})
        events.append(event)
    problems = [
        str(p) for p in check_catalogue(seed_catalogue.copy(update={"life_events": events}), load_directory(SEED_DIR))
    ]
    assert any("unknown life event 'moving_house'" in p for p in problems)
    assert any("unknown fact 'nope'" in p for p in problems)
