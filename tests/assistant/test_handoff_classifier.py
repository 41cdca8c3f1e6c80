"""HandoffClassifier: labels from metadata and rules, training, persistence,
and how SafetyOverride and bot.handoff.decide() use what it says (only where the rules are silent)."""

from __future__ import annotations

from typing import Any, Dict, Optional

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.handoff_classifier import SIGNALS_KEY, HandoffClassifier, labels
from bot.components.safety_override import SafetyOverride
from bot.handoff.rules import decide, learned_reason

CRISIS = [
    "i cant do this anymore i have the pills ready",
    "there is no point going on, tonight is the night",
    "he grabbed me by the throat and I am hiding in the bathroom",
    "my baby is not breathing and her lips are blue",
    "the kitchen is full of smoke and the alarm is screaming",
    "we have nowhere to sleep tonight, the shelter is full",
]
DISPUTES = [
    "my brother changed the locks on dad's house and says the will is fake",
    "my sisters are fighting me over mom's estate and threaten court",
    "the executor is hiding the money from the rest of us",
    "my uncle's two wills say different things and the family is split",
]
PLAIN = [
    "how do i register my new bakery",
    "we had a baby girl last week, how do we get her health card",
    "my father passed away, what paperwork is there",
    "just moved from Alberta to Ottawa, what do I need",
    "where do I renew my driver's licence",
    "i need the business number for my cleaning company",
    "what benefits can we get for a newborn",
    "how do i apply for the cpp death benefit",
]


def _example(text: str, intent: str, metadata: Optional[Dict[str, Any]] = None) -> Message:
    return Message.build(text=text, intent=intent, intent_metadata=metadata)


def _training_data() -> TrainingData:
    examples = [_example(t, "crisis") for t in CRISIS]
    examples += [_example(t, "bereavement", {"handoff": "estate_dispute"}) for t in DISPUTES]
    examples += [_example(t, "bereavement" if "pass" in t or "death" in t else "other_service") for t in PLAIN]
    return TrainingData(training_examples=examples)


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> HandoffClassifier:
    storage = LocalModelStorage(tmp_path_factory.mktemp("storage"))
    context = ExecutionContext(graph_schema=None, model_id="test")  # type: ignore[arg-type]
    resource = Resource("handoff_classifier")
    config = {**HandoffClassifier.get_default_config(), "urgent_threshold": 0.5, "reason_threshold": 0.4}
    HandoffClassifier.create(config, storage, resource, context).train(_training_data())
    return HandoffClassifier.load(config, storage, resource, context)


def _signals(classifier: HandoffClassifier, text: str) -> Dict[str, Any]:
    message = Message.build(text=text)
    classifier.process([message])
    return message.get(SIGNALS_KEY)


def test_labels_come_from_metadata_then_from_the_rules():
    assert labels(_example("my brothers are at war over the house", "bereavement", {"handoff": "estate_dispute"})) == (
        False,
        "estate_dispute",
    )
    # metadata wins over what the rules would say
    assert labels(_example("our baby was stillborn", "birth", {"handoff": "none"})) == (False, "none")
    # no metadata: the handoff rules label it
    assert labels(_example("our baby was stillborn last night", "birth")) == (False, "stillbirth_or_child_death")
    assert labels(_example("can i talk to a real person", "request_human")) == (False, "asks_for_person")
    assert labels(_example("i want to end my life", "crisis")) == (True, "none")
    assert labels(_example("how do i register my bakery", "new_business")) == (False, "none")


def test_a_trained_and_reloaded_classifier_tells_crisis_and_dispute_from_plain_questions(trained):
    crisis = _signals(trained, "i have the pills ready, i cant do this")
    assert crisis["urgent"] is True and crisis["urgent_confidence"] >= 0.5
    dispute = _signals(trained, "my brother changed the locks and the will is fake")
    assert dispute["reason"] == "estate_dispute"
    assert dispute["urgent"] is False
    plain = _signals(trained, "how do i register my bakery")
    assert plain["urgent"] is False and plain["reason"] is None


def test_button_payloads_and_an_untrained_model_add_no_signals(trained, tmp_path):
    payload = Message.build(text="/affirm")
    trained.process([payload])
    assert payload.get(SIGNALS_KEY) is None
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(graph_schema=None, model_id="test")  # type: ignore[arg-type]
    empty = HandoffClassifier.load(HandoffClassifier.get_default_config(), storage, Resource("never_trained"), context)
    message = Message.build(text="the kitchen is full of smoke")
    empty.process([message])
    assert message.get(SIGNALS_KEY) is None


def _message(text: str, signals: Dict[str, Any], intent: str = "new_business") -> Message:
    message = Message.build(text=text)
    message.set("intent", {"name": intent, "confidence": 0.9})
    message.set("intent_ranking", [{"name": intent, "confidence": 0.9}, {"name": "other_service", "confidence": 0.1}])
    message.set(SIGNALS_KEY, signals)
    return message


def test_safety_override_believes_a_learned_crisis_where_the_rules_are_silent():
    component = SafetyOverride(SafetyOverride.get_default_config())
    smoky = _message("something is burning in the hallway and im scared", {"urgent": True, "urgent_confidence": 0.9})
    component.process([smoky])
    assert smoky.get("intent") == {"name": "crisis", "confidence": 1.0}
    assert smoky.get("safety") == {"kind": None, "matched": None, "source": "learned"}
    below = _message("something is burning in the hallway", {"urgent": False, "urgent_confidence": 0.6})
    component.process([below])
    assert below.get("intent")["name"] == "new_business"
    # the rules' kind wins over the model's: the referral names the right line
    rules = _message("he is hitting me right now", {"urgent": True, "urgent_confidence": 0.9})
    component.process([rules])
    assert rules.get("safety")["source"] == "rules" and rules.get("safety")["kind"] == "violence"
    gated = SafetyOverride({**SafetyOverride.get_default_config(), "learned_needs_risk_word": True})
    calm = _message("how do i register my cleaning company", {"urgent": True, "urgent_confidence": 0.9})
    gated.process([calm])
    assert calm.get("intent")["name"] == "new_business"
    off = SafetyOverride({**SafetyOverride.get_default_config(), "learned_urgent": False})
    smoky_again = _message(
        "something is burning in the hallway and im scared", {"urgent": True, "urgent_confidence": 0.9}
    )
    off.process([smoky_again])
    assert smoky_again.get("intent")["name"] == "new_business"


