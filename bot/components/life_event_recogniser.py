"""LifeEventRecogniser: the life events of a message, from the learned scores and the cues.

Runs after EventClassifier, DIETClassifier and FactExtractor, before FallbackClassifier and
SafetyOverride. For every message it:
- takes the EventClassifier's P(e) (`event_scores`; for a model without it, DIET's ranking);
- finds the life-event cues (life_events.py, phrases in life_event_cues.yml) when the message is
  written in a language of the cue file (`cue_languages`: the cues are English phrases; on French
  text they only match by accident, and the multilingual model decides alone);
- decides the events with `decide()` (rules in life_events.py's docstring, `event_threshold` here);
- writes them to the message as `life_events`: [{id, confidence, source}] in
  canonical order (every event, even beyond the two an intent can name).
  Rasa 3.6 keeps message keys set with add_to_output=True in the parse result
  (Message.as_dict(only_output_properties=True) in MessageProcessor), so
  /model/parse and the tracker's latest_message carry a top-level "life_events";
- when events are found and differ from DIET's top intent, makes their intent
  the top one ("bereavement+new_business": the two strongest, alphabetical, as
  the domain names them) with confidence max(0.8, the weakest event's), puts
  DIET's previous top intent back into the ranking and scales the rest of the
  ranking to share what is left, so FallbackClassifier's ambiguity check does
  not undo the decision;
- when no event is found but DIET's top intent is a life event (a veto such as
  "my dog died", or too little support), that intent is dropped from the top:
  the best non-event intent takes its place, ranking renormalised (as
  SafetyOverride demotes an unconfirmed crisis), and FallbackClassifier then
  judges whether what is left is confident enough.
It never overrides `crisis` or `request_human` (`keep_intents`), nor an answer
to the bot's question that DIET is fairly sure of (`answer_intents` at >= 0.5:
"yes I'm the executor" must reach the form as `affirm`). The events are still
reported, except for a crisis (DIET's or bot.safety's), where the crisis wins
over any life event (data/nlu/safety.yml) and `life_events` is empty unless
`events_on_crisis`.
"""

from __future__ import annotations

from typing import Any, Dict, List, Sequence, Type

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message

from bot.components.event_classifier import SCORES_KEY
from bot.components.life_events import (
    Decision,
    LifeEventMatcher,
    Thresholds,
    decide,
    default_matcher,
    events_of,
    intent_for,
    intent_mass,
    strongest,
)
from bot.components.shared import RuleComponent, renormalised, set_ranking, user_text
from bot.language import detect_language
from bot.safety import detect

LIFE_EVENTS_KEY = "life_events"
# DIET's ranking as it reached this component, before any rule changed it (`onewindow explain` shows it)
MODEL_RANKING_KEY = "model_intent_ranking"
CRISIS_INTENT = "crisis"


def cues_apply(text: str, languages: Sequence[str]) -> bool:
    """Whether the cue file's phrases count for `text`: written in one of their `languages`, or too short to
    tell. The cue file is English; on French text its phrases only match by accident."""
    language = detect_language(text)
    return language is None or language in languages


def life_events_output(decisions: Sequence[Decision]) -> List[Dict[str, Any]]:
    return [{"id": d.event, "confidence": d.confidence, "source": d.reason} for d in decisions]


def promote(ranking: Sequence[Dict[str, Any]], name: str, confidence: float) -> List[Dict[str, Any]]:
    """`name` first with `confidence`; every other entry (the previous top included) scaled to share 1 - confidence."""
    rest = [dict(r) for r in ranking if r.get(INTENT_NAME_KEY) != name]
    total = sum(float(r.get(PREDICTED_CONFIDENCE_KEY) or 0.0) for r in rest)
    room = max(0.0, 1.0 - confidence)
    if total > room:
        for r in rest:
            r[PREDICTED_CONFIDENCE_KEY] = float(r.get(PREDICTED_CONFIDENCE_KEY) or 0.0) * room / total
    return [{INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}] + rest


