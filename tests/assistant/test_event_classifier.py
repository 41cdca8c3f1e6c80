"""EventClassifier: P(life event) learned from the intents, trained, stored, reloaded and used on new words.

Every sentence here is new (none is in data/nlu). The training set is tiny, so the tests check what the
component promises (scores per event, multi-event intents counting for both, persistence, silence without a
model), not the quality the real training data gives (tests/e2e/test_recognition_quality.py does)."""

from __future__ import annotations

from typing import Any, Dict

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.event_classifier import RANKING_KEY, SCORES_KEY, EventClassifier, event_scores
from bot.components.life_events import EVENTS
from bot.components.life_events import events_of as events_in

EXAMPLES = {
    "new_business": [
        "we want to open a small bakery downtown",
        "registering my landscaping company this spring",
        "i am starting a cleaning business",
        "opening a hair salon next month",
    ],
    "birth": [
        "our daughter was born on tuesday",
        "my wife just had twins",
        "we are expecting a baby in june",
        "new baby at home, what paperwork",
    ],
    "bereavement": [
        "my father died last week",
        "my grandmother passed away in the hospital",
        "i lost my husband in march",
        "my sister died suddenly",
    ],
    "bereavement+birth": [
        "my mother died the week my son was born",
        "we had our baby and lost grandpa the same month",
    ],
    "other_service": [
        "how do i renew my fishing licence",
        "where do i pay a parking ticket",
        "my passport expires soon",
        "what are the library hours",
    ],
}


def _training_data() -> TrainingData:
    messages = [Message.build(text=t, intent=intent) for intent, texts in EXAMPLES.items() for t in texts]
    return TrainingData(training_examples=messages)


def _context() -> ExecutionContext:
    return ExecutionContext(graph_schema=None, model_id="test")  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> EventClassifier:
    storage = LocalModelStorage(tmp_path_factory.mktemp("storage"))
    config = {**EventClassifier.get_default_config(), "C": 50.0}
    EventClassifier.create(config, storage, Resource("event_classifier"), _context()).train(_training_data())
    return EventClassifier.load(config, storage, Resource("event_classifier"), _context())


def _parse(classifier: EventClassifier, text: str) -> Dict[str, Any]:
    message = Message.build(text=text)
    classifier.process([message])
    return message.as_dict(only_output_properties=True)


def test_a_multi_event_intent_counts_for_each_of_its_events() -> None:
    scores = event_scores([0.5, 0.3, 0.2], ["bereavement+birth", "birth", "other_service"])
    assert scores == {"new_business": 0.0, "birth": 0.8, "bereavement": 0.5, "new_to_ontario": 0.0}
    assert events_in("bereavement+birth") == ["bereavement", "birth"]
    assert events_in("other_service") == [] and events_in("birth+greet") == []


def test_a_trained_and_reloaded_classifier_scores_new_words(trained) -> None:
    death = _parse(trained, "my uncle passed away on sunday")
    assert max(death[SCORES_KEY], key=death[SCORES_KEY].get) == "bereavement"
    shop = _parse(trained, "thinking of opening a bike repair business")
    assert max(shop[SCORES_KEY], key=shop[SCORES_KEY].get) == "new_business"
    errand = _parse(trained, "how do i renew my health card")
    assert max(errand[SCORES_KEY].values()) < 0.5
    assert errand[RANKING_KEY][0]["name"] == "other_service"
    assert len(errand[RANKING_KEY]) <= 5 and set(errand[SCORES_KEY]) == set(EVENTS)


def test_the_french_of_a_death_lands_near_the_english_examples(trained) -> None:
    """The multilingual encoder: no French example was trained on."""
    scores = _parse(trained, "mon père est décédé la semaine dernière")[SCORES_KEY]
    assert max(scores, key=scores.get) == "bereavement"


def test_payloads_and_an_untrained_model_add_nothing(trained, tmp_path) -> None:
    payload = Message.build(text="/affirm")
    trained.process([payload])
    assert payload.get(SCORES_KEY) is None
    storage = LocalModelStorage(tmp_path)
    empty = EventClassifier.load(EventClassifier.get_default_config(), storage, Resource("never_trained"), _context())
    message = Message.build(text="my father died")
    empty.process([message])
    assert message.get(SCORES_KEY) is None


def test_one_message_is_scored_as_the_whole_pipeline_scores_it(trained) -> None:
    import numpy as np

    from bot.components.stored import predict_one

    for text in ("my uncle passed away on friday", "nous avons eu une fille", "", "x" * 6000):
        assert np.array_equal(predict_one(trained.fitted, text), trained.fitted.predict_proba([text])[0])


def _with_metadata(text: str, intent: str, example: Any = None, block: Any = None) -> Message:
    from rasa.shared.nlu.constants import METADATA, METADATA_EXAMPLE, METADATA_INTENT

    metadata = {}
    if example is not None:
        metadata[METADATA_EXAMPLE] = example
    if block is not None:
        metadata[METADATA_INTENT] = block
    return Message(data={"text": text, "intent": intent, METADATA: metadata})


def test_an_examples_events_metadata_is_what_it_teaches_about_life_events() -> None:
    from bot.components.event_classifier import learned_label

    assert learned_label(_with_metadata("my water just broke", "crisis", block={"events": ["birth"]})) == "birth"
    two = _with_metadata(
        "agent please, we just landed and my dad died", "request_human", {"events": ["new_to_ontario", "bereavement"]}
    )
    assert learned_label(two) == "bereavement+new_to_ontario"  # the order of the domain's multi-event intents
    # the example's own metadata comes before its block's; an empty list keeps the intent
    mixed = _with_metadata("i want to end it all", "crisis", example={"events": []}, block={"events": ["birth"]})
    assert learned_label(mixed) == "crisis"
    assert learned_label(_with_metadata("hello", "greet", block={"handoff": "none"})) == "greet"
    with pytest.raises(ValueError, match="list of life events"):
        learned_label(_with_metadata("we got a puppy", "other_service", block={"events": ["pet"]}))
    with pytest.raises(ValueError, match="list of life events"):
        learned_label(_with_metadata("we got a puppy", "other_service", block={"events": "birth"}))


def test_a_crisis_labelled_with_its_event_teaches_the_event(tmp_path) -> None:
    crises = {
        "my water broke and the baby is coming right now": ["birth"],
        "newborn is limp and not breathing please help": ["birth"],
        "baby is turning blue and not crying": ["birth"],
        "i want to end my life tonight": [],
        "someone is breaking into my house right now": [],
    }
    messages = [Message.build(text=t, intent=intent) for intent, texts in EXAMPLES.items() for t in texts]
    messages += [_with_metadata(text, "crisis", block={"events": events}) for text, events in crises.items()]
    storage = LocalModelStorage(tmp_path)
    config = {**EventClassifier.get_default_config(), "C": 50.0}
    classifier = EventClassifier.create(config, storage, Resource("event_classifier"), _context())
    classifier.train(TrainingData(training_examples=messages))
    assert "crisis" in classifier.fitted.classes_
    scores = _parse(classifier, "the baby is coming right now and her lips are blue")[SCORES_KEY]
    assert scores["birth"] >= 0.5  # learned as `crisis` alone, the words would score low for birth
