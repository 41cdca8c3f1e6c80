"""Simple peers of the assistant, for `make bench`: what does each part add?

Each is trained on data/nlu only, with no rules, and scored on the same labelled sets as the assistant:
- `KeywordPeer`: the words that, in data/nlu, nearly always come with one life event ("funeral", "incorporate",
  "bébé"); a message has every event whose word it contains;
- `TfidfPeer`: TF-IDF word 1-2-grams and character 2-5-grams, one logistic regression over the intents;
- `EncoderPeer`: one logistic regression over the intents on the sentence encoder's frozen vectors
  (bot/components/encoder.py), the representation DIET and the HandoffClassifier get.
An intent stands for the life events it names ("bereavement+birth"); `crisis` means urgent.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, FrozenSet, List, Sequence, Set, Tuple

import numpy as np
import yaml

from bot.components.life_events import EVENTS, events_of

ROOT = Path(__file__).resolve().parents[2]
NLU_DIR = ROOT / "data" / "nlu"
CRISIS = "crisis"
WORD = re.compile(r"[^\W\d_]{3,}")


def training_examples(nlu_dir: Path = NLU_DIR) -> Tuple[List[str], List[str]]:
    """(texts, intents) of every example in data/nlu."""
    texts, intents = [], []
    for path in sorted(Path(nlu_dir).glob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            if not isinstance(block, dict) or "intent" not in block:
                continue
            for line in str(block.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    texts.append(line.strip()[2:])
                    intents.append(str(block["intent"]))
    return texts, intents


class Peer:
    name = ""

    def fit(self, texts: Sequence[str], intents: Sequence[str]) -> Peer:
        raise NotImplementedError

    def predict(self, texts: Sequence[str]) -> List[Tuple[FrozenSet[str], bool]]:
        """(life events, urgent) per text."""
        raise NotImplementedError


class KeywordPeer(Peer):
    """Words found with one event in at least `purity` of the examples holding them (and `min_count` times)."""

    name = "keywords"

    def __init__(self, purity: float = 0.85, min_count: int = 4, per_event: int = 40) -> None:
        self.purity, self.min_count, self.per_event = purity, min_count, per_event
        self.keywords: Dict[str, Set[str]] = {}

    def fit(self, texts: Sequence[str], intents: Sequence[str]) -> KeywordPeer:
        seen: Counter = Counter()
        with_event: Dict[str, Counter] = defaultdict(Counter)
        for text, intent in zip(texts, intents, strict=True):
            words = set(WORD.findall(text.lower()))
            seen.update(words)
            for event in events_of(intent):
                with_event[event].update(words)
        for event in EVENTS:
            pure = [
                (count, word)
                for word, count in with_event[event].items()
                if count >= self.min_count and count / seen[word] >= self.purity
            ]
            self.keywords[event] = {word for _, word in sorted(pure, reverse=True)[: self.per_event]}
        return self

    def predict(self, texts: Sequence[str]) -> List[Tuple[FrozenSet[str], bool]]:
        out = []
        for text in texts:
            words = set(WORD.findall(text.lower()))
            out.append((frozenset(e for e, keys in self.keywords.items() if keys & words), False))
        return out


class _IntentRegression(Peer):
    """A logistic regression over the intents on some features of the text."""

    C = 16.0

    def features(self, texts: Sequence[str]):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    def fit(self, texts: Sequence[str], intents: Sequence[str]) -> Peer:
        from sklearn.linear_model import LogisticRegression

        self.model = LogisticRegression(C=self.C, max_iter=3000, class_weight="balanced", random_state=42)
        self.model.fit(self.features(texts, fit=True), list(intents))
        return self

    def predict(self, texts: Sequence[str]) -> List[Tuple[FrozenSet[str], bool]]:
        return [(frozenset(events_of(i)), i == CRISIS) for i in self.model.predict(self.features(texts))]


class TfidfPeer(_IntentRegression):
    name = "tfidf_lr"

    def features(self, texts: Sequence[str], fit: bool = False):  # type: ignore[no-untyped-def]
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import make_union

        if fit:
            self.vectoriser = make_union(
                TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
                TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
            ).fit(texts)
        return self.vectoriser.transform(texts)


class EncoderPeer(_IntentRegression):
    name = "encoder_lr"

    def features(self, texts: Sequence[str], fit: bool = False) -> np.ndarray:
        from bot.components.encoder import embed

        return embed(list(texts))


def trained_peers(nlu_dir: Path = NLU_DIR) -> List[Peer]:
    texts, intents = training_examples(nlu_dir)
    return [peer.fit(texts, intents) for peer in (KeywordPeer(), TfidfPeer(), EncoderPeer())]


def score_peer(
    peer: Peer, texts: Sequence[str], events: Sequence[Set[str]], urgent: Sequence[object]
) -> Dict[str, object]:
    """Life events exactly right and urgent recall (None for a peer that cannot tell urgency)."""
    predicted = peer.predict(texts)
    exact = sum(set(p) == set(e) for (p, _), e in zip(predicted, events, strict=True))
    expected = [i for i, u in enumerate(urgent) if u]
    recall = None
    if expected and not isinstance(peer, KeywordPeer):
        recall = round(sum(predicted[i][1] for i in expected) / len(expected), 4)
    return {"event_exact_match": round(exact / max(1, len(texts)), 4), "urgent_recall": recall}
