"""EventClassifier: how likely each life event is, from the pretrained encoder and the words.

The life events are decided from this component's scores, not DIET's ranking. DIET learns its own
representation from data/nlu alone, so it is sure and wrong on words it never saw, and it is the
dialogue's intent classifier: its confidences are tuned for that, not for "does this message speak of
a death". A logistic regression over the same intents, on the multilingual sentence encoder's vector
(bot/components/encoder.py) beside TF-IDF word and character n-grams, generalises better to the ways
people write that the training data lacks (agent notes, questions, limited English, French): measured
on the project's sets (README, "Recognition"), with the cue file's strong cues and vetoes beside it, it
got as many right on text like the training data and more on the other registers and in French.

Its event score is P(e): the summed probability of every intent containing e ("birth" and
"bereavement+birth" both count for birth). It writes `event_scores` ({event: P(e)}) and `event_ranking` (its five
best intents, for `onewindow explain`) to the parse; LifeEventRecogniser decides with them.
Trained by `rasa train` like any component and stored in the model.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Type

import joblib
import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_union

from bot.components.encoder import EncoderFeatures
from bot.components.shared import user_text

EVENTS = ("new_business", "birth", "bereavement", "new_to_ontario")
SCORES_KEY = "event_scores"
RANKING_KEY = "event_ranking"
SPLIT = "+"
MODEL_FILE = "event_classifier.joblib"
MAX_CHARS = 5000  # as the safety detector: a pasted essay is judged by its start
FINGERPRINTED = (Path(__file__), Path(__file__).with_name("encoder.py"))


def events_in(intent: str) -> List[str]:
    """The life events an intent stands for ("bereavement+birth" -> both; "greet" -> none)."""
    parts = str(intent or "").split(SPLIT)
    return parts if all(part in EVENTS for part in parts) else []


def event_scores(probabilities: Sequence[float], intents: Sequence[str]) -> Dict[str, float]:
    """P(e): the summed probability of the intents containing e, capped at 1."""
    scores = {event: 0.0 for event in EVENTS}
    for p, name in zip(probabilities, intents, strict=True):
        for event in events_in(str(name)):
            scores[event] = min(1.0, scores[event] + float(p))
    return {event: round(score, 4) for event, score in scores.items()}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class EventClassifier(GraphComponent):
    """Scores the life events of a message; see the module docstring."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return []

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        digest = hashlib.sha256()
        for path in FINGERPRINTED:
            digest.update(path.read_bytes() if path.exists() else b"")
        return digest.hexdigest()

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            "C": 4.0,  # inverse regularisation strength
            "max_iter": 3000,
            "random_seed": 42,
            "sentence_embeddings": 1.0,  # weight of the encoder's vector beside the TF-IDF features
            "max_char_features": 60000,  # bounds the model's size and its training time
        }

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Optional[Pipeline] = None,
    ) -> None:
        self.component_config = config
        self._model_storage = model_storage
        self._resource = resource
        self.model = model

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EventClassifier:
        return cls(config, model_storage, resource)

    def _pipeline(self) -> Pipeline:
        config = self.component_config
        parts: List[Any] = [
            TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, lowercase=True),
            TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=(2, 5),
                min_df=2,
                sublinear_tf=True,
                lowercase=True,
                max_features=int(config["max_char_features"]),
            ),
        ]
        if float(config.get("sentence_embeddings") or 0.0) > 0:
            parts.append(EncoderFeatures(float(config["sentence_embeddings"])))
        regression = LogisticRegression(
            C=float(config["C"]), max_iter=int(config["max_iter"]), random_state=int(config["random_seed"])
        )
        return Pipeline([("features", make_union(*parts)), ("regression", regression)])

    def train(self, training_data: TrainingData) -> Resource:
        texts, intents = [], []
        for message in training_data.intent_examples:
            text = user_text(message)
            if text is not None and message.get(INTENT):
                texts.append(text[:MAX_CHARS])
                intents.append(str(message.get(INTENT)))
        if len(set(intents)) >= 2 and any(events_in(i) for i in intents):
            self.model = self._pipeline().fit(texts, np.array(intents))
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump(self.model, Path(directory) / MODEL_FILE)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> EventClassifier:
        try:
            with model_storage.read_from(resource) as directory:
                model = joblib.load(Path(directory) / MODEL_FILE)
        except (ValueError, FileNotFoundError):
            model = None  # trained on data without life events: the component stays silent
        return cls(config, model_storage, resource, model)

    def scores(self, text: str) -> Dict[str, Any]:
        """{event_scores, event_ranking} for one message ({} without a trained model)."""
        if self.model is None:
            return {}
        probabilities = self.model.predict_proba([text[:MAX_CHARS]])[0]
        intents = [str(name) for name in self.model.classes_]
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


__all__: Sequence[str] = ("EventClassifier", "SCORES_KEY", "RANKING_KEY", "event_scores", "events_in")
