"""What the rule-based NLU components share: the Rasa graph-component plumbing
around a matcher, and ranking arithmetic.

Building a matcher (spaCy patterns from the cue files, the catalogue and 444
municipalities) takes seconds, so it is built when Rasa loads the model (and
once per process, see bot/once.py), never per message."""

from __future__ import annotations

from typing import Any, Callable, Dict, Generic, List, Optional, Type, TypeVar

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

Ranking = List[Dict[str, Any]]


def user_text(message: Message) -> Optional[str]:
    """The words a person typed; None for an empty message or a button payload ("/affirm")."""
    text = message.get(TEXT) or ""
    return text if text and not text.startswith("/") else None


def renormalised(ranking: Ranking, keep: Callable[[str], bool]) -> Ranking:
    """The entries whose intent `keep` accepts, confidences rescaled to sum to 1 (P(intent | kept))."""
    rest = [dict(r) for r in ranking if keep(str(r.get(INTENT_NAME_KEY) or ""))]
    total = sum(float(r.get(PREDICTED_CONFIDENCE_KEY) or 0.0) for r in rest)
    if total > 0:
        for r in rest:
            r[PREDICTED_CONFIDENCE_KEY] = float(r.get(PREDICTED_CONFIDENCE_KEY) or 0.0) / total
    return rest


def set_ranking(message: Message, ranking: Ranking) -> None:
    """Make `ranking` the message's intent ranking and its first entry the intent; an empty ranking changes nothing
    (every component that drops an intent from the top does it this way)."""
    if ranking:
        message.set(INTENT, dict(ranking[0]), add_to_output=True)
        message.set(INTENT_RANKING_KEY, [dict(r) for r in ranking], add_to_output=True)


M = TypeVar("M")
C = TypeVar("C", bound="RuleComponent")


class RuleComponent(GraphComponent, Generic[M]):
    """A component that is nothing but a rule matcher: not trained, built at load.

    Subclasses say how to build their matcher from the component's config
    (`build_matcher`); tests can hand one in."""

    def __init__(self, config: Dict[str, Any], matcher: Optional[M] = None) -> None:
        self.component_config = config
        self._matcher = matcher

    @classmethod
    def create(
        cls: Type[C],
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> C:
        component = cls(config)
        _ = component.matcher  # build the patterns now, not on the first message
        return component

    def build_matcher(self) -> M:
        raise NotImplementedError

    @property
    def matcher(self) -> M:
        if self._matcher is None:
            self._matcher = self.build_matcher()
        return self._matcher
