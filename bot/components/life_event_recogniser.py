"""LifeEventRecogniser: DIET's life events, checked and completed by rule-based cues.

Runs after DIETClassifier and FactExtractor, before FallbackClassifier and
SafetyOverride. For every message it:
- finds the life-event cues (life_events.py, phrases in life_event_cues.yml) and
  decides the events with `decide()` (rules in life_events.py's docstring);
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
`events_on_crisis`. When DIET's top intent is one of `keep_intents`, the events
are decided on its ranking without those intents (`_for_events`): "my brothers
changed the locks on Dad's house" may look like a crisis to DIET, but which
events it speaks of is a question apart.
"""

from __future__ import annotations

from typing import Any, Dict, List, Sequence, Tuple, Type

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message

from bot.components.life_events import (
    Decision,
    LifeEventMatcher,
    decide,
    default_matcher,
    events_of,
    intent_for,
    strongest,
)
from bot.components.shared import RuleComponent, renormalised, set_ranking, user_text
from bot.safety import detect

LIFE_EVENTS_KEY = "life_events"
# DIET's ranking as it reached this component, before any rule changed it (`onewindow explain` shows it)
MODEL_RANKING_KEY = "model_intent_ranking"
CRISIS_INTENT = "crisis"


def _for_events(
    ranking: List[Dict[str, Any]], intent: Dict[str, Any], apart: Sequence[str]
) -> Tuple[List[Dict[str, Any]], Dict[str, Any]]:
    """The ranking the events are decided on. A crisis or a request for a person (`apart`) is a question of its
    own, answered by SafetyOverride and the handoff rules; which events the message speaks of is another. So a
    weak cue's support is DIET's mass for the event without those intents (P(e | not crisis)), while the top
    intent keeps its own confidence: DIET is never "sure" of an event (rule 5) that it ranked below them."""
    if intent.get(INTENT_NAME_KEY) not in apart:
        return ranking, intent
    rest = renormalised(ranking, lambda name: name not in apart)
    if not rest:
        return ranking, intent
    top = rest[0].get(INTENT_NAME_KEY)
    raw = next((r for r in ranking if r.get(INTENT_NAME_KEY) == top), {})
    return rest, {INTENT_NAME_KEY: top, PREDICTED_CONFIDENCE_KEY: raw.get(PREDICTED_CONFIDENCE_KEY, 0.0)}


def life_events_output(decisions: Sequence[Decision]) -> List[Dict[str, Any]]:
    """The `life_events` value: one entry per event, canonical order."""
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
    """Decides the life events of a message from DIET's ranking and rule-based cues."""

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
        event_ranking, event_top = _for_events(ranking, intent, self.component_config.get("keep_intents") or [])
        decisions = decide(event_ranking, self.matcher.detect(text), event_top)
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
