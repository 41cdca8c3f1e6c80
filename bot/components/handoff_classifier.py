"""HandoffClassifier: a learned second opinion on urgency and on why a person is needed.

The rules (bot/safety/patterns.yml, bot/handoff/complex_cases.yml) are precise, but they only know
the words their authors thought of: on every blind test set they missed crises and complex cases
phrased in a way nobody had written down ("theres smoke coming into my apartment from the
hallway", "Two wills turned up after my uncle died"). This component learns the same two
decisions from the training data with two logistic regressions:

- urgent: examples of the `crisis` intent against every other example;
- reason: why a person is needed — an example's `handoff` metadata (data/nlu/handoff_everyday.yml:
  a complex-case kind, `asks_for_person` or `none`), else what the rules say of it (so the
  examples written before the metadata existed are labelled too), else `none`.

Features are its own TF-IDF word 1-2-grams and character 2-5-grams (sublinear term frequency),
fitted on the training texts, not the pipeline's CountVectorsFeaturizers: on the development sets
the raw counts found 54 of 93 urgent cases at the precision TF-IDF reached with 87 (measured when
this component was written). With `sentence_embeddings` (urgency) or `reason_sentence_embeddings`
(the reason) > 0, the pretrained encoder's sentence vector (bot/components/encoder.py), times that
weight, stands beside them: a complex case told in words no example used, or in French, still lands
near the examples that mean the same.
Trained by `rasa train` like any component and stored in the model.

It writes `handoff_signals` to the parse: {urgent, urgent_confidence, reason, reason_confidence}.
`urgent` and `reason` are set only when the probability clears the component's threshold
(config.yml). SafetyOverride and bot.handoff.decide() use them only where the rules are silent,
so a rule's decision is never undone by the model.

It also checks a `request_human` top intent, which DIET ranks high for short messages it cannot
place ("does dad's OHIP card need to be sent back somewhere now": after LifeEventRecogniser drops
the bereavement nothing supports, request_human is what is left). Below `request_confirm_below`, the
guess stands only if someone confirms it: the rules' ways of asking for a person, a complex case
in the rules, or this component's own reason. Otherwise the intent is dropped from the top (the
ranking renormalised without it), and FallbackClassifier, after this component, judges the rest.
A button's `/request_human` payload never reaches the pipeline, so it is never dropped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    METADATA,
    METADATA_EXAMPLE,
    METADATA_INTENT,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from bot.components.shared import renormalised, set_ranking, user_text
from bot.components.stored import ENCODER_FILE, StoredModelComponent, predict_one, text_features
from bot.handoff.rules import COMPLEX_CASE, asks_for_person, complex_case_reason

SIGNALS_KEY = "handoff_signals"
METADATA_KEY = "handoff"
NO_REASON = "none"
ASKS_FOR_PERSON = "asks_for_person"
CRISIS_INTENT = "crisis"
REQUEST_HUMAN_INTENT = "request_human"
MAX_CHARS = 5000  # as the safety detector: a pasted essay is judged by its start


def metadata_reason(message: Message) -> Optional[str]:
    """The `handoff` metadata of a training example (the example's own, else its intent block's)."""
    metadata = message.get(METADATA) or {}
    for level in (METADATA_EXAMPLE, METADATA_INTENT):
        block = metadata.get(level)
        if isinstance(block, dict) and block.get(METADATA_KEY):
            return str(block[METADATA_KEY])
    return None


def rule_reason(text: str, intent: str) -> str:
    """What the hand-written rules say of an example that has no `handoff` metadata."""
    if intent == REQUEST_HUMAN_INTENT or asks_for_person(text):
        return ASKS_FOR_PERSON
    reason = complex_case_reason(text)
    return reason[len(COMPLEX_CASE) + 1 :] if reason else NO_REASON


def labels(message: Message) -> Tuple[bool, str]:
    """(urgent, reason) of one training example."""
    intent = str(message.get(INTENT) or "")
    text = str(message.get(TEXT) or "")
    return intent == CRISIS_INTENT, metadata_reason(message) or rule_reason(text, intent)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class HandoffClassifier(StoredModelComponent):
    """Learns urgency and the reason for a handoff from the training data; see the module docstring."""

    MODEL_FILE = "handoff_classifier.joblib"
    # what the labels depend on besides the training data: the handoff rules label examples without metadata
    FINGERPRINTED = (
        Path(__file__),
        Path(__file__).resolve().parents[1] / "handoff" / "complex_cases.yml",
        Path(__file__).resolve().parents[1] / "handoff" / "rules.py",
        Path(__file__).with_name("fact_cues.yml"),
        ENCODER_FILE,
    )

    @staticmethod
    def empty() -> Dict[str, Pipeline]:
        return {}

    @property
    def models(self) -> Dict[str, Pipeline]:
        """The fitted regressions by decision ("urgent", "reason")."""
        return self.fitted

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            "urgent_threshold": 0.7,  # P(crisis) from which `urgent` is set
            "reason_threshold": 0.6,  # P(reason) from which `reason` is set
            "C": 16.0,  # inverse regularisation strength of both regressions
            "max_iter": 2000,
            "random_seed": 42,
            "request_confirm_below": 0.8,  # a request_human below this needs a confirmation
            # weight of the pretrained sentence vector beside the TF-IDF features (0: TF-IDF only), for the
            # urgency and for the reason: urgency is judged on words (a vector raised false alarms), the reason
            # of a handoff said in French or in new words lands near the examples that mean the same
            "sentence_embeddings": 0.0,
            "reason_sentence_embeddings": 0.0,
        }

    def _model(self, weight: float) -> Pipeline:
        features = text_features(weight)
        regression = LogisticRegression(
            C=float(self.component_config["C"]),
            class_weight="balanced",
            max_iter=int(self.component_config["max_iter"]),
            random_state=int(self.component_config["random_seed"]),
        )
        return Pipeline([("features", features), ("regression", regression)])

    def train(self, training_data: TrainingData) -> Resource:
        texts, urgent, reasons = [], [], []
        for message in training_data.intent_examples:
            text = user_text(message)
            if text is None:
                continue
            is_urgent, reason = labels(message)
            texts.append(text)
            urgent.append(int(is_urgent))
            reasons.append(reason)
        if len(set(urgent)) == 2:
            weight = float(self.component_config.get("sentence_embeddings") or 0.0)
            self.models["urgent"] = self._model(weight).fit(texts, np.array(urgent))
        if len(set(reasons)) >= 2:
            weight = float(self.component_config.get("reason_sentence_embeddings") or 0.0)
            self.models["reason"] = self._model(weight).fit(texts, np.array(reasons))
        return self.persist()

    def signals(self, text: str) -> Dict[str, Any]:
        """{urgent, urgent_confidence, reason, reason_confidence} for one message."""
        result: Dict[str, Any] = {"urgent": False, "urgent_confidence": 0.0, "reason": None, "reason_confidence": 0.0}
        if "urgent" in self.models:
            model = self.models["urgent"]
            p = float(predict_one(model, text)[list(model.classes_).index(1)])
            result["urgent_confidence"] = round(p, 4)
            result["urgent"] = p >= float(self.component_config["urgent_threshold"])
        if "reason" in self.models:
            model = self.models["reason"]
            probabilities = predict_one(model, text)
            scored = [(float(p), str(c)) for p, c in zip(probabilities, model.classes_, strict=True) if c != NO_REASON]
            if scored:
                p, reason = max(scored)
                result["reason_confidence"] = round(p, 4)
                if p >= float(self.component_config["reason_threshold"]):
                    result["reason"] = reason
        return result

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = user_text(message)
            if text is None or not self.models:
                continue
            signals = self.signals(text[:MAX_CHARS])
            message.set(SIGNALS_KEY, signals, add_to_output=True)
            if self._unconfirmed_request(message, text, signals):
                ranking = list(message.get(INTENT_RANKING_KEY) or [])
                set_ranking(message, renormalised(ranking, lambda name: name != REQUEST_HUMAN_INTENT))
        return messages

    def _unconfirmed_request(self, message: Message, text: str, signals: Dict[str, Any]) -> bool:
        """An unsure `request_human`, with nothing else saying the person wants a person."""
        intent = message.get(INTENT) or {}
        if intent.get(INTENT_NAME_KEY) != REQUEST_HUMAN_INTENT:
            return False
        if float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0) >= float(self.component_config["request_confirm_below"]):
            return False
        return not (signals.get("reason") or asks_for_person(text) or complex_case_reason(text))


__all__: Sequence[str] = ("HandoffClassifier", "SIGNALS_KEY", "labels", "metadata_reason")
