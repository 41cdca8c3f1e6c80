"""Say it once: a fact the person stated anywhere settles its question, and
what they said also takes services out of the plan. Runs the real fact cues
and the real actions over the seed catalogue (no Rasa servers)."""

from __future__ import annotations

import pytest
from test_assistant_actions import DOMAIN, run, tracker, validate  # noqa: F401 (fixtures come with the module)

from actions import actions as A
from bot.assistant import catalogue_access
from bot.assistant import conversation as conv
from bot.components.fact_matcher import default_matcher
from onewindow_catalogue.bundle import build_bundle, parse_facts

FIRST_MESSAGES = [
    # (event, first message, facts it must settle)
    (
        "bereavement",
        "My dad died last week in Sudbury; he was collecting OAS for years",
        {"deceased_received_benefits"},
    ),
    (
        "bereavement",
        "my grandmother passed on Sunday in Kingston, she was receiving the guaranteed income supplement",
        {"deceased_received_benefits", "death_date", "municipality"},
    ),
    ("new_to_ontario", "I grew up in Winnipeg and I'm relocating to Hamilton next month for work", {"arrived_from"}),
    (
        "new_business",
        "We plan to incorporate our landscaping company in Ontario, not federally, and hire two people",
        {"incorporation_jurisdiction", "business_structure", "has_employees"},
    ),
    ("birth", "Our son was born at the hospital in London on Friday", {"born_in_ontario", "birth_date"}),
    (
        "bereavement",
        "My husband died suddenly on Thursday in Barrie; I'm the executor of his will",
        {"relationship_to_deceased", "death_unexpected", "death_date", "municipality", "is_executor", "has_will"},
    ),
    (
        "new_business",
        "I'm opening a food truck as a sole proprietor in Mississauga next month, selling over 30k a year",
        {"sells_food", "business_structure", "municipality", "revenue_over_30k"},
    ),
    (
        "new_to_ontario",
        "We moved from Portugal in October as permanent residents to Brampton with our two kids; I'm an engineer"
        " trained abroad looking for work",
        {"arrived_from", "immigration_status", "municipality", "has_children_under_18", "internationally_trained"},
    ),
    (
        "birth",
        "Our twins were born yesterday at home in Windsor; my partner works and wants to go on parental leave"
        " and we'll travel to India",
        {"born_in_ontario", "birth_date", "municipality", "parent_has_insured_work", "will_travel_abroad"},
    ),
    (
        "bereavement",
        "My sister passed away in Montreal last week and her estate has no money for the funeral; she left no will",
        {"relationship_to_deceased", "death_in_ontario", "estate_lacks_funds", "has_will"},
    ),
]


@pytest.fixture(autouse=True)
def seed_provider(seed_snapshot):
    catalogue_access.set_provider(lambda: seed_snapshot)
    yield
    catalogue_access.set_provider(None)


def entities_of(text):
    return [{"entity": m.fact, "value": m.value} for m in default_matcher().extract(text)]


def user_event(text, entities, intent):
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}, "entities": entities}}


@pytest.mark.parametrize("event,text,expected", FIRST_MESSAGES)
def test_no_question_the_first_message_settled_is_asked(seed_snapshot, event, text, expected):
    """Every fact the first message settles is never asked, however many questions follow."""
    entities = entities_of(text)
    settled = {e["entity"] for e in entities if conv.relevant(seed_snapshot, e["entity"], [event])}
    assert expected <= settled, f"not understood from the first message: {sorted(expected - settled)}"
    _, slots, _ = run(A.ActionRecogniseEvents(), tracker(event, text, entities))
    history = [user_event(text, entities, event)]
    asked = []
    for _ in range(40):
        messages, ask_slots, _ = run(A.ActionAskAnswer(), tracker(slots=slots, events=history))
        fact = ask_slots.get("pending_fact")
        if not fact:
            break
        asked.append(fact)
        history.append(user_event("I don't know", [], "dont_know"))
        answer = tracker(
            "dont_know",
            "I don't know",
            [],
            slots={**slots, "pending_fact": fact, "question_limit": 99.0},
            events=history,
        )
        _, new_slots = validate(answer)
        slots = {**slots, **new_slots, "asked_facts": ask_slots["asked_facts"]}
    assert asked, "some question is still asked"
    assert not settled & set(asked), f"asked again: {sorted(settled & set(asked))}"


def test_a_fact_said_before_the_event_was_known_is_not_asked_again(seed_snapshot):
    """'She was getting CPP and OAS' said in a message the assistant could not place
    yet (no event, so the fact was not kept) still settles the benefits question."""
    first = "she was getting CPP and OAS"
    second = "my mother died on Tuesday"
    history = [user_event(first, entities_of(first), "nlu_fallback"), user_event(second, [], "bereavement")]
    t = tracker("bereavement", second, [], slots={"life_events": ["bereavement"], "facts": {}}, events=history)
    state = A._state(t)
    assert state.facts.get("deceased_received_benefits") is True
    # a later answer wins over an earlier mention
    t = tracker(
        "bereavement",
        second,
        [],
        slots={"life_events": ["bereavement"], "facts": {"deceased_received_benefits": False}},
        events=history,
    )
    assert A._state(t).facts["deceased_received_benefits"] is False


