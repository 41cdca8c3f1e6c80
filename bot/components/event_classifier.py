"""EventClassifier: how likely each life event is, from the pretrained encoder and the words.

The life events are decided from this component's scores, not DIET's ranking. DIET learns its own
representation from data/nlu alone, so it is sure and wrong on words it never saw, and it is the
dialogue's intent classifier: its confidences are tuned for that, not for "does this message speak of
a death". A logistic regression over the same intents, on the multilingual sentence encoder's vector
(bot/components/encoder.py) beside TF-IDF word and character n-grams, generalises better to the ways
people write that the training data lacks (agent notes, questions, limited English, French): measured
on the project's sets (README, "Recognition"), with the cue file's strong cues and vetoes beside it, it
got as many right on text like the training data and more on the other registers and in French.

What it learns of an example is its intent, unless the example says its life events in its `events` metadata (the
example's own, else its block's). The dialogue's intent and the message's life events are two labels: "my water
just broke" is the intent `crisis` and the event `birth`, "put me through to someone, my dad died" is
`request_human` and `bereavement`. Learning only the intent taught the classifier that such words are no event.

Its event score is P(e): the summed probability of every intent containing e ("birth" and
"bereavement+birth" both count for birth). It writes `event_scores` ({event: P(e)}) and `event_ranking` (its five
best intents, for `onewindow explain`) to the parse; LifeEventRecogniser decides with them.
Trained by `rasa train` like any component and stored in the model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Sequence

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, METADATA, METADATA_EXAMPLE, METADATA_INTENT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from bot.components.life_events import EVENTS, SPLIT, events_of, intent_mass
from bot.components.shared import user_text
from bot.components.stored import ENCODER_FILE, StoredModelComponent, predict_one, text_features

SCORES_KEY = "event_scores"
RANKING_KEY = "event_ranking"
MAX_CHARS = 5000  # as the safety detector: a pasted essay is judged by its start
EVENTS_METADATA = "events"


def learned_label(message: Message) -> str:
    """What the classifier learns of a training example: its `events` metadata as an intent name ("bereavement",
    "birth+new_to_ontario"), else its intent. An empty list keeps the intent (a crisis with no life event)."""
    metadata = message.get(METADATA) or {}
    for level in (METADATA_EXAMPLE, METADATA_INTENT):
        block = metadata.get(level)
        if isinstance(block, dict) and EVENTS_METADATA in block:
            events = block[EVENTS_METADATA]
            if not isinstance(events, list) or any(event not in EVENTS for event in events):
                raise ValueError(
                    f"The `events` metadata of {message.get(INTENT)!r} example {message.get('text')!r} must be a "
                    f"list of life events from {sorted(EVENTS)}, not {events!r}."
                )
            if events:
                return SPLIT.join(sorted(set(events)))
            break
    return str(message.get(INTENT))


def event_scores(probabilities: Sequence[float], intents: Sequence[str]) -> Dict[str, float]:
    """P(e): the summed probability of the intents containing e, capped at 1 (as `intent_mass` of a ranking)."""
    ranking = [{"name": str(name), "confidence": float(p)} for p, name in zip(probabilities, intents, strict=True)]
    return {event: round(score, 4) for event, score in intent_mass(ranking).items()}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class EventClassifier(StoredModelComponent):
    """Scores the life events of a message; see the module docstring."""

    MODEL_FILE = "event_classifier.joblib"
    FINGERPRINTED = (Path(__file__), ENCODER_FILE)

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            "C": 4.0,  # inverse regularisation strength
            "max_iter": 3000,
            "random_seed": 42,
            "sentence_embeddings": 1.0,  # weight of the encoder's vector beside the TF-IDF features
            "max_char_features": 60000,  # bounds the model's size and its training time
        }

    def _pipeline(self) -> Pipeline:
        config = self.component_config
        features = text_features(
            float(config.get("sentence_embeddings") or 0.0),
            word_min_df=2,
            max_char_features=int(config["max_char_features"]),
        )
        regression = LogisticRegression(
            C=float(config["C"]), max_iter=int(config["max_iter"]), random_state=int(config["random_seed"])
        )
        return Pipeline([("features", features), ("regression", regression)])

    def train(self, training_data: TrainingData) -> Resource:
        texts, intents = [], []
        for message in training_data.intent_examples:
            text = user_text(message)
            if text is not None and message.get(INTENT):
                texts.append(text[:MAX_CHARS])
                intents.append(learned_label(message))
        if len(set(intents)) >= 2 and any(events_of(i) for i in intents):
            self.fitted = self._pipeline().fit(texts, np.array(intents))
        return self.persist()

    def scores(self, text: str) -> Dict[str, Any]:
        """{event_scores, event_ranking} for one message ({} without a trained model)."""
        if self.fitted is None:
            return {}
        probabilities = predict_one(self.fitted, text[:MAX_CHARS])
        intents = [str(name) for name in self.fitted.classes_]
        best = sorted(zip(probabilities, intents, strict=True), reverse=True)[:5]
        return {
            SCORES_KEY: event_scores(probabilities, intents),
            RANKING_KEY: [{"name": name, "confidence": round(float(p), 4)} for p, name in best],
        }

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = user_text(message)
            if text is None:
                continue
            for key, value in self.scores(text).items():
                message.set(key, value, add_to_output=True)
        return messages


__all__: Sequence[str] = ("EventClassifier", "SCORES_KEY", "RANKING_KEY", "event_scores")