def without_events(ranking: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The ranking without life-event intents, renormalised (P(intent | no life event))."""
    return renormalised(list(ranking), lambda name: not events_of(name))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class LifeEventRecogniser(RuleComponent[LifeEventMatcher], IntentClassifier):
    """Decides the life events of a message from the learned event scores and rule-based cues."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [IntentClassifier]

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            "cues_path": None,  # another life_event_cues.yml (tests); None: the one next to this file
            "intent_floor": 0.8,  # lowest confidence of an intent set from the events
            "keep_intents": [CRISIS_INTENT, "request_human"],
            "answer_intents": ["affirm", "deny", "dont_know", "inform"],
            "answer_confidence": 0.5,
            "events_on_crisis": False,
            "event_threshold": 0.5,  # the learned P(e) that decides an event without a cue
            "cue_languages": ["en"],  # languages the cue file is written in (None: the text is too short to tell)
        }

    def build_matcher(self) -> LifeEventMatcher:
        cues_path = self.component_config.get("cues_path")
        return LifeEventMatcher.from_files(cues_path) if cues_path else default_matcher()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = user_text(message)
            if text is not None:
                self._process_one(message, text)
        return messages

    def _process_one(self, message: Message, text: str) -> None:
        intent = dict(message.get(INTENT) or {})
        ranking = [dict(r) for r in message.get(INTENT_RANKING_KEY) or []]
        message.set(MODEL_RANKING_KEY, [dict(r) for r in ranking], add_to_output=True)
        top = str(intent.get(INTENT_NAME_KEY) or "")
        scores = message.get(SCORES_KEY) or intent_mass(ranking)
        thresholds = Thresholds(event=float(self.component_config.get("event_threshold", 0.5)))
        languages = self.component_config.get("cue_languages") or []
        decisions = decide(scores, self.matcher.detect(text) if cues_apply(text, languages) else {}, thresholds)
        crisis = self._is_crisis(top, text)
        if crisis and not self.component_config.get("events_on_crisis", False):
            decisions = []
        message.set(LIFE_EVENTS_KEY, life_events_output(decisions), add_to_output=True)
        if crisis or self._keeps_intent(top, float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0)):
            return  # SafetyOverride (after this component), the person's request or the form decides the intent
        if decisions:
            self._set_events_intent(message, intent, ranking, decisions)
        elif events_of(top):
            self._drop_events_intent(message, ranking)

    def _keeps_intent(self, top: str, confidence: float) -> bool:
        if top in set(self.component_config.get("keep_intents") or []):
            return True
        answers = set(self.component_config.get("answer_intents") or [])
        return top in answers and confidence >= float(self.component_config.get("answer_confidence", 0.5))

    @staticmethod
    def _is_crisis(top: str, text: str) -> bool:
        return top == CRISIS_INTENT or detect(text) is not None

    def _set_events_intent(
        self, message: Message, intent: Dict[str, Any], ranking: List[Dict[str, Any]], decisions: Sequence[Decision]
    ) -> None:
        name = intent_for(decisions)
        floor = float(self.component_config.get("intent_floor", 0.8))
        confidence = round(max(floor, min(d.confidence for d in strongest(decisions))), 4)
        current = float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
        if name == intent.get(INTENT_NAME_KEY) and current >= floor:
            return  # DIET already says this, confidently
        if name == intent.get(INTENT_NAME_KEY):
            confidence = max(confidence, current)
        if not any(r.get(INTENT_NAME_KEY) == intent.get(INTENT_NAME_KEY) for r in ranking) and intent:
            ranking = [intent] + ranking  # the previous top intent stays visible in the ranking
        new_ranking = promote(ranking, name, confidence)
        set_ranking(message, new_ranking)

    @staticmethod
    def _drop_events_intent(message: Message, ranking: List[Dict[str, Any]]) -> None:
        set_ranking(message, without_events(ranking))