def test_a_learned_alarm_over_a_quarrel_needs_a_word_of_crisis():
    component = SafetyOverride(SafetyOverride.get_default_config())
    alarm = {"urgent": True, "urgent_confidence": 0.9}
    locks = _message("my sister changed the locks on mom's condo and says the will we have is forged", alarm)
    component.process([locks])
    assert locks.get("intent")["name"] == "new_business"
    threat = _message("my sister says the will is forged and threatened to hurt me if I come to the condo", alarm)
    component.process([threat])
    assert threat.get("intent")["name"] == "crisis"
    # not a quarrel the rules know: the model's alarm stands without a word of crisis
    burning = _message("something smells like it is burning in the hallway", alarm)
    component.process([burning])
    assert burning.get("intent")["name"] == "crisis"


def test_decide_takes_the_learned_reason_only_when_the_rules_are_silent():
    dispute = {"reason": "estate_dispute", "reason_confidence": 0.8}
    handoff = decide("bereavement", "two wills turned up and my cousins disagree", [], ["bereavement"], signals=dispute)
    assert handoff.needed and handoff.reason == "complex_case:estate_dispute"
    # a rule's reason stands
    ruled = decide("birth", "our baby was stillborn", [], ["birth"], signals=dispute)
    assert ruled.reason == "complex_case:stillbirth_or_child_death"
    person = decide("bereavement", "my wife died, computers confuse me", [], [], signals={"reason": "asks_for_person"})
    assert person.reason == "asked_for_person"
    assert not decide("bereavement", "my wife died", [], [], signals={"reason": None}).needed
    assert learned_reason({"reason": "a_kind_nobody_defined"}) is None
    assert learned_reason(None) is None


def test_a_learned_reason_gives_way_to_the_facts_and_to_the_cases_unless_patterns():
    outside = {"reason": "death_outside_ontario", "reason_confidence": 0.8}
    in_oshawa = [{"entity": "death_in_ontario", "value": "true"}]
    assert learned_reason(outside, "my mother died in oshawa in january", in_oshawa) is None
    assert learned_reason(outside, "my mother died on holiday", []) == "complex_case:death_outside_ontario"
    child = {"reason": "stillbirth_or_child_death", "reason_confidence": 0.8}
    assert learned_reason(child, "our son died in a crash, he was 24") is None


def test_safety_override_demotes_a_classifier_crisis_the_handoff_classifier_doubts():
    component = SafetyOverride(SafetyOverride.get_default_config())
    doubted = _message("renewing my passport is killing me", {"urgent": False, "urgent_confidence": 0.2}, "crisis")
    component.process([doubted])
    assert doubted.get("intent")["name"] == "other_service"
    believed = _message("i'm scared of what he might do", {"urgent": False, "urgent_confidence": 0.6}, "crisis")
    component.process([believed])
    assert believed.get("intent")["name"] == "crisis"


def _with_intent(classifier: HandoffClassifier, text: str, ranking: Dict[str, float]) -> Message:
    ordered = sorted(ranking.items(), key=lambda item: -item[1])
    message = Message.build(text=text)
    message.set("intent", {"name": ordered[0][0], "confidence": ordered[0][1]})
    message.set("intent_ranking", [{"name": n, "confidence": c} for n, c in ordered])
    classifier.process([message])
    return message


def test_an_unsure_unconfirmed_request_for_a_person_is_dropped(trained):
    message = _with_intent(trained, "does the card need to go back somewhere", {"request_human": 0.5, "greet": 0.3})
    assert message.get("intent")["name"] == "greet"
    assert message.get("intent")["confidence"] == pytest.approx(1.0)
    assert [r["name"] for r in message.get("intent_ranking")] == ["greet"]


@pytest.mark.parametrize(
    "text, ranking",
    [
        ("can I talk to a real person please", {"request_human": 0.5, "greet": 0.3}),  # the rules confirm it
        ("the executor is hiding money from us", {"request_human": 0.5, "bereavement": 0.3}),  # a complex case
        ("does the card need to go back somewhere", {"request_human": 0.9, "greet": 0.1}),  # DIET is sure
    ],
)
def test_a_confirmed_or_sure_request_for_a_person_stands(trained, text, ranking):
    assert _with_intent(trained, text, ranking).get("intent")["name"] == "request_human"


def test_the_sentence_vector_serves_the_reason_and_not_the_urgency_when_configured(tmp_path):
    from bot.components.encoder import EncoderFeatures

    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(graph_schema=None, model_id="test")  # type: ignore[arg-type]
    config = {**HandoffClassifier.get_default_config(), "reason_sentence_embeddings": 1.0}
    classifier = HandoffClassifier.create(config, storage, Resource("reason_vector"), context)
    classifier.train(_training_data())

    def has_vector(name: str) -> bool:
        union = classifier.models[name].named_steps["features"]
        return any(isinstance(part, EncoderFeatures) for _, part in union.transformer_list)

    assert has_vector("reason") and not has_vector("urgent")
