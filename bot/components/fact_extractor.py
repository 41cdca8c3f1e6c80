"""FactExtractor: a rule-based Rasa entity extractor for catalogue facts.

Entities are named after facts (docs/CONTRACTS.md); the value is the fact's
normalised value as a string ("true", "corporation", "City of Toronto"). The
cues live in fact_cues.yml and the municipality directory; nothing is trained,
so editing either takes effect on the next start, without retraining.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.fact_matcher import FactMatcher, FactMention, default_matcher
from bot.components.shared import RuleComponent, user_text


def mention_to_entity(mention: FactMention, extractor: str = "FactExtractor") -> Dict[str, Any]:
    return {
        "entity": mention.fact,
        "value": mention.value,
        "start": mention.start,
        "end": mention.end,
        "confidence_entity": 1.0,
        "extractor": extractor,
    }


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class FactExtractor(RuleComponent[FactMatcher], EntityExtractorMixin):
    """Adds one entity per fact the message settles (see fact_matcher.py)."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"cues_path": None}

    def build_matcher(self) -> FactMatcher:
        cues_path = self.component_config.get("cues_path")
        return FactMatcher.from_files(cues_path) if cues_path else default_matcher()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = user_text(message)
            if text is None:
                continue
            found = [mention_to_entity(m, self.name) for m in self.matcher.extract(text)]
            if found:
                message.set(ENTITIES, list(message.get(ENTITIES, [])) + found, add_to_output=True)
        return messages