def test_a_start_over_forgets_what_was_said_before(seed_snapshot):
    first = "she was getting CPP and OAS"
    history = [
        user_event(first, entities_of(first), "bereavement"),
        {"event": "reset_slots"},
        user_event("hi", [], "greet"),
    ]
    t = tracker("greet", "hi", [], slots={"life_events": ["bereavement"], "facts": {}}, events=history)
    assert "deceased_received_benefits" not in A._state(t).facts


def test_born_and_raised_in_canada_takes_newcomer_to_canada_services_out(seed_snapshot):
    text = "I was born and raised in Halifax and just moved to Ottawa for a job"
    facts = {e["entity"]: e["value"] for e in entities_of(text)}
    assert facts["born_in_canada"] == "true" and facts["arrived_from"] == "province"
    bundle = build_bundle(seed_snapshot, ["new_to_ontario"], parse_facts(seed_snapshot, facts))
    ids = {s["id"] for s in bundle["services"]}
    assert not ids & {"ca-linc", "on-bridge-training", "on-credential-assessment", "ca-foreign-credential-loans"}
    assert {"immigration_status", "internationally_trained"} <= set(bundle["implied_facts"])
    assert "immigration_status" not in [q["fact"] for q in bundle["questions"]]
    # someone born abroad still gets them as possible
    abroad = build_bundle(seed_snapshot, ["new_to_ontario"], parse_facts(seed_snapshot, {"arrived_from": "country"}))
    assert "on-bridge-training" in {s["id"] for s in abroad["services"]}


def test_incorporating_in_ontario_not_federally_is_provincial(seed_snapshot):
    text = "I want to incorporate my consulting firm in Ontario, not federally"
    facts = {e["entity"]: e["value"] for e in entities_of(text)}
    assert facts["incorporation_jurisdiction"] == "ontario"
    bundle = build_bundle(seed_snapshot, ["new_business"], parse_facts(seed_snapshot, facts))
    ids = {s["id"] for s in bundle["services"]}
    assert "ca-federal-incorporation" not in ids and "on-incorporation" in ids
    assert {e["entity"]: e["value"] for e in entities_of("we'll incorporate federally")}[
        "incorporation_jurisdiction"
    ] == "federal"


def test_an_implication_never_overrides_what_was_said(seed_snapshot):
    facts = parse_facts(seed_snapshot, {"born_in_canada": "true", "internationally_trained": "true"})
    bundle = build_bundle(seed_snapshot, ["new_to_ontario"], facts)
    assert bundle["facts"]["internationally_trained"] is True
    assert "on-bridge-training" in {s["id"] for s in bundle["services"]}


def test_implications_name_known_facts_and_values(seed_catalogue):
    from onewindow_catalogue.municipalities import SEED_DIR, load_directory
    from onewindow_catalogue.validation import check_catalogue

    born = next(f for f in seed_catalogue.facts if f.id == "born_in_canada")
    bad = seed_catalogue.copy(
        update={
            "facts": [
                f
                if f.id != "born_in_canada"
                else born.copy(update={"implies": {"true": {"nope": 1, "born_in_ontario": "x"}}})
                for f in seed_catalogue.facts
            ]
        }
    )
    messages = [str(p) for p in check_catalogue(bad, load_directory(SEED_DIR))]
    assert any("unknown fact 'nope'" in m for m in messages)
    assert any("born_in_ontario" in m for m in messages)


def test_what_i_understood_lists_each_fact_with_its_corrections(seed_snapshot):
    from bot.plans.outline import understood_corrections

    state = conv.State(
        events=["new_to_ontario"], facts={"arrived_from": "province", "born_in_canada": True, "municipality": "Ottawa"}
    )
    bundle = conv.bundle_for(seed_snapshot, state)
    understood = {u["fact"]: u for u in bundle["understood"]}
    assert understood["arrived_from"]["answer"] == "Another province or territory of Canada"
    assert [o["payload"] for o in understood["arrived_from"]["options"]] == ['/inform{"arrived_from": "country"}']
    assert understood["immigration_status"]["implied"] is True
    assert understood["municipality"]["options"] == []  # corrected in the person's own words
    payloads = {b["payload"] for b in understood_corrections(bundle)}
    assert '/inform{"born_in_canada": "false"}' in payloads
    assert all(conv_payload.startswith("/inform{") for conv_payload in payloads)


def test_the_agent_s_case_gets_every_fact_said(seed_snapshot):
    """A fact said in a message no action stored still reaches the case."""
    first = "she was getting CPP and OAS"
    history = [
        user_event(first, entities_of(first), "nlu_fallback"),
        user_event("a person please", [], "request_human"),
    ]
    t = tracker(
        "request_human", "a person please", [], slots={"life_events": ["bereavement"], "facts": {}}, events=history
    )
    messages, _, _ = run(A.ActionHandoff(), t)
    handoff = next(m["custom"]["handoff"] for m in messages if (m.get("custom") or {}).get("handoff"))
    assert handoff["facts"]["deceased_received_benefits"] is True
