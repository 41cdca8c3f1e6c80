"""SafetyOverride: `crisis` is decided by the safety rules, not by chance.

Runs last in the NLU pipeline (after the intent classifier and the
FallbackClassifier):
- when bot.safety.detect() finds a crisis signal, the intent becomes `crisis`
  with confidence 1.0 and the original ranking follows it, so a crisis is never
  lost to a low-confidence fallback or a life event (urgent recall);
- when the classifier alone says `crisis` but no pattern fires and the message
  has none of the words that can go with a crisis (patterns.yml
  `confirm_words`), `crisis` is demoted and the next intent wins, with the
  ranking renormalised without it. A crisis sends people to the priority queue
  without asking, so a classifier's guess on "quitting my 9 to 5 to work for
  myself" must not.
"""

from __future__ import annotations

from typing import Any, Dict, List, Type

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message

from bot.components.shared import RuleComponent, renormalised, user_text
from bot.safety.detector import SafetyDetector, default_detector

CRISIS_INTENT = "crisis"


def demote(ranking: List[Dict[str, Any]], name: str) -> List[Dict[str, Any]]:
    """The ranking without `name`, confidences renormalised (P(intent | not name))."""
    return renormalised(ranking, lambda other: other != name)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyOverride(RuleComponent[SafetyDetector], IntentClassifier):
    """Forces `crisis` when the safety patterns fire; demotes unconfirmed guesses."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [IntentClassifier]

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"intent": CRISIS_INTENT, "demote_unconfirmed": True}

    def build_matcher(self) -> SafetyDetector:
        return default_detector()

    def process(self, messages: List[Message]) -> List[Message]:
        name = self.component_config.get("intent", CRISIS_INTENT)
        for message in messages:
            text = user_text(message)
            if text is None:
                continue
            ranking = list(message.get(INTENT_RANKING_KEY, []) or [])
            signal = self.matcher.detect(text)
            if signal is not None:
                top = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0}
                rest = [r for r in ranking if r.get(INTENT_NAME_KEY) != name]
                message.set(INTENT, dict(top), add_to_output=True)
                message.set(INTENT_RANKING_KEY, [dict(top)] + rest, add_to_output=True)
                message.set("safety", {"kind": signal.kind, "matched": signal.matched}, add_to_output=True)
                continue
            intent = message.get(INTENT) or {}
            if (
                self.component_config.get("demote_unconfirmed", True)
                and intent.get(INTENT_NAME_KEY) == name
                and not self.matcher.has_risk_word(text)
            ):
                rest = demote(ranking, name)
                if rest:
                    message.set(INTENT, dict(rest[0]), add_to_output=True)
                    message.set(INTENT_RANKING_KEY, rest, add_to_output=True)
        return messages
