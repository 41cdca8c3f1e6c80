"""SentenceEncoderFeaturizer: the pretrained encoder's vector as a dense sentence feature for DIET.

DIET learns from the sparse word and character counts (CountVectorsFeaturizer) and, with this component, from
the message's sentence vector (bot/components/encoder.py) beside them: DIET appends sentence features to the
sequence as its last token, whose output it classifies, so a phrasing unlike every training example still lands
near the examples that mean the same, in English or French. Like Rasa's LanguageModelFeaturizer it sets a
sentence feature; it sets no sequence feature (the encoder gives no per-token vectors), which DIET accepts.

Not trainable: the encoder is frozen. Its version is part of the fingerprint, so another encoder retrains the
model.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Type

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components import encoder


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds the encoder's sentence vector (times `scale`) to every message's text features."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {**DenseFeaturizer.get_default_config(), "scale": 1.0}

    @classmethod
    def validate_config(cls, config: Dict[str, Any]) -> None:
        if float(config.get("scale", 1.0)) <= 0:
            raise ValueError("SentenceEncoderFeaturizer: 'scale' must be positive")

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        return f"{encoder.PACKAGE}=={encoder.version()}"

    def __init__(self, config: Dict[str, Any], execution_context: ExecutionContext) -> None:
        super().__init__(execution_context.node_name, config)
        self.scale = float(config.get("scale", 1.0))

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEncoderFeaturizer:
        encoder.get_encoder()  # load the weights with the model, not on the first message
        return cls(config, execution_context)

    def _featurize(self, messages: List[Message]) -> None:
        with_text = [m for m in messages if m.get(TEXT)]
        if not with_text:
            return
        vectors = encoder.embed([str(m.get(TEXT)) for m in with_text]) * self.scale
        for message, vector in zip(with_text, vectors, strict=True):
            self.add_features_to_message(
                sequence=None, sentence=np.asarray(vector, dtype=np.float32)[None, :], attribute=TEXT, message=message
            )

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize(list(training_data.training_examples))
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        self._featurize(messages)
        return messages
