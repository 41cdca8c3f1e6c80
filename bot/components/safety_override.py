"""SafetyOverride: `crisis` is decided by the safety rules, not by chance.

Runs last in the NLU pipeline (after the intent classifier and the
FallbackClassifier):
- when bot.safety.detect() finds a crisis signal, the intent becomes `crisis`
  with confidence 1.0 and the original ranking follows it, so a crisis is never
  lost to a low-confidence fallback or a life event (urgent recall);
- when no pattern fires but the HandoffClassifier (earlier in the pipeline)
  judges the message urgent, the intent becomes `crisis` too, with `safety`
  {"kind": null, "source": "learned"}: the general crisis referral (911,
  9-8-8, 211). `learned_needs_risk_word: true` would also ask for one of the
  `confirm_words`; on the development sets that halved what the model found
  (the words of a crisis are more varied than any list). But when the rules find a
  quarrel or a refusal (complex_cases.yml `heated_not_dangerous`), the model's
  alarm needs such a word: "my brother changed the locks on Dad's house" is the
  heat of an estate dispute, not a danger;
- when the classifier alone says `crisis` but no pattern fires and the message
  has none of the words that can go with a crisis (patterns.yml
  `confirm_words`), or the HandoffClassifier gives it less than
  `confirm_confidence`, `crisis` is demoted and the next intent wins, with the
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

from bot.components.handoff_classifier import SIGNALS_KEY
from bot.components.shared import RuleComponent, renormalised, set_ranking, user_text
from bot.handoff.rules import heated_not_dangerous
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
        return {
            "intent": CRISIS_INTENT,
            "demote_unconfirmed": True,
            "learned_urgent": True,
            "learned_needs_risk_word": False,
            "confirm_confidence": 0.5,
        }

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
                self._set_crisis(message, ranking, {"kind": signal.kind, "matched": signal.matched, "source": "rules"})
                continue
            if self._learned_urgent(message, text):
                self._set_crisis(message, ranking, {"kind": None, "matched": None, "source": "learned"})
                continue
            intent = message.get(INTENT) or {}
            if (
                self.component_config.get("demote_unconfirmed", True)
                and intent.get(INTENT_NAME_KEY) == name
                and not self._confirmed(message, text)
            ):
                set_ranking(message, demote(ranking, name))
        return messages

    def _learned_urgent(self, message: Message, text: str) -> bool:
        """The HandoffClassifier's `urgent` (and, if so configured, a word that can go with a crisis)."""
        if not self.component_config.get("learned_urgent", True):
            return False
        if not (message.get(SIGNALS_KEY) or {}).get("urgent"):
            return False
        if self.component_config.get("learned_needs_risk_word", False) or heated_not_dangerous(text):
            return self.matcher.has_risk_word(text)
        return True

    def _confirmed(self, message: Message, text: str) -> bool:
        """DIET's `crisis` needs a word that can go with a crisis and, when the HandoffClassifier has
        spoken, at least `confirm_confidence` from it ("renewing my passport is killing me")."""
        if not self.matcher.has_risk_word(text):
            return False
        signals = message.get(SIGNALS_KEY)
        if not signals:
            return True
        return float(signals.get("urgent_confidence") or 0.0) >= float(self.component_config["confirm_confidence"])

    def _set_crisis(self, message: Message, ranking: List[Dict[str, Any]], safety: Dict[str, Any]) -> None:
        name = self.component_config.get("intent", CRISIS_INTENT)
        top = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0}
        rest = [r for r in ranking if r.get(INTENT_NAME_KEY) != name]
        message.set(INTENT, dict(top), add_to_output=True)
        message.set(INTENT_RANKING_KEY, [dict(top)] + rest, add_to_output=True)
        message.set("safety", safety, add_to_output=True)
