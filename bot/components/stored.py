"""What the trainable scikit-learn components share (EventClassifier, HandoffClassifier).

Each fits its model in `train`, keeps it as one joblib file in Rasa's model storage, and is retrained when its
own code or the files its labels depend on change (`FINGERPRINTED`: Rasa's cache fingerprints only the config
and the training data). Their features are the same kind: TF-IDF word and character n-grams fitted on the
training texts, with the pretrained sentence vector beside them when weighted (`text_features`).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Type

import joblib
import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline, make_union

from bot.components.encoder import EncoderFeatures

ENCODER_FILE = Path(__file__).with_name("encoder.py")


def text_features(
    embeddings: float, word_min_df: int = 1, char_min_df: int = 2, max_char_features: Optional[int] = None
) -> FeatureUnion:
    """TF-IDF word 1-2-grams and character 2-5-grams (sublinear term frequency), and the sentence vector times
    `embeddings` when it is above 0."""
    parts: List[Any] = [
        TfidfVectorizer(ngram_range=(1, 2), min_df=word_min_df, sublinear_tf=True, lowercase=True),
        TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(2, 5),
            min_df=char_min_df,
            sublinear_tf=True,
            lowercase=True,
            max_features=max_char_features,
        ),
    ]
    if embeddings > 0:
        parts.append(EncoderFeatures(embeddings))
    return make_union(*parts)


def predict_one(pipeline: Pipeline, text: str) -> np.ndarray:
    """`pipeline.predict_proba([text])[0]` for a (text_features, classifier) pipeline, the same numbers without
    FeatureUnion's per-call joblib dispatch, which costs more than the features of one message (issue 19's
    profile: three of these run on every message)."""
    steps = [step for _, step in pipeline.steps]
    union = steps[0]
    if len(steps) != 2 or not isinstance(union, FeatureUnion) or union.transformer_weights:
        return pipeline.predict_proba([text])[0]
    parts = [part.transform([text]) for _, part in union.transformer_list if part not in (None, "drop")]
    return steps[1].predict_proba(sparse.hstack(parts).tocsr())[0]


class StoredModelComponent(GraphComponent):
    """A trainable component whose fitted model (`fitted`) is one joblib file in Rasa's model storage.

    Subclasses set MODEL_FILE and FINGERPRINTED, fit in `train` and call `persist()`. A model that was never
    stored (training data without what it learns) loads as `empty()`: the component stays silent."""

    MODEL_FILE: str = "model.joblib"
    FINGERPRINTED: Sequence[Path] = ()

    def __init__(
        self, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource, fitted: Any = None
    ) -> None:
        self.component_config = config
        self._model_storage = model_storage
        self._resource = resource
        self.fitted = self.empty() if fitted is None else fitted

    @staticmethod
    def empty() -> Any:
        return None

    @classmethod
    def required_components(cls) -> List[Type]:
        return []

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        digest = hashlib.sha256()
        for path in cls.FINGERPRINTED:
            digest.update(path.read_bytes() if path.exists() else b"")
        return digest.hexdigest()

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> StoredModelComponent:
        return cls(config, model_storage, resource)

    def persist(self) -> Resource:
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump(self.fitted, Path(directory) / self.MODEL_FILE)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> StoredModelComponent:
        try:
            with model_storage.read_from(resource) as directory:
                fitted = joblib.load(Path(directory) / cls.MODEL_FILE)
        except (ValueError, FileNotFoundError):
            fitted = None
        return cls(config, model_storage, resource, fitted)
